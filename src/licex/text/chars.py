"""The text basics every reader of a licence shares: Unicode folding, whitespace, OCR-spaced
words, Chinese numerals, dates and the provinces.

Each is defined here once; the layout, the rules, the value readers and the generator import
them, so a date, a province or a folded character means the same thing everywhere.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from licex.text.hanzi import to_simplified
from licex.patterns import read_jsonl

WHITESPACE_RE = re.compile(r"\s+")
CN_NUMERAL = "[一二三四五六七八九十百零〇]"


def nfkc(text: str | None) -> str:
    """The text as values are read: NFKC (full-width letters, digits and punctuation become
    ASCII), traditional characters as simplified (人民幣 reads 人民币), one for one."""
    return to_simplified(unicodedata.normalize("NFKC", text or ""))


@lru_cache(maxsize=65536)
def nfkc_char(char: str) -> str:
    """One character as the rules read it: NFKC, with ideographic and no-break spaces plain spaces.

    Cached per character (a licence uses a few hundred distinct ones), never per text.
    """
    folded = unicodedata.normalize("NFKC", char)
    return " " if folded.isspace() and folded not in "\n\t" else folded


class Lookalike(BaseModel):
    """One row of patterns/lookalikes.jsonl: what OCR prints (`printed`) for what the text says
    (`reads`, likeliest first) `where`: in an amount, a clause number, a date, a licence number's
    province, its category code or its digits, a credit code, a share ratio."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    where: Literal["amount", "clause_number", "date", "licence_province", "licence_code", "licence_number", "credit_code",
                   "ratio"]
    printed: str = Field(min_length=1)
    reads: list[str] = Field(min_length=1)
    why: str


@lru_cache(maxsize=1)
def _lookalike_rows() -> tuple[Lookalike, ...]:
    rows = []
    for line, row in enumerate(read_jsonl("lookalikes.jsonl"), start=1):
        try:
            rows.append(Lookalike.model_validate(row))
        except ValidationError as error:
            raise ValueError(f"patterns/lookalikes.jsonl row {line}: {error.errors()[0]['msg']}") from None
    return tuple(rows)


def lookalikes(where: str) -> dict[str, list[str]]:
    """What OCR prints `where` (see Lookalike), each with what it may stand for, likeliest first."""
    return {row.printed: row.reads for row in _lookalike_rows() if row.where == where}


def digit_lookalikes(where: str) -> dict[str, str]:
    """The look-alikes `where` that stand for an ASCII digit, each with the first it stands for."""
    return {printed: next(r for r in reads if r.isascii() and r.isdigit())
            for printed, reads in lookalikes(where).items() if any(r.isascii() and r.isdigit() for r in reads)}


def numeral_readings(text: str, lookalikes: dict[str, list[str]]) -> Iterator[str]:
    """Every reading of `text` with each look-alike in it read as one of its numerals, likeliest
    first, made as they are asked for: there are exponentially many in the look-alikes."""
    return map("".join, itertools.product(*(lookalikes.get(char, [char]) for char in text)))


# The mark that separates the items of a list (北京、上海): a value that ends or starts with it
# is part of a list that goes on beyond it.
LIST_MARK = "、"


def without_whitespace(text: str) -> str:
    return WHITESPACE_RE.sub("", text)


# Between the characters of a label: spaces on its line, or a cell gap (a tab) between every two
# of them where the label is spread over its cell (公\t司\t名\t称), or any whitespace where it
# wraps. A tab between some of its characters and none between others is no label but a value's
# last characters before the next cell (交易处理业务\t覆 盖 范 围 holds no 业务覆盖范围).
_SAME_LINE_GAP = r"[^\S\n\t]*"
_CELL_GAP = r"[^\S\n\t]*\t[^\S\n]*"
_ANY_GAP = r"\s*"


def spaced(text: str) -> str:
    """A regex for `text` that tolerates the spaces OCR puts between characters (公 司 名 称),
    and a line break inside it only where it starts a line (a label wrapped in its cell): the
    `业务` that ends a value line is no part of the label `覆盖范围` on the next."""
    chars = [re.escape(char) for char in text if not char.isspace()]
    same_line, wrapped = _SAME_LINE_GAP.join(chars), _ANY_GAP.join(chars)
    if len(chars) > 1:
        same_line = f"{same_line}|{_CELL_GAP.join(chars)}"
    return rf"(?:{same_line}|(?<![^\n]){wrapped})"



# -- dates -----------------------------------------------------------------------------------------
# A year, month and day written with digits or Chinese numerals (2021年6月22日, 二〇二一年六月二十二日,
# 17年5月23日) or digits with - . / between them (2021.6.22), OCR spaces tolerated, with what OCR
# prints for a digit or 〇 (patterns/lookalikes.jsonl, date: O for 0 in 2O21年, ○ for 〇). Whether
# the parts make a real date is for normalize.normalize_date to decide.
DATE_LOOKALIKES = lookalikes("date")
DATE_YEAR_CHARS = "0-9" + "".join(map(re.escape, DATE_LOOKALIKES)) + "〇零一二三四五六七八九"
DATE_DAY_CHARS = "0-9" + "".join(map(re.escape, digit_lookalikes("date"))) + "一二三四五六七八九十"
# Four figures, two (17年), or three Chinese numerals after 二 (二二二年: OCR lost the 〇 of 二〇二二).
_YEAR = (rf"(?:[{DATE_YEAR_CHARS}][ \t]*){{3}}[{DATE_YEAR_CHARS}]|二(?:[ \t]*[一二三四五六七八九]){{2}}"
         rf"|[{DATE_YEAR_CHARS}][ \t]*[{DATE_YEAR_CHARS}]")
_DAY = rf"(?:[{DATE_DAY_CHARS}][ \t]*){{0,2}}[{DATE_DAY_CHARS}]"
# OCR misreads 年 and 月 as other ideographs (2012生03月28日, 2015年11具02日): between digits, one
# ideograph stands for the one a date has there.
_MISREAD_UNIT = r"(?<=[0-9])[\u4e00-\u9fff](?=[ \t]*[0-9])"
DATE_RE = re.compile(
    rf"(?<![{DATE_YEAR_CHARS}十])(?P<year>{_YEAR})[ \t]*(?:年|[-./]|{_MISREAD_UNIT})[ \t]*(?P<month>{_DAY})[ \t]*"
    rf"(?:月|[-./]|{_MISREAD_UNIT})[ \t]*(?P<day>{_DAY})(?:[ \t]*日)?(?![0-9])"
)
# A date under a stamp or signature, printed with 年月日 and any part maybe left blank (年 月 日).
STAMP_DATE_RE = re.compile(
    rf"(?:(?:[{DATE_YEAR_CHARS}][ \t]*){{2,4}})?年[ \t]*(?:{_DAY}[ \t]*)?月[ \t]*(?:{_DAY}[ \t]*)?日"
)


# -- provinces -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Province:
    abbr: str  # 京, the character licence numbers start with
    name: str  # 北京市
    short: str  # 北京, as coverage lists print it


# The 31 provincial-level divisions of the mainland (patterns/provinces.jsonl).
PROVINCES: tuple[Province, ...] = tuple(Province(**row) for row in read_jsonl("provinces.jsonl"))
