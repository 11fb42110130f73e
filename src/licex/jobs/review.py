"""The review pages: records as `licex extract` wrote them, beside the texts they were read from,
as offline HTML for a person checking the values (`licex review`).

Each licence gets a page: for a PDF or a scan, the images of its pages with each evidence item's
box (`review_pages`); its text with every evidence span marked and labelled (field path,
component, and confidence where the record gives one) over the clauses, each marked with its
number and label; beside them, the record (`review_record`), each value a link that scrolls the
text and the page to its evidence, flashes it and highlights its box. The fields a record lists
in `needs_review` come first, marked with their reason. An index lists the licences, those
needing the most review first. The style, the script and the page skeleton are data
(src/licex/data/review.*) copied into every page: a page loads nothing but its page images,
written next to it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from pathlib import Path
from string import Template
from typing import Any
from urllib.parse import quote

from licex.files.inputs import STDIN_NAME, InputSource
from licex.files.messages import InputError, one_line
from licex.files.outputs import TextDirNames, atomic_write_text, fitted_name
from licex.jobs.predictions import checked_records, document_id
from licex.files.suffixes import TEXT_SUFFIXES
from licex.fields.record import websites_listed
from licex.jobs.review_pages import ShownPage, page_figures, write_pages
from licex.jobs.review_record import NOT_VALUES, RecordPanel, esc, flag_reasons, leaves

log = logging.getLogger("licex")

PAGES_DIR = "licences"
INDEX = "index.html"


def read_records(path: Path) -> dict[str, dict[str, Any]]:
    """The records of a prediction file (checked as predictions.checked_records checks them) by
    the id of their page: the document id of their source and part (`lic`, `pack#2`), with `~2`,
    `~3`, ... after it for a second record of the same id from another file (a/x.txt and
    b/x.txt, x.txt and x.pdf), cut to fit a file name. InputError naming file:line at the first
    line that is not a record, whose `source` is no file name licex writes, or that is a second
    record of one licence (source and part)."""
    records: dict[str, dict[str, Any]] = {}
    first: dict[tuple[str, int | None], str] = {}  # (source, part) -> where its record is
    for where, record in checked_records(path):
        source, part = record["source"], record.get("part")
        if problem := _not_a_source(source):
            raise InputError(where, problem)
        if (source, part) in first:
            licence = f"licence {part} of " if part is not None else ""
            raise InputError(where, f"second record for {licence}{source!r} (the first is at {first[source, part]})")
        first[source, part] = where
        # a record of the form before (one `website`) shown as the record model reads it
        records[_free_id(document_id(source, part), records)] = websites_listed(record)
    return records


def _not_a_source(source: str) -> str | None:
    """Why `source` cannot be the name of an input licex extract read (None when it can): it
    names the file review reads, and a page after it. extract writes names as `one_line` shows
    them: no control character (NUL least of all: no file name holds one), no lone surrogate."""
    if not source.strip():
        return "`source` is empty"
    if one_line(source) != source:
        bad = next(c for c in source if one_line(c) != c)
        return f"`source` holds {one_line(bad)}, which no file name licex extract writes holds"
    return None


def _free_id(doc_id: str, taken: dict[str, Any]) -> str:
    """`doc_id`, or `doc_id~N` for the first N from 2 that is free, as a page's file name fits it."""
    candidate, number = doc_id, 1
    while (candidate := _page_id(candidate)) in taken:
        number += 1
        candidate = f"{doc_id}~{number}"
    return candidate


def _page_id(doc_id: str) -> str:
    return fitted_name(doc_id, ".html").removesuffix(".html")


@dataclass(frozen=True)
class Licence:
    """One record to review with the text its offsets point into (None, and why, when there is none)."""

    doc_id: str
    record: dict[str, Any]
    text: str | None
    problem: str | None = None

    @property
    def page(self) -> str:
        """The page's path inside the review folder."""
        return f"{PAGES_DIR}/{self.doc_id}.html"

    @property
    def flags(self) -> dict[str, list[str]]:
        """Field path -> the reasons the record gives to review it."""
        flags: dict[str, list[str]] = {}
        for flag in self.record.get("needs_review") or []:
            flags.setdefault(flag["field"], []).append(flag["reason"])
        return flags

    @property
    def confidence(self) -> dict[str, float]:
        return self.record.get("confidence") or {}

    def filled(self) -> int:
        """How many values the record holds (an item of a list counts as one)."""
        return sum(value is not None for key, value in self.record.items() if key not in NOT_VALUES
                   for _, value in leaves(value, key))

    def review_order(self) -> tuple[int, float, str]:
        """Most flagged fields first, then the lowest confidence (a record without any last)."""
        return -len(self.flags), min(self.confidence.values(), default=1.0), self.doc_id


