"""Stopping a run: SIGINT (Ctrl-C), SIGTERM (`kill`, a scheduler's time limit) and SIGHUP (the
terminal closed) all end licex the same way, as one exception (`Stopped`) raised where the run
is: every `finally` and context manager on the way out runs, so temporaries are removed, an
output being written is left as it was, and worker processes are stopped (parallel.py); then
`licex.cli.main` prints one line (`licex: error: terminated`) and exits 128 + the signal.

Stopped is a BaseException but no KeyboardInterrupt: click and typer turn a KeyboardInterrupt
into a silent exit (a blank line, status 130), and `except Exception` must not catch it. A
second signal while the first unwinds ends the process at once (the signal's default action):
a run that does not stop can always be stopped. A signal ignored when licex started (`nohup`,
SIGINT of a background job) stays ignored. Forked children (worker processes) get the default
actions back, so that the parent alone reports the stop.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# What each signal is called in the line that reports it.
_MESSAGES = {signal.SIGINT: "interrupted", signal.SIGTERM: "terminated"}
if hasattr(signal, "SIGHUP"):  # not on Windows
    _MESSAGES[signal.SIGHUP] = "hung up (the terminal was closed)"
_installed: dict[int, Any] = {}  # signal -> its handler before `stopping`
_fork_hook = False  # whether forked children restore the default actions (registered once)


class Stopped(BaseException):
    """A signal ended the run; `message` says which, `exit_code` is 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(_MESSAGES.get(signum, f"stopped by signal {signum}"))
        self.signum = signum

    @property
    def message(self) -> str:
        return str(self)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextmanager
def stopping() -> Iterator[None]:
    """Inside the block, SIGINT, SIGTERM and SIGHUP raise Stopped (in the main thread); the
    handlers before it are back after it (`licex.cli.main` run inside a test process)."""
    global _fork_hook
    for signum in _MESSAGES:
        before = signal.getsignal(signum)
        if before is not signal.SIG_IGN:
            _installed[signum] = before
            signal.signal(signum, _stop)
    if not _fork_hook:
        os.register_at_fork(after_in_child=_restore_defaults)
        _fork_hook = True
    try:
        yield
    finally:
        for signum, before in _installed.items():
            signal.signal(signum, before)
        _installed.clear()


def _stop(signum: int, frame) -> None:
    # From now on a signal kills at once: the exception below may be unwinding slowly.
    for other in _installed:
        signal.signal(other, _kill)
    raise Stopped(signum)


def _kill(signum: int, frame) -> None:
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _restore_defaults() -> None:
    for signum in list(_installed):
        try:
            signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL)
        except ValueError:  # forked from a thread that is not the child's main thread
            pass
