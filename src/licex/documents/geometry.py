"""The text that licex reads from a document, with where each character sits on its page.

Reading a PDF or a scan yields glyphs with boxes; `reading_order` arranges them into lines and
table rows. The result is a `DocumentText`: the reconstructed text (the text the pipeline reads
and every offset of a record points into) and, for each of its characters, the page and box it
came from, and the score OCR read it with (RapidOCR gives one a line). Characters that reading
order adds (line breaks, the tab between two cells, the form feed between pages) have no box and
no score, and those of a text layer no score. `locate` turns an evidence span back into boxes on
pages; `score_runs` gives the scores as runs of character offsets (what travels to the Doc).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field
from itertools import starmap
import math
import unicodedata
from typing import NamedTuple

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 with y growing downwards (top-left origin)
PAGE_BREAK = "\f"
NO_PAGE = -1
NO_SCORE = math.nan  # a character no OCR read: a text layer's, or one reading order added
# The OCR scores of a text as runs: (start, end, score) for each stretch of characters read with
# one score, in text offsets; characters without a score lie in no run.
ScoreRuns = list[tuple[int, int, float]]


class Glyph(NamedTuple):
    """One character read from a page: its text (usually one character) and its box. A named
    tuple: a page holds thousands, made several times faster than a frozen dataclass's."""

    text: str
    box: Box
    score: float | None = None  # the score OCR read its line with (ocr.py); None for a text layer's


def nominal_width(ch: str) -> float:
    """A character's width in a printed line, in line heights: a Chinese character about one, a
    Latin letter or digit about half, a space half."""
    if ch.isspace():
        return 0.5
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55


@dataclass(frozen=True)
class PageSize:
    width: float
    height: float
    unit: str  # "pt" for PDF points (text layers), "px" for image pixels (OCR)
    source: str  # "text_layer" or "ocr": how the page's text was read
    # The order its text was read in: "geometry" (reading_order's lines and table rows) or
    # "content" (a text layer's own order, where that reads better: reading_choice).
    reading: str = "geometry"


@dataclass
class PageContent:
    """What was read from one page: its size, its glyphs, and the table cells drawn on it
    (rectangles in the same coordinates; empty where the page shows none or they are unknown)."""

    size: PageSize
    glyphs: list[Glyph]
    cells: list[Box] = field(default_factory=list)
    # The indices of the glyphs set at an angle (a seal's text on its arc): read apart from the
    # page's lines. A text layer lists its glyphs in content order, with the line breaks and
    # spaces PDFium infers as glyphs of no box ("\n", " "); OCR gives neither.
    turned: list[int] = field(default_factory=list)

    def __reduce__(self):
        # Pages cross from PDFium's process (`isolation`): glyphs as plain tuples pickle in C,
        # several times faster than as named tuples (whose pickling runs Python for each).
        return _page_content, (self.size, [tuple(glyph) for glyph in self.glyphs], self.cells, self.turned)


def _page_content(size: PageSize, glyphs: list[tuple[str, Box, float | None]], cells: list[Box], turned: list[int]) -> PageContent:
    return PageContent(size, list(starmap(Glyph, glyphs)), cells, turned)


@dataclass
class DocumentText:
    """A document's reconstructed text and the geometry of every character in it."""

    text: str
    pages: list[PageSize]
    # Per character of `text`: its page index (NO_PAGE for characters reading order added) and its
    # box as four floats, flat. Arrays, not objects: a 20-page licence has ~30k characters.
    char_page: array = field(default_factory=lambda: array("i"))
    char_box: array = field(default_factory=lambda: array("d"))
    # Per character: the OCR score of its line (NO_SCORE where none); may be empty (a DocumentText
    # made by hand): no scores at all.
    char_score: array = field(default_factory=lambda: array("d"))

    def page_of(self, pos: int) -> int:
        return self.char_page[pos]

    def score_runs(self, start: int = 0, end: int | None = None) -> ScoreRuns:
        """The OCR scores of the text range [start, end) as runs, offsets from `start`."""
        runs: ScoreRuns = []
        end = min(len(self.char_score), len(self.text) if end is None else end)
        for pos in range(start, end):
            score = self.char_score[pos]
            if math.isnan(score):
                continue
            if runs and runs[-1][1] == pos - start and runs[-1][2] == score:
                runs[-1] = (runs[-1][0], pos - start + 1, score)
            else:
                runs.append((pos - start, pos - start + 1, score))
        return runs

    def then(self, other: DocumentText) -> DocumentText:
        """One document of two: `other`'s pages after this one's, a form feed between the texts
        (pages apart joined: jobs.joining; a website's files read one after the other)."""
        char_page = array("i", self.char_page)
        char_page.append(NO_PAGE)
        char_page.extend(page + len(self.pages) if page != NO_PAGE else NO_PAGE for page in other.char_page)
        char_box = array("d", self.char_box)
        char_box.extend((0.0, 0.0, 0.0, 0.0))
        char_box.extend(other.char_box)
        char_score = array("d", self.char_score or array("d", [NO_SCORE]) * len(self.text))
        char_score.append(NO_SCORE)
        char_score.extend(other.char_score or array("d", [NO_SCORE]) * len(other.text))
        return DocumentText(self.text + PAGE_BREAK + other.text, [*self.pages, *other.pages], char_page, char_box,
                            char_score)

    def locate(self, start: int, end: int) -> list[tuple[int, Box]]:
        """Where the text range [start, end) is printed: one (page index, box) per page and line.

        A value that wraps in its cell gives one box per printed line, so a box never covers the
        cell beside it; characters without a box (added breaks and tabs) are skipped.
        """
        located: list[tuple[int, Box]] = []
        current: list[float] | None = None
        current_page = NO_PAGE
        for pos in range(start, min(end, len(self.text))):
            page = self.char_page[pos]
            if page == NO_PAGE:
                continue
            x0, y0, x1, y1 = self.char_box[4 * pos:4 * pos + 4]
            same_line = (current is not None and page == current_page
                         and y0 < current[3] and y1 > current[1] and x0 >= current[0] - 1)
            if same_line:
                current[0], current[1] = min(current[0], x0), min(current[1], y0)
                current[2], current[3] = max(current[2], x1), max(current[3], y1)
            else:
                if current is not None:
                    located.append((current_page, tuple(current)))
                current, current_page = [x0, y0, x1, y1], page
        if current is not None:
            located.append((current_page, tuple(current)))
        return located


class TextBuilder:
    """Builds a DocumentText piece by piece: glyph runs with boxes, and separators without."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.char_page = array("i")
        self.char_box = array("d")
        self.char_score = array("d")
        self.pages: list[PageSize] = []

    def glyphs(self, glyphs: list[Glyph], page: int) -> None:
        for glyph in glyphs:
            self.parts.append(glyph.text)
            self.length += len(glyph.text)
            for _ in glyph.text:
                self.char_page.append(page)
                self.char_box.extend(glyph.box)
                self.char_score.append(NO_SCORE if glyph.score is None else glyph.score)

    def separator(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)
        for _ in text:
            self.char_page.append(NO_PAGE)
            self.char_box.extend((0.0, 0.0, 0.0, 0.0))
            self.char_score.append(NO_SCORE)

    def build(self) -> DocumentText:
        return DocumentText("".join(self.parts), self.pages, self.char_page, self.char_box, self.char_score)
