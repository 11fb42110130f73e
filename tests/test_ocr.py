"""OCR: glyphs from RapidOCR's line boxes, deskewing, turned pages, and no download at run time."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from licex.documents import ocr


def _quad(x: float, y: float, width: float, height: float, degrees: float = 0.0):
    """A text line's quadrilateral (top-left, top-right, bottom-right, bottom-left), turned by
    `degrees` about the page centre (500, 500)."""
    corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    return [ocr._rotate(p, (500, 500), degrees) for p in corners]


class _Image:
    """Just enough of a PIL image for ocr_image with a stubbed engine."""

    def __init__(self, width=1000, height=1000):
        self.width, self.height = width, height

    def rotate(self, degrees, expand):
        return _Image(self.height, self.width)


@pytest.fixture
def engine_output(monkeypatch):
    outputs = []
    # lines as (quad, text) or (quad, text, score): RapidOCR's score 0.9 where a test gives none
    monkeypatch.setattr(ocr, "_run", lambda pixels, threads: [(*line, 0.9)[:3] for line in outputs.pop(0)])
    monkeypatch.setattr(ocr, "_pixels", lambda image: image)
    monkeypatch.setattr(ocr, "blank", lambda image: False)
    return outputs


def test_a_line_box_is_shared_among_its_characters_by_their_width(engine_output):
    engine_output.append([(_quad(100, 100, 250, 20), "编号B1-2", 0.77)])
    glyphs, size = ocr.ocr_image(_Image())
    assert "".join(g.text for g in glyphs) == "编号B1-2"
    assert {g.score for g in glyphs} == {0.77}  # each character keeps its line's score
    widths = [round(g.box[2] - g.box[0], 1) for g in glyphs]
    assert widths[0] == widths[1] > widths[2] == widths[3]  # 编号 wide, B1-2 narrow
    assert glyphs[0].box[0] == 100 and round(glyphs[-1].box[2]) == 350
    assert size == (1000, 1000)


def test_a_skewed_scan_is_straightened_so_its_lines_stay_apart(engine_output):
    lines = [(_quad(100, 100 + 30 * i, 600, 20, degrees=2.5), f"第{i}行的文字内容很长") for i in range(5)]
    engine_output.append(lines)
    glyphs, _ = ocr.ocr_image(_Image())
    tops = sorted({round(g.box[1]) for g in glyphs})
    # Straightened, each line's glyphs share one top; 30 px apart as printed.
    assert len(tops) == 5 and all(b - a == 30 for a, b in zip(tops, tops[1:]))


def test_lines_slanted_their_own_ways_keep_their_own_height_and_stay_apart(engine_output):
    # A photo's perspective: the page's median skew is 0, but the top lines slant one way and the
    # bottom ones the other, by 2 degrees over 600 px (21 px), each 20 px tall and 30 px apart.
    lines = [(_quad(100, 100 + 30 * i, 600, 20, degrees=(2.0 if i < 3 else -2.0) if i != 2 else 0.0),
              f"第{i}行的文字内容很长") for i in range(5)]
    engine_output.append(lines)
    glyphs, _ = ocr.ocr_image(_Image())
    heights = {round(g.box[3] - g.box[1]) for g in glyphs}
    assert heights == {20}  # not the 41 px of the box around a slanted line
    digits = sorted((g for g in glyphs if g.text.isdigit()), key=lambda g: g.box[1])
    # each line's band overlaps no other line's
    assert all(b.box[1] >= a.box[3] for a, b in zip(digits, digits[1:]))


def test_a_page_turned_by_90_degrees_is_turned_upright_and_read_again(engine_output):
    upright = [(_quad(100, 100, 20, 300), "中华人民共和国增值电信业务经营许可证")]
    engine_output += [upright, [(_quad(100, 100, 300, 20), "中华人民共和国增值电信业务经营许可证")]]
    glyphs, size = ocr.ocr_image(_Image(800, 1000))
    assert size == (1000, 800)  # the turned page's frame
    assert glyphs[0].box[3] - glyphs[0].box[1] == 20


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_rapidocr_reads_a_page_with_the_network_off():
    """The wheel ships its models: OCR works in a process where every socket fails."""
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    pytest.importorskip("PIL")
    script = textwrap.dedent("""
        import socket
        def refuse(*args, **kwargs):
            raise OSError("network is off in this test")
        class Refusing(socket.socket):  # a class still, as ssl subclasses it when imported
            connect = connect_ex = sendto = refuse
        socket.socket = Refusing
        socket.create_connection = refuse
        from PIL import Image, ImageDraw
        from licex.documents.ocr import ocr_image
        image = Image.new("RGB", (400, 80), "white")
        ImageDraw.Draw(image).text((10, 20), "B1-20195402", fill="black", font_size=32)
        glyphs, _ = ocr_image(image)
        print("".join(g.text for g in glyphs))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "20195402" in result.stdout


