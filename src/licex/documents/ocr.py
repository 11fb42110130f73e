"""Optical character recognition of page images with RapidOCR's PP-OCR models, run by OpenVINO.

The `rapidocr-onnxruntime` wheel ships its detection, angle-classification and recognition
models as ONNX files, so nothing is downloaded at run time; RapidOCR does the pre- and
post-processing, and OpenVINO runs the models (`OpenVinoModel`). Nothing is sent and no file
is left behind: onnxruntime is never imported, OpenVINO is imported without its telemetry
package (`_rapidocr`, `_openvino`). RapidOCR returns one quadrilateral per detected text line; a
line is turned into glyphs by sharing its width among its characters (a Latin letter or digit
takes about half the width of a Chinese character), which is what reading order and evidence
boxes need. A skewed scan is straightened geometrically: the quadrilaterals are rotated back by
the page's median skew, so no second OCR pass is needed. A page turned by 90° (lines taller than
wide) is turned upright and read again. The lines of a watermark or stamp over the page are
dropped (`overlay`), and a small image is enlarged before it is read (`enlargement`). A blank page is not read (`blank`), and a page far
longer than wide is brought within what RapidOCR can take (`_lines`).

Speed: the models run by OpenVINO, about twice as fast as by onnxruntime on one thread, the
same text; the pages of a document are read side by side, one a core (`ocr_images`); the
recognizer reads lines a little narrowed, at widths of few shapes (`NarrowedLines`); the
detector's input is made by OpenCV (`BlobDetection`). None changes a field read of 25 scanned
licences (300-324, 130 pages, `licex evaluate training/model … --compare`) or of the three real
licences' scans; docs/speed.md has the figures.
"""

from __future__ import annotations

import math
import os
import statistics
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING

from licex.documents.geometry import Glyph, nominal_width
from licex.documents.overlay import Line, without_overlays

if TYPE_CHECKING:
    from PIL.Image import Image

# Skews below this (degrees) are left alone: they do not move a glyph off its line.
MIN_DESKEW = 0.3
# A recognised line is kept from this score up. A detected line read below it (often a long line
# cropped too tightly by the detector: it reads as nothing) is cropped again with a margin of
# RETRY_MARGIN line heights and read on its own.
MIN_SCORE = 0.5
RETRY_MARGIN = 0.5
# Each line's score is kept with its characters (geometry.Glyph.score: the `ocr` sign of a value
# read from it, scoring.signs) to this many places: the same whether it reaches the Doc from the
# document or from a corpus's sidecar.
SCORE_PLACES = 3


# RapidOCR's settings where licex departs from its config.yaml. The recognizer reads one text line
# a call: batches of lines are padded to the widest, which made a page several times slower with
# onnxruntime and no faster with OpenVINO, and read some lines otherwise (the padding; the
# figures: docs/measurements.md).
ENGINE_SETTINGS = {"rec_batch_num": 1}

# The recognizer reads a line at this share of its width: its cost grows with the width, and
# PP-OCRv4's recognizer reads a printed Chinese line nearly as well narrowed, in less time (the
# characters read otherwise and the time at each share: docs/measurements.md). The scans of the
# three real licences (corpus/documents/scanned) decide: at 0.7 a dense line lost characters
# (你公司 read 公司, a clause label lost), at 0.8 one character went (虚假 read 假), at 0.85 none,
# the few differences a variant (帐/账) or a misread put right (僵户/僵尸). A worn line reads
# worse narrowed, so a narrowed line read with a score under RECHECK_BELOW is read again at its
# full width, and the better-scored reading is kept. A line is never narrowed below the
# recognizer's input width (320 x 48 px), to which it would be padded.
LINE_NARROWING = 0.85
RECHECK_BELOW = 0.95
# The recognizer reads a line at a width rounded up to a multiple of this (at its 48-pixel
# height; never narrower than LINE_NARROWING makes it). OpenVINO prepares its kernels for each
# input shape it meets, and a new shape runs slower than one it has met; unrounded widths are
# nearly all new. Rounded to 32, scanned pages read faster and at a lower peak of memory
# (OpenVINO keeps the kernels of every shape it met; the figures: docs/measurements.md). Rounded
# to the nearest multiple instead of up, a narrowed line lost a character of a real licence's
# scan (a clause heading's closing bracket, and with it the clause's label).
WIDTH_STEP = 32


