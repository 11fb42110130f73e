"""Confidence per value (licex.scoring.confidence), `--review-below`, and the reliability table."""

from __future__ import annotations

from pathlib import Path

import pytest

from licex.scoring.signs import low_confidence_flags, sign_flags
from licex.evaluation.records import Reliability, evaluate, value_correct
from licex.fields.record import LicenseRecord
from licex.scoring.confidence import package_confidence
from licex.scoring.features import value_feature_names as features

MISREAD_CAP = package_confidence().model.caps["misread="]


def confidence(names):
    """A value's confidence with the package's weights (the rules pipeline's)."""
    return package_confidence().score(names)

RAW = Path(__file__).resolve().parent.parent / "corpus" / "raw" / "002_3fa2e29c17b4fcd1.txt"


def test_every_filled_field_has_a_confidence_and_no_clause_has_one(extract):
    record = extract(RAW.read_text("utf-8")).record
    fields = {path for path in record["evidence"] if not path.startswith("clauses")}
    assert set(record["confidence"]) == fields
    assert all(0 <= value <= 1 for value in record["confidence"].values())


def test_agreement_weighs_more_than_a_lone_reading_and_a_disagreement_less():
    def sure(agreement, flagged=False, record_flags=0):
        return confidence(features("company_name", "licex_field_rules", agreement, flagged, record_flags, 0))

    assert sure("agree") > sure("alone") > sure("disagree")
    assert sure("alone", flagged=True) < sure("alone")
    assert sure("alone", record_flags=3) < sure("alone", record_flags=0)


def test_review_below_lists_the_values_under_the_threshold_once():
    record = LicenseRecord(confidence={"company_name": 0.4, "license_no": 0.95, "signer": 0.6},
                           needs_review=[{"field": "signer", "reason": "not found"}])
    low_confidence_flags(record, 0.7, {"company_name": ["misread=symbol", "reading=poor"]})
    flagged = record.to_json_dict()["needs_review"]
    assert flagged == [{"field": "signer", "reason": "not found"},
                       {"field": "company_name", "sign": "misread=symbol", "reason": (
                           "confidence 0.40 is below 0.7: it holds a symbol no value of its field prints; "
                           "the text it was read from reads poorly")}]
    record = LicenseRecord(confidence={"company_name": 0.4})
    low_confidence_flags(record, 0.7)
    assert record.to_json_dict()["needs_review"] == [
        {"field": "company_name", "reason": "confidence 0.40 is below 0.7", "sign": "confidence"}]


def test_a_misread_sign_flags_its_value_whatever_the_threshold():
    record = LicenseRecord(confidence={"legal_representative": 0.05, "company_name": 0.99})
    sign_flags(record, {"legal_representative": ["reading=fair", "misread=surname"], "company_name": ["reading=fair"]})
    assert record.to_json_dict()["needs_review"] == [{"field": "legal_representative", "sign": "misread=surname",
                                                      "reason": "a name that starts with no common surname"}]


def test_review_below_is_the_record_builders_option(tmp_path):
    """`load_pipeline(..., review_below=T)`: the rules pipeline and a saved one alike finish each
    record with its values under T listed."""
    from licex.jobs.pipeline import load_pipeline, rules_pipeline

    rules_pipeline().to_disk(tmp_path / "saved")
    for spec in (None, tmp_path / "saved"):
        record = load_pipeline(spec, review_below=1.0)(RAW.read_text("utf-8"))._.license_record
        assert {flag["field"] for flag in record["needs_review"]} == set(record["confidence"])
        assert load_pipeline(spec)(RAW.read_text("utf-8"))._.license_record["needs_review"] == []


def test_review_below_on_the_command_line(cli, tmp_path):
    out = tmp_path / "p.jsonl"
    assert cli("extract", str(RAW), "--rules-only", "--review-below", "1", "-o", str(out)).exit_code == 0
    import json

    record = json.loads(out.read_text("utf-8"))
    assert {flag["field"] for flag in record["needs_review"]} == set(record["confidence"])


PRED = {"company_name": "甲公司", "businesses": [{"code": "B25", "coverage": "全国", "service_items": ["x", "y"]}],
        "shareholders": [{"name": "王松", "id_number": "1", "share_ratio": "5%"}], "websites": [{"name": "n"}]}
