"""The annotation format of the corpus: doccano sequence-labelling JSONL, validated.

One line per licence: `{"id", "text", "label": [[start, end, "LABEL"], ...], "clauses": [...]}`.
`label` holds the field entities, `clauses` the clause spans with clause labels. A doccano
export puts every span under `label`, or (its newer format) under `entities` as objects with
start_offset, end_offset and label (corpus.spans reads both, as `licex doccano pull` does); clause
labels found there are moved to `clauses` on reading, so an export drops in unchanged. Any other
key of a line (doccano's metadata, our `origin`) is kept as it is; a key that holds annotations
licex cannot read (relations, categories) is a problem.

Reading validates every line and fails, naming file and line, on anything a conversion could
not keep: a file either converts with every annotation or not at all.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
import srsly
from spacy.tokens import Doc, DocBin, Span

from licex.files import jsonl, limits
from licex.files.inputs import read_file
from licex.fields.labels import CLAUSE_LABELS, CLAUSES_KEY, ENTITY_LABELS
from licex.files.messages import InputError
from licex.corpus.ocr_sidecars import with_sidecar
from licex.corpus.paths import annotation_files
from licex.corpus.spans import SPAN_KEYS, SpanTuple, read_spans, unread_problems

ORIGIN_REAL = "real"
ORIGIN_SYNTHETIC = "synthetic"


class AnnotationError(ValueError):
    """Annotations that cannot be kept; the message lists every problem as `file:line: what`."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:50]
        more = f"\n... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
        super().__init__("\n".join(shown) + more)


@dataclass
class AnnotatedText:
    id: str | int
    text: str
    entities: list[SpanTuple] = field(default_factory=list)
    clauses: list[SpanTuple] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)  # every other key of the JSONL line

    @property
    def origin(self) -> str:
        return self.meta.get("origin", ORIGIN_REAL)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "label": [list(span) for span in self.entities],
            "clauses": [list(span) for span in self.clauses],
            **self.meta,
        }


_tokenizer = None


def _char_tokenizer():
    """Character tokens (spacy.blank("zh")), for the span checks: the finest tokenization, on
    which any annotation aligns. The .spacy files training reads are written in the pipeline's
    own tokens instead (corpus/convert.py), so that they align with what the pipeline predicts."""
    global _tokenizer
    if _tokenizer is None:
        _tokenizer = spacy.blank("zh").tokenizer
    return _tokenizer


def parse_line(line: str, where: str) -> tuple[AnnotatedText | None, list[str]]:
    """One JSONL line as an AnnotatedText, or the problems that stop it (each prefixed `where`)."""
    try:
        data = jsonl.loads(line, where)
    except InputError as error:
        return None, [str(error)]
    if not isinstance(data, dict):
        return None, [f"{where}: a line must be a JSON object, not {jsonl.json_type(data)}"]
    problems = []
    text = data.get("text")
    if "text" not in data:
        return None, [f"{where}: no text"]
    if not isinstance(text, str):
        return None, [f"{where}: text must be a string, not {jsonl.json_type(text)}"]
    if not text.strip():
        return None, [f"{where}: empty text"]
    if too_long := _too_long(text, where):
        return None, [too_long]
    if "\x00" in text:  # as decode_text refuses a licence file with one
        return None, [f"{where}: the text holds a NUL character (U+0000, character {text.index(chr(0))}); no licence "
                      "text holds one (binary data?)"]
    if "id" not in data:
        problems.append(f"{where}: no id")
    entities: list[SpanTuple] = []
    clauses: list[SpanTuple] = []
    for key in (*SPAN_KEYS, "clauses"):
        spans, key_problems = read_spans(data.get(key), key, where)
        problems += key_problems
        for start, end, label in spans:
            if label in ENTITY_LABELS and key != "clauses":
                entities.append((start, end, label))
            elif label in CLAUSE_LABELS:
                clauses.append((start, end, label))
            else:
                problems.append(f"{where}: unknown label {label!r} in {key!r} at [{start}, {end}]")
    problems += unread_problems(data, where)
    meta = {k: v for k, v in data.items() if k not in ("id", "text", *SPAN_KEYS, "clauses")}
    example = AnnotatedText(data.get("id"), text, sorted(entities), sorted(clauses), meta)
    problems += check_spans(example, where)
    return (None if problems else example), problems


