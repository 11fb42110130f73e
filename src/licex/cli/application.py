"""The `licex` application: one typer app holding every command, in the order `licex --help`
lists them, and `main`, the command itself, which turns whatever goes wrong into one line.

Each command imports what it needs when it runs, so `licex --help` and `licex extract` load
neither the evaluation, nor the generator, nor doccano's client.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated

import typer
from typer.core import TyperGroup

from licex.jobs.crash import crash_log, scrubbed
from licex.jobs.extras import MissingExtra, extra_providing
from licex.jobs.signals import Stopped, stopping
from licex.files.stdout import StdoutError, flush_stdout, guarded_stdout
from licex.cli import corpus, doccano, extract, fit, model
from licex.cli.console import fail
from licex.cli.help import clean_help


class _LicexGroup(TyperGroup):
    """The top-level command group: a command that needs an optional extra which is not installed
    ends in one line naming the extra, whichever command it is; every command's help names its
    parameters as click does, without typer's type tags (help.py)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        clean_help(self, self.context_settings.get("help_option_names", ["--help"]))

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MissingExtra as error:
            missing = error
        except ModuleNotFoundError as error:
            extra = extra_providing(error)
            if extra is None:
                raise
            missing = MissingExtra(extra, f"licex {ctx.invoked_subcommand}")
        fail(str(missing))
        raise typer.Exit(2)


app = typer.Typer(
    name="licex",
    cls=_LicexGroup,
    help="Extract structured records from Chinese value-added telecom business licences.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # -h as --help, on the app and (click's contexts inherit it) on every command and group
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(shown: bool) -> None:
    if shown:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("licex")
        except PackageNotFoundError:  # a source tree run without installing it
            installed = "unknown (not installed)"
        typer.echo(f"licex {installed}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", help="Print licex's version and exit.", callback=_version, is_eager=True)] = False,
) -> None:
    """Extract structured records from Chinese value-added telecom business licences."""

# The commands by name, in the order `licex --help` lists them; the groups follow them there.
COMMANDS = {
    "extract": extract.extract,
    "evaluate": model.evaluate,
    "train": model.train_command,
    "schema": extract.schema,
    "convert": corpus.convert,
    "synth": corpus.synth,
    "render": corpus.render,
    "review": extract.review,
    "bench": model.bench_command,
    "package": model.package_command,
}
for name, command in COMMANDS.items():
    app.command(name)(command)
app.add_typer(fit.fit_app, name="fit")
app.add_typer(corpus.corpus_app, name="corpus")
app.add_typer(doccano.doccano_app, name="doccano")


def main() -> None:
    """The `licex` command: no traceback reaches the user; an unexpected error prints one line
    and the path of a log file that holds the traceback (crash.py: never the command line). A
    signal that stops it (signals.py) prints one line too, once what it was writing is cleaned up;
    so does stdout that cannot be written (stdout.py), whichever command wrote it."""
    with stopping(), guarded_stdout():
        try:
            _run_app()
        except Stopped as stopped:
            fail(stopped.message)
            sys.exit(stopped.exit_code)
        except KeyboardInterrupt:  # raised by code of its own (signals.py raises Stopped)
            fail("interrupted")
            sys.exit(130)
        except StdoutError as error:
            fail(f"cannot write to stdout: {error}")
            sys.exit(1)
        except BrokenPipeError:  # `licex extract ... | head`: the reader is gone, nothing to say
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (Python flushes stderr at exit)
            sys.exit(1)
        except Exception as error:  # noqa: BLE001 (the last resort: every error gets its line)
            log = crash_log(traceback.format_exc())
            fail(scrubbed(f"unexpected error: {_described(error)}")
                 + (f" (the traceback is in {log})" if log else ""))
            sys.exit(70)


def _run_app() -> None:
    """The command, then a flush of what it left in stdout's buffer: a full disk may show only there."""
    try:
        app()
    except SystemExit:
        flush_stdout()
        raise
    flush_stdout()


def _described(error: BaseException) -> str:
    """`Type: message`, whatever the exception's __str__ does."""
    try:
        return f"{type(error).__name__}: {error}"
    except Exception:  # noqa: BLE001 (an exception whose message cannot be made)
        return type(error).__name__
