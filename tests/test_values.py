"""values.py: one reader per value kind; rules and model entities pass the same checks."""

from __future__ import annotations

import datetime as dt

import pytest
import spacy

from licex.jobs.pipeline import assume_licence
from licex.fields.labels import ENTITY_LABELS
from licex.fields.record import Money
from licex.fields.values import VALUE_KINDS, gives_value, read_value


def test_every_label_declares_a_value_kind_with_a_reader():
    assert {label.value for label in ENTITY_LABELS.values()} <= VALUE_KINDS.keys()


@pytest.mark.parametrize("label, text, value", [
    ("DOMAIN", "www.example.com.cn", "www.example.com.cn"),
    ("DOMAIN", "https://a-b.example.com/path", "https://a-b.example.com/path"),
    ("DOMAIN", "www.a.com、b.cn", "www.a.com、b.cn"),
    ("DOMAIN", "this is English prose\nover two lines", None),
    ("DOMAIN", "见附页", None),
    ("CAPITAL", "人民币肆仟万元", Money(amount=40_000_000, currency="CNY")),
    ("CAPITAL", "500万美元", Money(amount=5_000_000, currency="USD")),
    ("CAPITAL", "200,000", None),  # an amount with no currency is no capital
    ("ISSUE_DATE", "2021年06月22日", dt.date(2021, 6, 22)),
    ("ISSUE_DATE", "2021年06月", None),
    ("LEGAL_REP", "孙 七", "孙七"),
    ("LEGAL_REP", "注册资本:100万元", None),
    ("SIGNER", "工业和信息化部信息通信管理局局长办公室", None),
    ("PREV_LICENSE_NO", "市气象台", None),
    ("PREV_LICENSE_NO", "B1-20060088号", "B1-20060088"),
    ("SHARE_RATIO", "55 %", "55%"),
    ("SHARE_RATIO", "过半", None),
    ("INSPECTION_YEAR", "2002", 2002),
    ("INSPECTION_YEAR", "1890", None),
    ("COMPANY", "无", None),
    ("COMPANY", "北京 柚子 网络科技有限公司", "北京柚子网络科技有限公司"),
])
def test_values_have_the_shape_of_their_field(label, text, value):
    assert read_value(label, text) == value
    assert gives_value(label, text) is (value is not None)


def test_a_model_entity_with_no_domain_shape_is_dropped_and_the_rules_fill_the_field():
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_field_rules")
    nlp.add_pipe("licex_field_choice")
    nlp.add_pipe("licex_record_builder")
    text = "网站名称：柚子网\n网站域名：www.youzi.cn\n"
    doc = assume_licence(nlp.make_doc(text))
    doc.ents = [doc.char_span(0, 4, label="DOMAIN")]  # the model read a label as the domain
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    record = doc._.license_record
    assert record["websites"] == [{"name": "柚子网", "domain": "www.youzi.cn", "server_location": None,
                                   "access_provider": None}]
    assert record["evidence"]["websites[0].domain"][0]["component"] == "licex_field_rules"


@pytest.mark.parametrize("label, text", [
    ("SHAREHOLDER", "序号"), ("SHAREHOLDER", "编 号"), ("COMPANY", "公司名称:"), ("ADDRESS", "(注册住所)"),
])
def test_a_header_cell_or_a_label_is_no_value(label, text):
    """A model that takes a table's header cell for a value (序号 as a shareholder) finds nothing."""
    assert read_value(label, text) is None


def test_a_name_that_merely_contains_a_label_word_is_a_value():
    assert read_value("SHAREHOLDER", "序号科技有限公司") == "序号科技有限公司"


@pytest.mark.parametrize("label, text, value", [
    ("ACCESS_PROVIDER", "庆", None),  # a seal's character over the cell
    ("COMPANY", "司", None),  # the last character of a name OCR lost
    ("SHAREHOLDER", "公", None),
    ("SHAREHOLDER", "3M", "3M"),
    ("ACCESS_PROVIDER", "阿里云计算有限公司", "阿里云计算有限公司"),
])
def test_one_character_is_no_name(label, text, value):
    assert read_value(label, text) == value


@pytest.mark.parametrize("label, text, value", [
    ("COVERAGE", "四川省通信管理局", None),  # the authority in the signature block beside the coverage
    ("COVERAGE", "江西省 通信管理局", None),
    ("SERVER_LOCATION", "中华人民共和国工业和信息化部", None),
    ("COVERAGE", "四川省", "四川省"),
])
def test_an_issuing_authority_is_no_place(label, text, value):
    assert read_value(label, text) == value


@pytest.mark.parametrize("text, value", [
    ("广东省 【依", "广东省"),  # the model's entity ran into the note's first characters
    ("北京、上海\n【依法须经批准的项目，经相关部门批准后方可开展相应经营活动。】", "北京、上海"),
    ("【依法须经批准的项目】", None),
])
def test_a_coverage_ends_before_a_bracketed_note(text, value):
    assert read_value("COVERAGE", text) == value
