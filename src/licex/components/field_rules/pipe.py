"""The field rules pipe: the label words, the readers it runs, and the span group it fills."""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup
from spacy.util import registry

from ...analysis import analyse
from ...labels import FieldLabelRule, LabelWords
from ...layout import Layout
from ...values import gives_value
from ..names import COMPONENT_ATTR, FOUND_BY_ATTR, RULE_READINGS_KEY
from ..rule_data import RuleDataPipe
from .business_text import BlockPatterns
from .column_tables import find_tables
from .hits import Hit
from .printed_labels import PrintedLabels
from .reading import DEFAULT_READERS, Reader, Reading


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
        layout = analyse(doc, self.words).layout
        view = layout.view
        spans, how = [], []
        for hit in self.find(layout):
            start, end = view.original_span(hit.start, hit.end)
            span = doc.char_span(start, end, label=hit.label, alignment_mode="contract")
            if span is not None and span.text.strip():
                spans.append(span)
                how.append(hit.found_by)
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=spans,
                                              attrs={FOUND_BY_ATTR: how, COMPONENT_ATTR: self.name})
        return doc

    def find(self, layout: Layout) -> list[Hit]:
        """Every field entity the readers see, in view offsets, in text order."""
        labels = self._labels.find(layout)
        tables = find_tables(layout, labels, self.words.label_of, self._block)
        reading = Reading(layout, labels, tables, self.words, self._block)
        for read in self.readers.values():
            reading.found += read(reading)
        text = layout.view.text
        # The rules' values pass the checks a model's pass (values.read_value).
        return sorted({hit for hit in reading.found if gives_value(hit.label, text[hit.start:hit.end])},
                      key=lambda h: (h.start, -h.end))
