"""How licex words a file problem and shows a name: one line, valid UTF-8.

`InputError` (an input that cannot be read) and `OutputError` (an output that cannot be written)
carry a message that names the file and the cause; `os_cause` words an OSError, `file_kind` a
file that is neither a regular file nor a folder; `one_line` shows any name or message as one
line of valid UTF-8 (control and format characters as escapes, bytes that are not UTF-8 as \\xNN).
"""

from __future__ import annotations

import errno
import re
import stat
import unicodedata

# What stat calls the files that are neither regular files nor folders, as messages name them.
_FILE_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
               (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))
_SURROGATE = re.compile("[\ud800-\udfff]")
# The categories of characters `one_line` shows as escapes: controls, format characters (the
# bidirectional overrides and isolates, zero-width ones), line and paragraph separators.
_ESCAPED = frozenset({"Cc", "Cf", "Zl", "Zp"})


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