class _Recognizer:
    """Just enough of RapidOCR's TextRecognizer: reads a line as its width, scored by `scores`."""

    rec_image_shape = [3, 48, 320]

    def __init__(self, scores):
        self.scores, self.widths, self.images = scores, [], []

    def __call__(self, images, return_word_box=False):
        self.widths.append([image.shape[1] for image in images])
        self.images.append(images)
        return [(f"w{image.shape[1]}", self.scores(image.shape[1])) for image in images], 0.0


def test_a_long_line_is_read_narrowed_and_a_short_one_never_below_the_recognizers_input(monkeypatch):
    numpy = pytest.importorskip("numpy")
    pytest.importorskip("cv2")
    monkeypatch.setattr(ocr, "LINE_NARROWING", 0.7)
    recognizer = _Recognizer(lambda width: 0.99)
    long_line, short_line, middling = (numpy.zeros((48, w, 3), numpy.uint8) for w in (1000, 200, 400))
    read, _ = ocr.NarrowedLines(recognizer)([long_line, short_line, middling])
    # 0.7 of 1000 is 700, read at 704 (a multiple of 32); 200 as is; 400 only down to 320
    assert recognizer.widths == [[704, 200, 320]]
    assert [text for text, _ in read] == ["w704", "w200", "w320"]


def test_a_line_goes_to_the_recognizer_at_its_height_and_a_width_of_few_shapes():
    """The recognizer gets a line at its 48-pixel height and a width that is a multiple of 32,
    so that OpenVINO meets few input shapes (each new one costs it time and memory)."""
    numpy = pytest.importorskip("numpy")
    pytest.importorskip("cv2")
    recognizer = _Recognizer(lambda width: 0.99)
    lines = [numpy.zeros((h, w, 3), numpy.uint8) for h, w in ((25, 1000), (31, 1200), (60, 2911), (20, 150))]
    ocr.NarrowedLines(recognizer)(lines)
    shapes = [image.shape for image in recognizer.images[0]]
    assert all(height == 48 for height, _, _ in shapes[:3])
    assert [width for _, width, _ in shapes[:3]] == [1632, 1600, 1984]  # 48 * 0.85 * w / h, up to a multiple of 32
    # at most the input width (320 x 48) once at its height: narrowed only down to that width's
    # share (133 of 150), and left to RapidOCR, which pads it as ever
    assert shapes[3] == (20, 133, 3)


def test_a_narrowed_line_read_with_a_low_score_is_read_again_at_full_width_and_the_better_kept(monkeypatch):
    numpy = pytest.importorskip("numpy")
    pytest.importorskip("cv2")
    monkeypatch.setattr(ocr, "LINE_NARROWING", 0.7)
    recognizer = _Recognizer(lambda width: {704: 0.80, 1024: 0.97, 1408: 0.99, 1120: 0.60, 1600: 0.99}.get(width, 0.5))
    worn, clean, worse_again = (numpy.zeros((48, w, 3), numpy.uint8) for w in (1000, 2000, 1600))
    read, _ = ocr.NarrowedLines(recognizer)([worn, clean, worse_again])
    # 1000 -> 704 scores 0.80: read again at full width (1024) scores 0.97, kept; 2000 -> 1408
    # scores 0.99: once; 1600 -> 1120 scores 0.60, again at 1600 scores 0.99
    assert recognizer.widths == [[704, 1408, 1120], [1024, 1600]]
    assert [text for text, _ in read] == ["w1024", "w1408", "w1600"]


def test_the_detectors_input_is_rapidocrs_own_normalisation():
    """BlobDetection makes the detector's input with OpenCV: the boxes are those of RapidOCR's own
    detector (its numpy normalisation) on the same model."""
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    numpy = pytest.importorskip("numpy")
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 300), "white")
    for row in range(3):
        ImageDraw.Draw(image).text((20, 30 + 90 * row), f"B1-2019540{row} 2021-06-22", fill="black", font_size=36)
    pixels = numpy.asarray(image)
    detector = ocr.engine().text_det
    own, _ = detector.detector(pixels)
    ours, _ = detector(pixels)
    assert len(own) == 3 and numpy.array_equal(own, ours)


