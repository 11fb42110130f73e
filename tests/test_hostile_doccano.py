"""Hostile doccano servers (issue 24): whatever a server answers, `licex doccano` fails in one line
naming the server and the cause (exit 1, no traceback, no crash log), sends nothing to another
host, gives up at its deadline, ends every pagination, reads every span of an export or refuses
it, and never shows or writes the password.

The servers are fakes on 127.0.0.1 (http.server in a thread): a doccano 1.8 as far as licex's
commands go, each answer replaceable; a second one on another port is "another host".
"""

from __future__ import annotations

import gzip
import html
import http.server
import io
import json
import os
import secrets
import struct
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import pytest

from licex.files import limits
from licex.doccano import client as doccano_client
from licex.doccano import export as doccano_export
from licex.doccano import http as doccano_http
from licex.doccano import meta as doccano_meta
from licex.doccano import secret as doccano_secret
from licex.corpus.annotations import AnnotationError
from licex.doccano import SCHEME_LABELS, Connection, DoccanoClient, DoccanoError, convert_export, push_texts

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "pw-" + secrets.token_hex(6)
TEXT = "公司名称:北京某某科技有限公司。一、你公司应当遵守规定。"
ROW = {"id": 7, "text": TEXT, "licex_id": "doc", "origin": "real", "Comments": [],
       "label": [[5, 15, "COMPANY"], [16, 28, "GEN_LEGAL_COMPLIANCE"]]}
EXAMPLE = {"id": 10, "text": TEXT, "meta": {}, "annotation_approver": None, "comment_count": 0,
           "is_confirmed": False}
PROJECT = {"id": 1, "name": "p", "project_type": "SequenceLabeling", "collaborative_annotation": True,
           "allow_overlapping": True}


@dataclass
class Raw:
    """An answer as it is: status, headers, body."""

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def page(results: list, next_url: Any = None) -> dict:
    return {"count": len(results), "next": next_url, "previous": None, "results": results}


