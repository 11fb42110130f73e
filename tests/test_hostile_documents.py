"""Hostile documents (issue 24): every bad PDF or image a one-line error naming the file and the
cause, refused before it costs memory or time (`licex.files.limits`), never a traceback, never the
end of the batch; OCR that sends nothing and leaves nothing behind.

The hostile files are made here, small: their headers claim what their data never holds, so a
refusal that came after decoding would fail (or take gigabytes) rather than pass.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
import subprocess
import sys
import textwrap
import time
import warnings
import zlib
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")
pytest.importorskip("PIL")

import pypdfium2 as pdfium  # noqa: E402
from PIL import Image  # noqa: E402

from licex import documents
from licex.files import limits  # noqa: E402
from licex.documents import DocumentError, OcrMode, ocr, pdf, read_document_bytes  # noqa: E402
from licex.documents.images import page_images  # noqa: E402
from licex.files.inputs import InputSource  # noqa: E402
from licex.files.messages import InputError  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ROOT / "corpus" / "documents" / "scanned" / "002_3fa2e29c17b4fcd1.pdf"
TEXT_LAYER = ROOT / "corpus" / "documents" / "text-layer"
LICENCE_NO = "B2-20160073"  # of the scanned licence


# -- hostile files, made small ----------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, chunks: tuple[bytes, ...] = (), rows: bytes | None = None) -> bytes:
    """A greyscale PNG whose header says `width` x `height`; its pixel data is `rows` (filter
    bytes included) or a few bytes that never fill it."""
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    data = zlib.compress(rows if rows is not None else b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(chunks) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def text_chunk_bomb(kind: bytes) -> bytes:
    """A zTXt or iTXt chunk of 64 KB that inflates to 64 MB."""
    prefix = b"k\x00\x00" if kind == b"zTXt" else b"k\x00\x01\x00\x00\x00"
    return _chunk(kind, prefix + zlib.compress(b"a" * (64 << 20), 9))


def bmp(width: int, height: int) -> bytes:
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 54, 0, 0, 54) + info


def jpeg(width: int, height: int) -> bytes:
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + frame + b"\xff\xd9"


def gif(width: int, height: int) -> bytes:
    """A GIF whose screen and one frame say `width` x `height`, with a few bytes of pixel data."""
    screen = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    frame = b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02\x44\x01\x00"
    return screen + frame + b";"


def tiff(pages: list[tuple[int, int, bytes | None]], loop: bool = False) -> bytes:
    """A greyscale TIFF of `pages` (width, height, pixels, or None for a page whose header claims
    pixels the file never holds); `loop`: the last page's next page is the first."""
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for number, (width, height, pixels) in enumerate(pages):
        data_at = len(out) + 2 + 12 * 9 + 4
        last = number == len(pages) - 1
        following = 8 if last and loop else 0 if last else data_at + len(pixels or b"")
        tags = [(256, 4, width), (257, 4, height), (258, 3, 8), (259, 3, 1), (262, 3, 1),
                (273, 4, data_at), (277, 3, 1), (278, 4, height), (279, 4, width * height)]
        out += struct.pack("<H", len(tags))
        for tag, kind, value in tags:
            out += struct.pack("<HHI", tag, kind, 1) + struct.pack("<HH" if kind == 3 else "<I", *((value, 0) if kind == 3 else (value,)))
        out += struct.pack("<I", following) + (pixels or b"")
    return bytes(out)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of these object bodies (numbered from 1, the first the catalog), with its xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<<%s/Length %d>>\nstream\n%s\nendstream" % (dictionary, len(data), data)


def one_page_pdf(media: bytes = b"0 0 595 842", content: bytes = b"", resources: bytes = b"",
                 more: tuple[bytes, ...] = (), content_filter: bytes = b"") -> bytes:
    """One page with this MediaBox, content (its stream's filter) and resources; `more` objects
    are numbered from 5."""
    return pdf_file([b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
                     b"<</Type/Page/Parent 2 0 R/MediaBox[%s]/Contents 4 0 R/Resources<<%s>>>>" % (media, resources),
                     stream(content_filter, content), *more])


def picture(width: int, height: int) -> bytes:
    """An image XObject declaring `width` x `height` pixels, its data a few hundred bytes."""
    return stream(b"/Type/XObject/Subtype/Image/Width %d/Height %d/ColorSpace/DeviceGray/BitsPerComponent 8"
                  b"/Filter/FlateDecode" % (width, height), zlib.compress(b"\x00" * 4096))


