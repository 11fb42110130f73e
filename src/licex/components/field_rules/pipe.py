"""The field rules pipe: the label words, the readers it runs, and the span group it fills."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup
from spacy.util import registry

from licex.text.analysis import analyse
from licex.fields.labels import FieldLabelRule, LabelWords
from licex.text.layout import Layout
from licex.components.names import COMPONENT_ATTR, FOUND_BY_ATTR, RULE_READINGS_KEY
from licex.components.rule_data import RuleDataPipe
from licex.components.field_rules.business_text import BlockPatterns
from licex.components.field_rules.column_tables import find_tables
from licex.components.field_rules.hits import Hit
from licex.components.field_rules.printed_labels import PrintedLabels
from licex.components.field_rules.reading import DEFAULT_READERS, Reader, Reading


class FieldRules(RuleDataPipe):
    """Reads every field the licence's labels and layout show, into `doc.spans[spans_key]`."""

    data_file = "field_labels.jsonl"
    rule_model = FieldLabelRule

    def __init__(self, nlp: Language, name: str, rules: list[dict[str, Any]] | None = None, *,
                 readers: dict[str, Reader | None] | None = None, spans_key: str = RULE_READINGS_KEY) -> None:
        if readers is None:
            readers = registry.resolve({"readers": DEFAULT_READERS})["readers"]
        self.readers = {name: reader for name, reader in readers.items() if reader is not None}
        if not_readers := [name for name, reader in self.readers.items() if not callable(reader)]:
            raise ValueError(f"{name}: readers {', '.join(not_readers)} are not functions: name each with its "
                             "registered function (@misc = \"licex.reader.<name>.v1\") or turn it off with null")
        self.spans_key = spans_key
        super().__init__(nlp, name, rules)

    def compile_rules(self) -> None:
        self.words = LabelWords(self.validated_rules)
        self._labels = PrintedLabels(self.words)
        self._block = BlockPatterns.of(self.words)

    def __call__(self, doc: Doc) -> Doc:
        analysis = analyse(doc, self.words)
        view = analysis.layout.view
        hits, reading = self._read(analysis.layout)
        spans, how = [], []
        for hit in hits:
            start, end = view.original_span(hit.start, hit.end)
            span = doc.char_span(start, end, label=hit.label, alignment_mode="contract")
            if span is not None and span.text.strip():
                spans.append(span)
                how.append(hit.found_by)
                if view.read(span.start_char, span.end_char) == view.text[hit.start:hit.end]:
                    # the entity's text is the hit's: its value is read already
                    extent = view.original_span(hit.joined[0][0], hit.joined[-1][1]) if hit.joined else None
                    analysis.remember(hit.label, span.start_char, span.end_char, reading.hit_value(hit), extent)
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=spans,
                                              attrs={FOUND_BY_ATTR: how, COMPONENT_ATTR: self.name})
        return doc

    def find(self, layout: Layout) -> list[Hit]:
        """Every field entity the readers see, in view offsets, in text order."""
        return self._read(layout)[0]

    def _read(self, layout: Layout) -> tuple[list[Hit], Reading]:
        labels = self._labels.find(layout)
        tables = find_tables(layout, labels, self.words.label_of, self._block)
        reading = Reading(layout, labels, tables, self.words, self._block)
        for read in self.readers.values():
            reading.found += read(reading)
        # The rules' values pass the checks a model's pass (values.read_value).
        hits = sorted({hit for hit in reading.found if reading.hit_value(hit) is not None},
                      key=lambda h: (h.start, -h.end))
        return hits, reading
