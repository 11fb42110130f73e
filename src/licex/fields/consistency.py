"""What a licence says twice, checked against the record: the record's `needs_review`.

A licence repeats itself: its number is in every page header, the preamble of the 特别规定事项
names the company, the number's codes (B1, B2) name the categories of its businesses, the
特别规定事项 has a section for each business, and the expiry date follows the issue date. A
disagreement is listed in `needs_review` with its reason, for a person to look at. Where one
side is right and the other cannot be, the record takes the right one: a licence number that
all page headers but the front page agree on, and a company name the front page lost but the
preamble prints. Nothing is filled that the licence does not print.

Each check is a function registered in `CHECKS` (in the order they run); it sees the record, the
Doc's layout analysis and the licence-number entities, and returns the flags it raises.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from licex.text.analysis import DocAnalysis
from licex.fields.labels import record_fields
from licex.fields.normalize import normalize_license_no
from licex.fields.record import Evidence, LicenseRecord, ReviewFlag
from licex.text.chars import without_whitespace

# Where a correction's value came from, in its evidence.
COMPONENT = "licex_record_checks"
# Fields every licence prints: a record without one needs a person to look.
REQUIRED_FIELDS = record_fields("required")
# The values a licence's front page prints once each: two licences read as one mix them.
FRONT_PAGE_FIELDS = record_fields("front_page")

# 《特别规定事项》是经营许可证重要组成部分，北京某某有限公司应当按照…
_PREAMBLE_COMPANY_RE = re.compile(r"重要组成部分[,，]?(?P<company>[^,，。:;\n]{2,60}?)应当按照")
# The category codes a licence number carries: B1, B2 in A2.B1.B2-… (an ICP证 number carries none).
_NUMBER_CODES_RE = re.compile(r"(?<![A-Z])([AB][12])(?=[.\-\d])")


@dataclass(frozen=True)
class CheckInput:
    record: LicenseRecord
    analysis: DocAnalysis
    text: str  # the Doc's text (original offsets)
    numbers: Sequence[Evidence]  # every licence-number entity, with its value in `text`
    doubts: Sequence[str] = ()  # why the text's extent as one licence is in doubt (detection.Detection)


Check = Callable[[CheckInput], list[ReviewFlag]]
CHECKS: dict[str, Check] = {}


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register


def review(record: LicenseRecord, analysis: DocAnalysis, text: str, numbers: Sequence[Evidence],
           doubts: Sequence[str] = ()) -> LicenseRecord:
    """The record with the checks' corrections and its `needs_review` flags (field path, reason)."""
    given = CheckInput(record, analysis, text, numbers, doubts)
    flags = [flag for run in CHECKS.values() for flag in run(given)]
    record.needs_review = flags
    return record


@check("one_licence")
def _one_licence(given: CheckInput) -> list[ReviewFlag]:
    """Where the text may hold more than one licence (detection's doubts: another licence's
    number printed as its own, a second front page with none), each front-page value may be the
    other licence's."""
    return [ReviewFlag(field=name, reason=doubt) for doubt in given.doubts
            for name in FRONT_PAGE_FIELDS if getattr(given.record, name) is not None]


@check("licence_number")
def _licence_number(given: CheckInput) -> list[ReviewFlag]:
    """The number the page headers agree on: a misread on one page is outvoted; a tie is flagged."""
    read = Counter(number for e in given.numbers if (number := normalize_license_no(e.text)))
    if len(read) < 2:
        return []
    (first, votes), (_, runner_up) = read.most_common(2)
    others = ", ".join(f"{n} ({c}×)" for n, c in read.items() if n != first)
    if votes == runner_up:
        return [ReviewFlag(field="license_no", reason=f"the pages print different numbers: {first} ({votes}×), {others}")]
    record = given.record
    if record.license_no != first:
        record.previous_license_nos = [n for n in record.previous_license_nos if n != first]
        record.license_no = first
        record.evidence["license_no"] = [e.model_copy(update={"component": COMPONENT}) for e in given.numbers
                                         if normalize_license_no(e.text) == first]
        return [ReviewFlag(field="license_no", reason=f"{first} is printed {votes}×, {others}: {first} taken")]
    return []


@check("company_in_preamble")
def _company_in_preamble(given: CheckInput) -> list[ReviewFlag]:
    """The company the 特别规定事项 preamble names: it fills a lost name and questions a different one."""
    layout = given.analysis.layout
    if layout.special is None:
        return []
    start, end = layout.special
    view = layout.view
    match = _PREAMBLE_COMPANY_RE.search(view.text, start, min(end, start + 400))
    if match is None:
        return []
    named = without_whitespace(match["company"])
    record = given.record
    if record.company_name is None:
        a, b = view.original_span(match.start("company"), match.end("company"))
        record.company_name = named
        record.evidence["company_name"] = [Evidence(start=a, end=b, text=given.text[a:b], component=COMPONENT)]
        return [ReviewFlag(field="company_name", reason="not on the front page: read from the 特别规定事项 preamble")]
    if without_whitespace(record.company_name) != named:
        return [ReviewFlag(field="company_name", reason=f"the 特别规定事项 preamble names {named}")]
    return []


@check("number_codes")
def _number_codes(given: CheckInput) -> list[ReviewFlag]:
    """A category the licence number carries (B1 in B1.B2-…) has a business of it: where none was
    read, one was lost. (The other way round is no contradiction: a provincial B1 licence may
    also grant an ICP business, `ISP/ICP闽B1-20160151`.)"""
    record = given.record
    if not record.license_no or not record.businesses:
        return []
    carried = set(_NUMBER_CODES_RE.findall(record.license_no))
    if lost := carried - {business.code[:2] for business in record.businesses}:
        return [ReviewFlag(field="businesses", reason=f"the number {record.license_no} carries "
                           f"{'.'.join(sorted(lost))}, but no such business was read")]
    return []


@check("sections")
def _sections(given: CheckInput) -> list[ReviewFlag]:
    """A business the 特别规定事项 has a section for is one the licence grants."""
    codes = {business.code for business in given.record.businesses}
    sectioned = dict.fromkeys(s.section_business for s in given.analysis.clauses if s.is_section_header and s.section_business)
    return [ReviewFlag(field="businesses", reason=f"the 特别规定事项 has a section for {code}, which the business list lacks")
            for code in sectioned if code not in codes]


@check("dates")
def _dates(given: CheckInput) -> list[ReviewFlag]:
    record = given.record
    if record.issue_date and record.expiry_date and record.expiry_date <= record.issue_date:
        return [ReviewFlag(field="expiry_date", reason=f"not after the issue date {record.issue_date.isoformat()}")]
    return []


def flag_low_confidence(record: LicenseRecord, threshold: float) -> LicenseRecord:
    """The record with each value whose confidence is below `threshold` listed in its
    `needs_review` too, once (the record builder's `review_below`: `licex extract --review-below T`)."""
    flagged = {flag.field for flag in record.needs_review}
    record.needs_review = [*record.needs_review, *(
        ReviewFlag(field=path, reason=f"confidence {value:.2f} is below {threshold:g}")
        for path, value in record.confidence.items() if value < threshold and path not in flagged)]
    return record


@check("required")
def _required(given: CheckInput) -> list[ReviewFlag]:
    """Last, after the corrections: what is still missing."""
    return [ReviewFlag(field=name, reason="not found: every licence prints it")
            for name in REQUIRED_FIELDS if getattr(given.record, name) in (None, [])]
