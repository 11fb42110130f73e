"""`licex_clause_rules`: keyword labelling of the clauses of the 特别规定事项.

Each clause the segmentation found (`doc._.licex_analysis.clauses`) becomes a span in
`doc.spans[spans_key]`, labelled from the clause label scheme. Labels come from ordered keyword
rules (patterns/clause_rules.jsonl, validated by `ClauseRule`): the first rule of the clause's
scope whose pattern matches the clause text wins; a section header is recognised structurally.
How the rules' clauses join those a trained span categorizer set is the `merge` policy named in
the config: `licex.clauses_model_first.v1` (the factory's default) adds only clauses the model left
uncovered; `licex.clauses_rules_first.v1` (the shipped model's) keeps the rules' labels where a
keyword rule gave one, and the model's elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry

from licex.text.analysis import analyse
from licex.text.clauses import ClauseSegment
from licex.fields.labels import CLAUSE_LABELS, CLAUSES_KEY, OTHER_CLAUSE_LABEL
from licex.components.names import CLAUSE_RULES
from licex.components.rule_data import CharRanges, RuleDataPipe

SCOPES = ("general", "business")  # general obligations, and the sub-clauses of a business section
# How the rules' clauses join a trained model's: (model clauses, rule clauses) -> the spans group.
SpansMerge = Callable[[list[Span], list[Span]], list[Span]]


class ClauseRule(BaseModel):
    """One row of patterns/clause_rules.jsonl: a clause label, its scope and its keyword pattern."""

    model_config = ConfigDict(extra="forbid")

    label: str = Field(default=None, validate_default=True)
    scope: str = Field(default=None, validate_default=True)
    pattern: str = Field(default=None, validate_default=True)

    @field_validator("label", mode="before")
    @classmethod
    def _known_label(cls, label: object) -> object:
        if label not in CLAUSE_LABELS:
            raise ValueError(f"unknown clause label {label!r}")
        return label

    @field_validator("scope", mode="before")
    @classmethod
    def _known_scope(cls, scope: object) -> object:
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r} (expected one of {', '.join(SCOPES)})")
        return scope

    @field_validator("pattern", mode="before")
    @classmethod
    def _compiles(cls, pattern: object) -> object:
        if not isinstance(pattern, str) or not pattern:
            raise ValueError(f"'pattern' must be a non-empty regular expression, got {pattern!r}")
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"invalid pattern {pattern!r}: {error}") from None
        return pattern


@Language.factory(
    CLAUSE_RULES,
    assigns=["doc.spans"],
    default_config={"rules": None, "spans_key": CLAUSES_KEY, "merge": {"@misc": "licex.clauses_model_first.v1"}},
)
def make_clause_rules(
    nlp: Language, name: str, rules: list[dict[str, Any]] | None, spans_key: str, merge: SpansMerge
) -> "ClauseRules":
    """Build the clause rules; `rules` defaults to the shipped patterns/clause_rules.jsonl; clauses
    go to `doc.spans[spans_key]`; `merge` decides which rule clauses join those a model set."""
    return ClauseRules(nlp, name, rules, spans_key=spans_key, merge=merge)


@registry.misc("licex.clauses_model_first.v1")
def make_clauses_model_first() -> SpansMerge:
    """The model's clauses first; the rules add the clauses it left uncovered."""
    return clauses_model_first


def clauses_model_first(model_spans: list[Span], rule_spans: list[Span]) -> list[Span]:
    covered = CharRanges((span.start_char, span.end_char) for span in model_spans)
    return model_spans + [span for span in rule_spans if not covered.overlaps(span.start_char, span.end_char)]


@registry.misc("licex.clauses_rules_first.v1")
def make_clauses_rules_first() -> SpansMerge:
    """The rules' clauses first where a keyword rule labelled them; the model's label stands
    where the rules found no keyword (OTHER) and for the clauses the rules did not segment."""
    return clauses_rules_first


def clauses_rules_first(model_spans: list[Span], rule_spans: list[Span]) -> list[Span]:
    labelled = [span for span in rule_spans if span.label_ != OTHER_CLAUSE_LABEL]
    covered = CharRanges((span.start_char, span.end_char) for span in labelled)
    kept = [span for span in model_spans if not covered.overlaps(span.start_char, span.end_char)]
    covered = CharRanges((span.start_char, span.end_char) for span in labelled + kept)
    others = [span for span in rule_spans if span.label_ == OTHER_CLAUSE_LABEL
              and not covered.overlaps(span.start_char, span.end_char)]
    return sorted(labelled + kept + others, key=lambda span: span.start_char)


class ClauseRules(RuleDataPipe):
    data_file = "clause_rules.jsonl"
    rule_model = ClauseRule

    def __init__(self, nlp: Language, name: str, rules: list[dict[str, Any]] | None = None, *,
                 spans_key: str = CLAUSES_KEY, merge: SpansMerge = clauses_model_first) -> None:
        self.spans_key = spans_key
        self.merge = merge
        super().__init__(nlp, name, rules)

    def compile_rules(self) -> None:
        self._compiled: dict[str, list[tuple[str, re.Pattern[str]]]] = {scope: [] for scope in SCOPES}
        for rule in self.validated_rules:
            self._compiled[rule.scope].append((rule.label, re.compile(rule.pattern)))

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
        existing = list(doc.spans[self.spans_key]) if self.spans_key in doc.spans else []
        found = []
        for segment in analyse(doc).clauses:
            span = doc.char_span(segment.start, segment.end, label=self.label(segment), alignment_mode="expand")
            if span is not None:
                found.append(span)
        merged = sorted(self.merged(self.merge, existing, found), key=lambda s: (s.start, s.end))
        if (self.spans_key not in doc.spans or len(merged) != len(existing)
                or any(a is not b for a, b in zip(merged, existing))):
            doc.spans[self.spans_key] = merged
        return doc
