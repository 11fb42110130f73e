"""OCR/PDF layout: a normalised view of a licence text that keeps a map back to the original.

Licences arrive as whatever an OCR or PDF tool emitted: markdown headings, HTML fragments,
full-width punctuation, page headers repeated on every page and signature blocks in the middle
of the 特别规定事项. The rule components search a *view* of the text in which that noise is
normalised (block tags become line breaks, HTML cells and markdown pipes tabs, entities their
characters, full-width characters ASCII, markdown markers vanish) and map every hit back through
`TextView.original_span`, so evidence offsets always point into the original text. `Layout`
adds what every rule needs once per text: the lines, classified as content or page furniture,
and the range of the 特别规定事项. Page headers, signature labels and page starts are read with
the label words of the field rules (labels.LabelWords), so both read a label the same way.
A Layout is computed once per Doc (analysis.py), never cached by text.

Its patterns cost time linear in a line however long: each blank of a run belongs to one
repetition (an optional part between two repetitions of blanks, `X?` between two `\\s*`, makes
them try every split of the run), and a pattern that could start inside a run (of digits, of
blanks) starts only where the run does.
"""

from __future__ import annotations

import bisect
import html
import math
import re
from collections import Counter
from dataclasses import dataclass, field

from licex.text.hanzi import to_simplified
from licex.fields.labels import PAGE_NUMBER, LabelWords, default_label_words
from licex.text.chars import STAMP_DATE_RE, nfkc_char, spaced, without_whitespace

# HTML tags that end a line (block-level) or open a table cell; any other tag simply vanishes.
_BLOCK_TAGS = {"p", "br", "div", "tr", "table", "tbody", "thead", "li", "ul", "ol", "h1", "h2", "h3",
               "h4", "h5", "h6", "hr", "section", "body", "html", "head", "title"}
_CELL_TAGS = {"td", "th"}
# Tags that close any open cell: a cell never runs past its row.
_ROW_TAGS = {"tr", "table", "tbody", "thead"}
# Everything the view rewrites with a string of a different length: HTML tags and entities, the
# whitespace of pretty-printed HTML before a cell, markdown heading markers, bold markers, table
# pipes and separator rows, CRLF line ends.
_REWRITE_RE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]{0,300}>"  # 1, 2: an HTML tag
    r"|&(?:[A-Za-z]{2,8}|#[0-9]{1,6}|#x[0-9A-Fa-f]{1,6});"  # an HTML entity
    r"|(?<=>)[ \t\r\n]+(?=<[tT][dDhH][\s>])"  # layout whitespace between a tag and the next cell
    r"|(?m:^[ \t]*#{1,6}[ \t]+)"  # a markdown heading marker
    r"|(?m:^[ \t]*(?:\|[ \t]*)?(?::?-{3,}:?[ \t]*\|[ \t]*)+(?:(?::-*:?|-+:?)[ \t]*)?$)"  # a markdown table separator row
    r"|\*\*"  # markdown bold
    r"|\|"  # a markdown table pipe: a cell boundary
    r"|\r\n?"
    r"|\f"  # a form feed between pages (pdftotext, licex's own document reader) ends a line
)
# Characters NFKC may change. ASCII and the CJK unified ideographs (most of a licence) never
# change, so they are copied in bulk and only the rest is folded one character at a time.
_FOLDABLE_RE = re.compile(r"[^\x00-\x9f\u3400-\u4dbf\u4e00-\u9fff]+")


def _rewrite(match: re.Match[str], in_cell: bool) -> tuple[str, bool]:
    """The view text of one rewritten token, and whether an HTML table cell is open after it.

    A cell opens with a tab and closes with nothing, so a row reads `\tA\tB` and an empty cell
    is an empty field between two tabs, as in tab-separated text. Line breaks inside a cell
    (`<br>`, `<p>`, in HTML and in markdown tables alike) become spaces so that a row stays on
    one line.
    """
    token = match.group(0)
    if match.group(2):
        name = match.group(2).lower()
        if name in _CELL_TAGS:
            return ("" if match.group(1) else "\t"), not match.group(1)
        if name in _ROW_TAGS:
            return "\n", False
        if name in _BLOCK_TAGS:
            return (" " if in_cell or _in_markdown_row(match.string, match.start()) else "\n"), in_cell
        return "", in_cell
    if token.startswith("&"):
        return "".join(nfkc_char(c) for c in html.unescape(token)), in_cell
    if token == "|":
        return "\t", in_cell
    if token.startswith("\r") or token == "\f":
        return "\n", in_cell
    # Pretty-printing whitespace, heading and bold markers and separator rows carry no text.
    return "", in_cell


