"""Corpus paths: every command that reads a corpus takes the same kinds of path, and `licex synth`
replaces only a corpus it generated itself, and only with --force."""

from __future__ import annotations

import json
import shutil

import pytest

from licex.corpus.paths import annotation_files, generated_corpus_target, is_generated_corpus
from licex.files.messages import InputError

from conftest import CORPUS


@pytest.fixture(scope="module")
def corpus_paths(tmp_path_factory):
    """The shipped corpus named each way a command accepts it."""
    from licex.corpus.convert import jsonl_to_docbin

    docbin = tmp_path_factory.mktemp("docbin") / "real.spacy"
    jsonl_to_docbin(CORPUS / "annotations", docbin)
    return {"corpus folder": CORPUS, "folder of JSONL": CORPUS / "annotations",
            "JSONL file": CORPUS / "annotations" / "real.jsonl", ".spacy file": docbin}


KINDS = ["corpus folder", "folder of JSONL", "JSONL file", ".spacy file"]


@pytest.mark.parametrize("kind", KINDS)
def test_stats_validate_and_convert_take_every_kind_of_corpus_path(cli, corpus_paths, kind, tmp_path):
    path = corpus_paths[kind]
    stats = cli("corpus", "stats", path, "--json")
    assert stats.exit_code == 0, stats.stderr
    assert json.loads(stats.stdout)["documents"] == 3
    validate = cli("corpus", "validate", path)
    assert validate.exit_code == 0, validate.stderr
    assert validate.stdout.strip() == "3 documents, all valid"
    if kind != ".spacy file":  # a .spacy source converts the other way, to JSONL
        converted = cli("convert", path, tmp_path / "out.spacy")
        assert converted.exit_code == 0, converted.stderr
        assert converted.stdout.split() == ["3", "documents", "->", str(tmp_path / "out.spacy")]


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
@pytest.mark.parametrize("kind", ["corpus folder", ".spacy file"])
def test_evaluate_takes_the_same_corpus_paths(cli, corpus_paths, kind, tmp_path):
    result = cli("evaluate", "rules", corpus_paths[kind], "-o", tmp_path, "--json")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "report.json").is_file()


def test_a_path_with_no_annotations_is_one_line_naming_it(cli, tmp_path):
    (tmp_path / "notes.txt").write_text("not annotations", encoding="utf-8")
    for command in (["corpus", "validate"], ["corpus", "stats"]):
        result = cli(*command, tmp_path)
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines() == [
            f"licex: error: {tmp_path}: no *.jsonl annotation files (give a corpus folder with annotations/, "
            "a tool corpus with manifest.json, "
            "a folder of *.jsonl, a .jsonl or a .spacy file)"]
    with pytest.raises(InputError, match="no such file or folder"):
        annotation_files(tmp_path / "missing")


def test_annotation_files_of_a_corpus_folder_are_its_annotations():
    assert annotation_files(CORPUS) == annotation_files(CORPUS / "annotations") == [CORPUS / "annotations" / "real.jsonl"]


def test_synth_refuses_a_generated_corpus_and_replaces_it_with_force(cli, tmp_path):
    out = tmp_path / "synth"
    assert cli("synth", "-n", "3", "-o", out).exit_code == 0
    assert is_generated_corpus(out)
    refused = cli("synth", "-n", "2", "-o", out)
    assert refused.exit_code == 1
    assert "holds a generated corpus already" in refused.stderr and "--force" in refused.stderr
    assert len(list((out / "raw").iterdir())) == 3
    replaced = cli("synth", "-n", "2", "-o", out, "--force")
    assert replaced.exit_code == 0, replaced.stderr
    assert sorted(p.name for p in (out / "raw").iterdir()) == ["synth_00000.txt", "synth_00001.txt"]
    assert len(list((out / "records").iterdir())) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synth"]  # nothing left beside it


def test_synth_never_deletes_a_folder_it_did_not_write(cli, tmp_path):
    out = tmp_path / "synth"
    assert cli("synth", "-n", "2", "-o", out).exit_code == 0
    mine = out / "raw" / "my_licence.txt"
    mine.write_text("an annotator's file", encoding="utf-8")
    assert not is_generated_corpus(out)
    for force in ([], ["--force"]):
        result = cli("synth", "-n", "2", "-o", out, *force)
        assert result.exit_code == 1
        assert "did not write; not touched" in result.stderr
        assert mine.read_text("utf-8") == "an annotator's file"
    shutil.copytree(CORPUS, tmp_path / "real")
    assert cli("synth", "-n", "2", "-o", tmp_path / "real", "--force").exit_code == 1
    assert (tmp_path / "real" / "annotations" / "real.jsonl").is_file()


def test_a_failed_generation_keeps_the_earlier_corpus(cli, tmp_path):
    out = tmp_path / "synth"
    assert cli("synth", "-n", "2", "-o", out).exit_code == 0
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    with pytest.raises(RuntimeError, match="interrupted"):
        with generated_corpus_target(out, force=True) as target:
            (target / "raw").mkdir()
            (target / "raw" / "synth_00000.txt").write_text("half", encoding="utf-8")
            raise RuntimeError("interrupted")
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synth"]
