"""What `licex extract` does to its inputs, without the command line: read each input (a text file,
or a PDF or page image as a document), extract every licence it holds, and give each record as
the JSON it is written as, or each problem as a one-line error, in input order.

One place for it, so that every way of running licex (the command, a cluster's workers, see
licex.cluster) writes the same records for the same files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from spacy.language import Language

from .bundles import extract_licences
from .inputs import InputError, InputSource
from .record import LicenseRecord

if TYPE_CHECKING:
    from .documents import DocumentText


def extract_inputs(
    nlp: Language,
    sources: Iterable[InputSource],
    ocr: str = "auto",
    review_below: float | None = None,
    on_read: Callable[[InputSource, str | None], None] | None = None,
) -> Iterator[dict[str, Any] | InputError]:
    """The record (as JSON) of each licence of each input, or an InputError naming what failed, streamed.

    Records come out in input order. An input that cannot be read gives its error no later than
    the next record (the pipeline reads ahead by a batch). `ocr` is the OCR mode of PDFs (auto,
    always, never); `review_below` also lists in needs_review every value less confident than it.
    `on_read(source, text)` hears of each input once it has been read (text None when it could
    not be); an InputError it raises fails that input, as a read error would.
    """
    documents: dict[str, DocumentText] = {}  # source name -> its document, while its licences come out
    read_errors: list[InputError] = []

    def texts() -> Iterator[tuple[str, str]]:
        for source in sources:
            try:
                if source.is_document:
                    documents[source.name] = source.read_document(ocr)
                    text = documents[source.name].text
                else:
                    text = source.read()
                if on_read is not None:
                    on_read(source, text)
            except InputError as error:
                documents.pop(source.name, None)
                read_errors.append(error)
                if on_read is not None:
                    on_read(source, None)
                continue
            yield source.name, text

    for part, result in extract_licences(nlp, texts()):
        yield from _drained(read_errors)
        for name in [n for n in documents if n != part.source]:
            del documents[name]  # its licences are all out: inputs come out in order
        if isinstance(result, InputError):
            yield result
            continue
        record = (_on_pages(result, documents[part.source], part.start, part.end) if part.source in documents
                  else result.to_json_dict())
        yield record if review_below is None else _flagged(record, review_below)
    yield from _drained(read_errors)


def _drained(errors: list[InputError]) -> Iterator[InputError]:
    while errors:
        yield errors.pop(0)


def _flagged(record: dict[str, Any], review_below: float) -> dict[str, Any]:
    from .consistency import flag_low_confidence

    return flag_low_confidence(record, review_below)


def _on_pages(record: LicenseRecord, document: DocumentText, start: int, end: int) -> dict[str, Any]:
    """The record of a licence read from a document, with its pages and each evidence's box."""
    from .documents.evidence import locate_record

    located = locate_record(record.to_json_dict(), document, start, end)
    return LicenseRecord.model_validate(located).to_json_dict()
