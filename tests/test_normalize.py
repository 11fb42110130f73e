import datetime as dt
import random

import pytest

from licex.fields.normalize import (
    BUSINESS_NAME_RE,
    LICENSE_NO_RE,
    ParsedBusiness,
    chinese_to_int,
    clean_value,
    int_to_chinese,
    is_license_no,
    normalize_date,
    normalize_license_no,
    parse_business,
    parse_money,
    split_service_items,
)
from licex.fields.record import Money


@pytest.mark.parametrize(
    "text, expected",
    [
        ("尚 吁", "尚吁"),
        ("重庆 4 直辖市以及", "重庆4直辖市以及"),
        ("17 省(直辖市)", "17省(直辖市)"),
        ("北京、天津\n17 省（直辖市）", "北京、天津17省(直辖市)"),
        ("尚\u3000吁", "尚吁"),
        ("尚\xa0吁", "尚吁"),
        ("住所 ： 北京市", "住所:北京市"),
        ("ＡＢＣ１２３", "ABC123"),
        ("Hello   World", "Hello World"),
        ("a\u3000b", "a b"),
        ("  北京市海淀区。 ", "北京市海淀区"),
        ("公司；", "公司"),
        ("公司，", "公司"),
        ("abc.", "abc"),
        ("abc ;", "abc"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_value(text, expected):
    assert clean_value(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2021年 06月 22日", dt.date(2021, 6, 22)),
        ("2018 年 5 月 3 日", dt.date(2018, 5, 3)),
        ("２０２１年６月２２日", dt.date(2021, 6, 22)),
        ("2021-06-22", dt.date(2021, 6, 22)),
        ("2021.6.22", dt.date(2021, 6, 22)),
        ("2021/06/22", dt.date(2021, 6, 22)),
        ("二〇二一年六月二十二日", dt.date(2021, 6, 22)),
        ("二零二一年六月二十二日", dt.date(2021, 6, 22)),
        ("二○二一年十二月三十一日", dt.date(2021, 12, 31)),
        ("二O二一年六月二十二日", dt.date(2021, 6, 22)),
        ("17年5月23日", dt.date(2017, 5, 23)),
        ("69年1月1日", dt.date(2069, 1, 1)),
        ("70年1月1日", dt.date(1970, 1, 1)),
        ("99年12月31日", dt.date(1999, 12, 31)),
        ("2O21年6月22日", dt.date(2021, 6, 22)),
        ("2021年O6月22日", dt.date(2021, 6, 22)),
        ("20l8年5月3日", dt.date(2018, 5, 3)),
        ("发证日期：2021年6月22日。", dt.date(2021, 6, 22)),
        ("2021年\n06月\n22日", dt.date(2021, 6, 22)),
        # photos and small scans: the digit 0 for 〇 among numerals, a faded 〇 lost
        ("二0二四年十一月六日", dt.date(2024, 11, 6)),
        ("有效期至：二0二七年四月二十七日附页", dt.date(2027, 4, 27)),
        ("二二二年四月二十八日", dt.date(2022, 4, 28)),
        ("二一九年一月九日", dt.date(2019, 1, 9)),
    ],
)
def test_normalize_date(text, expected):
    assert normalize_date(text) == expected


@pytest.mark.parametrize(
    "text",
    ["2021年13月1日", "2021年2月30日", "2021-00-10", "年 月 日", "  年   月   日", "", None, "2021年6月", "abc", "12021-06-22",
     "三二二年四月二十八日", "十二二年四月二日"],
)
def test_normalize_date_invalid(text):
    assert normalize_date(text) is None


@pytest.mark.parametrize(
    "text, amount, currency",
    [
        ("人民币肆仟万元", 40000000, "CNY"),
        ("1000万元", 10000000, "CNY"),
        ("壹仟万元整", 10000000, "CNY"),
        ("人民币1,000万元", 10000000, "CNY"),
        ("人民币1，000万元", 10000000, "CNY"),
        ("5000 万元人民币", 50000000, "CNY"),
        ("100.5万元", 1005000, "CNY"),
        ("1亿元", 100000000, "CNY"),
        ("壹亿贰仟万元", 120000000, "CNY"),
        ("10000000元", 10000000, "CNY"),
        ("１０００万元", 10000000, "CNY"),
        ("美元500万元", 5000000, "USD"),
        ("500万美元", 5000000, "USD"),
        ("美金500万", 5000000, "USD"),
        ("港元1000万元", 10000000, "HKD"),
        ("1000万港币", 10000000, "HKD"),
        ("欧元200万元", 2000000, "EUR"),
        ("日元3亿元", 300000000, "JPY"),
        ("注册资本：人民币伍佰万元整。", 5000000, "CNY"),
    ],
)
def test_parse_money(text, amount, currency):
    assert parse_money(text) == Money(amount=amount, currency=currency)


@pytest.mark.parametrize("text", ["", None, "万元", "人民币", "美元", "abc", "无"])
def test_parse_money_unparseable(text):
    assert parse_money(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("B1-20195402", "B1-20195402"),
        ("京B2-20192917", "京B2-20192917"),
        ("A2.B1.B2-20090003", "A2.B1.B2-20090003"),
        ("B1.B2-20150315", "B1.B2-20150315"),
        ("京ICP证030173号", "京ICP证030173号"),
        ("B2-2004-0851号", "B2-2004-0851"),
        ("ISP/ICP闽B1-20160151", "ISP/ICP闽B1-20160151"),
        ("赣B2--20100072", "赣B2-20100072"),
        ("Bl-20172156", "B1-20172156"),
        ("BI-20172156", "B1-20172156"),
        ("川B2-20030065号", "川B2-20030065"),
        ("沪B2－20080012", "沪B2-20080012"),
        ("沪B2—20080012", "沪B2-20080012"),
        ("沪B2–20080012", "沪B2-20080012"),
        ("沪B2‒20080012", "沪B2-20080012"),
        ("沪B2―20080012", "沪B2-20080012"),
        ("B1-2O17O156", "B1-20170156"),
        ("京ICP证O30173号", "京ICP证030173号"),
        ("京 B2 - 2019\n2917", "京B2-20192917"),
        ("Ｂ１－２０１９５４０２", "B1-20195402"),
        ("B1-20070275.", "B1-20070275"),
        ("82-20226890", "B2-20226890"),  # OCR of a photo: 8 for the code's B
        ("鄂82-20179786", "鄂B2-20179786"),
        ("81.B2-20073106", "B1.B2-20073106"),
        ("翼B1-20123314", "冀B1-20123314"),  # OCR of a photo: 翼 for the province 冀
        ("竟B2-20100072", "赣B2-20100072"),
    ],
)
def test_normalize_license_no(text, expected):
    assert normalize_license_no(text) == expected
    assert is_license_no(text)


@pytest.mark.parametrize("text", ["", None, "  \n"])
def test_normalize_license_no_empty(text):
    assert normalize_license_no(text) is None
    assert not is_license_no(text)


@pytest.mark.parametrize(
    "text", ["沪ICP备16045823号", "B2-2009002", "B3-20090028", "B1-201954021", "ICP证:浙-20130006", "信息服务业务", "X京B2-20192917",
             "83-20226890", "82-2022-6890", "882-20226890", "翼ICP证030173号"]
)
def test_is_license_no_rejects(text):
    assert not is_license_no(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("B1-20060088 变更为 B1-20070275.", ["B1-20060088", "B1-20070275"]),
        ("经营许可证编号：A2.B1.B2-20090003", ["A2.B1.B2-20090003"]),
        ("跨地区增值电信业务经营许可证B2-2004-0851号 ICP经营许可证编号: 京ICP证090253号", ["B2-2004-0851", "京ICP证090253号"]),
        ("《中华人民共和国增值电信业务经营许可证》ISP/ICP闽B1-20160151 闽ICP备14001588号-1", ["ISP/ICP闽B1-20160151"]),
        ("按许可证B2-20090028号文办", ["B2-20090028"]),
        ("经营许可证编号：Bl-20172156", ["Bl-20172156"]),
        ("赣B2--20100072", ["赣B2--20100072"]),
        ("浙ICP备12009060号", []),
        ("经营许可证编号：琼82-20188817", ["琼82-20188817"]),
        ("电话：0755-82-20226890，B1.82-20226890", []),  # 8 for B starts a number only
    ],
)
def test_license_no_re(text, expected):
    assert [m[0] for m in LICENSE_NO_RE.finditer(text)] == expected


