"""The field choice pipe: the model's entities and the rules' readings in, the entities kept out,
each marked with who found it and whether the other side agreed; the fitted policy's model
saved with it (choice.json)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from licex.text.analysis import analyse
from licex.fields.labels import ENTITY_LABELS
from licex.components.names import COMPONENT_ATTR, FOUND_BY_ATTR, RULE_READINGS_KEY
from licex.components.rule_data import ModelDataError, read_model_json
from licex.components.field_choice.candidates import ChoicePolicy, hashable
from licex.components.field_choice.merge import merge
from licex.components.field_choice.policies import FittedChoice, make_model_first, read_choice_model
from licex.components.field_choice.probability import ModelProbability

# The key and file of the fitted choice's parameters in the component's serialisation.
CHOICE_KEY, CHOICE_FILE = "choice", "choice.json"
# What the 特别规定事项 prints as a value: the licence number of its page headers, a change note's
# old number, an inspection entry on a page it runs into. Anything else a model finds there is a
# word of running text (开展业务 as an access provider).
_LABELS_IN_CLAUSES = frozenset({"LICENSE_NO", "PREV_LICENSE_NO", "INSPECTION_YEAR", "INSPECTION_RESULT",
                                "INSPECTION_DATE"})


class FieldChoice(Pipe):
    def __init__(self, nlp: Language, name: str, *, merge: ChoicePolicy | None = None,
                 probability_from: str | None = "ner", spans_key: str = RULE_READINGS_KEY) -> None:
        self.nlp = nlp
        self.name = name
        self.merge = merge if merge is not None else make_model_first()
        self.probability_from = probability_from
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        analysis = analyse(doc)
        layout, view = analysis.layout, analysis.layout.view
        ents = doc.ents

        def value_of(span: Span) -> Any:
            return analysis.value(span.label_, span.start_char, span.end_char)

        # A model entity that gives its field no value is no finding: the rules may fill its field.
        model_ents = [ent for ent in ents
                      if ent.label_ in ENTITY_LABELS and value_of(ent) is not None
                      and not (ent.label_ not in _LABELS_IN_CLAUSES and layout.in_special(view.view_span(ent.start_char, ent.end_char)[0]))]
        readings = doc.spans[self.spans_key] if self.spans_key in doc.spans else None
        rule_ents = list(readings) if readings is not None else []
        how = readings.attrs.get(FOUND_BY_ATTR, []) if readings is not None else []
        if len(how) != len(rule_ents):
            raise ValueError(f"doc.spans[{self.spans_key!r}] has {len(rule_ents)} spans but its attrs say how "
                             f"{len(how)} were found: the field rules fill it, nothing else may")
        found_by = {id(span): found for span, found in zip(rule_ents, how)}
        ner = self._probability_source()
        merged = merge(self.merge, model_ents, rule_ents, value_of, found_by,
                       ModelProbability(ner, analysis.value) if ner is not None else None)
        from_rules = {id(span) for span in rule_ents}
        for span in merged:  # marked once kept: a span's extension lives on its offsets, which a model span may share
            if id(span) in from_rules:
                span._.licex_component = readings.attrs.get(COMPONENT_ATTR)
        if len(merged) != len(ents) or any(a is not b for a, b in zip(sorted(merged, key=lambda s: s.start), ents)):
            doc.ents = sorted(merged, key=lambda s: s.start)
        _mark_agreement(doc.ents, model_ents, rule_ents, value_of)
        return doc

    def _probability_source(self) -> Any | None:
        """The NER named by `probability_from`, where the pipeline runs it (not in model-free
        pipelines, nor where it is disabled)."""
        name = self.probability_from
        if not name or name not in self.nlp.pipe_names:
            return None
        return self.nlp.get_pipe(name)

    # The fitted choice's model travels with the component (choice.json).
    def _fitted(self, exclude: Iterable[str]) -> bool:
        return isinstance(self.merge, FittedChoice) and CHOICE_KEY not in exclude

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        data = {}
        if self._fitted(exclude) and self.merge.model is not None:
            data[CHOICE_KEY] = self.merge.model.to_dict()
        return srsly.msgpack_dumps(data)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> FieldChoice:
        data = srsly.msgpack_loads(bytes_data)
        if self._fitted(exclude) and CHOICE_KEY in data:
            self.merge.model = read_choice_model(data[CHOICE_KEY], f"{self.name}'s bytes")
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self._fitted(exclude) and self.merge.model is not None:
            srsly.write_json(path / CHOICE_FILE, self.merge.model.to_dict())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> FieldChoice:
        """The fitted model `to_disk` saved, where there is one (a pipeline not fit yet has
        none); ModelDataError naming choice.json when it does not hold one."""
        choice = ensure_path(path) / CHOICE_FILE
        if self._fitted(exclude) and os.path.lexists(choice):
            try:
                self.merge.model = read_choice_model(read_model_json(choice), str(choice))
            except ValueError as error:
                raise ModelDataError(str(error)) from None
        return self


def _mark_agreement(kept: Iterable[Span], model_ents: list[Span], rule_ents: list[Span],
                    value_of: Callable[[Span], Any]) -> None:
    """Mark each kept entity with whether the other side (model or rules) read its field's value
    too (`agree`), read another one (`disagree`), or read nothing of the field (`alone`): the
    record builder's confidence weighs it. `value_of` reads an entity's value."""
    def values(spans: list[Span]) -> dict[str, set[Any]]:
        by_label: dict[str, set[Any]] = {}
        for span in spans:
            if span.label_ in ENTITY_LABELS:
                by_label.setdefault(span.label_, set()).add(hashable(value_of(span)))
        return by_label

    by_model, by_rules = values(model_ents), values(rule_ents)
    from_model = {(span.start_char, span.end_char, span.label_) for span in model_ents}
    for span in kept:
        if span.label_ not in ENTITY_LABELS:
            continue
        other = (by_rules if (span.start_char, span.end_char, span.label_) in from_model else by_model).get(span.label_)
        span._.licex_agreement = "alone" if not other else "agree" if hashable(value_of(span)) in other else "disagree"
