"""The choice between the model's and the rules' readings (components.field_choice): candidates,
plausibility, the fold of choices, the model's beam probability, the fitted policy and its
serialisation with the field choice."""

from __future__ import annotations

import datetime as dt

import pytest
import spacy

from licex.components.field_choice import (
    MODEL,
    RULES,
    FittedChoice,
    ModelProbability,
    candidates,
    choose,
    merge,
)
from licex.fields.values import plausible, read_value
from licex.scoring.features import candidate_features as features
from licex.scoring.model import LogisticModel

TEXT = ("经营许可证编号：京B2-20210099\n公司名称：北京柚子网络科技有限公司\n法定代表人：孙七\n"
        "发证日期：2021年06月22日\n有效期至：2026年06月22日\n你公司2019年度年检合格\n你公司2020年度年检合格\n")


def value_of(span):
    return read_value(span.label_, span.text)


def doc_with(text: str = TEXT):
    doc = spacy.blank("zh").make_doc(text)

    def span(value: str, label: str, occurrence: int = 0):
        at = [i for i in range(len(text)) if text.startswith(value, i)][occurrence]
        return doc.char_span(at, at + len(value), label=label)

    return doc, span


@pytest.mark.parametrize(("label", "text", "expected"), [
    ("COMPANY", "北京柚子网络科技有限公司", True),
    ("COMPANY", "北京柚子网络科技", False),  # no company's ending
    ("LEGAL_REP", "孙七", True),
    ("LEGAL_REP", "孙七北京柚子网络", False),  # longer than a name
    ("LEGAL_REP", "John Smith", True),
    ("ADDRESS", "北京市海淀区中关村大街1号", True),
    ("ADDRESS", "柚子网络科技", False),
    ("COVERAGE", "北京、天津、上海", True),
    ("COVERAGE", "全国", True),
    ("COVERAGE", "互联网信息服务", False),
    ("LICENSE_NO", "京B2-20210099", True),
    ("ISSUE_DATE", "2021年06月22日", True),
    ("ISSUE_DATE", "1921年06月22日", False),
    ("SHARE_RATIO", "55%", True),
    ("SHARE_RATIO", "155%", False),
])
def test_a_plausible_value_has_its_fields_form(label, text, expected):
    assert plausible(label, read_value(label, text)) is expected


def test_each_side_reads_each_unit_once_with_agreement_and_plausibility():
    doc, span = doc_with()
    model = [span("北京柚子网络科技有限公司", "COMPANY"), span("孙七", "LEGAL_REP"),
             span("2021年06月22日", "EXPIRY_DATE")]
    rules = [span("北京柚子网络科技有限公司", "COMPANY"), span("孙七", "SIGNER"),
             span("2026年06月22日", "EXPIRY_DATE"), span("2021年06月22日", "ISSUE_DATE")]
    found = {(c.unit, c.side): c for c in candidates(model, rules, value_of, {id(rules[0]): "label"})}
    assert found["COMPANY", MODEL].agreement == found["COMPANY", RULES].agreement == "agree"
    assert found["LEGAL_REP", MODEL].agreement == "alone"
    assert found["EXPIRY_DATE", MODEL].agreement == "disagree"
    # an expiry on the issue date is implausible; the one five years later is not
    assert not found["EXPIRY_DATE", MODEL].plausible and found["EXPIRY_DATE", RULES].plausible
    assert found["COMPANY", MODEL].found_by == "model" and found["COMPANY", RULES].found_by == "label"
    assert "side=model&implausible" in features(found["EXPIRY_DATE", MODEL])


def test_the_best_candidate_claims_its_unit_and_stand_alone_entries_join():
    doc, span = doc_with()
    model = [span("2021年06月22日", "EXPIRY_DATE"), span("2019", "INSPECTION_YEAR")]
    rules = [span("2026年06月22日", "EXPIRY_DATE"), span("2020", "INSPECTION_YEAR")]
    found = candidates(model, rules, value_of, {})
    prefer_model = [1.0 if c.side == MODEL else 0.5 for c in found]
    kept = sorted((s.label_, s.text) for s in choose(found, prefer_model))
    assert kept == [("EXPIRY_DATE", "2021年06月22日"), ("INSPECTION_YEAR", "2019"), ("INSPECTION_YEAR", "2020")]
    prefer_rules = [0.5 if c.side == MODEL else 1.0 for c in found]
    kept = sorted((s.label_, s.text) for s in choose(found, prefer_rules))
    assert kept == [("EXPIRY_DATE", "2026年06月22日"), ("INSPECTION_YEAR", "2019"), ("INSPECTION_YEAR", "2020")]


