"""`licex bench`'s document rows: generated licences as text-layer and scanned PDFs, each measured
in its own single-core process (pages/s, documents/s, peak memory, load time apart)."""

from __future__ import annotations

import statistics
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from licex.jobs.bench import (
    BUNDLE,
    SCANNED,
    TEXT,
    TEXT_LAYER,
    BenchResult,
    StartupResult,
    bench_table,
    profile,
    profile_table,
    result_dicts,
    run_in_own_process,
    run_workers,
    startup_commands,
    startup_table,
    startup_times,
    startup_work,
    write_bench_bundle,
    write_bench_documents,
    write_bench_texts,
)
from licex.cli import model as model_commands
from licex.jobs.bundles import licence_spans
from licex.corpus.synth import doc_seed, generate_one
from licex.documents import read_document
from licex.jobs.extras import MissingExtra


def _page_count(path) -> int:
    document = pdfium.PdfDocument(path)
    try:
        return len(document)
    finally:
        document.close()


@pytest.mark.slow
def test_a_text_layer_licence_is_read_and_extracted_in_its_own_process(tmp_path):
    text_layer, scanned, _ = write_bench_documents(tmp_path, documents=1, ocr_pages=0, seed=3)
    [pdf] = sorted(text_layer.glob("*.pdf"))
    assert not list(scanned.glob("*.pdf"))
    reported = []
    result = run_in_own_process("rules", text_layer, TEXT_LAYER, reported.append)
    assert (result.pipeline, result.input, result.documents, result.cut) == ("rules", TEXT_LAYER, 1, False)
    assert result.pages == _page_count(pdf) > 1  # a licence prints on several pages
    assert result.characters == len(read_document(pdf).text)
    assert result.seconds > 0 and result.load_seconds > 0 and result.peak_rss_mb > 100  # spaCy alone is more
    assert result.pages_per_second == pytest.approx(result.pages / result.seconds)
    assert sum(reported) == 1  # one licence read
    [as_json] = result_dicts([result])
    assert as_json["pages"] == result.pages and as_json["input"] == TEXT_LAYER
    assert as_json["pages_per_second"] == pytest.approx(result.pages_per_second, rel=1e-3)


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_the_scanned_set_holds_the_pages_asked_for_from_the_same_licences(tmp_path):
    text_layer, scanned, cut = write_bench_documents(tmp_path / "a", documents=1, ocr_pages=2, seed=3)
    [scan] = sorted(scanned.glob("*.pdf"))
    assert scan.name == next(text_layer.glob("*.pdf")).name  # licence 0 of the bench
    assert _page_count(scan) == 2 and cut  # a licence has more than 2 pages: it was cut
    again, _, _ = write_bench_documents(tmp_path / "b", documents=1, ocr_pages=0, seed=3)
    other_seed, _, _ = write_bench_documents(tmp_path / "c", documents=1, ocr_pages=0, seed=4)
    texts = [read_document(next(folder.glob("*.pdf"))).text for folder in (text_layer, again, other_seed)]
    assert texts[0] == texts[1] != texts[2]


@pytest.mark.slow
def test_a_bundle_is_one_file_of_generated_licences_extracted_as_licex_extract_does(tmp_path):
    bundle = write_bench_bundle(tmp_path / "bundle.txt", 10_000, seed=3)
    text = bundle.read_text("utf-8")
    first = [generate_one(doc_seed(3, i))[0] for i in range(len(licence_spans(text)))]
    assert text == "\n\n".join(first) and len(first) > 1  # the bench's licences, as many as it takes
    assert len(text) >= 10_000 > len(text) - len(first[-1]) - 2  # without the last one it would be too short
    result = run_in_own_process("rules", bundle, BUNDLE)
    assert (result.pipeline, result.input, result.documents, result.characters) == ("rules", BUNDLE, len(first), len(text))
    assert result.pages is None and result.seconds > 0 and result.load_seconds > 0 and result.peak_rss_mb > 100


