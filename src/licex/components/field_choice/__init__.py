"""`licex_field_choice`: model and rules as peers; each field's readings are candidates, and a
policy chooses between them.

The field rules (components.field_rules) read every field by the licence's labels and layout
into a span group; a trained NER reads it too (doc.ents). A model entity that gives its field no
value (values.read_value: a date parses, a domain is a domain), or that stands in the running
text of the 特别规定事项, is no finding and is dropped, so the rules may fill its field. Each
side's reading of a field is a `Candidate` (candidates.py): its spans, its value, how the rules
found it (a printed label, a table column, the business block, a shareholder row, an inspection
entry, the shape of a value on a front page without labels), whether the other side read the
same (`agree`), another value (`disagree`) or nothing (`alone`), whether the value is plausible
(values.plausible, and an expiry after the issue date), and where the two sides disagree, the
model's own probability for the value (probability.py: the NER's beam over the lines around it).

A field is a unit of choice. The business block is one unit (service items and coverage belong
to the business before them, and mixing two readings of it misplaces values). The shareholder
table is one unit too: the model's rows added to the rules' read OCR'd shareholder tables worse
than the rules alone (the figures of both: docs/measurements.md). Inspection entries and
change notes stand alone: the second side adds those the first missed. Neither side's
shareholder cells count in a text that names no shareholder table.

The merge policy is a registered function named in the config that scores the candidates
(policies.py); merge.py keeps, best first, each unit's best candidate and lets the others fill
what it left. `licex.model_first.v1` is the factory's default; `licex.fitted_choice.v1` (the
shipped model's config) is fit on development licences (scoring.fits) and saved with the
component (choice.json). Every value is read once per Doc (analysis.DocAnalysis.value), for the
filter, the choice, the agreement and the record builder.
"""

from __future__ import annotations

from licex.components.field_choice.candidates import (
    MODEL,
    RULES,
    STAND_ALONE,
    Candidate,
    ChoicePolicy,
    candidates,
    hashable,
    unit_of,
)
from licex.components.field_choice.factory import make_field_choice
from licex.components.field_choice.merge import choose, merge
from licex.components.field_choice.pipe import FieldChoice
from licex.components.field_choice.policies import (
    FittedChoice,
    chosen_by_fit,
    make_fitted_choice,
    make_model_first,
    make_rules_first,
)
from licex.components.field_choice.probability import ModelProbability

__all__ = ["MODEL", "RULES", "STAND_ALONE", "Candidate",
           "ChoicePolicy", "FieldChoice", "FittedChoice", "ModelProbability", "candidates", "choose", "chosen_by_fit",
           "hashable", "make_field_choice", "make_fitted_choice", "make_model_first", "make_rules_first",
           "merge", "unit_of"]
