"""PDF pages in: the text layer with character boxes (pypdfium2), or the rendered page for OCR.

A page whose text layer holds too few readable characters (a scan, or a layer of unmapped glyph
codes) is rendered and OCR'd; `ocr` overrides that choice for the whole document. Boxes come
out in PDF points with the origin at the page's top left, whichever way the page was read.

Within licex's limits (`licex.files.limits`): a document of more than DOCUMENT_PAGES pages, a page
over PAGE_POINTS a side, or a page holding a picture of over IMAGE_PIXELS pixels is refused
before that page is read; a page is rendered at a resolution that keeps it within RENDER_PIXELS;
a page that draws nothing costs next to nothing (`_blank`, `ocr.blank`). PDFium itself runs in a
process of its own, of bounded memory and time (`isolation`): what it does with a page's content
as it loads it cannot be seen before.
"""

from __future__ import annotations

import math
from enum import Enum

from licex.files.limits import DOCUMENT_PAGES, IMAGE_PIXELS, PAGE_POINTS, RENDER_PIXELS, size
from licex.documents.errors import DocumentError
from licex.documents.geometry import Box, Glyph, PageContent, PageSize

# A text layer is usable when it has at least this many visible characters, nearly all mapped
# to Unicode (unmapped glyphs read as U+FFFD or private-use code points).
MIN_LAYER_CHARS = 20
MIN_MAPPED_SHARE = 0.9
# Rendering resolution for OCR: 200 dpi reads 10-point Chinese reliably.
OCR_DPI = 200


class OcrMode(str, Enum):
    auto = "auto"  # OCR the pages without a usable text layer
    always = "always"
    never = "never"


class PdfReader:
    """One PDF open in PDFium, read a page at a time: what `licex.documents.pdf_pages` asks of PDFium (in the
    process of `isolation`). Each page is refused beyond licex's limits before PDFium loads it
    (its size) or decodes a picture of it (the pictures' sizes)."""

    def __init__(self, data: bytes) -> None:
        self.document = _open(data)

    def count(self) -> int:
        return len(self.document)

    def page(self, index: int, ocr: OcrMode) -> PageContent | None:
        """The page's glyphs and cells, or None for a page to OCR (`image`)."""
        _check_page_size(self.document, index)
        page = self.document[index]
        try:
            _check_pictures(page, index)
            width, height = page.get_size()
            if _blank(page):
                return PageContent(PageSize(width, height, "pt", "text_layer"), [])
            glyphs = [] if ocr is OcrMode.always else _text_layer(page, height)
            if ocr is OcrMode.always or (ocr is OcrMode.auto and not _usable(glyphs)):
                return None
            return PageContent(PageSize(width, height, "pt", "text_layer"), glyphs, _cells(page, height))
        finally:
            page.close()

    def image(self, index: int, render_pixels: int) -> tuple[str, tuple[int, int], bytes, float]:
        """The page to OCR as an image (mode, size, pixels) and its pixels a point: its scanned
        picture, or the page rendered at OCR_DPI or less (within `render_pixels`)."""
        page = self.document[index]
        try:
            image = _scanned_picture(page)
            if image is None:
                image = page.render(scale=_render_scale(*page.get_size(), render_pixels)).to_pil()
            return image.mode, image.size, image.tobytes(), image.width / page.get_width()
        finally:
            page.close()

    def close(self) -> None:
        self.document.close()


def _open(data: bytes):
    """The pypdfium2 document of `data`, of at most DOCUMENT_PAGES pages."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        # pypdfium2 refuses a document of no pages as one it could not load, giving PDFium's
        # last error: stale, from whatever failed before ("PDFium: Success" where nothing did).
        handle = pdfium_c.FPDF_LoadMemDocument64(data, len(data), None)
        if handle:
            pdfium_c.FPDF_CloseDocument(handle)
            raise DocumentError("document has no pages") from None
        raise
    if len(document) > DOCUMENT_PAGES:
        pages = len(document)
        document.close()
        raise DocumentError(f"document has {pages:,} pages, over the limit of {DOCUMENT_PAGES:,}")
    return document


def _check_page_size(document, index: int) -> None:
    """Refuse a page over PAGE_POINTS a side, from its size alone (before PDFium loads it)."""
    width, height = document.get_page_size(index)
    if max(width, height) > PAGE_POINTS:
        raise DocumentError(f"page {index + 1} is {width:,.0f} x {height:,.0f} points, "
                            f"over the limit of {PAGE_POINTS:,} points a side")


def _check_pictures(page, index: int) -> None:
    """Refuse a page holding a picture of over IMAGE_PIXELS pixels (in a form XObject too), from
    the sizes its image dictionaries and JPEG or JPEG 2000 headers give, before PDFium decodes one
    to render or extract it: a 400 KB PDF of one 20,000 x 20,000 picture took 4.3 GB and 12 s to
    render, and a JPEG of 20,000 x 20,000 pixels whose dictionary says 100 x 100 took 820 MB
    (PDFium decodes a JPEG at the size its own header gives)."""
    import pypdfium2.raw as pdfium_c

    for picture in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
        for width, height in (picture.get_px_size(), _coded_size(picture)):
            if width * height > IMAGE_PIXELS:
                raise DocumentError(f"page {index + 1}: picture of {size(width * height, 'pixels')} "
                                    f"({width:,} x {height:,}), over the limit of {size(IMAGE_PIXELS, 'pixels')}")


# A JPEG's or JPEG 2000's size is in its first segments: this much of its data is read for it.
CODEC_HEADER_BYTES = 1 << 20
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # SOF0-SOF15 (not DHT, JPG, DAC)


def _coded_size(picture) -> tuple[int, int]:
    """The (width, height) a JPEG (DCTDecode) or JPEG 2000 (JPXDecode) picture's own header gives,
    (0, 0) for other pictures or a header not found. Its data is inflated first where a
    FlateDecode comes before, a header's worth only."""
    import zlib

    filters = picture.get_filters()
    if not filters or filters[-1] not in ("DCTDecode", "DCT", "JPXDecode"):
        return 0, 0
    if all(name in ("FlateDecode", "Fl") for name in filters[:-1]):
        head = bytes(picture.get_data(decode_simple=False))
        try:
            for _ in filters[:-1]:
                head = zlib.decompressobj().decompress(head, CODEC_HEADER_BYTES)
        except zlib.error:  # damaged: PDFium will not decode it either
            return 0, 0
    else:  # other filters before it (ASCII85Decode, ...): PDFium undoes them
        head = bytes(picture.get_data(decode_simple=True))
    return (_jpx_size if filters[-1] == "JPXDecode" else _jpeg_size)(head[:CODEC_HEADER_BYTES])


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """The size in a JPEG's frame header (SOFn), read segment by segment."""
    import struct

    at = 2
    while data[:2] == b"\xff\xd8" and at + 9 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
        elif marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", data[at + 5:at + 9])
            return width, height
        elif marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            at += 2
        else:
            at += 2 + struct.unpack(">H", data[at + 2:at + 4])[0]
    return 0, 0


