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
from licex.text.layout import SHAREHOLDER_COLUMNS_RE, SHAREHOLDER_HEADER_RE
from licex.fields.catalogue import EXCLUSION_RE, excluded_services, service_item_names
from licex.fields.labels import record_fields
from licex.fields.normalize import normalize_license_no
from licex.fields.record import Evidence, LicenseRecord, ReviewFlag
from licex.text.chars import nfkc, without_whitespace
from licex.fields.values import misread_signs, without_wrapped_labels

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


@check("exclusions")
def _exclusions(given: CheckInput) -> list[ReviewFlag]:
    """An exclusion is never a permission: a service item that a 不含 clause of its business's
    text names (不含A、B: B read as licensed) is flagged, and so is one OCR left unreadable around a
    service's name (未售A: permitted or excluded cannot be told), and an excluded service that no 不含
    clause of the text names (read from a misread word, 示含A: catalogue.MISREAD_EXCLUSION_RE) or
    that the text does not print. A business's text is the lines its values were read from, and the line
    before each (a clause wrapped onto the next line)."""
    flags = []
    for index, business in enumerate(given.record.businesses):
        spans = [(e.start, e.end) for path, evidence in given.record.evidence.items()
                 if path.startswith(f"businesses[{index}].") for e in evidence]
        excluded, windows = excluded_around(given.text, spans)
        printed = "".join(without_whitespace(nfkc(window)) for window in windows)
        for i, item in enumerate(business.service_items):
            if (clause := excluding_clause(item, excluded)) is not None:
                flags.append(ReviewFlag(field=f"businesses[{index}].service_items[{i}]",
                                        reason=f"a service item the licence excludes: {clause}"))
            elif item.startswith("含") and _after_orphan_not(given, f"businesses[{index}].service_items[{i}]"):
                flags.append(ReviewFlag(field=f"businesses[{index}].service_items[{i}]", reason=(
                    f"a 不 ends a line before {item}: it may read 不{item}, an exclusion")))
            elif "catalogue" in misread_signs("SERVICE_ITEM", item) and (
                    named := next((n for n in _SERVICE_NAMES if n in _permitted_name(item)), None)):
                # OCR debris where the restriction word was (未售A, 仅限…丰舍A, A with 不含 lost): it
                # names a service, and whether it permits or excludes it cannot be read
                flags.append(ReviewFlag(field=f"businesses[{index}].service_items[{i}]", reason=(
                    f"not read as printed ({item}): whether it permits or excludes {named} is unclear")))
        for i, name in enumerate(business.excluded_items):
            if not windows or name in excluded:
                continue
            printed_so = without_whitespace(nfkc(name)) in printed
            flags.append(ReviewFlag(field=f"businesses[{index}].excluded_items[{i}]", reason=(
                f"read as excluded, but no 不含 of the text names {name}: the word before it is misread"
                if printed_so else f"{name} is not printed in the text of business {business.code}")))
    return flags


def _after_orphan_not(given: CheckInput, path: str) -> bool:
    """Whether a 不 ends one of the two lines before the value at `path`: a 不含 that a wrapped
    label cell split (（不 / （服务项 | 含…), read as a permission 含…."""
    evidence = given.record.evidence.get(path) or []
    if not evidence:
        return False
    start = from_ = evidence[0].start
    for _ in range(3):  # back to the start of the line two lines before the value's
        from_ = given.text.rfind("\n", 0, max(from_ - 1, 0)) + 1 if from_ > 0 else 0
    return bool(_ORPHAN_NOT_RE.search(given.text, from_, start))


# A 不 at a line's end: an exclusion's first word, its 含 wrapped away from it.
_ORPHAN_NOT_RE = re.compile(r"不[ \t]*\n")
# Catalogue service names as a misread item may hold them, the longest first, without 业务.
_SERVICE_NAMES = sorted({name.removesuffix("业务") for name in service_item_names()}, key=len, reverse=True)
# The word of a permission before a service (含X, 仅限X): the service it names is X.
_PERMISSION_RE = re.compile(r"^(?:含|仅限|限)")
# What ends a 不含 clause: a bracket, ；。:, a new 含 or 仅限 after a comma.
_CLAUSE_END_RE = re.compile(r"[()（）\[\]【】;；。:：]|[,，、]\s*(?:含|仅\s*限)")
# Nothing after a 不含 on its line.
_LINE_END_RE = re.compile(r"[ \t]*\n")
# A 不含 clause names a few services on a line or two; read no further than this.
_CLAUSE_CHARS = 300
# The characters whose last place before a clause says whether a bracket is still open there.
_BRACKET_RE = re.compile(r"[()（）\n]")


