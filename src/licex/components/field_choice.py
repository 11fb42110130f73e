"""Model and rules as peers: each field's readings are candidates, and a policy chooses between them.

The field rules (components.field_rules) read every field by the licence's labels and layout; a
trained NER reads it too. Each side's reading of a field is a `Candidate`: its spans, its value,
how the rules found it (a printed label, a table column, the business block, a shareholder row, an
inspection entry, the shape of a value on a front page without labels), whether the other side
read the same (`agree`), another value (`disagree`) or nothing (`alone`), whether the value is
plausible (values.plausible, and an expiry after the issue date), and where the two sides
disagree, the model's own probability for the value (`ModelProbability`: the NER's beam over the
lines around it). A field is a unit of choice; the business block and the shareholder table are
one unit each (mixing two readings of one structure misplaces its values, see field_rules).
Inspection entries and change notes stand alone: the second side adds those the first missed.

The merge policy is a registered function named in the config that scores the candidates;
`choose` keeps, best first, each unit's best candidate and lets the others fill what it left.
`licex.rules_first.v1` and `licex.model_first.v1` score by side alone; `licex.fitted_choice.v1`
scores by a logistic regression over the candidates' features with an isotonic calibration, fit
on development licences (`licex.choice_fit`) and saved with the component.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from spacy.tokens import Doc, Span
from spacy.util import registry

from ..analysis import analyse
from ..clauses import clause_gaps
from ..fold import Finding, fold
from ..labels import BUSINESS_LABELS, ENTITY_LABELS, SHAREHOLDER_LABELS
from ..values import plausible, value_forms
from .rule_data import CharRanges

MODEL, RULES = "model", "rules"
BUSINESS_BLOCK, SHAREHOLDER_TABLE, INSPECTIONS = "business_block", "shareholder_table", "inspections"
# Units whose two readings are joined, not chosen between: each entry or note is a value of its own.
STAND_ALONE = frozenset({INSPECTIONS, "PREV_LICENSE_NO"})


# The structures a reading is compared by as the record folds them: unit -> the record's field.
_FOLDED = {BUSINESS_BLOCK: "businesses", SHAREHOLDER_TABLE: "shareholders"}
_WEBSITE_UNITS = frozenset({"WEBSITE_NAME", "DOMAIN", "SERVER_LOCATION", "ACCESS_PROVIDER"})


def unit_of(label: str) -> str:
    """The unit of choice an entity label belongs to."""
    if label in BUSINESS_LABELS:
        return BUSINESS_BLOCK
    if label in SHAREHOLDER_LABELS:
        return SHAREHOLDER_TABLE
    if label.startswith("INSPECTION_"):
        return INSPECTIONS
    return label


@dataclass
class Candidate:
    """One side's reading of one unit (a field, the business block, the shareholder table)."""

    unit: str
    side: str  # MODEL or RULES
    spans: list[Span]
    values: tuple[tuple[str, Any], ...]  # (label, value) of each span, in text order
    found_by: str  # how the rules found it (Hit.found_by); "model" for the model's
    agreement: str = "alone"  # agree / disagree / alone: what the other side read of the unit
    plausible: bool = True
    implausible_share: float = 0.0  # of its spans (a structure's readings differ in how many are off)
    # How well the text was read, where contested: the clause numbers its 特别规定事项 skips
    # (confidence weighs the same); a tool that shredded lines makes the rules misread more.
    clause_gaps: int | None = None
    # For the business block, where contested: whether its businesses include every business the
    # 特别规定事项 has a section for (`covered`), not (`missing`), or the text has none (`none`).
    sections: str | None = None
    # A table's cells are read together: where a cell of the same table row is implausible, the
    # columns may have shifted, and this cell is suspect too (the website table).
    row_implausible: bool = False
    # The NER's probability for the value, where contested: computed on first use (a policy that
    # does not read it costs no beam), for every contested candidate of the Doc at once.
    probability_source: Callable[[], None] | None = field(default=None, repr=False)
    _model_probability: float | None = field(default=None, repr=False)

    @property
    def model_probability(self) -> float | None:
        if self.probability_source is not None:
            self.probability_source()
        return self._model_probability
    features: list[str] = field(default_factory=list)

    @property
    def contested(self) -> bool:
        return self.agreement == "disagree"


# The policy: the candidates of a Doc -> a score per candidate (higher is kept first).
ChoicePolicy = Callable[[list[Candidate]], list[float]]


