"""Tables whose header row names the columns: 业务种类 | 服务项目 | 业务覆盖范围 on a 附页, or the
website table (网站名称 | 网站域名 | …), with one value per column in each later row."""

from __future__ import annotations

import bisect
import re

from spacy.util import registry

from licex.fields.labels import COLUMN_WORDS, header_word
from licex.text.layout import SHAREHOLDER_HEADER_RE, SPACE_RE, Layout, Line, align, cell_delimiter
from licex.fields.values import has_value
from licex.components.field_rules.business_text import BlockPatterns, read_business_text
from licex.components.field_rules.hits import Hit, LabelHit, Table, found_by
from licex.components.field_rules.parts import (
    SEE_ATTACHMENT_RE,
    check_value,
    item_parts,
    trim_value,
    unbracket,
)
from licex.components.field_rules.reading import Reader, Reading
from licex.components.field_rules.website_rows import is_website_table, website_rows

# The longest piece of a cell that wrapped onto a line of its own below its row.
_MAX_CELL_REST = 12
# The most columns a table written one cell a line is looked for in (the website table has 4-6).
_MAX_COLUMNS = 8
_MARKS_RE = re.compile(r"[^\w]")
# The last line of a label wrapped in its cell (业务种类 / (服务项目) / 及覆盖范围): it goes on with 及.
# Its pieces may wrap again (及覆盖范 / 围).
_WRAPPED_LABEL_END_RE = re.compile(r"[ \t]*及\s*(?:业\s*务\s*)?覆\s*盖\s*范\s*围")

Header = tuple[list[str | None], list[int], re.Pattern[str]]


@registry.misc("licex.reader.column_tables.v1")
def make_column_tables_reader() -> Reader:
    """The values of the tables whose header row names the columns (found_by `table`)."""
    def read(reading: Reading) -> list[Hit]:
        return found_by("table", [hit for table in reading.tables for hit in table.hits])

    return read


def find_tables(layout: Layout, labels: list[LabelHit], label_of: dict[str, str | None],
                block: BlockPatterns) -> list[Table]:
    """Tables whose first row names the columns and whose later rows hold one value per column.

    The rows end at the first line that is not a row: one with a single cell, page furniture,
    or a label (the label/value table or header row that follows). Cells are separated by
    tabs or runs of spaces; a header of labels alone may also be separated by single spaces
    (a PDF's plain text), and then a row counts only with one cell for each column. A table
    that a tool wrote one cell a line (pdftotext) is read too: N label lines, then N values.
    """
    text = layout.view.text
    label_starts = [hit.start for hit in labels]
    tables = []
    lines = layout.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if line.kind != "content" or layout.in_special(line.start) or SHAREHOLDER_HEADER_RE.search(line.text):
            continue  # (the shareholder table has rows of its own shape: shareholders)
        header = _header_row(layout, line, label_of)
        if header is None and (wrapped := _wrapped_header_row(layout, i - 1, label_of)) is not None:
            header, i = wrapped, i + 1  # the line its last cell wrapped onto is part of it
        if header is None:
            if (vertical := _cell_per_line_table(layout, i - 1, label_of, block)) is not None:
                table, i = vertical
                tables.append(table)
            continue
        # A wide table OCR'd as two header lines (网站名称 网站域名 / 服务器放置地 接入服务商)
        # has rows of two lines, each under its header line.
        headers = [header]
        following = next((j for j in range(i, len(lines)) if lines[j].kind != "blank"), None)
        if following is not None and lines[following].kind == "content" and (
                second := _header_row(layout, lines[following], label_of)) is not None:
            headers.append(second)
            i = following + 1
        if len(headers) == 2 and is_website_table(columns := headers[0][0] + headers[1][0]):
            headers = [(columns, headers[0][1], headers[0][2])]  # (its rows are read by shape, not by line)
        if len(headers) == 1:
            headers[0], i = _header_wrapped_on(layout, headers[0], i, label_of)
        header_end = lines[i - 1].end
        if len(headers) == 1 and is_website_table(headers[0][0]):
            hits, i = website_rows(layout, i, headers[0][0], label_starts)
            tables.append(Table(line.start, header_end, lines[i - 1].end if hits else header_end, hits))
            continue
        hits: list[Hit] = []
        end = header_end
        row_lines = 0
        while i < len(lines) and lines[i].kind in ("blank", "content"):
            row = lines[i]
            if row.kind == "content":
                columns, header_offsets, delimiter = headers[row_lines % len(headers)]
                cells = layout.row_cells(row, delimiter)
                if end == header_end and len(row.text.strip()) == 1:
                    i += 1
                    continue  # a character OCR read off the rule under the header
                next_label = bisect.bisect_left(label_starts, row.start)
                if len(cells) < 2 or (next_label < len(label_starts) and label_starts[next_label] < row.end):
                    break
                full = len(cells) == len(columns) and cells[-1][0] < cells[-1][1]
                if len(cells) != len(columns):
                    if delimiter is SPACE_RE:
                        break  # single spaces may stand inside a value: no aligning
                    cells = align(cells, header_offsets, row.start)
                if full and (rest := _cell_rest(layout, i, label_starts)) is not None:
                    cells[-1] = (cells[-1][0], rest)  # the last cell wrapped onto the next line
                    i += 1
                for label, (a, b) in zip(columns, cells):
                    hits += column_value(label, text, a, b, block)
                end = lines[i].end
                row_lines += 1
            i += 1
        tables.append(Table(line.start, header_end, end, hits))
    return tables


