"""Reading licence files safely: paths, folders and stdin in, decoded text or a one-line error out.

The text that `decode_text` / `InputSource.read` return is the *original text* of a licence: every
character offset in a record (evidence, clause start/end) points into it. It is the decoded file with
only a leading byte-order mark removed; line ends and everything else are kept as they are.
"""

from __future__ import annotations

import codecs
import os
import secrets
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import charset_normalizer

STDIN = "-"
STDIN_NAME = "<stdin>"

# Encodings charset-normalizer may propose that make sense for a Chinese licence. Anything else
# (cp1252, shift_jis, johab, ...) is a misdetection of bytes we cannot read, so it is refused.
_GB = {"gb18030", "gbk", "gb2312"}
_CHINESE_ENCODINGS = _GB | {"big5"}
# Control characters are noise in a licence; a text that is largely made of them is binary data
# that happened to decode. A third is far above any OCR stray bytes.
_MAX_CONTROL_RATIO = 0.3
_TEXT_CONTROLS = set("\t\n\r\f\v")


class InputError(Exception):
    """An input that cannot be read as a licence text; the message names the input and the cause."""

    def __init__(self, name: str, cause: str) -> None:
        super().__init__(f"{name}: {cause}")
        self.name = name
        self.cause = cause


def decode_text(data: bytes, name: str) -> str:
    """Decode a licence file's bytes to its original text (BOM removed, nothing else changed).

    UTF-8 (with or without BOM), UTF-16 with BOM, UTF-16 without BOM when the NUL bytes say so,
    and otherwise whatever charset-normalizer finds among GB18030/GBK/GB2312/Big5/UTF-16.
    Raises InputError for empty, binary or undecodable data.
    """
    if not data:
        raise InputError(name, "file is empty")
    try:
        if data.startswith(codecs.BOM_UTF8):
            text = data[len(codecs.BOM_UTF8):].decode("utf-8")
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")  # the BOM picks the byte order and is dropped
        elif b"\x00" in data:
            text = _decode_utf16_without_bom(data, name)
        else:
            text = _decode_utf8_or_detected(data, name)
    except UnicodeDecodeError as exc:
        raise InputError(name, f"cannot decode: invalid {exc.encoding} at byte {exc.start}") from None
    # UTF-16 text never encodes U+0000: NULs in the decoded text mean binary data.
    if "\x00" in text:
        raise InputError(name, "binary data (NUL bytes), not a licence text")
    if _control_ratio(text) > _MAX_CONTROL_RATIO:
        raise InputError(name, "binary data (control characters), not a licence text")
    if not text.strip():
        raise InputError(name, "file is empty")
    return text


def _decode_utf16_without_bom(data: bytes, name: str) -> str:
    """ASCII characters in UTF-16 have a NUL high byte: on odd offsets in LE, even offsets in BE.

    CJK characters such as 一 (U+4E00) put some NULs on the other side, hence a clear majority
    rather than all of them; binary data spreads NULs evenly and is refused.
    """
    odd, even = data[1::2].count(0), data[0::2].count(0)
    encoding = None
    if len(data) % 2 == 0 and odd > 2 * even:
        encoding = "utf-16-le"
    elif len(data) % 2 == 0 and even > 2 * odd:
        encoding = "utf-16-be"
    try:
        if encoding:
            return data.decode(encoding)
    except UnicodeDecodeError:
        pass  # NULs that are not valid UTF-16 are binary data
    raise InputError(name, "binary data (NUL bytes), not a licence text")


def _decode_utf8_or_detected(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = []
    for match in charset_normalizer.from_bytes(data):
        encoding = match.encoding.lower().replace("-", "_")
        if encoding in _CHINESE_ENCODINGS or encoding.startswith("utf_16"):
            # GB2312 and GBK are subsets of GB18030: decoding with the superset loses nothing.
            candidates.append((match.chaos, encoding not in _GB, "gb18030" if encoding in _GB else encoding))
    # Least chaos first; on a tie prefer GB18030, the encoding of mainland licences (short texts
    # often decode equally well as Big5).
    for *_, encoding in sorted(candidates):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(name, "cannot decode: not UTF-8, UTF-16 or GB18030")


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if ch not in _TEXT_CONTROLS and unicodedata.category(ch) == "Cc")
    return controls / len(text) if text else 0.0


@dataclass
class InputSource:
    """One licence input: a file (name = the path as given or found) or stdin (path None)."""

    name: str
    path: Path | None

    def read(self) -> str:
        """The original text; raises InputError naming this input."""
        try:
            data = sys.stdin.buffer.read() if self.path is None else self.path.read_bytes()
        except OSError as exc:
            raise InputError(self.name, f"cannot read: {exc.strerror or exc}") from None
        return decode_text(data, self.name)


def collect_inputs(args: Sequence[str]) -> tuple[list[InputSource], list[InputError]]:
    """Expand command-line arguments into inputs: files, folders (all *.txt below, sorted) and `-`.

    Problems are collected rather than raised so that one bad argument does not stop the others.
    A file reached twice (named directly and inside a folder) is read once.
    """
    sources: list[InputSource] = []
    errors: list[InputError] = []
    seen: set[Path] = set()

    def add(name: str, path: Path) -> None:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            sources.append(InputSource(name, path))

    for arg in args:
        path = Path(arg)
        if arg == STDIN:
            if any(source.path is None for source in sources):
                errors.append(InputError(STDIN_NAME, "given more than once; stdin can be read only once"))
            else:
                sources.append(InputSource(STDIN_NAME, None))
        elif path.is_file():
            add(arg, path)
        elif path.is_dir():
            files = sorted(p for p in path.rglob("*.txt") if p.is_file())
            if not files:
                errors.append(InputError(arg, "folder has no *.txt files"))
            for file in files:
                add(str(file), file)
        else:
            errors.append(InputError(arg, "no such file or folder"))
    return sources, errors


@contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """A text handle whose content replaces `path` only when the block ends without error.

    Output goes to a fresh temporary file in the same folder (same file system, so os.replace is
    atomic), so `path` holds either its old content or all of the new, never a part, even when
    the writer streams records one by one. On any failure the temporary file is removed.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # open(..., "x") rather than mkstemp: the output gets the usual umask mode, not 0600.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        with open(tmp, "x", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """Write UTF-8 text to `path` atomically (see atomic_writer)."""
    with atomic_writer(path) as handle:
        handle.write(text)
