"""`licex synth --tools`: generated licences as documents, read back by the tools users run.

Licence i of a seed is generated (`synth.generate_one`), typeset with a design drawn for it
(`typeset`) or, for another producer family, composed and printed by the family's program
(`families`: headless Chromium, LibreOffice), scanned with its own damage (`scan`) where an OCR tool reads scans, and read by
each tool (`tools`); the gold annotations are carried onto each tool's text by alignment
(`align`). The same licence gets the same design, scan and text whichever tools run, and
whenever, so the PDF-text tools can read thousands of licences and the OCR engines the first
few hundred of the same ones.

Work is done in batches of licences, one file per tool and batch, and each finished file is
recorded in `manifest.json` at once; a run that is stopped loses at most the batches it had not
finished, and the next run with the same options does only what is missing:

    OUT/manifest.json                 the options and every finished (tool, batch)
    OUT/<tool>/batch-00000.jsonl      one annotation line per licence (see corpus/README.md)
    OUT/<tool>/batch-00000.ocr.json   licex's own OCR tools: each text's OCR scores (corpus.ocr_sidecars)

Each line carries the tool's text, the aligned spans, `licence` (the licence's id: every tool's
text of it is the same licence, so a train/dev split keeps them together), `tool` and `source`
(the same: which program's text it is), `family` (which producer printed the PDF: fpdf2, or a
family of `licex.corpus.families`), `design` (fpdf2's design, or the family's content format),
`record` (the gold record: the licence's true values, whatever the tool lost) and `missing`
(the values and clauses that could not be aligned, with the reason; never dropped silently).
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from licex.files.messages import InputError
from licex.files.outputs import atomic_write_text
from licex.corpus.align import align
from licex.corpus.annotations import AnnotatedText, write_annotations
from licex.corpus.ocr_sidecars import OCR_SCORES, write_sidecar
from licex.documents.geometry import DocumentText
from licex.corpus.paths import MANIFEST
from licex.corpus.tools import PHOTOS, SCAN, TEXT_LAYER, clean_pages, get_tool

# licex's own typesetting, the producer the readers were tuned on (licex synth --tools without --family).
FPDF2 = "fpdf2"
_OPTIONS = ("seed", "damaged", "family")  # what the licences are; the batch size may differ by tool
# What a manifest written before families existed was made with.
_OPTION_DEFAULTS = {"family": FPDF2}


@dataclass(frozen=True)
class FactoryOptions:
    seed: int
    damaged: float = 0.0
    batch_size: int = 50
    family: str = FPDF2  # the producer of the PDFs: licex's typesetting or a family (licex.corpus.families)

    def to_json(self) -> dict[str, Any]:
        return {"seed": self.seed, "damaged": self.damaged, "family": self.family}


def licence_name(seed: int, index: int) -> str:
    return f"s{seed}_{index:05d}"


def design_of(seed: int, index: int) -> str:
    from licex.corpus.synth import doc_seed
    from licex.corpus.typeset import choose_design

    return choose_design(random.Random(doc_seed(seed, index) * 3 + 1))


@lru_cache(maxsize=1)
def _tokenizer():
    from licex.corpus.convert import pipeline_tokenizer

    return pipeline_tokenizer(None)


@dataclass
class Printed:
    """One licence as a PDF, with what it printed (values in print order, clauses) and its gold."""

    pdf: bytes
    values: list[tuple[str, str]]
    clauses: list[tuple[str, str]]
    record: dict[str, Any]
    example: AnnotatedText
    design: str


def print_document(options: FactoryOptions, index: int) -> Printed:
    """Licence `index` of the options' seed, printed by the options' producer family."""
    from licex.corpus.synth import doc_seed, generate_one, is_damaged

    name = licence_name(options.seed, index)
    seed = doc_seed(options.seed, index)
    if options.family != FPDF2:
        from licex.corpus.families import compose_licence, print_licence

        composed = compose_licence(options.family, seed, name)
        return Printed(print_licence(composed), composed.values, composed.clauses, composed.record,
                       composed.example, composed.format)
    from licex.corpus.render import printed_licence
    from licex.corpus.typeset import typeset

    _, example, record = generate_one(seed, doc_id=name, damaged_labels=is_damaged(options.seed, index, options.damaged))
    record_json = record.model_dump(mode="json")
    printed = printed_licence(example, record_json)
    design = design_of(options.seed, index)
    clauses = list(zip((label for *_, label in sorted(example.clauses)), printed.clauses))
    return Printed(typeset(printed, design), printed.printed_values(), clauses, record_json, example, design)


def read_licence(options: FactoryOptions, index: int, tools: Sequence[str]) -> dict[str, AnnotatedText]:
    """Licence `index` read by each of `tools`: tool -> its annotated text."""
    from licex.corpus.photo import photo_files
    from licex.corpus.scan import scan_pages
    from licex.corpus.synth import doc_seed

    name = licence_name(options.seed, index)
    seed = doc_seed(options.seed, index)
    printed = print_document(options, index)
    pdf, values, clauses, example, design = printed.pdf, printed.values, printed.clauses, printed.example, printed.design
    inputs: dict[str, Any] = {TEXT_LAYER: pdf}
    gold = gold_record(printed.record)
    result = {}
    for tool_name in tools:
        tool = get_tool(tool_name)
        if tool.reads not in inputs:
            inputs[tool.reads] = (scan_pages(pdf, seed) if tool.reads == SCAN else photo_files(pdf, seed + 1)
                                  if tool.reads == PHOTOS else clean_pages(pdf))
        text = tool.run(inputs[tool.reads])
        scores = None
        if isinstance(text, DocumentText):  # licex's own OCR: its scores kept beside the text
            text, scores = text.text, text.score_runs()
        aligned = align(text, values, clauses, _tokenizer())
        result[tool_name] = AnnotatedText(
            id=f"{name}_{tool_name}", text=text, entities=aligned.entities, clauses=aligned.clauses,
            meta={"origin": "synthetic", "licence": name, "tool": tool_name, "source": tool_name,
                  "family": options.family, "design": design,
                  "layout": example.meta.get("layout", []), "seed": options.seed, "doc_seed": seed,
                  "printed": {"values": len(values), "clauses": len(clauses)},
                  "missing": aligned.missing, "record": gold})
        if scores:
            result[tool_name].meta[OCR_SCORES] = scores
    return result


def gold_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record as evaluation compares it: the true values, no offsets into a text."""
    gold = {k: v for k, v in record.items() if k not in ("evidence", "source")}
    gold["clauses"] = [{k: v for k, v in clause.items() if k not in ("start", "end")} for clause in gold.get("clauses", [])]
    return gold


