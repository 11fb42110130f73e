"""The walk of one licence through `licex extract` (docs/architecture.md): each step runs once a
licence — where it is, the layout, the clauses, each span's value, the fold, the record — and a
later step reads what an earlier one left instead of doing it again."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from licex.jobs.bundles import extract_licences
from licex.jobs.pipeline import rules_pipeline

RAW = Path(__file__).resolve().parent.parent / "corpus" / "raw"
# (module, function): the steps of the flow, each done once a licence
ONCE = {
    ("licex.text.detection", "licence_segments"): "where each licence lies",
    ("licex.text.clauses", "segment_clauses"): "the 特别规定事项's clauses",
    ("licex.fields.fold", "fold"): "the findings folded into one record",
    ("licex.components.record_builder", "build_record"): "the record built",
}


def walk(nlp, text: str, licences: int = 1) -> tuple[Counter, Counter, Counter, Counter]:
    """How often each step ran, the Layouts made, and how often each span's value was read (not
    taken from the analysis, where the rules leave what they read), and how often it was asked for."""
    steps, layouts, reads, asks = Counter(), Counter(), Counter(), Counter()

    def profile(frame, event, arg):
        if event != "call":
            return
        where = (frame.f_globals.get("__name__", ""), frame.f_code.co_name)
        if where in ONCE:
            steps[where] += 1
        elif where == ("licex.text.layout", "of") and frame.f_locals.get("cls").__name__ == "Layout":
            layouts["Layout.of"] += 1
        elif where == ("licex.text.analysis", "value"):
            key = (frame.f_locals["start"], frame.f_locals["end"], frame.f_locals["label"])
            asks[key] += 1
            reads[key] += key not in frame.f_locals["self"]._values  # read now, not kept from before

    sys.setprofile(profile)
    try:
        records = list(extract_licences(nlp, [("licence.txt", text)]))
    finally:
        sys.setprofile(None)
    assert len(records) == licences and all(isinstance(record, dict) for _, record in records)
    return steps, layouts, reads, asks


def test_each_step_runs_once_a_licence():
    nlp = rules_pipeline()
    steps, layouts, reads, asks = walk(nlp, (RAW / "001_093c3da1120a2424.txt").read_text("utf-8"))
    assert {ONCE[where]: n for where, n in steps.items()} == {step: 1 for step in ONCE.values()}
    assert layouts["Layout.of"] == 1
    # each span's value is asked for by the choice, the confidence and the record, and read once:
    # the analysis keeps it (values.read_value runs on a key's first ask only)
    assert max(asks.values()) > 1 and max(reads.values()) <= 1


def test_two_licences_of_one_file_walk_once_each():
    nlp = rules_pipeline()
    text = "\n".join((RAW / name).read_text("utf-8") for name in ("000_71bd26811b5d6e82.txt", "002_3fa2e29c17b4fcd1.txt"))
    steps, layouts, _, _ = walk(nlp, text, licences=2)
    assert steps[("licex.text.detection", "licence_segments")] == 1  # the file's, once
    for where in (("licex.text.clauses", "segment_clauses"), ("licex.fields.fold", "fold"),
                  ("licex.components.record_builder", "build_record")):
        assert steps[where] == 2, where
    assert layouts["Layout.of"] == 2
