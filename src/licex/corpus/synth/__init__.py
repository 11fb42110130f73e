"""Synthetic licences: realistic annotated 增值电信业务经营许可证 texts with their gold records.

Three real licences are too few to train the NER and the span categorizer, so this package writes
licences that vary everything the real ones vary: cross-regional and provincial numbering (old and
new forms, change notes), every business type alone and mixed, service items and coverage in all
their forms, optional fields, shareholder / business / website / annual-inspection pages, the
特别规定事项 with its wording variants, and the OCR/PDF layout noise the real texts carry (markdown,
HTML, page headers and signature blocks cutting clauses, full-width characters, spaced labels,
OCR spaces and letter/digit confusions, duplicated and truncated pages).

One module per job:
- `content`: what a licence says (the licence model and its sampler);
- `layouts`: how it is laid out (the renderer; each layout case a registered function);
- `cases`: the registry of layout cases and document parts;
- `builder`: text and spans built together, so every span is exact by construction;
- `damage`: damaged labels (OCR look-alikes, unseen wordings);
- `gold`: the gold record, folded from the canonical values by `licex.fields.fold`;
- `numerals`: Chinese numerals (cn2an);
- `data`: the package data (`corpus/data/synth_*.json`, `clauses.jsonl`, `reserved.jsonl`);
- `document`: one licence from a seed; `io`: a corpus written to disk.

Every distribution, probability and wording variant lives in `corpus/data/synth_*.json`.
Output is a pure function of the seed: `random.Random` and a Faker instance are seeded per document,
there is no global random state, and no set or dict iteration order reaches the text.
"""

from __future__ import annotations

from licex.corpus.synth.cases import layout_tags
from licex.corpus.synth.damage import DAMAGED_TAG, damage_label
from licex.corpus.synth.document import doc_seed, generate_one, is_damaged
from licex.corpus.synth.io import SynthSummary, generate

# Every layout case the generator exercises (the registry, see `cases`); meta["layout"] lists
# those a document shows.
LAYOUT_TAGS: tuple[str, ...] = layout_tags()

__all__ = [
    "DAMAGED_TAG", "LAYOUT_TAGS", "SynthSummary", "damage_label", "doc_seed", "generate", "generate_one",
    "is_damaged", "layout_tags",
]  # fmt: skip
