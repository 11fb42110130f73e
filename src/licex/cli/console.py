"""What the `licex` command prints: one-line errors and warnings on stderr, lines on stdout, and
progress bars; and the meaning of `-` as an output (stdout).

Everything licex prints holds user text (file names, labels, what a server said): rich never
reads it as markup. Styled parts are built as rich Text.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text

from licex.files.messages import one_line

if TYPE_CHECKING:
    from rich.progress import Progress

stdout = Console(markup=False, highlight=False)
stderr = Console(stderr=True, markup=False, highlight=False)


def fail(message: str) -> None:
    """A one-line error on stderr: the file or cause, then what is wrong.

    The message is user text (file names, labels, what a server said): rich never reads it as
    markup, and it is shown as `one_line` shows it: control characters and line breaks as escapes
    (\\n), so a file name cannot hide itself, restyle the line or break it in two.
    """
    say("licex: error: ", "bold red", message)


def tell(message: str) -> None:
    """A line on stdout saying what a command did: the names in it shown as `one_line` shows them."""
    stdout.print(Text(one_line(message)), soft_wrap=True)


def progress_shown(asked: bool | None) -> bool:
    """Whether progress lines go to stderr: as `--progress/--no-progress` asks, else where it is a terminal."""
    return stderr.is_terminal if asked is None else asked


def say(prefix: str, style: str, message: str) -> None:
    stderr.print(Text.assemble((prefix, style), one_line(message)), highlight=False, soft_wrap=True)


class _WarningHandler(logging.Handler):
    """licex's warnings (logger `licex`) as one line each on stderr, like errors."""

    def emit(self, record: logging.LogRecord) -> None:
        say("licex: warning: ", "bold yellow", record.getMessage())


_log = logging.getLogger("licex")
_log.addHandler(_WarningHandler())
_log.propagate = False


STDOUT = "-"


def file_or_stdout(output: Path | None) -> Path | None:
    """`-o -` is stdout (None), as no -o is: not a file named `-`."""
    return None if output is not None and str(output) == STDOUT else output


def folder_output(output: Path, option: str = "-o") -> Path:
    """A folder option: `-` (stdout) cannot hold a folder of files; one line and exit status 2."""
    if str(output) == STDOUT:
        fail(f"{option} -: this command writes a folder of files, not one stream to stdout; give a folder")
        raise typer.Exit(2)
    return output


def progress_bar(total: int, shown: bool | None = None) -> Progress:
    """A bar of `total` steps on stderr, shown where `shown` says (None: where stderr is a terminal)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        # Off unless stderr is a terminal: elsewhere rich would leave a blank line in it (a log, a pipe).
        TimeRemainingColumn(), console=stderr, transient=True, disable=total < 2 or not stderr.is_terminal or shown is False,
    )
