"""The merge policies: registered functions that score the candidates of a Doc (higher is kept
first). `licex.rules_first.v1` and `licex.model_first.v1` score by side alone;
`licex.fitted_choice.v1` by a logistic regression over the candidates' features with an isotonic
calibration, fit on development licences (scoring.fits.fit_choice) and saved with the field choice."""

from __future__ import annotations

from typing import Any

from spacy.util import registry

from licex.components.field_choice.candidates import MODEL, RULES, STAND_ALONE, Candidate, ChoicePolicy
from licex.scoring.features import candidate_features
from licex.scoring.model import LogisticModel


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


def chosen_by_fit(candidate: Candidate) -> bool:
    """Whether the fitted policy scores this candidate: a reading the other side contradicts, of
    a unit that is chosen (not joined). Where both sides agree, or a side reads alone, or entries
    join, there is nothing to choose, and the rules' reading goes first (its evidence is the label)."""
    return candidate.contested and candidate.unit not in STAND_ALONE


class FittedChoice:
    """A logistic regression over the candidates' features (scoring.features), calibrated by
    isotonic regression: a contested candidate's score is the probability that its reading is
    right (`chosen_by_fit`; the others score as `licex.rules_first.v1` does, and all do without a
    fitted `model`: a pipeline not fit yet)."""

    def __init__(self, model: LogisticModel | None = None) -> None:
        self.model = model

    def __call__(self, found: list[Candidate]) -> list[float]:
        return [self.model.probability(candidate_features(c)) if self.model is not None and chosen_by_fit(c)
                else 1.0 if c.side == RULES else 0.0 for c in found]


def read_choice_model(parameters: Any, where: str) -> LogisticModel:
    """The fitted choice's model from its saved parameters (choice.json); a one-line ValueError
    `where: what is wrong` when they are not its parameters (the choice is always calibrated)."""
    return LogisticModel.from_dict(parameters, where, required=("calibration",))


@registry.misc("licex.fitted_choice.v1")
def make_fitted_choice() -> FittedChoice:
    """The fitted choice: its model is saved with the field choice component (choice.json, fit by
    `licex train` or `licex fit choice`) and read back with the pipeline."""
    return FittedChoice()
