"""Per-field accuracy of predicted licence records against gold records.

Both sides are record dicts (the JSON of LicenseRecord). Values are compared after normalisation
(NFKC, no whitespace; lists as multisets), so OCR spacing and full-width forms are not errors.

A record of an earlier form (exclusions among the service items; one `website` for the list
`websites`) is read as the record model reads it (record.record_exclusions_apart), on either side.
The websites are compared a field at a time, each field as the multiset of its values over
every website (`websites.domain`: the domains of all the 附页's websites).

Gold records may leave keys out: a key absent from a gold record or gold item means "not
annotated", and that key is then dropped from both sides of the comparison for that document.

Each field is a classification: on every document where it counts, its gold value is the true
class and its predicted value the predicted one, so scikit-learn's `accuracy_score` scores it. The
clause labels are paired by clause number the same way (MISSING where one side has no such clause).
No spaCy here: predictions from any extractor can be scored.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, get_origin

from sklearn.metrics import accuracy_score

from licex.files import limits
from licex.files.inputs import decode_text, read_file
from licex.files.jsonl import lone_surrogate
from licex.fields.labels import ENTITY_LABELS
from licex.files.messages import InputError, one_line
from licex.evaluation.trust import Trust, flagged_paths, presented_as_trusted
from licex.fields.record import (
    AnnualInspection,
    Business,
    LicenseRecord,
    Shareholder,
    Website,
    record_exclusions_apart,
    record_field,
    websites_listed,
)

# The evaluated fields, in the field table's order (labels.ENTITY_LABELS: each label's
# `evaluated` fields and how it is `compared`).
FIELDS = list(dict.fromkeys(name for label in ENTITY_LABELS.values() for name in label.evaluated_fields))
# What a record of a licence has one of at least (LicenseRecord.is_empty): without any, the input failed.
_LICENCE_KEYS = ("license_no", "company_name", "businesses", "clauses")
_ITEM_MODELS = {"businesses": Business, "websites": Website, "shareholders": Shareholder,
                "annual_inspections": AnnualInspection}


def _row_keys() -> dict[str, list[str]]:
    """The parts of each list whose rows are compared whole (shareholders: name, id_number, share_ratio)."""
    keys: dict[str, list[str]] = {}
    for label in ENTITY_LABELS.values():
        if label.compared == "row":
            top, _, key = label.field.partition(".")
            keys.setdefault(top, []).append(key)
    return keys


_ROW_KEYS = _row_keys()
# The keys of a business that hold a list (its service items).
_BUSINESS_LISTS = frozenset(name for name, spec in Business.model_fields.items() if get_origin(spec.annotation) is list)
# The business code is the key of the per-business fields: without it they cannot be compared.
_REQUIRES = {name: ("businesses.code",) for name in FIELDS if name.startswith("businesses")}
_SPACE = re.compile(r"\s+")
MISSING = "(none)"  # the label of a clause number that one side does not have


def unannotated_keys(gold: dict[str, Any]) -> frozenset[str]:
    """Paths the gold record does not annotate: absent top-level keys (`signer`) and sub-keys that
    some item lacks (`annual_inspections.date`). A field with no gold items drops nothing: the gold
    then says there are none, which is an annotation."""
    gold = record_exclusions_apart(gold)
    missing = {key for key in LicenseRecord.model_fields if key not in gold}
    for name, model in _ITEM_MODELS.items():
        value = gold.get(name)
        items = value if isinstance(value, list) else []
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
    record = record_exclusions_apart(record)
    skip = unannotated_keys(record) if unannotated is None else frozenset(unannotated)

    def items(name: str) -> list[dict[str, Any]]:
        return [item for item in record.get(name) or [] if isinstance(item, dict)]

    def rows(name: str, keys: list[str]) -> tuple | None:
        kept = [key for key in keys if f"{name}.{key}" not in skip]
        return _multiset(tuple(_norm(item.get(key)) for key in kept) for item in items(name))

    def per_business(key: str) -> tuple | None:
        """(code, value) of each business with a value; a list (service items) as a multiset."""
        if key in _BUSINESS_LISTS:
            return _multiset((code, value) for code, b in businesses
                             if (value := _multiset(filter(None, map(_norm, b.get(key) or [])))))
        return _multiset((code, value) for code, b in businesses if (value := _norm(b.get(key))))

    businesses = [(_norm(b.get("code")), b) for b in items("businesses")]
    values: dict[str, Any] = {}
    for label in ENTITY_LABELS.values():
        top, _, key = label.field.partition(".")
        if label.compared == "value":
            values[label.evaluated] = _norm((record.get(top) or {}).get(key) if key else record.get(top))
        elif label.compared == "list":
            values[label.evaluated] = _multiset(filter(None, map(_norm, record.get(top) or [])))
        elif label.compared == "business":
            values[label.evaluated] = _multiset(code for code, _ in businesses)
        elif label.compared == "per_business":
            values[label.evaluated] = per_business(key)
            if label.excluded_field:
                values[label.excluded_field] = per_business(label.excluded_field.partition(".")[2])
        elif label.compared == "column":
            values[label.evaluated] = _multiset(filter(None, (_norm(item.get(key)) for item in items(top))))
        else:  # a part of a row: the rows of its list, each as the tuple of its parts
            values[label.evaluated] = rows(top, _ROW_KEYS[top])
    return {
        name: values[name] for name in FIELDS
        if not {name, name.split(".")[0], *_REQUIRES.get(name, ())} & skip
    }


def _clauses(record: dict[str, Any]) -> dict[str, str]:
    """Clause number (NFKC, so 十五（三） == 十五(三)) -> label."""
    return {_norm(c.get("number")): c.get("label") for c in record.get("clauses") or [] if isinstance(c, dict)}


def _clause_class(clauses: dict[str, str], number: str) -> str:
    """The label of clause `number` as a class: MISSING where the record has no such clause."""
    return str(clauses[number]) if number in clauses else MISSING


@dataclass
class Score:
    """The gold and predicted classes of one field (or of the clause labels) on the documents where
    it counts; a field's classes are its comparable values as JSON text."""

    gold: list[str] = field(default_factory=list)
    predicted: list[str] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return len(self.gold)

    @property
    def correct(self) -> int:
        return int(accuracy_score(self.gold, self.predicted, normalize=False)) if self.gold else 0

    @property
    def accuracy(self) -> float | None:
        return float(accuracy_score(self.gold, self.predicted)) if self.gold else None

    def add(self, gold: str, predicted: str) -> None:
        self.gold.append(gold)
        self.predicted.append(predicted)

    def to_dict(self) -> dict[str, Any]:
        return {"counted": self.counted, "correct": self.correct, "accuracy": self.accuracy}


