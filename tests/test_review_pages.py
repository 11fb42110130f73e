"""The review page of a licence read from a PDF or page images: the page images beside the text,
each evidence item's box drawn on its page, flagged values first (issue 28 §3). A text input gets
no page images; a document that cannot be read again costs a warning, never the page."""

from __future__ import annotations

import copy
import logging
from pathlib import Path
from typing import Any

import pytest

from licex.files.outputs import TextDirNames
from licex.jobs.review import write_review
from licex.jobs.review_pages import MOST_PAGES, document_files, wanted_pages

from test_review import FLAGGED, TEXT, by_id, licence_files, make_record, parse, write_jsonl  # noqa: F401 (a fixture)

PAGE = (400, 560)  # a page image's pixels, the frame of its boxes


def placed(record: dict[str, Any], page_size=PAGE, pages: dict[str, int] | None = None,
           files: dict[int, str] | None = None) -> dict[str, Any]:
    """`record` with a page and a box for each evidence item, as extract gives a scan's: the item
    of each path on the page `pages` names (1 else), a box a row, 20 pixels apart."""
    record = copy.deepcopy(record)
    for row, (path, items) in enumerate(record["evidence"].items()):
        for item in items:
            page = (pages or {}).get(path, 1)
            item.update(page=page, bbox=[30.0, 20.0 + 20 * row, 200.0, 36.0 + 20 * row],
                        page_size=list(page_size), unit="px")
            if files:
                item["file"] = files[page]
    record["pages"] = [1, max((pages or {"": 1}).values())]
    return record


def scan(path: Path, size=PAGE, shade: int = 255) -> Path:
    from PIL import Image

    Image.new("L", size, shade).save(path)
    return path


def reviewed(tmp_path: Path, records: list[dict[str, Any]], with_texts: bool = True) -> Path:
    """Review `records` (each record's text TEXT in a --text-dir, named as extract names it); the review folder."""
    texts = None
    if with_texts:
        texts, names = tmp_path / "texts", TextDirNames([record["source"] for record in records])
        texts.mkdir()
        for record in records:
            text = texts / names.name(record["source"])
            text.parent.mkdir(parents=True, exist_ok=True)
            text.write_text(TEXT, "utf-8")
    write_review(write_jsonl(tmp_path / "pred.jsonl", records), tmp_path / "review", texts)
    return tmp_path / "review"


def the_page(review: Path):
    [page] = (review / "licences").glob("*.html")
    return parse(page.read_text("utf-8"))


def test_a_scan_shows_its_page_with_a_box_for_each_evidence_mark(tmp_path):
    record = placed(make_record(str(scan(tmp_path / "scan.png")), **FLAGGED))
    review = reviewed(tmp_path, [record])
    root = the_page(review)
    [figure] = root.find_all("figure", "page")
    [image] = figure.find_all("image")
    # the image lies next to the page, linked by a relative name
    assert "/" not in image.attrs["href"] and ":" not in image.attrs["href"]
    assert (review / "licences" / image.attrs["href"]).is_file()
    [svg] = figure.find_all("svg")
    assert svg.attrs["viewbox"] == f"0 0 {PAGE[0]} {PAGE[1]}"
    rects = figure.find_all("rect", "box")
    ids = by_id(root)
    text_marks = {e.attrs["data-mark"] for e in root.find_all("pre", "text")[0].iter() if "id" in e.attrs}
    # a box for each mark of the text, the same data-mark, so a click on a value finds both
    assert {r.attrs["data-mark"] for r in rects} == text_marks
    for rect in rects:
        assert ids[f"box-{rect.attrs['data-mark']}"] is rect
    company = [r for r in rects if r.attrs["data-field"] == "company_name"]
    assert company and all("flagged" in r.classes for r in company)
    # flagged boxes are drawn last, over the others
    flagged = ["flagged" in r.classes for r in rects]
    assert flagged == sorted(flagged)


def test_flagged_values_come_first_each_linked_to_its_box(tmp_path):
    record = placed(make_record(str(scan(tmp_path / "scan.png")), **FLAGGED))
    root = the_page(reviewed(tmp_path, [record]))
    [panel] = root.find_all("aside", "record")
    first = next(a for a in panel.iter() if "data-jump" in a.attrs)
    assert first.text() == record["company_name"]
    assert by_id(root)[f"box-{first.attrs['data-jump']}"].attrs["data-field"] == "company_name"


def test_a_text_input_shows_no_page_images(tmp_path, licence_files):
    predictions, _ = licence_files
    write_review(predictions, tmp_path / "review")
    root = the_page(tmp_path / "review")
    assert not root.find_all("section", "pages") and not root.find_all("rect")
    assert not list((tmp_path / "review").rglob("*.jpg"))


def test_without_texts_a_scans_values_link_to_their_boxes(tmp_path):
    record = placed(make_record(str(scan(tmp_path / "scan.png")), **FLAGGED))
    root = the_page(reviewed(tmp_path, [record], with_texts=False))
    assert not root.find_all("pre", "text")
    ids = by_id(root)
    links = [a for a in root.iter() if "data-jump" in a.attrs]
    assert links
    for link in links:
        assert link.attrs["href"] == f"#box-{link.attrs['data-jump']}" and link.attrs["href"][1:] in ids


