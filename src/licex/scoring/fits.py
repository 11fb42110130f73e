"""Fit a trained pipeline's two scorers on development licences (licences the model was never
trained on) and save each with the component that uses it: `licex train` runs both after
training, `licex fit choice|confidence MODEL [DATA...]` refits one (`refit`).

The choice (`fit_choice`, the field choice's `licex.fitted_choice.v1`): the pipeline reads each
licence twice, once with the rules' reading of every unit kept first and once with the model's;
the candidates of both runs are the same (the policy only orders them). A unit whose two readings
disagree (field_choice.chosen_by_fit) gives two rows per field it fills (the business block fills
three): each side's candidate, right where the record built with it first has that field right
(evaluation.records: the fields as the evaluation compares them). A logistic regression over the
candidates' features (features.candidate_features) is fit to those rows, and an isotonic
regression calibrates its output on out-of-fold predictions (the licences in five groups, each
predicted by a fit on the others), so the scores are probabilities of being right, not in-sample
guesses.

The confidence (`fit_confidence`, the record builder's `licex.fitted_confidence.v1`): every filled
value of every record is scored right or wrong against the licence's gold record
(evaluation.records.value_correct), and a logistic regression over the values' features
(features.value_features) is fit to that, its regularisation chosen by cross-validation; a value
with a sign of a misread is capped at the share of such values that were right.
"""

from __future__ import annotations

import json
import warnings
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licex.components.field_choice import MODEL, RULES, Candidate, FittedChoice, chosen_by_fit
from licex.components.names import FIELD_CHOICE, RECORD_BUILDER
from licex.components.record_builder import build_record
from licex.corpus.annotations import AnnotatedText, read_corpora, read_docbin, to_doc
from licex.evaluation.records import field_of, field_values, unannotated_keys, value_correct
from licex.fields.labels import ENTITY_LABELS
from licex.fields.record import LicenseRecord
from licex.files.outputs import atomic_write_text
from licex.jobs.pipeline import load_pipeline
from licex.scoring.confidence import MISREAD_PREFIX, FittedConfidence
from licex.scoring.features import candidate_features, value_features
from licex.scoring.model import LogisticModel

_FOLDS = 5
_CHOICE_STRENGTHS = (0.25, 1.0, 4.0, 16.0)  # the choice's C (scikit-learn's inverse strength), tried in this order
_CONFIDENCE_STRENGTHS = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]  # the confidence's, chosen by cross-validation


@dataclass
class Fit:
    """What a fit learnt (saved with the model), and what metrics.json records of it."""

    model: LogisticModel
    summary: dict[str, Any]


def unit_fields(unit: str) -> tuple[str, ...]:
    """The evaluated fields a unit of choice fills (labels.ENTITY_LABELS: the unit of each label,
    the field the evaluation scores it as)."""
    return tuple(dict.fromkeys(label.evaluated for label in ENTITY_LABELS.values() if label.unit == unit))


def fit_choice(model: Path, examples: Sequence[AnnotatedText]) -> Fit:
    """Fit the choice on `examples` and save it into the model's field choice (`model` must name
    `licex.fitted_choice.v1`); ValueError when there is nothing to fit."""
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
        gold = _gold_record(example)
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
                    rows.append(candidate_features(sides[side]))
                    right.append(int(correct[side].get(field, False)))
                    groups.append(i % _FOLDS)
    if len(set(right)) < 2:
        raise ValueError(f"{model}: the development licences give no case where a reading is wrong; nothing to fit")
    vectorizer = DictVectorizer(sparse=False)
    matrix = vectorizer.fit_transform(rows)
    target, folds = np.array(right), np.array(groups)
    # The regularisation is chosen by how often the out-of-fold scores pick the right reading.
    best = None
    for strength in _CHOICE_STRENGTHS:
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
    fitted = LogisticModel(
        round(float(regression.intercept_[0]), 4),
        {name: round(float(w), 4) for name, w in zip(vectorizer.get_feature_names_out(), regression.coef_[0])},
        fit_on={"documents": len(examples), "candidates": len(rows), "right": int(target.sum()),
                "regularisation_C": strength},
        calibration=([round(float(x), 4) for x in calibration.X_thresholds_],
                     [round(float(y), 4) for y in calibration.y_thresholds_]))
    fitted_policy.model = fitted
    choice.to_disk(Path(model) / FIELD_CHOICE)
    rules_first = [1.0 - k % 2 for k in range(len(rows))]  # the rows are (rules, model) pairs
    # Where the sides disagree and one is right, the share each way of choosing gets right.
    share = {"rules first": _pair_choices(rows, right, rules_first)[0],
             "model first": _pair_choices(rows, right, [1.0 - x for x in rules_first])[0],
             "fitted (out of fold)": chose}
    return Fit(fitted, {"fitted": True, "candidates": len(rows),
                        "disagreements_with_one_right": _pair_choices(rows, right, rules_first)[1],
                        "right_where_they_disagree": share})


