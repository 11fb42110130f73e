"""GIF page images (issue 27): websites post their licences as .gif. A GIF is read as a page image
(its first frame, an 8-bit picture like the other formats, within licex.files.limits), as a file
named on the command line and in a folder, never refused as binary text nor skipped."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from licex.documents import read_document_bytes
from licex.documents.images import page_images
from licex.files.inputs import collect_inputs

ROOT = Path(__file__).resolve().parent.parent
IMAGES = ROOT / "corpus" / "documents" / "images"
POSTED_GIF = IMAGES / "007_sls_twzt_zz2.gif"
LICENCE_PAGE = IMAGES / "003_lala_icp.jpg"  # a real licence page, made a GIF here


def _gif(image: Image.Image, **save) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "GIF", **save)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def licence_page() -> Image.Image:
    with Image.open(LICENCE_PAGE) as page:
        return page.convert("RGB").resize((page.width // 2, page.height // 2))


def test_a_gif_of_a_licence_page_reads_as_one_page_of_its_size(licence_page):
    data = _gif(licence_page.convert("P", palette=Image.Palette.ADAPTIVE))
    count, pages = page_images(data)
    [page] = list(pages)
    assert count == 1 and page.size == licence_page.size
    # the page as OCR reads it: the picture, not a blank or black one
    [mean], [original] = ImageStat.Stat(page.convert("L")).mean, ImageStat.Stat(licence_page.convert("L")).mean
    assert abs(mean - original) < 8


def test_a_transparent_gif_is_laid_on_white():
    image = Image.new("P", (40, 30), 0)
    image.putpalette([0, 0, 0, 255, 0, 0])
    image.paste(1, (10, 10, 20, 20))
    count, pages = page_images(_gif(image, transparency=0))
    [page] = list(pages)
    assert count == 1 and page.size == (40, 30) and page.mode == "RGB"
    assert page.getpixel((0, 0)) == (255, 255, 255) and page.getpixel((15, 15)) == (255, 0, 0)


def test_a_gif_file_and_a_folder_holding_one_are_inputs(tmp_path, licence_page):
    data = _gif(licence_page.convert("P", palette=Image.Palette.ADAPTIVE))
    (tmp_path / "licences").mkdir()
    (tmp_path / "licences" / "资质证书.GIF").write_bytes(data)
    (tmp_path / "scan.gif").write_bytes(data)
    sources, errors = collect_inputs([str(tmp_path / "licences")])
    assert not errors and [Path(source.path).name for source in sources] == ["资质证书.GIF"]
    sources, errors = collect_inputs([str(tmp_path / "scan.gif")])
    assert not errors and [source.is_document for source in sources] == [True]


def test_the_posted_gif_reads_as_a_page_image():
    count, pages = page_images(POSTED_GIF.read_bytes())
    assert count == 1 and [page.size for page in pages] == [(500, 723)]


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_the_posted_gif_gives_a_record(cli):
    """007: a 2007 front page posted as a 500x723 palette GIF; before, `licex extract` refused it
    (binary data) and a folder skipped it."""
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    result = cli("extract", POSTED_GIF, "--rules-only", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    gold = json.loads((IMAGES / "records" / "007_sls_twzt_zz2.record.json").read_text("utf-8"))
    for key in ("license_no", "company_name", "legal_representative", "registered_capital_cny",
                "issue_date", "expiry_date"):
        assert record[key] == gold[key], key


def test_a_document_read_from_gif_bytes_names_its_pages():
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    document = read_document_bytes(POSTED_GIF.read_bytes(), "zz2.gif")
    assert len(document.pages) == 1 and "深圳天维掌通网络技术有限公司" in document.text.replace("\n", "")