def _in_markdown_row(original: str, pos: int) -> bool:
    line_start = original.rfind("\n", 0, pos) + 1
    return original[line_start:pos].lstrip().startswith("|")


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
        in_cell = False
        for match in _REWRITE_RE.finditer(original):
            _append_chars(original, pos, match.start(), pieces, origin)
            replacement, in_cell = _rewrite(match, in_cell)
            pieces.append(replacement)
            origin.extend([match.start()] * len(replacement))
            pos = match.end()
        _append_chars(original, pos, len(original), pieces, origin)
        # Traditional characters read as simplified; one for one, so `origin` still holds.
        return cls(original, to_simplified("".join(pieces)), origin)

    def view_span(self, start: int, end: int) -> tuple[int, int]:
        """View (start, end) offsets of the original range [start, end): the view characters
        that come from it (a tag or entity rewritten inside it counts whole)."""
        return bisect.bisect_left(self.origin, start), bisect.bisect_left(self.origin, end)

    def read(self, start: int, end: int) -> str:
        """The original range [start, end) as the rules read it: `李&nbsp;雷` reads 李 雷."""
        view_start, view_end = self.view_span(start, end)
        return self.text[view_start:view_end]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) offsets of the view range [start, end)."""
        if end <= start:
            at = self.origin[start] if start < len(self.origin) else len(self.original)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1


def _append_chars(original: str, start: int, end: int, pieces: list[str], origin: list[int]) -> None:
    pos = start
    for match in _FOLDABLE_RE.finditer(original, start, end):
        pieces.append(original[pos:match.start()])
        origin.extend(range(pos, match.start()))
        folded = [nfkc_char(char) for char in match.group(0)]
        pieces.extend(folded)
        if all(len(f) == 1 for f in folded):
            origin.extend(range(match.start(), match.end()))
        else:  # NFKC expanded or dropped a character: map each output character to its source
            for i, f in enumerate(folded, start=match.start()):
                origin.extend([i] * len(f))
        pos = match.end()
    pieces.append(original[pos:end])
    origin.extend(range(pos, end))


# Where a table cell or a line starts (after a list or quote marker): where a label is printed.
_CELL_START_RE = re.compile(r"(?m:^[ \t*>·-]*)|\t[ \t]*|[ ]{2,}")
# What follows a label standing as one: a colon, a cell boundary, a space or the line end; after
# a short one (签发入), only a colon or a cell boundary, since one of its three characters is wrong.
_AFTER_LABEL_RE = re.compile(r"[ \t]*(?::|\t|$)|[ ]", re.MULTILINE)
_AFTER_SHORT_LABEL_RE = re.compile(r"[ \t]*[:\t]|[ ]{2}")
_SHORT_LABEL_CHARS = 3


def with_labels_repaired(view: TextView, words: LabelWords) -> TextView:
    """The view with each label OCR printed with one misread ideograph (么司名称, 业务覆羔范围) read
    as the label, where it starts a line or a cell and stands apart (a colon, a space, a cell
    boundary or the line end after it). The repair replaces one character by one, so offsets
    and evidence still point at what the tool printed; every reader of the layout (the field
    rules, the business block, page headers and signatures) then reads the label as printed whole.
    """
    text = view.text
    repaired: list[tuple[int, str]] = []
    for match in _CELL_START_RE.finditer(text):
        pos = match.end()
        for length in words.near_name_lengths:
            after = _AFTER_SHORT_LABEL_RE if length <= _SHORT_LABEL_CHARS else _AFTER_LABEL_RE
            if after.match(text, pos + length) and (name := words.near_name(text[pos:pos + length])):
                repaired.append((pos, name))
                break
    if not repaired:
        return view
    pieces, last = [], 0
    for pos, name in repaired:
        pieces += [text[last:pos], name]
        last = pos + len(name)
    pieces.append(text[last:])
    return TextView(view.original, "".join(pieces), view.origin)


@dataclass
class Line:
    """One line of the view: [start, end) in view offsets, without the line break."""

    start: int
    end: int
    text: str
    kind: str = "content"  # content | blank | page_header | title | signature | furniture

    @property
    def is_noise(self) -> bool:
        return self.kind != "content"


# Lines a licence prints as page furniture: titles and page numbers. Page headers (the licence
# number repeated on every page, maybe with the page number) and signature labels are read with
# the label words (LabelWords.page_header_re, .signature_label_re).
_TITLE_RE = re.compile(
    rf"^\s*(?:{spaced('中华人民共和国')}\s*)?(?:{spaced('跨地区')}\s*)?{spaced('增值电信业务经营许可证')}"
    r"\s*(?:\(\s*附\s*页\s*\)\s*)?$"
    r"|^\s*\(\s*附\s*页\s*\)\s*$"
    r"|^\s*(?:《\s*)?特\s*别\s*规\s*定\s*事\s*项\s*(?:》\s*)?$"
    rf"|^\s*(?:{spaced('电信业务经营许可证')}\s*)?年\s*[检报]\s*(?:情\s*况\s*)?(?:记\s*录\s*)?(?:表\s*)?$"
    rf"|^\s*{PAGE_NUMBER}\s*$|^\s*-\s*\d+\s*-\s*$"
)
# A signature date, printed in digits or numerals (二〇二一年六月二十二日), or left blank (年 月 日).
_DATE_LINE_RE = re.compile(rf"^\s*(?:{STAMP_DATE_RE.pattern})\s*$")
_NAME_LINE_RE = re.compile(r"^\s*(?:[\u4e00-\u9fff·]\s*){2,5}$")


def split_lines(view: TextView, words: LabelWords) -> list[Line]:
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
    _classify(lines, words)
    _mark_furniture(lines, _page_starts(view))
    return lines


# Page furniture by position and repetition: a line among the first or last FURNITURE_DEPTH
# content lines of its page, with the same words (numbers aside) at the same end of at least
# FURNITURE_SHARE of the pages. Only texts of FURNITURE_MIN_PAGES pages or more (separated by
# form feeds, as licex's document reader and pdftotext write them) are read so: on fewer, a
# repeated line (a duplicated front page) is too likely to be content.
FURNITURE_DEPTH = 2
FURNITURE_SHARE = 0.6
FURNITURE_MIN_PAGES = 3
# A run of numerals is read whole, from its start (the lookbehind): read from each of its numerals,
# a long run costs the square of its length.
_NUMBER_RUN_RE = re.compile(r"\d+|(?<![一二三四五六七八九十])[一二三四五六七八九十]+(?=\s*页)")


def _page_starts(view: TextView) -> list[int]:
    """View offsets where a page starts: 0 and after each form feed of the original text."""
    starts = [0]
    position = view.original.find("\f")
    while position >= 0:
        starts.append(view.view_span(position + 1, position + 1)[0])
        position = view.original.find("\f", position + 1)
    return starts


def _mark_furniture(lines: list[Line], page_starts: list[int]) -> None:
    if len(page_starts) < FURNITURE_MIN_PAGES:
        return
    pages: list[list[Line]] = [[] for _ in page_starts]
    for line in lines:
        if line.kind in ("content", "page_header", "title", "signature"):
            pages[bisect.bisect_right(page_starts, line.start) - 1].append(line)
    # (end of the page, words without numbers, line) for the lines at either end of each page
    ends = [[("top", _furniture_words(line), line) for line in page[:FURNITURE_DEPTH]]
            + [("foot", _furniture_words(line), line) for line in page[-FURNITURE_DEPTH:]] for page in pages]
    counts = Counter(key for page in ends for key in {(end, words) for end, words, _ in page})
    needed = max(FURNITURE_MIN_PAGES, math.ceil(FURNITURE_SHARE * len(pages)))
    for page in ends:
        for end, words, line in page:
            if line.kind == "content" and counts[end, words] >= needed:
                line.kind = "furniture"


def _furniture_words(line: Line) -> str:
    return _NUMBER_RUN_RE.sub("#", without_whitespace(line.text))


def _classify(lines: list[Line], words: LabelWords) -> None:
    in_signature = False
    for line in lines:
        stripped = line.text.strip()
        if not stripped:
            line.kind = "blank"
            continue
        if label := words.signature_label_re.match(line.text):
            # The label line may carry the name after the colon: 公司代表: 苏林璐
            rest = line.text[label.end():].strip()
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
        if words.page_header_re.match(line.text):
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
    # Starts of the title and page-header lines: page furniture that no value runs across.
    page_breaks: list[int] = field(default_factory=list)

    # The label words it was read with.
    words: LabelWords = field(default_factory=default_label_words)

    @classmethod
    def of(cls, original: str, words: LabelWords | None = None) -> "Layout":
        """The layout of `original`, its page furniture read with `words` (default: the shipped label words).

        Treat it as read-only: it is shared by every component that reads the Doc (analysis.py).
        """
        words = words or default_label_words()
        view = with_labels_repaired(TextView.of(original), words)
        lines = split_lines(view, words)
        return cls(view, lines, special=_find_special_region(lines, words), line_starts=[line.start for line in lines],
                   page_breaks=[line.start for line in lines if line.kind in ("title", "page_header", "furniture")],
                   words=words)

    def clause_text(self) -> list[tuple[int, int]]:
        """Original-text ranges of the 特别规定事项's content lines: clause text, where no field
        value is. Its page headers, titles and signature lines are not in them: a page header
        repeats the licence number. The licence tokenizer cuts these ranges into phrases, and the
        field NER skips them."""
        if self.special is None:
            return []
        start, end = self.special
        ranges = []
        for line in self.lines[self.line_index(start):]:
            if line.start >= end:
                break
            if line.kind == "content" and line.end > line.start:
                ranges.append(self.view.original_span(line.start, line.end))
        return ranges

    def in_special(self, pos: int) -> bool:
        return self.special is not None and self.special[0] <= pos < self.special[1]

    def line_index(self, pos: int) -> int:
        """The index in `lines` of the line that holds view offset `pos`."""
        return bisect.bisect_right(self.line_starts, pos) - 1

    def line_at(self, pos: int) -> Line:
        return self.lines[self.line_index(pos)]

    def next_page_break(self, pos: int, limit: int) -> int:
        """The start of the first title or page-header line in (pos, limit), else limit."""
        i = bisect.bisect_right(self.page_breaks, pos)
        return min(limit, self.page_breaks[i]) if i < len(self.page_breaks) else limit

    # -- rows of cells ---------------------------------------------------------------------------

    def row_cells(self, line: Line, delimiter: re.Pattern[str]) -> list[tuple[int, int]]:
        """The cells of a row as view ranges, trimmed of spaces. Tab-separated rows keep empty
        cells, so a cell's index is its column; a row of HTML or markdown cells starts (and a
        markdown row ends) with an empty cell, as its header row does."""
        text = self.view.text
        cells = []
        pos = line.start
        for match in delimiter.finditer(text, line.start, line.end):
            cells.append(trim(text, pos, match.start()))
            pos = match.end()
        cells.append(trim(text, pos, line.end))
        return cells

    def cells_wrapped_around(self, i: int, cells: list[tuple[int, int]]) -> list[Pieces] | None:
        """Row i's cells (`cells`, as its reader split them) with the cells a tool printed around
        it, in column order, each as its pieces in reading order; None where no cell wrapped around
        row i.

        pdftotext -layout prints a row whose cell wrapped onto two lines with the row's one-line
        cells on a line of their own between the cell's halves: the first half on the line above,
        the second on the line below, at the same column, where the row's line has no cell
        (`361023196202231` above `1  张辉  100%`, `312` below it). Every piece of the lines above
        and below must pair so; lines of cells under the row's own (the rows of a table printed
        without blank lines between them) never do."""
        lines = self.lines
        if not 0 < i < len(lines) - 1 or lines[i - 1].kind != "content" or lines[i + 1].kind != "content":
            return None
        row = lines[i]
        halves = [[(a - line.start, (a, b)) for a, b in self.row_cells(line, _WIDE_SPACE_RE) if a < b]
                  for line in (lines[i - 1], lines[i + 1])]
        if not halves[0] or not halves[1]:
            return None
        # Two cells one space apart on one line (毕博诚网络有限公 9133052161RG01 above 司 / RR9G, or a
        # name printed letter-spaced): the line with fewer pieces is split at their last spaces.
        fewer = min(halves, key=len)
        while len(fewer) < max(map(len, halves)) and (split := self._split_last_space(fewer)) is not None:
            fewer[:] = split
        # The halves pair in order; -layout counts a Han character one column, so only the first
        # pair must start at the same column.
        if len(halves[0]) != len(halves[1]) or abs(halves[0][0][0] - halves[1][0][0]) > _SAME_COLUMN:
            return None
        columns = [(a - row.start, b - row.start) for a, b in cells]
        if any(a - _SAME_COLUMN <= column < b for half in halves for column, _ in half for a, b in columns):
            return None  # a piece under a cell of the row: the lines are rows of their own
        merged = [(column, ((a, b),)) for (column, _), (a, b) in zip(columns, cells)]
        merged += [(column, (top, bottom)) for (column, top), (_, bottom) in zip(*halves)]
        return [pieces for _, pieces in sorted(merged)]

    def _split_last_space(self, cells: list[tuple[int, tuple[int, int]]]) -> list[tuple[int, tuple[int, int]]] | None:
        """(column, cell) of a line's cells with the last that holds a space split at its last
        space, or None where none holds one."""
        text = self.view.text
        for k in range(len(cells) - 1, -1, -1):
            column, (a, b) = cells[k]
            at = text.rfind(" ", a, b)
            if at > a:
                second = trim(text, at, b)
                return [*cells[:k], (column, trim(text, a, at)), (column + second[0] - a, second), *cells[k + 1:]]
        return None

    def one_cell_lines(self, i: int, split_at_spaces: bool, most: int | None = None
                       ) -> list[tuple[int, tuple[int, int]]]:
        """(line index, trimmed cell) of the lines from i on that hold one cell each (blank lines
        and page headers skipped), up to the first that holds more, or other page furniture, or
        `most` cells: a table a tool wrote one cell a line. A tab or a run of spaces separates
        cells; with `split_at_spaces` a single space does too, and empty cells do not count."""
        cells: list[tuple[int, tuple[int, int]]] = []
        for j in range(i, len(self.lines)):
            line = self.lines[j]
            if line.kind not in ("blank", "content", "page_header") or (most is not None and len(cells) >= most):
                break
            if line.kind != "content":
                continue  # (a page header a tool printed among the cells: 网站名称 / 编号：… / 网站接入…)
            delimiter = cell_delimiter(line.text)
            if split_at_spaces:
                line_cells = [(a, b) for a, b in self.row_cells(line, delimiter or SPACE_RE) if a < b]
            else:
                line_cells = [] if delimiter else [trim(self.view.text, line.start, line.end)]
            if len(line_cells) != 1:
                break
            cells.append((j, line_cells[0]))
        return cells


# What separates the cells of a row: tabs (HTML cells and markdown pipes are tabs in the view), or
# in OCR'd columns runs of spaces. OCR'd rows of short cells may be separated by single spaces only.
# A cell's pieces on lines of their own: view ranges, in reading order.
Pieces = tuple[tuple[int, int], ...]
# How far apart (in characters) a -layout text may print two lines of one column.
_SAME_COLUMN = 1
_TAB_RE = re.compile(r"\t")
_WIDE_SPACE_RE = re.compile(r"[ ]{2,}|\t")
SPACE_RE = re.compile(r" ")
_GAP_INSIDE_CELL_RE = re.compile(r"[^\s][ ]{2,}[^\s]")
# What separates the cells of an OCR'd table row: a tab, a run of spaces, or a table rule read as a
# bar (the view makes a bar a tab, for markdown rows; OCR'd rows mix both).
ROW_CELL_RE = re.compile(r"[ ]*[\t|｜][ ]*|[ ]{2,}")


def cell_delimiter(line_text: str) -> re.Pattern[str] | None:
    """How the cells of a table row are separated: tabs (also HTML cells and markdown pipes in
    the view), else the runs of spaces of OCR'd columns; None for a line with one cell."""
    stripped = line_text.strip()
    if "\t" in stripped:
        # A bar OCR read for a table rule is a tab in the view; the cells around it are still
        # apart by spaces (网站名称    网站域名 | 服务器放置地).
        return ROW_CELL_RE if _GAP_INSIDE_CELL_RE.search(stripped) else _TAB_RE
    return _WIDE_SPACE_RE if _WIDE_SPACE_RE.search(stripped) else None


