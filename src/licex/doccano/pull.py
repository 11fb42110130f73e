"""Pull: a doccano project's annotations exported, converted, validated and written atomically.

It never overwrites a file changed since the last pull: a sidecar `.FILE.pull.json` records what
the last pull wrote.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import srsly

from licex.files import jsonl
from licex.files.messages import InputError
from licex.files.outputs import atomic_write_text
from licex.doccano.client import DEFAULT_TIMEOUT, DoccanoClient
from licex.doccano.connection import Connection, scrubbed
from licex.doccano.export import comment_counts, convert_lines, export_member, export_rows
from licex.doccano.http import DoccanoError
from licex.doccano.project import check_project


@dataclass
class PullResult:
    project: str
    path: Path
    documents: int
    entities: int
    clauses: int
    approved_only: bool
    unchanged: bool  # the export equals the last pull's
    ids_elsewhere: dict[str, int] = field(default_factory=dict)  # other *.jsonl of the folder -> shared ids
    # (comments, examples holding them) of the export, which licex's annotations have no place for
    comments: tuple[int, int] = (0, 0)


def _ids_elsewhere(output: Path, ids: set[str]) -> dict[str, int]:
    """How many of `ids` each other annotation file beside `output` also holds: a corpus folder
    must not hold a document twice (training and evaluation of the folder would refuse it)."""
    shared = {}
    for other in sorted(output.parent.glob("*.jsonl")):
        if other.resolve() == output.resolve():
            continue
        try:
            lines = [line for _, line in jsonl.numbered_lines(jsonl.read_text(other))]
        except InputError:
            continue
        count = 0
        for line in lines:
            try:
                count += str(srsly.json_loads(line).get("id")) in ids
            except (ValueError, AttributeError):
                continue
        if count:
            shared[str(other)] = count
    return shared


def sidecar_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.pull.json")


def _file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_target(path: Path, project: str, force: bool) -> dict[str, Any] | None:
    """The last pull's record; refuses (DoccanoError) to replace annotations a pull did not write
    or that changed on disk since the last pull. `force` skips the check."""
    path = Path(path)
    sidecar = sidecar_path(path)
    record = None
    if sidecar.exists():
        try:
            record = json.loads(sidecar.read_text("utf-8"))
        except (OSError, ValueError):
            record = None
    if force or not path.exists():
        return record
    if record is None:
        raise DoccanoError(f"{path}: exists and was not written by `licex doccano pull` (no {sidecar.name}); "
                           "not overwritten (pull into a new file, or use --force to replace it)")
    if record.get("project") != project:
        raise DoccanoError(f"{path}: was pulled from doccano project {record.get('project')!r}, not {project!r}; "
                           "not overwritten (use --force to replace it)")
    if _file_sha256(path) != record.get("file_sha256"):
        raise DoccanoError(f"{path}: changed on disk since the last pull ({record.get('pulled_at')}); "
                           "not overwritten, the changes would be lost (use --force to replace it)")
    return record


@scrubbed
def pull_annotations(
    connection: Connection,
    project: str,
    output: Path,
    approved_only: bool = False,
    force: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> PullResult:
    """Export `project`, convert and validate it, and write `output` atomically (with its sidecar).

    Nothing is written unless every document converts; `output` is never replaced when it
    changed since the last pull (unless `force`).
    """
    output = Path(output)
    check_target(output, project, force)  # fail before the export when we would refuse anyway
    client = DoccanoClient(connection)
    info = client.require_project(project)
    check_project(client, info, for_push=False)
    data = export_member(client.export_jsonl(info["id"], approved_only, timeout), project)
    # Once the export is read: the corpus module imports spaCy (seconds).
    from licex.corpus.annotations import AnnotationError, write_annotations

    try:
        examples, export_sha = convert_lines(data, project, connection.password)
    except AnnotationError as error:
        raise DoccanoError(f"{output}: not written, {len(error.problems)} problem(s) in the annotations of "
                           f"doccano project {project!r}", error.problems) from None
    if not examples:
        raise DoccanoError(f"doccano project {project!r} has no {'approved ' if approved_only else ''}documents; "
                           f"{output} not written")
    record = check_target(output, project, force)  # again: the file may have changed meanwhile
    unchanged = bool(record and record.get("export_sha256") == export_sha and output.exists())
    write_annotations(output, examples)
    atomic_write_text(sidecar_path(output), json.dumps({
        "project": project,
        "url": connection.url,
        "pulled_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "approved_only": approved_only,
        "documents": len(examples),
        "export_sha256": export_sha,
        "file_sha256": _file_sha256(output),
    }, indent=2) + "\n")
    return PullResult(project, output, len(examples), sum(len(e.entities) for e in examples),
                      sum(len(e.clauses) for e in examples), approved_only, unchanged,
                      _ids_elsewhere(output, {str(e.id) for e in examples}), comment_counts(export_rows(data, project)))
