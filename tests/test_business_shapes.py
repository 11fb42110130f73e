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


B13 = "第一类增值电信业务中的国内互联网虚拟专用网业务"
B14 = "第一类增值电信业务中的互联网接入服务业务（含网站接入）"
B21 = "第二类增值电信业务中的在线数据处理与交易处理业务"
CITIES = "北京、上海、重庆3直辖市以及哈尔滨、巢湖、佛山11城市"
CITIES_2 = "北京1直辖市以及南宁、福州、长沙8城市"


def test_a_coverage_label_level_with_the_middle_of_its_cell_opens_the_next_coverage(extract):
    # licex's reading of a coverage cell of three lines, one a business, with its label centred
    # beside the second: the first coverage stands before the label, the others after it.
    text = (HEAD + f"{B13}\n{B14}\n业\t务\t种\t类\n{B21}\n{CITIES}\n业 务 覆 盖 范 围 {CITIES_2[:-4]}\n"
            f"{CITIES_2[-4:]}\n全国\n中华人民共和国工业和信息化部\n" + DATES)
    assert _businesses(extract, text) == [("B13", [], CITIES), ("B14", ["含网站接入"], CITIES_2), ("B21", [], "全国")]


@pytest.mark.parametrize("label", ["业 务 覆 盖 范\n", "业务覆盖范\t"])
def test_a_counted_group_cut_before_its_count_goes_on_past_a_label_piece(extract, label):
    # pdftotext: a coverage cut inside a city's name (银 / 川) before its group's count, the
    # label's first characters printed at the next line's start; the label's last character
    # stands alone below, before the next business's coverage.
    text = (HEAD + f"业 务 种 类 {B13}\n在线数据处理与交易处理业务（仅限经营类电子商务）\n\n"
            f"北京、天津2直辖市以及永安、沈阳、银\n{label}川、西宁、关岭5城\n市\n围\n全国\n签发人：黄玉梅\n" + DATES)
    assert _businesses(extract, text) == [
        ("B13", [], "北京、天津2直辖市以及永安、沈阳、银川、西宁、关岭5城市"), ("B21", ["仅限经营类电子商务"], "全国")]


def test_a_counted_group_cut_before_its_count_goes_on_where_the_label_cell_wrapped_beside_it(extract):
    # licex's reading: the businesses and the coverage's first line run on after the label; the
    # label's pieces at the next lines' starts, the unit's last character beside the last one
    text = (HEAD + f"业务种类\t{B13}在线数据处理与交易处理业务（仅限经营类电子商务）北京、天津2直辖市以及永安、沈阳、银\n"
            "业务覆盖范 川、西宁、关岭5城\n围\t市\n全国\n签发人：黄玉梅\t工业和信息化部\n" + DATES)
    assert _businesses(extract, text) == [
        ("B13", [], "北京、天津2直辖市以及永安、沈阳、银川、西宁、关岭5城市"), ("B21", ["仅限经营类电子商务"], "全国")]


def test_a_list_of_provinces_on_the_next_line_after_a_room_coverage_is_the_next_coverage(extract):
    # 机房所在地为乌鲁木齐、兰州 ends at its line; the next line starts with a province's name
    # and a 、, which a list cut inside a name never does.
    text = (HEAD + f"业务种类：{B11}\n{B14[11:]}\n第二类增值电信业务中的存储转发类业务\n服务项目：语音信箱\n"
            "覆盖范围：机房所在地为乌鲁木齐、兰州\n重庆、山西、吉林3省(自治区、直辖市)\n全国\n" + DATES)
    assert [coverage for *_, coverage in _businesses(extract, text)] == [
        "机房所在地为乌鲁木齐、兰州", "重庆、山西、吉林3省(自治区、直辖市)", "全国"]


def test_a_list_cut_inside_a_province_name_still_goes_on_on_the_next_line(extract):
    text = HEAD + f"业务种类：{B11}\n覆盖范围：北京、天津、湖\n南、湖北4省(直辖市)\n" + DATES
    assert _businesses(extract, text) == [("B11", ["含互联网资源协作服务"], "北京、天津、湖南、湖北4省(直辖市)")]