def merge(policy: ChoicePolicy, model_ents: list[Span], rule_ents: list[Span], value_of: Callable[[Span], Any],
          found_by: dict[int, str] | None = None, probability: ModelProbability | None = None) -> list[Span]:
    """The entities kept of the model's and the rules' (`found_by`: how the rules found each, by
    id), as `policy` chooses between their readings of each unit."""
    model_ents, rule_ents = in_their_tables(model_ents), in_their_tables(rule_ents)
    found = candidates(model_ents, rule_ents, value_of, found_by or {})
    contested = [candidate for candidate in found if candidate.contested]
    if contested:
        doc = contested[0].spans[0].doc
        segments = analyse(doc).clauses
        gaps = clause_gaps(segments)
        sections = {segment.section_business for segment in segments if segment.section_business}
        for candidate in contested:
            candidate.clause_gaps = gaps
            if candidate.unit == BUSINESS_BLOCK:
                codes = {value_of(span).code for span in candidate.spans if span.label_ == "BUSINESS"}
                candidate.sections = "none" if not sections else "covered" if sections <= codes else "missing"
        if probability is not None:
            for candidate in contested:
                candidate.probability_source = partial(probability.fill, doc, contested)
    return with_plausible_coverage(choose(found, policy(found)), found, value_of)


def with_plausible_coverage(kept: list[Span], found: list[Candidate], value_of: Callable[[Span], Any]) -> list[Span]:
    """The kept entities, where the business block kept holds a coverage that is no coverage (a
    label OCR shredded, 此务覆盖范转, read as its value) and the other side's block read one that
    is, for the same business, with that one instead: the block is chosen as a whole (its parts
    belong together), but a part that is plainly wrong is corrected by the side that read it right."""
    blocks = {c.side: c for c in found if c.unit == BUSINESS_BLOCK}
    if len(blocks) < 2:
        return kept
    kept_ids = {id(span) for span in kept}
    winner = next((c for c in blocks.values() if any(id(span) in kept_ids for span in c.spans)), None)
    if winner is None:
        return kept
    other = blocks[RULES if winner.side == MODEL else MODEL]
    by_business = {}
    for business, span in _coverage_by_business(other, value_of):
        if plausible("COVERAGE", value_of(span)):
            by_business.setdefault(business, span)
    out = list(kept)
    for business, span in _coverage_by_business(winner, value_of):
        better = by_business.get(business)
        if (better is None or id(span) not in kept_ids or plausible("COVERAGE", value_of(span))
                or any(k is not span and k.start_char < better.end_char and better.start_char < k.end_char for k in out)):
            continue
        out[out.index(span)] = better
    return out


def _coverage_by_business(candidate: Candidate, value_of: Callable[[Span], Any]) -> list[tuple[str, Span]]:
    """(business code, coverage span) of a business block reading: a coverage is its business's,
    the one read before it."""
    business, pairs = None, []
    for span in candidate.spans:
        if span.label_ == "BUSINESS":
            business = getattr(value_of(span), "code", None)
        elif span.label_ == "COVERAGE" and business is not None:
            pairs.append((business, span))
    return pairs


def in_their_tables(spans: list[Span]) -> list[Span]:
    """The spans, less shareholder cells in a text that names no shareholder table (股东 with
    比例 or 证照号码): a shareholder is a row of that table. RapidOCR reads a handwritten
    signature as a name on a line of its own, which a model may take for a shareholder."""
    if not spans or not any(span.label_ in SHAREHOLDER_LABELS for span in spans):
        return spans
    if SHAREHOLDER_HEADER_RE.search(spans[0].doc.text):
        return spans
    return [span for span in spans if span.label_ not in SHAREHOLDER_LABELS]


# The header of the shareholder table: 股东 with 比例 or 证照号码 (the field rules read its rows after it).
SHAREHOLDER_HEADER_RE = re.compile(r"股\s*东.*(?:比\s*例|证\s*[照件]\s*号\s*码)")


