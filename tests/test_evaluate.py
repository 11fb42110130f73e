import copy
import json
from pathlib import Path

import pytest
from rich.console import Console

from licex.evaluation.records import FIELDS, Miss, evaluate, field_values, load_gold_dir, load_predictions
from licex.evaluation.render import render_misses, render_table
from licex.files.messages import InputError

RECORDS = Path(__file__).parent.parent / "corpus/records"
DOC = "001_093c3da1120a2424"


@pytest.fixture(scope="module")
def gold():
    return load_gold_dir(RECORDS)


def test_gold_against_itself_is_perfect(gold):
    assert sorted(gold) == sorted(p.name.removesuffix(".record.json") for p in RECORDS.glob("*.record.json"))
    for doc_id, record in gold.items():
        report = evaluate({doc_id: record}, {doc_id: copy.deepcopy(record)})
        assert report.misses == []
        assert report.clauses.counted == len(record["clauses"]) and report.clauses.accuracy == 1.0
        counted = {name: s for name, s in report.fields.items() if s.counted}
        assert {"license_no", "company_name", "businesses"} <= counted.keys()
        assert all(s.accuracy == 1.0 for s in counted.values())
        assert all(s.accuracy is None for name, s in report.fields.items() if name not in counted)


def perturbed(record):
    pred = copy.deepcopy(record)
    pred["company_name"] = "北京蓝汛科技有限公司"  # wrong
    pred["businesses"] = [b for b in pred["businesses"] if b["code"] != "B12"]  # a missing business
    pred["shareholders"].append({"name": "张三", "id_number": None, "share_ratio": "1%"})  # extra
    clauses = {c["number"]: c for c in pred["clauses"]}
    clauses["十五(一)"]["label"] = "BIZ_CONTENT"  # wrong label
    del clauses["十八(十)"]  # missing clause
    pred["clauses"] = [*clauses.values(), {"number": "十九", "label": "BIZ_SECTION_HEADER"}]  # extra clause
    # Spacing, full-width forms and order are not errors.
    pred["legal_representative"] = " 应 慧玲\n"
    pred["registered_address"] = "北京市海淀区 塔院朗秋园甲８号"
    pred["businesses"][0]["coverage"] = pred["businesses"][0]["coverage"].replace("4直辖市", " 4 直辖市")
    pred["businesses"].reverse()
    pred["shareholders"][0]["share_ratio"] = "55 ％"
    pred["annual_inspections"] = [{**i, "date": f"{i['year'] + 1}-05-01"} for i in pred["annual_inspections"]]
    pred["website"] = {"name": None, "domain": "", "server_location": None, "access_provider": None}
    pred["source"] = "corpus/raw/001_093c3da1120a2424.txt"
    return pred


def test_perturbed_prediction_counts_and_misses(gold):
    record = gold[DOC]
    report = evaluate({DOC: record}, {DOC: perturbed(record)})
    wrong = {"company_name", "businesses", "businesses.coverage", "shareholders"}
    # the licence excludes a service from B11 and names no service item
    expected_counted = {name: 0 if name.startswith("websites.") or name == "businesses.service_items" else 1
                        for name in FIELDS}
    assert {name: s.counted for name, s in report.fields.items()} == expected_counted
    assert {name: s.correct for name, s in report.fields.items()} == {
        name: int(counted and name not in wrong) for name, counted in expected_counted.items()
    }
    n = len(record["clauses"])
    assert (report.clauses.counted, report.clauses.correct) == (n + 1, n - 2)
    coverage = dict(field_values(record)["businesses.coverage"])
    assert report.misses == [
        Miss(DOC, "company_name", "北京蓝汛通信技术有限公司", "北京蓝汛科技有限公司"),
        Miss(DOC, "businesses", ("B11", "B12", "B13", "B14"), ("B11", "B13", "B14")),
        Miss(DOC, "businesses.coverage", tuple(coverage.items()),
             tuple((code, c) for code, c in coverage.items() if code != "B12")),
        Miss(DOC, "shareholders",
             (("寇小洪", "110106196111241242", "45%"), ("王松", "110102196402071516", "55%")),
             (("寇小洪", "110106196111241242", "45%"), ("张三", None, "1%"), ("王松", "110102196402071516", "55%"))),
        Miss(DOC, "clauses[十五(一)]", "BIZ_NO_ILLEGAL_CUSTOMERS", "BIZ_CONTENT"),
        Miss(DOC, "clauses[十八(十)]", "BIZ_THREAT_HANDLING", None),
        Miss(DOC, "clauses[十九]", None, "BIZ_SECTION_HEADER"),
    ]
    assert json.loads(json.dumps(report.to_dict(), ensure_ascii=False))["misses"][1] == {
        "document": DOC, "field": "businesses", "gold": ["B11", "B12", "B13", "B14"], "predicted": ["B11", "B13", "B14"],
    }


