"""The `ocr` sign (issue 28): the score OCR read a line with travels with its characters, from the
OCR through reading order, joined pages and the Doc to the value, and a value read below the
threshold (data/signs.json) is flagged naming its score; a text input has none."""

from __future__ import annotations

import io
import math
from pathlib import Path

import pytest

from licex.components.names import RECORD_BUILDER
from licex.corpus.annotations import AnnotatedText, read_annotation_dir, write_annotations
from licex.corpus.ocr_sidecars import OCR_SCORES, sidecar_path, write_sidecar
from licex.documents.geometry import DocumentText, Glyph, PageSize, TextBuilder
from licex.evaluation.pipelines import example_docs
from licex.files.inputs import InputSource
from licex.fields.record import LicenseRecord
from licex.jobs.bundles import extract_licences
from licex.jobs.extraction import extract_inputs
from licex.jobs.pipeline import rules_pipeline
from licex.scoring.signs import low_confidence_flags, ocr_below

from test_pages_apart import ANNEX, FRONT  # one front page and 附页 for the joining tests

HIGH = 0.99


def _document(text: str, low: dict[str, float] | None = None) -> DocumentText:
    """A one-page OCR'd document of `text`, a line of glyphs for each line, read with HIGH but the
    lines that hold a key of `low`, read with its score."""
    builder = TextBuilder()
    builder.pages.append(PageSize(1000.0, 1400.0, "px", "ocr"))
    for row, line in enumerate(text.split("\n")):
        if row:
            builder.separator("\n")
        score = next((s for words, s in (low or {}).items() if words in line), HIGH)
        builder.glyphs([Glyph(ch, (20.0 * i, 30.0 * row, 20.0 * i + 20, 30.0 * row + 20), score)
                        for i, ch in enumerate(line)], 0)
    return builder.build()


def _extract(nlp, documents: dict[str, DocumentText], monkeypatch, tmp_path: Path) -> list[dict]:
    """`licex extract` of the documents as page images (their reading stood in by `documents`)."""
    monkeypatch.setattr(InputSource, "read_document", lambda self, ocr="auto", on_page=None: documents[self.path.name])
    sources = [InputSource(str(tmp_path / name), tmp_path / name) for name in documents]
    return [r for r in extract_inputs(lambda texts: extract_licences(nlp, texts), sources) if isinstance(r, dict)]


def _ocr_flags(record: dict) -> dict[str, dict]:
    return {flag["field"]: flag for flag in record["needs_review"] if (flag.get("sign") or "").startswith("ocr=")}


def test_a_value_read_with_a_low_ocr_score_is_flagged_naming_the_score(rules_nlp, monkeypatch, tmp_path):
    [record] = _extract(rules_nlp, {"front.png": _document(FRONT, {"卿鹏": 0.62})}, monkeypatch, tmp_path)
    assert record["legal_representative"] == "卿鹏"
    flags = _ocr_flags(record)
    assert list(flags) == ["legal_representative"]
    assert flags["legal_representative"]["sign"] == "ocr=0.62"
    assert "0.62" in flags["legal_representative"]["reason"] and f"{ocr_below():g}" in flags["legal_representative"]["reason"]


def test_a_score_on_a_joined_page_reaches_its_value(rules_nlp, monkeypatch, tmp_path):
    documents = {"1_front.png": _document(FRONT), "2_annex.png": _document(ANNEX, {"lala.cloud": 0.5})}
    [record] = _extract(rules_nlp, documents, monkeypatch, tmp_path)
    assert record["pages"] == [1, 2] and record["websites"][0]["domain"] == "lala.cloud"
    flags = _ocr_flags(record)
    assert [path for path in flags if path.startswith("websites")] and all(
        path.startswith("websites") for path in flags)
    assert {flag["sign"] for flag in flags.values()} == {"ocr=0.5"}


def test_values_read_with_high_scores_are_not_flagged(rules_nlp, monkeypatch, tmp_path):
    [record] = _extract(rules_nlp, {"front.png": _document(FRONT)}, monkeypatch, tmp_path)
    assert record["legal_representative"] == "卿鹏" and _ocr_flags(record) == {}


