"""A tall image of several pages stacked (a front page and its 附页 posted as one long picture)
read as separate pages: split at the gaps between them.

An image far taller than a page (data/stacked_pages.json: more than `min_pages_tall` page
heights, a page being `page_aspect` times as tall as wide) is taken to hold round(height / page
height) pages. Each cut is made in the middle of the widest run of plain rows (rows whose pixels
lie within `plain_spread` grey levels of each other: a white margin, a coloured frame's band)
within `search` of a page's height of where a page would end. Where no plain run of at least
`min_gap` of the width is found there, the image is not split: a long page (a list of websites)
is one page.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.Image import Image


@lru_cache(maxsize=1)
def _settings() -> dict:
    return json.loads(resources.files("licex").joinpath("data/stacked_pages.json").read_text("utf-8"))


def split_pages(image: "Image") -> list["Image"]:
    """The pages of a tall image, top to bottom (the image alone where it is one page)."""
    cuts = page_cuts(image)
    if not cuts:
        return [image]
    edges = [0, *cuts, image.height]
    return [image.crop((0, top, image.width, bottom)) for top, bottom in zip(edges, edges[1:])]


def page_cuts(image: "Image") -> list[int]:
    """The rows where a tall image's stacked pages meet; none for one page."""
    settings = _settings()
    page_height = image.width * settings["page_aspect"]
    if image.height < settings["min_pages_tall"] * page_height:
        return []
    pages = round(image.height / page_height)
    plain = _plain_rows(image, settings["plain_spread"])
    page_height = image.height / pages
    reach = settings["search"] * page_height
    shortest = max(2, round(settings["min_gap"] * image.width))
    cuts = []
    for index in range(1, pages):
        run = _widest_run(plain, round(index * page_height - reach), round(index * page_height + reach))
        if run is None or run[1] - run[0] < shortest:
            return []
        cuts.append((run[0] + run[1]) // 2)
    return cuts


def _plain_rows(image: "Image", spread: int) -> list[bool]:
    """Per row, whether its pixels lie within `spread` grey levels of each other."""
    import numpy

    grey = numpy.asarray(image.convert("L"), dtype=numpy.int16)
    return list((grey.max(axis=1) - grey.min(axis=1)) <= spread)


def _widest_run(plain: list[bool], start: int, end: int) -> tuple[int, int] | None:
    """The widest run [first, last) of plain rows within [start, end)."""
    best, first = None, None
    for row in range(max(0, start), min(len(plain), end) + 1):
        if row < min(len(plain), end) and plain[row]:
            first = row if first is None else first
            continue
        if first is not None and (best is None or row - first > best[1] - best[0]):
            best = (first, row)
        first = None
    return best
