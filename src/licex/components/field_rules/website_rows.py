"""The rows of the website table (网站名称 | 网址 | 服务器放置地 | …接入服务提供单位), read by what
each value is, not only where it stands: a PDF tool flattens the grid (one space between cells,
a cell wrapped onto lines of its own, a header cell per line), so a row is its pieces of text in
order, and each column's value is found by its shape. A row is a website when it holds a domain;
the pieces before it are the columns before the domain's, the place after it the server's
location, and what follows the access provider (a company's name, maybe wrapped onto the lines
below). Several rows are several websites."""

from __future__ import annotations

import re
from functools import lru_cache

from licex.components.field_rules.hits import Hit
from licex.fields.values import plausible, read_value, value_forms
from licex.text.chars import PROVINCES

WEBSITE_COLUMNS = frozenset({"WEBSITE_NAME", "DOMAIN", "SERVER_LOCATION", "ACCESS_PROVIDER"})
_PIECE_RE = re.compile(r"\S+")
# A 序号 cell: a row's number.
_ROW_NUMBER_RE = re.compile(r"\d{1,3}[.、]?")


def is_website_table(columns: list[str | None]) -> bool:
    """Whether a header's columns are the website table's: a domain column and another of its own."""
    return "DOMAIN" in columns and len(WEBSITE_COLUMNS & set(columns)) >= 2


def pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of text of [start, end): what spaces, tabs and line ends separate."""
    return [match.span() for match in _PIECE_RE.finditer(text, start, end)]


def domain_piece(text: str, found: list[tuple[int, int]]) -> int | None:
    """The index of the piece that is a domain, or None."""
    return next((i for i, (a, b) in enumerate(found) if read_value("DOMAIN", text[a:b]) is not None), None)


def website_row(text: str, found: list[tuple[int, int]], columns: list[str | None]) -> list[Hit] | None:
    """The hits of one row of the website table, from its pieces in order; None where no piece
    is a domain (no website row: the next table's header, a note)."""
    at = domain_piece(text, found)
    if at is None:
        return None
    labels = [label for label in columns if label in WEBSITE_COLUMNS]
    before, after = labels[:labels.index("DOMAIN")], labels[labels.index("DOMAIN") + 1:]
    hits = [Hit("DOMAIN", *found[at])]
    head = [piece for piece in found[:at] if not _ROW_NUMBER_RE.fullmatch(text[slice(*piece)])]
    if before and head:
        # One column before the domain takes them all (a name may hold a space); more split one a piece.
        spans = [(head[0][0], head[-1][1])] if len(before) == 1 else head[:len(before)]
        hits += [Hit(label, a, b) for label, (a, b) in zip(before, spans)]
    tail = found[at + 1:]
    if "SERVER_LOCATION" in after and tail:
        places = _leading_places(text, tail)
        if places:
            hits.append(Hit("SERVER_LOCATION", tail[0][0], tail[places - 1][1]))
            tail = tail[places:]
        after = [label for label in after if label != "SERVER_LOCATION"]
    if after and tail:
        # The last column takes the rest: a company's name wrapped in its cell.
        spans = tail[:len(after) - 1] + [(tail[len(after) - 1][0], tail[-1][1])] if len(tail) >= len(after) else tail
        hits += [Hit(label, a, b) for label, (a, b) in zip(after, spans)]
    return sorted(hits, key=lambda hit: hit.start)


@lru_cache(maxsize=1)
def _place_endings() -> tuple[str, ...]:
    return (*value_forms()["place_endings"], *(name for p in PROVINCES for name in (p.short, p.name)))


def _leading_places(text: str, found: list[tuple[int, int]]) -> int:
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
