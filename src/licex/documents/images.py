"""Page images in: PNG, JPEG, BMP, GIF (its first frame) and TIFF (a page a frame) decoded by Pillow within licex's limits
(`licex.files.limits`), each page to an 8-bit picture as OCR reads it.

Every page's size is checked from the file's headers before any of its pixels is decoded, and
whatever Pillow raises on a damaged or hostile file (a decompression bomb, a text chunk that
inflates without end, a header that lies) is a `DocumentError` saying why.
"""

from __future__ import annotations

import io
import math
import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

from licex.files.limits import DOCUMENT_PAGES, IMAGE_PIXELS, size
from licex.documents.errors import DocumentError

if TYPE_CHECKING:
    from PIL.Image import Image

# What Pillow raises on a damaged file as it reads its headers or decodes it, besides its
# decompression-bomb error: OSError (damaged or truncated data; UnidentifiedImageError for an
# unknown format), ValueError (a PNG text chunk over PngImagePlugin.MAX_TEXT_CHUNK, tiles outside
# the image), SyntaxError (a PNG chunk's checksum), EOFError, struct.error (a short header),
# LookupError and TypeError (missing or odd TIFF tags), ArithmeticError (a zero in a header).
_DAMAGED = (OSError, ValueError, SyntaxError, EOFError, struct.error, LookupError, TypeError, ArithmeticError)
# The formats of licex's image suffixes (suffixes.IMAGE_SUFFIXES), whichever suffix a file has: a
# misnamed scan still reads. Pillow alone would open some forty others whatever the name (EPS
# through Ghostscript, PSD, FLI, ICNS...), each one more decoder for a hostile file to aim at.
# GIF is how websites post their licences (a palette image, maybe animated: its first frame is the page).
FORMATS = ("PNG", "JPEG", "TIFF", "BMP", "GIF")
# Modes of samples wider than 8 bits: 16-bit greys, 32-bit integers, floats.
_WIDE_MODES = frozenset({"I;16", "I;16L", "I;16B", "I;16N", "I", "F"})


def page_images(data: bytes) -> tuple[int, Iterator["Image"]]:
    """The number of pages of an image file, and its pages, decoded one at a time as they are
    taken, each an 8-bit picture (`_eight_bit`). Raises DocumentError for a file that is no
    readable image, has more than DOCUMENT_PAGES pages, or a page of more than IMAGE_PIXELS
    pixels; the sizes are checked here, before anything is decoded."""
    from PIL import Image

    with _reading():
        image = Image.open(io.BytesIO(data), formats=FORMATS)
        pages = _page_count(image)
    return pages, _pages(image, pages)


def _page_count(image: "Image") -> int:
    """The pages of the image file, each one's size checked from its header. Only a TIFF has
    several (the further frames of other formats, an animated PNG's or GIF's or the previews in a
    camera's JPEG, are no pages of a licence). Pillow reads a TIFF's page headers one after another, and a
    file may chain millions: the count stops past DOCUMENT_PAGES. (Pillow's n_frames is not asked:
    it reads them all, and after a seek far ahead it counts wrong.)"""
    for index in range(DOCUMENT_PAGES + 1 if image.format == "TIFF" else 1):
        try:
            image.seek(index)
        except EOFError:
            return index
        if index == DOCUMENT_PAGES:
            raise DocumentError(f"document has more pages than the limit of {DOCUMENT_PAGES:,}")
        width, height = image.size
        if width * height > IMAGE_PIXELS:
            raise _too_large(width * height, index)
    return 1  # not a TIFF (a TIFF's count ends above)


def _too_large(pixels: int | None, index: int = 0):
    page = f"page {index + 1}: " if index else ""
    of = f" of {size(pixels, 'pixels')}," if pixels else ""
    return DocumentError(f"{page}image{of} over the limit of {size(IMAGE_PIXELS, 'pixels')}")


def _pages(image: "Image", pages: int) -> Iterator["Image"]:
    for index in range(pages):
        with _reading(index):
            image.seek(index)
            sixteen = _from_16_bits(image)
            image.load()
            page = _eight_bit(image, sixteen)
        yield page


