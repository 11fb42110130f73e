"""The pages beside a review page (`licex review`): for a record read from a PDF or page images,
the pages its licence was read from, as images written next to its HTML page, with the box of
each evidence item (`page`, `bbox`, `page_size`: documents/evidence.py) drawn over them.

A page is taken from the record's own documents (its `source`, and for a licence whose pages
came as several files the `file` of each evidence item, in the order extract joined them) as
extract read them: a PDF's page through PDFium in its process of its own (`isolation`), its
scanned picture or its rendering; an image file's pages split where stacked (`stacked`). Boxes
are drawn in the frame the record gives (`page_size`), so a page's image of any resolution
carries them; a page that OCR read turned by 90° is turned the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from licex.documents.errors import DocumentError
from licex.files.inputs import STDIN_NAME
from licex.files.limits import RENDER_PIXELS
from licex.files.messages import InputError, os_cause
from licex.files.outputs import atomic_path, fitted_name
from licex.files.suffixes import DOCUMENT_SUFFIXES, PDF_SUFFIXES
from licex.jobs.review_record import esc

# The longer side, in pixels, of a page image shown: enough to read a licence's small print.
SHOWN_PIXELS = 1400
# Pages are written as JPEG: a scan's grain makes a PNG three times as large (700 KB a page).
JPEG_QUALITY = 85
# The most pages a review page shows (a licence has a few; a record of a stray 300-page PDF
# would otherwise write them all).
MOST_PAGES = 40


@dataclass(frozen=True)
class ShownPage:
    """A page shown beside the text: its number (1-based, as the record numbers pages), the file
    of its image (next to the HTML page), the frame its boxes are in, and the file it is from."""

    number: int
    image: str
    frame: tuple[float, float]
    file: str


def wanted_pages(record: dict[str, Any]) -> dict[int, tuple[float, float] | None]:
    """The pages to show, each with the frame of its boxes where an evidence item gives one: the
    pages the record says its licence was read from (`pages`), and every page evidence is on."""
    wanted: dict[int, tuple[float, float] | None] = {}
    if pages := record.get("pages"):
        wanted.update(dict.fromkeys(range(pages[0], min(pages[1], pages[0] + MOST_PAGES - 1) + 1)))
    for item in _placed(record):
        if wanted.get(item["page"]) is None:
            wanted[item["page"]] = tuple(item["page_size"])
    return dict(sorted(wanted.items())[:MOST_PAGES])


def _placed(record: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The evidence items that carry a page and a box."""
    for items in (record.get("evidence") or {}).values():
        for item in items:
            if isinstance(item.get("page"), int) and item.get("bbox") and item.get("page_size"):
                yield item


def document_files(record: dict[str, Any]) -> list[str]:
    """The files the record's pages are numbered through: its source, then each file its evidence
    names (pages joined from another file) by its first page."""
    firsts: dict[str, int] = {}
    for item in _placed(record):
        if isinstance(item.get("file"), str):
            firsts[item["file"]] = min(item["page"], firsts.get(item["file"], item["page"]))
    others = sorted((f for f in firsts if f != record["source"]), key=firsts.__getitem__)
    return [record["source"], *others]


def is_document(source: str) -> bool:
    """Whether `source` names a PDF or a page image (the inputs whose pages a review shows)."""
    return source != STDIN_NAME and Path(source).suffix.lower() in DOCUMENT_SUFFIXES


def write_pages(record: dict[str, Any], folder: Path, stem: str) -> tuple[list[ShownPage], str | None]:
    """Write the images of the record's pages into `folder` as STEM.page-N.jpg; the pages written,
    and why none were (None when they were, or when the record was read from a text)."""
    if not is_document(record["source"]) or not (wanted := wanted_pages(record)):
        return [], None
    shown: list[ShownPage] = []
    first = 1  # the number of each file's first page, numbered on through the files
    try:
        for name in document_files(record):
            if not is_document(name):
                continue
            count, pictures = _file_pages(name, [n - first for n in wanted if n >= first])
            for index, picture in pictures.items():
                number = first + index
                frame = wanted[number] or (float(picture.width), float(picture.height))
                file_name = fitted_name(f"{stem}.page-{number}", ".jpg")
                _save(_upright(picture, frame), folder / file_name)
                shown.append(ShownPage(number, file_name, frame, name))
            first += count
    except InputError as error:
        return [], str(error)
    except DocumentError as error:
        return [], f"{name}: {error}"
    except OSError as error:
        return [], f"{name}: {os_cause(error)}"
    except ImportError:
        return [], 'Pillow is not installed (pip install "licex[ocr]" shows the pages)'
    return sorted(shown, key=lambda page: page.number), None


