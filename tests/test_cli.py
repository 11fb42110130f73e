"""The `licex` command end to end, as a user runs it: real files, the typer app run in this
process (the `cli` fixture), and one smoke test of the installed command in a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from licex.fields.record import LicenseRecord, published_schema

from conftest import CORPUS, DEFAULT_MODEL

RAW = CORPUS / "raw"
RECORDS = CORPUS / "records"
SEED = RAW / "002_3fa2e29c17b4fcd1.txt"


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_command_runs_as_a_process(tmp_path):
    """The one subprocess test: `python -m licex.cli` starts, extracts, writes and exits 0."""
    out = tmp_path / "pred.jsonl"
    result = subprocess.run([sys.executable, "-m", "licex.cli", "extract", str(SEED), "--rules-only", "-o", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert [r["license_no"] for r in jsonl(out.read_text("utf-8"))] == ["B2-20160073"]


def test_extract_and_evaluate_reproduce_the_gold_records(cli, tmp_path):
    out = tmp_path / "pred.jsonl"
    result = cli("extract", RAW, "--model", DEFAULT_MODEL, "-o", out)
    assert result.exit_code == 0, result.stderr
    records = jsonl(out.read_text("utf-8"))
    assert len(records) == 3
    for record in records:
        LicenseRecord.model_validate(record)
    report = cli("evaluate", "--gold", RECORDS, out, "--json")
    assert report.exit_code == 0, report.stderr
    scores = json.loads(report.stdout)
    assert scores["clauses"]["accuracy"] == 1.0
    assert scores["clauses"]["counted"] == 117
    counted = {name: s for name, s in scores["fields"].items() if s["counted"]}
    assert len(counted) == 14
    assert all(s["accuracy"] == 1.0 for s in counted.values()), counted
    assert scores["misses"] == []


def test_evidence_offsets_point_into_the_original_text(cli):
    result = cli("extract", SEED)
    record = jsonl(result.stdout)[0]
    original = SEED.read_text("utf-8")
    assert record["evidence"]
    for path, items in record["evidence"].items():
        for item in items:
            assert original[item["start"]:item["end"]] == item["text"], path
    for clause in record["clauses"]:
        assert original[clause["start"]:clause["start"] + 1] in "一二三四五六七八九十("


def test_bad_inputs_get_one_line_errors_and_the_rest_is_processed(cli, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    not_licence = tmp_path / "note.txt"
    not_licence.write_text("会议纪要：下周二讨论预算。", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    out = tmp_path / "out.jsonl"
    result = cli("extract", empty, binary, not_licence, missing, SEED, "--rules-only", "-o", out)
    assert result.exit_code == 1
    *errors, summary = result.stderr.strip().splitlines()
    assert len(errors) == 4, errors
    assert summary == f"licex: wrote 1 record to {out} (4 inputs failed)"
    for path, cause in [(empty, "empty"), (binary, "binary"), (not_licence, "no licence"), (missing, "no such file")]:
        assert any(str(path) in line and cause in line for line in errors), (path, errors)
    records = jsonl(out.read_text("utf-8"))
    assert [r["license_no"] for r in records] == ["B2-20160073"]


def test_output_is_kept_when_nothing_could_be_extracted(cli, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = cli("extract", empty, "--rules-only", "-o", out)
    assert result.exit_code == 1
    assert out.read_text("utf-8") == "previous results\n"
    assert list(tmp_path.glob(".*.tmp")) == []


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_encodings_and_stdin(cli, tmp_path, encoding):
    data = SEED.read_text("utf-8").encode(encoding)
    from_file = tmp_path / f"licence.{encoding}.txt"
    from_file.write_bytes(data)
    from_stdin = cli("extract", "-", "--rules-only", input=data)
    for result in (cli("extract", from_file, "--rules-only"), from_stdin):
        assert result.exit_code == 0, result.stderr
        record = jsonl(result.stdout)[0]
        assert record["company_name"] == "北京中录国际文化传播有限公司"
        assert record["businesses"][0]["code"] == "B25"
    assert jsonl(from_stdin.stdout)[0]["source"] == "<stdin>"


def test_formats(cli, tmp_path):
    as_json = cli("extract", SEED, "--format", "json", "--rules-only")
    assert json.loads(as_json.stdout)[0]["license_no"] == "B2-20160073"
    table = cli("extract", RAW, "--format", "table", "--rules-only", "-o", tmp_path / "t.txt")
    assert table.exit_code == 0
    text = (tmp_path / "t.txt").read_text("utf-8")
    assert "B1-20070275" in text and "B11 B12 B13 B14" in text


def test_table_fits_80_columns_and_shows_every_value_whole(cli, gold_records):
    from rich.cells import cell_len

    result = cli("extract", RAW, "--format", "table", "--rules-only", env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(map(cell_len, lines)) <= 80
    assert "…" not in result.stdout
    joined = "".join(line.rstrip() for line in lines)  # a folded value continues on the next line
    for doc_id, gold in gold_records.items():
        assert str(RAW / f"{doc_id}.txt") in joined
        for value in (gold["license_no"], gold["company_name"], gold["issue_date"], gold["expiry_date"]):
            assert value in result.stdout, value


def test_conflicting_options_and_bad_prediction_files(cli, tmp_path):
    assert cli("extract", SEED, "--rules-only", "--model", "x").exit_code == 2
    broken = tmp_path / "pred.jsonl"
    broken.write_text('{"source": "a.txt"}\n{not json\n', encoding="utf-8")
    result = cli("evaluate", "--gold", RECORDS, broken)
    assert result.exit_code == 2
    assert f"{broken}:2" in result.stderr


def test_schema_command_prints_the_published_schema(cli):
    result = cli("schema")
    assert json.loads(result.stdout) == published_schema()
