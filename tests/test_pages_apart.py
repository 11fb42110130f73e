"""Pages apart: a front page and its 附页 given as two files read as one licence (licex.jobs.joining),
and a tall image of stacked pages read as its pages (licex.documents.stacked)."""

from __future__ import annotations

from pathlib import Path

import pytest

from licex.documents.geometry import DocumentText, Glyph, PageSize, TextBuilder
from licex.files.inputs import InputSource
from licex.jobs.bundles import extract_licences
from licex.jobs.extraction import extract_inputs
from licex.jobs.joining import ReadInput, joined, joins

FRONT = """中华人民共和国
增值电信业务经营许可证
经营许可证编号：渝B2-20250748
根据《中华人民共和国电信条例》及国家有关规定，经审查，准许你公司按照本经营许可证（正文和附件）载明的内容经营增值电信业务，特颁发增值电信业务经营许可证。
公司名称：重庆鸿枢慧科技有限公司
法定代表人：卿鹏
业务种类：信息服务业务（仅限互联网信息服务）
业务覆盖范围：全国
发证日期：2025年07月17日
有效期至：2030年07月17日"""

ANNEX = """经营许可证编号：渝B2-20250748
中华人民共和国增值电信业务经营许可证
（附 页）
重庆鸿枢慧科技有限公司获准经营信息服务业务（仅限互联网信息服务）相关信息
网站名称：重庆鸿枢慧科技有限公司
网站域名：lala.cloud"""


def _document(text: str) -> DocumentText:
    """A one-page document of `text`, a line of glyphs 20 pixels high for each line."""
    builder = TextBuilder()
    builder.pages.append(PageSize(1000.0, 1400.0, "px", "ocr"))
    for row, line in enumerate(text.split("\n")):
        if row:
            builder.separator("\n")
        builder.glyphs([Glyph(ch, (20.0 * i, 30.0 * row, 20.0 * i + 20, 30.0 * row + 20)) for i, ch in enumerate(line)], 0)
    return builder.build()


def _read(name: str, text: str, folder: str = "posted") -> ReadInput:
    return ReadInput(name, text, _document(text), [name], Path(folder))


def test_an_annex_printing_the_front_pages_number_joins_it():
    front, annex = _read("front.jpg", FRONT), _read("annex.jpg", ANNEX)
    assert joins(front, annex)
    both = joined(front, annex)
    assert both.name == "front.jpg" and both.page_files == ["front.jpg", "annex.jpg"]
    assert len(both.document.pages) == 2 and both.text == FRONT + "\f" + ANNEX
    at = both.text.index("lala.cloud")
    assert both.document.page_of(at) == 1 and both.document.locate(at, at + 4)[0][0] == 1


@pytest.mark.parametrize("other", [
    ANNEX.replace("20250748", "20253008"),  # another licence's 附页
    ANNEX.replace("经营许可证编号：渝B2-20250748\n", ""),  # no number: nothing says whose it is
    FRONT,  # a licence of its own
])
def test_a_page_that_is_not_this_licences_stays_apart(other):
    assert not joins(_read("front.jpg", FRONT), _read("other.jpg", other))


def test_pages_in_other_folders_or_a_text_stay_apart():
    assert not joins(_read("a/front.jpg", FRONT, "a"), _read("b/annex.jpg", ANNEX, "b"))
    assert not joins(ReadInput("front.txt", FRONT), _read("annex.jpg", ANNEX))


def test_extract_reads_a_front_page_and_its_annex_as_one_licence_and_says_so(rules_nlp, monkeypatch, tmp_path):
    documents = {"1_front.png": _document(FRONT), "2_annex.png": _document(ANNEX), "3_other.png": _document(ANNEX.replace("20250748", "20253008"))}
    monkeypatch.setattr(InputSource, "read_document", lambda self, ocr="auto", on_page=None: documents[self.path.name])
    sources = [InputSource(str(tmp_path / name), tmp_path / name) for name in documents]
    heard = []
    results = list(extract_inputs(lambda texts: extract_licences(rules_nlp, texts), sources,
                                  on_join=lambda name, files: heard.append(files)))
    records = [r for r in results if isinstance(r, dict)]
    assert len(records) == 2 and records[0]["license_no"] == "渝B2-20250748"
    assert records[0]["pages"] == [1, 2] and records[0]["source"].endswith("1_front.png")
    assert heard == [[str(tmp_path / "1_front.png"), str(tmp_path / "2_annex.png")]]
    files = {(item["page"], item["file"]) for items in records[0]["evidence"].values() for item in items}
    assert files == {(1, str(tmp_path / "1_front.png")), (2, str(tmp_path / "2_annex.png"))}
    # the other licence's 附页 is read alone for what it has: its number, its website
    assert len(results) == 2 and records[1]["license_no"] == "渝B2-20253008"
    assert records[1]["source"].endswith("3_other.png") and records[1]["websites"][0]["domain"] == "lala.cloud"


@pytest.mark.parametrize("text, annex_only", [
    (ANNEX, True),  # an 附页 that prints its licence's number
    (ANNEX.replace("（附 页）", "（附页）"), True),
    (ANNEX.replace("经营许可证编号：渝B2-20250748\n", ""), None),  # no number: nothing says whose it is
    (ANNEX.replace("（附 页）\n", ""), None),  # no (附页) under the title, no grant: no licence
    (FRONT, False),
])
def test_an_annex_alone_is_a_licence_when_it_prints_its_number(text, annex_only):
    from licex.text.detection import detect_licence

    detection = detect_licence(text)
    assert detection.is_licence == (annex_only is not None)
    assert detection.annex_only == bool(annex_only)


