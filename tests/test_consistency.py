"""The record checked against what the licence says twice (licex.fields.consistency): needs_review
flags with their reasons, and the corrections where one side is right."""

from __future__ import annotations

from licex.fields.consistency import CHECKS, REQUIRED_FIELDS

LICENCE = """中华人民共和国增值电信业务经营许可证
经营许可证编号：B2-20160073
公司名称：北京星河数字科技有限公司
法定代表人：陈林
业务种类：第二类增值电信业务中的信息服务业务（不含互联网信息服务）
业务覆盖范围：全国
发证日期：2021年06月22日
有效期至：2026年06月22日
经营许可证编号：B2-20160073                    第1页
特别规定事项
《特别规定事项》是经营许可证重要组成部分，北京星河数字科技有限公司应当按照经营许可证载明的许可事项开展经营活动，并遵守下列规定事项：
一、你公司应当遵守《中华人民共和国电信条例》等行业管理规定。
二、你公司在经营信息服务业务时应当遵守下列规定:
(一)你公司应当按照经营许可证载明的服务项目开展经营活动。
经营许可证编号：B2-20160073                    第2页
"""


def _flags(extract, text):
    return [(f["field"], f["reason"]) for f in extract(text).record["needs_review"]]


def test_a_licence_that_agrees_with_itself_needs_no_review(extract):
    assert _flags(extract, LICENCE) == []


def test_a_field_every_licence_prints_is_flagged_when_not_found(extract):
    text = LICENCE.replace("法定代表人：陈林\n", "")
    assert _flags(extract, text) == [("legal_representative", "not found: every licence prints it")]
    assert "legal_representative" in REQUIRED_FIELDS


def test_the_number_most_pages_print_is_taken_and_flagged(extract):
    text = LICENCE.replace("经营许可证编号：B2-20160073\n公司", "经营许可证编号：B2-20180073\n公司", 1)
    record = extract(text).record
    assert record["license_no"] == "B2-20160073"
    assert record["evidence"]["license_no"][0]["component"] == "licex_record_checks"
    assert [f["field"] for f in record["needs_review"]] == ["license_no"]
    assert "B2-20160073 is printed 2×, B2-20180073 (1×)" in record["needs_review"][0]["reason"]


def test_pages_that_print_different_numbers_as_often_are_flagged_and_nothing_is_changed(extract):
    text = LICENCE.replace("B2-20160073                    第2页", "B2-20190073                    第2页")
    text = text.replace("经营许可证编号：B2-20160073\n公司", "经营许可证编号：B2-20180073\n公司", 1)
    record = extract(text).record
    assert record["license_no"] == "B2-20180073"  # the first, as the record reads it
    assert record["needs_review"][0]["field"] == "license_no"
    assert record["needs_review"][0]["reason"].startswith("the pages print different numbers")


def test_the_preamble_fills_a_company_the_front_page_lost_and_questions_a_different_one(extract):
    lost = extract(LICENCE.replace("公司名称：北京星河数字科技有限公司\n", "")).record
    assert lost["company_name"] == "北京星河数字科技有限公司"
    assert lost["evidence"]["company_name"][0]["component"] == "licex_record_checks"
    assert lost["needs_review"] == [{"field": "company_name",
                                     "reason": "not on the front page: read from the 特别规定事项 preamble"}]
    other = LICENCE.replace("公司名称：北京星河数字科技有限公司", "公司名称：北京星河数宇科技有限公司")
    assert _flags(extract, other) == [("company_name", "the 特别规定事项 preamble names 北京星河数字科技有限公司")]


def test_a_category_the_number_carries_without_a_business_of_it_is_flagged(extract):
    text = LICENCE.replace("B2-20160073", "B1.B2-20160073")
    assert _flags(extract, text) == [("businesses", "the number B1.B2-20160073 carries B1, but no such business was read")]


def test_a_section_of_the_special_provisions_for_a_business_not_in_the_list_is_flagged(extract):
    text = LICENCE.replace("在经营信息服务业务时", "在经营互联网接入服务业务时")
    assert _flags(extract, text) == [("businesses", "the 特别规定事项 has a section for B14, which the business list lacks")]


def test_an_expiry_date_not_after_the_issue_date_is_flagged(extract):
    text = LICENCE.replace("有效期至：2026年06月22日", "有效期至：2020年06月22日")
    assert _flags(extract, text) == [("expiry_date", "not after the issue date 2021-06-22")]


def test_the_checks_run_in_their_order_and_what_is_missing_is_judged_last():
    assert list(CHECKS) == ["one_licence", "licence_number", "company_in_preamble", "number_codes", "sections", "dates",
                           "exclusions", "shares", "inspection_dates", "inspection_columns", "printed_sections",
                           "required"]


def test_an_inspection_date_far_from_its_year_is_flagged(extract):
    entries = "2019年度年检合格 2020年5月1日\n2020年度年检合格 2031年5月1日\n"
    head, tail = LICENCE.split("经营许可证编号：B2-20160073                    第2页\n")
    flags = _flags(extract, head + "经营许可证编号：B2-20160073                    第2页\n" + entries + tail)
    assert flags == [("annual_inspections[1].date", "2031-05-01 is not in 2020 or the year after")]


