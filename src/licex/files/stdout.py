"""stdout as the `licex` command writes it: one place where writing it can fail.

Every command writes stdout through `sys.stdout` (directly, or through rich and typer), and
`licex.cli.main` puts `guarded_stdout` there for the whole run. A write or flush that fails (a
full disk: `> /dev/full`; an I/O error) raises StdoutError, which main reports in one line and
exit status 1, whatever the command; so does the first write to a stdout that was closed when
licex started (`>&-`), which Python leaves as None. A reader that went away (`| head`) stays
what it was: BrokenPipeError, which ends the run quietly. After a failure, stdout's file
descriptor leads to /dev/null, so that Python's own flush at exit neither fails again nor adds a
message. What licex writes is UTF-8: a lone surrogate (a byte of a file name that is not UTF-8)
is written as its escape (messages.valid_utf8), never as a byte that is no UTF-8.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from licex.files.messages import os_cause, valid_utf8

CLOSED = "stdout is closed"


class StdoutError(Exception):
    """stdout cannot be written; the message says why (`no space left on device`, `stdout is closed`)."""


class GuardedStdout:
    """A text stream in front of stdout (`stream`; None: closed) whose failures are StdoutError."""

    def __init__(self, stream: TextIO | None) -> None:
        # A closed stdout answers what a stream is asked (encoding, isatty) as /dev/null does.
        self._stream = stream if stream is not None else open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        self._closed = stream is None
        self._failed: str | None = None  # why a write failed, once one has

    def write(self, text: str) -> int:
        if self._closed:
            self._failed = CLOSED
        return self._guarded(lambda stream: stream.write(valid_utf8(text)))

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if self._failed is not None or not self._closed:  # a closed stdout with nothing written to it is no failure
            self._guarded(lambda stream: stream.flush())

    def _guarded(self, act) -> Any:
        if self._failed is not None:  # again: a command that swallowed the first failure is not done
            raise StdoutError(self._failed)
        try:
            return act(self._stream)
        except BrokenPipeError:
            self._to_devnull()
            raise
        except OSError as error:
            self._failed = os_cause(error)
            self._to_devnull()
            raise StdoutError(self._failed) from None

    def _to_devnull(self) -> None:
        """Point stdout's descriptor at /dev/null: what is left in its buffer goes there at exit."""
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError, AttributeError):  # no descriptor (a test's stream): nothing to flush at exit
            pass

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno, ...: the stream's own
        return getattr(self._stream, name)


@contextmanager
def guarded_stdout() -> Iterator[GuardedStdout]:
    """sys.stdout as a GuardedStdout for the block (the stream before it is back after it). A
    closed file descriptor 1 is taken by /dev/null meanwhile, so that no file licex opens gets
    it (and a worker process it starts, or a library that writes fd 1, writes into that file)."""
    before = sys.stdout
    if before is None:
        try:
            os.fstat(1)
        except OSError:
            devnull = os.open(os.devnull, os.O_WRONLY)
            if devnull != 1:
                os.dup2(devnull, 1)
                os.close(devnull)
    guarded = GuardedStdout(before)
    sys.stdout = guarded
    try:
        yield guarded
    finally:
        sys.stdout = before


def flush_stdout() -> None:
    """Flush sys.stdout: what is still buffered, once the command is done (StdoutError if it fails)."""
    sys.stdout.flush()
