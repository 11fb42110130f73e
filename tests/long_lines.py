"""Hostile inputs for the cost tests: a real licence holding one line of n characters.

A red team found one long line inside a licence cost time quadratic in its length. The kinds of
line below are those that reached different mechanisms (the layout's views, the business text,
the clause reader, the review page); each is built from pieces a licence really has, so the rules
read them as they would read a licence, only far longer. Usable as a script to write such files
for profiling: `python tests/long_lines.py OUT_DIR 10000 20000 40000`.
"""

from __future__ import annotations

import itertools
import random
import sys
from pathlib import Path

RAW = Path(__file__).resolve().parent.parent / "corpus" / "raw"

# Pieces each kind of line repeats (chosen at random, seeded) until it is n characters long.
PIECES = {
    # Chinese with no punctuation and no label: one run the sentence splitter cannot cut.
    "hanzi": ["你公司应当按照", "电信主管部门", "要求开展业务", "经营活动", "网络与信息安全", "互联网数据中心", "北京上海广州"],
    # What the business block and its labels are made of, on one line.
    "labels": ["业务种类", "服务项目", "业务覆盖范围", "不含", "、", "，", ",", "互联网信息服务", "在线数据处理与交易处理业务",
               "(", ")", "：", "全国", "经营许可证编号", "变更", "原"],
    # One run of what a licence number is made of (digits, code letters, - and .), nothing between.
    "digits": ["2021", "0622", "20195402", "B1", "-", ".", "123456789"],
    # Dates and numbers the way licences print them, spaced.
    "dates": ["2021年06月22日", "B1-20195402", "20240101", " ", "-", "2024.10.14", "(2019)", "第11号"],
    # Blanks alone, as a tool pads a table row or a form's empty field: spaces, tabs, ideographic spaces.
    "blanks": [" ", " ", " ", "\t", "\u3000"],
    # Formal numerals and what OCR misreads them as (什 for 仟 or 拾): an amount that never ends.
    "numerals": ["玖", "伍", "佰", "万", "什", "O", "参", "壹"],
}
KINDS = tuple(PIECES)
# Where the line goes: after the business block, inside the 特别规定事项, or as the value of a
# field (注册资本: …) of the front page.
PLACES = ("business", "provisions", "value")


def long_line(kind: str, n: int, seed: int = 0) -> str:
    """A line of exactly n characters made of kind's pieces."""
    rng = random.Random(seed)
    parts, length = [], 0
    while length < n:
        parts.append(rng.choice(PIECES[kind]))
        length += len(parts[-1])
    return "".join(parts)[:n]


def licence_with_long_line(kind: str, n: int, place: str = "business", crlf: bool = False,
                           licence: str = "000_71bd26811b5d6e82.txt") -> str:
    """A real licence of corpus/raw with a long line of kind inserted at place; crlf ends every
    line with CR LF (a Windows file)."""
    text = (RAW / licence).read_text("utf-8")
    anchor, before, after = {"business": ("\n\n发证日期", "", ""), "provisions": ("\n\n二、", "", ""),
                             "value": ("\n\n法定代表人", "注册资本: ", "元")}[place]
    at = text.index(anchor)
    text = f"{text[:at]}\n{before}{long_line(kind, n)}{after}{text[at:]}"
    return text.replace("\n", "\r\n") if crlf else text


def main(argv: list[str]) -> None:
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for n in map(int, argv[1:]):
        for kind, place, crlf in itertools.product(KINDS, PLACES, (False, True)):
            name = f"{kind}-{place}{'-crlf' if crlf else ''}-{n}.txt"
            (out / name).write_bytes(licence_with_long_line(kind, n, place, crlf).encode("utf-8"))


if __name__ == "__main__":
    main(sys.argv[1:])