def excluded_around(text: str, spans: Sequence[tuple[int, int]]) -> tuple[dict[str, str], list[str]]:
    """The services the 不含 clauses of the lines of `spans` (a business's values) exclude, each
    with its clause (excluded_in), and those lines: each span's lines and the line before them
    (a clause wrapped onto the next line), each distinct window once."""
    windows = list(dict.fromkeys(_lines_around(text, start, end) for start, end in spans))
    return {name: clause for window in windows for name, clause in excluded_in(window).items()}, windows


def excluding_clause(item: str, excluded: dict[str, str]) -> str | None:
    """The clause of `excluded` (excluded_around) that excludes the service a permitted item
    (含A, 仅限A, A) names, if one does."""
    name = _permitted_name(item)
    return excluded.get(name) or excluded.get(name.removesuffix("业务"))


def _permitted_name(item: str) -> str:
    """The service a permitted item (含A, 仅限A, A) names, as printed."""
    return without_whitespace(_PERMISSION_RE.sub("", item))


def excluded_in(text: str) -> dict[str, str]:
    """The services each 不含 (不包含, 除…外) clause of `text` names, each with its clause as printed
    (whitespace gone). A clause goes on past a line break only where a joiner (、和及,) or an open
    bracket leaves it open, as an OCR'd cell wraps."""
    names: dict[str, str] = {}
    last = {"(": -1, ")": -1, "（": -1, "）": -1, "\n": -1}  # each bracket's last place so far
    brackets = _BRACKET_RE.finditer(text)
    pending = next(brackets, None)
    for match in EXCLUSION_RE.finditer(text):
        while pending is not None and pending.start() < match.start():  # one sweep of the text
            last[pending[0]] = pending.start()
            pending = next(brackets, None)
        # a bracket opened on the clause's line, or a full-width one opened before it, still open
        opened = last["("] > max(last[")"], last["\n"]) or last["（"] > last["）"]
        limit = min(len(text), match.end() + _CLAUSE_CHARS)
        rest = text[match.end():limit]
        if _LINE_END_RE.match(rest):
            # 不含 at a line's end, a line of the label cell beside it next (不含 / （服务项目）A、B):
            # the clause goes on past the label
            rest = without_wrapped_labels(nfkc(rest))
        end = _CLAUSE_END_RE.search(rest)
        clause = rest[:end.start() if end else len(rest)]
        lines = clause.split("\n")
        kept = [lines[0]]
        for line in lines[1:]:
            if not (opened or re.search(r"[、和及,，]\s*$", kept[-1])):
                break
            kept.append(line)
        body = without_whitespace(nfkc("".join(kept)))
        if match[0] == "除":
            body = re.sub(r"(?:以)?外.*$", "", body)  # 除A、B外的业务: A and B
        for name in excluded_services(body):
            names.setdefault(name, without_whitespace(nfkc(match[0])) + body)
    return names


def _lines_around(text: str, start: int, end: int) -> str:
    """The lines of [start, end), and the line before them."""
    first = text.rfind("\n", 0, max(text.rfind("\n", 0, start), 0))
    last = text.find("\n", end)
    return text[first + 1:last if last >= 0 else len(text)]


@check("shares")
def _shares(given: CheckInput) -> list[ReviewFlag]:
    """A licence's shareholder table lists every shareholder: their shares add up to 100%, and
    where one row prints an identity or credit code, every row does. A row lost, or read from
    another row's cells, breaks one or the other. A row without the share its table has a column
    for lost that cell."""
    holders = given.record.shareholders
    ratios = [_ratio(holder.share_ratio) for holder in holders]
    flags = []
    if holders and None not in ratios and abs(sum(ratios) - 100) > _SHARE_SLACK:
        flags.append(ReviewFlag(field="shareholders", reason=f"the shares add up to {sum(ratios):g}%, not 100%: "
                                "a shareholder may be lost or misread"))
    if any(holder.id_number for holder in holders):
        flags += [ReviewFlag(field=f"shareholders[{i}]", reason="no identity or credit code, where the other rows print one")
                  for i, holder in enumerate(holders) if not holder.id_number]
    elif holders and _ID_COLUMN_RE.search(_outside_special(given)):
        flags += [ReviewFlag(field=f"shareholders[{i}]", reason="no identity or credit code, where the table has a column of them")
                  for i in range(len(holders))]
    if None in ratios and _RATIO_COLUMN_RE.search(_outside_special(given)):
        flagged = {flag.field for flag in flags}
        flags += [ReviewFlag(field=f"shareholders[{i}]", reason="no share read, where the table has a column of them")
                  for i, ratio in enumerate(ratios) if ratio is None and f"shareholders[{i}]" not in flagged]
    return flags


