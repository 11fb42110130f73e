"""`licex doccano push|status|pull`: the annotation loop with a doccano server (licex.doccano)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from licex.files.messages import InputError
from licex.cli.console import STDOUT, fail, stderr, stdout
from licex.cli.errors import reported
from licex.cli.extract import loaded_pipeline, pipeline_spec
from licex.cli.tables import spans_table


doccano_app = typer.Typer(help="Annotate in doccano: push pre-annotated licences, check progress, pull the annotations.",
                          no_args_is_help=True)

_DoccanoURL = Annotated[Optional[str], typer.Option("--url", envvar="DOCCANO_URL", show_envvar=True,
                                                    help="doccano server, e.g. http://127.0.0.1:8000.")]
_DoccanoUser = Annotated[Optional[str], typer.Option("--username", envvar="DOCCANO_USERNAME", show_envvar=True,
                                                     help="doccano user (a project admin).")]
_DoccanoPassword = Annotated[Optional[str], typer.Option("--password", envvar="DOCCANO_PASSWORD", show_envvar=True,
                                                         help="doccano password; prefer the variable (a flag shows in the process list).")]
_DoccanoProject = Annotated[str, typer.Option("--project", help="doccano project name.")]
_DoccanoTimeout = Annotated[float, typer.Option("--timeout", min=0, help="Seconds to wait for doccano's import or export task.")]


def _doccano_errors():
    """A doccano problem: one line on stderr and exit status 1 (invalid annotations: one line each, then why)."""
    from licex.doccano import DoccanoError

    return reported((DoccanoError, InputError))


def _doccano_connection(url: str | None, username: str | None, password: str | None):
    from licex.doccano import Connection

    with _doccano_errors():
        return Connection.resolve(url, username, password)


@doccano_app.command("push")
def doccano_push(
    paths: Annotated[list[str], typer.Argument(help="Licence text files or folders (all *.txt below).")],
    project: _DoccanoProject,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Pre-annotate with the rule components only.")] = False,
    model: Annotated[Optional[str], typer.Option("--model", help="Pre-annotate with this pipeline (default: as `licex extract`).")] = None,
    synthetic: Annotated[bool, typer.Option("--synthetic", help="Mark the texts as synthetic (origin meta); real by default.")] = False,
    order: Annotated[str, typer.Option("--order", help="given: in the order of the files; uncertainty: the licences whose records need the most review first.")] = "given",
    timeout: _DoccanoTimeout = 120.0,
    url: _DoccanoURL = None,
    username: _DoccanoUser = None,
    password: _DoccanoPassword = None,
) -> None:
    """Upload licences pre-annotated by the model (entities and clauses); texts already in the project are skipped."""
    from licex.corpus.annotations import ORIGIN_REAL, ORIGIN_SYNTHETIC
    from licex.doccano import PUSH_ORDERS, SCHEME_LABELS, documents_to_push, push_texts

    spec = pipeline_spec(rules_only, model)
    if order not in PUSH_ORDERS:
        fail(f"--order {order}: give {' or '.join(PUSH_ORDERS)}")
        raise typer.Exit(2)
    if "-" in paths:
        fail("stdin has no document id: give files or folders")
        raise typer.Exit(2)
    connection = _doccano_connection(url, username, password)
    documents, errors = documents_to_push(paths)
    for error in errors:
        fail(str(error))
    if errors:
        fail("nothing pushed")
        raise typer.Exit(2)
    nlp = loaded_pipeline(spec)
    with _doccano_errors():
        result = push_texts(connection, project, documents, lambda: nlp, timeout,
                            origin=ORIGIN_SYNTHETIC if synthetic else ORIGIN_REAL, order=order)
    where = f"project {project!r} (id {result.project_id}) at {connection.url}"
    stdout.print(f"created {where} with {len(SCHEME_LABELS)} labels" if result.created else where,
                 soft_wrap=True)
    annotator = "rules only" if spec is None else str(spec)
    if result.uploaded:
        stdout.print(f"uploaded {len(result.uploaded)} document(s), pre-annotated by {annotator}: "
                     f"{result.entities} entities, {result.clauses} clauses"
                     + (f" ({result.dropped_spans} invalid or overlapping spans left out)" if result.dropped_spans else ""),
                     soft_wrap=True)
    else:
        stdout.print("uploaded 0 documents")
    skipped = f"skipped {len(result.skipped_present)} already present"
    if result.skipped_duplicate:
        skipped += f", {len(result.skipped_duplicate)} duplicate text(s) in this push"
    stdout.print(skipped, soft_wrap=True)


@doccano_app.command("status")
def doccano_status(
    project: _DoccanoProject,
    url: _DoccanoURL = None,
    username: _DoccanoUser = None,
    password: _DoccanoPassword = None,
) -> None:
    """Examples, annotated and approved examples, and spans per label of a project."""
    from licex.doccano import project_status

    connection = _doccano_connection(url, username, password)
    with _doccano_errors():
        status = project_status(connection, project)
    stdout.print(f"project {project!r} (id {status.project_id}) at {status.url}: {status.examples} examples, "
                 f"{status.annotated} annotated, {status.approved} approved", soft_wrap=True)
    stdout.print(spans_table(project, status.spans))
    if status.label_problem:
        fail(f"the labels of doccano project {project!r} differ from licex's scheme ({status.label_problem})")
        raise typer.Exit(1)


@doccano_app.command("pull")
def doccano_pull(
    project: _DoccanoProject,
    output: Annotated[Path, typer.Option("-o", "--output", help="Annotation JSONL to write (atomically).")],
    approved_only: Annotated[bool, typer.Option("--approved-only", help="Only examples an annotator marked done.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace OUTPUT even if it changed since the last pull.")] = False,
    timeout: _DoccanoTimeout = 120.0,
    url: _DoccanoURL = None,
    username: _DoccanoUser = None,
    password: _DoccanoPassword = None,
) -> None:
    """Export a project's annotations into licex's format, validated; never overwrites newer annotations."""
    from licex.doccano import pull_annotations

    if str(output) == STDOUT:
        fail("-o -: doccano pull writes a file it compares the next pull with (to never overwrite newer "
             "annotations), not stdout; give a file")
        raise typer.Exit(2)
    connection = _doccano_connection(url, username, password)
    with _doccano_errors():
        result = pull_annotations(connection, project, output, approved_only, force, timeout)
    what = "approved documents" if approved_only else "documents"
    stdout.print(f"{result.documents} {what}, {result.entities} entities, {result.clauses} clauses -> {output}"
                 + (" (doccano unchanged since the last pull)" if result.unchanged else ""), soft_wrap=True)
    comments, commented = result.comments
    if comments:
        stderr.print(f"licex: note: {comments} doccano comment(s) on {commented} document(s) not carried into "
                     f"{output}: licex's annotations hold no comments (read them in doccano)", soft_wrap=True)
    for other, count in result.ids_elsewhere.items():
        stderr.print(f"licex: note: {count} of these documents are also in {other}; a corpus folder holds each "
                     "document once (remove them there, or train on this file alone with --corpus)",
                     soft_wrap=True)
