"""The rule pipeline on synthetic licence fragments, one layout case at a time.

Every company, person and number here is invented. Each test states the full record it expects
(see conftest.Extracted.fields) and, through the `extract` fixture, that every entity, clause
and evidence offset points into the original text.
"""

from __future__ import annotations

import pytest

from licex.text.layout import Layout, TextView

B25 = "第二类增值电信业务中的信息服务业务"
CLAUSES_1_2 = (
    "一、你公司应当遵守《中华人民共和国电信条例》等行业管理规定。\n"
    "二、你公司应当按照许可的业务种类和业务覆盖范围开展经营活动。\n"
)


# -- 1. markdown ----------------------------------------------------------------------------------

MARKDOWN = f"""# 中华人民共和国增值电信业务经营许可证

| 经营许可证编号 | 京B2-20190001 |
|---|---|
| 公司名称 | 北京星河数字科技有限公司 |
| **法定代表人** | 王小明 |
| 注册资本 | 1000万元 |
| 注册住所 | 北京市朝阳区望京街10号 |
| 业务种类 | {B25}（仅限互联网信息服务） |
| 业务覆盖范围 | 北京市 |
| 发证日期 | 2019年3月1日 |
| 有效期至 | 2024年3月1日 |

## 特别规定事项

{CLAUSES_1_2}"""


def test_markdown_headings_and_table(extract):
    result = extract(MARKDOWN)
    assert result.fields() == {
        "license_no": "京B2-20190001",
        "company_name": "北京星河数字科技有限公司",
        "legal_representative": "王小明",
        "registered_capital_cny": 10_000_000,
        "registered_address": "北京市朝阳区望京街10号",
        "businesses": [("B25", ["仅限互联网信息服务"], "北京市")],
        "issue_date": "2019-03-01",
        "expiry_date": "2024-03-01",
    }
    assert result.clauses() == [("一", "GEN_LEGAL_COMPLIANCE", None), ("二", "GEN_SCOPE", None)]
    assert result.evidence("company_name") == ["北京星河数字科技有限公司"]
    assert result.clause_text("二").startswith("二、") and result.clause_text("二").endswith("开展经营活动。")


# -- 2. HTML ------------------------------------------------------------------------------------

HTML = f"""<html><body>
<h1>中华人民共和国增值电信业务经营许可证</h1>
<p>经营许可证编号：沪B2-20200123</p>
<table>
<tr><td>公司名称</td><td>上海云帆网络科技有限公司</td></tr>
<tr><td>法定代表人</td><td>李&nbsp;雷</td></tr>
<tr>
  <td>注册资本</td>
  <td>人民币伍佰万元</td>
</tr>
<tr><td>注册住所</td><td>上海市浦东新区张江路88号</td></tr>
<tr><td>业务种类</td><td>第一类增值电信业务中的互联网数据中心业务<br>{B25}（不含互联网信息服务）</td></tr>
<tr><td>业务覆盖范围</td><td>上海市</td></tr>
</table>
<p>发证日期：2020年8月8日</p><p>有效期至：2025年8月8日</p>
<p>特别规定事项</p>
<p>一、你公司应当遵守《中华人民共和国电信条例》等行业管理规定。</p>
<p>二、你公司应当在每年第一季度参加经营许可证年报。</p>
</body></html>
"""


def test_html_fragments(extract):
    result = extract(HTML)
    assert result.fields() == {
        "license_no": "沪B2-20200123",
        "company_name": "上海云帆网络科技有限公司",
        "legal_representative": "李雷",
        "registered_capital_cny": 5_000_000,
        "registered_address": "上海市浦东新区张江路88号",
        # One coverage printed after both businesses covers both.
        "businesses": [("B11", [], "上海市"), ("B25", [], "上海市", ["互联网信息服务"])],
        "issue_date": "2020-08-08",
        "expiry_date": "2025-08-08",
    }
    assert result.evidence("legal_representative") == ["李&nbsp;雷"]  # evidence is the original text
    assert result.clauses() == [("一", "GEN_LEGAL_COMPLIANCE", None), ("二", "GEN_ANNUAL_REPORT", None)]
    assert result.clause_text("二") == "二、你公司应当在每年第一季度参加经营许可证年报。"


def test_view_maps_html_and_markdown_back_to_the_original():
    original = "<tr>\n  <td>法定代表人</td>\n  <td>李&nbsp;雷</td>\n</tr>\n| 公司名称 | 甲 |"
    view = TextView.of(original)
    assert view.text == "\n\t法定代表人\t李 雷\n\n\n\t 公司名称 \t 甲 \t"
    start = view.text.index("李")
    assert original[slice(*view.original_span(start, start + 3))] == "李&nbsp;雷"
    assert len(view.origin) == len(view.text)
    # Line breaks inside a cell keep the row on one line.
    assert TextView.of("<td>机房所在地为<br>上海</td><td>全国</td>").text == "\t机房所在地为 上海\t全国"


# -- 3. and 4. page headers and signature blocks inside the 特别规定事项 -----------------------------

PAGED = """中华人民共和国增值电信业务经营许可证
经营许可证编号：粤B1-20210077
公司名称：广州海岸线网络有限公司
法定代表人：赵 六
业务种类：第一类增值电信业务中的互联网接入服务业务
业务覆盖范围：广东省
签发人：
钱 学
发证日期：2021年7月1日
有效期至：2026年7月1日

经营许可证编号：粤B1-20210077
特别规定事项
一、你公司应当遵守《中华人民共和国电信条例》等行业管理规定。
二、你公司应当在每年第一季度参加电信主管部门组织的经营许可证年
司（局）负责人：
张 三
2021年7月1日
公司代表：李四
二〇二一年七月二日
第 1 页 共 2 页
经营许可证编号：粤B1-20210077
特别规定事项
报。
三、你公司在经营互联网接入服务业务时应当遵守下列规定：
（一）你公司应当通过国家批准的经营性互联网网络进行国际联网。
司(局)负责人（签字）:
王 五
公司代表:
年 月 日
年 月 日
经营许可证编号：粤B1 - 20210077  第2页 共3页
《特别规定事项》
（二）你公司应当严格执行网站先备案后接入的原则。
司(局)负责人:
公司代表:
年 月 日
"""


