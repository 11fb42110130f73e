"""The annotation loop with a doccano 1.8 server: push pre-annotated licences, pull corrected annotations.

- `push_texts` creates the project when it is missing (sequence labelling, overlapping spans
  allowed, annotations shared by all users, every entity and clause label of `labels.py` as a
  span type with a colour of its own; the label definitions go into the project guideline, since
  doccano's span types have no description), and uploads the texts not yet in the project,
  pre-annotated by a pipeline, through doccano's dataset import (one JSONL upload and one import
  task). A text is known by the SHA-256 of its content, stored in the example's meta
  (`licex_sha256`) with the document id (`licex_id`, the file stem).
- `pull_annotations` runs doccano's export task, converts every span back (entity labels to
  `label`, clause labels to `clauses`), validates the result with the corpus checks and writes
  it atomically. It never overwrites a file changed since the last pull: a sidecar
  `.FILE.pull.json` records what the last pull wrote.
- `project_status` counts examples, annotated and approved (confirmed) examples, spans per label.

doccano-client 1.1 (the version that installs beside pydantic 2) logs in and keeps the session
(`doccano_client.beta.DoccanoClient`), creates projects and span types and lists examples and
spans; the dataset import, the export task and project lookup by name use its session directly
(its `get_doc_download` calls an endpoint 1.8 no longer has, and its project listing fails on
projects of types it does not know).

The password is used for the login request only: it never reaches a URL, a file, or a message
(every error text is scrubbed of it).
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import json
import math
import os
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests
import srsly
from requests.adapters import HTTPAdapter

from . import jsonl
from .inputs import InputError, atomic_write_text
from .labels import CLAUSE_LABELS, CLAUSES_KEY, ENTITY_LABELS

if TYPE_CHECKING:  # the corpus module imports spaCy: status and failed logins do without it
    from .corpus.annotations import AnnotatedText

URL_ENV, USERNAME_ENV, PASSWORD_ENV = "DOCCANO_URL", "DOCCANO_USERNAME", "DOCCANO_PASSWORD"
META_ID = "licex_id"
META_SHA = "licex_sha256"
META_ORIGIN = "origin"
META_REVIEW = "needs_review"
PUSH_ORDERS = ("given", "uncertainty")
SCHEME_LABELS: tuple[str, ...] = (*ENTITY_LABELS, *CLAUSE_LABELS)
DEFAULT_TIMEOUT = 120.0  # seconds for an import or export task
HTTP_TIMEOUT = 60.0  # seconds for one request
_POLL_SECONDS = 0.5


class DoccanoError(Exception):
    """Anything that stops a push, pull or status; the message is one line, fit for the user.

    `problems` lists the corpus problems (`where: what`, one a line) when pulled annotations fail
    validation.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


# -- connection ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Connection:
    url: str
    username: str
    password: str = field(repr=False)

    @classmethod
    def resolve(cls, url: str | None = None, username: str | None = None,
                password: str | None = None) -> "Connection":
        """Settings from the arguments, else $DOCCANO_URL, $DOCCANO_USERNAME, $DOCCANO_PASSWORD."""
        url = url or os.environ.get(URL_ENV)
        username = username or os.environ.get(USERNAME_ENV)
        password = password if password is not None else os.environ.get(PASSWORD_ENV)
        missing = [what for what, value in (("URL", url), ("USERNAME", username), ("PASSWORD", password))
                   if not value]
        if missing:
            raise DoccanoError("no doccano " + ", ".join(missing).lower() + ": set "
                               + ", ".join(f"DOCCANO_{m}" for m in missing) + " or give "
                               + ", ".join(f"--{m.lower()}" for m in missing))
        parts = urlsplit(url)
        if "@" in parts.netloc:
            # Credentials in a URL end up in logs and messages; they belong in the variables.
            raise DoccanoError("the doccano URL must not contain credentials: use DOCCANO_USERNAME and DOCCANO_PASSWORD")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise DoccanoError(f"doccano URL {url!r} is not an http(s) URL")
        return cls(url.rstrip("/"), username, password)


