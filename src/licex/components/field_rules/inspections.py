"""Annual inspection entries: 你公司 2002 年度年检合格 … 2003 年 4 月 1 日."""

from __future__ import annotations

import re

from spacy.util import registry

from licex.fields.normalize import normalize_date
from licex.text.chars import DATE_RE
from licex.components.field_rules.hits import Hit
from licex.components.field_rules.reading import Reader, Reading

# 2002 年度年检合格, 2011年度年检结果为:基本合格, 2019年度年报:已报送. Each optional word takes the
# blanks after it: blanks left to two `\s*` in a row would be split between them every way.
_INSPECTION_RE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年\s*(?:度\s*)?(?:的\s*)?(?:年\s*检|年\s*报|年\s*度\s*检\s*验|年\s*度\s*报\s*告)"
    r"\s*(?:结\s*果\s*)?(?:为\s*)?(?::\s*)?"
    r"(?P<result>不\s*合\s*格|基\s*本\s*合\s*格|合\s*格|通\s*过|已\s*报\s*送)"
)
_ENTRY_END_RE = re.compile(r"经\s*审\s*核|年\s*检\s*合\s*格|\t")
# How far after an entry its stamp date is looked for.
_DATE_WINDOW = 120


@registry.misc("licex.reader.inspections.v1")
def make_inspections_reader() -> Reader:
    """The year, result and stamp date of each annual inspection entry (found_by `entry`)."""
    return read_inspections


def read_inspections(reading: Reading) -> list[Hit]:
    layout = reading.layout
    text = layout.view.text
    hits = []
    for match in _INSPECTION_RE.finditer(text):
        if layout.in_special(match.start()):
            continue
        hits.append(Hit("INSPECTION_YEAR", *match.span("year"), found_by="entry"))
        hits.append(Hit("INSPECTION_RESULT", *match.span("result"), found_by="entry"))
        # The stamp date follows the entry, before the next entry or table cell begins.
        following = _ENTRY_END_RE.search(text, match.end(), match.end() + _DATE_WINDOW)
        window_end = following.start() if following else min(len(text), match.end() + _DATE_WINDOW)
        date = DATE_RE.search(text, match.end(), window_end)
        if date and normalize_date(date.group(0)):
            hits.append(Hit("INSPECTION_DATE", *date.span(), found_by="entry"))
    return hits
