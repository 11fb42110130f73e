"""Per-field accuracy of predicted licence records against gold records.

Both sides are record dicts (the JSON of LicenseRecord). Values are compared after normalisation
(NFKC, no whitespace; lists as multisets), so OCR spacing and full-width forms are not errors.

Gold records may leave keys out: a key absent from a gold record or gold item means "not
annotated", and that key is then dropped from both sides of the comparison for that document.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from rich.table import Table
from spacy.util import registry

from .components.record_builder import build_record
from .inputs import InputError
from .record import AnnualInspection, Business, LicenseRecord, Shareholder, Website

FIELDS = [
    "license_no",
    "previous_license_nos",
    "company_name",
    "legal_representative",
    "registered_capital_cny",
    "registered_address",
    "businesses",
    "businesses.service_items",
    "businesses.coverage",
    "issue_date",
    "expiry_date",
    "signer",
    "website.name",
    "website.domain",
    "website.server_location",
    "website.access_provider",
    "shareholders",
    "annual_inspections",
]
_TEXT_FIELDS = ["license_no", "company_name", "legal_representative", "registered_address",
                "issue_date", "expiry_date", "signer"]
_ITEM_MODELS = {"businesses": Business, "website": Website, "shareholders": Shareholder,
                "annual_inspections": AnnualInspection}
# The business code is the key of the per-business fields: without it they cannot be compared.
_REQUIRES = {name: ("businesses.code",) for name in FIELDS if name.startswith("businesses")}
_SPACE = re.compile(r"\s+")


def unannotated_keys(gold: dict[str, Any]) -> frozenset[str]:
    """Paths the gold record does not annotate: absent top-level keys (`signer`) and sub-keys that
    some item lacks (`annual_inspections.date`). A field with no gold items drops nothing: the gold
    then says there are none, which is an annotation."""
    missing = {key for key in LicenseRecord.model_fields if key not in gold}
    for name, model in _ITEM_MODELS.items():
        value = gold.get(name)
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
        missing |= {f"{name}.{key}" for item in items for key in model.model_fields if key not in item}
    return frozenset(missing)


def _norm(value: Any) -> Any:
    """Comparable scalar: strings NFKC without whitespace; empty strings become None (no value)."""
    if isinstance(value, str):
        return _SPACE.sub("", unicodedata.normalize("NFKC", value)) or None
    return value


def _multiset(items: Iterable[Any]) -> tuple | None:
    """Order-free, duplicate-keeping comparison; repr sorts mixed None/str/int safely."""
    return tuple(sorted(items, key=repr)) or None


def field_values(record: dict[str, Any], unannotated: Collection[str] | None = None) -> dict[str, Any]:
    """The comparable value of each evaluated field (None = no value), in FIELDS order.

    Fields that `unannotated` (default: the record's own unannotated keys, as for a gold record)
    rules out are left out of the result; tuple members for unannotated sub-keys are dropped.
    """
    skip = unannotated_keys(record) if unannotated is None else frozenset(unannotated)

    def items(name: str) -> list[dict[str, Any]]:
        return [item for item in record.get(name) or [] if isinstance(item, dict)]

    def rows(name: str, keys: list[str]) -> tuple | None:
        kept = [key for key in keys if f"{name}.{key}" not in skip]
        return _multiset(tuple(_norm(item.get(key)) for key in kept) for item in items(name))

    businesses = [(_norm(b.get("code")), b) for b in items("businesses")]
    website = record.get("website") or {}
    values: dict[str, Any] = {name: _norm(record.get(name)) for name in _TEXT_FIELDS}
    values |= {
        "previous_license_nos": _multiset(filter(None, map(_norm, record.get("previous_license_nos") or []))),
        "registered_capital_cny": _norm(record.get("registered_capital_cny")),
        "businesses": _multiset(code for code, _ in businesses),
        "businesses.service_items": _multiset(
            (code, service) for code, b in businesses
            if (service := _multiset(filter(None, map(_norm, b.get("service_items") or []))))
        ),
        "businesses.coverage": _multiset(
            (code, coverage) for code, b in businesses if (coverage := _norm(b.get("coverage")))
        ),
        "shareholders": rows("shareholders", ["name", "id_number", "share_ratio"]),
        "annual_inspections": rows("annual_inspections", ["year", "result", "date"]),
    }
    values |= {f"website.{key}": _norm(website.get(key)) for key in Website.model_fields}
    return {
        name: values[name] for name in FIELDS
        if not {name, name.split(".")[0], *_REQUIRES.get(name, ())} & skip
    }


def _clauses(record: dict[str, Any]) -> dict[str, str]:
    """Clause number (NFKC, so 十五（三） == 十五(三)) -> label."""
    return {_norm(c.get("number")): c.get("label") for c in record.get("clauses") or [] if isinstance(c, dict)}


@dataclass
class Score:
    counted: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.counted if self.counted else None

    def add(self, ok: bool) -> None:
        self.counted += 1
        self.correct += ok


class Miss(NamedTuple):
    doc_id: str
    field: str  # a FIELDS name, or `clauses[十五(三)]` for one clause number
    gold: Any
    predicted: Any


@dataclass
class EvaluationReport:
    fields: dict[str, Score] = field(default_factory=lambda: {name: Score() for name in FIELDS})
    clauses: Score = field(default_factory=Score)
    misses: list[Miss] = field(default_factory=list)
    documents: int = 0
    unmatched: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def score(s: Score) -> dict[str, Any]:
            return {**asdict(s), "accuracy": s.accuracy}

        return {
            "documents": self.documents,
            "fields": {name: score(s) for name, s in self.fields.items()},
            "clauses": score(self.clauses),
            "misses": [{"document": m.doc_id, "field": m.field, "gold": _jsonable(m.gold),
                        "predicted": _jsonable(m.predicted)} for m in self.misses],
            "unmatched": list(self.unmatched),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


def evaluate(gold: dict[str, dict], predicted: dict[str, dict]) -> EvaluationReport:
    """Score predictions per field and per clause label; both dicts are keyed by document id.

    A field counts on a document where gold or prediction has a value. A missing prediction is an
    empty one; a prediction without gold is listed in `unmatched` and not scored.
    """
    report = EvaluationReport(documents=len(gold), unmatched=sorted(set(predicted) - set(gold)))
    for doc_id, gold_record in sorted(gold.items()):
        pred_record = predicted.get(doc_id) or {}
        skip = unannotated_keys(gold_record)
        pred_values = field_values(pred_record, skip)
        for name, gold_value in field_values(gold_record, skip).items():
            pred_value = pred_values[name]
            if gold_value is None and pred_value is None:
                continue
            report.fields[name].add(gold_value == pred_value)
            if gold_value != pred_value:
                report.misses.append(Miss(doc_id, name, gold_value, pred_value))
        if "clauses" in skip:
            continue
        gold_clauses, pred_clauses = _clauses(gold_record), _clauses(pred_record)
        # Gold order, then extra predicted numbers: the misses read in document order.
        for number in dict.fromkeys([*gold_clauses, *pred_clauses]):
            ok = number in gold_clauses and number in pred_clauses and gold_clauses[number] == pred_clauses[number]
            report.clauses.add(ok)
            if not ok:
                report.misses.append(Miss(doc_id, f"clauses[{number}]", gold_clauses.get(number),
                                          pred_clauses.get(number)))
    return report


def _read_record(text: str, path: Path, first_line: int = 1) -> dict[str, Any]:
    """Parse one JSON record; errors name the file and the line (JSONDecodeError.lineno)."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{first_line + exc.lineno - 1}", f"invalid JSON: {exc.msg}") from None
    if not isinstance(record, dict):
        raise InputError(f"{path}:{first_line}", "not a JSON object")
    return record


