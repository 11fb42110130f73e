"""The business part of licences printed by producers licex was not built on (issue 26): business
names, service items and coverages found by what they are, wherever a wrapped label cell, a
flattened table or a signature block beside them put them. One case a class, each a small text as
pdftotext, pdftotext -layout, pypdfium2 or licex's own reading print it."""

from __future__ import annotations

import pytest

HEAD = "经营许可证编号：云B1-20123829\n公司名称：云南凌颖信息网络有限公司\n"
DATES = "发证日期：二〇二四年十月十日\n有效期至：二〇二九年十月十日\n"
B11 = "第一类增值电信业务中的互联网数据中心业务（含互联网资源协作服务）"


def _businesses(extract, text: str) -> list[tuple]:
    return extract(text).fields().get("businesses", [])


@pytest.mark.parametrize("authority", ["云南省通信管理局", "中华人民共和国工业和信息化部", "云 南 省 通 信 管 理 局"])
def test_the_issuing_authority_under_the_coverage_is_no_part_of_it(extract, authority):
    # pypdfium2 of a certificate whose signer stands beside the dates: the authority's line comes
    # right after the coverage, with no label between.
    text = HEAD + f"业务种类及覆盖范围：{B11}\n云南省\n{authority}\n" + DATES
    assert _businesses(extract, text) == [("B11", ["含互联网资源协作服务"], "云南省")]


@pytest.mark.parametrize("cell", [
    ["业 务 种 类", "( 服 务 项", "目 )", "及 覆 盖 范", "围"],  # each piece wrapped again
    ["业务种类", "(服务项目)", "及覆盖范", "围"],
])
def test_a_label_cell_wrapped_in_pieces_is_no_table_header(extract, cell):
    # pypdfium2: the label cell's lines, then the value cell's; 及覆盖范 / 围 is the label's end,
    # not a column of a table written one cell a line.
    text = HEAD + "\r\n".join([*cell, B11, "业务覆盖范围：云南省", ""]) + DATES
    assert _businesses(extract, text) == [("B11", ["含互联网资源协作服务"], "云南省")]


@pytest.mark.parametrize("lines", [
    ["业务覆盖范", "云南省", "围"],  # licex's reading of a narrow label cell: its last character below the value
    ["业 务 覆 盖 云南省", "范围"],  # pdftotext: the value beside the label's first line
    ["业务覆盖范    云南省", "  围"],
])
def test_the_pieces_of_a_wrapped_coverage_label_around_its_value_are_no_part_of_it(extract, lines):
    text = HEAD + f"业务种类\t{B11}\n" + "\n".join(lines) + "\n" + DATES
    assert _businesses(extract, text) == [("B11", ["含互联网资源协作服务"], "云南省")]


@pytest.mark.parametrize("value", [
    "第二类增值电信业务中的信息服务业务（仅限互联网信息服\n业 务 种 类 务）",  # pdftotext: the label's line starts mid-value
    "          第二类增值电信业务中的信息服务业务（仅限互联网信息服\n    业务种类\n          务）",  # -layout: alone between
])
def test_a_label_printed_between_the_lines_of_a_value_is_no_part_of_it(extract, value):
    text = HEAD + value + "\n业务覆盖范围：云南省\n" + DATES
    assert _businesses(extract, text) == [("B25", ["仅限互联网信息服务"], "云南省")]


def test_a_two_line_label_cell_then_a_wrapped_value_is_no_table_of_one_cell_a_line(extract):
    # pdftotext: 业务种类 / 业务覆盖范围 (one label cell on two lines), then the business whose
    # bracket wrapped and the coverage: the bracket that opens on one line closes on the next.
    text = HEAD + "业务种类\n\n业务覆盖范围\n\n第二类增值电信业务中的信息服务业务（仅限互联网信息服务）（不\n含信息即时交互服务）\n云南省\n\n" + DATES
    assert _businesses(extract, text) == [("B25", ["仅限互联网信息服务"], "云南省", ["信息即时交互服务"])]


