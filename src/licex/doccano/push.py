"""Push: licences pre-annotated by a pipeline into a doccano project, created when it is missing.

The texts not yet in the project are uploaded through doccano's dataset import (one JSONL upload
and one import task). A text is known by the SHA-256 of its content, stored in the example's
meta (`licex_sha256`) with the document id (`licex_id`, the file stem).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from licex.files import jsonl, limits
from licex.files.inputs import collect_inputs
from licex.fields.labels import CLAUSES_KEY
from licex.files.messages import InputError
from licex.doccano.client import DEFAULT_TIMEOUT, DoccanoClient, Example
from licex.doccano.connection import Connection, scrubbed
from licex.doccano.http import DoccanoError
from licex.doccano.meta import (
    META_ID,
    META_ORIGIN,
    META_REVIEW,
    META_SHA,
    SHA256,
    id_problem,
    meta_problem,
    text_sha256,
)
from licex.doccano.project import SCHEME_LABELS, check_project, label_guideline, span_colours

PUSH_ORDERS = ("given", "uncertainty")


def _example_sha(example: Example) -> str | None:
    """The text hash a push stored in the example's meta (None when absent or malformed: see meta_problem)."""
    sha = example.meta.get(META_SHA)
    return sha if isinstance(sha, str) and SHA256.fullmatch(sha) else None


