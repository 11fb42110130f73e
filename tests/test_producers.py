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
    website = extract(WEBSITE_PAGE).fields()["website"]
    assert website == {"name": "云帆资讯网", "domain": "www.yunfan-news.cn", "server_location": "江苏省南京市",
                       "access_provider": "中国电信股份有限公司南京分公司"}


def test_a_licence_number_with_a_space_after_its_province_reads_whole(extract):
    assert extract(WEBSITE_PAGE).fields()["license_no"] == "苏B2-20180123"


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