def test_coverages_printed_apart_from_their_businesses_go_one_to_each_in_order(extract):
    # pypdfium2 of a certificate whose label cell wrapped: the names, then the coverages, one a line.
    text = HEAD + "\r\n".join(["业务种类", "（服务项目）", "及覆盖范围", "第一类增值电信业务中的内容分发网络业务",
                               "第二类增值电信业务中的信息服务业务", "山东省", "全国", ""]) + DATES
    assert _businesses(extract, text) == [("B12", [], "山东省"), ("B25", [], "全国")]


def test_one_coverage_after_several_businesses_still_covers_each(extract):
    text = HEAD + "业务种类：第一类增值电信业务中的内容分发网络业务、第二类增值电信业务中的信息服务业务\n业务覆盖范围：全国\n" + DATES
    assert _businesses(extract, text) == [("B12", [], "全国"), ("B25", [], "全国")]


@pytest.mark.parametrize("lines", [
    # licex's reading of a certificate: the label cell's bracketed middle line inside the wrapped restriction
    ["业 务 种 类\t第二类增值电信业务中的在线数据处理与交易处理业务（仅限经营类电", "( 服 务 项 目 )\t子商务）",
     "及 覆 盖 范 围\t覆盖范围：云南省"],
    # pdftotext -layout: the label's first characters there, its rest and 及覆盖范 / 围 before the coverage
    ["业务种类      第二类增值电信业务中的在线数据处理与交易处理业务（仅限经营类电", "(服务项      子商务）",
     " 目)       业务覆盖范围：云南省", "及覆盖范", "  围"],
    # licex's reading of a Writer table: the label's rest at the line start before the value's rest
    ["业务种\t第二类增值电信业务中的在线数据处理与交易处理业务（仅限经营类电", "类\t子商务）", "覆盖范", "云南省", "围"],
])
def test_a_wrapped_restriction_with_a_label_piece_inside_reads_whole(extract, lines):
    text = HEAD + "\n".join(lines) + "\n" + DATES
    assert _businesses(extract, text) == [("B21", ["仅限经营类电子商务"], "云南省")]


def test_a_business_label_split_around_its_value_starts_the_business_block(extract):
    # licex's reading of a Writer table whose label cells wrap: 业务种 / the business / 类
    text = HEAD + "\n".join(["业务种", "第一类增值电信业务中的内容分发网络业务", "类", "业务覆盖", "云南省", "范围",
                             "业务种", "第二类增值电信业务中的存储转发类业务（仅限电子邮件）", "类", "覆盖范", "全国", "围"]) + "\n" + DATES
    assert _businesses(extract, text) == [("B12", [], "云南省"), ("B23", ["仅限电子邮件"], "全国")]


def test_the_last_line_of_a_wrapped_value_indented_under_it_is_part_of_it(extract):
    # pdftotext -layout: the value's last character on the next line, under the value column
    text = HEAD + "业务种类        第二类增值电信业务中的信息服务业务（仅限互联网信息服\n            务）（不含信息即时交互服务）\n" \
        "业务覆盖范围      云南省\n" + DATES
    assert _businesses(extract, text) == [("B25", ["仅限互联网信息服务"], "云南省", ["信息即时交互服务"])]


@pytest.mark.parametrize("bracket", [
    "（不\n  （服务项     含信息搜索查询服务和信息即时交互服务）\n   目）",  # -layout: the label's head inside 不 / 含…
    "（不\n 类     含信息搜索查询服务、信息即时交互服务）",  # -layout of Writer: the label's tail there
])
def test_an_exclusion_wrapped_around_a_label_piece_stays_an_exclusion(extract, bracket):
    text = HEAD + "  业务种类\n           第二类增值电信业务中的信息服务业务（仅限互联网信息服务）" + bracket + \
        "\n           云南省\n 及覆盖范围\n" + DATES
    businesses = _businesses(extract, text)
    assert businesses == [("B25", ["仅限互联网信息服务"], "云南省", ["信息搜索查询服务", "信息即时交互服务"])]


