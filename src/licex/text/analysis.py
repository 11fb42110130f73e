"""The layout analysis of a Doc: computed once, read by every licex component.

The tokenizer, the clause suggester, the field rules and choice, the clause rules and the record
builder all need the licence's layout (its normalised view, lines and 特别规定事项) and the clause
segmentation; the field choice and the record builder need the value of each entity.
`doc._.licex_analysis` holds them: the licence tokenizer sets it while it tokenizes, and for a
Doc made any other way (spaCy's own tokenizer, an annotated corpus) the first reader computes it.
It lives beside the Doc, in a weak mapping, not in `doc.user_data`: it is no JSON, and a Doc
must stay serialisable. It is freed with its Doc.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from weakref import WeakKeyDictionary

from spacy.tokens import Doc

from licex.text.clauses import ClauseSegment, segment_clauses
from licex.fields.labels import LabelWords
from licex.text.layout import Layout
from licex.fields.values import read_value


@dataclass
class DocAnalysis:
    layout: Layout
    _clause_starts: list[int] = field(default_factory=list, repr=False)
    _values: dict[tuple[int, int, str], Any] = field(default_factory=dict, repr=False)
    # Where a value printed in pieces apart runs (its first piece's start, its last's end), by its entity.
    _extents: dict[tuple[int, int, str], tuple[int, int]] = field(default_factory=dict, repr=False)

    def value(self, label: str, start: int, end: int) -> Any:
        """The value an entity of `label` at original offsets [start, end) gives: values.read_value
        of its text as the rules read it (the layout's view), read once per Doc for the field
        choice (its filter, the choice, the agreement, the model's probability) and the record
        builder alike."""
        key = (start, end, label)
        if key not in self._values:
            self._values[key] = read_value(label, self.layout.view.read(start, end))
        return self._values[key]

    def remember(self, label: str, start: int, end: int, value: Any,
                 extent: tuple[int, int] | None = None) -> None:
        """`value`, read already from the same text (the field rules read each of theirs).
        `extent` where a tool printed the value in pieces apart and [start, end) is one of them:
        the original range from its first piece to its last, and `value` the pieces' joined."""
        key = (start, end, label)
        if extent is None:
            self._values.setdefault(key, value)
        else:
            self._values[key] = value
            self._extents[key] = extent

    def extent(self, label: str, start: int, end: int) -> tuple[int, int]:
        """Where the value of the entity at original offsets [start, end) is printed: the entity,
        or from its first piece to its last where it was printed in pieces (its evidence)."""
        return self._extents.get((start, end, label), (start, end))

    @cached_property
    def clauses(self) -> list[ClauseSegment]:
        """The clauses of the 特别规定事项, in text order (original offsets)."""
        segments = segment_clauses(self.layout)
        self._clause_starts = [segment.start for segment in segments]
        return segments

    def clause_at(self, start: int) -> ClauseSegment | None:
        """The clause segment that starts at original offset `start`, if one does."""
        segments = self.clauses
        i = bisect.bisect_left(self._clause_starts, start)
        return segments[i] if i < len(segments) and segments[i].start == start else None


_ANALYSES: WeakKeyDictionary[Doc, DocAnalysis] = WeakKeyDictionary()


def analyse(doc: Doc, words: LabelWords | None = None) -> DocAnalysis:
    """The Doc's analysis, computed on first use.

    `words` are the label words to read the layout with; the field rules pass theirs, so that
    rule data swapped through the config is what the layout reads too (the analysis is then
    redone once, and every later component reads the new one). None takes the analysis as it is.
    """
    analysis = _ANALYSES.get(doc)
    if analysis is None or (words is not None and analysis.layout.words != words):
        analysis = DocAnalysis(Layout.of(doc.text, words))
        _ANALYSES[doc] = analysis
    return analysis


def attach(doc: Doc, layout: Layout) -> None:
    """Give a new Doc the layout its tokenizer already computed from the same text."""
    _ANALYSES[doc] = DocAnalysis(layout)


Doc.set_extension("licex_analysis", getter=analyse, force=True)
