"""The committed default model reproduces the scores reported for it on the real licences.

Every test names training/model itself (the `default_nlp` fixture, `DEFAULT_MODEL`): what
$LICEX_MODEL or an installed zh_licex_cnn would choose is tested with both switched off or set.
"""

from __future__ import annotations

import json

import pytest
import spacy

from licex.jobs import pipeline
from licex.jobs.pipeline import MODEL_ENV, default_model
from licex.evaluation.pipelines import compare_pipelines

from conftest import DEFAULT_MODEL


@pytest.fixture
def no_model_installed(monkeypatch):
    """Neither $LICEX_MODEL nor an installed zh_licex_cnn: the checkout's model is the default."""
    monkeypatch.delenv(MODEL_ENV, raising=False)
    is_package = spacy.util.is_package
    monkeypatch.setattr(pipeline.spacy.util, "is_package",
                        lambda name: False if name == pipeline.DEFAULT_PACKAGE else is_package(name))


def test_default_model_is_small():
    size = sum(p.stat().st_size for p in DEFAULT_MODEL.rglob("*") if p.is_file())
    assert size <= 20 * 1024 * 1024


def test_in_a_checkout_extract_uses_the_committed_model(no_model_installed):
    assert default_model() == DEFAULT_MODEL


def test_licex_model_and_the_installed_package_come_first(no_model_installed, monkeypatch, tmp_path):
    monkeypatch.setattr(pipeline.spacy.util, "is_package", lambda name: name == pipeline.DEFAULT_PACKAGE)
    assert default_model() == pipeline.DEFAULT_PACKAGE
    monkeypatch.setenv(MODEL_ENV, str(tmp_path))
    assert default_model() == str(tmp_path)


@pytest.mark.slow
def test_default_model_reproduces_the_reported_real_licence_scores(real_examples):
    metrics = json.loads((DEFAULT_MODEL.parent / "metrics.json").read_text("utf-8"))
    reports = {r.name: r for r in compare_pipelines(DEFAULT_MODEL, real_examples)}
    reported = metrics["evaluation"]["real"]
    for name, report in reports.items():
        fields = {n: s.accuracy for n, s in report.fields.fields.items() if s.counted}
        assert fields == pytest.approx(reported[name]["fields"]), name
        assert report.fields.clauses.accuracy == pytest.approx(reported[name]["clause_label_accuracy"]), name
    model_with_rules = reports["model + rules"]
    assert all(s.accuracy >= 0.98 for s in model_with_rules.fields.fields.values() if s.counted)
    assert model_with_rules.fields.clauses.accuracy >= 0.99


def test_the_default_model_has_the_trained_components(default_nlp):
    assert "ner" in default_nlp.pipe_names and "spancat" in default_nlp.pipe_names
