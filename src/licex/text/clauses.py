"""The structure of the 特别规定事项: clause segmentation and clause numbering.

Top-level clauses start with `十五、`, sub-clauses with `(三)`, each at the start of a line or
right after a sentence end. A marker counts only where it continues the numbering (a gap is
tolerated for a marker OCR lost), so numbers quoted inside a clause are never taken for clauses;
a marker OCR misread (一、 for 二、, (己) for (一), 十入 for 十六) is numbered by the sequence
(_numbered).
A clause runs to the next clause; page headers and signature blocks that a page break put
inside it are skipped when its text is read, and never end it.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from licex.fields.labels import PAGE_NUMBER
from licex.text.layout import Layout
from licex.fields.normalize import chinese_to_int, int_to_chinese, parse_business
from licex.text.chars import CN_NUMERAL, lookalikes, numeral_readings, without_whitespace

# Characters OCR prints for a clause numeral (+ for 十, 入 for 八 or 六).
_LOOKALIKES = lookalikes("clause_number")
_NUMERAL_LIKE = "[" + CN_NUMERAL[1:-1] + re.escape("".join(_LOOKALIKES)) + "]"
# A clause marker: `十五、` (or with . or , for the 、, as OCR reads it) or `(三)`, at a line start
# or after a sentence end. OCR may drop one bracket of a sub-clause's (`六)`, `(三`), read 《 for
# (, put a stray / inside, print a stray character before a line's top-level numeral (人六、) or
# for a sub-clause's opening bracket (人五)), or read a sub-clause's numeral as an ideograph that
# is none ((己), or (夕 and (加 for `(八)` before the 你公司 every sub-clause starts with): the
# numbering says which. Each blank before a numeral belongs to one `[ \t]*` (a run of blanks
# split between two would be tried every way).
_MARKER_RE = re.compile(
    r"(?:^|(?<=[\n。:;]))[ \t]*(?:"
    rf"(?P<stray>[^\s\d、.,()《》{CN_NUMERAL[1:-1]}]?)(?P<top>{_NUMERAL_LIKE}{{1,3}})[ \t]*[、.,]"
    rf"|(?:(?:(?P<open>[(《])|(?P<sub_stray>[\u4e00-\u9fff](?={_NUMERAL_LIKE}{{1,3}}\))))[ \t/]*|/[ \t/]*)?"
    rf"(?P<sub>{_NUMERAL_LIKE}{{1,3}}|[\u4e00-\u9fff](?=\)|你公司))[ \t]*(?P<close>\))?)",
    re.MULTILINE,
)
# A page number a tool wrote at the end of a clause's line, set apart by a cell gap (pdftotext
# -layout and Tesseract put the footer's page number level with the page's last line). It is
# removed with all the blanks before it (the body is read without whitespace), matched from their
# first: a match could otherwise start at any blank of a run, each tried to the run's end.
_TRAILING_PAGE_NUMBER_RE = re.compile(rf"(?<![ \t])(?=[ \t]*?(?:\t|[ ]{{2}}))[ \t]+{PAGE_NUMBER}[ \t]*$", re.MULTILINE)
_SECTION_HEADER_RE = re.compile(r"经营(?P<business>.{2,60}?业务)(?:时|的)[,]?(?:应当|应)?遵守(?:下列|以下|如下)规定")
# `(适用于信息搜索查询服务)` says which service a sub-clause applies to; the obligation follows it.
_APPLICABILITY_RE = re.compile(r"^\((?:仅)?适用于[^()]*\)")


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


def clause_numerals(text: str) -> list[int]:
    """The numbers a clause marker's numeral may give, likeliest first. No clause numeral repeats
    a character next to itself (二十二 has 十 between), so a doubled one is an OCR stutter: 八八
    reads 八. OCR's look-alikes read as each numeral they may stand for: 十入 is 十八 or 十六."""
    numbers = (chinese_to_int(_REPEATED_CHAR_RE.sub(r"\1", reading)) for reading in numeral_readings(text, _LOOKALIKES))
    return [number for number in numbers if number is not None]