def candidates(model_ents: list[Span], rule_ents: list[Span], value_of: Callable[[Span], Any],
               found_by: dict[int, str]) -> list[Candidate]:
    """Each side's candidate of each unit, with agreement and plausibility (no model probability:
    `ModelProbability.fill` adds it to the contested ones)."""
    grouped: dict[tuple[str, str], list[Span]] = {}
    for side, spans in ((MODEL, model_ents), (RULES, rule_ents)):
        for span in spans:
            if span.label_ in ENTITY_LABELS:
                grouped.setdefault((unit_of(span.label_), side), []).append(span)
    out = []
    for (unit, side), spans in grouped.items():
        spans.sort(key=lambda s: s.start_char)
        values = tuple((s.label_, hashable(value_of(s))) for s in spans)
        how = found_by.get(id(spans[0]), "label") if side == RULES else MODEL
        implausible = sum(not plausible(s.label_, value_of(s)) for s in spans)
        out.append(Candidate(unit, side, spans, values, how, plausible=not implausible,
                             implausible_share=implausible / len(spans)))
    by_unit: dict[str, list[Candidate]] = {}
    for candidate in out:
        by_unit.setdefault(candidate.unit, []).append(candidate)
    for group in by_unit.values():
        if len(group) == 2:
            same = group[0].values == group[1].values or _reading(group[0], value_of) == _reading(group[1], value_of)
            for candidate in group:
                candidate.agreement = "agree" if same else "disagree"
    _check_term(by_unit, value_of)
    for side in (MODEL, RULES):
        row = [c for c in out if c.side == side and c.unit in _WEBSITE_UNITS and c.found_by == "table"]
        if any(not c.plausible for c in row):
            for candidate in row:
                candidate.row_implausible = candidate.plausible
    return out


def _reading(candidate: Candidate, value_of: Callable[[Span], Any]) -> Any:
    """What a unit's reading says: a single field its first value (the record keeps the first);
    a structure the part of the record it folds into (fold.fold: a service item labelled as a
    business of its own, or the other way round, may fold into the same businesses); a list
    every value."""
    label, _ = candidate.values[0]
    if candidate.unit in _FOLDED:
        record = fold(Finding(span.label_, value_of(span)) for span in candidate.spans)
        return [item.model_dump_json() for item in getattr(record, _FOLDED[candidate.unit])]
    if candidate.unit == label and not ENTITY_LABELS[label].multi:
        return candidate.values[0]
    return frozenset(candidate.values)


def _check_term(by_unit: dict[str, list[Candidate]], value_of: Callable[[Span], Any]) -> None:
    """An expiry date not after every issue date read, or a term longer than licences run, is
    implausible (a licence runs up to five years from its issue)."""
    issued = [value_of(c.spans[0]) for c in by_unit.get("ISSUE_DATE", [])]
    longest = value_forms()["longest_term_days"]
    for candidate in by_unit.get("EXPIRY_DATE", []):
        expiry = value_of(candidate.spans[0])
        if issued and not any(0 < (expiry - issue).days <= longest for issue in issued):
            candidate.plausible = False


def hashable(value: Any) -> Any:
    """A value as a key: pydantic models by their JSON, others by repr."""
    return value.model_dump_json() if hasattr(value, "model_dump_json") else repr(value)


def choose(found: list[Candidate], scores: list[float]) -> list[Span]:
    """The entities of the candidates, best score first: a unit's best candidate claims the unit
    and the others of it add nothing, except stand-alone units (inspections, change notes), where
    each side adds its entries the better one missed. A span overlapping one already kept is left
    out; a candidate none of whose spans could be kept leaves its unit to the next."""
    ranked = sorted(zip(scores, found), key=lambda pair: (-pair[0], pair[1].side != RULES, pair[1].unit))
    taken = CharRanges(())
    claimed: set[str] = set()
    kept: list[Span] = []
    for _, candidate in ranked:
        if candidate.unit in claimed and candidate.unit not in STAND_ALONE:
            continue
        added = 0
        for span in candidate.spans:
            if not taken.overlaps(span.start_char, span.end_char):
                taken.add(span.start_char, span.end_char)
                kept.append(span)
                added += 1
        if added:
            claimed.add(candidate.unit)
    return kept


# -- the model's probability -------------------------------------------------------------------------

# Tokens of context on each side of a contested reading that the beam reads with it.
_CONTEXT_TOKENS = 16
_BEAM_WIDTH = 4


