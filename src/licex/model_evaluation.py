"""Evaluating a pipeline on any annotated set: fields, entities, clauses, and a comparison of pipelines.

The gold record of each document is what the record builder makes of its gold annotations, so
any annotated set (real licences, a generated corpus, a doccano export) can be scored at the
document level. Span scores use spaCy's Scorer (exact offsets and label); the clause confusion
table pairs gold and predicted clauses by their number.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table
from sklearn.metrics import confusion_matrix
from spacy.language import Language
from spacy.scorer import Scorer
from spacy.training import Example

from .components.record_builder import build_record
from .corpus.annotations import AnnotatedText, to_doc
from .evaluate import FIELDS, EvaluationReport, evaluate, format_accuracy as _fmt
from .inputs import atomic_write_text
from .labels import CLAUSE_LABELS, CLAUSES_KEY, ENTITY_LABELS

MISSING = "(none)"  # a clause number the other side does not have


@dataclass
class PipelineReport:
    name: str
    documents: int
    fields: EvaluationReport
    entities: dict[str, Any]  # spaCy span scores: p, r, f and per label
    clause_spans: dict[str, Any]
    clause_pairs: list[tuple[str, str]] = field(default_factory=list)  # (gold, predicted) by number

    def confusion(self) -> tuple[list[str], list[list[int]]]:
        """Clause labels that occur, and the gold x predicted count matrix over them."""
        used = {label for pair in self.clause_pairs for label in pair}
        labels = [label for label in [*CLAUSE_LABELS, MISSING] if label in used]
        if not self.clause_pairs:
            return labels, []
        gold, predicted = zip(*self.clause_pairs)
        return labels, confusion_matrix(gold, predicted, labels=labels).tolist()

    def to_dict(self) -> dict[str, Any]:
        labels, matrix = self.confusion()
        return {
            "pipeline": self.name,
            "documents": self.documents,
            "fields": self.fields.to_dict(),
            "entities": self.entities,
            "clause_spans": self.clause_spans,
            "clause_confusion": {"labels": labels, "matrix": matrix},
        }


def evaluate_pipeline(nlp: Language, examples: Sequence[AnnotatedText], name: str = "pipeline") -> PipelineReport:
    """Run `nlp` over the texts of `examples` and score it against their annotations."""
    references = [to_doc(example) for example in examples]
    gold_records, predicted_records, spacy_examples = {}, {}, []
    texts = (example.text for example in examples)
    for example, reference, predicted in zip(examples, references, nlp.pipe(texts)):
        doc_id = str(example.id)
        gold_records[doc_id] = build_record(reference).to_json_dict()
        predicted_records[doc_id] = predicted._.license_record or build_record(predicted).to_json_dict()
        spacy_examples.append(Example(predicted, reference))
    fields = evaluate(gold_records, predicted_records)
    entities = Scorer.score_spans(spacy_examples, "ents")
    clause_spans = Scorer.score_spans(
        spacy_examples, f"spans_{CLAUSES_KEY}", getter=lambda doc, _: doc.spans.get(CLAUSES_KEY, []),
        has_annotation=lambda doc: True,
    )
    pairs = []
    for doc_id in gold_records:
        gold = {c["number"]: c["label"] for c in gold_records[doc_id]["clauses"]}
        predicted = {c["number"]: c["label"] for c in predicted_records[doc_id]["clauses"]}
        pairs += [(gold.get(n, MISSING), predicted.get(n, MISSING)) for n in dict.fromkeys([*gold, *predicted])]
    return PipelineReport(name, len(examples), fields, entities, clause_spans, pairs)


# -- rendering -------------------------------------------------------------------------------


def comparison_rows(reports: Sequence[PipelineReport]) -> list[list[str]]:
    """Rows of a side-by-side table: a field per row, a pipeline per column."""
    rows = []
    for name in FIELDS:
        counted = max(r.fields.fields[name].counted for r in reports)
        if counted:
            rows.append([name, str(counted), *(_fmt(r.fields.fields[name].accuracy) for r in reports)])
    rows.append(["clause labels", str(max(r.fields.clauses.counted for r in reports)),
                 *(_fmt(r.fields.clauses.accuracy) for r in reports)])
    rows.append(["entity F1 (micro)", "", *(_fmt(r.entities.get("ents_f")) for r in reports)])
    rows.append(["clause span F1 (micro)", "", *(_fmt(r.clause_spans.get(f"spans_{CLAUSES_KEY}_f")) for r in reports)])
    return rows


def comparison_table(reports: Sequence[PipelineReport], title: str) -> Table:
    table = Table(title=title)
    table.add_column("field")
    table.add_column("documents", justify="right")
    for report in reports:
        table.add_column(report.name, justify="right")
    for row in comparison_rows(reports):
        table.add_row(*row)
    return table


def markdown(reports: Sequence[PipelineReport], title: str) -> str:
    """The comparison, per-label span scores and the clause confusion of the last report, as Markdown."""
    lines = [f"## {title}", "", "| field | documents | " + " | ".join(r.name for r in reports) + " |",
             "|---|---:|" + "---:|" * len(reports)]
    lines += ["| " + " | ".join(row) + " |" for row in comparison_rows(reports)]
    for report in reports:
        lines += ["", f"### {report.name}: entities per label", "", "| label | P | R | F1 |", "|---|---:|---:|---:|"]
        per_type = report.entities.get("ents_per_type") or {}
        # In the label scheme's order: the scorer's dict order varies from run to run.
        lines += [f"| {label} | {_fmt(s['p'])} | {_fmt(s['r'])} | {_fmt(s['f'])} |"
                  for label in ENTITY_LABELS if (s := per_type.get(label))]
        lines += ["", f"### {report.name}: clause spans per label", "", "| label | P | R | F1 |", "|---|---:|---:|---:|"]
        per_type = report.clause_spans.get(f"spans_{CLAUSES_KEY}_per_type") or {}
        lines += [f"| {label} | {_fmt(s['p'])} | {_fmt(s['r'])} | {_fmt(s['f'])} |"
                  for label in CLAUSE_LABELS if (s := per_type.get(label))]
    off_diagonal = Counter((g, p) for g, p in reports[-1].clause_pairs if g != p)
    lines += ["", f"### {reports[-1].name}: clause confusions (gold → predicted, by clause number)", ""]
    if off_diagonal:
        lines += ["| gold | predicted | clauses |", "|---|---|---:|"]
        lines += [f"| {g} | {p} | {n} |" for (g, p), n in off_diagonal.most_common()]
    else:
        lines.append(f"None: all {len(reports[-1].clause_pairs)} clauses have their gold label.")
    return "\n".join(lines) + "\n"


def accuracy_chart(reports: Sequence[PipelineReport], path: Path, title: str) -> None:
    """A PNG bar chart of per-field accuracy, one bar per pipeline."""
    import matplotlib

    matplotlib.use("Agg")  # no display: write the file only
    import matplotlib.pyplot as plt

    rows = [row for row in comparison_rows(reports) if row[1]]
    names = [row[0] for row in rows]
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(names) * max(1, len(reports)) + 1.5))
    height = 0.8 / len(reports)
    for i, report in enumerate(reports):
        values = [float(row[2 + i]) if row[2 + i] != "—" else 0.0 for row in rows]
        ax.barh([y + i * height for y in range(len(names))], values, height=height, label=report.name)
    ax.set_yticks([y + height * (len(reports) - 1) / 2 for y in range(len(names))], names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.0)
    ax.set_xlabel("accuracy")
    ax.set_title(title)
    ax.legend(loc="lower left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_reports(reports: Sequence[PipelineReport], out_dir: Path, title: str) -> dict[str, Path]:
    """report.json, report.md and accuracy.png in out_dir; returns their paths."""
    out_dir = Path(out_dir)
    paths = {"json": out_dir / "report.json", "markdown": out_dir / "report.md", "chart": out_dir / "accuracy.png"}
    atomic_write_text(paths["json"], json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2) + "\n")
    atomic_write_text(paths["markdown"], markdown(reports, title))
    accuracy_chart(reports, paths["chart"], title)
    return paths
