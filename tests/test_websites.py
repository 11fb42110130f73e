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