def most_review_first(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Example lines with the most `needs_review` flags first (a stable sort: ties keep their order)."""
    return sorted(lines, key=lambda line: -len(line.get(META_REVIEW) or []))



def documents_to_push(paths: Sequence[str]) -> tuple[list[tuple[str, str]], list[InputError]]:
    """The (document id, text) of each licence text the paths name (files, folders), and a
    problem for each that cannot be read or is too long for the pipeline to pre-annotate whole.
    The document id is the file name without .txt."""
    sources, errors = collect_inputs(paths)
    documents = []
    for source in sources:
        try:
            text = source.read()
        except InputError as error:
            errors.append(error)
            continue
        if len(text) > limits.LICENCE_CHARS:  # the pipeline pre-annotates it whole
            errors.append(InputError(source.name, f"a text of {len(text):,} characters is too long to pre-annotate "
                                                  f"(at most {limits.LICENCE_CHARS:,}, the limit licence_chars)"))
            continue
        documents.append((Path(source.name).stem, text))
    return documents, errors

@dataclass
class PushResult:
    project: str
    project_id: int
    created: bool
    uploaded: list[str]  # document ids
    skipped_present: list[str]  # already in the project (same text)
    skipped_duplicate: list[str]  # the same text given twice in this push
    entities: int = 0
    clauses: int = 0
    dropped_spans: int = 0  # pre-annotations that overlapped another of their kind


@scrubbed
def push_texts(
    connection: Connection,
    project: str,
    documents: Sequence[tuple[str, str]],
    pipeline: Callable[[], Any],
    timeout: float = DEFAULT_TIMEOUT,
    origin: str = "real",
    order: str = "given",
) -> PushResult:
    """Upload (document id, text) pairs not yet in `project`, pre-annotated by `pipeline()` (a
    spaCy Language, built only when there is something to upload). `origin` goes into each
    example's meta: "real" or "synthetic"; so do the record's `needs_review` flags, as
    `field: reason` lines. `order`: "given", or "uncertainty" (the licences whose records need
    the most review first: doccano lists examples in the order they arrive)."""
    if order not in PUSH_ORDERS:
        raise DoccanoError(f"unknown push order {order!r}: {' or '.join(PUSH_ORDERS)}")
    by_id: dict[str, str] = {}
    for doc_id, text in documents:
        if problem := id_problem(doc_id):
            raise DoccanoError(f"the document id {doc_id!r} (the file name without .txt) {problem}: a pull could "
                               "not read it back; rename the file")
        if doc_id in by_id and by_id[doc_id] != text:
            raise DoccanoError(f"two different texts have the document id {doc_id!r} (the file name without .txt); rename one")
        by_id.setdefault(doc_id, text)

    client = DoccanoClient(connection)
    info = client.find_project(project)
    created = info is None
    if created:
        info = client.create_project(project, label_guideline())
        types: dict[str, int] = {}
    else:
        types = check_project(client, info, for_push=True)
    try:
        if not types:
            client.create_span_types(info["id"], span_colours())
        present: set[str] = set()  # the text hashes of the project's examples
        ids_present: dict[str, str] = {}  # licex id -> sha
        if not created:
            for example in client.examples(info["id"]):
                if problem := meta_problem(example.meta):
                    raise DoccanoError(f"doccano project {project!r}, example {example.id}: {problem}")
                sha = _example_sha(example) or text_sha256(example.text)
                present.add(sha)
                if example.meta.get(META_ID) is not None:
                    ids_present[example.meta[META_ID]] = sha
        result = PushResult(project, info["id"], created, [], [], [])
        new: list[tuple[str, str, str]] = []  # (id, text, sha)
        seen: set[str] = set()
        conflicts = []
        for doc_id, text in documents:
            sha = text_sha256(text)
            if sha in present:
                result.skipped_present.append(doc_id)
            elif sha in seen:
                result.skipped_duplicate.append(doc_id)
            elif doc_id in ids_present:
                conflicts.append(doc_id)
            else:
                seen.add(sha)
                new.append((doc_id, text, sha))
        if conflicts:
            raise DoccanoError(f"project {project!r} already has a different text with the id(s) "
                               f"{', '.join(conflicts)}; delete those examples in doccano or rename the files")
        if new:
            nlp = pipeline()
            lines = []
            for (doc_id, text, sha), doc in zip(new, nlp.pipe(text for _, text, _ in new)):
                entities, dropped_e = _valid_spans(doc, [(e.start_char, e.end_char, e.label_) for e in doc.ents])
                clauses, dropped_c = _valid_spans(
                    doc, [(s.start_char, s.end_char, s.label_) for s in doc.spans.get(CLAUSES_KEY, [])])
                unknown = {label for *_, label in entities + clauses if label not in SCHEME_LABELS}
                if unknown:
                    raise DoccanoError(f"the pipeline predicts labels that are not in licex's scheme: {', '.join(sorted(unknown))}")
                result.entities += len(entities)
                result.clauses += len(clauses)
                result.dropped_spans += dropped_e + dropped_c
                flags = (doc._.license_record or {}).get("needs_review") or []
                lines.append({"text": text, "label": [list(s) for s in entities + clauses],
                              META_ID: doc_id, META_SHA: sha, META_ORIGIN: origin,
                              META_REVIEW: [f"{flag['field']}: {flag['reason']}" for flag in flags]})
            if order == "uncertainty":
                lines = most_review_first(lines)
            # JSONL as licex writes it (ASCII): doccano reads the file with universal newlines, which
            # would split a line at a raw U+2028 or \r inside a text.
            data = "".join(map(jsonl.dumps, lines)).encode("utf-8")
            client.import_jsonl(info["id"], data, timeout)
            arrived = Counter(_example_sha(e) for e in client.examples(info["id"]))
            missing = [doc_id for doc_id, _, sha in new if arrived[sha] < 1]
            if missing:
                raise DoccanoError(f"doccano's import finished but {len(missing)} document(s) are not in the project: "
                                   + ", ".join(missing[:10]))
            result.uploaded = [line[META_ID] for line in lines]
        return result
    except BaseException:
        if created:  # leave no half-made project behind
            try:
                client.delete_project(info["id"])
            except DoccanoError:
                pass
        raise


def _valid_spans(doc, spans: list[tuple[int, int, str]]) -> tuple[list[tuple[int, int, str]], int]:
    """Pre-annotations as the corpus checks want them: whitespace trimmed off the edges, on token
    boundaries, none overlapping an earlier one of its kind; returns them sorted and how many were
    dropped, so that a pull of untouched pre-annotations always validates."""
    text = doc.text
    kept: list[tuple[int, int, str]] = []
    for start, end, label in sorted(set(spans)):
        covered = text[start:end]
        start, end = start + len(covered) - len(covered.lstrip()), end - len(covered) + len(covered.rstrip())
        if start >= end or doc.char_span(start, end) is None or (kept and start < kept[-1][1]):
            continue
        kept.append((start, end, label))
    return kept, len(spans) - len(kept)
