"""Licences as other producers print them: PDFs printed by headless Chromium and LibreOffice
(tests/data/producers, made by its make.sh), and the texts tools make of them (pdftotext,
pdftotext -layout, pypdfium2), one case at a time. Every company, person and number in the
provincial licence is invented; the national one is corpus/raw/001's front page re-typeset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PRODUCERS = Path(__file__).parent / "data" / "producers"

WEBSITE_PAGE = (
    "增值电信业务经营许可证（附页）\n\n经营许可证编号：苏 B2-20180123\n\n南京云帆网络科技有限公司网站信息如下：\n\n"
    "  网站名称             网址          服务器放置地       互联网接入服务提供单位\n\n"
    "云帆资讯网     www.yunfan-news.cn   江苏省南京市   中国电信股份有限公司南京分公司\n"
)


def test_the_website_table_under_the_longer_access_provider_label_reads_every_column(extract):
    # pdftotext -layout of a LibreOffice 附页: the header row indented, the row not.
    [website] = extract(WEBSITE_PAGE).fields()["websites"]
    assert website == {"name": "云帆资讯网", "domain": "www.yunfan-news.cn", "server_location": "江苏省南京市",
                       "access_provider": "中国电信股份有限公司南京分公司"}


def test_a_licence_number_with_a_space_after_its_province_reads_whole(extract):
    assert extract(WEBSITE_PAGE).fields()["license_no"] == "苏B2-20180123"



SITE = {"name": "云帆资讯网", "domain": "www.yunfan-news.cn", "server_location": "江苏省南京市",
        "access_provider": "中国电信股份有限公司南京分公司"}


@pytest.mark.parametrize("table", [
    # pypdfium2: the header cell too narrow for its label wraps, and so does the value under it.
    "网站名称 网址 服务器放置地 互联网接入服务提供\r\n单位\r\n云帆资讯网 www.yunfan-news.cn 江苏省南京市 中国电信股份有限公\r\n司南京分公司",
    # pdftotext: one cell a line, the wrapped cells as lines of their own.
    "网站名称\n网址\n服务器放置地\n互联网接入服务提供\n单位\n云帆资讯网\nwww.yunfan-news.cn\n江苏省南京市\n中国电信股份有限公\n司南京分公司",
])
def test_a_website_table_whose_last_column_wrapped_reads_the_access_provider_whole(extract, table):
    text = f"增值电信业务经营许可证（附页）\n经营许可证编号：苏B2-20180123\n南京云帆网络科技有限公司网站信息如下：\n{table}\n"
    assert extract(text).fields()["websites"] == [SITE]

# -- a bracketed note after the business list ---------------------------------------------------

NOTE = "【依法须经批准的项目，经相关部门批准后方可开展相应经营活动。】"


@pytest.mark.parametrize("eol", ["\n", "\r\n"])  # pdftotext, pypdfium2
def test_a_bracketed_note_after_the_business_list_is_no_coverage(extract, eol):
    text = eol.join(["经营许可证编号：苏B2-20180123", "公司名称：南京云帆网络科技有限公司",
                     "业务种类：第二类增值电信业务中的信息服务业务（仅限互联网信息服务）", "业务覆盖范围：江苏省", NOTE,
                     "签发人： 王建国", "发证日期：二〇一九年三月十二日", ""])
    fields = extract(text).fields()
    assert [coverage for _, _, coverage in fields["businesses"]] == ["江苏省"]
    assert fields["signer"] == "王建国"


def test_a_bracketed_note_under_an_empty_signer_label_is_not_the_signer(extract):
    # The signer's name is a picture: its label is followed by the note, then the dates.
    text = f"经营许可证编号：苏B2-20180123\n业务覆盖范围：江苏省\n签发人：\n{NOTE}\n发证日期：2019年03月12日\n"
    assert "signer" not in extract(text).fields()


# -- a one-line header ---------------------------------------------------------------------------

@pytest.mark.parametrize("header", [
    "法定代表人：周明远注册资本：人民币伍佰万元",  # fields set apart by position alone (a flex box)
    "法定代表人：周明远注\n册资本：人民币伍佰万元",  # and wrapped mid-label (pypdfium2)
    "法定代表人：周明远  注册资\n本：人民币伍佰万元",  # pdftotext -layout
])
def test_a_one_line_header_gives_each_field_its_own_value(extract, header):
    fields = extract(f"公司名称：南京云帆网络科技有限公司{header}\n").fields()
    assert fields["company_name"] == "南京云帆网络科技有限公司"
    assert fields["legal_representative"] == "周明远"
    assert fields["registered_capital_cny"] == 5_000_000


# -- the label cell wrapped onto three lines; a value cut at its line's end -----------------------

BUSINESS_CELL = [
    "第一类增值电信业务中的内容分发网络业务", "全国", "第一类增值电信业务中的国内互联网虚拟专用网业务",
    "北京、上海2直辖市以及南京、武汉、广州、深圳、成都、西安6城", "市",
    "第一类增值电信业务中的互联网接入服务业务", "北京、天津、山西、吉林、黑龙江、上海、江苏、浙江、福建、江",
    "西、山东、河南、湖北、湖南、广东、重庆、云南17省(直辖市)",
]
BUSINESSES = [
    ("B12", [], "全国"),
    ("B13", [], "北京、上海2直辖市以及南京、武汉、广州、深圳、成都、西安6城市"),
    ("B14", [], "北京、天津、山西、吉林、黑龙江、上海、江苏、浙江、福建、江西、山东、河南、湖北、湖南、广东、重庆、云南17省(直辖市)"),
]
HEAD = "经营许可证编号：B1-20070275\n注册住所 北京市海淀区塔院朗秋园甲8号\n"
TAIL = "签发人： 尚行 发证日期：2017年09月18日\n"


def test_a_label_cell_wrapped_onto_three_lines_before_its_businesses_loses_none(extract):
    # pypdfium2 (and pdftotext): the label cell's three lines, then the value cell's lines.
    text = HEAD + "\r\n".join(["业务种类", "（服务项目）", "及覆盖范围", *BUSINESS_CELL]) + "\r\n" + TAIL
    assert extract(text).fields()["businesses"] == BUSINESSES


def test_a_label_cell_wrapped_between_its_value_lines_loses_none(extract):
    # pdftotext -layout: the label set level with the middle of its cell, its lines between the
    # value lines, the first businesses above it.
    pad = " " * 16
    lines = [pad + BUSINESS_CELL[0], pad + BUSINESS_CELL[1], pad + BUSINESS_CELL[2], "         业务种类",
             pad + BUSINESS_CELL[3], "       （服务项目）", pad + BUSINESS_CELL[4], "        及覆盖范围",
             *(pad + line for line in BUSINESS_CELL[5:])]
    fields = extract(HEAD + "\n".join(lines) + "\n" + TAIL).fields()
    assert fields["businesses"] == BUSINESSES
    assert fields["registered_address"] == "北京市海淀区塔院朗秋园甲8号"



def test_a_bracketed_label_broken_in_a_narrow_cell_between_value_lines_loses_nothing(extract):
    # pdftotext -layout of LibreOffice's table: (服务项 / 目) on two lines around a value line.
    pad = " " * 10
    lines = [pad + BUSINESS_CELL[0], "", pad + BUSINESS_CELL[1], "", pad + BUSINESS_CELL[2], "  业务种类", "  （服务项",
             pad + BUSINESS_CELL[3] + BUSINESS_CELL[4], "   目）", " 及覆盖范围", pad + BUSINESS_CELL[5], "",
             pad + BUSINESS_CELL[6] + BUSINESS_CELL[7]]
    assert extract(HEAD + "\n".join(lines) + "\n" + TAIL).fields()["businesses"] == BUSINESSES

# -- the producer PDFs, read whole ---------------------------------------------------------------

@pytest.mark.parametrize("pdf", sorted(PRODUCERS.glob("*.pdf")), ids=lambda path: path.stem)
def test_a_producer_pdf_reads_every_field_of_its_gold_record(rules_nlp, pdf):
    from licex.documents import read_document
    from licex.evaluation.records import field_values
    from licex.jobs.pipeline import read_as_licence

    document = read_document(pdf)
    assert all(page.reading == "geometry" for page in document.pages)  # its cells and seal read right
    record = read_as_licence(rules_nlp, document.text)._.license_record
    gold = json.loads(pdf.with_suffix(".record.json").read_text("utf-8"))
    assert field_values(record, unannotated=frozenset()) | {} == field_values(record) | field_values(gold)


def test_ruled_lines_close_cells_but_a_lone_frame_is_none():
    from licex.documents.pdf import ruled_cells

    # A two-column table drawn cell by cell as thin rules (Chromium), inside a page frame.
    rules = [(90, 183, 180, 184), (180, 183, 500, 184), (90, 206, 500, 207), (90, 229, 500, 230),
             (90, 183, 91, 230), (179, 183, 180, 230), (499, 183, 500, 230),
             (33, 33, 560, 34), (33, 780, 560, 781), (33, 33, 34, 781), (559, 33, 560, 781)]
    label, value, title = (100, 190, 140, 200), (200, 213, 300, 223), (100, 60, 300, 75)
    assert ruled_cells(rules, [label, value, title]) == [(90.5, 183.5, 179.5, 206.5), (179.5, 206.5, 499.5, 229.5)]


def test_a_bracketed_note_says_nothing_as_a_value_whoever_reads_it():
    # The model's entities pass the same check as the rules' (values.read_value).
    from licex.fields.values import has_value, read_value

    assert not has_value("【依")
    assert read_value("ACCESS_PROVIDER", NOTE) is None
    assert read_value("ACCESS_PROVIDER", "中国电信股份有限公司南京分公司") == "中国电信股份有限公司南京分公司"


def test_a_layout_row_between_the_halves_of_a_wrapped_cell_keeps_its_own_cells(extract):
    # pdftotext -layout centres a row between the two lines of the cell that wrapped beside it:
    # the line below is not the rest of the row's last cell.
    text = ("增值电信业务经营许可证(附页)\n经营许可证编号: B2-20069947\n\n"
            "网站名称            网站域名           服务器放置地               接入服务商\n"
            "                                                    惠派国际公司科技有限\n"
            "MBP软件官网         www.weina.cn   河南省\n"
            "                                                    公司\n")
    [website] = extract(text).fields()["websites"]
    assert (website["name"], website["domain"], website["server_location"]) == ("MBP软件官网", "www.weina.cn", "河南省")
