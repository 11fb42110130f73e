"""The structure of the 特别规定事项: clause segmentation and clause numbering.

Top-level clauses start with `十五、`, sub-clauses with `(三)`, each at the start of a line or
right after a sentence end. A marker counts only where it continues the numbering (a gap of one
is tolerated for an OCR slip), so numbers quoted inside a clause are never taken for clauses.
A clause runs to the next clause; page headers and signature blocks that a page break put
inside it are skipped when its text is read, and never end it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .layout import Layout
from .normalize import chinese_to_int, int_to_chinese, parse_business
from .text import CN_NUMERAL, without_whitespace

_MARKER_RE = re.compile(
    r"(?:^|(?<=[\n。:;]))[ \t]*(?:(?P<top>" + CN_NUMERAL + r"{1,3})[ \t]*[、.]|\([ \t]*(?P<sub>" + CN_NUMERAL + r"{1,3})[ \t]*\))"
)
_SECTION_HEADER_RE = re.compile(r"经营(?P<business>.{2,60}?业务)(?:时|的)[,]?(?:应当|应)?遵守(?:下列|以下|如下)规定")
# `(适用于信息搜索查询服务)` says which service a sub-clause applies to; the obligation follows it.
_APPLICABILITY_RE = re.compile(r"^\((?:仅)?适用于[^()]*\)")
_NUMBER_RE = re.compile(r"^\s*(?:(?P<top>" + CN_NUMERAL + r"+)\s*[、.]|\(\s*(?P<sub>" + CN_NUMERAL + r"+)\s*\))")


@dataclass(frozen=True)
class ClauseSegment:
    """A clause found in the text, in original offsets."""

    start: int
    end: int
    top: int  # the top-level number (15 for 十五 and for 十五(三))
    sub: int | None  # the sub-clause number, None for a top-level clause
    body: str  # the clause text without its number, page noise or whitespace, for labelling
    section_business: str | None  # the business code of the section a sub-clause belongs to
    is_section_header: bool

    @property
    def number(self) -> str:
        return clause_number(self.top, self.sub)


def clause_number(top: int, sub: int | None) -> str:
    """`十五` or `十五(三)`, the record's clause number form."""
    base = int_to_chinese(top)
    return base if sub is None else f"{base}({int_to_chinese(sub)})"


_REPEATED_CHAR_RE = re.compile(r"(.)\1+")


def clause_numeral(text: str) -> int | None:
    """The number a clause marker's numeral gives. No clause numeral repeats a character next to
    itself (二十二 has 十 between), so a doubled one is an OCR stutter: 八八 reads 八."""
    return chinese_to_int(_REPEATED_CHAR_RE.sub(r"\1", text))


def segment_clauses(layout: Layout) -> list[ClauseSegment]:
    """All clauses of the licence's 特别规定事项, in text order."""
    if layout.special is None:
        return []
    view = layout.view
    region_start, region_end = layout.special
    noise = _Noise(layout, region_start, region_end)
    markers: list[tuple[int, int, int | None]] = []  # view start, top, sub
    top = sub = 0
    for match in _MARKER_RE.finditer(view.text, region_start, region_end):
        start = match.start("top") if match.group("top") else match.start() + match.group(0).index("(")
        if noise.covers(start):
            continue
        if match.group("top"):
            number = clause_numeral(match.group("top"))
            if number is not None and top < number <= top + 2:
                top, sub = number, 0
                markers.append((start, top, None))
        elif top:
            number = clause_numeral(match.group("sub"))
            if number is not None and sub < number <= sub + 2:
                sub = number
                markers.append((start, top, sub))
    segments = []
    business = None
    for i, (start, top_no, sub_no) in enumerate(markers):
        limit = markers[i + 1][0] if i + 1 < len(markers) else region_end
        text = noise.content(view.text, start, limit)
        # The clause ends at its last content character, never inside trailing page noise.
        end = noise.last_content_end(view.text, start, limit)
        body = without_whitespace(text)
        body = _NUMBER_RE.sub("", body, count=1)
        body = _APPLICABILITY_RE.sub("", body, count=1)
        is_header = sub_no is None and is_section_header(body)
        if sub_no is None:
            business = section_business(body) if is_header else None
        original_start, original_end = view.original_span(start, end)
        segments.append(ClauseSegment(original_start, original_end, top_no, sub_no, body,
                                      business if (sub_no is not None or is_header) else None, is_header))
    return segments


def is_section_header(body: str) -> bool:
    """Whether a top-level clause is the `你公司在经营X业务时应当遵守下列规定` line of a section."""
    return bool(_SECTION_HEADER_RE.search(without_whitespace(body)))


def section_business(body: str) -> str | None:
    """The business code a section-header clause names, or None when it names none."""
    header = _SECTION_HEADER_RE.search(without_whitespace(body))
    parsed = parse_business(header.group("business")) if header else None
    return parsed.code if parsed else None


class _Noise:
    """The page-noise lines (headers, titles, signatures) of a region, for lookups by offset."""

    def __init__(self, layout: Layout, start: int, end: int) -> None:
        lines = layout.lines[layout.line_index(start):layout.line_index(end) + 1]
        ranges = [(line.start, line.end) for line in lines if line.is_noise]
        self.starts = [a for a, _ in ranges]
        self.ends = [b for _, b in ranges]

    def _at(self, pos: int) -> int | None:
        """The index of the noise range that holds pos, if one does."""
        i = bisect.bisect_right(self.starts, pos) - 1
        return i if i >= 0 and pos < self.ends[i] else None

    def covers(self, pos: int) -> bool:
        return self._at(pos) is not None

    def content(self, text: str, start: int, end: int) -> str:
        """text[start:end] without the noise lines in it."""
        parts = []
        pos = start
        for i in range(bisect.bisect_right(self.ends, start), bisect.bisect_left(self.starts, end)):
            parts.append(text[pos:self.starts[i]])
            pos = self.ends[i]
        parts.append(text[pos:end])
        return "".join(parts)

    def last_content_end(self, text: str, start: int, end: int) -> int:
        """The end of the last character in [start, end) that is neither whitespace nor noise."""
        pos = end
        while pos > start:
            pos = start + len(text[start:pos].rstrip())
            i = self._at(pos - 1) if pos > start else None
            if i is None:
                return pos
            pos = max(start, self.starts[i])
        return start
