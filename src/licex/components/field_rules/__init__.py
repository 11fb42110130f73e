"""`licex_field_rules`: field values found by the licence's own labels and layout.

A licence prints most fields as `label: value`, with the value on the same line, on the next
line, in the next table cell, or after a run of other labels in a one-line header. The rules
find every label (printed_labels; patterns/field_labels.jsonl, spaced-out forms included) and
the tables whose header row names the columns (column_tables); then each reader listed in the
component's config reads one structure of the layout:

| reader (`licex.reader.<name>.v1`) | module | found_by |
|---|---|---|
| labelled_values: the value after a label, up to the next one, of its field's shape | labelled_values | label |
| business_block: business types, service items and coverage, as text or label/value pairs | business_block | block |
| column_tables: one value per column in each row of a table | column_tables | table |
| shareholders: the shareholder table's rows | shareholders | row |
| inspections: annual inspection entries | inspections | entry |
| inspection_table: annual inspections as a table with a header row | inspection_table | table |
| change_notes: earlier licence numbers of change notes | change_notes | entry |
| unlabelled_front_page: a front page without its labels, by the shape of its values | front_page | shape |
| annex_holder: the company an 附页's introduction names, where no label did | annex_holder | entry |

A reader is a function of the `Reading` (reading.py); a new layout case is one more. Every
value the readers find must read as a value of its field (values.read_value). The pipe sets no
entities: its readings go into a span group (`doc.spans["field_rules"]`, each with how it was
found in the group's attrs), and the field choice (licex_field_choice) chooses between them and
the model's entities. The label words are read through labels.LabelWords, which the Doc's layout
is read with too (analysis.analyse).
"""

from __future__ import annotations

from licex.components.field_rules import (
    annex_holder,
    business_block,
    change_notes,
    column_tables,
    front_page,
    inspection_table,
    inspections,
    labelled_values,
    shareholders,
)
from licex.components.field_rules.factory import make_field_rules
from licex.components.field_rules.hits import Hit
from licex.components.field_rules.pipe import FieldRules

__all__ = ["FieldRules", "Hit", "make_field_rules"]
