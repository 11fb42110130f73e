"""Licence-number change notes: B1-20060088 变更为 B1-20070275 gives the earlier number."""

from __future__ import annotations

import re

from spacy.util import registry

from licex.text.layout import CHANGE_NOTE_RE, CHANGED_TO
from licex.fields.normalize import LICENSE_NO_RE
from licex.components.field_rules.hits import Hit
from licex.components.field_rules.reading import Reader, Reading

_CHANGE_PAIR_RE = re.compile(
    r"(?P<old>" + LICENSE_NO_RE.pattern + r")" + CHANGED_TO + r"\s*(?P<new>" + LICENSE_NO_RE.pattern + r")"
)


@registry.misc("licex.reader.change_notes.v1")
def make_change_notes_reader() -> Reader:
    """The earlier licence number of each change note (found_by `entry`)."""
    return read_change_notes


def read_change_notes(reading: Reading) -> list[Hit]:
    layout = reading.layout
    text = layout.view.text
    hits = []
    for line in layout.lines:
        if not CHANGE_NOTE_RE.search(line.text):
            continue
        for match in _CHANGE_PAIR_RE.finditer(text, line.start, line.end):
            hits.append(Hit("PREV_LICENSE_NO", *match.span("old"), found_by="entry"))
    return hits
