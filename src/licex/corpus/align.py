"""Carrying the gold annotations of a typeset licence onto the text a tool emitted for it.

What a licence printed is known value by value (`PrintedLicence.printed_values`) and clause by
clause. A tool's text holds them with its own spacing, line breaks, reading order and
misreadings, so each is located by alignment, not by offset:

- Both sides are compared without whitespace and with full-width forms folded (NFKC), so a value
  wrapped over two lines, spaced out by OCR or printed in full-width digits is still found whole.
- Values are looked for in print order, each after the one before it (a tool keeps the order of
  a column even where it reads a table column by column), then anywhere before the 特别规定事项;
  first verbatim, then by a fuzzy alignment (rapidfuzz's `partial_ratio_alignment`, its edges
  refined by edit distance) that must reach a similarity set by the value's length. Values of
  three characters or fewer are only taken verbatim: a fuzzy match of `合格` is anything.
- The licence number is annotated wherever it prints (the front page, the 附页, every page
  header of the 特别规定事项).
- A clause is located by its head (its number and first words) and its tail, in order, so the
  page headers and footers a tool put inside it stay inside its span.
- A span must fall on the pipeline's token boundaries, or it is dropped.

Nothing is invented: a value or clause not found is left unannotated and listed in `missing`
with its reason, for the corpus report. The gold record stays the licence's true values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc

from licex.text.hanzi import to_simplified
from licex.text.chars import nfkc_char

# Similarity (0-100) a fuzzy match must reach, by the length of the value.
_SHORTEST_FUZZY = 4
_CUTOFF_SHORT, _CUTOFF_LONG, _LONG = 85.0, 78.0, 8
_CLAUSE_CUTOFF = 72.0
_EVERY_CUTOFF = 88.0  # a value printed many times: strict, a near twin (an old number) is no match
_CLAUSE_END = 24  # characters of a clause's head and tail that locate it
_WINDOW = 600  # characters after the previous value where the next is looked for first
_SPECIAL_TITLE = "特别规定事项"
EVERY_OCCURRENCE = frozenset({"LICENSE_NO"})
# Punctuation that ends what comes before it: no value or clause starts with it.
_NEVER_FIRST = frozenset("。，；：、,;:.")


@dataclass
class Alignment:
    entities: list[tuple[int, int, str]] = field(default_factory=list)
    clauses: list[tuple[int, int, str]] = field(default_factory=list)
    # "LABEL value: reason", one per value or clause not carried; the reason starts with "value"
    # or "clause"
    missing: list[str] = field(default_factory=list)


def _fold(char: str) -> str:
    """A character as the rules read it (NFKC, simplified), lower case; one for one."""
    folded = nfkc_char(char)
    return (to_simplified(folded) if len(folded) == 1 else char).lower()


def squeeze(text: str) -> tuple[str, list[int]]:
    """`text` without whitespace, full-width forms folded, and each kept character's offset."""
    offsets = [i for i, char in enumerate(text) if not char.isspace()]
    return "".join(_fold(text[i]) for i in offsets), offsets


class _Locator:
    """Finds values in the squeezed text of a tool's output, each at most once."""

    def __init__(self, text: str) -> None:
        from rapidfuzz import fuzz
        from rapidfuzz.distance import Levenshtein

        self._partial = fuzz.partial_ratio_alignment
        self._similarity = Levenshtein.normalized_similarity
        self.squeezed, self.offsets = squeeze(text)
        self.taken: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in self.taken)

    def exact(self, needle: str, lo: int, hi: int) -> tuple[int, int] | None:
        at = self.squeezed.find(needle, lo, hi)
        while at >= 0:
            if self.free(at, at + len(needle)):
                return at, at + len(needle)
            at = self.squeezed.find(needle, at + 1, hi)
        return None

    def fuzzy(self, needle: str, lo: int, hi: int, cutoff: float) -> tuple[int, int] | None:
        hay = self.squeezed[lo:hi]
        found = self._partial(needle, hay, score_cutoff=cutoff)
        if found is None:
            return None
        start, end = self._refine(needle, hay, found.dest_start, found.dest_end)
        start, end = lo + start, lo + end
        return (start, end) if end > start and self.free(start, end) else None

    def _refine(self, needle: str, hay: str, start: int, end: int) -> tuple[int, int]:
        """The edges near the partial alignment's that make the match most like the value: the
        alignment's window has the value's length, a misread may have added or lost one. Of
        equally good edges, those that agree with the value's first and last characters and do
        not start on punctuation win (`。一)你公司` is as near `(一)你公司` as `一)你公司` is)."""
        def score(a: int, b: int) -> tuple[float, bool, bool, bool, int]:
            match = hay[a:b]
            return (self._similarity(needle, match), match[0] not in _NEVER_FIRST, match[0] == needle[0],
                    match[-1] == needle[-1], -(b - a))

        best = (score(start, end), start, end)
        for a in range(max(0, start - 2), min(start + 3, len(hay))):
            for b in range(max(a + 1, end - 2), min(len(hay), end + 2) + 1):
                candidate = score(a, b)
                if candidate > best[0]:
                    best = (candidate, a, b)
        return best[1], best[2]

    def locate(self, needle: str, lo: int, hi: int, cutoff: float | None) -> tuple[int, int] | None:
        """First verbatim after `lo`, then fuzzily near `lo`, then anywhere before `hi`."""
        found = self.exact(needle, lo, hi) or self.exact(needle, 0, hi)
        if found is not None or cutoff is None:
            return found
        return (self.fuzzy(needle, lo, min(hi, lo + _WINDOW + 4 * len(needle)), cutoff)
                or self.fuzzy(needle, 0, hi, cutoff))

    def take(self, span: tuple[int, int]) -> tuple[int, int]:
        """Mark a squeezed span used; its offsets in the tool's text (end exclusive)."""
        self.taken.append(span)
        return self.offsets[span[0]], self.offsets[span[1] - 1] + 1