def _too_long(text: str, where: str) -> str | None:
    """The problem of a text over ANNOTATION_CHARS, found before any Doc is made of it: spaCy's
    Chinese tokenizer takes time quadratic in the length (a million characters: most of a minute)."""
    if len(text) <= limits.ANNOTATION_CHARS:
        return None
    return (f"{where}: a text of {len(text):,} characters is too long (at most {limits.ANNOTATION_CHARS:,}, "
            "annotation_chars); split it")


def check_spans(example: AnnotatedText, where: str) -> list[str]:
    """Offsets in range and on token boundaries, no whitespace at span edges, no overlaps."""
    problems = []
    text = example.text
    doc = _char_tokenizer()(text)
    for key, spans in (("entity", example.entities), ("clause", example.clauses)):
        previous: SpanTuple | None = None
        for start, end, label in spans:
            name = f"{key} {label} [{start}, {end}]"
            if not 0 <= start < end <= len(text):
                problems.append(f"{where}: {name} is out of range (text length {len(text)})")
                continue
            covered = text[start:end]
            if covered != covered.strip():
                problems.append(f"{where}: {name} {covered[:30]!r} has leading or trailing whitespace")
            elif doc.char_span(start, end) is None:
                problems.append(f"{where}: {name} is not on token boundaries")
            if previous is not None and start < previous[1]:
                problems.append(f"{where}: {name} overlaps {key} {previous[2]} [{previous[0]}, {previous[1]}]")
            if previous is None or end > previous[1]:
                previous = (start, end, label)
    return problems


def duplicate_ids(located: Iterable[tuple[str, AnnotatedText]]) -> list[str]:
    """A problem for each document whose id an earlier one has; `located` pairs each with where it is."""
    first: dict[str, str] = {}
    problems = []
    for where, example in located:
        key = jsonl.dumps(example.id)  # 1 and "1" are different ids
        if key in first:
            problems.append(f"{where}: duplicate id {example.id!r} (first at {first[key]})")
        first.setdefault(key, where)
    return problems


def longest_line() -> int:
    """The most bytes a JSONL line can take and hold a valid annotated text; a longer one is
    refused unread (a line of 500 MB would take gigabytes to parse, only to be refused). The
    text has at most ANNOTATION_CHARS characters, and JSON spends at most 12 bytes on one (an
    astral character written as two \\u escapes); its spans and meta take far less than 4
    bytes a character (a span is at most ~100 bytes, as doccano's objects; the corpus's
    licences have one every 60-70 characters, at 3.2 bytes a character in all); then room for
    the id and meta of a short text."""
    return 16 * limits.ANNOTATION_CHARS + 65_536


def _read_located(path: Path) -> tuple[list[tuple[str, AnnotatedText]], list[str]]:
    """Every valid line of a JSONL file with its `file:line`, and every problem."""
    located = []
    problems = []
    longest = longest_line()
    for number, line in jsonl.file_lines(path, longest):
        where = f"{path}:{number}"
        if line is None:
            problems.append(f"{where}: a line of more than {longest:,} bytes, more than any annotated text can "
                            f"take (at most {limits.ANNOTATION_CHARS:,} characters, annotation_chars, with its "
                            "spans); not read, split the text")
            continue
        example, line_problems = parse_line(line, where)
        problems += line_problems
        if example is not None:
            located.append((where, example))
    return located, problems


def read_annotations(path: Path) -> list[AnnotatedText]:
    """Every line of a JSONL file, validated; AnnotationError lists all problems, file:line each."""
    return read_annotation_dir(path)


def read_corpora(paths: Iterable[Path]) -> list[AnnotatedText]:
    """The documents of several corpus paths (each as `read_annotation_dir` reads it), their ids
    unique across all of them; AnnotationError names every duplicate."""
    located = [(str(path), example) for path in map(Path, paths) for example in read_annotation_dir(path)]
    if problems := duplicate_ids(located):
        raise AnnotationError(problems)
    return [example for _, example in located]


