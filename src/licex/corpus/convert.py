"""Conversion between the corpus's doccano JSONL and spaCy DocBin files, and the train/dev split.

Real licences are an evaluation set: a split puts them in their own file and never into
training unless asked to. The split of synthetic documents is a pure function of the id and
the seed, so it is stable when documents are added.

The .spacy files hold the pipeline's own tokens (`pipeline_tokenizer`): spaCy's trainer then
reads gold and predicted Docs token for token (`spacy debug data` finds nothing misaligned),
and an annotation that does not fall on the pipeline's token boundaries is refused here, by
document and span, instead of being lost to alignment in training.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.tokens import Doc

from licex.files.messages import InputError
from licex.files.outputs import atomic_path
from licex.corpus.annotations import (
    ORIGIN_REAL,
    AnnotatedText,
    AnnotationError,
    read_annotation_dir,
    read_docbin,
    to_docbin,
    write_annotations,
)

Tokenizer = Callable[[str], Doc]

# The tokenizer of the default pipeline (configs/cnn.cfg's [nlp.tokenizer]; a test keeps the two
# equal): what `licex convert` writes when no config is named.
DEFAULT_TOKENIZER = {"@tokenizers": "licex.licence_tokenizer.v1"}


@dataclass
class Split:
    train: list[AnnotatedText]
    dev: list[AnnotatedText]
    real: list[AnnotatedText]  # held out for evaluation


def in_dev(example_id: object, seed: int, dev_fraction: float) -> bool:
    """Whether a document belongs to dev: a hash of seed and id, so the rule never depends on order."""
    digest = hashlib.sha256(f"{seed}:{example_id}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < dev_fraction


def split_examples(
    examples: Iterable[AnnotatedText], dev_fraction: float = 0.2, seed: int = 0, real_in_train: bool = False
) -> Split:
    split = Split([], [], [])
    for example in examples:
        if example.origin == ORIGIN_REAL and not real_in_train:
            split.real.append(example)
        # Every tool's text of one licence goes where the licence goes: dev licences are never trained on.
        elif in_dev(example.meta.get("licence", example.id), seed, dev_fraction):
            split.dev.append(example)
        else:
            split.train.append(example)
    return split


def pipeline_tokenizer(config: Path | None = None) -> Tokenizer:
    """The tokenizer a pipeline trained from `config` uses (its [nlp] lang and [nlp.tokenizer]);
    without a config, the default pipeline's."""
    if config is None:
        lang, block = "zh", DEFAULT_TOKENIZER
    else:
        if not Path(config).is_file():
            raise InputError(str(config), "no such config file")
        try:
            settings = spacy.util.load_config(config, interpolate=False)
            lang, block = settings["nlp"]["lang"], settings["nlp"]["tokenizer"]
        except KeyError as error:
            raise InputError(str(config), f"not a training config: no nlp setting {error}") from None
        except ValueError as error:  # thinc's ConfigValidationError, multi-line: the last line says where
            where = str(error).strip().splitlines()[-1].strip()
            raise InputError(str(config), f"cannot read the config: {where}") from None
    return spacy.blank(lang, config={"nlp": {"tokenizer": block}}).tokenizer


def jsonl_to_docbin(source: Path, target: Path, tokenizer: Tokenizer | None = None) -> int:
    """Annotations (any corpus path) -> one .spacy file in `tokenizer`'s tokens (default: the
    default pipeline's); returns the document count."""
    examples = read_annotation_dir(source)
    tokenizer = tokenizer or pipeline_tokenizer()
    _check_alignment(examples, tokenizer, source)
    _write_docbin(examples, target, tokenizer)
    return len(examples)


def jsonl_to_split(
    source: Path, target_dir: Path, dev_fraction: float = 0.2, seed: int = 0, real_in_train: bool = False,
    tokenizer: Tokenizer | None = None,
) -> Split:
    """Annotations -> target_dir/train.spacy, dev.spacy and real.spacy (real licences, held out),
    in `tokenizer`'s tokens (default: the default pipeline's)."""
    examples = read_annotation_dir(source)
    tokenizer = tokenizer or pipeline_tokenizer()
    _check_alignment(examples, tokenizer, source)  # before any file is written (a second tokenizing pass)
    split = split_examples(examples, dev_fraction, seed, real_in_train)
    for name in ("train", "dev", "real"):
        _write_docbin(getattr(split, name), Path(target_dir) / f"{name}.spacy", tokenizer, named_by_licex=True)
    return split


def docbin_to_jsonl(source: Path, target: Path) -> int:
    """A .spacy file -> annotation JSONL, written atomically; returns the document count."""
    return write_annotations(target, read_docbin(source))


def _check_alignment(examples: list[AnnotatedText], tokenizer: Tokenizer, source: Path) -> None:
    """AnnotationError listing every span that does not start and end on one of the tokenizer's
    token boundaries (the pipeline could neither learn nor predict it)."""
    problems = []
    for example in examples:
        doc = tokenizer(example.text)
        for kind, spans in (("entity", example.entities), ("clause", example.clauses)):
            for start, end, label in spans:
                if doc.char_span(start, end) is None:
                    problems.append(f"{source}: document {example.id!r}: {kind} {label} [{start}, {end}] "
                                    f"{example.text[start:end][:30]!r} is not on the pipeline tokenizer's token boundaries")
    if problems:
        raise AnnotationError(problems)


def _write_docbin(examples: list[AnnotatedText], target: Path, tokenizer: Tokenizer, *,
                  named_by_licex: bool = False) -> None:
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    # DocBin.to_disk writes in place; write beside and rename so a target is never half-written.
    with atomic_path(target, named_by_licex=named_by_licex) as partial:
        to_docbin(examples, tokenizer).to_disk(partial)
