"""How sure the record is of each value: `confidence` (0–1) per filled field path.

A value's features (features.value_features) say where it came from: its field, which side read
it (the model, the rules, or the record checks), whether the other side read the same value of
its field (`agree`), another one (`disagree`) or nothing (`alone`), whether the record checks
flagged its field, how well the whole text was read (the flags on the record, the gaps in the
numbering of its clauses, the share of the 特别规定事项's character pairs its standard wording
never prints: licex.text.reading), whether the value holds a rare ideograph, and its own signs of a
misread (values.misread_signs). A logistic regression over those features (model.LogisticModel),
fit on development licences the model was never trained on (fits.fit_confidence, run by `licex
train` and `licex fit confidence`), turns them into the probability that the value is right; a
value with a sign of a misread gets no more than such values were right in the fit (a cap).

The record builder's config names the confidence (`licex.fitted_confidence.v1`), and the record
builder saves its weights with the pipeline (confidence.json). Before a fit, and in the rules
pipeline (built in code, with no model folder to carry weights of its own), the weights are the
package's `data/confidence.json`: the rules pipeline's data, and the starting point of a new
pipeline until `licex train` fits its own.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc
from spacy.util import registry

from licex.fields.record import LicenseRecord
from licex.scoring.features import value_features
from licex.scoring.model import LogisticModel
from licex.scoring.signs import named_signs

# Features whose presence caps the confidence: a value's signs of a misread.
MISREAD_PREFIX = "misread="


class FittedConfidence:
    """The confidence of each value of a record: `model`'s probability over its features, to 3 places."""

    def __init__(self, model: LogisticModel) -> None:
        self.model = model

    def __call__(self, record: LicenseRecord, doc: Doc) -> dict[str, float]:
        return self.scored(record, doc)[0]

    def scored(self, record: LicenseRecord, doc: Doc) -> tuple[dict[str, float], dict[str, list[str]]]:
        """Each value's confidence, and the signs among its features (signs.named_signs: the one
        that lowers it most first), by record path."""
        features = value_features(record, doc)
        return ({path: self.score(names) for path, names in features.items()},
                {path: signs for path, names in features.items() if (signs := named_signs(names, self.model.weights))})

    def score(self, names: list[str]) -> float:
        return round(self.model.probability(names), 3)


@lru_cache(maxsize=1)
def _package_model() -> LogisticModel:
    # Read once and shared: a record builder replaces its model, it never edits it.
    text = resources.files("licex").joinpath("data/confidence.json").read_text("utf-8")
    return LogisticModel.from_dict(json.loads(text), "licex/data/confidence.json")


def package_confidence() -> FittedConfidence:
    """The confidence with the package's weights (`data/confidence.json`): the rules pipeline's."""
    return FittedConfidence(_package_model())


@registry.misc("licex.fitted_confidence.v1")
def make_fitted_confidence() -> FittedConfidence:
    """The fitted confidence: the package's weights until the record builder reads the pipeline's
    own (confidence.json, saved with it after `licex train` or `licex fit confidence`)."""
    return package_confidence()
