"""The older Beijing licence, 《电信与信息服务业务经营许可证》 (issue 27): its number 京ICP证…号
printed after 编号, and its dates printed as one validity period, `本证有效期自<issue>至<expiry>`,
in Arabic or Chinese numerals, with 至 (or the expiry date's 月…日) wrapped onto the next line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from licex.jobs.bundles import extract_licences
from licex.jobs.pipeline import rules_pipeline

ROOT = Path(__file__).resolve().parent.parent
FAMILIES = ROOT / "corpus" / "generated" / "families"


def _beijing_licences() -> list[tuple[str, dict]]:
    """The generated licences of the beijing_icp design, each as every tool printed it."""
    found = []
    for path in sorted(FAMILIES.glob("*/*/batch-0000*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            if row.get("design") == "beijing_icp":
                found.append((f"{path.parent.parent.name}/{path.parent.name}", row))
    return found


BEIJING = _beijing_licences()


@pytest.fixture(scope="module")
def nlp():
    return rules_pipeline()


def _record(nlp, text: str) -> dict:
    records = [record for _, record in extract_licences(nlp, [("licence.txt", text)])]
    assert len(records) == 1
    return records[0]


def test_the_corpus_has_older_beijing_licences():
    assert len(BEIJING) >= 4 and all("本证有效期自" in row["text"] for _, row in BEIJING)


@pytest.mark.parametrize("where, row", BEIJING, ids=[where for where, _ in BEIJING])
def test_older_beijing_licence_reads_number_and_validity_period(nlp, where, row):
    record, gold = _record(nlp, row["text"]), row["record"]
    assert record["license_no"] == gold["license_no"] and gold["license_no"].startswith("京ICP证")
    assert (record["issue_date"], record["expiry_date"]) == (gold["issue_date"], gold["expiry_date"])


def _pdftotext_licence() -> str:
    return next(row["text"] for where, row in BEIJING if where == "chromium-cert/pdftotext")


@pytest.mark.parametrize("period", [
    "本证有效期自2016年3月18日至2017年3月1日",  # the issue's licence
    "本证有效期自二〇一六年三月十八日至二〇一七年三月一日",  # in Chinese numerals
    "本证有效期自2016年3月18日\n至2017年3月1日",  # 至 wrapped onto the next line
    "本证有效期自二〇一六年三月十八日\n至二〇一七年三月一日",
    "本证有效期自 2016 年 3 月 18 日至 2017 年 3\n月 1 日",  # the expiry date itself wrapped
])
def test_validity_period_gives_issue_and_expiry(nlp, period):
    text = _pdftotext_licence()
    start = text.index("本证有效期自")
    end = text.index("\n", start)
    record = _record(nlp, text[:start] + period + text[end:])
    assert (record["issue_date"], record["expiry_date"]) == ("2016-03-18", "2017-03-01")
    assert record["license_no"] == "京ICP证143223号"


def test_icp_number_after_bianhao(nlp):
    """编号：京ICP证120137号, also as a tool spaces it out (京 ICP 证 120137 号)."""
    text = _pdftotext_licence()
    for printed in ("京ICP证120137号", "京 ICP 证 120137 号"):
        record = _record(nlp, text.replace("京ICP证143223号", printed))
        assert record["license_no"] == "京ICP证120137号"


def test_validity_until_alone_is_the_expiry_date(nlp):
    """本证有效期至<date> is an expiry date only, and no misread 本证有效期自 (a name of its own,
    so 本证有效期X is not guessed to be either)."""
    text = _pdftotext_licence()
    start = text.index("本证有效期自")
    end = text.index("\n", start)
    record = _record(nlp, text[:start] + "本证有效期至2027年5月25日" + text[end:])
    assert record["expiry_date"] == "2027-05-25" and record["issue_date"] != "2027-05-25"
