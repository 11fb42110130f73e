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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.table import Table

from .corpus.synth import doc_seed, generate_one


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


def write_bench_texts(folder: Path, n: int, seed: int) -> Path:
    """n synthetic licence texts as folder/NNNNN.txt (generated one at a time)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text, _, _ = generate_one(doc_seed(seed, i))
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
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
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return BenchResult(spec, documents, characters, round(load_seconds, 2), round(seconds, 2), round(peak_kb / 1024, 1))


def bench(specs: list[str], n: int = 1000, seed: int = 0, data: Path | None = None) -> list[BenchResult]:
    """Benchmark each pipeline spec in its own single-core process over the same texts."""
    with tempfile.TemporaryDirectory(prefix="licex-bench-") as tmp:
        folder = data or write_bench_texts(Path(tmp) / "texts", n, seed)
        results = []
        for spec in specs:
            env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
            completed = subprocess.run(
                [sys.executable, "-m", "licex.bench", spec, str(folder)], capture_output=True, text=True, env=env,
            )
            if completed.returncode != 0:
                raise RuntimeError(f"benchmark of {spec} failed:\n{completed.stderr.strip()[-2000:]}")
            results.append(BenchResult(**json.loads(completed.stdout.strip().splitlines()[-1])))
        return results


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
