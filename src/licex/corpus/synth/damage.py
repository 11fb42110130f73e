"""Damaged labels: field labels that OCR misread (a look-alike character) or that the licence
words in a way the rules do not know (`data/synth_damage.json`).

Only in licences generated with damaged labels (`generate(..., damaged=…)`). Values are untouched
(offsets after a label shift with its length): what the rules miss there, a model that reads the
context can still find. It is the "harder layout" the trained model is measured on.
"""

from __future__ import annotations

import random
from functools import lru_cache

from licex.corpus.synth.cases import layout_case
from licex.corpus.synth.data import knobs

DAMAGED_TAG = "damaged_labels"


@lru_cache(maxsize=1)
def _lookalikes() -> dict[str, str]:
    pairs = knobs("synth_damage.json")["lookalikes"]
    read, misread = pairs["read"], pairs["as"]
    if len(read) != len(misread):
        raise ValueError("synth_damage.json: lookalikes/read and lookalikes/as differ in length")
    return dict(zip(read, misread))


def damages(rng: random.Random) -> bool:
    """Whether a label of a damaged licence is damaged (one draw of the damage generator)."""
    return knobs("synth_damage.json").chance("label", rng)


@layout_case(DAMAGED_TAG)
def damage_label(name: str, rng: random.Random) -> str:
    """`name` as a damaged licence prints it: an unseen synonym, or one look-alike character."""
    data = knobs("synth_damage.json")
    synonyms = data["synonyms"].get(name)
    if synonyms and data.chance("synonym", rng):
        return rng.choice(synonyms)
    lookalikes = _lookalikes()
    positions = [i for i, char in enumerate(name) if char in lookalikes]
    if not positions:
        return name
    i = rng.choice(positions)
    return name[:i] + lookalikes[name[i]] + name[i + 1:]
