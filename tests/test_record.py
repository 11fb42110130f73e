"""The record model: validation rules and the published JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from licex.fields.record import LicenseRecord, json_schema, published_schema

RECORDS = Path(__file__).resolve().parent.parent / "corpus" / "records"


def test_published_schema_is_up_to_date():
    # Regenerate with: licex schema -o src/licex/schema/license_record.schema.json
    assert published_schema() == json_schema()


@pytest.mark.parametrize("path", sorted(RECORDS.glob("*.record.json")), ids=lambda p: p.name)
def test_gold_records_validate(path):
    gold = json.loads(path.read_text("utf-8"))
    # Gold clauses omit offsets; the model requires them, so give them for this check.
    for clause in gold.get("clauses", []):
        clause.setdefault("start", 0)
        clause.setdefault("end", 0)
    record = LicenseRecord.model_validate(gold)
    assert record.license_no == gold["license_no"]


@pytest.mark.parametrize(
    "change",
    [
        {"businesses": [{"code": "B99"}]},
        {"clauses": [{"number": "十五（三）", "label": "BIZ_CONTENT", "start": 0, "end": 1}]},
        {"clauses": [{"number": "十五", "label": "NOT_A_LABEL", "start": 0, "end": 1}]},
        {"issue_date": "2021-13-01"},
        {"registered_capital_cny": -5},
        {"annual_inspections": [{"year": 1066}]},
        {"unknown_key": 1},
    ],
)
def test_invalid_records_are_rejected(change):
    with pytest.raises(ValidationError):
        LicenseRecord.model_validate({"license_no": "B1-20195402", **change})


@pytest.mark.parametrize("number", ["十五", "十五(三)", "一百", "一百零一", "一百零一(十二)", "一千", "六千零三十二", "一万零一"])
def test_clause_numbers_past_a_hundred_validate(number):
    record = LicenseRecord.model_validate({"clauses": [{"number": number, "label": "BIZ_CONTENT", "start": 0, "end": 1}]})
    assert record.clauses[0].number == number


def test_empty_record_is_recognised():
    assert LicenseRecord().is_empty()
    assert not LicenseRecord(license_no="B1-20195402").is_empty()
