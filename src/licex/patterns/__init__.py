"""The rule data licex ships: JSONL files that annotators can read, one object a line."""

from __future__ import annotations

from importlib import resources
from typing import Any

import srsly


def read_jsonl(filename: str) -> list[dict[str, Any]]:
    """The rows of the shipped data file patterns/FILENAME."""
    text = resources.files(__name__).joinpath(filename).read_text("utf-8")
    return [srsly.json_loads(line) for line in text.split("\n") if line.strip()]
