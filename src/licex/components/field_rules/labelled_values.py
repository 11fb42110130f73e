"""Single values printed after their labels: `label: value`, with the value on the same line, on
the next line, in the next table cell, or after a run of other labels in a one-line header. A
value runs up to the next label and must have the shape of its field."""

from __future__ import annotations

import re
from itertools import takewhile

from spacy.util import registry

from licex.fields.labels import BUSINESS_LABELS, ENTITY_LABELS
from licex.fields.normalize import BUSINESS_NAME_RE
from licex.fields.values import plausible
from licex.text.chars import DATE_RE, without_whitespace
from licex.text.layout import ROW_CELL_RE, Layout
from licex.components.field_rules.hits import Hit, LabelHit, in_header
from licex.components.field_rules.parts import (
    COMPANY_END_RE,
    SENTENCE_PUNCTUATION_RE,
    check_value,
    trim_value,
)
from licex.components.field_rules.reading import Reader, Reading

# Value kinds that say by their shape whether a line is the value (a date parses, an amount
# names its currency): a label's value may be looked for past a line OCR made of a seal or a
# border (有效期至 / AAAEa / 2016年07月19日), where free text would take that line.
_SHAPED_VALUES = frozenset({"date", "money", "licence_no", "domain"})
# How many lines after a label a shaped value is looked for.
_SHAPED_VALUE_LINES = 3
# Long names (a company's, a website's access provider's) and addresses wrap in narrow table
# cells onto short lines right below them; a line with sentence punctuation is running text, not
# such a continuation.
_WRAPPING_FIELDS = {"COMPANY", "ADDRESS", "ACCESS_PROVIDER"}
# How many labels with nothing between them make a label column printed whole before its values.
_STACKED_LABELS = 3
# A paragraph: lines with no blank line between them.
_PARAGRAPH_RE = re.compile(r"\S(?:[^\n]|\n(?![ \t]*\n))*")
# What joins the two dates of a validity period (自2016年3月18日至2017年3月1日), 至 maybe wrapped
# onto the next line.
_UNTIL_RE = re.compile(r"\s*至\s*")
# A date whose parts a tool may have wrapped onto the next line (2017 年 3 / 月 1 日).
_WRAPPED_DATE_RE = re.compile(DATE_RE.pattern.replace(r"[ \t]", r"\s"))


@registry.misc("licex.reader.labelled_values.v1")
def make_labelled_values_reader() -> Reader:
    """The value after each printed label outside the business block and table headers (found_by `label`)."""
    return read_labelled_values


def read_labelled_values(reading: Reading) -> list[Hit]:
    layout, labels = reading.layout, reading.labels
    text = layout.view.text
    hits, stacked = _stacked_values(reading)
    for i, hit in enumerate(labels):
        # (a page header a tool printed among a table's header cells is still read)
        header = in_header(reading.tables, hit.start) and layout.line_at(hit.start).kind != "page_header"
        if hit.label is None or hit.label in BUSINESS_LABELS or header or i in stacked:
            continue
        if hit.label in _WRAPPING_FIELDS and (around := _wrapped_around(reading, hit)) is not None:
            hits.append(around)
            continue
        limit = _value_limit(layout, labels, i)
        lines = _value_lines(layout, hit.value_start, limit)
        if not lines and (past := _past_other_column(layout, labels, i)) is not None:
            limit = _value_limit(layout, labels, i + 1)
            lines = _value_lines(layout, past, limit)
        if ENTITY_LABELS[hit.label].value not in _SHAPED_VALUES:
            lines = lines[:1]  # free text: the first line is the value, whatever it says
        for value in lines:
            if hit.label in _WRAPPING_FIELDS and not COMPANY_END_RE.search(text, *value):
                value = _wrapped(layout, *value, limit)  # a name ending in 公司 is whole
            checked = check_value(hit.label, text, *value)
            if checked is not None and reading.value(hit.label, *checked) is not None:
                hits.append(_with_cut_end(reading, Hit(hit.label, *checked)))
                if _role(reading, hit) == "validity":
                    hits += _validity_end(reading, checked[1], limit)
                break
    return hits


# The end of a company's name that its cell wrapped onto a line of its own (有限公 / 司).
_CUT_END = ("公", "司")