def export_zip(rows: list[dict], name: str = "all.jsonl", compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr(name, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return buffer.getvalue()


class Fake:
    """A doccano server on 127.0.0.1: `answers` maps "METHOD /path" (no query) to a JSON value, a
    Raw, or a function of the request handler that answers itself; `requests` records
    (method, path with query, body) of every request it got, `headers` their headers."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, bytes]] = []
        self.headers: list[dict[str, str]] = []
        self.answers: dict[str, Any] = {
            "POST /v1/auth/login/": Raw(200, [("Set-Cookie", "csrftoken=tok; Path=/")], b'{"key": "k"}'),
            "GET /v1/projects": page([PROJECT]),
            "GET /v1/projects/1/span-types": [{"id": i, "text": n, "prefix_key": None, "suffix_key": None,
                                               "background_color": "#209cee", "text_color": "#ffffff"}
                                              for i, n in enumerate(SCHEME_LABELS, 1)],
            "GET /v1/projects/1/examples": page([EXAMPLE]),
            "GET /v1/projects/1/examples/10/spans": [{"id": 1, "prob": 0.0, "user": 1, "example": 10, "label": 1,
                                                      "start_offset": 5, "end_offset": 15}],
            "POST /v1/projects/1/download": {"task_id": "t1"},
            "GET /v1/tasks/status/t1": {"ready": True, "result": "export.zip", "error": None},
            "GET /v1/projects/1/download": Raw(200, [("Content-Type", "application/zip")], export_zip([ROW])),
        }
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                fake._serve(self)

            do_POST = do_DELETE = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.fake = self
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def _serve(self, handler) -> None:
        body = handler.rfile.read(int(handler.headers.get("content-length") or 0))
        self.requests.append((handler.command, handler.path, body))
        self.headers.append(dict(handler.headers))
        answer = self.answers.get(f"{handler.command} {handler.path.split('?')[0]}", Raw(404, [], b'{"detail": "Not found."}'))
        try:
            if callable(answer):
                answer(handler)
                return
            if not isinstance(answer, Raw):
                answer = Raw(200, [("Content-Type", "application/json")], json.dumps(answer).encode())
            handler.send_response(answer.status)
            for name, value in answer.headers:
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(answer.body)))
            handler.end_headers()
            handler.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):  # licex gave up on this answer
            pass

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake():
    server = Fake()
    yield server
    server.close()


other = fake  # another host: another server on another port


def connection(server: Fake) -> Connection:
    return Connection(server.url, "u", PASSWORD)


def licex(cli, server_url: str, *args: str):
    return cli("doccano", *args, "--url", server_url, "--username", "u", env={"DOCCANO_PASSWORD": PASSWORD})


def assert_one_error(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [f"licex: error: {message}"]
    assert PASSWORD not in result.output


def not_doccano(url: str, what: str, found: str) -> str:
    return f"{what}: {url} does not answer like a doccano 1.8 server ({found})"


# -- 1. malformed URLs and answers: one line, no traceback ----------------------------------------


@pytest.mark.parametrize("url, cause", [
    ("http://[::1", "Invalid IPv6 URL"),
    ("http://[not-an-address]:8000", "'not-an-address' does not appear to be an IPv4 or IPv6 address"),
    ("http://127.0.0.1:99999", "Port out of range 0-65535"),
    ("http://127.0.0.1:port", "Port could not be cast to integer value as 'port'"),
    ("http://127.0.0.1:8000/\nx", "it holds spaces or control characters"),
    ("127.0.0.1:8000", "no http:// or https:// and host"),
])
def test_a_malformed_url_is_one_line(cli, url, cause):
    result = cli("doccano", "status", "--project", "p", "--url", url, "--username", "u",
                 env={"DOCCANO_PASSWORD": PASSWORD})
    assert_one_error(result, f"doccano URL {url!r} is not an http(s) URL ({cause})")


@pytest.mark.parametrize("project, found", [
    ({"name": "p", "project_type": "SequenceLabeling"}, "a project whose 'id' is missing"),
    ({**PROJECT, "id": "1"}, "a project whose 'id' is a string"),
    ({**PROJECT, "id": True}, "a project whose 'id' is true"),
    ({**PROJECT, "name": "other", "id": None}, "a project whose 'id' is null"),
])
def test_a_project_without_an_id(cli, fake, project, found):
    fake.answers["GET /v1/projects"] = page([project])
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     not_doccano(fake.url, f"listing projects at {fake.url}", found))


@pytest.mark.parametrize("link, found", [(5, "'next' is the number 5"), ({"href": "x"}, "'next' is an object"),
                                         (["x"], "'next' is a list"),
                                         ("http://[::1/v1/projects", "'next' is not a URL: 'http://[::1/v1/projects'")])
def test_a_next_link_that_is_not_a_url(cli, fake, link, found):
    fake.answers["GET /v1/projects"] = page([PROJECT], link)
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     not_doccano(fake.url, f"listing projects at {fake.url}", found))


@pytest.mark.parametrize("result, found", [([], "its result is a list instead of an object"),
                                           ("done", "its result is a string instead of an object"),
                                           ({"error": "boom"}, "its 'error' is a string"),
                                           ({"error": {"line": 1}}, "its 'error' is an object")])
def test_an_import_result_that_is_not_an_object(fake, result, found):
    fake.answers.update({"POST /v1/fp/process/": Raw(200, [], b"upload-1"),
                         "POST /v1/projects/1/upload": {"task_id": "t2"},
                         "GET /v1/tasks/status/t2": {"ready": True, "result": result, "error": None}})
    with pytest.raises(DoccanoError) as caught:
        DoccanoClient(connection(fake)).import_jsonl(1, b"{}\n", timeout=5)
    assert str(caught.value) == not_doccano(fake.url, "the import task", found)


def test_import_errors_of_any_shape_are_one_line(fake):
    fake.answers.update({"POST /v1/fp/process/": Raw(200, [], b"upload-1"),
                         "POST /v1/projects/1/upload": {"task_id": "t2"},
                         "GET /v1/tasks/status/t2": {"ready": True, "result": {"error": ["bad\nline", 5]}}})
    with pytest.raises(DoccanoError, match=r"^doccano's import reported 2 error\(s\), e.g. line \?: bad line$"):
        DoccanoClient(connection(fake)).import_jsonl(1, b"{}\n", timeout=5)
    fake.answers["POST /v1/fp/process/"] = Raw(200, [], b"<html>\n" * 100)
    with pytest.raises(DoccanoError, match="its answer is not an upload id"):
        DoccanoClient(connection(fake)).import_jsonl(1, b"{}\n", timeout=5)


@pytest.mark.parametrize("status, found", [({"result": None}, "'ready' is missing"),
                                           ({"ready": "yes"}, "'ready' is a string")])
def test_a_task_status_that_is_not_doccanos(cli, fake, tmp_path, status, found):
    fake.answers["GET /v1/tasks/status/t1"] = status
    assert_one_error(licex(cli, fake.url, "pull", "--project", "p", "-o", str(tmp_path / "out.jsonl")),
                     not_doccano(fake.url, "polling a doccano task", found))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("key, value, found", [
    ("GET /v1/projects/1/examples", page([{**EXAMPLE, "meta": ["x"]}]),
     "listing the project's examples: {url} does not answer like a doccano 1.8 server (an example whose 'meta' is a list)"),
    ("GET /v1/projects/1/examples", page([{k: v for k, v in EXAMPLE.items() if k != "is_confirmed"}]),
     "listing the project's examples: {url} does not answer like a doccano 1.8 server (an example whose 'is_confirmed' is missing)"),
    ("GET /v1/projects/1/examples/10/spans", [{"id": 1, "label": [1]}],
     "listing the spans of example 10: {url} does not answer like a doccano 1.8 server (a span whose 'label' is a list)"),
    ("GET /v1/projects/1/span-types", {"results": []},
     "listing the project's labels: {url} does not answer like a doccano 1.8 server (an object instead of a list)"),
    ("GET /v1/projects/1/span-types", [{"id": 1, "text": ["COMPANY"]}],
     "listing the project's labels: {url} does not answer like a doccano 1.8 server (a label whose 'text' is a list)"),
    ("GET /v1/projects", Raw(200, [], b"[" * 100_000 + b"]" * 100_000),
     "listing projects at {url}: doccano's answer is not JSON (is {url} a doccano 1.8 server?)"),
    ("GET /v1/projects", Raw(500, [], b"[" * 100_000 + b"]" * 100_000),
     "listing projects at {url}: doccano answered HTTP 500: " + "[" * 200 + "..."),
    ("GET /v1/projects", page([{**PROJECT, "project_type": "Seq2seq\n[/bold]" + "x" * 100}]),
     "doccano project 'p' is a Seq2seq [/bold]" + "x" * 45 + "... project, not sequence labelling"),
])
def test_malformed_answers_in_status(cli, fake, key, value, found):
    fake.answers[key] = value
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"), found.format(url=fake.url))


def test_examples_with_malformed_meta_fail_a_push_before_the_pipeline(fake):
    fake.answers["GET /v1/projects/1/examples"] = page([{**EXAMPLE, "meta": "x"}])

    def pipeline():
        raise AssertionError("the pipeline is not needed")

    with pytest.raises(DoccanoError, match=r"\(an example whose 'meta' is a string\)$"):
        push_texts(connection(fake), "p", [("a", "another text")], pipeline)


def test_a_text_that_utf8_cannot_hold_is_just_another_text(fake):
    # JSON's "\ud800": a lone surrogate, no character. The push hashes it as it is.
    present = {**EXAMPLE, "id": 11, "meta": {"licex_id": "doc", "licex_sha256": doccano_meta.text_sha256(TEXT)}}
    fake.answers["GET /v1/projects/1/examples"] = page([{**EXAMPLE, "text": "\ud800"}, present])

    def pipeline():
        raise AssertionError("nothing to upload")

    assert push_texts(connection(fake), "p", [("doc", TEXT)], pipeline).skipped_present == ["doc"]


NO_ID = "is not a document id"
METADATA_NO_PUSH_WROTE = [
    ({"licex_id": ""}, "its licex_id '' is empty"),
    ({"licex_id": {"a": 1}}, 'its licex_id {"a": 1} is an object, not a string'),
    ({"licex_id": 7}, "its licex_id 7 is the number 7, not a string"),
    ({"licex_id": " doc"}, "its licex_id ' doc' begins or ends with whitespace"),
    ({"licex_id": "a\nb"}, "its licex_id 'a\\nb' holds a control, format or separator character, or a lone surrogate"),
    ({"licex_id": "a\u202eb"}, "its licex_id 'a\\u202eb' holds a control, format or separator character, or a lone surrogate"),
    ({"licex_id": "../doc"}, "its licex_id '../doc' holds a / or \\"),
    ({"licex_id": "文" * 86}, "its licex_id '" + "文" * 59 + "... is longer than 255 bytes"),
    ({"licex_sha256": "x"}, "its licex_sha256 'x' is not a SHA-256 (64 hexadecimal digits)"),
    ({"licex_sha256": ["a"]}, 'its licex_sha256 ["a"] is not a SHA-256 (64 hexadecimal digits)'),
]


@pytest.mark.parametrize("meta, problem", METADATA_NO_PUSH_WROTE + [
    ({"origin": "fake"}, "its origin 'fake' is not 'real' or 'synthetic'"),
    ({"origin": ["real"]}, "its origin [\"real\"] is not 'real' or 'synthetic'"),
    ({"clauses": [[16, 28, "GEN_LEGAL_COMPLIANCE"]]},
     "its metadata holds 'clauses', where licex's annotations hold the clause spans (a licex corpus file "
     "imported into doccano as it is?); remove it in doccano"),
])
def test_pulled_metadata_that_no_push_wrote(cli, fake, tmp_path, meta, problem):
    fake.answers["GET /v1/projects/1/download"] = Raw(200, [], export_zip([{**ROW, **meta}]))
    assert_one_error(licex(cli, fake.url, "pull", "--project", "p", "-o", str(tmp_path / "out.jsonl")),
                     f"doccano project 'p', example 7: {problem}")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("meta, problem", METADATA_NO_PUSH_WROTE)
def test_pushed_metadata_read_back_by_a_push(fake, meta, problem):
    fake.answers["GET /v1/projects/1/examples"] = page([{**EXAMPLE, "meta": meta}])

    def pipeline():
        raise AssertionError("the push stops before")

    with pytest.raises(DoccanoError) as caught:
        push_texts(connection(fake), "p", [("a", "another text")], pipeline)
    assert str(caught.value) == f"doccano project 'p', example 10: {problem}"


def test_a_document_id_that_a_pull_could_not_read_back_is_not_pushed():
    with pytest.raises(DoccanoError, match=r"^the document id 'a\\nb' \(the file name without .txt\) holds a control"):
        push_texts(Connection("http://127.0.0.1:1", "u", PASSWORD), "p", [("a\nb", TEXT)], lambda: None)


@pytest.mark.parametrize("task_id", ["../../projects", "t1?x=1", "t/1", ""])
def test_a_task_id_that_is_not_celerys(cli, fake, tmp_path, task_id):
    fake.answers["POST /v1/projects/1/download"] = {"task_id": task_id}
    assert_one_error(licex(cli, fake.url, "pull", "--project", "p", "-o", str(tmp_path / "out.jsonl")),
                     not_doccano(fake.url, "starting the export task", f"its task id {task_id!r} is not a celery task id"))
    assert [p for m, p, _ in fake.requests if "tasks" in p] == []


def test_labels_not_in_the_scheme_are_quoted_short_and_counted(cli, fake, tmp_path):
    extra = [{"id": 100 + i, "text": f"X{i:02}"} for i in range(24)] + [{"id": 99, "text": "Y" + "\n" * 50 + "z" * 100}]
    fake.answers["GET /v1/projects/1/span-types"] += extra
    result = licex(cli, fake.url, "pull", "--project", "p", "-o", str(tmp_path / "out.jsonl"))
    assert_one_error(result, "the labels of doccano project 'p' differ from licex's scheme (not in licex's scheme: "
                     + ", ".join(f"X{i:02}" for i in range(20)) + " and 5 more); make them equal in doccano or "
                     "change src/licex/fields/labels.py")


def test_a_cookie_set_twice_at_login(cli, fake):
    fake.answers["POST /v1/auth/login/"] = Raw(200, [("Set-Cookie", "csrftoken=a; Path=/"),
                                                     ("Set-Cookie", "csrftoken=b; Path=/v1")], b"{}")
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     not_doccano(fake.url, f"login at {fake.url}", "CookieConflictError reading its answer"))


def written(data: bytes) -> Callable:
    def answer(handler) -> None:
        handler.wfile.write(data)

    return answer


@pytest.mark.parametrize("data", [b"HTTP/1.0 200 OK\r\n" + b"X-A: b\r\n" * 150 + b"\r\n{}",
                                  b"NOT HTTP AT ALL\r\n\r\n",
                                  b'HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n{"results"',
                                  b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc"])
def test_an_answer_that_is_not_http(cli, fake, data):
    fake.answers["GET /v1/projects"] = written(data)
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     f"doccano at {fake.url} broke off its answer, or answered in something that is not HTTP")


def test_a_server_that_quotes_the_password_back(cli, fake):
    # It was sent the password at login: it may put it anywhere in its answers.
    fake.answers["GET /v1/projects"] = page([{**PROJECT, "project_type": f"x{PASSWORD}"}])
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     "doccano project 'p' is a x*** project, not sequence labelling")
    fake.answers["GET /v1/projects"] = page([PROJECT])
    fake.answers["GET /v1/projects/1/span-types"].append({"id": 99, "text": json.dumps(PASSWORD)})
    result = licex(cli, fake.url, "status", "--project", "p")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "licex: error: the labels of doccano project 'p' differ from licex's scheme (not in licex's scheme: \"***\")"]
    assert PASSWORD not in result.output and '"***"' in result.stdout


# -- 2. nothing goes to another host --------------------------------------------------------------


def redirect(status: int, location: str) -> Raw:
    return Raw(status, [("Location", location)], b"")


@pytest.mark.parametrize("status", [307, 308, 302, 301, 303])
def test_a_login_redirected_to_another_host_is_not_followed(cli, fake, other, status):
    fake.answers["POST /v1/auth/login/"] = redirect(status, f"{other.url}/v1/auth/login/")
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     f"doccano at {fake.url} redirected to {other.url}: not followed (licex sends its login, "
                     "cookies and data to the configured server only)")
    assert other.requests == []


@pytest.mark.parametrize("location, to", [("{other}/v1/projects", "{other}"),
                                          ("//127.0.0.1:{port}/v1/projects", "http://127.0.0.1:{port}"),
                                          ("https://127.0.0.1:{fake_port}/v1/projects", "https://127.0.0.1:{fake_port}")])
def test_a_later_redirect_to_another_origin_is_not_followed(cli, fake, other, location, to):
    ports = {"other": other.url, "port": other.server.server_port, "fake_port": fake.server.server_port}
    fake.answers["GET /v1/projects"] = redirect(302, location.format(**ports))
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     f"doccano at {fake.url} redirected to {to.format(**ports)}: not followed (licex sends its "
                     "login, cookies and data to the configured server only)")
    assert other.requests == []


def test_no_proxy_and_no_netrc(cli, fake, other, tmp_path):
    # A proxy named by the environment would get the login with the password; a .netrc would add
    # its credentials to every request.
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine 127.0.0.1 login netrc-user password netrc-password\n")
    netrc.chmod(0o600)
    env = {"DOCCANO_PASSWORD": PASSWORD, "HOME": str(tmp_path), "NETRC": str(netrc), "NO_PROXY": None,
           "no_proxy": None, **{name: other.url for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy",
                                                             "ALL_PROXY", "all_proxy")}}
    result = cli("doccano", "status", "--project", "p", "--url", fake.url, "--username", "u", env=env)
    assert result.exit_code == 0, result.output
    assert other.requests == []
    assert fake.requests and not any("Authorization" in headers for headers in fake.headers)


def test_a_redirect_within_the_server_is_followed(cli, fake):
    fake.answers["POST /v1/auth/login/"] = redirect(307, "/v1/auth/login2/")
    fake.answers["POST /v1/auth/login2/"] = Raw(200, [("Set-Cookie", "csrftoken=tok; Path=/")], b"{}")
    fake.answers["GET /v1/projects"] = redirect(302, f"{fake.url}/v1/projects2")
    fake.answers["GET /v1/projects2"] = page([PROJECT])
    result = licex(cli, fake.url, "status", "--project", "p")
    assert result.exit_code == 0, result.output
    assert "1 examples, 1 annotated, 0 approved" in result.stdout
    assert [(m, p.split("?")[0]) for m, p, _ in fake.requests[:4]] == [
        ("POST", "/v1/auth/login/"), ("POST", "/v1/auth/login2/"), ("GET", "/v1/projects"), ("GET", "/v1/projects2")]


def test_no_request_goes_to_another_origin():
    session = doccano_http.GuardedSession("http://127.0.0.1:1")
    for url in ("http://127.0.0.2:1/v1", "https://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"):
        with pytest.raises(DoccanoError, match=f"^licex sends nothing to {url.removesuffix('/v1')}: its doccano "
                                               "server is http://127.0.0.1:1"):
            session.get(url)


# -- 3. a deadline for the whole answer -----------------------------------------------------------


def trickle(headers_too: bool) -> Callable:
    """An answer that arrives a byte at a time (2.5 s in all), then whole: it never times out a read."""

    def answer(handler) -> None:
        body = json.dumps(page([PROJECT])).encode()
        head = b"HTTP/1.0 200 OK\r\n"
        if headers_too:
            slow, rest = head, f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        else:
            slow = b" " * 25  # JSON allows leading whitespace
            handler.wfile.write(head + f"Content-Length: {len(slow) + len(body)}\r\n\r\n".encode())
            rest = body
        for i in range(len(slow)):
            handler.wfile.write(slow[i:i + 1])
            handler.wfile.flush()
            time.sleep(2.5 / len(slow))
        handler.wfile.write(rest)

    return answer


@pytest.mark.parametrize("headers_too", [False, True])
def test_a_server_that_trickles_its_answer_gets_a_deadline(cli, fake, monkeypatch, headers_too):
    monkeypatch.setattr(doccano_http, "HTTP_DEADLINE", 0.5)
    fake.answers["GET /v1/projects"] = trickle(headers_too)
    started = time.monotonic()
    result = licex(cli, fake.url, "status", "--project", "p")
    assert time.monotonic() - started < 2
    assert_one_error(result, f"doccano at {fake.url} did not answer in time (within 0.5 s, its whole answer included)")


# -- 4. every pagination ends ---------------------------------------------------------------------


def pages_of(links: Callable[[Any, int], Any]) -> Callable:
    """Project pages whose `next` is links(handler, n) for the n-th request; after 30 requests the
    listing ends (so that a licex that would loop forever fails this test instead)."""
    count = [0]

    def answer(handler) -> None:
        count[0] += 1
        body = json.dumps(page([PROJECT] if count[0] == 1 else [], links(handler, count[0]) if count[0] < 30 else None))
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body.encode())

    return answer


def test_a_next_link_to_the_same_page(cli, fake):
    fake.answers["GET /v1/projects"] = pages_of(lambda handler, n: fake.url + handler.path)
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     f"listing projects at {fake.url}: doccano at {fake.url} links back to a page already read; "
                     "stopped (its pagination would never end)")
    assert len(fake.requests) == 2  # the login and one page


def test_a_next_link_back_to_an_earlier_page(cli, fake):
    # Page 2 links to page 1, its parameters in another order.
    fake.answers["GET /v1/projects"] = pages_of(
        lambda handler, n: f"{fake.url}/v1/projects?limit=100&search=p" + ("&offset=100" if n % 2 else ""))
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     f"listing projects at {fake.url}: doccano at {fake.url} links back to a page already read; "
                     "stopped (its pagination would never end)")
    assert len(fake.requests) == 3


def test_a_pagination_without_end(cli, fake, monkeypatch):
    monkeypatch.setattr(doccano_client, "MAX_PAGES", 5)
    fake.answers["GET /v1/projects"] = pages_of(lambda handler, n: f"{fake.url}/v1/projects?offset={n * 100}")
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     f"listing projects at {fake.url}: doccano at {fake.url} lists more than 5 pages; stopped "
                     "(its pagination does not end)")


def test_a_next_link_to_another_host(cli, fake, other):
    fake.answers["GET /v1/projects/1/examples"] = page([], f"{other.url}/v1/projects/1/examples?offset=100")
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     f"listing the project's examples: doccano at {fake.url} links its next page to {other.url}: "
                     "not followed (licex talks to the configured server only; is doccano's own URL set right?)")
    assert other.requests == []


# -- 5. every span of an export read, or refused; no zip bomb -------------------------------------


def test_the_newer_export_format_is_read_like_the_older():
    entities = [{"id": i, "label": label, "start_offset": s, "end_offset": e} for i, (s, e, label) in enumerate(ROW["label"])]
    newer = {**{k: v for k, v in ROW.items() if k != "label"}, "entities": entities, "relations": []}
    [old], _ = convert_export(export_zip([ROW]), "p")
    [new], _ = convert_export(export_zip([newer]), "p")
    assert (new.entities, new.clauses, new.meta) == (old.entities, old.clauses, old.meta) == (
        [(5, 15, "COMPANY")], [(16, 28, "GEN_LEGAL_COMPLIANCE")], {"origin": "real"})


@pytest.mark.parametrize("spans, problem", [
    ({"entities": [{"id": 1, "label": "COMPANY", "start_offset": "5", "end_offset": 15}]},
     "malformed span {\"id\": 1, \"label\": \"COMPANY\", \"start_offset\": \"5\", \"end_offset\": 15} in 'entities'"),
    ({"entities": [{"id": 1, "label": 3, "start_offset": 5, "end_offset": 15}]}, "in 'entities'"),
    ({"entities": ["COMPANY"]}, "malformed span COMPANY in 'entities'"),
    ({"entities": {"COMPANY": [5, 15]}}, "'entities' must be a list of spans, not an object"),
    ({"label": 5}, "'label' must be a list of spans, not the number 5"),
    ({"label": "COMPANY"}, "'label' must be a list of spans, not a string"),
    ({"label": [[5, 15, ["COMPANY"]]]}, "malformed span [5, 15, [\"COMPANY\"]] in 'label'"),
    ({"label": [[5, 15]]}, "malformed span [5, 15] in 'label'"),
    ({"relations": [{"id": 0, "from_id": 0, "to_id": 1, "type": "OF"}]}, "holds relations"),
    ({"cats": ["A"]}, "holds cats"),
])
def test_spans_of_any_other_shape_are_problems_never_dropped(spans, problem):
    row = {**ROW, "label": [[5, 15, "COMPANY"]], **spans}
    with pytest.raises(AnnotationError) as caught:
        convert_export(export_zip([row]), "p")
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].startswith("doccano project 'p', example 7 (doc): ")
    assert problem in caught.value.problems[0]


@pytest.mark.parametrize("rows, message", [
    ([ROW, {**ROW, "id": "8"}], "the export of project 'p', line 2: the example's id is a string, not a number"),
    ([{**ROW, "id": None}], "the export of project 'p', line 1: the example's id is null, not a number"),
])
def test_export_ids_that_are_not_numbers(rows, message):
    with pytest.raises(DoccanoError) as caught:
        convert_export(export_zip(rows), "p")
    assert str(caught.value) == message


def test_a_zip_bomb_is_refused_by_its_declared_size(cli, fake, monkeypatch, tmp_path):
    monkeypatch.setattr(limits, "EXPORT_BYTES", 1 << 20)
    big = {**ROW, "note": " " * (2 << 20)}  # 2 MiB that deflate to 2 kB
    fake.answers["GET /v1/projects/1/download"] = Raw(200, [], export_zip([big]))
    assert_one_error(licex(cli, fake.url, "pull", "--project", "p", "-o", str(tmp_path / "out.jsonl")),
                     "the export of project 'p': all.jsonl unzips to more than 1,048,576 bytes: not read "
                     "(the limit export_bytes)")
    assert list(tmp_path.iterdir()) == []


def many_files(names: list[str], claimed: int | None = None) -> bytes:
    """An export zip with all.jsonl and empty files of these names; its end record may claim
    another number of files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("all.jsonl", json.dumps(ROW) + "\n")
        for name in names:
            archive.writestr(name, "")
    data = bytearray(buffer.getvalue())
    if claimed is not None:
        end = data.rfind(b"PK\x05\x06")
        data[end + 8:end + 12] = struct.pack("<HH", claimed, claimed)
    return bytes(data)


@pytest.mark.parametrize("data", [
    many_files([f"empty-{i}.txt" for i in range(10)]),
    many_files([f"empty-{i}.txt" for i in range(10)], claimed=1),  # zipfile counts them itself
    many_files([f"{i}-" + "x" * 3000 for i in range(4)], claimed=1),  # a file list too long for 10 files
])
def test_a_zip_of_many_files_is_refused(monkeypatch, data):
    monkeypatch.setattr(doccano_export, "EXPORT_MEMBERS", 10)
    with pytest.raises(DoccanoError, match=r"^the export of project 'p' lists more files than licex reads \(at most 10"):
        convert_export(data, "p")


def test_a_zip_in_another_compression_is_refused():
    # bzip2 and LZMA inflate without a bound on one read: a small file could be gigabytes.
    with pytest.raises(DoccanoError, match=r"^the export of project 'p': all.jsonl is compressed with method 12; "):
        convert_export(export_zip([ROW], compression=zipfile.ZIP_BZIP2), "p")


@pytest.mark.parametrize("data", [b"PK\x03\x04 not a zip", b"PK" + b"\0" * 100, export_zip([ROW])[:-30]])
def test_a_broken_zip_is_one_line(data):
    with pytest.raises(DoccanoError, match=r"^the export of project 'p' is not a valid zip file"):
        convert_export(data, "p")


@pytest.mark.parametrize("encoding", [None, "gzip"])
def test_an_answer_beyond_the_limit_is_not_read(cli, fake, monkeypatch, encoding):
    monkeypatch.setattr(limits, "EXPORT_BYTES", 4096)
    body = json.dumps(page([PROJECT])).encode() + b" " * 100_000
    fake.answers["GET /v1/projects"] = (Raw(200, [], body) if encoding is None
                                        else Raw(200, [("Content-Encoding", "gzip")], gzip.compress(body)))
    assert_one_error(licex(cli, fake.url, "status", "--project", "p"),
                     f"doccano at {fake.url} sent an answer of more than 4,096 bytes: not read (the limit export_bytes)")


# -- 6. the password: in no output, no file ------------------------------------------------------

TAIL = "Sup3r-" + secrets.token_hex(4)  # every password below ends so: "sup" is in no message else


def echo_500(spelled: Callable[[str], str]) -> Callable:
    """An HTTP 500 whose body is spelled(the password the login sent)."""

    def answer(handler) -> None:
        body = spelled(json.loads(handler.server.fake.requests[0][2])["password"]).encode()
        handler.send_response(500)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer


def detail(text: str) -> str:
    return json.dumps({"detail": text})


@pytest.mark.parametrize("password, spelled", [
    ("tab\t" + TAIL, lambda pw: detail(f"bad password {pw}")),  # said folds the whitespace
    ("two  spaces" + TAIL, lambda pw: detail(f"bad password {pw}")),
    ("line\n" + TAIL, lambda pw: detail(f"bad password {pw}")),
    (" edges " + TAIL + "\t", lambda pw: detail(f"bad password{pw}.")),
    ('a<b>&"' + TAIL, lambda pw: f"<p>Invalid: {html.escape(pw)}</p>"),
    ('a<b>&"' + TAIL, lambda pw: f"<p>Invalid: {html.escape(pw, quote=False)}</p>"),
    ("密码/" + TAIL, lambda pw: "bad " + quote(pw, safe="").lower()),
    ("密码/" + TAIL, lambda pw: "bad " + json.dumps(pw).upper()),
    (TAIL, lambda pw: detail("x" * 290 + pw)),  # cut at said's 300 characters
    (TAIL, lambda pw: "y" * 195 + pw),  # cut at the 200 of a body that is not JSON
    (TAIL, lambda pw: "y" + " " * 795 + pw),  # cut before the whitespace is folded
    (TAIL + "\t" * 400 + "x", lambda pw: detail(pw)),  # cut within the password
], ids=["tab", "two-spaces", "newline", "edges", "html-escaped", "html-unquoted", "url-quoted", "json-upper",
        "cut-at-300", "cut-at-200", "cut-before-folding", "cut-within"])  # TAIL is random: the ids must not show it
def test_an_echo_of_the_password_in_any_spelling_is_blanked_out(cli, fake, password, spelled):
    fake.answers["GET /v1/projects"] = echo_500(spelled)
    result = cli("doccano", "status", "--project", "p", "--url", fake.url, "--username", "u",
                 env={"DOCCANO_PASSWORD": password})
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"licex: error: listing projects at {fake.url}: doccano answered HTTP 500: ")
    assert "***" in line
    assert "sup" not in line.lower()


def test_an_echo_within_an_echo_is_withheld(cli, fake):
    # Django's debug page shows the request body, JSON, HTML-escaped: `a\&quot;b`.
    password = 'a"b' + TAIL
    fake.answers["GET /v1/projects"] = echo_500(lambda pw: f"<pre>body: {html.escape(json.dumps(pw))}</pre>")
    result = cli("doccano", "status", "--project", "p", "--url", fake.url, "--username", "u",
                 env={"DOCCANO_PASSWORD": password})
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"licex: error: {doccano_secret.WITHHELD}"]


