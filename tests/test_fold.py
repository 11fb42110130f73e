"""fold.py: findings in reading order become one record, for the builder and the generator alike."""

from __future__ import annotations

import datetime as dt

from licex.fields.fold import ClauseFinding, Finding, fold
from licex.fields.normalize import ParsedBusiness
from licex.fields.record import Clause, Evidence, Money


def _brief(record):
    return record.model_dump(mode="json", exclude={"evidence", "source", "clauses", "needs_review", "confidence"}, exclude_none=True)


def test_each_label_goes_where_its_field_says():
    record = fold([
        Finding("LICENSE_NO", "B1-20195402"),
        Finding("LICENSE_NO", "B2-20000000"),  # a single-valued field keeps its first value
        Finding("PREV_LICENSE_NO", "B1-20060088"),
        Finding("PREV_LICENSE_NO", "B1-20060088"),
        Finding("PREV_LICENSE_NO", "B1-20195402"),  # the licence's own number is no earlier one
        Finding("CAPITAL", Money(amount=5_000_000, currency="USD")),
        Finding("ISSUE_DATE", dt.date(2021, 6, 22)),
        Finding("DOMAIN", "www.a.cn"),
        Finding("BUSINESS", ParsedBusiness.of_code("B11")),
        Finding("BUSINESS", ParsedBusiness.of_code("B12")),
        Finding("COVERAGE", "全国"),  # covers both businesses named since the last coverage
        Finding("BUSINESS", ParsedBusiness.of_code("B25")),
        Finding("SERVICE_ITEM", "不含互联网信息服务"),
        Finding("BUSINESS", ParsedBusiness.of_code("B11")),  # again: merges, keeps its coverage
        Finding("COVERAGE", "北京"),
        Finding("SHAREHOLDER", "张三"), Finding("SHARE_RATIO", "60%"),
        Finding("SHAREHOLDER", "李四"), Finding("SHARE_RATIO", "40%"),
        Finding("SHAREHOLDER", "张三"), Finding("SHARE_RATIO", "60%"),  # a duplicated page's row
        Finding("INSPECTION_YEAR", 2002), Finding("INSPECTION_RESULT", "合格"),
        Finding("INSPECTION_YEAR", None), Finding("INSPECTION_RESULT", "不合格"),  # belongs to no entry
    ])
    assert _brief(record) == {
        "license_no": "B1-20195402",
        "previous_license_nos": ["B1-20060088"],
        "registered_capital_foreign": {"amount": 5_000_000, "currency": "USD"},
        "issue_date": "2021-06-22",
        "websites": [{"domain": "www.a.cn"}],
        "businesses": [
            {"code": "B11", "name": "互联网数据中心业务", "category": "第一类增值电信业务", "service_items": [],
             "excluded_items": [], "coverage": "全国"},
            {"code": "B12", "name": "内容分发网络业务", "category": "第一类增值电信业务", "service_items": [],
             "excluded_items": [], "coverage": "全国"},
            {"code": "B25", "name": "信息服务业务", "category": "第二类增值电信业务",
             "service_items": [], "excluded_items": ["互联网信息服务"], "coverage": "北京"},
        ],
        "shareholders": [{"name": "张三", "share_ratio": "60%"}, {"name": "李四", "share_ratio": "40%"}],
        "annual_inspections": [{"year": 2002, "result": "合格"}],
    }


def test_an_exclusion_fills_excluded_items_each_service_apart_and_never_service_items():
    """Gold and predicted records alike: the fold decides by the item's text (catalogue.split_exclusion)."""
    evidence = Evidence(start=0, end=24, text="不含信息搜索查询服务、信息即时交互服务", component="licex_field_rules")
    record = fold([
        Finding("BUSINESS", ParsedBusiness.of_code("B25", ("仅限互联网信息服务",))),
        Finding("SERVICE_ITEM", "不含信息搜索查询服务、信息即时交互服务", evidence),
        Finding("SERVICE_ITEM", "含信息发布平台和递送服务,不含固定网电话信息服务和信息搜索查询服务"),
        Finding("BUSINESS", ParsedBusiness.of_code("B14")),
        Finding("SERVICE_ITEM", "不含网站接入"),
    ])
    assert [(b.code, b.service_items, b.excluded_items) for b in record.businesses] == [
        ("B25", ["仅限互联网信息服务", "含信息发布平台和递送服务"],
         ["信息搜索查询服务", "信息即时交互服务", "固定网电话信息服务"]),
        ("B14", [], ["网站接入"]),
    ]
    assert record.evidence == {"businesses[0].excluded_items[0]": [evidence],
                               "businesses[0].excluded_items[1]": [evidence]}


def test_evidence_is_recorded_only_for_findings_that_carry_it():
    evidence = Evidence(start=3, end=14, text="B1-20195402", component="licex_field_rules")
    clause = Clause(number="一", label="OTHER", start=20, end=30)
    record = fold([Finding("LICENSE_NO", "B1-20195402", evidence), Finding("SIGNER", "王五")],
                  [ClauseFinding(clause, evidence)])
    assert record.evidence == {"license_no": [evidence], "clauses[0]": [evidence]}
    assert record.clauses == [clause]
    assert fold([Finding("LICENSE_NO", "B1-20195402")]).evidence == {}


def _shareholders(labels_values):
    return [(s.name, s.id_number, s.share_ratio) for s in fold([Finding(label, value) for label, value in labels_values]).shareholders]


def test_shareholder_columns_printed_one_after_another_fold_into_rows():
    columns = [("SHAREHOLDER", "王建国"), ("SHAREHOLDER", "维旺明传媒有限公司"), ("SHAREHOLDER_ID", "360803196803245709"),
               ("SHAREHOLDER_ID", "9123038134XLX3JMP2"), ("SHARE_RATIO", "60%"), ("SHARE_RATIO", "40%")]
    assert _shareholders(columns) == [("王建国", "360803196803245709", "60%"), ("维旺明传媒有限公司", "9123038134XLX3JMP2", "40%")]


def test_shareholder_parts_that_make_no_whole_rows_by_columns_fill_the_row_opened_last():
    # the first row's ID number and ratio were lost: the second row's are not given to it
    parts = [("SHAREHOLDER", "王建国"), ("SHAREHOLDER", "维旺明传媒有限公司"), ("SHAREHOLDER_ID", "9123038134XLX3JMP2"),
             ("SHARE_RATIO", "40%")]
    assert _shareholders(parts) == [("王建国", None, None), ("维旺明传媒有限公司", "9123038134XLX3JMP2", "40%")]
    # a row without its ID number, then a whole row: each keeps its own
    parts = [("SHAREHOLDER", "王建国"), ("SHARE_RATIO", "60%"), ("SHAREHOLDER", "维旺明传媒有限公司"),
             ("SHAREHOLDER_ID", "9123038134XLX3JMP2"), ("SHARE_RATIO", "40%")]
    assert _shareholders(parts) == [("王建国", None, "60%"), ("维旺明传媒有限公司", "9123038134XLX3JMP2", "40%")]