# The brackets a cell of a table written one cell a line may wrap inside (the view prints ASCII
# round brackets) and a bracketed note's.
_BRACKETS = (("(", ")"), ("【", "】"))
# Any run of blanks, tabs and spaces alike: the cells of a website table's header a tool set apart
# by a tab here and one space there.
_BLANK_RUN_RE = re.compile(r"[ \t]+")


def _header_row(layout: Layout, line: Line, label_of: dict[str, str | None]) -> Header | None:
    """A header row's column labels, the offsets its cells start at, and what separates them;
    None where the line is no header row. A website table's header may mix one space and runs of
    them between its cells (网站名称 网站域名      服务器放置地, as -layout prints a narrow column)."""
    delimiter = cell_delimiter(line.text) or (SPACE_RE if " " in line.text.strip() else None)
    columns = _header_columns(layout, line, delimiter, label_of) if delimiter else None
    if columns is None and delimiter is not None and delimiter is not SPACE_RE and " " in line.text.strip():
        # (a tab between some cells and one space between others: 网站名称 网址\t服务器放置地)
        blank = SPACE_RE if "\t" not in line.text.strip() else _BLANK_RUN_RE
        spaced = _header_columns(layout, line, blank, label_of)
        if spaced is not None and is_website_table(spaced):
            columns, delimiter = spaced, blank
    if columns is None:
        return None
    offsets = [a - line.start for a, _ in layout.row_cells(line, delimiter)]
    if "\t" not in line.text and line.text[:1] == " " and columns[0] is None:
        # The spaces a header row set apart by spaces is indented with (-layout centres its first
        # column's word) open no column: a row's first cell is aligned under its first word. (One
        # space before a first word that names a column opens none: it is the column's.)
        columns, offsets = columns[1:], offsets[1:]
    return columns, offsets, delimiter


def _wrapped_header_row(layout: Layout, i: int, label_of: dict[str, str | None]) -> Header | None:
    """The header row of line i whose last cell wrapped onto line i + 1 (网站名称 网址 服务器放置地
    互联网接入服务提供 / 单位, as pypdfium2 prints a header cell too narrow for its label), or None."""
    lines = layout.lines
    if i + 1 >= len(lines) or lines[i + 1].kind != "content" or cell_delimiter(lines[i + 1].text):
        return None
    line, rest = lines[i], header_word(lines[i + 1].text)
    delimiter = cell_delimiter(line.text) or (SPACE_RE if " " in line.text.strip() else None)
    if delimiter is None or not rest:
        return None
    cells = layout.row_cells(line, delimiter)
    last = header_word(layout.view.text[slice(*cells[-1])])
    if last in label_of or last + rest not in label_of:
        return None
    columns = _header_columns(layout, line, delimiter, {**label_of, last: label_of[last + rest]})
    return None if columns is None else (columns, [a - line.start for a, _ in cells], delimiter)


