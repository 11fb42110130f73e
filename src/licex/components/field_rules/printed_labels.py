"""The field labels printed on a licence (patterns/field_labels.jsonl, spaced-out forms included),
where they stand as labels: at a line start, or mid-line where a one-line header or the next table
cell starts, never inside running text."""

from __future__ import annotations

import re

from licex.fields.labels import LabelWords
from licex.text.layout import Layout
from licex.text.chars import spaced, without_whitespace
from licex.components.field_rules.hits import LabelHit

_COLON = r"[ \t]*[:][ \t]*"


class PrintedLabels:
    def __init__(self, words: LabelWords) -> None:
        self.label_of = words.label_of
        alternatives = "|".join(spaced(name) for name, _, _ in words.entries)
        self._label_re = re.compile(rf"(?P<name>{alternatives})(?P<colon>{_COLON})?")

    def find(self, layout: Layout) -> list[LabelHit]:
        """The labels of the layout's view, in text order."""
        text = layout.view.text
        found = []
        for match in self._label_re.finditer(text):
            start = match.start()
            line_start = text.rfind("\n", 0, start) + 1
            before = text[line_start:start]
            colon = bool(match.group("colon"))
            name = without_whitespace(match.group("name"))
            label = self.label_of[name]
            if before.strip(" \t*-·>"):
                # Mid-line: a one-line header or the next table cell (markdown pads cells with
                # spaces), never running text. Without a colon or a cell boundary, only a long
                # label printed whole and standing apart (公司名称 X 法定代表人 Y) is one: Chinese
                # running text has no spaces around its words, or (OCR'd) between every character.
                cell_start = before.rstrip(" ").endswith("\t")
                standing_apart = (len(name) >= 4 and match.group("name") == name
                                  and text[match.end():match.end() + 1] in (" ", "\t"))
                if not (before[-1:] in " \t" and (colon or cell_start or before.endswith("  ") or standing_apart)):
                    continue
            elif len(name) == 1 and not colon:
                continue  # 注 at a line start is a note only with its colon
            if layout.in_special(start) and not (label == "LICENSE_NO" and layout.line_at(start).kind == "page_header"):
                continue
            found.append(LabelHit(label, start, match.end()))
        return found