# One engine is loaded at a time, by whichever thread first reads a page that is not blank.
_ENGINE_LOCK = threading.Lock()


def engine(threads: int = 0):
    """The RapidOCR engine, loaded once per process (its models load and compile in about a
    second), its models run by OpenVINO, its recognizer reading narrowed lines. `threads`: 0 for a
    page read alone on every core, 1 where pages are read side by side, one a core, each model run
    on one thread (`ocr_images`)."""
    with _ENGINE_LOCK:
        return _engine(threads)


@lru_cache(maxsize=2)
def _engine(threads: int):
    from licex.jobs.extras import require

    require("ocr", "reading scans and images")
    ocr = _rapidocr(**ENGINE_SETTINGS)
    side_by_side = threads == 1
    ocr.text_det.infer = OpenVinoModel(ocr.text_det.infer, side_by_side)
    ocr.text_cls.infer = OpenVinoModel(ocr.text_cls.infer, side_by_side)
    ocr.text_rec.session = OpenVinoModel(ocr.text_rec.session, side_by_side)
    ocr.text_det = BlobDetection(ocr.text_det)
    ocr.text_rec = NarrowedLines(ocr.text_rec)
    return ocr


# RapidOCR makes an onnxruntime session of each model as it starts (`OrtInferSession`, in these
# modules), and importing onnxruntime alone (1.32) writes a device id and a telemetry database
# under ~/.cache/Microsoft/DeveloperTools and leaves $TMPDIR/.ses. licex runs the models with
# OpenVINO, so RapidOCR is given `ModelFile` in place of the sessions, and its module that imports
# onnxruntime is never loaded.
_ORT_MODULE = "rapidocr_onnxruntime.utils.infer_engine"
_SESSION_MODULES = ("rapidocr_onnxruntime.ch_ppocr_det.text_detect", "rapidocr_onnxruntime.ch_ppocr_cls.text_cls",
                    "rapidocr_onnxruntime.ch_ppocr_rec.text_recognize")


def _rapidocr(**settings):
    """A RapidOCR engine whose models are `ModelFile`s, onnxruntime not imported."""
    import importlib

    if _ORT_MODULE not in sys.modules:
        stand_in = ModuleType(_ORT_MODULE)
        stand_in.OrtInferSession = ModelFile
        sys.modules[_ORT_MODULE] = stand_in
    from rapidocr_onnxruntime import RapidOCR

    # Where RapidOCR was imported before (onnxruntime with it), its modules hold the real class.
    modules = [importlib.import_module(name) for name in _SESSION_MODULES]
    sessions = [module.OrtInferSession for module in modules]
    for module in modules:
        module.OrtInferSession = ModelFile
    try:
        return RapidOCR(**settings)
    finally:
        for module, session in zip(modules, sessions):
            module.OrtInferSession = session


def _openvino():
    """openvino, imported without its telemetry. Importing it imports its model converter
    (openvino.tools.ovc), which with the `openvino-telemetry` package installed (a dependency of
    openvino) and no consent file sends an analytics event (a DNS query for its host) and writes
    ~/intel/openvino_ga_cid and ~/intel/stats; without the package, the converter uses its own
    stand-in that sends nothing. So the package is hidden from this process while openvino loads
    (the consent file would be a file in the user's home)."""
    if "openvino" not in sys.modules:
        hidden = "openvino_telemetry" not in sys.modules
        if hidden:
            sys.modules["openvino_telemetry"] = None  # an import of it raises ImportError
        try:
            import openvino  # noqa: F401
        finally:
            if hidden:
                del sys.modules["openvino_telemetry"]
    return sys.modules["openvino"]


