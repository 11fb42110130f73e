"""PDF pages in: the text layer with character boxes (pypdfium2), or the rendered page for OCR.

A page whose text layer holds too few readable characters (a scan, or a layer of unmapped glyph
codes) is rendered and OCR'd; `ocr` overrides that choice for the whole document. Boxes come
out in PDF points with the origin at the page's top left, whichever way the page was read.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum

from .geometry import Box, Glyph, PageContent, PageSize

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


def pdf_pages(data: bytes, ocr: OcrMode = OcrMode.auto) -> list[PageContent]:
    """The glyphs and drawn cells of every page of the PDF `data`. The pages to OCR are read side
    by side (`ocr.ocr_images`) as they are rendered here."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        pages: list[PageContent | None] = []
        to_read: list[int] = []
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            glyphs = [] if ocr is OcrMode.always else _text_layer(page, height)
            if ocr is OcrMode.always or (ocr is OcrMode.auto and not _usable(glyphs)):
                to_read.append(index)
                pages.append(None)
            else:
                pages.append(PageContent(PageSize(width, height, "pt", "text_layer"), glyphs, _cells(page, height)))
            page.close()
        for index, content in zip(to_read, _ocr_pages(document, to_read)):
            pages[index] = content
        return pages
    finally:
        document.close()


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


def _ocr_pages(document, indices: list[int]) -> Iterator[PageContent]:
    """The pages `indices` of `document`, their scanned pictures or renders at OCR_DPI OCR'd side
    by side (`ocr.ocr_images`); boxes in PDF points."""
    from .ocr import ocr_images

    scales: list[float] = []  # pixels a point of each page, as its image is taken

    def images():
        for index in indices:
            page = document[index]
            image = _scanned_picture(page)
            if image is None:
                image = page.render(scale=OCR_DPI / 72).to_pil()
            scales.append(image.width / page.get_width())
            page.close()
            yield image

    for i, (glyphs, (width, height)) in enumerate(ocr_images(images(), len(indices))):
        scale = scales[i]  # the image of a page read is taken before it is read
        size = PageSize(width / scale, height / scale, "pt", "ocr")
        yield PageContent(size, [Glyph(g.text, tuple(v / scale for v in g.box)) for g in glyphs])