def find_texts(records: dict[str, dict[str, Any]], text_dir: Path | None) -> Iterator[Licence]:
    """Each record with its text: the file `licex extract --text-dir` wrote for its source in
    `text_dir`, or without `text_dir` the source itself when it is a text file. A text that cannot
    be read, or that the record's offsets do not fit, leaves the licence without text, saying why.

    The name extract gave a text depends on all the inputs it read (their common folder:
    TextDirNames), and an input without a record (no licence in it) is not in the records: so
    the name is checked, not trusted. The name these records' sources would get comes first,
    then every other name a run may have given the source (TextDirNames.candidates); the first
    whose characters hold the record's evidence is the text. Only regular files that lie
    in `text_dir` are read: a link in it that leads out (to /etc/passwd) is refused, named.
    """
    names = TextDirNames([record["source"] for record in records.values()])
    texts = _Texts(text_dir)
    for doc_id, record in records.items():
        text, problem = texts.fitting(record, names.name(record["source"]))
        yield Licence(doc_id, record, text, problem)


class _Texts:
    """The texts a record may have been read from, read once for the records of one source."""

    def __init__(self, text_dir: Path | None) -> None:
        self.text_dir = None if text_dir is None else Path(text_dir)
        self.source: str | None = None
        self.read: dict[Path, tuple[str | None, str | None]] = {}  # the source's candidates: (text, problem)

    def fitting(self, record: dict[str, Any], expected: str) -> tuple[str | None, str | None]:
        """(text, None) of the first candidate that fits the record, else (None, the first problem)."""
        source = record["source"]
        if source != self.source:  # the records of a file (its licences) come together
            self.source, self.read = source, {}
        first_problem = None
        for path, problem in self._candidates(source, expected):
            if problem is None and path not in self.read:
                self.read[path] = self._read(path)
            text, problem = self.read[path] if problem is None else (None, problem)
            if text is not None and (problem := _misfit(record, text)) is None:
                return text, None
            first_problem = first_problem or problem
        return None, first_problem

    def _candidates(self, source: str, expected: str) -> Iterator[tuple[Path | None, str | None]]:
        if self.text_dir is None:
            if source == STDIN_NAME:
                yield None, "read from stdin; give --text-dir, the folder `licex extract --text-dir` wrote"
            elif Path(source).suffix.lower() not in TEXT_SUFFIXES:
                yield None, "not a text file; give --text-dir, the folder `licex extract --text-dir` wrote"
            else:
                yield Path(source), None
            return
        others = [name for name in TextDirNames.candidates(source)
                  if name != expected and os.path.lexists(self.text_dir / name)]
        if not os.path.lexists(self.text_dir / expected) and not others:
            yield None, (f"{self.text_dir / expected} not found (--text-dir: the folder `licex extract "
                         "--text-dir` wrote for these records)")
            return
        for name in [expected, *others]:
            yield self.text_dir / name, None

    def _read(self, path: Path) -> tuple[str | None, str | None]:
        if self.text_dir is not None:
            inside = Path(os.path.realpath(path))
            if not inside.is_relative_to(os.path.realpath(self.text_dir)):
                return None, f"{path} leads out of the --text-dir folder (to {inside}); not read"
        try:
            return InputSource(str(path), path).read(), None
        except InputError as error:
            return None, str(error)


def _misfit(record: dict[str, Any], text: str) -> str | None:
    """Why the record's offsets do not point into `text` (None when they do): a text of another
    licence, or of another run, would mark the wrong characters."""
    for path, items in record["evidence"].items():
        for item in items:
            if text[item["start"]:item["end"]] != item["text"]:
                return (f"the text does not hold the evidence of `{path}` at {item['start']}-{item['end']} "
                        "(a text of another licence or run?)")
    for clause in record["clauses"]:
        if clause["end"] > len(text):
            return f"clause {clause['number']} ends at {clause['end']}, past the end of the text ({len(text)})"
    return None


@dataclass(frozen=True)
class ReviewSummary:
    pages: int
    without_text: list[str]  # document ids whose page shows the record only
    index: Path