def _with_cut_end(reading: Reading, hit: Hit) -> Hit:
    """A company's name cut at 公, its 司 alone on one of the next two lines (a label line of the
    row beside it printed between: 公 司 名 称 昆明国讯信息有限公 / 法 定 代 表 人 郭军 / 司), as one
    value of its two pieces; any other hit as it is."""
    layout = reading.layout
    text = layout.view.text
    if hit.label not in _WRAPPING_FIELDS or not text[hit.start:hit.end].endswith(_CUT_END[0]):
        return hit
    i = layout.line_index(hit.end)
    for line in layout.lines[i + 1:i + 3]:
        a, b = trim_value(text, line.start, line.end)
        if text[a:b] == _CUT_END[1]:
            joined = Hit(hit.label, hit.start, hit.end, joined=((hit.start, hit.end), (a, b)))
            return joined if reading.hit_value(joined) is not None else hit
    return hit


def _wrapped_around(reading: Reading, hit: LabelHit) -> Hit | None:
    """The value of a label whose value cell wrapped around the label's row, where a tool printed
    it so (Layout.cells_wrapped_around: pdftotext -layout puts the row's one-line cells between
    the cell's halves, `天津市艳县牧野杭` above `注册资本  美元5000万元  注册住所`, `州路c座` below): the
    cell in pieces right after the label's cell, as one value of its pieces; None elsewhere."""
    layout = reading.layout
    i = layout.line_index(hit.start)
    around = layout.cells_wrapped_around(i, layout.row_cells(layout.lines[i], ROW_CELL_RE))
    k = None if around is None else next(
        (k for k, pieces in enumerate(around) if pieces[0][0] <= hit.start < pieces[0][1]), None)
    if k is None or k + 1 >= len(around) or len(around[k + 1]) < 2:
        return None
    value = Hit(hit.label, *around[k + 1][0], joined=around[k + 1])
    return value if reading.hit_value(value) is not None else None


def _stacked_values(reading: Reading) -> tuple[list[Hit], set[int]]:
    """The values of a label column printed whole before its value column (pdftotext of a
    table whose label cells wrap: 公司名 / 称 / 法定代 / 表人 / … then 沈阳创亿网络有限公司 / 梁静 /
    …): after a run of at least _STACKED_LABELS labels with nothing between them, the k-th
    paragraph is the k-th label's value, up to the first business label (the business block
    reads its own) or the first value that has not its label's shape. Also the indices of the
    labels whose values were read so."""
    layout, labels = reading.layout, reading.labels
    text = layout.view.text
    hits: list[Hit] = []
    done: set[int] = set()
    i = 0
    while i < len(labels):
        j = i
        while (j + 1 < len(labels) and _in_front_column(labels[j]) and _in_front_column(labels[j + 1])
               and not text[labels[j].value_start:labels[j + 1].start].strip()):
            j += 1
        if j + 1 - i < _STACKED_LABELS or layout.in_special(labels[i].start):
            i = j + 1
            continue
        # A label with its value on its own line after the column, before any value of the
        # column's first label (the licence number's, 经营许可证编号：云B2-…, printed between the
        # label cells and the value cells), is passed.
        start, last = labels[j].value_start, j
        while (last + 1 < len(labels) and (line := layout.line_at(labels[last + 1].start))
               and text[labels[last + 1].value_start:line.end].strip()
               and _first_value(reading, labels[i], _content_lines(layout, start, labels[last + 1].start), None) is None):
            start, last = line.end, last + 1
        limit = _value_limit(layout, labels, last)
        paragraphs = [m.span() for m in _PARAGRAPH_RE.finditer(text, start, limit)]
        # The rest of a wrapped label cell may come first ((服务项 / 目) / 及覆盖 / 范围): the values
        # start at the first paragraph that is a plausible value of the first label.
        first = _first_value(reading, labels[i], paragraphs)
        if first is None:  # (the values a line each, no blank line between them)
            paragraphs = _content_lines(layout, start, limit)
            first = _first_value(reading, labels[i], paragraphs, None)  # (past a wrapped label's lines)
        read = 0
        for k, (hit, (a, b)) in enumerate(zip(labels[i:j + 1], paragraphs[first or 0:] if first is not None else [])):
            checked = check_value(hit.label, text, *trim_value(text, a, b)) if hit.label not in BUSINESS_LABELS else None
            if checked is None or not plausible(hit.label, reading.value(hit.label, *checked)):
                break
            hits.append(Hit(hit.label, *checked))
            done.add(i + k)
            read += 1
        if read:
            done.add(j)  # the last label's text is the column's, not its own value
        i = j + 1
    return hits, done


def _content_lines(layout: Layout, start: int, end: int) -> list[tuple[int, int]]:
    """The content lines in [start, end) of the view (from the line at `start` on, not every line:
    the label column's loop asks for them once a label it passes)."""
    lines = layout.lines[max(layout.line_index(start), 0):]
    return [(line.start, line.end) for line in takewhile(lambda line: line.start < end, lines)
            if start <= line.start and line.end <= end and line.kind == "content"]


