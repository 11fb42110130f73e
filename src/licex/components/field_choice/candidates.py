"""Each side's reading of a unit of choice, as a candidate: its spans and values, how it was
found, whether the other side agrees, whether it is plausible."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Span

from licex.components.names import MODEL, RULES
from licex.fields.catalogue import EXCLUSION_RE
from licex.fields.fold import Finding, fold
from licex.fields.labels import ENTITY_LABELS, SHAREHOLDER_LABELS
from licex.text.layout import SHAREHOLDER_COLUMNS_RE, SHAREHOLDER_HEADER_RE
from licex.fields.values import plausible, value_forms
from licex.patterns import read_jsonl
from licex.text.chars import spaced
# Units whose two readings are joined, not chosen between: each entry or note is a value of its own.
STAND_ALONE = frozenset(label.unit for label in ENTITY_LABELS.values() if label.joined)
# The structures a reading is compared by as the record folds them: unit -> the record's list.
_FOLDED = {label.unit: label.field.partition(".")[0] for label in ENTITY_LABELS.values()
           if label.unit != label.label and not label.joined}
# The website's fields are the cells of one table, read together.
_WEBSITE_LABELS = frozenset(name for name, label in ENTITY_LABELS.items() if label.field.startswith("websites."))
_WEBSITE_UNITS = frozenset(ENTITY_LABELS[name].unit for name in _WEBSITE_LABELS)


def unit_of(label: str) -> str:
    """The unit of choice an entity label belongs to (labels.ENTITY_LABELS)."""
    return ENTITY_LABELS[label].unit if label in ENTITY_LABELS else label


@dataclass
class Candidate:
    """One side's reading of one unit (a field, the business block, the shareholder table)."""

    unit: str
    side: str  # MODEL or RULES
    spans: list[Span]
    values: tuple[tuple[str, Any], ...]  # (label, value) of each span, in text order
    found_by: str  # how the rules found it (Hit.found_by); "model" for the model's
    agreement: str = "alone"  # agree / disagree / alone: what the other side read of the unit
    plausible: bool = True
    implausible_share: float = 0.0  # of its spans (a structure's readings differ in how many are off)
    # How well the text was read, where contested: the clause numbers its 特别规定事项 skips
    # (confidence weighs the same); a tool that shredded lines makes the rules misread more.
    clause_gaps: int | None = None
    # For the business block, where contested: whether its businesses include every business the
    # 特别规定事项 has a section for (`covered`), not (`missing`), or the text has none (`none`).
    sections: str | None = None
    # A table's cells are read together: where a cell of the same table row is implausible, the
    # columns may have shifted, and this cell is suspect too (the website table).
    row_implausible: bool = False
    # The business part's reading permits a service a 不含 clause of its lines excludes
    # (_check_exclusions): never kept where the other side's reading does not.
    permits_excluded: bool = False
    # The NER's probability for the value, where contested: computed on first use (a policy that
    # does not read it costs no beam), for every contested candidate of the Doc at once.
    probability_source: Callable[[], None] | None = field(default=None, repr=False)
    _model_probability: float | None = field(default=None, repr=False)

    @property
    def model_probability(self) -> float | None:
        if self.probability_source is not None:
            self.probability_source()
        return self._model_probability
    features: list[str] = field(default_factory=list)

    @property
    def contested(self) -> bool:
        return self.agreement == "disagree"


# The policy: the candidates of a Doc -> a score per candidate (higher is kept first).
ChoicePolicy = Callable[[list[Candidate]], list[float]]


def in_their_tables(spans: list[Span], one_a_line: bool = False) -> list[Span]:
    """The spans, less shareholder cells in a text that names no shareholder table (股东 with
    比例 or 证照号码), and website cells in a text that prints none of the website table's
    labels (网站名称, 网址, 服务器放置地, …): a shareholder is a row of its table, a website one of
    its 附页. RapidOCR reads a handwritten signature as a name on a line of its own, which a model
    may take for a shareholder; a model reads a company name in another table as a website's.
    With `one_a_line` (the rules, which read a shareholder table's rows by what each piece is), a
    shareholder header printed a column word a line names the table too; a model's cells there
    are columns printed one after another, whose rows it cannot tell apart."""
    text = spans[0].doc.text if spans else ""
    for labels, header in ((SHAREHOLDER_LABELS, SHAREHOLDER_HEADER_RE), (_WEBSITE_LABELS, _website_header())):
        if any(span.label_ in labels for span in spans) and not header.search(text) and not (
                one_a_line and labels is SHAREHOLDER_LABELS and SHAREHOLDER_COLUMNS_RE.search(text)):
            spans = [span for span in spans if span.label_ not in labels]
    return spans


