"""The `licex` command line: one typer app, each command a thin shell over an importable function."""

from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from licex.jobs.crash import crash_log, scrubbed
from licex.jobs.extras import MissingExtra, extra_providing, require
from licex.inputs import (
    InputError,
    InputSource,
    OutputError,
    TextDirNames,
    atomic_write_text,
    atomic_writer,
    check_folder,
    check_output,
    collect_inputs,
    input_paths,
    one_line,
    os_cause,
)
from licex.jobs.signals import Stopped, stopping
from licex.files.stdout import StdoutError, flush_stdout, guarded_stdout

if TYPE_CHECKING:
    from rich.progress import Progress

# Each command imports what it needs when it runs, so `licex --help` and `licex extract` load
# neither the evaluation, nor the generator, nor doccano's client.


class _LicexGroup(TyperGroup):
    """The top-level command group: a command that needs an optional extra which is not installed
    ends in one line naming the extra, whichever command it is."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except MissingExtra as error:
            missing = error
        except ModuleNotFoundError as error:
            extra = extra_providing(error)
            if extra is None:
                raise
            missing = MissingExtra(extra, f"licex {ctx.invoked_subcommand}")
        fail(str(missing))
        raise typer.Exit(2)


app = typer.Typer(
    name="licex",
    cls=_LicexGroup,
    help="Extract structured records from Chinese value-added telecom business licences.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
# Everything licex prints holds user text (file names, labels, what a server said): rich never
# reads it as markup. Styled parts are built as rich Text.
stdout = Console(markup=False, highlight=False)
stderr = Console(stderr=True, markup=False, highlight=False)


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


def fail(message: str) -> None:
    """A one-line error on stderr: the file or cause, then what is wrong.

    The message is user text (file names, labels, what a server said): rich never reads it as
    markup, and it is shown as `one_line` shows it: control characters and line breaks as escapes
    (\\n), so a file name cannot hide itself, restyle the line or break it in two.
    """
    _say("licex: error: ", "bold red", message)


def _tell(message: str) -> None:
    """A line on stdout saying what a command did: the names in it shown as `one_line` shows them."""
    stdout.print(Text(one_line(message)), soft_wrap=True)


def _say(prefix: str, style: str, message: str) -> None:
    stderr.print(Text.assemble((prefix, style), one_line(message)), highlight=False, soft_wrap=True)


class _WarningHandler(logging.Handler):
    """licex's warnings (logger `licex`) as one line each on stderr, like errors."""

    def emit(self, record: logging.LogRecord) -> None:
        _say("licex: warning: ", "bold yellow", record.getMessage())


_log = logging.getLogger("licex")
_log.addHandler(_WarningHandler())
_log.propagate = False


STDOUT = "-"


def _file_or_stdout(output: Path | None) -> Path | None:
    """`-o -` is stdout (None), as no -o is: not a file named `-`."""
    return None if output is not None and str(output) == STDOUT else output


def _folder_output(output: Path, option: str = "-o") -> Path:
    """A folder option: `-` (stdout) cannot hold a folder of files; one line and exit status 2."""
    if str(output) == STDOUT:
        fail(f"{option} -: this command writes a folder of files, not one stream to stdout; give a folder")
        raise typer.Exit(2)
    return output


class OcrChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Licence files (text, PDF, PNG/JPEG/TIFF/BMP scans), folders (every such file below), or - for stdin.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here (atomically; - is stdout) instead of stdout.")] = None,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Use only the rule components, no trained model.")] = False,
    model: Annotated[Optional[str], typer.Option("--model", help="A trained pipeline: a folder or an installed package (default: $LICEX_MODEL, zh_licex_cnn, or training/model of a checkout).")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="jsonl: a record a line; json: one array; table: a summary.")] = OutputFormat.jsonl,
    ocr: Annotated[OcrChoice, typer.Option("--ocr", help="PDF pages to OCR: auto (those without a usable text layer), always, never.")] = OcrChoice.auto,
    text_dir: Annotated[Optional[Path], typer.Option("--text-dir", help="Write the text licex read from each input (for a PDF or scan: rebuilt from its pages) here, as its file name + .txt (lic.pdf.txt): the text the offsets point into.")] = None,
    review_below: Annotated[Optional[float], typer.Option("--review-below", help="Also list in needs_review every value whose confidence is below this (0-1).", min=0.0, max=1.0)] = None,
    workers: Annotated[int, typer.Option("--workers", help="Processes that extract in parallel, each loading the pipeline once; the output is the same, in the same order.", min=1)] = 1,
) -> None:
    """Extract one validated JSON record per licence (a file holding several gives several)."""
    from licex.jobs.extraction import extract_inputs
    from licex.jobs.parallel import WorkerDied, licence_extractor

    output = _file_or_stdout(output)
    if text_dir is not None:
        text_dir = _folder_output(text_dir, "--text-dir")
    spec = _pipeline_spec(rules_only, model)
    try:  # before any work: an output that is an input, or that cannot be written, stops here
        if output is not None:
            check_output(output, input_paths(paths))
        if text_dir is not None:
            check_folder(text_dir, input_paths(paths))
    except InputError as error:
        fail(str(error))
        raise typer.Exit(2)
    sources, errors = collect_inputs(paths)
    for error in errors:
        fail(str(error))
    failed = bool(errors)
    nlp = _load(spec)

    text_files = _TextFiles(text_dir)

    def read(source: InputSource, text: str | None) -> None:
        if text is not None:
            text_files.write(source.name, text)
        progress.advance(task)

    try:
        # No more processes than files: each would load the pipeline for nothing.
        with licence_extractor(nlp, spec, max(1, min(workers, len(sources)))) as extract_licences, ExitStack() as stack:
            # the output is replaced only when the ExitStack ends normally
            sink = _RecordSink(stack, output, output_format)
            with _progress(len(sources)) as progress:
                task = progress.add_task("extracting", total=len(sources))
                for result in extract_inputs(extract_licences, sources, ocr.value, review_below, read):
                    if isinstance(result, InputError):
                        fail(str(result))
                        failed = True
                    else:
                        sink.add(result)
            if not sink.count and failed and output is not None:
                # Nothing was extracted: an earlier output file is worth more than an empty one.
                raise _NothingExtracted
            sink.close()
    except _NothingExtracted:
        fail(f"{output}: not written, no licence was extracted")
    except InputError as error:  # the output could not be written (full disk, ...)
        fail(str(error))
        raise typer.Exit(1)
    except WorkerDied as error:  # -o FILE is as it was (atomic); stdout holds the records before
        fail(str(error) + (f"; {output} is left as it was" if output is not None else ""))
        raise typer.Exit(1)
    raise typer.Exit(1 if failed else 0)


