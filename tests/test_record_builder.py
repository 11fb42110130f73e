"""`licex_record_builder`: grouping, de-duplication, evidence, and model entities beside the rules."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc

import pytest

from licex.fields.labels import CLAUSES_KEY
from licex.jobs.pipeline import assume_licence, read_as_licence

def blank_nlp(*components: str) -> spacy.language.Language:
    nlp = spacy.blank("zh")
    for name in components:
        nlp.add_pipe(name)
    return nlp


def marked_doc(nlp, text: str, marks: list[tuple[str, str]], component: str | None = None) -> Doc:
    """A Doc of `text` whose entities are the given (label, printed text) pairs, found in order;
    a fragment taken to be a licence (read_as_licence)."""
    doc = assume_licence(nlp.make_doc(text))
    spans, pos = [], 0
    for label, printed in marks:
        start = text.index(printed, pos)
        pos = start + len(printed)
        span = doc.char_span(start, pos, label=label)
        assert span is not None, printed
        span._.licex_component = component
        spans.append(span)
    doc.ents = spans
    return doc


@pytest.fixture
def build(check_offsets):
    """build(doc, nlp): the record of a Doc whose entities and clauses are already set."""

    def run(doc: Doc, nlp) -> dict:
        record = nlp.get_pipe("licex_record_builder")(doc)._.license_record
        check_offsets(doc.text, doc, record)
        return record

    return run


BUSINESSES = """业务种类：互联网数据中心业务、内容分发网络业务
业务覆盖范围：全国
业务种类：信息服务业务（不含互联网信息服务）
服务项目：仅限互联网信息服务
业务覆盖范围：北京市
附页：信息服务业务 不含互联网信息服务 服务项目：含文化类 覆盖范围：上海市
"""


def test_service_items_and_coverage_attach_to_the_business_before_them(build):
    nlp = blank_nlp("licex_record_builder")
    doc = marked_doc(nlp, BUSINESSES, [
        ("BUSINESS", "互联网数据中心业务"), ("BUSINESS", "内容分发网络业务"), ("COVERAGE", "全国"),
        ("BUSINESS", "信息服务业务（不含互联网信息服务）"), ("SERVICE_ITEM", "仅限互联网信息服务"), ("COVERAGE", "北京市"),
        # The same business again (a 附页): it merges, adds the new item, keeps its first coverage.
        ("BUSINESS", "信息服务业务"), ("SERVICE_ITEM", "不含互联网信息服务"), ("SERVICE_ITEM", "含文化类"),
        ("COVERAGE", "上海市"),
    ], component="licex_field_rules")
    record = build(doc, nlp)
    assert [(b["code"], b["service_items"], b["excluded_items"], b["coverage"]) for b in record["businesses"]] == [
        ("B11", [], [], "全国"),
        ("B12", [], [], "全国"),  # one coverage after a list of businesses covers each of them
        ("B25", ["仅限互联网信息服务", "含文化类"], ["互联网信息服务"], "北京市"),
    ]
    evidence = record["evidence"]
    assert [e["text"] for e in evidence["businesses[2].code"]] == ["信息服务业务（不含互联网信息服务）"]
    assert [e["text"] for e in evidence["businesses[2].excluded_items[0]"]] == ["信息服务业务（不含互联网信息服务）"]
    assert [e["text"] for e in evidence["businesses[2].service_items[1]"]] == ["含文化类"]
    assert [e["text"] for e in evidence["businesses[1].coverage"]] == ["全国"]
    assert "businesses[3].code" not in evidence
    assert {e["component"] for items in evidence.values() for e in items} == {"licex_field_rules"}


def test_coverage_before_any_business_is_dropped(build):
    nlp = blank_nlp("licex_record_builder")
    doc = marked_doc(nlp, "业务覆盖范围：全国\n业务种类：信息服务业务\n", [("COVERAGE", "全国"), ("BUSINESS", "信息服务业务")])
    assert build(doc, nlp)["businesses"][0]["coverage"] is None


SHAREHOLDERS = """王五\t110101198001011234\t60%
赵六\t110101198202021234\t40%
王五\t110101198001011234\t60%
赵六\t110101198202021234\t40%
钱七\t\t
"""


def test_duplicated_shareholder_rows_are_counted_once(build):
    nlp = blank_nlp("licex_record_builder")
    marks = []
    for line in SHAREHOLDERS.splitlines():
        cells = [c for c in line.split("\t") if c]
        marks += list(zip(("SHAREHOLDER", "SHAREHOLDER_ID", "SHARE_RATIO"), cells))
    record = build(marked_doc(nlp, SHAREHOLDERS, marks), nlp)
    assert record["shareholders"] == [
        {"name": "王五", "id_number": "110101198001011234", "share_ratio": "60%"},
        {"name": "赵六", "id_number": "110101198202021234", "share_ratio": "40%"},
        {"name": "钱七", "id_number": None, "share_ratio": None},
    ]
    assert record["evidence"]["shareholders[2].name"][0]["text"] == "钱七"
    assert record["evidence"]["shareholders[1].share_ratio"][0]["start"] == SHAREHOLDERS.index("40%")
    assert "shareholders[3].name" not in record["evidence"]


INSPECTIONS = """你公司2010年度年检合格。2011年5月6日
你公司2011年度年检基本合格。2012年6月1日
你公司2010年度年检合格。2011年5月7日
"""


def test_repeated_inspection_entries_are_counted_once(build):
    nlp = blank_nlp("licex_record_builder")
    marks = []
    for year, result, date in (("2010", "合格", "2011年5月6日"), ("2011", "基本合格", "2012年6月1日"),
                               ("2010", "合格", "2011年5月7日")):
        marks += [("INSPECTION_YEAR", year), ("INSPECTION_RESULT", result), ("INSPECTION_DATE", date)]
    record = build(marked_doc(nlp, INSPECTIONS, marks), nlp)
    assert record["annual_inspections"] == [
        {"year": 2010, "result": "合格", "date": "2011-05-06"},
        {"year": 2011, "result": "基本合格", "date": "2012-06-01"},
    ]
    assert sorted(k for k in record["evidence"] if k.startswith("annual")) == [
        f"annual_inspections[{i}].{key}" for i in (0, 1) for key in ("date", "result", "year")]


def test_single_fields_keep_the_first_value_read_as_the_rules_see_it(build):
    nlp = blank_nlp("licex_record_builder")
    text = "法定代表人：李&nbsp;雷\n经营许可证编号：Ｂ２－２０２００１２３号\n经营许可证编号：B2-20200124\n注册资本：500万美元\n"
    doc = marked_doc(nlp, text, [("LEGAL_REP", "李&nbsp;雷"), ("LICENSE_NO", "Ｂ２－２０２００１２３号"),
                                 ("LICENSE_NO", "B2-20200124"), ("CAPITAL", "500万美元")])
    record = build(doc, nlp)
    assert (record["legal_representative"], record["license_no"]) == ("李雷", "B2-20200123")
    assert record["registered_capital_cny"] is None
    assert record["registered_capital_foreign"] == {"amount": 5_000_000, "currency": "USD"}
    assert record["evidence"]["legal_representative"][0]["text"] == "李&nbsp;雷"
    assert len(record["evidence"]["license_no"]) == 1
    assert set(record["evidence"]) == {"legal_representative", "license_no", "registered_capital_foreign"}


def test_previous_numbers_exclude_the_current_one(build):
    nlp = blank_nlp("licex_record_builder")
    text = "经营许可证编号：B1-20070275\nB1-20060088 变更为 B1-20070275\n原经营许可证编号：B1-20070275\n"
    doc = marked_doc(nlp, text, [("LICENSE_NO", "B1-20070275"), ("PREV_LICENSE_NO", "B1-20060088"),
                                 ("PREV_LICENSE_NO", "B1-20070275")])
    assert build(doc, nlp)["previous_license_nos"] == ["B1-20060088"]


CLAUSE_TEXT = """特别规定事项
一、你公司应当遵守行业管理规定。
二、你公司在经营信息服务业务时，应当遵守下列规定：
（一）你公司不得开展固定网电话信息服务业务。
你公司应当公布经营许可证编号。
"""


def test_clause_numbers_and_sections_come_from_the_clause_text(build):
    nlp = blank_nlp("licex_record_builder")
    doc = assume_licence(nlp.make_doc(CLAUSE_TEXT))
    pieces = [("一、", "GEN_LEGAL_COMPLIANCE"), ("二、", "BIZ_SECTION_HEADER"),
              ("（一）", "BIZ_NO_FIXED_PHONE_INFO"), ("你公司应当公布", "BIZ_ADVERTISING")]
    spans = []
    for i, (start_text, label) in enumerate(pieces):
        start = CLAUSE_TEXT.index(start_text)
        end = CLAUSE_TEXT.index(pieces[i + 1][0]) - 1 if i + 1 < len(pieces) else len(CLAUSE_TEXT) - 1
        spans.append(doc.char_span(start, end, label=label))
    doc.spans[CLAUSES_KEY] = spans[::-1]  # the builder reads them in text order
    record = build(doc, nlp)
    assert [(c["number"], c["label"], c["business_code"]) for c in record["clauses"]] == [
        ("一", "GEN_LEGAL_COMPLIANCE", None),
        ("二", "BIZ_SECTION_HEADER", "B25"),
        ("二(一)", "BIZ_NO_FIXED_PHONE_INFO", "B25"),
        ("二(二)", "BIZ_ADVERTISING", "B25"),  # a business clause without its number continues the section
    ]
    assert {e["component"] for i in range(4) for e in record["evidence"][f"clauses[{i}]"]} == {"model"}


FRONT_PAGE = """中华人民共和国增值电信业务经营许可证
经营许可证编号：京B2-20210088
公司名称：北京橙子互娱科技有限公司
法定代表人：周五
业务种类：第二类增值电信业务中的信息服务业务（仅限互联网信息服务）
业务覆盖范围：北京市
发证日期：2021年3月4日
经营许可证编号：京B2-20210088
特别规定事项
一、你公司应当遵守《中华人民共和国电信条例》等行业管理规定。
二、你公司应当在每年第一季度参加经营许可证年报。
"""


def test_model_entities_are_kept_and_rules_fill_only_what_is_empty(check_offsets):
    nlp = spacy.blank("zh")
    # Never run: they only name the components that set the spans carrying no component.
    nlp.add_pipe("ner", name="trained_ner")
    nlp.add_pipe("spancat", name="clause_cat", config={"spans_key": CLAUSES_KEY})
    for name in ("licex_field_rules", "licex_field_choice", "licex_clause_rules", "licex_record_builder"):
        nlp.add_pipe(name)
    doc = nlp.make_doc(FRONT_PAGE)
    company = doc.char_span(FRONT_PAGE.index("北京橙子"), FRONT_PAGE.index("有限公司") + 4, label="COMPANY")
    # The model read the licence number at its second place and took the legal representative
    # for the signer: the rules add no second licence number and nothing overlapping its spans.
    number_at = FRONT_PAGE.index("京B2", FRONT_PAGE.index("京B2") + 1)
    number = doc.char_span(number_at, number_at + 12, label="LICENSE_NO")
    signer = doc.char_span(FRONT_PAGE.index("周五"), FRONT_PAGE.index("周五") + 2, label="SIGNER")
    doc.ents = [company, signer, number]
    clause_one = doc.char_span(FRONT_PAGE.index("一、"), FRONT_PAGE.index("管理规定。") + 5, label="OTHER")
    doc.spans[CLAUSES_KEY] = [clause_one]
    doc = _rules_after_the_model(nlp, doc)
    record = doc._.license_record
    check_offsets(FRONT_PAGE, doc, record)
    assert record["company_name"] == "北京橙子互娱科技有限公司"
    assert record["license_no"] == "京B2-20210088"
    assert (record["signer"], record["legal_representative"]) == ("周五", None)
    assert [(b["code"], b["service_items"], b["coverage"]) for b in record["businesses"]] == [
        ("B25", ["仅限互联网信息服务"], "北京市")]
    assert record["issue_date"] == "2021-03-04"
    evidence = record["evidence"]
    assert evidence["company_name"][0]["component"] == "trained_ner"
    assert evidence["license_no"] == [{"start": number_at, "end": number_at + 12, "text": "京B2-20210088",
                                       "component": "trained_ner"}]
    assert evidence["issue_date"][0]["component"] == "licex_field_rules"
    assert [e.label_ for e in doc.ents].count("LICENSE_NO") == 1
    assert [(c["number"], c["label"]) for c in record["clauses"]] == [("一", "OTHER"), ("二", "GEN_ANNUAL_REPORT")]
    assert evidence["clauses[0]"][0]["component"] == "clause_cat"
    assert evidence["clauses[1]"][0]["component"] == "licex_clause_rules"


def _rules_after_the_model(nlp, doc):
    """Run the rule components and the record builder on a Doc whose model annotations a test set."""
    for name in ("licex_field_rules", "licex_field_choice", "licex_clause_rules", "licex_record_builder"):
        doc = nlp.get_pipe(name)(doc)
    return doc


def test_a_model_value_in_the_running_text_of_the_special_provisions_is_dropped():
    """Only licence numbers (page headers), change notes and inspection entries are values there:
    a model that reads 行业管理规定 as an access provider is reading running text."""
    nlp = spacy.blank("zh")
    nlp.add_pipe("ner", name="trained_ner")
    for name in ("licex_field_rules", "licex_field_choice", "licex_clause_rules", "licex_record_builder"):
        nlp.add_pipe(name)
    doc = nlp.make_doc(FRONT_PAGE)
    in_clause = FRONT_PAGE.index("行业管理规定")
    header = FRONT_PAGE.rindex("京B2")
    doc.ents = [doc.char_span(in_clause, in_clause + 6, label="ACCESS_PROVIDER"),
                doc.char_span(header, header + 12, label="LICENSE_NO")]
    record = _rules_after_the_model(nlp, doc)._.license_record
    assert all(site["access_provider"] is None for site in record["websites"])
    assert record["evidence"]["license_no"][0]["component"] == "trained_ner"


def test_the_special_provisions_title_cut_in_two_lines_still_starts_them():
    from licex.jobs.pipeline import rules_pipeline

    text = FRONT_PAGE.replace("特别规定事项", "特别规定\n\n事项")
    record = rules_pipeline()(text)._.license_record
    assert [(c["number"], c["label"]) for c in record["clauses"]] == [("一", "GEN_LEGAL_COMPLIANCE"), ("二", "GEN_ANNUAL_REPORT")]


def test_the_record_builder_is_a_pipe_and_reads_clauses_under_its_configured_key():
    from spacy.pipeline import Pipe

    nlp = spacy.blank("zh")
    nlp.add_pipe("licex_clause_rules", config={"spans_key": "provisions"})
    builder = nlp.add_pipe("licex_record_builder", config={"spans_key": "provisions"})
    assert isinstance(builder, Pipe)
    doc = read_as_licence(nlp, "特别规定事项\n一、你公司应当遵守《中华人民共和国电信条例》。\n二、你公司应当参加年报。\n")
    assert "clauses" not in doc.spans and len(doc.spans["provisions"]) == 2
    assert [(c["number"], c["label"]) for c in doc._.license_record["clauses"]] == [
        ("一", "GEN_LEGAL_COMPLIANCE"), ("二", "GEN_ANNUAL_REPORT")]


def test_a_failing_component_goes_to_the_error_handler(monkeypatch):
    """The rule components keep spaCy's Pipe.pipe, so nlp.set_error_handler sees their errors."""
    from licex.components.field_rules import FieldRules
    from licex.jobs.pipeline import rules_pipeline

    nlp = rules_pipeline()
    failed = []
    nlp.set_error_handler(lambda name, pipe, docs, error: failed.append((name, str(error))))

    def broken(self, layout):
        raise RuntimeError("broken rule")

    monkeypatch.setattr(FieldRules, "_read", broken)
    list(nlp.pipe(["公司名称：北京甲乙科技有限公司\n", "法定代表人：王五\n"]))
    assert failed == [("licex_field_rules", "broken rule")] * 2


