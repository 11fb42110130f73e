"""The photo family's generator (licex.corpus.photo): licences as companies post them."""

from __future__ import annotations

import io

import pytest

pytest.importorskip("fpdf", reason="typesetting needs the render extra")
pytest.importorskip("PIL", reason="the photos need Pillow")

from licex.corpus import photo  # noqa: E402


@pytest.fixture(scope="module")
def printed_pdf() -> bytes:
    from licex.corpus.tool_corpus import FactoryOptions, print_document

    return print_document(FactoryOptions(26), 0).pdf


def _sizes(files: list[bytes]) -> list[tuple[int, int]]:
    from PIL import Image

    return [Image.open(io.BytesIO(f)).size for f in files]


def _with(monkeypatch, **changes) -> None:
    ranges = {**photo.photo_ranges(), **changes}
    monkeypatch.setattr(photo, "photo_ranges", lambda: ranges)


@pytest.mark.slow  # renders and photographs a licence's pages (about 2 s)
def test_the_same_seed_posts_the_same_files_and_another_seed_others(printed_pdf):
    first = photo.photo_files(printed_pdf, 7)
    assert photo.photo_files(printed_pdf, 7) == first
    assert photo.photo_files(printed_pdf, 8) != first
    assert all(f.startswith(b"\xff\xd8") for f in first)  # JPEG files


@pytest.mark.slow
def test_pages_apart_are_a_file_each_as_wide_as_drawn(printed_pdf, monkeypatch):
    import pypdfium2 as pdfium

    _with(monkeypatch, stacked=0.0, width_px=[300, 300])
    files = photo.photo_files(printed_pdf, 3)
    assert len(files) == len(pdfium.PdfDocument(printed_pdf))
    assert {width for width, _ in _sizes(files)} == {300}


@pytest.mark.slow
def test_stacked_pages_are_one_tall_image(printed_pdf, monkeypatch):
    _with(monkeypatch, stacked=1.0, width_px=[300, 300])
    [(width, height)] = _sizes(photo.photo_files(printed_pdf, 3))
    assert width == 300 and height > 2.5 * width  # three or more A4 pages, one under another


def test_the_perspective_coefficients_map_each_corner_onto_its_moved_corner():
    corners = [(0, 0), (100, 0), (100, 140), (0, 140)]
    moved = [(3, -2), (97, 4), (104, 137), (-1, 143)]
    a, b, c, d, e, f, g, h = photo._perspective_coefficients(corners, moved)
    for (x, y), (u, v) in zip(corners, moved):
        w = g * x + h * y + 1
        assert (a * x + b * y + c) / w == pytest.approx(u) and (d * x + e * y + f) / w == pytest.approx(v)


def test_overlays_say_only_what_a_poster_writes():
    """A watermark or stamp never prints a licence's field (a domain of its own, no licence number)."""
    import re

    ranges = photo.photo_ranges()
    texts = [t.format(domain=d) for t in ranges["watermark_texts"] for d in ranges["watermark_domains"]]
    assert texts and ranges["stamp_texts"]
    for text in [*texts, *ranges["stamp_texts"]]:
        assert not re.search(r"[A-Z]\d-\d{8}|ICP", text)