class _NothingExtracted(Exception):
    """Raised inside the atomic writer so that the earlier output is kept."""


class _TextFiles:
    """`--text-dir`: the text each input was read as, in the file TextDirNames gives it."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.names = TextDirNames()

    def write(self, source: str, text: str) -> None:
        if self.folder is None:
            return
        # A name licex chose: a link there (to a file outside) is replaced, never written through.
        atomic_write_text(self.folder / self.names.name(source), text, named_by_licex=True)


class _RecordSink:
    """Where extract's records go: streamed as JSONL lines, or gathered for a JSON array or a table."""

    def __init__(self, stack: ExitStack, output: Path | None, output_format: OutputFormat) -> None:
        self.format = output_format
        self.handle = sys.stdout if output is None else stack.enter_context(atomic_writer(output))
        self.to_terminal = output is None
        self.gathered: list[dict] = []
        self.count = 0

    def add(self, record: dict) -> None:
        from licex.files import jsonl

        self.count += 1
        if self.format is OutputFormat.jsonl:
            self.handle.write(jsonl.dumps(record))
        else:
            self.gathered.append(record)

    def close(self) -> None:
        if self.format is OutputFormat.json:
            # Readable UTF-8: a person reads this array (JSONL lines are for machines and line readers).
            self.handle.write(json.dumps(self.gathered, ensure_ascii=False, indent=2) + "\n")
        elif self.format is OutputFormat.table:
            if self.to_terminal:
                stdout.print(_records_table(self.gathered))
            else:
                Console(file=self.handle, width=160, no_color=True, markup=False, highlight=False).print(_records_table(self.gathered))


def _pipeline_spec(rules_only: bool, model: str | None) -> str | Path | None:
    """The pipeline `--rules-only` / `--model` ask for (None: the rules), as `licex extract` chooses it."""
    from licex.jobs.pipeline import default_model

    if rules_only and model:
        fail("--rules-only and --model exclude each other")
        raise typer.Exit(2)
    return None if rules_only else model or default_model()


def _load(spec: str | Path | None):
    """The pipeline for a spec, or a one-line error and exit status 2."""
    from licex.jobs.pipeline import PipelineError, load_pipeline

    try:
        return load_pipeline(spec)
    except PipelineError as error:
        fail(str(error))
        raise typer.Exit(2)


def _progress(total: int) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
        # Off unless stderr is a terminal: elsewhere rich would leave a blank line in it (a log, a pipe).
        TimeRemainingColumn(), console=stderr, transient=True, disable=total < 2 or not stderr.is_terminal,
    )


def _records_table(records: list[dict]) -> Group:
    """One block per licence (its source, then a field a line), so that it reads at 80 columns:
    a value longer than the line folds onto the next, never cut off. Values are Text, never
    markup: a file name such as `[red]x.txt` shows as it is."""
    blocks: list[Table | str] = [f"{len(records)} licence(s)"]
    for r in records:
        title = r["source"] + (f" (licence {r['part']})" if r.get("part") else "")
        block = Table(title=Text(one_line(title)), title_justify="left", show_header=False, expand=True)
        block.add_column("field", no_wrap=True, style="bold")
        block.add_column("value", overflow="fold", ratio=1)
        for field, value in (
            ("licence no", r["license_no"]),
            ("company", r["company_name"]),
            ("businesses", " ".join(b["code"] or "?" for b in r["businesses"])),
            ("issued", r["issue_date"]),
            ("expires", r["expiry_date"]),
            ("clauses", str(len(r["clauses"]))),
        ):
            block.add_row(field, Text(one_line(value)) if value else "—")
        blocks.append(block)
    return Group(*blocks)