def test_the_table_says_what_each_row_counts():
    text = BenchResult("rules", 10, 50_000, 3.0, 0.5, 450.0)
    scan = BenchResult("rules", 1, 440, 3.2, 8.0, 1070.0, SCANNED, pages=1, cut=True)
    assert text.input == TEXT and text.pages_per_second is None
    columns = {column.header: [str(cell) for cell in column.cells] for column in bench_table([text, scan]).columns}
    assert columns["pages"] == ["", "1"] and columns["pages/s"] == ["", "0.12"]
    assert columns["docs"] == ["10", "1 (cut)"] and columns["docs/s"] == ["20.0", ""]  # a cut licence is no licence/s
    rows = result_dicts([text, scan])
    assert [row["pages_per_second"] for row in rows] == [None, 0.125]
    assert [row["docs_per_second"] for row in rows] == [20.0, None]


def test_rows_asked_for_by_default_are_skipped_without_their_extra(monkeypatch, capsys):
    def require(extra, job):
        if extra == "ocr":
            raise MissingExtra(extra, job)

    monkeypatch.setattr(model_commands, "require", require)
    assert model_commands._bench_rows(None, 2, "scanned PDF rows (--ocr-pages)", ("render", "ocr")) == 0
    assert "needs the 'ocr' extra" in capsys.readouterr().err
    with pytest.raises(MissingExtra):  # asked for explicitly: the command ends on it
        model_commands._bench_rows(3, 2, "scanned PDF rows (--ocr-pages)", ("render", "ocr"))
    assert model_commands._bench_rows(None, 10, "text-layer PDF rows (--documents)", ("render",)) == 10
    assert model_commands._bench_rows(0, 2, "scanned PDF rows (--ocr-pages)", ("render", "ocr")) == 0  # off: nothing needed


@pytest.mark.slow
def test_one_scanned_page_is_ocrd_and_extracted_in_its_own_process(tmp_path):
    _, scanned, cut = write_bench_documents(tmp_path, documents=0, ocr_pages=1, seed=3)
    reported = []
    result = run_in_own_process("rules", scanned, SCANNED, reported.append)
    assert (result.input, result.documents, result.pages, cut) == (SCANNED, 1, 1, True)
    assert result.characters > 100  # the front page's table, read back
    assert result.seconds > 0 and result.load_seconds > 0 and result.peak_rss_mb > 100
    assert result.pages_per_second == pytest.approx(1 / result.seconds)
    assert sum(reported) == 1  # one page OCR'd


def test_the_cpu_time_counts_the_children_that_ended():
    """The workers' rows count the CPU of the worker processes, which end with the run."""
    import subprocess
    import sys

    from licex.jobs.bench import _cpu_seconds

    before = _cpu_seconds()
    subprocess.run([sys.executable, "-c", "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass"],
                   check=True)
    assert _cpu_seconds() - before >= 0.25


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_the_workers_rows_measure_extract_with_one_and_two_processes(tmp_path):
    texts = write_bench_texts(tmp_path / "texts", 6, seed=5)
    one, two = run_workers("rules", texts, 1), run_workers("rules", texts, 2)
    characters = sum(len(path.read_text("utf-8")) for path in texts.glob("*.txt"))
    for result, workers in ((one, 1), (two, 2)):
        assert (result.pipeline, result.workers, result.documents, result.characters) == ("rules", workers, 6, characters)
        assert result.seconds > 0 and result.peak_rss_mb > 100 and result.cpu_seconds > 0
    assert two.peak_rss_mb > one.peak_rss_mb  # the workers count too
    [row] = [column.cells for column in bench_table([two]).columns if column.header == "pipeline"]
    assert list(row) == ["rules ×2"]
    assert result_dicts([two])[0]["workers"] == 2