def test_a_text_input_has_no_ocr_sign(monkeypatch, tmp_path):
    nlp = rules_pipeline()
    nlp.get_pipe(RECORD_BUILDER).ocr_below = 1.0  # any score at all would flag its value
    [(_, record)] = extract_licences(nlp, [("front.txt", FRONT)])
    assert record["legal_representative"] == "卿鹏" and _ocr_flags(record) == {}
    # the same text as an OCR'd document: every value is flagged at 1.0
    [record] = _extract(nlp, {"front.png": _document(FRONT)}, monkeypatch, tmp_path)
    assert "legal_representative" in _ocr_flags(record)


def test_reading_order_keeps_each_characters_score():
    from licex.documents.reading_order import read_pages
    from licex.documents.geometry import PageContent

    glyphs = [Glyph(ch, (20.0 * i, 0.0, 20.0 * i + 20, 20.0), 0.7) for i, ch in enumerate("公司名称")]
    glyphs += [Glyph(ch, (20.0 * i, 80.0, 20.0 * i + 20, 100.0), 0.9) for i, ch in enumerate("卿鹏")]
    document = read_pages([PageContent(PageSize(200.0, 100.0, "px", "ocr"), glyphs[::-1])])  # listed out of order
    assert document.text == "公司名称\n卿鹏"
    assert document.score_runs() == [(0, 4, 0.7), (5, 7, 0.9)]
    assert math.isnan(document.char_score[4])  # the line break reading order added has none


def test_a_corpus_text_gives_its_sidecars_scores_to_its_doc(rules_nlp, tmp_path):
    runs = [[0, len(FRONT), 0.55]]
    example = AnnotatedText("t1", FRONT, meta={"record": {}, OCR_SCORES: runs})
    batch = tmp_path / "rapidocr" / "batch-00000.jsonl"
    batch.parent.mkdir()
    write_sidecar(batch, [example])
    write_annotations(batch, [example])
    assert OCR_SCORES not in batch.read_text("utf-8") and sidecar_path(batch).is_file()
    [read] = read_annotation_dir(batch)
    [doc] = rules_nlp.pipe(example_docs(rules_nlp, [read]))
    assert doc._.licex_ocr_scores == runs
    assert _ocr_flags(doc._.license_record)["legal_representative"]["sign"] == "ocr=0.55"


def test_review_below_names_the_ocr_sign():
    record = LicenseRecord(legal_representative="卿鹏", confidence={"legal_representative": 0.4})
    low_confidence_flags(record, 0.9, {"legal_representative": ["ocr=0.62"]})
    [flag] = record.needs_review
    assert flag.sign == "ocr=0.62" and "0.62" in flag.reason and f"{ocr_below():g}" in flag.reason


@pytest.mark.slow  # OCR of a page (over 1.4 s)
def test_the_score_of_a_drawn_page_read_by_ocr_reaches_its_values(monkeypatch, tmp_path):
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    from PIL import Image, ImageDraw

    from test_overlay import _font

    page = Image.new("RGB", (900, 700), "white")
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(FRONT.split("\n")):
        draw.text((40, 30 + 60 * i), line[:30], font=_font(26), fill="black")
    image = tmp_path / "front.png"
    buffer = io.BytesIO()
    page.save(buffer, "PNG")
    image.write_bytes(buffer.getvalue())
    nlp = rules_pipeline()
    nlp.get_pipe(RECORD_BUILDER).ocr_below = 1.0  # every value OCR read below a perfect score is flagged
    [record] = [r for r in extract_inputs(lambda texts: extract_licences(nlp, texts),
                                          [InputSource(str(image), image)]) if isinstance(r, dict)]
    assert record["legal_representative"] == "卿鹏"
    sign = _ocr_flags(record)["legal_representative"]["sign"]
    assert 0.5 <= float(sign.split("=")[1]) < 1.0
