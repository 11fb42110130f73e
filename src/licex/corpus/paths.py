"""Where a corpus is on disk: the one resolver of the paths every corpus-reading command takes,
and the layout of a corpus folder (what `licex synth` writes and may replace).

A corpus folder holds `raw/*.txt` (the licence texts), `annotations/*.jsonl` (their annotations)
and `records/*.record.json` (gold records). A tool corpus (`licex synth --tools`) holds
`manifest.json` and `TOOL/batch-*.jsonl`: every tool's files are its annotation files. Every command that reads annotations (`corpus stats`,
`corpus validate`, `convert`, `evaluate`, `train --corpus`) accepts the same kinds of path: a
corpus folder, a folder of `*.jsonl`, a JSONL file or a `.spacy` file.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from licex.files.messages import InputError, OutputError, file_kind, os_cause
from licex.files.outputs import check_folder, fitted_name

RAW_DIR = "raw"
ANNOTATIONS_DIR = "annotations"
RECORDS_DIR = "records"
MANIFEST = "manifest.json"
KINDS = ("a corpus folder with annotations/, a tool corpus with manifest.json, a folder of *.jsonl, "
         "a .jsonl or a .spacy file")

# The files `licex synth` writes (corpus/synth/io.py names them synth_00000...): a folder that holds
# these and nothing else is a generated corpus, the only kind `synth --force` may delete.
_GENERATED_FILES = {
    RAW_DIR: re.compile(r"synth_\d{5,}\.txt"),
    RECORDS_DIR: re.compile(r"synth_\d{5,}\.record\.json"),
    ANNOTATIONS_DIR: re.compile(r"synth\.jsonl"),
}


def annotation_files(path: Path) -> list[Path]:
    """The annotation files a path names, in a stable order: a corpus folder's `annotations/*.jsonl`,
    a tool corpus's `TOOL/*.jsonl`, a folder's `*.jsonl`, or the file itself (JSONL, or a
    `.spacy` DocBin).

    Raises InputError (naming the path) when it does not exist or names no annotation file.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode
    except OSError as error:
        raise InputError(str(path), "no such file or folder" if error.errno == errno.ENOENT else os_cause(error)) from None
    if kind := file_kind(mode):  # never opened: a FIFO would block, /dev/zero never end
        raise InputError(str(path), f"not a regular file ({kind})")
    if path.is_file():
        return [path]
    folder = path / ANNOTATIONS_DIR if (path / ANNOTATIONS_DIR).is_dir() else path
    pattern = "*/*.jsonl" if (path / MANIFEST).is_file() else "*.jsonl"
    try:
        os.listdir(folder)  # glob says nothing of a folder it cannot list
    except OSError as error:
        raise InputError(str(folder), f"cannot read the folder: {os_cause(error)}") from None
    files = sorted(p for p in folder.glob(pattern) if not p.is_dir())
    if not files:
        raise InputError(str(path), f"no *.jsonl annotation files (give {KINDS})")
    return files


def is_generated_corpus(folder: Path) -> bool:
    """Whether `folder` holds a corpus `licex synth` wrote and nothing else."""
    folder = Path(folder)
    if not (folder / ANNOTATIONS_DIR / "synth.jsonl").is_file():
        return False
    for entry in folder.iterdir():
        pattern = _GENERATED_FILES.get(entry.name)
        if pattern is None or not entry.is_dir() or entry.is_symlink():
            return False
        if not all(f.is_file() and not f.is_symlink() and pattern.fullmatch(f.name) for f in entry.iterdir()):
            return False
    return True


@contextmanager
def generated_corpus_target(folder: Path, force: bool) -> Iterator[Path]:
    """A fresh folder to generate a corpus into, which replaces `folder` when the block succeeds.

    `folder` may be missing or empty; a generated corpus already there is replaced only with
    `force`, anything else never. Generation writes beside it, so a failure (or Ctrl-C) leaves
    the earlier corpus as it was. Raises InputError, naming the folder, when it refuses.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(str(folder), "is a file, not a corpus folder")
    # Before the work, and what is there replaced only where this user may write it: an empty
    # folder that is read-only is no folder to put a corpus in, even though its parent could
    # rename it away.
    check_folder(folder)
    try:
        with _written(folder, force) as partial:
            yield partial
    except OSError as error:  # a read-only or full disk: the earlier corpus is as it was
        raise OutputError(str(folder), f"cannot write: {os_cause(error)}") from None


@contextmanager
def _written(folder: Path, force: bool) -> Iterator[Path]:
    if folder.is_dir() and any(folder.iterdir()):
        if not is_generated_corpus(folder):
            raise InputError(str(folder), "holds files that licex synth did not write; not touched (give an empty or new folder)")
        if not force:
            raise InputError(str(folder), "holds a generated corpus already; not replaced (use --force to replace it)")
    target = folder.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    # fitted: a folder name near the longest a name can be still gets its partial and replaced
    partial = target.with_name(fitted_name(f".{target.name}", f".{os.getpid()}.partial"))
    partial.mkdir()
    try:
        yield partial
        if target.exists():
            earlier = target.with_name(fitted_name(f".{target.name}", f".{os.getpid()}.replaced"))
            target.rename(earlier)  # kept until the new corpus is in place
            try:
                partial.rename(target)
            except OSError:
                earlier.rename(target)
                raise
            shutil.rmtree(earlier)
        else:
            partial.rename(target)
    finally:
        if partial.exists():
            shutil.rmtree(partial)
