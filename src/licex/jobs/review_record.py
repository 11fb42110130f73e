"""The record beside a review page's text (`licex review`): every value of the record, each a link
to its evidence (the marked text, the box on the page image) where it has some; the fields a
record lists in `needs_review` first, with their values and reasons; the clauses."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

from licex.fields.labels import CLAUSE_LABELS, ENTITY_LABELS
from licex.fields.record import record_field

# The keys of a record that are not values of the licence: not shown as fields, not counted as filled.
NOT_VALUES = frozenset({"clauses", "source", "part", "pages", "evidence", "confidence", "needs_review"})


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def flag_reasons(flags: dict[str, list[str]], path: str) -> tuple[str, ...]:
    """The reasons to review `path`: those given for any part of the record it is in, the widest
    first, and for it (looked up by each of its prefixes: a page of thousands of values and flags
    costs no more than its size)."""
    prefixes = [path[:boundary.start()] for boundary in _PATH_BOUNDARY_RE.finditer(path)] + [path]
    return tuple(reason for prefix in prefixes for reason in flags.get(prefix, ()))


# Where a record path's prefixes that are paths themselves end: businesses | [0] | .service_items | [1].
_PATH_BOUNDARY_RE = re.compile(r"[.\[]")


def leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(path, value) of each scalar in a record value, paths written as evidence writes them."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, f"{path}.{key}")
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, f"{path}[{i}]")
    else:
        yield path, value


# The fields of the services a business excludes (the field table's excluded_field).
EXCLUDED_FIELDS = frozenset(label.excluded_field for label in ENTITY_LABELS.values() if label.excluded_field)


class RecordPanel:
    """The record beside the text: every value, linked to its evidence where it has some.

    `licence`: a review Licence (its record, flags and confidence); `marks`: the marks of its
    evidence that the page shows (in the text, or as boxes on the page images only where
    `text_shown` is false)."""

    def __init__(self, licence: Any, marks: list[Any], text_shown: bool = True) -> None:
        self.licence = licence
        self.flags = licence.flags
        self.text_shown = text_shown
        self.jumps: dict[str, list[str]] = {}  # field path -> ids of its marks
        self.ids: set[str] = set()  # the field paths shown, each with the id f-PATH
        for mark in marks:
            self.jumps.setdefault(mark.path, []).append(mark.mark_id)

    def html(self) -> str:
        record = self.licence.record
        rows, tables = [], []
        for key, value in record.items():
            if key in NOT_VALUES:
                continue
            if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
                tables.append(self._table(key, value))
            elif value in (None, [], {}):
                rows.append(self._row(key, None))
            else:
                rows.extend(self._row(path, leaf) for path, leaf in leaves(value, key))
        shown = "".join(["<h2>Fields</h2><table class=\"fields\">", *rows, "</table>", *tables, self._clauses()])
        return self._flags() + shown  # the list of flags links only to the fields shown

    def _flags(self) -> str:
        if "needs_review" not in self.licence.record:
            return '<p class="noreview">This record has no <code>needs_review</code> list.</p>'
        if not self.flags:
            return '<section class="flags"><h2>Needs review: nothing</h2></section>'
        values = {path: value for key, value in self.licence.record.items() if key not in NOT_VALUES
                  for path, value in leaves(value, key)}
        items = "".join(f'<li class="flagged-value" data-flagged="{esc(path)}">{self._field_link(path)} '
                        f"{self._flagged_value(path, values)}: {esc(reason)}</li>"
                        for path, reasons in self.flags.items() for reason in reasons)
        return f'<section class="flags"><h2>Needs review: {len(self.flags)} field(s)</h2><ul>{items}</ul></section>'

    def _flagged_value(self, path: str, values: dict[str, Any]) -> str:
        """A flagged field's value linked to its evidence, shown first: where the record holds one
        value at `path`, that value; where it holds a part (a business), a link to its evidence."""
        if path in values:
            return self._value(path, values[path])
        if path in self.jumps:
            return self._jump(self.jumps[path][0], "evidence")
        return ""

    def _jump(self, mark_id: str, content: str, kind: str = "") -> str:
        """A link to a mark: to its place in the text where the text is shown, else to its box."""
        return jump_link(mark_id, content, kind, mark_id if self.text_shown else f"box-{mark_id}")

    def _value(self, path: str, value: Any) -> str:
        """A value, a link to its evidence (to the evidence of the part of the record it is in, as
        for a foreign capital's amount) where there is some; its confidence where known."""
        if value is None:
            return '<span class="empty">—</span>'
        owner = next((p for p in enclosing(path) if p in self.jumps), None)
        if owner is None:
            shown = esc(value)
        else:
            first, *more = self.jumps[owner]
            shown = self._jump(first, esc(value)) + "".join(
                self._jump(mark_id, f"+{n}", "more") for n, mark_id in enumerate(more, start=1))
        confidence = self.licence.confidence.get(path)
        if confidence is not None:
            shown += f'<span class="conf">{confidence:.2f}</span>'
        return shown

    def _field_link(self, path: str) -> str:
        """A link to the field's place in the record (to the nearest part of it shown)."""
        shown = next((p for p in enclosing(path) if p in self.ids), None)
        return esc(path) if shown is None else f'<a class="jump" href="#f-{esc(shown)}">{esc(path)}</a>'

    def _field_id(self, path: str) -> str:
        self.ids.add(path)
        return f'id="f-{esc(path)}" data-field="{esc(path)}"'

    def _reason_html(self, path: str) -> tuple[str, str]:
        """The class that marks a field to review (also each value of a row to review), and the
        reasons given for the field itself, shown once where they were given."""
        if not flag_reasons(self.flags, path):
            return "", ""
        return " flagged", "".join(f'<div class="reason">needs review: {esc(r)}</div>' for r in self.flags.get(path, []))

    def _row(self, path: str, value: Any) -> str:
        flagged, reasons = self._reason_html(path)
        return (f'<tr {self._field_id(path)} class="field{flagged}">'
                f"<th>{esc(path)}</th><td>{self._value(path, value)}{reasons}</td></tr>")

    def _table(self, key: str, items: list[dict[str, Any]]) -> str:
        columns = list(dict.fromkeys(column for item in items for column in item))
        head = "".join(f"<th>{esc(c)}</th>" for c in columns)
        body = []
        for i, item in enumerate(items):
            row_path = f"{key}[{i}]"
            flagged, reasons = self._reason_html(row_path)
            cells = "".join(self._cell(f"{row_path}.{c}", item.get(c)) for c in columns)
            body.append(f'<tr {self._field_id(row_path)} class="row{flagged}">'
                        f"<th>{i}{reasons}</th>{cells}</tr>")
        return f'<h2>{esc(key)}</h2><table class="rows"><tr><th></th>{head}</tr>{"".join(body)}</table>'

    def _cell(self, path: str, value: Any) -> str:
        flagged, reasons = self._reason_html(path)
        if isinstance(value, list):
            shown = "<br>".join(self._item(p, v) for p, v in leaves(value, path)) or '<span class="empty">—</span>'
        else:
            shown = self._value(path, value)
        return f'<td {self._field_id(path)} class="value{flagged}">{shown}{reasons}</td>'

    def _item(self, path: str, value: Any) -> str:
        """An item of a list in a cell (a service item); an excluded service says so, so that no
        reader takes it for one the business is licensed for."""
        flagged, reasons = self._reason_html(path)
        if record_field(path) in EXCLUDED_FIELDS:
            return (f'<span {self._field_id(path)} class="item excluded{flagged}"><span class="not">不含</span>'
                    f"{self._value(path, value)}{reasons}</span>")
        return f'<span {self._field_id(path)} class="item{flagged}">{self._value(path, value)}{reasons}</span>'

    def _clauses(self) -> str:
        items = []
        for i, clause in enumerate(self.licence.record["clauses"]):
            path = f"clauses[{i}]"
            flagged, reasons = self._reason_html(path)
            number = esc(clause["number"])
            number = self._jump(self.jumps[path][0], number) if path in self.jumps else number
            business = f" · {esc(clause['business_code'])}" if clause["business_code"] else ""
            confidence = self.licence.confidence.get(path)
            shown_confidence = f'<span class="conf">{confidence:.2f}</span>' if confidence is not None else ""
            items.append(f'<li {self._field_id(path)} class="clause-item{flagged}">{number} '
                         f'<span class="label" title="{esc(CLAUSE_LABELS.get(clause["label"], ""))}">'
                         f'{esc(clause["label"])}</span>{business}{shown_confidence}{reasons}</li>')
        return f'<h2>Clauses ({len(items)})</h2><ol class="clauses">{"".join(items)}</ol>'


def enclosing(path: str) -> Iterator[str]:
    """`path`, then each part of the record it lies in: a.b[0].c, a.b[0], a.b, a."""
    while path:
        yield path
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""


def jump_link(mark_id: str, content: str, kind: str = "", target: str | None = None) -> str:
    """A link to the mark `mark_id` (to the element `target` without script)."""
    classes = f"jump {kind}".strip()
    return f'<a class="{classes}" href="#{esc(target or mark_id)}" data-jump="{esc(mark_id)}">{content}</a>'
