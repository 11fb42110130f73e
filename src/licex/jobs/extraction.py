"""What `licex extract` does to its inputs, without the command line: read each input (a text file,
or a PDF or page image as a document), extract every licence it holds, and give each record as
the JSON it is written as, or each problem as a one-line error, in input order. The pipeline
finishes each record (source, part, offsets, the review threshold: the record builder); a
document's only adds what the document alone knows, its pages and each evidence's box.

One place for it, so that every way of running licex (the command, a cluster's workers, see
licex.jobs.cluster) writes the same records for the same files.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any

from licex.jobs.bundles import LicencePart, SourceText
from licex.jobs.joining import ReadInput, file_evidence, joined, joins
from licex.files.inputs import InputSource
from licex.files.messages import InputError

if TYPE_CHECKING:
    from licex.documents import DocumentText

# What turns (source name, text[, OCR scores]) items into (part, record or error) pairs, in input
# order: bundles.extract_licences with a pipeline (functools.partial(extract_licences, nlp)), or
# anything that runs it elsewhere (worker processes) and keeps the order.
LicenceExtractor = Callable[[Iterable[SourceText]], Iterable[tuple[LicencePart, dict[str, Any] | InputError]]]


def extract_inputs(
    extract: LicenceExtractor,
    sources: Iterable[InputSource],
    ocr: str = "auto",
    on_read: Callable[[InputSource, str | None], None] | None = None,
    on_join: Callable[[str, list[str]], None] | None = None,
    on_page: Callable[[str, int, int], None] | None = None,
) -> Iterator[dict[str, Any] | InputError]:
    """The record (as JSON) of each licence of each input, or an InputError naming what failed, streamed.

    Records come out in input order. `extract` may read inputs ahead (the pipeline's batches, a
    process pool): an input that cannot be read gives its error no later than the next record,
    and a document read ahead is kept until its own licences are out (their pages and boxes come
    from it). `ocr` is the OCR mode of PDFs (auto, always, never). `on_read(source, text)` hears
    of each input once it has been read (text None when it could not be); an InputError it
    raises fails that input, as a read error would. `on_join(name, files)` hears of the files
    whose pages were joined into one licence (`joining`): the licence is read as `name`, its
    first file. `on_page(name, number, pages)` hears of each page of a document as its OCR is
    waited for.
    """
    # Each input read (pages apart joined: `joining`) whose licences are not all out yet, in input order.
    in_flight: deque[ReadInput] = deque()
    read_errors: list[InputError] = []

    def read(source: InputSource) -> ReadInput | None:
        try:
            told = None if on_page is None else partial(on_page, source.name)
            document = source.read_document(ocr, told) if source.is_document else None
            text = source.read() if document is None else document.text
            if on_read is not None:
                on_read(source, text)
        except InputError as error:
            read_errors.append(error)
            if on_read is not None:
                on_read(source, None)
            return None
        pages = [source.name] * (len(document.pages) if document is not None else 0)
        return ReadInput(source.name, text, document, pages, source.path.parent if source.path else None)

    def texts() -> Iterator[SourceText]:
        held: ReadInput | None = None  # a document, held until the next input says whether it joins it
        for source in sources:
            current = read(source)
            pair = _pages_apart(held, current)
            if pair is not None:
                held = joined(*pair)
                if on_join is not None:
                    on_join(held.name, list(dict.fromkeys(held.page_files)))
                continue
            if held is not None:
                in_flight.append(held)
                yield _source_text(held)
                held = None
            if current is None:
                continue
            if current.document is not None:
                held = current
                continue
            in_flight.append(current)
            yield current.name, current.text
        if held is not None:
            in_flight.append(held)
            yield _source_text(held)

    for part, result in extract(texts()):
        yield from _drained(read_errors)
        while in_flight[0].name != part.source:
            in_flight.popleft()  # inputs come out in order: the ones before this are done
        current = in_flight[0]
        if isinstance(result, InputError):
            yield result
            continue
        if current.document is None:
            yield result
        else:
            yield file_evidence(_on_pages(result, current.document, part.start, part.end), current)
    yield from _drained(read_errors)


def _source_text(read: ReadInput) -> SourceText:
    """A document's name and text, with the OCR scores of its characters where it has any."""
    runs = read.document.score_runs()
    return (read.name, read.text, runs) if runs else (read.name, read.text)


def _pages_apart(held: ReadInput | None, current: ReadInput | None) -> tuple[ReadInput, ReadInput] | None:
    """(front, annex) where one of two inputs read one after the other holds pages of the other's
    licence (`joining.joins`): the annex after the front page, in whichever order they came."""
    if held is None or current is None:
        return None
    if joins(held, current):
        return held, current
    if joins(current, held):
        return current, held
    return None


def _drained(errors: list[InputError]) -> Iterator[InputError]:
    while errors:
        yield errors.pop(0)


def _on_pages(record: dict[str, Any], document: DocumentText, start: int, end: int) -> dict[str, Any]:
    """The record of a licence read from a document, with its pages and each evidence's box: the
    document is read here, not where the pipeline runs (a worker process)."""
    from licex.documents.evidence import locate_record

    return locate_record(record, document, start, end)
