"""The commands that make and check annotated corpora: `licex convert`, `licex corpus stats|validate`,
`licex synth` and `licex render`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from licex.jobs.extras import require
from licex.files.messages import InputError
from licex.files.outputs import check_folder, check_output
from licex.cli.console import STDOUT, fail, folder_output, progress_bar, stdout, tell
from licex.cli.errors import corpus_errors, reported
from licex.cli.tables import tool_corpus_table


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

    target = folder_output(target, "TARGET") if split else target
    if str(target) == STDOUT:
        fail("TARGET -: convert writes a file (.spacy or .jsonl), not a stream to stdout; give a file name")
        raise typer.Exit(2)
    with corpus_errors():
        # Before any work: the target may not be the source, and must be writable.
        for output in ([target / f"{name}.spacy" for name in ("train", "dev", "real")] if split else [target]):
            check_output(output, [source.resolve()])
        if source.suffix == ".spacy":
            count = conversion.docbin_to_jsonl(source, target)
            tell(f"{count} documents -> {target}")
            return
        tokenizer = conversion.pipeline_tokenizer(config)
        if split:
            result = conversion.jsonl_to_split(source, target, dev_fraction, seed, real_in_train, tokenizer)
            tell(f"train {len(result.train)}, dev {len(result.dev)}, real (held out) {len(result.real)} -> {target}")
        else:
            count = conversion.jsonl_to_docbin(source, target, tokenizer)
            tell(f"{count} documents -> {target}")


corpus_app = typer.Typer(help="Inspect and check annotated corpora.", no_args_is_help=True)


@corpus_app.command("stats")
def corpus_stats(
    path: Annotated[Path, typer.Argument(help="A corpus folder (with annotations/), a tool corpus (with manifest.json), a folder of *.jsonl, a .jsonl or a .spacy file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Documents, characters, and counts per entity label, clause label, business code and layout case."""
    from licex.corpus.stats import corpus_stats as count, stats_json, stats_tables

    with corpus_errors():
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
    with corpus_errors():
        for path in paths:
            total += len(read_annotation_dir(path))
    stdout.print(f"{total} documents, all valid")


def synth(
    n: Annotated[int, typer.Option("-n", help="How many licences.", min=1)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Corpus folder to write (raw/, annotations/, records/; with --tools: manifest.json and TOOL/batch-*.jsonl).")],
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same licences.")] = 0,
    damaged: Annotated[float, typer.Option("--damaged", help="Share of the licences whose field labels OCR misread or the licence words unusually (layout tag damaged_labels); the rules cannot read those.", min=0.0, max=1.0)] = 0.0,
    force: Annotated[bool, typer.Option("--force", help="Replace a corpus licex synth generated earlier in OUTPUT (never a folder with other files).")] = False,
    tools: Annotated[Optional[str], typer.Option("--tools", help="Typeset and scan the licences and keep what these tools emit, with the gold aligned onto it (comma-separated: pdftotext, pdftotext-layout, pypdfium2, licex-pdf, tesseract-clean, tesseract, rapidocr, licex-photo). Resumable: adds what OUTPUT's manifest lacks.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", help="With --tools: licences per batch (one file per tool and batch).", min=1)] = 50,
    workers: Annotated[int, typer.Option("--workers", help="With --tools: processes reading licences in parallel.", min=1)] = 1,
    first: Annotated[int, typer.Option("--first", help="With --tools: start at this licence (a multiple of the batch size), e.g. to read licences no other tool has read.", min=0)] = 0,
    family: Annotated[str, typer.Option("--family", help="With --tools: the producer that prints the PDFs: fpdf2 (licex's own typesetting) or a producer family of src/licex/corpus/data/families.json (chromium-cert: HTML printed by headless Chromium; libreoffice: flat ODT printed by LibreOffice; weasyprint-form: HTML laid out by WeasyPrint; typst-gov: Typst documents).")] = "fpdf2",
) -> None:
    """Generate N annotated synthetic licences with their gold records, or (--tools) what real tools make of them."""
    output = folder_output(output)
    if tools is not None:
        _tool_corpus(n, output, seed, damaged, tools, batch_size, workers, first, family)
        return
    if family != "fpdf2":
        fail("--family needs --tools: a family prints documents, which only the tools read")
        raise typer.Exit(2)
    from licex.corpus.paths import generated_corpus_target
    from licex.corpus.synth import generate

    with corpus_errors(), generated_corpus_target(output, force) as target, progress_bar(n) as progress:
        task = progress.add_task("generating", total=n)
        summary = generate(n, target, seed, progress=lambda: progress.advance(task), damaged=damaged)
    tell(f"{summary.docs} licences, {summary.chars:,} characters -> {output}")


def _tool_corpus(n: int, output: Path, seed: int, damaged: float, tools: str, batch_size: int, workers: int,
                 first: int, family: str) -> None:
    require("tools", "licex synth --tools")
    from licex.corpus.tool_corpus import FPDF2, FactoryOptions, corpus_summary, make_tool_corpus
    from licex.corpus.tools import ToolMissing, get_tool

    names = [name.strip() for name in tools.split(",") if name.strip()]
    try:
        for name in names:
            get_tool(name).check()
        if family != FPDF2:
            from licex.corpus.families import family_config
            from licex.corpus.families.printers import check_printer

            check_printer(family_config(family)["printer"])
            if damaged:
                raise ValueError("--damaged damages the labels of licex's own typesetting (fpdf2) only")
    except (ValueError, ToolMissing) as error:
        fail(str(error))
        raise typer.Exit(2)
    with corpus_errors(), progress_bar(n - first) as progress:
        task = progress.add_task("reading licences", total=max(n - first, 0))
        make_tool_corpus(output, n, names, FactoryOptions(seed, damaged, batch_size, family), workers,
                         progress=lambda: progress.advance(task), first=first)
    stdout.print(tool_corpus_table(output, corpus_summary(output)))


def render(
    corpus: Annotated[Path, typer.Argument(help="A corpus folder: annotations/*.jsonl and records/NAME.record.json (corpus/, or what licex synth wrote).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder to write text-layer/, scanned/ and records/ into.")],
    scan: Annotated[bool, typer.Option("--scan/--no-scan", help="Also write scanned PDFs (page images with scan damage, no text layer).")] = True,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the scan damage.")] = 0,
) -> None:
    """Typeset annotated licences as PDFs (and scans) with their gold records, for extract and evaluate --gold."""
    require("render", "licex render")
    output = folder_output(output)
    from licex.corpus.annotations import read_annotation_dir
    from licex.corpus.render import gold_record, render_annotated

    with corpus_errors():
        check_folder(output)  # a folder that cannot be written: before the work
        examples = read_annotation_dir(corpus)
    failed = False
    with progress_bar(len(examples)) as progress:
        task = progress.add_task("rendering", total=len(examples))
        for index, example in enumerate(examples):
            try:
                record = gold_record(corpus, example.id)
            except InputError as error:
                fail(f"{error} (the gold record)")
                failed = True
                continue
            with reported((InputError, OSError)):
                render_annotated(example, record, output, scan=scan, seed=seed * 100_003 + index)
            progress.advance(task)
    tell(f"{len(examples)} licences -> {output}/text-layer" + (f", {output}/scanned" if scan else ""))
    raise typer.Exit(1 if failed else 0)
