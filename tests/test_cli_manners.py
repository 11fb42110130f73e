"""The `licex` command's manners (issue 29 §2, §4): `--version`, `-h` everywhere, review taking
what extract writes (JSONL or a JSON array), a missing path told before the model loads, and one
summary line after `extract -o FILE`."""

from __future__ import annotations

import json
import re
from importlib.metadata import version

import pytest
import typer

from conftest import CORPUS

SEED = CORPUS / "raw" / "002_3fa2e29c17b4fcd1.txt"


def test_version_prints_the_installed_version(cli):
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"licex {version('licex')}\n"


def _command_paths(command, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [path]
    if hasattr(command, "commands"):  # a group
        for name, sub in command.commands.items():
            paths += _command_paths(sub, (*path, name))
    return paths


def test_h_is_help_on_the_app_and_every_command(cli):
    from licex.cli import app

    paths = _command_paths(typer.main.get_command(app))
    assert len(paths) > 10
    for path in paths:
        short = cli(*path, "-h")
        assert short.exit_code == 0, (path, short.stderr)
        assert "Usage:" in short.stdout and " -h " in short.stdout, path
    assert cli("-h").stdout == cli("--help").stdout


# typer's type tags: <bool>, <path>, <list[str]>, <int range>, <jsonl|json|table>, {paths}
TYPE_TAG = re.compile(r"<[a-z][a-z_ |\[\],]*>|\{[a-z_]+\}")


def test_no_command_help_shows_type_tags(cli):
    from licex.cli import app

    for path in _command_paths(typer.main.get_command(app)):
        shown = cli(*path, "--help").stdout
        assert not TYPE_TAG.search(shown), (path, TYPE_TAG.search(shown)[0])


def test_help_names_values_as_click_does(cli):
    shown = cli("extract", "--help").stdout
    assert "Usage: licex extract [OPTIONS] PATHS..." in shown
    assert re.search(r"--format +\[jsonl\|json\|table\]", shown)
    assert re.search(r"--workers +INTEGER \[x>=1\]", shown)
    assert re.search(r"--text-dir +PATH", shown)
    assert re.search(r"--rules-only +Use only", shown)  # a flag takes no value
    assert "Missing argument 'PATHS'" in cli("extract").stderr


@pytest.fixture
def loader_fails(monkeypatch):
    """The model loader, made to fail: a test that reaches it fails."""
    from licex.jobs import pipeline

    def load_pipeline(*args, **kwargs):
        raise AssertionError("the pipeline was loaded")

    monkeypatch.setattr(pipeline, "load_pipeline", load_pipeline)


@pytest.mark.parametrize("options", [(), ("--rules-only",), ("-o", "out.jsonl")])
def test_a_missing_path_is_told_before_the_model_loads(cli, tmp_path, loader_fails, options):
    missing = tmp_path / "missing.txt"
    options = tuple(str(tmp_path / o) if o.endswith(".jsonl") else o for o in options)
    result = cli("extract", missing, *options)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("licex: error: ") and str(missing) in lines[0] and "no such file" in lines[0]
    assert result.stdout == ""
    assert not (tmp_path / "out.jsonl").exists()


def test_the_missing_path_is_told_before_the_other_inputs_load_the_model(cli, tmp_path, loader_fails):
    missing = tmp_path / "missing.txt"
    with pytest.raises(AssertionError, match="the pipeline was loaded"):
        cli("extract", missing, SEED)


def _extracted(cli, tmp_path, output_format: str):
    out = tmp_path / f"records.{output_format}"
    result = cli("extract", SEED, "--rules-only", "--format", output_format, "-o", out)
    assert result.exit_code == 0, result.stderr
    return out


@pytest.mark.parametrize("output_format", ["json", "jsonl"])
def test_review_takes_what_extract_writes(cli, tmp_path, output_format):
    out = _extracted(cli, tmp_path, output_format)
    if output_format == "json":
        assert isinstance(json.loads(out.read_text("utf-8")), list)
    result = cli("review", out, "-o", tmp_path / "review")
    assert result.exit_code == 0, result.stderr
    assert "1 licence page(s)" in result.stdout
    assert (tmp_path / "review" / "licences" / f"{SEED.stem}.html").is_file()


@pytest.mark.parametrize(("content", "error"), [
    ("[{\"source\": \"a.txt\"}, 3]\n", "records.json:1: not a JSON object but a list"),
    ("[{\"source\": \"a.txt\"},\n", "records.json:1: invalid JSON"),
    ("{\"source\": \"a.txt\"} x\n", "records.json:1: invalid JSON"),
])
def test_review_of_neither_json_nor_jsonl_keeps_its_one_line_error(cli, tmp_path, content, error):
    records = tmp_path / "records.json"
    records.write_text(content, "utf-8")
    result = cli("review", records, "-o", tmp_path / "review")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("licex: error: ") and error in line, line


def test_a_record_of_an_array_that_is_no_record_is_named_by_its_number(cli, tmp_path):
    records = tmp_path / "records.json"
    records.write_text(json.dumps([{"source": "a.txt"}, {"source": "b.txt", "websites": 3}]), "utf-8")
    result = cli("review", records, "-o", tmp_path / "review")
    assert result.exit_code == 2
    assert f"{records}: record 2: `websites`" in result.stderr


def test_extract_to_a_file_ends_with_one_summary_line(cli, tmp_path):
    out, missing = tmp_path / "out.jsonl", tmp_path / "missing.txt"
    result = cli("extract", SEED, missing, "--rules-only", "-o", out)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "no such file" in lines[0]
    assert lines[1] == f"licex: wrote 1 record to {out} (1 input failed)"
    result = cli("extract", SEED.parent, "--rules-only", "-o", out)
    assert result.exit_code == 0
    assert result.stderr.strip().splitlines() == [f"licex: wrote 3 records to {out}"]


@pytest.mark.parametrize("to_stdout", [(), ("-o", "-")])
def test_extract_to_stdout_adds_no_line(cli, to_stdout):
    result = cli("extract", SEED, "--rules-only", *to_stdout)
    assert result.exit_code == 0
    assert result.stderr == "" and json.loads(result.stdout)["license_no"] == "B2-20160073"