def test_missing_and_unmatched_predictions(gold):
    record = gold[DOC]
    report = evaluate({DOC: record}, {"stray": perturbed(record)})
    assert report.documents == 1 and report.unmatched == ["stray"]
    assert report.fields["shareholders"].counted == 1 and report.fields["shareholders"].correct == 0
    assert report.fields["websites.name"].counted == 0
    assert (report.clauses.counted, report.clauses.correct) == (len(record["clauses"]), 0)
    assert report.to_dict()["unmatched"] == ["stray"]


def test_absent_gold_key_is_not_compared():
    gold = {"annual_inspections": [{"year": 2002, "result": "合格"}], "website": {"name": "蓝汛"}}
    pred = {"annual_inspections": [{"year": 2002, "result": "合格", "date": "2003-04-01"}],
            "website": {"name": "蓝 汛", "domain": "example.cn"}, "signer": "尚行"}
    report = evaluate({"d": gold}, {"d": pred})
    assert report.misses == []
    assert report.fields["annual_inspections"].correct == report.fields["annual_inspections"].counted == 1
    assert report.fields["websites.name"].correct == 1
    assert report.fields["websites.domain"].counted == 0  # gold website has no `domain` key
    assert report.fields["signer"].counted == 0  # gold has no `signer` key
    assert report.clauses.counted == 0  # gold has no `clauses` key

    # Where gold does annotate the date, it is compared.
    gold["annual_inspections"][0]["date"] = "2003-04-02"
    report = evaluate({"d": gold}, {"d": pred})
    assert [(m.field, m.gold, m.predicted) for m in report.misses] == [
        ("annual_inspections", ((2002, "合格", "2003-04-02"),), ((2002, "合格", "2003-04-01"),))
    ]


def test_empty_values_are_no_value():
    record = {"company_name": " ", "previous_license_nos": [], "website": {}, "businesses": []}
    values = field_values(record, unannotated=())
    assert values["company_name"] is None and values["previous_license_nos"] is None
    assert values["websites.name"] is None and values["businesses"] is None and values["signer"] is None
    # As gold, the record itself decides: absent keys (signer, websites.name) are not annotated.
    assert not {"signer", "websites.name"} & field_values(record).keys()


