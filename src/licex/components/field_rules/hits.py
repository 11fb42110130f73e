"""What the readers find: entities in view offsets, the printed labels, the column tables."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Hit:
    """An entity found in the view: [start, end) in view offsets, and how the rules found it
    (the choice between the model's and the rules' readings weighs it)."""

    label: str
    start: int
    end: int
    found_by: str = "label"  # label, table, block, row, entry, shape
    # A value a tool printed in pieces apart (a table cell wrapped around its row: its first half
    # above the row's line, its second below): the view ranges of every piece, in reading order.
    # The value is their text joined; the entity is the piece [start, end), the one that keeps
    # the value in its place among the row's (a name its first, the cells after it their last).
    joined: tuple[tuple[int, int], ...] = ()

    def pieces(self) -> tuple[tuple[int, int], ...]:
        return self.joined or ((self.start, self.end),)


def pieces_text(text: str, pieces: Iterable[tuple[int, int]]) -> str:
    """The text of a value printed in pieces apart (Hit.pieces, Layout.cells_wrapped_around): its
    pieces' texts joined in reading order."""
    return "".join(text[a:b] for a, b in pieces)


def found_by(how: str, hits: list[Hit]) -> list[Hit]:
    """The hits, marked as found by `how`."""
    return [replace(hit, found_by=how) for hit in hits]


@dataclass(frozen=True)
class LabelHit:
    label: str | None  # None for labels that only end the value before them (公司代表)
    start: int  # where the printed label starts
    value_start: int  # where its value may start (after the label and a colon)


@dataclass
class Table:
    """A table whose header row names the columns (column_tables), with the hits of its rows."""

    start: int  # the header row, [start, header_end) in view offsets
    header_end: int
    end: int  # the end of the last row
    hits: list[Hit]


def table_at(tables: list[Table], pos: int) -> Table | None:
    """The table that holds pos, if one does; `tables` are in text order and do not overlap."""
    i = bisect.bisect_right(tables, pos, key=lambda t: t.start) - 1
    return tables[i] if i >= 0 and pos < tables[i].end else None


def in_header(tables: list[Table], pos: int) -> bool:
    table = table_at(tables, pos)
    return table is not None and pos < table.header_end