def fit_confidence(model: Path, examples: Sequence[AnnotatedText]) -> Fit:
    """Fit the confidence of the record's values on `examples` and save it into the model's record
    builder (`model` must name `licex.fitted_confidence.v1`); ValueError when there is nothing to
    fit (fewer licences than folds, no value wrong or none right)."""
    from sklearn.linear_model import LogisticRegressionCV
    from sklearn.model_selection import GroupKFold

    nlp = load_pipeline(model)
    builder = nlp.get_pipe(RECORD_BUILDER)
    if not isinstance(builder.confidence, FittedConfidence):
        raise ValueError(f"{model}: its {RECORD_BUILDER} confidence is not licex.fitted_confidence.v1; nothing to fit")
    rows, right, licences = [], [], []
    for example, doc in zip(examples, nlp.pipe(e.text for e in examples)):
        gold, record = _gold_record(example), doc._.license_record
        if record is None:  # no licence to the detection: no values
            continue
        for path, names in value_features(LicenseRecord.model_validate(record), doc).items():
            if field_of(path) is None or (correct := value_correct(path, record, gold)) is None:
                continue
            rows.append(names)
            right.append(int(correct))
            licences.append(example.meta.get("licence") or example.id)
    if len(set(right)) < 2:
        raise ValueError(f"{model}: the development licences give no value {'wrong' if right else 'at all'}; "
                         "nothing to fit")
    names = sorted({name for row in rows for name in row})
    matrix = [[int(name in row) for name in names] for row in rows]
    # The regularisation strength is chosen by cross-validation, folds by licence (every tool's text
    # of a licence in one fold), for the log loss: a feature seen on few values, but always on
    # wrong ones (a misread sign), is weighed as much as the held-out folds bear out.
    folds = list(GroupKFold(n_splits=_FOLDS).split(matrix, right, groups=licences))
    with warnings.catch_warnings():  # scikit-learn 1.9 announces 1.10's defaults; these settings are 1.x's
        warnings.simplefilter("ignore", FutureWarning)
        regression = LogisticRegressionCV(Cs=_CONFIDENCE_STRENGTHS, cv=folds, scoring="neg_log_loss",
                                          max_iter=5000).fit(matrix, right)
    strength = float(regression.C_[0])
    cap = misread_cap(rows, right)
    fitted = LogisticModel(
        round(float(regression.intercept_[0]), 4),
        {name: round(float(w), 4) for name, w in zip(names, regression.coef_[0])},
        fit_on={"documents": len(examples), "values": len(rows), "right": sum(right), "C": strength},
        caps={MISREAD_PREFIX: cap})
    builder.confidence.model = fitted
    builder.to_disk(Path(model) / RECORD_BUILDER)
    return Fit(fitted, {"fitted": True, "values": len(rows), "right": sum(right), "regularisation_C": strength,
                        "misread_cap": cap})


def misread_cap(rows: list[list[str]], right: list[int]) -> float:
    """The most confidence a value with a sign of a misread (values.misread_signs) gets: the
    share of the development values with any sign that were right, add-one smoothed. A sign is
    seen on few values and nearly always on wrong ones; the regularised additive fit weighs it
    too little against a value's other features (both sides agreeing, a clean text). The signs
    are pooled: each alone is seen too seldom to say how far it can be trusted."""
    signed = [r for row, r in zip(rows, right) if any(name.startswith(MISREAD_PREFIX) for name in row)]
    return round((sum(signed) + 1) / (len(signed) + 2), 4)


FITS = {"choice": fit_choice, "confidence": fit_confidence}


def fit_scorers(model: Path, examples: Sequence[AnnotatedText]) -> dict[str, dict[str, Any]]:
    """Fit both scorers of a trained model (the choice first: the confidence is fit on the values
    it chooses), as `licex train` does; per scorer what metrics.json records: what was fit, or
    why not (a config that names another policy, development licences with nothing to learn)."""
    fitted = {}
    for name, fit in FITS.items():
        if not examples:
            fitted[name] = {"fitted": False, "reason": "no development licences"}
            continue
        try:
            fitted[name] = fit(model, examples).summary
        except ValueError as error:
            fitted[name] = {"fitted": False, "reason": str(error)}
    return fitted


def refit(scorer: str, model: Path, data: Sequence[Path] = ()) -> dict[str, Any]:
    """`licex fit SCORER MODEL [DATA...]`: fit one scorer (`choice` or `confidence`) of the
    pipeline folder `model` on the annotated corpora `data` and save it there. Without `data`,
    on the development split of the `licex train` output the model is in (`../corpus/dev.spacy`),
    and that run's metrics.json records the new fit under the scorer's name. What was fit;
    ValueError when there is nothing to fit."""
    model = Path(model)
    dev = model.parent / "corpus" / "dev.spacy"
    if not data and not dev.is_file():
        raise ValueError(f"{model}: no development split beside it ({dev}); give the annotated licences to fit on")
    examples = read_corpora(data) if data else read_docbin(dev)
    summary = FITS[scorer](model, examples).summary
    metrics = model.parent / "metrics.json"
    if not data and metrics.is_file():
        recorded = json.loads(metrics.read_text("utf-8"))
        recorded[scorer] = summary
        atomic_write_text(metrics, json.dumps(recorded, ensure_ascii=False, indent=2) + "\n", named_by_licex=True)
    return summary


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
    return example.meta.get("record") or build_record(to_doc(example)).to_json_dict()


def _pair_choices(rows: list[dict[str, float]], right: list[int], scores: Any) -> tuple[float, int]:
    """Of the candidate pairs (one field of a unit: the rules' row, then the model's) with one
    right, the share where `scores` rank the right one higher, and how many such pairs there are."""
    ok = total = 0
    for k in range(0, len(rows) - 1, 2):
        if right[k] != right[k + 1]:
            total += 1
            ok += scores[k] != scores[k + 1] and (scores[k] > scores[k + 1]) == bool(right[k])
    return (round(float(ok / total), 3) if total else 0.0), total