@contextmanager
def _reading(index: int = 0) -> Iterator[None]:
    """Pillow reading (page `index` of) an image file: what it raises becomes a DocumentError.

    Pillow's own guard against decompression bombs is set to licex's limit: it refuses an image
    of over twice Image.MAX_IMAGE_PIXELS as it opens the file or decodes a TIFF page, and warns
    (three lines of stderr) beyond it; licex refuses every image beyond IMAGE_PIXELS, so the
    warning is an error here. Pillow's other warnings (corrupt EXIF data, a truncated tag) say
    nothing about the page's text, so none is printed beside licex's lines."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = IMAGE_PIXELS
    _silence_libtiff()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            yield
        except DocumentError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise _too_large(_pixels_named(error), index) from None
        except MemoryError:
            raise DocumentError("not enough memory to decode the image") from None
        except Image.UnidentifiedImageError:
            raise DocumentError("not a readable image (not a PNG, JPEG, TIFF, BMP or GIF, or a damaged one)") from None
        except _DAMAGED as error:
            raise DocumentError(f"not a readable image ({str(error) or type(error).__name__})") from None


@lru_cache(maxsize=1)
def _silence_libtiff() -> None:
    """libtiff, which Pillow decodes compressed TIFFs with, writes what it finds wrong in a damaged
    one to stderr itself (`Fax4Decode: Bad code word at line 27 of strip 0`, a line each, dozens
    for a page) beside licex's one line, and Pillow raises an OSError anyway: its error and
    warning handlers are set to none, in the library Pillow loaded (found in /proc/self/maps;
    elsewhere than on Linux libtiff keeps its handlers)."""
    import ctypes

    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = {line.split()[-1] for line in maps if "libtiff" in line and "/" in line}
        for path in paths:
            library = ctypes.CDLL(path)
            for name in ("TIFFSetErrorHandler", "TIFFSetWarningHandler"):
                setter = getattr(library, name)
                setter.restype, setter.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
                setter(None)
    except (OSError, AttributeError):  # no /proc, or a libtiff of other names: its messages stay
        pass


def _pixels_named(error: Exception) -> int | None:
    """The pixel count Pillow's decompression-bomb message gives ('Image size (N pixels) ...')."""
    found = re.search(r"\((\d+) pixels\)", str(error))
    return int(found[1]) if found else None


def _from_16_bits(image: "Image") -> bool:
    """Whether Pillow decodes the page from 16-bit samples into 8-bit RGB (or RGBA), keeping the
    high byte of each: its tile's raw mode says so ('RGB;16B', 'RGB;16N'), before it is loaded."""
    return image.mode in ("RGB", "RGBA") and any(";16" in str(tile.args) for tile in image.tile)


def _eight_bit(image: "Image", sixteen: bool) -> "Image":
    """The decoded page as OCR reads it, a new image of 8-bit samples. Wider samples are stretched
    from their lowest to their highest value over 0-255: read as they are (Pillow clips them to
    255), a 16-bit scan is a white page; a 12-bit one kept in 16 bits, by its high byte, a black
    one. A transparent page is laid on white (its transparent pixels are black underneath)."""
    from PIL import Image

    if image.mode in _WIDE_MODES:
        lowest, highest = image.getextrema()
        return _stretched(image.convert("F"), lowest, highest).convert("L")
    page = image
    if image.has_transparency_data:
        page = image.convert("RGBA")
        page = Image.alpha_composite(Image.new("RGBA", page.size, "white"), page).convert("RGB")
    if sixteen:
        page = page.convert("RGB")
        extrema = page.getextrema()
        page = _stretched(page, min(low for low, _ in extrema), max(high for _, high in extrema))
    return page.copy() if page is image else page


def _stretched(image: "Image", lowest: float, highest: float) -> "Image":
    """The image's values from `lowest` to `highest` brought to 0-255 (a flat image to 0)."""
    scale = 255 / (highest - lowest) if math.isfinite(highest - lowest) and highest > lowest else 0.0
    offset = -lowest * scale if scale else 0.0
    return image.point(lambda value: value * scale + offset)
