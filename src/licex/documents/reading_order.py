"""Reading order from geometry: glyphs with boxes in, lines and table rows of text out.

A flattened text loses what the page shows at a glance: which value sits beside which label. A
PDF text layer lists its glyphs in drawing order, which for a table is often column by column;
OCR returns boxes of text in detection order. Here the page is read again from its geometry:

1. glyphs become *fragments*: runs on one visual line with no wide gap between them and no cell
   border between them (a wide gap is a cell boundary or a column of space);
2. fragments inside one drawn table cell become one *block*; elsewhere, fragments stacked in one
   column, each continuing a full line above it, become one block: a cell that wraps onto
   several printed lines, or a paragraph. Its lines are joined within the block;
3. blocks whose vertical extents overlap become one *row*, read left to right with a tab between
   blocks, so a label and its value (even a value wrapped beside a vertically centred label) sit
   on one line;
4. rows are read top to bottom, pages are separated by a form feed (the layout then recognises
   headers and footers by their place on the pages and their repetition: layout.py).

All thresholds are in units of the page's median glyph height, so they hold for PDF points and
for image pixels at any resolution.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace
from functools import cached_property

from licex.documents.geometry import PAGE_BREAK, Box, DocumentText, Glyph, PageContent, TextBuilder

# Glyph gaps wider than this (in median glyph heights) separate two fragments: two table cells,
# or a label and a value set apart. Chinese text runs with gaps of ~0.1; a space is ~0.3.
FRAGMENT_GAP = 1.2
# A fragment continues the block above it when it starts at the same x (within ALIGN_TOLERANCE,
# or up to INDENT left of a paragraph's indented first line), its top is at most STACK_GAP below
# the block's bottom (table cells are often set with generous leading), and the block's last
# line reaches within FULL_LINE_SLACK of the right edge of the document's text (OCR boxes end at the
# ink, and a line ending in 、 or ， ends short of its box).
ALIGN_TOLERANCE = 0.6
INDENT = 3.0
STACK_GAP = 1.6
FULL_LINE_SLACK = 2.5
# A full line also spans at least this share of the text's width: a short line set flush right
# (a date, 发证机关(盖章)) reaches the right edge without having wrapped.
FULL_LINE_MIN_SHARE = 0.4
# The characters of a label spaced out over its cell stand at one pitch, within this many glyph
# heights (公   司   名   称).
SPACED_PITCH_TOLERANCE = 0.15
# Two fragments on one visual line are level (cells of one table row) when they overlap by this
# share of the smaller height.
LEVEL = 0.8
# The most space between two lines of one cell (its leading), in glyph heights: a table's header
# and its first row stand further apart (cell padding and a rule between them).
CELL_LEADING = 0.8
# Two blocks share a row when their vertical extents overlap by this share of the smaller one.
ROW_OVERLAP = 0.5
# A line that wraps between two Latin letters wrapped at a word space; digits (an ID number, a
# licence number) wrap anywhere, and so does a code of capitals and digits (a credit code
# 912114044310WY / QPGW), which has no word space to wrap at.
_LATIN_END_RE = re.compile(r"[A-Za-z]$")
_CODE_END_RE = re.compile(r"(?<![0-9A-Za-z])(?=[0-9A-Z]*[0-9])[0-9A-Z]{4,}$")
_CODE_START_RE = re.compile(r"^[0-9A-Z]+(?![a-z])")
# A line that ends a sentence ends its paragraph, as far as joining goes: the next line may be a
# field of its own (`公司名称：…` under a preamble that happened to fill its last line). A clause
# that wraps right after its 。 is read the same either way.
_SENTENCE_END_RE = re.compile(r"[。！？]\s*$")
# A line that starts `label：value` (a short word, a colon, something after it) starts a field.
_LABEL_START_RE = re.compile(r"^\s*[\u4e00-\u9fff][\u4e00-\u9fff\s]{1,9}[:：]\s*\S")
_LATIN_START_RE = re.compile(r"^[A-Za-z]")


@dataclass
class Fragment:
    glyphs: list[Glyph]
    cell: int | None = None  # the drawn cell it is printed in, if any
    alone: bool = True  # nothing else is printed level with it on its visual line
    line: int = 0  # its visual line's place down the page (fragments() numbers them in order)

    @cached_property
    def box(self) -> Box:
        return _union(g.box for g in self.glyphs)

    @property
    def text(self) -> str:
        return "".join(g.text for g in self.glyphs)


@dataclass(eq=False)
class Block:
    lines: list[Fragment] = field(default_factory=list)
    cell: int | None = None  # the drawn cell whose lines it joins, if any

    @property
    def box(self) -> Box:
        return _union(f.box for f in self.lines)


def _union(boxes) -> Box:
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for a, b, c, d in boxes:
        x0, y0, x1, y1 = min(x0, a), min(y0, b), max(x1, c), max(y1, d)
    return x0, y0, x1, y1


def _height(box: Box) -> float:
    return box[3] - box[1]


def _overlap(a: Box, b: Box) -> float:
    """The vertical overlap of two boxes as a share of the smaller height."""
    smaller = max(min(_height(a), _height(b)), 1e-6)
    return max(0.0, min(a[3], b[3]) - max(a[1], b[1])) / smaller


def unit_height(glyphs: list[Glyph]) -> float:
    """The page's median glyph height: the unit every threshold is measured in."""
    heights = [_height(g.box) for g in glyphs if g.text.strip() and _height(g.box) > 0]
    return statistics.median(heights) if heights else 1.0


