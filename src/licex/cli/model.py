"""The commands about a trained pipeline: `licex train`, `licex evaluate`, `licex bench` and
`licex package`."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.text import Text

from licex.jobs.extras import MissingExtra, require
from licex.files.messages import InputError, one_line
from licex.files.outputs import check_folder
from licex.cli.console import fail, folder_output, progress_bar, say, stdout, stderr, tell
from licex.cli.errors import corpus_errors, reported


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
    output = folder_output(output or Path("evaluation"))
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

    with corpus_errors():
        check_folder(output)  # a folder that cannot be written: before the work
        examples = read_corpora(data)
    model_path = None if model == "rules" else model
    runs = 3 if compare and model_path is not None else 1
    try:
        with progress_bar(runs * len(examples)) as progress:
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
    with reported((InputError, OSError)):
        paths = write_reports(reports, output, title)
    if as_json:
        sys.stdout.write(paths["json"].read_text("utf-8"))
        return
    stdout.print(comparison_table(reports, title))
    tell(f"reports: {paths['json']}, {paths['markdown']}, {paths['chart']}")


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
    output = folder_output(output)
    from licex.jobs.train import TrainingError, reevaluate, train

    overrides = {}
    if max_steps is not None:
        overrides["training.max_steps"] = max_steps
    if eval_frequency is not None:
        overrides["training.eval_frequency"] = eval_frequency
    with corpus_errors():
        check_folder(output)  # a folder that cannot be written: before any training
    with corpus_errors(), progress_bar(2) as progress:
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
    tell(f"model: {result.model}; metrics: {output / 'metrics.json'}")


def _mean(fields: dict[str, float | None]) -> str:
    values = [v for v in fields.values() if v is not None]
    return f"{sum(values) / len(values):.3f}" if values else "—"


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
        with progress_bar(work) as progress, tempfile.TemporaryDirectory(prefix="licex-bench-") as tmp:
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
            say("licex: warning: ", "bold yellow", f"{missing}; skipped")
            return 0
    return count


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
    output = folder_output(output, "OUTPUT")
    with reported((InputError,)):
        check_folder(output)
    try:
        wheels = package_pipeline(model, output, name, version, verbose=verbose)
    except PackageError as error:
        fail(f"packaging {model} failed: {error}")
        raise typer.Exit(1)
    stdout.print("\n".join(str(wheel) for wheel in wheels), highlight=False, soft_wrap=True)
    stdout.print(f"install both with: pip install {' '.join(str(w) for w in wheels)}", highlight=False, soft_wrap=True)