GOLD = {"company_name": "甲公司", "businesses": [{"code": "B25", "coverage": "北京", "service_items": ["x"]}],
        "shareholders": [{"name": "王松", "id_number": "2", "share_ratio": "5%"}], "website": {"name": "n"}}


@pytest.mark.parametrize("path, right", [
    ("company_name", True), ("businesses[0].code", True), ("businesses[0].coverage", False),
    ("businesses[0].service_items[0]", True), ("businesses[0].service_items[1]", False),
    ("shareholders[0].name", True), ("shareholders[0].id_number", False), ("websites[0].name", True), ("website.name", None),
    ("clauses[0]", None), ("businesses[3].code", None),
])
def test_a_value_is_right_where_the_gold_record_has_it(path, right):
    assert value_correct(path, PRED, GOLD) is right


def test_the_reliability_table_bins_values_by_confidence():
    report = evaluate({"d": GOLD}, {"d": {**PRED, "confidence": {"company_name": 0.95, "businesses[0].coverage": 0.92,
                                                                  "shareholders[0].id_number": 0.3}}})
    assert report.reliability.rows() == [("0.9–1.0", 2, 0.5), ("0.7–0.9", 0, None), ("0.5–0.7", 0, None),
                                         ("0.0–0.5", 1, 0.0)]
    empty = Reliability()
    empty.add(1.0, True)
    assert empty.to_dict()["0.9–1.0"] == {"values": 1, "right": 1.0}


def test_gaps_in_the_clause_numbering_and_rare_ideographs_are_features():
    from licex.text.clauses import ClauseSegment
    from licex.text.clauses import clause_gaps
    from licex.text.hanzi import is_rare_ideograph

    def segment(top, sub=None):
        return ClauseSegment(0, 1, top, sub, "", None, False)

    assert clause_gaps([]) is None
    assert clause_gaps([segment(1), segment(2), segment(3), segment(3, 1), segment(3, 2)]) == 0
    assert clause_gaps([segment(1), segment(3), segment(3, 1), segment(3, 4), segment(4, 2)]) == 4
    assert is_rare_ideograph("罳") and not is_rare_ideograph("梁") and not is_rare_ideograph("A")
    assert "rare_ideograph" in features("company_name", "ner", "alone", False, 0, 0, "富罳网络有限公司")


def test_a_text_whose_standard_clauses_read_badly_is_graded_poor_and_its_values_less_sure():
    from licex.text.layout import Layout
    from licex.text.reading import reading_grade, unknown_share

    text = RAW.read_text("utf-8")
    share = unknown_share(text, Layout.of(text))
    assert reading_grade(share) == "clean"  # a real licence as printed
    # every fifth character of the 特别规定事项 misread, as a tool that shreds a page reads it
    start, _ = Layout.of(text).clause_text()[0]
    worn = text[:start] + "".join("粱" if i % 5 == 4 and not ch.isspace() else ch for i, ch in enumerate(text[start:]))
    assert reading_grade(unknown_share(worn, Layout.of(worn))) == "poor"
    # a front page alone has too few clause characters to tell
    front = text[:start]
    assert unknown_share(front, Layout.of(front)) is None and reading_grade(None) == "unknown"

    def sure(reading, field="registered_address"):
        return confidence(features(field, "licex_field_rules", "agree", False, 0, 0, "", reading))

    assert sure("clean") > sure("fair") and sure("clean") > sure("poor")


def test_the_standard_wording_data_holds_the_generators_clauses():
    """data/clause_bigrams.json is rebuilt (training/clause_bigrams.py) when the wording changes."""
    pytest.importorskip("faker", reason='the generator needs the "generator" extra')
    from licex.corpus.synth.document import doc_seed, generate_one
    from licex.text.layout import Layout
    from licex.text.reading import unknown_share

    for index in range(5):
        text, _, _ = generate_one(doc_seed(2026, index))  # a seed the data was not built from
        assert unknown_share(text, Layout.of(text)) < 0.004


