"""The signs that make a value doubtful, in words: what `needs_review` says of a value's reading.

A value's confidence is computed from its named features (features.value_features); some of them
are signs that it may be wrong on any producer: a misread form of its field (`misread=catalogue`),
the model and the rules disagreeing, a text that reads poorly. data/signs.json gives each sign its
words: a value with a sign under `flag` is listed in needs_review whatever its confidence (such a
value's confidence is capped low anyway), and a value below `--review-below` is listed with the
signs it has under `flag` or `name`, the one that lowers its confidence most first.

One sign is no feature of the confidence (the fit never saw it): `ocr`, a value whose characters
OCR read on a line it scored below the threshold data/signs.json gives (`ocr_signs`, from the
scores on the Doc: text.ocr_scores). It flags the value as the misread signs do, naming its
score (`ocr=0.62`), and reaches `--review-below` the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc

from licex.fields.record import LicenseRecord, ReviewFlag
from licex.text.ocr_scores import lowest_score

# The sign a flag of a value below the review threshold names where the value shows none.
LOW_CONFIDENCE = "confidence"
# The sign of a value read with a low OCR score, and its settings' key in data/signs.json.
OCR = "ocr"


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(resources.files("licex").joinpath("data/signs.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _signs() -> dict[str, dict[str, str]]:
    return {kind: dict(_data()[kind]) for kind in ("flag", "name")}


def _words(feature: str, kind: str) -> str | None:
    """The words of a feature; those of a prefix key name what follows the prefix (`{value}`) and
    the settings of the sign it names (`ocr=` -> the `ocr` object's `below`)."""
    signs = _signs()[kind]
    if feature in signs:
        return signs[feature]
    key = next((key for key in signs if key.endswith("=") and feature.startswith(key)), None)
    if key is None:
        return None
    settings = {k: v for k, v in _data().get(key[:-1], {}).items() if not k.startswith("_")}
    return signs[key].format(value=feature[len(key):], **settings)


def ocr_below() -> float:
    """The OCR score under which a value's reading is a sign (data/signs.json `ocr.below`)."""
    return float(_data()[OCR]["below"])


def ocr_signs(record: LicenseRecord, doc: Doc, below: float | None = None) -> dict[str, list[str]]:
    """The `ocr` sign of each value of the record (path -> [`ocr=SCORE`]) whose characters OCR read
    with a score under `below` (default: `ocr_below()`), the lowest of its evidence's; none where
    the Doc has no scores."""
    below = ocr_below() if below is None else below
    found = {}
    for path, evidence in record.evidence.items():
        if path.startswith("clauses"):
            continue
        scores = [score for item in evidence if (score := lowest_score(doc, item.start, item.end)) is not None]
        if scores and min(scores) < below:
            found[path] = [f"{OCR}={min(scores):g}"]
    return found


def sign_words(feature: str) -> str | None:
    """The words for a feature that is a sign (None: it is none)."""
    return _words(feature, "flag") or _words(feature, "name")


def flagging_signs(features: Sequence[str]) -> list[str]:
    """The features of a value that list it in needs_review whatever its confidence."""
    return [feature for feature in features if _words(feature, "flag") is not None]


def named_signs(features: Sequence[str], weights: Mapping[str, float]) -> list[str]:
    """The signs among a value's features, the one that lowers its confidence most first."""
    return sorted((f for f in features if sign_words(f) is not None), key=lambda f: weights.get(f, 0.0))


def sign_flags(record: LicenseRecord, signs: Mapping[str, Sequence[str]]) -> None:
    """List in the record's needs_review each value (path -> its features) with a flagging sign,
    once, naming the sign."""
    flagged = {flag.field for flag in record.needs_review}
    for path, features in signs.items():
        if path not in flagged and (found := flagging_signs(features)):
            record.needs_review.append(ReviewFlag(field=path, reason=_words(found[0], "flag"), sign=found[0]))


def low_confidence_flags(record: LicenseRecord, threshold: float,
                         signs: Mapping[str, Sequence[str]] | None = None) -> None:
    """List in the record's needs_review each value whose confidence is below `threshold`, once
    (`licex extract --review-below T`), with the signs `signs` names for its path (the one that
    weighs most first), or as a low confidence alone."""
    flagged = {flag.field for flag in record.needs_review}
    for path, value in record.confidence.items():
        if value >= threshold or path in flagged:
            continue
        named = list((signs or {}).get(path) or ())
        reason = f"confidence {value:.2f} is below {threshold:g}"
        if named:
            reason += ": " + "; ".join(dict.fromkeys(sign_words(sign) for sign in named))
        record.needs_review.append(ReviewFlag(field=path, reason=reason, sign=named[0] if named else LOW_CONFIDENCE))
