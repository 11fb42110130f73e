"""Evidence on the page: each evidence item of a record gets the page and box it is printed at."""

from __future__ import annotations

from typing import Any

from licex.documents.geometry import DocumentText


def attach_geometry(record: dict[str, Any], document: DocumentText) -> dict[str, Any]:
    """Add `page`, `bbox`, `page_size` and `unit` to every evidence item of a JSON record whose
    offsets point into `document.text`. The box is the union of the item's printed lines on the
    page where it starts (a clause that runs onto the next page is boxed on its first page)."""
    for items in record.get("evidence", {}).values():
        for item in items:
            located = document.locate(item["start"], item["end"])
            if not located:
                continue
            page = located[0][0]
            boxes = [box for p, box in located if p == page]
            size = document.pages[page]
            item["page"] = page + 1
            item["bbox"] = [round(v, 2) for v in (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                                  max(b[2] for b in boxes), max(b[3] for b in boxes))]
            item["page_size"] = [round(size.width, 2), round(size.height, 2)]
            item["unit"] = size.unit
    return record


def locate_record(record: dict[str, Any], document: DocumentText, start: int, end: int) -> dict[str, Any]:
    """`attach_geometry`, and the record's `pages`: the first and last page of the text range
    [start, end) that the licence was read from (one licence of a document of several)."""
    attach_geometry(record, document)
    pages = [document.page_of(pos) for pos in (_first_printed(document, start, end, 1),
                                                _first_printed(document, end - 1, start - 1, -1))]
    if all(page >= 0 for page in pages):
        record["pages"] = [pages[0] + 1, pages[1] + 1]
    return record


def _first_printed(document: DocumentText, start: int, stop: int, step: int) -> int:
    """The first position from `start` towards `stop` that holds a printed character."""
    for pos in range(start, stop, step):
        if 0 <= pos < len(document.text) and document.page_of(pos) >= 0:
            return pos
    return start
