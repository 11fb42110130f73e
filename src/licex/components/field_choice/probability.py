"""The NER's own probability for a contested reading: its beam over the lines around it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from spacy.tokens import Doc

from licex.fields.labels import ENTITY_LABELS
from licex.components.field_choice.candidates import Candidate, hashable

# Tokens of context on each side of a contested reading that the beam reads with it.
_CONTEXT_TOKENS = 16
_BEAM_WIDTH = 4


class ModelProbability:
    """The NER's probability for a candidate's values: its beam (the trained greedy model's
    weights, searched `_BEAM_WIDTH` wide) over the lines around the contested readings only,
    so a Doc whose two sides agree costs nothing more. A span's probability is the summed
    probability of the beam's parses that read, where it stands, an entity of its label with its
    value; a candidate's is the mean over its spans."""

    def __init__(self, ner: Any, read: Callable[[str, int, int], Any]) -> None:
        self.ner = ner
        self.read = read  # (label, start, end) in the Doc's characters -> the value there

    def fill(self, doc: Doc, contested: list[Candidate]) -> None:
        for candidate in contested:
            candidate.probability_source = None  # computed once, whatever comes of it
        if not contested or doc.tensor is None or not doc.tensor.size:
            return
        windows = _windows([(s.start, s.end) for c in contested for s in c.spans], len(doc))
        # The Doc's array once, not once a window (as_doc reads the whole Doc otherwise: quadratic
        # on a long bundle, docs/measurements.md). as_doc edits the first row of
        # its slice; the windows are disjoint, so no window sees another's edit.
        array_head = doc._get_array_attrs()
        array = doc.to_array(array_head)
        subdocs = [doc[a:b].as_doc(array_head=array_head, array=array) for a, b in windows]
        scored = self.ner.scored_ents(self.ner.beam_parse(subdocs, beam_width=_BEAM_WIDTH))
        readings: list[tuple[int, int, str, Any, float]] = []  # (start, end, label, value, p) in Doc chars
        for (a, _), subdoc, scores in zip(windows, subdocs, scored):
            offset = doc[a].idx
            for (start, end, label), p in scores.items():
                if p <= 0:
                    continue
                name = self.ner.moves.strings[label] if isinstance(label, int) else label
                if name in ENTITY_LABELS:
                    a_char, b_char = subdoc[start].idx + offset, subdoc[end - 1].idx + len(subdoc[end - 1]) + offset
                    readings.append((a_char, b_char, name, hashable(self.read(name, a_char, b_char)), p))
        for candidate in contested:
            probabilities = []
            for span, (label, value) in zip(candidate.spans, candidate.values):
                p = sum(q for start, end, name, v, q in readings
                        if name == label and v == value and start < span.end_char and span.start_char < end)
                probabilities.append(min(p, 1.0))
            candidate._model_probability = sum(probabilities) / len(probabilities)


def _windows(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Token ranges covering every span with its context, overlapping ones joined."""
    out: list[list[int]] = []
    for start, end in sorted((max(0, s - _CONTEXT_TOKENS), min(length, e + _CONTEXT_TOKENS)) for s, e in spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]
