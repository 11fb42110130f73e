"""The shareholder table: a row per shareholder, with its name, ID number and share ratio; a cell
that `pdftotext -layout` wrapped around its row (half above the row's line, half below) is one
value of its halves."""

from __future__ import annotations

import functools
import re

from spacy.util import registry

from licex.fields.values import read_value
from licex.text.layout import ROW_CELL_RE, SHAREHOLDER_HEADER_RE, SPACE_RE, Layout, Line, Pieces, trim
from licex.components.field_rules.hits import Hit, found_by, pieces_text
from licex.components.field_rules.reading import Reader, Reading
from licex.components.field_rules.shareholder_stream import header_lines, stream_rows

_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:[0-9A-Z]{18}|\d{17}[\dXx]|\d{15}|[0-9A-Z]{8,20})(?![0-9A-Za-z])")
_ROW_NUMBER_RE = re.compile(r"\d{1,3}\.?")
_NUMBERED_NAME_RE = re.compile(r"\d{1,3}\.?[ ]+(?=\D)")
# What OCR makes of table rules and stray marks at a cell's edges (”|510601…, [出资比例).
_CELL_EDGE_MARKS = "|｜[]”“\"'‘’"
# A column word of the shareholder table's header: 序号, 股东名称, 证照号码, 出资比例 …
_SHAREHOLDER_COLUMN_RE = re.compile(r"(?:序\s*号|股\s*东|名\s*称|姓\s*名|证\s*[照件]|号\s*码|出\s*资|比\s*例|\s)+")

Cells = list[tuple[int, int]]


@registry.misc("licex.reader.shareholders.v1")
def make_shareholders_reader() -> Reader:
    """The cells of the shareholder table's rows (found_by `row`)."""
    return read_shareholders


def read_shareholders(reading: Reading) -> list[Hit]:
    """Rows of the shareholder table: name, ID number and share ratio cells.

    The table follows a line naming 股东 and 比例 or 证照号码 (its introduction or its header
    row); rows before the first one with a ratio or an ID number are header rows, and the first
    row with neither after it ends the table (OCR loses one of them now and then). A table that
    a tool wrote one cell a line (pdftotext) is read by its header: N column words, then rows of
    N cells. Where neither reads as many whole rows, the table is read piece by piece from its 股东名称 column
    word (shareholder_stream: rows broken over lines).
    """
    layout = reading.layout
    hits: list[Hit] = []
    lines = layout.lines
    wrapped_row = functools.cache(functools.partial(_wrapped_row, layout))  # (each line looked at twice)
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not SHAREHOLDER_HEADER_RE.search(line.text) or layout.in_special(line.start):
            continue
        rows = 0
        while i < len(lines):
            row = lines[i]
            if row.kind == "blank":
                i += 1
                continue
            if wrapped_row(i + 1) is not None:
                i += 1
                continue  # the first halves of the cells the next row wrapped around (-layout)
            wrapped = wrapped_row(i)
            cells = wrapped or [(cell,) for cell in _row_cells(layout, row)]
            if len(cells) < 2 or not any(_kind(reading, cell) in ("ratio", "id") for cell in cells):
                if rows or row.kind != "content":
                    break
                if len(cells) == 1 and (vertical := _cell_per_line_rows(reading, i)) is not None:
                    cell_rows, i = vertical
                    for cell_row in cell_rows:
                        hits += _shareholder_row(reading, [(cell,) for cell in cell_row])
                    break
                i += 1
                continue  # a column header row
            rows += 1
            i += 2 if wrapped else 1  # (the line below it holds the second halves)
            hits += _shareholder_row(reading, cells)
    ratios = sum(hit.label == "SHARE_RATIO" for hit in hits)
    for start in header_lines(layout, _SHAREHOLDER_COLUMN_RE):
        rows = stream_rows(reading, start, _SHAREHOLDER_COLUMN_RE)
        if sum(hit.label == "SHARE_RATIO" for hit in rows) > ratios:
            return rows
    return found_by("row", hits)


