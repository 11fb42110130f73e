"""Documents through `licex extract` (issue 29 §3, §4).

PDFs and page images on stdin: `cat licence.pdf | licex extract -` reads the PDF, `cat scan.png |
licex extract -` the image, told apart from a text by their first bytes
(licex.files.suffixes.document_kind, the rule a file's reader follows too); text as before.
Progress while OCR runs: a line a page on stderr (`--progress`, or where stderr is a terminal)."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from conftest import CORPUS
from test_pages_apart import FRONT
from licex.documents.images import FORMATS
from licex.files.suffixes import IMAGE, PDF, document_kind

TEXT_LAYER_PDF = CORPUS / "documents" / "text-layer" / "000_71bd26811b5d6e82.pdf"
LICENCE = FRONT  # a front page licex reads as a licence


def _image(kind: str, pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    page = Image.new("RGB", (1800, 320), "white")  # a page LICENCE's lines fit on
    page.save(buffer, kind, **({"save_all": True, "append_images": [page] * (pages - 1)} if pages > 1 else {}))
    return buffer.getvalue()


@pytest.mark.parametrize("kind", FORMATS)
def test_every_image_format_licex_reads_is_told_by_its_first_bytes(kind):
    assert document_kind(_image(kind)) == IMAGE


def test_a_pdf_is_told_by_its_header_even_after_some_bytes_of_other_matter():
    assert document_kind(TEXT_LAYER_PDF.read_bytes()) == PDF
    assert document_kind(b"\r\n%PDF-1.7\n...") == PDF


@pytest.mark.parametrize("text", [LICENCE.encode(), LICENCE.encode("gb18030"), LICENCE.encode("utf-16"),
                                  b"BM and the rest of a text that begins as a BMP does", b"", b"GIF"])
def test_a_text_is_no_document(text):
    assert document_kind(text) is None


def test_where_the_content_says_nothing_the_suffix_does():
    assert document_kind(b"damaged", "x.PDF") == PDF and document_kind(b"damaged", "x.tif") == IMAGE
    assert document_kind(_image("PNG"), "misnamed.pdf") == IMAGE  # the content first
    assert document_kind(b"damaged", "x.txt") is None


def _records(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.mark.slow
def test_a_pdf_on_stdin_gives_the_record_of_the_pdf_file(cli):
    piped = cli("extract", "-", "--rules-only", input=TEXT_LAYER_PDF.read_bytes())
    named = cli("extract", TEXT_LAYER_PDF, "--rules-only")
    assert piped.exit_code == 0, piped.stderr
    [from_stdin], [from_file] = _records(piped), _records(named)
    assert from_stdin["source"] == "<stdin>" and from_stdin["pages"] == from_file["pages"] == [1, 5]
    assert {**from_stdin, "source": None} == {**from_file, "source": None}


@pytest.fixture
def ocr_reads_the_licence(monkeypatch):
    """OCR, made to read LICENCE off any page: a line of glyphs 20 pixels high for each line."""
    from licex.documents import ocr
    from licex.documents.geometry import Glyph

    def read(images, count):
        for image in images:
            yield [Glyph(ch, (20.0 * i, 30.0 * row, 20.0 * i + 20, 30.0 * row + 20))
                   for row, line in enumerate(LICENCE.split("\n")) for i, ch in enumerate(line)], image.size

    monkeypatch.setattr(ocr, "ocr_images", read)


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_an_image_on_stdin_is_read_as_a_scan(cli, ocr_reads_the_licence, kind):
    result = cli("extract", "-", "--rules-only", input=_image(kind))
    assert result.exit_code == 0, result.stderr
    [record] = _records(result)
    assert record["license_no"] == "渝B2-20250748" and record["source"] == "<stdin>" and record["pages"] == [1, 1]
    assert record["evidence"]["license_no"][0]["unit"] == "px"


def test_a_damaged_pdf_on_stdin_is_one_line_naming_stdin(cli):
    result = cli("extract", "-", "--rules-only", input=TEXT_LAYER_PDF.read_bytes()[:3000])
    assert result.exit_code == 1 and result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("licex: error: <stdin>: not a readable PDF")


def test_a_text_on_stdin_is_still_read_as_text(cli):
    result = cli("extract", "-", "--rules-only", input=LICENCE.encode("gb18030"))
    assert result.exit_code == 0, result.stderr
    [record] = _records(result)
    assert record["license_no"] == "渝B2-20250748" and record.get("pages") is None


def _ocr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.endswith("OCR…")]


@pytest.mark.parametrize(("kind", "name"), [("TIFF", "scan.tif"), ("PDF", "scan.pdf")])
def test_progress_tells_each_page_as_ocr_reads_it(cli, tmp_path, ocr_reads_the_licence, kind, name):
    scan = tmp_path / name
    scan.write_bytes(_image(kind, pages=3))  # a PDF of pictures only: every page is OCR'd
    result = cli("extract", scan, "--rules-only", "--progress")
    assert result.exit_code == 0, result.stderr
    assert _ocr_lines(result) == [f"licex: {scan}: page {number}/3 OCR…" for number in (1, 2, 3)]


def test_progress_names_stdin_and_is_off_where_stderr_is_no_terminal(cli, ocr_reads_the_licence):
    tiff = _image("TIFF", pages=2)
    assert _ocr_lines(cli("extract", "-", "--rules-only", "--progress", input=tiff)) == [
        "licex: <stdin>: page 1/2 OCR…", "licex: <stdin>: page 2/2 OCR…"]
    for off in ((), ("--no-progress",)):  # CliRunner's stderr is no terminal
        result = cli("extract", "-", "--rules-only", *off, input=tiff)
        assert result.exit_code == 0 and _ocr_lines(result) == []


def test_only_the_pages_ocr_reads_are_told():
    """A PDF whose text layer serves pages 1 and 3 tells page 2 alone, as page 2 of 3."""
    from licex import documents

    told = []
    reads = iter([["p2"]])
    assert list(documents._told(reads, [2], 3, lambda *page: told.append(page))) == [["p2"]]
    assert told == [(2, 3)]
    assert list(documents._told(iter("ab"), [1], 1, None)) == ["a", "b"]