def fragments(glyphs: list[Glyph], unit: float, cells: list[Box] = ()) -> list[Fragment]:
    """Glyphs grouped into visual lines by vertical overlap, each line cut at wide gaps and at
    the borders of drawn cells.

    A glyph joins a line when it overlaps the line's first glyph: comparing with the first glyph
    rather than with everything the line holds so far keeps a tall neighbour (a label centred
    beside a wrapped value) from chaining two printed lines into one. The glyphs of a drawn cell
    make lines of their own: a label centred beside a value of two lines sits half a line off
    each, and one glyph of the value's second line set a little higher than the rest (a 交 whose
    box starts 0.2 points above its neighbours') would otherwise join the label's line, and be
    read into the value's first line.
    """
    visible = sorted((g for g in glyphs if g.text.strip()), key=lambda g: ((g.box[1] + g.box[3]) / 2, g.box[0]))
    cell_at = {id(glyph): cell_of(glyph.box, cells) for glyph in visible}
    lines: list[list[Glyph]] = []
    by_cell: dict[int | None, list[list[Glyph]]] = {}
    for glyph in visible:
        cell_lines = by_cell.setdefault(cell_at[id(glyph)], [])
        for line in reversed(cell_lines[-3:]):
            if _overlap(line[0].box, glyph.box) >= 0.5:
                line.append(glyph)
                break
        else:
            cell_lines.append([glyph])
            lines.append(cell_lines[-1])
    result = []
    for number, line in enumerate(lines):
        first = len(result)
        line.sort(key=lambda g: g.box[0])
        run = [line[0]]
        run_cell = cell_at[id(line[0])]
        for glyph in line[1:]:
            glyph_cell = cell_at[id(glyph)]
            if glyph.box[0] - run[-1].box[2] > FRAGMENT_GAP * unit or glyph_cell != run_cell:
                result.append(Fragment(run, run_cell))
                run = []
                run_cell = glyph_cell
            run.append(glyph)
        result.append(Fragment(run, run_cell))
        _split_spaced_label_end(result, first, unit)
        for frag in result[first:]:
            frag.line = number
    for frag in result:
        # Beside a cell of its own row, a fragment is level with it; a label centred beside a
        # value that wraps overlaps each of its lines by half or so, and leaves them alone.
        frag.alone = not any(other is not frag and _overlap(other.box, frag.box) >= LEVEL for other in result)
    return result


def _split_spaced_label_end(frags: list[Fragment], first: int, unit: float) -> None:
    """A label spaced out over its cell (公   司   名   称, each character a fragment of its own)
    whose last character stands closer to the value than to the character before it: the last
    character, at the label's pitch from the one before, is split off the value's fragment it
    joined (称明腾网络有限公司 -> 称 | 明腾网络有限公司), where a blank parts it from the value. The
    line's fragments are frags[first:] (they change)."""
    for k in range(len(frags) - 1, first + 1, -1):
        spaced, frag = frags[k - 2:k], frags[k]
        if len(frag.glyphs) < 2 or any(len(f.glyphs) != 1 for f in spaced):
            continue
        pitch = spaced[1].box[0] - spaced[0].box[0]
        head, rest = frag.glyphs[0], frag.glyphs[1:]
        at_pitch = abs(head.box[0] - spaced[1].box[0] - pitch) <= SPACED_PITCH_TOLERANCE * unit
        if pitch > FRAGMENT_GAP * unit and at_pitch and rest[0].box[0] - head.box[2] > 0.3 * unit:
            frags[k:k + 1] = [Fragment([head], frag.cell), Fragment(rest, frag.cell)]


