"""How sure the record is of each value: `confidence` (0–1) per filled field path.

A value's features say where it came from: its field, which side read it (the model, the rules,
or the record checks), whether the other side read the same value of its field (`agree`), another
one (`disagree`) or nothing (`alone`, see field_rules), whether the record checks flagged its
field, and how many flags the whole record has. A logistic regression over those features, fit on development licences the model was
never trained on (`training/fit_confidence.py`), turns them into the probability that the value
is right; its weights are data (`data/confidence.json`), read once.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Any

# The components whose values are the rules' (the record checks correct with what the text says twice).
RULE_COMPONENTS = frozenset({"licex_field_rules", "licex_record_checks"})


def features(field: str, component: str, agreement: str | None, flagged: bool, record_flags: int) -> list[str]:
    """The named features of one value (one-hot: each name present is 1). `record_flags`, the
    number of flags on the whole record, says how well the text as a whole was read (a tool that
    lost half the front page loses more than the flagged fields)."""
    source = "checks" if component == "licex_record_checks" else "rules" if component in RULE_COMPONENTS else "model"
    names = [f"field={field}", f"source={source}", f"agreement={agreement or 'none'}",
             f"source={source}&agreement={agreement or 'none'}", f"record_flags={min(record_flags, 3)}"]
    if flagged:
        names.append("flagged")
    return names


@lru_cache(maxsize=1)
def _weights() -> dict[str, Any]:
    return json.loads(resources.files("licex").joinpath("data/confidence.json").read_text("utf-8"))


def confidence(names: Iterable[str]) -> float:
    """The fitted probability that a value with these features is right, rounded to 3 places."""
    fitted = _weights()
    score = fitted["intercept"] + sum(fitted["weights"].get(name, 0.0) for name in names)
    return round(1 / (1 + math.exp(-score)), 3)
