"""`licex_field_rules`: field entities found by the licence's own labels and layout.

A licence prints most fields as `label: value`, with the value on the same line, on the next
line, in the next table cell, or after a run of other labels in a one-line header. The rules
find every label (patterns/field_labels.jsonl, spaced-out forms included), take the value up to
the next label, and check it has the right shape. Structured parts get their own readers: the
business block (types, service items, coverage, in running text or in a label/value table), the
shareholder table, annual inspection entries and licence-number change notes.

Where a trained NER already set `doc.ents`, rules add only entities that overlap none of its
entities, and none for a single-valued field the model already found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from ..labels import ENTITY_LABELS
from ..layout import CHANGE_NOTE_RE, Layout
from ..normalize import (
    BUSINESS_NAME_RE,
    LICENSE_NO_RE,
    normalize_date,
    parse_money,
    spaced,
)
from .rule_data import RuleDataPipe


@Language.factory(
    "licex_field_rules",
    assigns=["doc.ents"],
    default_config={"rules": None},
)
def make_field_rules(nlp: Language, name: str, rules: list[dict[str, Any]] | None) -> "FieldRules":
    """Build the field rules; `rules` (label names per entity label) default to patterns/field_labels.jsonl."""
    return FieldRules(nlp, name, rules)


@dataclass(frozen=True)
class Hit:
    """An entity found in the view: [start, end) in view offsets."""

    label: str
    start: int
    end: int


@dataclass(frozen=True)
class LabelHit:
    label: str | None  # None for labels that only end the value before them (公司代表)
    start: int  # where the printed label starts
    value_start: int  # where its value may start (after the label and a colon)


# Labels that belong to the business block; any other label ends it.
_BUSINESS_FAMILY = {"BUSINESS", "SERVICE_ITEM", "COVERAGE"}
_COLON = r"[ \t]*[:][ \t]*"
_TRIM = " \t\n。.;,"

_BUSINESS_LIST_INTRO_RE = re.compile(spaced("获准经营的业务种类"))
_BLOCK_TOKEN_RE = re.compile(
    r"(?P<items_label>\(?[ \t]*" + spaced("服务项目") + r"[ \t]*\)?[ \t]*:?)"
    r"|(?P<coverage_label>(?:及[ \t]*)?(?:" + spaced("业务") + r"[ \t]*)?" + spaced("覆盖范围") + r"[ \t]*:?)"
    r"|(?P<type_label>" + spaced("业务种类") + r"[ \t]*:?)"
    r"|(?P<business>" + BUSINESS_NAME_RE.pattern + r")"
    r"|(?P<bracket>\([^()\n]{1,80}\))"
    r"|(?P<numbering>(?m:^[ \t]*(?:[一二三四五六七八九十]{1,3}[ \t]*[、.]|\d{1,2}[ \t]*[、.](?!\d))))"
    r"|(?P<newline>\n)"
)
_SEE_ATTACHMENT_RE = re.compile(r"见\s*附\s*[页件表]|附\s*页")
_RESTRICTION_RE = re.compile(r"^\s*(?:不\s*含|含|仅\s*限|限|除)")
_COVERAGE_RE = re.compile(
    r"全\s*国|机\s*房|省|市|自\s*治\s*区|地\s*区|境\s*内|"
    r"北京|天津|上海|重庆|河北|山西|内蒙古|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|"
    r"广东|广西|海南|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆"
)

_SHAREHOLDER_HEADER_RE = re.compile(r"股\s*东.*(?:比\s*例|证\s*[照件]\s*号\s*码)")
_RATIO_RE = re.compile(r"\d{1,3}(?:\.\d+)?\s*%")
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:[0-9A-Z]{18}|\d{17}[\dXx]|\d{15}|[0-9A-Z]{8,20})(?![0-9A-Za-z])")
_CELL_SPLIT_RE = re.compile(r"\t|[ ]{2,}")

_INSPECTION_RE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的\s*)?(?:年\s*检|年\s*报|年\s*度\s*检\s*验)\s*(?:结\s*果\s*(?:为|:)?\s*)?"
    r"(?P<result>不\s*合\s*格|基\s*本\s*合\s*格|合\s*格|通\s*过)"
)
_DATE_RE = re.compile(r"(?:19|20)?\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:19|20)\d{2}\s*[-./]\s*\d{1,2}\s*[-./]\s*\d{1,2}")
_INSPECTION_ENTRY_END_RE = re.compile(r"经\s*审\s*核|年\s*检\s*合\s*格|\t")
_CHANGE_PAIR_RE = re.compile(
    r"(?P<old>" + LICENSE_NO_RE.pattern + r")\s*号?\s*[,]?\s*(?:变\s*更|更\s*改)\s*为\s*(?P<new>" + LICENSE_NO_RE.pattern + r")"
)


class FieldRules(RuleDataPipe):
    data_file = "field_labels.jsonl"

    def compile_rules(self) -> None:
        names: list[tuple[str, str | None]] = []
        for line, rule in enumerate(self.rules, start=1):
            label = rule.get("label")
            if label is not None and label not in ENTITY_LABELS:
                raise ValueError(f"{self.data_file} rule {line}: unknown entity label {label!r}")
            names += [(name, label) for name in rule["names"]]
        names.sort(key=lambda item: len(item[0]), reverse=True)  # longest first: 注册住所 before 住所
        self._label_of = {re.sub(r"\s", "", name): label for name, label in names}
        alternatives = "|".join(spaced(name) for name, _ in names)
        self._label_re = re.compile(rf"(?P<name>{alternatives})(?P<colon>{_COLON})?")

    def __call__(self, doc: Doc) -> Doc:
        layout = Layout.of(doc.text)
        existing = list(doc.ents)
        found_by_model = {ent.label_ for ent in existing}
        taken = [(ent.start_char, ent.end_char) for ent in existing]
        added = []
        for hit in self.find(layout):
            if not ENTITY_LABELS[hit.label].multi and hit.label in found_by_model:
                continue
            start, end = layout.view.original_span(hit.start, hit.end)
            if any(a < end and start < b for a, b in taken):
                continue
            span = doc.char_span(start, end, label=hit.label, alignment_mode="contract")
            if span is None or not span.text.strip():
                continue
            span._.licex_component = self.name
            taken.append((span.start_char, span.end_char))
            added.append(span)
        if added:
            doc.ents = sorted(existing + added, key=lambda s: s.start)
        return doc

    def find(self, layout: Layout) -> list[Hit]:
        """Every field entity the rules see, in view offsets, in text order."""
        labels = self._labels(layout)
        hits = list(self._labelled_values(layout, labels))
        hits += self._business_blocks(layout, labels)
        hits += _shareholders(layout)
        hits += _inspections(layout)
        hits += _change_notes(layout)
        return sorted(set(hits), key=lambda h: (h.start, -h.end))

    # -- labels and their values -------------------------------------------------------------

    def _labels(self, layout: Layout) -> list[LabelHit]:
        text = layout.view.text
        found = []
        for match in self._label_re.finditer(text):
            start = match.start()
            line_start = text.rfind("\n", 0, start) + 1
            before = text[line_start:start]
            colon = bool(match.group("colon"))
            name = re.sub(r"\s", "", match.group("name"))
            label = self._label_of[name]
            if before.strip(" \t*-·>"):
                # Mid-line: a one-line header or the next table cell, never running text.
                if not (before[-1:] in " \t" and (colon or before[-1:] == "\t" or before.endswith("  "))):
                    continue
            elif len(name) == 1 and not colon:
                continue  # 注 at a line start is a note only with its colon
            if layout.in_special(start) and not (label == "LICENSE_NO" and _is_page_header(layout, start)):
                continue
            found.append(LabelHit(label, start, match.end()))
        return found

    def _labelled_values(self, layout: Layout, labels: list[LabelHit]) -> Iterator[Hit]:
        for i, hit in enumerate(labels):
            if hit.label is None or hit.label in _BUSINESS_FAMILY or hit.label == "PREV_LICENSE_NO" and False:
                continue
            limit = _value_limit(layout, labels, i)
            value = _first_value_line(layout, hit.value_start, limit)
            if value is None:
                continue
            checked = _check_value(hit.label, layout.view.text, *value)
            if checked is not None:
                yield Hit(hit.label, *checked)

    # -- business types, service items, coverage ------------------------------------------------

    def _business_blocks(self, layout: Layout, labels: list[LabelHit]) -> list[Hit]:
        starts = [(h.start, i) for i, h in enumerate(labels) if h.label == "BUSINESS"]
        starts += [(m.start(), None) for m in _BUSINESS_LIST_INTRO_RE.finditer(layout.view.text)
                   if not layout.in_special(m.start())]
        hits: list[Hit] = []
        block_end = -1
        for start, index in sorted(starts):
            if start < block_end:
                continue  # already read as part of the block before
            block_end = _business_block_end(layout, labels, start)
            hits += _read_business_block(layout.view.text, start, block_end)
        return hits


def _is_page_header(layout: Layout, pos: int) -> bool:
    line = layout.lines[_line_index(layout, pos)]
    return line.kind == "page_header"


def _line_index(layout: Layout, pos: int) -> int:
    import bisect

    return bisect.bisect_right(layout.line_starts, pos) - 1


def _value_limit(layout: Layout, labels: list[LabelHit], i: int) -> int:
    """Where the value of label i must end: the next label, title line or the 特别规定事项."""
    limit = labels[i + 1].start if i + 1 < len(labels) else len(layout.view.text)
    for line in layout.lines[_line_index(layout, labels[i].value_start) + 1:]:
        if line.start >= limit:
            break
        if line.kind in ("title", "page_header"):
            return line.start
    if layout.special and labels[i].start < layout.special[0] < limit:
        limit = layout.special[0]
    return limit


def _first_value_line(layout: Layout, start: int, limit: int) -> tuple[int, int] | None:
    """The first non-blank stretch of one line in [start, limit), trimmed."""
    text = layout.view.text
    pos = start
    while pos < limit:
        end = text.find("\n", pos, limit)
        end = limit if end < 0 else end
        a, b = _trim(text, pos, end)
        if a < b:
            return a, b
        pos = end + 1
    return None


def _trim(text: str, start: int, end: int, chars: str = _TRIM) -> tuple[int, int]:
    while start < end and text[start] in " \t\n":
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _check_value(label: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The value's span if it has the shape of the field, narrowed where the field's pattern allows."""
    value = text[start:end]
    if label == "LICENSE_NO":
        match = LICENSE_NO_RE.search(value)
        if match:
            return start + match.start(), start + match.end()
        token = value.split()[0]
        return (start, start + len(token)) if len(token) >= 5 and re.search(r"\d{4}", token) else None
    if label in ("ISSUE_DATE", "EXPIRY_DATE"):
        match = _DATE_RE.search(value)
        if match and normalize_date(match.group(0)):
            return start + match.start(), start + match.end()
        return None
    if label == "CAPITAL":
        return (start, end) if parse_money(value) else None
    if label in ("SIGNER", "LEGAL_REP"):
        return (start, end) if len(re.sub(r"\s", "", value)) <= 12 and not re.search(r"\d|:", value) else None
    if re.fullmatch(r"\(?\s*(?:无|空|/|-+|见附页)\s*\)?", value):
        return None
    return start, end