def cell_of(box: Box, cells: list[Box]) -> int | None:
    """The index of the smallest drawn cell that holds the centre of `box`, if any."""
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    best = None
    best_area = float("inf")
    for i, (x0, y0, x1, y1) in enumerate(cells):
        if x0 <= x <= x1 and y0 <= y <= y1 and (x1 - x0) * (y1 - y0) < best_area:
            best, best_area = i, (x1 - x0) * (y1 - y0)
    return best


def blocks(frags: list[Fragment], unit: float, text_span: tuple[float, float]) -> list[Block]:
    """Fragments that continue the line above them in the same column, joined into blocks.

    The fragments of one drawn cell make one block. Elsewhere a fragment continues a block when
    the block's last line is *full* (it runs to the right edge of the document's text,
    `text_span` = (left, right), over a good part of its width: text wrapped there, it did not
    end) and the fragment starts at the block's left edge (or, after the block's first line, up
    to INDENT glyphs left of it: a paragraph's indented first line), a little below it; and one
    of the two lines stands alone on its visual line. Two lines that each have a cell level
    beside them are two table rows; a value that wraps has a line with nothing level beside it,
    whether its label is set level with its first line, its last, or between them. A line that
    ends short (the end of a paragraph, a short value) ends its block. Without drawn cells, cells
    of a middle column never reach the text's right edge, so a value wrapped there stays on
    separate lines.
    """
    # (by visual line, then left to right: the characters of a label spaced out over its cell
    # stand on one line with tops a little apart, 名 a hair above 公 in a serif font)
    ordered = sorted(frags, key=lambda f: (f.line, f.box[0]))
    left_edge, right_edge = text_span
    min_width = FULL_LINE_MIN_SHARE * (right_edge - left_edge)
    result: list[Block] = []
    in_cell: dict[int, Block] = {}
    for frag in ordered:
        box = frag.box
        if frag.cell is not None:
            if frag.cell in in_cell:
                in_cell[frag.cell].lines.append(frag)
            else:
                in_cell[frag.cell] = Block([frag], frag.cell)
                result.append(in_cell[frag.cell])
            continue
        target = None
        for block in reversed(result[-12:]):
            if block.cell is not None or not (frag.alone or block.lines[-1].alone or _beside_a_label_row(
                    block.lines[-1], frag, ordered, unit)):
                continue
            last = block.lines[-1].box
            gap = box[1] - last[3]
            indent = last[0] - box[0]
            aligned = abs(indent) <= ALIGN_TOLERANCE * unit or (len(block.lines) == 1 and 0 < indent <= INDENT * unit)
            full = last[2] >= right_edge - FULL_LINE_SLACK * unit and last[2] - last[0] >= min_width
            ended = _SENTENCE_END_RE.search(block.lines[-1].text) or _LABEL_START_RE.match(frag.text)
            if aligned and -0.3 * unit <= gap <= STACK_GAP * unit and not ended and (
                    full or _row_centred_between(block.lines[-1], frag, ordered)
                    or not (frag.alone or block.lines[-1].alone)):  # (beside a label row, as checked)
                target = block
                break
        if target is not None:
            target.lines.append(frag)
        else:
            result.append(Block([frag]))
    return result


def _row_centred_between(upper: Fragment, lower: Fragment, frags: list[Fragment]) -> bool:
    """Whether a table row's cells stand level between `upper` and `lower` (two lines of one
    column, each alone on its visual line), on both sides of the column and none inside it: the
    row's other cells are centred beside a cell of a middle column that wrapped (an ID number
    131128198307066 / 708 beside 杨晶 and 85.77%). The column's lines then read as one cell,
    though no line of it reaches the text's right edge (a middle column never does)."""
    if not (upper.alone and lower.alone):
        return False
    top, bottom = (upper.box[1] + upper.box[3]) / 2, (lower.box[1] + lower.box[3]) / 2
    left, right = min(upper.box[0], lower.box[0]), max(upper.box[2], lower.box[2])
    between = [f for f in frags if f is not upper and f is not lower and not f.alone
               and top < (f.box[1] + f.box[3]) / 2 < bottom]
    if not between or any(f.box[0] < right and left < f.box[2] for f in between):
        return False
    return any(f.box[2] <= left for f in between) and any(f.box[0] >= right for f in between)


