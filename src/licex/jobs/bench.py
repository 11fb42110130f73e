"""`licex bench`: throughput and peak memory of pipelines on one core, from texts and documents.

Each measurement runs in a fresh process pinned to one CPU, so its peak resident memory is its
own and the timing is single-core. Load time (the pipeline, and the OCR engine for scans) is
reported apart from the throughput, which counts only the processing loop. Three inputs:

- text: licence texts stream from files through `nlp.pipe`, each record built and dropped, for
  the rules alone and each given model (characters/s, documents/s);
- text-layer PDF: generated licences typeset as PDFs (`licex.corpus.render`), each read
  (pypdfium2, reading order), extracted with the rules and its evidence boxed on the page, as
  `licex extract` does (pages/s, documents/s);
- scanned PDF: the same licences scanned (`licex.corpus.scan`), OCR'd with RapidOCR and
  extracted with the rules (pages/s), in a process not pinned to a core: OCR reads a document's
  pages on every core, as in `licex extract`. OCR takes about a second a page, so this set
  holds only the first few pages of the licences, the last licence cut to fit;
- bundle: generated licences in one text file of a million characters (a due-diligence pack),
  read, split and extracted as `licex extract` does it (licex.jobs.extraction), for the rules and each
  given model: the peak memory of a file that large, and its characters/s.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table

if TYPE_CHECKING:
    from licex.documents import DocumentText

# The worker reports its progress on stderr: this line and the units done since the last one.
PROGRESS_LINE = "licex-bench-progress"
PROGRESS_EVERY = 10  # texts between two progress lines (a document reports itself)
DEFAULT_DOCUMENTS = 10  # text-layer PDFs measured unless --documents says otherwise
DEFAULT_OCR_PAGES = 2  # scanned pages OCR'd unless --ocr-pages says otherwise

# What a measurement reads (worker argument, JSON "input"), and the source every page of it must
# have been read from (None: texts, no pages): a scan read from a text layer would be no OCR figure.
TEXT, TEXT_LAYER, SCANNED, BUNDLE = "text", "pdf", "scan", "bundle"
PROFILE = "profile"  # the worker argument of a per-step profile (run_profile_worker)
_PAGE_SOURCE = {TEXT: None, TEXT_LAYER: "text_layer", SCANNED: "ocr"}
# The bundle's size unless --bundle-chars says otherwise: a file at spaCy's max_length, about 210
# generated licences, which `licex extract` must read in under 1 GB.
DEFAULT_BUNDLE_CHARS = 1_000_000
_BUNDLE_SEPARATOR = "\n\n"


@dataclass
class BenchResult:
    pipeline: str
    documents: int
    characters: int
    load_seconds: float
    seconds: float
    peak_rss_mb: float
    input: str = TEXT
    pages: int | None = None  # None for texts
    # A licence of the input was cut to fit --ocr-pages: documents/s would not be a licence's.
    cut: bool = False
    # Processes of `licex extract --workers` (see run_workers); 0: one core, the pipeline alone (run_worker).
    workers: int = 0
    # CPU seconds of the processing in all its processes (run_workers): what the workers cost
    # beyond one process, whatever else the machine runs.
    cpu_seconds: float | None = None

    @property
    def chars_per_second(self) -> float:
        return self.characters / self.seconds if self.seconds else 0.0

    @property
    def docs_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    @property
    def pages_per_second(self) -> float | None:
        if self.pages is None:
            return None
        return self.pages / self.seconds if self.seconds else 0.0


def write_bench_texts(folder: Path, n: int, seed: int, progress: Callable[[int], None] | None = None) -> Path:
    """n synthetic licence texts as folder/NNNNN.txt (generated one at a time)."""
    from licex.corpus.synth import doc_seed, generate_one

    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text, _, _ = generate_one(doc_seed(seed, i))
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        if progress is not None:
            progress(1)
    return folder


def write_bench_documents(folder: Path, documents: int, ocr_pages: int, seed: int,
                          progress: Callable[[int], None] | None = None) -> tuple[Path, Path, bool]:
    """The first `documents` generated licences (licence i is text i of the bench) typeset as
    folder/text-layer/NNNNN.pdf, and scans of the first `ocr_pages` pages of the licences as
    folder/scanned/NNNNN.pdf (the last one cut to fit). The same seed gives the same files.
    `progress` hears of each licence typeset and each page scanned. Returns the two folders and
    whether a licence was cut."""
    from licex.corpus.render import printed_licence
    from licex.corpus.scan import scan_pages, scanned_pdf
    from licex.corpus.synth import doc_seed, generate_one
    from licex.corpus.typeset import typeset

    text_layer, scanned = folder / "text-layer", folder / "scanned"
    text_layer.mkdir(parents=True, exist_ok=True)
    scanned.mkdir(parents=True, exist_ok=True)
    index, left_to_scan, cut = 0, ocr_pages, False
    while index < documents or left_to_scan > 0:
        _, annotated, record = generate_one(doc_seed(seed, index))
        pdf = typeset(printed_licence(annotated, record.model_dump(mode="json")))
        if index < documents:
            (text_layer / f"{index:05d}.pdf").write_bytes(pdf)
            if progress is not None:
                progress(1)
        if left_to_scan > 0:
            pages = scan_pages(pdf, doc_seed(seed, index))
            cut = len(pages) > left_to_scan
            pages = pages[:left_to_scan]
            (scanned / f"{index:05d}.pdf").write_bytes(scanned_pdf(pages))
            left_to_scan -= len(pages)
            if progress is not None:
                progress(len(pages))
        index += 1
    return text_layer, scanned, cut


def write_bench_bundle(path: Path, characters: int, seed: int) -> Path:
    """Generated licences (licence i is text i of the bench), a blank line between two, in one text
    file of at least `characters` characters: as many licences as it takes."""
    from licex.corpus.synth import doc_seed, generate_one

    texts, length = [], -len(_BUNDLE_SEPARATOR)
    while length < characters:
        text, _, _ = generate_one(doc_seed(seed, len(texts)))
        texts.append(text)
        length += len(_BUNDLE_SEPARATOR) + len(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_BUNDLE_SEPARATOR.join(texts), encoding="utf-8")
    return path


def _texts(folder: Path) -> Iterator[str]:
    for path in sorted(folder.glob("*.txt")):
        yield path.read_text("utf-8")


def _documents(folder: Path, page_source: str) -> Iterator[DocumentText]:
    """The DocumentText of each PDF of `folder`, read as `licex extract` reads it (--ocr auto);
    every page must have been read from `page_source`, or the figure would count the wrong work."""
    from licex.documents import OcrMode, read_document_bytes

    for path in sorted(folder.glob("*.pdf")):
        document = read_document_bytes(path.read_bytes(), path.name, OcrMode.auto)
        wrong = [i + 1 for i, page in enumerate(document.pages) if page.source != page_source]
        if wrong:
            raise RuntimeError(f"{path}: pages {wrong} were not read from the {page_source}")
        yield document


def run_worker(spec: str, folder: Path, input_kind: str = TEXT) -> BenchResult:
    """Measure one pipeline over one input in this process (call it in a fresh one): `spec` is
    `rules` or a model path/package; `input_kind` one of TEXT, TEXT_LAYER, SCANNED. A scan is
    not pinned: OCR reads a document's pages on every core, as `licex extract` does."""
    if input_kind != SCANNED:
        _pin_to_one_core()
    from licex.documents.evidence import locate_record
    from licex.jobs.pipeline import load_pipeline, stream_docs

    page_source = _PAGE_SOURCE[input_kind]
    started = time.perf_counter()
    nlp = load_pipeline(None if spec == "rules" else spec)
    if page_source == "ocr":
        from licex.documents.ocr import engine

        engine()  # loads its models once per process: load time, not throughput
    load_seconds = time.perf_counter() - started
    documents = characters = pages = 0
    started = time.perf_counter()
    if page_source is None:
        pairs = ((text, None) for text in _texts(folder))
    else:
        pairs = ((document.text, document) for document in _documents(folder, page_source))
    for doc, document in stream_docs(nlp, pairs):  # as `licex extract` runs it
        documents += 1
        characters += len(doc.text)
        assert doc._.license_record is not None
        if document is None:
            if documents % PROGRESS_EVERY == 0:
                print(PROGRESS_LINE, PROGRESS_EVERY, file=sys.stderr, flush=True)
        else:
            locate_record(doc._.license_record, document, 0, len(document.text))  # evidence boxes
            pages += len(document.pages)
            print(PROGRESS_LINE, 1 if page_source == "text_layer" else len(document.pages), file=sys.stderr, flush=True)
    seconds = time.perf_counter() - started
    return BenchResult(spec, documents, characters, round(load_seconds, 2), round(seconds, 2),
                       _peak_rss_mb(), input_kind, pages if page_source else None)


