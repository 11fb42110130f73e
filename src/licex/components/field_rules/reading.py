"""What a reader reads a licence with, and what a reader is.

A reader is a registered function (`licex.reader.<name>.v1` in spaCy's misc registry) that
returns a `Reader`: given the `Reading` of a Doc (its layout, the labels printed on it, the
column tables, the label words), it returns the hits of the structure it reads, each marked with
how it was found. The field rules run the readers their config lists, in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from licex.fields.labels import LabelWords
from licex.text.layout import Layout
from licex.fields.values import read_value
from licex.components.field_rules.business_text import BlockPatterns
from licex.components.field_rules.hits import Hit, LabelHit, Table, pieces_text


@dataclass
class Reading:
    layout: Layout
    labels: list[LabelHit]  # the printed labels, in text order
    tables: list[Table]  # tables whose header row names the columns, in text order
    words: LabelWords
    block: BlockPatterns
    # The hits of the readers run before this one (the unlabelled front page reads only the
    # fields they left).
    found: list[Hit] = field(default_factory=list)
    _values: dict[tuple[str, int, int], Any] = field(default_factory=dict, repr=False)

    def value(self, label: str, start: int, end: int) -> Any:
        """The value [start, end) of the view gives as a value of `label` (values.read_value), or
        None: read once, for the reader that checks a value's shape and the pipe that keeps only
        hits that give one."""
        key = (label, start, end)
        if key not in self._values:
            self._values[key] = read_value(label, self.layout.view.text[start:end])
        return self._values[key]

    def hit_value(self, hit: Hit) -> Any:
        """The value of a hit: of its text, or of its pieces' joined where a tool printed it apart."""
        if not hit.joined:
            return self.value(hit.label, hit.start, hit.end)
        return read_value(hit.label, pieces_text(self.layout.view.text, hit.pieces()))


Reader = Callable[[Reading], list[Hit]]

# The readers a field rules component runs where its config names none, in this order (a reader
# sees the hits of those before it). A config may add readers, replace one, or turn one off with
# null; spaCy merges it into these defaults, so the readers it names run first, in its order, then
# the defaults it leaves out (a saved pipeline's config names them all, in its order).
DEFAULT_READERS: dict[str, dict[str, str]] = {
    name: {"@misc": f"licex.reader.{name}.v1"}
    for name in ("labelled_values", "business_block", "column_tables", "shareholders", "inspections",
                 "inspection_table", "change_notes", "unlabelled_front_page", "annex_holder")
}
