"""Reading licence files safely: paths, folders and stdin in, decoded text or a one-line error out.

The text that `decode_text` / `InputSource.read` return is the *original text* of a licence: every
character offset in a record (evidence, clause start/end) points into it. It is the decoded file with
only a leading byte-order mark removed; line ends and everything else are kept as they are.
Where outputs go is licex.files.outputs; how problems are worded, licex.files.messages.
"""

from __future__ import annotations

import codecs
import errno
import json
import logging
import os
import stat
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from licex.files import limits
from licex.files.messages import InputError, file_kind, one_line, os_cause
from licex.files.suffixes import DOCUMENT_SUFFIXES, INPUT_SUFFIXES, document_kind

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
# The longest multi-byte character (UTF-8: 4 bytes, GB18030: 4 bytes): a file cut inside one
# fails to decode only within its last 3 bytes.
_MAX_CUT_BYTES = 3
log = logging.getLogger("licex")


def read_file(path: Path, name: str, limit: int, limit_name: str) -> bytes:
    """The bytes of the regular file `path`, refused beyond `limit` (licex.files.limits' `limit_name`).

    A FIFO, device or socket is refused without being read (a FIFO would block until a writer
    comes, /dev/zero never ends); the size is checked before reading, and no more than `limit` + 1
    bytes are ever read (a file that grows meanwhile). InputError naming `name` otherwise.
    """
    with open_regular(path, name, limit, limit_name) as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise InputError(name, f"cannot read: {os_cause(exc)}") from None
    if len(data) > limit:
        raise _too_large(name, limit, limit_name)
    return data


@contextmanager
def open_regular(path: Path, name: str, limit: int, limit_name: str) -> Iterator[BinaryIO]:
    """The regular file `path` open for reading (binary), once it is known to be one of at most
    `limit` bytes (see read_file); InputError naming `name` otherwise. Whoever reads it reads no
    more than `limit` + 1 bytes."""
    try:
        mode = os.stat(path).st_mode
        if kind := file_kind(mode):
            raise InputError(name, f"not a regular file ({kind})")
        if stat.S_ISDIR(mode):
            raise InputError(name, "is a folder")
        # O_NONBLOCK: a file swapped for a FIFO since the stat cannot block the open
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
        handle = open(fd, "rb")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise InputError(name, f"cannot read: {os_cause(exc)}") from None
    except ValueError:  # os.stat's word for a NUL in the name
        raise InputError(name, "cannot read: the name holds a NUL character") from None
    with handle:
        found = os.fstat(handle.fileno())
        if not stat.S_ISREG(found.st_mode):
            raise InputError(name, f"not a regular file ({file_kind(found.st_mode) or 'a folder'})")
        if found.st_size > limit:
            raise _too_large(name, limit, limit_name, found.st_size)
        yield handle


def _too_large(name: str, limit: int, limit_name: str, size: int | None = None) -> InputError:
    return InputError(name, limits.too_large(limit, limit_name, size))


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


