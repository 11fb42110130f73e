"""Documents in: PDFs and page images to the text licex reads, with the geometry of every character.

`read_document(path)` (or `read_document_bytes(data, name)`) returns a `DocumentText`: the text
rebuilt from the page geometry (`reading_order`), with a page and box for each character.
PDF text layers are read with pypdfium2; scanned pages and images (PNG, JPEG, TIFF with several
pages, BMP, GIF) with RapidOCR (the `ocr` extra). A document beyond one of licex's limits
(`licex.files.limits`: its bytes, pages, a page's size, an image's pixels) is refused with a
`DocumentError` before it is read that far. `on_page(number, pages)`, where given, hears of each
page as its OCR is waited for (`licex extract`'s progress lines): OCR takes seconds a page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from licex.files.limits import DOCUMENT_BYTES, RENDER_PIXELS, too_large
from licex.files.suffixes import DOCUMENT_SUFFIXES, IMAGE, PDF, document_kind
from licex.documents.errors import DocumentError
from licex.documents.geometry import DocumentText, Glyph, PageContent, PageSize
from licex.documents.pdf import OcrMode
from licex.documents.reading_order import read_pages


__all__ = ["DOCUMENT_SUFFIXES", "DocumentError", "DocumentText", "Glyph", "OcrMode", "OnPage", "PageSize",
           "check_document_bytes", "read_document", "read_document_bytes"]

# Hears of a page as its OCR is waited for: (its page number, the document's pages).
OnPage = Callable[[int, int], None]
_Page = TypeVar("_Page")


def read_document(path: str | Path, ocr: OcrMode = OcrMode.auto) -> DocumentText:
    path = Path(path)
    check_document_bytes(path.stat().st_size)
    return read_document_bytes(path.read_bytes(), path.name, ocr)


def check_document_bytes(count: int) -> None:
    """Refuse a document of more than DOCUMENT_BYTES bytes (before it is read, where a caller can)."""
    if count > DOCUMENT_BYTES:
        raise DocumentError(too_large(DOCUMENT_BYTES, "document_bytes", count))


def read_document_bytes(data: bytes, name: str, ocr: OcrMode = OcrMode.auto, on_page: OnPage | None = None) -> DocumentText:
    """The DocumentText of a PDF or image given as bytes: its content says which it is, else
    `name`'s suffix (files.suffixes.document_kind)."""
    if not data:
        raise DocumentError("file is empty")
    check_document_bytes(len(data))
    kind = document_kind(data, name)
    try:
        if kind == PDF:
            pages = _pdf_pages(data, ocr, on_page)
        elif kind == IMAGE:
            pages = _image_pages(data, on_page)
        else:
            raise DocumentError(f"unsupported document type {Path(name).suffix.lower() or '(none)'}")
    except MemoryError:  # one allocation too large for this machine; the next file may well fit
        raise DocumentError("not enough memory to read it") from None
    if not pages:
        raise DocumentError("document has no pages")
    return read_pages(pages)


def _pdf_pages(data: bytes, ocr: OcrMode, on_page: OnPage | None) -> list[PageContent]:
    try:
        return pdf_pages(data, ocr, on_page)
    except Exception as exc:  # pypdfium2 raises PdfiumError (and others) for damaged files
        if type(exc).__name__ != "PdfiumError":
            raise
        raise DocumentError(f"not a readable PDF ({exc})") from None


def _image_pages(data: bytes, on_page: OnPage | None = None) -> list[PageContent]:
    from licex.documents.images import page_images
    from licex.documents.ocr import ocr_images

    from licex.documents.stacked import split_pages

    count, pages = page_images(data)
    # A tall image of several pages stacked reads as its pages (split where they meet).
    split = (page for image in pages for page in split_pages(image))
    return [PageContent(PageSize(float(width), float(height), "px", "ocr"), glyphs)
            for glyphs, (width, height) in _told(ocr_images(split, count), range(1, count + 1), count, on_page)]


def pdf_pages(data: bytes, ocr: OcrMode = OcrMode.auto, on_page: OnPage | None = None) -> list[PageContent]:
    """The glyphs and drawn cells of every page of the PDF `data`, read by PDFium in a process of
    its own (`isolation`). The pages to OCR are read side by side (`ocr.ocr_images`) as they are
    rendered there."""
    from licex.documents.isolation import pdf_reader

    with pdf_reader(data) as call:
        pages: list[PageContent | None] = [call("page", index, OcrMode(ocr), what=f"page {index + 1}")
                                           for index in range(call("count"))]
        to_read = [index for index, content in enumerate(pages) if content is None]
        read = _told(_ocr_pages(call, to_read), [index + 1 for index in to_read], len(pages), on_page)
        for index, content in zip(to_read, read):
            pages[index] = content
    return pages


def _ocr_pages(call, indices: list[int]) -> Iterator[PageContent]:
    """The pages `indices` of the document `call` reads (`PdfReader`), their scanned pictures or
    renders OCR'd side by side (`ocr.ocr_images`); boxes in PDF points."""
    from PIL import Image

    from licex.documents.ocr import ocr_images

    scales: list[float] = []  # pixels a point of each page, as its image is taken

    def images():
        for index in indices:
            mode, dimensions, pixels, scale = call("image", index, RENDER_PIXELS, what=f"page {index + 1}")
            scales.append(scale)
            yield Image.frombytes(mode, dimensions, pixels)

    for i, (glyphs, (width, height)) in enumerate(ocr_images(images(), len(indices))):
        scale = scales[i]  # the image of a page read is taken before it is read
        size = PageSize(width / scale, height / scale, "pt", "ocr")
        yield PageContent(size, [Glyph(g.text, tuple(v / scale for v in g.box), g.score) for g in glyphs])


def _told(pages: Iterable[_Page], numbers: Iterable[int], count: int, on_page: OnPage | None) -> Iterator[_Page]:
    """`pages`, the pages `numbers` of a document of `count` pages as OCR reads them, each told to
    `on_page` before it is waited for; pages past `numbers` (a stacked image's) are not told."""
    pages = iter(pages)
    if on_page is not None:
        for number in numbers:
            on_page(number, count)
            page = next(pages, _END)
            if page is _END:
                return
            yield page
    yield from pages


_END = object()