# The shareholder table's column of identity or credit codes (证照号码, 证件号码, 身份证号), and
# its column of shares (出资比例, 持股比例).
_ID_COLUMN_RE = re.compile(r"证\s*[照件]\s*号\s*码|身\s*份\s*证\s*号")
_RATIO_COLUMN_RE = re.compile(r"[出持]\s*[资股]\s*比\s*例")


def _outside_special(given: CheckInput) -> str:
    """The text of the layout view without the 特别规定事项 (whose clauses name any part in passing)."""
    layout = given.analysis.layout
    text = layout.view.text
    if layout.special is None:
        return text
    return text[:layout.special[0]] + "\n" + text[layout.special[1]:]


_SHARE_SLACK = 0.5  # percentage points: shares printed to two places may not add up to exactly 100


def _ratio(printed: str | None) -> float | None:
    try:
        return float(printed.replace(" ", "").rstrip("%")) if printed else None
    except ValueError:
        return None


@check("inspection_dates")
def _inspection_dates(given: CheckInput) -> list[ReviewFlag]:
    """A year's annual inspection is done in that year or the next (2002 年度年检合格, 2003 年 4 月):
    a date further off was misread or taken from another entry."""
    return [ReviewFlag(field=f"annual_inspections[{i}].date",
                       reason=f"{entry.date.isoformat()} is not in {entry.year} or the year after")
            for i, entry in enumerate(given.record.annual_inspections)
            if entry.date is not None and entry.date.year - entry.year not in (0, 1)]


@check("inspection_columns")
def _inspection_columns(given: CheckInput) -> list[ReviewFlag]:
    """An inspection table prints a result and a date in each row: an entry without one, where the
    table's header names its column, lost a cell (a line entry, 2002年度年检合格, prints no date)."""
    text = _outside_special(given)
    columns = [name for name, pattern in _INSPECTION_COLUMNS if pattern.search(text)]
    return [ReviewFlag(field=f"annual_inspections[{i}].{name}", reason=f"no {name} read, where the table has a column of them")
            for i, entry in enumerate(given.record.annual_inspections)
            for name in columns if getattr(entry, name) is None]


# An annual inspection table's header (年度 | 年检结果 | 日期): its result column after 年度, its
# date column after the result's.
_INSPECTION_RESULT_COLUMN_RE = re.compile(r"年\s*度\s+(?:年\s*[检报]\s*|检\s*验\s*)?(?:结\s*果|情\s*况)")
_INSPECTION_COLUMNS = (
    ("result", _INSPECTION_RESULT_COLUMN_RE),
    ("date", re.compile(_INSPECTION_RESULT_COLUMN_RE.pattern
                     + r"\s+(?:年\s*[检报]\s*|检\s*验\s*|审\s*核\s*|盖\s*章\s*)?日\s*期")),
)


@check("printed_sections")
def _printed_sections(given: CheckInput) -> list[ReviewFlag]:
    """A part the licence prints outside its 特别规定事项 (the shareholder table's header, a
    website's labels, an annual inspection entry, the capital's label) with no value of it read:
    the part was lost. And every business a licence grants prints its coverage."""
    text = _outside_special(given)
    record = given.record
    flags = [ReviewFlag(field=names[0], reason=f"the licence prints {what}, but none was read")
             for names, what, pattern in _SECTIONS
             if not any(getattr(record, name) for name in names) and pattern.search(text)]
    return flags + [ReviewFlag(field=f"businesses[{i}].coverage", reason="no coverage read: every business prints one")
                    for i, business in enumerate(record.businesses) if business.code and not business.coverage]


# The parts a licence may print, each by what shows it is printed (label words, an entry's form),
# with the record fields that hold it.
_SECTIONS = (
    (("shareholders",), "a shareholder table",
     re.compile(f"{SHAREHOLDER_HEADER_RE.pattern}|{SHAREHOLDER_COLUMNS_RE.pattern}")),
    (("websites",), "a website's labels", re.compile(r"网\s*站\s*名\s*称|网\s*站\s*(?:域\s*名|网\s*址)")),
    (("annual_inspections",), "an annual inspection entry",
     re.compile(r"(?:19|20)\d{2}\s*年\s*度\s*(?:的\s*)?年\s*[检报]|" + _INSPECTION_RESULT_COLUMN_RE.pattern)),
    (("registered_capital_cny", "registered_capital_foreign"), "the registered capital's label",
     re.compile(r"注\s*册\s*资\s*[本金]")),
)


@check("required")
def _required(given: CheckInput) -> list[ReviewFlag]:
    """Last, after the corrections: what is still missing."""
    return [ReviewFlag(field=name, reason="not found: every licence prints it")
            for name in REQUIRED_FIELDS if getattr(given.record, name) in (None, [])]