def _business_block_end(layout: Layout, labels: list[LabelHit], start: int) -> int:
    """A business block runs to the first label outside the business family, title or clause region."""
    end = len(layout.view.text)
    for hit in labels:
        if hit.start > start and hit.label not in _BUSINESS_FAMILY:
            end = hit.start
            break
    for line in layout.lines[_line_index(layout, start) + 1:]:
        if line.start >= end:
            break
        if line.kind in ("title", "page_header"):
            end = line.start
            break
    if layout.special and start < layout.special[0] < end:
        end = layout.special[0]
    return end


def _read_business_block(text: str, start: int, end: int) -> list[Hit]:
    """Business types with their service items and coverage, from one block of the view.

    Printed as running text (`一、第一类…业务 / 服务项目: 不含… / 业务覆盖范围: 全国。`), as
    `业务种类: X (不含Y) / 业务覆盖范围: 全国`, or as a two-column table flattened so labels
    and values interleave (`业务种类 X / (服务项目) 机房所在地为… / 及覆盖范围: Z / 全国`). Free
    text is told apart by what it says: restrictions start with 含/不含/仅限, coverage names
    places; only text that is neither follows the last label seen.
    """
    hits: list[Hit] = []
    business = False
    mode = None
    coverage: list[int] | None = None  # [start, end] of the coverage being read, open while adjacent
    pos = start

    def free_text(a: int, b: int) -> None:
        nonlocal coverage
        for part_start, part_end in _sentence_parts(text, a, b):
            value = text[part_start:part_end]
            if _SEE_ATTACHMENT_RE.search(value):
                continue
            if _RESTRICTION_RE.match(value) or (mode == "items" and not _COVERAGE_RE.search(value)):
                hits.append(Hit("SERVICE_ITEM", part_start, part_end))
                coverage = None
            elif coverage is not None:
                coverage[1] = part_end
            elif not any(h.label == "COVERAGE" for h in hits[last_business:]):
                coverage = [part_start, part_end]
                hits.append(Hit("COVERAGE", part_start, part_end))  # replaced by its final extent below

    last_business = 0
    for match in _BLOCK_TOKEN_RE.finditer(text, start, end):
        if business and match.start() > pos:
            free_text(pos, match.start())
        kind = match.lastgroup
        pos = match.end()
        if kind == "newline":
            if coverage is not None and text[match.end():match.end() + 1] == "\n":
                coverage = _close(hits, coverage)  # a blank line ends it
            continue
        if kind == "bracket":
            inner_start, inner_end = _trim(text, match.start() + 1, match.end() - 1)
            inner = text[inner_start:inner_end]
            if not business or _SEE_ATTACHMENT_RE.search(inner) or re.fullmatch(r"B[12]\d", inner):
                continue
            if _RESTRICTION_RE.match(inner) or (mode == "items" and coverage is None):
                coverage = _close(hits, coverage)
                hits.append(Hit("SERVICE_ITEM", inner_start, inner_end))
            elif coverage is not None:
                coverage[1] = match.end()  # a bracket inside the coverage: 17 省(直辖市)
            continue
        coverage = _close(hits, coverage)
        if kind == "business":
            hits.append(Hit("BUSINESS", *_trim(text, match.start(), match.end())))
            last_business = len(hits) - 1
            business = True
            mode = None
        elif kind == "items_label":
            mode = "items"
        elif kind == "coverage_label":
            mode = "coverage"
    if business and pos < end:
        free_text(pos, end)
    _close(hits, coverage)
    return hits


