"""Files that hold several licences (a due-diligence pack): one record per licence.

Where each licence lies is detection.licence_segments' to say: a licence title with a number
other than the current licence's starts the next one, another document's heading (a contract
after a licence) ends it. Each licence is read on its own, so that no field crosses from one
licence into another; the record builder is told where it lies (`doc._.licex_part`), so that its
record names the file and the part and every offset points into the original file. A text that is not a licence gets no record, and a
licence longer than limits.LICENCE_CHARS gets a one-line error while the rest of the run goes on.
A document's text comes with the OCR scores of its characters where it was OCR'd (a third item:
`DocumentText.score_runs`); each licence's Doc gets those of its part (text.ocr_scores).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from licex.files import limits
from licex.text.detection import Detection, licence_segments, text_detection
from licex.documents.geometry import ScoreRuns
from licex.files.messages import InputError
from licex.jobs.pipeline import stream_docs
from licex.text.ocr_scores import set_ocr_scores

# An input's name and text, and where it was OCR'd the scores of its characters (ScoreRuns).
SourceText = tuple[str, str] | tuple[str, str, ScoreRuns]


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
    """(start, end) of each licence in `text` (detection.licence_segments); the whole text when it
    holds none."""
    return [(part.start, part.end) for part, _ in split_licences("", text)]


def split_licences(source: str, text: str) -> list[tuple[LicencePart, Detection]]:
    """Each licence of a text with its detection; the whole text, with why it is none, when it
    holds no licence. What lies between licences (a contract after a licence) is no part of any."""
    segments = licence_segments(text)
    licences = [segment for segment in segments if segment.is_licence]
    if not licences:
        return [(LicencePart(source, 0, len(text), None), text_detection(segments))]
    single = len(licences) == 1
    return [(LicencePart(source, s.start, s.end, None if single else n), s.detection) for n, s in enumerate(licences, 1)]


def extract_licences(
    nlp: Language, texts: Iterable[SourceText]
) -> Iterator[tuple[LicencePart, dict[str, Any] | InputError]]:
    """(part, record or error) for each licence in each (source, text) or (source, text, OCR
    scores), in input order, streamed.

    The record is as the pipeline finished it (record.LicenseRecord as JSON, naming the source and
    the part, its offsets into the whole text). The error is an InputError naming the part: no
    licence found, or a licence too long for the pipeline. Nothing is filled for a text that is
    not a licence.
    """

    def docs() -> Iterator[tuple[Doc, tuple[LicencePart, InputError | None]]]:
        for source, text, *scores in texts:
            for part, detection in split_licences(source, text):
                error = _refusal(part, detection, min(nlp.max_length, limits.LICENCE_CHARS))
                # A refused part still passes through the stream (as an empty Doc, nearly free)
                # so that records and errors come out in input order.
                doc = nlp.make_doc("" if error else text[part.start:part.end])
                doc._.licex_detection = detection.to_json()  # detected once: the record builder needs not again
                doc._.licex_part = {"source": part.source, "part": part.number, "offset": part.start}
                if scores and not error:
                    set_ocr_scores(doc, scores[0], part.start)
                yield doc, (part, error)

    for doc, (part, error) in stream_docs(nlp, docs()):
        if error is not None:
            yield part, error
            continue
        yield part, doc._.license_record


def _refusal(part: LicencePart, detection: Detection, most_chars: int) -> InputError | None:
    if not detection.is_licence:
        return InputError(part.name, detection.refusal)
    length = part.end - part.start
    if length > most_chars:
        return InputError(part.name, f"a licence of {length:,} characters is too long to process "
                                     f"(at most {most_chars:,}, the limit licence_chars); split the file")
    return None