def write_review(predictions: Path, output: Path, text_dir: Path | None = None, show_pages: bool = True) -> ReviewSummary:
    """Write `output`/index.html and a page per record of `predictions` under `output`/licences/.

    Every record is read and checked before anything is written, so a bad line leaves an earlier
    review as it was; each page is replaced atomically, and the index last, so it never links to a
    page not yet written. A record whose text is missing gets one warning and a page without text.
    A record read from a PDF or page images gets the images of its pages (`review_pages`), written
    before its page (unless not `show_pages`); a document that cannot be read again gets one
    warning and a page without them.
    """
    if text_dir is not None and not Path(text_dir).is_dir():
        raise InputError(str(text_dir), "no such folder (--text-dir: the folder `licex extract --text-dir` wrote)")
    records = read_records(predictions)
    licences = []
    for licence in find_texts(records, text_dir):
        if licence.problem is not None:
            log.warning("%s (source %s): no text, its page shows the record only: %s",
                        licence.doc_id, licence.record["source"], licence.problem)
        pages, no_pages = (write_pages(licence.record, Path(output) / PAGES_DIR, licence.doc_id)
                           if show_pages else ([], None))
        if no_pages is not None:
            log.warning("%s (source %s): no page images, its page shows the text and record: %s",
                        licence.doc_id, licence.record["source"], no_pages)
        atomic_write_text(Path(output) / licence.page, render_page(licence, pages), named_by_licex=True)
        licences.append(licence)
    index = Path(output) / INDEX
    atomic_write_text(index, render_index(licences), named_by_licex=True)
    return ReviewSummary(len(licences), [lic.doc_id for lic in licences if lic.text is None], index)


# --- pages -------------------------------------------------------------------------------------

def _data(name: str) -> str:
    return resources.files("licex").joinpath(f"data/{name}").read_text("utf-8")


def _document(title: str, body: str) -> str:
    return Template(_data("review.html")).substitute(
        title=esc(title), style=_data("review.css"), script=_data("review.js"), body=body)


@dataclass(frozen=True)
class _Mark:
    """A marked stretch of the text: a field's evidence or a clause."""

    start: int
    end: int
    path: str
    mark_id: str
    label: str
    is_clause: bool
    reasons: tuple[str, ...]
    box: tuple[int, tuple[float, float, float, float]] | None = None  # its page and box there, where known

    def nesting(self) -> tuple[bool, int, int, str]:
        # Clauses under fields, longer spans around shorter ones: pieces open in this order.
        return not self.is_clause, self.start - self.end, self.start, self.mark_id

    def open_tag(self, first: bool) -> str:
        element, kind = ("span", "clause") if self.is_clause else ("mark", "ev")
        classes = kind + (" flagged" if self.reasons else "") + ("" if first else " cont")
        title = self.label + "".join(f"\nneeds review: {reason}" for reason in self.reasons)
        attributes = f' id="{esc(self.mark_id)}"' if first else ""
        tag = f'<span class="tag">{esc(self.label)}</span>' if first else ""
        return (f'<{element} class="{classes}"{attributes} data-mark="{esc(self.mark_id)}" '
                f'data-field="{esc(self.path)}" title="{esc(title)}">{tag}')

    def close_tag(self) -> str:
        return "</span>" if self.is_clause else "</mark>"


def _marks(licence: Licence) -> list[_Mark]:
    """The clauses and every field's evidence, as marks; an evidence that is its clause's own span
    is the clause's mark."""
    record, flags = licence.record, licence.flags

    def label(path: str, *parts: Any) -> str:
        confidence = licence.confidence.get(path)
        return " · ".join([*(str(p) for p in parts if p), *([f"{confidence:.2f}"] if confidence is not None else [])])

    def box(item: dict[str, Any] | None) -> tuple[int, tuple[float, float, float, float]] | None:
        if item and isinstance(item.get("page"), int) and item.get("bbox"):
            return item["page"], tuple(item["bbox"])
        return None

    evidence = record["evidence"]
    marks, clause_spans = [], {}
    for i, clause in enumerate(record["clauses"]):
        path = f"clauses[{i}]"
        clause_spans[path] = (clause["start"], clause["end"])
        own = next((item for item in evidence.get(path, []) if (item["start"], item["end"]) == clause_spans[path]), None)
        marks.append(_Mark(clause["start"], clause["end"], path, f"cl-{i}",
                           label(path, clause["number"], clause["label"], clause["business_code"]), True,
                           flag_reasons(flags, path), box(own)))
    for path, items in evidence.items():
        for item in items:
            if clause_spans.get(path) == (item["start"], item["end"]):
                continue
            marks.append(_Mark(item["start"], item["end"], path, f"ev-{len(marks)}",
                               label(path, path, item["component"]), False, flag_reasons(flags, path), box(item)))
    return [m for m in marks if m.end > m.start]