def _first_value(reading: Reading, label: LabelHit, paragraphs: list[tuple[int, int]],
                 within: int | None = _STACKED_LABELS) -> int | None:
    """The index of the first of the first `within` paragraphs (None: of all) that is a plausible value of `label`."""
    text = reading.layout.view.text
    return next((n for n, (a, b) in enumerate(paragraphs[:within])
                 if plausible(label.label, reading.value(label.label, *trim_value(text, a, b)))), None)


def _in_front_column(hit: LabelHit) -> bool:
    """Whether a label is one of the front page's label column: a front-page field or a
    business's (a 附页's column headers, 网站名称 / 网址 / …, are a header row, not a column)."""
    return hit.label is not None and (ENTITY_LABELS[hit.label].front_page or hit.label in BUSINESS_LABELS)


def _role(reading: Reading, hit: LabelHit) -> str | None:
    """The role of the label words printed at the hit (patterns/field_labels.jsonl)."""
    name = without_whitespace(reading.layout.view.text[hit.start:hit.value_start]).rstrip(":：")
    return reading.words.role_of.get(name)


def _validity_end(reading: Reading, start: int, limit: int) -> list[Hit]:
    """The expiry date of a validity period whose first date ends at `start`: the date right
    after its 至 (本证有效期自2016年3月18日至2017年3月1日), on the same line or the next, and
    maybe itself wrapped (2017年3 / 月1日)."""
    text = reading.layout.view.text
    until = _UNTIL_RE.match(text, start, limit)
    if until is None or "至" not in until.group(0):
        return []
    date = _WRAPPED_DATE_RE.match(text, until.end(), limit)
    if date is None or reading.value("EXPIRY_DATE", *date.span()) is None:
        return []
    return [Hit("EXPIRY_DATE", *date.span())]


def _past_other_column(layout: Layout, labels: list[LabelHit], i: int) -> int | None:
    """Where to look on for the value of label i, whose own label line is followed at once by
    another label's whole line (公司名称 / 编号：蒙B2-20127212 / 华远软件科技有限公司: a tool put a
    line of another column between a label and its value): after that line; else None."""
    if i + 1 >= len(labels) or labels[i + 1].label is None:
        return None
    following = layout.line_at(labels[i + 1].start)
    if following.start != labels[i + 1].start - (len(following.text) - len(following.text.lstrip())):
        return None  # that label stands mid-line
    text = layout.view.text
    if not text[labels[i + 1].value_start:following.end].strip():
        return None  # that label waits for its value too
    return following.end + 1


def _value_limit(layout: Layout, labels: list[LabelHit], i: int) -> int:
    """Where the value of label i must end: the next label, title line or the 特别规定事项."""
    limit = labels[i + 1].start if i + 1 < len(labels) else len(layout.view.text)
    limit = layout.next_page_break(layout.line_at(labels[i].value_start).start, limit)
    if layout.special and labels[i].start < layout.special[0] < limit:
        limit = layout.special[0]
    return limit


def _value_lines(layout: Layout, start: int, limit: int) -> list[tuple[int, int]]:
    """The first non-blank stretches of the lines in [start, limit), trimmed, at most _SHAPED_VALUE_LINES."""
    text = layout.view.text
    stretches = []
    pos = start
    while pos < limit and len(stretches) < _SHAPED_VALUE_LINES:
        end = text.find("\n", pos, limit)
        end = limit if end < 0 else end
        a, b = trim_value(text, pos, end)
        if a < b:
            stretches.append((a, b))
        pos = end + 1
    return stretches


def _wrapped(layout: Layout, start: int, end: int, limit: int) -> tuple[int, int]:
    """[start, end) run on over the lines that continue it: a long name or address wraps in a
    narrow cell onto short lines right below it (no blank line between), before the next label."""
    text = layout.view.text
    i = layout.line_index(end) + 1
    while i < len(layout.lines):
        line = layout.lines[i]
        a, b = trim_value(text, line.start, line.end)
        if (line.kind != "content" or line.end > limit or b - a > 20 or SENTENCE_PUNCTUATION_RE.search(text, a, b)
                or BUSINESS_NAME_RE.search(text, a, b)):
            break  # (a business named: the business list of a label cell wrapped below, not the address)
        end = b
        i += 1
        if COMPANY_END_RE.search(text, start, end):
            break  # a name ending in 公司 is whole: the next line is the next cell's
    return start, end
