"""`licex_field_rules` as a spaCy component: factory, rule data, readers, the span group it fills
for `licex_field_choice`, serialisation, errors."""

from __future__ import annotations

import pytest
import spacy
import srsly

from spacy.tokens import Doc

from licex.jobs.pipeline import assume_licence
from licex.components.field_rules import FieldRules
from licex.patterns import read_jsonl as default_rules
from licex.text.layout import Layout

TEXT = "经营许可证编号：京B2-20210099\n经营单位：北京柚子网络科技有限公司\n法定代表人：孙七\n"
CUSTOM = [
    {"label": "LICENSE_NO", "names": ["经营许可证编号"]},
    {"label": "COMPANY", "names": ["经营单位"]},
]


def ents(nlp, text: str = TEXT) -> list[tuple[str, str]]:
    return [(e.label_, e.text) for e in nlp(text).ents]


def rules_and_choice(rules: dict | None = None, choice: dict | None = None):
    """A blank pipeline with the field rules and the field choice that sets their readings as entities."""
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_field_rules", config=rules or {})
    nlp.add_pipe("licex_field_choice", config=choice or {})
    return nlp


def run_on(nlp, doc):
    """Run the pipeline's components on a Doc whose model entities a test set."""
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    return doc


def test_factory_builds_with_the_shipped_rules():
    nlp = rules_and_choice()
    pipe = nlp.get_pipe("licex_field_rules")
    assert isinstance(pipe, FieldRules)
    assert pipe.rules == default_rules("field_labels.jsonl")
    assert ents(nlp) == [("LICENSE_NO", "京B2-20210099"), ("LEGAL_REP", "孙七")]  # 经营单位 is no shipped label
    assert all(e._.licex_component == "licex_field_rules" for e in nlp(TEXT).ents)


def test_the_rules_set_no_entities_but_their_readings_with_how_each_was_found():
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_field_rules")
    doc = nlp(TEXT + "你公司2019年度年检合格\n")
    assert doc.ents == ()
    readings = doc.spans["field_rules"]
    assert [(s.label_, s.text) for s in readings] == [
        ("LICENSE_NO", "京B2-20210099"), ("LEGAL_REP", "孙七"), ("INSPECTION_YEAR", "2019"), ("INSPECTION_RESULT", "合格")]
    assert readings.attrs == {"found_by": ["label", "label", "entry", "entry"], "component": "licex_field_rules"}
    copy = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert copy.spans["field_rules"].attrs == readings.attrs


def test_custom_rules_from_the_config_are_used():
    nlp = rules_and_choice({"rules": CUSTOM})
    assert ents(nlp) == [("LICENSE_NO", "京B2-20210099"), ("COMPANY", "北京柚子网络科技有限公司")]


def test_rules_round_trip_through_disk_and_bytes(tmp_path):
    nlp = rules_and_choice({"rules": CUSTOM})
    nlp.to_disk(tmp_path / "nlp")
    assert list(srsly.read_jsonl(tmp_path / "nlp" / "licex_field_rules" / "field_labels.jsonl")) == CUSTOM
    loaded = spacy.load(tmp_path / "nlp")
    assert loaded.get_pipe("licex_field_rules").rules == CUSTOM
    assert ents(loaded) == ents(nlp)
    again = rules_and_choice()
    again.get_pipe("licex_field_rules").from_bytes(nlp.get_pipe("licex_field_rules").to_bytes())
    assert ents(again) == ents(nlp)


def test_initialize_replaces_the_rules():
    nlp = rules_and_choice()
    nlp.initialize()
    assert ents(nlp)[0] == ("LICENSE_NO", "京B2-20210099")
    nlp.get_pipe("licex_field_rules").initialize(lambda: [], rules=CUSTOM)
    assert ("COMPANY", "北京柚子网络科技有限公司") in ents(nlp)