@app.command()
def evaluate(
    args: Annotated[list[str], typer.Argument(help="MODEL DATA... (MODEL: a trained pipeline, or `rules`; DATA: annotated corpora, scored together), or PRED.jsonl with --gold.")],
    gold: Annotated[Optional[Path], typer.Option("--gold", help="Score a JSONL of predicted records against this folder of *.record.json.")] = None,
    compare: Annotated[bool, typer.Option("--compare", help="Also score rules only and the model without its rule fallback, side by side.")] = False,
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Folder for report.json, report.md and accuracy.png (default: evaluation; not with --gold, which prints its report).", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score extraction: a pipeline on an annotated set (fields, entities, clauses), or predicted records against gold records."""
    require("eval", "licex evaluate")
    if gold is not None:
        if len(args) != 1:
            fail("with --gold give one file of predicted records: licex evaluate --gold DIR PRED.jsonl")
            raise typer.Exit(2)
        if output is not None:  # never an option taken and ignored
            fail("-o: evaluate --gold writes no report files, it prints its report (--json: as JSON); "
                 "redirect that, or leave -o out")
            raise typer.Exit(2)
        _evaluate_records(gold, Path(args[0]), as_json)
        return
    output = _folder_output(output or Path("evaluation"))
    if len(args) < 2:
        fail("give MODEL DATA... (or --gold DIR PRED.jsonl)")
        raise typer.Exit(2)
    _evaluate_model(args[0], [Path(arg) for arg in args[1:]], compare, output, as_json)


def _evaluate_records(gold_dir: Path, predictions: Path, as_json: bool) -> None:
    from licex.evaluation.records import evaluate, load_gold_dir, load_predictions
    from licex.evaluation.render import render_misses, render_table

    try:
        gold, predicted = load_gold_dir(gold_dir), load_predictions(predictions)
    except InputError as error:
        fail(str(error))
        raise typer.Exit(2)
    if not gold.keys() & predicted.keys():
        # Every field would score 0.000: the files do not belong together, or the ids differ.
        fail(f"{predictions}: no prediction matches a gold record in {gold_dir} (a record matches by the file "
             "name of its `source`, without .txt or .pdf, and the gold file <name>.record.json); nothing scored")
        raise typer.Exit(1)
    report = evaluate(gold, predicted)
    if as_json:
        sys.stdout.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")
        return
    stdout.print(render_table(report))
    if report.misses:
        stdout.print(render_misses(report))
    if report.unmatched:
        stderr.print(f"predictions without gold (not scored): {', '.join(report.unmatched)}")


def _evaluate_model(model: str, data: list[Path], compare: bool, output: Path, as_json: bool) -> None:
    from licex.corpus.annotations import read_corpora
    from licex.corpus.tool_corpus import ceiling_note, ceilings
    from licex.evaluation.pipelines import compare_pipelines, evaluate_pipeline
    from licex.evaluation.render import comparison_table, write_reports
    from licex.jobs.pipeline import PipelineError, load_pipeline

    with _corpus_errors():
        check_folder(output)  # a folder that cannot be written: before the work
        examples = read_corpora(data)
    model_path = None if model == "rules" else model
    runs = 3 if compare and model_path is not None else 1
    try:
        with _progress(runs * len(examples)) as progress:
            task = progress.add_task("evaluating", total=runs * len(examples))

            def advance() -> None:
                progress.advance(task)

            if runs == 3:
                reports = compare_pipelines(model_path, examples, advance)
            else:
                reports = [evaluate_pipeline(load_pipeline(model_path), examples, one_line(model), advance)]
    except PipelineError as error:
        fail(str(error))
        raise typer.Exit(2)
    # names as licex shows them: a corpus folder's name that is not UTF-8 is escaped, not a crash
    title = f"{' '.join(one_line(str(path)) for path in data)} ({len(examples)} documents{ceiling_note(ceilings(examples))})"
    with _reported((InputError, OSError)):
        paths = write_reports(reports, output, title)
    if as_json:
        sys.stdout.write(paths["json"].read_text("utf-8"))
        return
    stdout.print(comparison_table(reports, title))
    _tell(f"reports: {paths['json']}, {paths['markdown']}, {paths['chart']}")


@app.command("train")
def train_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="Training folder: corpus, pipeline, model, metrics.json, evaluation.")],
    config: Annotated[Path, typer.Option("--config", help="spaCy training config.")] = Path("configs/cnn.cfg"),
    corpus: Annotated[Optional[list[Path]], typer.Option("--corpus", help="Annotated corpora (folders or JSONL); repeatable.")] = None,
    synth: Annotated[int, typer.Option("--synth", help="Also generate this many synthetic licences to train on.")] = 0,
    synth_seed: Annotated[int, typer.Option("--synth-seed", help="Seed of the synthetic licences.")] = 0,
    synth_damaged: Annotated[float, typer.Option("--synth-damaged", help="Share of the synthetic licences with damaged field labels (OCR look-alikes, unseen wordings).", min=0.0, max=1.0)] = 0.0,
    dev_fraction: Annotated[float, typer.Option(help="Share of non-real documents used for development.", min=0.0, max=0.9)] = 0.2,
    max_steps: Annotated[Optional[int], typer.Option("--max-steps", help="Override the config's training.max_steps.")] = None,
    eval_frequency: Annotated[Optional[int], typer.Option("--eval-frequency", help="Override the config's training.eval_frequency.")] = None,
    real_in_train: Annotated[bool, typer.Option("--real-in-train", help="Train on real licences too (e.g. pulled from doccano); they are held out by default.")] = False,
    transformer: Annotated[Optional[Path], typer.Option("--transformer", help="A local Hugging Face model folder for a transformer config (sets paths.transformer; nothing is downloaded).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a model already in OUTPUT, with its metrics and evaluation.")] = False,
    evaluate_only: Annotated[bool, typer.Option("--evaluate-only", help="Train nothing: score the model in OUTPUT again on the dev and real sets it was trained with (after the rules changed).")] = False,
) -> None:
    """Train the NER + span categorizer pipeline (real licences held out) and compare it with the rules."""
    require("train", "licex train")
    output = _folder_output(output)
    from licex.jobs.train import TrainingError, reevaluate, train

    overrides = {}
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
    if eval_frequency is not None:
        overrides["training.eval_frequency"] = eval_frequency
    with _corpus_errors():
        check_folder(output)  # a folder that cannot be written: before any training
    with _corpus_errors(), _progress(2) as progress:
        task = progress.add_task("evaluating", total=None, visible=False)

        def advance() -> None:  # the evaluation after training: one tick per document and pipeline
            progress.update(task, visible=True)
            progress.advance(task)

        try:
            if evaluate_only:
                result = reevaluate(output, advance)
            else:
                result = train(output, config, corpus or [Path("corpus/annotations")], synth, synth_seed,
                               dev_fraction, overrides=overrides, real_in_train=real_in_train,
                               synth_damaged=synth_damaged, transformer=transformer, force=force,
                               progress=advance)
        except TrainingError as error:
            fail(str(error))
            raise typer.Exit(1)
    for name, reports in result.metrics["evaluation"].items():
        stdout.print(Text(f"{name}", style="bold") + ": " + ", ".join(
            f"{pipeline}: fields {_mean(r['fields'])}, clauses {r['clause_label_accuracy']:.3f}"
            for pipeline, r in reports.items()))
    _tell(f"model: {result.model}; metrics: {output / 'metrics.json'}")


