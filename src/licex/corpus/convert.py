"""Conversion between the corpus's doccano JSONL and spaCy DocBin files, and the train/dev split.

Real licences are an evaluation set: a split puts them in their own file and never into
training unless asked to. The split of synthetic documents is a pure function of the id and
the seed, so it is stable when documents are added.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..inputs import atomic_path
from .annotations import ORIGIN_REAL, AnnotatedText, read_annotation_dir, read_docbin, to_docbin, write_annotations


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
        elif in_dev(example.id, seed, dev_fraction):
            split.dev.append(example)
        else:
            split.train.append(example)
    return split


def jsonl_to_docbin(source: Path, target: Path) -> int:
    """Annotation JSONL (a file or a folder of them) -> one .spacy file; returns the document count."""
    examples = read_annotation_dir(source)
    _write_docbin(examples, target)
    return len(examples)


def jsonl_to_split(
    source: Path, target_dir: Path, dev_fraction: float = 0.2, seed: int = 0, real_in_train: bool = False
) -> Split:
    """Annotation JSONL -> target_dir/train.spacy, dev.spacy and real.spacy (real licences, held out)."""
    split = split_examples(read_annotation_dir(source), dev_fraction, seed, real_in_train)
    for name in ("train", "dev", "real"):
        _write_docbin(getattr(split, name), Path(target_dir) / f"{name}.spacy")
    return split


def docbin_to_jsonl(source: Path, target: Path) -> int:
    """A .spacy file -> annotation JSONL, written atomically; returns the document count."""
    return write_annotations(target, read_docbin(source))


def _write_docbin(examples: list[AnnotatedText], target: Path) -> None:
    # DocBin.to_disk writes in place; write beside and rename so a target is never half-written.
    with atomic_path(Path(target)) as partial:
        to_docbin(examples).to_disk(partial)