def _read_batch(job: tuple[FactoryOptions, int, tuple[str, ...]]) -> dict[str, AnnotatedText]:
    options, index, tools = job
    return read_licence(options, index, tools)


class Manifest:
    """What a folder holds: its options, and per tool its batch size and each finished batch,
    written after each batch."""

    def __init__(self, folder: Path, options: FactoryOptions) -> None:
        self.path = folder / MANIFEST
        self.data: dict[str, Any] = {**options.to_json(), "batch_sizes": {}, "batches": {}}
        if self.path.exists():
            try:
                stored = json.loads(self.path.read_text("utf-8"))
            except (OSError, ValueError) as error:
                raise InputError(str(self.path), f"cannot read the manifest: {error}") from error
            differ = [f"{key} {stored.get(key, _OPTION_DEFAULTS.get(key))} (asked {self.data[key]})"
                      for key in _OPTIONS if stored.get(key, _OPTION_DEFAULTS.get(key)) != self.data[key]]
            if differ:
                raise InputError(str(self.path), f"this corpus was made with {', '.join(differ)}; "
                                 "give the same options to add to it, or another folder")
            self.data = stored

    def check_batch_size(self, tool: str, size: int) -> None:
        """A tool's batches all have one size, or the next run could not tell what is done."""
        stored = self.data["batch_sizes"].get(tool)
        if stored is not None and stored != size and self.data["batches"].get(tool):
            raise InputError(str(self.path), f"{tool} was read in batches of {stored} (asked {size}); "
                             f"give --batch-size {stored} to add to it")

    def done(self, tool: str, batch: int, count: int) -> bool:
        """Whether the batch's file holds its `count` licences (a last batch grows with -n)."""
        entry = self.data["batches"].get(tool, {}).get(str(batch))
        return entry is not None and entry["count"] == count and (self.path.parent / entry["file"]).exists()

    def record(self, tool: str, size: int, batch: int, entry: dict[str, Any]) -> None:
        """Add a finished batch. Runs of other tools may be writing into the same folder: the
        manifest is read again under a lock and only this entry is added."""
        import fcntl

        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.path.exists():
                self.data = json.loads(self.path.read_text("utf-8"))
            self.data["batch_sizes"][tool] = size
            self.data["batches"].setdefault(tool, {})[str(batch)] = entry
            atomic_write_text(self.path, json.dumps(self.data, ensure_ascii=False, indent=1) + "\n")


