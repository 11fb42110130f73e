"""`licex_field_ner`: spaCy's entity recognizer, decoded where field values are, a batch at a time.

spaCy's `ner` is the default model's field reader. Two things made it most of the pipeline's time
(`licex bench --profile`):

- **Where it reads.** The 特别规定事项's content lines hold about a quarter of a generated
  licence's tokens (phrase tokens, `licex.licence_tokenizer.v1`) and no field value: the only
  value inside the 特别规定事项 is the licence number of a page header, which is not a content
  line (`Layout.clause_text`). This component reads the stretches between those lines (the
  field region), each as a sequence of its own; stretches of whitespace only are skipped.
- **How it decodes.** spaCy's greedy loop (`Parser.greedy_parse`) spends most of its time
  checking, one state and one action at a time, which of the 90 actions (B/I/L/U of 22 labels
  and O) are valid, whatever the widths or the batch size (the profile: docs/measurements.md). Here the same greedy search runs over all the sequences of a batch
  at once in numpy: per step, the model's scores for the current token of every sequence (its
  own `state2vec` and `vec2scores` layers, the features spaCy's NER state gives: the current
  token, and while an entity is open its first token and the token before), the validity of
  every action as array masks (the rules of spaCy's `BiluoPushDown` for a Doc without preset
  entities), and the best valid action. The entities are the ones spaCy's loop finds on the same
  stretch (a test compares them on whole licences).

Everything else is spaCy's `EntityRecognizer`: the model, its training (on whole Docs: the
region is an inference-time cut, and the dev scores of `spacy train` go through it), the beam
the field choice asks for probabilities, serialisation. A Doc with preset entities (another
component set some first) is parsed by spaCy's own loop, whole, since the masks do not model
presets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy
from spacy.attrs import IDX, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.pipeline.ner import DEFAULT_NER_MODEL, EntityRecognizer
from spacy.tokens import Doc, Span
from spacy.util import minibatch
from thinc.api import Model

from licex.text.analysis import analyse
from licex.components.names import FIELD_NER

# Docs decoded together: a step costs about the same for 1 sequence or 50, so the more sequences
# share the steps the cheaper a token, and the more memory a batch holds: 8 is where the speed
# still grew and the peak memory did not (`licex bench` at 4, 8 and 16: docs/measurements.md).
DECODE_BATCH = 8

_BEGIN, _IN, _LAST, _UNIT, _OUT = range(5)
_MOVE_KINDS = {"B": _BEGIN, "I": _IN, "L": _LAST, "U": _UNIT, "O": _OUT}


def field_region(doc: Doc) -> list[tuple[int, int]]:
    """Token ranges [start, end) of the Doc outside its clause text, each holding a token that is
    not whitespace: where a field value can be."""
    if not len(doc):
        return []
    clause_text = analyse(doc).layout.clause_text()
    if not clause_text:
        return [(0, len(doc))]
    columns = doc.to_array([IDX, IS_SPACE])
    starts, is_space = columns[:, 0], columns[:, 1]
    ranges, position = [], 0
    for char_start, char_end in clause_text:
        first = int(numpy.searchsorted(starts, char_start, side="right")) - 1  # the token the range starts in
        ranges.append((position, max(position, first)))
        position = max(position, int(numpy.searchsorted(starts, char_end)))  # the first token after it
    ranges.append((position, len(doc)))
    return [(a, b) for a, b in ranges if b > a and not is_space[a:b].all()]


@dataclass
class Parse:
    """What `FieldRegionNER.predict` found for a batch: per Doc its entities as (start token,
    end token, label hash); or, for a batch with preset entities, spaCy's parse states."""

    entities: list[list[tuple[int, int, int]]] | None = None
    states: Any = None


