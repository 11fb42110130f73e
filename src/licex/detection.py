"""Whether a text is a licence at all, decided before any field is read.

A news item, a regulation or a company profile shares words with a licence (公司, 注册资本, 许可证,
even a licence number); read as a licence it gets invented fields. The decision weighs anchors
that only a licence's printed form has: the title line, a licence number, labelled fields at line
starts, the special provisions. The anchors, their weights and the threshold are data
(data/licence_anchors.json), so a reviewer can read and tune them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

from .hanzi import to_simplified
from .normalize import BUSINESS_NAME_RE, LICENSE_NO_RE

# Anchors that name a pattern licex already has, rather than a regex of their own.
_NAMED_PATTERNS = {"LICENSE_NO": LICENSE_NO_RE, "BUSINESS_NAME": BUSINESS_NAME_RE}


@dataclass(frozen=True)
class Anchor:
    name: str
    weight: int
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Detection:
    is_licence: bool
    score: int
    found: tuple[str, ...]  # names of the anchors found


def _load() -> tuple[list[Anchor], int, frozenset[str]]:
    data = json.loads(resources.files("licex").joinpath("data/licence_anchors.json").read_text("utf-8"))
    anchors = [Anchor(a["name"], a["weight"], _NAMED_PATTERNS.get(a["pattern"]) or re.compile(a["pattern"]))
               for a in data["anchors"]]
    return anchors, data["threshold"], frozenset(data["required"])


ANCHORS, THRESHOLD, REQUIRED = _load()
TITLE_RE = next(anchor.pattern for anchor in ANCHORS if anchor.name == "title")


def reading_text(text: str) -> str:
    """The text as the anchors read it: NFKC, simplified."""
    # A form feed (a page break) starts a line, as a line break does.
    return to_simplified(unicodedata.normalize("NFKC", text)).replace("\f", "\n")


def detect_licence(text: str) -> Detection:
    """Score the anchors found in `text`; a licence reaches the threshold with a required anchor."""
    view = reading_text(text)
    found = tuple(anchor.name for anchor in ANCHORS if anchor.pattern.search(view))
    score = sum(anchor.weight for anchor in ANCHORS if anchor.name in found)
    return Detection(score >= THRESHOLD and bool(REQUIRED & set(found)), score, found)
