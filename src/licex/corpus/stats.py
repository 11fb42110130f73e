"""`licex corpus stats`: what a corpus folder holds, per label, business code and layout case."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.table import Table
from rich.text import Text

from licex.fields.labels import CLAUSE_LABELS, ENTITY_LABELS
from licex.fields.normalize import parse_business
from licex.corpus.annotations import read_annotation_dir


@dataclass
class CorpusStats:
    documents: int = 0
    characters: int = 0
    origins: Counter = field(default_factory=Counter)
    entities: Counter = field(default_factory=Counter)
    clauses: Counter = field(default_factory=Counter)
    business_codes: Counter = field(default_factory=Counter)
    layouts: Counter = field(default_factory=Counter)

    @property
    def missing_entity_labels(self) -> list[str]:
        return [label for label in ENTITY_LABELS if not self.entities[label]]

    @property
    def missing_clause_labels(self) -> list[str]:
        return [label for label in CLAUSE_LABELS if not self.clauses[label]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "characters": self.characters,
            "origins": dict(self.origins),
            "entities": {label: self.entities[label] for label in ENTITY_LABELS},
            "clauses": {label: self.clauses[label] for label in CLAUSE_LABELS},
            "business_codes": dict(sorted(self.business_codes.items())),
            "layouts": dict(sorted(self.layouts.items())),
            "missing_entity_labels": self.missing_entity_labels,
            "missing_clause_labels": self.missing_clause_labels,
        }


def corpus_stats(path: Path) -> CorpusStats:
    """Counts over the annotations of any corpus path (see `paths.annotation_files`)."""
    stats = CorpusStats()
    for example in read_annotation_dir(path):
        stats.documents += 1
        stats.characters += len(example.text)
        stats.origins[example.origin] += 1
        stats.layouts.update(example.meta.get("layout", []))
        codes = set()
        for start, end, label in example.entities:
            stats.entities[label] += 1
            if label == "BUSINESS" and (parsed := parse_business(example.text[start:end])):
                codes.add(parsed.code)
        stats.business_codes.update(codes)  # documents per code
        stats.clauses.update(label for _, _, label in example.clauses)
    return stats


def stats_tables(stats: CorpusStats) -> list[Table]:
    summary = Table(title=f"{stats.documents} documents, {stats.characters:,} characters")
    summary.add_column("origin")
    summary.add_column("documents", justify="right")
    for origin, count in sorted(stats.origins.items()):
        summary.add_row(origin, str(count))
    tables = [summary]
    for title, counter, labels in [
        ("entities", stats.entities, list(ENTITY_LABELS)),
        ("clauses", stats.clauses, list(CLAUSE_LABELS)),
        ("business codes (documents)", stats.business_codes, sorted(stats.business_codes)),
        ("layout cases (documents)", stats.layouts, sorted(stats.layouts)),
    ]:
        table = Table(title=title)
        table.add_column("label")
        table.add_column("count", justify="right")
        for label in labels:
            count = counter[label]
            table.add_row(label, str(count) if count else Text("0", style="red"))
        tables.append(table)
    return tables


def stats_json(stats: CorpusStats) -> str:
    return json.dumps(stats.to_dict(), ensure_ascii=False, indent=2)
