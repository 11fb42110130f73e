"""The annotation loop with a doccano 1.8 server: push pre-annotated licences, pull corrected annotations.

- `push.push_texts` creates the project when it is missing (sequence labelling, overlapping spans
  allowed, annotations shared by all users, every entity and clause label of `labels.py` as a
  span type with a colour of its own; the label definitions go into the project guideline, since
  doccano's span types have no description), and uploads the texts not yet in the project,
  pre-annotated by a pipeline, through doccano's dataset import (one JSONL upload and one import
  task). A text is known by the SHA-256 of its content, stored in the example's meta
  (`licex_sha256`) with the document id (`licex_id`, the file stem).
- `pull.pull_annotations` runs doccano's export task, converts every span back (entity labels to
  `label`, clause labels to `clauses`), validates the result with the corpus checks and writes
  it atomically. It never overwrites a file changed since the last pull: a sidecar
  `.FILE.pull.json` records what the last pull wrote.
- `status.project_status` counts examples, annotated and approved (confirmed) examples, spans per label.

One module a job: `connection` (URL, user, password), `http` (the guarded session: this server
only, a deadline per request, a cap on every answer), `client` (the logged-in session and what it
asks of doccano), `secret` (the password in any spelling a server may echo), `meta` (what a push
writes into an example and its checks), `project` (the label scheme in doccano, a project's
set-up and checks), `push`, `export` (an export's zip and its conversion into annotations),
`pull`, `status`.

The password is used for the login request only: it never reaches a URL, a file, another host
(no proxy either) or a message. A server may echo it anywhere, in any spelling (`secret`):
every message is scrubbed of it, and a pull refuses an example that holds it rather than write
it. What a push wrote into an example's metadata (`licex_id`, `licex_sha256`, `origin`) is
checked as it is read back. Whatever a server answers, a failure is a one-line DoccanoError.
"""

from licex.doccano.client import DoccanoClient
from licex.doccano.connection import Connection
from licex.doccano.export import convert_export
from licex.doccano.http import DoccanoError
from licex.doccano.project import SCHEME_LABELS, label_colours, label_differences, label_guideline
from licex.doccano.pull import pull_annotations, sidecar_path
from licex.doccano.push import PUSH_ORDERS, documents_to_push, push_texts
from licex.doccano.status import project_status

__all__ = ["PUSH_ORDERS", "SCHEME_LABELS", "Connection", "DoccanoClient", "DoccanoError", "convert_export",
           "documents_to_push", "label_colours", "label_differences", "label_guideline", "project_status",
           "pull_annotations", "push_texts", "sidecar_path"]