def test_page_header_inside_a_clause_leaves_one_clause(extract):
    result = extract(PAGED)
    assert result.clauses() == [
        ("一", "GEN_LEGAL_COMPLIANCE", None),
        ("二", "GEN_ANNUAL_REPORT", None),  # 年 | page break | 报: the keyword is read across the break
        ("三", "BIZ_SECTION_HEADER", "B14"),
        ("三(一)", "BIZ_INTERNATIONAL_ACCESS", "B14"),
        ("三(二)", "BIZ_SITE_FILING", "B14"),
    ]
    two = result.clause_text("二")
    assert two.startswith("二、你公司") and two.endswith("许可证年\n司（局）负责人：\n张 三\n2021年7月1日\n公司代表：李四\n"
                                                       "二〇二一年七月二日\n第 1 页 共 2 页\n"
                                                       "经营许可证编号：粤B1-20210077\n特别规定事项\n报。")


def test_signature_blocks_are_neither_clause_ends_nor_field_values(extract):
    result = extract(PAGED)
    assert result.fields() == {
        "license_no": "粤B1-20210077",
        "company_name": "广州海岸线网络有限公司",
        "legal_representative": "赵六",
        "businesses": [("B14", [], "广东省")],
        "signer": "钱学",
        "issue_date": "2021-07-01",
        "expiry_date": "2026-07-01",
    }
    for number in ("三(一)", "三(二)"):
        assert result.clause_text(number).endswith("。")
    # The page-header numbers are read (a model may need them) but the record keeps the first.
    assert result.evidence("license_no") == ["粤B1-20210077"]
    assert [e.text for e in result.doc.ents if e.label_ in ("SIGNER", "LEGAL_REP", "ISSUE_DATE")] == [
        "赵 六", "钱 学", "2021年7月1日"]


# -- 5. a label and its value --------------------------------------------------------------------

LABEL_VALUE_FORMS = {
    "half-width colon": "经营许可证编号:京B2-20180456\n公司名称:北京木棉花网络科技有限公司\n法定代表人:周 杰\n"
                        "注册资本:人民币1000万元\n发证日期:2018年5月6日\n",
    "full-width colon": "经营许可证编号：京B2-20180456\n公司名称：北京木棉花网络科技有限公司\n法定代表人 ： 周 杰\n"
                        "注册资本：人民币1000万元\n发证日期：2018年5月6日\n",
    "no colon": "经营许可证编号 京B2-20180456\n公司名称 北京木棉花网络科技有限公司\n法定代表人 周 杰\n"
                "注册资本 人民币1000万元\n发证日期 2018年5月6日\n",
    "next line": "经营许可证编号\n京B2-20180456\n公司名称\n北京木棉花网络科技有限公司\n法定代表人\n\n周 杰\n"
                 "注册资本：\n人民币1000万元\n发证日期：\n2018年5月6日\n",
    "tab cells": "经营许可证编号\t京B2-20180456\n公司名称\t北京木棉花网络科技有限公司\t法定代表人\t周 杰\n"
                 "注册资本\t人民币1000万元\t发证日期\t2018年5月6日\n",
    "html cells": "<table><tr><td>经营许可证编号</td><td>京B2-20180456</td></tr>\n"
                  "<tr><td>公司名称</td><td>北京木棉花网络科技有限公司</td><td>法定代表人</td><td>周 杰</td></tr>\n"
                  "<tr><th>注册资本</th><td>人民币1000万元</td></tr><tr><th>发证日期</th><td>2018年5月6日</td></tr></table>",
    "one-line header": "经营许可证编号：京B2-20180456 公司名称：北京木棉花网络科技有限公司 法定代表人：周 杰 "
                       "注册资本：人民币1000万元 发证日期：2018年5月6日\n",


    "one-line header without colons": "经营许可证编号 京B2-20180456 公司名称 北京木棉花网络科技有限公司 "
                                      "法定代表人 周 杰 注册资本 人民币1000万元 发证日期 2018年5月6日\n",
}


@pytest.mark.parametrize("form", LABEL_VALUE_FORMS)
def test_label_and_value_forms(extract, form):
    result = extract("增值电信业务经营许可证\n" + LABEL_VALUE_FORMS[form])
    assert result.fields() == {
        "license_no": "京B2-20180456",
        "company_name": "北京木棉花网络科技有限公司",
        "legal_representative": "周杰",
        "registered_capital_cny": 10_000_000,
        "issue_date": "2018-05-06",
    }
    assert result.evidence("legal_representative") == ["周 杰"]


def test_wrapped_name_and_address_run_on_to_the_next_label(extract):
    text = ("公司名称：北京松果互联网络\n科技有限公司\n法定代表人：吴敏\n注册住所：北京市海淀区中关村\n  大街1号A座101室\n\n"
            "根据《中华人民共和国电信条例》，准许你公司经营。\n")
    result = extract(text)
    assert result.fields() == {"company_name": "北京松果互联网络科技有限公司", "legal_representative": "吴敏",
                               "registered_address": "北京市海淀区中关村大街1号A座101室"}
    assert result.evidence("company_name") == ["北京松果互联网络\n科技有限公司"]
    # Running text after a value is no continuation of it.
    assert extract("公司名称：北京松果科技有限公司\n根据《中华人民共和国电信条例》，准许你公司经营。\n").fields() == {
        "company_name": "北京松果科技有限公司"}


def test_dates_in_chinese_numerals(extract):
    text = "发证日期：\n二〇二四年十一月十四日\n有效期至：二〇二九年十一月十三日\n"
    assert extract(text).fields() == {"issue_date": "2024-11-14", "expiry_date": "2029-11-13"}


def test_validity_period_gives_the_expiry_date(extract):
    result = extract("经营许可证编号：京B2-20180456\n有效期：2018年5月6日至2023年5月5日\n")
    assert result.fields() == {"license_no": "京B2-20180456", "expiry_date": "2023-05-05"}