def run_bundle_worker(spec: str, bundle: Path) -> BenchResult:
    """Measure `licex extract` of one bundle file with one pipeline in this process (call it in a
    fresh one): the file read, split into licences and each record built, as the command does."""
    _pin_to_one_core()
    from functools import partial

    from licex.jobs.bundles import extract_licences
    from licex.jobs.extraction import extract_inputs
    from licex.files.inputs import InputSource
    from licex.files.messages import InputError
    from licex.jobs.pipeline import load_pipeline

    started = time.perf_counter()
    nlp = load_pipeline(None if spec == "rules" else spec)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    records = 0
    for result in extract_inputs(partial(extract_licences, nlp), [InputSource(str(bundle), bundle)]):
        if isinstance(result, InputError):  # a generated licence refused: no figure to report
            raise RuntimeError(str(result))
        records += 1
    seconds = time.perf_counter() - started
    characters = len(bundle.read_text("utf-8"))
    return BenchResult(spec, records, characters, round(load_seconds, 2), round(seconds, 2), _peak_rss_mb(), BUNDLE)


PROFILE_CHUNK = 64  # Docs each component is given at a time when profiling


@dataclass
class ProfileResult:
    """Where one pipeline's time goes on the texts: seconds per step (the tokenizer, then each
    component in pipeline order), on one core."""

    pipeline: str
    documents: int
    characters: int
    tokens: int
    seconds: dict[str, float]

    def rows(self) -> list[tuple[str, float, float, float]]:
        """(step, seconds, characters/s, share of the time) per step, and the total."""
        total = sum(self.seconds.values())
        rows = [(name, t, self.characters / t if t else 0.0, t / total if total else 0.0) for name, t in self.seconds.items()]
        return rows + [("total", total, self.characters / total if total else 0.0, 1.0)]


