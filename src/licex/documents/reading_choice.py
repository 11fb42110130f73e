"""Which of two readings of a page reads better, judged by what the text says.

A page of a text layer can be read in two orders: from its geometry (`reading_order`: lines,
cells, table rows) and in the order its producer wrote the glyphs (its content order). Geometry
is right for most producers, and the only order a scan has; but a page it misreads (a frame taken
for one big cell, two blocks of text side by side whose lines interleave) must never read worse
than the producer's own order. Each reading is scored by what a licence reader can get from it:

- a field label (patterns/field_labels.jsonl) that starts its line or cell, or follows a space,
  a colon or a bracket, and whose value up to the next label or cell reads as a value of its field
  and looks like one (values.read_value, values.plausible): +1;
- a label run on after other text (`…有限公司法定代表人…`: a line of several fields read as one):
  -1, so a run-on line of fields scores no better than the same fields on lines of their own
  minus one for each field run on. In running text (a cell with sentence punctuation) a label's
  words count only with a colon after them: a clause says 业务覆盖范围 wherever its lines break;
- a date that reads whole (年 月 日 in their order, digits or Chinese numerals): +1, so a date
  interleaved with a line beside it (`发证日华期：2017尚行…`) counts against its reading;
- a business of the catalogue named whole (第一类增值电信业务中的…业务): +1.

Both readings hold the same characters, so their scores compare directly; geometry is kept on a
tie.
"""

from __future__ import annotations

import re
from functools import lru_cache

# A date as licences print it: 2017年09月18日, 2017 年 9 月 18 日, 二〇一九年三月十二日.
_DATE_RE = re.compile(r"(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
                      r"\s*[\d一二三四五六七八九十]{1,3}\s*日")
# A business named with its category, as the catalogue prints it.
_BUSINESS_RE = re.compile(r"第[一二]类增值电信业务中的[\u4e00-\u9fff、]{2,20}?业务")
# What may stand before a label that starts a field: the start of a cell, a space, a colon, an
# opening bracket ((服务项目)), a list mark, a conjunction (业务种类及覆盖范围: a label cell that
# wrapped).
_FIELD_START = " \u3000:：(（[【、,，;；及和与"
_VALUE_DECORATION = " \u3000:：)）"
# Running text: a cell with sentence punctuation. Label words in it (…按照许可的业务覆盖范围…) are
# no fields unless a colon follows them; a reading that breaks lines inside them must not gain.
_SENTENCE_RE = re.compile(r"[，。；,;]")
_COLON_RE = re.compile(r"\s*[:：]")


@lru_cache(maxsize=1)
def _labels() -> tuple[re.Pattern[str], dict[str, str]]:
    from licex.fields.labels import default_label_words

    words = default_label_words()
    names = {name: label for name, label, _ in words.entries if label is not None and len(name) >= 2}
    pattern = re.compile("|".join(re.escape(name) for name in sorted(names, key=len, reverse=True)))
    return pattern, names


def reading_score(text: str) -> int:
    """How well a page's reading reads as a licence (see the module docstring)."""
    pattern, label_of = _labels()
    score = len(_DATE_RE.findall(text)) + len(_BUSINESS_RE.findall(text))
    for line in text.split("\n"):
        cells = line.split("\t")
        for c, cell in enumerate(cells):
            hits = list(pattern.finditer(cell))
            running = _SENTENCE_RE.search(cell) is not None
            for i, hit in enumerate(hits):
                if running and not _COLON_RE.match(cell, hit.end()):
                    continue  # a label's words in running text (a clause), wherever its lines break
                if hit.start() and cell[hit.start() - 1] not in _FIELD_START:
                    score -= 1
                end = hits[i + 1].start() if i + 1 < len(hits) else len(cell)
                value = cell[hit.end():end].strip(_VALUE_DECORATION)
                if not value and end == len(cell) and c + 1 < len(cells):  # a label cell: its value is the next
                    following = cells[c + 1]
                    first = pattern.search(following)
                    value = following[:first.start() if first else len(following)].strip(_VALUE_DECORATION)
                if value and _reads(label_of[hit.group()], value):
                    score += 1
    return score


def _reads(label: str, value: str) -> bool:
    from licex.fields.values import plausible, read_value

    try:
        read = read_value(label, value)
    except (ValueError, KeyError):  # a value no field kind reads
        return False
    return read is not None and plausible(label, read)


def better_reading(candidate: str, current: str) -> bool:
    """Whether the reading `candidate` reads strictly better than `current` (reading_score)."""
    return reading_score(candidate) > reading_score(current)
