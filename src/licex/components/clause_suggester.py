"""`licex.clause_suggester.v1`: the span candidates of the clause span categorizer.

spaCy's n-gram suggester proposes spans of a few tokens; a clause is hundreds of characters
long, so it would never be proposed. This suggester proposes exactly the clauses that the
structural segmentation finds (numbered clauses of the 特别规定事项, page noise skipped), and the
span categorizer learns their labels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged

from licex.text.analysis import analyse


def clause_spans(doc: Doc) -> list[tuple[int, int]]:
    """(start token, end token) of every clause the segmentation on the Doc found."""
    spans = []
    for segment in analyse(doc).clauses:
        span = doc.char_span(segment.start, segment.end, alignment_mode="expand")
        if span is not None:
            spans.append((span.start, span.end))
    return spans


def suggest_clauses(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
    ops = ops or get_current_ops()
    spans: list[tuple[int, int]] = []
    lengths = []
    for doc in docs:
        found = clause_spans(doc)
        spans.extend(found)
        lengths.append(len(found))
    lengths_array = ops.asarray1i(lengths)
    if spans:
        return Ragged(ops.asarray2i(spans), lengths_array)
    return Ragged(ops.xp.zeros((0, 0), dtype="i"), lengths_array)


@registry.misc("licex.clause_suggester.v1")
def build_clause_suggester() -> Callable[..., Ragged]:
    """The clause suggester, for `[components.spancat.suggester]` in a config."""
    return suggest_clauses
