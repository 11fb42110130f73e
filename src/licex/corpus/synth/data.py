"""The generator's package data: distributions, style probabilities, wordings and label damage
(`data/synth_*.json`), clause wordings (`data/clauses.jsonl`) and the reserved values of the real
licences (`data/reserved.jsonl`).

A JSON data file is read into `Knobs`: a read-only mapping that notes every key the generator
reads, so a test can show that no key of a data file is dead (`unread_keys`).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from licex.fields.labels import CLAUSE_LABELS

SYNTH_DATA_FILES = ("synth_content.json", "synth_style.json", "synth_wordings.json", "synth_damage.json")


class Knobs(Mapping[str, Any]):
    """An object of a data file: `knobs[key]` reads a value and notes the key as read; an object
    value is itself `Knobs`. Keys starting with `_` (comments) are neither values nor iterated."""

    def __init__(self, data: dict[str, Any], file: str, path: tuple[str, ...] = ()) -> None:
        self._data = data
        self._file = file
        self._path = path
        self._read: set[str] = set()
        self._children = {
            key: Knobs(value, file, (*path, key)) for key, value in data.items() if isinstance(value, dict)
        }

    def __getitem__(self, key: str) -> Any:
        if key in self._children:
            value = self._children[key]
        elif key in self._data:
            value = self._data[key]
        else:
            raise KeyError(f"{self._file}: no key {'/'.join((*self._path, key))}")
        self._read.add(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return (key for key in self._data if not key.startswith("_"))

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def chance(self, key: str, rng: random.Random) -> bool:
        """One draw: True with the probability under `key`."""
        return rng.random() < self[key]

    def pick(self, key: str, rng: random.Random) -> Any:
        """One of the values listed under `key`, drawn uniformly."""
        return rng.choice(self[key])

    def weighted(self, key: str, rng: random.Random) -> str:
        """One of the keys of the object under `key`, drawn with their weights."""
        weights = self[key]
        keys = list(weights)
        return rng.choices(keys, weights=[weights[k] for k in keys])[0]

    def span(self, key: str, rng: random.Random) -> int:
        """An integer of the inclusive range [low, high] under `key`."""
        low, high = self[key]
        return rng.randint(low, high)

    def unread(self) -> Iterator[str]:
        """The paths (a/b/c) of the keys below this object that were never read."""
        for key in self:
            if key not in self._read:
                yield "/".join((*self._path, key))
            if key in self._children:
                yield from self._children[key].unread()


@cache
def knobs(name: str) -> Knobs:
    """The data file `data/<name>` (one of SYNTH_DATA_FILES)."""
    try:
        data = json.loads(_data_text(name))
    except json.JSONDecodeError as error:
        raise ValueError(f"{name}: not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise TypeError(f"{name}: not a JSON object")
    return Knobs(data, name)


def unread_keys(name: str) -> list[str]:
    """The keys of data file `name` the generator has not read since the process started."""
    return list(knobs(name).unread())


def _data_text(name: str) -> str:
    return resources.files("licex.corpus").joinpath("data", name).read_text("utf-8")


def _data_lines(name: str) -> Iterator[dict[str, Any]]:
    for line in _data_text(name).splitlines():
        if line.strip():
            yield json.loads(line)


@dataclass(frozen=True)
class ClauseText:
    id: str
    label: str
    text: str  # may hold {authority} (我部 / 我局) and {business} (the section's business name)


@dataclass(frozen=True)
class Slot:
    clauses: tuple[str, ...]  # alternative wordings; one is drawn
    optional: bool = False
    scope: str | None = None  # "cross": only in cross-regional licences


@lru_cache(maxsize=1)
def clause_data() -> tuple[dict[str, ClauseText], dict[str, tuple[Slot, ...]]]:
    """The clause wordings by id, and the slots of each 特别规定事项 section (general, B11, ...)."""
    texts: dict[str, ClauseText] = {}
    sections: dict[str, tuple[Slot, ...]] = {}
    for line in _data_lines("clauses.jsonl"):
        if line["type"] == "clause":
            if line["label"] not in CLAUSE_LABELS:
                raise ValueError(f"clauses.jsonl: unknown clause label {line['label']!r} ({line['id']})")
            texts[line["id"]] = ClauseText(line["id"], line["label"], line["text"])
        else:
            sections[line["id"]] = tuple(
                Slot(tuple(s["clauses"]), s.get("optional", False), s.get("scope")) for s in line["slots"]
            )
    for name, slots in sections.items():
        for slot in slots:
            for clause_id in slot.clauses:
                if clause_id not in texts:
                    raise ValueError(f"clauses.jsonl: section {name} names unknown clause {clause_id!r}")
    return texts, sections


@lru_cache(maxsize=1)
def reserved() -> tuple[str, ...]:
    """The values of the real seed licences, which must never appear in synthetic text."""
    return tuple(line["value"] for line in _data_lines("reserved.jsonl"))
