"""The front page and its 附页 as producers licex was not built on print them (issue 26): headless
Chromium's certificates and LibreOffice Writer's documents, read back by pdftotext, pypdfium2 and
licex's own reading. Each snippet is the shape one of these texts has; every company, person
and number is invented."""

from __future__ import annotations

import pytest

from licex.fields.labels import default_label_words

WANG = {"name": "王建国", "id_number": "360803196803245709", "share_ratio": "60%"}
WEIWANG = {"name": "维旺明传媒有限公司", "id_number": "9123038134XLX3JMP2", "share_ratio": "40%"}


# -- the shareholder table of narrow columns, its cells wrapped ---------------------------------------

@pytest.mark.parametrize("table", [
    # pypdfium2 of a LibreOffice table: the ID number wraps, the ratio on a line of its own
    "序号 股东名称 证照号码 出资比例\n1 王建国 36080319680324\n5709\n60%\n"
    "2\n维旺明传媒有限\n公司\n9123038134XLX\n3JMP2\n40%\n",
    # pdftotext: a cell a line, the column words between the cells of the one row
    "序号\n\n股东名称\n\n1\n\n王建国\n\n证照号码\n360803196803245\n709\n\n出资比例\n\n60%\n\n"
    "2\n\n维旺明传媒有限公\n司\n\n9123038134XLX3JMP2\n\n40%\n",
    # pypdfium2 of a certificate: the header's words wrapped in their cells, the last name wrapped
    "序\n号\n股东名称 证照号码\n出资比\n例\n1 王建国 360803196803245709 60%\n2 维旺明传媒有限公\n司\n"
    "9123038134XLX3JMP2 40%",
    # pdftotext -layout: the row number one space before the name
    "序号 股东名称                证照号码                 出资比例\n1 王建国                  360803196803245709   60%\n"
    "2 维旺明传媒有限公司            9123038134XLX3JMP2   40%\n",
    # licex's reading: the next row run on after the ratio
    "序号\t股东名称\t证照号码\t出资比例\n1\t王建国\t360803196803245709\t60%2\t维旺明传媒有限公司\t9123038134XLX3JMP2\t40%\n",
])
def test_shareholder_rows_broken_over_lines_read_by_what_each_piece_is(extract, table):
    text = "增值电信业务经营许可证\n附页\n" + table + "特别规定事项\n一、你公司应当遵守行业管理规定。\n"
    assert extract(text).fields()["shareholders"] == [WANG, WEIWANG]


@pytest.mark.parametrize("columns", [
    # pdftotext: the name column whole before the others, an ID number wrapped
    "序号\n\n股东名称\n\n1\n\n王建国\n\n2\n\n维旺明传媒有限公司\n\n证照号码\n360803196803245\n709\n9123038134XLX3JMP2\n\n"
    "出资比例\n\n60%\n\n40%\n\n",
    # pdftotext of a certificate: each name with its ID number, then the ratio column
    "序号 股东名称\n证照号码\n1 王建国\n360803196803245709\n2 维旺明传媒有限公司\n9123038134XLX3JMP2\n出资比例\n60%\n40%\n",
    # pdftotext of a Writer table: the names, then the first ID number, the ratios and the second row's rest
    "序号\n\n股东名称\n\n1\n\n王建国\n\n2\n\n维旺明传媒有限公司\n\n证照号码\n360803196803245709\n\n出资比例\n60%\n\n"
    "9123038134XLX3JMP2 40%\n\n",
    # pdftotext of a Writer table: a name and its ID number wrapped side by side, their pieces
    # interleaved (维旺明传媒有限 / 9123038134XLX / 公司 / 3JMP2), then the ratio column
    "序号\n\n1\n\n2\n\n股东名称\n\n证照号码\n\n王建国\n\n36080319680324\n5709\n\n维旺明传媒有限\n\n9123038134XLX\n\n"
    "公司\n\n3JMP2\n\n出资比例\n\n60%\n\n40%\n\n",
])
def test_shareholder_columns_printed_one_after_another_are_read_back_in_rows(extract, columns):
    text = "增值电信业务经营许可证\n附页\n" + columns + "特别规定事项\n一、你公司应当遵守规定。\n"
    assert extract(text).fields()["shareholders"] == [WANG, WEIWANG]


