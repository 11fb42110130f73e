"""How sure OCR was of a Doc's characters: the score RapidOCR read each line with (documents.ocr),
carried from the document's text (`DocumentText.score_runs`) to the Doc, as runs of character
offsets: `doc._.licex_ocr_scores`, a list of [start, end, score] (None: no character of the Doc
was OCR'd: a text, a text layer).

Two places give a Doc its scores, both with `set_ocr_scores`: `licex extract` (jobs.bundles, the
licence's part of its document) and the evaluation of a corpus whose texts keep theirs in a
sidecar (corpus.ocr_sidecars). The `ocr` sign of a value (scoring.signs) reads them.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc

from licex.documents.geometry import ScoreRuns

Doc.set_extension("licex_ocr_scores", default=None, force=True)


def set_ocr_scores(doc: Doc, runs: Sequence[Sequence[float]] | None, offset: int = 0) -> Doc:
    """Give `doc` the scores of `runs` (offsets in a text of which the Doc's text starts at
    `offset`): those that fall in it, moved into its offsets. A Doc with none keeps None."""
    end = offset + len(doc.text)
    kept = [[max(start, offset) - offset, min(stop, end) - offset, score]
            for start, stop, score in runs or () if start < end and stop > offset]
    doc._.licex_ocr_scores = kept or None
    return doc


def lowest_score(doc: Doc, start: int, end: int) -> float | None:
    """The lowest OCR score of the Doc's characters [start, end) (None: none of them was OCR'd)."""
    runs: ScoreRuns = doc._.licex_ocr_scores or ()
    return min((score for first, stop, score in runs if first < end and stop > start), default=None)
