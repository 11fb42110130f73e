"""Gold for pages apart: a record `licex extract` read from several files (a front page and its
附页 posted as two images, joined by `licex.jobs.joining`) is scored against the gold of every
file it joined, merged into one gold record, and the joined files count as one document.

The files a record joined are those its evidence names (`file`, which extract writes only for a
joined licence), its own file (`source`) first. Their gold records are merged in that order: a
field takes the first file's value, and a later file's where the earlier ones leave it empty (null,
[]) or unannotated (the key left out); the businesses are merged by code (a business the 附页
lists that the front page does not is added, and an empty key of one the front page lists is
filled), and the websites are those of every file, each once. A file the evidence names that has
no gold record is left out of the merge; a record that joined one file only is scored as before.
"""

from __future__ import annotations

from typing import Any

from licex.fields.record import websites_listed
from licex.jobs.predictions import document_id


def joined_gold(gold: dict[str, dict], predicted: dict[str, dict]) -> dict[str, dict]:
    """`gold` with the gold of each joined prediction's files merged under the prediction's id
    (the files it joined taken out)."""
    merged = dict(gold)
    for doc_id, record in predicted.items():
        files = [f for f in joined_files(record) if f in gold]
        if doc_id not in gold or len(files) < 2 or files[0] != doc_id:
            continue
        merged[doc_id] = merged_record([gold[f] for f in files])
        for other in files[1:]:
            merged.pop(other, None)
    return merged


def joined_files(record: dict[str, Any]) -> list[str]:
    """The document ids of the files whose pages a record was read from: its own first, then each
    other file its evidence names, in page order."""
    if not isinstance(record.get("source"), str):
        return []
    own = document_id(record["source"], record.get("part"))
    items = [item for items in (record.get("evidence") or {}).values() if isinstance(items, list)
             for item in items if isinstance(item, dict) and isinstance(item.get("file"), str)]
    items.sort(key=lambda item: item.get("page") or 0)
    return list(dict.fromkeys([own, *(document_id(item["file"]) for item in items)]))


def merged_record(records: list[dict[str, Any]]) -> dict[str, Any]:
    """One gold record of several files' gold records (the module's rule)."""
    first, *others = (websites_listed(record) for record in records)
    merged = dict(first)
    for other in others:
        for key, value in other.items():
            if key == "businesses" and isinstance(merged.get(key), list) and isinstance(value, list):
                merged[key] = _merged_businesses(merged[key], value)
            elif key == "websites" and isinstance(merged.get(key), list) and isinstance(value, list):
                merged[key] = [*merged[key], *(w for w in value if w not in merged[key])]
            elif _empty(merged.get(key)) and (key not in merged or not _empty(value)):
                merged[key] = value
    return merged


def _merged_businesses(first: list, other: list) -> list:
    merged = [dict(b) if isinstance(b, dict) else b for b in first]
    by_code = {b.get("code"): b for b in merged if isinstance(b, dict)}
    for business in other:
        if not isinstance(business, dict):
            continue
        known = by_code.get(business.get("code"))
        if known is None:
            merged.append(dict(business))
            continue
        for key, value in business.items():
            if _empty(known.get(key)) and (key not in known or not _empty(value)):
                known[key] = value
    return merged


def _empty(value: Any) -> bool:
    return value is None or value == [] or value == {}