def _as_class(value: Any) -> str:
    """A comparable field value as a class label: equal values, equal JSON text."""
    return json.dumps(jsonable(value), ensure_ascii=False)


class Miss(NamedTuple):
    doc_id: str
    field: str  # a FIELDS name, or `clauses[十五(三)]` for one clause number
    gold: Any
    predicted: Any


@dataclass
class ReviewScore:
    """How the predicted records' `needs_review` flags meet the fields that count: how many were
    flagged, and how many of those are wrong (a flag that points at an error). The fields counted
    and the wrong ones are the report's own (`EvaluationReport.review_counts`)."""

    flagged: int = 0
    flagged_wrong: int = 0


def field_of(path: str) -> str | None:
    """The FIELDS name a record path belongs to (businesses[0].coverage: businesses.coverage), or None."""
    name = record_field(path)
    return name if name in FIELDS else None


_PATH_RE = re.compile(r"(?P<name>\w+)(?:\[(?P<index>\d+)\])?(?:\.(?P<key>\w+))?(?:\[(?P<item>\d+)\])?$")


def value_correct(path: str, predicted: dict[str, Any], gold: dict[str, Any]) -> bool | None:
    """Whether the value at a predicted record's path is one the gold record has: the same value
    of a single field, or a member of the gold's values of a list field (the business's code,
    its coverage and service items under the same code, a shareholder's or an inspection's
    entry). None where the path names no evaluated value."""
    match = _PATH_RE.match(path)
    if match is None or field_of(path) is None:
        return None
    predicted, gold = websites_listed(predicted), websites_listed(gold)  # records of the form before too
    name, index, key, item = match["name"], match["index"], match["key"], match["item"]
    value = predicted.get(name)
    if index is None and key is None:
        if isinstance(value, list):  # previous_license_nos as a whole
            return _multiset(map(_norm, value)) == _multiset(map(_norm, gold.get(name) or []))
        return _norm(value) == _norm(gold.get(name))
    if index is None:
        return None
    entries = value if isinstance(value, list) else []
    if int(index) >= len(entries):
        return None
    entry = entries[int(index)]
    if not isinstance(entry, dict):  # previous_license_nos[1]
        return _norm(entry) in {_norm(v) for v in gold.get(name) or []}
    gold_entries = [g for g in gold.get(name) or [] if isinstance(g, dict)]
    if name != "businesses" or key == "code":
        return _norm(entry.get(key)) in {_norm(g.get(key)) for g in gold_entries}
    same_code = [g for g in gold_entries if g.get("code") == entry.get("code")]
    if key == "coverage":
        return any(_norm(g.get("coverage")) == _norm(entry.get("coverage")) for g in same_code)
    items = entry.get(key) or []
    if item is None or int(item) >= len(items):
        return None
    return any(_norm(items[int(item)]) in {_norm(i) for i in g.get(key) or []} for g in same_code)


