"""How sure the record is of each value: `confidence` (0–1) per filled field path.

A value's features say where it came from: its field, which side read it (the model, the rules,
or the record checks), whether the other side read the same value of its field (`agree`), another
one (`disagree`) or nothing (`alone`, see field_rules), whether the record checks flagged its
field, how well the whole text was read (the flags on the record, the gaps in the numbering of
its clauses: `clause_gaps`, the share of the 特别规定事项's character pairs its standard wording
never prints: licex.text.reading), whether the value holds a rare ideograph, and its own signs of a
misread (values.misread_signs: a stray symbol, a name with no common surname…). A logistic
regression over those features, fit on development licences the model was never trained on
(`training/fit_confidence.py`), turns them into the probability that the value is right, and a
value with a sign of a misread gets no more than such values were right; the weights and that
cap are data (`data/confidence.json`), read once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc

from licex.text.analysis import analyse
from licex.text.clauses import clause_gaps
from licex.components.names import FIELD_RULES
from licex.fields.consistency import COMPONENT as CHECKS_COMPONENT
from licex.text.hanzi import is_rare_ideograph
from licex.text.reading import reading_grade, unknown_share
from licex.fields.record import LicenseRecord, record_field
from licex.fields.values import misread_signs, read_value

# Readings (licex.text.reading) whose misreads fall on some fields more than others: weighed by field too.
WORN_READINGS = frozenset({"fair", "poor"})
# The components whose values are the rules' (the record checks correct with what the text says twice).
RULE_COMPONENTS = frozenset({FIELD_RULES, CHECKS_COMPONENT})


def features(field: str, component: str, agreement: str | None, flagged: bool, record_flags: int,
             clause_gaps: int | None, text: str = "", reading: str = "unknown",
             misread: Iterable[str] = ()) -> list[str]:
    """The named features of one value (one-hot: each name present is 1). How well the text as a
    whole was read weighs too (a tool that shreds a page loses more than the flagged fields): the
    number of flags on the record, and the gaps in the numbering of its clauses (None: no
    clauses found), and how well the 特别规定事项's standard wording reads (licex.text.reading:
    `clean`, `fair`, `poor`, `unknown`). `text` is the value as printed: an ideograph outside the
    3,755 common ones of GB 2312 is more often an OCR misread than a name's own. `misread`: the
    value's own signs of a misread (values.misread_signs: `symbol`, `surname`, `capital`, `count`…)."""
    source = "checks" if component == CHECKS_COMPONENT else "rules" if component in RULE_COMPONENTS else "model"
    names = [f"field={field}", f"source={source}", f"agreement={agreement or 'none'}",
             f"source={source}&agreement={agreement or 'none'}", f"record_flags={min(record_flags, 3)}",
             f"clause_gaps={'none' if clause_gaps is None else min(clause_gaps, 3)}", f"reading={reading}"]
    if reading in WORN_READINGS:  # a misread name or address is likelier than a misread date
        names.append(f"reading={reading}&field={field}")
    if any(is_rare_ideograph(char) for char in text):
        names.append("rare_ideograph")
    names.extend(f"misread={sign}" for sign in misread)
    if flagged:
        names.append("flagged")
    return names


def value_features(record: LicenseRecord, doc: Doc) -> dict[str, list[str]]:
    """The features of every filled field value of a Doc's record, by record path (clauses have
    none): what the record builder turns into `confidence`, and what the fit is fit on."""
    ents = {(ent.start_char, ent.end_char): ent for ent in doc.ents}
    flagged = {record_field(flag.field) for flag in record.needs_review}
    analysis = analyse(doc)
    gaps = clause_gaps(analysis.clauses)
    reading = reading_grade(unknown_share(doc.text, analysis.layout))
    features_of = {}
    for path, evidence in record.evidence.items():
        if not evidence or path.startswith("clauses"):
            continue
        # the value's printed parts as the rules read them (a coverage continued on the next line)
        printed = "".join(analysis.layout.view.read(e.start, e.end) for e in evidence)
        ent = ents.get((evidence[0].start, evidence[0].end))  # none where the record checks gave it
        signs = []
        if ent is not None:
            # one part: the entity's own value, read once per Doc; parts joined: their text read
            value = analysis.value(ent.label_, ent.start_char, ent.end_char) if len(evidence) == 1 else read_value(
                ent.label_, printed)
            signs = misread_signs(ent.label_, printed, value)
        features_of[path] = features(
            record_field(path), evidence[0].component, ent._.licex_agreement if ent is not None else None,
            record_field(path) in flagged, len(record.needs_review), gaps, printed, reading, signs)
    return features_of


@lru_cache(maxsize=1)
def _weights() -> dict[str, Any]:
    return json.loads(resources.files("licex").joinpath("data/confidence.json").read_text("utf-8"))


def confidence(names: Iterable[str]) -> float:
    """The fitted probability that a value with these features is right, rounded to 3 places; a
    value with a sign of a misread (`misread=…`) no more than such values were right in the fit
    (`misread_cap`)."""
    fitted = _weights()
    names = list(names)
    score = fitted["intercept"] + sum(fitted["weights"].get(name, 0.0) for name in names)
    probability = 1 / (1 + math.exp(-score))
    if any(name.startswith("misread=") for name in names):
        probability = min(probability, fitted.get("misread_cap", 1.0))  # none before a first fit
    return round(probability, 3)
