"""The named features both scorers read: of a contested reading, for the field choice
(`candidate_features`), and of a record's value, for its confidence (`value_features`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from spacy.tokens import Doc

from licex.text.analysis import analyse
from licex.text.clauses import clause_gaps
from licex.components.names import FIELD_RULES, RULES
from licex.fields.consistency import COMPONENT as CHECKS_COMPONENT
from licex.text.hanzi import is_rare_ideograph
from licex.fields.labels import ENTITY_LABELS
from licex.text.reading import reading_grade, unknown_share
from licex.fields.record import LicenseRecord, record_field
from licex.fields.values import misread_signs, read_value

if TYPE_CHECKING:
    from licex.components.field_choice.candidates import Candidate

# A field filled by what a label's values exclude is weighed as the label's own field: the fit
# saw an exclusion (不含…) as the service item it is read as.
_WEIGHED_AS = {label.excluded_field: label.field for label in ENTITY_LABELS.values() if label.excluded_field}
# The label whose value forms each record field's values take (an excluded item is a service item's).
_LABEL_OF = {label.field: name for name, label in ENTITY_LABELS.items()} | {
    label.excluded_field: name for name, label in ENTITY_LABELS.items() if label.excluded_field}
_PATH_PART_RE = re.compile(r"(\w+)|\[(\d+)\]")
# Readings (licex.text.reading) whose misreads fall on some fields more than others: weighed by field too.
WORN_READINGS = frozenset({"fair", "poor"})
# The components whose values are the rules' (the record checks correct with what the text says twice).
RULE_COMPONENTS = frozenset({FIELD_RULES, CHECKS_COMPONENT})


def candidate_features(candidate: Candidate) -> dict[str, float]:
    """A contested candidate's named features (the fitted choice's inputs): which side read which
    unit, how the rules found it, whether it is plausible, how well the text was read, whether the
    businesses cover the 特别规定事项's sections, and the model's probability for its value. Each
    feature is one the others do not imply: with few contested readings to fit on, a feature
    repeated under another name only splits its weight."""
    side, unit = candidate.side, candidate.unit
    named = {f"side={side}": 1.0, f"unit={unit}&side={side}": 1.0}
    if side == RULES:
        named[f"side={side}&found_by={candidate.found_by}"] = 1.0
    if not candidate.plausible:
        named[f"side={side}&implausible"] = 1.0
        named[f"unit={unit}&side={side}&implausible"] = 1.0
        named[f"side={side}&implausible_share"] = candidate.implausible_share
    if candidate.row_implausible:
        named[f"side={side}&row_implausible"] = 1.0
    gaps = "none" if candidate.clause_gaps is None else min(candidate.clause_gaps, 3)
    named[f"side={side}&clause_gaps={gaps}"] = 1.0
    if candidate.sections is not None:
        named[f"side={side}&sections={candidate.sections}"] = 1.0
    if candidate.model_probability is not None:
        p = candidate.model_probability
        named[f"side={side}&model_probability"] = p
        # in bands too: the beam's probabilities crowd near 0 and 1, where a line fits them badly
        band = "<0.1" if p < 0.1 else "<0.5" if p < 0.5 else "<0.9" if p < 0.9 else ">=0.9"
        named[f"side={side}&model_probability{band}"] = 1.0
    return named


def value_feature_names(field: str, component: str, agreement: str | None, flagged: bool, record_flags: int,
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


def value_at(record: LicenseRecord, path: str) -> object:
    """The record's value at a record path (businesses[0].service_items[1]); None where there is none."""
    value: object = record
    for name, index in _PATH_PART_RE.findall(path):
        try:
            value = getattr(value, name) if name else value[int(index)]  # type: ignore[index]
        except (AttributeError, IndexError, TypeError):
            return None
    return value


def value_features(record: LicenseRecord, doc: Doc) -> dict[str, list[str]]:
    """The features of every filled field value of a Doc's record, by record path (clauses have
    none): what its confidence is computed from, and what the confidence fit is fit on."""
    ents = {(ent.start_char, ent.end_char): ent for ent in doc.ents}
    # the checks' flags only: a flag a sign raised (scoring.signs) is what the confidence said
    checks = [flag for flag in record.needs_review if flag.sign is None]
    flagged = {record_field(flag.field) for flag in checks}
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
        field = record_field(path)
        label = _LABEL_OF.get(field)
        # a value read out of another field's entity (a service item out of a business's bracket),
        # or given by the record checks: its own signs, of the value as the record holds it
        item = value_at(record, path) if label is not None and (ent is None or ent.label_ != label) else None
        if isinstance(item, str):
            signs = misread_signs(label, item)
        elif ent is not None:
            # one part: the entity's own value, read once per Doc; parts joined: their text read
            value = analysis.value(ent.label_, ent.start_char, ent.end_char) if len(evidence) == 1 else read_value(
                ent.label_, printed)
            signs = misread_signs(ent.label_, printed, value)
        features_of[path] = value_feature_names(
            _WEIGHED_AS.get(field, field), evidence[0].component, ent._.licex_agreement if ent is not None else None,
            field in flagged, len(checks), gaps, printed, reading, signs)
    return features_of