B1 = "第一类增值电信业务"
B2 = "第二类增值电信业务"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("第一类增值电信业务中的互联网数据中心业务", ParsedBusiness("B11", "互联网数据中心业务", B1, ())),
        ("信息服务业务（仅限互联网信息服务）", ParsedBusiness("B25", "信息服务业务", B2, ("仅限互联网信息服务",))),
        (
            "第二类增值电信业务中的信息服务业务(不含互联网信息服务)",
            ParsedBusiness("B25", "信息服务业务", B2, ("不含互联网信息服务",)),
        ),
        (
            "互联网数据中心业务（不含互联网资源协作服务）",
            ParsedBusiness("B11", "互联网数据中心业务", B1, ("不含互联网资源协作服务",)),
        ),
        ("互联网接入服务业务（含网站接入）", ParsedBusiness("B14", "互联网接入服务业务", B1, ("含网站接入",))),
        (
            "信息服务业务（不含固定网电话信息服务和互联网信息服务）",
            ParsedBusiness("B25", "信息服务业务", B2, ("不含固定网电话信息服务和互联网信息服务",)),
        ),
        (
            "信息服务业务（仅限互联网信息服务；不含新闻;不含出版，不含教育,不含医疗）",
            ParsedBusiness("B25", "信息服务业务", B2, ("仅限互联网信息服务", "不含新闻", "不含出版", "不含教育", "不含医疗")),
        ),
        ("国内呼叫中心业务", ParsedBusiness("B24", "呼叫中心业务", B2, ("国内呼叫中心业务",))),
        ("离岸呼叫中心业务", ParsedBusiness("B24", "呼叫中心业务", B2, ("离岸呼叫中心业务",))),
        ("呼叫中心业务", ParsedBusiness("B24", "呼叫中心业务", B2, ())),
        (
            "第二类增值电信业务中的编码和规程转换业务中的互联网域名解析服务业务",
            ParsedBusiness("B26", "编码和规程转换业务", B2, ("互联网域名解析服务业务",)),
        ),
        ("B25 信息服务业务", ParsedBusiness("B25", "信息服务业务", B2, ())),
        ("信息服务业务(B25)", ParsedBusiness("B25", "信息服务业务", B2, ())),
        ("信息服务业务（B25）（仅限互联网信息服务）", ParsedBusiness("B25", "信息服务业务", B2, ("仅限互联网信息服务",))),
        ("互联网 数据中心业务", ParsedBusiness("B11", "互联网数据中心业务", B1, ())),
        ("第一类增值电信\n业务中的互联网\n数据中心业务", ParsedBusiness("B11", "互联网数据中心业务", B1, ())),
        ("因特网数据中心业务", ParsedBusiness("B11", "互联网数据中心业务", B1, ())),
        ("国内互联网虚拟专用网业务", ParsedBusiness("B13", "国内互联网虚拟专用网业务", B1, ())),
        ("内容分发网络业务", ParsedBusiness("B12", "内容分发网络业务", B1, ())),
        ("在线数据处理与交易处理业务", ParsedBusiness("B21", "在线数据处理与交易处理业务", B2, ())),
        ("国内多方通信服务业务", ParsedBusiness("B22", "国内多方通信服务业务", B2, ())),
        ("存储转发类业务", ParsedBusiness("B23", "存储转发类业务", B2, ())),
        # the category comes from the catalogue, even where the text prints another one
        ("第二类增值电信业务中的互联网接入服务业务", ParsedBusiness("B14", "互联网接入服务业务", B1, ())),
    ],
)
def test_parse_business(text, expected):
    assert parse_business(text) == expected