def test_an_annex_named_before_its_front_page_joins_it_after_its_pages(rules_nlp, monkeypatch, tmp_path):
    documents = {"icp_annex.png": _document(ANNEX), "icp_front.png": _document(FRONT)}
    monkeypatch.setattr(InputSource, "read_document", lambda self, ocr="auto", on_page=None: documents[self.path.name])
    sources = [InputSource(str(tmp_path / name), tmp_path / name) for name in documents]
    records = list(extract_inputs(lambda texts: extract_licences(rules_nlp, texts), sources))
    assert len(records) == 1 and records[0]["source"].endswith("icp_front.png")
    assert records[0]["license_no"] == "渝B2-20250748" and records[0]["pages"] == [1, 2]


def _stacked(pages: int, gap: int = 30):
    """`pages` pages of 400 x 566 pixels, lines of black bars on white, in a grey frame, one under another."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (400, pages * 566 + (pages - 1) * gap), (200, 200, 200))
    draw = ImageDraw.Draw(image)
    for page in range(pages):
        top = page * (566 + gap)
        draw.rectangle((0, top, 399, top + 565), fill="white", outline="black", width=3)
        for line in range(top + 30, top + 540, 24):
            draw.rectangle((30, line, 370, line + 12), fill="black")
    return image


def test_a_tall_image_of_three_stacked_pages_reads_as_three_pages():
    from licex.documents.stacked import split_pages

    pages = split_pages(_stacked(3))
    assert len(pages) == 3
    assert all(abs(page.height - 581) <= 20 for page in pages)


def test_a_page_and_a_long_page_without_gaps_stay_one():
    from PIL import Image, ImageDraw

    from licex.documents.stacked import split_pages

    assert len(split_pages(_stacked(1))) == 1
    long_page = Image.new("RGB", (400, 1800), "white")
    draw = ImageDraw.Draw(long_page)
    for line in range(10, 1790, 14):  # a list of websites: lines all the way down
        draw.rectangle((30, line, 370, line + 10), fill="black")
    assert len(split_pages(long_page)) == 1


@pytest.mark.slow  # OCR of three pages (over 1.4 s)
def test_a_tall_image_file_of_three_stacked_pages_is_a_document_of_three_pages():
    import io

    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    from licex.documents import read_document_bytes

    buffer = io.BytesIO()
    _stacked(3).save(buffer, "PNG")
    document = read_document_bytes(buffer.getvalue(), "posted.png")
    assert len(document.pages) == 3
    assert all(page.width == 400 and abs(page.height - 581) <= 20 for page in document.pages)


def test_licex_extract_says_which_files_it_read_as_one_licence(cli, monkeypatch, tmp_path):
    documents = {"1_front.png": _document(FRONT), "2_annex.png": _document(ANNEX)}
    for name in documents:
        (tmp_path / name).write_bytes(b"not read: the documents are given")
    monkeypatch.setattr(InputSource, "read_document", lambda self, ocr="auto", on_page=None: documents[self.path.name])
    result = cli("extract", tmp_path, "--rules-only")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert "1_front.png, " in result.stderr and "2_annex.png read as one licence" in result.stderr


SEALED_ANNEX = """经营许可证编号：粤B1.B2-20070315
中华人民共和国增值电信业务经营许可证
（附页）
※核定深圳甲乙信息技术有限公司经营的增值电信业务种类：
第一类增值电信业务中的因特网数据中心业务，第二类增值电信业务中的信息服务业务（仅限互联网信息服务）。
※核定深圳甲乙信息技术有限公司经营上述增值电信业务的覆盖范围：
（一）因特网数据中心业务：广东省。
（二）信息服务业务：广东省。
通信管
审批专用章"""


def test_an_annex_read_alone_gives_its_number_and_no_front_page_values(rules_nlp):
    """An 附页 has no front page: a seal's short words under it are no legal representative."""
    from licex.jobs.bundles import extract_licences

    (record,) = [r for _, r in extract_licences(rules_nlp, [("annex.txt", SEALED_ANNEX)]) if isinstance(r, dict)]
    assert record["license_no"] == "粤B1.B2-20070315"
    assert record["legal_representative"] is None and record["signer"] is None
    assert record["company_name"] == "深圳甲乙信息技术有限公司"  # the holder its introduction names


@pytest.mark.parametrize("line, company", [
    ("重庆鸿枢慧科技有限公司获准经营信息服务业务（仅限互联网信息服务）相关信息", "重庆鸿枢慧科技有限公司"),
    ("※核定深圳甲乙信息技术有限公司经营的增值电信业务种类：", "深圳甲乙信息技术有限公司"),
    ("你公司经营的增值电信业务种类：", None),  # the licensee named as 你公司 is no name
])
def test_an_annex_alone_names_its_holder_in_its_introduction(rules_nlp, line, company):
    from licex.jobs.bundles import extract_licences

    text = SEALED_ANNEX.replace("※核定深圳甲乙信息技术有限公司经营的增值电信业务种类：", line)
    (record,) = [r for _, r in extract_licences(rules_nlp, [("annex.txt", text)]) if isinstance(r, dict)]
    assert record["company_name"] == company
