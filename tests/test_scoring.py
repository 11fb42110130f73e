"""The fitted scorers (licex.scoring): one logistic model, saved with the component that uses it,
refit by `licex fit choice|confidence`; `--model X` scores with X's own weights."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import spacy

from licex.jobs.pipeline import rules_pipeline
from licex.scoring.model import LogisticModel

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "corpus" / "raw" / "002_3fa2e29c17b4fcd1.txt"
# OCR'd generated licences with their gold records: values both right and wrong, 25 licences.
OCR_SET = ROOT / "corpus" / "generated" / "rapidocr" / "batch-00012.jsonl"


def test_the_model_scores_named_features_with_calibration_and_caps():
    plain = LogisticModel(0.5, {"a": 1.0, "b": -2.0})
    assert plain.probability(["a", "b"]) == plain.probability({"a": 1.0, "b": 1.0}) == pytest.approx(1 / (1 + math.exp(0.5)))
    assert plain.probability({"a": 0.5}) == pytest.approx(1 / (1 + math.exp(-1.0)))
    capped = LogisticModel(5.0, {}, caps={"misread=": 0.2})
    assert capped.probability(["x"]) > 0.99 and capped.probability(["misread=surname"]) == 0.2
    calibrated = LogisticModel(0.0, {}, calibration=([0.0, 0.5, 1.0], [0.0, 0.8, 1.0]))
    assert calibrated.probability([]) == pytest.approx(0.8)
    for model in (plain, capped, calibrated):
        assert LogisticModel.from_dict(json.loads(json.dumps(model.to_dict())), "here") == model


@pytest.mark.parametrize("data, problem", [
    ([], "here: not a fitted model's parameters (an object with intercept and weights) but list"),
    ({"weights": {}}, "here: 'intercept': Field required"),
    ({"intercept": 0, "weights": {}, "caps": {"m": "x"}}, "here: 'caps.m': Input should be a valid number"),
    ({"intercept": 0, "weights": {}, "calibration": [[1, 0], [0, 1]]}, "here: the thresholds of 'calibration' are not "
                                                                       "in ascending order"),
    ({"intercept": 0, "weights": {}, "note": 1}, "here: 'note': Extra inputs are not permitted"),
])
def test_parameters_that_are_no_model_are_one_line_naming_where(data, problem):
    with pytest.raises(ValueError) as error:
        LogisticModel.from_dict(data, "here")
    assert str(error.value) == problem


def test_a_pipeline_scores_confidence_with_its_own_saved_weights(tmp_path, cli):
    """`--model X` reads X's confidence.json: a pipeline saved with weights of its own (every
    value 0.007 sure) gives those, the rules pipeline its package weights."""
    nlp = rules_pipeline()
    nlp.get_pipe("licex_record_builder").confidence.model = LogisticModel(-5.0, {}, fit_on={"documents": 0})
    nlp.to_disk(tmp_path / "x")
    assert json.loads((tmp_path / "x" / "licex_record_builder" / "confidence.json").read_text("utf-8"))["intercept"] == -5.0
    assert cli("extract", str(RAW), "--model", str(tmp_path / "x"), "-o", str(tmp_path / "x.jsonl")).exit_code == 0
    assert cli("extract", str(RAW), "--rules-only", "-o", str(tmp_path / "rules.jsonl")).exit_code == 0
    own = json.loads((tmp_path / "x.jsonl").read_text("utf-8"))["confidence"]
    rules = json.loads((tmp_path / "rules.jsonl").read_text("utf-8"))["confidence"]
    assert own and set(own.values()) == {0.007}
    assert set(own) == set(rules) and max(rules.values()) > 0.9


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_licex_fit_confidence_refits_the_model_folder_and_choice_needs_a_fitted_policy(tmp_path, cli):
    pytest.importorskip("sklearn", reason="the fits need scikit-learn")
    model = tmp_path / "model"
    rules_pipeline().to_disk(model)
    before = (model / "licex_record_builder" / "confidence.json").read_text("utf-8")
    result = cli("fit", "confidence", str(model), str(OCR_SET))
    assert result.exit_code == 0, result.stderr
    saved = json.loads((model / "licex_record_builder" / "confidence.json").read_text("utf-8"))
    assert saved != json.loads(before) and saved["fit_on"]["documents"] == 25
    assert 0 < saved["caps"]["misread="] < 1 and saved["fit_on"]["right"] < saved["fit_on"]["values"]
    assert spacy.load(model).get_pipe("licex_record_builder").confidence.model.to_dict() == saved
    # the rules pipeline's field choice keeps the rules' reading first: nothing to fit
    refused = cli("fit", "choice", str(model), str(OCR_SET))
    assert refused.exit_code == 1
    assert refused.stderr.strip() == (f"licex: error: {model}: its licex_field_choice merge is not "
                                      "licex.fitted_choice.v1; nothing to fit")
    # without data: the training run's development split beside the model folder
    alone = cli("fit", "confidence", str(model))
    assert alone.exit_code == 1 and "no development split beside it" in alone.stderr


@pytest.mark.slow
def test_the_training_fits_save_both_scorers_with_the_model_and_extract_uses_them(tmp_path, cli):
    """What `licex train` runs after training (scoring.fits.fit_scorers), on a copy of the
    committed model and OCR'd licences it was never trained on: each fit is saved with its
    component, and `--model` scores with what was saved."""
    pytest.importorskip("sklearn", reason="the fits need scikit-learn")
    import shutil

    from licex.corpus.annotations import read_corpora
    from licex.scoring.fits import fit_scorers

    model = tmp_path / "model"
    shutil.copytree(ROOT / "training" / "model", model)
    saved = {"choice": model / "licex_field_choice" / "choice.json",
             "confidence": model / "licex_record_builder" / "confidence.json"}
    before = {scorer: json.loads(path.read_text("utf-8")) for scorer, path in saved.items()}
    fitted = fit_scorers(model, read_corpora([OCR_SET, OCR_SET.with_name("batch-00013.jsonl")]))
    assert {scorer: fit["fitted"] for scorer, fit in fitted.items()} == {"choice": True, "confidence": True}
    for scorer, path in saved.items():
        after = json.loads(path.read_text("utf-8"))
        assert after["fit_on"]["documents"] == 50 and after != before[scorer]
    nlp = spacy.load(model)
    assert nlp.get_pipe("licex_field_choice").merge.model.fit_on["documents"] == 50
    assert nlp.get_pipe("licex_record_builder").confidence.model.fit_on["documents"] == 50
    assert cli("extract", str(RAW), "--model", str(model), "-o", str(tmp_path / "refit.jsonl")).exit_code == 0
    refit = json.loads((tmp_path / "refit.jsonl").read_text("utf-8"))["confidence"]
    text = RAW.read_text("utf-8")
    assert refit == nlp(text)._.license_record["confidence"]
    assert refit != spacy.load(ROOT / "training" / "model")(text)._.license_record["confidence"]
