"""`licex_clause_rules`: clause segmentation and keyword labelling of the 特别规定事项.

Each clause of the 特别规定事项 becomes a span in `doc.spans["clauses"]`, labelled from the
clause label scheme. Labels come from ordered keyword rules (patterns/clause_rules.jsonl): the
first rule of the clause's scope whose pattern matches the clause text wins; a section header is
recognised structurally. Where a trained span categorizer already filled `doc.spans["clauses"]`,
only clauses it left uncovered are added.
"""

from __future__ import annotations

import re
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..clauses import ClauseSegment, segment_clauses
from ..labels import CLAUSE_LABELS, CLAUSES_KEY, OTHER_CLAUSE_LABEL
from ..layout import Layout
from .rule_data import RuleDataPipe


@Language.factory(
    "licex_clause_rules",
    assigns=["doc.spans"],
    default_config={"rules": None},
)
def make_clause_rules(nlp: Language, name: str, rules: list[dict[str, Any]] | None) -> "ClauseRules":
    """Build the clause rules; `rules` defaults to the shipped patterns/clause_rules.jsonl."""
    return ClauseRules(nlp, name, rules)


class ClauseRules(RuleDataPipe):
    data_file = "clause_rules.jsonl"

    def compile_rules(self) -> None:
        self._compiled: dict[str, list[tuple[str, re.Pattern[str]]]] = {"general": [], "business": []}
        for line, rule in enumerate(self.rules, start=1):
            where = f"{self.data_file} rule {line}"
            if not isinstance(rule, dict):
                raise ValueError(f"{where}: expected an object with 'label', 'scope' and 'pattern', got {rule!r}")
            label, scope, pattern = rule.get("label"), rule.get("scope"), rule.get("pattern")
            if label not in CLAUSE_LABELS:
                raise ValueError(f"{where}: unknown clause label {label!r}")
            if scope not in self._compiled:
                raise ValueError(f"{where}: unknown scope {scope!r} (expected one of {', '.join(self._compiled)})")
            if not isinstance(pattern, str) or not pattern:
                raise ValueError(f"{where}: 'pattern' must be a non-empty regular expression, got {pattern!r}")
            try:
                compiled = re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{where}: invalid pattern {pattern!r}: {error}") from None
            self._compiled[scope].append((label, compiled))

    def label(self, segment: ClauseSegment) -> str:
        """The clause label of a segment: its own scope's rules first, then the other scope's."""
        if segment.is_section_header:
            return "BIZ_SECTION_HEADER"
        scopes = ("business", "general") if segment.sub is not None else ("general", "business")
        for scope in scopes:
            for label, pattern in self._compiled[scope]:
                if pattern.search(segment.body):
                    return label
        return OTHER_CLAUSE_LABEL

    def __call__(self, doc: Doc) -> Doc:
        existing = list(doc.spans.get(CLAUSES_KEY, []))
        covered = [(span.start_char, span.end_char) for span in existing]
        added = []
        for segment in segment_clauses(Layout.of(doc.text)):
            if any(a < segment.end and segment.start < b for a, b in covered):
                continue
            span = doc.char_span(segment.start, segment.end, label=self.label(segment), alignment_mode="expand")
            if span is None:
                continue
            span._.licex_component = self.name
            added.append(span)
        if added:
            doc.spans[CLAUSES_KEY] = sorted(existing + added, key=lambda s: (s.start, s.end))
        elif CLAUSES_KEY not in doc.spans:
            doc.spans[CLAUSES_KEY] = []
        return doc
