"""One synthetic licence from a seed: its text, annotations and gold record (no I/O)."""

from __future__ import annotations

import random
from functools import lru_cache

from faker import Faker

from licex.fields.record import LicenseRecord
from licex.corpus.annotations import ORIGIN_SYNTHETIC, AnnotatedText
from licex.corpus.synth.content import Sampler
from licex.corpus.synth.data import knobs
from licex.corpus.synth.gold import gold_record
from licex.corpus.synth.layouts import Renderer


def doc_seed(seed: int, index: int) -> int:
    """The seed of document `index` of a corpus generated with `seed`."""
    return seed * 100003 + index


def is_damaged(seed: int, index: int, damaged: float) -> bool:
    """Whether document `index` of a corpus generated with a `damaged` share has damaged labels."""
    return damaged > 0 and random.Random(doc_seed(seed, index) * 2).random() < damaged


@lru_cache(maxsize=1)
def _faker() -> Faker:
    # One instance, reseeded for every document: creating a Faker is slow, seeding is cheap.
    return Faker("zh_CN")


def generate_one(
    rng_seed: int, doc_id: str = "synth", source: str | None = None, damaged_labels: bool = False
) -> tuple[str, AnnotatedText, LicenseRecord]:
    """One synthetic licence: its text, its annotations and its gold record (no I/O).

    The same `rng_seed` always gives the same document. `doc_id` becomes the annotation id and
    `source` the record's source; meta holds origin, the layout tags the text exercises and the seed.
    With `damaged_labels`, half its field labels are misread or reworded (see damage.DAMAGED_TAG).
    """
    rng = random.Random(rng_seed)
    fake = _faker()
    fake.seed_instance(rng_seed)
    sampler = Sampler(rng, fake)
    licence = sampler.licence()
    renderer = Renderer(rng, sampler, licence)
    if damaged_labels:
        renderer.damage = random.Random(rng_seed * 2 + 1)
    renderer.render()
    if knobs("synth_style.json").chance("truncated_page", rng):
        renderer.truncate()
    b = renderer.b
    text = b.text().rstrip()
    if len(text) < b.length:  # trailing paragraph ends belong to no span
        b.parts, b.length = [text], len(text)
    example = AnnotatedText(
        id=doc_id,
        text=text,
        entities=[(e.start, e.end, e.label) for e in b.events],
        clauses=sorted((c.start, c.end, c.label) for c in b.clauses),
        meta={"origin": ORIGIN_SYNTHETIC, "layout": sorted(b.tags), "seed": rng_seed},
    )
    return text, example, gold_record(b.events, b.clauses, source)