@pytest.mark.parametrize("text", ["", None, "第一类增值电信业务", "B25", "业务覆盖范围：全国", "信息服务"])
def test_parse_business_none(text):
    assert parse_business(text) is None


def test_parsed_business_is_frozen():
    parsed = parse_business("信息服务业务")
    with pytest.raises(AttributeError):
        parsed.code = "B11"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "第二类增值电信业务中的编码和规程转换业务中的互联网域名解析服务业务；第一类增值电信业务中的互联网数据中心业务 信息服务业务",
            ["第二类增值电信业务中的编码和规程转换业务中的互联网域名解析服务业务", "第一类增值电信业务中的互联网数据中心业务", "信息服务业务"],
        ),
        ("经营国内呼叫中心业务。", ["国内呼叫中心业务"]),
        ("国内互联网虚拟专用网业务", ["国内互联网虚拟专用网业务"]),
        ("第二类增值电信业务中的信息服务业务（仅限互联网信息服务）", ["第二类增值电信业务中的信息服务业务"]),
        ("业务覆盖范围：全国", []),
    ],
)
def test_business_name_re(text, expected):
    assert [m[0] for m in BUSINESS_NAME_RE.finditer(text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("服务项目：仅限互联网信息服务", ["仅限互联网信息服务"]),
        ("服务项目: 不含新闻；不含出版;不含教育，不含医疗,", ["不含新闻", "不含出版", "不含教育", "不含医疗"]),
        ("（不含互联网信息服务）", ["不含互联网信息服务"]),
        ("不含固定网电话信息服务和互联网信息服务", ["不含固定网电话信息服务和互联网信息服务"]),
        ("仅限 互联网\n信息服务；；", ["仅限互联网信息服务"]),
        ("", []),
        (None, []),
    ],
)
def test_split_service_items(text, expected):
    assert split_service_items(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("十五", 15), ("二十三", 23), ("一百零二", 102), ("十", 10), ("两千", 2000), ("壹拾伍", 15), ("15", 15), ("１５", 15), ("007", 7)],
)
def test_chinese_to_int(text, expected):
    assert chinese_to_int(text) == expected


