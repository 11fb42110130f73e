"""The `licex_field_rules` factory."""

from __future__ import annotations

from typing import Any

from spacy.language import Language

from licex.components.names import FIELD_RULES, RULE_READINGS_KEY
from licex.components.field_rules.pipe import FieldRules
from licex.components.field_rules.reading import DEFAULT_READERS


@Language.factory(
    FIELD_RULES,
    assigns=["doc.spans"],
    default_config={"rules": None, "readers": DEFAULT_READERS, "spans_key": RULE_READINGS_KEY},
)
def make_field_rules(nlp: Language, name: str, rules: list[dict[str, Any]] | None,
                     readers: dict[str, Any], spans_key: str) -> FieldRules:
    """Build the field rules: `rules` (label names per entity label) default to
    patterns/field_labels.jsonl; `readers` are the structure readers to run, in order (a
    registered `licex.reader.<name>.v1` each; null turns one off); the readings go into
    `doc.spans[spans_key]`, for the field choice (licex_field_choice) to set as entities.
    (`readers` is typed Any: the config's validation would see each reader's block unresolved.)"""
    return FieldRules(nlp, name, rules, readers=readers, spans_key=spans_key)
