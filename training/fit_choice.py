"""Fit the choice between the model's and the rules' readings of each field on development licences.

    python training/fit_choice.py TRAINING_DIR

TRAINING_DIR is a `licex train` output; its model (whose field choice names
`licex.fitted_choice.v1`) is fit on its development split (`corpus/dev.spacy`, licences it was
never trained on) and saved in place (model/licex_field_choice/choice.json); what was fit goes
into metrics.json's `choice`. `licex train` runs the same fit after training; this refits a
model whose rules or features changed (then `licex train -o TRAINING_DIR --evaluate-only`).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from licex.choice_fit import fit_choice
from licex.corpus.annotations import read_docbin
from licex.files.outputs import atomic_write_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("training_dir", type=Path)
    args = parser.parse_args()
    examples = list(read_docbin(args.training_dir / "corpus" / "dev.spacy"))
    fit = fit_choice(args.training_dir / "model", examples)
    metrics_path = args.training_dir / "metrics.json"
    if metrics_path.is_file():
        metrics = json.loads(metrics_path.read_text("utf-8"))
        metrics["choice"] = fit.summary()
        atomic_write_text(metrics_path, json.dumps(metrics, ensure_ascii=False, indent=2) + "\n")
    print(f"{args.training_dir / 'model'}: choice fit on {fit.rows} candidates of {len(examples)} development "
          f"licences; where the sides disagree and one is right ({fit.contested}), right: {fit.chose_right}")


if __name__ == "__main__":
    main()
