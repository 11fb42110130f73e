"""licex_field_ner: the numpy decoder finds what spaCy's greedy loop finds, over the field region."""

from __future__ import annotations

import pytest
import spacy
from spacy.pipeline.ner import EntityRecognizer
from spacy.training import Example
from spacy.util import fix_random_seed

from licex.text.analysis import analyse
from licex.components.field_ner import FieldRegionNER, field_region


@pytest.fixture(scope="module")
def licences(default_nlp, generated, real_examples):
    """Real and generated licences (clean and with damaged labels), tokenized and through tok2vec."""
    texts = [e.text for e in real_examples] + [text for text, _, _ in generated(0, 12)]
    texts += [text for text, _, _ in generated(3, 6, damaged=True)]
    return list(default_nlp.get_pipe("tok2vec").pipe(default_nlp.make_doc(text) for text in texts))


def spacy_entities(ner, docs):
    """What spaCy's own greedy loop reads on each Doc (on copies: the Docs stay unannotated)."""
    copies = [doc.copy() for doc in docs]
    EntityRecognizer.set_annotations(ner, copies, EntityRecognizer.predict(ner, copies))
    return [[(e.start, e.end, e.label) for e in doc.ents] for doc in copies]


def test_the_default_model_reads_with_the_field_ner(default_nlp):
    assert isinstance(default_nlp.get_pipe("ner"), FieldRegionNER)
    assert default_nlp.get_pipe_meta("ner").factory == "licex_field_ner"


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_decoding_whole_docs_gives_spacys_entities(default_nlp, licences):
    ner = default_nlp.get_pipe("ner")
    decoded = ner._decode(licences, [[(0, len(doc))] for doc in licences])
    expected = spacy_entities(ner, licences)
    assert sum(len(e) for e in expected) > 200  # the test compares something
    assert decoded == expected


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_each_region_range_reads_as_spacy_reads_it_cut_out(default_nlp, licences):
    ner = default_nlp.get_pipe("ner")
    regions = [field_region(doc) for doc in licences]
    decoded = ner._decode(licences, regions)
    for doc, ranges, entities in zip(licences, regions, decoded):
        expected = []
        for start, end in ranges:
            piece = doc[start:end].as_doc()  # the tok2vec rows travel with it
            expected += [(start + s, start + e, label) for s, e, label in spacy_entities(ner, [piece])[0]]
        assert entities == sorted(expected)


def test_the_region_leaves_out_clause_text_and_keeps_page_headers(default_nlp, real_examples):
    text = real_examples[0].text
    doc = default_nlp.make_doc(text)
    clause_text = analyse(doc).layout.clause_text()
    regions = field_region(doc)
    inside = {i for start, end in regions for i in range(start, end)}
    assert 0.5 * len(doc) < len(inside) < len(doc)
    for token in doc:
        if any(start <= token.idx < end for start, end in clause_text):
            assert token.i not in inside, token.text
    # every gold entity of the licence lies in the region, page-header licence numbers included
    for start, end, label in real_examples[0].entities:
        span = doc.char_span(start, end)
        assert span is not None and set(range(span.start, span.end)) <= inside, (label, span)
    assert field_region(default_nlp.make_doc("")) == []


def test_the_pipeline_sets_the_decoded_entities_in_order(default_nlp, licences):
    texts = [doc.text for doc in licences]
    ner = default_nlp.get_pipe("ner")
    expected = ner._decode(licences, [field_region(doc) for doc in licences])
    with default_nlp.select_pipes(enable=["tok2vec", "ner"]):
        docs = list(default_nlp.pipe(texts, batch_size=3))
    assert [doc.text for doc in docs] == texts
    assert [[(e.start, e.end, e.label) for e in doc.ents] for doc in docs] == expected
    assert all(doc[i].ent_iob_ == "O" for doc in docs for i in range(len(doc)) if not doc[i].ent_type)


def test_preset_entities_go_through_spacys_own_loop(default_nlp, licences):
    ner = default_nlp.get_pipe("ner")
    doc = licences[3].copy()
    start = doc.text.index("有限公司")
    preset = doc.char_span(start, start + 4, label="COMPANY", alignment_mode="expand")
    doc.set_ents([preset], default="missing")
    ner(doc)
    assert any((e.start, e.end, e.label_) == (preset.start, preset.end, "COMPANY") for e in doc.ents)


def test_a_blank_pipeline_trains_the_field_ner_and_reads_as_spacy_does():
    fix_random_seed(0)
    nlp = spacy.blank("zh")
    ner = nlp.add_pipe("licex_field_ner", name="ner")  # its own tok2vec: spaCy's default NER model
    ner.add_label("COMPANY")
    text = "公司名称:蓝汛通信有限公司\n法定代表人:李雷"
    example = Example.from_dict(nlp.make_doc(text), {"entities": [(5, 13, "COMPANY")]})
    nlp.initialize(lambda: [example])
    for _ in range(20):
        nlp.update([example])
    read = nlp(text)
    assert [(e.start, e.end, e.label) for e in read.ents] == spacy_entities(ner, [nlp.make_doc(text)])[0]
    assert read.ents and read.ents[0].start == 5  # it learnt something: the comparison compares entities