def _beside_a_label_row(upper: Fragment, lower: Fragment, frags: list[Fragment], unit: float) -> bool:
    """Whether `upper` and `lower`, each with other cells level beside it, are two lines of one
    column's cell with its row's labels centred between them: cells of two columns wrapped side
    by side, the labels set level with neither line (惠州趋势传媒有限公 陈 / 公司名称 法定代表人 /
    司 英). The lines start at the same x, no further apart than a cell's lines (CELL_LEADING); the
    labels, level with neither line, stand left of them and none inside the column.
    A table's header over its first row has no such labels: its cells are level with a line."""
    if abs(upper.box[0] - lower.box[0]) > ALIGN_TOLERANCE * unit or lower.box[1] - upper.box[3] > CELL_LEADING * unit:
        return False
    top, bottom = (upper.box[1] + upper.box[3]) / 2, (lower.box[1] + lower.box[3]) / 2
    left, right = min(upper.box[0], lower.box[0]), max(upper.box[2], lower.box[2])
    between = [f for f in frags if top < (f.box[1] + f.box[3]) / 2 < bottom
               and _overlap(f.box, upper.box) < ROW_OVERLAP and _overlap(f.box, lower.box) < ROW_OVERLAP]
    return bool(between) and not any(f.box[0] < right and left < f.box[2] for f in between) and any(
        f.box[2] <= left for f in between)


def rows(page_blocks: list[Block]) -> list[list[Block]]:
    """Blocks grouped into rows by vertical overlap, rows top to bottom, blocks left to right."""
    ordered = sorted(page_blocks, key=lambda b: (b.box[1], b.box[0]))
    result: list[list[Block]] = []
    bands: list[Box] = []
    for block in ordered:
        box = block.box
        for i in range(len(result) - 1, max(-1, len(result) - 4), -1):
            if _overlap(bands[i], box) >= ROW_OVERLAP and not _beside_none(result[i], box):
                result[i].append(block)
                bands[i] = _union([bands[i], box])
                break
        else:
            result.append([block])
            bands.append(box)
    for row in result:
        row.sort(key=lambda b: b.box[0])
    return result


def _beside_none(row: list[Block], box: Box) -> bool:
    """Whether `box` overlaps a block of the row horizontally: then it is below it, not beside it."""
    return any(b.box[0] < box[2] and box[0] < b.box[2] for b in row)


# What a page's reading is made of: lines of cells (a tab between two), each cell glyphs and the
# separators (str) reading order puts between them.
Piece = Glyph | str
Reading = list[list[list[Piece]]]


def _cell_pieces(block: Block, unit: float) -> list[Piece]:
    """A block's lines, joined as one cell: nothing between Chinese characters or digits, a
    space between two Latin words. In a drawn cell, a line that ends short of the cell's text
    (FULL_LINE_SLACK) ends a paragraph, and a space parts it from the next: the business names
    and coverages of a cell stay apart, as a cell's <br> or <p> does in HTML (layout)."""
    pieces: list[Piece] = []
    right = max(frag.box[2] for frag in block.lines)
    for i, frag in enumerate(block.lines):
        before = block.lines[i - 1] if i else None
        if (before is not None and _LATIN_END_RE.search(before.text) and _LATIN_START_RE.search(frag.text)
                and not (_CODE_END_RE.search(before.text) and _CODE_START_RE.search(frag.text))):
            pieces.append(" ")
        elif before is not None and block.cell is not None and before.box[2] < right - FULL_LINE_SLACK * unit:
            pieces.append(" ")
        pieces.extend(_fragment_pieces(frag))
    return pieces


