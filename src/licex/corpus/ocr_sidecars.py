"""The OCR scores of a tool corpus's texts, kept beside them: `TOOL/batch-00000.ocr.json` beside
`TOOL/batch-00000.jsonl`, for the tools that read with licex's own OCR (`rapidocr`,
`licex-photo`: `DocumentText.score_runs`).

A text read by such a tool carries its scores in memory under `meta["ocr_scores"]` (runs of
character offsets, [start, end, score]); `write_sidecar` takes them out of the texts before the
texts are written and keeps them in the sidecar, one entry a text by its id, so the annotation
lines stay what they were; `with_sidecar` puts them back when the texts are read
(corpus.annotations), and the evaluation gives them to each Doc as `licex extract` does
(text.ocr_scores).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from licex.files.outputs import atomic_write_text

OCR_SCORES = "ocr_scores"  # the meta key of a text's scores, in memory only
SUFFIX = ".ocr.json"


def sidecar_path(batch: Path) -> Path:
    return batch.with_suffix(SUFFIX)


def write_sidecar(batch: Path, examples: Sequence) -> None:
    """Take the scores out of `examples` (AnnotatedText) and write them beside `batch`, where any
    text has some."""
    scores = {str(example.id): runs for example in examples if (runs := example.meta.pop(OCR_SCORES, None))}
    if scores:
        body = {"_what": "OCR scores of the texts of " + batch.name + " by id: runs [start, end, score] "
                         "of character offsets (licex.corpus.ocr_sidecars)",
                "texts": {key: [list(run) for run in runs] for key, runs in scores.items()}}
        atomic_write_text(sidecar_path(batch), json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n",
                          named_by_licex=True)


def with_sidecar(batch: Path, examples: Sequence) -> None:
    """Give the texts of `batch` (AnnotatedText) the scores of its sidecar, where it has one."""
    path = sidecar_path(batch)
    if not path.is_file():
        return
    scores = json.loads(path.read_text("utf-8"))["texts"]
    for example in examples:
        if (runs := scores.get(str(example.id))) is not None:
            example.meta[OCR_SCORES] = runs