@dataclass
class Reliability:
    """Of the values with a confidence in each band, how many are right: the reliability table."""

    bands: tuple[float, ...] = (0.9, 0.7, 0.5, 0.0)
    counted: list[int] = field(default_factory=lambda: [0, 0, 0, 0])
    right: list[int] = field(default_factory=lambda: [0, 0, 0, 0])

    def add(self, confidence: float, correct: bool) -> None:
        band = next(i for i, low in enumerate(self.bands) if confidence >= low)
        self.counted[band] += 1
        self.right[band] += correct

    def rows(self) -> list[tuple[str, int, float | None]]:
        """(band, values, share right), from the most confident band down."""
        highs = (1.0, *self.bands[:-1])
        return [(f"{low:.1f}–{high:.1f}", n, r / n if n else None)
                for low, high, n, r in zip(self.bands, highs, self.counted, self.right)]

    def to_dict(self) -> dict[str, Any]:
        return {band: {"values": n, "right": share} for band, n, share in self.rows()}


def flagged_fields(record: dict[str, Any]) -> set[str]:
    """The FIELDS names a record's `needs_review` flags (businesses[0].coverage: businesses.coverage);
    a flag on a list scored by its parts (websites: "the licence prints a website's labels, but
    none was read") names each of them."""
    names: set[str] = set()
    for flag in record.get("needs_review") or []:
        if isinstance(flag, dict):
            path = str(flag.get("field", ""))
            name = field_of(path)
            names |= {name} if name else {f for f in FIELDS if f.startswith(record_field(path) + ".")}
    return names


@dataclass
class EvaluationReport:
    fields: dict[str, Score] = field(default_factory=lambda: {name: Score() for name in FIELDS})
    clauses: Score = field(default_factory=Score)
    misses: list[Miss] = field(default_factory=list)
    documents: int = 0
    unmatched: list[str] = field(default_factory=list)
    review: ReviewScore = field(default_factory=ReviewScore)
    reliability: Reliability = field(default_factory=Reliability)
    trust: Trust = field(default_factory=Trust)

    def review_counts(self) -> dict[str, Any]:
        """The review flags against the fields counted: how many are flagged, flagged and wrong,
        wrong, and the share flagged."""
        counted = sum(s.counted for s in self.fields.values())
        return {"fields": counted, "flagged": self.review.flagged, "flagged_wrong": self.review.flagged_wrong,
                "wrong": counted - sum(s.correct for s in self.fields.values()),
                "share_flagged": self.review.flagged / counted if counted else None}

    def micro_accuracy(self) -> float | None:
        """Right field values over all field values counted: every field of every document weighs the same."""
        counted = sum(s.counted for s in self.fields.values())
        return sum(s.correct for s in self.fields.values()) / counted if counted else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "fields": {name: s.to_dict() for name, s in self.fields.items()},
            "field_micro_accuracy": self.micro_accuracy(),
            "clauses": self.clauses.to_dict(),
            "misses": [{"document": m.doc_id, "field": m.field, "gold": jsonable(m.gold),
                        "predicted": jsonable(m.predicted)} for m in self.misses],
            "unmatched": list(self.unmatched),
            "review": self.review_counts(),
            "reliability": self.reliability.to_dict(),
            "trust": self.trust.to_dict(),
        }