def _close(hits: list[Hit], coverage: list[int] | None) -> None:
    """Give the open coverage its final extent; returns None so callers can reset it in one line."""
    if coverage is not None:
        for i in range(len(hits) - 1, -1, -1):
            if hits[i].label == "COVERAGE" and hits[i].start == coverage[0]:
                hits[i] = Hit("COVERAGE", coverage[0], coverage[1])
                break
    return None


def _sentence_parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Non-empty trimmed pieces of [start, end) split at 。 and ;, which end a value."""
    pos = start
    for match in re.finditer(r"[。;]", text[start:end]):
        a, b = _trim(text, pos, start + match.start())
        if a < b:
            yield a, b
        pos = start + match.end()
    a, b = _trim(text, pos, end)
    if a < b:
        yield a, b


# -- tables and notes ----------------------------------------------------------------------------


def _shareholders(layout: Layout) -> list[Hit]:
    """Rows of the shareholder table: name, ID number and share ratio cells."""
    text = layout.view.text
    hits: list[Hit] = []
    lines = layout.lines
    for i, line in enumerate(lines):
        if not _SHAREHOLDER_HEADER_RE.search(line.text) or layout.in_special(line.start):
            continue
        rows = 0
        for row in lines[i + 1:]:
            if row.kind == "blank":
                continue
            cells = _cells(text, row.start, row.end)
            ratio = next(((a, b) for a, b in cells if _RATIO_RE.fullmatch(text[a:b])), None)
            if ratio is None or len(cells) < 2:
                if rows:
                    break
                continue  # the column header row
            rows += 1
            name = cells[0]
            hits.append(Hit("SHAREHOLDER", *name))
            for a, b in cells[1:]:
                if (a, b) == ratio:
                    hits.append(Hit("SHARE_RATIO", a, b))
                elif _ID_RE.fullmatch(text[a:b]):
                    hits.append(Hit("SHAREHOLDER_ID", a, b))
    return hits


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The cells of a table row: split at tabs or runs of spaces, else at single spaces."""
    row = text[start:end]
    splitter = _CELL_SPLIT_RE if _CELL_SPLIT_RE.search(row.strip()) else re.compile(r" ")
    cells = []
    pos = 0
    for match in splitter.finditer(row):
        cells.append((pos, match.start()))
        pos = match.end()
    cells.append((pos, len(row)))
    trimmed = [_trim(text, start + a, start + b, " \t") for a, b in cells]
    return [(a, b) for a, b in trimmed if a < b]