@lru_cache(maxsize=1)
def _core():
    return _openvino().Core()


class ModelFile:
    """One of RapidOCR's ONNX models as RapidOCR sees it while it starts, in place of its
    onnxruntime session: the model read by OpenVINO, and the metadata the recognizer asks for
    (its character list, which OpenVINO keeps in the model's `framework` info)."""

    def __init__(self, config: dict) -> None:
        self.model = _core().read_model(str(config["model_path"]))

    def have_key(self, key: str = "character") -> bool:
        return self.model.has_rt_info(["framework", key])

    def get_character_list(self, key: str = "character") -> list[str]:
        return self.model.get_rt_info(["framework", key]).astype(str).splitlines()


class OpenVinoModel:
    """One of RapidOCR's models (a `ModelFile`) compiled by OpenVINO for the CPU at full (f32)
    precision, called as RapidOCR calls its onnxruntime session. On the scanned pages of
    `licex bench --ocr-pages 20` OpenVINO read the same text as onnxruntime, character for
    character, in about half the time (docs/measurements.md).

    - f32: on a CPU with AMX, OpenVINO would otherwise infer in bf16, which read some lines
      otherwise.
    - `side_by_side`: one stream of one thread per core, so that pages read in parallel threads
      (`ocr_images`) each run on a core; else one stream over every core, for a page read alone.
    - No pinning of its threads to cores: pinned, they competed with the Python threads that
      prepare the next line (0.90-0.95 pages/s pinned, 0.99-1.03 not, the same 20 pages).
    - Each thread has its own infer request (a request is not thread-safe; the compiled model is).
    Attributes other than the call (the recognizer's character list) are the model file's."""

    def __init__(self, model: ModelFile, side_by_side: bool) -> None:
        self.model = model
        cores = _cores()
        self.compiled = _core().compile_model(model.model, "CPU", {
            "INFERENCE_PRECISION_HINT": "f32",
            "NUM_STREAMS": cores if side_by_side else 1,
            "INFERENCE_NUM_THREADS": cores,
            "ENABLE_CPU_PINNING": False,
        })
        self.output = self.compiled.output(0)
        self.requests = threading.local()

    def __getattr__(self, name: str):
        return getattr(self.model, name)

    def __call__(self, blob) -> list:
        import numpy

        request = getattr(self.requests, "request", None)
        if request is None:
            request = self.requests.request = self.compiled.create_infer_request()
        return [request.infer([numpy.ascontiguousarray(blob)])[self.output]]


class BlobDetection:
    """RapidOCR's detector (`TextDetector`) with its input made by OpenCV's `blobFromImage`: the
    same numbers (within 1.2e-7), in a fraction of the time its numpy normalisation took
    (docs/measurements.md)."""

    def __init__(self, detector) -> None:
        self.detector = detector

    def __getattr__(self, name: str):
        return getattr(self.detector, name)  # RapidOCR sets its thresholds on postprocess_op

    def __call__(self, image):
        import cv2

        started = time.perf_counter()
        detector = self.detector
        preprocess = detector.get_preprocess(max(image.shape[:2]))
        resized = preprocess.resize(image)
        if resized is None:
            return None, 0.0
        # (pixel * scale - mean) / std, with one std for every channel (PP-OCR's 0.5)
        std = float(preprocess.std[0])
        blob = cv2.dnn.blobFromImage(resized, scalefactor=float(preprocess.scale) / std,
                                     mean=tuple(float(m) / float(preprocess.scale) for m in preprocess.mean))
        boxes, _ = detector.postprocess_op(detector.infer(blob)[0], image.shape[:2])
        return detector.filter_tag_det_res(boxes, image.shape[:2]), time.perf_counter() - started