def test_a_coverage_cell_whose_lines_ran_together_gives_each_business_its_own(extract):
    # licex's reading of a drawn cell: its lines parted by a space, one 全国 right after a 城市.
    text = (HEAD + f"业 务 种 类\t{B11} {B13} 在线数据处理与交易处理业务 第二类增值电信业务中的编码和规程转换业务\n"
            f"业 务 覆 盖 范 围\t全国 重庆、河北2省(自治区、直辖市) {CITIES}全国\n" + DATES)
    assert [coverage for *_, coverage in _businesses(extract, text)] == [
        "全国", "重庆、河北2省(自治区、直辖市)", CITIES, "全国"]


def test_a_service_item_and_its_coverage_on_one_line_are_read_apart(extract):
    text = HEAD + f"业务种类及覆盖范围\t{B21}服务项目：网络/电子设备数据处理业务 甘肃省\n" + DATES
    assert _businesses(extract, text) == [("B21", ["网络/电子设备数据处理业务"], "甘肃省")]


def test_businesses_with_their_own_item_and_coverage_lines_above_the_label_start_the_block(extract):
    # licex's reading of a cell of several businesses, each with 服务项目 and 覆盖范围 lines, its
    # label level with the last one.
    text = (HEAD + "注册地址：安徽省秀华县兴山陆街O座\n"
            f"{B21}\n服务项目：网络/电子设备数据处理业务\n覆盖范围：全国\n"
            "第二类增值电信业务中的国内多方通信服务业务\n服务项目：国内可视电话会议服务业务\n覆盖范围：全国\n"
            "业 务 种 类 第二类增值电信业务中的呼叫中心业务\n服务项目：国内呼叫中心业务\n覆盖范围：北京市\n" + DATES)
    assert _businesses(extract, text) == [
        ("B21", ["网络/电子设备数据处理业务"], "全国"), ("B22", ["国内可视电话会议服务业务"], "全国"),
        ("B24", ["国内呼叫中心业务"], "北京市")]


@pytest.mark.parametrize(("item", "label"), [
    ("网络/电子设备数据处理业务", "覆盖范围："), ("国内互联网会议电视及图像服务业务", "业务覆盖范围："),
    ("互联网信息服务", "覆盖范围："),
])
def test_a_label_after_a_space_takes_nothing_of_the_item_before_it(extract, item, label):
    # A cell's lines parted by a space: 业务 覆盖范围 or 务 覆盖范围 read over the space would
    # take the item's last characters as the label's first.
    text = HEAD + f"业务种类(服务项目)及覆盖范围\t第二类增值电信业务中的信息服务业务服务项目：{item} {label}全国\n" + DATES
    assert _businesses(extract, text)[0][1] == [item]


def test_a_business_label_in_parts_after_a_value_on_one_line_starts_the_block(extract):
    # licex's reading of a page whose fields all came out on one line.
    text = (f"增值电信业务经营许可证 经营许可证编号：青B2-20217554 公司名称：青海天开科技有限公司 注册资本："
            f"人民币壹仟伍佰万元 业务种类（服务项目）及覆盖范围：{B21}服务项目：交易处理业务；电子数据交换业务 "
            "覆盖范围：青海省 【依法须经批准的项目，经相关部门批准后方可开展相应经营活动。】 青海省通信管理局 "
            "发 证 日 期：2024年02月04日\n")
    assert _businesses(extract, text) == [("B21", ["交易处理业务", "电子数据交换业务"], "青海省")]


def test_a_business_whose_bracket_wrapped_onto_its_own_line_above_the_label_starts_the_block(extract):
    # pdftotext: the value cell's lines above the label cell's, the first business's bracket
    # wrapped (…协作服 / 务）), the coverages after the label with blank lines between them
    text = (HEAD + "注册地址\n\n江苏省春梅市翔安方路 U 座\n\n第一类增值电信业务中的互联网数据中心业务（含互联网资源协作服\n务）\n"
            f"{B13}\n业务种类\n在线数据处理与交易处理业务\n服务项目：网络/电子设备数据处理业务\n业务覆盖\n范围\n\n全国\n"
            f"重庆、河北2省(自治区、直辖市)\n\n\n全国\n\n签发人：冯凯\n" + DATES)
    assert _businesses(extract, text) == [
        ("B11", ["含互联网资源协作服务"], "全国"), ("B13", [], "重庆、河北2省(自治区、直辖市)"),
        ("B21", ["网络/电子设备数据处理业务"], "全国")]