def align(cells: list[tuple[int, int]], header_offsets: list[int], row_start: int) -> list[tuple[int, int]]:
    """A row's cells placed under the header columns they start nearest to (columns aligned with
    spaces lose their empty cells); gaps are empty."""
    aligned = [(row_start, row_start)] * len(header_offsets)
    for a, b in cells:
        if a < b:
            column = min(range(len(header_offsets)), key=lambda c: abs(header_offsets[c] - (a - row_start)))
            aligned[column] = (a, b)
    return aligned


def trim(text: str, start: int, end: int, end_chars: str = " ") -> tuple[int, int]:
    """[start, end) without the whitespace it starts with and the `end_chars` it ends with."""
    while start < end and text[start] in " \t\n":
        start += 1
    while end > start and text[end - 1] in end_chars:
        end -= 1
    return start, end


# The 特别规定事项 run from their title or preamble to the first part of the licence that is not
# clauses: a 附页 or annual inspection page, or where such a page lost its title its first line
# (an inspection entry, the business list or shareholder table introduction, the website page),
# a licence-number change note, or the licence's front page when pages come out of order. The
# title starts a line; a mention of it inside running text (本许可证附特别规定事项) starts nothing.
_SPECIAL_START_RE = re.compile(r"^\s*(?:《\s*)?特\s*别\s*规\s*定\s*事\s*项")
# The title cut in two lines by OCR (特别规定 / 事项).
_SPECIAL_START_CUT_RE = re.compile(r"^\s*(?:《\s*)?特\s*别\s*规\s*定\s*$")
_SPECIAL_END_OF_TITLE_RE = re.compile(r"^\s*事\s*项")
OTHER_PAGE_TITLE_RE = re.compile(r"附\s*页|年\s*[检报]")
# The header of the shareholder table: 股东 with 比例 or 证照号码 (its rows follow it).
SHAREHOLDER_HEADER_RE = re.compile(r"股\s*东.*(?:比\s*例|证\s*[照件]\s*号\s*码)")
# The same header printed one column word a line (pdftotext of a table of narrow columns): the name
# column's word near the ratio's or the ID number's, in either order, a few cells apart.
_OTHER_COLUMN = r"(?:出\s*资\s*比\s*例|证\s*[照件]\s*号\s*码)"
SHAREHOLDER_COLUMNS_RE = re.compile(rf"股\s*东\s*名\s*称[\s\S]{{0,60}}?{_OTHER_COLUMN}|{_OTHER_COLUMN}[\s\S]{{0,60}}?股\s*东\s*名\s*称")
# What follows a licence number that changed: 号, a comma, 变更为. Each space belongs to one
# `\s*` (`\s*号?\s*` would try every split of a run of spaces after a digit: cubic in it).
CHANGED_TO = r"\s*(?:号\s*)?(?:,\s*)?(?:变\s*更|更\s*改)\s*为"
# A number, then CHANGED_TO. The number is a whole run of its characters (no character of the run
# can follow it), so a match starts only where a run does, not again from each of its digits.
CHANGE_NOTE_RE = re.compile(r"(?<![-A-Za-z0-9.])[-.]*[A-Za-z0-9][-A-Za-z0-9.]*\d" + CHANGED_TO)
# An annual inspection entry or the shareholder table; the business list and the front page are
# found by their label words (LabelWords.business_list_re, .page_opening_re).
_OTHER_PAGE_START_RE = re.compile(r"(?:19|20)\d{2}\s*年\s*度\s*(?:的\s*)?年\s*[检报]|股\s*东[^\n。,;]{0,20}出\s*资\s*比\s*例")


def _find_special_region(lines: list[Line], words: LabelWords) -> tuple[int, int] | None:
    start = None
    for i, line in enumerate(lines):
        if start is None:
            if _SPECIAL_START_RE.match(line.text) or (_SPECIAL_START_CUT_RE.match(line.text) and (
                    following := next((lines[j] for j in range(i + 1, len(lines)) if lines[j].kind != "blank"), None))
                    is not None and _SPECIAL_END_OF_TITLE_RE.match(following.text)):
                start = i
        elif (
            (line.kind == "title" and OTHER_PAGE_TITLE_RE.search(line.text))
            or (line.kind == "content" and (CHANGE_NOTE_RE.search(line.text) or words.page_opening_re.match(line.text)
                                            or _OTHER_PAGE_START_RE.search(line.text)
                                            or words.business_list_re.search(line.text)))
        ):
            return lines[start].start, line.start
    if start is None:
        return None
    return lines[start].start, lines[-1].end
