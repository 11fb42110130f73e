"""The commands that read licences and what was made of them: `licex extract` (records),
`licex review` (HTML pages to check them) and `licex schema` (the record's JSON Schema)."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from licex.files.inputs import InputSource, collect_inputs, input_paths
from licex.files.messages import InputError, OutputError
from licex.files.outputs import atomic_writer, check_folder, check_output
from licex.cli.console import fail, file_or_stdout, folder_output, progress_bar, progress_shown, say, tell
from licex.cli.errors import reported
from licex.cli.sink import NothingExtracted, OutputFormat, RecordSink, TextFiles


class OcrChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def extract(
    paths: Annotated[list[str], typer.Argument(help="Licence files (text, PDF, PNG/JPEG/TIFF/BMP/GIF scans), folders (every such file below), or - for stdin.")],
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write here (atomically; - is stdout) instead of stdout.")] = None,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Use only the rule components, no trained model.")] = False,
    model: Annotated[Optional[str], typer.Option("--model", help="A trained pipeline: a folder or an installed package (default: $LICEX_MODEL, zh_licex_cnn, or training/model of a checkout).")] = None,
    output_format: Annotated[OutputFormat, typer.Option("--format", help="jsonl: a record a line; json: one array; table: a summary.")] = OutputFormat.jsonl,
    ocr: Annotated[OcrChoice, typer.Option("--ocr", help="PDF pages to OCR: auto (those without a usable text layer), always, never.")] = OcrChoice.auto,
    text_dir: Annotated[Optional[Path], typer.Option("--text-dir", help="Write the text licex read from each input (for a PDF or scan: rebuilt from its pages), the text the offsets point into, here: named by the input's path below the inputs' common folder, suffix replaced by .txt (scans/a/lic.pdf -> DIR/a/lic.txt; see docs/cli.md).")] = None,
    review_below: Annotated[Optional[float], typer.Option("--review-below", help="Also list in needs_review every value whose confidence is below this (0-1).", min=0.0, max=1.0)] = None,
    workers: Annotated[int, typer.Option("--workers", help="Processes that extract in parallel, each loading the pipeline once; the output is the same, in the same order.", min=1)] = 1,
    progress: Annotated[Optional[bool], typer.Option("--progress/--no-progress", help="Progress on stderr: a bar over the inputs, a line a page as OCR reads a scan (default: where stderr is a terminal).")] = None,
) -> None:
    """Extract one validated JSON record per licence (a file holding several gives several; a 附页 file that prints the licence number of the file before or after it is read with it as one licence)."""
    output = file_or_stdout(output)
    if text_dir is not None:
        text_dir = folder_output(text_dir, "--text-dir")
    exclusive_choice(rules_only, model)
    try:  # before any work: an output that is an input, or that cannot be written, stops here
        if output is not None:
            check_output(output, input_paths(paths))
        if text_dir is not None:
            check_folder(text_dir, input_paths(paths))
    except InputError as error:
        fail(str(error))
        raise typer.Exit(2)
    # The inputs before spaCy: a path that does not exist is told at once, not after the model loads.
    sources, errors = collect_inputs(paths)
    for error in errors:
        fail(str(error))
    failed = len(errors)
    try:
        with ExitStack() as stack:
            # the output is replaced only when the ExitStack ends normally
            sink = RecordSink(stack, output, output_format)
            if sources:
                failed += _extract_sources(sources, sink, pipeline_spec(rules_only, model), ocr, text_dir,
                                           review_below, workers, progress)
            if not sink.count and failed and output is not None:
                # Nothing was extracted: an earlier output file is worth more than an empty one.
                raise NothingExtracted
            sink.close()
    except NothingExtracted:
        fail(f"{output}: not written, no licence was extracted")
    except InputError as error:  # the output could not be written (full disk, ...)
        fail(str(error))
        raise typer.Exit(1)
    else:
        if output is not None:
            say("licex: ", "bold", written_summary(sink.count, failed, output))
    raise typer.Exit(1 if failed else 0)


def _extract_sources(sources: list[InputSource], sink: RecordSink, spec: str | Path | None, ocr: OcrChoice,
                     text_dir: Path | None, review_below: float | None, workers: int, shown: bool | None) -> int:
    """Extract the records of `sources` into `sink`; how many inputs failed (each told on stderr)."""
    from licex.jobs.extraction import extract_inputs
    from licex.jobs.parallel import WorkerDied, licence_extractor

    nlp = loaded_pipeline(spec, review_below)
    text_files = TextFiles(text_dir, [source.name for source in sources])
    failed = 0

    def read(source: InputSource, text: str | None) -> None:
        if text is not None:
            text_files.write(source.name, text)
        progress.advance(task)

    def page(name: str, number: int, pages: int) -> None:
        say("licex: ", "bold", f"{name}: page {number}/{pages} OCR…")

    def joined(name: str, files: list[str]) -> None:
        say("licex: ", "bold", f"{name}: the pages of {', '.join(files)} read as one licence (pages apart)")

    try:
        # No more processes than files: each would load the pipeline for nothing.
        with licence_extractor(nlp, spec, max(1, min(workers, len(sources))), review_below) as extract_licences:
            with progress_bar(len(sources), shown) as progress:
                task = progress.add_task("extracting", total=len(sources))
                on_page = page if progress_shown(shown) else None
                for result in extract_inputs(extract_licences, sources, ocr.value, read, joined, on_page):
                    if isinstance(result, InputError):
                        fail(str(result))
                        failed += 1
                    else:
                        sink.add(result)
    except WorkerDied as error:  # -o FILE is as it was (atomic); stdout holds the records before
        output = sink.output
        fail(str(error) + (f"; {output} is left as it was" if output is not None else ""))
        raise typer.Exit(1)
    return failed


def written_summary(records: int, failed: int, output: Path) -> str:
    """The line after `extract -o FILE`: `wrote 3 records to out.jsonl (1 input failed)`."""
    failures = f" ({failed} input{'s' if failed != 1 else ''} failed)" if failed else ""
    return f"wrote {records} record{'s' if records != 1 else ''} to {output}{failures}"


def exclusive_choice(rules_only: bool, model: str | None) -> None:
    """`--rules-only` with `--model`: one line and exit status 2."""
    if rules_only and model:
        fail("--rules-only and --model exclude each other")
        raise typer.Exit(2)


def pipeline_spec(rules_only: bool, model: str | None) -> str | Path | None:
    """The pipeline `--rules-only` / `--model` ask for (None: the rules), as `licex extract` chooses it."""
    from licex.jobs.pipeline import default_model

    exclusive_choice(rules_only, model)
    return None if rules_only else model or default_model()


def loaded_pipeline(spec: str | Path | None, review_below: float | None = None):
    """The pipeline for a spec, or a one-line error and exit status 2."""
    from licex.jobs.pipeline import PipelineError, load_pipeline

    try:
        return load_pipeline(spec, review_below)
    except PipelineError as error:
        fail(str(error))
        raise typer.Exit(2)


def review(
    predictions: Annotated[Path, typer.Argument(help="Records as `licex extract` wrote them (JSONL).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for index.html and licences/*.html (pages of an earlier review there are replaced).")],
    text_dir: Annotated[Optional[Path], typer.Option("--text-dir", help="The folder `licex extract --text-dir` wrote: the texts the offsets point into (default: each record's source, if a .txt file).")] = None,
    pages: Annotated[bool, typer.Option("--pages/--no-pages", help="Show a PDF's or a scan's pages with each value's box (read again from each record's source).")] = True,
) -> None:
    """Write offline HTML to review records: each licence's page images (PDFs, scans) with its evidence boxed and its text with its evidence marked, beside the record; an index, most in need of review first."""
    from licex.jobs.review import INDEX, write_review

    output = folder_output(output)
    try:
        check_output(output / INDEX, [predictions.resolve()])
        summary = write_review(predictions, output, text_dir, pages)
    except OutputError as error:
        fail(str(error))
        raise typer.Exit(1)
    except InputError as error:
        fail(str(error))
        raise typer.Exit(2)
    without_text = f" ({len(summary.without_text)} without text)" if summary.without_text else ""
    tell(f"{summary.pages} licence page(s){without_text} -> {summary.index}")


def schema(
    output: Annotated[Optional[Path], typer.Option("-o", "--output", help="Write the schema here (- is stdout).")] = None,
) -> None:
    """Print the JSON Schema of the licence record."""
    from licex.fields.record import json_schema

    output = file_or_stdout(output)
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        with reported((InputError,)), atomic_writer(output) as handle:
            handle.write(text)
