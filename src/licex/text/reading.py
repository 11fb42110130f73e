"""How well a licence's text was read: the share of its clause lines' character pairs that the
standard wording of the 特别规定事项 never prints.

The 特别规定事项 is boilerplate, the same wording on every licence, so what a tool made of it shows
how it read the whole page set: an OCR engine that misreads one character in fifty in the
clauses misreads the names and addresses on the front page as often, where nothing else tells a
misread name (粱起 for 梁起) from a printed one. The confidence of the record's values weighs it
(licex.scoring.confidence). The pairs are data (`data/clause_bigrams.json`, written by
`training/clause_bigrams.py` from generated licences); whitespace is no character here.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from licex.text.layout import Layout
from licex.text.chars import without_whitespace

# Reading grades by the share of unknown pairs in the clause lines: "clean" holds the texts of
# text layers and of the real licences, "fair" licex's own PDF reading, above it Tesseract's worst
# scans (the shares on the development licences: docs/measurements.md).
GRADES = ((0.004, "clean"), (0.01, "fair"))
WORST_GRADE = "poor"
# Fewer clause characters than this say nothing of the reading (a front page alone, a fragment).
MIN_PAIRS = 200


@lru_cache(maxsize=1)
def known_pairs() -> frozenset[str]:
    data = json.loads(resources.files("licex").joinpath("data/clause_bigrams.json").read_text("utf-8"))
    pairs = data["pairs"]
    return frozenset(pairs[i:i + 2] for i in range(0, len(pairs), 2))


def character_pairs(segment: str) -> list[str]:
    """The pairs of adjacent characters of a stretch of text, whitespace left out."""
    compact = without_whitespace(segment)
    return [compact[i:i + 2] for i in range(len(compact) - 1)]


def unknown_share(text: str, layout: Layout) -> float | None:
    """The share of the clause lines' character pairs the standard wording never prints; None
    where the text has too few clause characters to tell."""
    known = known_pairs()
    pairs = [pair for start, end in layout.clause_text() for pair in character_pairs(text[start:end])]
    if len(pairs) < MIN_PAIRS:
        return None
    return sum(pair not in known for pair in pairs) / len(pairs)


def reading_grade(share: float | None) -> str:
    """`clean`, `fair` or `poor` by the unknown share; `unknown` where there was too little to read."""
    if share is None:
        return "unknown"
    return next((grade for limit, grade in GRADES if share < limit), WORST_GRADE)
