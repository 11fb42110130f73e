"""Every website of a 附页 (issue 27): the record's `websites` list, read from records of the form
before (one `website`), folded a row at a time, scored a field at a time over every website."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licex.evaluation.records import evaluate, field_values
from licex.fields.fold import Finding, fold
from licex.fields.record import LicenseRecord, record_field, websites_listed

ROOT = Path(__file__).resolve().parent.parent
GOLD_RECORDS = sorted([*ROOT.glob("corpus/records/*.record.json"), *ROOT.glob("corpus/documents/records/*.record.json"),
                       *ROOT.glob("tests/data/producers/*.record.json")])
A = {"name": "云帆资讯网", "domain": "www.yunfan-news.cn", "server_location": "江苏省南京市",
     "access_provider": "中国电信股份有限公司南京分公司"}
B = {"name": "云帆商城", "domain": "shop.yunfan.cn", "server_location": "江苏省", "access_provider": "南京云图信息有限公司"}


def _findings(*sites: dict[str, str]) -> list[Finding]:
    labels = {"name": "WEBSITE_NAME", "domain": "DOMAIN", "server_location": "SERVER_LOCATION",
              "access_provider": "ACCESS_PROVIDER"}
    return [Finding(labels[key], value) for site in sites for key, value in site.items()]


def test_each_row_of_the_website_table_is_a_website():
    record = fold(_findings(A, B))
    assert [site.model_dump() for site in record.websites] == [A, B]
    assert record.evidence == {}
    assert set(fold(_findings(A, B)).model_dump()) >= {"websites"}


def test_a_website_without_a_name_is_a_website_still():
    nameless = {key: value for key, value in B.items() if key != "name"}
    assert [site.model_dump(exclude_none=True) for site in fold(_findings(A, nameless)).websites] == [A, nameless]


def test_a_repeated_website_is_read_once_and_a_cell_read_twice_opens_no_website():
    findings = [*_findings(A), Finding("DOMAIN", A["domain"]), *_findings(B), *_findings(A)]
    assert [site.model_dump() for site in fold(findings).websites] == [A, B]


def test_a_record_of_the_form_before_is_read_as_a_list_of_its_one_website():
    evidence = [{"start": 3, "end": 8, "text": "云帆资讯网", "component": "licex_field_rules"}]
    old = {"company_name": "甲公司", "website": A, "shareholders": [], "evidence": {"website.name": evidence},
           "confidence": {"website.name": 0.9}, "needs_review": [{"field": "website.name", "reason": "r"}]}
    record = LicenseRecord.model_validate(old)
    assert [site.model_dump() for site in record.websites] == [A]
    assert record.evidence["websites[0].name"][0].text == "云帆资讯网"
    assert record.confidence == {"websites[0].name": 0.9}
    assert record.needs_review[0].field == "websites[0].name"
    assert list(websites_listed(old))[:3] == ["company_name", "websites", "shareholders"]  # in its place
    assert LicenseRecord.model_validate({"website": None}).websites == []
    assert "website" not in record.to_json_dict()


def test_a_record_path_of_a_website_is_a_field_of_the_websites():
    assert record_field("websites[1].domain") == record_field("website.domain") == "websites.domain"


def test_websites_are_scored_a_field_at_a_time_over_every_website():
    gold = {"websites": [A, B]}
    both = evaluate({"d": gold}, {"d": {"websites": [B, A]}})  # order is no error
    assert both.misses == [] and both.fields["websites.domain"].correct == 1
    one = evaluate({"d": gold}, {"d": {"website": A}})  # a prediction of the form before
    assert {m.field for m in one.misses} == {"websites.name", "websites.domain", "websites.server_location",
                                            "websites.access_provider"}
    assert field_values({"website": A})["websites.name"] == field_values({"websites": [A]})["websites.name"]


@pytest.mark.parametrize("path", GOLD_RECORDS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_gold_record_reads_in_the_current_form(path):
    """Gold records (some partial: clauses without offsets) are scored as the record model reads them."""
    data = json.loads(path.read_text("utf-8"))
    old = data.get("website")
    assert websites_listed(data).get("websites", []) == ([old] if old else data.get("websites", []))
    values = field_values(data)
    for key in ("name", "domain", "server_location", "access_provider"):
        if f"websites.{key}" in values:
            assert values[f"websites.{key}"] == ((old[key],) if old and old.get(key) else None)


# -- the website table as other producers print it (issue 26) --------------------------------------

PAGE = "增值电信业务经营许可证（附页）\n许可证编号：粤B2-20192506\n"
JIAHE = {"name": "佳禾官网", "domain": "www.yangchen.cn", "server_location": "新疆维吾尔自治区",
         "access_provider": "惠派国际公司传媒有限公司"}
CHAOYI = {"name": "超艺网", "domain": "www.huangwan.com", "server_location": "黑龙江省郑州市",
          "access_provider": "浙大万朋网络有限公司"}
QIXI = {"name": "七喜云平台", "domain": "xiongxie.net", "server_location": "安徽省", "access_provider": "联通时科科技有限公司"}
SHAREHOLDERS = "序号\t股东名称\t证照号码\t出资比例\n1\t文莉\t450100195312025330\t51%\n"


@pytest.mark.parametrize("table", [
    # licex's reading of a browser-printed grid: tab cells, the shareholder table right after
    "网站名称\t网站域名\t服务器放置地\t网站接入服务提供单位\n"
    "佳禾官网\twww.yangchen.cn\t新疆维吾尔自治区\t惠派国际公司传媒有限公司\n" + SHAREHOLDERS,
    # pdftotext -layout: one space between narrow header cells, runs of them between the others
    "网站名称 网站域名            服务器放置地   网站接入服务提供单位\n"
    "佳禾官网 www.yangchen.cn 新疆维吾尔自治区 惠派国际公司传媒有限公司\n" + SHAREHOLDERS,
    # licex's reading of an unruled grid whose first two columns print close: one space between
    # them, tabs between the others, in the header and in the row
    "网站名称 网址\t服务器放置地\t网站接入服务提供单位\n"
    "佳禾官网 www.yangchen.cn\t新疆维吾尔自治区\t惠派国际公司传媒有限公司\n" + SHAREHOLDERS,
    # pdftotext: the header cells that did not fit on its line, one a line
    "网站名称 网站域名\n服务器放置地\n网站接入服务提供单位\n"
    "佳禾官网 www.yangchen.cn 新疆维吾尔自治区 惠派国际公司传媒有限公司\n序号\n1\n",
    # pypdfium2 of a Writer table: the last header cell and its value wrapped in their cells
    "网站名称 网站域名 服务器放置地\n网站接入服务提供单\n位\n佳禾官网 www.yangchen.cn 新疆维吾尔自治区\n"
    "惠派国际公司传媒有\n限公司\n" + SHAREHOLDERS,
    # pdftotext: the header cells one a line, the page header printed among them, then the cells
    "网站名称\n\n网站域名\n\n服务器放置地\n\n编号：川B2-20160993\n网站接入服务提供单位\n\n佳禾官网\n\nwww.yangchen.cn\n\n"
    "新疆维吾尔自治区\n\n惠派国际公司传媒有限公司\n\n特别规定事项\n",
])
def test_a_flattened_website_grid_reads_each_value_by_its_shape(extract, table):
    assert extract(PAGE + table).fields()["websites"] == [JIAHE]


@pytest.mark.parametrize("table", [
    # pdftotext: the header on two lines, a row's cells on three
    "网站名称 网址\n服务器放置地 网站接入服务提供单位\n超艺网\nwww.huangwan.com 黑龙江省郑州市 浙大万朋网络有限公司\n"
    "七喜云平台 xiongxie.net\n安徽省\n联通时科科技有限公司\n",
    # pypdfium2: cells one a line where they wrapped
    "网站名称 网址 服务器放置地\n网站接入服务提供单\n位\n超艺网\nwww.huangwan.com\n黑龙江省郑州市\n浙大万朋网络有限公\n司\n"
    "七喜云平台 xiongxie.net 安徽省\n联通时科科技有限公\n司\n",
])
def test_each_row_of_a_flattened_website_grid_is_a_website(extract, table):
    assert extract(PAGE + table + "特别规定事项\n").fields()["websites"] == [CHAOYI, QIXI]


def test_a_cell_wrapped_around_its_row_is_one_value_of_its_halves(extract):
    # pdftotext -layout centres a row between the halves of a taller cell beside it
    table = ("                                网站接入服务提供\n网站名称    网站域名          服务器放置地\n"
             "                                单位\n\n                                惠派国际公司传媒有\n"
             "佳禾官网   www.yangchen.cn 新疆维吾尔自治区\n                                限公司\n")
    result = extract(PAGE + table)
    assert result.fields()["websites"] == [JIAHE]
    [evidence] = result.evidence("websites[0].access_provider")  # from the first half to the second
    assert evidence.startswith("惠派国际公司传媒有\n佳禾官网") and evidence.endswith("\n" + " " * 32 + "限公司")


def test_a_provider_named_after_its_province_is_no_server_location(extract):
    table = "网站名称 网址 服务器放置地 网站接入服务提供单位\n佳禾官网 www.yangchen.cn 江苏省 江苏云联科技有限公司\n"
    [site] = extract(PAGE + table).fields()["websites"]
    assert (site["server_location"], site["access_provider"]) == ("江苏省", "江苏云联科技有限公司")


# -- the generator: a provincial 附页 lists one to three websites ------------------------------------

def test_a_provincial_licence_may_list_several_websites_and_the_rules_read_each(rules_nlp):
    from licex.corpus.synth.document import doc_seed, generate_one
    from licex.jobs.pipeline import read_as_licence

    counts = {}
    for index in (2, 6, 21):  # seed 7's provincial licences of one, two and three websites
        text, _, record = generate_one(doc_seed(7, index), variant="provincial")
        counts[index] = len(record.websites)
        assert read_as_licence(rules_nlp, text)._.license_record["websites"] == [
            site.model_dump() for site in record.websites]
        assert all(site.domain in text for site in record.websites)
    assert counts == {2: 1, 6: 2, 21: 3}


def test_the_ordinary_draw_lists_one_website_at_most():
    from licex.corpus.synth.document import doc_seed, generate_one

    assert {len(generate_one(doc_seed(7, index))[2].websites) for index in range(12)} <= {0, 1}


def test_an_access_provider_wrapped_below_its_label_reads_whole(extract):
    # pdftotext of a Writer 附页 whose last column did not fit: its label and value one a line, wrapped
    table = ("网站名称\n\n网址\n\n服务器放置地\n\n佳禾官网\n\nwww.yangchen.cn\n\n新疆维吾尔自治区\n\n"
             "网站接入服务提供\n单位\n惠派国际公司传媒有限\n公司\n\n特别规定事项\n")
    assert extract(PAGE + table).fields()["websites"] == [JIAHE]


@pytest.mark.parametrize("printed", ["www.huangwan.co\nm", "www.huangwan.co m"])
def test_a_domain_wrapped_in_its_cell_reads_whole(printed):
    from licex.fields.values import read_value

    assert read_value("DOMAIN", printed) == "www.huangwan.com"
    assert read_value("DOMAIN", "www.a.cn www.b.cn") is None  # two domains are no one


def test_a_wrapped_access_provider_ends_with_its_company_name(extract):
    # pdftotext: the last column after the others, its label and each row's value wrapped
    table = ("网站名称\n\n网址\n\n服务器放置地\n\n佳禾官网\n\nwww.yangchen.cn\n\n新疆维吾尔自治区\n\n"
             "网站接入服务提供\n单位\n惠派国际公司传媒有限\n公司\n联通时科科技有限公司\n\n特别规定事项\n")
    assert extract(PAGE + table).fields()["websites"] == [JIAHE]


def test_a_domain_wrapped_around_its_row_under_a_header_set_one_space_in_reads_whole(extract):
    # pdftotext -layout of a Writer 附页: the header one space in, the domain's cell wrapped around
    # the row (www.xiulanfu.c above it, n below)
    text = ("增值电信业务经营许可证\n附页\n许可证编号：B2-20111419\n\n"
            " 网站名称         网站域名             服务器放置地   接入服务商\n\n\n"
            "              www.xiulanfu.c\n"
            " 合联电子官网                        江西省宁德市   四通网络有限公司\n"
            "              n\n\n")
    assert extract(text).fields()["websites"] == [{
        "name": "合联电子官网", "domain": "www.xiulanfu.cn", "server_location": "江西省宁德市",
        "access_provider": "四通网络有限公司"}]
