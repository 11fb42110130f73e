"""The rows of the website table (网站名称 | 网址 | 服务器放置地 | …接入服务提供单位), read by what
each value is, not only where it stands. A PDF tool flattens the grid: one space between cells,
a cell wrapped onto lines of its own (www.huangwan.co / m, 浙大万朋网络有限公 / 司), a row's cells
one a line. So the rows are read as pieces of text in order, each website anchored at its
domain: the pieces before the domain are the columns before the domain's, the place after it is
the server's location, and the pieces after that the access provider, up to where they make a
company's name. Several domains are several websites."""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from licex.components.field_rules.hits import Hit, pieces_text
from licex.fields.labels import COLUMN_WORDS, header_word
from licex.fields.values import plausible, read_value, value_forms
from licex.text.chars import PROVINCES
from licex.text.layout import SHAREHOLDER_HEADER_RE, Layout, Pieces

WEBSITE_COLUMNS = frozenset({"WEBSITE_NAME", "DOMAIN", "SERVER_LOCATION", "ACCESS_PROVIDER"})
_PIECE_RE = re.compile(r"\S+")
# A 序号 cell: a row's number.
_ROW_NUMBER_RE = re.compile(r"\d{1,3}[.、]?")
# The rest of a domain wrapped in its cell (www.huangwan.co / m): no Han character.
_DOMAIN_REST_RE = re.compile(r"[A-Za-z0-9./:_-]+")
# The most pieces a line of a row's wrapped cells holds.
_MAX_LINE_PIECES = 3

Piece = tuple[int, int]


def is_website_table(columns: list[str | None]) -> bool:
    """Whether a header's columns are the website table's: a domain column and another of its own."""
    return "DOMAIN" in columns and len(WEBSITE_COLUMNS & set(columns)) >= 2


def website_rows(layout: Layout, i: int, columns: list[str | None], label_starts: list[int]) -> tuple[list[Hit], int]:
    """The hits of the website table's rows from line i, and the line after the last row. A row
    is a line holding a domain, with the lines of its wrapped cells before it (where it starts
    with the domain) and after it; the table ends at a label, the next table's header or a line
    that is no cell's."""
    lines, text = layout.lines, layout.view.text
    hits: list[Hit] = []
    pending: list[Piece] = []  # pieces of lines since the last row: the next row's, or the halves of a cell
    end = i
    row: tuple[list[Piece], list[Piece], bool] | None = None  # head, tail, whether its cell wrapped around it
    while i < len(lines) and lines[i].kind in ("blank", "content"):
        line = lines[i]
        i += 1
        if line.kind == "blank":
            continue
        found = [match.span() for match in _PIECE_RE.finditer(text, line.start, line.end)]
        labelled = bisect.bisect_left(label_starts, line.start) < bisect.bisect_left(label_starts, line.end)
        if labelled or SHAREHOLDER_HEADER_RE.search(line.text) or any(
                header_word(text[a:b]) in COLUMN_WORDS for a, b in found):
            break
        at = domain_piece(text, found)
        if at is None and (wrapped := _domain_wrapped_around(layout, i - 1, found, columns)) is not None:
            # The domain's cell wrapped around the row (www.xiulanfu.c / 合联电子官网 江西省宁德市 … / n):
            # its first half, above, is no piece of the row before.
            above = lines[i - 2].start
            pending = [piece for piece in pending if piece[0] < above]
            if row is not None:
                hits += _finish(text, row, pending, columns)[0]
            hits += wrapped
            row, pending, end, i = None, [], i + 1, i + 1
            continue
        if at is None:
            if len(found) > _MAX_LINE_PIECES:
                break
            pending += found
            end = i
            continue
        leftover = pending
        if row is not None:
            done, leftover = _finish(text, row, pending, columns)
            hits += done
        head = found[:at]
        if head and leftover and (cells := layout.cells_wrapped_around(i - 1, found)) is not None:
            # Cells wrapped around the row (-layout centres it between their halves): each is one
            # value of the pieces above and below it.
            hits += _wrapped_row_hits(text, cells, columns)
            row, pending, end, i = None, [], i + 1, i + 1
            continue
        # A row that starts with its domain takes the pieces left before it as its first cells;
        # one with cells before its domain and pieces above it is a row whose cell wrapped
        # around it (-layout centres a row between a cell's halves): those halves are no value.
        row = (head or leftover, found[at:], bool(head) and bool(leftover))
        pending = []
        end = i
    if row is not None:
        hits += _finish(text, row, pending, columns)[0]
    return hits, end


def _finish(text: str, row: tuple[list[Piece], list[Piece], bool], below: list[Piece],
            columns: list[str | None]) -> tuple[list[Hit], list[Piece]]:
    """The hits of a row with the pieces below it, and the pieces it leaves (the next row's)."""
    head, tail, wrapped_around = row
    if wrapped_around:
        return website_row(text, head, tail, columns)[0], below
    hits, used = website_row(text, head, tail + below, columns)
    return hits, below[max(0, used - len(tail)):]