MISREADS = [
    ("LEGAL_REP", "环秀=", "邵秀兰", "symbol"),
    ("ADDRESS", "“山东省淑英市兴山陈街l座", "北京市海淀区101–105室", "symbol"),
    ("LEGAL_REP", "称红霞", "穆红霞", "surname"),
    ("SIGNER", "议洁", "欧阳洁", "surname"),
    ("ADDRESS", "山东省淑英市兴山陈街座", "北京市昌平区科技园区超前路5号4幢516室", "number"),
    ("CAPITAL", "人民币壹元", "人民币壹仟万元", "capital"),
    ("CAPITAL", "人民币过什贰佰万元", "人民币壹什贰佰万元", "amount"),
    ("COVERAGE", "全国、青海、新疆17省(自治区、直辖市)", "北京、天津、上海3直辖市以及呼和浩特、银川2城市", "count"),
    ("COVERAGE", "北京、天津2直辖市；河北、山西、辽宁2省", "北京、天津2直辖市；河北、山西2省", "count"),
    ("SERVICE_ITEM", "离岸呼", "不含固定网电话信息服务和互联网信息服务", "catalogue"),
    ("SHAREHOLDER_ID", "91632801085EW0OXAJU", "91632801085EW0XAJU", "length"),
    ("SHAREHOLDER_ID", "0116199409171850", "430802198210224", "length"),
    # signs that travel to any producer: a watermark's web address, a cell read twice, a label read on
    ("ACCESS_PROVIDER", "佳禾官网www.yangchen.cn新疆惠派传媒有限公司", "新疆惠派传媒有限公司", "web"),
    ("COMPANY", "北京星河数字科技有限公司 www.0n2.com", "北京星河数字科技有限公司", "web"),
    ("COVERAGE", "山东省山东省山东省", "山东省", "repeat"),
    ("ADDRESS", "北京市海淀区注册资本", "北京市海淀区知春路1号", "label"),
    ("LEGAL_REP", "黄列群业务", "黄列群", "next_label"),
    ("SIGNER", "尚行发证日期", "欧阳尚行", "label"),
    ("COMPANY", "凌云网络有限", "凌云网络有限公司", "ending"),
    ("ACCESS_PROVIDER", "四川创汇传", "中国电信股份有限公司北京分公司", "ending"),
    ("SHAREHOLDER", "雨林木风计算机传媒有限公", "雨林木风计算机传媒有限公司", "cut"),
    ("ADDRESS", "县龙潭王街万元D座", "北京市广州县龙潭王街D座", "other_value"),
    ("COMPANY", "凌云网络有限公司2016年3月", "凌云网络有限公司", "other_value"),
    ("COVERAGE", "去南省", "云南省", "province"),
    ("SERVER_LOCATION", "广西壮旗自治区", "广西壮族自治区", "province"),
    ("LICENSE_NO", "B-20174235", "闽B1-20174235", "licence_form"),
    ("PREV_LICENSE_NO", "号02-203006T1", "京ICP证120137号", "licence_form"),
]


@pytest.mark.parametrize("label, misread, printed, sign", MISREADS)
def test_a_misread_value_shows_its_sign_and_a_value_as_printed_none(label, misread, printed, sign):
    from licex.fields.values import misread_signs

    assert sign in misread_signs(label, misread)
    assert misread_signs(label, printed) == []


def test_every_sign_of_a_misread_is_tested_and_has_its_words():
    from licex.fields.values import MISREAD_SIGNS
    from licex.scoring.signs import flagging_signs, sign_words

    assert {sign for *_, sign in MISREADS} == set(MISREAD_SIGNS)
    assert all(sign_words(f"misread={sign}") and flagging_signs([f"misread={sign}"]) for sign in MISREAD_SIGNS)


@pytest.mark.parametrize("label, printed", [
    ("ADDRESS", "北京市海淀区中关村大街1号院3号楼1001室"), ("ADDRESS", "北京市朝阳区建国路88号大厦B座管委会办公室"),
    ("ADDRESS", "上海市浦东新区1层101～105"), ("LEGAL_REP", "阿依古丽・买买提"), ("LEGAL_REP", "扎西次仁"),
    ("SHAREHOLDER", "中国电信集团有限公司"), ("COMPANY", "McDonald’s (China) 有限公司"),
    ("CAPITAL", "人民币伍佰万圆整"), ("CAPITAL", "人民币(大写)壹仟万元"), ("CAPITAL", "RMB1000万元"),
    ("CAPITAL", "¥1,000万元"), ("CAPITAL", "500万美元"), ("CAPITAL", "人民币 1000.5 万元"),
    ("COVERAGE", "全国31个省(自治区、直辖市)"), ("COVERAGE", "北京、上海等31省(自治区、直辖市)"),
    ("COVERAGE", "机房所在地为北京、天津2直辖市"), ("COVERAGE", "北京,天津,上海3直辖市"),
    ("COVERAGE", "广西壮族自治区、云南省、内蒙古"), ("COVERAGE", "全国各省"), ("LICENSE_NO", "B2.B1-20160073"),
    ("SERVICE_ITEM", "仅限信息发布平台和递送服务"), ("SERVICE_ITEM", "仅限国内互联网会议电视及图像服务业务"),
    ("SERVICE_ITEM", "不含互联网信息服务业务"), ("SERVICE_ITEM", "互联网域名解析服务业务"),
    ("COMPANY", "百度公司"), ("LEGAL_REP", "欧阳娜娜"), ("ADDRESS", "北京市海淀区1010室"), ("COMPANY", "哈哈哈科技有限公司"),
])
def test_values_printed_as_real_licences_print_them_show_no_sign(label, printed):
    from licex.fields.values import misread_signs

    assert misread_signs(label, printed) == []