def _row_cells(layout: Layout, row: Line) -> Cells:
    """A shareholder row's non-empty cells, without the marks OCR leaves at their edges."""
    text = layout.view.text
    delimiter = ROW_CELL_RE if ROW_CELL_RE.search(row.text.strip()) else SPACE_RE
    cells = []
    for a, b in layout.row_cells(row, delimiter):
        while a < b and text[a] in _CELL_EDGE_MARKS:
            a += 1
        a, b = trim(text, a, b, " " + _CELL_EDGE_MARKS)
        if a < b:
            cells.append((a, b))
    return cells


def _is_ratio(reading: Reading, start: int, end: int) -> bool:
    return reading.value("SHARE_RATIO", start, end) is not None


def _wrapped_row(layout: Layout, i: int) -> list[Pieces] | None:
    """Row i's cells with those wrapped around it (Layout.cells_wrapped_around), or None."""
    if i >= len(layout.lines) or layout.lines[i].kind != "content":
        return None
    cells = _row_cells(layout, layout.lines[i])
    return layout.cells_wrapped_around(i, cells) if len(cells) >= 2 else None


def _kind(reading: Reading, cell: Pieces) -> str:
    """What a cell of pieces holds: a ratio, an ID number, a row number, or other (a name)."""
    text = reading.layout.view.text
    if len(cell) == 1:
        if _is_ratio(reading, *cell[0]):
            return "ratio"
        joined = text[slice(*cell[0])]
    else:
        joined = pieces_text(text, cell)
        if read_value("SHARE_RATIO", joined) is not None:
            return "ratio"
    return "id" if _ID_RE.fullmatch(joined) else "number" if _ROW_NUMBER_RE.fullmatch(joined) else "other"


def _shareholder_row(reading: Reading, cells: list[Pieces]) -> list[Hit]:
    """The hits of one row's cells: its ratio, ID numbers, and its name: the cell just before the
    ID number, else the first cell that is not a row number (OCR misreads the row number 1 as
    王 or UL, so a cell before the name is no name). A cell printed in pieces is one hit."""
    text = reading.layout.view.text
    hits = []
    kinds = [_kind(reading, cell) for cell in cells]
    name = next((k - 1 for k, kind in enumerate(kinds) if kind == "id" and k and kinds[k - 1] == "other"),
                kinds.index("other") if "other" in kinds else None)
    labels = {"ratio": "SHARE_RATIO", "id": "SHAREHOLDER_ID"}
    for k, (kind, cell) in enumerate(zip(kinds, cells)):
        joined = cell if len(cell) > 1 else ()
        if kind in labels:
            hits.append(Hit(labels[kind], *cell[-1], joined=joined))
        elif k == name:
            # A name opens its row: a name in pieces is found at its first, before the row's line.
            a, b = cell[0]
            if not joined and (number := _NUMBERED_NAME_RE.match(text, a, b)) and k == 0:
                a = number.end()  # the row number run into the name's cell (1 高丽丽)
            hits.append(Hit("SHAREHOLDER", a, b, joined=joined))
    return hits


def _cell_per_line_rows(reading: Reading, i: int) -> tuple[list[Cells], int] | None:
    """A table written one cell a line from line i: its rows of cells and the line after them,
    or None where lines i… are not N header words followed by rows of N cells with one ratio each."""
    text = reading.layout.view.text
    cells = reading.layout.one_cell_lines(i, split_at_spaces=True)
    columns = 0
    while columns < len(cells) and _SHAREHOLDER_COLUMN_RE.fullmatch(text[slice(*cells[columns][1])]):
        columns += 1
    if columns < 2:
        return None
    rows = []
    k = columns
    while k + columns <= len(cells):
        row = [cell for _, cell in cells[k:k + columns]]
        if sum(1 for a, b in row if _is_ratio(reading, a, b)) != 1:
            break
        rows.append(row)
        k += columns
    return (rows, cells[k - 1][0] + 1) if rows else None