def picture_pdf(width: int, height: int) -> bytes:
    return one_page_pdf(content=b"q 595 0 0 842 0 0 cm /Im1 Do Q", resources=b"/XObject<</Im1 5 0 R>>",
                        more=(picture(width, height),))


def pdf_of_pages(count: int, width: float = 595, height: float = 842) -> bytes:
    document = pdfium.PdfDocument.new()
    for _ in range(count):
        document.new_page(width, height)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def scan_page() -> Image.Image:
    """The first page of a real licence's scan, as scanned (1241 x 1754, 8-bit grey)."""
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(SCANNED)
    [scanned] = document[0].get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))
    return scanned.get_bitmap(render=False).to_pil().convert("L")


@pytest.fixture
def no_ocr(monkeypatch):
    """OCR that fails the test if a page is read: what is refused or blank is never OCR'd."""
    def refuse(threads=0):
        raise AssertionError("a page was OCR'd")

    monkeypatch.setattr(ocr, "engine", refuse)


def refused(data: bytes, name: str, cause: str, ocr_mode: OcrMode = OcrMode.auto) -> str:
    """The one-line DocumentError reading `data` gives; it must contain `cause`."""
    with pytest.raises(DocumentError) as raised:
        read_document_bytes(data, name, ocr_mode)
    message = str(raised.value)
    assert cause in message and "\n" not in message, message
    return message


# -- 2. a PDF of no pages ---------------------------------------------------------------------


def test_a_pdf_of_no_pages_says_so():
    # a damaged PDF first: PDFium's last error stays "Data format error" after it
    refused(b"%PDF-1.7 broken", "x.pdf", "not a readable PDF (Failed to load document (PDFium: Data format error).)")
    assert refused(pdf_of_pages(0), "x.pdf", "document has no pages") == "document has no pages"
    no_page_tree = pdf_file([b"<</Type/Catalog>>"])
    assert refused(no_page_tree, "x.pdf", "document has no pages") == "document has no pages"


# -- 3. images of more than 8 bits a sample -----------------------------------------------------


def _tiff_of(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "TIFF")
    return buffer.getvalue()


def _only_page(data: bytes) -> Image.Image:
    count, pages = page_images(data)
    [page] = list(pages)
    assert count == 1
    return page


@pytest.mark.parametrize("mode", ["I;16", "I;16B", "I", "F", "I;16 of 12 bits"])
def test_a_scan_of_wide_samples_reads_as_its_8_bit_self(scan_page, mode):
    numpy = pytest.importorskip("numpy")
    grey = numpy.asarray(scan_page).astype(numpy.float64)
    values = {"I;16": grey * 257, "I;16B": grey * 257, "I": grey * 1000 - 5000, "F": grey / 255,
              "I;16 of 12 bits": grey * 16}[mode]
    dtype = {"I;16": "<u2", "I;16B": ">u2", "I": "<i4", "F": "<f4", "I;16 of 12 bits": "<u2"}[mode]
    wide = Image.fromarray(values.astype(dtype))
    assert wide.mode == mode.split()[0]
    # As Pillow alone converts it, the page is clipped to white (or black): nothing left to read.
    assert numpy.abs(numpy.asarray(wide.convert("L"), numpy.int16) - grey).mean() > 10
    page = _only_page(_tiff_of(wide) if mode != "I;16B" else _png_of(wide))
    difference = numpy.abs(numpy.asarray(page.convert("L"), numpy.int16) - grey)
    assert difference.max() <= 1


