"""A logged-in session with one doccano 1.8 server, through which push, pull and status talk to it.

doccano-client 1.1 (the version that installs beside pydantic 2) logs in
(`doccano_client.beta.DoccanoClient`) and creates projects and span types. Everything else uses
the session directly and checks every answer's shape before using it: doccano-client's listings
trust the server (a missing key is a KeyError, a `next` link that leads back loops forever), its
`get_doc_download` calls an endpoint 1.8 no longer has, and its project listing fails on projects
of types it does not know. The session is licex's own (http.GuardedSession, put in
doccano-client's place): it talks to the configured server only, within a deadline per request
and a cap on every answer. Whatever a server answers, a failure is a one-line DoccanoError.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import requests
import urllib3

from licex.files import jsonl
from licex.files.jsonl import is_a
from licex.doccano.connection import Connection
from licex.doccano.http import DoccanoError, GuardedSession, origin, said, shape_problem
from licex.doccano.secret import scrub

DEFAULT_TIMEOUT = 120.0  # seconds for an import or export task
_POLL_SECONDS = 0.5
PAGE_SIZE = 100
MAX_PAGES = 10_000  # of one listing: a million examples
_TASK_ID = re.compile(r"[A-Za-z0-9_-]{1,200}")  # celery's task ids are UUIDs
# What a server may answer that is not doccano's shape: the errors of code that trusts it
# (doccano-client's, requests' JSON of an answer nested too deeply, a cookie set twice).
_MALFORMED = (LookupError, TypeError, AttributeError, ValueError, RuntimeError)


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

    def create_project(self, name: str, guideline: str) -> dict[str, Any]:
        from doccano_client.beta.models.projects import Project, ProjectTypes

        what = f"creating project {name!r}"
        spec = Project(name=name, description="Chinese value-added telecom business licences (licex)",
                       project_type=ProjectTypes.SEQUENCE_LABELING, guideline=guideline,
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

    def create_span_types(self, project_id: int, colours: Mapping[str, tuple[str, str]]) -> None:
        """One span type per label of `colours`: label -> (background colour, text colour)."""
        from doccano_client.beta.models.span_type import SpanType

        controller = self._project_controller(project_id)
        for name, (background, text) in colours.items():
            span_type = SpanType(text=name, background_color=background, text_color=text)
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
