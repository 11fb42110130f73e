"""Fit the confidence of the record's values (licex.confidence) on development licences.

    python training/fit_confidence.py TRAINING_DIR [-o src/licex/data/confidence.json]

TRAINING_DIR is a `licex train` output: its model is run over its development split
(`corpus/dev.spacy`, licences it was never trained on), every filled value of every record is
scored right or wrong against the licence's gold record (licex.evaluation.records.value_correct),
and a logistic regression over the values' features (licex.confidence.features) is fit to that.
The weights are written as data for the record builder to read.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from sklearn.linear_model import LogisticRegression

from licex.components.record_builder import build_record
from licex.confidence import value_features
from licex.corpus.annotations import read_docbin, to_doc
from licex.evaluation.records import field_of, value_correct
from licex.inputs import atomic_write_text
from licex.pipeline import load_pipeline
from licex.record import LicenseRecord


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("training_dir", type=Path)
    parser.add_argument("-o", "--output", type=Path, default=Path("src/licex/data/confidence.json"))
    args = parser.parse_args()
    examples = list(read_docbin(args.training_dir / "corpus" / "dev.spacy"))
    nlp = load_pipeline(args.training_dir / "model")
    rows, right = [], []
    for example, doc in zip(examples, nlp.pipe(e.text for e in examples)):
        gold = example.meta.get("record") or build_record(to_doc(example)).to_json_dict()
        record = doc._.license_record
        for path, names in value_features(LicenseRecord.model_validate(record), doc).items():
            if field_of(path) is None or (correct := value_correct(path, record, gold)) is None:
                continue
            rows.append(names)
            right.append(int(correct))
    names = sorted({name for row in rows for name in row})
    matrix = [[int(name in row) for name in names] for row in rows]
    fitted = LogisticRegression(C=1.0, max_iter=1000).fit(matrix, right)
    weights = {name: round(float(w), 4) for name, w in zip(names, fitted.coef_[0])}
    data = {
        "_comment": "Weights of the logistic regression that turns a value's features into its confidence "
                    "(licex.confidence). Written by training/fit_confidence.py; do not edit by hand.",
        "fit_on": {"training_dir": str(args.training_dir), "documents": len(examples), "values": len(rows),
                   "right": sum(right)},
        "intercept": round(float(fitted.intercept_[0]), 4),
        "weights": weights,
    }
    atomic_write_text(args.output, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    print(f"{args.output}: fit on {len(rows)} values of {len(examples)} development licences ({sum(right)} right)")


if __name__ == "__main__":
    main()