def _decode_cut(data: bytes, encoding: str, name: str) -> str:
    """`data` decoded, where a file cut inside its last character keeps the rest of its text.

    Only the end may be broken: the incomplete character becomes U+FFFD (one character, so
    offsets into the text stay meaningful) and a warning names the file. Raises
    UnicodeDecodeError for bytes broken anywhere else.
    """
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        if error.start < len(data) - _MAX_CUT_BYTES:
            raise
        for cut in range(1, _MAX_CUT_BYTES + 1):
            try:
                text = data[:-cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            log.warning("%s: the file ends inside a character (cut at byte %d); that character is "
                        "replaced by U+FFFD and the rest is read", name, len(data) - cut)
            return text + "\ufffd"
        raise


def _decode_utf8_or_detected(data: bytes, name: str) -> str:
    try:
        return _decode_cut(data, "utf-8", name)
    except UnicodeDecodeError:
        pass
    import charset_normalizer  # only for files that are not UTF-8 (its import costs more than most reads)

    candidates = []
    for match in charset_normalizer.from_bytes(data):
        encoding = match.encoding.lower().replace("-", "_")
        if encoding in _CHINESE_ENCODINGS or encoding.startswith("utf_16"):
            # GB2312 and GBK are subsets of GB18030: decoding with the superset loses nothing.
            candidates.append((match.chaos, encoding not in _GB, "gb18030" if encoding in _GB else encoding))
    # Least chaos first; on a tie prefer GB18030, the encoding of mainland licences (short texts
    # often decode equally well as Big5).
    if not candidates:
        # A file cut inside its last character can look like chaos to the detector; the mainland
        # encoding, cut at its end, is still worth a try.
        candidates.append((0.0, False, "gb18030"))
    for *_, encoding in sorted(candidates):
        try:
            return _decode_cut(data, encoding, name)
        except UnicodeDecodeError:
            continue
    raise InputError(name, "cannot decode: not UTF-8, UTF-16 or GB18030")


def _control_ratio(text: str) -> float:
    controls = sum(1 for ch in text if ch not in _TEXT_CONTROLS and unicodedata.category(ch) == "Cc")
    return controls / len(text) if text else 0.0


@dataclass
class InputSource:
    """One licence input: a file (name = the path as given or found) or stdin (path None).

    A file is a text or a document by its suffix (how folders are searched); stdin by its content
    (files.suffixes.document_kind: `cat scan.png | licex extract -`), read once and kept here."""

    name: str
    path: Path | None
    _stdin: bytes | None = field(default=None, repr=False, compare=False)

    def read(self) -> str:
        """The original text; raises InputError naming this input."""
        if self.path is None:
            data = self._stdin_bytes()
            if len(data) > limits.TEXT_BYTES:
                raise _too_large(self.name, limits.TEXT_BYTES, "text_bytes")
        else:
            data = read_file(self.path, self.name, limits.TEXT_BYTES, "text_bytes")
        text = decode_text(data, self.name)
        if _is_json(text):
            # licex's own output (or any JSON) read back as a licence would invent a record.
            raise InputError(self.name, "JSON data (licex output?), not a licence text")
        return text

    @property
    def is_document(self) -> bool:
        """A PDF or a page image, read by licex.documents rather than decoded as text. Asking
        reads stdin (InputError where it cannot be read)."""
        if self.path is None:
            return document_kind(self._stdin_bytes()) is not None
        return self.path.suffix.lower() in DOCUMENT_SUFFIXES

    def read_document(self, ocr: str = "auto", on_page=None):
        """The DocumentText of a PDF or image input (text rebuilt from the pages, with the page
        and box of each character); raises InputError naming this input. `on_page(number, pages)`
        hears of each page as its OCR is waited for (licex.documents)."""
        from licex.documents import DocumentError, OcrMode, read_document_bytes

        if self.path is None:
            data, name = self._stdin_bytes(), self.name
        else:
            data, name = read_file(self.path, self.name, limits.DOCUMENT_BYTES, "document_bytes"), self.path.name
        try:
            document = read_document_bytes(data, name, OcrMode(ocr), on_page)
        except DocumentError as error:
            raise InputError(self.name, str(error)) from None
        if not document.text.strip():
            raise InputError(self.name, "no text on any page" + (" (OCR is off: --ocr never)" if ocr == "never" else ""))
        return document

    def _stdin_bytes(self) -> bytes:
        if self._stdin is None:
            self._stdin = _read_stdin(self.name)
        return self._stdin


def _read_stdin(name: str) -> bytes:
    """stdin's bytes, at most TEXT_BYTES, or DOCUMENT_BYTES where they begin as a PDF or image
    does: `licex extract - </dev/zero` ends in one line, not in memory without limit."""
    if sys.stdin is None:  # started with stdin closed (`licex extract - <&-`)
        raise InputError(name, "stdin is closed")
    try:
        data = sys.stdin.buffer.read(limits.TEXT_BYTES + 1)
        if len(data) > limits.TEXT_BYTES and document_kind(data) is not None:
            data += sys.stdin.buffer.read(limits.DOCUMENT_BYTES + 1 - len(data))
    except OSError as exc:
        raise InputError(name, f"cannot read: {os_cause(exc)}") from None
    except ValueError:  # a closed stdin handle
        raise InputError(name, "stdin is closed") from None
    if len(data) > limits.DOCUMENT_BYTES:
        raise _too_large(name, limits.DOCUMENT_BYTES, "document_bytes")
    return data


def _is_json(text: str) -> bool:
    """Whether the text's first line is a JSON array or object (a JSONL or JSON file)."""
    first = text.lstrip()
    if not first.startswith(("{", "[")):
        return False
    for candidate in (first, first.split("\n", 1)[0]):
        try:
            json.loads(candidate)
            return True
        except ValueError:
            continue
    return False


def collect_inputs(args: Sequence[str]) -> tuple[list[InputSource], list[InputError]]:
    """Expand command-line arguments into inputs: files, folders (every licence file below, sorted:
    *.txt, PDFs and page images) and `-`.

    Problems are collected rather than raised so that one bad argument does not stop the others.
    A file reached twice (named directly and inside a folder) is read once. What cannot be read
    is a problem, named, never skipped silently: a link that leads nowhere (dangling, or a loop),
    a folder below that cannot be listed, a FIFO, device or socket (never opened: reading a FIFO
    blocks). Names are as `one_line` shows them (a file name that is not UTF-8 too).
    """
    sources: list[InputSource] = []
    errors: list[InputError] = []
    seen: set[Path] = set()

    def add(name: str, path: Path) -> None:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            sources.append(InputSource(one_line(name), path))

    for arg in args:
        path = Path(arg)
        if arg == STDIN:
            if any(source.path is None for source in sources):
                errors.append(InputError(STDIN_NAME, "given more than once; stdin can be read only once"))
            else:
                sources.append(InputSource(STDIN_NAME, None))
            continue
        try:
            mode = path.stat().st_mode
        except OSError as error:
            errors.append(InputError(one_line(arg), _broken_link(path) or _missing(error)))
            continue
        if stat.S_ISREG(mode):
            add(arg, path)
        elif stat.S_ISDIR(mode):
            files, problems = _folder_files(path)
            errors += problems
            if not files and not problems:
                errors.append(InputError(one_line(arg), "folder has no licence files (*.txt, *.pdf, page images)"))
            for file in files:
                add(str(file), file)
        else:
            errors.append(InputError(one_line(arg), f"not a regular file ({file_kind(mode)})"))
    return sources, errors


def _folder_files(folder: Path) -> tuple[list[Path], list[InputError]]:
    """The licence files below `folder` (links to files included, links to folders not followed),
    sorted, and a problem for each that cannot be read and each folder that cannot be listed."""
    problems: list[InputError] = []
    found: list[Path] = []

    def unlisted(error: OSError) -> None:
        problems.append(InputError(one_line(str(error.filename)), f"cannot read the folder: {os_cause(error)}"))

    for where, _, names in os.walk(folder, onerror=unlisted):
        found += [Path(where) / name for name in names if Path(name).suffix.lower() in INPUT_SUFFIXES]
    files = []
    for file in sorted(found):
        try:
            mode = file.stat().st_mode
        except OSError as error:
            problems.append(InputError(one_line(str(file)), _broken_link(file) or _missing(error)))
            continue
        if stat.S_ISREG(mode):
            files.append(file)
        elif not stat.S_ISDIR(mode):
            problems.append(InputError(one_line(str(file)), f"not a regular file ({file_kind(mode)})"))
    return files, problems


def _missing(error: OSError) -> str:
    """Why a path cannot be looked at: `no such file or folder`, `permission denied`, ..."""
    return "no such file or folder" if error.errno == errno.ENOENT else os_cause(error)


def _broken_link(path: Path) -> str | None:
    """Why a path that is neither file nor folder cannot be read, when it is a link."""
    if not path.is_symlink() or path.exists():
        return None
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a loop so
        return "symbolic link loop"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symbolic link loop"
        return f"dangling symbolic link (to {os.readlink(path)!r})"
    return None


def input_paths(args: Sequence[str]) -> list[Path]:
    """The resolved files and folders the arguments name (not stdin)."""
    return [Path(arg).resolve() for arg in args if arg != STDIN and Path(arg).exists()]