class ModelProbability:
    """The NER's probability for a candidate's values: its beam (the trained greedy model's
    weights, searched `_BEAM_WIDTH` wide) over the lines around the contested readings only,
    so a Doc whose two sides agree costs nothing more. A span's probability is the summed
    probability of the beam's parses that read, where it stands, an entity of its label with its
    value; a candidate's is the mean over its spans."""

    def __init__(self, ner: Any, read: Callable[[str, int, int], Any]) -> None:
        self.ner = ner
        self.read = read  # (label, start, end) in the Doc's characters -> the value there

    def fill(self, doc: Doc, contested: list[Candidate]) -> None:
        for candidate in contested:
            candidate.probability_source = None  # computed once, whatever comes of it
        if not contested or doc.tensor is None or not doc.tensor.size:
            return
        windows = _windows([(s.start, s.end) for c in contested for s in c.spans], len(doc))
        # The Doc's array once, not once a window (as_doc reads the whole Doc otherwise: 8.5 s of
        # 13.7 s on one licence of 194,388 tokens with 318 windows). as_doc edits the first row of
        # its slice; the windows are disjoint, so no window sees another's edit.
        array_head = doc._get_array_attrs()
        array = doc.to_array(array_head)
        subdocs = [doc[a:b].as_doc(array_head=array_head, array=array) for a, b in windows]
        scored = self.ner.scored_ents(self.ner.beam_parse(subdocs, beam_width=_BEAM_WIDTH))
        readings: list[tuple[int, int, str, Any, float]] = []  # (start, end, label, value, p) in Doc chars
        for (a, _), subdoc, scores in zip(windows, subdocs, scored):
            offset = doc[a].idx
            for (start, end, label), p in scores.items():
                if p <= 0:
                    continue
                name = self.ner.moves.strings[label] if isinstance(label, int) else label
                if name in ENTITY_LABELS:
                    a_char, b_char = subdoc[start].idx + offset, subdoc[end - 1].idx + len(subdoc[end - 1]) + offset
                    readings.append((a_char, b_char, name, hashable(self.read(name, a_char, b_char)), p))
        for candidate in contested:
            probabilities = []
            for span, (label, value) in zip(candidate.spans, candidate.values):
                p = sum(q for start, end, name, v, q in readings
                        if name == label and v == value and start < span.end_char and span.start_char < end)
                probabilities.append(min(p, 1.0))
            candidate._model_probability = sum(probabilities) / len(probabilities)


def _windows(spans: Iterable[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """Token ranges covering every span with its context, overlapping ones joined."""
    out: list[list[int]] = []
    for start, end in sorted((max(0, s - _CONTEXT_TOKENS), min(length, e + _CONTEXT_TOKENS)) for s, e in spans):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


# -- policies ----------------------------------------------------------------------------------------

@registry.misc("licex.model_first.v1")
def make_model_first() -> ChoicePolicy:
    """The model's readings first; the rules fill only the units it left (see field_rules)."""
    return lambda found: [1.0 if c.side == MODEL else 0.0 for c in found]


@registry.misc("licex.rules_first.v1")
def make_rules_first() -> ChoicePolicy:
    """The rules' readings first; the model fills only the units they left: where a licence prints
    its labels, what the labels say wins over what the model guessed, and where the rules read
    nothing (a label OCR damaged, a wording they do not know) the model's reading stands."""
    return lambda found: [1.0 if c.side == RULES else 0.0 for c in found]


def features(candidate: Candidate) -> dict[str, float]:
    """A contested candidate's named features (the fitted policy's inputs): which side read which
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


def chosen_by_fit(candidate: Candidate) -> bool:
    """Whether the fitted policy scores this candidate: a reading the other side contradicts, of
    a unit that is chosen (not joined). Where both sides agree, or a side reads alone, or entries
    join, there is nothing to choose, and the rules' reading goes first (its evidence is the label)."""
    return candidate.contested and candidate.unit not in STAND_ALONE


class FittedChoice:
    """A logistic regression over the candidates' features, calibrated by isotonic regression:
    a contested candidate's score is the probability that its reading is right (`chosen_by_fit`;
    the others score as `licex.rules_first.v1` does, and all do without parameters: a pipeline
    not fit yet)."""

    def __init__(self, parameters: dict[str, Any] | None = None) -> None:
        self.parameters = parameters

    def __call__(self, found: list[Candidate]) -> list[float]:
        return [self.probability(features(c)) if self.parameters and chosen_by_fit(c) else 1.0 if c.side == RULES else 0.0
                for c in found]

    def probability(self, named: dict[str, float]) -> float:
        weights = self.parameters["weights"]
        score = self.parameters["intercept"] + sum(weights.get(name, 0.0) * x for name, x in named.items())
        raw = 1 / (1 + math.exp(-max(min(score, 30.0), -30.0)))
        # The calibration is a step function: within a step, the regression's own order decides.
        return _interpolate(raw, *self.parameters["calibration"]) + _WITHIN_STEP * raw


_WITHIN_STEP = 1e-6


def _interpolate(x: float, xs: list[float], ys: list[float]) -> float:
    """The isotonic calibration: piecewise linear through its (xs, ys) thresholds, flat beyond."""
    if not xs:
        return x
    if x <= xs[0]:
        return ys[0]
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        if x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return ys[-1]


@registry.misc("licex.fitted_choice.v1")
def make_fitted_choice() -> FittedChoice:
    """The fitted choice: its parameters are saved with the field rules component (choice.json,
    written by `licex.choice_fit` after training) and read back with the pipeline."""
    return FittedChoice()