def _with_inspections(table: str) -> str:
    head, tail = LICENCE.split("经营许可证编号：B2-20160073                    第1页\n")
    return head + table + "经营许可证编号：B2-20160073                    第1页\n" + tail


def test_an_inspection_row_that_lost_a_cell_of_a_printed_column_is_flagged(extract):
    """A table's header names a result and a date column: an entry without one lost its cell. A
    row that lost its result slides its date under the result's header; it is still the date."""
    table = "年度\t年检结果\t日期\n2020\t合格\t二〇二一年三月七日\n2021\t合格\t二0二二年六月十九日\n"
    assert _flags(extract, _with_inspections(table)) == []
    lost = _with_inspections(table.replace("2020\t合格\t", "2020\t"))
    assert [(i["year"], i["result"], i["date"]) for i in extract(lost).record["annual_inspections"]] == [
        (2020, None, "2021-03-07"), (2021, "合格", "2022-06-19")]
    assert _flags(extract, lost) == [("annual_inspections[0].result", "no result read, where the table has a column of them")]
    assert _flags(extract, _with_inspections(table.replace("\t二0二二年六月十九日", ""))) == [
        ("annual_inspections[1].date", "no date read, where the table has a column of them")]
    # a table with no date column asks for none
    assert _flags(extract, _with_inspections("年度\t年检结果\n2020\t合格\n")) == []
    # the header printed, and no row read (OCR made 2020 a 20201): the table was lost
    assert _flags(extract, _with_inspections("年度\t年检结果\t日期\n20201\t合格\n")) == [
        ("annual_inspections", "the licence prints an annual inspection entry, but none was read")]


def test_a_flag_on_the_websites_puts_each_of_their_fields_to_a_person():
    from licex.evaluation.records import flagged_fields

    assert flagged_fields({"needs_review": [{"field": "websites", "reason": "none was read"}]}) == {
        "websites.name", "websites.domain", "websites.server_location", "websites.access_provider"}


SHAREHOLDERS = """股东名称 证照号码 出资比例
王建国 360803196803245709 60%
维旺明传媒有限公司 9123038134XLX3JMP2 40%
"""


def test_shares_that_do_not_add_up_and_a_row_without_its_code_are_flagged(extract):
    """A shareholder row lost or read from another row's cells: the shares no longer add up to
    100%, or a row lacks the code every other row prints."""
    head, tail = LICENCE.split("经营许可证编号：B2-20160073                    第1页\n")
    page = "经营许可证编号：B2-20160073                    第1页\n"
    assert _flags(extract, head + SHAREHOLDERS + page + tail) == []
    lost = SHAREHOLDERS.replace("维旺明传媒有限公司 9123038134XLX3JMP2 40%\n", "")
    assert _flags(extract, head + lost + page + tail) == [
        ("shareholders", "the shares add up to 60%, not 100%: a shareholder may be lost or misread")]
    no_code = SHAREHOLDERS.replace(" 9123038134XLX3JMP2", "")
    assert ("shareholders[1]", "no identity or credit code, where the other rows print one") in _flags(
        extract, head + no_code + page + tail)
    alone = "股东名称 证照号码 出资比例\n张辉 100%\n"  # the one row lost its code, the column is printed
    assert ("shareholders[0]", "no identity or credit code, where the table has a column of them") in _flags(
        extract, head + alone + page + tail)
    assert not [f for f in _flags(extract, head + "股东名称 出资比例\n张辉 100%\n" + page + tail) if f[0].startswith("shareholders")]
    no_share = "股东名称\t证照号码\t出资比例\n张辉\t361023196202231312\n"  # the row lost its share
    assert ("shareholders[0]", "no share read, where the table has a column of them") in _flags(
        extract, head + no_share + page + tail)


def test_a_part_printed_with_nothing_read_of_it_is_flagged(extract):
    """The website labels, the shareholder table's header, an inspection entry printed, and none
    of their values read: the part was lost."""
    head, tail = LICENCE.split("经营许可证编号：B2-20160073                    第1页\n")
    page = "经营许可证编号：B2-20160073                    第1页\n"
    for printed, field in (("股东名称 证照号码 出资比例\n", "shareholders"), ("网站名称 网站域名\n", "websites")):
        flags = dict(_flags(extract, head + printed + page + tail))
        assert flags[field].startswith("the licence prints ") and flags[field].endswith(", but none was read")
    flags = dict(_flags(extract, LICENCE.replace("法定代表人：陈林\n", "法定代表人：陈林\n注册资本：\n")))
    assert flags["registered_capital_cny"] == "the licence prints the registered capital's label, but none was read"
    assert "registered_capital_cny" not in dict(_flags(extract, LICENCE.replace(
        "法定代表人：陈林\n", "法定代表人：陈林\n注册资本：人民币壹仟万元\n")))
    # every business prints its coverage
    assert ("businesses[0].coverage", "no coverage read: every business prints one") in _flags(
        extract, LICENCE.replace("业务覆盖范围：全国\n", ""))
    # the same words inside the 特别规定事项 are no part of the licence's own
    clause = "(二)你公司应当核实网站名称、网站域名与备案信息一致。\n"
    assert _flags(extract, LICENCE.replace("经营许可证编号：B2-20160073                    第2页", clause
                                          + "经营许可证编号：B2-20160073                    第2页")) == []
