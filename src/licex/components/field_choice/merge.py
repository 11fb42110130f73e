"""The merge: each unit's best candidate kept, as the policy scores them, the others filling
only what it left; a kept business block's coverage that is no coverage corrected by the other side."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from spacy.tokens import Span

from licex.text.analysis import analyse
from licex.text.clauses import clause_gaps
from licex.fields.values import plausible
from licex.components.rule_data import CharRanges
from licex.fields.labels import BUSINESS_BLOCK
from licex.components.field_choice.candidates import (
    MODEL,
    RULES,
    STAND_ALONE,
    Candidate,
    ChoicePolicy,
    candidates,
    in_their_tables,
)
from licex.components.field_choice.probability import ModelProbability


def merge(policy: ChoicePolicy, model_ents: list[Span], rule_ents: list[Span], value_of: Callable[[Span], Any],
          found_by: dict[int, str] | None = None, probability: ModelProbability | None = None) -> list[Span]:
    """The entities kept of the model's and the rules' (`found_by`: how the rules found each, by
    id), as `policy` chooses between their readings of each unit."""
    model_ents, rule_ents = in_their_tables(model_ents), in_their_tables(rule_ents, one_a_line=True)
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
    return with_plausible_coverage(choose(found, no_excluded_permitted(found, policy(found))), found, value_of)


def no_excluded_permitted(found: list[Candidate], scores: list[float]) -> list[float]:
    """The policy's scores, with a reading that permits a service its text excludes
    (Candidate.permits_excluded) ranked below the other side's reading of its unit where that one
    does not: an exclusion is never a permission, whatever the fit weighs."""
    clean = {c.unit for c in found if not c.permits_excluded}
    return [-1.0 if c.permits_excluded and c.unit in clean else score for c, score in zip(found, scores)]


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
