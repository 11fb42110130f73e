"""Calibrate where it is not fitted: the confidence fit on some producer families, its trust
measured on the others.

The default model's confidence (the record builder's confidence.json) was fit on fpdf2's texts. This
script refits a copy of it on the training texts of other families (corpus/generated/families-train:
licences apart from the ones the evaluation reads) and measures each fit's trust
(licex.evaluation.trust) on every family of corpus/generated/families: out of family where the fit
never saw the family, in family where it did. A fit is chosen by its out-of-family figures on the
families that have training texts; weasyprint-form has none and is never fit on, so every fit's row
for it is out of family.

    python training/trust_fit.py [--model training/model] [--train corpus/generated/families-train]
        [--corpus corpus/generated/families] [-o training/evaluation/trust] [--docs docs/families.md]

writes OUT/report.json and the table of docs/families.md between <!-- figures:trust-fit --> and
<!-- /figures:trust-fit -->. The model folder given is copied, never changed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from family_eval import SOURCES, family_sets, score, trust_cell, write_docs

from licex.corpus.annotations import read_annotation_dir
from licex.evaluation.trust import Trust
from licex.jobs.pipeline import load_pipeline
from licex.scoring.fits import fit_confidence

START, END = "<!-- figures:trust-fit -->", "<!-- /figures:trust-fit -->"
# The sources whose trust the issue asks for apart from Tesseract's (a column of its own below).
NOT_TESSERACT = [source for source in SOURCES if not source.startswith("tesseract")]


def fits(train: Path) -> dict[str, list[str]]:
    """The fits to compare: the shipped one (no refit), each training family alone, and all of them."""
    families = sorted(p.name for p in train.iterdir() if (p / "manifest.json").is_file())
    return {"shipped (fpdf2)": [], **{family: [family] for family in families},
            **({" + ".join(families): families} if len(families) > 1 else {})}


def measure(model: Path, corpus: Path) -> dict[str, dict[str, Any]]:
    """family -> source -> the trust figures of `model` + rules."""
    nlp = load_pipeline(model)
    return {family: {source: score(nlp, examples, str(model))["trust"] for source, examples in sources.items()}
            for family, sources in family_sets(corpus).items()}


def run(model: Path, train: Path, corpus: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name, families in fits(train).items():
        print(f"fit {name}", file=sys.stderr, flush=True)
        if not families:
            results[name] = {"fit_on": ["fpdf2"], "trust": measure(model, corpus)}
            continue
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "model"
            shutil.copytree(model, copy)
            examples = [example for family in families for example in read_annotation_dir(train / family)]
            fitted = fit_confidence(copy, examples)
            results[name] = {"fit_on": families, "fit": fitted.summary, "trust": measure(copy, corpus)}
    return {"measured": datetime.date.today().isoformat(), "model": str(model), "fits": results}


def _pooled(by_source: dict[str, Any], sources: list[str]) -> Trust:
    pooled = Trust()
    for source in sources:
        if source in by_source:
            pooled = pooled.merge(Trust.from_dict(by_source[source]))
    return pooled


def markdown(report: dict[str, Any]) -> str:
    lines = ["**Confidence fit on some families, trust measured on all** (`python training/trust_fit.py`, "
             f"{report['measured']}): of the values presented as trusted, the share right · of the wrong or "
             "missing fields, the share put to a person · of the right fields, the share put to a person; "
             "the sources other than Tesseract pooled, and Tesseract's two apart", "",
             "| confidence fit on | family | in or out of the fit | every source but Tesseract | Tesseract |",
             "|---|---|---|---:|---:|"]
    tesseract = [source for source in SOURCES if source.startswith("tesseract")]
    for name, result in report["fits"].items():
        for family, by_source in result["trust"].items():
            kind = "in" if family in result["fit_on"] else "out"
            lines.append(f"| {name} | {family} | {kind} | {trust_cell(_pooled(by_source, NOT_TESSERACT).to_dict(), 3)} | "
                         f"{trust_cell(_pooled(by_source, tesseract).to_dict(), 3)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=Path("training/model"))
    parser.add_argument("--train", type=Path, default=Path("corpus/generated/families-train"))
    parser.add_argument("--corpus", type=Path, default=Path("corpus/generated/families"))
    parser.add_argument("-o", "--output", type=Path, default=Path("training/evaluation/trust"))
    parser.add_argument("--docs", default="docs/families.md", help="the page whose table to replace ('' for none)")
    args = parser.parse_args()
    report = run(args.model, args.train, args.corpus)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    table = markdown(report)
    if args.docs:
        write_docs(Path(args.docs), table, START, END)
    print(table)


if __name__ == "__main__":
    main()
