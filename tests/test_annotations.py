"""The annotation format: every validation error names file and line; conversions keep everything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import srsly

from licex.corpus.annotations import (
    AnnotatedText,
    AnnotationError,
    read_annotation_dir,
    read_annotations,
    read_docbin,
    to_docbin,
    write_annotations,
)
from licex.corpus.convert import docbin_to_jsonl, in_dev, jsonl_to_docbin, jsonl_to_split

ROOT = Path(__file__).resolve().parent.parent
ANNOTATIONS = ROOT / "corpus" / "annotations"
TEXT = "经营许可证编号: B2-20160073\n公司名称:  北京某某科技有限公司\n"
GOOD = {"id": "a", "text": TEXT, "label": [[9, 20, "LICENSE_NO"], [28, 38, "COMPANY"]], "clauses": []}


def write_lines(path: Path, *lines: object) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines) + "\n",
                    encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(AnnotationError) as caught:
        read_annotations(path)
    return caught.value.problems


def test_a_good_line_reads():
    assert TEXT[9:20] == "B2-20160073" and TEXT[28:38] == "北京某某科技有限公司"


@pytest.mark.parametrize(
    "line, expected",
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ({**GOOD, "text": "  "}, "empty text"),
        ({**GOOD, "label": [[9, 999, "LICENSE_NO"]]}, "out of range"),
        ({**GOOD, "label": [[8, 20, "LICENSE_NO"]]}, "leading or trailing whitespace"),
        ({**GOOD, "label": [[26, 38, "COMPANY"]]}, "leading or trailing whitespace"),
        ({**GOOD, "label": [[9, 20, "LICENSE_NO"], [15, 29, "COMPANY"]]}, "overlaps"),
        ({**GOOD, "label": [[9, 20, "LICENSE_NUMBER"]]}, "unknown label 'LICENSE_NUMBER'"),
        ({**GOOD, "label": [[9, 20]]}, "malformed span"),
        ({**GOOD, "label": "B2"}, "must be a list"),
        ({k: v for k, v in GOOD.items() if k != "id"}, "no id"),
    ],
)
def test_each_validation_error_names_file_and_line(tmp_path, line, expected):
    path = write_lines(tmp_path / "a.jsonl", {**GOOD, "id": "first"}, line)
    problems = problems_of(path)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:2: ")
    assert expected in problems[0]


def test_span_inside_a_whitespace_token_is_off_token_boundaries(tmp_path):
    # Two spaces form one whitespace token; an offset between them is no token boundary.
    text = "公司名称:  北京某某科技有限公司"
    path = write_lines(tmp_path / "a.jsonl", {"id": 1, "text": text, "label": [[6, 17, "COMPANY"]]})
    assert "not on token boundaries" in problems_of(path)[0] or "whitespace" in problems_of(path)[0]
    tricky = "公司名称:  \t北京"
    path = write_lines(tmp_path / "b.jsonl", {"id": 1, "text": tricky, "label": [[7, 10, "COMPANY"]]})
    assert any("token boundaries" in p or "whitespace" in p for p in problems_of(path))


def test_duplicate_ids_within_and_across_files(tmp_path):
    path = write_lines(tmp_path / "a.jsonl", GOOD, GOOD)
    assert f"duplicate id 'a' (first at {path}:1)" in problems_of(path)[0]
    write_lines(tmp_path / "a.jsonl", GOOD)
    write_lines(tmp_path / "b.jsonl", GOOD)
    with pytest.raises(AnnotationError, match="duplicate id 'a'"):
        read_annotation_dir(tmp_path)


def test_all_problems_are_reported_not_only_the_first(tmp_path):
    path = write_lines(tmp_path / "a.jsonl", "{bad", GOOD, {**GOOD, "id": "b", "label": [[0, 3, "NOPE"]]})
    problems = problems_of(path)
    assert [p.split(": ")[0] for p in problems] == [f"{path}:1", f"{path}:3"]


def test_doccano_export_with_clause_labels_under_label_is_accepted(tmp_path):
    text = "一、你公司应当在每年第一季度参加电信主管部门组织的经营许可证年报。"
    line = {"id": 7, "text": text, "label": [[0, len(text), "GEN_ANNUAL_REPORT"]], "meta": {"x": 1}}
    example = read_annotations(write_lines(tmp_path / "a.jsonl", line))[0]
    assert example.entities == [] and example.clauses == [(0, len(text), "GEN_ANNUAL_REPORT")]
    assert example.meta == {"meta": {"x": 1}}


def test_clause_labels_are_not_entities_and_entity_labels_not_clauses(tmp_path):
    path = write_lines(tmp_path / "a.jsonl", {**GOOD, "clauses": [[9, 20, "LICENSE_NO"]]})
    assert "unknown label 'LICENSE_NO' in 'clauses'" in problems_of(path)[0]


def test_conversion_refuses_bad_files_and_leaves_no_output(tmp_path, cli):
    source = write_lines(tmp_path / "a.jsonl", GOOD, {**GOOD, "id": "b", "label": [[0, 99, "COMPANY"]]})
    target = tmp_path / "out.spacy"
    with pytest.raises(AnnotationError):
        jsonl_to_docbin(source, target)
    assert not target.exists()
    result = cli("convert", source, target)
    assert result.exit_code == 1
    assert f"{source}:2:" in result.stderr and "out of range" in result.stderr


def test_round_trip_of_the_whole_corpus(tmp_path):
    files = sorted(ANNOTATIONS.glob("*.jsonl"))
    assert files, "the corpus has annotation files"
    for path in files:
        docbin = tmp_path / f"{path.stem}.spacy"
        back = tmp_path / f"{path.stem}.jsonl"
        count = jsonl_to_docbin(path, docbin)
        assert docbin_to_jsonl(docbin, back) == count
        # The same JSON values line for line (srsly escapes non-ASCII, so the bytes differ).
        assert list(srsly.read_jsonl(back)) == list(srsly.read_jsonl(path))


def test_round_trip_keeps_ids_meta_and_both_span_groups(tmp_path):
    examples = [
        AnnotatedText(3, TEXT, [(9, 20, "LICENSE_NO")], [(0, 7, "OTHER")], {"origin": "synthetic", "layout": ["html"]}),
        AnnotatedText("b", TEXT, [], [], {}),
    ]
    path = tmp_path / "x.spacy"
    to_docbin(examples).to_disk(path)
    assert list(read_docbin(path)) == examples


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_split_is_seeded_stable_and_holds_real_licences_out(tmp_path):
    examples = [AnnotatedText(f"s{i}", TEXT, meta={"origin": "synthetic"}) for i in range(200)]
    examples += [AnnotatedText(f"r{i}", TEXT, meta={"origin": "real"}) for i in range(3)]
    source = tmp_path / "a.jsonl"
    write_annotations(source, examples)
    split = jsonl_to_split(source, tmp_path / "out", dev_fraction=0.25, seed=1)
    assert [e.id for e in split.real] == ["r0", "r1", "r2"]
    assert all(e.origin == "synthetic" for e in split.train + split.dev)
    assert 25 <= len(split.dev) <= 75
    assert {e.id for e in split.dev} == {e.id for e in examples[:200] if in_dev(e.id, 1, 0.25)}
    again = jsonl_to_split(source, tmp_path / "again", dev_fraction=0.25, seed=1)
    assert [e.id for e in again.dev] == [e.id for e in split.dev]
    other = jsonl_to_split(source, tmp_path / "other", dev_fraction=0.25, seed=2)
    assert [e.id for e in other.dev] != [e.id for e in split.dev]
    for name in ("train", "dev", "real"):
        assert (tmp_path / "out" / f"{name}.spacy").exists()
    with_real = jsonl_to_split(source, tmp_path / "r", real_in_train=True)
    assert not with_real.real
