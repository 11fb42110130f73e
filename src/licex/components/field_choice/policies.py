"""The merge policies: registered functions that score the candidates of a Doc (higher is kept
first). `licex.rules_first.v1` and `licex.model_first.v1` score by side alone;
`licex.fitted_choice.v1` by a logistic regression over the candidates' features with an isotonic
calibration, fit on development licences (licex.choice_fit) and saved with the field choice."""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator
from spacy.util import registry

from licex.components.rule_data import validation_problem
from licex.components.field_choice.candidates import MODEL, RULES, STAND_ALONE, Candidate, ChoicePolicy

# A number of the fitted parameters: a JSON number (not true, not "1.5"), finite.
_Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]


@registry.misc("licex.model_first.v1")
def make_model_first() -> ChoicePolicy:
    """The model's readings first; the rules fill only the units it left."""
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


class ChoiceParameters(BaseModel):
    """The fitted choice's parameters as `licex.choice_fit` writes them (choice.json)."""

    model_config = ConfigDict(extra="forbid")

    fit_on: dict[str, _Number] = {}  # what it was fit on (documents, candidates, ...): a note
    intercept: _Number
    weights: dict[str, _Number]
    calibration: tuple[list[_Number], list[_Number]]  # the isotonic steps: thresholds, values

    @model_validator(mode="after")
    def _steps(self) -> "ChoiceParameters":
        xs, ys = self.calibration
        if len(xs) != len(ys):
            raise ValueError(f"'calibration' holds {len(xs)} thresholds but {len(ys)} values")
        if xs != sorted(xs):
            raise ValueError("the thresholds of 'calibration' are not in ascending order")
        return self


def checked_parameters(parameters: Any, where: str) -> dict[str, Any]:
    """`parameters` (as read from JSON) when they are the fitted choice's; a one-line ValueError
    `where: what is wrong` otherwise."""
    if not isinstance(parameters, dict):
        raise ValueError(f"{where}: not the fitted choice's parameters (an object with intercept, weights "
                         f"and calibration) but {type(parameters).__name__ if parameters is not None else 'null'}")
    try:
        ChoiceParameters.model_validate(parameters)
    except ValidationError as error:
        raise ValueError(f"{where}: {validation_problem(error)}") from None
    return parameters


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
    """The fitted choice: its parameters are saved with the field choice component (choice.json,
    written by `licex.choice_fit` after training) and read back with the pipeline."""
    return FittedChoice()