class NarrowedLines:
    """RapidOCR's recognizer (`TextRecognizer`) over line images narrowed by LINE_NARROWING,
    brought to its height and a width rounded up to WIDTH_STEP (RapidOCR's own resize is then the
    identity)."""

    def __init__(self, recognizer) -> None:
        self.recognizer = recognizer
        _, self.height, self.shortest_width = recognizer.rec_image_shape  # shorter lines are padded to it

    def __getattr__(self, name: str):
        return getattr(self.recognizer, name)

    def __call__(self, images, return_word_box: bool = False):
        lines = [images] if not isinstance(images, list) else images
        narrowed = [self._narrowed(line) for line in lines]
        read, seconds = self.recognizer([self._fitted(line) for line in narrowed], return_word_box)
        worn = [i for i, (_, score, *_) in enumerate(read) if score < RECHECK_BELOW and narrowed[i] is not lines[i]]
        if worn:
            again, more = self.recognizer([self._fitted(lines[i]) for i in worn], return_word_box)
            for i, reading in zip(worn, again):
                if reading[1] > read[i][1]:
                    read[i] = reading
            seconds += more
        return read, seconds

    def _narrowed(self, line):
        """The line narrowed by LINE_NARROWING (by area, at its own height), not below the
        recognizer's input width, to which it would be padded."""
        import cv2

        height, width = line.shape[:2]
        target = max(round(width * LINE_NARROWING), round(height * self.shortest_width / self.height))
        return cv2.resize(line, (target, height), interpolation=cv2.INTER_AREA) if target < width else line

    def _fitted(self, line):
        """The line resized to the recognizer's height as RapidOCR resizes it, its width rounded up
        to a multiple of WIDTH_STEP; a line no wider than the input width is left to RapidOCR, which
        pads it to that width."""
        import cv2

        height, width = line.shape[:2]
        fitted = WIDTH_STEP * math.ceil(self.height * width / height / WIDTH_STEP)
        return cv2.resize(line, (fitted, self.height)) if fitted > self.shortest_width else line


def ocr_images(images: Iterable["Image"], count: int) -> Iterator[tuple[list[Glyph], tuple[int, int]]]:
    """`ocr_image` of each of `count` page images, in order. Several pages are read side by side,
    one a core, each model run on one thread: a model's threads share one page's many small runs
    less well than pages share the cores: `licex bench --ocr-pages 20` reads the same text
    faster side by side than one page after another, with either engine (docs/measurements.md). At
    most two pages a core are in memory, and the images are taken from `images` in this thread
    (pdfium renders them, which only one thread may use)."""
    threads = min(count, _cores())
    if threads < 2:
        yield from map(ocr_image, images)
        return
    with ThreadPoolExecutor(threads) as pool:
        reading: deque[Future] = deque()
        for image in images:
            reading.append(pool.submit(ocr_image, image, 1))
            if len(reading) >= 2 * threads:
                yield reading.popleft().result()
        while reading:
            yield reading.popleft().result()


