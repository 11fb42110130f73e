"""The .spacy files hold the pipeline's own tokens, so that training reads gold and predicted Docs
token for token (what `spacy debug data` checks as "misaligned tokens")."""

from __future__ import annotations

import dataclasses

import pytest
import spacy
from spacy.tokens import DocBin
from spacy.training import Example

from licex.corpus.annotations import AnnotationError, write_annotations
from licex.corpus.convert import DEFAULT_TOKENIZER, jsonl_to_docbin, jsonl_to_split, pipeline_tokenizer
from licex.fields.labels import CLAUSES_KEY

from conftest import ROOT

CNN = ROOT / "configs" / "cnn.cfg"
TRF = ROOT / "configs" / "trf.cfg"


@pytest.fixture(scope="module")
def few_docs(real_examples, generated):
    """The real licences and a few generated ones, clean and with damaged labels (ids kept apart)."""
    damaged = [dataclasses.replace(e, id=f"damaged_{e.id}") for _, e, _ in generated(3, 3, damaged=True)]
    return real_examples + [e for _, e, _ in generated(3, 3)] + damaged


def test_the_default_tokenizer_is_the_default_pipelines():
    assert DEFAULT_TOKENIZER == dict(spacy.util.load_config(CNN)["nlp"]["tokenizer"])


def test_spacy_files_hold_the_pipelines_tokens_and_every_span(few_docs, tmp_path):
    source = tmp_path / "few.jsonl"
    write_annotations(source, few_docs)
    split = jsonl_to_split(source, tmp_path / "spacy", dev_fraction=0.5, seed=1,
                           tokenizer=pipeline_tokenizer(CNN))
    assert split.train and split.dev and split.real
    nlp = spacy.util.load_model_from_config(spacy.util.load_config(CNN), auto_fill=True)
    by_id = {str(e.id): e for e in few_docs}
    docs = [doc for name in ("train", "dev", "real")
            for doc in DocBin().from_disk(tmp_path / "spacy" / f"{name}.spacy").get_docs(nlp.vocab)]
    assert sorted(str(d.user_data["licex_id"]) for d in docs) == sorted(by_id)
    for reference in docs:
        example = by_id[str(reference.user_data["licex_id"])]
        predicted = nlp.make_doc(reference.text)
        assert [t.text for t in reference] == [t.text for t in predicted]
        assert len(reference) < 0.5 * len(reference.text)  # phrase tokens, not characters
        alignment = Example(predicted, reference).alignment
        assert set(alignment.x2y.lengths) == {1} and set(alignment.y2x.lengths) == {1}  # nothing misaligned
        assert [(e.start_char, e.end_char, e.label_) for e in reference.ents] == example.entities
        assert sorted((s.start_char, s.end_char, s.label_) for s in reference.spans[CLAUSES_KEY]) == example.clauses


def test_a_span_inside_a_pipeline_token_is_refused_by_document_and_span(real_examples, tmp_path):
    tokenizer = pipeline_tokenizer()
    example = real_examples[0]
    doc = tokenizer(example.text)
    taken = [(start, end) for start, end, _ in example.entities]
    phrase = next(t for t in doc if len(t) > 3 and not any(c.isspace() for c in t.text)
                  and not any(s < t.idx + len(t) and t.idx < e for s, e in taken))
    inside = (phrase.idx + 1, phrase.idx + 3, "COMPANY")
    bad = dataclasses.replace(example, entities=sorted([*example.entities, inside]))
    source = tmp_path / "bad.jsonl"
    write_annotations(source, [bad])  # valid annotations: they fall on character boundaries
    target = tmp_path / "out.spacy"
    with pytest.raises(AnnotationError) as caught:
        jsonl_to_docbin(source, target)
    assert caught.value.problems == [
        f"{source}: document {example.id!r}: entity COMPANY [{inside[0]}, {inside[1]}] "
        f"{example.text[inside[0]:inside[1]]!r} is not on the pipeline tokenizer's token boundaries"]
    assert not target.exists()
    # The character tokens of the transformer config take any annotation.
    assert jsonl_to_docbin(source, target, pipeline_tokenizer(TRF)) == 1