@dataclass(frozen=True)
class _Marker:
    """A clause marker found in the text, before the numbering decides whether it is one."""

    start: int  # view offsets: where the marker starts, and where the clause's words start
    body_start: int
    top: bool  # a top-level marker (十五、), else a sub-clause's ((三))
    numbers: list[int]  # what its numeral may read
    shaped: bool  # of sound shape: no bracket lost, no stray character before it
    # Of sound shape at a line start: where the numbering says which clause it is, whatever its
    # numeral reads.
    sound: bool
    at_line_start: bool


def _markers(layout: Layout, noise: "_Noise") -> list[_Marker]:
    text = layout.view.text
    region_start, region_end = layout.special
    markers = []
    for match in _MARKER_RE.finditer(text, region_start, region_end):
        top = match.group("top") is not None
        if not (top or match.group("open") or match.group("close")):
            continue  # a bare numeral is no marker
        start = match.start("open" if match.group("open") else "stray" if top else
                            "sub_stray" if match.group("sub_stray") else "sub")
        if noise.covers(start):
            continue
        at_line_start = match.start() == 0 or text[match.start() - 1] == "\n"
        shaped = not match.group("stray") if top else bool(match.group("open") and match.group("close"))
        markers.append(_Marker(start, match.end(), top, clause_numerals(match.group("top" if top else "sub")),
                               shaped, shaped and at_line_start, at_line_start))
    return markers


def _numbered(markers: list[_Marker]) -> list[tuple[_Marker, int, int | None]]:
    """The markers that continue the numbering, each with its (top, sub) number.

    A marker counts where its numeral continues the numbering: by one; by two where it is of
    sound shape, by three where it also stands at a line start (clauses whose markers OCR lost
    or misread past reading), unless the next marker of its level reads that number too and this
    one stands at a line start (三 then 三: the first is 二 misread). A sound marker that reads no
    number, or one the numbering has passed (一、 where 二 is due: a stroke lost; 六、 where 十六
    is: a character lost), is the next clause misread: numbers quoted in a clause run on inside a
    line, and never go back.
    """
    numbered: list[tuple[_Marker, int, int | None]] = []
    top = sub = 0
    for i, marker in enumerate(markers):
        if not marker.top and not top:
            continue
        last = top if marker.top else sub
        following = next((m for m in markers[i + 1:] if m.top or not marker.top), None)
        gap = 2 if marker.sound else 1 if marker.shaped else 0
        number = min((n for n in marker.numbers if last < n <= last + 1 + gap), default=None)
        if number == last + 2 and marker.sound and following is not None and following.top == marker.top and any(
                n <= number for n in following.numbers):
            number = last + 1
        if number is None and marker.sound and all(n <= last for n in marker.numbers):
            number = last + 1
        if (number is None and marker.at_line_start and following is not None and following.top == marker.top
                and last + 2 in following.numbers):
            number = last + 1  # misread past reading, between the numbers before and after it
        if number is None:
            continue
        if marker.top:
            top, sub = number, 0
            numbered.append((marker, top, None))
        else:
            sub = number
            numbered.append((marker, top, sub))
    return numbered


def segment_clauses(layout: Layout) -> list[ClauseSegment]:
    """All clauses of the licence's 特别规定事项, in text order."""
    if layout.special is None:
        return []
    view = layout.view
    region_start, region_end = layout.special
    noise = _Noise(layout, region_start, region_end)
    markers = _numbered(_markers(layout, noise))
    segments = []
    business = None
    for i, (marker, top_no, sub_no) in enumerate(markers):
        start = marker.start
        limit = markers[i + 1][0].start if i + 1 < len(markers) else region_end
        # The clause ends at its last content character, never inside trailing page noise.
        end = noise.last_content_end(view.text, start, limit)
        body = without_whitespace(_TRAILING_PAGE_NUMBER_RE.sub("", noise.content(view.text, marker.body_start, limit)))
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


def clause_gaps(segments: list[ClauseSegment]) -> int | None:
    """How many clause numbers the numbering skips (十三 after 十一, (五) after (三)); None where
    no clause was found. A clean text skips none; a tool that lost or shredded lines does."""
    if not segments:
        return None
    gaps, previous = 0, (0, 0)
    for segment in segments:
        top, sub = segment.top, segment.sub or 0
        if top == previous[0]:
            gaps += max(sub - previous[1] - 1, 0)
        else:
            gaps += max(top - previous[0] - 1, 0) + max(sub - 1, 0)
        previous = (top, sub)
    return gaps