def _png_of(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("bits", [16, 12])
def test_a_scan_of_16_bit_rgb_reads_as_its_8_bit_self(tmp_path, scan_page, bits):
    numpy = pytest.importorskip("numpy")
    cv2 = pytest.importorskip("cv2")
    grey = numpy.asarray(scan_page).astype(numpy.uint16)
    wide = grey * 257 if bits == 16 else grey * 16  # 12 bits kept in 16: Pillow's high byte is 0-15
    path = tmp_path / "scan.tif"
    assert cv2.imwrite(str(path), numpy.dstack([wide] * 3))
    page = _only_page(path.read_bytes())
    difference = numpy.abs(numpy.asarray(page.convert("L"), numpy.int16) - numpy.asarray(scan_page, numpy.int16))
    assert page.mode == "RGB" and difference.max() <= (1 if bits == 16 else 17)


def test_a_transparent_page_is_laid_on_white():
    page = Image.new("RGBA", (200, 100), (0, 0, 0, 0))  # transparent black, as a scan app saves it
    page.paste((0, 0, 0, 255), (20, 40, 180, 60))  # a black bar: the print
    flattened = _only_page(_png_of(page))
    assert flattened.mode == "RGB" and flattened.getpixel((5, 5)) == (255, 255, 255)
    assert flattened.getpixel((100, 50)) == (0, 0, 0)


@pytest.mark.slow
def test_a_16_bit_tiff_of_a_real_scan_reads_its_text(scan_page):
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    numpy = pytest.importorskip("numpy")
    wide = Image.fromarray((numpy.asarray(scan_page).astype(numpy.uint16) * 257).astype("<u2"))
    document = read_document_bytes(_tiff_of(wide), "scan.tif")
    assert LICENCE_NO in document.text and "经营许可证" in document.text


# -- 4, 5. images over IMAGE_PIXELS, bombs and lying headers -------------------------------------


BOMBS = {
    "12000x12000.png": (png(12000, 12000), "image of 144,000,000 pixels, over the limit of 100,000,000 pixels"),
    "30000x30000.png": (png(30000, 30000), "image of 900,000,000 pixels, over the limit of 100,000,000 pixels"),
    "ztxt.png": (png(10, 10, (text_chunk_bomb(b"zTXt"),)), "not a readable image (Decompressed data too large"),
    "itxt.png": (png(10, 10, (text_chunk_bomb(b"iTXt"),)), "not a readable image (Decompressed data too large"),
    "huge.bmp": (bmp(100_000, 100_000), "image of 10,000,000,000 pixels, over the limit"),
    "upside-down.bmp": (bmp(100, -100_000_000), "over the limit of 100,000,000 pixels"),
    "huge.jpg": (jpeg(65_000, 65_000), "image of 4,225,000,000 pixels, over the limit"),
    "just-over.jpg": (jpeg(10_001, 10_000), "image of 100,010,000 pixels, over the limit"),
    "nothing.png": (png(0, 0), "not a readable image (not a PNG, JPEG, TIFF, BMP or GIF, or a damaged one)"),
    "huge.gif": (gif(60_000, 60_000), "image of 3,600,000,000 pixels, over the limit"),
    "pages.tif": (tiff([(1, 1, b"\x00")] * (limits.DOCUMENT_PAGES + 1)), "document has more pages than the limit of 300"),
    "page-2.tif": (tiff([(10, 10, bytes(100)), (12_000, 12_000, None)]), "page 2: image of 144,000,000 pixels, over the limit"),
}


@pytest.mark.parametrize("name", BOMBS)
def test_an_image_over_the_limits_is_refused_from_its_header_without_a_warning(name, no_ocr):
    data, cause = BOMBS[name]
    assert len(data) < 100_000
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        refused(data, name, cause)
    assert not caught, [str(w.message) for w in caught]  # Pillow's DecompressionBombWarning among them


def test_a_tiff_of_300_pages_is_read_and_a_looping_one_ends(no_ocr, monkeypatch):
    monkeypatch.setattr(ocr, "blank", lambda image: True)  # counted and decoded, not read
    document = read_document_bytes(tiff([(1, 1, b"\x00")] * limits.DOCUMENT_PAGES), "x.tif")
    assert len(document.pages) == limits.DOCUMENT_PAGES
    looping = read_document_bytes(tiff([(10, 10, bytes(100))] * 3, loop=True), "x.tif")
    assert len(looping.pages) == 3


@pytest.mark.parametrize("kind", ["ICO", "PCX", "TGA", "QOI", "EPS"])
def test_an_image_of_another_format_is_refused_whatever_its_name(kind, no_ocr):
    """Pillow opens some forty formats whatever a file is called (EPS through Ghostscript): licex
    reads the five of its suffixes, each under any of their names."""
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(buffer, kind)
    refused(buffer.getvalue(), "scan.png", "not a readable image (not a PNG, JPEG, TIFF, BMP or GIF, or a damaged one)")
    as_jpeg = io.BytesIO()
    Image.new("RGB", (50, 50), "white").save(as_jpeg, "JPEG")
    assert _only_page(as_jpeg.getvalue()).size == (50, 50)  # a JPEG called scan.png reads


def test_only_a_tiffs_frames_are_pages(no_ocr, monkeypatch):
    """The further frames of an animated PNG are no pages of a licence (nor a camera JPEG's
    previews): its first frame is read, once."""
    frames = [Image.new("L", (50, 50), shade) for shade in (255, 0, 128)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(buffer.getvalue())).n_frames == 3
    count, pages = page_images(buffer.getvalue())
    assert count == 1 and [page.getextrema() for page in pages] == [(255, 255)]
    animated = io.BytesIO()  # an animated GIF's likewise
    frames[0].save(animated, "GIF", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(animated.getvalue())).n_frames == 3
    count, pages = page_images(animated.getvalue())
    assert count == 1 and [page.convert("L").getextrema() for page in pages] == [(255, 255)]


def test_libtiffs_complaints_about_a_damaged_page_are_not_printed(capfd, scan_page):
    buffer = io.BytesIO()
    scan_page.convert("1").crop((0, 0, 600, 400)).save(buffer, "TIFF", compression="group4")
    damaged = bytearray(buffer.getvalue())
    damaged[16:40] = b"\xff" * 24  # its fax-coded strip
    count, pages = page_images(bytes(damaged))
    list(pages)
    assert capfd.readouterr().err == ""  # libtiff printed "Fax4Decode: Bad code word at line 59 ..."


# -- 6. PDF pages too large, pictures too large, too many pages, too many bytes ------------------


def test_a_pdf_page_over_the_limit_is_refused_before_it_is_loaded(no_ocr):
    refused(one_page_pdf(b"0 0 20000 20000", b"0 0 m 100 100 l S"), "x.pdf",
            "page 1 is 20,000 x 20,000 points, over the limit of 14,400 points a side")
    refused(pdf_of_pages(1, 595, 15_000), "x.pdf", "page 1 is 595 x 15,000 points")


def test_a_page_holding_a_picture_over_the_limit_is_refused_before_it_is_decoded(no_ocr):
    cause = "page 1: picture of 400,000,000 pixels (20,000 x 20,000), over the limit of 100,000,000 pixels"
    for mode in OcrMode:
        refused(picture_pdf(20_000, 20_000), "x.pdf", cause, mode)
    # inside a form XObject inside a form XObject
    nested = one_page_pdf(content=b"/F1 Do", resources=b"/XObject<</F1 5 0 R>>", more=(
        stream(b"/Type/XObject/Subtype/Form/BBox[0 0 595 842]/Resources<</XObject<</F2 6 0 R>>>>", b"/F2 Do"),
        stream(b"/Type/XObject/Subtype/Form/BBox[0 0 595 842]/Resources<</XObject<</Im1 7 0 R>>>>",
               b"q 595 0 0 842 0 0 cm /Im1 Do Q"),
        picture(20_000, 20_000)))
    refused(nested, "x.pdf", cause)


def _coded_picture_pdf(filters: bytes, data: bytes) -> bytes:
    """A page of one picture whose dictionary says 100 x 100 pixels and whose data is `data`."""
    return one_page_pdf(content=b"q 595 0 0 842 0 0 cm /Im1 Do Q", resources=b"/XObject<</Im1 5 0 R>>", more=(
        stream(b"/Type/XObject/Subtype/Image/Width 100/Height 100/ColorSpace/DeviceGray/BitsPerComponent 8"
               b"/Filter" + filters, data),))


def test_a_jpeg_or_jpeg_2000_picture_is_sized_by_its_own_header(no_ocr):
    """PDFium decodes a JPEG at the size its header gives, whatever the dictionary says (a JPEG
    of 20,000 x 20,000 pixels in a dictionary of 100 x 100 took 820 MB)."""
    cause = "page 1: picture of 400,000,000 pixels (20,000 x 20,000), over the limit"
    exif = b"\xff\xe1" + struct.pack(">H", 1002) + b"\x00" * 1000  # a segment before the frame header
    big_jpeg = jpeg(20_000, 20_000)[:2] + exif + jpeg(20_000, 20_000)[2:]
    refused(_coded_picture_pdf(b"/DCTDecode", big_jpeg), "x.pdf", cause)
    refused(_coded_picture_pdf(b"[/FlateDecode/DCTDecode]", zlib.compress(big_jpeg)), "x.pdf", cause)
    codestream = b"\xff\x4f\xff\x51" + struct.pack(">HHIIIIIIIIH", 41, 0, 20_000, 20_000, 0, 0, 256, 256, 0, 0, 1)
    refused(_coded_picture_pdf(b"/JPXDecode", codestream + b"\x07\x01\x01"), "x.pdf", cause)
    small = io.BytesIO()
    Image.new("L", (100, 100), 255).save(small, "JPEG")
    assert not read_document_bytes(_coded_picture_pdf(b"/DCTDecode", small.getvalue()), "x.pdf").text.strip()


def test_a_pdf_of_more_pages_than_the_limit_is_refused(no_ocr):
    refused(pdf_of_pages(limits.DOCUMENT_PAGES + 1), "x.pdf", "document has 301 pages, over the limit of 300")


def test_a_large_page_is_rendered_within_the_render_limit(monkeypatch):
    rendered = []

    def read(images, count):
        for image in images:
            rendered.append(image.size)
            yield [], image.size

    monkeypatch.setattr(documents, "RENDER_PIXELS", 200_000)  # the rule, without rendering 40 megapixels
    monkeypatch.setattr(ocr, "ocr_images", read)
    document = read_document_bytes(one_page_pdf(b"0 0 14400 9000", b"0 0 m 14400 9000 l S"), "x.pdf")
    [(width, height)] = rendered
    assert width * height <= 200_000 and abs(width / height - 14400 / 9000) < 0.01
    assert document.pages[0].unit == "pt" and round(document.pages[0].width) == 14400
    for width, height in [(595, 842), (14400, 14400), (14400, 1), (1, 14400), (3000, 9000)]:
        scale = pdf._render_scale(width, height)
        assert scale <= pdf.OCR_DPI / 72
        assert -(-width * scale // 1) * -(-height * scale // 1) <= limits.RENDER_PIXELS


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        handle.truncate(limits.DOCUMENT_BYTES + 1)  # sparse: no disk used

    def read_bytes(self):
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    with pytest.raises(InputError) as raised:
        InputSource(str(big), big).read_document()
    assert str(raised.value) == (f"{big}: too large: 268,435,457 bytes, licex reads at most 268,435,456 bytes "
                                 "(document_bytes); split it")
    with pytest.raises(DocumentError, match=r"too large: 268,435,457 bytes, licex reads at most 268,435,456 bytes"):
        documents.read_document(big)


# -- 7. blank pages ----------------------------------------------------------------------------


def test_blank_pages_cost_next_to_nothing_and_load_no_ocr(no_ocr):
    started = time.perf_counter()
    document = read_document_bytes(pdf_of_pages(limits.DOCUMENT_PAGES), "x.pdf")  # 283 s and 1.9 GB before
    assert time.perf_counter() - started < 5
    assert len(document.pages) == limits.DOCUMENT_PAGES and not document.text.strip()
    # a page that draws only white is rendered, found blank and not OCR'd; so is a white image
    white = one_page_pdf(content=b"1 g 0 0 595 842 re f")
    for mode in (OcrMode.auto, OcrMode.always):
        assert not read_document_bytes(white, "x.pdf", mode).text.strip()
    assert not read_document_bytes(png(300, 200, rows=(b"\x00" + b"\xff" * 300) * 200), "x.png").text.strip()


# -- 8. pages of odd shapes, memory ------------------------------------------------------------


@pytest.mark.parametrize("size", [(8000, 40), (40, 8000), (2000, 1), (10, 100_000)])
def test_a_page_far_longer_than_wide_reaches_rapidocr_in_a_shape_it_can_take(monkeypatch, size):
    """RapidOCR rounded an 8000 x 40 strip's short side to nothing (ResizeImgError, exit 70) and
    letterboxed a 2000 x 1 image to 60,000 x 15,000 pixels (5.5 GB): such a page reaches it at most
    2,000 pixels long and 8 times as long as wide, and its boxes come back in its own pixels."""
    handed = []

    def run(pixels, threads):
        handed.append(pixels.shape)
        return [([(10.0, 0.0), (20.0, 0.0), (20.0, 1.0), (10.0, 1.0)], "许", 0.9)]

    monkeypatch.setattr(ocr, "_run", run)
    page = Image.new("L", size, 255)
    page.paste(0, (0, 0, size[0] // 2, size[1]))  # not blank
    glyphs, frame = ocr.ocr_image(page)
    [(height, width, _)] = handed
    assert max(height, width) <= ocr.MAX_SIDE and max(height, width) <= ocr.MAX_ASPECT * min(height, width)
    scale = min(1.0, ocr.MAX_SIDE / max(size))
    assert frame == size and glyphs[0].box == pytest.approx((10 / scale, 0.0, 20 / scale, 1 / scale))


@pytest.mark.slow
def test_a_strip_of_print_is_read_by_rapidocr_as_it_is():
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    from PIL import ImageDraw

    strip = Image.new("L", (8000, 48), 255)
    ImageDraw.Draw(strip).text((10, 6), f"{LICENCE_NO} 2021-06-22", fill=0, font_size=36)
    glyphs, _ = ocr.ocr_image(strip)
    assert LICENCE_NO in "".join(g.text for g in glyphs)
    line = Image.new("L", (2000, 1), 255)
    line.paste(0, (0, 0, 1000, 1))
    started = time.perf_counter()
    assert ocr.ocr_image(line)[1] == (2000, 1) and time.perf_counter() - started < 10


def test_an_allocation_too_large_for_the_machine_is_a_one_line_error(monkeypatch):
    def out_of_memory(data, mode, on_page=None):
        raise MemoryError

    monkeypatch.setattr(documents, "pdf_pages", out_of_memory)
    refused(pdf_of_pages(1), "x.pdf", "not enough memory to read it")


# -- PDFium in a process of its own -------------------------------------------------------------


def form_fan_out(depth: int, fan: int = 10) -> bytes:
    """A page drawing a form XObject `fan` times, which draws the next `fan` times, `depth` deep:
    PDFium makes an object of each drawing as it loads the page (10^7 of them, from 2 KB, took
    9 GB and ended the process)."""
    forms = [stream(b"/Type/XObject/Subtype/Form/BBox[0 0 10 10]/Resources<</XObject<</F %d 0 R>>>>" % (6 + level),
                    b"/F Do " * fan) for level in range(depth - 1)]
    forms.append(stream(b"/Type/XObject/Subtype/Form/BBox[0 0 10 10]", b"0 0 m 1 1 l S"))
    return one_page_pdf(content=b"/F Do " * fan, resources=b"/XObject<</F 5 0 R>>", more=tuple(forms))


def content_bomb(inflated: int) -> bytes:
    """A page whose content stream is `inflated` bytes of spaces, deflated to a thousandth."""
    deflate = zlib.compressobj(9)
    data = b"".join(deflate.compress(b" " * (1 << 20)) for _ in range(inflated >> 20)) + deflate.flush()
    return one_page_pdf(content=data, content_filter=b"/Filter/FlateDecode")


@pytest.fixture
def small_pdfium(monkeypatch):
    """PDFium's process limited to 256 MB, so that pages that would take gigabytes are refused
    at a quarter of one (a new process, ended with the test)."""
    from licex.documents import isolation

    monkeypatch.setattr(isolation, "PDFIUM_BYTES", 256 << 20)
    monkeypatch.setattr(isolation, "_child", None)
    yield
    if isolation._child is not None:
        isolation._child.close()


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
@pytest.mark.parametrize("bomb", ["forms", "content"])
def test_a_page_that_makes_pdfium_explode_is_refused_and_the_next_pdf_is_read(small_pdfium, bomb, no_ocr):
    data = form_fan_out(6) if bomb == "forms" else content_bomb(300 << 20)
    assert len(data) < 1_000_000
    started = time.perf_counter()
    refused(data, "x.pdf", "page 1: PDFium stopped (reading it needs more than the limit of 268,435,456 bytes of memory")
    assert time.perf_counter() - started < 10
    good = sorted(TEXT_LAYER.glob("*.pdf"))[0].read_bytes()
    assert "经营许可证" in read_document_bytes(good, "good.pdf").text


def test_a_page_pdfium_takes_too_long_over_is_refused(monkeypatch, no_ocr):
    from licex.documents import isolation

    monkeypatch.setattr(isolation, "PAGE_SECONDS", 0.2)
    refused(form_fan_out(5), "x.pdf", "page 1: PDFium ran over the limit of 0.2 seconds")  # about 3 s


def test_pages_cross_from_pdfiums_process_as_they_were_read():
    import pickle

    good = sorted(TEXT_LAYER.glob("*.pdf"))[0].read_bytes()
    pages = documents.pdf_pages(good)
    again = pickle.loads(pickle.dumps(pages))
    assert again == pages and all(type(glyph) is type(pages[0].glyphs[0]) for page in again for glyph in page.glyphs)


# -- one bad file never ends the batch --------------------------------------------------------


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_hostile_documents_beside_good_licences_are_each_one_line_and_the_batch_goes_on(cli, tmp_path, small_pdfium):
    folder = tmp_path / "in"
    folder.mkdir()
    good = sorted(TEXT_LAYER.glob("*.pdf"))[:2]
    for path in good:
        shutil.copy(path, folder / path.name)
    bad = {name: data for name, (data, _) in BOMBS.items()}
    bad |= {"no-pages.pdf": pdf_of_pages(0), "huge-page.pdf": one_page_pdf(b"0 0 20000 20000"),
            "picture.pdf": picture_pdf(20_000, 20_000), "pages.pdf": pdf_of_pages(limits.DOCUMENT_PAGES + 1),
            "jpeg.pdf": _coded_picture_pdf(b"/DCTDecode", jpeg(20_000, 20_000)), "forms.pdf": form_fan_out(6)}
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    out = tmp_path / "out.jsonl"
    result = cli("extract", folder, "--rules-only", "-o", out)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    # one line each, no warning, no traceback; then the summary of what was written
    assert lines[-1] == f"licex: wrote {len(good)} records to {out} ({len(bad)} inputs failed)", lines[-1]
    lines = lines[:-1]
    assert len(lines) == len(bad), "\n".join(lines)
    for name in bad:
        [line] = [line for line in lines if line.startswith(f"licex: error: {folder / name}: ")]
        assert BOMBS.get(name, (None, ""))[1] in line
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(Path(r["source"]).name for r in records) == [path.name for path in good]


# -- 1. OCR sends nothing and leaves nothing behind --------------------------------------------


_OFFLINE = textwrap.dedent("""
    import atexit, json, os, socket, sys
    attempts = []
    def refuse(*args, **kwargs):
        attempts.append(repr(args)[:200])
        raise OSError("network is off in this test")
    # methods replaced, not the class: ssl (which openvino imports) subclasses socket.socket
    socket.socket.connect = socket.socket.connect_ex = socket.socket.sendto = refuse
    socket.getaddrinfo = socket.gethostbyname = socket.create_connection = refuse
    atexit.register(lambda: open(os.environ["ATTEMPTS"], "w").write(json.dumps(attempts)))
    sys.argv = ["licex", *sys.argv[1:]]
    from licex.cli import main
    main()
""")


@pytest.mark.slow
def test_ocr_sends_nothing_and_leaves_nothing_in_home_or_tmpdir(tmp_path):
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    home, tmp, out, attempts = tmp_path / "home", tmp_path / "tmp", tmp_path / "out", tmp_path / "attempts.json"
    home.mkdir()
    tmp.mkdir()
    out.mkdir()
    scan = out / "scan.pdf"
    single = pdfium.PdfDocument.new()
    single.import_pages(pdfium.PdfDocument(SCANNED), [0])
    single.save(scan)
    env = {key: value for key, value in os.environ.items()
           if key not in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "CI", "ORT_DISABLE_TELEMETRY")}
    env |= {"HOME": str(home), "TMPDIR": str(tmp), "ATTEMPTS": str(attempts),
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
            # torch, which spaCy imports where spacy-transformers (the trf extra) is installed,
            # makes its compile cache folder as it is imported: not OCR's, nor licex's.
            "TORCHINDUCTOR_CACHE_DIR": str(out / "torch")}
    result = subprocess.run([sys.executable, "-c", _OFFLINE, "extract", str(scan), "--rules-only",
                             "-o", str(out / "records.jsonl")], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads((out / "records.jsonl").read_text("utf-8"))["license_no"] == LICENCE_NO
    assert json.loads(attempts.read_text("utf-8")) == []
    left = sorted(str(path.relative_to(tmp_path)) for path in [*home.rglob("*"), *tmp.rglob("*")])
    assert left == [], f"left in HOME and TMPDIR: {left}"