def test_running_text_holds_no_labels(extract):
    text = ("经营许可证编号：京B2-20180456\n"
            "根据《中华人民共和国电信条例》，准许你公司按照本经营许可证载明的公司名称和注册资本经营增值电信业务。\n")
    assert extract(text).fields() == {"license_no": "京B2-20180456"}
    spaced_out = "经营许可证编号：京B2-20180456\n准 许 你 公 司 按 照 载 明 的 公 司 名 称 和 注 册 资 本 经 营 。\n"
    assert extract(spaced_out).fields() == {"license_no": "京B2-20180456"}


# -- 6. spaced-out labels, full-width forms, OCR spaces -----------------------------------------

SPACED = """中 华 人 民 共 和 国 增 值 电 信 业 务 经 营 许 可 证
经 营 许 可 证 编 号 ： 川B2－２０２０００８８
公 司 名 称 ： 成都 蓝 鲸 数据 服务 有限公司
法 定 代 表 人   郑 成 功
注 册 资 本 ： 人民币 贰仟万 元
注 册 住 所 ： 成都市高新区天府大道１００号
业 务 种 类 ： 第二类增值电信业务中的信息 服务业务（不含互联网信息服务）
业 务 覆 盖 范 围 ： 四川省
发 证 日 期 ： ２０２０年１１月３０日
有 效 期 至 ： ２０２５年１１月３０日
"""


def test_spaced_labels_full_width_forms_and_ocr_spaces(extract):
    result = extract(SPACED)
    assert result.fields() == {
        "license_no": "川B2-20200088",
        "company_name": "成都蓝鲸数据服务有限公司",
        "legal_representative": "郑成功",
        "registered_capital_cny": 20_000_000,
        "registered_address": "成都市高新区天府大道100号",
        "businesses": [("B25", [], "四川省", ["互联网信息服务"])],
        "issue_date": "2020-11-30",
        "expiry_date": "2025-11-30",
    }
    assert result.evidence("issue_date") == ["２０２０年１１月３０日"]
    assert result.evidence("businesses[0].excluded_items[0]") == ["不含互联网信息服务"]


# -- 7a. the business list on a 附页 --------------------------------------------------------------

NUMBERED_LIST = """中华人民共和国增值电信业务经营许可证
经营许可证编号：B1-20220001
公司名称：北京千帆云网科技有限公司
业务种类：（见附页）
业务覆盖范围：（见附页）

经营许可证编号：B1-20220001
中华人民共和国增值电信业务经营许可证（附页）
北京千帆云网科技有限公司获准经营的业务种类、服务项目和业务覆盖范围：
一、第一类增值电信业务中的互联网数据中心业务
服务项目：不含互联网资源协作服务。
业务覆盖范围：机房所在地为北京、上海。
二、第一类增值电信业务中的内容分发网络业务
业务覆盖范围：全国。
三、第二类增值电信业务中的国内呼叫中心业务
业务覆盖范围：北京、上海2直辖市以及南京、武汉、广州、深圳、成都、西安6城市。
"""


def test_business_list_with_coverage(extract):
    result = extract(NUMBERED_LIST)
    assert result.fields() == {
        "license_no": "B1-20220001",
        "company_name": "北京千帆云网科技有限公司",
        "businesses": [
            ("B11", [], "机房所在地为北京、上海", ["互联网资源协作服务"]),
            ("B12", [], "全国"),
            ("B24", ["国内呼叫中心业务"], "北京、上海2直辖市以及南京、武汉、广州、深圳、成都、西安6城市"),
        ],
    }


BUSINESS_TABLES = {
    "tab": "业务种类\t服务项目\t业务覆盖范围\n"
           "信息服务业务\t仅限互联网信息服务\t北京市\n"
           "第一类增值电信业务中的互联网数据中心业务\t不含互联网资源协作服务\t机房所在地为深圳、广州\n"
           "第二类增值电信业务中的国内呼叫中心业务\t\t全国\n",
    "markdown": "| 序号 | 业务种类 | （服务项目） | 业务覆盖范围 |\n| --- | --- | --- | --- |\n"
                "| 1 | 信息服务业务 | 仅限互联网信息服务 | 北京市 |\n"
                "| 2 | 第一类增值电信业务中的互联网数据中心业务 | 不含互联网资源协作服务 | 机房所在地为<br>深圳、广州 |\n"
                "| 3 | 第二类增值电信业务中的国内呼叫中心业务 |  | 全国 |\n",
    # pdftotext -layout keeps columns by padding with spaces; an empty cell is only a wider gap.
    "aligned with spaces": "".join(
        f"{kind:<24}{items:<16}{coverage}\n"
        for kind, items, coverage in [
            ("业务种类", "服务项目", "业务覆盖范围"),
            ("信息服务业务", "仅限互联网信息服务", "北京市"),
            ("第一类增值电信业务中的互联网数据中心业务", "不含互联网资源协作服务", "机房所在地为深圳、广州"),
            ("第二类增值电信业务中的国内呼叫中心业务", "", "全国"),
        ]),
    "html": "<table>\n  <tr>\n    <th>业务种类</th>\n    <th>服务项目</th>\n    <th>业务覆盖范围</th>\n  </tr>\n"
            "  <tr><td>信息服务业务</td><td>仅限互联网信息服务</td><td>北京市</td></tr>\n"
            "  <tr>\n    <td>第一类增值电信业务中的互联网数据中心业务</td>\n    <td>不含互联网资源协作服务</td>\n"
            "    <td>机房所在地为深圳、<br>广州</td>\n  </tr>\n"
            "  <tr><td>第二类增值电信业务中的国内呼叫中心业务</td><td></td><td>全国</td></tr>\n</table>\n",
}


