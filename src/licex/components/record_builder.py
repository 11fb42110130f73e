"""`licex_record_builder`: turns the field entities and clause spans of a Doc into its licence record.

It does not care which component found a span (a trained NER, the span categorizer or the rule
fallback); it normalises each value, groups list fields by reading order (a service item belongs
to the business before it, a coverage to the businesses named since the last coverage; an ID
number and a ratio to the shareholder before them), keeps the first value of a single-valued
field, and records the evidence of every value. Values are read from the text as the rules see
it (layout.TextView: HTML entities and tags, full-width forms), evidence from the original text.
The record is stored as a JSON-ready dict in `doc._.license_record`, so Docs stay serialisable.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from ..clauses import clause_number, parse_clause_number, section_business
from ..labels import BUSINESS_LABELS, CLAUSES_KEY, ENTITY_LABELS
from ..layout import TextView
from ..normalize import clean_value, normalize_date, normalize_license_no, parse_business, parse_money
from ..record import (
    AnnualInspection,
    Business,
    Clause,
    Evidence,
    LicenseRecord,
    Shareholder,
    Website,
)
from . import rule_data  # noqa: F401  (registers Span._.licex_component)

Doc.set_extension("license_record", default=None, force=True)

# Single-valued fields: record key and the normaliser that turns entity text into the value.
_SINGLE_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "LICENSE_NO": ("license_no", normalize_license_no),
    "COMPANY": ("company_name", lambda t: clean_value(t) or None),
    "LEGAL_REP": ("legal_representative", lambda t: clean_value(t) or None),
    "ADDRESS": ("registered_address", lambda t: clean_value(t) or None),
    "ISSUE_DATE": ("issue_date", normalize_date),
    "EXPIRY_DATE": ("expiry_date", normalize_date),
    "SIGNER": ("signer", lambda t: clean_value(t) or None),
}
_WEBSITE_FIELDS = {
    "WEBSITE_NAME": "name",
    "DOMAIN": "domain",
    "SERVER_LOCATION": "server_location",
    "ACCESS_PROVIDER": "access_provider",
}


def read_as_rules(text: str) -> str:
    """Entity text as the rules see it: `李&nbsp;雷` reads 李 雷, `<br>` a line break."""
    return TextView.of(text).text


def single_value(label: str, text: str) -> Any | None:
    """The value an entity of a single-valued field gives (CAPITAL: a Money), from its text as
    the rules see it; None where it gives none (a date that does not parse, a blank name)."""
    if label == "CAPITAL":
        return parse_money(text)
    if label in _SINGLE_FIELDS:
        return _SINGLE_FIELDS[label][1](text)
    return clean_value(text) or None  # the website fields


def gives_value(ent: Span) -> bool:
    """Whether an entity of a single-valued field gives the field a value. One that gives none
    is no finding, and the rule fallback may fill the field instead."""
    return single_value(ent.label_, read_as_rules(ent.text)) is not None


@Language.factory(
    "licex_record_builder",
    assigns=["doc._.license_record"],
    requires=["doc.ents", "doc.spans"],
    default_config={"scorer": {"@scorers": "licex.fields_scorer.v1"}},
    default_score_weights={"fields_acc": 1.0, "clauses_acc": None},
)
def make_record_builder(nlp: Language, name: str, scorer: Callable | None) -> "RecordBuilder":
    """Build the record builder; `scorer` scores the records (per-field accuracy) in spacy train/evaluate."""
    return RecordBuilder(nlp, name, scorer)


class RecordBuilder:
    def __init__(self, nlp: Language, name: str, scorer: Callable | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.scorer = scorer

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return self.scorer(examples, **kwargs) if self.scorer else {}

    def __call__(self, doc: Doc) -> Doc:
        doc._.license_record = build_record(doc, self._model_components()).to_json_dict()
        return doc

    def _model_components(self) -> dict[str, str]:
        """Which trained component set spans that carry no component of their own."""
        found = {"ents": "model", "clauses": "model"}
        for name, pipe in self.nlp.pipeline:
            if name.startswith("licex_") or pipe is self:
                continue
            factory = self.nlp.get_pipe_meta(name).factory
            if factory in ("ner", "beam_ner", "entity_ruler", "span_ruler") and found["ents"] == "model":
                found["ents"] = name
            elif factory in ("spancat", "spancat_singlelabel") and found["clauses"] == "model":
                found["clauses"] = name
        return found


def build_record(doc: Doc, model_components: dict[str, str] | None = None, source: str | None = None) -> LicenseRecord:
    """The licence record of a processed Doc."""
    components = model_components or {"ents": "model", "clauses": "model"}
    builder = _Builder(components, doc.text)
    for ent in doc.ents:
        builder.add_entity(ent)
    builder.add_clauses(sorted(doc.spans.get(CLAUSES_KEY, []), key=lambda s: s.start_char))
    return builder.record(source)


class _Builder:
    def __init__(self, components: dict[str, str], text: str) -> None:
        self.components = components
        self.text = text  # Doc.text joins tokens on every access; read it once
        self.values: dict[str, Any] = {}
        self.evidence: dict[str, list[Evidence]] = {}
        self.previous: list[str] = []
        self.businesses: list[Business] = []
        self.shareholders: list[Shareholder] = []
        self.inspections: list[AnnualInspection] = []
        self.website: dict[str, str] = {}
        self.clauses: list[Clause] = []
        self.capital = None
        self.current_business: int | None = None  # service items attach to it
        # Businesses named since the last coverage that have none: one coverage printed after a
        # list of businesses (业务种类: A、B / 业务覆盖范围: 全国) covers each of them.
        self.uncovered: list[int] = []
        self.skip_inspection = False  # a repeated inspection entry (duplicated page) is read once

    def _evidence(self, path: str, span: Span, kind: str = "ents") -> None:
        component = span._.licex_component or self.components[kind]
        self.evidence.setdefault(path, []).append(Evidence(
            start=span.start_char, end=span.end_char, text=self.text[span.start_char:span.end_char], component=component
        ))

    def _read(self, span: Span) -> str:
        return read_as_rules(self.text[span.start_char:span.end_char])

    def add_entity(self, ent: Span) -> None:
        label = ent.label_
        if label not in ENTITY_LABELS:
            return
        text = self._read(ent)
        if label in _SINGLE_FIELDS:
            key = _SINGLE_FIELDS[label][0]
            if key not in self.values and (value := single_value(label, text)) is not None:
                self.values[key] = value
                self._evidence(key, ent)
        elif label == "CAPITAL":
            money = single_value(label, text)
            if money and self.capital is None:
                self.capital = money
                self._evidence("registered_capital_cny" if money.currency == "CNY" else "registered_capital_foreign", ent)
        elif label == "PREV_LICENSE_NO":
            number = normalize_license_no(text)
            if number and number not in self.previous:
                self.previous.append(number)
                self._evidence(f"previous_license_nos[{len(self.previous) - 1}]", ent)
        elif label in _WEBSITE_FIELDS:
            key = _WEBSITE_FIELDS[label]
            if key not in self.website and (value := single_value(label, text)):
                self.website[key] = value
                self._evidence(f"website.{key}", ent)
        elif label in BUSINESS_LABELS:
            self._add_business_part(label, ent, text)
        elif label in ("SHAREHOLDER", "SHAREHOLDER_ID", "SHARE_RATIO"):
            self._add_shareholder_part(label, ent, text)
        else:
            self._add_inspection_part(label, ent, text)

    def _add_business_part(self, label: str, ent: Span, text: str) -> None:
        if label == "BUSINESS":
            parsed = parse_business(text)
            if parsed is None:
                return
            index = next((i for i, b in enumerate(self.businesses) if b.code == parsed.code), None)
            if index is None:
                self.businesses.append(Business(code=parsed.code, name=parsed.name, category=parsed.category))
                index = len(self.businesses) - 1
                self._evidence(f"businesses[{index}].code", ent)
            # A repeated business (the header and the 附页) adds what the first mention lacked.
            self.current_business = index
            if self.businesses[index].coverage is None and index not in self.uncovered:
                self.uncovered.append(index)
            for item in parsed.service_items:
                self._add_service_item(index, item, ent)
            return
        index = self.current_business
        value = clean_value(text)
        if index is None or not value:
            return
        if label == "SERVICE_ITEM":
            self._add_service_item(index, value, ent)
            return
        for i in self.uncovered:
            if self.businesses[i].coverage is None:
                self.businesses[i].coverage = value
                self._evidence(f"businesses[{i}].coverage", ent)
        self.uncovered = []

    def _add_service_item(self, index: int, item: str, ent: Span) -> None:
        items = self.businesses[index].service_items
        if item not in items:
            items.append(item)
            self._evidence(f"businesses[{index}].service_items[{len(items) - 1}]", ent)

    def _add_shareholder_part(self, label: str, ent: Span, text: str) -> None:
        value = clean_value(text)
        if not value:
            return
        if label == "SHAREHOLDER":
            self._drop_repeated_shareholder()
            self.shareholders.append(Shareholder(name=value))
            self._evidence(f"shareholders[{len(self.shareholders) - 1}].name", ent)
            return
        if not self.shareholders:
            return
        row = self.shareholders[-1]
        key = "id_number" if label == "SHAREHOLDER_ID" else "share_ratio"
        if getattr(row, key) is None:
            setattr(row, key, value.replace(" ", "").upper() if key == "id_number" else value.replace(" ", ""))
            self._evidence(f"shareholders[{len(self.shareholders) - 1}].{key}", ent)

    def _drop_repeated_shareholder(self) -> None:
        """Duplicated pages repeat table rows: a finished row equal to an earlier one is dropped."""
        if len(self.shareholders) > 1 and self.shareholders[-1] in self.shareholders[:-1]:
            index = len(self.shareholders) - 1
            self.shareholders.pop()
            for key in [k for k in self.evidence if k.startswith(f"shareholders[{index}].")]:
                del self.evidence[key]

    def _add_inspection_part(self, label: str, ent: Span, text: str) -> None:
        if label == "INSPECTION_YEAR":
            year = clean_value(text).replace(" ", "")
            self.skip_inspection = not year.isdigit() or any(i.year == int(year) for i in self.inspections)
            if not self.skip_inspection and 1990 <= int(year) <= 2100:
                self.inspections.append(AnnualInspection(year=int(year)))
                self._evidence(f"annual_inspections[{len(self.inspections) - 1}].year", ent)
            return
        if not self.inspections or self.skip_inspection:
            return
        entry = self.inspections[-1]
        index = len(self.inspections) - 1
        if label == "INSPECTION_RESULT" and entry.result is None:
            entry.result = clean_value(text).replace(" ", "")
            self._evidence(f"annual_inspections[{index}].result", ent)
        elif label == "INSPECTION_DATE" and entry.date is None and (date := normalize_date(text)):
            entry.date = date
            self._evidence(f"annual_inspections[{index}].date", ent)

    def add_clauses(self, spans: list[Span]) -> None:
        top = sub = 0
        business = None
        for span in spans:
            text = self._read(span)
            parsed_top, parsed_sub = parse_clause_number(text)
            if parsed_top is None and parsed_sub is None:
                # A clause whose number was not read: it continues the numbering.
                if span.label_.startswith("BIZ_") and span.label_ != "BIZ_SECTION_HEADER" and top:
                    parsed_sub = sub + 1
                else:
                    parsed_top = top + 1
            if parsed_top is not None:
                top, sub = parsed_top, 0
                business = section_business(text)
                number_sub = None
            else:
                sub = parsed_sub
                number_sub = sub
            index = len(self.clauses)
            self.clauses.append(Clause(
                number=clause_number(top, number_sub),
                label=span.label_,
                business_code=business,
                start=span.start_char,
                end=span.end_char,
            ))
            self._evidence(f"clauses[{index}]", span, "clauses")

    def record(self, source: str | None) -> LicenseRecord:
        self._drop_repeated_shareholder()
        capital = self.capital
        license_no = self.values.get("license_no")
        return LicenseRecord(
            **self.values,
            previous_license_nos=[n for n in self.previous if n != license_no],
            registered_capital_cny=capital.amount if capital and capital.currency == "CNY" else None,
            registered_capital_foreign=capital if capital and capital.currency != "CNY" else None,
            businesses=self.businesses,
            website=Website(**self.website) if self.website else None,
            shareholders=self.shareholders,
            annual_inspections=self.inspections,
            clauses=self.clauses,
            source=source,
            evidence=self.evidence,
        )
