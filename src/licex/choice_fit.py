"""Fit the choice between the model's and the rules' readings (`licex.fitted_choice.v1`) on
development licences, and save it with the pipeline's field choice.

The pipeline reads each development licence twice, once with the rules' reading of every unit
kept first and once with the model's; the candidates of both runs are the same (the policy only
orders them). A unit whose two readings disagree (field_choice.chosen_by_fit) gives two rows per
field it fills (the business block fills three): each side's candidate, right where the record built with it first has that field right
(evaluation.records: the fields as the evaluation compares them). A logistic regression over the candidates' features
(components.field_choice.features) is fit to those rows, and an isotonic regression calibrates
its output on out-of-fold predictions (the licences in five groups, each predicted by a fit on
the others), so the scores are probabilities of being right, not in-sample guesses.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licex.components.field_choice import MODEL, RULES, Candidate, FittedChoice, chosen_by_fit, features
from licex.components.names import FIELD_CHOICE
from licex.corpus.annotations import AnnotatedText, to_doc
from licex.evaluation.records import field_values, unannotated_keys
from licex.fields.labels import ENTITY_LABELS
from licex.jobs.pipeline import load_pipeline

_FOLDS = 5
_STRENGTHS = (0.25, 1.0, 4.0, 16.0)  # the logistic regression's C, tried in this order


def unit_fields(unit: str) -> tuple[str, ...]:
    """The evaluated fields a unit of choice fills (labels.ENTITY_LABELS: the unit of each label,
    the field the evaluation scores it as)."""
    return tuple(dict.fromkeys(label.evaluated for label in ENTITY_LABELS.values() if label.unit == unit))


@dataclass
class ChoiceFit:
    parameters: dict[str, Any]
    rows: int
    contested: int  # fields of contested units where one side was right and the other not
    # Of those, the share each way of choosing gets right (the fitted one scored out of fold).
    chose_right: dict[str, float]

    def summary(self) -> dict[str, Any]:
        """What metrics.json records of the fit."""
        return {"fitted": True, "candidates": self.rows, "disagreements_with_one_right": self.contested,
                "right_where_they_disagree": self.chose_right}


def fit_choice(model: Path, examples: Sequence[AnnotatedText]) -> ChoiceFit:
    """Fit the choice on `examples` (development licences the model was not trained on) and save
    it into the model's field choice (`model` must name `licex.fitted_choice.v1`)."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    nlp = load_pipeline(model)
    choice = nlp.get_pipe(FIELD_CHOICE)
    if not isinstance(choice.merge, FittedChoice):
        raise ValueError(f"{model}: its {FIELD_CHOICE} merge is not licex.fitted_choice.v1; nothing to fit")
    fitted_policy = choice.merge
    runs = {side: _run(nlp, choice, examples, side) for side in (RULES, MODEL)}
    rows, right, groups = [], [], []
    for i, example in enumerate(examples):
        gold = example.meta.get("record") or _gold_record(example)
        skip = unannotated_keys(gold)
        expected = field_values(gold)
        correct = {side: _right_fields(runs[side][i][1], expected, skip) for side in (RULES, MODEL)}
        by_unit: dict[str, dict[str, Candidate]] = {}
        for candidate in runs[RULES][i][0]:
            by_unit.setdefault(candidate.unit, {})[candidate.side] = candidate
        for unit, sides in by_unit.items():
            fields = [f for f in unit_fields(unit) if f in expected]
            if len(sides) != 2 or not fields or not chosen_by_fit(sides[RULES]):
                continue
            # A row per field the unit fills: the choice then keeps the reading with the most right fields.
            for field in fields:
                for side in (RULES, MODEL):
                    rows.append(features(sides[side]))
                    right.append(int(correct[side].get(field, False)))
                    groups.append(i % _FOLDS)
    if len(set(right)) < 2:
        raise ValueError(f"{model}: the development licences give no case where a reading is wrong; nothing to fit")
    vectorizer = DictVectorizer(sparse=False)
    matrix = vectorizer.fit_transform(rows)
    target, folds = np.array(right), np.array(groups)
    # The regularisation is chosen by how often the out-of-fold scores pick the right reading.
    best = None
    for strength in _STRENGTHS:
        regression = LogisticRegression(C=strength, max_iter=2000)
        out_of_fold = np.zeros(len(right))
        for fold in range(_FOLDS):
            train, held = folds != fold, folds == fold
            if held.any() and len(set(target[train])) == 2:
                out_of_fold[held] = regression.fit(matrix[train], target[train]).predict_proba(matrix[held])[:, 1]
        chose, _ = _pair_choices(rows, right, out_of_fold)
        if best is None or chose > best[0]:
            best = (chose, strength, out_of_fold)
    chose, strength, out_of_fold = best
    calibration = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(out_of_fold, target)
    regression = LogisticRegression(C=strength, max_iter=2000).fit(matrix, target)
    parameters = {
        "fit_on": {"documents": len(examples), "candidates": len(rows), "right": int(target.sum()),
                   "regularisation_C": strength},
        "intercept": round(float(regression.intercept_[0]), 4),
        "weights": {name: round(float(w), 4) for name, w in zip(vectorizer.get_feature_names_out(), regression.coef_[0])},
        "calibration": [[round(float(x), 4) for x in calibration.X_thresholds_],
                        [round(float(y), 4) for y in calibration.y_thresholds_]],
    }
    fitted_policy.parameters = parameters
    choice.to_disk(Path(model) / FIELD_CHOICE)
    rules_first = [1.0 - k % 2 for k in range(len(rows))]  # the rows are (rules, model) pairs
    share = {"rules first": _pair_choices(rows, right, rules_first)[0],
             "model first": _pair_choices(rows, right, [1.0 - x for x in rules_first])[0],
             "fitted (out of fold)": chose}
    return ChoiceFit(parameters, len(rows), _pair_choices(rows, right, rules_first)[1], share)


def _run(nlp: Any, choice: Any, examples: Sequence[AnnotatedText], first: str) -> list[tuple[list[Candidate], dict]]:
    """(candidates, record) per example, with `first`'s reading of every unit kept first."""
    policy = choice.merge
    seen: deque[list[Candidate]] = deque()  # the policy runs over a batch before its records come out

    def side_first(found: list[Candidate]) -> list[float]:
        seen.append(found)
        return [1.0 if candidate.side == first else 0.0 for candidate in found]

    choice.merge = side_first
    try:
        out = []
        for doc in nlp.pipe(example.text for example in examples):
            found = seen.popleft()
            out.append((found, doc._.license_record))
        return out
    finally:
        choice.merge = policy


def _right_fields(record: dict, expected: dict[str, Any], skip: frozenset[str]) -> dict[str, bool]:
    predicted = field_values(record, skip)
    return {name: predicted.get(name) == value for name, value in expected.items()}


def _gold_record(example: AnnotatedText) -> dict:
    from licex.components.record_builder import build_record

    return build_record(to_doc(example)).to_json_dict()


def _pair_choices(rows: list[dict[str, float]], right: list[int], scores: Any) -> tuple[float, int]:
    """Of the candidate pairs (one field of a unit: the rules' row, then the model's) with one
    right, the share where `scores` rank the right one higher, and how many such pairs there are."""
    ok = total = 0
    for k in range(0, len(rows) - 1, 2):
        if right[k] != right[k + 1]:
            total += 1
            ok += scores[k] != scores[k + 1] and (scores[k] > scores[k + 1]) == bool(right[k])
    return (round(float(ok / total), 3) if total else 0.0), total
