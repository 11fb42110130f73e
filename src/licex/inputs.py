"""Reading licence files safely: paths, folders and stdin in, decoded text or a one-line error out;
and writing outputs safely: checked before any work, replaced atomically, temporaries cleaned.

The text that `decode_text` / `InputSource.read` return is the *original text* of a licence: every
character offset in a record (evidence, clause start/end) points into it. It is the decoded file with
only a leading byte-order mark removed; line ends and everything else are kept as they are.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import json
import logging
import os
import re
import secrets
import stat
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, TextIO

from licex.files import limits

STDIN = "-"
STDIN_NAME = "<stdin>"
TEXT_SUFFIXES = frozenset({".txt"})
# PDFs and page images (licex.documents reads them); listed here so that finding inputs in a
# folder imports nothing of the document readers.
PDF_SUFFIXES = frozenset({".pdf"})
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"})
DOCUMENT_SUFFIXES = PDF_SUFFIXES | IMAGE_SUFFIXES
INPUT_SUFFIXES = TEXT_SUFFIXES | DOCUMENT_SUFFIXES

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
# Temporaries of an atomic write: `.NAME.PID.TOKEN.licex-tmp`; the PID tells a later write
# whether the writer is gone (killed), so it can remove what was left behind.
_TMP_SUFFIX = ".licex-tmp"
# The bytes `.NAME.` shares with the rest of a temporary's name: a PID (at most 7 digits), the
# token (8) and the suffix, with their dots.
_TMP_EXTRA = len(f"...{'9' * 7}.{'0' * 8}{_TMP_SUFFIX}")
# The longest file name (bytes) of the usual file systems (ext4, XFS, btrfs, APFS, NTFS in
# UTF-16 units): names licex makes up (texts of --text-dir, review pages) stay within it wherever
# they are written, so that extract and review, on any disk, give a source the same name.
NAME_MAX = 255
# What stat calls the files that are neither regular files nor folders, as messages name them.
_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_SURROGATE = re.compile("[\ud800-\udfff]")
# The categories of characters `one_line` shows as escapes: controls, format characters (the
# bidirectional overrides and isolates, zero-width ones), line and paragraph separators.
_ESCAPED = frozenset({"Cc", "Cf", "Zl", "Zp"})
log = logging.getLogger("licex")


class InputError(Exception):
    """An input that cannot be read as a licence text; the message names the input and the cause."""

    def __init__(self, name: str, cause: str) -> None:
        super().__init__(one_line(f"{name}: {cause}"))
        self.name = name
        self.cause = cause

    def __reduce__(self):
        # Rebuilt from its two parts when it crosses processes (`licex extract --workers`).
        return type(self), (self.name, self.cause)


class OutputError(InputError):
    """An output that cannot be written (read-only folder, full disk, an input's path, ...).

    A kind of InputError, so that every place that turns file problems into one-line errors
    handles it too.
    """


def os_cause(error: OSError) -> str:
    """The cause of an OSError in words: `no space left on device`, `permission denied`."""
    if error.errno == errno.ENOSPC:
        return "no space left on device"
    return (error.strerror or str(error) or type(error).__name__).lower()


def one_line(text: str) -> str:
    """`text` as licex shows it (messages, a record's `source`): one line of valid UTF-8.

    Every control, format character, line or paragraph separator becomes its escape (repr style:
    \\n, \\u202e), so that a file name cannot hide itself, restyle the line, break it in two, or
    show itself reordered (U+202E, right-to-left override, shows `x\u202etxt.exe` as `xexe.txt`)
    or with invisible parts (U+200B); every byte of a file name that is not UTF-8 (which Python
    keeps as U+DC80-U+DCFF) becomes \\xNN, any other lone surrogate \\udXXX (`valid_utf8`), so
    that what licex writes is always UTF-8.
    """
    return valid_utf8("".join(repr(c)[1:-1] if unicodedata.category(c) in _ESCAPED else c for c in text))


def valid_utf8(text: str) -> str:
    """`text` with every lone surrogate escaped (as `one_line` does), everything else as it is:
    what UTF-8 can hold. A byte of a file name that is not UTF-8 (U+DC80-U+DCFF) becomes \\xNN."""
    return _SURROGATE.sub(_surrogate_escape, text) if _SURROGATE.search(text) else text


def _surrogate_escape(match: re.Match) -> str:
    code = ord(match[0])
    return f"\\x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"\\u{code:04x}"


def file_kind(mode: int) -> str | None:
    """What a file that is neither a regular file nor a folder is (`a FIFO`, ...); None for those two."""
    return next((kind for test, kind in _FILE_KINDS if test(mode)), None)


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
    """One licence input: a file (name = the path as given or found) or stdin (path None)."""

    name: str
    path: Path | None

    def read(self) -> str:
        """The original text; raises InputError naming this input."""
        if self.path is None:
            data = _read_stdin(self.name)
        else:
            data = read_file(self.path, self.name, limits.TEXT_BYTES, "text_bytes")
        text = decode_text(data, self.name)
        if _is_json(text):
            # licex's own output (or any JSON) read back as a licence would invent a record.
            raise InputError(self.name, "JSON data (licex output?), not a licence text")
        return text


    @property
    def is_document(self) -> bool:
        """A PDF or a page image, read by licex.documents rather than decoded as text."""
        return self.path is not None and self.path.suffix.lower() in DOCUMENT_SUFFIXES

    def read_document(self, ocr: str = "auto"):
        """The DocumentText of a PDF or image input (text rebuilt from the pages, with the page
        and box of each character); raises InputError naming this input."""
        from licex.documents import DocumentError, OcrMode, read_document_bytes

        data = read_file(self.path, self.name, limits.DOCUMENT_BYTES, "document_bytes")
        try:
            document = read_document_bytes(data, self.path.name, OcrMode(ocr))
        except DocumentError as error:
            raise InputError(self.name, str(error)) from None
        if not document.text.strip():
            raise InputError(self.name, "no text on any page" + (" (OCR is off: --ocr never)" if ocr == "never" else ""))
        return document


def _read_stdin(name: str) -> bytes:
    """stdin's bytes, at most TEXT_BYTES: `licex extract - </dev/zero` ends in one line, not in
    memory without limit."""
    if sys.stdin is None:  # started with stdin closed (`licex extract - <&-`)
        raise InputError(name, "stdin is closed")
    try:
        data = sys.stdin.buffer.read(limits.TEXT_BYTES + 1)
    except OSError as exc:
        raise InputError(name, f"cannot read: {os_cause(exc)}") from None
    except ValueError:  # a closed stdin handle
        raise InputError(name, "stdin is closed") from None
    if len(data) > limits.TEXT_BYTES:
        raise _too_large(name, limits.TEXT_BYTES, "text_bytes")
    return data


def fitted_name(stem: str, suffix: str) -> str:
    """`stem + suffix`, with `stem` cut so that the name fits NAME_MAX bytes: a cut name ends in
    `~` and 8 hex digits of the whole stem's hash, so two long names that share a beginning differ."""
    name = stem + suffix
    if len(os.fsencode(name)) <= NAME_MAX:
        return name
    digest = hashlib.sha256(os.fsencode(stem)).hexdigest()[:8]
    room = NAME_MAX - len(os.fsencode(suffix)) - len(digest) - 1
    return os.fsencode(stem)[:room].decode("utf-8", "ignore") + f"~{digest}{suffix}"


class TextDirNames:
    """The file `licex extract --text-dir` writes each input's text to: NAME.txt, NAME being the
    input's file name (`stdin` for stdin); a second input of the same name gets the count of
    files named so far before it (2_NAME.txt), or a higher one that is free. Names depend on the
    order, so whoever looks for a text again (`licex review`) names the sources of the records in
    the order extract read them, and checks that the text fits (see `candidates`).

    A name longer than NAME_MAX bytes is cut (see `fitted_name`): a file system refuses it."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def name(self, source: str) -> str:
        """The file name for the next input, `source` as a record's `source` gives it."""
        base = self.base(source)
        target = text_file_name(base)
        number = len(self.used) + 1
        while target in self.used:  # 2_x.txt may be the name of an input of its own
            target = text_file_name(base, number)
            number += 1
        self.used.add(target)
        return target

    @staticmethod
    def base(source: str) -> str:
        return Path(source).name if source != STDIN_NAME else "stdin"

    @classmethod
    def candidates(cls, source: str, names: Iterable[str]) -> list[str]:
        """Of the file names `names`, those that `name` can give `source` (NAME.txt, N_NAME.txt)."""
        base = cls.base(source)
        found = []
        for name in names:
            match = re.match(r"(\d+)_", name)
            if name == text_file_name(base) or (match and name == text_file_name(base, int(match[1]))):
                found.append(name)
        return found


def text_file_name(base: str, number: int | None = None) -> str:
    """The name of a text in `--text-dir`: BASE.txt, or N_BASE.txt for the Nth of one name."""
    return fitted_name(base if number is None else f"{number}_{base}", ".txt")


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


def check_output(path: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse an output that would destroy or feed an input, or that cannot be written, before any work.

    `inputs` are resolved input files and folders: the output may be none of them and lie in
    none of the folders (the next run would read it as a licence). Writability is tried, not
    guessed: the folder is created if missing and a temporary file opened and removed in it. A
    device, FIFO or socket is written as it is (see `atomic_path`), so nothing is tried on it
    (opening a FIFO to try it would wait for a reader).
    """
    path = Path(path)
    target = path.resolve()
    for source in inputs:
        if target == source:
            raise OutputError(str(path), "is also an input; licex would overwrite it")
        if source.is_dir() and target.is_relative_to(source):
            raise OutputError(str(path), f"lies inside the input folder {str(source)!r}; the next run would read it")
    if target.is_dir():
        raise OutputError(str(path), "is a folder")
    if _special(path):
        return
    with atomic_path(path) as tmp:
        open(tmp, "x").close()  # noqa: SIM115 (a try: OSError becomes OutputError)
        tmp.unlink()


def check_folder(folder: Path, inputs: Sequence[Path] = ()) -> None:
    """check_output for a folder a command fills, before its work: OutputError naming the folder
    when it cannot be written (or is, or lies in, one of `inputs`). The folders made to try it
    are removed again, so that a run refused later (a bad config, a bad corpus) leaves nothing."""
    folder = Path(folder)
    missing = [path for path in [folder, *folder.parents] if not os.path.lexists(path)]  # deepest first
    try:
        check_output(folder / ".licex-probe", inputs)
    except OutputError as error:
        raise OutputError(str(folder), error.cause) from None
    finally:
        for path in missing:
            try:
                path.rmdir()
            except OSError:
                break


def _special(path: Path) -> str | None:
    """What `path` is when it is a device, FIFO or socket (through links); None for anything else."""
    try:
        return file_kind(os.stat(path).st_mode)
    except (OSError, ValueError):
        return None


def _followed(path: Path) -> bool:
    """Whether `path` is a link atomic_path writes through: one this user made."""
    try:
        return path.is_symlink() and path.lstat().st_uid == os.geteuid()
    except OSError:
        return False


def _tmp_prefix(path: Path) -> str:
    """The file name in `path`'s temporaries (`.NAME.PID.TOKEN.licex-tmp`), cut so that they fit
    the folder's longest name: a name near the limit still gets a temporary."""
    room = _name_max(path.parent) - _TMP_EXTRA
    return os.fsdecode(os.fsencode(path.name)[:room])


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return NAME_MAX


def _remove_stale_temporaries(path: Path) -> None:
    """Remove temporaries of `path` whose writer has died (kill -9, power loss)."""
    prefix = _tmp_prefix(path)
    for tmp in path.parent.glob(f".{_glob_escape(prefix)}.*{_TMP_SUFFIX}"):
        pid = tmp.name[len(prefix) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def atomic_path(path: Path, *, named_by_licex: bool = False) -> Iterator[Path]:
    """A temporary path to write; it replaces `path` when the block ends without error.

    The temporary lies in the same folder (same file system, so os.replace is atomic), so `path`
    holds either its old content or all of the new, never a part. On any failure the temporary
    is removed; one left by a killed writer is removed by the next write to `path`. An OSError
    (read-only folder, full disk) becomes an OutputError naming `path`, and so does text that
    UTF-8 cannot hold (a lone surrogate: a bug upstream, but never half a file).

    Two kinds of `path` the user named (-o FILE) are not replaced. A link to a file: the file it
    leads to is replaced, the link stays (as `> link` would write through it), when the link is
    this user's own: a link someone else put in the folder is replaced itself, never followed
    (as the kernel's protected_symlinks does in /tmp). A device, FIFO or socket (through links
    too): the block gets `path` itself, to write as it is; replacing it would put a regular file
    where it was (`-o /dev/null` run as root would replace the system's /dev/null). A FIFO must
    have a reader: without one, OutputError (`has no reader`) rather than a wait without end.

    `named_by_licex`: a name licex chose inside a folder it fills (the texts of --text-dir, the
    pages of a review, a report's files). Whatever stands there, a link, a FIFO or a device, is
    replaced itself: nothing is ever written through it to a file elsewhere.
    """
    shown = str(path)
    path = Path(path)
    if not named_by_licex and (kind := _special(path)):
        reader = _fifo_reader(path, shown) if kind == "a FIFO" else None
        try:
            yield path
        except OSError as error:
            raise OutputError(shown, f"cannot write: {os_cause(error)}") from None
        except UnicodeEncodeError as error:
            raise OutputError(shown, f"cannot write: {_unencodable(error)}") from None
        finally:
            if reader is not None:
                os.close(reader)
        return
    if not named_by_licex and _followed(path):
        path = Path(os.path.realpath(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if len(os.fsencode(path.name)) > _name_max(path.parent):
            raise OutputError(shown, f"cannot write: file name too long ({len(os.fsencode(path.name))} bytes, "
                                     f"at most {_name_max(path.parent)})")
        _remove_stale_temporaries(path)
    except FileExistsError:  # mkdir's word for a file where a folder should be
        raise OutputError(shown, f"cannot write: {str(path.parent)!r} is not a folder") from None
    except OSError as error:
        raise OutputError(shown, f"cannot write: {os_cause(error)}") from None
    tmp = path.with_name(f".{_tmp_prefix(path)}.{os.getpid()}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
    try:
        yield tmp
        if tmp.exists():
            os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise OutputError(shown, f"cannot write: {os_cause(error)}") from None
    except UnicodeEncodeError as error:
        tmp.unlink(missing_ok=True)
        raise OutputError(shown, f"cannot write: {_unencodable(error)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fifo_reader(path: Path, shown: str) -> int:
    """A write end of the FIFO `path`, opened without waiting: held while the block writes, so
    that the reader sees no end of file before the writer's own open. OutputError when no reader
    has it open (a blocking open would wait for one without end)."""
    try:
        return os.open(path, os.O_WRONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        if error.errno == errno.ENXIO:
            raise OutputError(shown, "cannot write: a FIFO that has no reader (start its reader first)") from None
        raise OutputError(shown, f"cannot write: {os_cause(error)}") from None


def _unencodable(error: UnicodeEncodeError) -> str:
    return f"the text holds {one_line(error.object[error.start:error.end])}, which UTF-8 cannot hold"


@contextmanager
def atomic_writer(path: Path, *, named_by_licex: bool = False) -> Iterator[TextIO]:
    """A text handle whose content replaces `path` only when the block ends without error (see atomic_path)."""
    with atomic_path(path, named_by_licex=named_by_licex) as tmp:
        special = tmp == Path(path)  # a device or FIFO, written as it is
        # open(..., "x") rather than mkstemp: the output gets the usual umask mode, not 0600.
        with open(tmp, "w" if special else "x", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            if not special:  # a device or FIFO has nothing to sync (fsync fails on them)
                os.fsync(handle.fileno())


def atomic_write_text(path: Path, text: str, *, named_by_licex: bool = False) -> None:
    """Write UTF-8 text to `path` atomically (see atomic_writer)."""
    with atomic_writer(path, named_by_licex=named_by_licex) as handle:
        handle.write(text)
