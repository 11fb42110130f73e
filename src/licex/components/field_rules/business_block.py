"""The business block: business types, service items and coverage printed as running text or as
label/value pairs, from a 业务种类 label or a `获准经营的业务种类…` introduction on."""

from __future__ import annotations

import bisect

from spacy.util import registry

from licex.fields.labels import BUSINESS_LABELS
from licex.fields.normalize import BUSINESS_NAME_RE
from licex.text.layout import Layout
from licex.components.field_rules.business_text import read_business_text
from licex.components.field_rules.parts import COVERAGE_RE, SENTENCE_PUNCTUATION_RE, issuer_re
from licex.components.field_rules.hits import Hit, LabelHit, found_by, table_at
from licex.components.field_rules.reading import Reader, Reading


@registry.misc("licex.reader.business_block.v1")
def make_business_block_reader() -> Reader:
    """Business types with their service items and coverage outside column tables (found_by `block`)."""
    return read_business_blocks


def read_business_blocks(reading: Reading) -> list[Hit]:
    """Column tables are read on their own (column_tables), so no block starts in one or runs into one."""
    layout, labels, tables = reading.layout, reading.labels, reading.tables
    text = layout.view.text
    starts = [h.start for h in labels if h.label == "BUSINESS"]
    starts += [m.start() for m in layout.words.business_list_re.finditer(text) if not layout.in_special(m.start())]
    table_starts = sorted(t.start for t in tables)
    hits: list[Hit] = []
    block_end = -1
    for start in sorted(starts):
        if start < block_end or table_at(tables, start) is not None:
            continue  # already read as part of the block before, or a table's header
        block_end_before = max(block_end, 0)
        start = _block_start(layout, labels, start, block_end_before)
        block_end = _block_end(layout, labels, start)
        next_table = bisect.bisect_right(table_starts, start)
        if next_table < len(table_starts):
            block_end = min(block_end, table_starts[next_table])
        hits += read_business_text(text, start, block_end, reading.block)
    return found_by("block", hits)


def _block_start(layout: Layout, labels: list[LabelHit], start: int, floor: int) -> int:
    """Where the block of the label at `start` starts: at the label, or at the business lines
    right above it that no other label owns. A label cell that wraps onto three lines (业务种类 /
    (服务项目) / 及覆盖范围) is printed level with the middle of its value cell, so pdftotext -layout
    puts the cell's first business names and coverages above the label's first line; a label cell
    level with the last of several businesses, each with its 服务项目 and 覆盖范围 lines, has the
    others above it."""
    text = layout.view.text
    label_starts = [hit.start for hit in labels]
    first = layout.line_index(start)
    found = start
    for i in range(first - 1, -1, -1):
        line = layout.lines[i]
        if line.start < floor or line.kind not in ("blank", "content"):
            break
        if line.kind == "blank":
            continue
        line_labels = labels[bisect.bisect_left(label_starts, line.start):bisect.bisect_left(label_starts, line.end)]
        if any(hit.label not in BUSINESS_LABELS for hit in line_labels):
            break  # a line with a label of its own: the field before
        if line_labels:
            continue  # a business's 服务项目 or 覆盖范围 line: the block goes on above it
        value = text[line.start:line.end]
        if BUSINESS_NAME_RE.search(value):
            found = line.start
        elif _closes_bracket_above(layout, i):
            continue  # the rest of a business's bracket wrapped onto its own line (…协作服 / 务）)
        elif not COVERAGE_RE.search(value) or SENTENCE_PUNCTUATION_RE.search(value):
            break
    return found


def _closes_bracket_above(layout: Layout, i: int) -> bool:
    """Whether line i closes a bracket that the content line above it left open."""
    above = next((line for line in reversed(layout.lines[:i]) if line.kind != "blank"), None)
    line = layout.lines[i].text
    return (above is not None and above.kind == "content" and line.count(")") > line.count("(")
            and above.text.count("(") > above.text.count(")"))


def _block_end(layout: Layout, labels: list[LabelHit], start: int) -> int:
    """A business block runs to the first label outside BUSINESS_LABELS after a business name,
    title, clause region or issuing authority (the signature block's 云南省通信管理局, printed right
    after the coverage where the signer's label stands elsewhere)."""
    text = layout.view.text
    first_after = bisect.bisect_right(labels, start, key=lambda h: h.start)  # labels are in text order
    ends = [h.start for h in labels[first_after:] if h.label not in BUSINESS_LABELS] + [len(text)]
    # A label column printed whole before its values (pdftotext of wrapped label cells): where no
    # business is named before the next label, the block's values come after other labels' values.
    k = 0
    while k + 1 < len(ends) and not BUSINESS_NAME_RE.search(text, start, ends[k]):
        k += 1
    end = ends[k]
    if (issuer := issuer_re().search(text, start, end)) is not None:
        end = issuer.start()
    end = layout.next_page_break(layout.line_at(start).start, end)
    if layout.special and start < layout.special[0] < end:
        end = layout.special[0]
    return end