@pytest.mark.parametrize("form", BUSINESS_TABLES)
def test_business_table_is_read_by_column(extract, form):
    text = ("经营许可证编号：B2-20200555\n公司名称：深圳飞鱼互动科技有限公司\n业务种类：（见附页）\n\n"
            "增值电信业务经营许可证（附页）\n深圳飞鱼互动科技有限公司获准经营的业务种类、服务项目和业务覆盖范围：\n"
            + BUSINESS_TABLES[form] + "网站名称：飞鱼网\n")
    result = extract(text)
    assert result.fields() == {
        "license_no": "B2-20200555",
        "company_name": "深圳飞鱼互动科技有限公司",
        "businesses": [
            ("B25", ["仅限互联网信息服务"], "北京市"),
            ("B11", [], "机房所在地为深圳、广州", ["互联网资源协作服务"]),
            ("B24", ["国内呼叫中心业务"], "全国"),
        ],
        "websites": [{"name": "飞鱼网", "domain": None, "server_location": None, "access_provider": None}],
    }


# -- 7b. the website page ------------------------------------------------------------------------

WEBSITE_FORMS = {
    "lines": "网站名称：青禾网\n网站域名：www.qinghe-example.com\n服务器放置地：北京\n接入服务商：北京某某云计算有限公司\n",
    "next lines": "网站名称\n青禾网\n网站域名\nwww.qinghe-example.com\n服务器放置地点\n北京\n"
                  "接入服务商\n北京某某云计算有限公司\n",
    "tab cells": "网站名称\t青禾网\n网站域名\twww.qinghe-example.com\n服务器放置地\t北京\n接入服务商\t北京某某云计算有限公司\n",
    "html cells": "<table><tr><td>网站名称</td><td>青禾网</td></tr><tr><td>网站域名</td>"
                  "<td>www.qinghe-example.com</td></tr>\n<tr><td>服务器放置地</td><td>北京</td></tr>"
                  "<tr><td>接入服务商</td><td>北京某某云计算有限公司</td></tr></table>\n",
    "html columns": "<table><tr><th>网站名称</th><th>网站域名</th><th>服务器放置地</th><th>接入服务商</th></tr>\n"
                    "<tr><td>青禾网</td><td>www.qinghe-example.com</td><td>北京</td><td>北京某某云计算有限公司</td></tr>"
                    "</table>\n",
    "tab columns": "序号\t网站名称\t网站域名\t服务器放置地\t接入服务商\n"
                   "1\t青禾网\twww.qinghe-example.com\t北京\t北京某某云计算有限公司\n",
    "one line": "网站名称：青禾网 网站域名：www.qinghe-example.com 服务器放置地：北京 接入服务商：北京某某云计算有限公司\n",
}


@pytest.mark.parametrize("title", ["增值电信业务经营许可证（附页）\n", ""])
@pytest.mark.parametrize("form", WEBSITE_FORMS)
def test_website_page(extract, form, title):
    # The website page follows the 特别规定事项; without its title, its first line ends them.
    text = ("中华人民共和国增值电信业务经营许可证\n经营许可证编号：京B2-20190001\n公司名称：北京青禾信息技术有限公司\n"
            f"业务种类：{B25}（仅限互联网信息服务）\n业务覆盖范围：北京市\n\n"
            "经营许可证编号：京B2-20190001\n特别规定事项\n" + CLAUSES_1_2 + "\n" + title + WEBSITE_FORMS[form])
    result = extract(text)
    assert result.fields() == {
        "license_no": "京B2-20190001",
        "company_name": "北京青禾信息技术有限公司",
        "businesses": [("B25", ["仅限互联网信息服务"], "北京市")],
        "websites": [{"name": "青禾网", "domain": "www.qinghe-example.com", "server_location": "北京",
                      "access_provider": "北京某某云计算有限公司"}],
    }
    assert [c[0] for c in result.clauses()] == ["一", "二"]
    assert result.clause_text("二").endswith("开展经营活动。")


# -- 7c. shareholder tables ----------------------------------------------------------------------

SHAREHOLDER_TABLES = {
    "tab": "股东姓名（名称）\t证照号码\t出资比例\n"
           "杭州青柠控股集团有限公司\t91330106MA27XYZ12K\t33.33%\n"
           "上海某某投资管理合伙企业（有限合伙）\t91310115MA1H9ABC3Q\t33.33%\n"
           "张 三\t330102198001011234\t33.34%\n",
    "html": "<table>\n<tr><th>序号</th><th>股东名称</th><th>证照号码</th><th>出资比例</th></tr>\n"
            "<tr>\n  <td>1</td>\n  <td>杭州青柠控股集团有限公司</td>\n  <td>91330106MA27XYZ12K</td>\n  <td>33.33%</td>\n</tr>\n"
            "<tr><td>2</td><td>上海某某投资管理合伙企业（有限合伙）</td><td>91310115MA1H9ABC3Q</td><td>33.33%</td></tr>\n"
            "<tr><td>3</td><td>张&nbsp;三</td><td>330102198001011234</td><td>33.34％</td></tr>\n</table>\n",
    "markdown": "| 股东 | 证件号码 | 出资比例 |\n|:---|:---:|---:|\n"
                "| 杭州青柠控股集团有限公司 | 91330106MA27XYZ12K | 33.33% |\n"
                "| 上海某某投资管理合伙企业(有限合伙) | 91310115MA1H9ABC3Q | 33.33% |\n"
                "| 张 三 | 330102198001011234 | 33.34 % |\n",
}


@pytest.mark.parametrize("after_clauses", [False, True])
@pytest.mark.parametrize("form", SHAREHOLDER_TABLES)
def test_shareholder_tables(extract, form, after_clauses):
    # After the 特别规定事项 the page may have lost its title: the table still ends the clauses.
    page = "特别规定事项\n" + CLAUSES_1_2 if after_clauses else "中华人民共和国增值电信业务经营许可证（附页）\n"
    text = ("经营许可证编号：B2-20170011\n" + page +
            "杭州青柠科技有限公司股东的基本情况及其出资比例如下：\n\n" + SHAREHOLDER_TABLES[form]
            + "\n注：如遇有限责任公司股东变化，应当自公司作出决定之日起30日内提出申请。\n")
    result = extract(text)
    assert result.fields() == {
        "license_no": "B2-20170011",
        "shareholders": [
            {"name": "杭州青柠控股集团有限公司", "id_number": "91330106MA27XYZ12K", "share_ratio": "33.33%"},
            {"name": "上海某某投资管理合伙企业(有限合伙)", "id_number": "91310115MA1H9ABC3Q", "share_ratio": "33.33%"},
            {"name": "张三", "id_number": "330102198001011234", "share_ratio": "33.34%"},
        ],
    }
    if after_clauses:
        assert result.clause_text("二").endswith("开展经营活动。")


