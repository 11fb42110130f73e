"""The rules on what tools emit: small snippets in the shape pdftotext, pdftotext -layout,
pypdfium2 and Tesseract (chi_sim) print a licence, one case at a time.

Every company, person and number here is invented. Each snippet is what a tool made of a
typeset licence (the label column of a bordered table dropped, a hyphen read as 一, a footer
inside a clause); each test fails without the rule or normaliser it is named for.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import srsly

from licex.text import layout
from licex.fields.labels import default_label_words
from licex.fields.normalize import normalize_date, normalize_license_no, parse_money
from licex.fields.record import Money
from licex.fields.values import read_value, uscc_check_char

NON_LICENCES = Path(__file__).parent / "data" / "non_licences.jsonl"

CLAUSES_1_2 = (
    "一、你公司应当遵守《中华人民共和国电信条例》等行业管理规定。\n"
    "二、你公司应当按照许可的业务种类和业务覆盖范围开展经营活动。\n"
)


# -- licence numbers with the hyphen lost or replaced ----------------------------------------------

@pytest.mark.parametrize("printed, number", [
    ("B120195402", "B1-20195402"),  # the hyphen lost
    ("B2.20160073", "B2-20160073"),  # read as a dot
    ("B2一20160073", "B2-20160073"),  # read as the numeral 一
    ("B2—20160073", "B2-20160073"),  # a dash
    ("京B2_20192917", "京B2-20192917"),
    ("A2.B1.B2.20090003", "A2.B1.B2-20090003"),  # the dots between codes stay
    ("Bl20172156", "B1-20172156"),
])
def test_a_licence_number_with_its_hyphen_lost_or_replaced_reads_in_its_canonical_form(extract, printed, number):
    assert normalize_license_no(printed) == number
    text = f"经营许可证编号: {printed}\n公司名称: 北京星河数字科技有限公司\n"
    assert extract(text).fields()["license_no"] == number
    changed = f"经营许可证编号: B1-20230001\n公司名称: 北京星河数字科技有限公司\n{printed} 变更为 B1-20230001\n"
    assert extract(changed).fields()["previous_license_nos"] == [number]


def test_eight_digits_after_a_code_need_nothing_between_but_nine_are_no_number():
    assert normalize_license_no("B1201954021") == "B1201954021"  # left as printed: no number
    assert normalize_license_no("B2-2004-0851") == "B2-2004-0851"  # the old four-four form


# -- Chinese numerals OCR confused in an amount ------------------------------------------------------

@pytest.mark.parametrize("printed, amount", [
    ("人民币参什万元", 30_000_000),  # Tesseract: 叁仟 read 参什
    ("人民币喜件万元", 10_000_000),  # Tesseract: 壹仟 read 喜件
    ("人民币肆什万元", 40_000_000),  # 什 is 仟 where that reads
    ("人民币壹仟伍什万元", 10_500_000),  # 仟伍仟 is no number: 什 is 拾 there
    ("人民币伍佰方元", 5_000_000),
    ("人民币肄仟万元", 40_000_000),
    ("5OO万元", 5_000_000),
])
def test_numerals_ocr_confused_in_an_amount_read_as_the_numerals(extract, printed, amount):
    assert parse_money(printed) == Money(amount=amount, currency="CNY")
    text = f"经营许可证编号: B1-20195402\n公司名称: 北京星河数字科技有限公司\n注册资本: {printed}\n"
    assert extract(text).fields()["registered_capital_cny"] == amount


@pytest.mark.parametrize("text, amount", [("地方500万元", 5_000_000), ("什么都没有", None), ("方元", None)])
def test_look_alikes_outside_an_amount_stay_what_they_are(text, amount):
    money = parse_money(text)
    assert (money.amount if money else None) == amount


# -- labels OCR printed with a look-alike character --------------------------------------------------

DAMAGED_LABELS = """经营许可证编亏: B1-20195402
么司名称: 北京星河数字科技有限公司
法定代表入   王小明
注册资夲     人民币壹仟万元
注删住所     北京市朝阳区望京街10号
业务种类     第一类增值电信业务中的互联网数据中心业务
业务覆羔范围 全国
签发入    李雷
发证日朗     2019年3月1日
有效期至     2024年3月1日
"""


def test_labels_with_one_misread_character_are_read_as_the_labels(extract):
    result = extract(DAMAGED_LABELS)
    assert result.fields() == {
        "license_no": "B1-20195402",
        "company_name": "北京星河数字科技有限公司",
        "legal_representative": "王小明",
        "registered_capital_cny": 10_000_000,
        "registered_address": "北京市朝阳区望京街10号",
        "businesses": [("B11", [], "全国")],
        "signer": "李雷",
        "issue_date": "2019-03-01",
        "expiry_date": "2024-03-01",
    }
    # The evidence is what the tool printed: the repair lives in the rules' view only.
    assert result.evidence("company_name") == ["北京星河数字科技有限公司"]
    assert "么司名称" in result.doc.text


@pytest.mark.parametrize("line", [
    "公司名单的说明",  # one character off 公司名称, but running on: no label
    "签发入是王小明",  # a three-character name needs a colon or a cell boundary after it
    "业务覆羔",  # four characters of a six-character name
])
def test_words_near_a_label_in_running_text_are_no_label(line):
    view = layout.TextView.of(f"{line}\n")
    assert layout.with_labels_repaired(view, default_label_words()) is view


def test_no_label_is_repaired_in_ordinary_text():
    """The non-licence texts (news, regulations, company profiles) read as printed."""
    words = default_label_words()
    rows = list(srsly.read_jsonl(NON_LICENCES))
    assert len(rows) == 50
    repaired = [row["text"][:40] for row in rows
                if layout.with_labels_repaired(view := layout.TextView.of(row["text"]), words) is not view]
    assert repaired == []


def test_names_one_character_apart_of_the_same_label_are_no_ambiguity():
    words = default_label_words()
    assert words.near_name("注册资夲") in ("注册资本", "注册资金")
    assert words.near_name("有效期阻") in ("有效期至", "有效期限")
    assert words.near_name("公司名称") is None  # a name already
    assert words.near_name("公司名") is None  # a character dropped: not guessed


# -- clause numbers misread or missing ----------------------------------------------------------------

SPECIAL = "特别规定事项\n"
SECTION = "你公司在经营信息服务业务时应当遵守下列规定:\n"
SUB_CLAUSES = [
    "你公司应当按照经营许可证载明的服务项目开展经营活动。",
    "未经批准,你公司不得开展固定网电话信息服务。",
    "你公司制作、复制、发布、传播的信息不得含有法律法规禁止的内容。",
    "你公司发布信息服务业务广告时,应当标明公司名称和经营许可证编号。",
]


def _clause_text(top_markers: list[str], sub_markers: list[str]) -> str:
    general = ["你公司应当遵守《中华人民共和国电信条例》等行业管理规定。",
               "你公司应当按照许可的业务种类和业务覆盖范围开展经营活动。"]
    lines = [SPECIAL] + [f"{m}{body}\n" for m, body in zip(top_markers, general)]
    lines.append(f"{top_markers[2]}{SECTION}")
    lines += [f"{m}{body}\n" for m, body in zip(sub_markers, SUB_CLAUSES)]
    return "经营许可证编号: B2-20190001\n" + "".join(lines)


CLEAN = (["一、", "二、", "三、"], ["(一)", "(二)", "(三)", "(四)"])


@pytest.fixture(scope="module")
def clean_clauses(extract):
    clauses = extract(_clause_text(*CLEAN)).clauses()
    assert [(number, business) for number, _, business in clauses] == [
        ("一", None), ("二", None), ("三", "B25"), ("三(一)", "B25"), ("三(二)", "B25"), ("三(三)", "B25"), ("三(四)", "B25")]
    return clauses


@pytest.mark.parametrize("top, sub", [
    (["一、", "二二、", "三、"], ["(一)", "(二)", "(三)", "(四)"]),  # a stutter
    (["一.", "二,", "三、"], ["(一)", "(二)", "(三)", "(四)"]),  # 、 read as . or ,
    (["一、", "一、", "三、"], ["(一)", "(二)", "(三)", "(四)"]),  # 二 lost a stroke: the numbering goes on
    (["一、", "二、", "人三、"], ["(一)", "(二)", "(三)", "(四)"]),  # a stray character before the numeral
    (["一、", "二、", "三、"], ["(一)", "二)", "(三", "(四)"]),  # a bracket lost
    (["一、", "二、", "三、"], ["(己)", "(二)", "《三)", "(/四)"]),  # an unreadable numeral, ( read 《, a stray /
    (["一、", "二、", "三、"], ["(一)", "(三)", "(三)", "(四)"]),  # 二 read 三: the next 三 says so
    (["一、", "二、", "三、"], ["(一)", "人二)", "(三)", "(四)"]),  # the ( read as a character
    (["一、", "二、", "三、"], ["(一)", "(夕", "(三)", "(四)"]),  # 二) read as one character: (三) says which
])
def test_clause_numbers_misread_are_read_by_the_numbering(extract, clean_clauses, top, sub):
    """Each as the clean markers read: the same clauses, numbers and labels."""
    assert extract(_clause_text(top, sub)).clauses() == clean_clauses


def test_plus_for_ten_and_a_lookalike_for_eight_read_as_numerals(extract):
    general = "".join(f"{n}、你公司应当遵守第{n}项行业管理规定。\n" for n in "一二三四五六七八九")
    text = ("经营许可证编号: B2-20190001\n" + SPECIAL + general
            + "+、你公司应当遵守行业管理规定。\n十一、你公司应当遵守行业管理规定。\n")
    assert [number for number, _, _ in extract(text).clauses()][-3:] == ["九", "十", "十一"]
    text = text.replace("八、", "入、")
    assert [number for number, _, _ in extract(text).clauses()][6:9] == ["七", "八", "九"]


def test_the_bracket_and_numeral_of_a_sub_clause_read_as_one_character_read_as_the_numeral(extract):
    text = _clause_text(*CLEAN).replace("(四)", "(四)你公司应当遵守行业管理规定。\n伍)", 1)
    assert [number for number, _, _ in extract(text).clauses()][-2:] == ["三(四)", "三(五)"]


def test_a_lost_sub_clause_marker_leaves_the_later_ones_their_numbers(extract):
    text = _clause_text(["一、", "二、", "三、"], ["(一)", "(", "(三)", "(四)"])
    assert [number for number, _, _ in extract(text).clauses()][3:] == ["三(一)", "三(三)", "三(四)"]


def test_numbers_quoted_inside_a_clause_are_no_markers(extract, clean_clauses):
    text = _clause_text(*CLEAN).replace("行业管理规定。\n", "行业管理规定,第一、二类业务除外。\n", 1)
    assert extract(text).clauses() == clean_clauses


# -- a label and its value on separate lines, with what a seal or border left between -------------------

def test_a_shaped_value_is_found_past_a_line_of_ocr_noise_after_its_label(extract):
    """Tesseract over a bordered cell under a seal: the label, a line of noise, then the value."""
    text = ("经营许可证编号: B2-20190001\n公司名称: 北京星河数字科技有限公司\n"
            "注册资本\nAAAEa\n人民币壹仟万元\n有效期至\nAAAEa\n攻   ”|2024年3月1日\n发证日期   2019年3月1日\n")
    fields = extract(text).fields()
    assert fields["expiry_date"] == "2024-03-01" and fields["issue_date"] == "2019-03-01"
    assert fields["registered_capital_cny"] == 10_000_000


def test_free_text_after_a_label_is_its_first_line_only(extract):
    """A name has no shape to check: the line after the label is it, never one further down."""
    text = "经营许可证编号: B2-20190001\n法定代表人\n\n\n公司名称: 北京星河数字科技有限公司\n"
    assert "legal_representative" not in extract(text).fields()


def test_labels_and_values_alternating_line_by_line(extract):
    """pdftotext of a two-column table: each label, then its value on the next line."""
    text = ("经营许可证编号: B2-20190001\n公司名称\n北京星河数字科技有限公司\n法定代表人\n王小明\n注册资本\n"
            "人民币壹仟万元\n发证日期\n2019年3月1日\n有效期至\n2024年3月1日\n")
    assert extract(text).fields() == {
        "license_no": "B2-20190001", "company_name": "北京星河数字科技有限公司", "legal_representative": "王小明",
        "registered_capital_cny": 10_000_000, "issue_date": "2019-03-01", "expiry_date": "2024-03-01"}


# -- a front page whose label column a tool dropped ----------------------------------------------------

UNLABELLED_FRONT_PAGE = """中华人民共和国增值电信业务经营许可证
经营许可证编号: B2-20190001