def test_a_password_in_a_host_name_is_lowercased_there(cli, fake):
    password = "Pw-" + secrets.token_hex(4).upper()
    fake.answers["GET /v1/projects/1/examples"] = page([], f"http://{password}.example/v1/projects/1/examples")
    result = cli("doccano", "status", "--project", "p", "--url", fake.url, "--username", "u",
                 env={"DOCCANO_PASSWORD": password})
    assert result.stderr.splitlines() == [
        f"licex: error: listing the project's examples: doccano at {fake.url} links its next page to "
        "http://***.example:80: not followed (licex talks to the configured server only; is doccano's own URL set right?)"]


@pytest.mark.parametrize("row, key", [
    ({**ROW, "note": "login " + PASSWORD}, "note"),
    ({**ROW, "note": {"echo": [quote(PASSWORD.upper())]}}, "note"),
    ({**ROW, "licex_id": PASSWORD}, "licex_id"),
    ({**ROW, "text": TEXT + PASSWORD}, "text"),
    ({**ROW, "label": [[5, 15, "COMPANY"], [16, 28, PASSWORD]]}, "clauses"),
])
def test_a_pull_writes_no_password(cli, fake, tmp_path, row, key):
    fake.answers["GET /v1/projects/1/download"] = Raw(200, [], export_zip([row]))
    assert_one_error(licex(cli, fake.url, "pull", "--project", "p", "-o", str(tmp_path / "out.jsonl")),
                     f"doccano project 'p', example 7: its {key!r} holds the password licex logged in with; nothing "
                     "written (remove it in doccano, or pull as a user with another password)")
    assert list(tmp_path.iterdir()) == []


