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

Header = tuple[list[str | None], list[int], re.Pattern[str]]


@registry.misc("licex.reader.inspection_table.v1")
def make_inspection_table_reader() -> Reader:
    """The year, result and date of each row of an annual inspection table (found_by `table`)."""
    return read_inspection_tables


def read_inspection_tables(reading: Reading) -> list[Hit]:
    """Rows follow the header until a line that is no row: one without a year under the year
    column, or page furniture. Outside the 特别规定事项 only (its title ends them)."""
    layout = reading.layout
    text = layout.view.text
    hits: list[Hit] = []
    lines = layout.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.kind != "content" or layout.in_special(line.start) or (header := _header(layout, line)) is None:
            continue
        columns, offsets, delimiter = header
        while i < len(lines) and lines[i].kind in ("blank", "content"):
            row = lines[i]
            if row.kind == "content":
                cells = layout.row_cells(row, delimiter)
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


def _header(layout: Layout, line: Line) -> Header | None:
    """The columns of an inspection table's header row (None for 序号), the offsets its cells
    start at and what separates them; None where the line is no such header: every cell names a
    column, the year's first, and one more names the result or the date."""
    text = layout.view.text
    delimiter = cell_delimiter(line.text) or (SPACE_RE if " " in line.text.strip() else None)
    if delimiter is None:
        return None
    cells = layout.row_cells(line, delimiter)
    columns: list[str | None] = []
    for a, b in cells:
        word = header_word(text[a:b])
        if not word or word == _NUMBER_COLUMN:
            columns.append(None)
            continue
        label = next((label for label, column in _COLUMNS if column.fullmatch(word)), None)
        if label is None or label in columns:
            return None
        columns.append(label)
    named = [label for label in columns if label]
    if len(named) < 2 or named[0] != "INSPECTION_YEAR":
        return None
    return columns, [a - line.start for a, _ in cells], delimiter


def _cell(reading: Reading, label: str, start: int, end: int) -> list[Hit]:
    """The hit of one cell: the year in the year column, the date in the date column, the
    result as printed."""
    text = reading.layout.view.text
    if label == "INSPECTION_YEAR":
        year = _YEAR_RE.search(text, start, end)
        return [Hit(label, *year.span(), found_by="table")] if year else []
    if label == "INSPECTION_DATE":
        date = DATE_RE.search(text, start, end)
        return [Hit(label, *date.span(), found_by="table")] if date and normalize_date(date.group(0)) else []
    a, b = trim_value(text, start, end)
    return [Hit(label, a, b, found_by="table")] if a < b and reading.value(label, a, b) is not None else []
