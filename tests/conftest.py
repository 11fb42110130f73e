"""Shared fixtures, built once per session: the shipped corpus, generated licences, the rules
pipeline and the committed default model, the CLI runner, and a runner that checks evidence offsets.

Test modules read shared data through these fixtures, never at import time: collecting a test
file then costs nothing, and each corpus file or model is read once however many tests use it.
"""

from __future__ import annotations

import importlib.util
import json
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc
from typer.testing import CliRunner, Result

from licex.corpus.annotations import AnnotatedText, read_annotation_dir
from licex.corpus.synth import doc_seed, generate_one
from licex.jobs.pipeline import load_pipeline, read_as_licence, rules_pipeline
from licex.fields.record import LicenseRecord

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def load_script(path: Path) -> ModuleType:
    """A script of the checkout (training/, .ci/, docs/) as a module, named by its file, with its
    folder on the path while it loads (a script imports its neighbours) and registered in
    sys.modules (dataclasses look their module up there)."""
    folder = str(path.parent)
    sys.path.insert(0, folder)
    try:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(folder)
DEFAULT_MODEL = ROOT / "training" / "model"

Generated = tuple[str, AnnotatedText, LicenseRecord]


@pytest.fixture(scope="session")
def rules_nlp() -> Language:
    return rules_pipeline()


@pytest.fixture(scope="session")
def default_nlp() -> Language:
    """The committed default model (training/model), named explicitly: neither $LICEX_MODEL
    nor an installed zh_licex_cnn changes what the tests load."""
    return load_pipeline(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def corpus_examples() -> list[AnnotatedText]:
    """Every annotated document of corpus/annotations, validated."""
    return read_annotation_dir(CORPUS / "annotations")


@pytest.fixture(scope="session")
def real_examples(corpus_examples) -> list[AnnotatedText]:
    """The annotated real licences (the texts of corpus/raw)."""
    return [e for e in corpus_examples if e.origin == "real"]


@pytest.fixture(scope="session")
def raw_texts() -> dict[str, str]:
    """The real licence texts of corpus/raw by document id (the file name without .txt)."""
    return {p.stem: p.read_text("utf-8") for p in sorted((CORPUS / "raw").glob("*.txt"))}


@pytest.fixture(scope="session")
def gold_records() -> dict[str, dict[str, Any]]:
    """The gold records of corpus/records by document id."""
    return {p.name.removesuffix(".record.json"): json.loads(p.read_text("utf-8"))
            for p in sorted((CORPUS / "records").glob("*.record.json"))}


@pytest.fixture(scope="session")
def generated() -> Callable[..., list[Generated]]:
    """generated(seed, n, damaged=False) -> the first n (text, annotations, gold record) of a seed,
    ids synth_00000...; each set is generated once per session and shared (do not modify it)."""

    @cache
    def make(seed: int, n: int, damaged: bool = False) -> list[Generated]:
        return [generate_one(doc_seed(seed, i), doc_id=f"synth_{i:05d}", damaged_labels=damaged) for i in range(n)]

    return make


@pytest.fixture
def cli() -> Callable[..., Result]:
    """cli(*args, input=None, env=None) -> the `licex` command run in this process (typer's
    CliRunner): exit_code, stdout and stderr apart. One test per command family still runs a
    real process (tests/test_cli.py's smoke test)."""
    from licex.cli import app

    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
        return runner.invoke(app, [str(a) for a in args], input=input, env=env, catch_exceptions=False)

    return run


@dataclass
class Extracted:
    """A text run through the rules: its Doc and record, with short views for assertions."""

    text: str
    doc: Doc
    record: dict[str, Any]

    def fields(self) -> dict[str, Any]:
        """The record without evidence, clauses and empty values; a business reads
        (code, service items, coverage), since its name and category come from the catalogue, and
        the services it excludes after them where it excludes some: (code, items, coverage, excluded)."""
        brief = {k: v for k, v in self.record.items()
                 if k not in ("evidence", "clauses", "source", "needs_review", "confidence") and v not in (None, [], {})}
        if "businesses" in brief:
            brief["businesses"] = [(b["code"], b["service_items"], b["coverage"], *[b["excluded_items"]] * bool(
                b["excluded_items"])) for b in brief["businesses"]]
        return brief

    def evidence(self, path: str) -> list[str]:
        return [e["text"] for e in self.record["evidence"].get(path, [])]

    def clauses(self) -> list[tuple[str, str, str | None]]:
        return [(c["number"], c["label"], c["business_code"]) for c in self.record["clauses"]]

    def clause_text(self, number: str) -> str:
        clause = next(c for c in self.record["clauses"] if c["number"] == number)
        return self.text[clause["start"]:clause["end"]]


def _check_offsets(text: str, doc: Doc, record: dict[str, Any]) -> None:
    """Every entity, clause and evidence offset points into the original text."""
    assert doc.text == text
    for ent in doc.ents:
        assert text[ent.start_char:ent.end_char] == ent.text and ent.text.strip(), ent
    for span in doc.spans.get("clauses", []):
        assert text[span.start_char:span.end_char] == span.text, span
    for path, items in record["evidence"].items():
        for evidence in items:
            assert text[evidence["start"]:evidence["end"]] == evidence["text"], path
            assert evidence["text"].strip(), path
    for i, clause in enumerate(record["clauses"]):
        assert 0 <= clause["start"] < clause["end"] <= len(text)
        [evidence] = record["evidence"][f"clauses[{i}]"]
        assert (evidence["start"], evidence["end"]) == (clause["start"], clause["end"])


@pytest.fixture(scope="session")
def extract(rules_nlp):
    """extract(text) -> Extracted, after checking every offset against the original text."""

    def run(text: str) -> Extracted:
        doc = read_as_licence(rules_nlp, text)  # fragments too: these tests read fields, not licences
        record = doc._.license_record
        _check_offsets(text, doc, record)
        return Extracted(text, doc, record)

    return run


@pytest.fixture(scope="session")
def check_offsets():
    """check_offsets(text, doc, record): every entity, clause and evidence offset is right."""
    return _check_offsets


@contextmanager
def fails_after(seconds: int, why: str) -> Iterator[None]:
    """Fail the block, rather than hang the tests, when it runs longer than `seconds` (SIGALRM):
    `why` says what a hang means. Not a speed assertion."""
    def late(signum, frame):
        raise AssertionError(f"still running after {seconds} s: {why}")

    before = signal.signal(signal.SIGALRM, late)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
