"""The shipped corpus: the real licences' annotations are valid and give their gold records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licex.components.record_builder import build_record
from licex.corpus.annotations import read_annotation_dir, to_doc
from licex.evaluation.records import evaluate

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
REAL = read_annotation_dir(CORPUS / "annotations")


def test_every_real_licence_is_annotated_once():
    raw = sorted(p.stem for p in (CORPUS / "raw").glob("*.txt"))
    assert sorted(str(e.id) for e in REAL if e.origin == "real") == raw
    for example in REAL:
        assert example.text == (CORPUS / "raw" / f"{example.id}.txt").read_text("utf-8")


@pytest.mark.parametrize("example", REAL, ids=lambda e: str(e.id))
def test_annotations_give_the_gold_record(example):
    gold = json.loads((CORPUS / "records" / f"{example.id}.record.json").read_text("utf-8"))
    record = build_record(to_doc(example)).to_json_dict()
    report = evaluate({example.id: gold}, {example.id: record})
    assert report.misses == []
    assert report.clauses.counted == len(gold["clauses"]) == len(example.clauses)