def _domain_wrapped_around(layout: Layout, i: int, found: list[Piece], columns: list[str | None]) -> list[Hit] | None:
    """The hits of row i where its domain's cell wrapped around it (Layout.cells_wrapped_around)
    and its cells are as many as the table's columns: each cell its column's value, the domain one
    value of its pieces; None elsewhere."""
    text = layout.view.text
    labels = [label for label in columns if label in WEBSITE_COLUMNS]
    cells = layout.cells_wrapped_around(i, found)
    if cells is None or len(cells) != len(labels) or "DOMAIN" not in labels:
        return None
    domain = cells[labels.index("DOMAIN")]
    if len(domain) < 2 or read_value("DOMAIN", pieces_text(text, domain).replace(" ", "")) is None:
        return None
    return [Hit(label, *cell[0], joined=cell if len(cell) > 1 else ()) for label, cell in zip(labels, cells)]


def _wrapped_row_hits(text: str, cells: list[Pieces], columns: list[str | None]) -> list[Hit]:
    """The hits of a row whose cells wrapped around its line: those of its line's cells, and each
    cell in pieces under the first column its side of the domain that none of them filled."""
    whole = [cell[0] for cell in cells if len(cell) == 1]
    at = domain_piece(text, whole)
    hits = website_row(text, whole[:at], whole[at:], columns)[0]
    labels = [label for label in columns if label in WEBSITE_COLUMNS]
    found = {hit.label for hit in hits}
    domain = next(k for k, cell in enumerate(cells) if cell[0] == whole[at])
    for k, cell in enumerate(cells):
        side = labels[:labels.index("DOMAIN")] if k < domain else labels[labels.index("DOMAIN") + 1:]
        label = next((label for label in side if label not in found), None)
        if len(cell) > 1 and label is not None:
            found.add(label)
            hits.append(Hit(label, *(cell[0] if k < domain else cell[-1]), joined=cell))  # (in row order)
    return hits


def domain_piece(text: str, found: list[Piece]) -> int | None:
    """The index of the piece that is a domain, or None."""
    return next((i for i, (a, b) in enumerate(found) if read_value("DOMAIN", text[a:b]) is not None), None)


def website_row(text: str, head: list[Piece], tail: list[Piece], columns: list[str | None]) -> tuple[list[Hit], int]:
    """The hits of one website, and how many pieces of `tail` they take: `head` the pieces before
    its domain, `tail` its domain and the pieces after it, in order."""
    labels = [label for label in columns if label in WEBSITE_COLUMNS]
    before, after = labels[:labels.index("DOMAIN")], labels[labels.index("DOMAIN") + 1:]
    domain, tail, used = tail[0], tail[1:], len(tail)
    while tail and _DOMAIN_REST_RE.fullmatch(text[slice(*tail[0])]):
        if read_value("DOMAIN", text[domain[0]:tail[0][1]]) is not None:
            domain = (domain[0], tail[0][1])  # the rest of a domain wrapped in its cell
        tail = tail[1:]  # (no other column's, whatever it is)
    hits = [Hit("DOMAIN", *domain)]
    head = [piece for piece in head if not _ROW_NUMBER_RE.fullmatch(text[slice(*piece)])]
    if before and head:
        # One column before the domain takes them all (a name may hold a space); more split one a piece.
        spans = [(head[0][0], head[-1][1])] if len(before) == 1 else head[-len(before):]
        hits += [Hit(label, a, b) for label, (a, b) in zip(before[-len(spans):], spans)]
    if "SERVER_LOCATION" in after and (places := _leading_places(text, tail)):
        hits.append(Hit("SERVER_LOCATION", tail[0][0], tail[places - 1][1]))
        tail = tail[places:]
    if "ACCESS_PROVIDER" in after and tail:
        company = _company_end(text, tail)
        hits.append(Hit("ACCESS_PROVIDER", tail[0][0], tail[company - 1][1]))
        tail = tail[company:]
    return hits, used - len(tail)


def _company_end(text: str, found: list[Piece]) -> int:
    """How many of the pieces make the provider's name: up to the first that ends a company's
    name (中国电信股份有限公 / 司), else all."""
    for count, (_, b) in enumerate(found, start=1):
        value = read_value("ACCESS_PROVIDER", text[found[0][0]:b])
        if value is not None and plausible("COMPANY", value):
            return count
    return len(found)


@lru_cache(maxsize=1)
def _place_endings() -> tuple[str, ...]:
    return (*value_forms()["place_endings"], *(name for p in PROVINCES for name in (p.short, p.name)))


def _leading_places(text: str, found: list[Piece]) -> int:
    """How many of the first pieces make a place (江苏省 南京市 is one place, printed apart): each
    a place of its own, not a company's name (a provider may start with its province)."""
    count = 0
    for a, b in found:
        value = read_value("SERVER_LOCATION", text[a:b])
        if value is None or not plausible("SERVER_LOCATION", value) or plausible("COMPANY", value) \
                or not value.endswith(_place_endings()):
            break
        count += 1
    return count
