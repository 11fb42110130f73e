"""OCR/PDF layout: a normalised view of a licence text that keeps a map back to the original.

Licences arrive as whatever an OCR or PDF tool emitted: markdown headings, HTML fragments,
full-width punctuation, page headers repeated on every page and signature blocks in the middle
of the 特别规定事项. The rule components search a *view* of the text in which that noise is
normalised (tags become line breaks, full-width characters become ASCII, markdown markers
vanish) and map every hit back through `TextView.original_span`, so evidence offsets always
point into the original text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

CN_NUMERAL = "[一二三四五六七八九十百零〇]"

# HTML tags that end a line (block-level) or a table cell; any other tag simply vanishes.
_BLOCK_TAGS = {"p", "br", "div", "tr", "table", "tbody", "thead", "li", "ul", "ol", "h1", "h2", "h3",
               "h4", "h5", "h6", "hr", "section", "body", "html", "head", "title"}
_CELL_TAGS = {"td", "th"}
# Everything the view rewrites with a string of a different length: HTML tags and entities,
# markdown heading markers and table pipes, markdown table separator rows, CRLF line ends.
_REWRITE_RE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]{0,300}>"  # 1, 2: an HTML tag
    r"|&(?:[A-Za-z]{2,8}|#[0-9]{1,6}|#x[0-9A-Fa-f]{1,6});"  # an HTML entity
    r"|(?m:^[ \t]*#{1,6}[ \t]+)"  # a markdown heading marker
    r"|(?m:^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*:?-*:?[ \t]*$)"  # a markdown table separator row
    r"|\|"  # a markdown table pipe: a cell boundary
    r"|\r\n?"
)


@lru_cache(maxsize=65536)
def _nfkc(char: str) -> str:
    folded = unicodedata.normalize("NFKC", char)
    # Ideographic and no-break spaces are plain spaces for every rule.
    return " " if folded.isspace() and folded not in "\n\t" else folded


def _rewrite(match: re.Match[str]) -> str:
    token = match.group(0)
    if match.group(2):
        name = match.group(2).lower()
        return "\n" if name in _BLOCK_TAGS else "\t" if name in _CELL_TAGS else ""
    if token.startswith("&"):
        return "".join(_nfkc(c) for c in html.unescape(token))
    if token == "|":
        return "\t"
    if token.startswith("\r"):
        return "\n"
    if "-" in token:  # a markdown table separator row
        return ""
    return ""  # a markdown heading marker


@dataclass
class TextView:
    """A normalised copy of `original` and, for every view character, its original offset."""

    original: str
    text: str
    origin: list[int]

    @classmethod
    def of(cls, original: str) -> "TextView":
        pieces: list[str] = []
        origin: list[int] = []
        pos = 0
        for match in _REWRITE_RE.finditer(original):
            _append_chars(original, pos, match.start(), pieces, origin)
            replacement = _rewrite(match)
            pieces.append(replacement)
            origin.extend([match.start()] * len(replacement))
            pos = match.end()
        _append_chars(original, pos, len(original), pieces, origin)
        return cls(original, "".join(pieces), origin)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) offsets of the view range [start, end)."""
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else len(self.original)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def _append_chars(original: str, start: int, end: int, pieces: list[str], origin: list[int]) -> None:
    for i in range(start, end):
        char = original[i]
        folded = char if char < "\u00a0" else _nfkc(char)
        pieces.append(folded)
        origin.extend([i] * len(folded))


@dataclass
class Line:
    """One line of the view: [start, end) in view offsets, without the line break."""

    start: int
    end: int
    text: str
    kind: str = "content"  # content | blank | page_header | title | signature

    @property
    def is_noise(self) -> bool:
        return self.kind != "content"


