"""A front page whose label column a tool dropped (Tesseract over a bordered table: the values
one a line, no labels), read by the shape of its values in the order the front page prints them."""

from __future__ import annotations

import re

from spacy.util import registry

from licex.fields.labels import BUSINESS_LABELS
from licex.text.layout import OTHER_PAGE_TITLE_RE, Layout, Line, cell_delimiter
from licex.fields.normalize import normalize_date, parse_business
from licex.text.chars import DATE_RE
from licex.components.field_rules.hits import Hit, found_by
from licex.components.field_rules.parts import (
    COMPANY_END_RE,
    COVERAGE_RE,
    RESTRICTION_RE,
    SENTENCE_PUNCTUATION_RE,
    trim_value,
)
from licex.components.field_rules.reading import Reader, Reading

# A line of the front page that may be a value: no sentence punctuation (the preamble), one cell.
_PERSON_RE = re.compile(r"[\u4e00-\u9fff·]{2,4}")
# A service item without its label says what it is: a restriction (含…, 不含…) or a service (…业务, …服务).
_SERVICE_END_RE = re.compile(r"(?:业\s*务|服\s*务)$")
_ADDRESS_RE = re.compile(r"[省市县区]\S*[路街道号座楼室]|[路街道]\S*[号座楼室]")
# A business type as a front page prints it, its category first (第二类增值电信业务中的…), whose
# category OCR may have misread (第三类).
_BUSINESS_LINE_RE = re.compile(r"^第\s*\S\s*类\s*增\s*值\s*电\s*信\s*业\s*务")
# The front page reads by shape only where at most this many of its values were read by labels.
_MOST_LABELLED = 1


@registry.misc("licex.reader.unlabelled_front_page.v1")
def make_unlabelled_front_page_reader() -> Reader:
    """The front page's values by their shape, where the readers before it read almost none of
    them by labels (found_by `shape`): list it after the others."""
    return read_unlabelled_front_page


def read_unlabelled_front_page(reading: Reading) -> list[Hit]:
    """Company (…公司), legal representative (a short name), capital (an amount), address
    (…路…号), then business types, each with its service items and coverage, then the signer (a
    short name), the issue date and the expiry date (two dates, the first earlier).

    Read only where the front page shows at most _MOST_LABELLED labelled value, and only for the
    fields nothing else filled: where labels are printed, they say which value is which.
    """
    layout, hits = reading.layout, reading.found
    text = layout.view.text
    page = _front_page_lines(layout)
    if not page:
        return []
    labelled = [h for h in hits if h.label != "LICENSE_NO" and page[0].start <= h.start < page[-1].end]
    if len(labelled) > _MOST_LABELLED:
        return []
    found = {hit.label for hit in hits}
    label_starts = {layout.line_index(h.start) for h in reading.labels}
    values = []
    for line in page:
        if layout.line_index(line.start) in label_starts or cell_delimiter(line.text):
            continue
        a, b = trim_value(text, line.start, line.end)
        if a < b and not SENTENCE_PUNCTUATION_RE.search(text, a, b):
            values.append((a, b))
    out: list[Hit] = []
    dates = [(a, b) for a, b in values if normalize_date(text[a:b]) and DATE_RE.fullmatch(text, a, b)]
    business_seen = False
    for a, b in values:
        value = text[a:b]
        if (a, b) in dates:
            continue
        place = bool(COVERAGE_RE.search(value))
        if _BUSINESS_LINE_RE.match(value) and parse_business(value) is not None:
            if "BUSINESS" not in found:
                out.append(Hit("BUSINESS", a, b))
            business_seen = True
        elif business_seen:
            if "BUSINESS" in found:
                continue
            if place and not RESTRICTION_RE.match(value):
                out.append(Hit("COVERAGE", a, b))
            elif _PERSON_RE.fullmatch(value):
                out += [Hit("SIGNER", a, b)] if "SIGNER" not in found else []
            elif RESTRICTION_RE.match(value) or _SERVICE_END_RE.search(value):
                out.append(Hit("SERVICE_ITEM", a, b))
        elif COMPANY_END_RE.search(value):
            label = "COMPANY"
            out += [Hit(label, a, b)] if label not in found else []
        elif reading.value("CAPITAL", a, b) is not None:
            out += [Hit("CAPITAL", a, b)] if "CAPITAL" not in found else []
        elif _PERSON_RE.fullmatch(value) and not place:
            out += [Hit("LEGAL_REP", a, b)] if "LEGAL_REP" not in found else []
        elif _ADDRESS_RE.search(value):
            out += [Hit("ADDRESS", a, b)] if "ADDRESS" not in found else []
        found |= {hit.label for hit in out if hit.label not in BUSINESS_LABELS}
    if len(dates) == 2 and normalize_date(text[slice(*dates[0])]) < normalize_date(text[slice(*dates[1])]):
        out += [Hit(label, *span) for label, span in zip(("ISSUE_DATE", "EXPIRY_DATE"), dates) if label not in found]
    return found_by("shape", out)


def _front_page_lines(layout: Layout) -> list[Line]:
    """The lines of the front page: after the title and page header that open it, to the next
    page break or the 特别规定事项. None where the title says the page is another (an 附页 posted
    alone, an annual inspection page): its lines are no front page's values."""
    lines = layout.lines
    i = 0
    while i < len(lines) and lines[i].kind != "content":
        if lines[i].kind == "title" and OTHER_PAGE_TITLE_RE.search(lines[i].text):
            return []
        i += 1
    page = []
    for line in lines[i:]:
        if line.kind in ("title", "page_header", "furniture") or layout.in_special(line.start):
            break
        if line.kind in ("content", "signature"):
            page.append(line)
    return page
