"""The generator package's extension points: layout cases and document parts come from a registry,
distributions and wordings from data files whose every key is read, service items from the
catalogue, numerals from cn2an."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from licex.fields.catalogue import BUSINESS_TYPES
from licex.corpus.synth import LAYOUT_TAGS, doc_seed, generate_one, layout_tags
from licex.corpus.synth.builder import Builder
from licex.corpus.synth.cases import (
    DOCUMENT_PARTS,
    LAYOUT_CASES,
    document_part,
    layout_case,
)
from licex.corpus.synth.content import check_item_sets
from licex.corpus.synth.data import SYNTH_DATA_FILES, clause_data, knobs, unread_keys
from licex.corpus.synth.numerals import counting, financial, year_digits

NEW_CASE = "approval_stamp"
STAMP_LINE = "(审批专用章)"


@pytest.fixture
def stamp_case():
    """A new layout case, registered as the registry's users would: one function, a part of every
    licence. Unregistered afterwards, so no other test sees it."""

    @document_part(NEW_CASE)
    @layout_case(NEW_CASE)
    def approval_stamp(r) -> None:
        """The approval stamp's caption under the last page."""
        r.b.tag(NEW_CASE)
        r.par(STAMP_LINE)

    yield approval_stamp
    del DOCUMENT_PARTS[NEW_CASE]
    del LAYOUT_CASES[NEW_CASE]


def test_a_registered_layout_case_is_listed_and_rendered(stamp_case):
    assert NEW_CASE in layout_tags() and NEW_CASE not in LAYOUT_TAGS
    shown = 0
    for index in range(12):
        text, example, _ = generate_one(doc_seed(0, index))
        if "truncated_page" in example.meta["layout"]:
            continue  # a truncated page may end before the stamp
        assert NEW_CASE in example.meta["layout"]
        assert text.rstrip().endswith(STAMP_LINE) or STAMP_LINE + "</p>" in text
        shown += 1
    assert shown >= 10


def test_a_new_part_that_draws_nothing_leaves_the_licences_as_they_were(stamp_case):
    with_stamp = generate_one(doc_seed(3, 1))[0]
    del DOCUMENT_PARTS[NEW_CASE]
    without = generate_one(doc_seed(3, 1))[0]
    DOCUMENT_PARTS[NEW_CASE] = stamp_case
    assert STAMP_LINE not in without and with_stamp.startswith(without)


def test_the_list_of_cases_is_the_registry():
    assert LAYOUT_TAGS == layout_tags() == tuple(LAYOUT_CASES)
    assert {"markdown", "html", "table_cells", "truncated_page", "damaged_labels"} <= set(LAYOUT_TAGS)
    undocumented = [tag for tag, function in LAYOUT_CASES.items() if not (function.__doc__ or "").strip()]
    assert undocumented == []  # each case's function says what the case is
    assert list(DOCUMENT_PARTS)[:3] == ["front_page", "duplicated_page", "shareholder_page"]


def test_a_tag_no_case_registered_is_refused():
    with pytest.raises(ValueError, match="no registered layout case"):
        Builder().tag("watermark")


def test_a_case_registered_twice_is_refused():
    with pytest.raises(ValueError, match="registered twice"):
        layout_case("markdown")(lambda r: None)


def test_every_key_of_the_data_files_is_read():
    """No dead key: 100 licences, every other one with damaged labels, read every key of every file
    (a key added to a data file and forgotten in the code fails here)."""
    for index in range(100):
        generate_one(doc_seed(0, index), damaged_labels=index % 2 == 1)
    assert {name: unread_keys(name) for name in SYNTH_DATA_FILES} == {name: [] for name in SYNTH_DATA_FILES}


@pytest.mark.parametrize("name", SYNTH_DATA_FILES)
def test_each_data_file_and_object_says_what_it_holds(name):
    """Each file has a `_comment`; each object in it has its own, or is named in its parent's."""
    data = json.loads(resources.files("licex.corpus").joinpath("data", name).read_text("utf-8"))
    undescribed = []

    def walk(node: dict, path: str, parent_comment: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                if "_comment" not in value and key not in parent_comment:
                    undescribed.append(f"{path}/{key}")
                walk(value, f"{path}/{key}", value.get("_comment", ""))

    assert data["_comment"].strip()
    walk(data, name, data["_comment"])
    assert undescribed == []


def test_a_missing_key_names_its_file_and_path():
    with pytest.raises(KeyError, match="synth_style.json: no key document/paper"):
        knobs("synth_style.json")["document"]["paper"]


def test_business_types_are_data_a_new_one_needs():
    """A business type the catalogue knows has its weight, its service item sets and its 特别规定事项
    section in the data files; none of them names a type the catalogue does not know."""
    content = knobs("synth_content.json")
    _, sections = clause_data()
    assert set(content["business_weights"]) == set(BUSINESS_TYPES)
    assert set(content["service_item_sets"]) == set(BUSINESS_TYPES)
    assert set(BUSINESS_TYPES) <= set(sections)


def test_service_items_are_catalogue_items():
    assert check_item_sets({"B23": [["仅限电子邮件"], ["语音信箱", "电子邮件"]]})
    assert check_item_sets({"B25": [["不含固定网电话信息服务和互联网信息服务"], ["信息发布平台和递送服务"]]})
    assert check_item_sets({"B24": [["仅限国内呼叫中心业务"]]})  # a sub-service is an item
    with pytest.raises(ValueError, match="'不含电子邮箱' is no catalogue service item of B23"):
        check_item_sets({"B23": [["不含电子邮箱"]]})
    with pytest.raises(ValueError, match="unknown business type 'B99'"):
        check_item_sets({"B99": [[]]})


def test_aliases_come_from_the_catalogue():
    printed = {generate_one(doc_seed(1, index))[1].text for index in range(150)}
    text = "\n".join(printed)
    assert any(alias in text for b in BUSINESS_TYPES.values() for alias in b.aliases)


@pytest.mark.parametrize(("amount", "printed"), [
    (1_000_000, "壹佰万"), (10_500_000, "壹仟零伍拾万"), (40_000_000, "肆仟万"), (100_000_000, "壹亿"),
    (120_000_000, "壹亿贰仟万"), (100_500_000, "壹亿零伍拾万"), (12_345, "壹万贰仟叁佰肆拾伍"),
])  # fmt: skip
def test_financial_numerals(amount, printed):
    assert financial(amount) == printed


def test_counting_numerals_and_years():
    assert [counting(n) for n in (1, 10, 11, 15, 20, 21, 31)] == ["一", "十", "十一", "十五", "二十", "二十一", "三十一"]
    assert year_digits(2008) == "二〇〇八" and year_digits(2019) == "二〇一九"
