"""The fold: findings in reading order become one licence record.

A finding is a field value with the label that found it and, where it came from a text, its
evidence (offsets into the original text and the component). Both the record builder (values
read from a Doc's entities) and the generator's gold records (the values it printed) fold through
`fold`, so a gold record and a predicted one follow the same conventions.

Each label's place in the record is its `field` (labels.ENTITY_LABELS): a top-level field keeps
its first value; `previous_license_nos` collects distinct numbers; a list of rows (businesses,
shareholders, annual_inspections) is opened by the label that names a row (BUSINESS, SHAREHOLDER,
INSPECTION_YEAR) and its other labels fill the row opened last. A website has no such label (a
row may lack its name): each value fills the website read last, and one it already holds with
another value opens the next website (the next row of the 附页's table). Row conventions: a repeated business (the header and a 附页) is one business that
gains what it lacked; a service item belongs to the business before it, a coverage to every
business named since the last coverage (业务种类: A、B / 业务覆盖范围: 全国 covers both); a
service item that excludes (不含A、B) is decided by its text (catalogue.split_exclusion): the
services it names go to the business's `excluded_items`, never to its `service_items`; a
repeated inspection year, a repeated shareholder row and a website whose every value an earlier
one holds (duplicated pages) are read once. A row
opener that gives no value closes the row: what follows it belongs to no earlier row. Shareholder
columns printed one after another are put back in rows where that makes every row whole (_in_rows).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from licex.fields.catalogue import split_exclusion
from licex.fields.labels import ENTITY_LABELS
from licex.fields.normalize import ParsedBusiness
from licex.fields.record import (
    AnnualInspection,
    Business,
    Clause,
    Evidence,
    LicenseRecord,
    Money,
    Shareholder,
    Website,
)
from licex.text.chars import LIST_MARK
from licex.fields.values import coverage_goes_on


@dataclass(frozen=True)
class Finding:
    """A value for the field of `label` (of the kind values.py reads; None where the text gave none)."""

    label: str
    value: Any
    evidence: Evidence | None = None


@dataclass(frozen=True)
class ClauseFinding:
    clause: Clause
    evidence: Evidence | None = None


def fold(findings: Iterable[Finding], clauses: Iterable[ClauseFinding] = (), source: str | None = None) -> LicenseRecord:
    """The licence record of findings given in reading order."""
    record = _Fold()
    for finding in findings:
        record.add(finding)
    for clause in clauses:
        record.add_clause(clause)
    return record.record(source)


class _Fold:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}
        self.evidence: dict[str, list[Evidence]] = {}
        self.previous: list[str] = []
        self.websites: list[dict[str, Any]] = []
        self.businesses: list[Business] = []
        self.current_business: int | None = None  # service items and coverage attach to it
        # Businesses named since the last coverage that have none: one coverage printed after a
        # list of businesses covers each of them.
        self.uncovered: list[int] = []
        # The businesses after the first that the last coverage covered together, while no business
        # was named since: a coverage after it is the next one's (a value cell printed apart from
        # the names: A / B / C, then 山东省 / 山东省 / 山东省, one a business).
        self.shared: list[int] = []
        # The businesses the last coverage went to (one, or those of a list that share it): a
        # coverage that goes on (values.coverage_goes_on) goes on in each.
        self.last_covered: list[int] = []
        self.shareholders: list[Shareholder] = []
        self.shareholder_open = False
        self.shareholder_parts: list[tuple[str, Finding]] = []  # folded into rows at the end (_in_rows)
        self.inspections: list[AnnualInspection] = []
        self.inspection_open = False
        self.inspection_parts: list[tuple[str, Finding]] = []  # folded into rows at the end (_in_rows)
        self.clauses: list[Clause] = []

    def _evidence(self, path: str, finding: Finding | ClauseFinding) -> None:
        if finding.evidence is not None:
            self.evidence.setdefault(path, []).append(finding.evidence)

    def add(self, finding: Finding) -> None:
        label = ENTITY_LABELS.get(finding.label)
        if label is None:
            return
        group, _, key = label.field.partition(".")
        if group == "businesses":
            self._add_business_part(finding)
        elif group == "shareholders":
            self._add_shareholder_part(key, finding)
        elif group == "annual_inspections":
            self.inspection_parts.append((key, finding))
        elif finding.value is None:
            return
        elif group == "websites":
            self._add_website_part(key, finding)
        elif label.multi:  # previous_license_nos
            if finding.value not in self.previous:
                self.previous.append(finding.value)
                self._evidence(f"{label.field}[{len(self.previous) - 1}]", finding)
        elif isinstance(finding.value, Money):
            # An amount in yuan fills the label's field, one in a foreign currency its foreign_field.
            if label.field not in self.values and label.foreign_field not in self.values:
                in_yuan = finding.value.currency == "CNY"
                path = label.field if in_yuan else label.foreign_field
                self.values[path] = finding.value.amount if in_yuan else finding.value
                self._evidence(path, finding)
        elif label.field not in self.values:
            self.values[label.field] = finding.value
            self._evidence(label.field, finding)

    def _add_business_part(self, finding: Finding) -> None:
        value = finding.value
        if finding.label == "BUSINESS":
            self.current_business = None if value is None else self._business(value, finding)
            self.shared, self.last_covered = [], []
            return
        index = self.current_business
        if index is None or value is None:
            return
        if finding.label == "SERVICE_ITEM":
            self._add_service_item(index, value, finding)
            return
        covered = self.businesses[(self.last_covered or [index])[0]].coverage
        if not self.uncovered and covered and coverage_goes_on(covered, value):
            # A coverage cut at a 、 goes on in this one (a cell wrapped around its label), as does
            # one cut inside the unit of a counted group (…西安6城 / 市) or before its count.
            for i in self.last_covered or [index]:
                if self.businesses[i].coverage == covered:
                    self.businesses[i].coverage += value
                    self._evidence(f"businesses[{i}].coverage", finding)
            return
        if not self.uncovered and self.shared:
            i = self.shared.pop(0)
            self.last_covered = [i]
            self.businesses[i].coverage = value
            self.evidence.pop(f"businesses[{i}].coverage", None)
            self._evidence(f"businesses[{i}].coverage", finding)
            return
        covered = [i for i in self.uncovered if self.businesses[i].coverage is None]
        for i in covered:
            self.businesses[i].coverage = value
            self._evidence(f"businesses[{i}].coverage", finding)
        self.shared, self.last_covered = covered[1:], covered
        self.uncovered = []

    def _business(self, parsed: ParsedBusiness, finding: Finding) -> int:
        index = next((i for i, b in enumerate(self.businesses) if b.code == parsed.code), None)
        if index is None:
            self.businesses.append(Business(code=parsed.code, name=parsed.name, category=parsed.category))
            index = len(self.businesses) - 1
            self._evidence(f"businesses[{index}].code", finding)
        # A repeated business (the header and the 附页) adds what the first mention lacked.
        if self.businesses[index].coverage is None and index not in self.uncovered:
            self.uncovered.append(index)
        for item in parsed.service_items:
            self._add_service_item(index, item, finding)
        return index

    def _add_service_item(self, index: int, item: str, finding: Finding) -> None:
        business = self.businesses[index]
        permitted, excluded = split_exclusion(item)
        for key, values in (("service_items", permitted), ("excluded_items", excluded)):
            items = getattr(business, key)
            for value in values:
                if value not in items:
                    items.append(value)
                    self._evidence(f"businesses[{index}].{key}[{len(items) - 1}]", finding)

    def _add_website_part(self, key: str, finding: Finding) -> None:
        current = self.websites[-1] if self.websites else None
        if current is not None and current.get(key) == finding.value:
            return  # (a cell read twice)
        if current is None or key in current:
            self._drop_repeated_website()
            self.websites.append({})
        self.websites[-1][key] = finding.value
        self._evidence(f"websites[{len(self.websites) - 1}].{key}", finding)

    def _drop_repeated_website(self) -> None:
        """Duplicated pages repeat the 附页: a website whose every value an earlier one holds is dropped."""
        if not self.websites:
            return
        last, index = self.websites[-1], len(self.websites) - 1
        if any(last.items() <= earlier.items() for earlier in self.websites[:-1]):
            self.websites.pop()
            for key in [k for k in self.evidence if k.startswith(f"websites[{index}].")]:
                del self.evidence[key]

    def _add_shareholder_part(self, key: str, finding: Finding) -> None:
        self.shareholder_parts.append((key, finding))

    def _fold_shareholders(self) -> None:
        for key, finding in _in_rows(self.shareholder_parts, "name", ("id_number", "share_ratio"), ("share_ratio",)):
            self._add_shareholder_row_part(key, finding)
        self._drop_repeated_shareholder()

    def _add_shareholder_row_part(self, key: str, finding: Finding) -> None:
        if key == "name":
            self._drop_repeated_shareholder()
            self.shareholder_open = finding.value is not None
            if self.shareholder_open:
                self.shareholders.append(Shareholder(name=finding.value))
                self._evidence(f"shareholders[{len(self.shareholders) - 1}].name", finding)
            return
        if not self.shareholder_open or finding.value is None:
            return
        row = self.shareholders[-1]
        if getattr(row, key) is None:
            setattr(row, key, finding.value)
            self._evidence(f"shareholders[{len(self.shareholders) - 1}].{key}", finding)

    def _drop_repeated_shareholder(self) -> None:
        """Duplicated pages repeat table rows: a finished row equal to an earlier one is dropped."""
        if len(self.shareholders) > 1 and self.shareholders[-1] in self.shareholders[:-1]:
            index = len(self.shareholders) - 1
            self.shareholders.pop()
            for key in [k for k in self.evidence if k.startswith(f"shareholders[{index}].")]:
                del self.evidence[key]

    def _fold_inspections(self) -> None:
        for key, finding in _in_rows(self.inspection_parts, "year", ("result", "date")):
            self._add_inspection_row_part(key, finding)

    def _add_inspection_row_part(self, key: str, finding: Finding) -> None:
        value = finding.value
        if key == "year":
            # A repeated year (a duplicated page) is read once; its parts are skipped with it.
            self.inspection_open = value is not None and all(i.year != value for i in self.inspections)
            if self.inspection_open:
                self.inspections.append(AnnualInspection(year=value))
                self._evidence(f"annual_inspections[{len(self.inspections) - 1}].year", finding)
            return
        if not self.inspection_open or value is None:
            return
        entry = self.inspections[-1]
        if getattr(entry, key) is None:
            setattr(entry, key, value)
            self._evidence(f"annual_inspections[{len(self.inspections) - 1}].{key}", finding)

    def add_clause(self, finding: ClauseFinding) -> None:
        self.clauses.append(finding.clause)
        self._evidence(f"clauses[{len(self.clauses) - 1}]", finding)

    def record(self, source: str | None) -> LicenseRecord:
        self._fold_shareholders()
        self._fold_inspections()
        self._drop_repeated_website()
        license_no = self.values.get("license_no")
        return LicenseRecord(
            **self.values,
            previous_license_nos=[n for n in self.previous if n != license_no],
            businesses=self.businesses,
            websites=[Website(**website) for website in self.websites],
            shareholders=self.shareholders,
            annual_inspections=self.inspections,
            clauses=self.clauses,
            source=source,
            evidence=self.evidence,
        )


def _in_rows(parts: list[tuple[str, Finding]], opener: str, columns: tuple[str, ...],
             required: tuple[str, ...] = ()) -> list[tuple[str, Finding]]:
    """A table's parts in row order. A table whose columns a tool printed one after another
    (shareholders: the names, then the ID numbers, then the ratios, or each name with its ID
    number, then the ratios; inspections: the first row beside the header, then the other years,
    results and dates column after column) gives each part to the first row still open (without
    its last column's value) that lacks it, in order, where that makes every row whole: each
    column's value in every row or in none, and the `required` columns' in every row. Otherwise
    the parts stay as printed: each fills the row opened last (its `opener`: a name, a year)."""
    rows: list[dict[str, Finding]] = []
    for key, finding in parts:
        if finding.value is None:
            return parts
        if key == opener:
            rows.append({key: finding})
            continue
        row = next((r for r in rows if columns[-1] not in r and key not in r), None)
        if row is None:
            return parts
        row[key] = finding
    counts = {key: sum(key in row for row in rows) for key in columns}
    if (len(rows) < 2 or any(counts[key] != len(rows) for key in required)
            or any(count not in (0, len(rows)) for count in counts.values())):
        return parts
    return [(key, row[key]) for row in rows for key in (opener, *columns) if key in row]
