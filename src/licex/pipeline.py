"""Building and loading licex pipelines, and running them over licence texts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language

from .components import clause_rules, field_rules, record_builder  # noqa: F401  (register factories)
from .record import LicenseRecord

RULE_COMPONENTS = ("licex_field_rules", "licex_clause_rules", "licex_record_builder")


def rules_pipeline() -> Language:
    """A pipeline with no trained component: character tokens, the rule components, the record builder."""
    nlp = spacy.blank("zh")
    for name in RULE_COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def load_pipeline(model: str | Path | None = None) -> Language:
    """The pipeline at `model` (a folder or an installed package), or the rules when None."""
    if model is None:
        return rules_pipeline()
    return spacy.load(model)


def extract_records(
    nlp: Language, texts: Iterable[tuple[str, str]], batch_size: int = 8
) -> Iterator[tuple[str, LicenseRecord]]:
    """(source, record) for each (source, text), streamed through `nlp.pipe`."""
    pairs = ((text, source) for source, text in texts)
    for doc, source in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        record = LicenseRecord.model_validate({**doc._.license_record, "source": source})
        yield source, record
