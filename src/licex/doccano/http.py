"""The one HTTP session of licex's doccano commands: it talks to the configured doccano server
only, and no answer can hold it for longer than a deadline or fill memory.

- Origin: every request, a redirect's included, goes to the scheme, host and port of the
  configured URL, or fails before it is sent. requests would follow a 307/308 answer to the login
  to any host with the username and password in the body (`rebuild_auth` strips only an
  Authorization header), and with them the CSRF header; a page link (`next`) could do the same.
  Redirects within the server are followed as requests does.
- Directly: no proxy (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`: requests would send the login
  there, password and all) and no `~/.netrc` credentials; requests reads neither here. Only the
  environment's CA bundle (`REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE`) is still honoured: it sends
  nothing anywhere.
- Deadline: a request, redirects and its whole answer included, ends within `HTTP_DEADLINE`
  seconds. requests' timeout bounds one socket read only, so a server that sends a byte every few
  seconds would hold licex forever; a watchdog shuts the request's sockets down at the deadline.
  `HTTP_IDLE` still bounds the wait for any one byte (a server that says nothing fails sooner).
- Size: every answer is read here, whole, up to `limits.EXPORT_BYTES` (the export is the largest
  thing doccano sends); beyond it the request fails.

Each failure is a one-line DoccanoError naming the server: the configured URL, or origins only
(never another URL's path or query). doccano-client's own session is replaced by this one, so
its login passes the same checks. Below the session: small helpers to check and quote what a
server answers (shape_problem, said; jsonl.is_a).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from licex.files import jsonl, limits
from licex.files.jsonl import is_a
from licex.doccano.secret import mask

HTTP_DEADLINE = 300.0  # seconds for one request and its whole answer
HTTP_IDLE = 60.0  # seconds to wait for the next byte of an answer
MAX_REDIRECTS = 10
_CHUNK = 1 << 16


class DoccanoError(Exception):
    """Anything that stops a push, pull or status; the message is one line, fit for the user.

    `problems` lists the corpus problems (`where: what`, one a line) when pulled annotations fail
    validation.
    """

    def __init__(self, message: str, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


def origin(url: str) -> str:
    """`scheme://host:port` of a URL, the port always given; ValueError when the URL has none."""
    parts = urlsplit(url)
    scheme, host, port = parts.scheme.lower(), parts.hostname, parts.port  # .port raises on junk
    if scheme not in ("http", "https") or not host:
        raise ValueError("no http:// or https:// and host")
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{port or (443 if scheme == 'https' else 80)}"


class _Deadline:
    """The watchdog of one request: at its time, shuts down every socket the request uses.

    A shut-down socket ends a blocked read at once (as an error, or as an early end of the
    answer, which `expired` tells apart). Sockets are noted as connections open (an answer that
    reads to the end of the connection takes the socket away from its connection), and a
    connection still being opened gets its socket shut as soon as it has one.
    """

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False
        self._connections: list[Any] = []
        self._sockets: list[socket.socket] = []
        self._done = False
        self._lock = threading.Lock()
        self._arm(seconds)

    def _arm(self, seconds: float) -> None:
        self._timer = threading.Timer(max(0.0, seconds), self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            for sock in self._sockets + [c.sock for c in self._connections if getattr(c, "sock", None)]:
                try:
                    # socket.socket's own shutdown: an SSLSocket's would also drop its TLS state
                    # under the reading thread.
                    socket.socket.shutdown(sock, socket.SHUT_RDWR)
                except OSError:
                    pass
            self._arm(0.1)  # again, for a connection that had no socket yet

    def watch(self, connection: Any) -> None:
        with self._lock:
            self._connections.append(connection)
            if getattr(connection, "sock", None) is not None:
                self._sockets.append(connection.sock)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def close(self) -> None:
        with self._lock:
            self._done = True
            self._timer.cancel()


_current = threading.local()  # the deadline of the request this thread is sending


def _watch(connection: Any) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(connection)


class _Watched:
    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        _watch(self)


class _WatchedConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedConnection

    def _get_conn(self, timeout: float | None = None):
        connection = super()._get_conn(timeout)
        _watch(connection)  # a kept-alive connection does not connect again
        return connection


class _WatchedHTTPSPool(_WatchedPool, HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class GuardedSession(requests.Session):
    """A requests.Session bound to one doccano server (see the module docstring)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.origin = origin(url)
        self.max_redirects = MAX_REDIRECTS
        self.trust_env = False  # no proxy, no .netrc: see the module docstring
        self.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True
        self._deadline: _Deadline | None = None
        adapter = _Adapter()
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        # requests sends each redirect through here too: the outermost call owns the deadline.
        try:
            target: str | None = origin(request.url or "")
        except ValueError:
            target = None
        if target != self.origin:
            raise DoccanoError(f"licex sends nothing to {target or 'that address'}: its doccano server is "
                               f"{self.origin} (a link from doccano points elsewhere)")
        outermost = self._deadline is None
        if outermost:
            self._deadline = _current.deadline = _Deadline(HTTP_DEADLINE)
        deadline = self._deadline
        wait = max(0.01, min(HTTP_IDLE, deadline.remaining()))
        kwargs["timeout"] = (wait, wait)
        kwargs["proxies"] = {}  # whatever a caller passes: a proxy would see the login
        try:
            response = super().send(request, **kwargs)
        except DoccanoError:
            raise
        except Exception:
            if deadline.expired:
                raise self._too_slow() from None
            raise
        finally:
            if outermost:
                deadline.close()
                self._deadline = _current.deadline = None
        if deadline.expired:  # the answer may look complete, cut short by the watchdog
            raise self._too_slow()
        return response

    def _too_slow(self) -> DoccanoError:
        return DoccanoError(f"doccano at {self.url} did not answer in time "
                            f"(within {HTTP_DEADLINE:g} s, its whole answer included)")

    def resolve_redirects(self, response: requests.Response, request: requests.PreparedRequest, **kwargs: Any):
        """Every answer passes here before requests looks at it further (for a redirect, or for
        `Response.next`): its body is read within the limits, and a redirect to another origin
        fails before anything is sent there."""
        self._read(response)
        location = self.get_redirect_target(response)
        if location:
            try:
                to: str | None = origin(urljoin(response.url, location.strip()))
            except ValueError:
                to = None
            if to != self.origin:
                raise DoccanoError(f"doccano at {self.origin} redirected to {to or 'an invalid address'}: "
                                   "not followed (licex sends its login, cookies and data to the "
                                   "configured server only)")
        return super().resolve_redirects(response, request, **kwargs)

    def _read(self, response: requests.Response) -> None:
        if response._content is not False:  # already read
            return
        cap = limits.EXPORT_BYTES
        chunks, size = [], 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > cap:
                response.close()
                raise DoccanoError(f"doccano at {self.url} sent an answer of more than {limits.size(cap)}: "
                                   "not read (the limit export_bytes)")
            chunks.append(chunk)
        response._content = b"".join(chunks)
        response._content_consumed = True


# -- reading what a server answers ---------------------------------------------------------------


def shape_problem(data: dict[str, Any], keys: dict[str, Any]) -> str | None:
    """What in `data` is not as `keys` (key -> type or types) want it, or None."""
    for key, kind in keys.items():
        if key not in data:
            return f"{key!r} is missing"
        if not is_a(data[key], kind):
            return f"{key!r} is {jsonl.json_type(data[key])}"
    return None


def said(value: Any, limit: int = 300) -> str:
    """What a server said, for a message (jsonl.said), with the password (secret.hiding's)
    blanked out before the whitespace is folded and before the cut, and again after: neither may
    leave a spelling or a start of it that the final scrub cannot recognise."""
    return jsonl.said(value, limit, mask)