class _TimeoutAdapter(HTTPAdapter):
    """Every request gets a timeout, so a server that hangs cannot hang licex."""

    def send(self, request, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = HTTP_TIMEOUT
        return super().send(request, **kwargs)


class DoccanoClient:
    """A logged-in session with one doccano server; every failure becomes a scrubbed DoccanoError."""

    def __init__(self, connection: Connection) -> None:
        from doccano_client.beta import DoccanoClient as BetaClient
        from doccano_client.beta.utils.response import DoccanoAPIError

        self.connection = connection
        self.url = connection.url
        self.api = f"{connection.url}/v1"
        self._client = BetaClient(connection.url)
        self.session: requests.Session = self._client.client_session
        adapter = _TimeoutAdapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        try:
            self._client.login(connection.username, connection.password)
        except DoccanoAPIError as error:
            status = error.response.status_code
            if status in (400, 401, 403):
                raise DoccanoError(f"doccano at {self.url} refused the login of {connection.username!r}: "
                                   "wrong username or password") from None
            raise DoccanoError(self._scrub(f"login at {self.url} failed: HTTP {status}")) from None
        except requests.exceptions.JSONDecodeError:
            raise DoccanoError(f"{self.url} does not answer like a doccano server (login gave no JSON)") from None
        except requests.RequestException as error:
            raise self._network_error(error) from None

    # Every message passes here: the password never reaches the user, whatever a server echoes.
    def _scrub(self, text: str) -> str:
        password = self.connection.password
        return text.replace(password, "***") if password else text

    def _network_error(self, error: requests.RequestException) -> DoccanoError:
        if isinstance(error, requests.ConnectionError) and not isinstance(error, requests.Timeout):
            return DoccanoError(f"cannot reach doccano at {self.url}: connection refused or host unknown")
        if isinstance(error, requests.Timeout):
            return DoccanoError(f"doccano at {self.url} did not answer in time")
        return DoccanoError(self._scrub(f"request to doccano at {self.url} failed: {type(error).__name__}"))

    def call(self, what: str, method: str, path: str, expect: tuple[int, ...] = (200, 201, 204),
             **kwargs) -> requests.Response:
        """One request to `path` (below /v1, or an absolute URL); `what` names it in errors."""
        url = path if path.startswith("http") else f"{self.api}/{path.lstrip('/')}"
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.RequestException as error:
            raise self._network_error(error) from None
        if response.status_code not in expect:
            raise DoccanoError(self._scrub(f"{what}: doccano answered HTTP {response.status_code}"
                                           f"{_detail(response)}"))
        return response

    def json(self, what: str, method: str, path: str, keys: dict[str, type] | None = None, **kwargs) -> dict[str, Any]:
        """The JSON object of an answer; each of `keys` must be there with its type (a server that
        speaks JSON but is not doccano fails here, in one line, not later in a KeyError)."""
        response = self.call(what, method, path, **kwargs)
        try:
            data = response.json()
        except ValueError:
            raise DoccanoError(f"{what}: doccano's answer is not JSON (is {self.url} a doccano 1.8 server?)") from None
        if not isinstance(data, dict):
            raise self._not_doccano(what, f"{jsonl.json_type(data)} instead of an object")
        for key, kind in (keys or {}).items():
            if not isinstance(data.get(key), kind):
                raise self._not_doccano(what, f"{key!r} is {jsonl.json_type(data.get(key))}")
        return data

    def _not_doccano(self, what: str, found: str) -> DoccanoError:
        return DoccanoError(f"{what}: {self.url} does not answer like a doccano 1.8 server ({found})")

    def guarded(self, what: str, action: Callable[[], Any]) -> Any:
        """Run a doccano_client call, turning its exceptions into DoccanoError."""
        from doccano_client.beta.utils.response import DoccanoAPIError

        try:
            return action()
        except DoccanoAPIError as error:
            raise DoccanoError(self._scrub(f"{what}: doccano answered HTTP {error.response.status_code}"
                                           f"{_detail(error.response)}")) from None
        except requests.exceptions.JSONDecodeError:
            raise DoccanoError(f"{what}: doccano's answer is not JSON (is {self.url} a doccano 1.8 server?)") from None
        except requests.RequestException as error:
            raise self._network_error(error) from None
        except (KeyError, TypeError, AttributeError, ValueError) as error:  # pydantic's errors are ValueErrors
            raise self._not_doccano(what, f"{type(error).__name__} reading its answer") from None

    # -- projects and labels

    def find_project(self, name: str) -> dict[str, Any] | None:
        """The project named `name` that this user can see, or None; several of that name fail."""
        found = []
        url: str | None = f"{self.api}/projects"
        params: dict[str, Any] | None = {"search": name, "limit": 100}
        while url:
            page = self.json(f"listing projects at {self.url}", "GET", url, keys={"results": list}, params=params)
            if not all(isinstance(p, dict) for p in page["results"]):
                raise self._not_doccano(f"listing projects at {self.url}", "a project that is not an object")
            found += [p for p in page["results"] if p.get("name") == name]
            url, params = page.get("next"), None
        if len(found) > 1:
            ids = ", ".join(str(p["id"]) for p in found)
            raise DoccanoError(f"doccano at {self.url} has {len(found)} projects named {name!r} (ids {ids}); rename all but one")
        return found[0] if found else None

    def require_project(self, name: str) -> dict[str, Any]:
        project = self.find_project(name)
        if project is None:
            raise DoccanoError(f"no doccano project named {name!r} at {self.url} (that user {self.connection.username!r} can see)")
        return project

    def create_project(self, name: str) -> dict[str, Any]:
        from doccano_client.beta.models.projects import Project, ProjectTypes

        spec = Project(name=name, description="Chinese value-added telecom business licences (licex)",
                       project_type=ProjectTypes.SEQUENCE_LABELING, guideline=label_guideline(),
                       collaborative_annotation=True, allow_overlapping=True, grapheme_mode=False)
        created = self.guarded(f"creating project {name!r}", lambda: self._client.projects.create(spec))
        return self.json(f"reading project {name!r}", "GET", f"projects/{created.id}")

    def delete_project(self, project_id: int) -> None:
        self.call("deleting project", "DELETE", f"projects/{project_id}")

    def span_types(self, project_id: int) -> dict[str, int]:
        """Label text -> span type id."""
        controller = self._project_controller(project_id)
        return self.guarded("listing the project's labels",
                            lambda: {t.span_type.text: t.id for t in controller.span_types.all()})

    def create_span_types(self, project_id: int, names: Sequence[str]) -> None:
        from doccano_client.beta.models.span_type import SpanType

        controller = self._project_controller(project_id)
        colours = label_colours()
        for name in names:
            background = colours[name]
            span_type = SpanType(text=name, background_color=background, text_color=_text_colour(background))
            self.guarded(f"creating label {name}", lambda: controller.span_types.create(span_type))

    def _project_controller(self, project_id: int):
        from doccano_client.beta.controllers.project import ProjectController
        from doccano_client.beta.models.projects import Project, ProjectTypes

        # The project record is not needed for span types, examples and spans: no extra request.
        return ProjectController(project=Project(name="", description="", project_type=ProjectTypes.SEQUENCE_LABELING),
                                 id=project_id, projects_url=f"{self.api}/projects", client_session=self.session)

    # -- examples and spans

    def examples(self, project_id: int) -> Iterator[Any]:
        """ExampleControllers of doccano_client (id, example.text, example.meta, example.is_confirmed)."""
        controller = self._project_controller(project_id)
        iterator = iter(controller.examples.all())
        while True:
            example = self.guarded("listing the project's examples", lambda: next(iterator, None))
            if example is None:
                return
            yield example

    def spans(self, example) -> list[Any]:
        return self.guarded(f"listing the spans of example {example.id}", lambda: list(example.spans.all()))

    # -- import and export tasks

    def wait_task(self, task_id: str, what: str, timeout: float) -> Any:
        """The result of a celery task, polled until ready; fails on task errors and on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.task_status(task_id)
            if status.get("ready"):
                if status.get("error"):
                    text = status["error"].get("text") if isinstance(status["error"], dict) else status["error"]
                    raise DoccanoError(self._scrub(f"{what} failed in doccano: {_one_line(str(text))}"))
                return status.get("result")
            if time.monotonic() >= deadline:
                raise DoccanoError(f"{what} did not finish within {timeout:g} s (is doccano's task worker, "
                                   "`doccano task`, running? raise --timeout for large projects)")
            time.sleep(min(_POLL_SECONDS, max(0.0, deadline - time.monotonic())) or 0.01)

    def task_status(self, task_id: str) -> dict[str, Any]:
        return self.json("polling a doccano task", "GET", f"tasks/status/{task_id}")

    def import_jsonl(self, project_id: int, data: bytes, timeout: float) -> None:
        """doccano's dataset import: upload one JSONL file, run the import task, check its errors."""
        upload = self.call("uploading the documents", "POST", "fp/process/",
                           files={"filepond": ("licex-push.jsonl", data, "application/octet-stream")},
                           headers={"content-type": None, "accept": "*/*"})
        upload_id = upload.text.strip()
        started = self.json("starting the import task", "POST", f"projects/{project_id}/upload", keys={"task_id": str}, json={
            "uploadIds": [upload_id], "format": "JSONL", "task": "SequenceLabeling",
            "column_data": "text", "column_label": "label", "delimiter": "", "encoding": "utf_8",
        })
        result = self.wait_task(started["task_id"], "the import task", timeout)
        errors = (result or {}).get("error") or []
        if errors:
            first = errors[0]
            raise DoccanoError(f"doccano's import reported {len(errors)} error(s), e.g. line "
                               f"{first.get('line', '?')}: {_one_line(str(first.get('message', first)))}")

    def export_jsonl(self, project_id: int, approved_only: bool, timeout: float) -> bytes:
        """doccano's export task: the zip of JSONL files it writes."""
        started = self.json("starting the export task", "POST", f"projects/{project_id}/download",
                            keys={"task_id": str}, json={"format": "JSONL", "exportApproved": approved_only})
        task_id = started["task_id"]
        self.wait_task(task_id, "the export task", timeout)
        response = self.call("downloading the export", "GET", f"projects/{project_id}/download",
                             params={"taskId": task_id}, headers={"accept": "*/*"})
        if not response.content.startswith(b"PK"):
            raise DoccanoError(f"the export of doccano at {self.url} is not a zip file ({_detail(response)[2:] or 'empty'})")
        return response.content


def _detail(response: requests.Response) -> str:
    """': what the server said', short and on one line (JSON detail, else the start of the body)."""
    try:
        data = response.json()
    except ValueError:
        text = response.text.strip()
        if text.lower().startswith(("<!doctype", "<html")):
            return ""
        return f": {_one_line(text)[:200]}" if text else ""
    if isinstance(data, dict):
        data = data.get("detail", data)
    return f": {_one_line(json.dumps(data, ensure_ascii=False) if not isinstance(data, str) else data)[:300]}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- the label scheme in doccano -----------------------------------------------------------------


def label_colours() -> dict[str, str]:
    """A distinct background colour per label: entities in strong hues, clauses in lighter ones."""
    colours: dict[str, str] = {}
    for names, lightness, saturation in ((list(ENTITY_LABELS), 0.45, 0.75), (list(CLAUSE_LABELS), 0.72, 0.55)):
        for i, name in enumerate(names):
            hue = (i * 0.618033988749895) % 1.0  # golden-ratio steps spread hues evenly
            r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
            colour = "#{:02x}{:02x}{:02x}".format(round(r * 255), round(g * 255), round(b * 255))
            while colour in colours.values():  # never two labels with one colour
                colour = "#{:06x}".format((int(colour[1:], 16) + 0x010101) % 0x1000000)
            colours[name] = colour
    return colours


def _text_colour(background: str) -> str:
    r, g, b = (int(background[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def most_review_first(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Example lines with the most `needs_review` flags first (a stable sort: ties keep their order)."""
    return sorted(lines, key=lambda line: -len(line.get(META_REVIEW) or []))


def label_guideline() -> str:
    """The project guideline: every label with its definition (doccano span types carry none)."""
    lines = ["# licex annotation guideline", "",
             "Mark field values as entities and every clause of 特别规定事项 with a clause label. "
             "A clause may contain an entity (a page-header licence number): spans may overlap "
             "across the two kinds, never within one. The full guide is corpus/README.md of licex.", "",
             "## Where to look first", "",
             "Each example's metadata lists under `needs_review` the fields the pre-annotating model "
             "could not trust, each with its reason (`license_no: the pages print different numbers`, "
             "`expiry_date: not found: every licence prints it`). Check those fields first: their "
             "spans are the likeliest to be wrong or missing. Pushed with `--order uncertainty`, the "
             "licences that need the most review come first.", "",
             "## Entities", "", "| label | field | what to mark |", "|---|---|---|"]
    lines += [f"| {e.name} | {e.field} | {e.definition} |" for e in ENTITY_LABELS.values()]
    lines += ["", "## Clauses", "", "| label | obligation |", "|---|---|"]
    lines += [f"| {name} | {definition} |" for name, definition in CLAUSE_LABELS.items()]
    return "\n".join(lines) + "\n"


def label_differences(names: Sequence[str]) -> str | None:
    """What differs between a project's labels and the scheme, or None when they are the same."""
    extra = [n for n in names if n not in SCHEME_LABELS]
    missing = [n for n in SCHEME_LABELS if n not in names]
    if not extra and not missing:
        return None
    parts = []
    if extra:
        parts.append("not in licex's scheme: " + ", ".join(sorted(extra)))
    if missing:
        parts.append("missing: " + ", ".join(missing))
    return "; ".join(parts)


def _check_project(client: DoccanoClient, project: dict[str, Any], for_push: bool) -> dict[str, int]:
    """The project's span types, after checking its type, settings and labels against the scheme."""
    name = project["name"]
    if project.get("project_type") != "SequenceLabeling":
        raise DoccanoError(f"doccano project {name!r} is a {project.get('project_type')} project, not sequence labelling")
    if not project.get("collaborative_annotation"):
        raise DoccanoError(f"doccano project {name!r} does not share annotations among users: turn on "
                           "'Share annotations across all users' in its settings (licex reads one shared set)")
    if for_push and not project.get("allow_overlapping"):
        raise DoccanoError(f"doccano project {name!r} does not allow overlapping spans: turn on 'Allow overlapping "
                           "spans' in its settings (a clause may contain a licence number)")
    types = client.span_types(project["id"])
    if for_push and not types:
        return types  # a project made in the web UI without labels: push adds them
    problem = label_differences(list(types))
    if problem:
        raise DoccanoError(f"the labels of doccano project {name!r} differ from licex's scheme ({problem}); "
                           "make them equal in doccano or change src/licex/labels.py")
    return types


# -- push ----------------------------------------------------------------------------------------


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class PushResult:
    project: str
    project_id: int
    created: bool
    uploaded: list[str]  # document ids
    skipped_present: list[str]  # already in the project (same text)
    skipped_duplicate: list[str]  # the same text given twice in this push
    entities: int = 0
    clauses: int = 0
    dropped_spans: int = 0  # pre-annotations that overlapped another of their kind


def push_texts(
    connection: Connection,
    project: str,
    documents: Sequence[tuple[str, str]],
    pipeline: Callable[[], Any],
    timeout: float = DEFAULT_TIMEOUT,
    origin: str = "real",
    order: str = "given",
) -> PushResult:
    """Upload (document id, text) pairs not yet in `project`, pre-annotated by `pipeline()` (a
    spaCy Language, built only when there is something to upload). `origin` goes into each
    example's meta: "real" or "synthetic"; so do the record's `needs_review` flags, as
    `field: reason` lines. `order`: "given", or "uncertainty" (the licences whose records need
    the most review first: doccano lists examples in the order they arrive)."""
    if order not in PUSH_ORDERS:
        raise DoccanoError(f"unknown push order {order!r}: {' or '.join(PUSH_ORDERS)}")
    by_id: dict[str, str] = {}
    for doc_id, text in documents:
        if doc_id in by_id and by_id[doc_id] != text:
            raise DoccanoError(f"two different texts have the document id {doc_id!r} (the file name without .txt); rename one")
        by_id.setdefault(doc_id, text)

    client = DoccanoClient(connection)
    info = client.find_project(project)
    created = info is None
    if created:
        info = client.create_project(project)
        types: dict[str, int] = {}
    else:
        types = _check_project(client, info, for_push=True)
    try:
        if not types:
            client.create_span_types(info["id"], SCHEME_LABELS)
        present: dict[str, tuple[str, int]] = {}  # sha -> (licex id, example id)
        ids_present: dict[str, str] = {}  # licex id -> sha
        if not created:
            for example in client.examples(info["id"]):
                meta = example.example.meta or {}
                sha = meta.get(META_SHA) or text_sha256(example.example.text)
                present.setdefault(sha, (str(meta.get(META_ID, "")), example.id))
                if meta.get(META_ID) is not None:
                    ids_present[str(meta[META_ID])] = sha
        result = PushResult(project, info["id"], created, [], [], [])
        new: list[tuple[str, str, str]] = []  # (id, text, sha)
        seen: set[str] = set()
        conflicts = []
        for doc_id, text in documents:
            sha = text_sha256(text)
            if sha in present:
                result.skipped_present.append(doc_id)
            elif sha in seen:
                result.skipped_duplicate.append(doc_id)
            elif doc_id in ids_present:
                conflicts.append(doc_id)
            else:
                seen.add(sha)
                new.append((doc_id, text, sha))
        if conflicts:
            raise DoccanoError(f"project {project!r} already has a different text with the id(s) "
                               f"{', '.join(conflicts)}; delete those examples in doccano or rename the files")
        if new:
            nlp = pipeline()
            lines = []
            for (doc_id, text, sha), doc in zip(new, nlp.pipe(text for _, text, _ in new)):
                entities, dropped_e = _valid_spans(doc, [(e.start_char, e.end_char, e.label_) for e in doc.ents])
                clauses, dropped_c = _valid_spans(
                    doc, [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(CLAUSES_KEY, [])])
                unknown = {label for *_, label in entities + clauses if label not in SCHEME_LABELS}
                if unknown:
                    raise DoccanoError(f"the pipeline predicts labels that are not in licex's scheme: {', '.join(sorted(unknown))}")
                result.entities += len(entities)
                result.clauses += len(clauses)
                result.dropped_spans += dropped_e + dropped_c
                flags = (doc._.license_record or {}).get("needs_review") or []
                lines.append({"text": text, "label": [list(s) for s in entities + clauses],
                              META_ID: doc_id, META_SHA: sha, META_ORIGIN: origin,
                              META_REVIEW: [f"{flag['field']}: {flag['reason']}" for flag in flags]})
            if order == "uncertainty":
                lines = most_review_first(lines)
            # JSONL as licex writes it (ASCII): doccano reads the file with universal newlines, which
            # would split a line at a raw U+2028 or \r inside a text.
            data = "".join(map(jsonl.dumps, lines)).encode("utf-8")
            client.import_jsonl(info["id"], data, timeout)
            arrived = Counter((e.example.meta or {}).get(META_SHA) for e in client.examples(info["id"]))
            missing = [doc_id for doc_id, _, sha in new if arrived[sha] < 1]
            if missing:
                raise DoccanoError(f"doccano's import finished but {len(missing)} document(s) are not in the project: "
                                   + ", ".join(missing[:10]))
            result.uploaded = [line[META_ID] for line in lines]
        return result
    except BaseException:
        if created:  # leave no half-made project behind
            try:
                client.delete_project(info["id"])
            except DoccanoError:
                pass
        raise


def _valid_spans(doc, spans: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], int]:
    """Pre-annotations as the corpus checks want them: whitespace trimmed off the edges, on token
    boundaries, none overlapping an earlier one of its kind; returns them sorted and how many were
    dropped, so that a pull of untouched pre-annotations always validates."""
    text = doc.text
    kept: list[tuple[int, int, str]] = []
    for start, end, label in sorted(set(spans)):
        covered = text[start:end]
        start, end = start + len(covered) - len(covered.lstrip()), end - len(covered) + len(covered.rstrip())
        if start >= end or doc.char_span(start, end) is None or (kept and start < kept[-1][1]):
            continue
        kept.append((start, end, label))
    return kept, len(spans) - len(kept)


# -- pull ----------------------------------------------------------------------------------------


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


def convert_export(zip_bytes: bytes, project: str) -> tuple[list["AnnotatedText"], str]:
    """The examples of a doccano JSONL export as validated AnnotatedText, and the export's hash.

    Raises AnnotationError listing every problem (unknown labels, misaligned or overlapping
    spans, duplicate ids), each named by project, example and document id.
    """
    from .corpus.annotations import ORIGIN_REAL, ORIGIN_SYNTHETIC, AnnotationError, duplicate_ids, parse_line

    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
        names = [n for n in archive.namelist() if n.endswith(".jsonl")]
        if len(names) != 1:
            raise DoccanoError(f"the export of project {project!r} holds {len(names)} JSONL files ({', '.join(names)}); "
                               "expected one (a project that shares annotations among users)")
        data = archive.read(names[0])
    except zipfile.BadZipFile:
        raise DoccanoError(f"the export of project {project!r} is not a valid zip file") from None
    try:
        rows = [jsonl.loads(line, f"the export of project {project!r}, line {number}")
                for number, line in jsonl.numbered_lines(data.decode("utf-8", errors="replace"))]
    except InputError as error:
        raise DoccanoError(str(error)) from None
    if not all(isinstance(row, dict) for row in rows):
        raise DoccanoError(f"the export of project {project!r} holds lines that are not JSON objects")
    rows.sort(key=lambda row: row.get("id", 0))
    located, problems = [], []
    for row in rows:
        meta = {k: v for k, v in row.items() if k not in ("id", "text", "label", "Comments")
                and not (isinstance(v, float) and math.isnan(v))}  # pandas fills absent meta with NaN
        doc_id = meta.pop(META_ID, None)
        doc_id = str(doc_id) if doc_id is not None else f"doccano-{project}-{row.get('id')}"
        meta.pop(META_SHA, None)
        meta.pop(META_REVIEW, None)  # the pre-annotation's doubts, settled by the annotator
        meta[META_ORIGIN] = ORIGIN_SYNTHETIC if meta.get(META_ORIGIN) == ORIGIN_SYNTHETIC else ORIGIN_REAL
        where = f"doccano project {project!r}, example {row.get('id')} ({doc_id})"
        spans = row.get("label") or []
        entities = [s for s in spans if isinstance(s, list) and len(s) == 3 and s[2] in ENTITY_LABELS]
        others = [s for s in spans if not (isinstance(s, list) and len(s) == 3 and s[2] in ENTITY_LABELS)]
        # Clause labels (and anything unknown, which parse_line names) go to `clauses`.
        line = jsonl.dumps({"id": doc_id, "text": row.get("text"), "label": entities, "clauses": others, **meta})
        example, line_problems = parse_line(line, where)
        problems += line_problems
        if example is not None:
            located.append((where, example))
    problems += duplicate_ids(located)
    if problems:
        raise AnnotationError(problems)
    return [example for _, example in located], hashlib.sha256(data).hexdigest()


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
    from .corpus.annotations import AnnotationError, write_annotations

    output = Path(output)
    check_target(output, project, force)  # fail before the export when we would refuse anyway
    client = DoccanoClient(connection)
    info = client.require_project(project)
    _check_project(client, info, for_push=False)
    data = client.export_jsonl(info["id"], approved_only, timeout)
    try:
        examples, export_sha = convert_export(data, project)
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
                      _ids_elsewhere(output, {str(e.id) for e in examples}))


# -- status --------------------------------------------------------------------------------------


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


def project_status(connection: Connection, project: str) -> ProjectStatus:
    client = DoccanoClient(connection)
    info = client.require_project(project)
    if info.get("project_type") != "SequenceLabeling":
        raise DoccanoError(f"doccano project {project!r} is a {info.get('project_type')} project, not sequence labelling")
    types = client.span_types(info["id"])
    names = {type_id: name for name, type_id in types.items()}
    counts: Counter[str] = Counter({name: 0 for name in types})
    total = annotated = approved = 0
    for example in client.examples(info["id"]):
        spans = client.spans(example)
        total += 1
        confirmed = bool(example.example.is_confirmed)
        approved += confirmed
        annotated += bool(spans) or confirmed
        counts.update(names.get(s.span.label, f"#{s.span.label}") for s in spans)
    return ProjectStatus(project, info["id"], connection.url, total, annotated, approved, dict(counts),
                         label_differences(list(types)))
