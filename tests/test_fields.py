"""The field table (data/fields.jsonl): the record's paths, and every list of fields derived from it;
the look-alikes (patterns/lookalikes.jsonl) every reader of OCR'd values reads."""

from __future__ import annotations

import json
import typing

import pytest
from pydantic import BaseModel

from licex.fields.labels import ENTITY_LABELS, EntityLabel, _field_table
from licex.fields.record import LicenseRecord

# Record fields no entity fills: the clauses, where the record came from, and what licex says of it.
_NOT_ENTITIES = {"clauses", "source", "part", "pages", "evidence", "confidence", "needs_review"}


def _model_of(annotation: typing.Any) -> type[BaseModel] | None:
    """The record model inside an annotation (list[Business], Website | None), if one is."""
    for arg in (annotation, *typing.get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        if (inner := typing.get_args(arg)) and (model := _model_of(inner[0])):
            return model
    return None


def _record_paths() -> set[str]:
    """Every path of LicenseRecord: its fields, and the fields of its rows (a business, a website, ...)."""
    paths = set()
    for name, spec in LicenseRecord.model_fields.items():
        paths.add(name)
        if (model := _model_of(spec.annotation)) is not None:
            paths |= {f"{name}.{key}" for key in model.model_fields}
    return paths


def test_every_field_fills_a_path_of_the_record():
    paths = _record_paths()
    for label in ENTITY_LABELS.values():
        assert label.field in paths, label.label
        assert label.foreign_field is None or label.foreign_field in paths, label.label
        assert label.excluded_field is None or label.excluded_field in paths, label.label


def test_every_value_the_record_holds_is_some_fields():
    """A record path is filled by a field of the table: its own (the capital's foreign_field
    and the service item's excluded_field too), the fields of its parts (a shareholder row), or the whole row's (a business's code,
    name and category are the BUSINESS value's)."""
    filled = {label.field for label in ENTITY_LABELS.values()} | {
        other for label in ENTITY_LABELS.values() for other in (label.foreign_field, label.excluded_field) if other}
    for path in _record_paths():
        if path.partition(".")[0] in _NOT_ENTITIES:
            continue
        assert (path in filled or any(f.startswith(f"{path}.") for f in filled)
                or path.partition(".")[0] in filled), path


def test_the_lists_of_fields_are_derived_from_the_table():
    from licex.scoring.fits import unit_fields
    from licex.components.field_choice import STAND_ALONE, unit_of
    from licex.fields.consistency import FRONT_PAGE_FIELDS, REQUIRED_FIELDS
    from licex.evaluation.records import FIELDS

    assert REQUIRED_FIELDS == ("license_no", "company_name", "legal_representative", "businesses", "issue_date",
                               "expiry_date")
    assert FRONT_PAGE_FIELDS == ("license_no", "company_name", "legal_representative", "registered_capital_cny",
                                 "registered_address", "issue_date", "expiry_date", "signer")
    assert FIELDS == ["license_no", "previous_license_nos", "company_name", "legal_representative",
                      "registered_capital_cny", "registered_address", "businesses", "businesses.service_items",
                      "businesses.excluded_items", "businesses.coverage", "issue_date", "expiry_date", "signer",
                      "websites.name", "websites.domain", "websites.server_location", "websites.access_provider",
                      "shareholders", "annual_inspections"]
    assert STAND_ALONE == {"inspections", "PREV_LICENSE_NO"}
    assert {label: unit_of(label) for label in ("COVERAGE", "SHARE_RATIO", "INSPECTION_DATE", "DOMAIN")} == {
        "COVERAGE": "business_block", "SHARE_RATIO": "shareholder_table", "INSPECTION_DATE": "inspections",
        "DOMAIN": "DOMAIN"}
    assert unit_fields("business_block") == ("businesses", "businesses.service_items", "businesses.excluded_items",
                                             "businesses.coverage")
    assert unit_fields("shareholder_table") == ("shareholders",)
    assert unit_fields("CAPITAL") == ("registered_capital_cny",)


@pytest.mark.parametrize(("change", "message"), [
    ({"label": "company"}, "String should match pattern"),
    ({"field": "company name"}, "String should match pattern"),
    ({"compared": "fuzzy"}, "Input should be 'value', 'list', 'business', 'per_business', 'row' or 'column'"),
    ({"colour": "red"}, "Extra inputs are not permitted"),
])
def test_a_row_of_the_table_is_validated(change, message):
    row = {**ENTITY_LABELS["COMPANY"].model_dump(), **change}
    with pytest.raises(ValueError, match=message):
        EntityLabel.model_validate(row)


def test_the_table_names_a_bad_row_by_its_line(monkeypatch):
    from importlib import resources

    rows = [label.model_dump(exclude_defaults=True) for label in ENTITY_LABELS.values()]
    rows[2]["compared"] = "fuzzy"
    original = resources.files

    class Files:
        def joinpath(self, name):
            return self

        def read_text(self, encoding):
            return "\n".join(json.dumps(row, ensure_ascii=False) for row in rows)

    monkeypatch.setattr(resources, "files", lambda package: Files() if package == "licex" else original(package))
    with pytest.raises(ValueError, match="data/fields.jsonl row 3: Input should be"):
        _field_table()


def test_values_knows_every_kind_form_and_sign_the_table_names(monkeypatch):
    import licex.fields.values as values

    wrong = ENTITY_LABELS["COMPANY"].model_copy(update={"plausible": "firm", "misread_signs": ("symbol", "blur")})
    monkeypatch.setitem(ENTITY_LABELS, "COMPANY", wrong)
    with pytest.raises(ValueError, match="COMPANY names firm, blur, which licex.fields.values does not know"):
        values._check_field_table()


def test_every_reader_of_ocr_values_reads_the_lookalikes():
    """Dates, licence numbers, credit codes, ratios, amounts and clause numbers read the look-alikes
    of patterns/lookalikes.jsonl: a character added there is read by each."""
    from licex.text import clauses, chars as text
    from licex.fields import normalize, values

    assert text.DATE_LOOKALIKES == {"O": ["0", "〇"], "o": ["0", "〇"], "l": ["1"], "I": ["1"], "○": ["〇"], "0": ["〇"]}
    assert set(text.DATE_YEAR_CHARS) == set("0-9OolI〇○零一二三四五六七八九")
    assert set(text.DATE_DAY_CHARS) == set("0-9OolI一二三四五六七八九十")
    assert normalize.normalize_date("二O二一年六月二十二日").isoformat() == "2021-06-22"
    assert normalize.normalize_license_no("Bl-2O16OO73") == "B1-20160073"
    assert values.read_value("SHARE_RATIO", "7696") == "76%"
    assert values.read_value("SHAREHOLDER_ID", "91110108MAO1ABCD3L").startswith("91110108MA0")
    assert set(clauses._LOOKALIKES) == set(text.lookalikes("clause_number"))
    assert normalize._NUMERAL_LOOKALIKES == text.lookalikes("amount")


def test_a_lookalike_row_is_validated():
    from licex.text.chars import Lookalike

    with pytest.raises(ValueError, match="Input should be 'amount'"):
        Lookalike.model_validate({"where": "anywhere", "printed": "O", "reads": ["0"], "why": "-"})
    with pytest.raises(ValueError, match="at least 1 item"):
        Lookalike.model_validate({"where": "date", "printed": "O", "reads": [], "why": "-"})