def _header_wrapped_on(layout: Layout, header: Header, i: int, label_of: dict[str, str | None]) -> tuple[Header, int]:
    """A website table's header whose last cells a tool printed on lines of their own (网站名称
    网站域名 / 服务器放置地 / 网站接入服务提供单 / 位), or half above the header row and half below
    (-layout): the header with their columns, and the line after it; the header and line i as
    they were for any other."""
    columns, lines, start = header[0], layout.lines, i
    above = header_word(lines[i - 2].text) if i >= 2 and lines[i - 2].kind == "content" else ""
    while i < len(lines) and lines[i].kind == "content" and not cell_delimiter(lines[i].text):
        word = header_word(lines[i].text)
        if (label := label_of.get(above + word)) and i == start and label not in columns:
            columns, i = [*columns, label], i + 1  # a cell centred on the row: half above it, half below
        elif word in label_of and label_of[word] not in columns:
            columns, i = [*columns, label_of[word]], i + 1
        elif (i + 1 < len(lines) and lines[i + 1].kind == "content"
              and (label := label_of.get(word + header_word(lines[i + 1].text))) and label not in columns):
            columns, i = [*columns, label], i + 2
        else:
            break
    if i == start or not is_website_table(columns):
        return header, start
    return (columns, header[1], header[2]), i  # (a website table is read by its values' shapes)


def _cell_rest(layout: Layout, i: int, label_starts: list[int]) -> int | None:
    """Where the last cell of row i ends when it wrapped onto the next line: that line holds one
    short cell and no label, and the line after it is no such line (中国电信股份有限公 / 司南京分公司);
    None where it did not wrap."""
    lines = layout.lines
    if i + 1 >= len(lines) or lines[i + 1].kind != "content":
        return None
    rest = lines[i + 1]
    stripped = rest.text.strip()
    if not stripped or cell_delimiter(rest.text) or " " in stripped or len(stripped) > _MAX_CELL_REST:
        return None
    if bisect.bisect_left(label_starts, rest.start) < bisect.bisect_left(label_starts, rest.end):
        return None
    return rest.start + len(rest.text.rstrip())


def _header_columns(layout: Layout, line: Line, delimiter: re.Pattern[str],
                    label_of: dict[str, str | None]) -> list[str | None] | None:
    """The column labels of a header row, or None if the line is not one.

    Every cell must be a label name (brackets and colon allowed: (服务项目)) or a column
    word such as 序号, and at least two must be field labels; a row of label/value pairs
    (公司名称 | X | 法定代表人 | Y) is not a header.
    """
    text = layout.view.text
    columns: list[str | None] = []
    named = 0
    for a, b in layout.row_cells(line, delimiter):
        cell = header_word(text[a:b])
        if not cell or cell in COLUMN_WORDS or len(_MARKS_RE.sub("", cell)) <= 1:
            columns.append(None)  # (a stray character OCR read off a rule or the seal is no column)
        elif cell in label_of:
            label = label_of[cell]
            columns.append(label)
            named += label is not None
        else:
            return None
    return columns if named >= 2 else None


