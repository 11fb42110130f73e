"""The shapes an annotation line holds its spans in: the one reader of them, for licex's corpus
files (corpus.annotations) and doccano's exports (doccano.export) alike.

- `[start, end, "LABEL"]` lists: under `label` (doccano 1.8's sequence labelling export, and
  licex's own files), and under `clauses` (licex's files: the clause spans);
- `{"id", "label": "LABEL", "start_offset", "end_offset"}` objects: under `entities` (doccano's
  newer export, beside `relations`).

Either shape is read under any of these keys. A span of any other shape, and a key that holds
annotations licex's scheme has no place for (relations, text categories, span categories, the
`annotations` of doccano's first exports), is a problem naming where it is: nothing is dropped
unseen.
"""

from __future__ import annotations

from typing import Any

from licex.files import jsonl
from licex.files.jsonl import is_a, said

SpanTuple = tuple[int, int, str]
# The keys of a line that hold spans licex reads, and those that hold annotations it cannot read.
SPAN_KEYS = ("label", "entities")
UNREAD_KEYS = ("relations", "cats", "spans", "annotations")


def read_spans(value: Any, key: str, where: str) -> tuple[list[SpanTuple], list[str]]:
    """The spans of one key of a line (`value`; None: the key is absent) as (start, end, label),
    and the problems (`where: what`)."""
    spans: list[SpanTuple] = []
    problems: list[str] = []
    if value is None:
        return spans, problems
    if not isinstance(value, list):
        return spans, [f"{where}: {key!r} must be a list of spans, not {jsonl.json_type(value)}"]
    for span in value:
        if isinstance(span, dict):
            parts = [span.get("start_offset"), span.get("end_offset"), span.get("label")]
        else:
            parts = span if isinstance(span, list) and len(span) == 3 else [None, None, None]
        start, end, label = parts
        if is_a(start, int) and is_a(end, int) and isinstance(label, str):
            spans.append((start, end, label))
        else:
            problems.append(f"{where}: malformed span {said(span, 100)} in {key!r} (expected [start, end, "
                            "label] or an object with start_offset, end_offset and label)")
    return spans, problems


def unread_problems(row: dict[str, Any], where: str) -> list[str]:
    """A problem for each key of a line that holds annotations licex's scheme has no place for."""
    return [f"{where}: holds {key} ({said(row[key], 60)}), which licex's scheme has no place for; remove them "
            "(in doccano, or from the file)" for key in UNREAD_KEYS if row.get(key)]


def export_spans(row: dict[str, Any], where: str) -> tuple[list[SpanTuple], list[str]]:
    """Every span of an export line (under SPAN_KEYS) as (start, end, label), and the problems
    (`where: what`), those of UNREAD_KEYS included."""
    spans: list[SpanTuple] = []
    problems: list[str] = []
    for key in SPAN_KEYS:
        found, key_problems = read_spans(row.get(key), key, where)
        spans += found
        problems += key_problems
    return spans, problems + unread_problems(row, where)