def run_profile_worker(spec: str, folder: Path) -> ProfileResult:
    """Time each step of one pipeline over the texts of `folder` in this process (call it in a
    fresh one): the texts in chunks of PROFILE_CHUNK, each chunk tokenized, then given to each
    component's `pipe` in turn at the pipeline's batch size, as `nlp.pipe` gives it."""
    _pin_to_one_core()
    from spacy.util import minibatch

    from licex.jobs.pipeline import load_pipeline

    nlp = load_pipeline(None if spec == "rules" else spec)
    seconds = {"tokenizer": 0.0, **{name: 0.0 for name in nlp.pipe_names}}
    documents = characters = tokens = 0
    with nlp.memory_zone():
        for chunk in minibatch(_texts(folder), PROFILE_CHUNK):
            started = time.perf_counter()
            docs = [nlp.make_doc(text) for text in chunk]
            seconds["tokenizer"] += time.perf_counter() - started
            for name, component in nlp.pipeline:
                started = time.perf_counter()
                docs = list(component.pipe(docs, batch_size=nlp.batch_size)) if hasattr(component, "pipe") else [component(doc) for doc in docs]
                seconds[name] += time.perf_counter() - started
            documents += len(docs)
            characters += sum(len(text) for text in chunk)
            tokens += sum(len(doc) for doc in docs)
            print(PROGRESS_LINE, len(docs), file=sys.stderr, flush=True)
    return ProfileResult(spec, documents, characters, tokens, {name: round(t, 3) for name, t in seconds.items()})


def profile(specs: list[str], n: int = 1000, seed: int = 0, data: Path | None = None,
            progress: Callable[[int], None] | None = None) -> list[ProfileResult]:
    """Each pipeline spec's per-step profile, each in its own single-core process, over the same
    texts (`data`, or n generated licences); `progress` hears of each text generated or profiled."""
    with tempfile.TemporaryDirectory(prefix="licex-profile-") as tmp:
        folder = data or write_bench_texts(Path(tmp) / "texts", n, seed, progress)
        return [ProfileResult(**_run_module_worker([spec, str(folder), PROFILE], progress)) for spec in specs]