def _cutoff(needle: str) -> float | None:
    if len(needle) < _SHORTEST_FUZZY:
        return None
    return _CUTOFF_LONG if len(needle) >= _LONG else _CUTOFF_SHORT


def align(text: str, values: Sequence[tuple[str, str]], clauses: Sequence[tuple[str, str]],
          tokenizer: Callable[[str], Doc] | None = None) -> Alignment:
    """The annotations of a tool's `text`: `values` are (entity label, printed value) in print
    order, `clauses` (clause label, printed text with its number) in order. With `tokenizer`,
    spans off its token boundaries are dropped (and listed as missing)."""
    result = Alignment()
    locator = _Locator(text)
    squeezed = locator.squeezed
    # Clauses first: the fields lie before the 特别规定事项, so a value is never taken from a clause.
    heads: list[tuple[str, str, tuple[int, int]]] = []  # label, squeezed clause, its head's span
    cursor = 0
    for label, printed in clauses:
        needle = squeeze(printed)[0]
        head = needle[:_CLAUSE_END]
        window = min(len(squeezed), cursor + 2 * len(needle) + _WINDOW)
        # A tool that broke the clause's first line leaves its first half verbatim.
        span = (locator.exact(head, cursor, len(squeezed))
                or locator.fuzzy(head, cursor, window, _CLAUSE_CUTOFF)
                or locator.exact(head[:_CLAUSE_END // 2], cursor, window))
        if span is None:
            result.missing.append(f"{label} {printed[:12]}…: clause start not found")
            continue
        heads.append((label, needle, span))
        cursor = span[1]
    # A clause ends where its tail is found before the next clause starts; failing that, the
    # next clause's start ends it (the last one has no next, and must find its tail).
    for i, (label, needle, (start, head_end)) in enumerate(heads):
        limit = heads[i + 1][2][0] if i + 1 < len(heads) else min(len(squeezed), start + 2 * len(needle) + _WINDOW)
        tail = needle[-_CLAUSE_END:]
        span = locator.exact(tail, start, limit) or locator.fuzzy(tail, start, limit, _CLAUSE_CUTOFF)
        if span is not None and span[1] > head_end - 1:
            end = span[1]
        elif i + 1 < len(heads):
            end = limit
        else:
            result.missing.append(f"{label} {needle[:12]}…: clause end not found")
            continue
        result.clauses.append((*locator.take((start, end)), label))
    first_clause = heads[0][2][0] if heads else len(squeezed)
    # The clauses' spans stay open to the page headers inside them.
    locator.taken.clear()
    fields_end = first_clause
    title = squeezed.rfind(_SPECIAL_TITLE, max(0, first_clause - 400), first_clause)
    if title >= 0:
        fields_end = title
    cursor = 0
    for label, printed in values:
        needle = squeeze(printed)[0]
        if not needle or label in EVERY_OCCURRENCE:
            continue
        span = locator.locate(needle, cursor, fields_end, _cutoff(needle))
        if span is None:
            result.missing.append(f"{label} {printed}: value not found")
            continue
        result.entities.append((*locator.take(span), label))
        cursor = span[1]
    # Last, so that a previous licence number, a near twin, is already taken by its own label.
    for label, printed in values:
        needle = squeeze(printed)[0]
        if not needle or label not in EVERY_OCCURRENCE:
            continue
        count, at = 0, 0
        while span := (locator.exact(needle, at, len(squeezed))
                       or locator.fuzzy(needle, at, len(squeezed), _EVERY_CUTOFF)):
            result.entities.append((*locator.take(span), label))
            count, at = count + 1, span[1]
        if not count:
            result.missing.append(f"{label} {printed}: value not found")
    result.entities.sort()
    if tokenizer is not None:
        _keep_on_token_boundaries(result, tokenizer(text))
    return result


def _keep_on_token_boundaries(result: Alignment, doc: Doc) -> None:
    def fits(span: tuple[int, int, str]) -> bool:
        return doc.char_span(span[0], span[1]) is not None

    def crosses_a_clause(span: tuple[int, int, str]) -> bool:
        return any(a < span[0] < b < span[1] or span[0] < a < span[1] < b for a, b, _ in result.clauses)

    for kind, spans in (("clause", result.clauses), ("value", result.entities)):
        kept = []
        for span in spans:
            if not fits(span):
                result.missing.append(f"{span[2]} {doc.text[span[0]:span[1]][:16]}: {kind} not on token boundaries")
            elif kind == "value" and crosses_a_clause(span):
                result.missing.append(f"{span[2]} {doc.text[span[0]:span[1]][:16]}: value crosses a clause edge")
            else:
                kept.append(span)
        spans[:] = kept
