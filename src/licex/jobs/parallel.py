"""`licex extract --workers N`: the licences of many files extracted in N processes, in input order.

Each worker process loads the pipeline once and runs `bundles.extract_licences` on a few files at
a time, so the per-licence work (splitting a bundle, refusing what is no licence, the pipeline, the
record) is the single-process code, and a file's errors are the same one-line errors. The parent
reads the files (and PDFs and scans, OCR included) and writes the records; it keeps a few files
per worker in flight and hands results back in the order the files came in.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.util import minibatch

from licex.jobs import bundles
from licex.jobs.bundles import LicencePart, SourceText
from licex.files.messages import InputError
from licex.jobs.pipeline import load_pipeline

Extracted = Iterator[tuple[LicencePart, dict[str, Any] | InputError]]
# A task is a few files: the pipeline batches them (nlp.pipe, one memory zone), and the cost of a
# task (sending it, a zone's strings added again) is shared. Two tasks a worker are in flight, so
# that a worker never waits for the parent to read the next files, and read-ahead (texts,
# documents kept for their pages) stays small.
FILES_PER_TASK = 8
_TASKS_PER_WORKER = 2
_PR_SET_PDEATHSIG = 1  # linux/prctl.h
_REAPED_WITHIN = 10.0  # seconds to wait for a broken pool's workers to be reaped, to say how one died

_worker_nlp: Language | None = None  # the pipeline of a worker process


class WorkerDied(Exception):
    """A worker process died (a signal: kill -9, the out-of-memory killer); the run cannot go on,
    since the pool that ran it is broken. The message says how it died and which inputs are not
    extracted: those it and the other workers held, and all after them."""

    def __init__(self, how: str, first_lost: str | None) -> None:
        lost = f", nor those after them (from {first_lost} on)" if first_lost is not None else ""
        super().__init__(f"a worker process died ({how}); the inputs it held are not extracted{lost}")


@contextmanager
def licence_extractor(nlp: Language, spec: str | Path | None, workers: int,
                      review_below: float | None = None) -> Iterator[Callable[[Iterable[SourceText]], Extracted]]:
    """A function from (source, text[, OCR scores]) items to `extract_licences`' (part, record or error) pairs,
    in input order: `nlp` in this process for one worker, else `workers` processes that each
    load `spec` with `review_below` (as `pipeline.load_pipeline` reads them; `nlp` is loaded so
    too). The processes end with the block."""
    if workers == 1:
        yield partial(bundles.extract_licences, nlp)
        return
    pool = ProcessPoolExecutor(workers, mp_context=_start_method(), initializer=_load_worker, initargs=(spec, review_below))
    try:
        # With fork every worker starts at the first submission: here, before the caller starts
        # any thread (a progress bar) or reads any document, so no worker copies a held lock.
        try:
            pool.submit(_loaded).result()
        except BrokenProcessPool:
            raise WorkerDied(_how_it_died(pool), None) from None
        yield partial(_in_order, pool, workers * _TASKS_PER_WORKER)
    except BaseException:
        # Stopped (a signal), an output that cannot be written, ...: the run is over, so the
        # licences in the workers' hands are not waited for.
        _end_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _end_workers(pool: ProcessPoolExecutor) -> None:
    # ProcessPoolExecutor has no public way to stop busy workers before Python 3.14
    # (terminate_workers); its process table is the one place they are listed.
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        if process.is_alive():
            process.terminate()


def _start_method():
    """fork where there is one: the workers start as copies of this process, which has imported
    spaCy already (seconds that a fresh interpreter would spend again in each worker)."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _load_worker(spec: str | Path | None, review_below: float | None) -> None:
    global _worker_nlp
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to report, once
    _end_with_parent()
    _worker_nlp = load_pipeline(spec, review_below)


def _end_with_parent() -> None:
    """Linux: SIGTERM this worker when the parent dies (kill -9 too), rather than wait for work forever."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # no prctl (another libc): the parent's shutdown still ends it
        pass
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:  # it died before prctl: no work will come
        os._exit(1)


def _loaded() -> bool:
    return _worker_nlp is not None


def _extract_files(texts: list[SourceText]) -> list[tuple[LicencePart, dict[str, Any] | InputError]]:
    return list(bundles.extract_licences(_worker_nlp, texts))


def _in_order(pool: ProcessPoolExecutor, in_flight: int, texts: Iterable[SourceText]) -> Extracted:
    pending: deque[tuple[Future, str]] = deque()  # a task, and the source of its first file
    task: list[SourceText] = []
    try:
        for task in minibatch(texts, FILES_PER_TASK):
            pending.append((pool.submit(_extract_files, list(task)), task[0][0]))
            if len(pending) >= in_flight:
                yield from pending[0][0].result()
                pending.popleft()
        while pending:
            yield from pending[0][0].result()
            pending.popleft()
    except BrokenProcessPool:
        # the first task whose records are not out: one in the workers' hands, or the one submitted
        first = pending[0][1] if pending else task[0][0] if task else None
        raise WorkerDied(_how_it_died(pool), first) from None


def _how_it_died(pool: ProcessPoolExecutor) -> str:
    """How the worker that broke the pool ended: `killed by signal 9, SIGKILL`, `exit status 1`.
    The pool terminates (SIGTERM) the others once one dies: another signal or status is the one.
    Their exit statuses are known once the pool's manager thread has reaped them all."""
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(_REAPED_WITHIN)
    codes = [process.exitcode for process in list((getattr(pool, "_processes", None) or {}).values())
             if process.exitcode]
    code = next((c for c in codes if c != -signal.SIGTERM), codes[0] if codes else None)
    if code is None:
        return "it ended unexpectedly"
    if code < 0:
        try:
            return f"killed by signal {-code}, {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"
