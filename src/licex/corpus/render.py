"""Rendering an annotated corpus as documents: text-layer PDFs and scanned PDFs with gold records.

Each annotated licence (its text, its clause spans) and its gold record become a `PrintedLicence`
(licex.corpus.typeset): the fields print from the gold record, each clause prints its annotated
text without the page furniture that a page break put inside it. The outputs are laid out so
that `licex extract` and `licex evaluate --gold` read them as they are:

    OUT/text-layer/NAME.pdf   typeset, with a text layer
    OUT/scanned/NAME.pdf      the same pages scanned (scan damage, no text layer)
    OUT/records/NAME.record.json   the gold record both must give
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from licex.files import jsonl
from licex.text.layout import Layout
from licex.files.messages import InputError, one_line
from licex.files.outputs import atomic_path, atomic_write_text
from licex.corpus.annotations import AnnotatedText
from licex.corpus.scan import scan_pages, scanned_pdf
from licex.corpus.typeset import PrintedLicence, typeset

# Spaces an OCR'd text put between Chinese characters print as nothing; a space between two
# Latin words or numbers is kept.
_STRAY_SPACE_RE = re.compile(r"(?<![A-Za-z0-9%.,]) +| +(?![A-Za-z0-9])")


def clause_texts(text: str, clauses: list[tuple[int, int, str]]) -> list[str]:
    """The printed text of each clause span: its lines without page headers, titles and
    signature blocks, joined, with stray spaces removed."""
    layout = Layout.of(text)
    content = []
    for line in layout.lines:
        if line.kind == "content":
            content.append(layout.view.original_span(line.start, line.end))
    printed = []
    for start, end, _label in sorted(clauses):
        parts = [text[max(a, start):min(b, end)].strip() for a, b in content if a < end and b > start]
        printed.append(_STRAY_SPACE_RE.sub("", "".join(parts)))
    return printed


def printed_licence(annotated: AnnotatedText, record: dict[str, Any]) -> PrintedLicence:
    return PrintedLicence.from_record(record, clause_texts(annotated.text, annotated.clauses))


def gold_record(corpus: Path, doc_id: str | int) -> dict[str, Any]:
    """The gold record of a corpus's document: records/ID.record.json, a JSON object; InputError
    naming the file otherwise."""
    path = corpus / "records" / f"{doc_id}.record.json"
    record = jsonl.loads(jsonl.read_text(path), str(path))
    if not isinstance(record, dict):
        raise InputError(str(path), f"not a JSON object but {jsonl.json_type(record)}")
    return record


def render_annotated(annotated: AnnotatedText, record: dict[str, Any], out: Path, *, scan: bool, seed: int) -> None:
    """Write the text-layer PDF, the scanned PDF (when `scan`) and the gold record of one licence."""
    name = str(annotated.id)
    if name in ("", ".", "..") or "/" in name or one_line(name) != name:
        raise InputError(f"document id {one_line(name)!r}", "cannot name a file of its own (no /, no control "
                                                           "or format character); rename the document")
    pdf = typeset(printed_licence(annotated, record))
    # Each file replaced atomically (its folder made on the way), never written through a link
    # that stands in OUTPUT: the names are licex's.
    _write_bytes(out / "text-layer" / f"{name}.pdf", pdf)
    if scan:
        _write_bytes(out / "scanned" / f"{name}.pdf", scanned_pdf(scan_pages(pdf, seed)))
    gold = {k: v for k, v in record.items() if k not in ("evidence", "source")}
    atomic_write_text(out / "records" / f"{name}.record.json", json.dumps(gold, ensure_ascii=False, indent=2) + "\n",
                      named_by_licex=True)


def _write_bytes(path: Path, data: bytes) -> None:
    with atomic_path(path, named_by_licex=True) as partial:
        Path(partial).write_bytes(data)