根据《中华人民共和国电信条例》及国家有关规定,经审查,准许你公司按照本经营许可证(正文和附件)
载明的内容经营增值电信业务,特颁发跨地区增值电信业务经营许可证。

北京星河数字科技有限公司
王小明

人民币参什万元

北京市朝阳区望京街10号X座
第二类增值电信业务中的信息服务业务
不含互联网信息服务
全国
第一类增值电信业务中的互联网接入服务业务
北京、上海
李雷
2019年03月01日

2024年02月29日

业务覆盖范围
经营许可证编号: B2-20190001                                           第1页
"""


def test_a_front_page_without_its_label_column_is_read_by_the_shape_of_each_value(extract):
    """Tesseract over a bordered table: the labels dropped, the values one a line, in order."""
    assert extract(UNLABELLED_FRONT_PAGE).fields() == {
        "license_no": "B2-20190001",
        "company_name": "北京星河数字科技有限公司",
        "legal_representative": "王小明",
        "registered_capital_cny": 30_000_000,
        "registered_address": "北京市朝阳区望京街10号X座",
        "businesses": [("B25", [], "全国", ["互联网信息服务"]), ("B14", [], "北京、上海")],
        "signer": "李雷",
        "issue_date": "2019-03-01",
        "expiry_date": "2024-02-29",
    }


def test_a_front_page_with_its_labels_is_never_read_by_shape(extract):
    """Where labels are printed they say which value is which: a line without one is no value."""
    text = ("经营许可证编号: B2-20190001\n公司名称: 北京星河数字科技有限公司\n法定代表人: 王小明\n"
            "李雷\n发证日期: 2019年03月01日\n")
    fields = extract(text).fields()
    assert fields["legal_representative"] == "王小明" and "signer" not in fields


@pytest.mark.parametrize("printed, value", [("]华成育卓传媒有限公司", "华成育卓传媒有限公司"),
                                            ("北京、上海2直辖市]", "北京、上海2直辖市"), ("|王小明", "王小明")])
def test_a_border_read_as_a_bracket_or_bar_beside_a_value_is_no_part_of_it(printed, value):
    from licex.fields.normalize import clean_value

    assert clean_value(printed) == value


def test_one_character_is_no_name():
    from licex.fields.values import read_value

    assert read_value("SIGNER", "国]") is None and read_value("LEGAL_REP", "E") is None
    assert read_value("SIGNER", "李雷") == "李雷"


# -- footers in the middle of a clause ----------------------------------------------------------------

FOOTERS = [
    "司(局)负责人:              公司代表:\n第 2 页\n经营许可证编号: B2-20190001\n",  # pdftotext -layout
    "司(局)负责人:\n公司代表:\n二〇二〇年 月 日\n",  # one cell a line
    "|司(局)负责人: 张三         公司代表: 李四\n- 2 -\n",  # Tesseract: a border read as a bar
    "经营许可证编号: B2-20190001      第2页\n",  # the page header of the next page
]


@pytest.mark.parametrize("footer", FOOTERS)
def test_a_footer_inside_a_clause_neither_ends_it_nor_enters_its_text(extract, footer):
    text = ("经营许可证编号: B2-20190001\n特别规定事项\n一、你公司应当遵守《中华人民共和国电信条例》等行业\n"
            f"{footer}管理规定。\n二、你公司应当按照许可的业务种类和业务覆盖范围开展经营活动。\n")
    result = extract(text)
    assert [number for number, _, _ in result.clauses()] == ["一", "二"]
    clause = result.doc._.licex_analysis.clauses[0]
    assert clause.body == "你公司应当遵守《中华人民共和国电信条例》等行业管理规定。"
    assert result.clause_text("一").endswith("管理规定。")


def test_a_page_number_level_with_a_clauses_last_line_is_no_part_of_it(extract):
    """pdftotext -layout writes the footer's page number on the line of the page's last words."""
    text = ("经营许可证编号: B2-20190001\n特别规定事项\n一、你公司应当遵守《中华人民共和国电信条例》等行业"
            "                     第2页\n管理规定。\n二、你公司应当按照许可的业务种类和业务覆盖范围开展经营活动。\n")
    clause = extract(text).doc._.licex_analysis.clauses[0]
    assert clause.body == "你公司应当遵守《中华人民共和国电信条例》等行业管理规定。"


# -- full-width and ASCII punctuation mixed ------------------------------------------------------------

@pytest.mark.parametrize("block", [
    "业务种类: 第二类增值电信业务中的信息服务业务(含互联网信息服务,不含信息搜索查询服务；)\n业务覆盖范围: 北京,上海;广东\n",
    "业务种类：第二类增值电信业务中的信息服务业务\n服务项目：含互联网信息服务;不含信息搜索查询服务\n业务覆盖范围：北京、上海，广东\n",
    "业务种类 : 第二类增值电信业务中的信息服务业务（含互联网信息服务；不含信息搜索查询服务)\n业务覆盖范围 :北京；上海、广东。\n",
])
def test_full_width_and_ascii_punctuation_mixed_read_the_same(extract, block):
    fields = extract("经营许可证编号: B2-20190001\n" + block).fields()
    assert fields["businesses"] == [("B25", ["含互联网信息服务"], "北京、上海、广东", ["信息搜索查询服务"])]



# -- a label OCR cut short -----------------------------------------------------------------------------

@pytest.mark.parametrize("label, items", [
    ("盖范围:", "服务项目: 不含互联网信息服务\n"),  # 业务覆 lost under a seal (Tesseract)
    ("范围：", "务项目: 不含互联网信息服务\n"),  # and 服 of 服务项目
])
def test_the_end_of_a_label_before_a_colon_is_read_as_the_label_not_as_the_value(extract, label, items):
    text = ("中华人民共和国增值电信业务经营许可证\n经营许可证编号: B2-20190001\n"
            f"业务种类: 第二类增值电信业务中的信息服务业务\n{items}{label}吉林、江苏、湖北\n")
    business, = extract(text).record["businesses"]
    assert business["coverage"] == "吉林、江苏、湖北" and business["excluded_items"] == ["互联网信息服务"]


def test_the_end_of_a_label_without_a_colon_stays_text():
    # 范围 ends no label here: only a colon after it says a label was cut short
    words = default_label_words()
    from licex.components.field_rules.business_text import BlockPatterns

    tokens = [m.lastgroup for m in BlockPatterns.of(words).token_re.finditer("在全国范围内开展业务")]
    assert "coverage_label" not in tokens

# -- a label never starts inside the line above it -------------------------------------------------

def test_a_value_ending_in_a_labels_first_word_keeps_it_when_the_label_is_on_the_next_line(extract):
    # Labels over values (a design, or pdftotext of one): 业务 ends the service item, and the
    # next line's 覆盖范围 is a label of its own, not 业务覆盖范围 wrapped over two lines.
    text = ("中华人民共和国增值电信业务经营许可证\n经营许可证编号：B2-20200029\n业务种类：\n"
            "第二类增值电信业务中的在线数据处理与交易处理业务\n服务项目：\n电子数据交换业务\n覆盖范围：\n全国\n")
    business, = extract(text).record["businesses"]
    assert business["service_items"] == ["电子数据交换业务"] and business["coverage"] == "全国"


def test_a_label_wrapped_in_its_cell_is_still_a_label(extract):
    text = "中华人民共和国增值电信业务经营许可证\n经营许可证编号：B2-20200029\n公司\n名称：北京某某科技有限公司\n"
    assert extract(text).record["company_name"] == "北京某某科技有限公司"


# -- what OCR read of a seal or a border beside a value ----------------------------------------------

@pytest.mark.parametrize("line, value", [
    ("湖北省                              司", "湖北省"),  # a seal's character past a wide gap
    ("张秀珍                                                                二对", "张秀珍"),
    ("“|山东省淑英市兴山陈街座                     台", "山东省淑英市兴山陈街座"),  # a border, a quote
    ("北京 上海", "北京上海"),  # OCR spacing is no gap
    ("Room 1203    ABC", "Room 1203 ABC"),  # three characters or more past the gap: kept
])
def test_a_fragment_far_right_of_a_value_and_a_border_before_it_are_no_part_of_it(line, value):
    from licex.fields.normalize import clean_value

    assert clean_value(line) == value


# -- the shareholder table as OCR reads it ---------------------------------------------------------

SHAREHOLDER_TABLE = "公司名称: 北京星河数字科技有限公司\n股东名称、证照号码及出资比例\n序号 | 股东名称    证照号码    [出资比例\n"


@pytest.mark.parametrize("row", [
    "1    王松    110102196402071516    55%",
    "王    王松    110102196402071516    55%",  # the row number 1 read as 王: the name is the cell before the ID
    "UL   王松  ”|110102196402071516  |55%",  # rules read as bars and quotes around the cells
    "1    王松    110102196402071516    5596",  # % read as 96
    "1    王松    110102196402071516    559%",  # % read as 9%
])
def test_a_shareholder_row_as_ocr_reads_it_gives_the_printed_row(extract, row):
    text = SHAREHOLDER_TABLE + row + "\n2    北京云图信息有限公司    91110108MA01ABCD3L    45%\n"
    assert extract(text).fields()["shareholders"] == [
        {"name": "王松", "id_number": "110102196402071516", "share_ratio": "55%"},
        {"name": "北京云图信息有限公司", "id_number": "91110108MA01ABCD3L", "share_ratio": "45%"}]


def test_a_row_that_lost_its_ratio_is_still_a_row_and_no_ratio_is_invented(extract):
    text = SHAREHOLDER_TABLE + "1    王松    110102196402071516\n2    李娜    110102197001011234    45%\n"
    assert extract(text).fields()["shareholders"] == [
        {"name": "王松", "id_number": "110102196402071516", "share_ratio": None},
        {"name": "李娜", "id_number": "110102197001011234", "share_ratio": "45%"}]


# pdftotext -layout prints a row whose cells wrapped with its one-line cells between their halves.
LAYOUT_SHAREHOLDERS = "序号     股东名称         证照号码                出资比例\n\n"


def test_an_id_number_wrapped_around_its_row_is_read_whole_in_every_row(extract):
    rows = ("                    11010219640207151\n1      王松                               55%\n                    6\n\n"
            "                    91110108MA01ABCD\n2      北京云图信息有限公司               45%\n                    3L\n")
    result = extract(SHAREHOLDER_TABLE.split("序号")[0] + LAYOUT_SHAREHOLDERS + rows)
    assert result.fields()["shareholders"] == [
        {"name": "王松", "id_number": "110102196402071516", "share_ratio": "55%"},
        {"name": "北京云图信息有限公司", "id_number": "91110108MA01ABCD3L", "share_ratio": "45%"}]
    [evidence] = result.evidence("shareholders[0].id_number")  # from its first half to its second
    assert evidence.startswith("11010219640207151\n1") and evidence.endswith("\n" + " " * 20 + "6")


@pytest.mark.parametrize("top, bottom", [
    ("    北京云图信息有限公   91110108MA01ABCD", "    司                3L"),
    ("    北京云图信息有限公 91110108MA01ABCD", "    司             3L"),  # one space between the halves' cells
    ("    北 京 云 图 信 息 有 限 公 91110108MA01ABCD", "    司                 3L"),  # a letter-spaced name
])
def test_a_name_and_an_id_number_wrapped_around_their_row_keep_their_row(extract, top, bottom):
    rows = f"{top}\n1                                      45%\n{bottom}\n\n" \
           "                    11010219640207151\n2      王松                               55%\n                    6\n"
    assert extract(SHAREHOLDER_TABLE.split("序号")[0] + LAYOUT_SHAREHOLDERS + rows).fields()["shareholders"] == [
        {"name": "北京云图信息有限公司", "id_number": "91110108MA01ABCD3L", "share_ratio": "45%"},
        {"name": "王松", "id_number": "110102196402071516", "share_ratio": "55%"}]


def test_rows_printed_without_blank_lines_between_them_are_no_halves_of_a_cell(extract):
    rows = ("1      王松      110102196402071516    55%\n2      李娜      110102197001011234    25%\n"
            "3      张伟      110102198001011234    20%\n")
    assert [s["id_number"] for s in extract(SHAREHOLDER_TABLE + rows).fields()["shareholders"]] == [
        "110102196402071516", "110102197001011234", "110102198001011234"]


@pytest.mark.parametrize("printed, ratio", [("7696", "76%"), ("10096", "100%"), ("769%", "76%"), ("76%", "76%"),
                                            ("96", None), ("20096", None), ("9%", "9%")])
def test_a_percent_sign_read_as_96_is_repaired_only_where_the_ratio_would_pass_100(printed, ratio):
    assert read_value("SHARE_RATIO", printed) == ratio


@pytest.mark.parametrize("printed, code", [
    ("91110108MAO1ABCD3L", "91110108MA01ABCD3L"),  # 0 read as O: the check character agrees
    ("9111O1O8MA01ABCD3L", "91110108MA01ABCD3L"),
    ("91110108MAO1ABCD3X", "91110108MAO1ABCD3X"),  # the repair would not check: left as printed
    ("110102196402071516", "110102196402071516"),
])
def test_a_credit_code_with_letters_it_never_has_is_repaired_when_its_check_character_agrees(printed, code):
    assert uscc_check_char("91110108MA01ABCD3") == "L"
    assert read_value("SHAREHOLDER_ID", printed) == code


# -- coverage lists and service items as OCR reads them ---------------------------------------------

@pytest.mark.parametrize("printed, coverage", [
    ("北京、和天津、上上海3直辖市", "北京、天津、上海3直辖市"),  # a stray mark read before a name
    ("内蒙古治区", "内蒙古自治区"),  # a character of a long name lost
    ("内蒙点治区", "内蒙古自治区"),  # and another misread (RapidOCR, a scan of licence 317)
    ("广西壮族治区、宁夏族自治区", "广西壮族自治区、宁夏回族自治区"),
    ("黑江省", "黑龙江省"),  # a name of four characters may lose one
    ("黑点江", "黑点江"),  # not lose one and have another misread
    ("新疆维吾尔自治", "新疆维吾尔自治区"),
    ("蒙点治区", "蒙点治区"),  # too little of the name left
    ("金国", "全国"),
    ("北京、上海2直辖市以及大冶、汕尾2城市", "北京、上海2直辖市以及大冶、汕尾2城市"),  # nothing to repair
    ("了哈尔滨", "了哈尔滨"),  # no province: left as printed
])
def test_province_names_in_a_coverage_list_are_repaired_and_nothing_else_is(printed, coverage):
    assert read_value("COVERAGE", printed) == coverage


@pytest.mark.parametrize("printed", ["麻", "盖范围:", "2015年11具02日", "第三类增值电信业务中的"])
def test_what_ocr_leaves_in_a_service_item_cell_is_no_item(printed):
    assert read_value("SERVICE_ITEM", printed) is None
    assert read_value("SERVICE_ITEM", "语音信箱") == "语音信箱"


def test_service_items_apart_by_a_colon_ocr_read_for_a_semicolon_are_two(extract):
    text = ("公司名称: 北京星河数字科技有限公司\n业务种类: 第二类增值电信业务中的信息服务业务\n"
            "服务项目: 信息发布平台和递送服务:信息搜索查询服务\n业务覆盖范围: 全国\n")
    assert extract(text).fields()["businesses"] == [("B25", ["信息发布平台和递送服务", "信息搜索查询服务"], "全国")]


# -- the website table as OCR reads it --------------------------------------------------------------

WEBSITE = {"name": "星河资讯网", "domain": "www.xinghe.cn", "server_location": "北京市", "access_provider": "北京云图信息有限公司"}


@pytest.mark.parametrize("table", [
    # a stray character under the header, and a junk cell after it (the seal)
    "网站名称        网站域名        服务器放置地        接入服务商      “>洁\n内\n"
    "星河资讯网      www.xinghe.cn      北京市        北京云图信息有限公司\n",
    # a rule read as a bar (a tab in the view) among columns apart by spaces, and Www for www
    "网站名称        网站域名   |服务器放置地        接入服务商\n"
    "星河资讯网      Www.xinghe.cn   |北京市        北京云图信息有限公司\n",
    # four columns OCR'd as two lines of two, the rows too
    "网站名称        网站域名\n服务器放置地        接入服务商\n"
    "星河资讯网      www.xinghe.cn\n北京市        北京云图信息有限公司\n",
])
def test_a_website_table_as_ocr_reads_it_gives_the_printed_values(extract, table):
    text = "公司名称: 北京星河数字科技有限公司\n增值电信业务经营许可证(附页)\n" + table
    assert extract(text).fields()["websites"] == [WEBSITE]


def test_a_province_name_cut_short_as_server_location_is_repaired():
    assert read_value("SERVER_LOCATION", "新疆维吾尔自治") == "新疆维吾尔自治区"
    assert read_value("DOMAIN", "HTTPS://WWW.XINGHE.CN/About") == "https://www.xinghe.cn/About"  # the path keeps its case


def test_a_speck_beside_the_hyphen_of_a_licence_number_is_no_part_of_it():
    assert normalize_license_no("B1.B2-.20235010") == "B1.B2-20235010"
    assert normalize_license_no("B2.-20235010") == "B2-20235010"


@pytest.mark.parametrize("printed, date", [
    ("2012生03月28日", "2012-03-28"),  # 年 read as 生
    ("2015年11具02日", "2015-11-02"),  # 月 read as 具
    ("2029年02月17晶", "2029-02-17"),  # 日 read as 晶
])
def test_a_date_with_its_year_or_month_read_as_another_ideograph_reads_as_the_date(extract, printed, date):
    assert normalize_date(printed).isoformat() == date
    assert extract(f"公司名称: 北京星河数字科技有限公司\n有效期至: {printed}\n").fields()["expiry_date"] == date


@pytest.mark.parametrize("text", ["2015年起30日内", "第2015号文3条", "2016生 202月0旨"])
def test_an_ideograph_between_numbers_is_no_date_unit_where_no_date_reads(text):
    assert normalize_date(text) is None