def read_annotation_dir(path: Path) -> list[AnnotatedText]:
    """The documents of any corpus path (`paths.annotation_files`: a corpus folder, a folder of
    JSONL, a JSONL or .spacy file), validated together: ids are unique across the files."""
    located: list[tuple[str, AnnotatedText]] = []
    problems: list[str] = []
    for file in annotation_files(path):
        if file.suffix == ".spacy":
            try:
                located += [(str(file), example) for example in read_docbin(file)]
            except AnnotationError as error:
                problems += error.problems
            continue
        file_located, file_problems = _read_located(file)
        with_sidecar(file, [example for _, example in file_located])  # a tool corpus's OCR scores
        located += file_located
        problems += file_problems
    problems += duplicate_ids(located)
    if problems:
        raise AnnotationError(problems)
    return [example for _, example in located]


def write_annotations(path: Path, examples: Iterable[AnnotatedText], *, named_by_licex: bool = False) -> int:
    """Write examples as JSONL, atomically (`named_by_licex`: see outputs.atomic_path); returns how many."""
    return jsonl.write(path, (example.to_json() for example in examples), named_by_licex=named_by_licex)


# -- spaCy Docs and DocBin ---------------------------------------------------------------------


def to_doc(example: AnnotatedText, tokenizer: Callable[[str], Doc] | None = None) -> Doc:
    """A Doc with the entities in doc.ents and the clauses in doc.spans["clauses"], in character
    tokens or those of `tokenizer` (ValueError if a span does not fall on its token boundaries)."""
    doc = (tokenizer or _char_tokenizer())(example.text)
    doc.ents = [_span(doc, span) for span in example.entities]
    doc.spans[CLAUSES_KEY] = [_span(doc, span) for span in example.clauses]
    doc.user_data["licex_id"] = example.id
    # As JSON text: msgpack would hand lists back as tuples and break the round trip.
    doc.user_data["licex_meta"] = srsly.json_dumps(example.meta)
    return doc


def _span(doc: Doc, span: SpanTuple) -> Span:
    start, end, label = span
    result = doc.char_span(start, end, label=label)
    if result is None:  # validated input never gets here; a direct caller gets a clear error
        raise ValueError(f"span [{start}, {end}, {label}] is not on token boundaries")
    return result


def from_doc(doc: Doc) -> AnnotatedText:
    return AnnotatedText(
        id=doc.user_data.get("licex_id"),
        text=doc.text,
        entities=[(e.start_char, e.end_char, e.label_) for e in doc.ents],
        clauses=sorted((s.start_char, s.end_char, s.label_) for s in doc.spans.get(CLAUSES_KEY, [])),
        meta=srsly.json_loads(doc.user_data.get("licex_meta", "{}")),
    )


def to_docbin(examples: Iterable[AnnotatedText], tokenizer: Callable[[str], Doc] | None = None) -> DocBin:
    docbin = DocBin(attrs=["ORTH", "SPACY", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
    for example in examples:
        docbin.add(to_doc(example, tokenizer))
    return docbin


def read_docbin(path: Path) -> list[AnnotatedText]:
    """The documents of a .spacy file. InputError naming it when it is not one (damaged, cut
    short, or another file), or when it unpacks to more than EXPORT_BYTES (a zlib bomb);
    AnnotationError naming each document whose text is over ANNOTATION_CHARS."""
    data = read_file(path, str(path), limits.EXPORT_BYTES, "export_bytes")
    try:
        unpacked = zlib.decompressobj()
        unpacked.decompress(data, limits.EXPORT_BYTES)
        if unpacked.unconsumed_tail:
            raise InputError(str(path), f"unpacks to more than {limits.size(limits.EXPORT_BYTES)} (export_bytes)")
        docs = list(DocBin().from_bytes(data).get_docs(_char_tokenizer().vocab))
        examples = [from_doc(doc) for doc in docs]
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 (zlib, msgpack, numpy or spaCy: any of them says damaged)
        raise InputError(str(path), f"not a readable spaCy DocBin (.spacy) file, damaged or cut short "
                                    f"({type(error).__name__})") from None
    problems = [problem for n, example in enumerate(examples, start=1)
                if (problem := _too_long(example.text, f"{path}: document {n} (id {example.id!r})"))]
    if problems:
        raise AnnotationError(problems)
    return examples