def _mean(fields: dict[str, float | None]) -> str:
    values = [v for v in fields.values() if v is not None]
    return f"{sum(values) / len(values):.3f}" if values else "—"


@app.command()
def schema(
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the schema here (- is stdout).")] = None,
) -> None:
    """Print the JSON Schema of the licence record."""
    from licex.fields.record import json_schema

    output = _file_or_stdout(output)
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        with _reported((InputError,)), atomic_writer(output) as handle:
            handle.write(text)


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="A corpus folder (with annotations/), a folder of *.jsonl or a .jsonl file; or a .spacy file to turn back into JSONL.")],
    target: Annotated[Path, typer.Argument(help="A .spacy file, a .jsonl file, or with --split a folder.")],
    split: Annotated[bool, typer.Option("--split", help="Write train.spacy, dev.spacy and real.spacy into TARGET.")] = False,
    dev_fraction: Annotated[float, typer.Option(help="Share of synthetic documents put in dev.", min=0.0, max=1.0)] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the train/dev rule.")] = 0,
    real_in_train: Annotated[bool, typer.Option("--real-in-train", help="Put real licences into train/dev (they are held out by default).")] = False,
    config: Annotated[Optional[Path], typer.Option("--config", help="Write the .spacy files in the tokens of the pipeline this training config builds (default: the default pipeline's, as configs/cnn.cfg).")] = None,
) -> None:
    """Convert doccano JSONL <-> spaCy DocBin; every annotation is kept or the conversion fails saying which."""
    from licex.corpus import convert as conversion

    target = _folder_output(target, "TARGET") if split else target
    if str(target) == STDOUT:
        fail("TARGET -: convert writes a file (.spacy or .jsonl), not a stream to stdout; give a file name")
        raise typer.Exit(2)
    with _corpus_errors():
        # Before any work: the target may not be the source, and must be writable.
        for output in ([target / f"{name}.spacy" for name in ("train", "dev", "real")] if split else [target]):
            check_output(output, [source.resolve()])
        if source.suffix == ".spacy":
            count = conversion.docbin_to_jsonl(source, target)
            _tell(f"{count} documents -> {target}")
            return
        tokenizer = conversion.pipeline_tokenizer(config)
        if split:
            result = conversion.jsonl_to_split(source, target, dev_fraction, seed, real_in_train, tokenizer)
            _tell(f"train {len(result.train)}, dev {len(result.dev)}, real (held out) {len(result.real)} -> {target}")
        else:
            count = conversion.jsonl_to_docbin(source, target, tokenizer)
            _tell(f"{count} documents -> {target}")


