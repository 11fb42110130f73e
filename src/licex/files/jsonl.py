"""JSONL as licex reads and writes it: one reader (srsly, the JSON library spaCy uses), one writer.

A line ends at "\\n" (or "\\r\\n") and nowhere else: U+2028, U+2029, U+0085, \\v, \\f and
\\x1c-\\x1e are characters of a licence text, not line ends, whatever `str.splitlines` thinks.
Lines are written as UTF-8 that people read (Chinese stays Chinese), with exactly those
characters written as \\u escapes, so a written line holds no character that any line-splitting
reader (doccano's included) would break it at, and reads back unchanged. (srsly's writer escapes
every non-ASCII character, which leaves a corpus file unreadable to the people who annotate it.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import srsly

from licex.files import limits
from licex.files.inputs import decode_text, open_regular, read_file
from licex.files.messages import InputError, os_cause
from licex.files.outputs import atomic_writer


# Characters that str.splitlines and other readers take for line ends. Inside JSON they can only
# stand in strings, where their escape means the same character.
_LINE_BREAKERS = {ord(ch): f"\\u{ord(ch):04x}" for ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}
# A \uD800-\uDFFF escape: JSON readers accept one alone, but it is no character and UTF-8 cannot
# hold it; lines without one (nearly all) are not searched for it.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(value: Any) -> str:
    """One JSONL line (with its "\\n"), readable UTF-8 with the line breakers escaped."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).translate(_LINE_BREAKERS) + "\n"


def loads(line: str, where: str) -> Any:
    """One JSON value; InputError `where: invalid JSON: why` when it is not, or when a string in
    it holds a lone surrogate (`"\\ud800"`): writing it as UTF-8 would fail later, far from here."""
    try:
        value = srsly.json_loads(line)
    except ValueError as error:
        raise InputError(where, f"invalid JSON: {error}") from None
    if _SURROGATE_ESCAPE.search(line) and (lone := lone_surrogate(value)):
        raise InputError(where, f"invalid JSON: a string holds a lone surrogate ({lone}), which is no "
                                "character (UTF-8 cannot hold it)")
    return value


def lone_surrogate(value: Any) -> str | None:
    """`\\udXXX` of the first lone surrogate in the strings (keys too) of a parsed value."""
    strings = [value]
    while strings:
        item = strings.pop()
        if isinstance(item, str):
            if match := _LONE_SURROGATE.search(item):
                return f"\\u{ord(match[0]):04x}"
        elif isinstance(item, dict):
            strings += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            strings += item
    return None


