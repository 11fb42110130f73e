"""The names of `licex extract --text-dir`'s texts (issue 29 §2): each input's path below the
inputs' common folder, its suffix replaced by .txt; where two would meet, each keeps its suffix
(licex.files.outputs.TextDirNames; docs/cli.md). `licex review` finds them again."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS
from licex.files.inputs import STDIN_NAME
from licex.files.outputs import TextDirNames

SEED = CORPUS / "raw" / "002_3fa2e29c17b4fcd1.txt"
OTHER = CORPUS / "raw" / "001_093c3da1120a2424.txt"


def _names(sources: list[str]) -> list[str]:
    names = TextDirNames(sources)
    return [names.name(source) for source in sources]


@pytest.mark.parametrize(("sources", "names"), [
    (["corpus/raw/a.txt", "corpus/raw/b.txt"], ["a.txt", "b.txt"]),  # a text keeps its name
    (["scans/lic.pdf"], ["lic.txt"]),
    (["scans/2024/lic.pdf", "scans/2025/lic.pdf", "scans/x.png"], ["2024/lic.txt", "2025/lic.txt", "x.txt"]),
    (["/abs/a/lic.jpg", "/abs/b/c/lic.jpg"], ["a/lic.txt", "b/c/lic.txt"]),
    (["d/lic.pdf", "d/lic.png", "d/other.pdf"], ["lic.pdf.txt", "lic.png.txt", "other.txt"]),  # one name: suffixes kept
    (["d/lic.pdf", STDIN_NAME], ["lic.txt", "stdin.txt"]),
])
def test_a_text_is_named_by_its_input_below_the_common_folder(sources, names):
    assert _names(sources) == names


def test_the_names_do_not_depend_on_the_order_of_the_inputs():
    sources = ["s/a/x.pdf", "s/b/x.pdf", "s/b/y.png", "s/b/y.gif"]
    assert sorted(_names(sources)) == sorted(_names(sources[::-1]))


def test_review_tries_every_name_a_run_may_have_given():
    assert TextDirNames.candidates("scans/2024/lic.pdf") == [
        "lic.txt", "lic.pdf.txt", "2024/lic.txt", "2024/lic.pdf.txt", "scans/2024/lic.txt", "scans/2024/lic.pdf.txt"]
    assert TextDirNames.candidates(STDIN_NAME) == ["stdin.txt"]


def _licence(path, source=SEED):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(source.read_bytes())
    return path


def test_a_folder_of_subfolders_gives_the_same_tree_of_texts_and_review_finds_them(cli, tmp_path):
    inputs = tmp_path / "in"
    _licence(inputs / "2024" / "lic.txt")
    _licence(inputs / "2025" / "lic.txt", OTHER)
    texts, predictions = tmp_path / "texts", tmp_path / "pred.jsonl"
    result = cli("extract", inputs, "--rules-only", "-o", predictions, "--text-dir", texts)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(texts).as_posix() for p in texts.rglob("*") if p.is_file()) == ["2024/lic.txt", "2025/lic.txt"]
    assert (texts / "2025" / "lic.txt").read_bytes() == OTHER.read_bytes()
    review = cli("review", predictions, "--text-dir", texts, "-o", tmp_path / "review")
    assert review.exit_code == 0 and review.stderr == "", review.stderr
    pages = [p.read_text("utf-8") for p in (tmp_path / "review" / "licences").iterdir()]
    assert len(pages) == 2 and all('<pre class="text">' in page for page in pages)


def test_a_subfolder_of_the_text_dir_that_leads_out_is_never_written_through(cli, tmp_path):
    inputs, texts, outside = tmp_path / "in", tmp_path / "texts", tmp_path / "outside"
    _licence(inputs / "a" / "lic.txt")
    _licence(inputs / "b" / "lic.txt", OTHER)
    outside.mkdir()
    texts.mkdir()
    (texts / "a").symlink_to(outside)
    result = cli("extract", inputs, "--rules-only", "--text-dir", texts)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line == f"licex: error: {texts / 'a'}: leads out of {texts} (to {outside}); not written"
    assert list(outside.iterdir()) == [] and (texts / "b" / "lic.txt").exists()
    assert [json.loads(r)["source"] for r in result.stdout.splitlines()] == [str(inputs / "b" / "lic.txt")]