def test_the_real_licences_values_show_no_sign_of_a_misread():
    import json

    from licex.fields.labels import ENTITY_LABELS
    from licex.fields.values import misread_signs

    annotations = Path(__file__).resolve().parent.parent / "corpus" / "annotations" / "real.jsonl"
    # what a real text itself misprints: 001's 年检 page header reads BBZ where its twelve other
    # headers print B1 (the record takes B1-20070275); its sign is right
    misprinted = {("LICENSE_NO", "BBZ-20070275"): ["licence_form"]}
    checked = 0
    for line in annotations.read_text("utf-8").splitlines():
        row = json.loads(line)
        for start, end, label in row["label"]:
            if label in ENTITY_LABELS:
                value = row["text"][start:end]
                assert misread_signs(label, value) == misprinted.get((label, value), []), (label, value)
                checked += 1
    assert checked > 50


def test_a_value_with_a_sign_of_a_misread_is_no_surer_than_the_cap():
    def sure(misread=()):
        return confidence(features("legal_representative", "licex_field_rules", "agree", False, 0, 0, "",
                                   "clean", misread))

    cap = round(MISREAD_CAP, 3)  # confidence has 3 places
    assert sure() > 0.9  # both sides read it from a clean text
    assert sure(["surname"]) <= cap < 0.9
    assert sure(["surname", "symbol"]) <= cap


def test_a_misread_name_in_a_licence_gets_a_low_confidence(extract):
    text = RAW.read_text("utf-8")
    assert "陈林" in text
    record = extract(text.replace("陈林", "称林")).record  # 称 is no surname: a misread 陈
    assert record["legal_representative"] == "称林"
    assert record["confidence"]["legal_representative"] <= round(MISREAD_CAP, 3)
    assert extract(text).record["confidence"]["legal_representative"] > 0.9


def test_the_misread_cap_is_the_add_one_share_of_the_development_values_with_a_sign_that_were_right():
    from licex.scoring import fits

    rows = [["field=signer", "misread=surname"], ["field=signer", "misread=surname"], ["field=signer"],
            ["field=company_name", "misread=symbol"]]
    assert fits.misread_cap(rows, [0, 0, 1, 1]) == 0.4  # 1 of the 3 with a sign right: 2/5
    assert fits.misread_cap([["field=signer"]], [1]) == 0.5  # none seen: no evidence either way


def test_an_item_read_out_of_a_business_entity_carries_its_own_catalogue_sign():
    """A service item the record reads out of a business entity's bracket (the model marks
    信息服务业务（仅限…） as one entity) is weighed by its own form: a misread item is capped as
    one read from a service-item entity is, and a catalogue item is not."""
    from test_record_builder import blank_nlp, marked_doc

    nlp = blank_nlp("licex_record_builder")
    for printed, capped in (("信息服务业务（仅限互联网信自服务）", True), ("信息服务业务（仅限互联网信息服务）", False)):
        text = f"业务种类：{printed}\n业务覆盖范围：全国\n"
        doc = marked_doc(nlp, text, [("BUSINESS", printed), ("COVERAGE", "全国")], component="licex_field_rules")
        record = nlp.get_pipe("licex_record_builder")(doc)._.license_record
        item = record["businesses"][0]["service_items"][0]
        assert item.endswith("服务") and "业务" not in item
        assert (record["confidence"]["businesses[0].service_items[0]"] <= round(MISREAD_CAP, 3)) is capped