def test_shareholder_columns_with_a_website_column_among_them_and_digits_in_a_name(extract):
    # pdftotext of a 附页 whose website table's last column came out between the shareholder
    # table's name column and its ID number column; a name with digits inside it
    text = ("增值电信业务经营许可证\n附页\n网站名称\n网址\n服务器放置地\n巨奥网\nwww.21.cn\n甘肃省\n\n序号\n1\n2\n\n"
            "股东名称\n王建国\n数字100信息有限公司\n\n网站接入服务提供单位\n立信电子信息有限公司\n\n"
            "证照号码\n360803196803245709\n91440305742AA0GWR7\n\n出资比例\n60%\n40%\n\n特别规定事项\n一、你公司应当遵守规定。\n")
    fields = extract(text).fields()
    assert fields["shareholders"] == [
        WANG, {"name": "数字100信息有限公司", "id_number": "91440305742AA0GWR7", "share_ratio": "40%"}]
    assert fields["websites"][0]["access_provider"] == "立信电子信息有限公司"


def test_shareholder_columns_that_do_not_make_whole_rows_invent_no_row(extract):
    # two names, one ratio: which ratio is whose is lost
    text = ("增值电信业务经营许可证\n附页\n序号\n\n股东名称\n\n1\n\n王建国\n\n2\n\n维旺明传媒有限公司\n\n证照号码\n"
            "360803196803245709\n9123038134XLX3JMP2\n\n出资比例\n\n60%\n\n特别规定事项\n一、你公司应当遵守规定。\n")
    assert extract(text).fields().get("shareholders", []) == []


# -- the signer beside the authority ------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "签发人：张玉 广东省通信管理局",  # pypdfium2: one blank between
    "签发人：张玉\t广东省通信管理局",  # a cell of its own
    "签发人：张玉           广东省通信管理局",  # pdftotext -layout
    "签发人：张玉 中华人民共和国工业和信息化部",
])
def test_the_signer_stops_where_the_authority_beside_it_starts(extract, line):
    text = "增值电信业务经营许可证\n公司名称：广州云帆科技有限公司\n" + line + "\n发证日期：2024年5月3日\n"
    assert extract(text).fields()["signer"] == "张玉"


# -- a label wrapped around its value ------------------------------------------------------------------

@pytest.mark.parametrize("rows", [
    "法 定 代 表 梁静\n人\n",  # pdftotext: the value on the label's first line
    " 法定代\n          梁静\n  表人\n",  # pdftotext -layout: the value between the label's lines
    "法定代\n\n梁静\n\n表人\n\n",  # pdftotext: a blank line between the cell's lines
])
def test_a_label_wrapped_around_its_value_gives_the_value_whole(extract, rows):
    text = "增值电信业务经营许可证\n公 司 名 称 沈阳创亿网络有限公司\n" + rows + "注 册 资 本 人民币 800 万元\n"
    fields = extract(text).fields()
    assert fields["legal_representative"] == "梁静"
    assert fields["company_name"] == "沈阳创亿网络有限公司"


@pytest.mark.parametrize("rows", [
    # pdftotext -layout: the second label's cell wrapped around the row, its head above, its rest below
    "                 法 定 代 表\n公 司 名 称 沈阳创亿网络有限公司        梁静\n                 人\n",
    # licex's reading of the same row: cells a tab apart
    "法定代表\n公司名称\t沈阳创亿网络有限公司\t梁静\n人\n",
    # pdftotext -layout: both label cells wrapped around the row's values
    " 公司名          法定代\n       沈阳创亿网络有限公司      梁静\n  称           表人\n",
    # pdftotext -layout: the second label's head and value on the row, its rest below
    "公 司 名 称 沈阳创亿网络有限公司      法 定 代 表 梁静\n                  人\n",
    # pdftotext: the label wrapped at its line end, the value after its rest
    "公司名称\n沈阳创亿网络有限公司\n法定代表\n人\n\n梁静\n",
    # pdftotext: the second column's row first, the first column's row before the label's rest
    "法 定 代 表 梁静\n公 司 名 称 沈阳创亿网络有限公司\n人\n",
    # pypdfium2: the label after the company's name, wrapped, the value on the line after
    "公 司 名\n称\n沈阳创亿网络有限公司 法 定 代\n表 人\n梁静\n",
])
def test_a_second_label_wrapped_around_its_row_gives_each_label_its_value(extract, rows):
    text = "增值电信业务经营许可证\n编号：蒙B2-20127212\n" + rows + "注 册 资 本 人民币 800 万元\n"
    fields = extract(text).fields()
    assert fields["legal_representative"] == "梁静"
    assert fields["company_name"] == "沈阳创亿网络有限公司"


def test_a_label_head_is_no_misread_label():
    # 法定代表 is the head of 法定代表人 its cell wrapped (法定代表 / 人), not 法人代表 misread
    words = default_label_words()
    assert words.near_name("法定代表") is None
    assert words.near_name("么司名称") == "公司名称"


