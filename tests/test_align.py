"""Carrying gold annotations onto a tool's text (licex.corpus.align): each value and clause is
found where the tool put it, however it spaced, wrapped or misread it, and what cannot be found
is reported, never invented."""

from __future__ import annotations

import pytest

pytest.importorskip("rapidfuzz", reason='alignment needs the "tools" extra')

from licex.corpus.align import align, squeeze  # noqa: E402
from licex.corpus.convert import pipeline_tokenizer  # noqa: E402

CLAUSE_ONE = "一、你公司应当按照《中华人民共和国电信条例》等法律法规要求，严格执行电信网码号资源管理规定。"
CLAUSE_TWO = "二、你公司应当按照许可的业务种类和业务覆盖范围，依法开展业务经营活动，不得经营未经许可的其他电信业务。"
CLAUSES = [("GEN_LEGAL_COMPLIANCE", CLAUSE_ONE), ("GEN_SCOPE", CLAUSE_TWO)]


@pytest.fixture(scope="module")
def tokenizer():
    return pipeline_tokenizer(None)


def spans(text: str, result) -> list[tuple[str, str]]:
    return [(label, text[start:end]) for start, end, label in result.entities]


def test_squeeze_drops_whitespace_and_folds_full_width_forms():
    squeezed, offsets = squeeze("Ｂ２ －\n２００６")
    assert squeezed == "b2-2006"
    assert offsets == [0, 1, 3, 5, 6, 7, 8]


def test_a_value_wrapped_and_spaced_by_the_tool_is_found_whole():
    text = "公司名称    北京某某网络\n            科技有限公司\n法定代表人  张 三\n"
    result = align(text, [("COMPANY", "北京某某网络科技有限公司"), ("LEGAL_REP", "张三")], [])
    assert spans(text, result) == [("COMPANY", "北京某某网络\n            科技有限公司"), ("LEGAL_REP", "张 三")]
    assert result.missing == []


def test_a_misread_value_is_found_by_fuzzy_alignment_with_its_own_edges():
    text = "注册住所：北京市海淀区中关忖大街27号\n业务种类：信息服务业务\n"
    result = align(text, [("ADDRESS", "北京市海淀区中关村大街27号")], [])
    assert spans(text, result) == [("ADDRESS", "北京市海淀区中关忖大街27号")]


def test_a_short_value_is_taken_only_verbatim():
    text = "你公司 2019 年度年检合洛\n"
    result = align(text, [("INSPECTION_YEAR", "2019"), ("INSPECTION_RESULT", "合格")], [])
    assert spans(text, result) == [("INSPECTION_YEAR", "2019")]
    assert result.missing == ["INSPECTION_RESULT 合格: value not found"]


def test_values_are_found_in_print_order_so_a_repeated_value_goes_to_its_own_field():
    # 北京 is both the coverage and the server location; each is the one after the value before it.
    text = "业务覆盖范围：北京\n网站名称：某某网\n服务器放置地：北京\n"
    values = [("COVERAGE", "北京"), ("WEBSITE_NAME", "某某网"), ("SERVER_LOCATION", "北京")]
    result = align(text, values, [])
    assert [(label, start) for start, _, label in result.entities] == [
        ("COVERAGE", 7), ("WEBSITE_NAME", 15), ("SERVER_LOCATION", 26)]


def test_the_licence_number_is_annotated_wherever_it_prints_but_not_on_the_old_number():
    text = ("经营许可证编号: B2-20160073\nB2-20110073 变更为 B2-20160073\n特别规定事项\n"
            "经营许可证编号: B2-2016O073    第 1 页\n" + CLAUSE_ONE + "\n")
    values = [("LICENSE_NO", "B2-20160073"), ("PREV_LICENSE_NO", "B2-20110073")]
    result = align(text, values, CLAUSES[:1])
    found = spans(text, result)
    assert found.count(("LICENSE_NO", "B2-20160073")) == 2
    assert ("LICENSE_NO", "B2-2016O073") in found  # the page header as OCR misread it
    assert ("PREV_LICENSE_NO", "B2-20110073") in found
    assert not any(label == "LICENSE_NO" and value == "B2-20110073" for label, value in found)


def test_clauses_keep_the_page_furniture_a_tool_put_inside_them():
    head, tail = CLAUSE_TWO[:30], CLAUSE_TWO[30:]
    text = f"{CLAUSE_ONE}\n{head}\n\n司(局)负责人:    公司代表:\n\f经营许可证编号: B2-20160073  第 2 页\n{tail}\n"
    result = align(text, [("LICENSE_NO", "B2-20160073")], CLAUSES)
    assert [(label, text[start:end]) for start, end, label in result.clauses] == [
        ("GEN_LEGAL_COMPLIANCE", CLAUSE_ONE), ("GEN_SCOPE", text[text.index(head):text.index(tail) + len(tail)])]
    # The page header's number lies inside the clause, as in the gold of generated licences.
    (start, end, label), = result.entities
    assert result.clauses[1][0] < start < end < result.clauses[1][1]


def test_a_clause_whose_number_ocr_misread_is_found_and_starts_on_its_text(tokenizer):
    misread = CLAUSE_ONE.replace("一、", "一,", 1)
    text = f"特别规定事项\n{misread}\n{CLAUSE_TWO}\n"
    result = align(text, [], CLAUSES, tokenizer)
    assert [text[start:end] for start, end, _ in result.clauses] == [misread, CLAUSE_TWO]


def test_what_the_tool_lost_is_reported_and_nothing_is_invented():
    text = "公司名称：北京某某科技有限公司\n特别规定事项\n" + CLAUSE_TWO + "\n"
    result = align(text, [("COMPANY", "北京某某科技有限公司"), ("LEGAL_REP", "张三")], CLAUSES)
    assert spans(text, result) == [("COMPANY", "北京某某科技有限公司")]
    assert [label for _, _, label in result.clauses] == ["GEN_SCOPE"]
    assert result.missing == ["GEN_LEGAL_COMPLIANCE 一、你公司应当按照《中华…: clause start not found",
                              "LEGAL_REP 张三: value not found"]


def test_a_value_is_never_taken_from_the_special_provisions():
    # The front page lost the company; its mention in the 特别规定事项 preamble is no field value.
    text = "法定代表人：张三\n特别规定事项\n《特别规定事项》是经营许可证重要组成部分，北京某某科技有限公司应当按照\n" + CLAUSE_ONE
    result = align(text, [("COMPANY", "北京某某科技有限公司"), ("LEGAL_REP", "张三")], CLAUSES[:1])
    assert spans(text, result) == [("LEGAL_REP", "张三")]
    assert "COMPANY 北京某某科技有限公司: value not found" in result.missing


def test_spans_off_the_pipelines_token_boundaries_are_dropped_and_reported(tokenizer):
    # In the 特别规定事项 the tokens are phrases: a clause that a tool glued to the text before it
    # ("要求二、你公司") starts inside a token, and cannot be trained on.
    glued = CLAUSE_ONE.rstrip("。") + CLAUSE_TWO
    text = "特别规定事项\n" + glued + "\n"
    result = align(text, [], CLAUSES, tokenizer)
    assert result.clauses == []
    assert [reason.split(" ", 1)[0] for reason in result.missing] == ["GEN_LEGAL_COMPLIANCE", "GEN_SCOPE"]
    assert all(reason.endswith("clause not on token boundaries") for reason in result.missing)
