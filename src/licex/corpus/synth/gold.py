"""The gold record of a synthetic licence: the fold of its entities' canonical values.

The gold record is the fold of the canonical values in reading order under the record builder's
conventions (`licex.fields.fold`: first value of a single field wins; service items and coverage belong to
the business before them; ID numbers and ratios to the shareholder before them; a repeated
inspection year is read once), so a truncated or duplicated page yields exactly the record its text
supports. The values are canonical strings chosen before rendering, never normalised from the
rendered text; the tests check that the record builder, normalising the rendered text, arrives at
the same record.
"""

from __future__ import annotations

from typing import Any

from licex.fields.fold import ClauseFinding, Finding, fold
from licex.fields.normalize import ParsedBusiness
from licex.fields.record import Clause, LicenseRecord, Money
from licex.corpus.synth.builder import ClauseSpan, Event


def gold_record(events: list[Event], clauses: list[ClauseSpan], source: str | None) -> LicenseRecord:
    """The record the canonical values support, folded as the record builder folds (fold.fold)."""
    return fold(
        (Finding(event.label, _gold_value(event.label, event.value)) for event in events),
        (ClauseFinding(Clause(number=c.number, label=c.label, business_code=c.business_code, start=c.start, end=c.end))
         for c in clauses),
        source,
    )


def _gold_value(label: str, value: Any) -> Any:
    """An event's canonical value as the fold takes it: a business and a capital are printed from
    (code, implied service items) and (amount, currency)."""
    if label == "BUSINESS":
        code, implied = value
        return ParsedBusiness.of_code(code, tuple(implied))
    if label == "CAPITAL":
        amount, currency = value
        return Money(amount=amount, currency=currency)
    return value