def _file_pages(name: str, indices: list[int]) -> tuple[int, dict[int, Any]]:
    """The page count of the document `name`, and its pages `indices` (0-based; those it has) as
    pictures of at most SHOWN_PIXELS a side."""
    path = Path(name)
    if not path.is_file():
        raise InputError(name, "no such file (the document the record was read from: run review where extract ran)")
    from PIL import Image

    from licex.documents import check_document_bytes

    check_document_bytes(path.stat().st_size)
    data = path.read_bytes()
    if path.suffix.lower() in PDF_SUFFIXES:
        from licex.documents.isolation import pdf_reader

        with pdf_reader(data) as call:
            count = call("count")
            pictures = {}
            for index in (i for i in indices if i < count):
                mode, size, pixels, _ = call("image", index, RENDER_PIXELS, what=f"page {index + 1}")
                pictures[index] = _shown(Image.frombytes(mode, size, pixels))
        return count, pictures
    from licex.documents.images import page_images
    from licex.documents.stacked import split_pages

    _, images = page_images(data)
    pages = [page for image in images for page in split_pages(image)]
    return len(pages), {index: _shown(pages[index]) for index in indices if index < len(pages)}


def _shown(picture):
    """The picture at most SHOWN_PIXELS on its longer side."""
    picture = picture.copy() if picture.mode in ("L", "RGB") else picture.convert("RGB")
    picture.thumbnail((SHOWN_PIXELS, SHOWN_PIXELS))
    return picture


def _upright(picture, frame: tuple[float, float]):
    """The picture turned by 90° where the frame of its boxes is (OCR read the page turned)."""
    width, height = frame
    if (picture.width - picture.height) * (width - height) < 0 and abs(width - height) > 0.05 * max(width, height):
        return picture.rotate(90, expand=True)
    return picture


def _save(picture, path: Path) -> None:
    with atomic_path(path, named_by_licex=True) as tmp:
        picture.save(tmp, "JPEG", quality=JPEG_QUALITY)


def page_figures(pages: list[ShownPage], marks: list[Any]) -> str:
    """The pages as figures: each page's image with the box of each mark on it (a `_Mark` of the
    review page: its `box`, `mark_id`, `path`, `label`, `reasons`), the flagged boxes drawn last,
    over the others. A box has the id `box-` and its mark's id, and its mark's data-mark, so a
    click on a value finds both."""
    figures = []
    for page in pages:
        width, height = page.frame
        boxes = sorted((m for m in marks if m.box and m.box[0] == page.number), key=lambda m: bool(m.reasons))
        rects = "".join(_rect(mark) for mark in boxes)
        figures.append(
            f'<figure class="page" id="page-{page.number}" data-page="{page.number}">'
            f'<figcaption>page {page.number} · {esc(Path(page.file).name)}</figcaption>'
            f'<svg viewBox="0 0 {width:g} {height:g}" preserveAspectRatio="xMidYMin meet" role="img" '
            f'aria-label="page {page.number}"><image href="{esc(quote(page.image))}" x="0" y="0" '
            f'width="{width:g}" height="{height:g}" preserveAspectRatio="none"/>{rects}</svg></figure>')
    return f'<section class="pages">{"".join(figures)}</section>'


def _rect(mark: Any) -> str:
    x0, y0, x1, y1 = mark.box[1]
    title = mark.label + "".join(f"\nneeds review: {reason}" for reason in mark.reasons)
    classes = "box" + (" clause-box" if mark.is_clause else "") + (" flagged" if mark.reasons else "")
    return (f'<rect class="{classes}" id="box-{esc(mark.mark_id)}" data-mark="{esc(mark.mark_id)}" '
            f'data-field="{esc(mark.path)}" x="{x0:g}" y="{y0:g}" width="{max(x1 - x0, 1):g}" '
            f'height="{max(y1 - y0, 1):g}"><title>{esc(title)}</title></rect>')
