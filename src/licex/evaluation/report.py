"""One pipeline's scores on one annotated set: fields, entity and clause spans, the clause
confusion; as the JSON of its report and as the summary training's metrics.json keeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sklearn.metrics import confusion_matrix

from licex.fields.labels import CLAUSE_LABELS, CLAUSES_KEY
from licex.evaluation.records import MISSING, EvaluationReport


@dataclass
class PipelineReport:
    name: str
    documents: int
    fields: EvaluationReport  # its `clauses` pairs the gold and predicted label of every clause number
    entities: dict[str, Any]  # span scores: ents_p, ents_r, ents_f and ents_per_type
    clause_spans: dict[str, Any]  # the same for spans_clauses_*

    def confusion(self) -> tuple[list[str], list[list[int]]]:
        """Clause labels that occur, and the gold x predicted count matrix over them."""
        gold, predicted = self.fields.clauses.gold, self.fields.clauses.predicted
        used = {*gold, *predicted}
        labels = [label for label in [*CLAUSE_LABELS, MISSING] if label in used]
        if not gold:
            return labels, []
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


def summary(report: PipelineReport) -> dict[str, Any]:
    """What metrics.json keeps of a report: field accuracies, clause-label accuracy, span F1s."""
    fields = {name: s.accuracy for name, s in report.fields.fields.items() if s.counted}
    return {
        "documents": report.documents,
        "fields": fields,
        "field_micro_accuracy": report.fields.micro_accuracy(),
        "clause_label_accuracy": report.fields.clauses.accuracy,
        "entity_f1": report.entities.get("ents_f"),
        "clause_span_f1": report.clause_spans.get(f"spans_{CLAUSES_KEY}_f"),
    }
