"""Reading the records `licex extract` wrote, to score them: every line a valid licence record.

A prediction file is checked the way licex checks its own output: JSONL of objects that the
record model accepts (`websites` a list of websites, `clauses` a list of clauses, ...), each
with a `source`. The first bad line stops the reading with a one-line error naming file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from licex.files import jsonl
from licex.files.messages import InputError
from licex.fields.record import LicenseRecord
from licex.files.suffixes import INPUT_SUFFIXES


def read_predictions(path: Path, check: Callable[[dict[str, Any], str], None] | None = None) -> dict[str, dict[str, Any]]:
    """Records keyed as gold records are named: the file name of each record's `source` without
    its input suffix (.txt, .pdf, .png, ...), with `#N` after it for licence N of a file of several.
    `check(record, "file:line")` raises InputError for a record it refuses (default: check_record)."""
    predicted: dict[str, dict[str, Any]] = {}
    for where, record in checked_records(path, check):
        doc_id = document_id(record["source"], record.get("part"))
        if doc_id in predicted:
            raise InputError(where, f"second record for document {doc_id!r}")
        predicted[doc_id] = record
    return predicted


def checked_records(path: Path, check: Callable[[dict[str, Any], str], None] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(`file:line`, record) for each record of a prediction file (JSONL, or the JSON array of
    `licex extract --format json`), each checked (see read_predictions) and with a `source`;
    InputError at the first record that is not so."""
    for where, record in jsonl.read_objects(Path(path), arrays=True):
        (check or check_record)(record, where)
        if not isinstance(record.get("source"), str):
            raise InputError(where, "record has no `source`")
        yield where, record


def document_id(source: str, part: int | None = None) -> str:
    """The id a record is scored under: `lic` for lic.txt or lic.pdf; `pack#2` for the second
    licence of pack.pdf, a file of several (its gold record is pack#2.record.json)."""
    stem = Path(source).name
    # lic.pdf.txt (the text `licex extract --text-dir` wrote for lic.pdf) is lic too
    while Path(stem).suffix.lower() in INPUT_SUFFIXES:
        stem = stem[: -len(Path(stem).suffix)]
    return stem if part is None else f"{stem}#{part}"


def check_record(record: dict[str, Any], where: str, model: type[LicenseRecord] = LicenseRecord) -> None:
    """InputError naming the first field of `record` that the record model (or a model that
    extends it) refuses, and why."""
    try:
        model.model_validate(record)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "record"
        more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
        raise InputError(where, f"`{field}`: {first['msg']}{more}") from None