def _fragment_pieces(frag: Fragment) -> list[Piece]:
    """A fragment's glyphs, with a space where the page shows one between two glyphs."""
    unit = max(unit_height(frag.glyphs), 1e-6)
    pieces: list[Piece] = []
    previous = None
    for glyph in frag.glyphs:
        if previous is not None and glyph.box[0] - previous.box[2] > 0.3 * unit:
            pieces.append(" ")
        pieces.append(glyph)
        previous = glyph
    return pieces


def geometric_reading(frags: list[Fragment], unit: float, text_span: tuple[float, float],
                      turned: list[Glyph] = ()) -> Reading:
    """A page read from its geometry: its rows of blocks, then its turned glyphs (a seal's text)
    on a line of their own, in the order the page lists them."""
    reading = [[_cell_pieces(block, unit) for block in row] for row in rows(blocks(frags, unit, text_span))]
    if turned:
        reading.append([list(turned)])
    return reading


def content_reading(glyphs: list[Glyph], unit: float) -> Reading:
    """A text layer's page in the order its content lists the glyphs: a line where PDFium infers a
    line break ("\n" glyphs, see pdf._text_layer), a tab at a gap as wide as between two cells
    (FRAGMENT_GAP), a space at a narrower one or where PDFium infers a space."""
    reading: Reading = [[[]]]
    previous: Glyph | None = None
    space = False
    for glyph in glyphs:
        if glyph.text == "\n":
            reading.append([[]])
            previous, space = None, False
            continue
        if not glyph.text.strip():
            space = True
            continue
        cells = reading[-1]
        if previous is not None:
            gap = glyph.box[0] - previous.box[2]
            if gap > FRAGMENT_GAP * unit and _overlap(glyph.box, previous.box) >= 0.5:
                cells.append([])
            elif space or gap > 0.3 * unit:
                cells[-1].append(" ")
        cells[-1].append(glyph)
        previous, space = glyph, False
    return [[cell for cell in line if cell] for line in reading if any(line)]


def reading_text(reading: Reading) -> str:
    return "\n".join("\t".join("".join(p if isinstance(p, str) else p.text for p in cell) for cell in line)
                     for line in reading)


def _write(builder: TextBuilder, reading: Reading, page: int) -> None:
    for r, line in enumerate(reading):
        if r:
            builder.separator("\n")
        for c, cell in enumerate(line):
            if c:
                builder.separator("\t")
            for piece in cell:
                if isinstance(piece, str):
                    builder.separator(piece)
                else:
                    builder.glyphs([piece], page)


def read_pages(pages: list[PageContent]) -> DocumentText:
    """The reconstructed text of a document's pages (see the module docstring).

    A text layer's page is also read in its content order, and the better of the two readings
    (`reading_choice.better_reading`) is kept: a reading order must never read worse than the
    order the PDF's producer wrote the page in. The page's size records which was kept.
    """
    from licex.documents.reading_choice import better_reading

    builder = TextBuilder()
    level = [_level_glyphs(page) for page in pages]
    units = [unit_height(glyphs) for glyphs in level]
    page_fragments = [fragments(glyphs, unit, page.cells) for page, glyphs, unit in zip(pages, level, units)]
    # The text's left and right edges, as shares of the page width, over the whole document: a
    # page of short lines (a 附页) has no full line, and so no line that wraps.
    shares = [(f.box[0] / page.size.width, f.box[2] / page.size.width)
              for page, frags in zip(pages, page_fragments) for f in frags if page.size.width]
    left_share = min((a for a, _ in shares), default=0.0)
    right_share = max((b for _, b in shares), default=1.0)
    for index, page in enumerate(pages):
        size = page.size
        if index:
            builder.separator(PAGE_BREAK)
        unit = units[index]
        text_span = (left_share * size.width, right_share * size.width)
        turned = [page.glyphs[i] for i in page.turned]
        reading = geometric_reading(page_fragments[index], unit, text_span, turned)
        if size.source == "text_layer" and page.glyphs:
            content = content_reading(page.glyphs, unit)
            if better_reading(reading_text(content), reading_text(reading)):
                reading, size = content, replace(size, reading="content")
        builder.pages.append(size)
        _write(builder, reading, index)
    return builder.build()


def _level_glyphs(page: PageContent) -> list[Glyph]:
    """The page's glyphs set level on its lines: not the turned ones (a seal's text)."""
    if not page.turned:
        return page.glyphs
    turned = set(page.turned)
    return [glyph for i, glyph in enumerate(page.glyphs) if i not in turned]