def test_with_rules_first_what_the_labels_say_wins_and_the_model_fills_the_rest(check_offsets):
    """The shipped model's policy (licex.rules_first.v1, licex.clauses_rules_first.v1): the model
    took the legal representative for the signer and labelled clause 二 wrongly; the rules read
    法定代表人 and the annual-report keyword, and the model's company (no second reading) stays."""
    nlp = spacy.blank("zh")
    nlp.add_pipe("ner", name="trained_ner")
    nlp.add_pipe("spancat", name="clause_cat", config={"spans_key": CLAUSES_KEY})
    nlp.add_pipe("licex_field_rules")
    nlp.add_pipe("licex_field_choice", config={"merge": {"@misc": "licex.rules_first.v1"}})
    nlp.add_pipe("licex_clause_rules", config={"merge": {"@misc": "licex.clauses_rules_first.v1"}})
    nlp.add_pipe("licex_record_builder")
    text = FRONT_PAGE.replace("公司名称：", "持证单位：")  # a wording the rules do not know
    doc = nlp.make_doc(text)
    company = doc.char_span(text.index("北京橙子"), text.index("有限公司") + 4, label="COMPANY")
    signer = doc.char_span(text.index("周五"), text.index("周五") + 2, label="SIGNER")
    doc.ents = [company, signer]
    two = doc.char_span(text.index("二、"), text.index("年报。") + 3, label="GEN_SCOPE")
    doc.spans[CLAUSES_KEY] = [two]
    doc = _rules_after_the_model(nlp, doc)
    record = doc._.license_record
    check_offsets(text, doc, record)
    assert (record["legal_representative"], record["signer"]) == ("周五", None)
    assert record["company_name"] == "北京橙子互娱科技有限公司"
    assert record["evidence"]["company_name"][0]["component"] == "trained_ner"
    assert record["evidence"]["legal_representative"][0]["component"] == "licex_field_rules"
    assert [(c["number"], c["label"]) for c in record["clauses"]] == [("一", "GEN_LEGAL_COMPLIANCE"), ("二", "GEN_ANNUAL_REPORT")]


