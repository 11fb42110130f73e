"""What a doccano export holds, read without trusting it: the zip within licex's limits, and the
spans of each line in the shapes doccano writes, converted into licex's annotations
(`convert_lines`: entity labels to `label`, clause labels to `clauses`, validated by the corpus
checks).

- The zip: at most `EXPORT_MEMBERS` files (its file list is sized from the end record before
  zipfile reads it), one JSONL file of at most `limits.EXPORT_BYTES` unzipped (its declared size
  checked, then read with that cap, since a declared size may lie), deflated or stored. A zip
  bomb is refused in one line before it fills memory.
- The spans: `label: [[start, end, "X"], ...]` (doccano 1.8's sequence labelling export) or
  `entities: [{"id", "label": "X", "start_offset", "end_offset"}, ...]` (its newer format, beside
  `relations`), read by corpus.spans (`export_spans`), the reader licex's corpus files use too. A
  span of any other shape, and anything licex's scheme has no place for (relations, categories),
  is a problem naming the example: nothing is dropped unseen.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import zipfile
import zlib
from typing import TYPE_CHECKING, Any

from licex.files import jsonl, limits
from licex.corpus.spans import SPAN_KEYS, UNREAD_KEYS, export_spans
from licex.files.jsonl import is_a
from licex.fields.labels import ENTITY_LABELS
from licex.files.messages import InputError
from licex.doccano.http import DoccanoError, said
from licex.doccano.meta import META_ID, META_ORIGIN, META_REVIEW, META_SHA, meta_problem, shown
from licex.doccano.secret import found_in

if TYPE_CHECKING:  # the corpus module imports spaCy: status and failed logins do without it
    from licex.corpus.annotations import AnnotatedText

# What an example's comments are under in an export: a list, one item a comment. licex's
# annotations have no place for them.
COMMENTS_KEY = "Comments"
EXPORT_MEMBERS = 1000  # files in an export zip: doccano writes one, or one per user
_LISTING_BYTES = 1024  # per file of the zip's file list (its name, extra field and comment)


def export_member(zip_bytes: bytes, project: str) -> bytes:
    """The one JSONL file of an export zip, within the limits; DoccanoError otherwise."""
    where = f"the export of project {project!r}"
    too_many = DoccanoError(f"{where} lists more files than licex reads (at most {EXPORT_MEMBERS:,}; "
                            "doccano writes one or a few)")
    # zipfile reads the whole file list before anything else: its size is in the end record.
    end = zip_bytes.rfind(b"PK\x05\x06", max(0, len(zip_bytes) - 22 - 65535))
    if end < 0 or len(zip_bytes) < end + 22:
        raise DoccanoError(f"{where} is not a valid zip file (no end record)")
    members, listing = struct.unpack("<HI", zip_bytes[end + 10:end + 16])
    zip64 = zip_bytes[max(0, end - 20):end - 16] == b"PK\x06\x07"  # its sizes would override these
    if zip64 or members > EXPORT_MEMBERS or listing > EXPORT_MEMBERS * _LISTING_BYTES:
        raise too_many
    cap = limits.EXPORT_BYTES
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
        if len(archive.infolist()) > EXPORT_MEMBERS:
            raise too_many
        found = [info for info in archive.infolist() if info.filename.endswith(".jsonl")]
        if len(found) != 1:
            shown = ", ".join(said(info.filename, 60) for info in found[:5]) + (", ..." if len(found) > 5 else "")
            raise DoccanoError(f"{where} holds {len(found)} JSONL files ({shown}); "
                               "expected one (a project that shares annotations among users)")
        member = found[0]
        name = said(member.filename, 60)
        too_big = DoccanoError(f"{where}: {name} unzips to more than {limits.size(cap)}: not read "
                               "(the limit export_bytes)")
        if member.file_size > cap:
            raise too_big
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # zipfile inflates bzip2 and LZMA with no bound on what one read returns.
            raise DoccanoError(f"{where}: {name} is compressed with method {member.compress_type}; "
                               "licex reads deflate, as doccano writes it")
        with archive.open(member) as handle:
            data = handle.read(cap + 1)
        if len(data) > cap:
            raise too_big
        return data
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError, RuntimeError, OSError,
            struct.error) as error:
        raise DoccanoError(f"{where} is not a valid zip file ({said(str(error), 100)})") from None


def convert_export(zip_bytes: bytes, project: str) -> tuple[list["AnnotatedText"], str]:
    """The examples of a doccano JSONL export (the zip) as validated AnnotatedText, and the
    export's hash; see convert_lines."""
    return convert_lines(export_member(zip_bytes, project), project)


