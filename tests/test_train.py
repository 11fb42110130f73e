"""A short training run end to end: split, spacy train, three-way evaluation, metrics."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import spacy

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_licex_train_smoke(tmp_path):
    out = tmp_path / "training"
    (out / "model").mkdir(parents=True)  # an earlier model, and an evaluation set the new run lacks
    (out / "evaluation" / "stale").mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-m", "licex.cli", "train", "-o", str(out), "--config", str(ROOT / "configs" / "cnn.cfg"),
         "--corpus", str(ROOT / "corpus" / "annotations"), "--synth", "12", "--synth-damaged", "1", "--max-steps", "3",
         "--eval-frequency", "3", "--force"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(p.name for p in (out / "evaluation").iterdir()) == ["dev", "dev_damaged", "real"]
    metrics = json.loads((out / "metrics.json").read_text("utf-8"))
    assert metrics["corpus"]["real (held out)"] == 3
    assert metrics["corpus"]["train"] + metrics["corpus"]["dev"] == 12
    # Every generated licence has damaged labels here, so the damaged dev set is the dev set.
    assert set(metrics["evaluation"]) == {"real", "dev", "dev_damaged"}
    assert metrics["evaluation"]["dev_damaged"]["rules only"]["documents"] == metrics["corpus"]["dev"]
    assert metrics["corpus"]["synth_damaged"] == 1.0
    assert set(metrics["evaluation"]["real"]) == {"rules only", "model only", "model + rules"}
    # The held-out real licences never reach the training file.
    train_ids = {doc.user_data["licex_id"] for doc in spacy.tokens.DocBin().from_disk(out / "corpus" / "train.spacy")
                 .get_docs(spacy.blank("zh").vocab)}
    assert not any(str(i).startswith(("000_", "001_", "002_")) for i in train_ids)
    for name in ("report.json", "report.md", "accuracy.png"):
        assert (out / "evaluation" / "real" / name).stat().st_size > 0
    nlp = spacy.load(out / "model")
    # Trained without the rule fallback; shipped with it switched on.
    assert nlp.disabled == []
    assert {"ner", "spancat", "licex_field_rules", "licex_field_choice", "licex_clause_rules",
            "licex_record_builder"} <= set(nlp.pipe_names)
    assert spacy.load(out / "pipeline" / "model-best").disabled == ["licex_field_rules", "licex_field_choice",
                                                                    "licex_clause_rules"]
    # Both scorers are fit on the development licences and saved with the model, or metrics.json
    # says why not (a dev set this small may give nothing to learn: every value right).
    for scorer, saved in (("choice", "licex_field_choice/choice.json"),
                          ("confidence", "licex_record_builder/confidence.json")):
        fit = metrics[scorer]
        assert fit["fitted"] is True or fit["reason"].endswith("nothing to fit"), (scorer, fit)
        if fit["fitted"]:
            assert json.loads((out / "model" / saved).read_text("utf-8"))["fit_on"]["documents"] == metrics["corpus"]["dev"]
    # the record builder saves its confidence with the model, fit or as it started
    assert (out / "model" / "licex_record_builder" / "confidence.json").is_file()


def test_train_refuses_to_replace_a_model_without_force(tmp_path):
    from typer.testing import CliRunner

    from licex.cli import app

    (tmp_path / "model").mkdir()
    (tmp_path / "metrics.json").write_text("{}", "utf-8")
    result = CliRunner().invoke(app, ["train", "-o", str(tmp_path), "--config", str(ROOT / "configs" / "cnn.cfg"), "--synth", "2"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"licex: error: {tmp_path / 'model'}: a trained model is already there; give --force "
                                     "to replace it (with its metrics and evaluation), or train into another folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["metrics.json", "model"]  # nothing touched


def test_corpora_with_a_shared_id_are_refused_before_training(tmp_path):
    from licex.corpus.annotations import AnnotatedText, AnnotationError, write_annotations
    from licex.jobs.train import _combine

    text = "经营许可证编号: B2-20160073\n"
    write_annotations(tmp_path / "a.jsonl", [AnnotatedText("x", text, [(9, 20, "LICENSE_NO")])])
    write_annotations(tmp_path / "b.jsonl", [AnnotatedText("x", text, [])])
    with pytest.raises(AnnotationError, match="duplicate id 'x'"):
        _combine([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], tmp_path / "all.jsonl")
    assert not (tmp_path / "all.jsonl").exists()


@pytest.mark.slow
def test_evaluate_only_scores_the_trained_model_again_on_its_own_dev_and_real_sets(tmp_path, cli):
    """After the rules change, `licex train --evaluate-only` re-scores a model on the split it was
    trained with, per set (a tool's dev texts apart), without training."""
    from licex.corpus.annotations import read_annotation_dir, to_docbin

    from conftest import CORPUS, DEFAULT_MODEL

    out = tmp_path / "training"
    (out / "corpus").mkdir(parents=True)
    (out / "model").symlink_to(DEFAULT_MODEL)
    tool_texts = read_annotation_dir(CORPUS / "generated" / "pypdfium2" / "batch-00000.jsonl")[:2]
    to_docbin(tool_texts).to_disk(out / "corpus" / "dev.spacy")
    to_docbin(read_annotation_dir(CORPUS)).to_disk(out / "corpus" / "real.spacy")
    (out / "metrics.json").write_text(json.dumps({"training_seconds": 1.0}), "utf-8")
    result = cli("train", "-o", out, "--evaluate-only")
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text("utf-8"))
    assert metrics["training_seconds"] == 1.0  # kept
    assert set(metrics["evaluation"]) == {"real", "dev_pypdfium2"}
    assert metrics["evaluation"]["real"]["model + rules"]["field_micro_accuracy"] == 1.0
    assert metrics["ceiling"]["dev_pypdfium2"]["values"] > 0
    assert (out / "evaluation" / "dev_pypdfium2" / "report.md").is_file()
    missing = cli("train", "-o", tmp_path / "nothing", "--evaluate-only")
    assert missing.exit_code == 1 and "no trained model with its metrics.json" in missing.stderr