def _cores() -> int:
    """The cores this process may run on (a pinned process counts only its own)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# A page image whose pixels all lie within this many grey levels of each other shows nothing to
# read (a blank page, or one filled with a single colour): it is not OCR'd, and the models are not
# loaded for blank pages alone: a PDF of hundreds of blank pages is found blank in seconds, not
# OCR'd for minutes (docs/measurements.md; pages that draw nothing at all are not even rendered:
# `pdf._blank`). Print is never this faint.
BLANK_SPREAD = 8


def blank(image: "Image") -> bool:
    """Whether the page image shows nothing to read (`BLANK_SPREAD`)."""
    darkest, lightest = image.convert("L").getextrema()
    return lightest - darkest <= BLANK_SPREAD


def ocr_image(image: "Image", threads: int = 0) -> tuple[list[Glyph], tuple[int, int]]:
    """The glyphs of a page image and the (width, height) of the frame their boxes are in: the
    image's pixels, turned upright where the page was turned by 90° and straightened by its skew.
    `threads`: the engine to read with (`engine(threads)`), loaded when a page first needs it; a
    blank page needs none."""
    if blank(image):
        return [], (image.width, image.height)
    lines = _lines(image, threads)
    if lines and _turned(lines):
        image = image.rotate(90, expand=True)
        lines = _lines(image, threads)
    lines = without_overlays(lines)
    skew = _skew(lines)
    centre = (image.width / 2, image.height / 2)
    glyphs: list[Glyph] = []
    for quad, text, score in lines:
        if abs(skew) >= MIN_DESKEW:
            quad = [_rotate(point, centre, -skew) for point in quad]
        glyphs.extend(_line_glyphs(quad, text, score))
    return glyphs, (image.width, image.height)


# RapidOCR brings a page to at most MAX_SIDE pixels a side, then to at least 30, each side rounded
# to a multiple of 32, and its detector brings the short side up to 736 pixels. A page far longer
# than wide goes wrong there: over 2,000 pixels long and 125 times as long as wide, its short side
# is rounded to nothing (ResizeImgError: an 8000 x 40 strip); else it is scaled up with its long
# side (a 2000 x 1 image took 5.5 GB and 27 s, a 40 x 8000 one padded to 1:32 3.4 GB). Such a page
# is first brought to MAX_SIDE pixels long at most, as RapidOCR would, and its short side padded
# with white to 1/MAX_ASPECT of the long one: the detector then reads at most 736 x 5,888 pixels.
# 8 is where RapidOCR letterboxes a wide page itself (its width_height_ratio).
MAX_SIDE = 2000
MAX_ASPECT = 8


def _lines(image: "Image", threads: int, scale: float | None = None) -> list[Line]:
    """`_run` on the image, a small one enlarged first (`enlargement`, or `scale` where given), a
    page far longer than wide brought within RapidOCR's reach (MAX_ASPECT); the quadrilaterals in
    the image's own pixels."""
    scale = enlargement(min(image.width, image.height)) if scale is None else scale
    if scale <= 1:
        return _within_reach(image, threads)
    from PIL import Image

    enlarged = image.convert("RGB").resize((round(image.width * scale), round(image.height * scale)),
                                           Image.Resampling.BICUBIC)
    return [([(x / scale, y / scale) for x, y in quad], text, score)
            for quad, text, score in _within_reach(enlarged, threads)]


def enlargement(short_side: int) -> float:
    """How much a page image whose shorter side is `short_side` pixels is enlarged before it is
    read: the text of a thumbnail is too small for the detector (data/ocr_enlargement.json, as
    training/ocr_enlargement.py measured it on rendered licence pages)."""
    for below, scale in _enlargements():
        if short_side < below:
            return scale
    return 1.0


@lru_cache(maxsize=1)
def _enlargements() -> list[tuple[int, float]]:
    import json
    from importlib import resources

    data = json.loads(resources.files("licex").joinpath("data/ocr_enlargement.json").read_text("utf-8"))
    return sorted((int(row["below"]), float(row["scale"])) for row in data["sizes"])


def _within_reach(image: "Image", threads: int) -> list[Line]:
    """`_run` on the image, a page far longer than wide brought within RapidOCR's reach first
    (MAX_ASPECT); the quadrilaterals in the image's own pixels."""
    long_side, short_side = max(image.width, image.height), min(image.width, image.height)
    if long_side <= MAX_ASPECT * short_side:
        return _run(_pixels(image), threads)
    from PIL import Image

    scale = min(1.0, MAX_SIDE / long_side)
    shrunk = image.convert("RGB").resize((max(1, round(image.width * scale)), max(1, round(image.height * scale))),
                                         Image.Resampling.BOX)
    short_side = math.ceil(max(shrunk.size) / MAX_ASPECT)
    padded = Image.new("RGB", (max(shrunk.width, short_side), max(shrunk.height, short_side)), "white")
    padded.paste(shrunk)
    return [([(x / scale, y / scale) for x, y in quad], text, score)
            for quad, text, score in _run(_pixels(padded), threads)]


