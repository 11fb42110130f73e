"""The trust figures: what a person who reads only the flagged and doubtful values is left with."""

import copy
from pathlib import Path

import pytest

from licex.evaluation.records import evaluate, load_gold_dir
from licex.evaluation.trust import Trust, flag_covers, presented_as_trusted

RECORDS = Path(__file__).parent.parent / "corpus/records"
DOC = "001_093c3da1120a2424"


@pytest.fixture(scope="module")
def gold():
    return load_gold_dir(RECORDS)[DOC]


def test_a_flag_covers_its_path_and_the_values_below_it():
    assert flag_covers("businesses", "businesses[0].coverage")
    assert flag_covers("businesses[0].coverage", "businesses[0].coverage")
    assert not flag_covers("businesses[1]", "businesses[10].coverage")
    assert not flag_covers("company", "company_name")
    assert presented_as_trusted("company_name", 0.95, ["legal_representative"])
    assert not presented_as_trusted("company_name", 0.95, ["company_name"])
    assert not presented_as_trusted("company_name", 0.89, [])


def test_wrong_values_trusted_flagged_and_missing_are_counted_apart(gold):
    pred = copy.deepcopy(gold)
    pred["company_name"] = "北京蓝汛科技有限公司"  # wrong, and trusted
    pred["legal_representative"] = "应慧玲业务"  # wrong, and flagged
    pred["registered_address"] = None  # missing, and not flagged
    pred["confidence"] = {"company_name": 0.97, "legal_representative": 0.95, "license_no": 0.99,
                          "registered_capital_cny": 0.5}  # right, but below the trusted confidence
    pred["needs_review"] = [{"field": "legal_representative", "reason": "holds a label word"}]
    trust = evaluate({DOC: gold}, {DOC: pred}).trust
    assert (trust.trusted, trust.trusted_right) == (2, 1)  # license_no right, company_name wrong
    assert (trust.wrong, trust.wrong_flagged) == (3, 1)  # only the legal representative was put to a person
    assert trust.right_flagged == 1  # the capital, below 0.9
    shares = trust.to_dict()
    assert shares["trusted_right_share"] == 0.5 and shares["wrong_flagged_share"] == pytest.approx(1 / 3)


def test_trust_merges_and_reads_back():
    a, b = Trust(2, 1, 3, 1, 10, 1), Trust(1, 1, 0, 0, 5, 0)
    merged = a.merge(b)
    assert merged == Trust(3, 2, 3, 1, 15, 1)
    assert Trust.from_dict(merged.to_dict()) == merged
    assert Trust().to_dict()["trusted_right_share"] is None


def test_an_input_with_no_record_puts_every_field_to_a_person(gold):
    """"no licence found": licex reports the file, so a person reads it whatever it lost."""
    trust = evaluate({DOC: gold}, {DOC: {}}).trust
    assert trust.wrong > 0 and trust.wrong_flagged == trust.wrong and trust.trusted == 0
    lost_front = {**copy.deepcopy(gold), "license_no": None, "company_name": None, "confidence": {}}
    trust = evaluate({DOC: gold}, {DOC: lost_front}).trust
    assert (trust.wrong, trust.wrong_flagged) == (2, 0)  # a record was read: what it lost is not flagged
