"""The licence tokenizer (characters for fields, phrases for clauses) and the embedding that reads
phrase tokens by their characters and bigrams."""

from __future__ import annotations

import numpy
import pytest
import spacy
from spacy.strings import get_string_id
from spacy.util import registry
from thinc.api import Adam

from licex.components.char_ngram_embed import CharNgramEmbed, phrase_keys, token_keys
from licex.components.tokenizer import LicenceTokenizer
from licex.text.layout import Layout


@pytest.fixture(scope="module")
def tokenizer() -> LicenceTokenizer:
    return registry.tokenizers.get("licex.licence_tokenizer.v1")()(spacy.blank("zh"))


@pytest.fixture(scope="module")
def examples(real_examples, generated):
    """The real licences and generated ones, a third with damaged labels."""
    clean, damaged = generated(21, 90), generated(21, 90, damaged=True)
    return real_examples + [(damaged if i % 3 == 0 else clean)[i][1] for i in range(90)]


def test_every_annotated_span_starts_and_ends_on_a_token_boundary(tokenizer, examples):
    misaligned = []
    for example in examples:
        doc = tokenizer(example.text)
        assert doc.text == example.text
        for start, end, label in [*example.entities, *example.clauses]:
            if doc.char_span(start, end) is None:
                misaligned.append((example.id, label, example.text[start:end]))
    assert misaligned == []


def test_clauses_get_phrase_tokens_and_fields_character_tokens(tokenizer, real_examples):
    text = real_examples[0].text
    doc = tokenizer(text)
    ranges = Layout.of(text).clause_text()
    assert ranges and all(text[start:end].strip() for start, end in ranges)

    def in_clauses(token) -> bool:
        return any(start <= token.idx < end for start, end in ranges)

    outside = [t for t in doc if not in_clauses(t) and not t.is_space]
    inside = [t for t in doc if in_clauses(t) and not t.is_space]
    assert all(len(t) == 1 for t in outside)
    assert sum(len(t) for t in inside) / len(inside) > 8
    # Every clause starts a token of its own: 十五、 never glues to the sentence before it.
    clause_starts = {start for start, _, _ in real_examples[0].clauses}
    assert clause_starts <= {t.idx for t in doc}
    assert len(doc) < 0.4 * len(text)


def test_a_damaged_page_header_keeps_its_licence_number_on_token_boundaries(tokenizer):
    text = ("特别规定事项\n\n一、你公司应当遵守有关规定。\n\n经营许可证偏号:B2-20138417号\n\n"
            "二、你公司应当按照许可的业务种类开展经营活动。\n")
    doc = tokenizer(text)
    start = text.index("B2")
    assert doc.char_span(start, start + len("B2-20138417")) is not None
    assert "你公司应当遵守有关规定。" in [t.text for t in doc]


def test_a_text_without_special_provisions_is_tokenized_like_the_char_segmenter(tokenizer):
    text = "经营许可证编号: B2-20160073\n公司名称:  上海某某信息科技有限公司\n\n法定代表人: 李雷"
    assert Layout.of(text).clause_text() == []
    reference = spacy.blank("zh")(text)
    doc = tokenizer(text)
    assert [(t.text, t.whitespace_) for t in doc] == [(t.text, t.whitespace_) for t in reference]
    assert len(tokenizer("")) == 0


def test_the_tokenizer_saves_with_the_pipeline_and_loads_by_entry_point(tmp_path, real_examples):
    config = spacy.blank("zh").config
    config["nlp"]["tokenizer"] = {"@tokenizers": "licex.licence_tokenizer.v1"}
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    assert isinstance(nlp.tokenizer, LicenceTokenizer)
    nlp.to_disk(tmp_path / "nlp")
    loaded = spacy.load(tmp_path / "nlp")
    assert isinstance(loaded.tokenizer, LicenceTokenizer)
    assert [t.text for t in loaded(real_examples[1].text)] == [t.text for t in nlp(real_examples[1].text)]


def test_a_character_token_is_embedded_by_its_norm_and_a_phrase_by_its_characters_and_bigrams(tokenizer, real_examples):
    assert list(phrase_keys("木马")) == [get_string_id("木"), get_string_id("马"), get_string_id("木马")]
    # A character inside a phrase has the key of the same character as a token of its own.
    chars = spacy.blank("zh")("不得利用木马程序ICP")
    assert list(phrase_keys("不得利用木马程序ICP")[:len(chars)]) == [t.norm for t in chars]
    doc = tokenizer(real_examples[0].text)
    keys, per_token = token_keys(doc)
    assert len(per_token) == len(doc) and per_token.sum() == len(keys)
    offsets = numpy.cumsum(per_token) - per_token
    for token in doc:
        got = tuple(int(k) for k in keys[offsets[token.i]:offsets[token.i] + per_token[token.i]])
        assert got == ((token.norm,) if len(token) == 1 else tuple(int(k) for k in phrase_keys(token.text)))


def test_the_embedding_gives_one_row_per_token_and_learns(tokenizer, real_examples):
    docs = [tokenizer(real_examples[0].text[:3000]), tokenizer(real_examples[2].text[:500]), tokenizer("")]
    model = CharNgramEmbed(width=16, rows=500)
    model.initialize(X=docs)
    outputs, backprop = model.begin_update(docs)
    assert [o.shape for o in outputs] == [(len(d), 16) for d in docs]
    # Pull every token's vector towards zero: the hash table moves, and the outputs with it.
    before = model.layers[0].get_param("E").copy()
    backprop([o.copy() for o in outputs])
    model.finish_update(Adam(0.01))
    assert not numpy.allclose(before, model.layers[0].get_param("E"))
    after = model.predict(docs)
    assert float((after[0] ** 2).sum()) < float((outputs[0] ** 2).sum())
    assert model.predict([]) == []


def test_words_and_spaces_match_spacy_in_one_pass(examples):
    """The tokenizer's own words/spaces (linear) equal spaCy's get_words_and_spaces (quadratic)."""
    from spacy.util import get_words_and_spaces

    from licex.components.tokenizer import licence_words, words_and_spaces

    texts = [e.text for e in examples[:20]] + ["  a  b \n c ", " ", "", "a \u3000 b", "x  ", "\n\n a", "a    b"]
    for text in texts:
        for tokens in (list(text), list(licence_words(text, Layout.of(text)))):
            assert words_and_spaces(tokens) == get_words_and_spaces(tokens, text), text[:40]


def test_the_tokenizer_leaves_its_layout_on_the_doc(tokenizer, monkeypatch, real_examples):
    """Every component reads the analysis the tokenizer made: the layout is computed once per Doc."""
    from licex.text import analysis
    from licex.jobs.pipeline import rules_pipeline

    nlp = rules_pipeline()
    text = real_examples[0].text
    calls = []
    original = analysis.Layout.of.__func__

    def counting(cls, *args, **kwargs):
        calls.append(1)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(analysis.Layout, "of", classmethod(counting))
    monkeypatch.setattr("licex.components.tokenizer.Layout.of", classmethod(counting))
    doc = nlp(text)
    assert doc._.license_record["clauses"] and len(calls) == 1
    assert doc._.licex_analysis.layout.view.original == text
