"""A shareholder table whose rows a tool broke over lines: narrow columns wrap a name
(方正科技传媒有限公 / 司) and an ID number (36080319680324 / 5709), and a row's cells stand one
a line or several a line (pypdfium2, pdftotext of a table of narrow columns). The rows are read
by what each piece of text is, in reading order: a name, an ID number (maybe in several pieces),
a share ratio that ends the row."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from licex.fields.labels import SHAREHOLDER_LABELS, header_word
from licex.fields.values import value_forms
from licex.text.layout import Layout
from licex.components.field_rules.hits import Hit, pieces_text
from licex.components.field_rules.reading import Reading

# The pieces of a row's text: a ratio (56.24%), a run of Latin letters and digits (an ID number,
# a row number, or a piece of either), a run of anything else but blanks (a name or a piece of one).
_PIECE_RE = re.compile(r"(?P<ratio>(?<![\d.])\d{1,3}(?:\.\d+)?%)|(?P<alnum>[0-9A-Za-z]+)|(?P<other>[^\s0-9A-Za-z%]+)")
# The lengths an ID number has whole: a citizen ID or credit code (18), an older ID or
# registration number (15). A piece after one of these lengths starts a new value.
_WHOLE_ID_LENGTHS = (15, 18)
_LONGEST_ID = 18
# A piece of an ID number has a digit and at least this many characters; a shorter run of digits
# alone is a row number, unless it completes the ID number before it.
_SHORTEST_ID_START = 4
# How many lines after its header a table broken over lines is read.
_MOST_LINES = 80
# The header's column words, whose cells may wrap them anywhere (序 / 号, 出资比 / 例).
_HEADER_WORDS = "序号股东名称证照号码证件号码出资比例"
# A label or page header inside the table (经营许可证编号：…): the line is no part of a row.
_LABEL_LINE_RE = re.compile(r"[:：]")


@dataclass
class _Row:
    name: tuple[int, int]
    id_number: tuple[int, int] | None = None
    ratio: tuple[int, int] | None = None


def stream_rows(reading: Reading, start_line: int, column_re: re.Pattern[str]) -> list[Hit]:
    """The rows of the shareholder table whose header starts at line `start_line`, read piece by
    piece (found_by `row`): a name opens a row, an ID number fills it, a ratio closes it. Reading
    stops where a piece does not fit the row (the columns printed one after another, or the text
    after the table); only rows that have a name and a ratio count."""
    rows: list[_Row] = []
    previous: tuple[str, int, int] | None = None  # the kind and span of the piece before
    for match in _table_pieces(reading.layout, start_line):
        kind, (a, b) = match.lastgroup, match.span()
        if kind == "other" and (column_re.fullmatch(match.group()) or not rows and match.group() in _HEADER_WORDS):
            previous = None  # a column word of the header, or a piece of one its cell wrapped (出资比 / 例)
            continue
        placed = _place(reading, rows, previous, kind, a, b)
        if placed is None:
            return _column_hits(reading, start_line, column_re) or _hits(reading, rows)
        previous = (placed, a, b) if placed != "number" else None
    return _hits(reading, rows)


def _table_pieces(layout: Layout, start_line: int) -> Iterator[re.Match[str]]:
    """The pieces (_PIECE_RE) of the table's lines after its header at `start_line`, up to a title,
    the 特别规定事项 or _MOST_LINES lines; a line that is no content or holds a label is skipped."""
    text = layout.view.text
    for line in layout.lines[start_line:start_line + _MOST_LINES]:
        if line.kind == "title" or layout.in_special(line.start):
            return
        if line.kind != "content" or _LABEL_LINE_RE.search(line.text):
            continue
        yield from _PIECE_RE.finditer(text, line.start, line.end)


def _place(reading: Reading, rows: list[_Row], previous: tuple[str, int, int] | None, kind: str,
           a: int, b: int) -> str | None:
    """Where the piece [a, b) goes in the rows (they change): the part of a row it is, `number` for
    a row number, or None where it fits no row."""
    text = reading.layout.view.text
    row = rows[-1] if rows else None
    open_row = row is not None and row.ratio is None
    if kind == "ratio":
        if not open_row or reading.value("SHARE_RATIO", a, b) is None:
            return None
        row.ratio = (a, b)
        return "ratio"
    after_previous = previous is not None and not text[previous[2]:a].strip()
    if kind == "alnum":
        if open_row and row.id_number and after_previous and previous[0] == "id" and _continues_id(
                _joined(text, [row.id_number]), b - a):
            row.id_number = (row.id_number[0], b)
            return "id"
        if any(c.isdigit() for c in text[a:b]) and b - a >= _SHORTEST_ID_START:
            if not open_row or row.id_number is not None:
                return None
            row.id_number = (a, b)
            return "id"
        if text[a:b].isdigit():
            return "number"
    # A name, or a piece of one: it goes on the name before it where nothing stands between them
    # or where that name is cut (long, without a company's ending).
    if open_row and after_previous and previous[0] == "name" and row.id_number is None and _continues_name(
            _joined(text, [row.name]), a, row.name[1]):
        row.name = (row.name[0], b)
        return "name"
    if open_row:
        return None  # a second name in a row: the columns printed one after another
    rows.append(_Row((a, b)))
    return "name"


def _column_hits(reading: Reading, start_line: int, column_re: re.Pattern[str]) -> list[Hit]:
    """The table read as columns printed one after another (pdftotext: the names, then the ID
    numbers, then the ratios; or each name with its ID number, then the ratios): each piece by what
    it is, a name, an ID number (maybe wrapped) or a ratio, the hits in the text's order for the
    fold to put back in rows (fold._in_rows). A name and an ID number that wrapped in their cells
    side by side come interleaved (方正科技传媒有限公 / 9122028485YXXQDP / 司 / KD): each is one
    value of its pieces. None where the pieces do not make every row whole: a ratio a name, an ID
    number a name or none, each value of its field's shape. A column of another
    table printed among the table's (the website table's last column, 网站接入服务提供单位 and its
    values, between the names and the ID numbers) is skipped from its header word to this table's
    next one."""
    text = reading.layout.view.text
    parts: list[tuple[str, list[tuple[int, int]]]] = []  # (kind, pieces)
    foreign = False  # in a column of another table, printed among this one's (网站接入服务提供单位 / …)
    for match in _table_pieces(reading.layout, start_line):
        kind, (a, b) = match.lastgroup, match.span()
        last = parts[-1] if parts else None
        after_last = last is not None and not text[last[1][-1][1]:a].strip()
        if kind == "other" and (column_re.fullmatch(match.group()) or match.group() in _HEADER_WORDS):
            foreign = False
            continue
        if kind == "other" and reading.words.label_of.get(header_word(match.group()), "SHAREHOLDER") not in SHAREHOLDER_LABELS:
            foreign = True
            continue
        if foreign:
            continue
        if kind == "ratio":
            parts.append(("ratio", [(a, b)]))
        elif kind == "alnum" and (id_number := _open_id(text, parts, a, b)) is not None:
            id_number.append((a, b))
        elif kind == "alnum" and any(c.isdigit() for c in text[a:b]) and b - a >= _SHORTEST_ID_START:
            parts.append(("id", [(a, b)]))
        elif kind == "alnum" and text[a:b].isdigit() and last and last[0] == "name" and last[1][-1][1] == a:
            last[1][-1] = (last[1][-1][0], b)  # digits inside a name (数字100信息有限公司)
        elif kind == "alnum" and text[a:b].isdigit():
            continue  # a row number
        elif last and last[0] == "name" and after_last and (
                "\n" not in text[last[1][-1][1]:a] or _continues_name(_joined(text, last[1]), a, last[1][-1][1])):
            last[1][-1] = (last[1][-1][0], b)
        elif (last and last[0] == "id" and after_last and len(parts) >= 2 and parts[-2][0] == "name"
              and _continues_name(_joined(text, parts[-2][1]), a, None)):
            parts[-2][1].append((a, b))  # the rest of a name wrapped beside its ID number
        else:
            parts.append(("name", [(a, b)]))
    labels = {"name": "SHAREHOLDER", "id": "SHAREHOLDER_ID", "ratio": "SHARE_RATIO"}
    hits = [_hit(labels[kind], pieces, anchor=0 if kind == "name" else -1) for kind, pieces in parts]
    if any(reading.hit_value(hit) is None for hit in hits):
        return []
    names, ids, ratios = (sum(hit.label == label for hit in hits) for label in labels.values())
    return hits if names >= 2 and ratios == names and ids in (0, names) and _rows_fill(hits) else []


def _open_id(text: str, parts: list[tuple[str, list[tuple[int, int]]]], a: int, b: int) -> list[tuple[int, int]] | None:
    """The pieces of the ID number that the piece [a, b) completes, or None: the last part's,
    where the piece follows it or the rest of a name wrapped beside it (… / 司 / KD)."""
    if not parts or parts[-1][0] != "id":
        return None
    pieces = parts[-1][1]
    latest = max(end for _, part in parts[-2:] for _, end in part)  # (the name's rest may follow the ID)
    if text[latest:a].strip():
        return None
    return pieces if _continues_id(_joined(text, pieces), b - a) else None


def _joined(text: str, pieces: list[tuple[int, int]]) -> str:
    return re.sub(r"\s", "", pieces_text(text, pieces))


def _hit(label: str, pieces: list[tuple[int, int]], anchor: int) -> Hit:
    """A hit of a value in pieces: found at its first piece (a name opens its row) or its last."""
    return Hit(label, *pieces[anchor], found_by="row", joined=tuple(pieces) if len(pieces) > 1 else ())


def _rows_fill(hits: list[Hit]) -> bool:
    """Whether giving each ID number and ratio to the first row without a ratio that lacks it
    fills every row (as the fold does with columns printed one after another)."""
    rows: list[set[str]] = []
    for hit in hits:
        if hit.label == "SHAREHOLDER":
            rows.append({hit.label})
            continue
        row = next((r for r in rows if "SHARE_RATIO" not in r and hit.label not in r), None)
        if row is None:
            return False
        row.add(hit.label)
    return all("SHARE_RATIO" in row for row in rows)


def _continues_id(so_far: str, length: int) -> bool:
    """Whether a piece of `length` characters is the rest of the ID number `so_far` printed before
    it: together they are no longer than an ID number, and the number before is not whole
    already, unless the piece makes it whole at the longest length."""
    together = len(so_far) + length
    return together <= _LONGEST_ID and (len(so_far) not in _WHOLE_ID_LENGTHS or together == _LONGEST_ID)


def _continues_name(so_far: str, a: int, end: int | None) -> bool:
    """Whether a piece at `a` goes on the name `so_far` (ending at `end`, None where a piece stood
    between): right after it with no blank between, or after a long name that has no company's
    ending (the cell wrapped it)."""
    if end == a:
        return True
    forms = value_forms()
    return len(so_far) > forms["person_chars"][1] and not so_far.endswith(tuple(forms["company_endings"]))


def _hits(reading: Reading, rows: list[_Row]) -> list[Hit]:
    hits = []
    for row in rows:
        if row.ratio is None or reading.value("SHAREHOLDER", *row.name) is None:
            continue
        hits.append(Hit("SHAREHOLDER", *row.name, found_by="row"))
        if row.id_number is not None and reading.value("SHAREHOLDER_ID", *row.id_number) is not None:
            hits.append(Hit("SHAREHOLDER_ID", *row.id_number, found_by="row"))
        hits.append(Hit("SHARE_RATIO", *row.ratio, found_by="row"))
    return hits


def header_lines(layout: Layout, column_re: re.Pattern[str]) -> list[int]:
    """The lines outside the 特别规定事项 that hold the shareholder table's name column word
    (股东名称) as a cell of their own, where a table broken over lines may start."""
    text = layout.view.text
    found = []
    for i, line in enumerate(layout.lines):
        if line.kind != "content" or layout.in_special(line.start):
            continue
        if any("股" in m.group() and column_re.fullmatch(m.group())
               for m in re.finditer(r"\S+", text[line.start:line.end])):
            found.append(i)
    return found