def _inspections(layout: Layout) -> list[Hit]:
    """Annual inspection entries: 你公司 2002 年度年检合格 … 2003 年 4 月 1 日."""
    text = layout.view.text
    hits = []
    for match in _INSPECTION_RE.finditer(text):
        if layout.in_special(match.start()):
            continue
        hits.append(Hit("INSPECTION_YEAR", *match.span("year")))
        hits.append(Hit("INSPECTION_RESULT", *match.span("result")))
        following = _INSPECTION_ENTRY_END_RE.search(text, match.end(), match.end() + 120)
        window_end = following.start() if following else min(len(text), match.end() + 120)
        date = _DATE_RE.search(text, match.end(), window_end)
        if date and normalize_date(date.group(0)):
            hits.append(Hit("INSPECTION_DATE", *date.span()))
    return hits


def _change_notes(layout: Layout) -> list[Hit]:
    """Earlier licence numbers from change notes: B1-20060088 变更为 B1-20070275."""
    text = layout.view.text
    hits = []
    for line in layout.lines:
        if not CHANGE_NOTE_RE.search(line.text):
            continue
        for match in _CHANGE_PAIR_RE.finditer(text, line.start, line.end):
            hits.append(Hit("PREV_LICENSE_NO", *match.span("old")))
    return hits
