"""The `licex` command end to end, as a user runs it: a real process, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from licex.record import LicenseRecord, published_schema

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "corpus" / "raw"
RECORDS = ROOT / "corpus" / "records"
SEED = RAW / "002_3fa2e29c17b4fcd1.txt"


def licex(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "licex.cli", *args], input=stdin, capture_output=True, cwd=cwd, timeout=300
    )


def jsonl(text: str | bytes) -> list[dict]:
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_extract_and_evaluate_reproduce_the_gold_records(tmp_path):
    out = tmp_path / "pred.jsonl"
    result = licex("extract", str(RAW), "-o", str(out))
    assert result.returncode == 0, result.stderr.decode()
    records = jsonl(out.read_text("utf-8"))
    assert len(records) == 3
    for record in records:
        LicenseRecord.model_validate(record)
    report = licex("evaluate", "--gold", str(RECORDS), str(out), "--json")
    assert report.returncode == 0, report.stderr.decode()
    scores = json.loads(report.stdout)
    assert scores["clauses"]["accuracy"] == 1.0
    assert scores["clauses"]["counted"] == 117
    counted = {name: s for name, s in scores["fields"].items() if s["counted"]}
    assert len(counted) == 14
    assert all(s["accuracy"] == 1.0 for s in counted.values()), counted
    assert scores["misses"] == []


def test_evidence_offsets_point_into_the_original_text(tmp_path):
    result = licex("extract", str(SEED))
    record = jsonl(result.stdout)[0]
    original = SEED.read_text("utf-8")
    assert record["evidence"]
    for path, items in record["evidence"].items():
        for item in items:
            assert original[item["start"]:item["end"]] == item["text"], path
    for clause in record["clauses"]:
        assert original[clause["start"]:clause["start"] + 1] in "一二三四五六七八九十("


def test_bad_inputs_get_one_line_errors_and_the_rest_is_processed(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "scan.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    not_licence = tmp_path / "note.txt"
    not_licence.write_text("会议纪要：下周二讨论预算。", encoding="utf-8")
    missing = tmp_path / "missing.txt"
    out = tmp_path / "out.jsonl"
    result = licex("extract", str(empty), str(binary), str(not_licence), str(missing), str(SEED), "-o", str(out))
    assert result.returncode == 1
    errors = result.stderr.decode().strip().splitlines()
    assert len(errors) == 4, errors
    for path, cause in [(empty, "empty"), (binary, "binary"), (not_licence, "no licence"), (missing, "no such file")]:
        assert any(str(path) in line and cause in line for line in errors), (path, errors)
    records = jsonl(out.read_text("utf-8"))
    assert [r["license_no"] for r in records] == ["B2-20160073"]


def test_output_is_kept_when_nothing_could_be_extracted(tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = licex("extract", str(empty), "-o", str(out))
    assert result.returncode == 1
    assert out.read_text("utf-8") == "previous results\n"
    assert list(tmp_path.glob(".*.tmp")) == []


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_encodings_and_stdin(tmp_path, encoding):
    data = SEED.read_text("utf-8").encode(encoding)
    from_file = tmp_path / f"licence.{encoding}.txt"
    from_file.write_bytes(data)
    for result in (licex("extract", str(from_file)), licex("extract", "-", stdin=data)):
        assert result.returncode == 0, result.stderr.decode()
        record = jsonl(result.stdout)[0]
        assert record["company_name"] == "北京中录国际文化传播有限公司"
        assert record["businesses"][0]["code"] == "B25"
    assert jsonl(licex("extract", "-", stdin=data).stdout)[0]["source"] == "<stdin>"


def test_formats(tmp_path):
    as_json = licex("extract", str(SEED), "--format", "json")
    assert json.loads(as_json.stdout)[0]["license_no"] == "B2-20160073"
    table = licex("extract", str(RAW), "--format", "table", "-o", str(tmp_path / "t.txt"))
    assert table.returncode == 0
    text = (tmp_path / "t.txt").read_text("utf-8")
    assert "B1-20070275" in text and "B11 B12 B13 B14" in text


def test_conflicting_options_and_bad_prediction_files(tmp_path):
    assert licex("extract", str(SEED), "--rules-only", "--model", "x").returncode == 2
    broken = tmp_path / "pred.jsonl"
    broken.write_text('{"source": "a.txt"}\n{not json\n', encoding="utf-8")
    result = licex("evaluate", "--gold", str(RECORDS), str(broken))
    assert result.returncode == 2
    assert f"{broken}:2" in result.stderr.decode()


def test_schema_command_prints_the_published_schema():
    result = licex("schema")
    assert json.loads(result.stdout) == published_schema()
