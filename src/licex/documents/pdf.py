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

import ctypes
import math
from collections.abc import Iterator
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
            glyphs, turned = ([], []) if ocr is OcrMode.always else _text_layer(page, height)
            if ocr is OcrMode.always or (ocr is OcrMode.auto and not _usable(glyphs)):
                return None
            return PageContent(PageSize(width, height, "pt", "text_layer"), glyphs, _cells(page, height, glyphs),
                               turned)
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


def _text_layer(page, height: float) -> tuple[list[Glyph], list[int]]:
    """The page's characters in the order its content lists them, and the indices of those set at
    an angle (`turned`). The line breaks and spaces PDFium infers are kept as glyphs of no box:
    reading order makes its own, and the content order (`reading_order.content_reading`) reads
    them."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        glyphs: list[Glyph] = []
        turned: list[int] = []
        for i in range(textpage.count_chars()):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, i)
            char = chr(code) if code else ""
            if pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1:
                if char in ("\n", " ") and glyphs and glyphs[-1].text not in ("\n", " "):
                    glyphs.append(Glyph(char, NO_BOX))
                continue
            if not char or char in "\r\n":
                continue
            # The loose box spans the font's advance and line height: glyphs of one word touch, and
            # every glyph of a font size has the same height, whatever its ink.
            left, bottom, right, top = textpage.get_charbox(i, loose=True)
            angle = pdfium_c.FPDFText_GetCharAngle(textpage.raw, i)
            if angle > 0 and min(angle, 2 * math.pi - angle) > MAX_LEVEL_ANGLE:
                turned.append(len(glyphs))
            glyphs.append(Glyph(char, (left, height - top, right, height - bottom)))
        return glyphs, turned
    finally:
        textpage.close()


# A character turned more than this (radians) is not set on a line: a seal's text on its arc, a
# stamp set at an angle. Reading order reads such characters apart from the page's lines.
MAX_LEVEL_ANGLE = 0.05
NO_BOX = (0.0, 0.0, 0.0, 0.0)


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


def _cells(page, height: float, glyphs: list[Glyph]) -> list[Box]:
    """The table cells drawn on the page, in top-left coordinates: the rectangles drawn as cells
    (`MIN_CELL` a side or more, not a frame around others), and the boxes that ruled lines close
    around the page's characters (`ruled_cells`): a browser or an office suite draws a bordered
    table as its rules, not as one rectangle a cell. Curves and slanted paths (a seal's ring, its
    star) are never cells."""
    rectangles, rules = [], []
    for shape in _shapes(page):
        left, bottom, right, top = shape
        box = (left, height - top, right, height - bottom)
        if right - left >= MIN_CELL and top - bottom >= MIN_CELL:
            rectangles.append(box)
        else:
            rules.append(box)
    area = page.get_width() * height
    cells = [box for box in rectangles
             if (box[2] - box[0]) * (box[3] - box[1]) <= MAX_CELL_SHARE * area
             and not any(other is not box and _inside(other, box) for other in rectangles + rules)]
    return cells + ruled_cells(rules, [g.box for g in glyphs if g.text.strip()])


# A rectangle covering more of the page than this is the page's frame, not a cell of a table.
MAX_CELL_SHARE = 0.4
# Rules this close (points) are one rule: a border drawn cell by cell, or a double rule.
RULE_TOLERANCE = 1.5


def _shapes(page) -> Iterator[tuple[float, float, float, float]]:
    """The bounds of the page's paths that are straight and upright (rectangles and rules)."""
    import pypdfium2.raw as pdfium_c

    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,)):
        points, upright = [], True
        for k in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
            segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, k)
            if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                upright = False
                break
            x, y = ctypes.c_float(), ctypes.c_float()
            pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
            point = (x.value, y.value)
            if points and not pdfium_c.FPDFPathSegment_GetClose(segment) and not _upright(points[-1], point):
                upright = False
                break
            points.append(point)
        if upright and points:
            yield obj.get_bounds()


def _upright(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < 0.01 or abs(a[1] - b[1]) < 0.01


def _inside(inner: Box, outer: Box) -> bool:
    return (inner[0] >= outer[0] - 0.5 and inner[1] >= outer[1] - 0.5 and inner[2] <= outer[2] + 0.5
            and inner[3] <= outer[3] + 0.5 and inner != outer)


def ruled_cells(rules: list[Box], boxes: list[Box]) -> list[Box]:
    """The cells that ruled lines (thin boxes, top-left coordinates) close around `boxes`.

    Around each box's centre: the nearest rule on each side that passes it. The four make a cell
    when each covers its side of the box they close, and one of them runs on past it, to a
    neighbouring cell: a lone ruled box round a page or a paragraph is a frame, not a table.
    """
    across = _merged([(round((y0 + y1) / 2, 1), x0, x1) for x0, y0, x1, y1 in rules if x1 - x0 >= y1 - y0])
    down = _merged([(round((x0 + x1) / 2, 1), y0, y1) for x0, y0, x1, y1 in rules if y1 - y0 > x1 - x0])
    if len(across) < 2 or len(down) < 2:
        return []
    found: set[Box] = set()
    for box in boxes:
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        above = max((at for at, a, b in across if at <= y and a <= x <= b), default=None)
        below = min((at for at, a, b in across if at > y and a <= x <= b), default=None)
        left = max((at for at, a, b in down if at <= x and a <= y <= b), default=None)
        right = min((at for at, a, b in down if at > x and a <= y <= b), default=None)
        if None in (above, below, left, right):
            continue
        sides = [_rule(across, above, left, right), _rule(across, below, left, right),
                 _rule(down, left, above, below), _rule(down, right, above, below)]
        if all(sides) and any(a < low - RULE_TOLERANCE or b > high + RULE_TOLERANCE
                              for (a, b), (low, high) in zip(sides, [(left, right)] * 2 + [(above, below)] * 2)):
            found.add((left, above, right, below))
    return sorted(found)


def _rule(rules: list[tuple[float, float, float]], at: float, low: float, high: float) -> tuple[float, float] | None:
    """The extent of the rule at `at` that covers [low, high], if one does."""
    for where, a, b in rules:
        if where == at and a <= low + RULE_TOLERANCE and b >= high - RULE_TOLERANCE:
            return a, b
    return None


def _merged(rules: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Rules at one place (within RULE_TOLERANCE) whose extents touch, merged into one."""
    merged: list[list[float]] = []
    for at, a, b in sorted(rules):
        near = (rule for rule in reversed(merged) if at - rule[0] <= RULE_TOLERANCE)
        touching = next((rule for rule in near if a <= rule[2] + RULE_TOLERANCE and b >= rule[1] - RULE_TOLERANCE), None)
        if touching is None:
            merged.append([at, a, b])
        else:
            touching[1], touching[2] = min(touching[1], a), max(touching[2], b)
    return [tuple(rule) for rule in merged]


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
