"""training/refresh_rules.py: a trained pipeline given the rule data licex ships now."""

from __future__ import annotations

import shutil

import pytest
import srsly

from conftest import ROOT, load_script


def _refresh_rules():
    return load_script(ROOT / "training" / "refresh_rules.py")


def _copied_model(tmp_path):
    """A copy of the committed model, to change."""
    shutil.copytree(ROOT / "training" / "model", tmp_path / "model")
    return tmp_path / "model"


@pytest.mark.slow  # loads and saves the committed model (a few seconds)
def test_a_model_with_old_label_words_reads_with_the_shipped_ones_and_keeps_its_weights(tmp_path):
    refresh_rules, model = _refresh_rules(), _copied_model(tmp_path)
    labels = model / "licex_field_rules" / "field_labels.jsonl"
    shipped = list(srsly.read_jsonl(ROOT / "src" / "licex" / "patterns" / "field_labels.jsonl"))
    srsly.write_jsonl(labels, shipped[:3])  # a model saved when licex knew fewer label words
    weights = (model / "ner" / "model").read_bytes()
    assert refresh_rules.refresh(model) == ["licex_field_rules", "licex_clause_rules"]
    assert list(srsly.read_jsonl(labels)) == shipped
    assert (model / "ner" / "model").read_bytes() == weights


@pytest.mark.slow  # loads and saves the committed model (a few seconds)
def test_a_model_trained_before_a_reader_was_added_runs_it_after_the_refresh(tmp_path):
    from spacy.util import load_config

    from licex.components.field_rules.reading import DEFAULT_READERS
    from licex.jobs.pipeline import load_pipeline

    refresh_rules, model = _refresh_rules(), _copied_model(tmp_path)
    config = load_config(model / "config.cfg", interpolate=False)
    config["components"]["licex_field_rules"]["readers"] = {"labelled_values": dict(DEFAULT_READERS["labelled_values"])}
    config.to_disk(model / "config.cfg")  # a model trained when licex had one reader
    refresh_rules.refresh(model)
    readers = load_config(model / "config.cfg", interpolate=False)["components"]["licex_field_rules"]["readers"]
    assert list(readers) == list(DEFAULT_READERS)
    assert load_pipeline(model).get_pipe("licex_field_rules") is not None
