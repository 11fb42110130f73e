"""`licex extract --workers N`: the same output as one process, byte for byte, in the same order,
with the same one-line errors naming their files, whatever the input mixes (several licences,
a bundle of two, a text that is no licence, a file that cannot be read)."""

from __future__ import annotations

import json
import pickle

import pytest

from licex.jobs import parallel
from licex.files.messages import InputError, OutputError

DEFAULT_MODEL_ARGS = ("--model", "training/model")


LICENCES = 19


@pytest.fixture(autouse=True)
def small_tasks(monkeypatch):
    """Two files a task: the folder below makes more tasks than are kept in flight, so results
    come back while files are still read, as in a long run."""
    monkeypatch.setattr(parallel, "FILES_PER_TASK", 2)


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory, generated):
    """Licences, a bundle of two, and bad files."""
    folder = tmp_path_factory.mktemp("mixed")
    texts = [text for text, _, _ in generated(7, LICENCES)]
    for i, text in enumerate(texts):
        (folder / f"{i:03d}.txt").write_text(text, "utf-8")
    (folder / "005_bundle.txt").write_text("\n\n".join(texts[:2]), "utf-8")  # two licences in one file
    (folder / "007_notice.txt").write_text("本公司定于下周一召开年度股东大会，请各位股东准时出席。\n", "utf-8")
    (folder / "011_empty.txt").write_bytes(b"")
    return folder


def _error_lines(stderr: str) -> list[str]:
    return sorted(line for line in stderr.splitlines() if line.startswith("licex: error: "))


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
@pytest.mark.parametrize("output_format", ["jsonl", "json"])
def test_two_workers_give_the_records_and_errors_of_one(cli, mixed_folder, tmp_path, output_format):
    runs = {}
    for workers in (1, 2):
        texts = tmp_path / f"texts{workers}"
        runs[workers] = cli("extract", mixed_folder, "--rules-only", "--workers", workers, "--format", output_format,
                            "--review-below", "0.9", "--text-dir", texts)
    one, two = runs[1], runs[2]
    assert one.exit_code == two.exit_code == 1  # the bad files fail the run; the others are extracted
    assert two.stdout == one.stdout
    records = json.loads(one.stdout) if output_format == "json" else [json.loads(line) for line in one.stdout.splitlines()]
    assert len(records) == LICENCES + 2  # each licence, and the bundle's two
    assert [r["part"] for r in records if r["source"].endswith("bundle.txt")] == [1, 2]
    errors = _error_lines(two.stderr)
    assert errors == _error_lines(one.stderr)
    assert errors == [f"licex: error: {mixed_folder / '007_notice.txt'}: no licence found (no licence title or number with the words that grant a licence)",
                      f"licex: error: {mixed_folder / '011_empty.txt'}: file is empty"]
    written = sorted(path.name for path in (tmp_path / "texts2").iterdir())
    assert written == sorted(path.name for path in (tmp_path / "texts1").iterdir()) and len(written) == LICENCES + 2  # the empty file is not read


def test_an_input_error_crosses_processes_whole():
    for error in (InputError("a.txt", "file is empty"), OutputError("out.jsonl", "is a folder")):
        copy = pickle.loads(pickle.dumps(error))
        assert (type(copy), copy.name, copy.cause, str(copy)) == (type(error), error.name, error.cause, str(error))


@pytest.mark.slow
def test_two_workers_with_the_default_model_give_the_records_of_one(cli, mixed_folder):
    one = cli("extract", mixed_folder, *DEFAULT_MODEL_ARGS)
    two = cli("extract", mixed_folder, *DEFAULT_MODEL_ARGS, "--workers", "2")
    assert one.exit_code == two.exit_code == 1
    assert two.stdout == one.stdout and one.stdout
    assert _error_lines(two.stderr) == _error_lines(one.stderr)