# -- 8. licence numbers and change notes ---------------------------------------------------------


@pytest.mark.parametrize("printed, number", [
    ("京B2-20192917", "京B2-20192917"),
    ("A2.B1.B2-20090003", "A2.B1.B2-20090003"),
    ("B2-2004-0851号", "B2-2004-0851"),
    ("京ICP证030173号", "京ICP证030173号"),
    ("Ｂ１－２０１９５４０２", "B1-20195402"),
])
def test_licence_number_forms(extract, printed, number):
    result = extract(f"经营许可证编号：{printed}\n公司名称：北京老站信息有限公司\n")
    assert result.fields() == {"license_no": number, "company_name": "北京老站信息有限公司"}


def test_licence_number_change_notes(extract):
    text = """中华人民共和国增值电信业务经营许可证
经营许可证编号：A2.B1.B2-20090003
原经营许可证编号：京B2-20150001
公司名称：北京长风通信有限公司

经营许可证编号：A2.B1.B2-20090003
特别规定事项
一、你公司应当遵守《中华人民共和国电信条例》等行业管理规定。
B2-20040851 变更为 A2.B1.B2-20090003。
京ICP证030173号变更为京B2-20150001
"""
    result = extract(text)
    assert result.fields() == {
        "license_no": "A2.B1.B2-20090003",
        "previous_license_nos": ["京B2-20150001", "B2-20040851", "京ICP证030173号"],
        "company_name": "北京长风通信有限公司",
    }
    # The change note ends the 特别规定事项: it is not part of the clause before it.
    assert result.clauses() == [("一", "GEN_LEGAL_COMPLIANCE", None)]
    assert result.clause_text("一").endswith("行业管理规定。")


# -- 9. annual inspections ----------------------------------------------------------------------

INSPECTION_HTML_CELLS = (
    "<p>经审核，你公司 2010 年度年检合格。</p> <p>发证机关（盖章）</p>  <p>2011 年 5 月 6 日</p>\t"
    "<p>经审核，你公司 2011 年度年检合格。</p> <p>发证机关（盖章）</p>  <p>2012 年 6 月 1 日</p>\n"
    "<p>经审核，你公司 年度年检合格。</p> <p>发证机关（盖章）</p> <p>年 月 日</p>\n"
)
INSPECTION_PLAIN = """经审核，你公司2010年度年检合格。
发证机关（盖章）
2011年5月6日
经审核，你公司 2011 年度年检结果为：基本合格。
2012 年 6 月 1 日
"""
INSPECTION_TABLE = (
    "<table><tr><td><p>经审核，你公司2010年度年检合格。</p><p>发证机关（盖章）</p><p>2011年5月6日</p></td>"
    "<td><p>经审核，你公司2011年度年检结果：基本合格</p><p>2012年6月1日</p></td></tr></table>\n"
)


INSPECTION_NUMERAL_DATES = """经审核，你公司2010年度年检合格。
发证机关（盖章）
二〇一一年五月六日
经审核，你公司2011年度年报结果为：基本合格。
二〇一二年六月一日
"""


@pytest.mark.parametrize("entries", [INSPECTION_HTML_CELLS, INSPECTION_PLAIN, INSPECTION_TABLE, INSPECTION_NUMERAL_DATES])
def test_annual_inspections(extract, entries):
    text = "经营许可证编号：B2-20100011\n电信业务经营许可证年检情况记录表\n" + entries
    result = extract(text)
    results = [i["result"] for i in result.record["annual_inspections"]]
    assert [(i["year"], i["date"]) for i in result.record["annual_inspections"]] == [
        (2010, "2011-05-06"), (2011, "2012-06-01")]
    assert results == ["合格", "合格" if entries is INSPECTION_HTML_CELLS else "基本合格"]


INSPECTION_TABLES = {
    "tab": "序号\t年检年度\t年检结果\t年检日期\n1\t2010\t合格\t2011年5月6日\n2\t2011\t基本合格\t2012年6月1日\n",
    "markdown": "| 年度 | 年检结果 | 日期 |\n|---|---|---|\n| 2010年度 | 合格 | 2011年5月6日 |\n"
                "| 2011年度 | 基本合格 | 2012年6月1日 |\n",
    "spaces": "年 度      结 果        盖章日期\n2010       合格         2011年5月6日\n2011       基本合格     2012年6月1日\n",
    "html": "<table><tr><th>年度</th><th>年检结果</th><th>年检日期</th></tr>"
            "<tr><td>2010</td><td>合格</td><td>2011年5月6日</td></tr>"
            "<tr><td>2011</td><td>基本合格</td><td>2012年6月1日</td></tr></table>\n",
}


@pytest.mark.parametrize("form", INSPECTION_TABLES)
def test_annual_inspections_as_a_table(extract, form):
    """A list of inspections typed out as a table (licex.reader.inspection_table.v1): a header row
    naming the year column first, then a row per inspection, until a row without a year."""
    text = ("经营许可证编号：B2-20100011\n电信业务经营许可证年检情况记录表\n" + INSPECTION_TABLES[form]
            + "注：年检情况以发证机关记录为准。\n")
    assert extract(text).record["annual_inspections"] == [
        {"year": 2010, "result": "合格", "date": "2011-05-06"},
        {"year": 2011, "result": "基本合格", "date": "2012-06-01"},
    ]


def test_a_header_without_a_year_column_first_is_no_inspection_table(extract):
    text = ("经营许可证编号：B2-20100011\n电信业务经营许可证年检情况记录表\n"
            "年检日期\t年度\t结果\n2011年5月6日\t2010\t合格\n")
    assert extract(text).record["annual_inspections"] == []


