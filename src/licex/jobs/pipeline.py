"""Building and loading licex pipelines, and running them over licence texts."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import spacy
import srsly
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
        if (damaged := damaged_file(error)) is not None:
            raise PipelineError(f"{damaged}: damaged ({error_line(error)}); the pipeline {model} cannot be loaded") from None
        raise PipelineError(_cannot_load(model, error)) from None


def _cannot_load(model: str | Path, error: Exception) -> str:
    return f"{model}: cannot load the pipeline: {error_line(error)}"


# The functions of spaCy that read a saved pipeline's files: an error raised inside one is a file's.
_READING = frozenset({"from_disk", "load_meta"})
_SPACY = str(Path(spacy.__file__).parent)
_LONGEST_PATH = 4096


def damaged_file(error: BaseException) -> Path | None:
    """The file of a saved pipeline that spaCy was reading when `error` was raised, or None where
    it was reading none (a config, a language, a factory). spaCy's own files (the vocabulary,
    the weights of its components, meta.json) are read deep in spaCy, srsly, thinc and numpy,
    whose errors name none (`Unpack failed: incomplete input`): the innermost frame of the
    traceback that holds a path says which. Where that is a folder (a component whose compiled
    code reads its weights), the file in it that does not parse."""
    frames = []
    traceback = error.__traceback__
    while traceback is not None:
        frames.append(traceback.tb_frame)
        traceback = traceback.tb_next
    if not any(frame.f_code.co_name in _READING and _SPACY in frame.f_code.co_filename for frame in frames):
        return None  # the config (thinc's Config.from_disk), a language, a factory: not a file of spaCy's
    for frame in reversed(frames):
        for path in _paths_in(frame):
            if path.is_file():
                return path
            if path.is_dir():
                return next((file for file in sorted(path.iterdir()) if file.is_file() and not _parses(file)), path)
    return None


def _paths_in(frame) -> Iterator[Path]:
    local = frame.f_locals
    if frame.f_code.co_name == "from_disk" and isinstance(local.get("key"), str) and "path" in local:
        yield Path(local["path"]) / local["key"]  # spacy.util.from_disk: the key it was reading
    for value in local.values():
        if isinstance(value, Path) or (isinstance(value, str) and os.sep in value and len(value) < _LONGEST_PATH
                                       and "\0" not in value):
            try:
                if Path(value).exists():
                    yield Path(value)
            except (OSError, ValueError):
                continue


def _parses(file: Path) -> bool:
    """Whether a file of a saved component reads as what spaCy saves: JSON, or msgpack."""
    data = file.read_bytes()
    for loads in (srsly.json_loads, srsly.msgpack_loads):
        try:
            loads(data)
            return True
        except Exception:  # noqa: BLE001,S112 (each format's own errors: not this one)
            continue
    return False


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
