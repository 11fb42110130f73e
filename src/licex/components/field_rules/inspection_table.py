"""Annual inspections printed as a table: a header row naming the columns (年度 | 年检结果 |
年检日期, maybe 序号 first), then a row per inspection. A licence's own 年检情况记录表 prints
entries of text (inspections); a list of inspections typed out or exported prints them so."""

from __future__ import annotations

import re

from spacy.util import registry

from licex.fields.labels import header_word
from licex.text.layout import SPACE_RE, Layout, Line, align, cell_delimiter
from licex.fields.normalize import normalize_date
from licex.text.chars import DATE_RE
from licex.components.field_rules.hits import Hit
from licex.components.field_rules.parts import trim_value
from licex.components.field_rules.reading import Reader, Reading

# What a header cell of each column prints (header_word: no spaces, brackets or colon).
_COLUMNS = (
    ("INSPECTION_YEAR", re.compile(r"(?:年[检报]|检验)?年度")),
    ("INSPECTION_RESULT", re.compile(r"(?:年[检报]|检验)?(?:结果|情况)")),
    ("INSPECTION_DATE", re.compile(r"(?:年[检报]|检验|审核|盖章)?日期")),
)
_NUMBER_COLUMN = "序号"
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
# A label or page header between the cells of a table written a cell a line (经营许可证编号：…).
_LABEL_LINE_RE = re.compile(r"[:：]")

Header = tuple[list[str | None], list[int], re.Pattern[str]]


@registry.misc("licex.reader.inspection_table.v1")
def make_inspection_table_reader() -> Reader:
    """The year, result and date of each row of an annual inspection table (found_by `table`)."""
    return read_inspection_tables


def read_inspection_tables(reading: Reading) -> list[Hit]:
    """Rows follow the header until a line that is no row: one without a year under the year
    column, or page furniture. Outside the 特别规定事项 only (its title ends them)."""
    layout = reading.layout
    hits: list[Hit] = []
    lines = layout.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.kind != "content" or layout.in_special(line.start):
            continue
        if (header := _header(layout, line)) is None:
            if (vertical := _cell_per_line_rows(reading, i - 1) or _cells_by_kind(reading, i - 1)) is not None:
                found, i = vertical
                hits += found
            continue
        columns, offsets, delimiter = header
        while i < len(lines) and lines[i].kind in ("blank", "content"):
            row = lines[i]
            if row.kind == "content":
                cells = layout.row_cells(row, delimiter)
                if delimiter is SPACE_RE and len(cells) > len(columns):
                    # single spaces stand inside a date too (2005 年 08 月 22 日): the last column
                    # takes the rest of the row
                    cells = [*cells[:len(columns) - 1], (cells[len(columns) - 1][0], cells[-1][1])]
                if len(cells) != len(columns):
                    if delimiter is SPACE_RE:
                        break  # single spaces may stand inside a value: no aligning
                    cells = align(cells, offsets, row.start)
                found = [hit for label, (a, b) in zip(columns, cells) if label for hit in _cell(reading, label, a, b)]
                if not found or found[0].label != "INSPECTION_YEAR":
                    break
                hits += found
            i += 1
    return hits


def _columns(words: list[str]) -> list[str | None] | None:
    """The column of each header word (None for 序号), or None where the words are no header:
    every word names a column, the year's first, and one more names the result or the date."""
    columns: list[str | None] = []
    for word in words:
        if not word or word == _NUMBER_COLUMN:
            columns.append(None)
            continue
        label = next((label for label, column in _COLUMNS if column.fullmatch(word)), None)
        if label is None or label in columns:
            return None
        columns.append(label)
    named = [label for label in columns if label]
    return columns if len(named) >= 2 and named[0] == "INSPECTION_YEAR" else None


def _cell_per_line_rows(reading: Reading, i: int) -> tuple[list[Hit], int] | None:
    """A table a tool wrote one cell a line from line i (pdftotext of narrow columns: 年度 / 年检结果
    / 日期 / 2020 / 合格 / …): its hits and the line after them, or None where lines i… are not
    header words followed by rows of as many cells (_cell_lines)."""
    text = reading.layout.view.text
    cells = _cell_lines(reading.layout, i)
    words = []
    for _, a, b in cells:
        if _columns(words + [header_word(text[a:b])]) is None and len(words) >= 2:
            break
        words.append(header_word(text[a:b]))
    columns = _columns(words)
    if columns is None:
        return None
    hits: list[Hit] = []
    k = len(columns)
    while k + len(columns) <= len(cells):
        row = [hit for label, (_, a, b) in zip(columns, cells[k:k + len(columns)]) if label
               for hit in _cell(reading, label, a, b)]
        if not row or row[0].label != "INSPECTION_YEAR":
            break
        hits += row
        k += len(columns)
    return (hits, cells[k - 1][0] + 1) if hits else None