def _jpx_size(data: bytes) -> tuple[int, int]:
    """The size in a JPEG 2000 file's image header box, or its codestream's SIZ segment."""
    import struct

    box = data.find(b"ihdr")
    if box >= 0 and box + 12 <= len(data):
        height, width = struct.unpack(">II", data[box + 4:box + 12])
        return width, height
    siz = data.find(b"\xff\x51")
    if siz >= 0 and siz + 22 <= len(data):
        width, height, left, top = struct.unpack(">IIII", data[siz + 6:siz + 22])
        return max(0, width - left), max(0, height - top)
    return 0, 0


def _blank(page) -> bool:
    """Whether the page draws nothing: no page objects, no annotations (whose appearance PDFium
    renders). It has no text layer, and its render would be a blank page."""
    import pypdfium2.raw as pdfium_c

    return pdfium_c.FPDFPage_CountObjects(page.raw) == 0 and pdfium_c.FPDFPage_GetAnnotCount(page.raw) == 0


def _text_layer(page, height: float) -> list[Glyph]:
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        glyphs = []
        for i in range(textpage.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1:
                continue  # spaces and line breaks PDFium infers; reading order makes its own
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
            char = chr(code) if code else ""
            if not char or char in "\r\n":
                continue
            # The loose box spans the font's advance and line height: glyphs of one word touch, and
            # every glyph of a font size has the same height, whatever its ink.
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            glyphs.append(Glyph(char, (left, height - top, right, height - bottom)))
        return glyphs
    finally:
        textpage.close()


def _usable(glyphs: list[Glyph]) -> bool:
    visible = [g for g in glyphs if not g.text.isspace()]
    if len(visible) < MIN_LAYER_CHARS:
        return False
    mapped = sum(1 for g in visible if g.text != "\ufffd" and not 0xE000 <= ord(g.text[0]) <= 0xF8FF)
    return mapped / len(visible) >= MIN_MAPPED_SHARE


# A drawn rectangle is a table cell when it is at least this big in both directions (points):
# thinner ones are rules, and a cell holds at least one line of text.
MIN_CELL = 6.0


def _scanned_picture(page):
    """The page's picture at its own resolution when one picture covers the page, else None."""
    import pypdfium2.raw as pdfium_c

    pictures = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)))
    if len(pictures) != 1:
        return None
    left, bottom, right, top = pictures[0].get_bounds()
    width, height = page.get_size()
    if (right - left) * (top - bottom) < SCAN_COVER * width * height:
        return None
    try:
        image = pictures[0].get_bitmap(render=False).to_pil()
    except Exception:  # an image format PDFium cannot decode alone: render the page instead
        return None
    return image if image.width >= 200 and image.height >= 200 else None  # a thumbnail reads worse than a render


def _cells(page, height: float) -> list[Box]:
    """The rectangles drawn on the page (table cells), in top-left coordinates."""
    import pypdfium2.raw as pdfium_c

    cells = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)):
        left, bottom, right, top = obj.get_bounds()
        if right - left >= MIN_CELL and top - bottom >= MIN_CELL:
            cells.append((left, height - top, right, height - bottom))
    return cells


# A page whose one picture covers this share of it is a scanned page: its picture is OCR'd at
# the resolution it was scanned at (rendering would only resample it).
SCAN_COVER = 0.9


def _render_scale(width: float, height: float, render_pixels: int = RENDER_PIXELS) -> float:
    """Pixels a point to render a page for OCR at: OCR_DPI, or less where that would make more
    than `render_pixels` (pypdfium2 rounds each side up: (w s + 1)(h s + 1) <= render_pixels)."""
    scale = OCR_DPI / 72
    if math.ceil(width * scale) * math.ceil(height * scale) <= render_pixels:
        return scale
    area, sides = width * height, width + height
    return (math.sqrt(sides * sides + 4 * area * (render_pixels - 1)) - sides) / (2 * area)