# Lines a licence repeats on every page, or prints as page furniture.
_PAGE_HEADER_RE = re.compile(r"^\s*(?:增值电信业务)?经\s*营\s*许\s*可\s*证\s*编\s*号\s*[:]?\s*\S*\s*$")
_TITLE_RE = re.compile(
    r"^\s*(?:中华人民共和国\s*)?(?:跨地区)?\s*增值电信业务经营许可证\s*(?:\(\s*附\s*页\s*\))?\s*$"
    r"|^\s*\(\s*附\s*页\s*\)\s*$"
    r"|^\s*《?\s*特\s*别\s*规\s*定\s*事\s*项\s*》?\s*$"
    r"|^\s*(?:电信业务经营许可证)?年\s*[检报]\s*情\s*况\s*记\s*录\s*表\s*$"
    r"|^\s*第\s*\d+\s*页(?:\s*[,/共]\s*共?\s*\d+\s*页)?\s*$|^\s*-\s*\d+\s*-\s*$"
)
# The signature block printed at the foot of each 特别规定事项 page.
_SIGNATURE_LABEL_RE = re.compile(r"^\s*(?:司\s*\(\s*局\s*\)\s*负\s*责\s*人|公\s*司\s*代\s*表|发\s*证\s*机\s*关\s*\(?\s*盖\s*章\s*\)?)\s*[:]?")
_DATE_LINE_RE = re.compile(r"^\s*(?:\d{2,4}\s*)?年\s*(?:\d{1,2}\s*)?月\s*(?:\d{1,2}\s*)?日\s*$")
_NAME_LINE_RE = re.compile(r"^\s*(?:[\u4e00-\u9fff·]\s*){2,5}$")


def split_lines(view: TextView) -> list[Line]:
    """The view's lines, each classified as content or as page noise."""
    lines: list[Line] = []
    start = 0
    text = view.text
    while start <= len(text):
        end = text.find("\n", start)
        if end < 0:
            end = len(text)
        lines.append(Line(start, end, text[start:end]))
        start = end + 1
    _classify(lines)
    return lines


def _classify(lines: list[Line]) -> None:
    in_signature = False
    for line in lines:
        stripped = line.text.strip()
        if not stripped:
            line.kind = "blank"
            continue
        if _SIGNATURE_LABEL_RE.match(line.text):
            # The label line may carry the name after the colon: 公司代表: 苏林璐
            rest = _SIGNATURE_LABEL_RE.sub("", line.text, count=1).strip()
            line.kind = "signature"
            in_signature = not rest or bool(_NAME_LINE_RE.match(rest))
            continue
        if _DATE_LINE_RE.match(line.text):
            line.kind = "signature"
            continue
        if in_signature and _NAME_LINE_RE.match(line.text):
            line.kind = "signature"
            continue
        in_signature = False
        if _PAGE_HEADER_RE.match(line.text):
            line.kind = "page_header"
        elif _TITLE_RE.match(line.text):
            line.kind = "title"


@dataclass
class Layout:
    """A licence text analysed once for all rule components."""

    view: TextView
    lines: list[Line]
    # View range of the 特别规定事项 (None where the licence has none); fields are not read there.
    special: tuple[int, int] | None = None
    line_starts: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, original: str) -> "Layout":
        view = TextView.of(original)
        lines = split_lines(view)
        layout = cls(view, lines, line_starts=[line.start for line in lines])
        layout.special = _find_special_region(lines)
        return layout

    def in_special(self, pos: int) -> bool:
        return self.special is not None and self.special[0] <= pos < self.special[1]


# The 特别规定事项 run from their title or preamble to the first part of the licence that is not
# clauses: a 附页 or annual inspection page, a licence-number change note, or the licence's
# front page when pages come out of order.
_SPECIAL_START_RE = re.compile(r"特\s*别\s*规\s*定\s*事\s*项")
_OTHER_PAGE_TITLE_RE = re.compile(r"附\s*页|年\s*[检报]")
CHANGE_NOTE_RE = re.compile(r"[A-Za-z0-9][-A-Za-z0-9.]*\d\s*号?\s*[,]?\s*(?:变\s*更|更\s*改)\s*为")
_FRONT_PAGE_FIELD_RE = re.compile(r"^\s*(?:原\s*经\s*营\s*许\s*可\s*证\s*编\s*号|公\s*司\s*名\s*称|法\s*定\s*代\s*表\s*人)")


def _find_special_region(lines: list[Line]) -> tuple[int, int] | None:
    start = None
    for i, line in enumerate(lines):
        if start is None:
            if _SPECIAL_START_RE.search(line.text):
                start = i
        elif (
            (line.kind == "title" and _OTHER_PAGE_TITLE_RE.search(line.text))
            or (line.kind == "content" and (CHANGE_NOTE_RE.search(line.text) or _FRONT_PAGE_FIELD_RE.match(line.text)))
        ):
            return lines[start].start, line.start
    if start is None:
        return None
    return lines[start].start, lines[-1].end
