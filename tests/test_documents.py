"""Documents in: the real licences typeset as PDFs (and scanned) give their gold records, with
evidence boxes that hold the evidence text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

pytest.importorskip("fpdf", reason='typesetting needs the "render" extra')
pytest.importorskip("pypdfium2")

from licex.jobs.bundles import extract_licences  # noqa: E402
from licex.corpus.annotations import read_annotations  # noqa: E402
from licex.corpus.render import printed_licence  # noqa: E402
from licex.corpus.scan import scan_pages, scanned_pdf  # noqa: E402
from licex.corpus.typeset import typeset  # noqa: E402
from licex.documents import DocumentError, OcrMode, pdf_pages, read_document_bytes  # noqa: E402
from licex.documents.evidence import attach_geometry  # noqa: E402
from licex.evaluation.records import evaluate  # noqa: E402
from licex.jobs.extraction import extract_inputs  # noqa: E402
from licex.files.inputs import collect_inputs  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


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


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
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


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, real_pdfs) -> Path:
    """`licex render corpus -o OUT --no-scan`, as a user runs it: OUT/text-layer/*.pdf, OUT/records."""
    from typer.testing import CliRunner

    from licex.cli import app

    out = tmp_path_factory.mktemp("rendered")
    result = CliRunner().invoke(app, ["render", str(CORPUS), "-o", str(out), "--no-scan"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_extract_reads_pdfs_in_a_folder_and_evaluate_scores_them_at_1(cli, rendered, tmp_path):
    predictions, texts = tmp_path / "pred.jsonl", tmp_path / "texts"
    result = cli("extract", rendered / "text-layer", "--rules-only", "-o", predictions, "--text-dir", texts)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in predictions.read_text("utf-8").splitlines()]
    assert len(records) == 3 and all(r["pages"][0] == 1 and r["pages"][1] >= 3 for r in records)
    for record in records:
        text = (texts / (Path(record["source"]).stem + ".txt")).read_text("utf-8")
        for items in record["evidence"].values():
            for item in items:
                assert text[item["start"]:item["end"]] == item["text"]
                assert item["unit"] == "pt" and item["page"] >= 1 and len(item["bbox"]) == 4
    scored = cli("evaluate", "--gold", rendered / "records", predictions, "--json")
    report = json.loads(scored.stdout)
    assert report["documents"] == 3 and not report["misses"], report["misses"]


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
@pytest.mark.parametrize("workers", ["1", "2"])
def test_every_pdf_keeps_its_pages_when_the_pipeline_reads_ahead(cli, rendered, workers):
    # The default model batches licences (and workers hold several files each): the PDFs read
    # ahead of the licence being written keep their pages until their own records are out.
    result = cli("extract", rendered / "text-layer", "--model", ROOT / "training" / "model", "--workers", workers)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 3
    assert all(r["pages"][0] == 1 and all("bbox" in item for items in r["evidence"].values() for item in items)
               for r in records)


def test_a_scan_without_ocr_and_a_damaged_pdf_are_one_line_errors(cli, rendered, real_pdfs, tmp_path):
    scanned = tmp_path / "scan.pdf"
    scanned.write_bytes(scanned_pdf(scan_pages(real_pdfs["002_3fa2e29c17b4fcd1"][0], seed=1)[:1]))
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    result = cli("extract", scanned, broken, "--rules-only", "--ocr", "never")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert f"licex: error: {scanned}: no text on any page (OCR is off: --ocr never)" in lines
    assert any(line.startswith(f"licex: error: {broken}: not a readable PDF") for line in lines)
    assert len(lines) == 2


def test_a_pdf_of_several_licences_gives_one_record_per_licence_with_its_pages(cli, real_pdfs, tmp_path):
    import io

    import pypdfium2 as pdfium

    pack = pdfium.PdfDocument.new()
    names = ["002_3fa2e29c17b4fcd1", "000_71bd26811b5d6e82"]
    page_counts = []
    for name in names:
        single = pdfium.PdfDocument(real_pdfs[name][0])
        page_counts.append(len(single))
        pack.import_pages(single)
    buffer = io.BytesIO()
    pack.save(buffer)
    path = tmp_path / "pack.pdf"
    path.write_bytes(buffer.getvalue())
    result = cli("extract", path, "--rules-only")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["part"] for r in records] == [1, 2]
    assert [r["license_no"] for r in records] == [real_pdfs[name][1]["license_no"] for name in names]
    assert [r["pages"] for r in records] == [[1, page_counts[0]], [page_counts[0] + 1, sum(page_counts)]]
    assert all(item["page"] > page_counts[0] for items in records[1]["evidence"].values() for item in items)


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_typesetting_and_scanning_are_reproducible(real_pdfs):
    pdf, _ = real_pdfs["002_3fa2e29c17b4fcd1"]
    annotated = next(a for a in read_annotations(CORPUS / "annotations" / "real.jsonl") if a.id == "002_3fa2e29c17b4fcd1")
    assert typeset(printed_licence(annotated, real_pdfs["002_3fa2e29c17b4fcd1"][1])) == pdf
    assert scanned_pdf(scan_pages(pdf, seed=3)[:1]) == scanned_pdf(scan_pages(pdf, seed=3)[:1])


def test_a_document_read_ahead_keeps_its_pages_until_its_licences_are_out(rendered, rules_nlp):
    # An extractor that reads every input before giving its first licence, as a process pool or
    # the default model's batches read ahead: each PDF's record still gets its own pages and boxes.
    def read_all_first(texts):
        return extract_licences(rules_nlp, list(texts))

    sources, errors = collect_inputs([str(rendered / "text-layer")])
    records = list(extract_inputs(read_all_first, sources))
    assert not errors and len(records) == 3 == len({r["source"] for r in records})
    for record in records:
        assert record["pages"][0] == 1
        assert all(item["page"] >= 1 and len(item["bbox"]) == 4 for items in record["evidence"].values() for item in items)
