"""`licex train`: corpus -> split -> `spacy train` -> the three-way evaluation (see evaluation.pipelines).

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

from licex.corpus.annotations import AnnotatedText, read_corpora, write_annotations
from licex.corpus.convert import Split, jsonl_to_split, pipeline_tokenizer
from licex.corpus.synth import DAMAGED_TAG, generate
from licex.corpus.tool_corpus import ceilings
from licex.evaluation.pipelines import RULE_FALLBACK, Progress, evaluate_sets
from licex.jobs.extras import require
from licex.files.outputs import atomic_write_text
from licex.jobs.pipeline import error_line, load_pipeline
from licex.scoring.fits import fit_scorers


class TrainingError(ValueError):
    """What stops training before it starts, in one line."""


@dataclass
class TrainResult:
    model: Path
    metrics: dict[str, Any]


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
    transformer: Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> TrainResult:
    """Train a pipeline into `output` and evaluate it; returns the path of the best model and the metrics.

    Real licences are held out for evaluation unless `real_in_train` (then no held-out figures
    exist for them: evaluate the model on other real licences). Writes output/corpus/{train,dev,real}.spacy, output/pipeline/model-{best,last},
    output/model (the best model, with its choice and confidence fit on the development
    licences: scoring.fits), output/metrics.json and, per evaluation set (real,
    dev, and dev_damaged: the dev licences with damaged labels, where `synth_damaged` made any),
    output/evaluation/<set>/report.{json,md} and accuracy.png.

    `transformer` is a local Hugging Face model folder for a config with a transformer (it sets
    `paths.transformer`). A model already in `output` is replaced only with `force`; the old
    evaluation goes with it. Raises TrainingError before any work when either is missing.
    `progress` is called once per document evaluated.
    """
    from spacy.cli.train import train as spacy_train

    output = Path(output)
    overrides = dict(overrides or {})
    if transformer is not None:
        overrides["paths.transformer"] = str(transformer)
    _check_transformer(Path(config), overrides)
    if (output / "model").exists() and not force:
        raise TrainingError(f"{output / 'model'}: a trained model is already there; give --force to replace it "
                            "(with its metrics and evaluation), or train into another folder")
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
        raise TrainingError("no training documents: give annotated corpora with --corpus or --synth N")
    settings = {
        "paths.train": str(output / "corpus" / "train.spacy"),
        "paths.dev": str(output / "corpus" / ("dev.spacy" if split.dev else "train.spacy")),
        **overrides,
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
    }
    # The choice between the model's readings and the rules', and the confidence of the values,
    # fit on the development licences and saved with the model (scoring.fits).
    metrics.update(fit_scorers(model, split.dev))
    return TrainResult(model, _evaluate(output, model, split, metrics, progress))


def reevaluate(output: Path, progress: Progress | None = None) -> TrainResult:
    """Score a trained model again on the split it was trained with (`output/corpus`), after the
    rules or the evaluation changed: the reports and metrics.json's evaluation are replaced."""
    from licex.corpus.annotations import read_docbin

    output = Path(output)
    model, corpus = output / "model", output / "corpus"
    if not (output / "metrics.json").is_file() or not model.is_dir():
        raise TrainingError(f"{output}: no trained model with its metrics.json to evaluate again")
    def read(name: str) -> list[AnnotatedText]:
        return list(read_docbin(corpus / f"{name}.spacy")) if (corpus / f"{name}.spacy").is_file() else []

    split = Split(train=[], dev=read("dev"), real=read("real"))
    metrics = json.loads((output / "metrics.json").read_text("utf-8"))
    return TrainResult(model, _evaluate(output, model, split, metrics, progress))


def _evaluate(output: Path, model: Path, split: Split, metrics: dict[str, Any],
              progress: Progress | None) -> dict[str, Any]:
    if (output / "evaluation").exists():  # a set the new run lacks must not leave its old report
        shutil.rmtree(output / "evaluation")
    sets = evaluation_sets(split)
    # Per tool: the share of the printed values still in the tool's text, and the field accuracy
    # of what is still there (the ceilings), in the reports' titles and in metrics.json.
    found = {name: ceiling for name, examples in sets.items()
             if name.startswith("dev_") and (ceiling := ceilings(examples)) is not None}
    metrics["evaluation"] = evaluate_sets(model, sets, output / "evaluation", progress, found)
    metrics["ceiling"] = found
    atomic_write_text(output / "metrics.json", json.dumps(metrics, ensure_ascii=False, indent=2) + "\n",
                      named_by_licex=True)
    return metrics


def evaluation_sets(split: Split) -> dict[str, list[AnnotatedText]]:
    """The sets training reports: the real licences; the generated dev licences as the generator
    writes them (`dev`), those of them with damaged labels (`dev_damaged`: the harder layouts the
    rules cannot read); and per tool, what the tool emitted for the dev licences (`dev_TOOL`)."""
    clean = [e for e in split.dev if "tool" not in e.meta]
    sets = {"real": split.real, "dev": clean,
            "dev_damaged": [e for e in clean if DAMAGED_TAG in e.meta.get("layout", ())]}
    for example in split.dev:
        if "tool" in example.meta:
            sets.setdefault(f"dev_{example.meta['tool']}", []).append(example)
    return sets


def _check_transformer(config: Path, overrides: dict[str, Any]) -> None:
    """A config with a transformer component trains only on a local model folder (nothing is
    fetched from the model hub); a folder given for a config without one is a mistake."""
    from spacy.util import load_config

    try:
        resolved = load_config(config, overrides=overrides, interpolate=True)
    except OSError as error:
        raise TrainingError(f"{config}: cannot read the config: {error}") from None
    except ValueError as error:  # a config of junk (thinc's ConfigValidationError)
        raise TrainingError(f"{config}: cannot read the config: {error_line(error)}") from None
    transformers = {name: component for name, component in resolved.get("components", {}).items()
                    if component.get("factory") == "transformer"}
    if "paths.transformer" in overrides and not transformers:
        raise TrainingError(f"{config}: has no transformer component; --transformer is for a transformer config "
                            "such as configs/trf.cfg")
    for name, component in transformers.items():
        require("trf", f"the transformer config {config}")
        folder = component.get("model", {}).get("name")
        if not folder or not Path(folder).is_dir():
            where = f"{folder!r} is not a folder" if folder else "it names none"
            raise TrainingError(f"{config}: component {name!r} needs a local transformer model: give its folder "
                                f"with --transformer PATH ({where})")


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
    examples = read_corpora(sources)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_annotations(target, examples, named_by_licex=True)