def _policy_merge(policy_name: str):
    """A merge policy applied as the field choice applies it: (model entities, rule entities) -> kept."""
    from licex.components.field_choice import merge
    from licex.fields.values import read_value

    policy = spacy.util.registry.misc.get(policy_name)()
    return lambda model, rules: merge(policy, model, rules, lambda s: read_value(s.label_, s.text))


rules_first = _policy_merge("licex.rules_first.v1")
model_first = _policy_merge("licex.model_first.v1")


def test_a_table_one_side_read_gets_no_rows_from_the_other_but_inspections_stand_alone():
    """The shareholder table is read as one structure, like the business block: the model's
    misread row is not added to the rules' table; an inspection entry the rules missed is."""
    text = ("股东名称 证照号码 出资比例\n张三 110101198001011234 60%\n李四 110101198001015678 40%\n"
            "你公司2019年度年检合格\n你公司2020年度年检合格\n")
    doc = spacy.blank("zh").make_doc(text)

    def span(value: str, label: str, occurrence: int = 0):
        at = [i for i in range(len(text)) if text.startswith(value, i)][occurrence]
        return doc.char_span(at, at + len(value), label=label)

    rules = [span("张三", "SHAREHOLDER"), span("60%", "SHARE_RATIO"), span("2019", "INSPECTION_YEAR")]
    model = [span("李四", "SHAREHOLDER"), span("40%", "SHARE_RATIO"), span("2020", "INSPECTION_YEAR")]
    merged = sorted((s.text, s.label_) for s in rules_first(model, rules))
    assert merged == [("2019", "INSPECTION_YEAR"), ("2020", "INSPECTION_YEAR"), ("60%", "SHARE_RATIO"),
                      ("张三", "SHAREHOLDER")]
    # where the rules read no table, the model's rows stand
    assert sorted(s.text for s in rules_first(model, [])) == ["2020", "40%", "李四"]