def load_gold_dir(path: Path) -> dict[str, dict]:
    """Gold records `<id>.record.json` in a folder, keyed by id."""
    gold = {}
    for file in sorted(Path(path).glob("*.record.json")):
        gold[file.name.removesuffix(".record.json")] = _read_record(file.read_text("utf-8"), file)
    if not gold:
        raise InputError(str(path), "no *.record.json files")
    return gold


def load_predictions(path: Path) -> dict[str, dict]:
    """JSONL written by `licex extract`, keyed by the file name of each record's `source`, minus .txt."""
    from .predictions import read_predictions

    return read_predictions(path)


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
    table.add_row("clause labels", str(report.clauses.counted), str(report.clauses.correct),
                  format_accuracy(report.clauses.accuracy))
    return table


def render_misses(report: EvaluationReport, limit: int | None = None) -> Table:
    """The misses (at most `limit`) as document, field, gold value, predicted value."""
    table = Table(title=f"Misses ({len(report.misses)})")
    for column in ("document", "field", "gold", "predicted"):
        table.add_column(column, overflow="fold")
    for miss in report.misses[:limit]:
        table.add_row(miss.doc_id, miss.field, *(
            "—" if v is None else json.dumps(_jsonable(v), ensure_ascii=False) for v in (miss.gold, miss.predicted)
        ))
    return table


# -- spaCy scorer ---------------------------------------------------------------------------


def score_examples(examples: Iterable[Any], **_: Any) -> dict[str, Any]:
    """Per-field accuracy of spaCy Examples: the record of each predicted Doc against the record
    the record builder makes of its reference annotations.

    Returns `fields_acc` (the mean accuracy over the fields counted on any document),
    `clauses_acc` (clause-label accuracy) and `fields_<field>_acc` for each counted field, so
    `spacy train` and `spacy evaluate` report them.
    """
    gold, predicted = {}, {}
    for i, example in enumerate(examples):
        gold[str(i)] = build_record(example.reference).to_json_dict()
        predicted[str(i)] = example.predicted._.license_record or build_record(example.predicted).to_json_dict()
    report = evaluate(gold, predicted)
    accuracies = {name: s.accuracy for name, s in report.fields.items() if s.accuracy is not None}
    scores: dict[str, Any] = {
        "fields_acc": sum(accuracies.values()) / len(accuracies) if accuracies else None,
        "clauses_acc": report.clauses.accuracy,
    }
    scores |= {f"fields_{name.replace('.', '_')}_acc": value for name, value in accuracies.items()}
    return scores


@registry.scorers("licex.fields_scorer.v1")
def make_fields_scorer() -> Callable[..., dict[str, Any]]:
    """The record builder's scorer: per-field accuracy (see score_examples)."""
    return score_examples