def test_a_name_spaced_out_in_its_cell_is_not_cut_at_the_gap(extract):
    assert extract("公司名称：北京松果科技有限公司\n法定代表人：吴  敏\n").fields()["legal_representative"] == "吴敏"


# -- the annual inspection table a cell a line ---------------------------------------------------------

def test_an_inspection_table_written_a_cell_a_line_reads_each_row(extract):
    # pdftotext of a narrow table: the header words, then each row's cells, one a line, a page
    # header between them
    text = ("增值电信业务经营许可证\n附页\n年度\n\n年报结果\n\n日期\n\n2020\n\n合格\n\n经营许可证编号：粤B2-20209871\n\n"
            "二〇二一年三月九日\n\n2021\n\n合格\n\n二〇二二年四月十九日\n\n特别规定事项\n一、你公司应当遵守规定。\n")
    assert extract(text).fields()["annual_inspections"] == [
        {"year": 2020, "result": "合格", "date": "2021-03-09"}, {"year": 2021, "result": "合格", "date": "2022-04-19"}]


def test_an_inspection_table_whose_first_row_stands_beside_its_header_and_the_rest_column_after_column(extract):
    # pdftotext: each header word with the first row's cell under it, then the other rows'
    # years, results and dates, each column on its own
    text = ("增值电信业务经营许可证\n附页\n年度\n2013\n\n年检结果\n合格\n\n日期\n二〇一四年三月八日\n\n"
            "2014\n2015\n\n合格\n不合格\n\n二〇一五年三月十三日\n二〇一六年四月二十二日\n\n特别规定事项\n一、你公司应当遵守规定。\n")
    assert extract(text).fields()["annual_inspections"] == [
        {"year": 2013, "result": "合格", "date": "2014-03-08"}, {"year": 2014, "result": "合格", "date": "2015-03-13"},
        {"year": 2015, "result": "不合格", "date": "2016-04-22"}]


def test_an_inspection_table_of_single_spaces_keeps_the_spaced_date_whole(extract):
    # pypdfium2: one space between the cells, and between a date's parts
    text = ("增值电信业务经营许可证（附页）\n年度 年报结果 日期\n2004 合格 2005 年 08 月 22 日\n"
            "2005 合格 2006 年 03 月 07 日特别规定事项\n一、你公司应当遵守规定。\n")
    assert extract(text).fields()["annual_inspections"] == [
        {"year": 2004, "result": "合格", "date": "2005-08-22"}, {"year": 2005, "result": "合格", "date": "2006-03-07"}]


def test_an_address_cell_wrapped_around_its_labels_row_reads_whole(extract):
    # pdftotext -layout: the row's one-line cells between the halves of the address cell
    text = ("          中华人民共和国增值电信业务经营许可证\n\n经营许可证编号：渝 B1-20224042\n\n\n"
            "                                     天津市艳县牧野杭\n"
            " 注册资本           美元 5000 万元   注册住所\n"
            "                                     州路 c 座\n\n\n")
    assert extract(text).fields()["registered_address"] == "天津市艳县牧野杭州路c座"


def test_the_rest_of_a_wrapped_label_is_no_part_of_a_wrapping_value(extract):
    text = "增值电信业务经营许可证\n公司名称：沈阳创亿网络有限公司\n注 册 住 广东省桂花市西夏张街w座\n所\n签发人：段云\n"
    assert extract(text).fields()["registered_address"] == "广东省桂花市西夏张街w座"


def test_a_spaced_label_at_a_lines_end_after_a_value_is_the_next_fields(extract):
    # pypdfium2 of a Writer table: the capital's label ends the legal representative's line, its
    # value on the lines below, letter-spaced and wrapped
    fields = extract("增值电信业务经营许可证\n法 定 代 表 人 刘宁 注 册 资 本\n人 民 币 伍 佰 万\n元\n"
                     "注 册 住 所 重庆市关岭县南湖杨路 M 座\n").fields()
    assert fields["legal_representative"] == "刘宁"
    assert fields["registered_capital_cny"] == 5000000


def test_a_tables_column_word_at_a_lines_end_after_a_value_is_no_label_of_its_own():
    from licex.components.field_rules.printed_labels import PrintedLabels
    from licex.fields.labels import default_label_words
    from licex.text.layout import Layout

    def labels(text: str) -> list[str | None]:
        return [hit.label for hit in PrintedLabels(default_label_words()).find(Layout.of(text))]

    assert labels("法 定 代 表 人 刘宁 注 册 资 本\n人 民 币 伍 佰 万 元\n") == ["LEGAL_REP", "CAPITAL"]
    assert labels("法 定 代 表 人 刘宁 网 站 名 称\n巨奥网\n") == ["LEGAL_REP"]


