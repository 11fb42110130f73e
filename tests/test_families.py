"""Producer families: licences composed as HTML certificates, flat ODT and Typst documents from
the gold record, printed by headless Chromium, LibreOffice, WeasyPrint and Typst, and the content
variants they print."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

pytest.importorskip("faker", reason='the families draw their content with the "synth" extra')

from licex.corpus.families import compose_licence, draw_format, family_names  # noqa: E402
from licex.corpus.families.markup import MARKUPS, templates  # noqa: E402
from licex.corpus.families.style import family_config  # noqa: E402
from licex.corpus.synth import doc_seed, generate_one  # noqa: E402
from licex.corpus.synth.data import knobs, unread_keys  # noqa: E402


def _squeezed(text: str, markup: str = "html") -> str:
    """`text` without white space, its markup's escapes undone (XML entities; Typst's backslashes)."""
    literal = re.sub(r"\\(.)", r"\1", text) if markup == "typ" else html.unescape(text)
    return re.sub(r"\s+", "", literal)


def _seed_of_format(family: str, fmt: str) -> int:
    return next(doc_seed(26, i) for i in range(200) if draw_format(family, doc_seed(26, i)) == fmt)


def test_every_markup_names_the_same_elements():
    names = {markup: set(templates(markup)) for markup in MARKUPS}
    assert set(MARKUPS) >= {"html", "fodt", "typ"}
    assert all(elements == names["html"] for elements in names.values()), names
    assert {"document", "row", "label_cell", "value_cell", "seal", "sign_block"} <= names["html"]


@pytest.mark.parametrize("family", family_names())
def test_each_family_prints_every_gold_value_in_its_markup(family):
    """One licence a family and content format: every value the composer noted is in the document,
    and the company, the number and the dates of the gold record are among them."""
    for fmt in family_config(family)["formats"]:
        composed = compose_licence(family, _seed_of_format(family, fmt))
        source = _squeezed(composed.source, composed.markup)
        assert composed.format == fmt
        for label, printed in composed.values:
            assert _squeezed(printed) in source, (fmt, label, printed)
        record = composed.record
        noted = {label for label, _ in composed.values}
        assert {"LICENSE_NO", "COMPANY", "BUSINESS", "ISSUE_DATE", "EXPIRY_DATE"} <= noted
        assert record["license_no"] in source and record["company_name"] in source
        for business in record["businesses"]:
            assert business["coverage"] in source


def test_the_documents_are_well_formed():
    ET.fromstring(compose_licence("libreoffice", doc_seed(26, 0)).source.encode("utf-8"))

    class Strict(HTMLParser):
        def error(self, message):  # pragma: no cover - HTMLParser only calls it on broken input
            raise AssertionError(message)

    Strict().feed(compose_licence("chromium-cert", doc_seed(26, 0)).source)


def test_the_same_seed_composes_the_same_document_and_another_seed_another_style():
    first = compose_licence("chromium-cert", doc_seed(26, 3))
    assert compose_licence("chromium-cert", doc_seed(26, 3)).source == first.source
    styles = {re.search(r"font-family: \"([^\"]+)\"", compose_licence("chromium-cert", doc_seed(26, i)).source)[1]
              for i in range(12)}
    assert len(styles) > 1


def test_the_provincial_format_prints_its_real_forms():
    seed = _seed_of_format("chromium-cert", "provincial")
    for index in range(30):  # enough licences to see each form the format draws
        composed = compose_licence("chromium-cert", seed + index)
        if composed.format != "provincial":
            continue
        record = composed.record
        assert not record["license_no"].startswith("B") and len(record["businesses"]) == 1
        assert record["businesses"][0]["coverage"].endswith(("省", "市", "自治区")) or "机房" in record["businesses"][0]["coverage"]
        business_names = [printed for label, printed in composed.values if label == "BUSINESS"]
        assert business_names[0].startswith(("第一类增值电信业务中的", "第二类增值电信业务中的"))
    sources = "".join(compose_licence("chromium-cert", seed + i).source for i in range(40))
    assert "【依法须经批准的项目，经相关部门批准后方可开展相应经营活动。】" in sources
    assert "网站接入服务提供单位" in sources
    assert re.search("二〇[一二]\\w年\\w+月\\w+日", sources)
    assert re.search("（不含[^（）]+、[^（）]+）", sources)


def test_the_beijing_icp_format_is_the_older_licence():
    composed = compose_licence("libreoffice", _seed_of_format("libreoffice", "beijing_icp"))
    assert re.fullmatch(r"京ICP证\d{6}号", composed.record["license_no"])
    assert "电信与信息服务业务经营许可证" in composed.source and "本证有效期自" in composed.source
    assert [b["code"] for b in composed.record["businesses"]] == ["B25"]


def test_the_content_variants_leave_the_ordinary_licences_as_they_were():
    """The variants only add conditions: a licence drawn without one is the licence of old."""
    text, _, record = generate_one(doc_seed(0, 5))
    assert generate_one(doc_seed(0, 5), variant=None)[0] == text
    _, _, provincial = generate_one(doc_seed(0, 5), variant="provincial")
    assert len(provincial.businesses) == 1 and not provincial.license_no.startswith("B")


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_every_key_of_the_families_config_is_read():
    for family in family_names():
        for index in range(80):
            compose_licence(family, doc_seed(26, index))
    assert unread_keys("families.json") == []
    assert knobs("families.json")["_comment"]


@pytest.mark.parametrize(("printer", "says"), [("chromium", "apt-get install chromium"),
                                               ("soffice", "apt-get install libreoffice-writer-nogui"),
                                               ("weasyprint", "pip install 'licex[tools]'"),
                                               ("typst", "pip install 'licex[tools]'")])
def test_a_missing_printer_names_what_to_install(monkeypatch, printer, says):
    import importlib.util

    from licex.corpus.families import printers
    from licex.corpus.tools import ToolMissing

    monkeypatch.setattr(printers.shutil, "which", lambda program: None)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ToolMissing, match=re.escape(says)):
        printers.check_printer(printer)


def test_each_family_names_a_known_printer_of_its_markup():
    from licex.corpus.families.printers import PRINTERS

    for family in family_names():
        config = family_config(family)
        assert PRINTERS[config["printer"]][0] == config["markup"], family


@pytest.mark.slow
@pytest.mark.parametrize("family", family_names())
def test_a_printed_licence_has_its_company_and_number_in_the_text_layer(family):
    pytest.importorskip("pypdfium2", reason="reading the text layer needs pypdfium2")
    from licex.corpus.families import print_licence
    from licex.corpus.families.printers import check_printer
    from licex.corpus.tools import ToolMissing

    try:
        check_printer(family_config(family)["printer"])
    except ToolMissing as missing:
        pytest.skip(str(missing))
    from licex.corpus.tools import pypdfium2_text

    composed = compose_licence(family, doc_seed(26, 1))
    text = _squeezed(pypdfium2_text(print_licence(composed)))
    assert _squeezed(composed.record["company_name"]) in text
    assert composed.record["license_no"] in text



def _typst_or_skip():
    from licex.corpus.families.printers import check_printer
    from licex.corpus.tools import ToolMissing

    try:
        check_printer("typst")
    except ToolMissing as missing:
        pytest.skip(str(missing))


def test_typst_text_prints_every_markup_character_as_itself():
    """A value holding Typst's markup characters (# $ * _ ` < > @ [ ] \\ // -- ... "" and the rest)
    prints as written: nothing becomes a heading, a list, a comment, a smart quote or a dash."""
    _typst_or_skip()
    pytest.importorskip("pypdfium2", reason="reading the text layer needs pypdfium2")
    from licex.corpus.families.markup import Markup
    from licex.corpus.families.printers import print_pdf
    from licex.corpus.tools import pypdfium2_text

    punctuation = "".join(chr(c) for c in range(33, 127) if not chr(c).isalnum())
    text = f'{punctuation} a--b ... 1. x_y_ "q" \'r\' http://a.cn // c /* d */ \\u{{41}} = h'
    assert pypdfium2_text(print_pdf("typst", Markup("typ")("para", text=text))).strip() == text


@pytest.mark.slow  # three documents compiled and read (about 2 s)
def test_a_typst_licence_has_every_printed_value_in_its_text_layer():
    """typst-gov, one licence of each content format: every value the composer noted is in the PDF's
    text layer (white space aside: Typst spaces CJK from Latin letters and digits)."""
    _typst_or_skip()
    pytest.importorskip("pypdfium2", reason="reading the text layer needs pypdfium2")
    from licex.corpus.families import print_licence
    from licex.corpus.tools import pypdfium2_text

    family = "typst-gov"
    assert family_config(family)["printer"] == "typst"
    for fmt in family_config(family)["formats"]:
        composed = compose_licence(family, _seed_of_format(family, fmt))
        text = _squeezed(pypdfium2_text(print_licence(composed)))
        for label, printed in composed.values:
            assert _squeezed(printed) in text, (fmt, label, printed)


def test_the_corpus_script_resumes_every_committed_family_with_the_seed_it_was_made_with():
    """training/family_corpus.py without --seed gives each family the seed of its committed folder
    (typst-gov's licences are seed 29's), so the all-families run resumes every folder."""
    import json
    from pathlib import Path

    from conftest import load_script

    root = Path(__file__).resolve().parent.parent
    family_corpus = load_script(root / "training" / "family_corpus.py")
    seeds = {manifest.parent.name: json.loads(manifest.read_text("utf-8"))["seed"]
             for manifest in (root / "corpus" / "generated" / "families").glob("*/manifest.json")}
    assert seeds["typst-gov"] == 29
    assert seeds == {family: family_corpus.family_seed(family) for family in seeds}


def test_a_corpus_made_before_families_is_fpdf2s_and_refuses_another_family(tmp_path):
    import json

    from licex.corpus.tool_corpus import FactoryOptions, Manifest
    from licex.files.messages import InputError

    (tmp_path / "manifest.json").write_text(json.dumps({"seed": 3, "damaged": 0.0, "batch_sizes": {}, "batches": {}}))
    Manifest(tmp_path, FactoryOptions(3))
    with pytest.raises(InputError, match="family fpdf2 \\(asked chromium-cert\\)"):
        Manifest(tmp_path, FactoryOptions(3, family="chromium-cert"))


def test_a_family_needs_the_tools(tmp_path):
    from typer.testing import CliRunner

    from licex.cli import app

    result = CliRunner().invoke(app, ["synth", "-n", "1", "-o", str(tmp_path / "out"), "--family", "libreoffice"])
    assert result.exit_code == 2 and "--family needs --tools" in result.output


@pytest.mark.slow  # a whole script, the rules pipeline loaded
def test_the_family_evaluation_scores_each_family_and_source_and_writes_its_tables(tmp_path):
    """training/family_eval.py on two texts of a committed family corpus: the figures, held out
    or not, and the tables it puts between the docs page's markers."""
    import json
    from pathlib import Path

    from conftest import load_script

    root = Path(__file__).resolve().parent.parent
    family_eval = load_script(root / "training" / "family_eval.py")
    committed = root / "corpus" / "generated" / "families" / "chromium-cert" / "pypdfium2" / "batch-00000.jsonl"
    folder = tmp_path / "families" / "chromium-cert"
    (folder / "pypdfium2").mkdir(parents=True)
    (folder / "pypdfium2" / "batch-00000.jsonl").write_text(
        "".join(committed.read_text("utf-8").splitlines(keepends=True)[:2]), "utf-8")
    (folder / "manifest.json").write_text(json.dumps({"seed": 26, "damaged": 0.0, "family": "chromium-cert"}))
    report = family_eval.evaluate_families(tmp_path / "families", None)
    entry = report["families"]["chromium-cert"]
    assert entry["tuned"] == ["rules"] and not entry["held_out"]  # the readers' authors read its misses
    assert entry["held_out_pipeline"] is None  # no model scored
    # Which model reads a family held out: the first that never saw it.
    models = {"a": {"families": ["fpdf2", "chromium-cert"]}, "b": {"families": ["fpdf2"]}}
    assert family_eval.held_out_model("chromium-cert", models) == "b"
    assert family_eval.held_out_model("typst-gov", models) == "a"
    assert family_eval.held_out_model("fpdf2", models) is None
    assert family_eval.tuned_parts("chromium-cert", models) == ["rules", "model a"]
    assert family_eval.tuned_parts("typst-gov", models) == []  # nothing was tuned on it: held out
    assert family_eval.tuned_parts("weasyprint-form", models) == ["rules"]  # its misses were read
    scored = entry["sources"]["pypdfium2"]["rules only"]
    assert scored["documents"] == 2 and 0 <= scored["field_micro_accuracy"] <= 1
    docs = tmp_path / "families.md"
    docs.write_text(f"before\n{family_eval.START}\nOLD TABLE\n{family_eval.END}\nafter\n", "utf-8")
    family_eval.write_docs(docs, family_eval.markdown(report))
    page = docs.read_text("utf-8")
    assert "OLD TABLE" not in page and "| chromium-cert | rules |" in page and page.endswith("after\n")
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{family_eval.README_START}\nOLD\n{family_eval.README_END}\nrest\n", "utf-8")
    family_eval.write_docs(readme, family_eval.headline(report), family_eval.README_START, family_eval.README_END)
    page = readme.read_text("utf-8")
    figure = f"{scored['field_micro_accuracy']:.3f}"
    assert "OLD" not in page and f"| chromium-cert | yes | saw it: rules alone | – | – | – | – | – | {figure} | – | – |" in page
