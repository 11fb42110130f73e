"""Evaluation reports as people read them: terminal tables, Markdown, JSON and a bar chart.

Every figure is printed by `format_accuracy` (three decimals), so the tables, the Markdown and the
README agree digit for digit.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from rich.table import Table

from licex.fields.labels import CLAUSE_LABELS, CLAUSES_KEY, ENTITY_LABELS
from licex.files.messages import OutputError, os_cause
from licex.files.outputs import atomic_path
from licex.evaluation.records import FIELDS, EvaluationReport, jsonable

if TYPE_CHECKING:
    from licex.evaluation.report import PipelineReport


def format_accuracy(value: float | None) -> str:
    """An accuracy or F1 as printed in every licex table: three decimals, — where nothing was counted."""
    return "—" if value is None else f"{value:.3f}"


def render_table(report: EvaluationReport) -> Table:
    """Accuracy per field, then one row for clause labels."""
    table = Table(title=f"Field accuracy ({report.documents} documents)")
    for column in ("field", "documents", "correct", "accuracy"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name, score in report.fields.items():
        table.add_row(name, str(score.counted), str(score.correct), format_accuracy(score.accuracy))
    table.add_section()
    counted = sum(score.counted for score in report.fields.values())
    table.add_row("fields (micro)", str(counted), str(sum(score.correct for score in report.fields.values())),
                  format_accuracy(report.micro_accuracy()))
    table.add_row("clause labels", str(report.clauses.counted), str(report.clauses.correct),
                  format_accuracy(report.clauses.accuracy))
    table.add_section()  # trust (evaluation.trust): what a person who reads only the flagged and doubtful values is left with
    trust = report.trust
    for name, counted, part in (("values trusted (≥ 0.9, no flag): right", trust.trusted, trust.trusted_right),
                                ("wrong or missing fields: put to a person", trust.wrong, trust.wrong_flagged),
                                ("right fields: put to a person", trust.right, trust.right_flagged)):
        table.add_row(name, str(counted), str(part), format_accuracy(part / counted if counted else None))
    return table


def render_misses(report: EvaluationReport, limit: int | None = None) -> Table:
    """The misses (at most `limit`) as document, field, gold value, predicted value."""
    table = Table(title=f"Misses ({len(report.misses)})")
    for column in ("document", "field", "gold", "predicted"):
        table.add_column(column, overflow="fold")
    for miss in report.misses[:limit]:
        table.add_row(miss.doc_id, miss.field, *(
            "—" if v is None else json.dumps(jsonable(v), ensure_ascii=False) for v in (miss.gold, miss.predicted)
        ))
    return table


def comparison_rows(reports: Sequence[PipelineReport]) -> list[list[str]]:
    """Rows of a side-by-side table: a field per row, a pipeline per column."""
    rows = []
    for name in FIELDS:
        counted = max(r.fields.fields[name].counted for r in reports)
        if counted:
            rows.append([name, str(counted), *(format_accuracy(r.fields.fields[name].accuracy) for r in reports)])
    rows.append(["fields (micro)", str(max(sum(s.counted for s in r.fields.fields.values()) for r in reports)),
                 *(format_accuracy(r.fields.micro_accuracy()) for r in reports)])
    rows.append(["clause labels", str(max(r.fields.clauses.counted for r in reports)),
                 *(format_accuracy(r.fields.clauses.accuracy) for r in reports)])
    rows.append(["fields flagged for review", "", *(_flag_share(r.fields) for r in reports)])
    rows.append(["values trusted (≥ 0.9, no flag): right", "",
                 *(format_accuracy(r.fields.trust.to_dict()["trusted_right_share"]) for r in reports)])
    rows.append(["wrong or missing fields: put to a person", "",
                 *(format_accuracy(r.fields.trust.to_dict()["wrong_flagged_share"]) for r in reports)])
    rows.append(["entity F1 (micro)", "", *(format_accuracy(r.entities.get("ents_f")) for r in reports)])
    rows.append(["clause span F1 (micro)", "", *(format_accuracy(r.clause_spans.get(f"spans_{CLAUSES_KEY}_f")) for r in reports)])
    return rows


def _band(row: tuple[str, int, float | None]) -> str:
    _, values, right = row
    return f"{format_accuracy(right)} of {values}" if values else "—"


def _flag_share(report: EvaluationReport) -> str:
    """The share of fields flagged, and how many of the flagged ones are wrong."""
    review = report.review_counts()
    if review["share_flagged"] is None:
        return ""
    return f"{format_accuracy(review['share_flagged'])} ({review['flagged_wrong']} of {review['flagged']} wrong)"


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
        lines += [f"| {label} | {format_accuracy(s['p'])} | {format_accuracy(s['r'])} | {format_accuracy(s['f'])} |"
                  for label in ENTITY_LABELS if (s := per_type.get(label))]
        lines += ["", f"### {report.name}: clause spans per label", "", "| label | P | R | F1 |", "|---|---:|---:|---:|"]
        per_type = report.clause_spans.get(f"spans_{CLAUSES_KEY}_per_type") or {}
        lines += [f"| {label} | {format_accuracy(s['p'])} | {format_accuracy(s['r'])} | {format_accuracy(s['f'])} |"
                  for label in CLAUSE_LABELS if (s := per_type.get(label))]
    lines += ["", "### Confidence: of the values in each band, the share right (reliability)", "",
              "| confidence | " + " | ".join(r.name for r in reports) + " |", "|---|" + "---:|" * len(reports)]
    bands = [report.fields.reliability.rows() for report in reports]
    for i, (band, _, _) in enumerate(bands[0]):
        lines.append(f"| {band} | " + " | ".join(_band(rows[i]) for rows in bands) + " |")
    last = reports[-1].fields.clauses
    off_diagonal = Counter((g, p) for g, p in zip(last.gold, last.predicted) if g != p)
    lines += ["", f"### {reports[-1].name}: clause confusions (gold → predicted, by clause number)", ""]
    if off_diagonal:
        lines += ["| gold | predicted | clauses |", "|---|---|---:|"]
        lines += [f"| {g} | {p} | {n} |" for (g, p), n in off_diagonal.most_common()]
    else:
        lines.append(f"None: all {last.counted} clauses have their gold label.")
    return "\n".join(lines) + "\n"


def accuracy_chart(reports: Sequence[PipelineReport], path: Path, title: str) -> None:
    """A PNG bar chart of per-field accuracy, one bar per pipeline, written to `path` as it is."""
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
    try:
        fig.savefig(path, dpi=100, format="png")
    finally:
        plt.close(fig)


def write_reports(reports: Sequence[PipelineReport], out_dir: Path, title: str) -> dict[str, Path]:
    """report.json, report.md and accuracy.png in out_dir, all three or none: each is written
    beside its name first, and they replace the earlier reports only once all are written (an
    OutputError naming the file that failed otherwise); returns their paths."""
    out_dir = Path(out_dir)
    paths = {"json": out_dir / "report.json", "markdown": out_dir / "report.md", "chart": out_dir / "accuracy.png"}
    writers = {
        "json": lambda tmp: tmp.write_text(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2)
                                           + "\n", "utf-8"),
        "markdown": lambda tmp: tmp.write_text(markdown(reports, title), "utf-8"),
        "chart": lambda tmp: accuracy_chart(reports, tmp, title),
    }
    with ExitStack() as stack:
        for kind, write in writers.items():
            tmp = stack.enter_context(atomic_path(paths[kind], named_by_licex=True))
            try:
                write(tmp)
            except (OSError, UnicodeError) as error:  # named here: the block of the last file would name that one
                cause = os_cause(error) if isinstance(error, OSError) else str(error)
                raise OutputError(str(paths[kind]), f"cannot write: {cause}") from None
    return paths
