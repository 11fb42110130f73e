"""The tools users run before licex, run over typeset licences: what each of them emits.

A tool reads one typeset licence, as its text-layer PDF or as the scanned pages of it, and
returns its text; licex's own OCR input returns the DocumentText, whose OCR scores the corpus
keeps beside the text (corpus.ocr_sidecars). The tools are registered by name (`TOOLS`), each with what it reads and the
Debian package it needs where it is a system program:

| tool | reads | what it is |
|---|---|---|
| `pdftotext`, `pdftotext-layout` | text layer | poppler-utils, plain and `-layout` |
| `pypdfium2` | text layer | PDFium's plain text, pages joined by form feeds |
| `licex-pdf` | text layer | licex's own document input (`licex.documents`), reading order rebuilt |
| `tesseract-clean` | clean page images | Tesseract 5 with chi_sim, pages rendered at 200 dpi |
| `tesseract` | scanned pages | Tesseract 5 with chi_sim on the damaged scans |
| `rapidocr` | scanned pages | licex's own OCR input (RapidOCR, the `ocr` extra) on the scanned PDF |
| `licex-photo` | website photos | licex's own image input on the licence as a website posts it (`corpus.photo`): each file read as `licex extract` reads it |

A tool whose program is missing raises `ToolMissing`, naming the package to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from pathlib import Path

from licex.documents.geometry import DocumentText

TEXT_LAYER = "text-layer"
SCAN = "scan"
CLEAN_PAGES = "clean-pages"
PHOTOS = "photos"
# The resolution clean pages are rendered at for OCR: what a user's "print to image" gives.
CLEAN_DPI = 200


class ToolMissing(RuntimeError):
    """A tool's program is not installed; the message names the package."""


@dataclass(frozen=True)
class Tool:
    name: str
    reads: str  # TEXT_LAYER: the PDF's bytes; SCAN, CLEAN_PAGES or PHOTOS: the image files as bytes
    run: Callable[[bytes | list[bytes]], "str | DocumentText"]
    program: str | None = None  # a system program the tool needs
    package: str | None = None  # the Debian package(s) that bring it

    def check(self) -> None:
        if self.program and shutil.which(self.program) is None:
            raise ToolMissing(f"{self.name} needs the program {self.program}: apt-get install {self.package}")


TOOLS: dict[str, Tool] = {}


def tool(name: str, reads: str, program: str | None = None, package: str | None = None):
    def register(run: Callable[[bytes | list[bytes]], str]) -> Callable[[bytes | list[bytes]], str]:
        TOOLS[name] = Tool(name, reads, run, program, package)
        return run

    return register


def get_tool(name: str) -> Tool:
    if name not in TOOLS:
        raise ValueError(f"unknown tool {name!r}; known: {', '.join(TOOLS)}")
    return TOOLS[name]


def _pdftotext(pdf: bytes, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, "-enc", "UTF-8", "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode("utf-8")


@tool("pdftotext", TEXT_LAYER, "pdftotext", "poppler-utils")
def pdftotext(pdf: bytes) -> str:
    return _pdftotext(pdf)


@tool("pdftotext-layout", TEXT_LAYER, "pdftotext", "poppler-utils")
def pdftotext_layout(pdf: bytes) -> str:
    return _pdftotext(pdf, "-layout")


@tool("pypdfium2", TEXT_LAYER)
def pypdfium2_text(pdf: bytes) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return "\f".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


@tool("licex-pdf", TEXT_LAYER)
def licex_pdf(pdf: bytes) -> str:
    from licex.documents import read_document_bytes
    from licex.documents.pdf import OcrMode

    return read_document_bytes(pdf, "licence.pdf", OcrMode.never).text


_ONE_THREAD = {**os.environ, "OMP_THREAD_LIMIT": "1"}


def _tesseract(pages: list[bytes]) -> str:
    texts = []
    with tempfile.TemporaryDirectory() as folder:
        for i, page in enumerate(pages):
            image = Path(folder) / f"{i}.img"
            image.write_bytes(page)
            # One thread a page: the corpus runs licences in parallel processes instead.
            texts.append(subprocess.run(["tesseract", str(image), "-", "-l", "chi_sim"], env=_ONE_THREAD,
                                        capture_output=True, check=True).stdout.decode("utf-8"))
    return "\f".join(texts)


# Tesseract reads clean pages and scanned ones alike; only its input differs.
tool("tesseract-clean", CLEAN_PAGES, "tesseract", "tesseract-ocr tesseract-ocr-chi-sim")(_tesseract)
tool("tesseract", SCAN, "tesseract", "tesseract-ocr tesseract-ocr-chi-sim")(_tesseract)


@tool("rapidocr", SCAN)
def rapidocr(pages: list[bytes]) -> DocumentText:
    from licex.documents import read_document_bytes
    from licex.corpus.scan import scanned_pdf

    return read_document_bytes(scanned_pdf(pages), "scan.pdf")


@tool("licex-photo", PHOTOS)
def licex_photo(files: list[bytes]) -> DocumentText:
    """Each posted file read as licex reads an image file, the files' texts a page each."""
    from licex.documents import read_document_bytes

    return reduce(DocumentText.then, (read_document_bytes(image, f"photo-{i}.jpg") for i, image in enumerate(files)))


def clean_pages(pdf: bytes) -> list[bytes]:
    """The PDF's pages as PNG images at CLEAN_DPI, undamaged."""
    return page_images(pdf, CLEAN_DPI)


def page_images(pdf: bytes, dpi: float) -> list[bytes]:
    """The PDF's pages rendered at `dpi`, as greyscale PNG images."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for i in range(len(document)):
            buffer = io.BytesIO()
            document[i].render(scale=dpi / 72).to_pil().convert("L").save(buffer, format="PNG")
            pages.append(buffer.getvalue())
        return pages
    finally:
        document.close()
