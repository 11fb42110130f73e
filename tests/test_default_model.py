"""The committed default model reproduces the scores reported for it on the real licences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licex.corpus.annotations import read_annotation_dir
from licex import pipeline
from licex.pipeline import MODEL_ENV, default_model, load_pipeline
from licex.evaluation.pipelines import compare_pipelines

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "training" / "model"
METRICS = json.loads((ROOT / "training" / "metrics.json").read_text("utf-8"))


@pytest.fixture()
def checkout_only(monkeypatch):
    """As in a plain checkout: no $LICEX_MODEL, no installed zh_licex_cnn."""
    monkeypatch.delenv(MODEL_ENV, raising=False)
    monkeypatch.setattr(pipeline.spacy.util, "is_package", lambda name: False)


def test_default_model_is_small_and_is_what_extract_uses(checkout_only):
    size = sum(p.stat().st_size for p in MODEL.rglob("*") if p.is_file())
    assert size <= 20 * 1024 * 1024
    assert default_model() == MODEL


@pytest.mark.slow
def test_default_model_reproduces_the_reported_real_licence_scores():
    real = [e for e in read_annotation_dir(ROOT / "corpus" / "annotations") if e.origin == "real"]
    reports = {r.name: r for r in compare_pipelines(MODEL, real)}
    reported = METRICS["evaluation"]["real"]
    for name, report in reports.items():
        fields = {n: s.accuracy for n, s in report.fields.fields.items() if s.counted}
        assert fields == pytest.approx(reported[name]["fields"]), name
        assert report.fields.clauses.accuracy == pytest.approx(reported[name]["clause_label_accuracy"]), name
    model_with_rules = reports["model + rules"]
    assert all(s.accuracy >= 0.98 for s in model_with_rules.fields.fields.values() if s.counted)
    assert model_with_rules.fields.clauses.accuracy >= 0.99


def test_extract_uses_the_default_model(checkout_only):
    nlp = load_pipeline(default_model())
    assert "ner" in nlp.pipe_names and "spancat" in nlp.pipe_names
