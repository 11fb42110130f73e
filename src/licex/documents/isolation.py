"""PDFium in a process of its own, of bounded memory and time: a PDF that makes PDFium explode
costs one line naming the file, never the batch.

PDFium parses a page's whole content as it loads it, in licex's process, with no limit: a 1 MB
content stream that inflates to 1 GB took 2.1 GB and 10 s; a 2 KB page of form XObjects, each
drawing the next ten times, seven deep, took 9 GB and ended the process (SIGABRT), with every
record of the batch not yet written. None of it is seen before the page is loaded. So PDFium runs
in a child process (one for the whole run, started with the first PDF, about 0.1 s), whose
address space is limited to PDFIUM_BYTES and each of whose calls to PAGE_SECONDS: past either,
the child is ended, the document refused, and the next PDF starts a new child.

The child holds one `pdf.PdfReader` at a time and answers its method calls, one at a time, over
two pipes (pickled). Where a process's memory cannot be limited (no `resource` module: not a
POSIX system) the reader runs in this process, as before.
"""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from licex.files.limits import PAGE_SECONDS, PDFIUM_BYTES, size
from licex.documents.errors import DocumentError



class _Child:
    """The child process and its two pipes."""

    def __init__(self) -> None:
        from multiprocessing.connection import Connection

        requests_read, requests_write = os.pipe()
        answers_read, answers_write = os.pipe()
        package_root = str(Path(__file__).resolve().parents[2])  # licex importable as here
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")])))
        serve = f"from licex.documents.isolation import serve; serve({requests_read}, {answers_write}, {PDFIUM_BYTES})"
        try:
            # A session of its own: Ctrl-C is the parent's to report; the child ends as its pipe closes.
            self.process = subprocess.Popen([sys.executable, "-c", serve], pass_fds=(requests_read, answers_write),
                                            stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        finally:
            os.close(requests_read)
            os.close(answers_write)
        self.requests = Connection(requests_write, readable=False)
        self.answers = Connection(answers_read, writable=False)
        self.owner = os.getpid()  # a process forked from this one must not talk to this child
        self.waiting = False  # a request sent, its answer not read: the pipes are out of step

    def call(self, request: tuple, what: str) -> Any:
        """Send a request, wait at most PAGE_SECONDS for its answer; DocumentError if the child
        ends or runs over (it is then ended)."""
        try:
            self.requests.send(request)
            self.waiting = True
            if self.answers.poll(PAGE_SECONDS):
                kind, value = self.answers.recv()
                self.waiting = False
                if kind == "error":
                    raise DocumentError(value)
                if kind == "pdfium":
                    raise DocumentError(f"not a readable PDF ({value})")
                if kind == "memory":
                    raise DocumentError(f"{what}: reading it needs more than the limit of {size(PDFIUM_BYTES)} of memory")
                if kind == "bug":
                    raise RuntimeError(f"in PDFium's process: {value}")
                return value
            cause = f"{what}: PDFium ran over the limit of {PAGE_SECONDS:,} seconds"
        except (EOFError, OSError):
            cause = (f"{what}: PDFium stopped (reading it needs more than the limit of {size(PDFIUM_BYTES)} "
                     "of memory, or it crashed)")
        self.end()
        raise DocumentError(cause)

    @property
    def usable(self) -> bool:
        return self.owner == os.getpid() and not self.waiting and self.process.poll() is None

    def end(self) -> None:
        self.process.kill()
        self.process.wait()
        self.requests.close()
        self.answers.close()

    def close(self) -> None:
        """End the child as this process ends: it stops when its requests pipe closes."""
        if self.owner == os.getpid() and not self.requests.closed:
            self.requests.close()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.end()


_child: _Child | None = None
_lock = threading.Lock()  # one document at a time in the child


@contextmanager
def pdf_reader(data: bytes):
    """A `pdf.PdfReader` of `data`, in the child process where there can be one, as a function
    `call(method, *args, what=...)`; `what` names what a call reads (a page), for the messages."""
    global _child
    try:
        import resource  # noqa: F401  (POSIX: a child's memory can be limited)
    except ImportError:
        with _in_process(data) as call:
            yield call
        return
    with _lock:
        if _child is None or not _child.usable:
            try:
                _child = _Child()
            except OSError:  # no interpreter to start (an embedded Python): as before
                _child = None
                with _in_process(data) as call:
                    yield call
                return
            atexit.register(_child.close)
        child = _child

        def call(method: str, *args, what: str = "the document") -> Any:
            return child.call((method, args), what)

        try:
            call("open", data)
            yield call
        finally:
            if child.usable:
                call("close")
            else:  # ended, or interrupted amid a call
                if child.process.poll() is None:
                    child.end()
                _child = None


@contextmanager
def _in_process(data: bytes):
    from licex.documents.pdf import PdfReader

    reader = PdfReader(data)
    try:
        yield lambda method, *args, what="": getattr(reader, method)(*args)
    finally:
        reader.close()


def serve(requests_fd: int, answers_fd: int, memory: int) -> None:
    """The child: limit its own memory (address space) to `memory` bytes, then answer requests
    until the requests pipe closes."""
    import resource
    import traceback
    from multiprocessing.connection import Connection

    from licex.documents.pdf import PdfReader

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (memory if hard == resource.RLIM_INFINITY else min(memory, hard), hard))
    requests, answers = Connection(requests_fd, writable=False), Connection(answers_fd, readable=False)
    reader = None
    while True:
        try:
            method, args = requests.recv()
        except EOFError:
            return
        try:
            if method == "open":
                reader = PdfReader(*args)
                answer = ("ok", None)
            elif method == "close":
                if reader is not None:  # None where the document could not be opened
                    reader.close()
                answer = ("ok", None)
            else:
                answer = ("ok", getattr(reader, method)(*args))
        except DocumentError as error:
            answer = ("error", str(error))
        except MemoryError:
            answer = ("memory", None)
        except Exception as error:  # noqa: BLE001 (every error is answered, the child goes on)
            # pypdfium2's PdfiumError: a damaged file; anything else is a bug of licex's
            kind = "pdfium" if type(error).__name__ == "PdfiumError" else "bug"
            answer = (kind, str(error) if kind == "pdfium" else traceback.format_exc(limit=-3))
        if method == "close":
            reader = None
        answers.send(answer)