@dataclass
class BatchReport:
    tool: str
    batch: int
    documents: int
    values: int
    values_missing: int
    clauses: int
    clauses_missing: int

    def counts(self) -> dict[str, int]:
        """What the manifest keeps of the batch: its values and clauses, and those not aligned."""
        return {key: getattr(self, key) for key in _COUNTS}


# The counts of a batch, in the manifest and in the summary of a corpus.
_COUNTS = ("values", "values_missing", "clauses", "clauses_missing")


def make_tool_corpus(out: Path, n: int, tools: Sequence[str], options: FactoryOptions, workers: int = 1,
                     progress: Callable[[], None] | None = None, first: int = 0) -> list[BatchReport]:
    """Licences `first`..n-1 through `tools` into `out`, batch by batch, skipping finished
    batches; `first` is a multiple of the batch size (a batch is the same licences whenever it
    is made). `progress` hears of each licence read (by all the tools its batch still needs)."""
    if first % options.batch_size:
        raise InputError(str(out), f"--first {first} is not a multiple of the batch size {options.batch_size}")
    for name in tools:
        get_tool(name).check()
    if options.family != FPDF2:
        from licex.corpus.families import family_config
        from licex.corpus.families.printers import check_printer

        check_printer(family_config(options.family)["printer"])
    out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out, options)
    size = options.batch_size
    for name in tools:
        manifest.check_batch_size(name, size)
    reports = []
    pool = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        for batch in range(first // size, (n + size - 1) // size):
            indices = range(batch * size, min(n, (batch + 1) * size))
            todo = tuple(tool for tool in tools if not manifest.done(tool, batch, len(indices)))
            if not todo:
                continue
            started = time.monotonic()
            jobs = [(options, index, todo) for index in indices]
            read: dict[str, list[AnnotatedText]] = {tool: [] for tool in todo}
            for texts in (pool.map(_read_batch, jobs) if pool else map(_read_batch, jobs)):
                for tool, example in texts.items():
                    read[tool].append(example)
                if progress:
                    progress()
            seconds = round(time.monotonic() - started, 1)
            for tool, examples in read.items():
                file = f"{tool}/batch-{batch:05d}.jsonl"
                (out / tool).mkdir(exist_ok=True)
                write_sidecar(out / file, examples)  # the OCR scores, out of the texts' lines
                write_annotations(out / file, examples, named_by_licex=True)
                report = _report(tool, batch, examples)
                manifest.record(tool, size, batch, {
                    "file": file, "first": indices.start, "count": len(examples), **report.counts(),
                    "designs": dict(Counter(e.meta["design"] for e in examples)),
                    "seconds_all_tools": seconds,
                })
                reports.append(report)
    finally:
        if pool:
            pool.shutdown()
    return reports


def _report(tool: str, batch: int, examples: list[AnnotatedText]) -> BatchReport:
    def missing(example: AnnotatedText, kind: str) -> int:
        return sum(1 for reason in example.meta["missing"] if reason.rsplit(": ", 1)[-1].startswith(kind))

    return BatchReport(
        tool, batch, len(examples),
        values=sum(e.meta["printed"]["values"] for e in examples),
        values_missing=sum(missing(e, "value") for e in examples),
        clauses=sum(e.meta["printed"]["clauses"] for e in examples),
        clauses_missing=sum(missing(e, "clause") for e in examples))


def corpus_summary(out: Path) -> Iterator[tuple[str, dict[str, int]]]:
    """Per tool: licences, values and clauses, and how many of each could not be aligned."""
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))
    for tool, batches in sorted(manifest["batches"].items()):
        total: Counter[str] = Counter()
        for entry in batches.values():
            total.update({key: entry[key] for key in ("count", *_COUNTS)})
        yield tool, dict(total)