@pytest.mark.parametrize("bad, message", [
    ({"label": "COMPANY_NAME", "names": ["公司名称"]}, "rule 2: unknown entity label 'COMPANY_NAME'"),
    ({"label": "COMPANY"}, "rule 2: 'names' must be a non-empty list"),
    ({"label": "COMPANY", "names": []}, "rule 2: 'names' must be a non-empty list"),
    ({"label": "COMPANY", "names": "公司名称"}, "rule 2: 'names' must be a non-empty list"),
    ({"label": "COMPANY", "names": ["公司名称", " "]}, "rule 2: 'names' must be a non-empty list"),
    ({"label": None, "names": ["备注"], "role": "footer"}, "rule 2: 'role': Input should be 'signature', 'business_list' or 'validity'"),
    ({"label": "COMPANY", "names": ["公司名称"], "colour": "red"}, "rule 2: 'colour': Extra inputs are not permitted"),
])
def test_invalid_rules_name_the_rule(bad, message):
    nlp = spacy.blank("zh")
    with pytest.raises(ValueError, match=r"field_labels\.jsonl " + message.replace("(", r"\(")):
        nlp.add_pipe("licex_field_rules", config={"rules": [CUSTOM[0], bad]})


def test_invalid_rules_on_disk_name_the_line(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_field_rules")
    nlp.to_disk(tmp_path / "nlp")
    path = tmp_path / "nlp" / "licex_field_rules" / "field_labels.jsonl"
    rules = list(srsly.read_jsonl(path))
    rules[2]["label"] = "NOT_A_LABEL"
    srsly.write_jsonl(path, rules)
    with pytest.raises(ValueError, match=r"field_labels\.jsonl rule 3: unknown entity label 'NOT_A_LABEL'"):
        spacy.load(tmp_path / "nlp")
    srsly.write_jsonl(path, [*rules[:2], ["COMPANY", "公司名称"]])
    with pytest.raises(ValueError, match=r"field_labels\.jsonl rule 3: expected an object"):
        spacy.load(tmp_path / "nlp")


def test_rules_add_nothing_that_overlaps_a_model_entity():
    nlp = rules_and_choice()
    doc = nlp.make_doc("公司名称：北京柚子网络科技有限公司\n法定代表人：孙七\n")
    doc.ents = [doc.char_span(5, 9, label="ADDRESS")]  # a wrong model entity inside the company name
    doc = run_on(nlp, doc)
    assert [(e.label_, e.text, e._.licex_component) for e in doc.ents] == [
        ("ADDRESS", "北京柚子", None), ("LEGAL_REP", "孙七", "licex_field_rules")]


def test_a_model_entity_that_gives_no_value_leaves_its_field_to_the_rules():
    nlp = rules_and_choice()
    nlp.add_pipe("licex_record_builder")
    text = "发证日期：2021年06月22日\n有效期至：2024年10月14日\n法定代表人：孙七\n"
    doc = assume_licence(nlp.make_doc(text))
    # The model cut the issue date short (no day: no date) and found the expiry date whole.
    doc.ents = [doc.char_span(5, 13, label="ISSUE_DATE"), doc.char_span(22, 33, label="EXPIRY_DATE")]
    doc = run_on(nlp, doc)
    record = doc._.license_record
    assert record["issue_date"] == "2021-06-22"
    assert record["evidence"]["issue_date"][0]["component"] == "licex_field_rules"
    assert record["expiry_date"] == "2024-10-14"
    assert record["evidence"]["expiry_date"][0]["component"] == "model"
    assert [e.label_ for e in doc.ents] == ["ISSUE_DATE", "EXPIRY_DATE", "LEGAL_REP"]


def test_a_row_of_label_value_pairs_is_no_column_header():
    pipe = FieldRules(spacy.blank("zh"), "licex_field_rules")
    text = "法定代表人\t王五\t签发人\t李四\n注册资本\t100万元\t发证日期\t2019年1月1日\n"
    hits = [(h.label, text[h.start:h.end]) for h in pipe.find(Layout.of(text))]
    assert hits == [("LEGAL_REP", "王五"), ("SIGNER", "李四"), ("CAPITAL", "100万元"), ("ISSUE_DATE", "2019年1月1日")]


def test_blank_form_values_are_no_values():
    pipe = FieldRules(spacy.blank("zh"), "licex_field_rules")
    text = "公司名称：（无）\n注册住所：/\n签发人：\n发证日期：年 月 日\n业务覆盖范围：、\n"
    assert pipe.find(Layout.of(text)) == []


def test_rules_add_no_business_part_where_the_model_read_the_business_block():
    nlp = rules_and_choice()
    text = "业务种类：信息服务业务（不含互联网信息服务）\n业务覆盖范围：北京市\n注册资本：100万元\n"
    doc = nlp.make_doc(text)
    start = text.index("信息服务业务")
    doc.ents = [doc.char_span(start, start + len("信息服务业务（不含互联网信息服务）"), label="BUSINESS")]
    doc = run_on(nlp, doc)
    # The coverage is the model's to find; the capital, outside the block, is still the rules'.
    assert [(e.label_, e._.licex_component) for e in doc.ents] == [("BUSINESS", None), ("CAPITAL", "licex_field_rules")]
    assert {e.label_ for e in nlp(text).ents} >= {"BUSINESS", "COVERAGE", "CAPITAL"}


def test_label_words_from_the_config_are_the_layouts_too():
    """A page header printed with a label word only the config knows is page furniture for the
    layout as well as a label for the rules: the 特别规定事项 run past it."""
    text = ("执照编号：B2-20210099\n特别规定事项\n一、你公司应当遵守《中华人民共和国电信条例》。\n"
            "执照编号：B2-20210099\n二、你公司应当参加年报。\n")
    rules = [{"label": "LICENSE_NO", "names": ["执照编号"]}]
    nlp = rules_and_choice({"rules": rules})
    nlp.add_pipe("licex_clause_rules")
    doc = nlp(text)
    layout = doc._.licex_analysis.layout
    assert layout.words == nlp.get_pipe("licex_field_rules").words
    header = text.index("执照编号", 10)
    assert layout.line_at(layout.view.view_span(header, header + 1)[0]).kind == "page_header"
    clauses = [text[s.start_char:s.end_char] for s in doc.spans["clauses"]]
    assert clauses == ["一、你公司应当遵守《中华人民共和国电信条例》。", "二、你公司应当参加年报。"]
    assert [(e.label_, e.text) for e in doc.ents][0] == ("LICENSE_NO", "B2-20210099")


def test_the_merge_policy_comes_from_the_config():
    """The policy named in the config scores each side's reading; the best one of a place is kept."""
    from spacy.util import registry

    @registry.misc("test.side_wins.v1")
    def side_wins(side: str):
        return lambda found: [1.0 if candidate.side == side else 0.0 for candidate in found]

    def run(side: str) -> list[tuple[str, str]]:
        nlp = rules_and_choice(choice={"merge": {"@misc": "test.side_wins.v1", "side": side}})
        doc = nlp.make_doc(TEXT)
        doc.ents = [doc.char_span(TEXT.index("孙七"), TEXT.index("孙七") + 2, label="SIGNER")]
        return [(e.label_, e.text) for e in run_on(nlp, doc).ents]

    assert run("rules") == [("LICENSE_NO", "京B2-20210099"), ("LEGAL_REP", "孙七")]
    assert run("model") == [("LICENSE_NO", "京B2-20210099"), ("SIGNER", "孙七")]


def test_serialisation_honours_exclude(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_field_rules", config={"rules": CUSTOM})
    nlp.to_disk(tmp_path / "nlp", exclude=["licex_field_rules.rules"])
    pipe = nlp.get_pipe("licex_field_rules")
    pipe.to_disk(tmp_path / "pipe", exclude=["rules"])
    assert not (tmp_path / "pipe" / "field_labels.jsonl").exists()
    fresh = spacy.blank("zh").add_pipe("licex_field_rules")
    fresh.from_bytes(pipe.to_bytes(), exclude=["rules"])
    assert fresh.rules == default_rules("field_labels.jsonl")
    fresh.from_bytes(pipe.to_bytes())
    assert fresh.rules == CUSTOM


def test_the_readers_come_from_the_config():
    """Each structure reader is a registered function listed in the config: null turns one off, a
    new one is one more entry (spaCy merges a component's config into its defaults: the readers a
    config names run first, then the defaults it leaves out); a config that names none runs the
    default readers."""
    from spacy.util import registry

    from licex.components.field_rules import Hit

    text = TEXT + "你公司2019年度年检合格\n"
    default = rules_and_choice()
    assert list(default.get_pipe("licex_field_rules").readers) == [
        "labelled_values", "business_block", "column_tables", "shareholders", "inspections", "inspection_table",
        "change_notes", "unlabelled_front_page", "annex_holder"]
    assert ("INSPECTION_YEAR", "2019") in ents(default, text)
    without = rules_and_choice({"readers": {"inspections": None}})
    assert "inspections" not in without.get_pipe("licex_field_rules").readers
    assert ents(without, text) == [("LICENSE_NO", "京B2-20210099"), ("LEGAL_REP", "孙七")]

    @registry.misc("test.reader.first_line.v1")
    def first_line():
        def read(reading):
            line = reading.layout.lines[0]
            return [Hit("ADDRESS", line.start, line.end, found_by="shape")]
        return read

    added = rules_and_choice({"readers": {"first_line": {"@misc": "test.reader.first_line.v1"}}})
    assert list(added.get_pipe("licex_field_rules").readers) == ["first_line", *default.get_pipe("licex_field_rules").readers]
    doc = added(TEXT)
    readings = doc.spans["field_rules"]
    assert ("ADDRESS", TEXT.splitlines()[0]) in [(s.label_, s.text) for s in readings]
    assert readings.attrs["found_by"][[s.label_ for s in readings].index("ADDRESS")] == "shape"


def test_a_reader_that_is_no_function_is_named():
    with pytest.raises(ValueError, match="readers inspections are not functions"):
        FieldRules(spacy.blank("zh"), "licex_field_rules", readers={"inspections": "licex.reader.inspections.v1"})


def test_a_saved_config_that_lists_no_readers_loads_with_the_default_ones(tmp_path):
    nlp = rules_and_choice()
    nlp.to_disk(tmp_path / "nlp")
    config = (tmp_path / "nlp" / "config.cfg").read_text("utf-8")
    assert "[components.licex_field_rules.readers.inspections]" in config
    kept = [block for block in config.split("\n\n") if "licex_field_rules.readers" not in block]
    (tmp_path / "nlp" / "config.cfg").write_text("\n\n".join(kept), "utf-8")
    loaded = spacy.load(tmp_path / "nlp")
    assert list(loaded.get_pipe("licex_field_rules").readers) == list(nlp.get_pipe("licex_field_rules").readers)
    assert ents(loaded) == ents(nlp)


def test_each_value_is_read_once_per_doc(monkeypatch):
    """The field rules read each of their values once (a reader's shape check and the pipe's
    filter alike) and leave it in the Doc's analysis; the field choice (filter, choice, agreement)
    and the record builder (the fold, the confidence) read an entity's value there: each
    (label, text) is read once."""
    from licex.text import analysis
    from licex.fields import values
    from licex.components.field_rules import reading
    from licex.scoring import features

    nlp = rules_and_choice(choice={"merge": {"@misc": "licex.rules_first.v1"}})
    nlp.add_pipe("licex_record_builder")
    reads = []
    real = values.read_value
    for module in (analysis, reading, features, values):
        monkeypatch.setattr(module, "read_value", lambda label, text: reads.append((label, text)) or real(label, text))
    doc = assume_licence(nlp.make_doc(TEXT))
    doc.ents = [doc.char_span(TEXT.index("孙七"), TEXT.index("孙七") + 2, label="SIGNER")]  # the model's
    record = run_on(nlp, doc)._.license_record
    assert record["legal_representative"] == "孙七" and record["license_no"] == "京B2-20210099"
    assert sorted(reads) == sorted({("LICENSE_NO", "京B2-20210099"), ("LEGAL_REP", "孙七"), ("SIGNER", "孙七")})
