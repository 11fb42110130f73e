"""Leave-one-family-out evaluation: how licex reads the licences of producers it was not tuned on.

For each producer family of corpus/generated/families/ (each a folder `licex synth --tools
--family F` or training/family_corpus.py wrote) and each text source (the PDF-text tools, the OCR
engines, and licex's own document input: `licex-pdf` is `licex extract` of the text-layer PDF,
`rapidocr` is `licex extract` of its scan), the rules alone and the model with its rules are
scored against each licence's gold record: per-field accuracy, field micro accuracy and
clause-label accuracy, as `licex evaluate` scores them.

A family is held out when neither the rules, the model nor its fitted choice was tuned on it.
training/tuned_on.json says which families each part was tuned on: the families whose misses the
readers' authors read, and each model with the families it was trained and fitted on. The
leave-one-family-out table reads each family with the first model that never saw it, and says
whether the rules were tuned on it; only a family in none of the lists is held out from all.

    python training/family_eval.py [--corpus corpus/generated/families] [--models training/model,...]
        [--rules-only] [-o training/evaluation/families] [--docs docs/families.md] [--licences FIRST-LAST]

writes OUT/report.json (every figure and every miss) and the tables of docs/families.md between
the markers <!-- figures:families --> and <!-- /figures:families -->.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from licex.corpus.annotations import AnnotatedText, read_annotation_dir
from licex.evaluation.pipelines import evaluate_pipeline
from licex.evaluation.trust import TRUSTED, Trust
from licex.evaluation.records import jsonable
from licex.jobs.pipeline import load_pipeline, rules_pipeline

# What each part of licex was tuned on: the rules' families, and each model's (training/tuned_on.json).
TUNED_ON: dict[str, Any] = {part: value for part, value in json.loads(
    (Path(__file__).with_name("tuned_on.json")).read_text("utf-8")).items() if not part.startswith("_")}
DEFAULT_MODEL = "training/model"


def tuned_parts(family: str, models: dict[str, Any] | None = None) -> list[str]:
    """The parts of licex tuned on `family` (none: the family is held out from everything):
    `rules`, and `model <path>` for each model trained on it."""
    models = TUNED_ON["models"] if models is None else models
    return ["rules"] * (family in TUNED_ON["rules"]) + [
        f"model {path}" for path, model in models.items() if family in model["families"]]


def held_out_model(family: str, models: dict[str, Any]) -> str | None:
    """The first model that never saw `family`: the one that scores it held out."""
    return next((path for path, model in models.items() if family not in model["families"]), None)


# The text sources in the tables' order, and what each is.
SOURCES = {
    "licex-pdf": "licex extract, text-layer PDF",
    "rapidocr": "licex extract, scan (RapidOCR)",
    "licex-photo": "licex extract, website photos",
    "pdftotext": "pdftotext",
    "pdftotext-layout": "pdftotext -layout",
    "pypdfium2": "pypdfium2 plain text",
    "tesseract-clean": "Tesseract, clean pages",
    "tesseract": "Tesseract, scanned pages",
}
START, END = "<!-- figures:families -->", "<!-- /figures:families -->"
README_START, README_END = "<!-- figures:unseen-families -->", "<!-- /figures:unseen-families -->"


def family_sets(corpus: Path, licences: range | None = None) -> dict[str, dict[str, list[AnnotatedText]]]:
    """family -> source -> its texts, from every family folder of `corpus` (with `licences`, only
    the texts of the licences whose index, the number in the text's name, is in it)."""
    sets: dict[str, dict[str, list[AnnotatedText]]] = {}
    folders = [p for p in corpus.iterdir() if (p / "manifest.json").is_file()]
    for folder in sorted(folders, key=lambda p: (-len(tuned_parts(p.name)), p.name)):  # the most tuned-on first
        by_source: dict[str, list[AnnotatedText]] = defaultdict(list)
        for example in read_annotation_dir(folder):
            if licences is None or licence_index(example.id) in licences:
                by_source[example.meta["source"]].append(example)
        sets[folder.name] = {s: by_source[s] for s in SOURCES if s in by_source}
    return sets


def licence_index(text_id: str) -> int:
    """The index of the licence a corpus text prints: s27_00031_pdftotext -> 31."""
    return int(text_id.split("_")[1])


def score(nlp, examples: list[AnnotatedText], name: str) -> dict[str, Any]:
    """`nlp` on `examples`: the figures of them all, and of each content format apart (a
    provincial licence or the older Beijing one may read worse than the ordinary ones)."""
    by_format: dict[str, list[AnnotatedText]] = defaultdict(list)
    for example in examples:
        by_format[example.meta.get("design") or "?"].append(example)
    reports = {fmt: evaluate_pipeline(nlp, part, name).fields for fmt, part in sorted(by_format.items())}
    fields: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # field -> [correct, counted]
    clauses = [0, 0]
    for report in reports.values():
        for field, s in report.fields.items():
            fields[field][0] += s.correct
            fields[field][1] += s.counted
        clauses[0] += report.clauses.correct
        clauses[1] += report.clauses.counted
    correct, counted = sum(c for c, _ in fields.values()), sum(n for _, n in fields.values())
    trust = Trust()
    for report in reports.values():
        trust = trust.merge(report.trust)
    return {
        "documents": len(examples),
        "field_micro_accuracy": correct / counted if counted else None,
        "fields_counted": counted,
        "fields_correct": correct,
        "clause_label_accuracy": clauses[0] / clauses[1] if clauses[1] else None,
        "clauses_counted": clauses[1],
        "trust": trust.to_dict(),
        "fields": {f: {"accuracy": c / n, "counted": n} for f, (c, n) in fields.items() if n},
        "formats": {fmt: {"documents": len(by_format[fmt]), "field_micro_accuracy": r.micro_accuracy(),
                          "fields_correct": sum(s.correct for s in r.fields.values()),
                          "fields_counted": sum(s.counted for s in r.fields.values()),
                          "clause_label_accuracy": r.clauses.accuracy} for fmt, r in reports.items()},
        "misses": [{"document": m.doc_id, "field": m.field, "gold": jsonable(m.gold), "predicted": jsonable(m.predicted)}
                   for r in reports.values() for m in r.misses],
    }


def evaluate_families(corpus: Path, models: dict[str, Any] | None, licences: range | None = None) -> dict[str, Any]:
    """Every family and source scored by the rules alone and by each model of `models` (path ->
    its tuned_on entry; None: the rules alone), with each family's held-out model named."""
    models = models or {}
    pipelines = {"rules only": rules_pipeline()}
    for path in models:
        pipelines[f"model {path} + rules"] = load_pipeline(Path(path))
    results: dict[str, Any] = {}
    for family, sources in family_sets(corpus, licences).items():
        tuned = tuned_parts(family, models)
        held_out = held_out_model(family, models)
        results[family] = {"held_out": not tuned, "tuned": tuned, "sources": {},
                           "held_out_pipeline": f"model {held_out} + rules" if held_out else None}
        for source, examples in sources.items():
            print(f"{family} {source}: {len(examples)} texts", file=sys.stderr, flush=True)
            results[family]["sources"][source] = {name: score(nlp, examples, name) for name, nlp in pipelines.items()}
    return {"measured": datetime.date.today().isoformat(), "corpus": str(corpus),
            "tuned_on": {"rules": TUNED_ON["rules"], "models": models}, "families": results}


def _figure(entry: dict[str, Any]) -> str:
    if entry["field_micro_accuracy"] is None:
        return "–"
    clauses = entry["clause_label_accuracy"]
    return f"{entry['field_micro_accuracy']:.3f} / {clauses:.3f}" if clauses is not None else \
        f"{entry['field_micro_accuracy']:.3f} / –"


def markdown(report: dict[str, Any]) -> str:
    """One table per pipeline: a row per family, a column per source, fields / clause labels."""
    families = report["families"]
    pipelines = list(next(iter(next(iter(families.values()))["sources"].values())))
    lines = []
    if any(entry.get("held_out_pipeline") for entry in families.values()):
        lines += ["**Leave-one-family-out**: each family read by the rules and the first model that never "
                  "saw it, neither in training nor in fitting its choice (field micro accuracy / clause-label "
                  "accuracy)", "",
                  "| family | rules tuned on it | model (never saw it) | " + " | ".join(SOURCES.values()) + " |",
                  "|---|---|---|" + "---:|" * len(SOURCES)]
        for family, entry in families.items():
            pipeline = entry.get("held_out_pipeline")
            if pipeline is None:
                continue
            cells = [_figure(entry["sources"][s][pipeline]) if s in entry["sources"] else "–" for s in SOURCES]
            rules = "yes" if "rules" in entry.get("tuned", []) else "**no**"
            model = pipeline.removeprefix("model ").removesuffix(" + rules")
            lines.append(f"| {family} | {rules} | `{model}` | " + " | ".join(cells) + " |")
        lines.append("")
    lines += trust_table(families, pipelines)
    for pipeline in pipelines:
        lines += [f"**{pipeline}** (field micro accuracy / clause-label accuracy; licences per cell in the "
                  "last column)", "",
                  "| family | tuned on it | " + " | ".join(SOURCES.values()) + " | licences |",
                  "|---|---|" + "---:|" * len(SOURCES) + "---|"]
        for family, entry in families.items():
            cells = [_figure(entry["sources"][s][pipeline]) if s in entry["sources"] else "–" for s in SOURCES]
            counts = sorted({entry["sources"][s][pipeline]["documents"] for s in entry["sources"]})
            tuned = ", ".join(entry.get("tuned", [])) or "nothing (held out)"
            lines.append(f"| {family} | {tuned} | "
                         + " | ".join(cells) + f" | {'/'.join(map(str, counts))} |")
        lines.append("")
    lines += ["Field micro accuracy by content format (fpdf2: by its design), all sources of a family together "
              "(texts in brackets):", "",
              "| family | format | " + " | ".join(pipelines) + " |", "|---|---|" + "---:|" * len(pipelines)]
    for family, entry in families.items():
        formats = sorted({f for s in entry["sources"].values() for f in s[pipelines[-1]]["formats"]})
        for fmt in formats:
            cells = []
            for pipeline in pipelines:
                parts = [s[pipeline]["formats"][fmt] for s in entry["sources"].values() if fmt in s[pipeline]["formats"]]
                counted = sum(p["fields_counted"] for p in parts)
                correct = sum(p["fields_correct"] for p in parts)
                cells.append(f"{correct / counted:.3f} ({sum(p['documents'] for p in parts)})" if counted else "–")
            lines.append(f"| {family} | {fmt} | " + " | ".join(cells) + " |")
    lines.append("")
    main = f"model {DEFAULT_MODEL} + rules" if f"model {DEFAULT_MODEL} + rules" in pipelines else pipelines[-1]
    lines += [f"Per-field accuracy of {main}, all sources of a family together (right share, values counted):", ""]
    fields = sorted({f for e in families.values() for s in e["sources"].values() for f in s[main]["fields"]})
    lines += ["| field | " + " | ".join(families) + " |", "|---|" + "---:|" * len(families)]
    for field in fields:
        row = []
        for entry in families.values():
            counted = correct = 0
            for source in entry["sources"].values():
                f = source[main]["fields"].get(field)
                if f:
                    counted += f["counted"]
                    correct += round(f["accuracy"] * f["counted"])
            row.append(f"{correct / counted:.2f} ({counted})" if counted else "–")
        lines.append(f"| {field} | " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def trust_cell(trust: dict[str, Any], digits: int = 2) -> str:
    """The three trust shares (Trust.to_dict) as a table cell: trusted right · errors put to a
    person · right fields put to a person."""

    def share(key: str) -> str:
        return "–" if trust.get(key) is None else f"{trust[key]:.{digits}f}"

    return f"{share('trusted_right_share')} · {share('wrong_flagged_share')} · {share('right_flagged_share')}"


def trust_table(families: dict[str, Any], pipelines: list[str]) -> list[str]:
    """Whether the confidence and the flags hold: each family read by the pipeline that never saw
    it (out of family), and by a model trained on it where one was (in family)."""
    lines = [f"**Trust** (licex.evaluation.trust): of the values presented as trusted (confidence ≥ {TRUSTED}, "
             "no flag), the share right · of the wrong or missing fields, the share put to a person "
             "(flagged or below it) · of the right fields, the share put to a person", "",
             "| family | pipeline | " + " | ".join(SOURCES.values()) + " |", "|---|---|" + "---:|" * len(SOURCES)]
    for family, entry in families.items():
        out_of_family = entry.get("held_out_pipeline")
        in_family = next((p for p in pipelines if p != "rules only" and p != out_of_family
                          and p.removesuffix(" + rules") in entry.get("tuned", [])), None)
        for pipeline, kind in ((out_of_family, "out of family"), (in_family, "in family")):
            if pipeline is None:
                continue
            cells = [trust_cell(entry["sources"][s][pipeline].get("trust") or {}) if s in entry["sources"] else "–" for s in SOURCES]
            lines.append(f"| {family} | {kind}: {pipeline} | " + " | ".join(cells) + " |")
    return lines + [""]


def headline(report: dict[str, Any]) -> str:
    """The README's table: each family's field micro accuracy, read held out from the model (the
    leave-one-family-out pipeline; the rules alone where no model was scored), with what was tuned
    on it and when and how it was measured."""
    families = report["families"]
    lines = ["| family | rules tuned on it | model | " + " | ".join(SOURCES.values()) + " |",
             "|---|---|---|" + "---:|" * len(SOURCES)]
    for family, entry in families.items():
        pipeline = entry.get("held_out_pipeline") or "rules only"

        cells = [f"{entry['sources'][s][pipeline]['field_micro_accuracy']:.3f}" if s in entry["sources"] else "–"
                 for s in SOURCES]
        rules = "yes" if "rules" in entry.get("tuned", []) else "**no**"
        lines.append(f"| {family} | {rules} | {'never saw it' if pipeline != 'rules only' else 'saw it: rules alone'} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines) + f"\n\n(field micro accuracy; measured {report['measured']} by `python training/family_eval.py`)\n"


def write_docs(docs: Path, table: str, start: str = START, end: str = END) -> None:
    text = docs.read_text("utf-8")
    if start not in text or end not in text:
        raise SystemExit(f"{docs} has no {start} … {end} markers")
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    docs.write_text(f"{before}{start}\n{table}{end}{after}", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus/generated/families"))
    parser.add_argument("--models", default=",".join(TUNED_ON["models"]),
                        help="the models of training/tuned_on.json to score, comma-separated (default: all)")
    parser.add_argument("--rules-only", action="store_true", help="score the rules alone")
    parser.add_argument("-o", "--output", type=Path, default=Path("training/evaluation/families"))
    parser.add_argument("--docs", default="docs/families.md", help="the page whose tables to replace ('' for none)")
    parser.add_argument("--readme", default="README.md", help="the page whose headline table to replace ('' for none)")
    parser.add_argument("--licences", help="only these licences of each family, FIRST-LAST by index (30-59)")
    args = parser.parse_args()
    licences = None
    if args.licences:
        first, _, last = args.licences.partition("-")
        licences = range(int(first), int(last or first) + 1)
    chosen = [m for m in args.models.split(",") if m]
    unknown = [m for m in chosen if m not in TUNED_ON["models"]]
    if unknown:
        raise SystemExit(f"family_eval: {', '.join(unknown)}: not in training/tuned_on.json (say what it was trained on there)")
    report = evaluate_families(args.corpus, None if args.rules_only else {m: TUNED_ON["models"][m] for m in chosen}, licences)
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", "utf-8")
    table = markdown(report)
    if args.docs:
        write_docs(Path(args.docs), table)
    if args.readme:
        write_docs(Path(args.readme), headline(report), README_START, README_END)
    print(table)


if __name__ == "__main__":
    main()
