"""Building and loading licex pipelines, and running them over licence texts."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from licex.components import clause_rules, field_choice, field_rules, record_builder, tokenizer  # noqa: F401  (register factories)
from licex.components.names import CLAUSE_RULES, FIELD_CHOICE, FIELD_RULES, RECORD_BUILDER
from licex.components.rule_data import ModelDataError
from licex.jobs.extras import extra_providing

RULE_COMPONENTS = (FIELD_RULES, FIELD_CHOICE, CLAUSE_RULES, RECORD_BUILDER)
DEFAULT_PACKAGE = "zh_licex_cnn"
MODEL_ENV = "LICEX_MODEL"
# In a source checkout the trained default pipeline is committed beside the code.
_CHECKOUT_MODEL = Path(__file__).resolve().parents[3] / "training" / "model"
T = TypeVar("T")


def rules_pipeline(review_below: float | None = None) -> Language:
    """A pipeline with no trained component: the licence tokenizer (the trained pipelines' own),
    the rule components, the record builder (`review_below`: see load_pipeline)."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "licex.licence_tokenizer.v1"}}})
    for name in RULE_COMPONENTS:
        nlp.add_pipe(name, config=_record_options(review_below) if name == RECORD_BUILDER else {})
    return nlp


def _record_options(review_below: float | None) -> dict[str, float]:
    """The record builder's options a run sets, beside its saved config."""
    return {} if review_below is None else {"review_below": review_below}


def default_model() -> str | Path | None:
    """The pipeline `licex extract` uses when given none, or None for the rules alone.

    In order: $LICEX_MODEL; the installed package zh_licex_cnn; the default model committed in
    a source checkout (training/model).
    """
    if os.environ.get(MODEL_ENV):
        return os.environ[MODEL_ENV]
    if spacy.util.is_package(DEFAULT_PACKAGE):
        return DEFAULT_PACKAGE
    if (_CHECKOUT_MODEL / "config.cfg").exists():
        return _CHECKOUT_MODEL
    return None


class PipelineError(Exception):
    """A pipeline that cannot be loaded; the message names it and says why, in one line."""


def load_pipeline(model: str | Path | None = None, review_below: float | None = None) -> Language:
    """The pipeline at `model` (a folder or an installed package), or the rules when None; with
    `review_below`, its records list every value less confident than that in needs_review.

    PipelineError when it cannot be loaded, whatever spaCy raises for it: a missing folder
    (OSError), a config of junk (thinc's ConfigValidationError), an unknown language
    (ImportError), weights that are not msgpack (ValueError), ... A module that an extra of
    licex provides is not caught: that is the extra to install (cli's group says which).
    """
    if model is None:
        return rules_pipeline(review_below)
    options = _record_options(review_below)
    try:
        return spacy.load(model, config={"components": {RECORD_BUILDER: options}} if options else {})
    except ModelDataError as error:  # a file of the pipeline its component cannot read: named
        raise PipelineError(f"{error}; the pipeline {model} cannot be loaded") from None
    except ModuleNotFoundError as error:
        if extra_providing(error) is not None:
            raise
        raise PipelineError(_cannot_load(model, error)) from None
    except Exception as error:  # noqa: BLE001 (a folder of anything: every failure is this one line)
        raise PipelineError(_cannot_load(model, error)) from None


def _cannot_load(model: str | Path, error: Exception) -> str:
    return f"{model}: cannot load the pipeline: {error_line(error)}"


def error_line(error: Exception) -> str:
    """An exception's message in one line: thinc's config errors span lines (a title, advice,
    then where), joined with `;`, blank lines dropped."""
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip()) or type(error).__name__


def assume_licence(doc: Doc) -> Doc:
    """The Doc, taken to be a licence whatever detection would say of it: a page or a fragment of
    one (`公司名称：…` alone), which the record builder would otherwise leave empty as no licence."""
    doc._.licex_detection = {"is_licence": True, "doubts": []}
    return doc


def read_as_licence(nlp: Language, text: str) -> Doc:
    """`nlp(text)` for a text taken to be a licence (assume_licence)."""
    return nlp(assume_licence(nlp.make_doc(text)))


def stream_docs(nlp: Language, pairs: Iterable[tuple[str, T]]) -> Iterator[tuple[Doc, T]]:
    """(Doc, context) for each (text, context), as licex runs a pipeline (`extract`, `bench`):
    `nlp.pipe` at the pipeline's own batch size, inside a memory zone. The zone frees the strings
    and lexemes each Doc adds (every clause phrase is a token of its own, about 30 new strings a
    licence), so a long stream does not grow the vocab; a Doc is valid only while the stream runs.
    """
    with nlp.memory_zone():
        yield from nlp.pipe(pairs, as_tuples=True)
