"""JSONL as licex reads and writes it, through srsly (the JSON library spaCy uses) only.

A line ends at "\\n" (or "\\r\\n") and nowhere else: U+2028, U+2029, U+0085, \\v, \\f and
\\x1c-\\x1e are characters of a licence text, not line ends, whatever `str.splitlines` thinks.
srsly writes every non-ASCII character as a \\u escape, so a written line holds no such character
and any line-splitting reader (doccano's included) reads licex's files back unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import srsly

from .inputs import InputError, atomic_writer, decode_text, os_cause


def dumps(value: Any) -> str:
    """One JSONL line (with its "\\n")."""
    return srsly.json_dumps(value) + "\n"


def loads(line: str, where: str) -> Any:
    """One JSON value; InputError `where: invalid JSON: why` when it is not."""
    try:
        return srsly.json_loads(line)
    except ValueError as error:
        raise InputError(where, f"invalid JSON: {error}") from None


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for each non-blank line of a JSONL text."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line.removesuffix("\r")


def read_text(path: Path) -> str:
    """A JSONL file's text (any encoding licex reads); InputError naming the file otherwise."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), f"cannot read: {os_cause(error)}") from None
    return decode_text(data, str(path))


def read_objects(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """(`file:line`, object) for each line of a JSONL file of JSON objects; InputError at the first bad line."""
    for number, line in numbered_lines(read_text(path)):
        where = f"{path}:{number}"
        value = loads(line, where)
        if not isinstance(value, dict):
            raise InputError(where, f"not a JSON object but {json_type(value)}")
        yield where, value


def write(path: Path, values: Iterable[Any]) -> int:
    """Write values as JSONL, atomically; returns how many."""
    count = 0
    with atomic_writer(Path(path)) as handle:
        for value in values:
            handle.write(dumps(value))
            count += 1
    return count


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages: `a list`, `the number 3`, `true`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