@dataclass
class Ceiling:
    """What a tool left of the values a licence printed: all of them, those still in its text
    verbatim, and those that read as the printed value after the normalisers' repairs (a
    misread the value readers undo). `present` over `values` is the most a reader can get of
    the values; `field_ceiling` is the same per field."""

    values: int = 0
    verbatim: int = 0
    repaired: int = 0

    @property
    def present(self) -> int:
        return self.verbatim + self.repaired

    def to_json(self) -> dict[str, Any]:
        return {"values": self.values, "verbatim": self.verbatim, "repaired": self.repaired,
                "share_present": round(self.present / self.values, 4) if self.values else None}


def value_ceiling(examples: Sequence[AnnotatedText]) -> Ceiling:
    """The ceiling of tool texts that carry their licence's record (see `Ceiling`).

    A value counts as present only where the licence prints it: as the text of the span that
    alignment carried there (`licex.corpus.align`), never as the same characters anywhere in the
    text (全国 or a province is in the 特别规定事项 of every licence, whatever the tool lost of
    the front page). Each span stands for one printed value."""
    from licex.text.chars import nfkc
    from licex.fields.values import read_value
    from licex.corpus.align import squeeze
    from licex.corpus.typeset import PrintedLicence

    ceiling = Ceiling()
    for example in examples:
        if "record" not in example.meta:
            continue
        spans: dict[str, list[str]] = {}
        for start, end, label in example.entities:
            spans.setdefault(label, []).append(nfkc(example.text[start:end]))
        for label, printed in PrintedLicence.from_record(example.meta["record"], []).printed_values():
            ceiling.values += 1
            texts = spans.get(label, [])
            value = read_value(label, printed)
            if (same := next((t for t in texts if squeeze(t)[0] == squeeze(printed)[0]), None)) is not None:
                ceiling.verbatim += 1
            elif value is not None and (same := next((t for t in texts if read_value(label, t) == value), None)):
                ceiling.repaired += 1
            if same is not None:
                texts.remove(same)
    return ceiling


def ceilings(examples: Sequence[AnnotatedText]) -> dict[str, Any] | None:
    """Both ceilings of tool texts, as metrics.json keeps them (`Ceiling.to_json` and the
    `field_accuracy` of `field_ceiling`); None for texts that carry no licence record."""
    ceiling = value_ceiling(examples)
    if not ceiling.values:
        return None
    return {**ceiling.to_json(), "field_accuracy": field_ceiling(examples)}


def ceiling_note(ceiling: dict[str, Any] | None) -> str:
    """A report title's note on the `ceilings` of tool texts; empty where there are none."""
    if ceiling is None:
        return ""
    present = ceiling["verbatim"] + ceiling["repaired"]
    return (f"; ceiling: {present / ceiling['values']:.3f} of the printed values present "
            f"({present} of {ceiling['values']}), fields {ceiling['field_accuracy']:.3f}")


def field_ceiling(examples: Sequence[AnnotatedText]) -> float | None:
    """The ceiling per field: the field micro accuracy of the record built from the aligned gold
    spans, scored against the licence's true record. A field is as good as its worst value (one
    lost shareholder loses the table), so this is the ceiling field accuracy compares with."""
    from licex.components.record_builder import build_record
    from licex.evaluation.records import evaluate
    from licex.corpus.annotations import to_doc

    scored = [example for example in examples if "record" in example.meta]
    gold = {str(example.id): example.meta["record"] for example in scored}
    read = {str(example.id): build_record(to_doc(example)).to_json_dict() for example in scored}
    return evaluate(gold, read).micro_accuracy() if scored else None
