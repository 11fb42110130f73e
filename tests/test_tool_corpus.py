"""The generator as a document factory: designs, the tools users run, the tool corpus in
resumable batches, and scoring a tool's text against the licence's true record."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fpdf", reason='typesetting needs the "render" extra')
pytest.importorskip("rapidfuzz", reason='the tool corpus needs the "tools" extra')

from licex.corpus import tools as tool_registry  # noqa: E402
from licex.corpus.align import align  # noqa: E402
from licex.corpus.annotations import AnnotatedText, read_annotation_dir  # noqa: E402
from licex.corpus.convert import split_examples  # noqa: E402
from licex.corpus.render import printed_licence  # noqa: E402
from licex.corpus.tool_corpus import FactoryOptions, make_tool_corpus  # noqa: E402
from licex.corpus.tools import TOOLS, ToolMissing, get_tool  # noqa: E402
from licex.corpus.typeset import design_font, designs, typeset  # noqa: E402
from licex.documents import read_document_bytes  # noqa: E402
from licex.evaluation.pipelines import evaluate_pipeline  # noqa: E402
from licex.evaluation.records import evaluate  # noqa: E402
from licex.files.messages import InputError  # noqa: E402

from conftest import CORPUS  # noqa: E402


@pytest.fixture(scope="module")
def real_licences() -> list[tuple[AnnotatedText, dict]]:
    return [(annotated, json.loads((CORPUS / "records" / f"{annotated.id}.record.json").read_text("utf-8")))
            for annotated in read_annotation_dir(CORPUS)]


@pytest.fixture(scope="module")
def typeset_in_every_design(real_licences) -> dict[tuple[str, str], bytes]:
    """(licence, design) -> the real licence typeset in that design."""
    return {(str(annotated.id), design): typeset(printed_licence(annotated, record), design)
            for annotated, record in real_licences for design in designs()}


def test_there_are_at_least_three_designs_with_different_front_pages_and_orientations():
    chosen = designs().values()
    assert len(chosen) >= 3
    assert {d["front_layout"] for d in chosen} == {"table", "lines", "stacked"}
    assert {d["attachment_orientation"] for d in chosen} == {"portrait", "landscape"}
    assert any(d["signature"] for d in chosen) and any(d["seal"]["over"] == "fields" for d in chosen)


@pytest.mark.slow
def test_every_design_prints_every_value_and_clause_where_alignment_finds_it(real_licences, typeset_in_every_design):
    pypdfium2 = get_tool("pypdfium2")
    for annotated, record in real_licences:
        printed = printed_licence(annotated, record)
        clauses = list(zip((label for *_, label in sorted(annotated.clauses)), printed.clauses))
        for design in designs():
            text = pypdfium2.run(typeset_in_every_design[(str(annotated.id), design)])
            result = align(text, printed.printed_values(), clauses)
            assert result.missing == [], (annotated.id, design)
            assert len(result.clauses) == len(clauses)


@pytest.mark.slow
def test_the_real_licences_typeset_in_every_design_give_their_gold_records(rules_nlp, real_licences,
                                                                            typeset_in_every_design):
    for design in designs():
        gold, predicted = {}, {}
        for annotated, record in real_licences:
            name = str(annotated.id)
            document = read_document_bytes(typeset_in_every_design[(name, design)], f"{name}.pdf")
            gold[name] = {k: v for k, v in record.items() if k not in ("evidence", "source")}
            predicted[name] = rules_nlp(document.text)._.license_record
        report = evaluate(gold, predicted)
        assert report.micro_accuracy() == 1.0, (design, report.misses)


def test_a_design_whose_font_is_not_installed_takes_the_next(tmp_path):
    design = {"fonts": [{"file": str(tmp_path / "absent.ttc"), "face": 0},
                        {"file": "wheel:NotoSansCJK-Regular.ttc", "face": 2}]}
    path, face = design_font(design)
    assert path.name == "NotoSansCJK-Regular.ttc" and path.exists() and face == 2


def test_a_tool_whose_program_is_missing_names_the_package_to_install(monkeypatch):
    monkeypatch.setattr(tool_registry.shutil, "which", lambda program: None)
    with pytest.raises(ToolMissing, match="apt-get install tesseract-ocr tesseract-ocr-chi-sim"):
        get_tool("tesseract").check()
    with pytest.raises(ValueError, match="unknown tool 'acrobat'"):
        get_tool("acrobat")


def _installed(name: str) -> None:
    tool = TOOLS[name]
    if tool.program and shutil.which(tool.program) is None:
        pytest.skip(f"{name} needs {tool.program}: apt-get install {tool.package} (.ci/run installs it)")


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
@pytest.mark.parametrize("name", ["pdftotext", "pdftotext-layout"])
def test_poppler_reads_a_typeset_licence_and_alignment_finds_all_of_it(name, real_licences):
    _installed(name)
    annotated, record = real_licences[1]
    printed = printed_licence(annotated, record)
    text = get_tool(name).run(typeset(printed, "table_front"))  # one design: the fixture typesets them all
    result = align(text, printed.printed_values(), list(zip((l for *_, l in sorted(annotated.clauses)), printed.clauses)))
    assert result.missing == []


@pytest.mark.slow
def test_tesseract_reads_a_scanned_page(real_licences, typeset_in_every_design):
    _installed("tesseract")
    from licex.corpus.scan import scan_pages

    annotated, record = real_licences[0]
    pages = scan_pages(typeset_in_every_design[(str(annotated.id), "table_front")], seed=3)
    text = get_tool("tesseract").run(pages[:1])
    assert record["company_name"] in text.replace(" ", "")


def _corpus(out: Path, n: int, **options) -> list:
    return make_tool_corpus(out, n, ["pypdfium2", "licex-pdf"], FactoryOptions(seed=5, batch_size=2, **options))


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_the_tool_corpus_is_written_in_batches_recorded_in_the_manifest(tmp_path):
    reports = _corpus(tmp_path, 3)
    manifest = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert manifest["seed"] == 5 and set(manifest["batches"]) == {"pypdfium2", "licex-pdf"}
    assert [(r.tool, r.batch, r.documents) for r in reports] == [
        ("pypdfium2", 0, 2), ("licex-pdf", 0, 2), ("pypdfium2", 1, 1), ("licex-pdf", 1, 1)]
    examples = read_annotation_dir(tmp_path)  # the tool corpus folder is a corpus path
    assert len(examples) == 6
    first = next(e for e in examples if e.id == "s5_00000_pypdfium2")
    assert first.meta["licence"] == "s5_00000" and first.meta["tool"] == "pypdfium2"
    assert first.meta["design"] in designs() and first.meta["missing"] == []
    assert first.meta["record"]["license_no"] in first.text
    # the same licence reads the same in every run: same design, same text
    again = make_tool_corpus(tmp_path / "again", 1, ["pypdfium2"], FactoryOptions(seed=5, batch_size=2))
    assert read_annotation_dir(tmp_path / "again")[0].text == first.text and again[0].documents == 1


@pytest.mark.slow
def test_a_second_run_does_only_what_is_missing(tmp_path):
    _corpus(tmp_path, 3)
    kept = tmp_path / "pypdfium2" / "batch-00000.jsonl"
    before = kept.stat().st_mtime_ns
    (tmp_path / "licex-pdf" / "batch-00000.jsonl").unlink()  # as if the run had been stopped
    reports = _corpus(tmp_path, 4)  # and more licences asked for: the last batch grows
    assert [(r.tool, r.batch, r.documents) for r in reports] == [("licex-pdf", 0, 2), ("pypdfium2", 1, 2),
                                                                  ("licex-pdf", 1, 2)]
    assert kept.stat().st_mtime_ns == before
    assert len(read_annotation_dir(tmp_path)) == 8


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_a_corpus_made_with_other_options_is_refused(tmp_path):
    make_tool_corpus(tmp_path, 1, ["pypdfium2"], FactoryOptions(seed=5, batch_size=2))
    with pytest.raises(InputError, match="made with damaged 0.0 .asked 0.5."):
        make_tool_corpus(tmp_path, 1, ["pypdfium2"], FactoryOptions(seed=5, damaged=0.5, batch_size=2))
    with pytest.raises(InputError, match="pypdfium2 was read in batches of 2 .asked 3.; give --batch-size 2"):
        make_tool_corpus(tmp_path, 1, ["pypdfium2"], FactoryOptions(seed=5, batch_size=3))
    # another tool may have batches of its own size
    make_tool_corpus(tmp_path, 1, ["licex-pdf"], FactoryOptions(seed=5, batch_size=3))
    assert json.loads((tmp_path / "manifest.json").read_text("utf-8"))["batch_sizes"] == {"pypdfium2": 2, "licex-pdf": 3}


def test_a_tool_text_is_scored_against_the_licences_true_record(rules_nlp):
    # The tool lost the legal representative: the alignment cannot annotate it, but the true
    # record still asks for it, so the field counts as missed.
    text = ("中华人民共和国增值电信业务经营许可证\n经营许可证编号：B2-20160073\n公司名称：北京某某科技有限公司\n"
            "准许你公司经营增值电信业务，特颁发此证。\n")  # a licence grants: evaluation reads it as one
    record = {"license_no": "B2-20160073", "company_name": "北京某某科技有限公司", "legal_representative": "张三"}
    example = AnnotatedText("x_pdftotext", text, entities=[(24, 35, "LICENSE_NO"), (41, 51, "COMPANY")],
                            meta={"origin": "synthetic", "licence": "x", "tool": "pdftotext", "record": record})
    report = evaluate_pipeline(rules_nlp, [example])
    assert report.fields.fields["legal_representative"].accuracy == 0.0
    assert report.fields.fields["company_name"].accuracy == 1.0


def test_every_tools_text_of_a_licence_falls_on_the_same_side_of_the_split():
    examples = [AnnotatedText(f"s1_{i:05d}_{tool}", "文", meta={"origin": "synthetic", "licence": f"s1_{i:05d}",
                                                              "tool": tool})
                for i in range(40) for tool in ("pdftotext", "tesseract", "rapidocr")]
    split = split_examples(examples, dev_fraction=0.3, seed=0)
    train = {e.meta["licence"] for e in split.train}
    dev = {e.meta["licence"] for e in split.dev}
    assert train and dev and not train & dev


def test_runs_of_different_tools_in_one_folder_keep_each_others_batches(tmp_path):
    from licex.corpus.tool_corpus import Manifest

    first, second = Manifest(tmp_path, FactoryOptions(seed=5)), Manifest(tmp_path, FactoryOptions(seed=5))
    first.record("tesseract", 25, 0, {"file": "tesseract/batch-00000.jsonl", "count": 25})
    second.record("pdftotext", 50, 0, {"file": "pdftotext/batch-00000.jsonl", "count": 50})
    stored = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    assert set(stored["batches"]) == {"tesseract", "pdftotext"}
    assert stored["batch_sizes"] == {"tesseract": 25, "pdftotext": 50}


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_the_committed_tool_corpus_matches_its_manifest():
    folder = CORPUS / "generated"
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert manifest["seed"] == 13
    for tool, batches in manifest["batches"].items():
        assert tool in TOOLS
        for batch, entry in batches.items():
            lines = (folder / entry["file"]).read_text("utf-8").splitlines()
            assert len(lines) == entry["count"], entry["file"]
            assert entry["values_missing"] <= entry["values"] and entry["clauses_missing"] <= entry["clauses"]
    # one batch of each tool is read and validated in full (all of them: `licex corpus validate`)
    for tool, batches in manifest["batches"].items():
        examples = read_annotation_dir(folder / batches[min(batches, key=int)]["file"])
        assert {e.meta["tool"] for e in examples} == {tool}
        assert all(e.meta["record"]["license_no"] for e in examples)


def test_training_reports_the_dev_licences_of_each_tool_apart():
    from licex.corpus.convert import Split
    from licex.jobs.train import evaluation_sets

    def example(name: str, **meta) -> AnnotatedText:
        return AnnotatedText(name, "文", meta={"origin": "synthetic", **meta})

    dev = [example("synth_00001"), example("synth_00002", layout=["damaged_labels"]),
           example("s13_00001_pdftotext", tool="pdftotext", licence="s13_00001"),
           example("s13_00001_tesseract", tool="tesseract", licence="s13_00001")]
    sets = evaluation_sets(Split(train=[], dev=dev, real=[example("real", origin="real")]))
    assert {name: [e.id for e in examples] for name, examples in sets.items()} == {
        "real": ["real"], "dev": ["synth_00001", "synth_00002"], "dev_damaged": ["synth_00002"],
        "dev_pdftotext": ["s13_00001_pdftotext"], "dev_tesseract": ["s13_00001_tesseract"]}


def test_the_ceiling_counts_the_printed_values_a_tool_kept_where_they_are_printed():
    from licex.corpus.tool_corpus import field_ceiling, value_ceiling

    record = {"license_no": "B2-20160073", "company_name": "北京某某科技有限公司", "legal_representative": "张三",
              "issue_date": "2020-05-13"}
    # the company kept verbatim (spacing aside), the date in another form that reads the same,
    # the legal representative lost: 张三 further down, in running text, is no value kept
    text = ("经营许可证编号:B2-20160073\n公司名称:北京某某 科技有限公司\n发证日期:2020年5月13日\n"
            "特别规定事项\n一、张三应当按照规定经营。\n")
    spans = [(text.index(value), text.index(value) + len(value), label) for value, label in (
        ("B2-20160073", "LICENSE_NO"), ("北京某某 科技有限公司", "COMPANY"), ("2020年5月13日", "ISSUE_DATE"))]
    example = AnnotatedText("x_tool", text, entities=spans, meta={"origin": "synthetic", "record": record})
    ceiling = value_ceiling([example])
    assert (ceiling.values, ceiling.verbatim, ceiling.repaired) == (4, 2, 1)
    assert ceiling.to_json()["share_present"] == 0.75
    # per field: the record of the annotations has all but the legal representative
    assert field_ceiling([example]) == 0.75


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_first_starts_at_a_later_batch_of_the_same_licences(tmp_path):
    reports = make_tool_corpus(tmp_path, 4, ["pypdfium2"], FactoryOptions(seed=5, batch_size=2), first=2)
    assert [(r.batch, r.documents) for r in reports] == [(1, 2)]
    assert sorted(e.meta["licence"] for e in read_annotation_dir(tmp_path)) == ["s5_00002", "s5_00003"]
    with pytest.raises(InputError, match="--first 1 is not a multiple of the batch size 2"):
        make_tool_corpus(tmp_path, 4, ["pypdfium2"], FactoryOptions(seed=5, batch_size=2), first=1)


def test_a_tool_text_without_clause_annotations_is_scored_on_the_clauses_the_pipeline_finds(rules_nlp):
    # The tool's clauses could not be aligned, so the reference has no clause span: the predicted
    # clause labels are still aligned onto it (their labels unknown to its vocab until now).
    text = ("中华人民共和国增值电信业务经营许可证\n经营许可证编号：B2-20160073\n特别规定事项\n"
            "一、你公司应当按照《中华人民共和国电信条例》等法律法规要求，严格执行电信管理规定。\n")
    record = {"license_no": "B2-20160073", "clauses": [{"number": "一", "label": "GEN_LEGAL_COMPLIANCE"}]}
    example = AnnotatedText("y_tesseract", text, entities=[(24, 35, "LICENSE_NO")],
                            meta={"origin": "synthetic", "licence": "y", "tool": "tesseract", "record": record})
    report = evaluate_pipeline(rules_nlp, [example])
    assert report.fields.clauses.accuracy == 1.0
    assert report.clause_spans["spans_clauses_p"] == 0.0  # a predicted span without its gold span