DRIVER = """
import json, sys
from licex.files import limits
from licex.cli import main
from licex.doccano import http as doccano_http

doccano_http.HTTP_DEADLINE = 0.5
limits.EXPORT_BYTES = 1 << 20
for argv in json.loads(sys.argv[1]):
    sys.argv = ["licex", *argv]
    try:
        main()
    except SystemExit as status:
        print(f"@@ exit {status.code}", flush=True)
        print(f"@@ exit {status.code}", file=sys.stderr, flush=True)
"""


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_the_password_is_in_no_output_and_no_file(tmp_path):
    # A password that JSON, forms and URLs each write their own way.
    password = f'Pw"{secrets.token_hex(4)}-密码 &/'
    forms = {password, json.dumps(password)[1:-1], json.dumps(password, ensure_ascii=False)[1:-1], quote(password),
             quote_plus(password)}
    servers = [Fake() for _ in range(8)]
    try:
        no_id, login_away, echo, slow, loop, bomb, away, unconfirmed = servers
        no_id.answers["GET /v1/projects"] = page([{"name": "p"}])
        login_away.answers["POST /v1/auth/login/"] = redirect(307, f"{away.url}/v1/auth/login/")

        def quote_login(handler):  # what the login sent, quoted back in an error
            text = json.dumps({"detail": echo.requests[0][2].decode(), "form": quote_plus(password)}).encode()
            handler.send_response(500)
            handler.send_header("Content-Length", str(len(text)))
            handler.end_headers()
            handler.wfile.write(text)

        echo.answers["GET /v1/projects"] = quote_login
        slow.answers["GET /v1/projects"] = trickle(False)
        loop.answers["GET /v1/projects"] = pages_of(lambda handler, n: loop.url + handler.path)
        bomb.answers["GET /v1/projects/1/download"] = Raw(200, [], export_zip([{**ROW, "note": " " * (2 << 20)}]))
        unconfirmed.answers["GET /v1/projects/1/examples"] = page([{**EXAMPLE, "is_confirmed": "no"}])
        home = tmp_path / "home"
        home.mkdir()
        out = str(home / "out.jsonl")
        status = ["doccano", "status", "--project", "p", "--username", "u", "--url"]
        pull = ["doccano", "pull", "--project", "p", "-o", out, "--username", "u", "--url"]
        runs = [[*status, "http://[::1"], [*status, no_id.url], [*status, login_away.url], [*status, echo.url],
                [*pull, echo.url], [*status, slow.url], [*status, loop.url, "--password", password],
                [*pull, bomb.url], [*status, unconfirmed.url]]
        env = {k: v for k, v in os.environ.items() if not k.startswith("DOCCANO_")}
        env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), DOCCANO_PASSWORD=password,
                   PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]))
        result = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(runs)], capture_output=True, text=True,
                                env=env, cwd=home, timeout=120)
    finally:
        for server in servers:
            server.close()
    assert result.stdout.count("@@ exit 1") == len(runs), result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if not line.startswith("@@")]
    assert all(line.startswith("licex: error: ") for line in errors), result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    assert "***" in result.stderr  # the echoes were there, scrubbed
    assert away.requests == []
    assert json.dumps(password).encode() in echo.requests[0][2]  # what it quoted back held the password
    for form in forms:
        assert form not in result.stdout + result.stderr, form
    files = [path for path in home.rglob("*") if path.is_file()]
    assert not any(".cache/licex/logs" in str(path) for path in files), files
    for path in files:
        data = path.read_bytes()
        for form in forms:
            assert form.encode("utf-8") not in data, (path, form)


def test_a_pull_says_how_many_comments_it_did_not_carry(cli, fake, tmp_path):
    rows = [{**ROW, "Comments": ["该公司名称需复核", "已核对"]}, {**ROW, "id": 8, "licex_id": "doc2"},
            {**ROW, "id": 9, "licex_id": "doc3", "Comments": ["见原件"]}]
    fake.answers["GET /v1/projects/1/download"] = Raw(200, [], export_zip(rows))
    result = licex(cli, fake.url, "pull", "--project", "p", "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"licex: note: 3 doccano comment(s) on 2 document(s) not carried into {tmp_path / 'out.jsonl'}: licex's "
        "annotations hold no comments (read them in doccano)"]


def test_a_pull_of_examples_without_comments_says_nothing_of_them(cli, fake, tmp_path):
    rows = [ROW, {**ROW, "id": 8, "licex_id": "doc2", "Comments": None}, {"id": 9, "text": TEXT, "licex_id": "doc3"}]
    fake.answers["GET /v1/projects/1/download"] = Raw(200, [], export_zip(rows))
    result = licex(cli, fake.url, "pull", "--project", "p", "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