def jsonable(value: Any) -> Any:
    """A comparable value as JSON data: tuples become lists."""
    if isinstance(value, tuple):
        return [jsonable(v) for v in value]
    return value


def evaluate(gold: dict[str, dict], predicted: dict[str, dict]) -> EvaluationReport:
    """Score predictions per field and per clause label; both dicts are keyed by document id.

    A field counts on a document where gold or prediction has a value. A missing prediction is an
    empty one; a prediction without gold is listed in `unmatched` and not scored. A record read
    from several files (pages apart) is scored against their gold merged (evaluation.joined).
    """
    from licex.evaluation.joined import joined_gold

    gold = joined_gold(gold, predicted)
    report = EvaluationReport(documents=len(gold), unmatched=sorted(set(predicted) - set(gold)))
    for doc_id, gold_record in sorted(gold.items()):
        # read in the current form, so the paths of the confidence and the flags are the values'
        gold_record = record_exclusions_apart(gold_record)
        pred_record = record_exclusions_apart(predicted.get(doc_id) or {})
        skip = unannotated_keys(gold_record)
        pred_values = field_values(pred_record, skip)
        flagged = flagged_fields(pred_record)
        confidence, flags = pred_record.get("confidence") or {}, flagged_paths(pred_record)
        # the fields a person is asked to read: flagged, or with a value below the trusted confidence
        put_to_person = flagged | {field_of(path) for path, value in confidence.items()
                                   if not presented_as_trusted(path, value, flags)}
        if not any(pred_record.get(key) for key in _LICENCE_KEYS):  # "no licence found": the input is put to a person
            put_to_person = set(FIELDS)
        scored = field_values(gold_record, skip)
        for name, gold_value in scored.items():
            pred_value = pred_values[name]
            if gold_value is None and pred_value is None:
                continue
            gold_class, pred_class = _as_class(gold_value), _as_class(pred_value)
            report.fields[name].add(gold_class, pred_class)
            wrong = gold_class != pred_class
            report.review.flagged += name in flagged
            report.review.flagged_wrong += wrong and name in flagged
            report.trust.add_field(wrong, name in put_to_person)
            if wrong:
                report.misses.append(Miss(doc_id, name, gold_value, pred_value))
        for path, value in confidence.items():
            if field_of(path) in scored and (correct := value_correct(path, pred_record, gold_record)) is not None:
                report.reliability.add(value, correct)
                report.trust.add_value(presented_as_trusted(path, value, flags), correct)
        if "clauses" in skip:
            continue
        gold_clauses, pred_clauses = _clauses(gold_record), _clauses(pred_record)
        # Gold order, then extra predicted numbers: the misses read in document order.
        for number in dict.fromkeys([*gold_clauses, *pred_clauses]):
            gold_class, pred_class = _clause_class(gold_clauses, number), _clause_class(pred_clauses, number)
            report.clauses.add(gold_class, pred_class)
            if gold_class != pred_class:
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
    if lone := lone_surrogate(record):  # the report is written as UTF-8, which cannot hold it
        raise InputError(str(path), f"invalid JSON: a string holds a lone surrogate ({lone}), which is no character")
    return record


def load_gold_dir(path: Path) -> dict[str, dict]:
    """Gold records `<id>.record.json` in a folder, keyed by id."""
    gold = {}
    for file in sorted(Path(path).glob("*.record.json")):
        # read as every input is: a FIFO or device named so is refused, not read (it could block)
        text = decode_text(read_file(file, str(file), limits.TEXT_BYTES, "text_bytes"), str(file))
        # the id as extract shows a file name in `source` (one_line): a name that is not UTF-8 matches
        gold[one_line(file.name.removesuffix(".record.json"))] = _read_record(text, file)
    if not gold:
        raise InputError(str(path), "no *.record.json files")
    return gold


def load_predictions(path: Path) -> dict[str, dict]:
    """JSONL written by `licex extract`, keyed by document id (predictions.document_id)."""
    from licex.jobs.predictions import read_predictions

    return read_predictions(path)