def test_annual_report_wording(extract):
    text = """经营许可证编号：B2-20190022
电信业务经营许可证年报情况记录表
你公司2019年度年报已报送。
2020年3月1日
2020年度年报合格
2021年4月2日
"""
    assert extract(text).record["annual_inspections"] == [
        {"year": 2019, "result": "已报送", "date": "2020-03-01"},
        {"year": 2020, "result": "合格", "date": "2021-04-02"},
    ]


def test_inspection_page_without_title_ends_the_clauses(extract):
    text = ("特别规定事项\n一、你公司应当在每年第一季度参加经营许可证年检。\n"
            "经审核，你公司2018年度年检合格。\n2019年5月1日\n")
    result = extract(text)
    assert result.clause_text("一") == "一、你公司应当在每年第一季度参加经营许可证年检。"
    assert result.record["annual_inspections"] == [{"year": 2018, "result": "合格", "date": "2019-05-01"}]


# -- 10. coverage ---------------------------------------------------------------------------------


@pytest.mark.parametrize("printed, coverage", [
    ("全国", "全国"),
    ("北京、上海2直辖市以及南京、武汉、广州、深圳、成都、西安6城市。", "北京、上海2直辖市以及南京、武汉、广州、深圳、成都、西安6城市"),
    ("机房所在地为北京、天津、上海 3 直辖市", "机房所在地为北京、天津、上海3直辖市"),
    ("北京、天津、河北、山西、内蒙古、辽宁、吉林、黑龙江、上海、江苏、浙江、安徽、福建、江西、山东、河南、湖北\n"
     " 17 省（自治区、直辖市）。", "北京、天津、河北、山西、内蒙古、辽宁、吉林、黑龙江、上海、江苏、浙江、安徽、福建、江西、山东、河南、湖北"
                                "17省(自治区、直辖市)"),
    ("\n北京市、\n天津市", "北京市、天津市"),
])
def test_coverage_forms(extract, printed, coverage):
    text = (f"经营许可证编号：B1-20220002\n业务种类：第一类增值电信业务中的互联网接入服务业务\n"
            f"业务覆盖范围：{printed}\n发证日期：2022年1月1日\n")
    result = extract(text)
    assert result.fields() == {
        "license_no": "B1-20220002",
        "businesses": [("B14", [], coverage)],
        "issue_date": "2022-01-01",
    }


# -- 11. several businesses in one header --------------------------------------------------------


def test_several_businesses_with_restrictions_in_one_header(extract):
    text = """经营许可证编号：B2-20230099
公司名称：上海蓝鲸通信服务有限公司
业务种类：第一类增值电信业务中的互联网接入服务业务（不含网站接入），第二类增值电信业务中的国内呼叫中心业务、信息服务业务（含互联网信息服务，不含固定网电话信息服务）、存储转发类业务、国内多方通信服务业务、在线数据处理与交易处理业务(仅限经营类电子商务)、编码和规程转换业务中的互联网域名解析服务业务
业务覆盖范围：上海市
"""
    result = extract(text)
    assert result.fields()["businesses"] == [
        ("B14", [], "上海市", ["网站接入"]),
        ("B24", ["国内呼叫中心业务"], "上海市"),
        ("B25", ["含互联网信息服务"], "上海市", ["固定网电话信息服务"]),
        ("B23", [], "上海市"),
        ("B22", [], "上海市"),
        ("B21", ["仅限经营类电子商务"], "上海市"),
        ("B26", ["互联网域名解析服务业务"], "上海市"),
    ]
    assert result.evidence("businesses[2].excluded_items[0]") == ["不含固定网电话信息服务"]


def test_service_items_that_read_like_business_names(extract):
    # 互联网信息服务 + 业 务 覆 盖 范 围 on the next line is no 信息服务业务; a business named
    # after 仅限 is the object of the restriction.
    text = ("业 务 种 类：信息服务业务\n服 务 项 目：互联网信息服务\n\n业 务 覆 盖 范 围：全国\n"
            "业务种类：第二类增值电信业务中的呼叫中心业务\n服务项目：仅限国内呼叫中心业务。\n业务覆盖范围：北京市\n")
    assert extract(text).fields()["businesses"] == [
        ("B25", ["互联网信息服务"], "全国"),
        ("B24", ["仅限国内呼叫中心业务"], "北京市"),
    ]


def test_named_sub_services_on_their_own_lines(extract):
    text = ("业务种类：编码和规程转换业务（B26）\n服务项目：互联网域名解析服务业务\n业务覆盖范围：全国\n"
            "业务种类：呼叫中心业务\n服务项目：国内呼叫中心业务；离岸呼叫中心业务\n业务覆盖范围：北京、上海\n")
    assert extract(text).fields()["businesses"] == [
        ("B26", ["互联网域名解析服务业务"], "全国"),
        ("B24", ["国内呼叫中心业务", "离岸呼叫中心业务"], "北京、上海"),
    ]


# -- 12. clause numbering -------------------------------------------------------------------------

NUMBERING = """经营许可证编号：B2-20230099
特别规定事项
《特别规定事项》是经营许可证重要组成部分，你公司应当遵守下列规定事项：
一、你公司应当遵守《中华人民共和国电信条例》等行业管理规定。二、你公司应当按照许可的业务种类和业务覆盖范围开展经营活动。
三、你公司应当在每年第一季度参加经营许可证年报，报送第二、三季度的有关信息。
四、你公司在经营信息服务业务时应当遵守下列规定：
（一）未经批准，你公司不得开展固定网电话信息服务业务。
(二)(适用于信息搜索查询服务)你公司提供信息搜索查询服务时，不得向用户推送违法信息。
（三）（适用于信息即时交互服务）你公司提供信息即时交互服务时，做好资质审核。
五、你公司在经营在线数据处理与交易处理业务时，应当遵守下列规定
（一）你公司应当对用户的基本信息进行备案登记和更新。（二）你公司应当将网络控制、业务、数据处理等有关设施放置在中华人民共和国境内。
"""