def test_one_place_repeated_without_a_break_is_one_coverage_a_business(extract):
    # licex's reading of a Writer table: the coverage cell's lines, one a business, run together
    text = HEAD + "业务种类\t第一类增值电信业务中的内容分发网络业务 第二类增值电信业务中的信息服务业务\n业务覆盖范围\t山东省山东省\n" + DATES
    assert _businesses(extract, text) == [("B12", [], "山东省"), ("B25", [], "山东省")]


def test_a_business_label_column_printed_before_other_labels_values_reads_its_businesses(extract):
    # pdftotext of a Writer table whose label cells wrap: the labels, then the values, the other
    # column's label wrapped around its value among them
    text = ("经营许可证编号：云B1-20123829\n公司名\n称\n业务种\n类\n业务覆盖\n范围\n\n云南凌颖信息网络有限公司\n\n法定代\n\n梁静\n\n"
            "表人\n\n第一类增值电信业务中的内容分发网络业务\n\n云南省\n\n" + DATES)
    fields = extract(text).fields()
    assert fields["businesses"] == [("B12", [], "云南省")]
    assert fields["legal_representative"] == "梁静"


@pytest.mark.parametrize("coverage_label", ["覆 盖 范 围", "覆盖范围", "业\t务\t覆\t盖\t范\t围"])
def test_a_service_item_ending_in_ye_wu_keeps_it_before_the_coverage_cell(extract, coverage_label):
    # licex's reading of a paired row (服务项目 | X | 覆盖范围 | Y): the item's own 业务 before the
    # cell gap is no part of the label 业务覆盖范围 after it; a label spread over its cell, a tab
    # between every two characters, is still one.
    text = (HEAD + "业 务 种 类\t第二类增值电信业务中的在线数据处理与交易处理业务\n"
            f"服 务 项 目\t交易处理业务\t{coverage_label}\t吉林省\n" + DATES)
    assert _businesses(extract, text) == [("B21", ["交易处理业务"], "吉林省")]


def test_a_table_one_cell_a_line_keeps_a_wrapped_business_cell_and_skips_the_bracketed_note(extract):
    # pdftotext of an unruled form: the label column, then the value column, the business cell
    # wrapped inside its bracket and the provincial note between the business and its coverage.
    text = ("经营许可证编号：赣B2-20121614\n公司名称\n法定代表人\n注册住所\n\n业务种类\n\n业务覆盖范围\n\n"
            "明腾网络有限公司\n张想\n山东省南昌市昆明街U座\n第二类增值电信业务中的信息服务业务（仅限互联网信息服\n务）\n"
            "【依法须经批准的项目，经相关部门批准后方可开展相应经营\n活动。】\n江西省\n\n" + DATES)
    fields = extract(text).fields()
    assert (fields["company_name"], fields["legal_representative"], fields["registered_address"]) == (
        "明腾网络有限公司", "张想", "山东省南昌市昆明街U座")
    assert fields["businesses"] == [("B25", ["仅限互联网信息服务"], "江西省")]


def test_label_lines_before_the_end_of_a_sentence_are_no_table_one_cell_a_line(extract):
    # Tesseract of a certificate: the label column printed between the lines of the grant
    # sentence; the line after the labels closes a bracket the sentence opened, so the lines
    # after the labels are no cells of theirs, and no label is read as a value.
    text = ("经营许可证编号: 鲁B1.B2-20115894\n根据《中华人民共和国电信条例》及国家有关规定，经审查，准许你公司按照本\n\n"
            "经营许可证 (\n\n信业务经营许可证。\n\n公司名称\n法定代表人\n\n业务种类\n《服务项目)\n及覆盖范围\n\n"
            "E文和附件) 载明的内容经营增值电信业务，特颁发跨地区增值电\n\n浦华众城信息有限公司\n李伟\n\n"
            "第一类增值电信业务中的内容分发网络业务\n山东省\n\n" + DATES)
    assert extract(text).fields().get("legal_representative") != "及覆盖范围"