corpus_app = typer.Typer(help="Inspect and check annotated corpora.", no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("stats")
def corpus_stats(
    path: Annotated[Path, typer.Argument(help="A corpus folder (with annotations/), a tool corpus (with manifest.json), a folder of *.jsonl, a .jsonl or a .spacy file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Documents, characters, and counts per entity label, clause label, business code and layout case."""
    from licex.corpus.stats import corpus_stats as count, stats_json, stats_tables

    with _corpus_errors():
        stats = count(path)
    if as_json:
        sys.stdout.write(stats_json(stats) + "\n")
        return
    for table in stats_tables(stats):
        stdout.print(table)


@corpus_app.command("validate")
def corpus_validate(
    paths: Annotated[list[Path], typer.Argument(help="Corpus folders (with annotations/), folders of *.jsonl, .jsonl or .spacy files.")],
) -> None:
    """Check annotation files; every problem is listed as file:line."""
    from licex.corpus.annotations import read_annotation_dir

    total = 0
    with _corpus_errors():
        for path in paths:
            total += len(read_annotation_dir(path))
    stdout.print(f"{total} documents, all valid")


@app.command()
def synth(
    n: Annotated[int, typer.Option("-n", help="How many licences.", min=1)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Corpus folder to write (raw/, annotations/, records/; with --tools: manifest.json and TOOL/batch-*.jsonl).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same licences.")] = 0,
    damaged: Annotated[float, typer.Option("--damaged", help="Share of the licences whose field labels OCR misread or the licence words unusually (layout tag damaged_labels); the rules cannot read those.", min=0.0, max=1.0)] = 0.0,
    force: Annotated[bool, typer.Option("--force", help="Replace a corpus licex synth generated earlier in OUTPUT (never a folder with other files).")] = False,
    tools: Annotated[Optional[str], typer.Option("--tools", help="Typeset and scan the licences and keep what these tools emit, with the gold aligned onto it (comma-separated: pdftotext, pdftotext-layout, pypdfium2, licex-pdf, tesseract-clean, tesseract, rapidocr). Resumable: adds what OUTPUT's manifest lacks.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="With --tools: licences per batch (one file per tool and batch).", min=1)] = 50,
    workers: Annotated[int, typer.Option("--workers", help="With --tools: processes reading licences in parallel.", min=1)] = 1,
    first: Annotated[int, typer.Option("--first", help="With --tools: start at this licence (a multiple of the batch size), e.g. to read licences no other tool has read.", min=0)] = 0,
) -> None:
    """Generate N annotated synthetic licences with their gold records, or (--tools) what real tools make of them."""
    output = _folder_output(output)
    if tools is not None:
        _tool_corpus(n, output, seed, damaged, tools, batch_size, workers, first)
        return
    from licex.corpus.paths import generated_corpus_target
    from licex.corpus.synth import generate

    with _corpus_errors(), generated_corpus_target(output, force) as target, _progress(n) as progress:
        task = progress.add_task("generating", total=n)
        summary = generate(n, target, seed, progress=lambda: progress.advance(task), damaged=damaged)
    _tell(f"{summary.docs} licences, {summary.chars:,} characters -> {output}")


def _tool_corpus(n: int, output: Path, seed: int, damaged: float, tools: str, batch_size: int, workers: int,
                 first: int) -> None:
    require("tools", "licex synth --tools")
    from licex.corpus.tool_corpus import FactoryOptions, corpus_summary, make_tool_corpus
    from licex.corpus.tools import ToolMissing, get_tool

    names = [name.strip() for name in tools.split(",") if name.strip()]
    try:
        for name in names:
            get_tool(name).check()
    except (ValueError, ToolMissing) as error:
        fail(str(error))
        raise typer.Exit(2)
    with _corpus_errors(), _progress(n - first) as progress:
        task = progress.add_task("reading licences", total=max(n - first, 0))
        make_tool_corpus(output, n, names, FactoryOptions(seed, damaged, batch_size), workers,
                         progress=lambda: progress.advance(task), first=first)
    table = Table("tool", "licences", "values", "not aligned", "clauses", "not aligned", title=f"{output}")
    for name, total in corpus_summary(output):
        table.add_row(name, str(total["count"]), str(total["values"]), str(total["values_missing"]),
                      str(total["clauses"]), str(total["clauses_missing"]))
    stdout.print(table)


@app.command()
def render(
    corpus: Annotated[Path, typer.Argument(help="A corpus folder: annotations/*.jsonl and records/NAME.record.json (corpus/, or what licex synth wrote).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write text-layer/, scanned/ and records/ into.")],
    scan: Annotated[bool, typer.Option("--scan/--no-scan", help="Also write scanned PDFs (page images with scan damage, no text layer).")] = True,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the scan damage.")] = 0,
) -> None:
    """Typeset annotated licences as PDFs (and scans) with their gold records, for extract and evaluate --gold."""
    require("render", "licex render")
    from licex.files import jsonl
    output = _folder_output(output)
    from licex.corpus.annotations import read_annotation_dir
    from licex.corpus.render import render_annotated

    with _corpus_errors():
        check_folder(output)  # a folder that cannot be written: before the work
        examples = read_annotation_dir(corpus)
    failed = False
    with _progress(len(examples)) as progress:
        task = progress.add_task("rendering", total=len(examples))
        for index, example in enumerate(examples):
            record_path = corpus / "records" / f"{example.id}.record.json"
            try:
                record = jsonl.loads(jsonl.read_text(record_path), str(record_path))
                if not isinstance(record, dict):
                    raise InputError(str(record_path), f"not a JSON object but {jsonl.json_type(record)}")
            except InputError as error:
                fail(f"{error} (the gold record)")
                failed = True
                continue
            with _reported((InputError, OSError)):
                render_annotated(example, record, output, scan=scan, seed=seed * 100_003 + index)
            progress.advance(task)
    _tell(f"{len(examples)} licences -> {output}/text-layer" + (f", {output}/scanned" if scan else ""))
    raise typer.Exit(1 if failed else 0)


@app.command()
def review(
    predictions: Annotated[Path, typer.Argument(help="Records as `licex extract` wrote them (JSONL).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for index.html and licences/*.html (pages of an earlier review there are replaced).")],
    text_dir: Annotated[Optional[Path], typer.Option("--text-dir", help="The folder `licex extract --text-dir` wrote: the texts the offsets point into (default: each record's source, if a .txt file).")] = None,
) -> None:
    """Write offline HTML to review records: each licence's text with its evidence marked, beside the record; an index, most in need of review first."""
    from licex.jobs.review import INDEX, write_review

    output = _folder_output(output)
    try:
        check_output(output / INDEX, [predictions.resolve()])
        summary = write_review(predictions, output, text_dir)
    except OutputError as error:
        fail(str(error))
        raise typer.Exit(1)
    except InputError as error:
        fail(str(error))
        raise typer.Exit(2)
    without_text = f" ({len(summary.without_text)} without text)" if summary.without_text else ""
    _tell(f"{summary.pages} licence page(s){without_text} -> {summary.index}")


@app.command("bench")
def bench_command(
    n: Annotated[int, typer.Option("-n", help="How many generated licences.", min=1)] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the generated licences (texts and documents).")] = 0,
    model: Annotated[Optional[list[str]], typer.Option("--model", help="Pipelines to measure besides the rules (folders or packages); repeatable.")] = None,
    data: Annotated[Optional[Path], typer.Option("--data", help="A folder of *.txt to use instead of generated licences.")] = None,
    documents: Annotated[Optional[int], typer.Option("--documents", help="Generated licences to read as text-layer PDFs with the rules (default 10; 0: none).", min=0, show_default=False)] = None,
    ocr_pages: Annotated[Optional[int], typer.Option("--ocr-pages", help="Scanned pages of those licences to OCR with the rules (default 2, at 5-15 s a page; 0: none).", min=0, show_default=False)] = None,
    workers: Annotated[int, typer.Option("--workers", help="Also measure each pipeline as licex extract runs it, with 1 and with this many processes (the speed-up; 0: not measured).", min=0)] = 0,
    startup: Annotated[bool, typer.Option("--startup", help='Also time start-up in fresh processes (median of 3 runs): import spacy, licex --help, licex extract of one licence with each pipeline; --json then prints {"throughput": [...], "startup": [...]}.')] = False,
    bundle_chars: Annotated[Optional[int], typer.Option("--bundle-chars", help="Characters of generated licences in one file, extracted by each pipeline as licex extract does (default 1000000; 0: none).", min=0, show_default=False)] = None,
    profile: Annotated[bool, typer.Option("--profile", help='Also time each step of each pipeline (tokenizer and components) over the texts, one core each; --json then prints {"throughput": [...], "profile": [...]}.')] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
) -> None:
    """Characters/s, documents/s and peak memory on one core: rules only and each given model; pages/s of text-layer PDFs and OCR'd scans; a one-file bundle."""
    from dataclasses import asdict
    from functools import partial

    from licex.jobs.bench import (
        DEFAULT_BUNDLE_CHARS,
        DEFAULT_DOCUMENTS,
        DEFAULT_OCR_PAGES,
        bench,
        bench_table,
        bench_work,
        result_dicts,
        startup_table,
        startup_times,
        startup_work,
    )
    from licex.jobs.bench import profile as profile_steps
    from licex.jobs.bench import profile_table, profile_work, write_bench_texts

    if data is None:
        require("synth", "licex bench without --data")
    elif not any(data.glob("*.txt")):
        fail(f"{data}: no *.txt files to benchmark")
        raise typer.Exit(2)
    documents = _bench_rows(documents, DEFAULT_DOCUMENTS, "text-layer PDF rows (--documents)", ("synth", "render"))
    ocr_pages = _bench_rows(ocr_pages, DEFAULT_OCR_PAGES, "scanned PDF rows (--ocr-pages)", ("synth", "render", "ocr"))
    bundle_chars = _bench_rows(bundle_chars, DEFAULT_BUNDLE_CHARS, "bundle rows (--bundle-chars)", ("synth",))
    specs = ["rules", *(model or [])]
    work = (bench_work(specs, n, data, documents, ocr_pages, workers, bundle_chars)
            + (startup_work(specs) if startup else 0) + (profile_work(specs, n, data) if profile else 0))
    try:
        with _progress(work) as progress, tempfile.TemporaryDirectory(prefix="licex-bench-") as tmp:
            task = progress.add_task("benchmarking", total=work)
            advance = partial(progress.advance, task)
            if profile and data is None:  # the same generated texts for the throughput and the profile
                data = write_bench_texts(Path(tmp) / "texts", n, seed, advance)
            results = bench(specs, n, seed, data, advance, documents, ocr_pages, workers, bundle_chars)
            startups = startup_times(specs, data, seed, advance) if startup else []
            profiles = profile_steps(specs, n, seed, data, advance) if profile else []
    except RuntimeError as error:
        fail(str(error))
        raise typer.Exit(1)
    if as_json:
        throughput = result_dicts(results)
        shown: Any = throughput
        if startup or profile:
            shown = {"throughput": throughput}
            if startup:
                shown["startup"] = [asdict(s) for s in startups]
            if profile:
                shown["profile"] = [asdict(p) for p in profiles]
        sys.stdout.write(json.dumps(shown, indent=2) + "\n")
    else:
        stdout.print(bench_table(results))
        if startup:
            stdout.print(startup_table(startups))
        for result in profiles:
            stdout.print(profile_table(result))


def _bench_rows(asked: int | None, default: int, rows: str, extras: tuple[str, ...]) -> int:
    """How many documents or pages the bench measures for `rows`: what was asked, else `default`.
    Rows asked for by default are skipped, with one line saying why, when an extra they need is
    missing; rows asked for explicitly need it (MissingExtra ends the command)."""
    count = default if asked is None else asked
    for extra in extras if count else ():
        try:
            require(extra, f"licex bench's {rows}")
        except MissingExtra as missing:
            if asked is not None:
                raise
            _say("licex: warning: ", "bold yellow", f"{missing}; skipped")
            return 0
    return count


@app.command("package")
def package_command(
    model: Annotated[Path, typer.Argument(help="A trained pipeline folder (e.g. training/model).")],
    output: Annotated[Path, typer.Argument(help="Folder for the two wheels (and the pipeline package's source).")],
    name: Annotated[str, typer.Option("--name", help="Package name without the language prefix.")] = "licex_cnn",
    version: Annotated[str, typer.Option("--version", help="Package version.")] = "0.1.0",
    verbose: Annotated[bool, typer.Option("--verbose", help="Show the build logs.")] = False,
) -> None:
    """Build the pipeline package (zh_NAME) and licex itself as wheels, side by side."""
    require("package", "licex package")
    from licex.jobs.package import PackageError, package_pipeline

    if not (model / "config.cfg").exists():
        fail(f"{model}: not a saved pipeline (no config.cfg)")
        raise typer.Exit(2)
    output = _folder_output(output, "OUTPUT")
    with _reported((InputError,)):
        check_folder(output)
    try:
        wheels = package_pipeline(model, output, name, version, verbose=verbose)
    except PackageError as error:
        fail(f"packaging {model} failed: {error}")
        raise typer.Exit(1)
    stdout.print("\n".join(str(wheel) for wheel in wheels), highlight=False, soft_wrap=True)
    stdout.print(f"install both with: pip install {' '.join(str(w) for w in wheels)}", highlight=False, soft_wrap=True)


@contextmanager
def _reported(kinds: tuple[type[Exception], ...]) -> Iterator[None]:
    """Errors of these kinds become lines on stderr and exit status 1: the problems they list
    (`file:line: what`, one a line), then their message where it says more than the problems."""
    try:
        yield
    except kinds as error:
        if isinstance(error, OSError):  # worded as licex words every file problem: `file: cause`
            error = InputError(one_line(str(error.filename or "licex")), os_cause(error))
        problems = list(getattr(error, "problems", []))
        message_is_the_problems = bool(problems) and str(error).startswith(problems[0])
        for line in problems if message_is_the_problems else [*problems, str(error)]:
            fail(line)
        raise typer.Exit(1)


def _corpus_errors():
    """Corpus problems (invalid annotations, unreadable or unwritable files): their lines, exit status 1."""
    from licex.corpus.annotations import AnnotationError

    return _reported((AnnotationError, InputError))


# -- doccano: the annotation loop (push, status, pull) ------------------------------------------

doccano_app = typer.Typer(help="Annotate in doccano: push pre-annotated licences, check progress, pull the annotations.",
                          no_args_is_help=True)
app.add_typer(doccano_app, name="doccano")

_DoccanoURL = Annotated[Optional[str], typer.Option("--url", envvar="DOCCANO_URL", show_envvar=True,
                                                    help="doccano server, e.g. http://127.0.0.1:8000.")]
_DoccanoUser = Annotated[Optional[str], typer.Option("--username", envvar="DOCCANO_USERNAME", show_envvar=True,
                                                     help="doccano user (a project admin).")]
_DoccanoPassword = Annotated[Optional[str], typer.Option("--password", envvar="DOCCANO_PASSWORD", show_envvar=True,
                                                         help="doccano password; prefer the variable (a flag shows in the process list).")]
_DoccanoProject = Annotated[str, typer.Option("--project", help="doccano project name.")]
_DoccanoTimeout = Annotated[float, typer.Option("--timeout", min=0, help="Seconds to wait for doccano's import or export task.")]


def _doccano_errors():
    """A doccano problem: one line on stderr and exit status 1 (invalid annotations: one line each, then why)."""
    from licex.doccano import DoccanoError

    return _reported((DoccanoError, InputError))


def _doccano_connection(url: str | None, username: str | None, password: str | None):
    from licex.doccano import Connection

    with _doccano_errors():
        return Connection.resolve(url, username, password)


@doccano_app.command("push")
def doccano_push(
    paths: Annotated[list[str], typer.Argument(help="Licence text files or folders (all *.txt below).")],
    project: _DoccanoProject,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Pre-annotate with the rule components only.")] = False,
    model: Annotated[Optional[str], typer.Option("--model", help="Pre-annotate with this pipeline (default: as `licex extract`).")] = None,
    synthetic: Annotated[bool, typer.Option("--synthetic", help="Mark the texts as synthetic (origin meta); real by default.")] = False,
    order: Annotated[str, typer.Option("--order", help="given: in the order of the files; uncertainty: the licences whose records need the most review first.")] = "given",
    timeout: _DoccanoTimeout = 120.0,
    url: _DoccanoURL = None,
    username: _DoccanoUser = None,
    password: _DoccanoPassword = None,
) -> None:
    """Upload licences pre-annotated by the model (entities and clauses); texts already in the project are skipped."""
    from licex.files import limits
    from licex.corpus.annotations import ORIGIN_REAL, ORIGIN_SYNTHETIC
    from licex.doccano import PUSH_ORDERS, SCHEME_LABELS, push_texts

    spec = _pipeline_spec(rules_only, model)
    if order not in PUSH_ORDERS:
        fail(f"--order {order}: give {' or '.join(PUSH_ORDERS)}")
        raise typer.Exit(2)
    if "-" in paths:
        fail("stdin has no document id: give files or folders")
        raise typer.Exit(2)
    connection = _doccano_connection(url, username, password)
    sources, errors = collect_inputs(paths)
    documents = []
    for source in sources:
        try:
            text = source.read()
        except InputError as error:
            errors.append(error)
            continue
        if len(text) > limits.LICENCE_CHARS:  # the pipeline pre-annotates it whole
            errors.append(InputError(source.name, f"a text of {len(text):,} characters is too long to pre-annotate "
                                                  f"(at most {limits.LICENCE_CHARS:,}, the limit licence_chars)"))
            continue
        documents.append((Path(source.name).stem, text))
    for error in errors:
        fail(str(error))
    if errors:
        fail("nothing pushed")
        raise typer.Exit(2)
    nlp = _load(spec)
    with _doccano_errors():
        result = push_texts(connection, project, documents, lambda: nlp, timeout,
                            origin=ORIGIN_SYNTHETIC if synthetic else ORIGIN_REAL, order=order)
    where = f"project {project!r} (id {result.project_id}) at {connection.url}"
    stdout.print(f"created {where} with {len(SCHEME_LABELS)} labels" if result.created else where,
                 soft_wrap=True)
    annotator = "rules only" if spec is None else str(spec)
    if result.uploaded:
        stdout.print(f"uploaded {len(result.uploaded)} document(s), pre-annotated by {annotator}: "
                     f"{result.entities} entities, {result.clauses} clauses"
                     + (f" ({result.dropped_spans} invalid or overlapping spans left out)" if result.dropped_spans else ""),
                     soft_wrap=True)
    else:
        stdout.print("uploaded 0 documents")
    skipped = f"skipped {len(result.skipped_present)} already present"
    if result.skipped_duplicate:
        skipped += f", {len(result.skipped_duplicate)} duplicate text(s) in this push"
    stdout.print(skipped, soft_wrap=True)


@doccano_app.command("status")
def doccano_status(
    project: _DoccanoProject,
    url: _DoccanoURL = None,
    username: _DoccanoUser = None,
    password: _DoccanoPassword = None,
) -> None:
    """Examples, annotated and approved examples, and spans per label of a project."""
    from licex.doccano import project_status
    from licex.fields.labels import CLAUSE_LABELS, ENTITY_LABELS

    connection = _doccano_connection(url, username, password)
    with _doccano_errors():
        status = project_status(connection, project)
    stdout.print(f"project {project!r} (id {status.project_id}) at {status.url}: {status.examples} examples, "
                 f"{status.annotated} annotated, {status.approved} approved", soft_wrap=True)
    table = Table(title=f"spans per label in {project}")
    for column, justify in (("label", "left"), ("kind", "left"), ("spans", "right")):
        table.add_column(column, justify=justify)
    scheme = [*ENTITY_LABELS, *CLAUSE_LABELS]
    for label in sorted(status.spans, key=lambda name: scheme.index(name) if name in scheme else len(scheme)):
        kind = "entity" if label in ENTITY_LABELS else "clause" if label in CLAUSE_LABELS else "unknown"
        table.add_row(one_line(label), kind, str(status.spans[label]))
    table.add_row("total", "", str(sum(status.spans.values())), end_section=True)
    stdout.print(table)
    if status.label_problem:
        fail(f"the labels of doccano project {project!r} differ from licex's scheme ({status.label_problem})")
        raise typer.Exit(1)


@doccano_app.command("pull")
def doccano_pull(
    project: _DoccanoProject,
    output: Annotated[Path, typer.Option("-o", "--output", help="Annotation JSONL to write (atomically).")],
    approved_only: Annotated[bool, typer.Option("--approved-only", help="Only examples an annotator marked done.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Replace OUTPUT even if it changed since the last pull.")] = False,
    timeout: _DoccanoTimeout = 120.0,
    url: _DoccanoURL = None,
    username: _DoccanoUser = None,
    password: _DoccanoPassword = None,
) -> None:
    """Export a project's annotations into licex's format, validated; never overwrites newer annotations."""
    from licex.doccano import pull_annotations

    if str(output) == STDOUT:
        fail("-o -: doccano pull writes a file it compares the next pull with (to never overwrite newer "
             "annotations), not stdout; give a file")
        raise typer.Exit(2)
    connection = _doccano_connection(url, username, password)
    with _doccano_errors():
        result = pull_annotations(connection, project, output, approved_only, force, timeout)
    what = "approved documents" if approved_only else "documents"
    stdout.print(f"{result.documents} {what}, {result.entities} entities, {result.clauses} clauses -> {output}"
                 + (" (doccano unchanged since the last pull)" if result.unchanged else ""), soft_wrap=True)
    for other, count in result.ids_elsewhere.items():
        stderr.print(f"licex: note: {count} of these documents are also in {other}; a corpus folder holds each "
                     "document once (remove them there, or train on this file alone with --corpus)",
                     soft_wrap=True)

# -- end of doccano ------------------------------------------------------------------------------


def main() -> None:
    """The `licex` command: no traceback reaches the user; an unexpected error prints one line
    and the path of a log file that holds the traceback (crash.py: never the command line). A
    signal that stops it (signals.py) prints one line too, once what it was writing is cleaned up;
    so does stdout that cannot be written (stdout.py), whichever command wrote it."""
    with stopping(), guarded_stdout():
        try:
            _run_app()
        except Stopped as stopped:
            fail(stopped.message)
            sys.exit(stopped.exit_code)
        except KeyboardInterrupt:  # raised by code of its own (signals.py raises Stopped)
            fail("interrupted")
            sys.exit(130)
        except StdoutError as error:
            fail(f"cannot write to stdout: {error}")
            sys.exit(1)
        except BrokenPipeError:  # `licex extract ... | head`: the reader is gone, nothing to say
            sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (Python flushes stderr at exit)
            sys.exit(1)
        except Exception as error:  # noqa: BLE001 (the last resort: every error gets its line)
            log = crash_log(traceback.format_exc())
            fail(scrubbed(f"unexpected error: {_described(error)}")
                 + (f" (the traceback is in {log})" if log else ""))
            sys.exit(70)


def _run_app() -> None:
    """The command, then a flush of what it left in stdout's buffer: a full disk may show only there."""
    try:
        app()
    except SystemExit:
        flush_stdout()
        raise
    flush_stdout()


def _described(error: BaseException) -> str:
    """`Type: message`, whatever the exception's __str__ does."""
    try:
        return f"{type(error).__name__}: {error}"
    except Exception:  # noqa: BLE001 (an exception whose message cannot be made)
        return type(error).__name__


if __name__ == "__main__":
    main()
