"""`licex bench`: characters/s, documents/s and peak memory of pipelines on one core.

Each pipeline runs in a fresh process pinned to one CPU, so its peak resident memory is its own
and the timing is single-core. Texts stream from files through `nlp.pipe` and each record is
built and dropped: nothing holds the corpus in memory. Load time is reported apart from the
throughput, which counts only the processing loop.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

# The worker reports its progress on stderr: this line once per PROGRESS_EVERY documents.
PROGRESS_LINE = "licex-bench-progress"
PROGRESS_EVERY = 10


@dataclass
class BenchResult:
    pipeline: str
    documents: int
    characters: int
    load_seconds: float
    seconds: float
    peak_rss_mb: float

    @property
    def chars_per_second(self) -> float:
        return self.characters / self.seconds if self.seconds else 0.0

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0


def write_bench_texts(folder: Path, n: int, seed: int, progress: Callable[[int], None] | None = None) -> Path:
    """n synthetic licence texts as folder/NNNNN.txt (generated one at a time)."""
    from .corpus.synth import doc_seed, generate_one

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text, _, _ = generate_one(doc_seed(seed, i))
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        if progress is not None:
            progress(1)
    return folder


def _stream(folder: Path) -> Iterator[str]:
    for path in sorted(folder.glob("*.txt")):
        yield path.read_text("utf-8")


def run_worker(spec: str, folder: Path) -> BenchResult:
    """Measure one pipeline in this process (call it in a fresh one): `rules` or a model path/package."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    from .pipeline import load_pipeline, stream_docs

    started = time.perf_counter()
    nlp = load_pipeline(None if spec == "rules" else spec)
    load_seconds = time.perf_counter() - started
    documents = characters = 0
    started = time.perf_counter()
    for doc, _ in stream_docs(nlp, ((text, None) for text in _stream(folder))):  # as `licex extract` runs it
        documents += 1
        characters += len(doc.text)
        assert doc._.license_record is not None
        if documents % PROGRESS_EVERY == 0:
            print(PROGRESS_LINE, file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return BenchResult(spec, documents, characters, round(load_seconds, 2), round(seconds, 2), round(peak_kb / 1024, 1))


def bench(specs: list[str], n: int = 1000, seed: int = 0, data: Path | None = None,
          progress: Callable[[int], None] | None = None) -> list[BenchResult]:
    """Benchmark each pipeline spec in its own single-core process over the same texts.

    `progress(k)` is told of k more units of work done: a text generated, a text processed.
    """
    with tempfile.TemporaryDirectory(prefix="licex-bench-") as tmp:
        folder = data or write_bench_texts(Path(tmp) / "texts", n, seed, progress)
        return [_run_in_own_process(spec, folder, progress) for spec in specs]


def bench_work(specs: list[str], n: int, data: Path | None) -> int:
    """The units of work `bench` reports through `progress`."""
    texts = len(list(data.glob("*.txt"))) if data is not None else n
    return (0 if data is not None else n) + len(specs) * texts


def _run_in_own_process(spec: str, folder: Path, progress: Callable[[int], None] | None) -> BenchResult:
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    worker = subprocess.Popen([sys.executable, "-m", "licex.bench", spec, str(folder)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    errors, reported = [], 0
    for line in worker.stderr:  # stdout holds one line, written last: reading stderr first cannot block
        if line.strip() == PROGRESS_LINE:
            reported += PROGRESS_EVERY
            if progress is not None:
                progress(PROGRESS_EVERY)
        else:
            errors.append(line)
    output = worker.stdout.read()
    if worker.wait() != 0:
        raise RuntimeError(f"benchmark of {spec} failed:\n{''.join(errors).strip()[-2000:]}")
    result = BenchResult(**json.loads(output.strip().splitlines()[-1]))
    if progress is not None:
        progress(result.documents - reported)
    return result


def bench_table(results: list[BenchResult]) -> Table:
    table = Table(title="licex bench (one core)")
    for column in ("pipeline", "documents", "characters", "chars/s", "docs/s", "peak RSS (MB)", "load (s)"):
        table.add_column(column, justify="left" if column == "pipeline" else "right")
    for r in results:
        table.add_row(r.pipeline, str(r.documents), f"{r.characters:,}", f"{r.chars_per_second:,.0f}",
                      f"{r.docs_per_second:.1f}", f"{r.peak_rss_mb:.0f}", f"{r.load_seconds:.1f}")
    return table


if __name__ == "__main__":  # the worker process: python -m licex.bench SPEC FOLDER
    result = run_worker(sys.argv[1], Path(sys.argv[2]))
    print(json.dumps(result.__dict__))
