"""Errors as the `licex` command reports them: the problems they list, one line each on stderr,
and an exit status."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer

from licex.files.messages import InputError, one_line, os_cause
from licex.cli.console import fail


@contextmanager
def reported(kinds: tuple[type[Exception], ...]) -> Iterator[None]:
    """Errors of these kinds become lines on stderr and exit status 1: the problems they list
    (`file:line: what`, one a line), then their message where it says more than the problems."""
    try:
        yield
    except kinds as error:
        if isinstance(error, OSError):  # worded as licex words every file problem: `file: cause`
            error = InputError(one_line(str(error.filename or "licex")), os_cause(error))
        problems = list(getattr(error, "problems", []))
        message_is_the_problems = bool(problems) and str(error).startswith(problems[0])
        for line in problems if message_is_the_problems else [*problems, str(error)]:
            fail(line)
        raise typer.Exit(1)


def corpus_errors():
    """Corpus problems (invalid annotations, unreadable or unwritable files): their lines, exit status 1."""
    from licex.corpus.annotations import AnnotationError

    return reported((AnnotationError, InputError))