def test_clause_numbering_forms(extract):
    result = extract(NUMBERING)
    assert result.clauses() == [
        ("一", "GEN_LEGAL_COMPLIANCE", None),
        ("二", "GEN_SCOPE", None),
        ("三", "GEN_ANNUAL_REPORT", None),
        ("四", "BIZ_SECTION_HEADER", "B25"),
        ("四(一)", "BIZ_NO_FIXED_PHONE_INFO", "B25"),
        ("四(二)", "BIZ_SEARCH", "B25"),
        ("四(三)", "BIZ_INSTANT_MESSAGING", "B25"),
        ("五", "BIZ_SECTION_HEADER", "B21"),
        ("五(一)", "BIZ_USER_REGISTRATION", "B21"),
        ("五(二)", "BIZ_FACILITY_LOCALIZATION", "B21"),
    ]
    assert result.clause_text("一").endswith("行业管理规定。")
    assert result.clause_text("三").endswith("有关信息。")  # 二、三 inside the clause are no clauses
    assert result.clause_text("五(一)") == "（一）你公司应当对用户的基本信息进行备案登记和更新。"


def test_clause_numbers_from_fifteen(extract):
    general = "".join(f"{n}、你公司应当遵守第{n}项行业管理规定。\n" for n in "一二三四五六七八九十")
    general += "十一、你公司应当遵守第十一项规定。\n十二、你公司应当遵守第十二项规定。\n十三、你公司应当遵守第十三项规定。\n"
    text = ("特别规定事项\n" + general + "十四、你公司应当参加年报。\n"
            "十五、你公司在经营互联网数据中心业务时应当遵守下列规定:\n（一）你公司应当对用户的基本信息进行备案登记和更新。\n"
            "十六、你公司在经营在线数据处理与交易处理业务时应当遵守下列规定\n(一)你公司应当建设业务管理系统，通过技术评测。\n")
    assert extract(text).clauses()[-5:] == [
        ("十四", "GEN_ANNUAL_REPORT", None),
        ("十五", "BIZ_SECTION_HEADER", "B11"),
        ("十五(一)", "BIZ_USER_REGISTRATION", "B11"),
        ("十六", "BIZ_SECTION_HEADER", "B21"),
        ("十六(一)", "BIZ_SYSTEM_EVALUATION", "B21"),
    ]


# -- the layout analysis itself ------------------------------------------------------------------


def test_layout_classifies_page_furniture_and_finds_lines():
    layout = Layout.of(PAGED)
    kinds = {line.text.strip(): line.kind for line in layout.lines if line.text.strip()}
    assert kinds["经营许可证编号:粤B1-20210077"] == "page_header"
    assert kinds["特别规定事项"] == "title"
    assert kinds["第 1 页 共 2 页"] == "title"
    for signature in ("司(局)负责人:", "张 三", "2021年7月1日", "公司代表:李四", "二〇二一年七月二日", "年 月 日",
                      "司(局)负责人(签字):", "王 五"):
        assert kinds[signature] == "signature", signature
    assert kinds["经营许可证编号:粤B1 - 20210077  第2页 共3页"] == "page_header"
    assert kinds["《特别规定事项》"] == "title"
    assert kinds["报。"] == "content"
    pos = layout.view.text.index("报。")
    assert layout.line_at(pos).text == "报。"
    assert layout.in_special(pos) and not layout.in_special(layout.view.text.index("公司名称"))


def test_mention_of_the_special_provisions_in_running_text_starts_no_clause_region():
    layout = Layout.of("公司名称：北京甲乙科技有限公司\n本许可证附特别规定事项，共3页。\n法定代表人：王五\n")
    assert layout.special is None


WHOLE_HTML_LICENCE = """<div class="page">
<h2>中华人民共和国增值电信业务经营许可证</h2>
<p>经营许可证编号：京B2-20214567</p>
<p>根据《中华人民共和国电信条例》及国家有关规定，经审查，准许你公司按照本经营许可证（正文和附件）载明的内容经营增值电信业务。</p>
<table border="1">
<tr><td>公&nbsp;司&nbsp;名&nbsp;称</td><td colspan="3">北京松果互联科技有限公司</td></tr>
<tr><td>法定代表人</td><td>吴&nbsp;&nbsp;敏</td><td>注册资本</td><td>人民币500万元</td></tr>
<tr><td>注册住所</td><td colspan="3">北京市海淀区中关村大街1号A座101室</td></tr>
<tr><td>业务种类</td><td colspan="3">第二类增值电信业务中的信息服务业务（仅限互联网信息服务）</td></tr>
<tr><td>业务覆盖范围</td><td colspan="3">北京市</td></tr>
<tr><td>服务项目</td><td colspan="3">互联网信息服务不含新闻、出版、教育、医疗保健、药品和医疗器械等内容</td></tr>
</table>
<p>签发人：李&nbsp;明</p>
<p>发证日期：２０２１年０９月０１日</p><p>有效期至：２０２６年０９月０１日</p>
</div>
<div class="page">
<p>经营许可证编号：京B2-20214567</p>
<p>特别规定事项</p>
<p>一、你公司应当遵守《中华人民共和国电信条例》、《互联网信息服务管理办法》等法律法规要求，履行维护国家安全和利益的义务。</p>
<p>二、你公司应当在每年第一季度参加电信主管部门组织的经营许可证年报。</p>
<p>三、你公司在经营信息服务业务时应当遵守下列规定：</p>
<p>（一）你公司应当按本经营许可证中载明的信息服务项目开展业务。</p>
<p>（二）你公司发布信息服务业务广告时，应当公布你公司名称和经营许可证编号。</p>
<p>司（局）负责人：</p><p>公司代表：</p><p>年　月　日</p>
</div>
<div class="page">
<p>增值电信业务经营许可证（附页）</p>
<table><tr><th>网站名称</th><th>网站域名</th><th>IP地址</th></tr>
<tr><td>松果网</td><td>songguo-example.com</td><td>10.0.0.1</td></tr></table>
</div>
"""