def test_a_candidate_whose_spans_are_all_taken_leaves_its_unit_to_the_next():
    doc, span = doc_with()
    model = [span("孙七", "SIGNER")]
    rules = [span("孙七", "LEGAL_REP")]
    found = candidates(model, rules, value_of, {})
    kept = choose(found, [1.0 if c.side == MODEL else 0.0 for c in found])
    assert [(s.label_, s.text) for s in kept] == [("SIGNER", "孙七")]  # the rules' LEGAL_REP overlaps it


def test_the_fitted_choice_scores_by_its_weights_and_calibration():
    unfitted = FittedChoice()
    doc, span = doc_with()
    found = candidates([span("2021年06月22日", "EXPIRY_DATE")],
                       [span("2026年06月22日", "EXPIRY_DATE"), span("2021年06月22日", "ISSUE_DATE")], value_of, {})
    found = [c for c in found if c.unit == "EXPIRY_DATE"]
    assert unfitted(found) == [1.0 if c.side == RULES else 0.0 for c in found]  # unfitted: the rules first
    fitted = FittedChoice(LogisticModel(0.0, {"side=model&implausible": -3.0},
                                        calibration=([0.0, 0.5, 1.0], [0.0, 0.8, 1.0])))
    scores = dict(zip((c.side for c in found), fitted(found)))
    assert scores[RULES] == pytest.approx(0.8)  # logistic 0.5, calibrated to 0.8
    assert scores[MODEL] < scores[RULES]


def test_the_fitted_model_travels_with_the_field_choice(tmp_path):
    model = LogisticModel(0.5, {"side=rules": 1.0}, calibration=([], []))
    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_field_rules")
    nlp.add_pipe("licex_field_choice", config={"merge": {"@misc": "licex.fitted_choice.v1"}})
    nlp.get_pipe("licex_field_choice").merge.model = model
    nlp.to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / "licex_field_choice" / "choice.json").is_file()
    assert not (tmp_path / "nlp" / "licex_field_rules" / "choice.json").exists()
    assert spacy.load(tmp_path / "nlp").get_pipe("licex_field_choice").merge.model == model
    fresh = spacy.blank("zh").add_pipe("licex_field_choice", config={"merge": {"@misc": "licex.fitted_choice.v1"}})
    fresh.from_bytes(nlp.get_pipe("licex_field_choice").to_bytes())
    assert fresh.merge.model == model
    fresh = spacy.blank("zh").add_pipe("licex_field_choice", config={"merge": {"@misc": "licex.fitted_choice.v1"}})
    fresh.from_bytes(nlp.get_pipe("licex_field_choice").to_bytes(), exclude=["choice"])
    assert fresh.merge.model is None


def test_the_models_beam_gives_the_right_reading_the_higher_probability(default_nlp, raw_texts):
    """On a real licence the trained NER's beam gives its company name a high probability and a
    wrong reading at the same place (the name cut short) almost none."""
    text = next(iter(raw_texts.values()))
    doc = default_nlp(text)
    company = next(ent for ent in doc.ents if ent.label_ == "COMPANY")
    cut = doc.char_span(company.start_char, company.end_char - 4, label="COMPANY")
    pipe = default_nlp.get_pipe("licex_field_choice")
    found = candidates([company], [cut], value_of, {})
    assert {c.agreement for c in found} == {"disagree"}
    ModelProbability(default_nlp.get_pipe("ner"), lambda label, a, b: read_value(label, text[a:b])).fill(doc, found)
    probability = {c.side: c.model_probability for c in found}
    assert probability[MODEL] > 0.9 and probability[RULES] < 0.1
    assert pipe.probability_from == "ner"


