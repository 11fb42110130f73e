"""What a person who reads only what licex tells them to read is left with: the trust figures.

A compliance team reads the values a record flags (`needs_review`) and the ones whose confidence
is low; the rest it takes as read. So each value of a predicted record is either **presented as
trusted** (its confidence is at least `TRUSTED` and no flag names it or a field above it) or
**put to a person**. Two shares say whether that works:

- of the values presented as trusted, the share that is right (a value of a list counts as right
  where the gold has it: `records.value_correct`);
- of the fields of a document that are wrong or missing, the share put to a person (a flag names
  the field, or one of its values is below `TRUSTED`); and of the right ones, the share put to a
  person too (the work a flag costs where nothing was wrong).

A missing value has no confidence: it is put to a person only where a flag names its field (the
`required` check: "not found"), or where the input gave no record at all ("no licence found", which
licex reports for the file).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The confidence from which a value that no flag names is presented as trusted.
TRUSTED = 0.9


@dataclass
class Trust:
    trusted: int = 0  # values presented as trusted
    trusted_right: int = 0
    wrong: int = 0  # fields of a document wrong or missing
    wrong_flagged: int = 0  # of them, put to a person
    right: int = 0  # fields of a document right
    right_flagged: int = 0  # of them, put to a person all the same

    def add_value(self, trusted: bool, correct: bool) -> None:
        self.trusted += trusted
        self.trusted_right += trusted and correct

    def add_field(self, wrong: bool, put_to_person: bool) -> None:
        if wrong:
            self.wrong += 1
            self.wrong_flagged += put_to_person
        else:
            self.right += 1
            self.right_flagged += put_to_person

    def merge(self, other: Trust) -> Trust:
        return Trust(*(a + b for a, b in zip(self.counts(), other.counts())))

    def counts(self) -> tuple[int, ...]:
        return (self.trusted, self.trusted_right, self.wrong, self.wrong_flagged, self.right, self.right_flagged)

    def to_dict(self) -> dict[str, Any]:
        def share(part: int, whole: int) -> float | None:
            return part / whole if whole else None

        return {"trusted": self.trusted, "trusted_right": self.trusted_right,
                "trusted_right_share": share(self.trusted_right, self.trusted),
                "wrong": self.wrong, "wrong_flagged": self.wrong_flagged,
                "wrong_flagged_share": share(self.wrong_flagged, self.wrong),
                "right": self.right, "right_flagged": self.right_flagged,
                "right_flagged_share": share(self.right_flagged, self.right)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trust:
        return cls(*(int(data.get(key) or 0) for key in
                     ("trusted", "trusted_right", "wrong", "wrong_flagged", "right", "right_flagged")))


def flag_covers(flag_field: str, path: str) -> bool:
    """Whether a flag on `flag_field` names the value at `path`: the same path, or one above it
    (a flag on `businesses` names every business's values)."""
    return path == flag_field or path.startswith((f"{flag_field}.", f"{flag_field}["))


def flagged_paths(record: dict[str, Any]) -> list[str]:
    """The paths the record's `needs_review` flags name."""
    return [str(flag.get("field", "")) for flag in record.get("needs_review") or [] if isinstance(flag, dict)]


def presented_as_trusted(path: str, confidence: float, flags: list[str]) -> bool:
    """Whether the value at `path` is one a person is not asked to read."""
    return confidence >= TRUSTED and not any(flag_covers(flag, path) for flag in flags)
