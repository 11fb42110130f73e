"""Write the character pairs the 特别规定事项 prints (licex.text.reading, `data/clause_bigrams.json`).

    python training/clause_bigrams.py [-n 500] [--seed 11] [-o src/licex/data/clause_bigrams.json]

The 特别规定事项 is standard wording: a text whose clause lines hold many character pairs that
the standard wording never prints was read badly (an OCR engine's misreads), and the values read
from it deserve less confidence (licex.scoring.confidence). The pairs are those of the clause lines
(`Layout.clause_text`) of `n` generated licences (the generator prints the catalogue's clauses in
its wording variants), less the licensee's own values there (the company name of the preamble, the
licence number): a pair goes in when at least `--min-licences` licences print it.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from licex.corpus.synth.document import doc_seed, generate_one
from licex.text.layout import Layout
from licex.files.outputs import atomic_write_text
from licex.text.reading import character_pairs

VALUE_MASK = "\x00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=500, help="generated licences to read")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--min-licences", type=int, default=3)
    parser.add_argument("-o", "--output", type=Path, default=Path("src/licex/data/clause_bigrams.json"))
    args = parser.parse_args()
    licences: Counter[str] = Counter()
    for index in range(args.n):
        text, example, _ = generate_one(doc_seed(args.seed, index))
        # the licensee's own values (the preamble's company name, a page header's number) are
        # no standard wording: masked, no pair is made with them
        masked = list(text)
        for start, end, _ in example.entities:
            masked[start:end] = [VALUE_MASK] * (end - start)
        masked_text = "".join(masked)
        pairs = {pair for start, end in Layout.of(text).clause_text()
                 for pair in character_pairs(masked_text[start:end]) if VALUE_MASK not in pair}
        licences.update(pairs)
    kept = sorted(pair for pair, count in licences.items() if count >= args.min_licences)
    data = {
        "_comment": "Character pairs of the 特别规定事项's standard wording (licex.text.reading). Written by "
                    "training/clause_bigrams.py; do not edit by hand.",
        "built_from": {"licences": args.n, "seed": args.seed, "min_licences": args.min_licences},
        "pairs": "".join(kept),
    }
    atomic_write_text(args.output, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    print(f"{args.output}: {len(kept)} character pairs of {args.n} generated licences")


if __name__ == "__main__":
    main()
