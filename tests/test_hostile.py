"""Hostile input (issue 10): every bad case a one-line error naming the file and the cause, nothing
lost, nothing invented. In process with CliRunner; one subprocess test (stdin closed)."""

from __future__ import annotations

import errno
import http.server
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import srsly
from typer.testing import CliRunner

from licex import cli
from licex.files import inputs, outputs
from licex.jobs.bundles import extract_licences, licence_spans
from licex.corpus.annotations import AnnotatedText, read_annotations, write_annotations
from licex.corpus.synth import generate
from licex.text.detection import detect_licence
from licex.files.inputs import InputSource
from licex.files.messages import InputError
from licex.fields.normalize import parse_money
from licex.fields.record import LicenseRecord

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "corpus" / "raw"
RECORDS = ROOT / "corpus" / "records"
SEED = RAW / "002_3fa2e29c17b4fcd1.txt"
NON_LICENCES = Path(__file__).parent / "data" / "non_licences.jsonl"
LINE_SEPARATORS = ["\u2028", "\u2029", "\u0085", "\v", "\f", "\x1c", "\x1d", "\x1e", "\r"]


def run(*args: str, input: str | bytes | None = None):
    result = CliRunner().invoke(cli.app, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def error_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def records_of(path: Path) -> list[dict]:
    return list(srsly.read_jsonl(path))


@pytest.fixture(scope="module")
def synth_dir(tmp_path_factory) -> Path:
    """100 synthetic licences: 50 as `licex synth` makes them, 50 with every field label damaged."""
    out = tmp_path_factory.mktemp("synth")
    generate(50, out / "plain", seed=21)
    generate(50, out / "damaged", seed=22, damaged=1.0)
    return out


# -- data lost or overwritten --------------------------------------------------------------------


def test_output_that_is_an_input_is_refused_before_any_work(tmp_path):
    licence = tmp_path / "lic.txt"
    licence.write_text(SEED.read_text("utf-8"), "utf-8")
    before = licence.read_bytes()
    result = run("extract", str(licence), "--rules-only", "-o", str(licence))
    assert result.exit_code == 2
    assert error_lines(result) == [f"licex: error: {licence}: is also an input; licex would overwrite it"]
    assert licence.read_bytes() == before


def test_output_inside_an_input_folder_is_refused(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "lic.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    out = tmp_path / "in" / "sub" / "out.txt"
    result = run("extract", str(tmp_path / "in"), "--rules-only", "-o", str(out))
    assert result.exit_code == 2
    assert "lies inside the input folder" in result.stderr
    assert not out.exists()


def test_licex_output_is_never_read_as_a_licence(tmp_path):
    out = tmp_path / "out.jsonl"
    assert run("extract", str(SEED), "--rules-only", "-o", str(out)).exit_code == 0
    as_text = tmp_path / "out.txt"  # renamed so that a folder read would pick it up
    as_text.write_bytes(out.read_bytes())
    result = run("extract", str(as_text), "--rules-only")
    assert result.exit_code == 1
    assert error_lines(result) == [f"licex: error: {as_text}: JSON data (licex output?), not a licence text"]
    assert result.stdout == ""


def test_a_bundle_gives_one_record_per_licence_with_offsets_into_the_file(tmp_path, synth_dir):
    texts = [p.read_text("utf-8") for p in sorted((synth_dir / "plain" / "raw").glob("*.txt"))[:3]]
    bundle = tmp_path / "pack.txt"
    bundle.write_text("\n\n".join(texts), "utf-8")
    out = tmp_path / "out.jsonl"
    result = run("extract", str(bundle), "--rules-only", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    records = records_of(out)
    gold = [srsly.read_json(p) for p in sorted((synth_dir / "plain" / "records").glob("*.json"))[:3]]
    assert [r["license_no"] for r in records] == [g["license_no"] for g in gold]
    assert [r["part"] for r in records] == [1, 2, 3]
    whole = bundle.read_text("utf-8")
    starts = [0, len(texts[0]) + 2, len(texts[0]) + len(texts[1]) + 4]
    for record, start, text in zip(records, starts, texts):
        for items in record["evidence"].values():
            for item in items:
                assert whole[item["start"]:item["end"]] == item["text"]
                assert start <= item["start"] < start + len(text) + 2
        for clause in record["clauses"]:
            assert start <= clause["start"] < clause["end"] <= start + len(text) + 2


def test_repeated_titles_and_numbers_of_one_licence_do_not_split_it(synth_dir):
    for path in sorted(synth_dir.glob("*/raw/*.txt")):
        assert len(licence_spans(path.read_text("utf-8"))) == 1, path
    for path in RAW.glob("*.txt"):
        assert len(licence_spans(path.read_text("utf-8"))) == 1, path


def test_a_licence_too_long_gets_one_line_and_the_others_are_processed(rules_nlp, monkeypatch):
    short = SEED.read_text("utf-8")
    long = short * 40  # one licence (one number), far over the limit below
    monkeypatch.setattr(rules_nlp, "max_length", len(short) * 2)
    results = list(extract_licences(rules_nlp, [("long.txt", long), ("short.txt", short)]))
    (long_part, error), (short_part, record) = results
    assert isinstance(error, InputError) and "\n" not in str(error)
    assert str(error).startswith("long.txt: a licence of") and "too long to process" in str(error)
    assert LicenseRecord.model_validate(record).license_no == "B2-20160073"


def test_looped_and_dangling_links_are_named_and_fail(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "lic.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "gone.txt").symlink_to(tmp_path / "missing.txt")
    out = tmp_path / "out.jsonl"
    result = run("extract", str(folder), "--rules-only", "-o", str(out))
    assert result.exit_code == 1
    lines = error_lines(result)
    assert f"licex: error: {folder / 'loop.txt'}: symbolic link loop" in lines
    assert any(line.startswith(f"licex: error: {folder / 'gone.txt'}: dangling symbolic link") for line in lines)
    assert len(records_of(out)) == 1


@pytest.mark.parametrize("name", ["x[/b]name.txt", "[red]hidden.txt", "[bold]x[/bold].txt"])
def test_file_names_with_rich_markup_are_shown_as_they_are(tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)  # relative names: short enough for a table cell
    Path(name).parent.mkdir(parents=True, exist_ok=True)
    Path(name).write_text(SEED.read_text("utf-8"), "utf-8")
    empty = f"{name}.empty.txt"
    Path(empty).write_bytes(b"")
    result = run("extract", name, empty, "--rules-only", "-o", "out.jsonl")
    assert result.exit_code == 1
    assert error_lines(result) == [f"licex: error: {empty}: file is empty",
                                   "licex: wrote 1 record to out.jsonl (1 input failed)"]
    assert [r["source"] for r in records_of(Path("out.jsonl"))] == [name]
    table = run("extract", name, "--rules-only", "--format", "table", "-o", "table.txt")
    assert table.exit_code == 0
    assert name in Path("table.txt").read_text("utf-8")


def test_a_file_name_with_a_newline_is_escaped(tmp_path):
    broken = tmp_path / "two\nlines.txt"
    broken.write_bytes(b"")
    result = run("extract", str(broken), "--rules-only")
    assert error_lines(result) == [f"licex: error: {tmp_path}/two\\nlines.txt: file is empty"]


def test_label_and_span_messages_with_brackets_are_not_cut(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [{"id": 1, "text": "公司名称:北京某某科技有限公司", "label": [[5, 15, "[/x]"]]},
             {"id": 2, "text": "公司名称", "label": [[0, 2]]}]
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8")
    result = run("corpus", "validate", str(path))
    assert result.exit_code == 1
    assert f"licex: error: {path}:1: unknown label '[/x]' in 'label' at [5, 15]" in error_lines(result)
    assert (f"licex: error: {path}:2: malformed span [0, 2] in 'label' (expected [start, end, label] "
            "or an object with start_offset, end_offset and label)") in error_lines(result)


@pytest.mark.parametrize("separator", LINE_SEPARATORS, ids=[f"U+{ord(c):04X}" for c in LINE_SEPARATORS])
def test_jsonl_round_trip_with_every_line_separator(tmp_path, separator):
    text = f"公司名称:北京某某科技有限公司{separator}第二行"
    example = AnnotatedText("a", text, [(5, 15, "COMPANY")], [], {"origin": "synthetic"})
    source = tmp_path / "a.jsonl"
    write_annotations(source, [example])
    assert read_annotations(source) == [example]
    docbin, back = tmp_path / "a.spacy", tmp_path / "back.jsonl"
    assert run("convert", str(source), str(docbin)).exit_code == 0
    assert run("convert", str(docbin), str(back)).exit_code == 0
    result = run("corpus", "validate", str(back))
    assert result.exit_code == 0, result.stderr
    assert read_annotations(back) == [example]


# -- tracebacks instead of a one-line error ------------------------------------------------------


def test_an_unwritable_output_fails_before_extraction(tmp_path, monkeypatch):
    parent_is_a_file = tmp_path / "file.txt"
    parent_is_a_file.write_text("x", "utf-8")

    def no_extraction(*args, **kwargs):
        raise AssertionError("extraction started before the output was checked")

    monkeypatch.setattr("licex.jobs.bundles.extract_licences", no_extraction)
    result = run("extract", str(SEED), "--rules-only", "-o", str(parent_is_a_file / "out.jsonl"))
    assert result.exit_code == 2
    assert error_lines(result) == [f"licex: error: {parent_is_a_file / 'out.jsonl'}: cannot write: {str(parent_is_a_file)!r} is not a folder"]

    def read_only(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(outputs, "open", read_only, raising=False)
    out = tmp_path / "ro" / "out.jsonl"
    result = run("extract", str(SEED), "--rules-only", "-o", str(out))
    assert result.exit_code == 2
    assert error_lines(result) == [f"licex: error: {out}: cannot write: permission denied"]


class _FullDisk:
    """A file handle on a full disk: the first write fails with ENOSPC."""

    def __init__(self, path, *args, **kwargs):
        self.handle = open(path, *args, **kwargs)

    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.handle, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.handle.close()


def test_a_full_disk_is_one_line_and_keeps_the_old_output(tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    out.write_text("previous results\n", "utf-8")
    monkeypatch.setattr(outputs, "open", _FullDisk, raising=False)
    result = run("extract", str(SEED), "--rules-only", "-o", str(out))
    assert result.exit_code == 1
    assert error_lines(result) == [f"licex: error: {out}: cannot write: no space left on device"]
    assert out.read_text("utf-8") == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_convert_on_a_full_disk_is_one_line_and_leaves_no_partial(tmp_path, monkeypatch):
    source = tmp_path / "a.jsonl"
    write_annotations(source, [AnnotatedText("a", "公司名称:北京某某科技有限公司", [(5, 15, "COMPANY")])])

    def full(self, path):
        Path(path).write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("spacy.tokens.DocBin.to_disk", full)
    result = run("convert", str(source), str(tmp_path / "a.spacy"))
    assert result.exit_code == 1
    assert error_lines(result) == [f"licex: error: {tmp_path / 'a.spacy'}: cannot write: no space left on device"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]
    monkeypatch.setattr(outputs, "open", _FullDisk, raising=False)
    result = run("convert", str(source), str(tmp_path / "b.jsonl"))
    assert error_lines(result) == [f"licex: error: {tmp_path / 'b.jsonl'}: cannot write: no space left on device"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


def test_temporaries_of_a_killed_writer_are_removed_by_the_next_run(tmp_path):
    out = tmp_path / "out.jsonl"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".out.jsonl.{dead.stdout.strip()}.0badf00d.licex-tmp"
    stale.write_text("half a record", "utf-8")
    alive = tmp_path / f".out.jsonl.{os.getpid()}.0badf00d.licex-tmp"  # a writer still at work
    alive.write_text("being written", "utf-8")
    assert run("extract", str(SEED), "--rules-only", "-o", str(out)).exit_code == 0
    assert not stale.exists() and alive.exists()


def test_evaluate_with_a_missing_or_ill_typed_prediction_file(tmp_path):
    missing = tmp_path / "pred.jsonl"
    result = run("evaluate", "--gold", str(RECORDS), str(missing))
    assert result.exit_code == 2
    assert error_lines(result) == [f"licex: error: {missing}: cannot read: no such file or directory"]
    for line, cause in [({"source": "a.txt", "websites": "example.com"}, "`websites`: Input should be a valid list"),
                        ({"source": "a.txt", "clauses": {"一": "x"}}, "`clauses`: Input should be a valid list")]:
        path = tmp_path / "bad.jsonl"
        path.write_text('{"source": "b.txt"}\n' + json.dumps(line) + "\n", "utf-8")
        result = run("evaluate", "--gold", str(RECORDS), str(path))
        assert result.exit_code == 2
        [message] = error_lines(result)
        assert message.startswith(f"licex: error: {path}:2: {cause}")


class _NotDoccano(http.server.BaseHTTPRequestHandler):
    """A server that speaks JSON but is not doccano: logs anyone in, then answers `body`."""

    body = b"[]"

    def do_POST(self):  # the login
        self._answer(b"{}")

    def do_GET(self):
        self._answer(self.body)

    def _answer(self, body):
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("body, found", [(b"[1, 2]", "a list instead of an object"),
                                         (b'{"results": 5}', "'results' is the number 5"),
                                         (b'{"results": ["x"]}', "a project that is not an object")])
def test_a_json_server_that_is_not_doccano(body, found):
    handler = type("Handler", (_NotDoccano,), {"body": body})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}"
        result = run("doccano", "status", "--project", "p", "--url", url, "--username", "u", "--password", "pw")
    finally:
        server.shutdown()
    assert result.exit_code == 1
    assert error_lines(result) == [f"licex: error: listing projects at {url}: {url} does not answer like a "
                                   f"doccano 1.8 server ({found})"]


@pytest.mark.slow
def test_stdin_closed_is_one_line():
    # The one subprocess test: only a real process can start with its stdin closed.
    result = subprocess.run([sys.executable, "-m", "licex.cli", "extract", "-", "--rules-only"],
                            capture_output=True, text=True, preexec_fn=lambda: os.close(0), timeout=300)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["licex: error: <stdin>: stdin is closed"]


def test_stdin_none_in_process(monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    with pytest.raises(InputError, match=r"^<stdin>: stdin is closed$"):
        InputSource("<stdin>", None).read()


def test_schema_to_an_unwritable_place_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    result = run("schema", "-o", str(blocker / "schema.json"))
    assert result.exit_code == 1
    assert error_lines(result) == [f"licex: error: {blocker / 'schema.json'}: cannot write: {str(blocker)!r} is not a folder"]


def test_an_unexpected_error_prints_one_line_and_logs_the_traceback(monkeypatch, capsys, tmp_path):
    def broken(*args, **kwargs):
        raise RuntimeError("the unexpected")

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr("licex.fields.record.json_schema", broken)
    monkeypatch.setattr(sys, "argv", ["licex", "schema"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 70
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("licex: error: unexpected error: RuntimeError: the unexpected (the traceback is in ")
    log = Path(line.rsplit("the traceback is in ", 1)[1].rstrip(")"))
    assert log.parent == tmp_path / "licex" / "logs"
    assert "Traceback" in log.read_text("utf-8") and "the unexpected" in log.read_text("utf-8")


# -- wrong or invented values --------------------------------------------------------------------


def test_no_field_is_filled_for_fifty_non_licence_texts(rules_nlp):
    rows = list(srsly.read_jsonl(NON_LICENCES))
    assert len(rows) == 50
    texts = [(f"{row['kind']}-{i}.txt", row["text"]) for i, row in enumerate(rows)]
    results = list(extract_licences(rules_nlp, texts))
    assert len(results) == 50
    for part, result in results:
        assert isinstance(result, InputError), (part.source, result)
        assert "no licence found" in str(result)


def test_real_synthetic_and_damaged_licences_are_detected(synth_dir):
    texts = [p.read_text("utf-8") for p in [*sorted(RAW.glob("*.txt")), *sorted(synth_dir.glob("*/raw/*.txt"))]]
    assert len(texts) == 103
    missed = [text[:80] for text in texts if not detect_licence(text).is_licence]
    assert missed == []


def test_traditional_characters_are_read_as_simplified(rules_nlp):
    assert parse_money("人民幣壹仟萬元").model_dump() == {"amount": 10_000_000, "currency": "CNY"}
    assert parse_money("港幣500萬元").model_dump() == {"amount": 5_000_000, "currency": "HKD"}
    from licex.text.hanzi import to_simplified

    simplified = SEED.read_text("utf-8")
    traditional = simplified.replace("经营许可证编号", "經營許可證編號").replace("人民币壹仟万元", "人民幣壹仟萬元") \
        .replace("公司名称", "公司名稱").replace("注册资本", "註冊資本").replace("发证日期", "發證日期")
    assert to_simplified("显著 乾坤 於是") == "显著 乾坤 於是"  # characters simplified Chinese uses stay
    [record, expected] = [LicenseRecord.model_validate(finished) for text in (traditional, simplified)
                          for _, finished in extract_licences(rules_nlp, [("trad.txt", text)])]
    assert record.license_no == expected.license_no == "B2-20160073"
    assert record.registered_capital_cny == expected.registered_capital_cny == 10_000_000
    assert record.company_name == expected.company_name and record.issue_date == expected.issue_date
    for items in record.evidence.values():
        for item in items:
            assert len(traditional[item.start:item.end]) == len(item.text)


@pytest.mark.parametrize("encoding", ["utf-8", "gbk"])
def test_a_file_cut_mid_character_is_read_with_a_warning(tmp_path, encoding):
    text = SEED.read_text("utf-8").rstrip()
    data = text.encode(encoding)
    cut = data[:-1]  # the last character (a Chinese one) loses its last byte
    last_character_at = len(data) - len(text[-1].encode(encoding))
    path = tmp_path / "cut.txt"
    path.write_bytes(cut)
    result = run("extract", str(path), "--rules-only")
    assert result.exit_code == 0
    [warning] = error_lines(result)
    assert warning.startswith(f"licex: warning: {path}: the file ends inside a character (cut at byte {last_character_at})")
    assert json.loads(result.stdout)["license_no"] == "B2-20160073"


def test_a_truncated_character_in_the_middle_is_still_refused():
    data = "北京".encode("utf-8")[:-1] + "公司名称".encode("utf-8") * 20
    with pytest.raises(InputError, match="cannot decode"):
        inputs.decode_text(data + b"\xff\xfe\xfd", "x.txt")


@pytest.mark.parametrize("line, problem", [
    ({"id": 1, "text": "公司名称:北京", "label": [[True, 7, "COMPANY"]]}, "malformed span [true, 7, \"COMPANY\"]"),
    ({"id": 1, "text": 5}, "text must be a string, not the number 5"),
    ({"id": 1, "text": ["a"]}, "text must be a string, not a list"),
    ({"id": 1}, "no text"),
    ({"id": 1, "text": " "}, "empty text"),
])
def test_annotation_problems_give_the_exact_cause(tmp_path, line, problem):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", "utf-8")
    result = run("corpus", "validate", str(path))
    assert result.exit_code == 1
    [message] = error_lines(result)
    assert message.startswith(f"licex: error: {path}:1: {problem}")
