"""Fit the confidence of the record's values (licex.confidence) on development licences.

    python training/fit_confidence.py TRAINING_DIR [-o src/licex/data/confidence.json]

TRAINING_DIR is a `licex train` output: its model is run over its development split
(`corpus/dev.spacy`, licences it was never trained on), every filled value of every record is
scored right or wrong against the licence's gold record (licex.evaluation.records.value_correct),
and a logistic regression over the values' features (licex.confidence.features) is fit to that,
its regularisation chosen by cross-validation; a value with a sign of a misread is capped at
the share of such values that were right. The weights and the cap are written as data for the
record builder to read.
"""

from __future__ import annotations

import argparse
import json
import warnings
from pathlib import Path

import numpy
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import GroupKFold

from licex.components.record_builder import build_record
from licex.confidence import value_features
from licex.corpus.annotations import read_docbin, to_doc
from licex.evaluation.records import field_of, value_correct
from licex.inputs import atomic_write_text
from licex.jobs.pipeline import load_pipeline
from licex.fields.record import LicenseRecord


CV_FOLDS = 5
REGULARISATION_GRID = [0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]  # inverse strengths (scikit-learn's C)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("training_dir", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=Path("src/licex/data/confidence.json"))
    args = parser.parse_args()
    examples = list(read_docbin(args.training_dir / "corpus" / "dev.spacy"))
    nlp = load_pipeline(args.training_dir / "model")
    rows, right, licences = [], [], []
    for example, doc in zip(examples, nlp.pipe(e.text for e in examples)):
        gold = example.meta.get("record") or build_record(to_doc(example)).to_json_dict()
        record = doc._.license_record
        for path, names in value_features(LicenseRecord.model_validate(record), doc).items():
            if field_of(path) is None or (correct := value_correct(path, record, gold)) is None:
                continue
            rows.append(names)
            right.append(int(correct))
            licences.append(example.meta.get("licence") or example.id)
    names = sorted({name for row in rows for name in row})
    matrix = [[int(name in row) for name in names] for row in rows]
    # The regularisation strength is chosen by cross-validation, folds by licence (every tool's text
    # of a licence in one fold), for the log loss: a feature seen on few values, but always on
    # wrong ones (a misread sign), is weighed as much as the held-out folds bear out.
    folds = list(GroupKFold(n_splits=CV_FOLDS).split(matrix, right, groups=licences))
    with warnings.catch_warnings():  # scikit-learn 1.9 announces 1.10's defaults; these settings are 1.x's
        warnings.simplefilter("ignore", FutureWarning)
        fitted = LogisticRegressionCV(Cs=REGULARISATION_GRID, cv=folds, scoring="neg_log_loss",
                                      max_iter=5000).fit(matrix, right)
    weights = {name: round(float(w), 4) for name, w in zip(names, fitted.coef_[0])}
    data = {
        "_comment": "Weights of the logistic regression that turns a value's features into its confidence "
                    "(licex.confidence). Written by training/fit_confidence.py; do not edit by hand.",
        "fit_on": {"training_dir": str(args.training_dir), "documents": len(examples), "values": len(rows),
                   "right": sum(right), "C": float(numpy.ravel(fitted.C_)[0])},
        "intercept": round(float(fitted.intercept_[0]), 4),
        "weights": weights,
        "misread_cap": misread_cap(rows, right),
    }
    atomic_write_text(args.output, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    print(f"{args.output}: fit on {len(rows)} values of {len(examples)} development licences ({sum(right)} right)")


def misread_cap(rows: list[list[str]], right: list[int]) -> float:
    """The most confidence a value with a sign of a misread (values.misread_signs) gets: the
    share of the development values with any sign that were right, add-one smoothed. A sign is
    seen on few values and nearly always on wrong ones; the regularised additive fit weighs it
    too little against a value's other features (both sides agreeing, a clean text). The signs
    are pooled: each alone is seen too seldom to say how far it can be trusted."""
    signed = [r for row, r in zip(rows, right) if any(name.startswith("misread=") for name in row)]
    return round((sum(signed) + 1) / (len(signed) + 2), 4)


if __name__ == "__main__":
    main()