def _marked_text(text: str, marks: list[_Mark]) -> str:
    """The text, escaped, with each mark as elements around its characters. Where marks cross,
    a mark is cut into pieces (the first holds its id and label, every piece its data-mark)."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[str] = []
    opened: list[_Mark] = []
    started: set[str] = set()
    # One sweep over the cuts, holding the marks open at each: asking every mark at every cut
    # costs the square of the marks, and a long line of service items has thousands.
    waiting = sorted(marks, key=lambda m: m.start, reverse=True)
    active: list[_Mark] = []
    for start, end in pairwise(cuts):
        while waiting and waiting[-1].start <= start:
            active.append(waiting.pop())
        # Every end is a cut: a mark still open past `start` covers all of [start, end).
        active = [m for m in active if m.end > start]
        covering = sorted(active, key=_Mark.nesting)
        kept = 0
        while kept < min(len(opened), len(covering)) and opened[kept] == covering[kept]:
            kept += 1
        out.extend(m.close_tag() for m in reversed(opened[kept:]))
        for mark in covering[kept:]:
            out.append(mark.open_tag(first=mark.mark_id not in started))
            started.add(mark.mark_id)
        opened = covering
        out.append(esc(text[start:end]))
    out.extend(m.close_tag() for m in reversed(opened))
    return "".join(out)


def _title(licence: Licence) -> str:
    record = licence.record
    return " · ".join(str(v) for v in (record.get("license_no"), record.get("company_name")) if v) or licence.doc_id


def render_page(licence: Licence, pages: list[ShownPage] | tuple = ()) -> str:
    """The HTML page of one licence: the images of its pages (`pages`, written next to it) with
    the boxes of its evidence, its text with the evidence marked, and the record."""
    marks = _marks(licence)
    shown = {page.number for page in pages}
    # A value links to what the page shows of its evidence: its text, its box, or both.
    linked = [m for m in marks if licence.text is not None or (m.box and m.box[0] in shown)]
    flagged = len(licence.flags)
    source = licence.record["source"] + (f" (licence {licence.record['part']})" if licence.record.get("part") else "")
    header = (f'<header><a href="../{INDEX}">← all licences</a><h1>{esc(_title(licence))}</h1>'
              f'<span class="source">{esc(source)}</span>'
              f'<span class="counts">{licence.filled()} values filled, {flagged} field(s) need review</span></header>')
    problem = "" if licence.problem is None else f'<p class="problem">No text shown: {esc(licence.problem)}</p>'
    figures = page_figures(pages, marks) if pages else ""
    text = "" if licence.text is None else f'<pre class="text">{_marked_text(licence.text, marks)}</pre>'
    panel = RecordPanel(licence, linked, text_shown=licence.text is not None)
    body = (f'{header}{problem}<main class="licence{" with-pages" if pages else ""}">{figures}{text}'
            f'<aside class="record">{panel.html()}</aside></main>')
    return _document(_title(licence), body)


def render_index(licences: list[Licence]) -> str:
    """The index: every licence, those with the most fields to review (then the lowest confidence) first."""
    rows = []
    for licence in sorted(licences, key=Licence.review_order):
        record, flagged = licence.record, len(licence.flags)
        lowest = min(licence.confidence.values(), default=None)
        rows.append(
            f'<tr class="{"needs-review" if flagged else "clear"}" data-doc="{esc(licence.doc_id)}">'
            f'<td><a href="{esc(quote(licence.page))}">{esc(licence.doc_id)}</a></td>'
            f'<td>{esc(record.get("license_no") or "—")}</td><td>{esc(record.get("company_name") or "—")}</td>'
            f'<td class="number flagged-count">{flagged}</td>'
            f'<td class="number">{"—" if lowest is None else f"{lowest:.2f}"}</td>'
            f'<td class="number filled">{licence.filled()}</td>'
            f'<td>{"text" if licence.problem is None else "no text: " + esc(licence.problem)}</td></tr>')
    head = ("<tr><th>licence</th><th>licence no</th><th>company</th><th>fields to review</th>"
            "<th>lowest confidence</th><th>values filled</th><th>text</th></tr>")
    body = (f"<header><h1>licex review: {len(licences)} licence(s)</h1><span class=\"counts\">most in need of review first"
            f"</span></header><main class=\"index\"><table>{head}{''.join(rows)}</table></main>")
    return _document("licex review", body)
