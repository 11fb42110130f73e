"""`licex train`: corpus -> split -> `spacy train` -> evaluation of rules, model and model with fallback.

Real licences are held out of training and development: they are the evaluation set the
reported figures come from. The training corpus is the annotated corpus plus, optionally,
synthetic licences generated here from a seed, so a model is reproduced from the repository
alone.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spacy.language import Language

from .corpus.annotations import AnnotatedText, AnnotationError, read_annotation_dir, write_annotations
from .corpus.convert import jsonl_to_split, pipeline_tokenizer
from .corpus.synth import DAMAGED_TAG, generate
from .inputs import atomic_write_text
from .model_evaluation import PipelineReport, evaluate_pipeline, write_reports
from .pipeline import load_pipeline, rules_pipeline

RULE_FALLBACK = ("licex_field_rules", "licex_clause_rules")


@dataclass
class TrainResult:
    model: Path
    metrics: dict[str, Any]


def model_only(nlp: Language) -> Language:
    """The pipeline with its rule fallback switched off (the record builder still runs): what
    training measures."""
    for name in RULE_FALLBACK:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    return nlp


def compare_pipelines(model: Path | str | None, examples: Sequence[AnnotatedText]) -> list[PipelineReport]:
    """Rules only, model only and model with rule fallback on the same documents."""
    reports = [evaluate_pipeline(rules_pipeline(), examples, "rules only")]
    if model is not None:
        reports.append(evaluate_pipeline(model_only(load_pipeline(model)), examples, "model only"))
        reports.append(evaluate_pipeline(load_pipeline(model), examples, "model + rules"))
    return reports


def train(
    output: Path,
    config: Path = Path("configs/cnn.cfg"),
    corpora: Sequence[Path] = (Path("corpus/annotations"),),
    synth: int = 0,
    synth_seed: int = 0,
    dev_fraction: float = 0.2,
    split_seed: int = 0,
    overrides: dict[str, Any] | None = None,
    real_in_train: bool = False,
    synth_damaged: float = 0.0,
) -> TrainResult:
    """Train a pipeline into `output` and evaluate it; returns the path of the best model and the metrics.

    Real licences are held out for evaluation unless `real_in_train` (then no held-out figures
    exist for them: evaluate the model on other real licences). Writes output/corpus/{train,dev,real}.spacy, output/pipeline/model-{best,last},
    output/model (a copy of the best model), output/metrics.json and, per evaluation set (real,
    dev, and dev_damaged: the dev licences with damaged labels, where `synth_damaged` made any),
    output/evaluation/<set>/report.{json,md} and accuracy.png.
    """
    from spacy.cli.train import train as spacy_train

    output = Path(output)
    sources = list(corpora)
    if synth:
        synth_dir = output / "synth"
        if synth_dir.exists():
            shutil.rmtree(synth_dir)
        generate(synth, synth_dir, synth_seed, damaged=synth_damaged)
        sources.append(synth_dir / "annotations")
    combined = output / "corpus" / "all.jsonl"
    _combine(sources, combined)
    split = jsonl_to_split(combined, output / "corpus", dev_fraction, split_seed, real_in_train,
                           tokenizer=pipeline_tokenizer(config))
    if not split.train:
        raise ValueError("no training documents: give annotated corpora with --corpus or --synth N")
    settings = {
        "paths.train": str(output / "corpus" / "train.spacy"),
        "paths.dev": str(output / "corpus" / ("dev.spacy" if split.dev else "train.spacy")),
        **(overrides or {}),
    }
    started = time.perf_counter()
    spacy_train(config, output / "pipeline", overrides=settings)
    seconds = time.perf_counter() - started
    model = output / "model"
    _ship(output / "pipeline" / "model-best", model)

    metrics: dict[str, Any] = {
        "config": str(config),
        "overrides": {k: v for k, v in settings.items() if not k.startswith("paths.")},
        "corpus": {"train": len(split.train), "dev": len(split.dev), "real (held out)": len(split.real),
                   "real_in_train": real_in_train,
                   "synthetic": synth, "synth_seed": synth_seed, "synth_damaged": synth_damaged},
        "training_seconds": round(seconds, 1),
        "evaluation": evaluate_sets(model, split.real, split.dev, output / "evaluation"),
    }
    atomic_write_text(output / "metrics.json", json.dumps(metrics, ensure_ascii=False, indent=2) + "\n")
    return TrainResult(model, metrics)


def evaluate_sets(
    model: Path, real: Sequence[AnnotatedText], dev: Sequence[AnnotatedText], output: Path
) -> dict[str, Any]:
    """The three-way comparison on the real licences, the dev set and its licences with damaged
    labels (the harder layouts the rules cannot read): reports under output/<set>/, and the
    summaries metrics.json keeps."""
    damaged = [e for e in dev if DAMAGED_TAG in e.meta.get("layout", ())]
    summaries = {}
    for name, examples in (("real", real), ("dev", dev), ("dev_damaged", damaged)):
        if not examples:
            continue
        reports = compare_pipelines(model, examples)
        write_reports(reports, output / name, f"{name} ({len(examples)} documents)")
        summaries[name] = {r.name: _summary(r) for r in reports}
    return summaries


def _ship(best: Path, model: Path) -> None:
    """Save the best model with its rule fallback switched on (training ran it without)."""
    nlp = load_pipeline(best)
    for name in RULE_FALLBACK:
        if name in nlp.disabled:
            nlp.enable_pipe(name)
    if model.exists():
        shutil.rmtree(model)
    nlp.to_disk(model)


def _combine(sources: Sequence[Path], target: Path) -> None:
    """All annotation files in one JSONL (each validated on reading); ids must be unique across them."""
    examples: list[AnnotatedText] = []
    first_source: dict[str, Path] = {}
    problems = []
    for source in map(Path, sources):
        for example in read_annotation_dir(source):
            key = json.dumps(example.id)
            if key in first_source:
                problems.append(f"{source}: duplicate id {example.id!r} (also in {first_source[key]})")
            first_source.setdefault(key, source)
            examples.append(example)
    if problems:
        raise AnnotationError(problems)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_annotations(target, examples)


def _summary(report: PipelineReport) -> dict[str, Any]:
    fields = {name: s.accuracy for name, s in report.fields.fields.items() if s.counted}
    return {
        "documents": report.documents,
        "fields": fields,
        "clause_label_accuracy": report.fields.clauses.accuracy,
        "entity_f1": report.entities.get("ents_f"),
        "clause_span_f1": report.clause_spans.get("spans_clauses_f"),
    }
