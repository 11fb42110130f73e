"""`licex.fields_scorer.v1`: the record builder's scorer, so `spacy train` and `spacy evaluate`
report per-field accuracy.

spaCy resolves this scorer whenever it loads a pipeline with a record builder; the scoring code
(and scikit-learn with it) is imported only when examples are scored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.util import registry


def score_examples(examples: Iterable[Any], **_: Any) -> dict[str, Any]:
    """Per-field accuracy of spaCy Examples: the record of each predicted Doc against the record
    the record builder makes of its reference annotations.

    Returns `fields_acc` (the mean accuracy over the fields counted on any document),
    `clauses_acc` (clause-label accuracy) and `fields_<field>_acc` for each counted field, so
    `spacy train` and `spacy evaluate` report them.
    """
    from licex.components.record_builder import build_record
    from licex.evaluation.records import evaluate

    gold, predicted = {}, {}
    for i, example in enumerate(examples):
        gold[str(i)] = build_record(example.reference).to_json_dict()
        predicted[str(i)] = example.predicted._.license_record or build_record(example.predicted).to_json_dict()
    report = evaluate(gold, predicted)
    accuracies = {name: s.accuracy for name, s in report.fields.items() if s.accuracy is not None}
    scores: dict[str, Any] = {
        "fields_acc": sum(accuracies.values()) / len(accuracies) if accuracies else None,
        "clauses_acc": report.clauses.accuracy,
    }
    scores |= {f"fields_{name.replace('.', '_')}_acc": value for name, value in accuracies.items()}
    return scores


@registry.scorers("licex.fields_scorer.v1")
def make_fields_scorer() -> Callable[..., dict[str, Any]]:
    """The record builder's scorer: per-field accuracy (see score_examples)."""
    return score_examples
