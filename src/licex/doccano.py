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

doccano-client 1.1 (the version that installs beside pydantic 2) logs in
(`doccano_client.beta.DoccanoClient`) and creates projects and span types. Everything else uses
the session directly and checks every answer's shape before using it: doccano-client's listings
trust the server (a missing key is a KeyError, a `next` link that leads back loops forever), its
`get_doc_download` calls an endpoint 1.8 no longer has, and its project listing fails on projects
of types it does not know. The session is licex's own (doccano_http.GuardedSession, put in
doccano-client's place): it talks to the configured server only, within a deadline per request
and a cap on every answer.

The password is used for the login request only: it never reaches a URL, a file, another host
(no proxy either) or a message. A server may echo it anywhere, in any spelling (doccano_secret):
every message is scrubbed of it, and a pull refuses an example that holds it rather than write
it. What a push wrote into an example's metadata (`licex_id`, `licex_sha256`, `origin`) is
checked as it is read back. Whatever a server answers, a failure is a one-line DoccanoError.
"""

from __future__ import annotations

import colorsys
import functools
import hashlib
import json
import math
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import requests
import srsly
import urllib3

from licex.files import jsonl
from licex.doccano_export import SPAN_KEYS, UNREAD_KEYS, export_member, export_spans
from licex.doccano_http import DoccanoError, GuardedSession, origin, said, shape_problem
from licex.files.jsonl import is_a
from licex.doccano_secret import MASK, found_in, hiding, scrub
from licex.inputs import InputError, atomic_write_text
from licex.fields.labels import CLAUSE_LABELS, CLAUSES_KEY, ENTITY_LABELS

if TYPE_CHECKING:  # the corpus module imports spaCy: status and failed logins do without it
    from licex.corpus.annotations import AnnotatedText

URL_ENV, USERNAME_ENV, PASSWORD_ENV = "DOCCANO_URL", "DOCCANO_USERNAME", "DOCCANO_PASSWORD"
META_ID = "licex_id"
META_SHA = "licex_sha256"
META_ORIGIN = "origin"
META_REVIEW = "needs_review"
PUSH_ORDERS = ("given", "uncertainty")
SCHEME_LABELS: tuple[str, ...] = (*ENTITY_LABELS, *CLAUSE_LABELS)
DEFAULT_TIMEOUT = 120.0  # seconds for an import or export task
_POLL_SECONDS = 0.5
PAGE_SIZE = 100
MAX_PAGES = 10_000  # of one listing: a million examples
EXTRA_LABELS_SHOWN = 20  # labels of a project that are not in the scheme, named in a message
_TASK_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")  # celery's task ids are UUIDs
_SHA256 = re.compile(r"[0-9a-f]{64}")
DOCUMENT_ID_BYTES = 255  # a file name's most (NAME_MAX): a document id is a file name without .txt
# What a server may answer that is not doccano's shape: the errors of code that trusts it
# (doccano-client's, requests' JSON of an answer nested too deeply, a cookie set twice).
_MALFORMED = (LookupError, TypeError, AttributeError, ValueError, RuntimeError)


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
        try:
            netloc = urlsplit(url).netloc
        except ValueError:
            netloc = url  # too malformed to split: it is shown below only if it holds no "@"
        if "@" in netloc:
            # Credentials in a URL end up in logs and messages; they belong in the variables.
            raise DoccanoError("the doccano URL must not contain credentials: use DOCCANO_USERNAME and DOCCANO_PASSWORD")
        try:
            if any(ch.isspace() or not ch.isprintable() for ch in url):
                raise ValueError("it holds spaces or control characters")
            origin(url)
        except ValueError as error:
            raise DoccanoError(f"doccano URL {url!r} is not an http(s) URL ({error})") from None
        return cls(url.rstrip("/"), username, password)


def _scrubbed(function: Callable[..., Any]) -> Callable[..., Any]:
    """Every DoccanoError out of `function` (a push, pull or status; its first argument the
    Connection) scrubbed of the password: a message may quote a project's settings, labels or
    annotations, which a server can fill with the password it was sent. Meanwhile `said` blanks
    it out of what it quotes before folding and cutting it (doccano_secret)."""

    @functools.wraps(function)
    def wrapper(connection: Connection, *args: Any, **kwargs: Any) -> Any:
        try:
            with hiding(connection.password):
                return function(connection, *args, **kwargs)
        except DoccanoError as error:
            password = connection.password
            raise DoccanoError(scrub(str(error), password), [scrub(p, password) for p in error.problems]) from None

    return wrapper


# -- the metadata of an example ------------------------------------------------------------------


def id_problem(doc_id: Any) -> str | None:
    """Why `doc_id` is no document id that licex pushes or pulls back, or None.

    A document id is a licence file's name without .txt: it names the document in messages and
    corpus files, and a push stores it in doccano for the pull to read back. So it is a non-empty
    string of printable characters (no control, format or separator character, no lone
    surrogate), with no whitespace at either end, no / or \\, and at most 255 bytes of UTF-8."""
    if not isinstance(doc_id, str):
        return f"is {jsonl.json_type(doc_id)}, not a string"
    if not doc_id:
        return "is empty"
    if doc_id != doc_id.strip():
        return "begins or ends with whitespace"
    if not doc_id.isprintable():
        return "holds a control, format or separator character, or a lone surrogate"
    if "/" in doc_id or "\\" in doc_id:
        return "holds a / or \\"
    if len(doc_id.encode("utf-8")) > DOCUMENT_ID_BYTES:
        return f"is longer than {DOCUMENT_ID_BYTES} bytes"
    return None


def meta_problem(meta: dict[str, Any]) -> str | None:
    """What is wrong with the document id (`licex_id`) and text hash (`licex_sha256`) of an
    example's metadata, or None: a push wrote them, and whatever licex reads back is checked.
    Either may be absent or null (an example made in doccano; pandas' way of leaving it out)."""
    doc_id, sha = meta.get(META_ID), meta.get(META_SHA)
    if doc_id is not None and (problem := id_problem(doc_id)):
        return f"its {META_ID} {_shown(doc_id)} {problem}"
    if sha is not None and not (isinstance(sha, str) and _SHA256.fullmatch(sha)):
        return f"its {META_SHA} {_shown(sha)} is not a SHA-256 (64 hexadecimal digits)"
    return None


def _shown(value: Any) -> str:
    """A value from a server as a message quotes it: a string in quotes, its escapes visible."""
    return said(repr(value) if isinstance(value, str) else value, 60)


@dataclass(frozen=True)
class Example:
    id: int
    text: str
    meta: dict[str, Any]
    confirmed: bool  # marked done by an annotator


class DoccanoClient:
    """A logged-in session with one doccano server; every failure becomes a scrubbed DoccanoError."""

    def __init__(self, connection: Connection) -> None:
        from doccano_client.beta import DoccanoClient as BetaClient
        from doccano_client.beta.utils.response import DoccanoAPIError

        self.connection = connection
        self.url = connection.url
        self.api = f"{connection.url}/v1"
        self.origin = origin(connection.url)
        self._client = BetaClient(connection.url)
        self.session: requests.Session = GuardedSession(connection.url)
        self.session.headers.update(self._client.client_session.headers)
        # In doccano-client's place, so that its login goes through the same checks.
        self._client.client_session = self.session
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
        except _MALFORMED as error:
            raise self._not_doccano(f"login at {self.url}", f"{type(error).__name__} reading its answer") from None

    # Every message passes here: the password never reaches the user, whatever a server echoes.
    def _scrub(self, text: str) -> str:
        return scrub(text, self.connection.password)

    def _network_error(self, error: requests.RequestException) -> DoccanoError:
        if isinstance(error, requests.Timeout):
            return DoccanoError(f"doccano at {self.url} did not answer in time")
        # requests calls an answer that is not HTTP (a garbled status line, too many headers) a
        # ConnectionError too: only its cause tells it from a server that is not there.
        if (isinstance(error, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError))
                or isinstance(error.args[0] if error.args else None, urllib3.exceptions.ProtocolError)):
            return DoccanoError(f"doccano at {self.url} broke off its answer, or answered in something that is not HTTP")
        if isinstance(error, requests.ConnectionError):
            return DoccanoError(f"cannot reach doccano at {self.url}: connection refused or host unknown")
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

    def answer(self, what: str, method: str, path: str, **kwargs) -> Any:
        """The JSON of an answer, whatever its shape."""
        response = self.call(what, method, path, **kwargs)
        try:
            return _parsed(response)
        except ValueError:
            raise DoccanoError(f"{what}: doccano's answer is not JSON (is {self.url} a doccano 1.8 server?)") from None

    def json(self, what: str, method: str, path: str, keys: dict[str, Any] | None = None, **kwargs) -> dict[str, Any]:
        """The JSON object of an answer; each of `keys` must be there with its type (a server that
        speaks JSON but is not doccano fails here, in one line, not later in a KeyError)."""
        data = self.answer(what, method, path, **kwargs)
        if not isinstance(data, dict):
            raise self._not_doccano(what, f"{jsonl.json_type(data)} instead of an object")
        problem = shape_problem(data, keys or {})
        if problem:
            raise self._not_doccano(what, problem)
        return data

    def objects(self, what: str, path: str, item: str, keys: dict[str, Any]) -> list[dict[str, Any]]:
        """The list of objects a GET answers, each with `keys` (`item`, e.g. "a label", names one in messages)."""
        data = self.answer(what, "GET", path)
        if not isinstance(data, list):
            raise self._not_doccano(what, f"{jsonl.json_type(data)} instead of a list")
        return [self._item(what, value, item, keys) for value in data]

    def _item(self, what: str, value: Any, item: str, keys: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self._not_doccano(what, f"{item} that is not an object")
        problem = shape_problem(value, keys)
        if problem:
            raise self._not_doccano(what, f"{item} whose {problem}")
        return value

    def pages(self, what: str, path: str, item: str, keys: dict[str, Any],
              params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """The objects of a paginated listing (each with `keys`), page after page, as long as
        `next` links lead on: to this server only, to a page not read before, MAX_PAGES at most."""
        url = f"{self.api}/{path}?{urlencode({**(params or {}), 'limit': PAGE_SIZE})}"
        seen: set[tuple] = set()
        for _ in range(MAX_PAGES):
            seen.add(_page_key(url))
            page = self.json(what, "GET", url, keys={"results": list})
            for value in page["results"]:
                yield self._item(what, value, item, keys)
            link = page.get("next")
            if link is None:
                return
            if not isinstance(link, str):
                raise self._not_doccano(what, f"'next' is {jsonl.json_type(link)}")
            try:
                url = urljoin(url, link)
                to = origin(url)
                key = _page_key(url)
            except ValueError:
                raise self._not_doccano(what, f"'next' is not a URL: {said(link, 100)!r}") from None
            if to != self.origin:
                raise DoccanoError(f"{what}: doccano at {self.origin} links its next page to {to}: not followed "
                                   "(licex talks to the configured server only; is doccano's own URL set right?)")
            if key in seen:
                raise DoccanoError(f"{what}: doccano at {self.url} links back to a page already read; "
                                   "stopped (its pagination would never end)")
        raise DoccanoError(f"{what}: doccano at {self.url} lists more than {MAX_PAGES:,} pages; stopped "
                           "(its pagination does not end)")

    def _not_doccano(self, what: str, found: str) -> DoccanoError:
        return DoccanoError(self._scrub(f"{what}: {self.url} does not answer like a doccano 1.8 server ({found})"))

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
        except _MALFORMED as error:  # pydantic's errors are ValueErrors
            raise self._not_doccano(what, f"{type(error).__name__} reading its answer") from None

    # -- projects and labels

    _PROJECT = {"id": int}

    def find_project(self, name: str) -> dict[str, Any] | None:
        """The project named `name` that this user can see, or None; several of that name fail."""
        found = [p for p in self.pages(f"listing projects at {self.url}", "projects", "a project", self._PROJECT,
                                       {"search": name})
                 if p.get("name") == name]
        if len(found) > 1:
            ids = ", ".join(str(p["id"]) for p in found[:10])
            raise DoccanoError(f"doccano at {self.url} has {len(found)} projects named {name!r} (ids {ids}); rename all but one")
        return found[0] if found else None

    def require_project(self, name: str) -> dict[str, Any]:
        project = self.find_project(name)
        if project is None:
            raise DoccanoError(f"no doccano project named {name!r} at {self.url} (that user {self.connection.username!r} can see)")
        return project

    def create_project(self, name: str) -> dict[str, Any]:
        from doccano_client.beta.models.projects import Project, ProjectTypes

        what = f"creating project {name!r}"
        spec = Project(name=name, description="Chinese value-added telecom business licences (licex)",
                       project_type=ProjectTypes.SEQUENCE_LABELING, guideline=label_guideline(),
                       collaborative_annotation=True, allow_overlapping=True, grapheme_mode=False)
        project_id = self.guarded(what, lambda: self._client.projects.create(spec).id)
        if not is_a(project_id, int):
            raise self._not_doccano(what, f"the new project's 'id' is {jsonl.json_type(project_id)}")
        return self.json(f"reading project {name!r}", "GET", f"projects/{project_id}", keys=self._PROJECT)

    def delete_project(self, project_id: int) -> None:
        self.call("deleting project", "DELETE", f"projects/{project_id}")

    def span_types(self, project_id: int) -> dict[str, int]:
        """Label text -> span type id."""
        types = self.objects("listing the project's labels", f"projects/{project_id}/span-types", "a label",
                             {"id": int, "text": str})
        return {t["text"]: t["id"] for t in types}

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

        # The project record is not needed for span types: no extra request.
        return ProjectController(project=Project(name="", description="", project_type=ProjectTypes.SEQUENCE_LABELING),
                                 id=project_id, projects_url=f"{self.api}/projects", client_session=self.session)

    # -- examples and spans

    def examples(self, project_id: int) -> Iterator[Example]:
        for value in self.pages("listing the project's examples", f"projects/{project_id}/examples", "an example",
                                {"id": int, "text": str, "meta": (dict, type(None)), "is_confirmed": bool}):
            yield Example(value["id"], value["text"], value["meta"] or {}, value["is_confirmed"])

    def span_labels(self, project_id: int, example_id: int) -> list[int]:
        """The span type id of each span of an example."""
        spans = self.objects(f"listing the spans of example {example_id}",
                             f"projects/{project_id}/examples/{example_id}/spans", "a span", {"label": int})
        return [span["label"] for span in spans]

    # -- import and export tasks

    def wait_task(self, task_id: str, what: str, timeout: float) -> Any:
        """The result of a celery task, polled until ready; fails on task errors and on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            status = self.task_status(task_id)
            if status["ready"]:
                error = status.get("error")
                if error:
                    text = error.get("text", error) if isinstance(error, dict) else error
                    raise DoccanoError(self._scrub(f"{what} failed in doccano: {said(text)}"))
                return status.get("result")
            if time.monotonic() >= deadline:
                raise DoccanoError(f"{what} did not finish within {timeout:g} s (is doccano's task worker, "
                                   "`doccano task`, running? raise --timeout for large projects)")
            time.sleep(min(_POLL_SECONDS, max(0.0, deadline - time.monotonic())) or 0.01)

    def _task_id(self, what: str, started: dict[str, Any]) -> str:
        """The id of the task a server started: it goes into a URL's path and query."""
        task_id = started["task_id"]
        if not _TASK_ID.fullmatch(task_id):
            raise self._not_doccano(what, f"its task id {said(task_id, 60)!r} is not a celery task id")
        return task_id

    def task_status(self, task_id: str) -> dict[str, Any]:
        return self.json("polling a doccano task", "GET", f"tasks/status/{task_id}", keys={"ready": bool})

    def import_jsonl(self, project_id: int, data: bytes, timeout: float) -> None:
        """doccano's dataset import: upload one JSONL file, run the import task, check its errors."""
        upload = self.call("uploading the documents", "POST", "fp/process/",
                           files={"filepond": ("licex-push.jsonl", data, "application/octet-stream")},
                           headers={"content-type": None, "accept": "*/*"})
        upload_id = upload.content.strip()
        if not re.fullmatch(rb"[\w.-]{1,200}", upload_id):
            raise self._not_doccano("uploading the documents", "its answer is not an upload id")
        started = self.json("starting the import task", "POST", f"projects/{project_id}/upload", keys={"task_id": str}, json={
            "uploadIds": [upload_id.decode()], "format": "JSONL", "task": "SequenceLabeling",
            "column_data": "text", "column_label": "label", "delimiter": "", "encoding": "utf_8",
        })
        result = self.wait_task(self._task_id("starting the import task", started), "the import task", timeout)
        if result is None:
            return
        errors = result.get("error", []) if isinstance(result, dict) else None
        if not isinstance(errors, list):
            found = (f"its result is {jsonl.json_type(result)} instead of an object" if errors is None
                     else f"its 'error' is {jsonl.json_type(errors)}")
            raise self._not_doccano("the import task", found)
        if errors:
            first = errors[0]
            line, message = (first.get("line", "?"), first.get("message", first)) if isinstance(first, dict) else ("?", first)
            raise DoccanoError(self._scrub(f"doccano's import reported {len(errors)} error(s), e.g. line "
                                           f"{said(line, 20)}: {said(message)}"))

    def export_jsonl(self, project_id: int, approved_only: bool, timeout: float) -> bytes:
        """doccano's export task: the zip of JSONL files it writes."""
        started = self.json("starting the export task", "POST", f"projects/{project_id}/download",
                            keys={"task_id": str}, json={"format": "JSONL", "exportApproved": approved_only})
        task_id = self._task_id("starting the export task", started)
        self.wait_task(task_id, "the export task", timeout)
        response = self.call("downloading the export", "GET", f"projects/{project_id}/download",
                             params={"taskId": task_id}, headers={"accept": "*/*"})
        if not response.content.startswith(b"PK"):
            raise DoccanoError(self._scrub(f"the export of doccano at {self.url} is not a zip file "
                                           f"({_detail(response)[2:] or 'empty'})"))
        return response.content


def _parsed(response: requests.Response) -> Any:
    """The JSON of an answer; ValueError when it is not JSON (or nested too deeply to read)."""
    try:
        return json.loads(response.content)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _page_key(url: str) -> tuple:
    """A page as pagination names it, whatever the order of the query's parameters."""
    parts = urlsplit(url)
    return parts.path.rstrip("/"), tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


def _detail(response: requests.Response) -> str:
    """': what the server said', short and on one line (JSON detail, else the start of the body)."""
    head = response.content[:65536]
    try:
        data = json.loads(head)
    except (ValueError, RecursionError):
        # said cuts it: a cut here would leave it a start of the password to show
        text = head.decode("utf-8", errors="replace").strip()
        if text.lower().startswith(("<!doctype", "<html")):
            return ""
        return f": {said(text, 200)}" if text else ""
    if isinstance(data, dict):
        data = data.get("detail", data)
    return f": {said(data)}"


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
    """What differs between a project's labels and the scheme, or None when they are the same.
    The labels licex does not know are a server's: the first EXTRA_LABELS_SHOWN are quoted as
    `said` quotes, and the rest counted."""
    extra = sorted(n for n in names if n not in SCHEME_LABELS)
    missing = [n for n in SCHEME_LABELS if n not in names]
    if not extra and not missing:
        return None
    parts = []
    if extra:
        more = len(extra) - EXTRA_LABELS_SHOWN
        parts.append("not in licex's scheme: " + ", ".join(said(n, 60) for n in extra[:EXTRA_LABELS_SHOWN])
                     + (f" and {more} more" if more > 0 else ""))
    if missing:
        parts.append("missing: " + ", ".join(missing))
    return "; ".join(parts)


def _check_type(project: dict[str, Any], name: str) -> None:
    if project.get("project_type") != "SequenceLabeling":
        raise DoccanoError(f"doccano project {name!r} is a {said(project.get('project_type'), 60)} project, "
                           "not sequence labelling")


def _check_project(client: DoccanoClient, project: dict[str, Any], for_push: bool) -> dict[str, int]:
    """The project's span types, after checking its type, settings and labels against the scheme."""
    name = project["name"]
    _check_type(project, name)
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
                           "make them equal in doccano or change src/licex/fields/labels.py")
    return types


# -- push ----------------------------------------------------------------------------------------


def text_sha256(text: str) -> str:
    """The hash of any text a server may hold, a lone surrogate (JSON's `"\\ud800"`) included."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _example_sha(example: Example) -> str | None:
    """The text hash a push stored in the example's meta (None when absent or malformed: see meta_problem)."""
    sha = example.meta.get(META_SHA)
    return sha if isinstance(sha, str) and _SHA256.fullmatch(sha) else None


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


@_scrubbed
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
        if problem := id_problem(doc_id):
            raise DoccanoError(f"the document id {doc_id!r} (the file name without .txt) {problem}: a pull could "
                               "not read it back; rename the file")
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
        present: set[str] = set()  # the text hashes of the project's examples
        ids_present: dict[str, str] = {}  # licex id -> sha
        if not created:
            for example in client.examples(info["id"]):
                if problem := meta_problem(example.meta):
                    raise DoccanoError(f"doccano project {project!r}, example {example.id}: {problem}")
                sha = _example_sha(example) or text_sha256(example.text)
                present.add(sha)
                if example.meta.get(META_ID) is not None:
                    ids_present[example.meta[META_ID]] = sha
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
            arrived = Counter(_example_sha(e) for e in client.examples(info["id"]))
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
    """The examples of a doccano JSONL export (the zip) as validated AnnotatedText, and the
    export's hash; see convert_lines."""
    return convert_lines(export_member(zip_bytes, project), project)


def convert_lines(data: bytes, project: str, password: str = "") -> tuple[list["AnnotatedText"], str]:
    """The examples of the JSONL file of a doccano export as validated AnnotatedText, and its hash.

    Raises AnnotationError listing every problem (unknown labels, misaligned or overlapping
    spans, spans of a shape licex does not read, duplicate ids), each named by project, example
    and document id. Raises DoccanoError, in one line naming project and example, for what no
    annotator could fix in the annotations: metadata that is not as a push wrote it (see
    meta_problem; an origin other than real or synthetic; a `clauses` key, which would replace
    the clause spans), and any example that holds `password` (the one licex logged in with) in
    any spelling, anywhere in what would be written: that line is refused, not rewritten, since a
    text cannot lose characters without its spans moving.
    """
    from licex.corpus.annotations import (
        ORIGIN_REAL,
        ORIGIN_SYNTHETIC,
        AnnotationError,
        duplicate_ids,
        parse_line,
    )

    try:
        rows = [jsonl.loads(line, f"the export of project {project!r}, line {number}")
                for number, line in jsonl.numbered_lines(data.decode("utf-8", errors="replace"))]
    except InputError as error:
        raise DoccanoError(str(error)) from None
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise DoccanoError(f"the export of project {project!r} holds lines that are not JSON objects")
        if not is_a(row.get("id"), int):
            raise DoccanoError(f"the export of project {project!r}, line {number}: the example's id is "
                               f"{jsonl.json_type(row.get('id'))}, not a number")
    rows.sort(key=lambda row: row["id"])
    located, problems = [], []
    for row in rows:
        meta = {k: v for k, v in row.items() if k not in ("id", "text", *SPAN_KEYS, *UNREAD_KEYS, "Comments")
                and not (isinstance(v, float) and math.isnan(v))}  # pandas fills absent meta with NaN
        example_where = f"doccano project {project!r}, example {row['id']}"
        if problem := _pulled_meta_problem(meta, (ORIGIN_REAL, ORIGIN_SYNTHETIC)):
            raise DoccanoError(f"{example_where}: {problem}")
        doc_id = meta.pop(META_ID, None) or f"doccano-{project}-{row['id']}"
        meta.pop(META_SHA, None)
        meta.pop(META_REVIEW, None)  # the pre-annotation's doubts, settled by the annotator
        meta[META_ORIGIN] = meta.get(META_ORIGIN) or ORIGIN_REAL
        where = f"{example_where} ({doc_id})"
        spans, span_problems = export_spans(row, where)
        # Clause labels (and unknown ones, which parse_line names) go to `clauses`.
        entities = [list(s) for s in spans if s[2] in ENTITY_LABELS]
        others = [list(s) for s in spans if s[2] not in ENTITY_LABELS]
        fields = {"id": doc_id, "text": row.get("text"), "label": entities, "clauses": others, **meta}
        line = jsonl.dumps(fields)
        if password and found_in(line, password):
            held = next((key for key in fields if found_in(jsonl.dumps({key: fields[key]}), password)), "line")
            held = META_ID if held == "id" else held
            raise DoccanoError(f"{example_where}: its {held!r} holds the password licex logged in with; nothing "
                               "written (remove it in doccano, or pull as a user with another password)")
        example, line_problems = parse_line(line, where)
        problems += span_problems + line_problems
        if example is not None and not span_problems:
            located.append((where, example))
    problems += duplicate_ids(located)
    if problems:
        raise AnnotationError(problems)
    return [example for _, example in located], hashlib.sha256(data).hexdigest()


def _pulled_meta_problem(meta: dict[str, Any], origins: tuple[str, ...]) -> str | None:
    """meta_problem, and what else a pull reads: `origin` (absent, null or one of `origins`); no
    `clauses` key (it would take the place of the clause spans)."""
    origin = meta.get(META_ORIGIN)
    if problem := meta_problem(meta):
        return problem
    if origin is not None and origin not in origins:
        return f"its {META_ORIGIN} {_shown(origin)} is not {' or '.join(map(repr, origins))}"
    if "clauses" in meta:
        return ("its metadata holds 'clauses', where licex's annotations hold the clause spans (a licex corpus "
                "file imported into doccano as it is?); remove it in doccano")
    return None


@_scrubbed
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
    _check_project(client, info, for_push=False)
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


@_scrubbed
def project_status(connection: Connection, project: str) -> ProjectStatus:
    client = DoccanoClient(connection)
    info = client.require_project(project)
    _check_type(info, project)
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