@pytest.mark.parametrize("text", ["", None, "abc", "十五(三)", "一点五", "第十五条"])
def test_chinese_to_int_none(text):
    assert chinese_to_int(text) is None


@pytest.mark.parametrize(
    "n, expected", [(15, "十五"), (10, "十"), (23, "二十三"), (1, "一"), (19, "十九"), (102, "一百零二"), (115, "一百一十五")]
)
def test_int_to_chinese(n, expected):
    assert int_to_chinese(n) == expected


@pytest.mark.parametrize("n", range(1, 200))
def test_int_to_chinese_round_trip(n):
    assert chinese_to_int(int_to_chinese(n)) == n


def test_garbage_never_raises_and_reads_as_nothing_it_is_not():
    rng = random.Random(0)
    alphabet = "0123456789.,-－/年月日万亿元美港人民币壹仟〇○零一二十百两OolIAB京ICP证号()（）；, \n\u3000信息服务业务中的"
    dates = 0
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        cleaned = clean_value(text)
        # one line, single spaces, nothing at either end; cleaning again changes nothing
        assert "\n" not in cleaned and "  " not in cleaned and cleaned == cleaned.strip()
        assert clean_value(cleaned) == cleaned
        date = normalize_date(text)
        assert date is None or isinstance(date, dt.date)
        dates += date is not None
        assert parse_money(text) is None or isinstance(parse_money(text), Money)
        assert normalize_license_no(text) is None or isinstance(normalize_license_no(text), str)
        assert is_license_no(text) is False  # no licence number's shape comes of chance
        assert parse_business(text) is None  # nor a business type
        assert all(item and item == item.strip() for item in split_service_items(text))
        number = chinese_to_int(text)
        assert number is None or (isinstance(number, int) and number >= 0)
    assert dates < 10  # a date only where the characters happen to spell one