@lru_cache(maxsize=1)
def _website_header() -> re.Pattern[str]:
    """Any label of the website table, as the shipped label words print it (spaced out too)."""
    return re.compile("|".join(spaced(name) for row in read_jsonl("field_labels.jsonl")
                               if row.get("label") in _WEBSITE_LABELS for name in row["names"]))


def candidates(model_ents: list[Span], rule_ents: list[Span], value_of: Callable[[Span], Any],
               found_by: dict[int, str]) -> list[Candidate]:
    """Each side's candidate of each unit, with agreement and plausibility (no model probability:
    `ModelProbability.fill` adds it to the contested ones)."""
    grouped: dict[tuple[str, str], list[Span]] = {}
    for side, spans in ((MODEL, model_ents), (RULES, rule_ents)):
        for span in spans:
            if span.label_ in ENTITY_LABELS:
                grouped.setdefault((unit_of(span.label_), side), []).append(span)
    out = []
    for (unit, side), spans in grouped.items():
        spans.sort(key=lambda s: s.start_char)
        values = tuple((s.label_, hashable(value_of(s))) for s in spans)
        how = found_by.get(id(spans[0]), "label") if side == RULES else MODEL
        implausible = sum(not plausible(s.label_, value_of(s)) for s in spans)
        out.append(Candidate(unit, side, spans, values, how, plausible=not implausible,
                             implausible_share=implausible / len(spans)))
    by_unit: dict[str, list[Candidate]] = {}
    for candidate in out:
        by_unit.setdefault(candidate.unit, []).append(candidate)
    for group in by_unit.values():
        if len(group) == 2:
            same = group[0].values == group[1].values or _reading(group[0], value_of) == _reading(group[1], value_of)
            for candidate in group:
                candidate.agreement = "agree" if same else "disagree"
    _check_term(by_unit, value_of)
    _check_exclusions(by_unit, value_of)
    for side in (MODEL, RULES):
        row = [c for c in out if c.side == side and c.unit in _WEBSITE_UNITS and c.found_by == "table"]
        if any(not c.plausible for c in row):
            for candidate in row:
                candidate.row_implausible = candidate.plausible
    return out


def _reading(candidate: Candidate, value_of: Callable[[Span], Any]) -> Any:
    """What a unit's reading says: a single field its first value (the record keeps the first);
    a structure the part of the record it folds into (fold.fold: a service item labelled as a
    business of its own, or the other way round, may fold into the same businesses); a list
    every value."""
    label, _ = candidate.values[0]
    if candidate.unit in _FOLDED:
        record = fold(Finding(span.label_, value_of(span)) for span in candidate.spans)
        return [item.model_dump_json() for item in getattr(record, _FOLDED[candidate.unit])]
    if candidate.unit == label and not ENTITY_LABELS[label].multi:
        return candidate.values[0]
    return frozenset(candidate.values)


def _check_term(by_unit: dict[str, list[Candidate]], value_of: Callable[[Span], Any]) -> None:
    """An expiry date not after every issue date read, or a term longer than licences run, is
    implausible (a licence runs up to five years from its issue)."""
    issued = [value_of(c.spans[0]) for c in by_unit.get("ISSUE_DATE", [])]
    longest = value_forms()["longest_term_days"]
    for candidate in by_unit.get("EXPIRY_DATE", []):
        expiry = value_of(candidate.spans[0])
        if issued and not any(0 < (expiry - issue).days <= longest for issue in issued):
            candidate.plausible = False


def hashable(value: Any) -> Any:
    """A value as a key: pydantic models by their JSON, others by repr."""
    return value.model_dump_json() if hasattr(value, "model_dump_json") else repr(value)


def _check_exclusions(by_unit: dict[str, list[Candidate]], value_of: Callable[[Span], Any]) -> None:
    """A reading of the business part that permits a service a 不含 clause of its lines excludes
    (不含 / (服务项目)A、B read as the items A and B) is implausible: an exclusion is never a
    permission (the record's check `exclusions` flags whatever reading is kept)."""
    from licex.fields.consistency import excluded_around, excluding_clause

    for candidate in by_unit.get(unit_of("SERVICE_ITEM"), []):
        items = [(span, value_of(span)) for span in candidate.spans if span.label_ == "SERVICE_ITEM"]
        permitted = [value for _, value in items if isinstance(value, str) and not EXCLUSION_RE.match(value)]
        if not permitted:
            continue
        excluded, _ = excluded_around(candidate.spans[0].doc.text, [(s.start_char, s.end_char) for s in candidate.spans])
        if any(excluding_clause(value, excluded) for value in permitted):
            candidate.plausible = False
            candidate.permits_excluded = True
