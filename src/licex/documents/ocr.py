"""Optical character recognition of page images with RapidOCR (PP-OCR models on onnxruntime).

The `rapidocr-onnxruntime` wheel ships its detection, angle-classification and recognition
models, so nothing is downloaded at run time. RapidOCR returns one quadrilateral per detected
text line; a line is turned into glyphs by sharing its width among its characters (a Latin
letter or digit takes about half the width of a Chinese character), which is what reading order
and evidence boxes need. A skewed scan is straightened geometrically: the quadrilaterals are
rotated back by the page's median skew, so no second OCR pass is needed. A page turned by 90°
(lines taller than wide) is turned upright and read again.
"""

from __future__ import annotations

import math
import statistics
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from .geometry import Glyph

if TYPE_CHECKING:
    from PIL.Image import Image

# Skews below this (degrees) are left alone: they do not move a glyph off its line.
MIN_DESKEW = 0.3
# A recognised line is kept from this score up. A detected line read below it (often a long line
# cropped too tightly by the detector: it reads as nothing) is cropped again with a margin of
# RETRY_MARGIN line heights and read on its own.
MIN_SCORE = 0.5
RETRY_MARGIN = 0.5


# RapidOCR's settings where licex departs from its config.yaml. The recognizer reads one text line
# a call: in batches of 6 lines (the default), padded to the widest, onnxruntime took 3.3-3.5 s a
# page on this project's 2-core VM, one line at a time 0.8-1.0 s (2026-12-01; scans of generated
# licences, 1241x1754 pixels, about 40 lines and 1,500 characters a page).
ENGINE_SETTINGS = {"rec_batch_num": 1}


@lru_cache(maxsize=1)
def engine():
    """The RapidOCR engine, loaded once per process (its models load in about half a second)."""
    from ..extras import require

    require("ocr", "reading scans and images")
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR(**ENGINE_SETTINGS)


def ocr_image(image: "Image") -> tuple[list[Glyph], tuple[int, int]]:
    """The glyphs of a page image and the (width, height) of the frame their boxes are in: the
    image's pixels, turned upright where the page was turned by 90° and straightened by its skew."""
    lines = _run(_pixels(image))
    if lines and _turned(lines):
        image = image.rotate(90, expand=True)
        lines = _run(_pixels(image))
    skew = _skew(lines)
    centre = (image.width / 2, image.height / 2)
    glyphs: list[Glyph] = []
    for quad, text in lines:
        if abs(skew) >= MIN_DESKEW:
            quad = [_rotate(point, centre, -skew) for point in quad]
        glyphs.extend(_line_glyphs(quad, text))
    return glyphs, (image.width, image.height)


def _pixels(image: "Image"):
    """The image as the RGB array RapidOCR reads."""
    import numpy

    return numpy.asarray(image.convert("RGB"))


def _run(pixels) -> list[tuple[list[tuple[float, float]], str]]:
    """(quadrilateral, text) of each text line RapidOCR detects and reads."""
    result, _ = engine()(pixels, text_score=0.0)
    lines = []
    for quad, text, score in result or []:
        quad = [(float(x), float(y)) for x, y in quad]
        if score < MIN_SCORE or not text.strip():
            text = _read_again(pixels, quad)
        if text.strip():
            lines.append((quad, text))
    return lines


def _read_again(pixels, quad) -> str:
    """The text of one detected line, cropped with a margin and recognised alone; '' if unread."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    margin = RETRY_MARGIN * (max(ys) - min(ys))
    top, bottom = max(0, int(min(ys) - margin)), min(pixels.shape[0], int(max(ys) + margin) + 1)
    left, right = max(0, int(min(xs) - margin)), min(pixels.shape[1], int(max(xs) + margin) + 1)
    if bottom - top < 4 or right - left < 4:
        return ""
    result, _ = engine()(pixels[top:bottom, left:right], use_det=False, use_cls=False, use_rec=True)
    if not result:
        return ""
    text, score = result[0]
    return text if score >= MIN_SCORE else ""


def _turned(lines: list[tuple[list[tuple[float, float]], str]]) -> bool:
    """Whether most text lines of several characters stand upright: a page turned by 90°."""
    long_lines = [quad for quad, text in lines if len(text) >= 4]
    if not long_lines:
        return False
    upright = sum(1 for quad in long_lines if _extent(quad)[1] > 1.5 * _extent(quad)[0])
    return upright > len(long_lines) / 2


def _extent(quad) -> tuple[float, float]:
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return max(xs) - min(xs), max(ys) - min(ys)


def _skew(lines) -> float:
    """The median angle (degrees) of the top edges of the longer lines."""
    angles = []
    for quad, text in lines:
        (x0, y0), (x1, y1) = quad[0], quad[1]
        if len(text) >= 6 and x1 - x0 > 0:
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return statistics.median(angles) if angles else 0.0


def _rotate(point: tuple[float, float], centre: tuple[float, float], degrees: float) -> tuple[float, float]:
    angle = math.radians(degrees)
    x, y = point[0] - centre[0], point[1] - centre[1]
    return (centre[0] + x * math.cos(angle) - y * math.sin(angle),
            centre[1] + x * math.sin(angle) + y * math.cos(angle))


def _line_glyphs(quad, text: str) -> list[Glyph]:
    """One glyph per character, sharing the line's width by each character's nominal width."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    widths = [_nominal_width(ch) for ch in text]
    total = sum(widths) or 1.0
    glyphs = []
    x = x0
    for ch, width in zip(text, widths):
        step = (x1 - x0) * width / total
        glyphs.append(Glyph(ch, (x, y0, x + step, y1)))
        x += step
    return glyphs


def _nominal_width(ch: str) -> float:
    if ch.isspace():
        return 0.5
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55
