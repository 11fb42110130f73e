"""Documents in: PDFs and page images to the text licex reads, with the geometry of every character.

`read_document(path)` (or `read_document_bytes(data, name)`) returns a `DocumentText`: the text
rebuilt from the page geometry (`reading_order`), with a page and box for each character.
PDF text layers are read with pypdfium2; scanned pages and images (PNG, JPEG, TIFF with several
pages, BMP) with RapidOCR (the `ocr` extra).
"""

from __future__ import annotations

import io
from pathlib import Path

from ..inputs import DOCUMENT_SUFFIXES, IMAGE_SUFFIXES, PDF_SUFFIXES
from .geometry import DocumentText, Glyph, PageContent, PageSize
from .pdf import OcrMode, pdf_pages
from .reading_order import read_pages


__all__ = ["DOCUMENT_SUFFIXES", "DocumentError", "DocumentText", "Glyph", "OcrMode", "PageSize",
           "read_document", "read_document_bytes"]


class DocumentError(ValueError):
    """A document that cannot be read; the message says why (the caller adds the file name)."""


def read_document(path: str | Path, ocr: OcrMode = OcrMode.auto) -> DocumentText:
    path = Path(path)
    return read_document_bytes(path.read_bytes(), path.name, ocr)


def read_document_bytes(data: bytes, name: str, ocr: OcrMode = OcrMode.auto) -> DocumentText:
    """The DocumentText of a PDF or image given as bytes; `name`'s suffix says which it is."""
    suffix = Path(name).suffix.lower()
    if not data:
        raise DocumentError("file is empty")
    if suffix in PDF_SUFFIXES:
        try:
            pages = pdf_pages(data, ocr)
        except Exception as exc:  # pypdfium2 raises PdfiumError (and others) for damaged files
            if type(exc).__name__ != "PdfiumError":
                raise
            raise DocumentError(f"not a readable PDF ({exc})") from None
    elif suffix in IMAGE_SUFFIXES:
        pages = _image_pages(data)
    else:
        raise DocumentError(f"unsupported document type {suffix or '(none)'}")
    if not pages:
        raise DocumentError("document has no pages")
    return read_pages(pages)


def _image_pages(data: bytes) -> list[PageContent]:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    from .ocr import ocr_images

    try:
        image = Image.open(io.BytesIO(data))
        frames = [frame.copy() for frame in ImageSequence.Iterator(image)]  # a TIFF may hold pages
    except (UnidentifiedImageError, OSError) as exc:
        raise DocumentError(f"not a readable image ({exc})") from None
    return [PageContent(PageSize(float(width), float(height), "px", "ocr"), glyphs)
            for glyphs, (width, height) in ocr_images(frames, len(frames))]