class FieldRegionNER(EntityRecognizer):
    """spaCy's EntityRecognizer, decoded over the field region in numpy (see the module)."""

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:  # type: ignore[override]
        # At least DECODE_BATCH Docs a batch, whatever the pipeline's batch size: the steps are
        # shared by the batch (spaCy's loop took batch_size // 4).
        error_handler = self.get_error_handler()
        for batch in minibatch(docs, size=max(batch_size, DECODE_BATCH)):
            try:
                self.set_annotations(batch, self.predict(batch))
                yield from batch
            except Exception as error:
                error_handler(self.name, self, batch, error)

    def predict(self, docs):  # type: ignore[override]
        if isinstance(docs, Doc):
            docs = [docs]
        if any(doc.has_annotation("ENT_IOB") for doc in docs):
            return Parse(states=super().predict(docs))
        return Parse(entities=self._decode(docs, [field_region(doc) for doc in docs]))

    def set_annotations(self, docs, parse: Parse) -> None:  # type: ignore[override]
        if parse.states is not None:
            super().set_annotations(docs, parse.states)
            return
        for doc, entities in zip(docs, parse.entities):
            doc.set_ents([Span(doc, start, end, label) for start, end, label in entities], default="outside")

    def _decode(self, docs: list[Doc], regions: list[list[tuple[int, int]]]) -> list[list[tuple[int, int, int]]]:
        """Greedy BILUO decoding of every region range of `docs` as a sequence of its own."""
        entities: list[list[tuple[int, int, int]]] = [[] for _ in docs]
        offsets = numpy.cumsum([0] + [len(doc) for doc in docs])
        sequences = [(offsets[i] + a, b - a, i) for i, ranges in enumerate(regions) for a, b in ranges]
        if not sequences:
            return entities
        sequences.sort(key=lambda s: -s[1])  # longest first: the live ones are a prefix
        seq_start, seq_length, seq_doc = (numpy.asarray(column, dtype="int64") for column in zip(*sequences))
        attributes = numpy.concatenate([doc.to_array([IS_SPACE, SENT_START]) for doc in docs if len(doc)])
        is_space = attributes[:, 0].astype(bool)
        # The next token starts a sentence (a false sentinel after the last token).
        next_starts_sentence = numpy.append(attributes[1:, 1] == 1, False)
        kind, label = self._move_table()
        is_b, is_i, is_l, is_u, is_o = (kind == k for k in range(5))
        labelled = label != 0

        step_model = self.model.predict(docs)
        unseen = step_model._class_mask == 0
        open_label = numpy.zeros(len(sequences), dtype="uint64")  # 0: no entity open
        open_start = numpy.full(len(sequences), -1, dtype="int64")
        found: list[tuple[numpy.ndarray, ...]] = []
        lengths_ascending = seq_length[::-1]
        for t in range(int(seq_length[0])):
            live = len(sequences) - int(numpy.searchsorted(lengths_ascending, t, side="right"))
            current = seq_start[:live] + t
            is_open = open_label[:live] != 0
            last = seq_length[:live] == t + 1
            ids = numpy.full((live, 3), -1, dtype="int32")
            ids[:, 0] = current
            ids[is_open, 1] = open_start[:live][is_open]
            ids[is_open, 2] = current[is_open] - 1
            scores = step_model.state2vec.predict(ids)
            if step_model.vec2scores is not None:
                scores = step_model.vec2scores.predict(scores)
            if unseen.any():
                scores[:, unseen] = numpy.nanmin(scores)
            # Which action may follow (spaCy's Begin/In/Last/Unit/Out.is_valid, no presets).
            space = is_space[current]
            sentence_next = next_starts_sentence[current] & ~last
            same_label = label[None, :] == open_label[:live, None]
            closed = ~is_open
            valid = (
                (is_b & labelled)[None, :] & (closed & ~last & ~sentence_next & ~space)[:, None]
                | (is_i & labelled)[None, :] & (is_open & ~last & ~sentence_next)[:, None] & same_label
                | (is_l & labelled)[None, :] & is_open[:, None] & same_label
                | (is_u & labelled)[None, :] & (closed & ~space)[:, None]
                | is_o[None, :] & closed[:, None]
            )
            best = numpy.where(valid, scores, -numpy.inf).argmax(axis=1)
            best_kind, best_label = kind[best], label[best]
            ends = (best_kind == _LAST) | (best_kind == _UNIT)
            if ends.any():
                rows = numpy.flatnonzero(ends)
                starts = numpy.where(best_kind[rows] == _UNIT, current[rows], open_start[rows])
                found.append((rows, starts, current[rows] + 1, best_label[rows]))
            begins = best_kind == _BEGIN
            open_start[:live][begins] = current[begins]
            open_label[:live][begins] = best_label[begins]
            open_label[:live][ends] = 0
        step_model.clear_memory()
        for rows, starts, ends_at, labels in found:
            for row, start, end, name in zip(rows, starts, ends_at, labels):
                doc = int(seq_doc[row])
                entities[doc].append((int(start - offsets[doc]), int(end - offsets[doc]), int(name)))
        for doc_entities in entities:
            doc_entities.sort()
        return entities

    def _move_table(self) -> tuple[numpy.ndarray, numpy.ndarray]:
        """Per action, its kind (B/I/L/U/O) and label hash (0 for O)."""
        names = [self.moves.get_class_name(i) for i in range(self.moves.n_moves)]
        kind = numpy.asarray([_MOVE_KINDS[name[0]] for name in names], dtype="int64")
        label = numpy.asarray([self.vocab.strings[name[2:]] if name != "O" else 0 for name in names], dtype="uint64")
        return kind, label


@Language.factory(
    FIELD_NER,
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={
        "moves": None,
        "update_with_oracle_cut_size": 100,
        "model": DEFAULT_NER_MODEL,
        "incorrect_spans_key": None,
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_field_ner(nlp: Language, name: str, model: Model, moves: Any, update_with_oracle_cut_size: int,
                   incorrect_spans_key: str | None, scorer: Callable | None) -> FieldRegionNER:
    """Build the field NER: the arguments of spaCy's `ner` factory."""
    return FieldRegionNER(nlp.vocab, model, name=name, moves=moves,
                          update_with_oracle_cut_size=update_with_oracle_cut_size,
                          incorrect_spans_key=incorrect_spans_key, scorer=scorer)