def _cell_per_line_table(layout: Layout, i: int, label_of: dict[str, str | None],
                         block: BlockPatterns) -> tuple[Table, int] | None:
    """A table written one cell a line from line i: at least two field-label lines (the
    header), then as many value lines; the table and the line after it, or None."""
    text = layout.view.text
    cells = layout.one_cell_lines(i, split_at_spaces=False, most=2 * _MAX_COLUMNS)
    columns: list[str] = []
    k = 0
    while k < len(cells):
        a, b = cells[k][1]
        # A header cell is a label alone: `签发人:` with its colon is a label whose value follows.
        label = None if ":" in text[a:b] else label_of.get(header_word(text[a:b]))
        if label is None and columns and k + 1 < len(cells):
            # A header cell wrapped onto the next line (互联网接入服务提供 / 单位): one cell.
            label = label_of.get(header_word(text[a:b]) + header_word(text[slice(*cells[k + 1][1])]))
            if label is not None:
                cells[k:k + 2] = [(cells[k][0], (a, cells[k + 1][1][1]))]
        if label is None:
            break
        columns.append(label)
        k += 1
    if len(columns) < 2 or len(cells) < 2 * len(columns) or len(set(columns)) < len(columns):
        return None
    leftover = text[slice(*cells[-1][1])]
    if (len(cells) == 2 * len(columns) + 1 and len(leftover) <= _MAX_CELL_REST and ":" not in leftover
            and header_word(leftover) not in label_of):
        # One short cell left over after a single row: its last cell wrapped onto a line of its own.
        cells[-2:] = [(cells[-1][0], (cells[-2][1][0], cells[-1][1][1]))]
    if _WRAPPED_LABEL_END_RE.match(text, cells[len(columns)][1][0]):
        return None  # 业务种类 / (服务项目) / 及覆盖范围: one label wrapped in its cell, not a header
    values = _value_cells(text, cells[len(columns):], len(columns))
    if len(values) < len(columns) or any(
            text.count(o, a, b) != text.count(c, a, b) for _, (a, b) in values for o, c in _BRACKETS):
        # A cell that closes a bracket it never opened (…文和附件) 载明…), or opens one no line
        # after it closes: the lines are not one cell each (a label cell of two lines, then its
        # wrapped value; the end of a sentence the tool printed among the cells).
        return None
    if any(label_of.get(header_word(text[a:b])) or ":" in text[a:b] for _, (a, b) in values):
        return None
    hits = [hit for label, (_, (a, b)) in zip(columns, values)
            for hit in column_value(label, text, a, b, block)]
    last_index, (_, last_end) = values[-1]
    return Table(cells[0][1][0], cells[len(columns) - 1][1][1], last_end, hits), last_index + 1


def _value_cells(text: str, cells: list[tuple[int, tuple[int, int]]], count: int
                 ) -> list[tuple[int, tuple[int, int]]]:
    """The first `count` value cells of a table written one cell a line: a cell that opens a
    bracket it does not close (…(仅限互联网信息服 / 务)) goes on over the lines that close it, and
    a bracketed note (【依法须经批准的项目…经营 / 活动。】, printed between the business and its
    coverage) is no cell of the table. Fewer where the lines run out first."""
    values: list[tuple[int, tuple[int, int]]] = []
    k = 0
    while k < len(cells) and len(values) < count:
        index, (a, b) = cells[k]
        while k + 1 < len(cells) and any(text.count(o, a, b) > text.count(c, a, b) for o, c in _BRACKETS):
            k += 1
            index, b = cells[k][0], cells[k][1][1]
        k += 1
        if not text.startswith("【", a):
            values.append((index, (a, b)))
    return values


def column_value(label: str | None, text: str, start: int, end: int, block: BlockPatterns) -> list[Hit]:
    """The hits of one cell under a column labelled `label`."""
    if label is None or start >= end or SEE_ATTACHMENT_RE.search(text, start, end):
        return []
    if label == "BUSINESS":
        return read_business_text(text, start, end, block)
    if label == "SERVICE_ITEM":
        start, end = unbracket(text, start, end)
        return [Hit("SERVICE_ITEM", a, b) for a, b in item_parts(text, start, end)]
    if label == "COVERAGE":
        a, b = trim_value(text, start, end)
        return [Hit("COVERAGE", a, b)] if has_value(text[a:b]) else []
    checked = check_value(label, text, start, end)
    return [Hit(label, *checked)] if checked else []