def test_openvino_runs_rapidocrs_models_as_onnxruntime_does(monkeypatch):
    """The models RapidOCR would run with onnxruntime, compiled by OpenVINO at full precision, give
    the same outputs: a printed line reads the same, its character probabilities within 1e-4, and
    the detector's map of the same page within 1e-4."""
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    openvino = pytest.importorskip("openvino", reason='OCR needs the "ocr" extra')
    numpy = pytest.importorskip("numpy")
    # onnxruntime, imported here to compare with (licex never imports it), would write its
    # telemetry files into the home of whoever runs the tests.
    monkeypatch.setenv("ORT_DISABLE_TELEMETRY", "1")
    onnxruntime = pytest.importorskip("onnxruntime")
    from importlib.util import find_spec
    from pathlib import Path

    from PIL import Image, ImageDraw

    models = Path(find_spec("rapidocr_onnxruntime").origin).parent / "models"
    recognizer = ocr.engine().text_rec.recognizer
    line = Image.new("RGB", (640, 48), "white")
    ImageDraw.Draw(line).text((8, 6), "B2-20190001 2021-06-22", fill="black", font_size=32)
    line_blob = recognizer.resize_norm_img(numpy.asarray(line), 640 / 48)[numpy.newaxis]
    page_blob = numpy.random.default_rng(0).standard_normal((1, 3, 256, 320)).astype(numpy.float32)
    outputs = {}
    for name, blob in (("ch_PP-OCRv4_rec_infer.onnx", line_blob), ("ch_PP-OCRv4_det_infer.onnx", page_blob)):
        session = onnxruntime.InferenceSession(str(models / name), providers=["CPUExecutionProvider"])
        expected = session.run(None, {session.get_inputs()[0].name: blob})[0]
        compiled = ocr.OpenVinoModel(ocr.ModelFile({"model_path": models / name}), side_by_side=False)
        assert compiled.compiled.get_property("INFERENCE_PRECISION_HINT") == openvino.Type.f32
        got = compiled(blob)[0]
        assert got.shape == expected.shape and numpy.abs(got - expected).max() < 1e-4
        outputs[name] = got, expected
    got, expected = outputs["ch_PP-OCRv4_rec_infer.onnx"]
    [(text, score)] = recognizer.postprocess_op(got)
    [(own_text, own_score)] = recognizer.postprocess_op(expected)
    assert text == own_text and "20190001" in text and abs(score - own_score) < 1e-5


def test_the_recognizers_characters_are_read_from_its_model_without_onnxruntime():
    """The character list RapidOCR reads from the recognizer model's metadata with onnxruntime is
    the one ModelFile reads with OpenVINO; the detector's model has none."""
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    from importlib.util import find_spec
    from pathlib import Path

    models = Path(find_spec("rapidocr_onnxruntime").origin).parent / "models"
    recognizer = ocr.ModelFile({"model_path": models / "ch_PP-OCRv4_rec_infer.onnx"})
    characters = recognizer.get_character_list()
    assert recognizer.have_key() and len(characters) == 6623 and "许" in characters and "B" in characters
    assert not ocr.ModelFile({"model_path": models / "ch_PP-OCRv4_det_infer.onnx"}).have_key()


def test_pages_are_read_side_by_side_one_engine_thread_each_in_their_order(monkeypatch):
    import threading
    import time

    seen = []

    def read(image, threads=0):
        time.sleep(0.05 if image == 0 else 0.0)  # the first page takes longest: order is kept anyway
        seen.append((image, threads, threading.current_thread().name))
        return [image], (image, image)

    monkeypatch.setattr(ocr, "ocr_image", read)
    monkeypatch.setattr(ocr, "_cores", lambda: 2)
    out = list(ocr.ocr_images(iter(range(5)), 5))
    assert [glyphs for glyphs, _ in out] == [[0], [1], [2], [3], [4]]
    assert {threads for _, threads, _ in seen} == {1}  # one OpenVINO stream a page
    assert len({thread for _, _, thread in seen}) == 2
    # one page alone, or one core: read in this thread with every core's engine
    seen.clear()
    assert [g for g, _ in ocr.ocr_images(iter([7]), 1)] == [[7]] and seen[0][1] == 0
    monkeypatch.setattr(ocr, "_cores", lambda: 1)
    seen.clear()
    list(ocr.ocr_images(iter([1, 2]), 2))
    assert [threads for _, threads, _ in seen] == [0, 0]