def test_a_label_column_then_the_licence_number_line_then_its_values_a_line_each(extract):
    # pdftotext of a certificate: the label cells, the licence number's line, then the value
    # cells one a line with no blank line between them
    text = ("增值电信业务经营许可证\n\n公司名称\n法定代表\n人\n注册住所\n\n业务种类\n(服务项目)\n及覆盖范围\n\n"
            "经营许可证编号：云B2-20049627\n深圳市创联世纪网络有限公司\n赵洋\n青海省想县高港郑州路P座\n"
            "第一类增值电信业务中的互联网数据中心业务（不含互联网资源协作服务）\n覆盖范围：机房所在地为云南省\n\n签 发 人：秦成\n")
    fields = extract(text).fields()
    assert (fields["company_name"], fields["legal_representative"], fields["registered_address"]) == (
        "深圳市创联世纪网络有限公司", "赵洋", "青海省想县高港郑州路P座")


def test_a_label_column_whose_values_come_before_a_labelled_line_reads_them(extract):
    # pdftotext of a Writer table: the label cells, the value cells, then the coverage's own
    # labelled line: the values stand before it, so nothing is passed
    text = ("增值电信业务经营许可证\n编号：蒙 B2-20127212\n公司名\n称\n法定代\n表人\n注册资\n本\n业务种\n类\n(服务项\n目)\n及覆盖\n范围\n"
            "华远软件科技有限公司\n杨浩\n人民币 4000 万元\n第二类增值电信业务中的信息服务业务（仅限互联网信息服务）\n"
            "业务覆盖范围：内蒙古自治区\n签发人：王凤兰\n内蒙古自治区通信管理局\n")
    fields = extract(text).fields()
    assert (fields["company_name"], fields["legal_representative"]) == ("华远软件科技有限公司", "杨浩")


def test_a_company_cut_at_gong_gets_its_si_from_below_the_next_rows_line(extract):
    # pdftotext: the company's cell wrapped, the legal representative's line printed between
    fields = extract("增值电信业务经营许可证\n公 司 名 称 昆明国讯信息有限公\n法 定 代 表 人 郭军\n司\n"
                     "注 册 资 本 人民币壹仟贰佰万元\n").fields()
    assert (fields["company_name"], fields["legal_representative"]) == ("昆明国讯信息有限公司", "郭军")


def test_a_one_line_header_of_spaced_labels_gives_each_field_its_own_value(extract):
    # pypdfium2 of a certificate: two label | value pairs on one line, the labels spaced out
    fields = extract("增值电信业务经营许可证\n公 司 名 称 海南合联电子科技有限公司 法 定 代 表 人 陶秀华\n").fields()
    assert fields["company_name"] == "海南合联电子科技有限公司"
    assert fields["legal_representative"] == "陶秀华"


def test_a_label_whose_value_follows_a_line_of_another_column_reads_that_value(extract):
    # pdftotext: the licence number of the page's other column printed between the label and its value
    text = "增值电信业务经营许可证\n公司名称\n\n编号：蒙B2-20127212\n华远软件科技有限公司\n\n法定代表人\n\n杨浩\n"
    fields = extract(text).fields()
    assert fields["company_name"] == "华远软件科技有限公司"
    assert fields["license_no"] == "蒙B2-20127212"


def test_a_label_column_printed_whole_before_its_values_gives_each_label_its_value(extract):
    # pdftotext of a table whose label cells wrap: the labels, then the values, a paragraph each
    text = ("增值电信业务经营许可证\n编号：蒙B2-20127212\n公司名\n称\n法定代\n表人\n注册资\n本\n业务种\n类\n(服务项\n目)\n\n"
            "华远软件科技有限公司\n\n杨浩\n\n人民币 4000 万元\n\n第二类增值电信业务中的信息服务业务\n\n签发人：王凤兰\n")
    fields = extract(text).fields()
    assert (fields["company_name"], fields["legal_representative"]) == ("华远软件科技有限公司", "杨浩")
    assert fields["registered_capital_cny"] == 40_000_000


def test_a_header_row_of_website_columns_one_a_line_is_no_front_page_label_column(extract):
    text = ("增值电信业务经营许可证\n附页\n网站名称\n网址\n服务器放置地\n网站接入服务提供单位\n恒聪百汇网\nliangjin.cn\n河北省\n"
            "创联世纪传媒有限公司\n序号 股东名称 证照号码 出资比例\n1 王建国 360803196803245709 100%\n")
    fields = extract(text).fields()
    assert not any("恒聪百汇网" in value and len(value) > 5 for value in fields.get("website", {}).values() if value)
    assert fields["shareholders"] == [{"name": "王建国", "id_number": "360803196803245709", "share_ratio": "100%"}]
