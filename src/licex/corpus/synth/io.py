"""Writing a generated corpus: raw texts, annotations and gold records, and what was written."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from licex.corpus.annotations import write_annotations
from licex.corpus.synth.document import doc_seed, generate_one, is_damaged


@dataclass
class SynthSummary:
    """What a `generate` run wrote: documents, characters and span counts per label."""

    docs: int = 0
    chars: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    clauses: dict[str, int] = field(default_factory=dict)
    businesses: dict[str, int] = field(default_factory=dict)
    layouts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"docs": self.docs, "chars": self.chars, "entities": self.entities, "clauses": self.clauses,
                "businesses": self.businesses, "layouts": self.layouts}


def generate(
    n: int, out_dir: Path, seed: int, progress: Callable[[], None] | None = None, damaged: float = 0.0
) -> SynthSummary:
    """Write n synthetic licences under out_dir: raw/*.txt, annotations/synth.jsonl, records/*.record.json.

    `progress` is called once per document written (the CLI's progress bar). About a `damaged`
    share of the licences have damaged labels (a clean corpus by default).
    Document i is `generate_one(doc_seed(seed, i))`; its annotation meta holds the corpus `seed` and
    that `doc_seed`. Deterministic: the same n and seed give byte-identical files.
    """
    out_dir = Path(out_dir)
    raw_dir, records_dir, annotations_dir = out_dir / "raw", out_dir / "records", out_dir / "annotations"
    for folder in (raw_dir, records_dir, annotations_dir):
        folder.mkdir(parents=True, exist_ok=True)
    entities: Counter[str] = Counter()
    clauses: Counter[str] = Counter()
    businesses: Counter[str] = Counter()
    layouts: Counter[str] = Counter()
    examples = []
    chars = 0
    for index in range(n):
        stem = f"synth_{index:05d}"
        source = f"raw/{stem}.txt"
        text, example, record = generate_one(doc_seed(seed, index), doc_id=stem, source=source,
                                             damaged_labels=is_damaged(seed, index, damaged))
        example.meta["seed"] = seed
        example.meta["doc_seed"] = doc_seed(seed, index)
        (raw_dir / f"{stem}.txt").write_text(text, encoding="utf-8", newline="")
        record_json = json.dumps(record.model_dump(mode="json"), indent=1, ensure_ascii=False)
        (records_dir / f"{stem}.record.json").write_text(record_json + "\n", encoding="utf-8", newline="")
        examples.append(example)
        chars += len(text)
        entities.update(label for _, _, label in example.entities)
        clauses.update(label for _, _, label in example.clauses)
        businesses.update(b.code for b in record.businesses if b.code)
        layouts.update(example.meta["layout"])
        if progress:
            progress()
    write_annotations(annotations_dir / "synth.jsonl", examples)
    return SynthSummary(
        docs=n,
        chars=chars,
        entities=dict(sorted(entities.items())),
        clauses=dict(sorted(clauses.items())),
        businesses=dict(sorted(businesses.items())),
        layouts=dict(sorted(layouts.items())),
    )