def _cell_lines(layout: Layout, i: int) -> list[tuple[int, int, int]]:
    """The cells of a table written one cell a line from line i, as (line index, start, end):
    up to the next title, the special provisions or a line of several cells; a label line
    between them (the page header 经营许可证编号：…) is no cell."""
    text = layout.view.text
    cells: list[tuple[int, int, int]] = []
    for j in range(i, len(layout.lines)):
        line = layout.lines[j]
        if line.kind == "title" or layout.in_special(line.start):
            break
        if line.kind == "blank" or _LABEL_LINE_RE.search(line.text):
            continue
        if line.kind not in ("content", "signature") or cell_delimiter(line.text):
            break  # (a date alone on its line reads as a signature block's)
        cells.append((j, *trim_value(text, line.start, line.end)))
    return cells


def _cells_by_kind(reading: Reading, i: int) -> tuple[list[Hit], int] | None:
    """A table written one cell a line whose cells come in no row order (pdftotext of a table
    whose first row is printed beside the header: 年度 / 2013 / 年检结果 / 合格 / 日期 / 二〇一四年三月八日,
    then the other rows column after column: 2014 / 2015 / 合格 / 合格 / 二〇一五年… / 二〇一六年…):
    read by what each cell is, a year, a result or a date, each kind in row order. Its hits and
    the line after it, or None where line i is no 年度 header, a cell is none of the three, or
    the columns named do not hold as many cells each."""
    layout = reading.layout
    text = layout.view.text
    cells = _cell_lines(layout, i)
    if not cells or not _COLUMNS[0][1].fullmatch(header_word(text[cells[0][1]:cells[0][2]])):
        return None
    named: list[str] = []
    kinds: dict[str, list[Hit]] = {label: [] for label, _ in _COLUMNS}
    end = cells[0][0]
    for j, a, b in cells:
        word = header_word(text[a:b])
        column = next((label for label, pattern in _COLUMNS if pattern.fullmatch(word)), None)
        if column is not None and column not in named:
            named.append(column)
        elif (kind := _kind(reading, a, b)) is not None:
            kinds[kind[0].label] += kind
        else:
            break
        end = j
    if len(named) < 2:
        return None
    counts = {len(kinds[label]) for label in named}
    if len(counts) != 1 or 0 in counts or any(kinds[label] for label in kinds if label not in named):
        return None
    rows = zip(*(kinds[label] for label in named))
    return [hit for row in rows for hit in row], end + 1


def _kind(reading: Reading, start: int, end: int) -> list[Hit] | None:
    """The hit of a cell by its shape alone: a year, a date, or a result; None for anything else."""
    text = reading.layout.view.text
    a, b = trim_value(text, start, end)
    if _YEAR_RE.fullmatch(text, a, b):
        return [Hit("INSPECTION_YEAR", a, b, found_by="table")]
    found = _cell(reading, "INSPECTION_RESULT", a, b)
    return found or None


def _header(layout: Layout, line: Line) -> Header | None:
    """The columns of an inspection table's header row (None for 序号), the offsets its cells
    start at and what separates them; None where the line is no such header: every cell names a
    column, the year's first, and one more names the result or the date."""
    text = layout.view.text
    delimiter = cell_delimiter(line.text) or (SPACE_RE if " " in line.text.strip() else None)
    if delimiter is None:
        return None
    cells = layout.row_cells(line, delimiter)
    columns = _columns([header_word(text[a:b]) for a, b in cells])
    if columns is None:
        return None
    return columns, [a - line.start for a, _ in cells], delimiter


def _cell(reading: Reading, label: str, start: int, end: int) -> list[Hit]:
    """The hit of one cell: the year in the year column, the date in the date column, the
    result as printed. A cell that is a date is the date, under whichever column it stands: a row
    that lost its result cell slides its date under the result's header."""
    text = reading.layout.view.text
    if label == "INSPECTION_YEAR":
        year = _YEAR_RE.search(text, start, end)
        return [Hit(label, *year.span(), found_by="table")] if year else []
    a, b = trim_value(text, start, end)
    date = DATE_RE.search(text, start, end)
    if date and normalize_date(date.group(0)) and (label == "INSPECTION_DATE" or date.span() == (a, b)):
        return [Hit("INSPECTION_DATE", *date.span(), found_by="table")]
    if label == "INSPECTION_DATE":
        return []
    return [Hit(label, a, b, found_by="table")] if a < b and reading.value(label, a, b) is not None else []
