"""Status: a doccano project's examples, annotated and approved examples, and spans per label."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from licex.doccano.client import DoccanoClient
from licex.doccano.connection import Connection, scrubbed
from licex.doccano.project import check_type, label_differences
from licex.doccano.secret import MASK, scrub


@dataclass
class ProjectStatus:
    project: str
    project_id: int
    url: str
    examples: int
    annotated: int  # with at least one span, or confirmed
    approved: int  # confirmed (marked done) by an annotator
    spans: dict[str, int]  # per label, every label of the project
    label_problem: str | None  # how the project's labels differ from the scheme


@scrubbed
def project_status(connection: Connection, project: str) -> ProjectStatus:
    client = DoccanoClient(connection)
    info = client.require_project(project)
    check_type(info, project)
    # The label names are shown, as a table: none may be the password a server was sent.
    types = {scrub(name, connection.password, withheld=MASK): type_id
             for name, type_id in client.span_types(info["id"]).items()}
    names = {type_id: name for name, type_id in types.items()}
    counts: Counter[str] = Counter({name: 0 for name in types})
    total = annotated = approved = 0
    for example in client.examples(info["id"]):
        labels = client.span_labels(info["id"], example.id)
        total += 1
        approved += example.confirmed
        annotated += bool(labels) or example.confirmed
        counts.update(names.get(label, f"#{label}") for label in labels)
    return ProjectStatus(project, info["id"], connection.url, total, annotated, approved, dict(counts),
                         label_differences(list(types)))