def numbered_lines(text: str) -> Iterator[tuple[int, str]]:
    """(line number, line) for each non-blank line of a JSONL text."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            yield number, line.removesuffix("\r")


def read_text(path: Path) -> str:
    """A JSONL file's text (any encoding licex reads); InputError naming the file otherwise: a
    FIFO or device (never read), a file over EXPORT_BYTES (a doccano export's limit: the largest
    JSONL licex reads, annotations or records)."""
    path = Path(path)
    return decode_text(read_file(path, str(path), limits.EXPORT_BYTES, "export_bytes"), str(path))


def file_lines(path: Path, longest: int) -> list[tuple[int, str | None]]:
    """(line number, line) for each non-blank line of a JSONL file (as numbered_lines gives them),
    where a line of more than `longest` bytes is None: passed over unread, so that no copy of it
    is ever made. A UTF-8 file (what licex and doccano write) is read a line at a time, holding
    at most `longest` bytes of a line; a file whose first line says it is in another encoding
    licex reads (UTF-16, GB18030) is decoded whole, as read_text does. InputError naming the
    file as read_text (a FIFO, a file over EXPORT_BYTES, an empty file), or the line where a
    UTF-8 file stops being UTF-8."""
    path = Path(path)
    with open_regular(path, str(path), limits.EXPORT_BYTES, "export_bytes") as handle:
        try:
            lines = _utf8_lines(handle, longest, str(path))
        except OSError as error:
            raise InputError(str(path), f"cannot read: {os_cause(error)}") from None
    if lines is None:
        lines = _long_lines_left_out(read_text(path), longest)
    if not lines:
        raise InputError(str(path), "file is empty")
    return lines


_CHUNK = 1 << 20  # bytes read at a time of a line passed over


def _utf8_lines(handle, longest: int, name: str) -> list[tuple[int, str | None]] | None:
    """The lines of a UTF-8 file (see file_lines), or None when its first line says it is none
    (a UTF-16 byte-order mark, a NUL, bytes that are no UTF-8): then the file is read whole, in its
    own encoding."""
    lines: list[tuple[int, str | None]] = []
    if handle.peek(2)[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    number, total = 0, 0
    while raw := handle.readline(longest + 2):  # + 2: room for its "\r\n"
        number += 1
        total += len(raw)
        if len(raw.rstrip(b"\r\n")) > longest:
            while not raw.endswith(b"\n") and (raw := handle.readline(_CHUNK)):
                total += len(raw)  # the rest of the line, a chunk at a time
            lines.append((number, None))
        else:
            try:
                if b"\x00" in raw:
                    raise UnicodeDecodeError("utf-8", raw, raw.index(0), raw.index(0) + 1, "NUL")
                line = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                if not lines:  # the first line decides the encoding
                    return None
                raise InputError(f"{name}:{number}", f"not UTF-8 as the lines before it are (byte {error.start} "
                                                     "of the line)") from None
            if number == 1:
                line = line.removeprefix("\ufeff")
            if line.strip():
                lines.append((number, line.removesuffix("\n").removesuffix("\r")))
        if total > limits.EXPORT_BYTES:  # a file that grew since open_regular looked
            raise InputError(name, limits.too_large(limits.EXPORT_BYTES, "export_bytes"))
    return lines


def _long_lines_left_out(text: str, longest: int) -> list[tuple[int, str | None]]:
    """numbered_lines of a decoded text, with a line longer than `longest` characters (so longer
    than `longest` bytes of UTF-8) as None, never copied out of `text`."""
    lines: list[tuple[int, str | None]] = []
    start, number = 0, 0
    while start <= len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end
        number += 1
        if end - start > longest + 1:
            lines.append((number, None))
        elif (line := text[start:end].removesuffix("\r")).strip():
            lines.append((number, line))
        start = end + 1
    return lines


def read_objects(path: Path, arrays: bool = False) -> Iterator[tuple[str, dict[str, Any]]]:
    """(`file:line`, object) for each line of a JSONL file of JSON objects; InputError at the first
    bad line. With `arrays`, a file that is one JSON array of objects (`licex extract --format
    json`) gives them too (`file: record N`); a file that starts with `[`
    but is no such array is read as JSONL, and so gets JSONL's error."""
    text = read_text(path)
    if arrays and (objects := _array_objects(text, str(path))) is not None:
        yield from objects
        return
    for number, line in numbered_lines(text):
        where = f"{path}:{number}"
        value = loads(line, where)
        if not isinstance(value, dict):
            raise InputError(where, f"not a JSON object but {json_type(value)}")
        yield where, value


def _array_objects(text: str, name: str) -> list[tuple[str, dict[str, Any]]] | None:
    """(`file: record N`, object) for each object of a text that is one JSON array of objects, or
    None when it is none."""
    if not text.lstrip().startswith("["):
        return None
    try:
        values = srsly.json_loads(text)
    except ValueError:
        return None
    if not isinstance(values, list) or not all(isinstance(value, dict) for value in values):
        return None
    if _SURROGATE_ESCAPE.search(text) and (lone := lone_surrogate(values)):
        raise InputError(name, f"invalid JSON: a string holds a lone surrogate ({lone}), which is no "
                               "character (UTF-8 cannot hold it)")
    return [(f"{name}: record {number}", value) for number, value in enumerate(values, start=1)]


def write(path: Path, values: Iterable[Any], *, named_by_licex: bool = False) -> int:
    """Write values as JSONL, atomically (`named_by_licex`: see outputs.atomic_path); returns how many."""
    count = 0
    with atomic_writer(Path(path), named_by_licex=named_by_licex) as handle:
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


def is_a(value: Any, kind: type | tuple[type, ...]) -> bool:
    """isinstance for parsed JSON: true and false are not numbers (Python's bools are ints)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)


def said(value: Any, limit: int = 300, hide: Callable[[str], str] = lambda text: text) -> str:
    """A JSON value for a message: one short line (a string as it is, anything else as JSON), cut
    at `limit` characters and then marked `...`. `hide` blanks out what must not be shown (a
    password), before the whitespace is folded and before the cut, and again after."""
    if not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            value = json_type(value)
    value = hide(value)
    head = value[:limit * 4]  # bounds the folding; a cut all the same
    text = hide(" ".join(head.split()))
    return text if len(text) <= limit and len(head) == len(value) else text[:limit] + "..."