def test_a_name_alone_in_a_text_without_a_shareholder_table_is_no_shareholder():
    """RapidOCR reads a handwritten signature as a name on a line of its own; a model may take it
    for a shareholder. Without a line naming the shareholder table, it is none, whichever side read it."""
    text = "发证日期：2024年09月02日\n有效期至：2029年09月02日\n牟佳\n"
    doc = spacy.blank("zh").make_doc(text)
    name = doc.char_span(text.index("牟佳"), text.index("牟佳") + 2, label="SHAREHOLDER")
    assert rules_first([name], []) == [] and model_first([name], []) == []
    table = "股东名称、证照号码及出资比例\n" + text
    doc = spacy.blank("zh").make_doc(table)
    name = doc.char_span(table.index("牟佳"), table.index("牟佳") + 2, label="SHAREHOLDER")
    assert [s.text for s in rules_first([name], [])] == ["牟佳"]


@pytest.mark.parametrize("header", ["", "网站名称 网站域名 服务器放置地 网站接入服务提供单位\n", "网 址\n"])
def test_a_website_value_in_a_text_that_prints_no_website_table_is_none(header):
    """A model reads a company name in another table as a website's access provider (a
    shareholder, pdftotext's flattened 附页). Without any label of the website table, it is none."""
    text = header + "序号\t股东名称\t出资比例\n1\t维旺明传媒有限公司\t51%\n"
    doc = spacy.blank("zh").make_doc(text)
    at = text.index("维旺明传媒有限公司")
    provider = doc.char_span(at, at + 9, label="ACCESS_PROVIDER")
    kept = [s.text for s in model_first([provider], [])]
    assert kept == ([] if not header else ["维旺明传媒有限公司"])
