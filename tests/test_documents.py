"""Documents in: the real licences typeset as PDFs (and scanned) give their gold records, with
evidence boxes that hold the evidence text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fpdf", reason='typesetting needs the "render" extra')
pytest.importorskip("pypdfium2")

from licex.corpus.annotations import read_annotations  # noqa: E402
from licex.corpus.render import printed_licence  # noqa: E402
from licex.corpus.scan import scan_pages, scanned_pdf  # noqa: E402
from licex.corpus.typeset import typeset  # noqa: E402
from licex.documents import DocumentError, OcrMode, read_document_bytes  # noqa: E402
from licex.documents.evidence import attach_geometry  # noqa: E402
from licex.documents.pdf import pdf_pages  # noqa: E402
from licex.evaluate import evaluate  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="session")
def real_pdfs() -> dict[str, tuple[bytes, dict]]:
    """name -> (typeset PDF, gold record) for the three real licences."""
    result = {}
    for annotated in read_annotations(CORPUS / "annotations" / "real.jsonl"):
        gold = json.loads((CORPUS / "records" / f"{annotated.id}.record.json").read_text("utf-8"))
        result[str(annotated.id)] = (typeset(printed_licence(annotated, gold)), gold)
    return result


def _extract(nlp, pdf: bytes, ocr: OcrMode = OcrMode.auto):
    document = read_document_bytes(pdf, "licence.pdf", ocr)
    record = attach_geometry(nlp(document.text)._.license_record, document)
    return document, record


def test_text_layer_pdfs_of_the_real_licences_give_their_gold_records(rules_nlp, real_pdfs):
    predicted = {name: _extract(rules_nlp, pdf)[1] for name, (pdf, _) in real_pdfs.items()}
    report = evaluate({name: gold for name, (_, gold) in real_pdfs.items()}, predicted)
    assert report.documents == 3 and not report.misses, report.misses
    assert all(score.accuracy in (None, 1.0) for score in report.fields.values())
    assert report.clauses.counted == 117 and report.clauses.accuracy == 1.0


def test_every_evidence_box_holds_its_text_in_the_text_layer(rules_nlp, real_pdfs):
    pdf, _ = real_pdfs["001_093c3da1120a2424"]
    document, record = _extract(rules_nlp, pdf)
    pages = pdf_pages(pdf)
    checked = 0
    for path, items in record["evidence"].items():
        for item in items:
            x0, y0, x1, y1 = item["bbox"]
            inside = "".join(
                g.text for g in pages[item["page"] - 1].glyphs
                if x0 <= (g.box[0] + g.box[2]) / 2 <= x1 and y0 <= (g.box[1] + g.box[3]) / 2 <= y1)
            # The part of the evidence printed on its first page.
            first_page = "".join(ch for pos, ch in enumerate(item["text"], start=item["start"])
                                 if document.page_of(pos) == item["page"] - 1)
            expected = re.sub(r"\s", "", first_page)
            assert expected and expected in re.sub(r"\s", "", inside), (path, expected, inside)
            # A box holds its value and little else: never the label beside it.
            assert len(re.sub(r"\s", "", inside)) <= len(expected) * 1.1 + 2, (path, expected, inside)
            checked += 1
    assert checked > 100


def test_a_damaged_file_is_a_one_line_document_error():
    with pytest.raises(DocumentError, match="not a readable PDF"):
        read_document_bytes(b"%PDF-1.7 broken", "x.pdf")
    with pytest.raises(DocumentError, match="not a readable image"):
        read_document_bytes(b"\x89PNG broken", "x.png")
    with pytest.raises(DocumentError, match="unsupported document type .docx"):
        read_document_bytes(b"PK", "x.docx")


@pytest.mark.slow
def test_scanned_pdfs_of_the_real_licences_read_at_least_097_of_the_fields(rules_nlp, real_pdfs):
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    gold, predicted = {}, {}
    for seed, (name, (pdf, record)) in enumerate(sorted(real_pdfs.items())):
        scanned = scanned_pdf(scan_pages(pdf, seed=seed))
        document, predicted[name] = _extract(rules_nlp, scanned)
        assert {page.source for page in document.pages} == {"ocr"}
        gold[name] = record
    report = evaluate(gold, predicted)
    micro = sum(s.correct for s in report.fields.values()) / sum(s.counted for s in report.fields.values())
    assert micro >= 0.97, report.misses
    assert report.clauses.accuracy >= 0.97, report.misses