def convert_lines(data: bytes, project: str, password: str = "") -> tuple[list["AnnotatedText"], str]:
    """The examples of the JSONL file of a doccano export as validated AnnotatedText, and its hash.

    Raises AnnotationError listing every problem (unknown labels, misaligned or overlapping
    spans, spans of a shape licex does not read, duplicate ids), each named by project, example
    and document id. Raises DoccanoError, in one line naming project and example, for what no
    annotator could fix in the annotations: metadata that is not as a push wrote it (see
    meta_problem; an origin other than real or synthetic; a `clauses` key, which would replace
    the clause spans), and any example that holds `password` (the one licex logged in with) in
    any spelling, anywhere in what would be written: that line is refused, not rewritten, since a
    text cannot lose characters without its spans moving.
    """
    from licex.corpus.annotations import (
        ORIGIN_REAL,
        ORIGIN_SYNTHETIC,
        AnnotationError,
        duplicate_ids,
        parse_line,
    )

    rows = export_rows(data, project)
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise DoccanoError(f"the export of project {project!r} holds lines that are not JSON objects")
        if not is_a(row.get("id"), int):
            raise DoccanoError(f"the export of project {project!r}, line {number}: the example's id is "
                               f"{jsonl.json_type(row.get('id'))}, not a number")
    rows.sort(key=lambda row: row["id"])
    located, problems = [], []
    for row in rows:
        meta = {k: v for k, v in row.items() if k not in ("id", "text", *SPAN_KEYS, *UNREAD_KEYS, COMMENTS_KEY)
                and not (isinstance(v, float) and math.isnan(v))}  # pandas fills absent meta with NaN
        example_where = f"doccano project {project!r}, example {row['id']}"
        if problem := _pulled_meta_problem(meta, (ORIGIN_REAL, ORIGIN_SYNTHETIC)):
            raise DoccanoError(f"{example_where}: {problem}")
        doc_id = meta.pop(META_ID, None) or f"doccano-{project}-{row['id']}"
        meta.pop(META_SHA, None)
        meta.pop(META_REVIEW, None)  # the pre-annotation's doubts, settled by the annotator
        meta[META_ORIGIN] = meta.get(META_ORIGIN) or ORIGIN_REAL
        where = f"{example_where} ({doc_id})"
        spans, span_problems = export_spans(row, where)
        # Clause labels (and unknown ones, which parse_line names) go to `clauses`.
        entities = [list(s) for s in spans if s[2] in ENTITY_LABELS]
        others = [list(s) for s in spans if s[2] not in ENTITY_LABELS]
        fields = {"id": doc_id, "text": row.get("text"), "label": entities, "clauses": others, **meta}
        line = jsonl.dumps(fields)
        if password and found_in(line, password):
            held = next((key for key in fields if found_in(jsonl.dumps({key: fields[key]}), password)), "line")
            held = META_ID if held == "id" else held
            raise DoccanoError(f"{example_where}: its {held!r} holds the password licex logged in with; nothing "
                               "written (remove it in doccano, or pull as a user with another password)")
        example, line_problems = parse_line(line, where)
        problems += span_problems + line_problems
        if example is not None and not span_problems:
            located.append((where, example))
    problems += duplicate_ids(located)
    if problems:
        raise AnnotationError(problems)
    return [example for _, example in located], hashlib.sha256(data).hexdigest()


def _pulled_meta_problem(meta: dict[str, Any], origins: tuple[str, ...]) -> str | None:
    """meta_problem, and what else a pull reads: `origin` (absent, null or one of `origins`); no
    `clauses` key (it would take the place of the clause spans)."""
    origin = meta.get(META_ORIGIN)
    if problem := meta_problem(meta):
        return problem
    if origin is not None and origin not in origins:
        return f"its {META_ORIGIN} {shown(origin)} is not {' or '.join(map(repr, origins))}"
    if "clauses" in meta:
        return ("its metadata holds 'clauses', where licex's annotations hold the clause spans (a licex corpus "
                "file imported into doccano as it is?); remove it in doccano")
    return None


def export_rows(data: bytes, project: str) -> list[Any]:
    """The JSON value of each line of an export's JSONL file; DoccanoError naming the line that is no JSON."""
    try:
        return [jsonl.loads(line, f"the export of project {project!r}, line {number}")
                for number, line in jsonl.numbered_lines(data.decode("utf-8", errors="replace"))]
    except InputError as error:
        raise DoccanoError(str(error)) from None


def comment_counts(rows: list[dict]) -> tuple[int, int]:
    """How many comments the examples of an export hold, and on how many examples: what a pull
    does not carry into licex's annotations, and says so."""
    counts = [_comments(row.get(COMMENTS_KEY)) for row in rows]
    return sum(counts), sum(1 for count in counts if count)


def _comments(value: object) -> int:
    if isinstance(value, list):
        return len(value)
    return 0 if value is None or value == "" else 1
