"""The shipped corpus: the real licences' annotations are valid and give their gold records."""

from __future__ import annotations

from licex.components.record_builder import build_record
from licex.corpus.annotations import to_doc
from licex.evaluation.records import evaluate


def test_every_real_licence_is_annotated_once(real_examples, raw_texts):
    assert sorted(str(e.id) for e in real_examples) == sorted(raw_texts)
    for example in real_examples:
        assert example.text == raw_texts[str(example.id)]


def test_annotations_give_the_gold_record(real_examples, gold_records):
    assert {str(e.id) for e in real_examples} == set(gold_records)
    for example in real_examples:
        gold = gold_records[str(example.id)]
        record = build_record(to_doc(example)).to_json_dict()
        report = evaluate({example.id: gold}, {example.id: record})
        assert report.misses == [], example.id
        assert report.clauses.counted == len(gold["clauses"]) == len(example.clauses), example.id