def profile_table(result: ProfileResult) -> Table:
    table = Table(title=f"{result.pipeline}: per step ({result.documents} licences, {result.tokens:,} tokens, one core)",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for column in ("step", "seconds", "chars/s", "share"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for name, seconds, chars_per_second, share in result.rows():
        table.add_row(name, f"{seconds:.2f}", f"{chars_per_second:,.0f}", f"{share:.0%}")
    return table


def _pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _peak_rss_mb() -> float:
    return round(_peak_rss_kb() / 1024, 1)


def _peak_rss_kb() -> int:
    """This process's peak resident memory since it started its program. Linux's ru_maxrss is not
    that: exec keeps the high-water mark of the process that forked it, so a worker started after
    the bench had typeset PDFs reported the bench's 531 MB whatever it used itself. /proc's VmHWM
    belongs to the program's own memory; ru_maxrss is the fallback elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


def bench(specs: list[str], n: int = 1000, seed: int = 0, data: Path | None = None,
          progress: Callable[[int], None] | None = None, documents: int = 0,
          ocr_pages: int = 0, workers: int = 0, bundle_chars: int = 0) -> list[BenchResult]:
    """Benchmark each pipeline spec in its own single-core process over the same texts; then,
    with the rules, `documents` text-layer PDFs and `ocr_pages` scanned pages (0: not measured);
    then, with `workers`, each spec over the texts as `licex extract` runs it with 1 and with
    `workers` processes (the speed-up); then each spec on a bundle file of `bundle_chars`
    characters (0: a row not measured).

    `progress(k)` is told of k more units of work done (see `bench_work`).
    """
    with tempfile.TemporaryDirectory(prefix="licex-bench-") as tmp:
        folder = data or write_bench_texts(Path(tmp) / "texts", n, seed, progress)
        results = [run_in_own_process(spec, folder, TEXT, progress) for spec in specs]
        if documents or ocr_pages:
            text_layer, scanned, cut = write_bench_documents(Path(tmp) / "documents", documents, ocr_pages, seed, progress)
            if documents:
                results.append(run_in_own_process("rules", text_layer, TEXT_LAYER, progress))
            if ocr_pages:
                results.append(run_in_own_process("rules", scanned, SCANNED, progress))
                results[-1].cut = cut
        for spec in specs if workers else ():
            results += [run_in_own_process(spec, folder, TEXT, progress, processes) for processes in (1, workers)]
        if bundle_chars:
            results += bench_bundle(specs, Path(tmp) / "bundle.txt", bundle_chars, seed, progress)
        return results


def bench_bundle(specs: list[str], path: Path, characters: int, seed: int,
                 progress: Callable[[int], None] | None = None) -> list[BenchResult]:
    """Each spec, in its own single-core process, on one bundle of `characters` characters written
    to `path`; `progress` hears of the bundle written and of each row (a unit each)."""
    write_bench_bundle(path, characters, seed)
    if progress is not None:
        progress(1)
    results = []
    for spec in specs:
        results.append(run_in_own_process(spec, path, BUNDLE))  # no progress lines: one unit a row
        if progress is not None:
            progress(1)
    return results


def bench_work(specs: list[str], n: int, data: Path | None, documents: int = 0, ocr_pages: int = 0,
               workers: int = 0, bundle_chars: int = 0) -> int:
    """The units of work `bench` reports through `progress`: a text generated or processed, a
    licence typeset or read from its text layer, a page scanned or OCR'd, the bundle written or
    processed."""
    runs = len(specs) * (3 if workers else 1)  # with workers: each spec also with 1 and N processes
    bundle = (1 + len(specs)) if bundle_chars else 0
    return (0 if data is not None else n) + runs * _text_count(n, data) + 2 * documents + 2 * ocr_pages + bundle


def profile_work(specs: list[str], n: int, data: Path | None) -> int:
    """The units of work `profile` reports through `progress` over texts already there (`data`,
    or the n that `bench` generated): a text profiled, per spec."""
    return len(specs) * _text_count(n, data)


def _text_count(n: int, data: Path | None) -> int:
    """How many texts a measurement reads: the *.txt of `data`, else n generated ones."""
    return len(list(data.glob("*.txt"))) if data is not None else n


def run_in_own_process(spec: str, folder: Path, input_kind: str,
                       progress: Callable[[int], None] | None = None, workers: int = 0) -> BenchResult:
    """`run_worker` (or with `workers`, `run_workers`) in a fresh process: the one measurement;
    `progress` hears of its units of work."""
    reported: list[int] = []

    def heard(count: int) -> None:
        reported.append(count)
        if progress is not None:
            progress(count)

    result = BenchResult(**_run_module_worker([spec, str(folder), input_kind, str(workers)], heard))
    if progress is not None:
        progress((result.pages if input_kind == SCANNED else result.documents) - sum(reported))
    return result


def _run_module_worker(arguments: list[str], progress: Callable[[int], None] | None = None) -> dict:
    """`python -m licex.jobs.bench ARGUMENTS` in a fresh process with one thread per math library: the
    dict its last line of output holds. `progress` hears of the units of work it reports."""
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    worker = subprocess.Popen([sys.executable, "-m", "licex.jobs.bench", *arguments],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    errors = []
    for line in worker.stderr:  # stdout holds one line, written last: reading stderr first cannot block
        word, _, count = line.strip().partition(" ")
        if word == PROGRESS_LINE:
            if progress is not None:
                progress(int(count))
        else:
            errors.append(line)
    output = worker.stdout.read()
    if worker.wait() != 0:
        spec, input_kind = arguments[0], arguments[2] if len(arguments) > 2 else TEXT
        raise RuntimeError(f"benchmark of {spec} on {input_kind} failed:\n{''.join(errors).strip()[-2000:]}")
    return json.loads(output.strip().splitlines()[-1])


def run_workers(spec: str, folder: Path, workers: int) -> BenchResult:
    """Measure `licex extract --workers N`'s path over the texts of `folder` in this process (call
    it in a fresh one, not pinned): `parallel.licence_extractor`, each licence split, checked and
    its record finished as extract does (reading and writing the files aside). Load time is the pipeline's
    and the workers' start. The peak memory is an upper bound: this process and each worker
    counted at the largest worker's peak (copy-on-write pages shared by the workers count in each)."""
    from licex.files.inputs import InputError
    from licex.jobs.parallel import licence_extractor
    from licex.jobs.pipeline import load_pipeline

    pipeline = None if spec == "rules" else spec
    started = time.perf_counter()
    nlp = load_pipeline(pipeline)  # spaCy and its plugins imported, as in licex extract
    if workers > 1:  # what a worker's start costs: loading the pipeline, its imports done (fork)
        cpu_started = _cpu_seconds()
        load_pipeline(pipeline)
        load_cpu = _cpu_seconds() - cpu_started
    with licence_extractor(nlp, pipeline, workers) as extract_licences:
        load_seconds = time.perf_counter() - started
        documents = characters = 0
        started, cpu_started = time.perf_counter(), _cpu_seconds()
        for part, result in extract_licences((path.name, path.read_text("utf-8")) for path in sorted(folder.glob("*.txt"))):
            if isinstance(result, InputError):
                raise RuntimeError(str(result))
            documents += 1
            characters += part.end - part.start
            if documents % PROGRESS_EVERY == 0:
                print(PROGRESS_LINE, PROGRESS_EVERY, file=sys.stderr, flush=True)
        seconds = time.perf_counter() - started
    # The workers' CPU is counted once they have ended, with the block: their start is in it, and
    # is taken out as this process measured it.
    cpu_seconds = _cpu_seconds() - cpu_started - (workers * load_cpu if workers > 1 else 0)
    own_kb = _peak_rss_kb()
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if workers > 1 else 0
    return BenchResult(spec, documents, characters, round(load_seconds, 2), round(seconds, 2),
                       round((own_kb + workers * worker_kb) / 1024, 1), workers=workers,
                       cpu_seconds=round(cpu_seconds, 2))


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def bench_table(results: list[BenchResult]) -> Table:
    """One row per measurement; a document row says how many pages its figures count."""
    caption = ("input: text; pdf = text-layer PDF; scan = scanned PDF, OCR'd (on every core); "
               "bundle = one file of many licences")
    if any(r.workers for r in results):
        caption += "; ×N: as licex extract --workers N runs it (records validated; N processes, not pinned)"
    table = Table(title="licex bench (one core)", caption=caption,
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    # Total characters are in --json; the table keeps what fits in 80 columns.
    columns = ("pipeline", "input", "docs", "pages", "chars/s", "docs/s", "pages/s", "peak MB", "load s")
    for column in columns:
        table.add_column(column, justify="left" if column in ("pipeline", "input") else "right")
    for r in results:
        pages_per_second = r.pages_per_second
        table.add_row(r.pipeline + (f" ×{r.workers}" if r.workers else ""), r.input, str(r.documents) + (" (cut)" if r.cut else ""),
                      "" if r.pages is None else str(r.pages), f"{r.chars_per_second:,.0f}",
                      "" if r.cut else f"{r.docs_per_second:.1f}",
                      "" if pages_per_second is None else f"{pages_per_second:.2f}",
                      f"{r.peak_rss_mb:.0f}", f"{r.load_seconds:.1f}")
    return table


STARTUP_RUNS = 3  # fresh processes per start-up figure; the median is reported


@dataclass
class StartupResult:
    command: str  # as a user would type it
    seconds: float  # the median wall time of its runs
    runs: list[float]


def startup_commands(specs: list[str], licence: Path) -> list[tuple[str, list[str]]]:
    """(the command as typed, its argv) for each start-up measured: spaCy's own import, alone and
    with a blank pipeline (which imports every installed spaCy plugin's factories), `licex --help`,
    and `licex extract` of one licence with each pipeline spec."""
    licex = [sys.executable, "-c", "from licex.cli import main; main()"]  # what the licex script runs
    commands = [
        ("python -c 'import spacy'", [sys.executable, "-c", "import spacy"]),
        ("python -c 'import spacy; spacy.blank(\"zh\")'", [sys.executable, "-c", "import spacy; spacy.blank('zh')"]),
        ("licex --help", [*licex, "--help"]),
    ]
    for spec in specs:
        option = ["--rules-only"] if spec == "rules" else ["--model", spec]
        commands.append((f"licex extract {' '.join(option)} ONE.txt", [*licex, "extract", *option, str(licence)]))
    return commands


def startup_times(specs: list[str], data: Path | None = None, seed: int = 0,
                  progress: Callable[[int], None] | None = None, runs: int = STARTUP_RUNS) -> list[StartupResult]:
    """Each of `startup_commands` timed in `runs` fresh processes, one after the other; the
    licence is the first text of `data`, else generated licence 0 of `seed`. `progress` hears of
    each run."""
    with tempfile.TemporaryDirectory(prefix="licex-startup-") as tmp:
        folder = data or write_bench_texts(Path(tmp), 1, seed)
        licence = min(folder.glob("*.txt"))
        results = []
        for command, argv in startup_commands(specs, licence):
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                times.append(round(time.perf_counter() - started, 2))
                if done.returncode != 0:
                    raise RuntimeError(f"start-up of {command} failed:\n{done.stderr.strip()[-2000:]}")
                if progress is not None:
                    progress(1)
            results.append(StartupResult(command, statistics.median(times), times))
        return results


def startup_work(specs: list[str], runs: int = STARTUP_RUNS) -> int:
    """The units of work `startup_times` reports through `progress`: a process run."""
    return (3 + len(specs)) * runs


def startup_table(results: list[StartupResult]) -> Table:
    """Start-up figures; each licex one also beyond spaCy's own start-up: its import alone, and
    with a blank pipeline (the plugins' factories that any pipeline loads)."""
    table = Table(title=f"licex start-up (fresh processes, median of {len(results[0].runs)})",
                  box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True)
    for column in ("command", "seconds", "- import", "- blank"):
        table.add_column(column, justify="left" if column == "command" else "right")
    spacy_import, spacy_blank = results[0].seconds, results[1].seconds
    for r in results:
        beyond = [f"{r.seconds - spacy_import:+.2f}", f"{r.seconds - spacy_blank:+.2f}"] if r.command.startswith("licex extract") else ["", ""]
        table.add_row(r.command, f"{r.seconds:.2f}", *beyond)
    return table


def result_dicts(results: list[BenchResult]) -> list[dict]:
    """The results as `licex bench --json` prints them: the measured fields and the rates (no
    documents/s where a licence was cut)."""
    return [{**asdict(r), "chars_per_second": round(r.chars_per_second, 1),
             "docs_per_second": None if r.cut else round(r.docs_per_second, 3),
             "pages_per_second": None if r.pages is None else round(r.pages_per_second, 3)} for r in results]


if __name__ == "__main__":  # the worker process: python -m licex.jobs.bench SPEC FOLDER [INPUT [WORKERS]], SPEC FILE bundle, or SPEC FOLDER profile
    processes = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    if sys.argv[3:4] == [PROFILE]:
        result = run_profile_worker(sys.argv[1], Path(sys.argv[2]))
    elif sys.argv[3:4] == [BUNDLE]:
        result = run_bundle_worker(sys.argv[1], Path(sys.argv[2]))
    elif processes:
        result = run_workers(sys.argv[1], Path(sys.argv[2]), processes)
    else:
        result = run_worker(sys.argv[1], Path(sys.argv[2]), *sys.argv[3:4])
    print(json.dumps(asdict(result)))