@pytest.mark.parametrize(("content", "cause"), [(None, "no such file"), (b"%PDF-1.4 not a PDF", "not a readable PDF")])
def test_a_document_gone_or_unreadable_costs_a_warning_not_the_page(tmp_path, caplog, content, cause):
    document = tmp_path / "moved.pdf"
    if content is not None:
        document.write_bytes(content)
    record = placed(make_record(str(document), **FLAGGED))
    with caplog.at_level(logging.WARNING, logger="licex"):
        root = the_page(reviewed(tmp_path, [record]))
    assert "no page images" in caplog.text and "moved.pdf" in caplog.text and cause in caplog.text
    assert not root.find_all("section", "pages") and root.find_all("pre", "text")


def test_a_page_ocr_read_turned_is_shown_turned(tmp_path):
    from PIL import Image

    # the image lies on its side; OCR turned it upright, so the boxes' frame is 400 wide, 560 tall
    record = placed(make_record(str(scan(tmp_path / "side.png", size=(PAGE[1], PAGE[0])))))
    review = reviewed(tmp_path, [record])
    [image_file] = (review / "licences").glob("*.jpg")
    with Image.open(image_file) as image:
        assert image.width < image.height


def test_pages_joined_from_two_files_are_taken_each_from_its_file(tmp_path):
    from PIL import Image

    front, annex = scan(tmp_path / "003_icp.png"), scan(tmp_path / "004_icp_fuye.png", shade=0)
    record = placed(make_record(str(front)), pages={"clauses[0]": 2, "clauses[1]": 2},
                    files={1: str(front), 2: str(annex)})
    assert document_files(record) == [str(front), str(annex)]
    assert list(wanted_pages(record)) == [1, 2]
    review = reviewed(tmp_path, [record])
    shades = {}
    for image_file in (review / "licences").glob("*.jpg"):
        with Image.open(image_file) as image:
            shades[image_file.name.rsplit(".page-", 1)[1]] = image.convert("L").getextrema()[1]
    assert shades.keys() == {"1.jpg", "2.jpg"} and shades["1.jpg"] > 250 and shades["2.jpg"] < 5
    captions = [f.text() for f in the_page(review).find_all("figcaption")]
    assert captions == ["page 1 · 003_icp.png", "page 2 · 004_icp_fuye.png"]


@pytest.mark.parametrize("suffix", [".pdf", ".png"])
def test_a_record_without_boxes_shows_no_pages(tmp_path, suffix):
    record = make_record(str(tmp_path / f"lic{suffix}"))  # no page, no box: nothing to show
    assert wanted_pages(record) == {}
    root = the_page(reviewed(tmp_path, [record]))
    assert not root.find_all("section", "pages")


def test_no_pages_leaves_the_page_images_out(tmp_path, cli):
    record = placed(make_record(str(scan(tmp_path / "scan.png")), **FLAGGED))
    predictions = write_jsonl(tmp_path / "pred.jsonl", [record])
    result = cli("review", predictions, "-o", tmp_path / "review", "--no-pages")
    assert result.exit_code == 0, result.stderr
    assert not the_page(tmp_path / "review").find_all("section", "pages")
    assert not list((tmp_path / "review").rglob("*.jpg"))
    assert cli("review", predictions, "-o", tmp_path / "review").exit_code == 0
    assert the_page(tmp_path / "review").find_all("section", "pages")


def test_a_record_claiming_endless_pages_shows_a_bounded_number(tmp_path):
    record = placed(make_record(str(tmp_path / "scan.png")))
    record["pages"] = [1, 10 ** 12]
    assert len(wanted_pages(record)) == MOST_PAGES


@pytest.mark.slow
def test_a_pdf_extract_read_is_shown_page_by_page_with_every_box(cli, tmp_path):
    """extract, then review, as a user runs them: each page of the licence an image, every
    evidence item that has a page a box on it, in the frame extract gave."""
    import json

    from conftest import CORPUS

    pdf = CORPUS / "documents" / "text-layer" / "002_3fa2e29c17b4fcd1.pdf"
    predictions, texts, review = tmp_path / "pred.jsonl", tmp_path / "texts", tmp_path / "review"
    assert cli("extract", pdf, "--rules-only", "--text-dir", texts, "-o", predictions).exit_code == 0
    assert cli("review", predictions, "--text-dir", texts, "-o", review).exit_code == 0
    record = json.loads(predictions.read_text("utf-8"))
    root = the_page(review)
    figures = root.find_all("figure", "page")
    assert [int(f.attrs["data-page"]) for f in figures] == list(range(record["pages"][0], record["pages"][1] + 1))
    placed_items = [(item["page"], item["page_size"]) for items in record["evidence"].values() for item in items]
    assert placed_items and all(page for page, _ in placed_items)
    assert len(root.find_all("rect", "box")) == len(placed_items)
    for figure in figures:
        page = int(figure.attrs["data-page"])
        [svg] = figure.find_all("svg")
        for number, size in placed_items:
            if number == page:
                assert svg.attrs["viewbox"] == "0 0 {:g} {:g}".format(*size)
        assert len(figure.find_all("rect")) == sum(number == page for number, _ in placed_items)
