"""The one model both scorers fit: a logistic regression over named features, with an optional
isotonic calibration of its output and optional caps, as a JSON object a component saves with
the pipeline (the field choice's choice.json, the record builder's confidence.json)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, Strict, ValidationError, model_validator

from licex.components.rule_data import validation_problem

# A number of the fitted parameters: a JSON number (not true, not "1.5"), finite.
_Number = Annotated[float, Strict(), Field(allow_inf_nan=False)]
# A calibrated score moves this much with the regression's own score, so that within one step
# of the calibration the regression's order still decides.
_WITHIN_STEP = 1e-6
# The linear score is clipped here before the logistic function: exp() of more overflows, and
# the probability is 0 or 1 to every place kept long before.
_MOST_SCORE = 30.0


class _Parameters(BaseModel):
    """The saved form of a LogisticModel, as the fits write it."""

    model_config = ConfigDict(extra="forbid")

    fit_on: dict[str, _Number | str] = {}  # what it was fit on (documents, values, ...): a note
    intercept: _Number
    weights: dict[str, _Number]
    calibration: tuple[list[_Number], list[_Number]] | None = None  # the isotonic steps: thresholds, values
    caps: dict[str, _Number] = {}  # feature-name prefix -> the most probability such a value gets

    @model_validator(mode="after")
    def _steps(self) -> "_Parameters":
        if self.calibration is not None:
            xs, ys = self.calibration
            if len(xs) != len(ys):
                raise ValueError(f"'calibration' holds {len(xs)} thresholds but {len(ys)} values")
            if xs != sorted(xs):
                raise ValueError("the thresholds of 'calibration' are not in ascending order")
        return self


class LogisticModel:
    """The probability that something with these named features is right: the logistic function
    of `intercept` plus each feature's weight times its value (a feature named alone is 1), then
    through the isotonic `calibration` where there is one, and no more than `caps[prefix]` for
    anything with a feature whose name starts with that prefix."""

    def __init__(self, intercept: float, weights: dict[str, float], *, fit_on: dict[str, Any] | None = None,
                 calibration: tuple[list[float], list[float]] | None = None,
                 caps: dict[str, float] | None = None) -> None:
        self.intercept = intercept
        self.weights = weights
        self.fit_on = fit_on or {}
        self.calibration = calibration
        self.caps = caps or {}

    def probability(self, features: Mapping[str, float] | Iterable[str]) -> float:
        named = features.items() if isinstance(features, Mapping) else ((name, 1.0) for name in features)
        names, score = [], 0.0
        for name, value in named:
            names.append(name)
            score += self.weights.get(name, 0.0) * value
        score = self.intercept + score
        raw = 1 / (1 + math.exp(-max(min(score, _MOST_SCORE), -_MOST_SCORE)))
        probability = raw if self.calibration is None else _interpolate(raw, *self.calibration) + _WITHIN_STEP * raw
        for prefix, cap in self.caps.items():
            if any(name.startswith(prefix) for name in names):
                probability = min(probability, cap)
        return probability

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"fit_on": self.fit_on, "intercept": self.intercept, "weights": self.weights}
        if self.calibration is not None:
            data["calibration"] = [list(self.calibration[0]), list(self.calibration[1])]
        if self.caps:
            data["caps"] = self.caps
        return data

    @classmethod
    def from_dict(cls, data: Any, where: str, required: Iterable[str] = ()) -> LogisticModel:
        """The model `to_dict` gave (as read from JSON); a one-line ValueError `where: what is
        wrong` otherwise. `required`: parts that are optional in general but this model's user needs."""
        if not isinstance(data, dict):
            raise ValueError(f"{where}: not a fitted model's parameters (an object with intercept and weights) "
                             f"but {type(data).__name__ if data is not None else 'null'}")
        try:
            parameters = _Parameters.model_validate(data)
        except ValidationError as error:
            raise ValueError(f"{where}: {validation_problem(error)}") from None
        for name in required:
            if name not in data:
                raise ValueError(f"{where}: {name!r}: Field required")
        calibration = None if parameters.calibration is None else (data["calibration"][0], data["calibration"][1])
        return cls(data["intercept"], data["weights"], fit_on=data.get("fit_on"), calibration=calibration,
                   caps=data.get("caps"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LogisticModel) and self.to_dict() == other.to_dict()


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