def test_the_startup_table_shows_licex_beyond_spacys_own_start_up():
    commands = startup_commands(["rules", "training/model"], Path("one.txt"))
    assert [command for command, _ in commands] == [
        "python -c 'import spacy'", "python -c 'import spacy; spacy.blank(\"zh\")'", "licex --help",
        "licex extract --rules-only ONE.txt", "licex extract --model training/model ONE.txt"]
    assert commands[3][1][-2:] == ["--rules-only", "one.txt"]
    results = [StartupResult(command, seconds, [seconds]) for (command, _), seconds in zip(commands, [2.5, 4.0, 0.2, 4.5, 5.0])]
    columns = {column.header: list(column.cells) for column in startup_table(results).columns}
    assert columns["- import"] == ["", "", "", "+2.00", "+2.50"]
    assert columns["- blank"] == ["", "", "", "+0.50", "+1.00"]


@pytest.mark.slow
def test_startup_is_timed_in_fresh_processes(tmp_path):
    reported = []
    results = startup_times(["rules"], seed=5, progress=reported.append, runs=3)
    assert [r.command for r in results][2:] == ["licex --help", "licex extract --rules-only ONE.txt"]
    for result in results:
        assert len(result.runs) == 3 and all(seconds > 0 for seconds in result.runs)
        assert result.seconds == statistics.median(result.runs)
    # Medians of three runs, with a margin: one slow run on a loaded machine decides neither. What
    # --help imports (no spaCy) is test_startup.py's to check; here, that the figures tell it.
    help_, extract = results[2].seconds, results[3].seconds
    assert 2 * help_ < extract
    assert sum(reported) == startup_work(["rules"], runs=3) == 12


@pytest.mark.slow
def test_the_command_measures_texts_and_a_bundle_per_pipeline(cli):
    """Every option of the command reaches the measurement (text rows, the bundle row)."""
    import json

    result = cli("bench", "-n", "3", "--documents", "0", "--ocr-pages", "0", "--bundle-chars", "20000", "--json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(row["pipeline"], row["input"]) for row in rows] == [("rules", TEXT), ("rules", BUNDLE)]
    assert rows[0]["documents"] == 3 and rows[1]["characters"] >= 20000 * 0.9


@pytest.mark.slow
def test_the_profile_times_each_step_of_the_pipeline_in_its_own_process(tmp_path):
    texts = write_bench_texts(tmp_path / "texts", 4, seed=5)
    reported = []
    [result] = profile(["training/model"], data=texts, progress=reported.append)
    assert list(result.seconds) == ["tokenizer", "tok2vec", "ner", "spancat", "licex_field_rules",
                                    "licex_field_choice", "licex_clause_rules", "licex_record_builder"]
    assert all(seconds > 0 for seconds in result.seconds.values())
    characters = sum(len(path.read_text("utf-8")) for path in texts.glob("*.txt"))
    assert (result.documents, result.characters, sum(reported)) == (4, characters, 4)
    assert 0 < result.tokens < characters  # the licence tokenizer's phrase tokens
    rows = result.rows()
    assert rows[-1][0] == "total" and rows[-1][1] == pytest.approx(sum(result.seconds.values()))
    assert sum(share for name, _, _, share in rows[:-1]) == pytest.approx(1.0)
    steps = [list(column.cells) for column in profile_table(result).columns][0]
    assert steps == [*result.seconds, "total"]


@pytest.mark.slow
def test_the_command_prints_the_profile_beside_the_throughput(cli, tmp_path):
    import json

    texts = write_bench_texts(tmp_path / "texts", 2, seed=5)
    result = cli("bench", "--data", str(texts), "--documents", "0", "--ocr-pages", "0", "--bundle-chars", "0",
                 "--profile", "--json")
    assert result.exit_code == 0, result.stderr
    shown = json.loads(result.stdout)
    assert [row["pipeline"] for row in shown["throughput"]] == ["rules"]
    [rules] = shown["profile"]
    assert rules["documents"] == 2 and list(rules["seconds"])[0] == "tokenizer"
