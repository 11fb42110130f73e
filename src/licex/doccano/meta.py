"""The metadata a push writes into each doccano example, and its checks as a pull or push reads it
back: the document id (`licex_id`), the text's SHA-256 (`licex_sha256`), its origin and the
pre-annotation's doubts (`needs_review`)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from licex.files import jsonl
from licex.doccano.http import said

META_ID = "licex_id"
META_SHA = "licex_sha256"
META_ORIGIN = "origin"
META_REVIEW = "needs_review"
SHA256 = re.compile(r"[0-9a-f]{64}")
DOCUMENT_ID_BYTES = 255  # a file name's most (NAME_MAX): a document id is a file name without .txt


def id_problem(doc_id: Any) -> str | None:
    """Why `doc_id` is no document id that licex pushes or pulls back, or None.

    A document id is a licence file's name without .txt: it names the document in messages and
    corpus files, and a push stores it in doccano for the pull to read back. So it is a non-empty
    string of printable characters (no control, format or separator character, no lone
    surrogate), with no whitespace at either end, no / or \\, and at most 255 bytes of UTF-8."""
    if not isinstance(doc_id, str):
        return f"is {jsonl.json_type(doc_id)}, not a string"
    if not doc_id:
        return "is empty"
    if doc_id != doc_id.strip():
        return "begins or ends with whitespace"
    if not doc_id.isprintable():
        return "holds a control, format or separator character, or a lone surrogate"
    if "/" in doc_id or "\\" in doc_id:
        return "holds a / or \\"
    if len(doc_id.encode("utf-8")) > DOCUMENT_ID_BYTES:
        return f"is longer than {DOCUMENT_ID_BYTES} bytes"
    return None


def meta_problem(meta: dict[str, Any]) -> str | None:
    """What is wrong with the document id (`licex_id`) and text hash (`licex_sha256`) of an
    example's metadata, or None: a push wrote them, and whatever licex reads back is checked.
    Either may be absent or null (an example made in doccano; pandas' way of leaving it out)."""
    doc_id, sha = meta.get(META_ID), meta.get(META_SHA)
    if doc_id is not None and (problem := id_problem(doc_id)):
        return f"its {META_ID} {shown(doc_id)} {problem}"
    if sha is not None and not (isinstance(sha, str) and SHA256.fullmatch(sha)):
        return f"its {META_SHA} {shown(sha)} is not a SHA-256 (64 hexadecimal digits)"
    return None


def shown(value: Any) -> str:
    """A value from a server as a message quotes it: a string in quotes, its escapes visible."""
    return said(repr(value) if isinstance(value, str) else value, 60)


def text_sha256(text: str) -> str:
    """The hash of any text a server may hold, a lone surrogate (JSON's `"\\ud800"`) included."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
