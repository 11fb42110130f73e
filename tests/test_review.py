"""`licex review`: the pages are read back with an HTML parser and checked against the records
they show (marks, links, review flags, clauses, the index's order, escaping, no network)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from licex.files.messages import InputError
from licex.jobs.review import Licence, find_texts, read_records, render_page

from conftest import CORPUS

RAW = CORPUS / "raw"


# --- a small DOM from the stdlib parser ----------------------------------------------------------

@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
        return [e for e in self.iter() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
                and all(e.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def text(self, skip_tags: bool = False) -> str:
        """The text inside; with skip_tags, without the labels (class tag) the page adds to marks."""
        return "".join(c if isinstance(c, str) else ("" if skip_tags and "tag" in c.classes else c.text(skip_tags))
                       for c in self.children)


class _TreeBuilder(HTMLParser):
    VOID = frozenset({"meta", "br", "link", "img", "input", "hr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, parent=self.current)
        self.current.children.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        self.current = self.current.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(page: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.current is builder.root, "an element is not closed"
    return builder.root


def by_id(root: Element) -> dict[str, Element]:
    ids = [e.attrs["id"] for e in root.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), "ids repeat"
    return {e.attrs["id"]: e for e in root.iter() if "id" in e.attrs}


def text_pane(root: Element) -> Element:
    [pane] = root.find_all("pre", "text")
    return pane


def marked(root: Element) -> dict[str, list[tuple[str, str]]]:
    """data-mark -> its (field path, text) pieces in the text pane, in order."""
    pieces: dict[str, list[tuple[str, str]]] = {}
    for element in text_pane(root).iter():
        if "data-mark" in element.attrs:
            pieces.setdefault(element.attrs["data-mark"], []).append(
                (element.attrs["data-field"], element.text(skip_tags=True)))
    return pieces


def spans_by_field(root: Element) -> dict[str, list[str]]:
    """Field path -> the text of each of its marks (its pieces joined), from the text pane."""
    spans: dict[str, list[str]] = {}
    for pieces in marked(root).values():
        paths = {path for path, _ in pieces}
        assert len(paths) == 1
        spans.setdefault(paths.pop(), []).append("".join(text for _, text in pieces))
    return spans


# --- records -------------------------------------------------------------------------------------

TEXT = ("经营许可证编号：B2-20160073\n公司名称：<script>alert('x')</script>有限公司\n"
        "业务种类：第一类增值电信业务中的互联网数据中心业务\n业务覆盖范围：全国\n"
        "一、你公司应当遵守国家有关法律。\n二、你公司应当在许可的范围内经营。\n")


def span(text: str, needle: str, component: str = "licex_field_rules") -> dict[str, Any]:
    start = text.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle, "component": component}


def clause(text: str, number: str, body: str, label: str) -> dict[str, Any]:
    start = text.index(f"{number}、")
    end = text.index(body) + len(body)
    return {"number": number, "label": label, "business_code": None, "start": start, "end": end}


def make_record(source: str, text: str = TEXT, **review: Any) -> dict[str, Any]:
    """A record of TEXT as extract writes it; `review` adds confidence / needs_review (issue 14 §3)."""
    clauses = [clause(text, "一", "法律。", "GEN_LEGAL_COMPLIANCE"), clause(text, "二", "经营。", "GEN_SCOPE")]
    return {
        "license_no": "B2-20160073", "previous_license_nos": [], "company_name": "<script>alert('x')</script>有限公司",
        "legal_representative": None, "registered_capital_cny": None, "registered_capital_foreign": None,
        "registered_address": None,
        "businesses": [{"code": "B11", "name": "互联网数据中心业务", "category": "第一类增值电信业务",
                        "service_items": [], "coverage": "全国"}],
        "issue_date": None, "expiry_date": None, "signer": None, "websites": [], "shareholders": [],
        "annual_inspections": [], "clauses": clauses, "source": source, "part": None, "pages": None,
        "evidence": {
            "license_no": [span(text, "B2-20160073")],
            "company_name": [span(text, "<script>alert('x')</script>有限公司", "ner")],
            "businesses[0].code": [span(text, "互联网数据中心业务")],
            "businesses[0].coverage": [span(text, "全国")],
            "clauses[0]": [{**span(text, text[clauses[0]["start"]:clauses[0]["end"]]), "component": "licex_clause_rules"}],
            "clauses[1]": [{**span(text, text[clauses[1]["start"]:clauses[1]["end"]]), "component": "licex_clause_rules"}],
        },
        **review,
    }


FLAGGED = {
    "confidence": {"license_no": 0.99, "company_name": 0.41, "businesses[0].code": 0.93, "clauses[1]": 0.55},
    "needs_review": [{"field": "company_name", "reason": "model and rules disagree"},
                     {"field": "businesses[0]", "reason": "coverage not in the 特别规定事项"}],
}


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@pytest.fixture
def licence_files(tmp_path) -> tuple[Path, Path]:
    """(PRED.jsonl, text file): one constructed record with confidence and needs_review, whose source is the text."""
    text_file = tmp_path / "lic.txt"
    text_file.write_text(TEXT, "utf-8")
    return write_jsonl(tmp_path / "pred.jsonl", [make_record(str(text_file), **FLAGGED)]), text_file


def page_of(record: dict[str, Any], text: str | None = TEXT) -> Element:
    return parse(render_page(Licence("lic", record, text)))


# --- the licence page ----------------------------------------------------------------------------

def test_every_evidence_span_is_a_labelled_mark_carrying_its_field(tmp_path):
    record = make_record("lic.txt", **FLAGGED)
    root = page_of(record)
    spans = spans_by_field(root)
    for path, items in record["evidence"].items():
        assert sorted(spans.get(path, [])) == sorted(item["text"] for item in items), path
    # every mark's first piece holds its id and a label: field path, component, confidence when known
    ids = by_id(root)
    company = next(e for e in text_pane(root).iter() if e.attrs.get("data-field") == "company_name" and "id" in e.attrs)
    label = company.find_all("span", "tag")[0].text()
    assert label == "company_name · ner · 0.41"
    license_no = next(e for e in ids.values() if e.attrs.get("data-field") == "license_no" and e.tag == "mark")
    assert license_no.find_all("span", "tag")[0].text() == "license_no · licex_field_rules · 0.99"
    # the text pane holds the whole text, character for character, around the marks
    assert text_pane(root).text(skip_tags=True) == TEXT


def test_crossing_spans_are_marked_in_pieces_that_keep_the_text():
    record = make_record("lic.txt")
    record["evidence"]["businesses[0].coverage"] = [span(TEXT, "网数据中心业务\n业务覆盖")]  # crosses the code's span
    root = page_of(record)
    # the longer span holds the shorter where they overlap: the code is cut where the coverage begins
    [code] = [pieces for pieces in marked(root).values() if pieces[0][0] == "businesses[0].code"]
    assert [text for _, text in code] == ["互联", "网数据中心业务"]
    spans = spans_by_field(root)
    assert spans["businesses[0].code"] == ["互联网数据中心业务"]
    assert spans["businesses[0].coverage"] == ["网数据中心业务\n业务覆盖"]
    assert text_pane(root).text(skip_tags=True) == TEXT


def test_field_links_lead_to_elements_that_exist_and_to_their_own_evidence():
    record = make_record("lic.txt", **FLAGGED)
    root = page_of(record)
    ids = by_id(root)
    links = [e for e in root.iter() if e.tag == "a" and e.attrs.get("href", "").startswith("#")]
    assert links
    for link in links:
        assert link.attrs["href"][1:] in ids, link.attrs["href"]
    [panel] = root.find_all("aside", "record")
    for path in record["evidence"]:
        [shown] = panel.find_all(data_field=path)
        jumps = [a for a in shown.iter() if a.tag == "a" and "data-jump" in a.attrs]
        assert jumps, path
        assert {ids[a.attrs["data-jump"]].attrs["data-field"] for a in jumps} == {path}
    # a value without evidence of its own is shown, not linked
    [name] = panel.find_all(data_field="businesses[0].name")
    assert name.text() == "互联网数据中心业务" and not name.find_all("a")
    [address] = panel.find_all(data_field="registered_address")
    assert not address.find_all("a") and address.text() == "registered_address—"


def test_fields_needing_review_are_marked_with_their_reason():
    record = make_record("lic.txt", **FLAGGED)
    root = page_of(record)
    [panel] = root.find_all("aside", "record")
    [company] = panel.find_all(data_field="company_name")
    assert "flagged" in company.classes and "needs review: model and rules disagree" in company.text()
    # a flagged row marks every value in it, in the record and in the text; its reason is shown once, on the row
    [row] = panel.find_all(data_field="businesses[0]")
    assert "flagged" in row.classes and row.text().count("coverage not in the 特别规定事项") == 1
    [coverage] = panel.find_all(data_field="businesses[0].coverage")
    assert "flagged" in coverage.classes and "needs review" not in coverage.text()
    marks = [e for e in text_pane(root).iter() if "data-mark" in e.attrs]
    flagged_fields = {e.attrs["data-field"] for e in marks if "flagged" in e.classes}
    assert flagged_fields == {"company_name", "businesses[0].code", "businesses[0].coverage"}
    [license_no] = panel.find_all(data_field="license_no")
    assert "flagged" not in license_no.classes
    [flags] = panel.find_all("section", "flags")
    assert "Needs review: 2 field(s)" in flags.text()
    assert [a.attrs["href"] for a in flags.find_all("a") if "data-jump" not in a.attrs] == [
        "#f-company_name", "#f-businesses[0]"]
    # the flagged value itself, linked to its evidence, heads the record
    [value] = [a for a in flags.find_all("a") if "data-jump" in a.attrs]
    assert value.text() == record["company_name"] and value.attrs["href"] == "#" + value.attrs["data-jump"]


def test_a_record_without_review_keys_has_no_marks_of_review():
    root = page_of(make_record("lic.txt"))
    assert not [e for e in root.iter() if "flagged" in e.classes]
    assert "has no needs_review list" in root.find_all("p", "noreview")[0].text()
    assert spans_by_field(root)["license_no"] == ["B2-20160073"]
    tag = next(e for e in text_pane(root).iter() if e.attrs.get("data-field") == "license_no").find_all("span", "tag")
    assert tag[0].text() == "license_no · licex_field_rules"  # no confidence where none is known


def test_clauses_are_shown_with_number_and_label_in_the_text_and_the_record():
    record = make_record("lic.txt", **FLAGGED)
    root = page_of(record)
    ids = by_id(root)
    [clause_list] = root.find_all("ol", "clauses")
    items = clause_list.find_all("li")
    assert [li.attrs["data-field"] for li in items] == ["clauses[0]", "clauses[1]"]
    for i, (item, clause_) in enumerate(zip(items, record["clauses"])):
        assert clause_["number"] in item.text() and clause_["label"] in item.text()
        [jump] = item.find_all("a")
        marked_clause = ids[jump.attrs["data-jump"]]
        assert marked_clause.tag == "span" and "clause" in marked_clause.classes
        assert marked_clause.attrs["data-field"] == f"clauses[{i}]"
        label = marked_clause.find_all("span", "tag")[0].text()
        assert label.startswith(f"{clause_['number']} · {clause_['label']}")
    assert "0.55" in items[1].text()
    assert spans_by_field(root)["clauses[1]"] == ["二、你公司应当在许可的范围内经营。"]


def test_the_licence_text_and_values_stay_text():
    root = page_of(make_record("lic.txt", **FLAGGED))
    scripts = root.find_all("script")
    assert len(scripts) == 1 and "alert" not in scripts[0].text()  # only the page's own script
    assert "<script>alert('x')</script>有限公司" in text_pane(root).text()
    [panel] = root.find_all("aside", "record")
    assert "<script>alert('x')</script>有限公司" in panel.find_all(data_field="company_name")[0].text()


def test_a_page_without_text_shows_the_record():
    record = make_record("lic.txt", **FLAGGED)
    root = parse(render_page(Licence("lic", record, None, "lic.txt: cannot read")))
    assert not root.find_all("pre", "text") and not root.find_all("mark")
    assert "No text shown: lic.txt: cannot read" in root.find_all("p", "problem")[0].text()
    [panel] = root.find_all("aside", "record")
    [company] = panel.find_all(data_field="company_name")
    assert not company.find_all("a") and "flagged" in company.classes


# --- finding texts -------------------------------------------------------------------------------

def test_a_text_that_does_not_fit_the_offsets_is_not_marked(tmp_path):
    other = tmp_path / "lic.txt"
    other.write_text("另一份许可证" + TEXT, "utf-8")  # every offset off by six
    [licence] = find_texts({"lic": make_record(str(other))}, None)
    assert licence.text is None and "does not hold the evidence of `license_no`" in licence.problem


def test_texts_are_found_where_extract_wrote_them(cli, tmp_path):
    predictions, texts, out = tmp_path / "pred.jsonl", tmp_path / "texts", tmp_path / "review"
    assert cli("extract", RAW, "--rules-only", "-o", predictions, "--text-dir", texts).exit_code == 0
    records = read_records(predictions)
    licences = list(find_texts(records, texts))
    assert [lic.problem for lic in licences] == [None] * 3
    assert [lic.text for lic in licences] == [(RAW / f"{doc_id}.txt").read_text("utf-8") for doc_id in records]

    result = cli("review", predictions, "--text-dir", texts, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    for licence in licences:  # records as extract writes them (no review keys): every evidence marked
        root = parse((out / licence.page).read_text("utf-8"))
        spans = spans_by_field(root)
        for path, items in licence.record["evidence"].items():
            assert sorted(spans.get(path, [])) == sorted(item["text"] for item in items), (licence.doc_id, path)
        assert text_pane(root).text(skip_tags=True) == licence.text
        ids = by_id(root)
        assert all(a.attrs["href"][1:] in ids for a in root.iter() if a.tag == "a" and a.attrs.get("href", "").startswith("#"))


# --- the command ---------------------------------------------------------------------------------

def review_keys(**changes: Any) -> dict[str, Any]:
    keys = {"confidence": {}, "needs_review": []}
    keys.update(changes)
    return keys


def test_the_index_lists_the_licences_most_in_need_of_review_first(cli, tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    records = [
        make_record("a.txt"),  # no review keys: last
        make_record("b.txt", **review_keys(confidence={"license_no": 0.3},
                                           needs_review=[{"field": "license_no", "reason": "r"}])),
        make_record("c.txt", **review_keys(needs_review=[{"field": "license_no", "reason": "r"},
                                                         {"field": "company_name", "reason": "r"},
                                                         {"field": "company_name", "reason": "another"}])),
        make_record("d.txt", **review_keys(confidence={"license_no": 0.2},
                                           needs_review=[{"field": "company_name", "reason": "r"}])),
    ]
    predictions = write_jsonl(tmp_path / "pred.jsonl", records)
    out = tmp_path / "review"
    result = cli("review", predictions, "-o", out)
    assert result.exit_code == 0, result.stderr
    root = parse((out / "index.html").read_text("utf-8"))
    rows = [r for r in root.find_all("tr") if "data-doc" in r.attrs]
    assert [r.attrs["data-doc"] for r in rows] == ["c", "d", "b", "a"]  # 2 fields; 1 at 0.2; 1 at 0.3; none
    assert [r.find_all("td", "flagged-count")[0].text() for r in rows] == ["2", "1", "1", "0"]
    assert [r.find_all("td", "filled")[0].text() for r in rows] == ["6"] * 4
    for row in rows:
        [link] = row.find_all("a")
        assert (out / unquote(link.attrs["href"])).is_file()
        assert "B2-20160073" in row.text() and "有限公司" in row.text()


def test_a_missing_text_gives_one_line_and_still_a_page(cli, tmp_path):
    predictions = write_jsonl(tmp_path / "pred.jsonl", [make_record(str(tmp_path / "gone.txt"), **FLAGGED)])
    out = tmp_path / "review"
    result = cli("review", predictions, "-o", out)
    assert result.exit_code == 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("licex: warning: gone (source ") and str(tmp_path / "gone.txt") in lines[0]
    assert "cannot read" in lines[0] and "page shows the record only" in lines[0]
    root = parse((out / "licences" / "gone.html").read_text("utf-8"))
    assert not root.find_all("pre", "text") and root.find_all("aside", "record")
    assert "1 licence page(s) (1 without text)" in result.stdout


def test_a_source_that_is_not_text_needs_the_text_dir(cli, tmp_path):
    predictions = write_jsonl(tmp_path / "pred.jsonl", [make_record("scans/lic.pdf")])
    result = cli("review", predictions, "-o", tmp_path / "review")
    assert result.exit_code == 0
    assert "lic (source scans/lic.pdf)" in result.stderr and "give --text-dir" in result.stderr


def test_no_written_file_points_outside_itself(cli, licence_files, tmp_path):
    predictions, _ = licence_files
    out = tmp_path / "review"
    assert cli("review", predictions, "-o", out).exit_code == 0
    written = sorted(p for p in out.rglob("*") if p.is_file())
    assert [p.relative_to(out).as_posix() for p in written] == ["index.html", "licences/lic.html"]
    for page in written:
        root = parse(page.read_text("utf-8"))
        for element in root.iter():
            for name in ("src", "href", "action", "data"):
                assert not re.match(r"\s*([a-z]+:)?//", element.attrs.get(name, ""), re.IGNORECASE), (page, element.attrs)
        for code in root.find_all("style") + root.find_all("script"):
            assert not re.search(r"https?:|//[a-z]|@import|url\(", code.text().replace("// ", "")), page
        assert not root.find_all("link") and not root.find_all("img") and not root.find_all("iframe")


def test_a_bad_line_stops_before_anything_is_written(cli, licence_files, tmp_path):
    predictions, _ = licence_files
    out = tmp_path / "review"
    assert cli("review", predictions, "-o", out).exit_code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    bad = tmp_path / "bad.jsonl"
    bad.write_text(predictions.read_text("utf-8").replace("lic.txt", "other.txt") + "{not json\n", "utf-8")
    result = cli("review", bad, "-o", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"licex: error: {bad}:2: ") and len(result.stderr.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize(("keys", "message"), [
    ({"confidence": {"company_name": 1.5}}, "`confidence.company_name`: Input should be less than or equal to 1"),
    ({"needs_review": [{"field": "company_name"}]}, "`needs_review.0.reason`: Field required"),
    ({"confidence": {}, "reviewed_by": "x"}, "`reviewed_by`: Extra inputs are not permitted"),
])
def test_review_keys_of_a_wrong_form_are_refused(tmp_path, keys, message):
    predictions = write_jsonl(tmp_path / "pred.jsonl", [make_record("lic.txt", **keys)])
    with pytest.raises(InputError) as caught:
        read_records(predictions)
    assert str(caught.value) == f"{predictions}:1: {message}"


def test_a_text_dir_that_is_not_there_is_one_error(cli, licence_files, tmp_path):
    predictions, _ = licence_files
    result = cli("review", predictions, "--text-dir", tmp_path / "nowhere", "-o", tmp_path / "review")
    assert result.exit_code == 2 and "nowhere: no such folder" in result.stderr
    assert not (tmp_path / "review" / "index.html").exists()


def test_the_licences_of_one_file_share_its_text_and_get_a_page_each(cli, tmp_path):
    pack = tmp_path / "pack.txt"
    pack.write_text(TEXT, "utf-8")
    records = [{**make_record(str(pack)), "part": 1}, {**make_record(str(pack), **FLAGGED), "part": 2}]
    out = tmp_path / "review"
    result = cli("review", write_jsonl(tmp_path / "pred.jsonl", records), "-o", out)
    assert result.exit_code == 0 and result.stderr == "", result.stderr
    index = parse((out / "index.html").read_text("utf-8"))
    links = [a.attrs["href"] for a in index.find_all("a")]
    assert links == ["licences/pack%232.html", "licences/pack%231.html"]  # a # in a link is escaped
    for link in links:
        page = parse((out / unquote(link)).read_text("utf-8"))
        assert text_pane(page).text(skip_tags=True) == TEXT
        assert "(licence " in page.find_all("span", "source")[0].text()


def test_an_excluded_service_is_shown_as_excluded_never_as_a_service_item():
    text = TEXT
    record = make_record("lic.txt")
    record["businesses"][0].update(service_items=["含互联网资源协作服务"], excluded_items=["网站接入"])
    [panel] = page_of(record, text).find_all("aside", "record")
    [excluded] = panel.find_all(data_field="businesses[0].excluded_items[0]")
    assert "excluded" in excluded.classes and excluded.text() == "不含网站接入"
    [item] = panel.find_all(data_field="businesses[0].service_items[0]")
    assert "excluded" not in item.classes and item.text() == "含互联网资源协作服务"


def test_a_record_of_the_form_before_shows_its_website_as_the_websites_table(tmp_path):
    """A record written with one `website` (before `websites`) is shown as the record model reads
    it: a websites table of its one website, its evidence under websites[0]."""
    record = make_record("lic.txt")
    del record["websites"]
    record["website"] = {"name": "全国", "domain": None, "server_location": None, "access_provider": None}
    record["evidence"]["website.name"] = [span(TEXT, "全国")]
    [(doc_id, read)] = read_records(write_jsonl(tmp_path / "old.jsonl", [record])).items()
    assert read["websites"] == [record["website"]] and "website" not in read
    root = page_of(read)
    fields = {e.attrs.get("data-field") for e in root.iter()}
    assert {"websites[0].name", "websites[0]"} <= fields and "website.name" not in fields
