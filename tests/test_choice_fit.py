"""The fit of the field choice (`scoring.fits.fit_choice`) on a few licences: it learns from the gold
which side to keep where the rules and the model disagree, and the pipeline saved with it chooses so.

The licences are generated ones on which the committed model and the rules read a unit
differently; their gold records are made to agree with one side, so the fit has one answer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

from licex.scoring.fits import fit_choice  # noqa: E402
from licex.components.field_choice import MODEL, RULES, chosen_by_fit  # noqa: E402
from licex.components.names import FIELD_CHOICE  # noqa: E402
from licex.corpus.annotations import AnnotatedText  # noqa: E402
from licex.corpus.synth import doc_seed, generate_one  # noqa: E402
from licex.evaluation.records import field_values  # noqa: E402
from licex.jobs.pipeline import load_pipeline  # noqa: E402

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "training" / "model"
# Generated licences (seed 7, damaged labels) on which the committed model and the rules disagree
# on a unit (the legal representative, the shareholder table, the business block).
CONTESTED = (2, 7, 14, 22, 23, 33)


def records_with(nlp, texts: list[str], first: str) -> list[dict]:
    """The records `nlp` makes of `texts` with `first`'s reading of every unit kept first."""
    choice = nlp.get_pipe(FIELD_CHOICE)
    policy = choice.merge
    choice.merge = lambda found: [1.0 if candidate.side == first else 0.0 for candidate in found]
    try:
        return [doc._.license_record for doc in nlp.pipe(texts)]
    finally:
        choice.merge = policy


@pytest.fixture(scope="module")
def contested() -> tuple[list[str], dict[str, list[dict]]]:
    """The texts, and the records the committed model makes of them with each side first."""
    texts = [generate_one(doc_seed(7, i), doc_id=f"synth_{i:05d}", damaged_labels=True)[0] for i in CONTESTED]
    nlp = load_pipeline(DEFAULT_MODEL)
    seen: list[bool] = []
    choice = nlp.get_pipe(FIELD_CHOICE)
    policy = choice.merge
    choice.merge = lambda found: (seen.append(any(chosen_by_fit(c) for c in found)), policy(found))[1]
    try:
        list(nlp.pipe(texts))
    finally:
        choice.merge = policy
    assert sum(seen) >= 4, "the licences no longer hold readings the two sides dispute: choose others"
    return texts, {side: records_with(nlp, texts, side) for side in (RULES, MODEL)}


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
@pytest.mark.parametrize("right", [MODEL, RULES])
def test_the_fitted_choice_keeps_the_side_the_gold_agrees_with(contested, tmp_path, right):
    texts, records = contested
    wrong = RULES if right == MODEL else MODEL
    differ = [i for i, (a, b) in enumerate(zip(records[RULES], records[MODEL])) if field_values(a) != field_values(b)]
    assert len(differ) >= 3  # where the choice shows at all
    model = tmp_path / "model"
    shutil.copytree(DEFAULT_MODEL, model)
    examples = [AnnotatedText(id=f"doc{i}", text=text, entities=[], meta={"record": records[right][i]})
                for i, text in enumerate(texts)]

    fit = fit_choice(model, examples)

    summary = fit.summary
    # each disputed field with one side right is a pair
    assert summary["disagreements_with_one_right"] >= len(differ)
    share = summary["right_where_they_disagree"]
    assert share["fitted (out of fold)"] >= 0.5
    assert share[f"{right} first"] == 1.0 and share[f"{wrong} first"] == 0.0
    weights = fit.model.weights
    assert weights.get(f"side={right}", 0.0) > weights.get(f"side={wrong}", 0.0)
    saved = load_pipeline(model)
    parameters = saved.get_pipe(FIELD_CHOICE).merge.model  # saved with the pipeline
    assert parameters.intercept == pytest.approx(fit.model.intercept)
    assert parameters.weights == pytest.approx(weights)
    chosen = [field_values(doc._.license_record) for doc in saved.pipe(texts)]
    # Of the fields the two sides read differently, the fitted pipeline takes most from the right
    # side (the fit on six licences is regularised: not every one).
    follows = {RULES: 0, MODEL: 0}
    for i in differ:
        values = {side: field_values(records[side][i]) for side in (RULES, MODEL)}
        for name in values[RULES]:
            if values[RULES][name] != values[MODEL][name]:
                for side in (RULES, MODEL):
                    follows[side] += chosen[i][name] == values[side][name]
    assert follows[right] > follows[wrong]
