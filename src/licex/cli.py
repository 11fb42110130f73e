"""The `licex` command line: one typer app, each command a thin shell over an importable function."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from .inputs import InputError, atomic_writer, collect_inputs

app = typer.Typer(
    name="licex",
    help="Extract structured records from Chinese value-added telecom business licences.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
stdout = Console()
stderr = Console(stderr=True)


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


def fail(message: str) -> None:
    """A one-line error on stderr: the file or cause, then what is wrong."""
    stderr.print(f"[bold red]licex: error:[/] {message}", highlight=False, soft_wrap=True)


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Licence text files, folders (all *.txt below), or - for stdin.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here (atomically) instead of stdout.")] = None,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Use only the rule components, no trained model.")] = False,
    model: Annotated[Optional[str], typer.Option("--model", help="A trained pipeline: a folder or an installed package.")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="jsonl: a record a line; json: one array; table: a summary.")] = OutputFormat.jsonl,
) -> None:
    """Extract one validated JSON record per licence."""
    from .pipeline import extract_records, load_pipeline

    if rules_only and model:
        fail("--rules-only and --model exclude each other")
        raise typer.Exit(2)
    sources, errors = collect_inputs(paths)
    for error in errors:
        fail(str(error))
    failed = bool(errors)
    nlp = load_pipeline(None if rules_only else model)

    def readable() -> Iterator[tuple[str, str]]:
        nonlocal failed
        for source in sources:
            try:
                yield source.name, source.read()
            except InputError as error:
                fail(str(error))
                failed = True
            progress.advance(task)

    records = []
    with _progress(len(sources)) as progress:
        task = progress.add_task("extracting", total=len(sources))
        for source, record in extract_records(nlp, readable()):
            if record.is_empty():
                fail(f"{source}: no licence found (no licence number, company, business or clause)")
                failed = True
                continue
            records.append(record.to_json_dict())
    if records or not failed:
        _write_records(records, output, output_format)
    elif output is not None:
        # Nothing was extracted: an earlier output file is worth more than an empty one.
        fail(f"{output}: not written, no licence was extracted")
    raise typer.Exit(1 if failed else 0)


def _progress(total: int) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeRemainingColumn(), console=stderr, transient=True, disable=total < 2,
    )


def _write_records(records: list[dict], output: Path | None, output_format: OutputFormat) -> None:
    if output_format is OutputFormat.table:
        text = None
    elif output_format is OutputFormat.json:
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    else:
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    if output is None:
        if text is None:
            stdout.print(_records_table(records))
        else:
            sys.stdout.write(text)
        return
    with atomic_writer(output) as handle:
        if text is None:
            Console(file=handle, width=160, no_color=True).print(_records_table(records))
        else:
            handle.write(text)


def _records_table(records: list[dict]) -> Table:
    table = Table(title=f"{len(records)} licence(s)")
    for column in ("source", "licence no", "company", "businesses", "issued", "expires", "clauses"):
        table.add_column(column)
    for r in records:
        table.add_row(
            r["source"], r["license_no"] or "—", r["company_name"] or "—",
            " ".join(b["code"] or "?" for b in r["businesses"]) or "—",
            r["issue_date"] or "—", r["expiry_date"] or "—", str(len(r["clauses"])),
        )
    return table


@app.command()
def evaluate(
    predictions: Annotated[Path, typer.Argument(help="Predicted records (JSONL, as `licex extract` writes).")],
    gold: Annotated[Path, typer.Option("--gold", help="Folder of gold *.record.json files.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Per-field accuracy of predicted records against gold records, clause-label accuracy, and the misses."""
    from . import evaluate as evaluation

    try:
        report = evaluation.evaluate(evaluation.load_gold_dir(gold), evaluation.load_predictions(predictions))
    except InputError as error:
        fail(str(error))
        raise typer.Exit(2)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    stdout.print(evaluation.render_table(report))
    if report.misses:
        stdout.print(evaluation.render_misses(report))
    if report.unmatched:
        stderr.print(f"predictions without gold (not scored): {', '.join(report.unmatched)}")


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the schema here.")] = None,
) -> None:
    """Print the JSON Schema of the licence record."""
    from .record import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        with atomic_writer(output) as handle:
            handle.write(text)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
