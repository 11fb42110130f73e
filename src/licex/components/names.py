"""The names of licex's components: each factory's name, which is also the component's name in
the pipelines licex builds and ships. The pipelines, training, evaluation and the choice fit
name components through these, so a component is renamed here and nowhere else."""

from __future__ import annotations

FIELD_NER = "licex_field_ner"
FIELD_RULES = "licex_field_rules"
FIELD_CHOICE = "licex_field_choice"
CLAUSE_RULES = "licex_clause_rules"
RECORD_BUILDER = "licex_record_builder"

# The two sides whose readings the field choice chooses between (its candidates' `side`).
MODEL, RULES = "model", "rules"

# The span group in which the field rules leave their readings for the field choice.
RULE_READINGS_KEY = "field_rules"
# Its attributes (SpanGroup.attrs): how each span was found (`found_by`, one a span, in the
# group's order: label, table, block, row, entry, shape), and which component found them, the
# evidence's `component` of each reading kept. Kept on the group, not on the spans: a span's
# extension lives on its offsets, which a model's entity may share.
FOUND_BY_ATTR, COMPONENT_ATTR = "found_by", "component"
