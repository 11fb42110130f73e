"""Shared fixtures: one rules pipeline per session, and a runner that checks evidence offsets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from licex.pipeline import rules_pipeline


@pytest.fixture(scope="session")
def rules_nlp() -> Language:
    return rules_pipeline()


@dataclass
class Extracted:
    """A text run through the rules: its Doc and record, with short views for assertions."""

    text: str
    doc: Doc
    record: dict[str, Any]

    def fields(self) -> dict[str, Any]:
        """The record without evidence, clauses and empty values; a business reads
        (code, service items, coverage), since its name and category come from the catalogue."""
        brief = {k: v for k, v in self.record.items()
                 if k not in ("evidence", "clauses", "source") and v not in (None, [])}
        if "businesses" in brief:
            brief["businesses"] = [(b["code"], b["service_items"], b["coverage"]) for b in brief["businesses"]]
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
        doc = rules_nlp(text)
        record = doc._.license_record
        _check_offsets(text, doc, record)
        return Extracted(text, doc, record)

    return run


@pytest.fixture(scope="session")
def check_offsets():
    """check_offsets(text, doc, record): every entity, clause and evidence offset is right."""
    return _check_offsets