def test_whole_provincial_licence_in_html(extract):
    result = extract(WHOLE_HTML_LICENCE)
    assert result.fields() == {
        "license_no": "京B2-20214567",
        "company_name": "北京松果互联科技有限公司",
        "legal_representative": "吴敏",
        "registered_capital_cny": 5_000_000,
        "registered_address": "北京市海淀区中关村大街1号A座101室",
        # the item permits 互联网信息服务 and excludes the content it names
        "businesses": [("B25", ["仅限互联网信息服务", "互联网信息服务"], "北京市",
                        ["新闻", "出版", "教育", "医疗保健", "药品", "医疗器械等内容"])],
        "issue_date": "2021-09-01",
        "expiry_date": "2026-09-01",
        "signer": "李明",
        "websites": [{"name": "松果网", "domain": "songguo-example.com", "server_location": None, "access_provider": None}],
    }
    assert result.clauses() == [
        ("一", "GEN_LEGAL_COMPLIANCE", None),
        ("二", "GEN_ANNUAL_REPORT", None),
        ("三", "BIZ_SECTION_HEADER", "B25"),
        ("三(一)", "BIZ_SERVICE_ITEMS", "B25"),
        ("三(二)", "BIZ_ADVERTISING", "B25"),
    ]
    assert result.clause_text("三(二)").endswith("经营许可证编号。")


def test_lines_repeated_at_the_top_or_foot_of_the_pages_are_furniture_whatever_their_words(extract):
    """A stamp line no rule knows, at the foot of every page (pages split by form feeds, as
    licex's document reader and pdftotext write them), never runs into a clause or a value."""
    page = "北京市通信管理局监制 第{n}页"
    text = ("特别规定事项\n一、你公司应当遵守有关法律法规，严格执行行业管理规定，\n" + page.format(n=1)
            + "\f履行维护国家安全和利益的义务。\n二、你公司应当妥善处理用户投诉。\n" + page.format(n=2)
            + "\f三、你公司应当在每年第一季度参加经营许可证年报，\n" + page.format(n=3)
            + "\f并按要求报送材料。\n四、你公司应当按照许可的业务种类开展经营活动。\n" + page.format(n=4))
    result = extract(text)
    assert [number for number, _, _ in result.clauses()] == ["一", "二", "三", "四"]
    # A clause ends at its last words, never in the footer after them.
    assert result.clause_text("二").endswith("投诉。") and result.clause_text("四").endswith("经营活动。")
    analysis = result.doc._.licex_analysis
    assert [line.kind for line in analysis.layout.lines if "监制" in line.text] == ["furniture"] * 4
    # The same lines in a text of two pages are content: too few pages to tell.
    two_pages = text[:text.index("\f三")]
    assert all(line.kind == "content" for line in extract(two_pages).doc._.licex_analysis.layout.lines
               if "监制" in line.text)


COVERAGE_AROUND_LABEL = """经营许可证编号: B1-20070275
公司名称            北京蓝汛通信技术有限公司
业务种类            第一类增值电信业务中的互联网数据中心业务
                机房所在地为北京、天津、上海、重庆4直辖市以及大同、长春、哈尔滨、
业务覆盖范围          南京、温州14城市
业务种类            第一类增值电信业务中的互联网接入服务业务
                北京、天津、山西、吉林
业务覆盖范围
                、河南、湖北17省(直辖市)
签发人             尚行
"""


def test_a_coverage_cut_at_its_list_mark_by_a_label_goes_on_after_it(extract):
    """pdftotext -layout of a cell wrapped around a label printed level with its second line."""
    result = extract(COVERAGE_AROUND_LABEL)
    assert result.fields()["businesses"] == [
        ("B11", [], "机房所在地为北京、天津、上海、重庆4直辖市以及大同、长春、哈尔滨、南京、温州14城市"),
        ("B14", [], "北京、天津、山西、吉林、河南、湖北17省(直辖市)"),
    ]
    assert result.fields()["signer"] == "尚行"
    assert len(result.evidence("businesses[0].coverage")) == 2


def test_tables_written_one_cell_a_line_are_read_by_their_header(extract):
    """pdftotext without -layout writes a bordered table one cell a line."""
    text = ("经营许可证编号: B2-20144232\n公司名称: 湖南九方信息有限公司\n\n网站名称\n\n网站域名\n\n服务器放置地\n\n"
            "接入服务商\n\n飞利信商城\n\nguyuan.cn\n\n广东省\n\n凌颖信息有限公司\n\n"
            "股东名称、证照号码及出资比例\n序号\n\n股东名称\n\n证照号码\n\n出资比例\n\n1\n\n王松\n\n"
            "110102196402071516\n\n55%\n\n2\n\n寇小洪\n\n110106196111241242\n\n45%\n\n你公司2002年度年检合格\n")
    fields = extract(text).fields()
    assert fields["websites"] == [{"name": "飞利信商城", "domain": "guyuan.cn", "server_location": "广东省",
                                   "access_provider": "凌颖信息有限公司"}]
    assert [(s["name"], s["id_number"], s["share_ratio"]) for s in fields["shareholders"]] == [
        ("王松", "110102196402071516", "55%"), ("寇小洪", "110106196111241242", "45%")]


def test_a_header_of_labels_separated_by_single_spaces_starts_a_column_table(extract):
    """A PDF's plain text (pypdfium2) separates cells by one space."""
    text = ("经营许可证编号: B2-20144232\n公司名称: 湖南九方信息有限公司\n"
            "网站名称 网站域名 服务器放置地 接入服务商\n飞利信商城 guyuan.cn 广东省 凌颖信息有限公司\n")
    assert extract(text).fields()["websites"] == [{"name": "飞利信商城", "domain": "guyuan.cn",
                                                   "server_location": "广东省", "access_provider": "凌颖信息有限公司"}]


def test_label_over_value_lines_are_no_column_table(extract):
    """`签发人:` with its colon is a label whose value follows, not a header cell."""
    text = "经营许可证编号: B2-20160073\n业务覆盖范围:全国\n(服务项目)\n\n签发人:\n\n尚 吁\n\n发证日期: 2018 年 05 月 03 日\n"
    fields = extract(text).fields()
    assert fields["signer"] == "尚吁" and fields["issue_date"] == "2018-05-03"