def _pixels(image: "Image"):
    """The image as the RGB array RapidOCR reads."""
    import numpy

    return numpy.asarray(image.convert("RGB"))


def _run(pixels, threads: int = 0) -> list[Line]:
    """(quadrilateral, text, score) of each text line RapidOCR detects and reads (with
    `engine(threads)`); the score to SCORE_PLACES."""
    ocr = engine(threads)
    result, _ = ocr(pixels, text_score=0.0)
    lines = []
    for quad, text, score in result or []:
        quad = [(float(x), float(y)) for x, y in quad]
        if score < MIN_SCORE or not text.strip():
            text, score = _read_again(pixels, quad, ocr)
        if text.strip():
            lines.append((quad, text, round(float(score), SCORE_PLACES)))
    return lines


def _read_again(pixels, quad, ocr) -> tuple[str, float]:
    """The text of one detected line, cropped with a margin and recognised alone, with its score;
    ('', 0.0) if unread."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    margin = RETRY_MARGIN * (max(ys) - min(ys))
    top, bottom = max(0, int(min(ys) - margin)), min(pixels.shape[0], int(max(ys) + margin) + 1)
    left, right = max(0, int(min(xs) - margin)), min(pixels.shape[1], int(max(xs) + margin) + 1)
    if bottom - top < 4 or right - left < 4:
        return "", 0.0
    result, _ = ocr(pixels[top:bottom, left:right], use_det=False, use_cls=False, use_rec=True)
    if not result:
        return "", 0.0
    text, score = result[0]
    return (text, score) if score >= MIN_SCORE else ("", 0.0)


def _turned(lines: list[Line]) -> bool:
    """Whether most text lines of several characters stand upright: a page turned by 90°."""
    long_lines = [quad for quad, text, _ in lines if len(text) >= 4]
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
    for quad, text, _ in lines:
        (x0, y0), (x1, y1) = quad[0], quad[1]
        if len(text) >= 6 and x1 - x0 > 0:
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    return statistics.median(angles) if angles else 0.0


def _rotate(point: tuple[float, float], centre: tuple[float, float], degrees: float) -> tuple[float, float]:
    angle = math.radians(degrees)
    x, y = point[0] - centre[0], point[1] - centre[1]
    return (centre[0] + x * math.cos(angle) - y * math.sin(angle),
            centre[1] + x * math.sin(angle) + y * math.cos(angle))


def _line_glyphs(quad, text: str, score: float) -> list[Glyph]:
    """One glyph per character, sharing the line's width by each character's nominal width, each
    with the line's score, and level at the line's own height around its middle: a line still
    slanted once the page's skew is taken out (a photo's perspective slants each line its own way)
    would otherwise get the height of the box around its slant, and reach into the lines above
    and below it."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    x0, x1 = min(xs), max(xs)
    middle, height = sum(ys) / len(ys), min(max(ys) - min(ys), _quad_height(quad))
    y0, y1 = middle - height / 2, middle + height / 2
    widths = [nominal_width(ch) for ch in text]
    total = sum(widths) or 1.0
    glyphs = []
    x = x0
    for ch, width in zip(text, widths):
        step = (x1 - x0) * width / total
        glyphs.append(Glyph(ch, (x, y0, x + step, y1), score))
        x += step
    return glyphs


def _quad_height(quad) -> float:
    """The height of a line's quadrilateral across its slant: its area over its longest side."""
    area = abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(quad, [*quad[1:], quad[0]]))) / 2
    longest = max(math.dist(a, b) for a, b in zip(quad, [*quad[1:], quad[0]]))
    return area / longest if longest else 0.0
