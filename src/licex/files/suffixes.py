"""The files licex reads, by suffix (licence texts, PDFs and page images) and, where there is no
suffix to go by (stdin) or it says nothing, by content: the magic bytes a PDF or image begins with.

Its own module, importing nothing: finding inputs in a folder (licex.files.inputs) imports nothing of the
document readers (licex.documents), and the readers know their suffixes without importing inputs.
"""

from pathlib import PurePath

TEXT_SUFFIXES = frozenset({".txt"})
PDF_SUFFIXES = frozenset({".pdf"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif"})
DOCUMENT_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES
INPUT_SUFFIXES = TEXT_SUFFIXES | DOCUMENT_SUFFIXES

PDF = "pdf"
IMAGE = "image"
# A PDF's header may follow some bytes of other matter (PDF readers look within the first KiB).
_PDF_HEADER, _PDF_WITHIN = b"%PDF-", 1024
# The first bytes of each image format licex reads (documents.images.FORMATS). A BMP's `BM` is
# followed by its size and four reserved NUL bytes, which no licence text holds.
_IMAGE_STARTS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")


def document_kind(data: bytes, name: str = "") -> str | None:
    """PDF or IMAGE by the bytes' magic number, else by `name`'s suffix; None for a text (neither).
    The content decides first: a scan named .pdf, or one piped in on stdin, is read as what it is."""
    if _PDF_HEADER in data[:_PDF_WITHIN]:
        return PDF
    if data.startswith(_IMAGE_STARTS) or (data[:2] == b"BM" and data[6:10] == b"\x00" * 4):
        return IMAGE
    suffix = PurePath(name).suffix.lower()
    if suffix in PDF_SUFFIXES:
        return PDF
    if suffix in IMAGE_SUFFIXES:
        return IMAGE
    return None