def test_load_predictions_ids_and_blank_lines(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text('{"source": "corpus/raw/001_x.txt", "company_name": "甲"}\n\n{"source": "-"}\n', "utf-8")
    assert load_predictions(path) == {"001_x": {"source": "corpus/raw/001_x.txt", "company_name": "甲"},
                                      "-": {"source": "-"}}


def test_invalid_jsonl_names_the_line(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text('{"source": "a.txt"}\n\n{"source": "b.txt",\n', "utf-8")
    with pytest.raises(InputError, match=rf"^{path}:3: invalid JSON"):
        load_predictions(path)


def test_invalid_gold_names_file_and_line(tmp_path):
    (tmp_path / "a.record.json").write_text('{\n "license_no": "B1",\n oops\n}', "utf-8")
    with pytest.raises(InputError, match=rf"^{tmp_path / 'a.record.json'}:3: invalid JSON"):
        load_gold_dir(tmp_path)
    with pytest.raises(InputError, match="no \\*.record.json files"):
        load_gold_dir(tmp_path / "nothing")


def test_tables_render(gold):
    record = gold[DOC]
    report = evaluate({DOC: record}, {DOC: perturbed(record)})
    console = Console(record=True, width=200)
    console.print(render_table(report))
    console.print(render_misses(report))
    text = console.export_text()
    n = len(record["clauses"])
    assert "clause labels" in text and f"{(n - 2) / (n + 1):.3f}" in text
    assert "company_name" in text and "0.000" in text and "1.000" in text and "BIZ_CONTENT" in text


def test_predicted_value_where_gold_has_none_is_a_miss():
    report = evaluate({"d": {"signer": None, "website": None, "license_no": None}},
                      {"d": {"signer": "尚行", "website": {"domain": "example.cn"}, "license_no": " "}})
    assert [(m.field, m.gold, m.predicted) for m in report.misses] == [
        ("signer", None, "尚行"), ("websites.domain", None, ("example.cn",))
    ]
    assert report.fields["license_no"].counted == 0  # blank on both sides: not counted


def test_gold_with_no_matching_prediction_fails_in_one_line(tmp_path):
    from typer.testing import CliRunner

    from licex.cli import app

    predictions = tmp_path / "pred.jsonl"
    predictions.write_text('{"source": "elsewhere/other.txt", "company_name": "甲"}\n', "utf-8")
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(RECORDS), str(predictions)])
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"licex: error: {predictions}: no prediction matches a gold record in {RECORDS}")
    assert result.stdout == ""  # no table of zeros


def test_a_record_of_pages_apart_is_scored_against_the_gold_of_the_files_it_joined():
    """A front page and its 附页 read as one licence (jobs.joining): the record is scored against
    both files' gold merged, and the two files count as one document; the 附页's gold is not lost."""
    front = {"license_no": "渝B2-20250748", "company_name": "重庆甲科技有限公司", "legal_representative": "卿鹏",
             "businesses": [{"code": "B25", "service_items": ["仅限互联网信息服务"], "coverage": None}],
             "issue_date": "2025-07-17", "website": None}
    annex = {"license_no": "渝B2-20250748", "company_name": "重庆甲科技有限公司", "legal_representative": None,
             "businesses": [{"code": "B21", "service_items": ["仅限经营类电子商务"]},
                            {"code": "B25", "service_items": ["仅限互联网信息服务"]}],
             "issue_date": None,
             "website": {"name": "甲", "domain": "jia.cn", "server_location": "浙江省", "access_provider": "阿里云计算有限公司"}}
    site = {"name": "甲", "domain": "jia.cn", "server_location": "浙江省", "access_provider": "阿里云计算有限公司"}
    record = {**front, "website": None, "websites": [site], "source": "pages/003_front.jpg",
              "businesses": [{"code": "B21", "service_items": ["仅限经营类电子商务"], "coverage": None},
                             {"code": "B25", "service_items": ["仅限互联网信息服务"], "coverage": None}],
              "evidence": {"license_no": [{"start": 0, "end": 3, "text": "x", "page": 1, "file": "pages/003_front.jpg"}],
                           "websites[0].domain": [{"start": 9, "end": 12, "text": "y", "page": 2, "file": "pages/004_annex.jpg"}]}}
    del record["website"]
    report = evaluate({"003_front": front, "004_annex": annex}, {"003_front": record})
    assert report.documents == 1 and report.misses == []
    assert report.fields["websites.domain"].correct == 1 and report.fields["businesses"].correct == 1
    # not joined (no evidence names a second file): each file on its own, the 附页's fields lost
    alone = {**record, "evidence": {"license_no": record["evidence"]["license_no"]}}
    report = evaluate({"003_front": front, "004_annex": annex}, {"003_front": alone})
    assert report.documents == 2 and {m.doc_id for m in report.misses} == {"003_front", "004_annex"}
