"""The threshold of the `ocr` sign (data/signs.json `ocr.below`), measured on the family corpora's
OCR texts: what the trust figures (licex.evaluation.trust) become as the threshold rises.

The pipeline reads each OCR text of corpus/generated/families/*/{rapidocr,licex-photo} once, with
the scores its sidecar kept (corpus.ocr_sidecars), every value below 1.0 flagged `ocr=SCORE`
where no other sign flags it first. The flag of a sign never feeds the confidence (it is no
feature of it), so the records at a threshold T are those records less the `ocr` flags of a score
of T or more; at 0 they are the records without the sign. The threshold is chosen on the families
the readers were tuned on (training/tuned_on.json `rules`) alone, by RULE below; the others (held
out) are reported apart, at the threshold chosen.

    python training/ocr_sign.py [--corpus corpus/generated/families] [--model training/model]
        [--sources rapidocr,licex-photo] [-o training/evaluation/ocr_sign.json]

prints the trust rows (trusted right · errors put to a person · right put to a person) of each
family and source before (no sign) and after (the threshold chosen), and the tuned families'
curve.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
from pathlib import Path
from typing import Any

from family_eval import TUNED_ON, family_sets, trust_cell

from licex.components.names import RECORD_BUILDER
from licex.components.record_builder import build_record
from licex.evaluation.pipelines import example_docs
from licex.evaluation.records import evaluate
from licex.evaluation.trust import Trust
from licex.jobs.pipeline import load_pipeline
from licex.scoring.signs import OCR, ocr_below

THRESHOLDS = [round(0.5 + 0.01 * i, 2) for i in range(50)] + [0.995, 1.0]
RULE = ("the highest threshold at which the right fields put to a person stay within the issue's bound "
        "(at most 0.10, or no more than with no sign where that is more) on each OCR source of each tuned family")
MOST_RIGHT_FLAGGED = 0.10


def records(nlp, examples) -> tuple[dict[str, dict], dict[str, dict]]:
    """Gold and predicted records by id, every value read below 1.0 flagged `ocr=`."""
    nlp.get_pipe(RECORD_BUILDER).ocr_below = 1.0
    gold, predicted = {}, {}
    for example, doc in zip(examples, nlp.pipe(example_docs(nlp, examples))):
        gold[str(example.id)] = example.meta["record"]
        predicted[str(example.id)] = doc._.license_record or build_record(doc).to_json_dict()
    return gold, predicted


def at_threshold(predicted: dict[str, dict], below: float) -> dict[str, dict]:
    """The records as the sign at `below` leaves them: the `ocr` flags of a score of `below` or more dropped."""
    kept = copy.deepcopy(predicted)
    for record in kept.values():
        record["needs_review"] = [flag for flag in record.get("needs_review") or []
                                  if not (flag.get("sign") or "").startswith(f"{OCR}=")
                                  or float(flag["sign"].split("=", 1)[1]) < below]
    return kept


def trust(gold: dict[str, dict], predicted: dict[str, dict], below: float) -> Trust:
    return evaluate(gold, at_threshold(predicted, below)).trust


def _cell(figures: dict[str, Any]) -> str:
    """The three trust shares, each with its counts."""
    return " · ".join(f"{figures[part] / figures[whole]:.3f} ({figures[part]}/{figures[whole]})" if figures[whole] else "–"
                      for part, whole in (("trusted_right", "trusted"), ("wrong_flagged", "wrong"),
                                          ("right_flagged", "right")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus/generated/families"))
    parser.add_argument("--model", default="training/model")
    parser.add_argument("--sources", default="rapidocr,licex-photo")
    parser.add_argument("-o", "--output", type=Path, default=Path("training/evaluation/ocr_sign.json"))
    args = parser.parse_args()
    sources = args.sources.split(",")
    nlp = load_pipeline(Path(args.model))
    read: dict[str, dict[str, tuple[dict, dict]]] = {}
    for family, by_source in family_sets(args.corpus).items():
        for source in sources:
            if by_source.get(source):
                read.setdefault(family, {})[source] = records(nlp, by_source[source])
    tuned = [family for family in read if family in TUNED_ON["rules"]]

    def pooled(families: list[str], below: float) -> Trust:
        total = Trust()
        for family in families:
            for gold, predicted in read[family].values():
                total = total.merge(trust(gold, predicted, below))
        return total

    curve = {below: pooled(tuned, below).to_dict() for below in [0.0, *THRESHOLDS]}
    sets = [(g, p) for family in tuned for g, p in read[family].values()]
    bounds = [max(MOST_RIGHT_FLAGGED, trust(g, p, 0.0).to_dict()["right_flagged_share"] or 0.0) for g, p in sets]
    chosen = max((below for below in THRESHOLDS
                  if all((trust(g, p, below).to_dict()["right_flagged_share"] or 0.0) <= bound
                         for (g, p), bound in zip(sets, bounds))), default=0.0)
    rows = {family: {source: {"before": trust(g, p, 0.0).to_dict(), "after": trust(g, p, chosen).to_dict(),
                              "package": trust(g, p, ocr_below()).to_dict()}
                     for source, (g, p) in by_source.items()} for family, by_source in read.items()}
    report = {"measured": datetime.date.today().isoformat(), "model": args.model, "corpus": str(args.corpus),
              "rule": RULE, "tuned_families": tuned, "chosen": chosen, "package_threshold": ocr_below(),
              "curve_tuned": {str(k): v for k, v in curve.items()}, "rows": rows}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"chosen on {', '.join(tuned)}: {chosen} ({RULE}); the package's: {ocr_below()}\n")
    print("| family | tuned on it | source | before (no sign) | after (ocr < chosen) | after (ocr < package's) |")
    print("|---|---|---|---|---|---|")
    for family, by_source in rows.items():
        for source, row in by_source.items():
            print(f"| {family} | {'yes' if family in tuned else '**no**'} | {source} | {_cell(row['before'])} | "
                  f"{_cell(row['after'])} | {_cell(row['package'])} |")
    print("\ncurve on the tuned families (threshold: trusted right · errors flagged · right flagged):")
    for below, figures in curve.items():
        print(f"{below}: {trust_cell(figures, 3)}  ({figures['trusted_right']}/{figures['trusted']}, "
              f"{figures['wrong_flagged']}/{figures['wrong']}, {figures['right_flagged']}/{figures['right']})")


if __name__ == "__main__":
    main()