def test_merge_drops_shareholder_cells_without_a_shareholder_table():
    doc, span = doc_with("发证日期：2024年09月02日\n牟佳\n")
    kept = merge(lambda found: [1.0] * len(found), [span("牟佳", "SHAREHOLDER")], [], value_of)
    assert kept == []
    assert isinstance(read_value("ISSUE_DATE", "2024年09月02日"), dt.date)


BLOCK = ("业务种类：第二类增值电信业务中的信息服务业务\n此务覆盖范转\n全国\n"
         "业务种类：第二类增值电信业务中的在线数据处理与交易处理业务\n业务覆盖范围：北京\n")


def test_a_kept_business_block_takes_the_other_sides_coverage_where_its_own_is_no_coverage():
    doc, span = doc_with(BLOCK)
    rules = [span("第二类增值电信业务中的信息服务业务", "BUSINESS"), span("此务覆盖范转", "COVERAGE"),
             span("第二类增值电信业务中的在线数据处理与交易处理业务", "BUSINESS"), span("北京", "COVERAGE")]
    model = [span("第二类增值电信业务中的信息服务业务", "BUSINESS"), span("全国", "COVERAGE"),
             span("第二类增值电信业务中的在线数据处理与交易处理业务", "BUSINESS")]
    kept = merge(lambda found: [1.0 if c.side == RULES else 0.0 for c in found], model, rules, value_of)
    # the rules' block is kept; its shredded label read as B25's coverage gives way to the
    # model's 全国, and B21's plausible coverage stays the rules'
    assert sorted((s.label_, s.text) for s in kept if s.label_ == "COVERAGE") == [("COVERAGE", "全国"), ("COVERAGE", "北京")]
    assert all(s.label_ != "COVERAGE" or s.text != "此务覆盖范转" for s in kept)


def test_a_plausible_coverage_of_the_kept_block_is_never_replaced():
    doc, span = doc_with(BLOCK.replace("此务覆盖范转\n全国", "业务覆盖范围：上海\n全国"))
    rules = [span("第二类增值电信业务中的信息服务业务", "BUSINESS"), span("上海", "COVERAGE")]
    model = [span("第二类增值电信业务中的信息服务业务", "BUSINESS"), span("全国", "COVERAGE")]
    kept = merge(lambda found: [1.0 if c.side == RULES else 0.0 for c in found], model, rules, value_of)
    assert [s.text for s in kept if s.label_ == "COVERAGE"] == ["上海"]


EXCLUDING = ("业务种类第二类增值电信业务中的信息服务业务（仅限互联网信息服务）不含\n"
             "（服务项目）信息搜索查询服务、信息即时交互服务。\n")


@pytest.mark.parametrize("preferred", [MODEL, RULES])
def test_a_reading_that_permits_an_excluded_service_is_never_kept_over_one_that_does_not(preferred):
    # The model read the services after 不含 and a label cell's line as items of their own (so
    # permitted); the rules read them as excluded. Whatever the policy prefers, the exclusion holds.
    doc, span = doc_with(EXCLUDING)
    business = "第二类增值电信业务中的信息服务业务"
    model = [span(business, "BUSINESS"), span("仅限互联网信息服务", "SERVICE_ITEM"),
             span("信息搜索查询服务", "SERVICE_ITEM"), span("信息即时交互服务", "SERVICE_ITEM")]
    rules = [span(business, "BUSINESS"), span("仅限互联网信息服务", "SERVICE_ITEM"),
             span("不含\n（服务项目）信息搜索查询服务、信息即时交互服务", "SERVICE_ITEM")]
    found = candidates(model, rules, value_of, {})
    assert [c.permits_excluded for c in sorted(found, key=lambda c: c.side)] == [True, False]  # model, rules
    kept = merge(lambda found: [1.0 if c.side == preferred else 0.0 for c in found], model, rules, value_of)
    assert [s.text for s in kept if s.label_ == "SERVICE_ITEM"] == [
        "仅限互联网信息服务", "不含\n（服务项目）信息搜索查询服务、信息即时交互服务"]
