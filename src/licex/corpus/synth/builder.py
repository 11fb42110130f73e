"""The text builder: text and its spans built together.

`Builder` appends text and returns the offsets of what it appended, so every span is exact by
construction and nothing is searched for in the finished text. Each entity carries its canonical
value (what the gold record holds, see `gold`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from licex.corpus.synth.cases import check_tag


@dataclass
class Event:
    """An entity with the canonical value it contributes to the gold record."""

    start: int
    end: int
    label: str
    value: Any


@dataclass
class ClauseSpan:
    start: int
    end: int
    label: str
    number: str  # 十五 or 十五(三)
    business_code: str | None


class Builder:
    """Append-only text with the spans of what was appended."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.events: list[Event] = []
        self.clauses: list[ClauseSpan] = []
        self.tags: dict[str, int] = {}  # tag -> first offset where the text exercises it
        self.cuts: list[int] = []  # offsets where a truncated page may end

    def add(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def entity(self, text: str, label: str, value: Any) -> None:
        if not text or text != text.strip():
            raise ValueError(f"entity {label} {text!r} is empty or has edge whitespace")
        start, end = self.add(text)
        self.events.append(Event(start, end, label, value))

    def tag(self, name: str, at: int | None = None) -> None:
        """Note that the text shows a layout case (a registered one), here (or at offset `at`)."""
        check_tag(name)
        position = self.length if at is None else at
        self.tags[name] = min(self.tags.get(name, position), position)

    def cut_here(self) -> None:
        self.cuts.append(self.length)

    def mark(self) -> tuple[int, int, int, int]:
        return self.length, len(self.parts), len(self.events), len(self.cuts)

    def repeat_from(self, mark: tuple[int, int, int, int], separator: str) -> None:
        """Append a copy of everything written since `mark` (a page printed twice)."""
        start, part_index, event_index, cut_index = mark
        self.add(separator)
        copied = "".join(self.parts[part_index:-1])
        shift = self.length - start
        events = self.events[event_index:]
        cuts = self.cuts[cut_index:]
        self.add(copied)
        self.events += [Event(e.start + shift, e.end + shift, e.label, e.value) for e in events]
        self.cuts += [c + shift for c in cuts]

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class Ent:
    """An entity segment of a rendered value: printed text, label, canonical value, layout tags it shows."""

    text: str
    label: str
    value: Any
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tagged:
    """Text that is no entity but shows layout tags (a spaced label, a full-width colon)."""

    text: str
    tags: tuple[str, ...]


Segment = str | Ent | Tagged


def write(b: Builder, segments: list[Segment]) -> None:
    for segment in segments:
        if isinstance(segment, str):
            b.add(segment)
            continue
        for tag in segment.tags:  # recorded where the text shows them, so truncation keeps tags exact
            b.tag(tag)
        if isinstance(segment, Ent):
            b.entity(segment.text, segment.label, segment.value)
        else:
            b.add(segment.text)
