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
