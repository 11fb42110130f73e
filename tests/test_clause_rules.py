"""`licex_clause_rules` as a spaCy component: factory, rule data, serialisation, errors."""

from __future__ import annotations

import pytest
import spacy
import srsly

from licex.components.clause_rules import ClauseRules
from licex.patterns import read_jsonl as default_rules
from licex.fields.labels import CLAUSES_KEY

TEXT = """特别规定事项
一、你公司应当在每年第一季度参加经营许可证年报。
二、你公司应当妥善处理用户投诉。
三、你公司在经营信息服务业务时应当遵守下列规定：
（一）你公司发布广告时应当公布经营许可证编号，不得向用户收取明码标价外的费用。
"""
CUSTOM = [
    {"label": "GEN_SERVICE_QUALITY", "scope": "general", "pattern": "投诉"},
    {"label": "BIZ_CHARGING", "scope": "business", "pattern": "收取"},
]


def clauses(nlp, text: str = TEXT) -> list[tuple[str, str]]:
    doc = nlp(text)  # a span group needs its Doc alive
    return [(span.text[:2], span.label_) for span in doc.spans[CLAUSES_KEY]]


def test_factory_builds_with_the_shipped_rules():
    nlp = spacy.blank("zh")
    pipe = nlp.add_pipe("licex_clause_rules")
    assert isinstance(pipe, ClauseRules)
    assert pipe.rules == default_rules("clause_rules.jsonl")
    assert clauses(nlp) == [("一、", "GEN_ANNUAL_REPORT"), ("二、", "GEN_SERVICE_QUALITY"),
                            ("三、", "BIZ_SECTION_HEADER"), ("（一", "BIZ_ADVERTISING")]
    doc = nlp(TEXT)
    assert {s._.licex_component for s in doc.spans[CLAUSES_KEY]} == {"licex_clause_rules"}


def test_custom_rules_from_the_config_are_used():
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_clause_rules", config={"rules": CUSTOM})
    # The section header is structural; a clause no rule matches is OTHER.
    assert clauses(nlp) == [("一、", "OTHER"), ("二、", "GEN_SERVICE_QUALITY"),
                            ("三、", "BIZ_SECTION_HEADER"), ("（一", "BIZ_CHARGING")]


def test_first_rule_of_the_clause_scope_wins():
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_clause_rules", config={"rules": [
        {"label": "GEN_ANNUAL_REPORT", "scope": "general", "pattern": "你公司"},
        {"label": "BIZ_CONTENT", "scope": "business", "pattern": "你公司"},
        {"label": "BIZ_ADVERTISING", "scope": "business", "pattern": "广告"},
    ]})
    # Top-level clauses try general rules first, sub-clauses business rules first.
    assert clauses(nlp) == [("一、", "GEN_ANNUAL_REPORT"), ("二、", "GEN_ANNUAL_REPORT"),
                            ("三、", "BIZ_SECTION_HEADER"), ("（一", "BIZ_CONTENT")]


def test_rules_round_trip_through_disk_and_bytes(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_clause_rules", config={"rules": CUSTOM})
    nlp.to_disk(tmp_path / "nlp")
    assert list(srsly.read_jsonl(tmp_path / "nlp" / "licex_clause_rules" / "clause_rules.jsonl")) == CUSTOM
    loaded = spacy.load(tmp_path / "nlp")
    assert loaded.get_pipe("licex_clause_rules").rules == CUSTOM
    assert clauses(loaded) == clauses(nlp)
    again = spacy.blank("zh")
    again.add_pipe("licex_clause_rules").from_bytes(nlp.get_pipe("licex_clause_rules").to_bytes())
    assert clauses(again) == clauses(nlp)


@pytest.mark.parametrize("bad, message", [
    ({"label": "GEN_NOPE", "scope": "general", "pattern": "x"}, "unknown clause label 'GEN_NOPE'"),
    ({"label": "OTHER", "scope": "section", "pattern": "x"}, "unknown scope 'section'"),
    ({"label": "OTHER", "scope": "general"}, "'pattern' must be a non-empty regular expression"),
    ({"label": "OTHER", "scope": "general", "pattern": "投诉("}, "invalid pattern '投诉\\('"),
])
def test_invalid_rules_name_the_rule(bad, message):
    nlp = spacy.blank("zh")
    with pytest.raises(ValueError, match=r"clause_rules\.jsonl rule 2: " + message):
        nlp.add_pipe("licex_clause_rules", config={"rules": [CUSTOM[0], bad]})


def test_a_rule_that_is_no_object_names_its_line(tmp_path):
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_clause_rules")
    nlp.to_disk(tmp_path / "nlp")
    path = tmp_path / "nlp" / "licex_clause_rules" / "clause_rules.jsonl"
    path.write_text(path.read_text("utf-8") + '"OTHER"\n', "utf-8")
    line = len(default_rules("clause_rules.jsonl")) + 1
    with pytest.raises(ValueError, match=rf"clause_rules\.jsonl rule {line}: expected an object"):
        spacy.load(tmp_path / "nlp")


def test_clauses_a_model_set_are_kept():
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_clause_rules")
    doc = nlp.make_doc(TEXT)
    start = TEXT.index("二、")
    doc.spans[CLAUSES_KEY] = [doc.char_span(start, start + 4, label="OTHER")]
    doc = nlp.get_pipe("licex_clause_rules")(doc)
    assert [(s.text[:2], s.label_, s._.licex_component) for s in doc.spans[CLAUSES_KEY]] == [
        ("一、", "GEN_ANNUAL_REPORT", "licex_clause_rules"),
        ("二、", "OTHER", None),
        ("三、", "BIZ_SECTION_HEADER", "licex_clause_rules"),
        ("（一", "BIZ_ADVERTISING", "licex_clause_rules"),
    ]


def test_a_text_without_special_provisions_gets_an_empty_group():
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_clause_rules")
    assert list(nlp("公司名称：北京柚子网络科技有限公司").spans[CLAUSES_KEY]) == []


def test_an_ocr_stutter_in_a_clause_number_and_a_form_feed_between_pages_are_read_through(extract):
    """(八八) is (八) read twice by OCR; a page break emitted as a form feed ends the footer line,
    so the next page's header is page furniture and the clause runs on across it."""
    text = ("特别规定事项\n"
            "一、你公司应当在每年第一季度参加经营许可证年报。\n"
            "二、你公司在经营信息服务业务时应当遵守下列规定：\n"
            "（一）你公司发布广告时应当公布经营许可证编号。\n"
            "（二）你公司应当按照电信主管部门要求，配备相应数量的专职网络与\n"
            "司(局)负责人:\t公司代表:\f经营许可证编号: B2-20160073\t第2页\n"
            "信息安全管理人员。\n"
            "（三三）你公司应当准确、合理地计收费用。\n")
    result = extract(text)
    assert [number for number, _, _ in result.clauses()] == ["一", "二", "二(一)", "二(二)", "二(三)"]
    assert "经营许可证编号" not in result.clause_text("二(二)").split("\n")[-1]
    assert result.clause_text("二(二)").endswith("信息安全管理人员。")
