"""Files that hold several licences (a due-diligence pack): one record per licence.

A licence repeats its title on every page (page headers, 附页), so a title alone does not start
a licence; a title followed by a *different* licence number does. Each licence is read on its
own, its record's offsets shifted back into the file's text, so that every offset still points
into the original file. A text that is not a licence gets no record (see detection.py), and a
licence longer than the pipeline's max_length gets a one-line error while the rest of the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.language import Language

from . import limits
from .detection import TITLE_RE, detect_licence
from .hanzi import to_simplified
from .inputs import InputError
from .normalize import LICENSE_NO_RE, normalize_license_no
from .pipeline import stream_docs
from .record import LicenseRecord


# Ｂ１－２００４６１９０ is B1-20046190: full-width ASCII folded one character for one (NFKC could
# change the length elsewhere, and the offsets of the split must be the file's).
_FULLWIDTH_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
# A form feed (a page break, as licex's document reader and pdftotext write it) starts a line: a
# title right after it starts a licence.
_READING = {**_FULLWIDTH_ASCII, ord("\f"): "\n"}


@dataclass(frozen=True)
class LicencePart:
    """One licence of a file: where it lies in the file's text, and its place among the file's licences."""

    source: str
    start: int
    end: int
    number: int | None  # 1-based in a file of several licences; None when the file holds one

    @property
    def name(self) -> str:
        """The part as messages name it: the file, and for a bundle which licence and where."""
        if self.number is None:
            return self.source
        return f"{self.source} (licence {self.number}, characters {self.start}-{self.end})"


def licence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each licence in `text`; the whole text when it holds one (or none)."""
    view = to_simplified(text).translate(_READING)  # one character for one: offsets hold
    titles = [match.start() for match in TITLE_RE.finditer(view)]
    starts = [0]
    current = None
    for i, title in enumerate(titles):
        end = titles[i + 1] if i + 1 < len(titles) else len(view)
        match = LICENSE_NO_RE.search(view, title, end)
        if match is None:
            continue  # a page header with no number under it continues the licence
        number = normalize_license_no(match[0])
        if current is not None and number != current and title > starts[-1]:
            starts.append(title)
        current = number
    return list(zip(starts, [*starts[1:], len(text)]))


def split_licences(source: str, text: str) -> list[LicencePart]:
    spans = licence_spans(text)
    single = len(spans) == 1
    return [LicencePart(source, start, end, None if single else n) for n, (start, end) in enumerate(spans, 1)]


def extract_licences(
    nlp: Language, texts: Iterable[tuple[str, str]]
) -> Iterator[tuple[LicencePart, LicenseRecord | InputError]]:
    """(part, record or error) for each licence in each (source, text), in input order, streamed.

    The error is an InputError naming the part: no licence found, or a licence too long for the
    pipeline. Nothing is filled for a text that is not a licence.
    """

    def pairs() -> Iterator[tuple[str, tuple[LicencePart, InputError | None]]]:
        for source, text in texts:
            for part in split_licences(source, text):
                part_text = text[part.start:part.end]
                error = _refusal(part, part_text, min(nlp.max_length, limits.LICENCE_CHARS))
                # A refused part still passes through the stream (as an empty text, nearly free)
                # so that records and errors come out in input order.
                yield ("" if error else part_text), (part, error)

    for doc, (part, error) in stream_docs(nlp, pairs()):
        if error is not None:
            yield part, error
            continue
        record = _shifted(doc._.license_record, part.start)
        yield part, LicenseRecord.model_validate({**record, "source": part.source, "part": part.number})


def _refusal(part: LicencePart, text: str, max_length: int) -> InputError | None:
    if len(text) > max_length:
        return InputError(part.name, f"a licence of {len(text):,} characters is too long to process "
                                     f"(at most {max_length:,}); split the file")
    if not detect_licence(text).is_licence:
        return InputError(part.name, "no licence found (no licence title, number or labelled fields)")
    return None


def _shifted(record: dict[str, Any], by: int) -> dict[str, Any]:
    """The record with every offset (evidence, clauses) moved `by` characters: into the file's text."""
    if not by:
        return record
    evidence = {path: [{**item, "start": item["start"] + by, "end": item["end"] + by} for item in items]
                for path, items in record.get("evidence", {}).items()}
    clauses = [{**clause, "start": clause["start"] + by, "end": clause["end"] + by}
               for clause in record.get("clauses", [])]
    return {**record, "evidence": evidence, "clauses": clauses}
