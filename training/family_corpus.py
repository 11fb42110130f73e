"""Regenerate the producer-family corpora under corpus/generated/families/ (docs/families.md).

For each family (fpdf2, licex's own typesetting, and the families of
src/licex/corpus/data/families.json) the same licences of one seed are printed by the family's
producer and read by every tool, as `licex synth --tools ... --family F` does; the OCR tools read
the first few only (they take seconds a page). The same command gives the same texts: the
content, style and scan of each licence are functions of the seed.

    python training/family_corpus.py [--out corpus/generated/families] [--seed S] [-n 20] [--ocr-n 10] [--workers 2] [--families a,b]

A run that is stopped resumes where it stopped (each family folder has its manifest). Without
--seed, each family prints its own seed's licences (SEEDS): 29 for typst-gov, whose licences no
one had read in any family's texts, 26 for the others.

    python training/family_corpus.py --documents DIR [-n 5] [--families a,b]

writes the documents themselves instead (not committed): DIR/<family>/text-layer/NAME.pdf, the
scan DIR/<family>/scanned/NAME.pdf and the gold DIR/<family>/records/NAME.record.json, so that
`licex extract DIR/<family>/text-layer -o pred.jsonl` and `licex evaluate --gold
DIR/<family>/records pred.jsonl` score licex on them as a user runs it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from licex.corpus.families import family_names
from licex.corpus.scan import scan_pages, scanned_pdf
from licex.corpus.synth import doc_seed
from licex.corpus.tool_corpus import FPDF2, FactoryOptions, corpus_summary, gold_record, licence_name, \
    make_tool_corpus, print_document

TEXT_TOOLS = ("pdftotext", "pdftotext-layout", "pypdfium2", "licex-pdf")
OCR_TOOLS = ("tesseract-clean", "tesseract", "rapidocr", "licex-photo")
# The seed of a family's licences where it is not 26: a family held out from everything prints
# licences of its own, so that neither its producer nor its content was read before.
SEEDS = {"typst-gov": 29}


def family_seed(family: str, asked: int | None = None) -> int:
    """The seed of `family`'s licences: the one asked for, else its own (SEEDS), else 26."""
    return asked if asked is not None else SEEDS.get(family, 26)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("corpus/generated/families"))
    parser.add_argument("--seed", type=int, help="the licences' seed (default: each family's, SEEDS)")
    parser.add_argument("-n", type=int, default=20, help="licences per family read by the PDF-text tools")
    parser.add_argument("--ocr-n", type=int, default=10, help="the first licences of each family read by OCR")
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--families", default=",".join((FPDF2, *family_names())))
    parser.add_argument("--tools", default=",".join((*TEXT_TOOLS, *OCR_TOOLS)))
    parser.add_argument("--documents", type=Path, help="write the first -n licences' PDFs, scans and gold records here")
    args = parser.parse_args()
    tools = [t for t in args.tools.split(",") if t]
    if args.documents:
        for family in args.families.split(","):
            options = FactoryOptions(family_seed(family, args.seed), 0.0, args.batch_size, family)
            write_documents(args.documents / family, options, args.n)
        return
    for family in args.families.split(","):
        out = args.out / family
        options = FactoryOptions(family_seed(family, args.seed), 0.0, args.batch_size, family)
        text_tools = [t for t in tools if t in TEXT_TOOLS]
        ocr_tools = [t for t in tools if t in OCR_TOOLS]
        if text_tools:
            make_tool_corpus(out, args.n, text_tools, options, args.workers)
        if ocr_tools:
            make_tool_corpus(out, args.ocr_n, ocr_tools, options, args.workers)
        for tool, total in corpus_summary(out):
            print(f"{family}\t{tool}\t{total['count']} licences\t{total['values_missing']}/{total['values']} values "
                  f"and {total['clauses_missing']}/{total['clauses']} clauses not aligned", flush=True)


def write_documents(out: Path, options: FactoryOptions, n: int) -> None:
    """The text-layer PDF, its scan and the gold record of licences 0..n-1, as the corpus read them."""
    for folder in ("text-layer", "scanned", "records"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    for index in range(n):
        name = licence_name(options.seed, index)
        printed = print_document(options, index)
        (out / "text-layer" / f"{name}.pdf").write_bytes(printed.pdf)
        (out / "scanned" / f"{name}.pdf").write_bytes(scanned_pdf(scan_pages(printed.pdf, doc_seed(options.seed, index))))
        (out / "records" / f"{name}.record.json").write_text(
            json.dumps(gold_record(printed.record), ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"{out / 'text-layer' / name}.pdf", flush=True)


if __name__ == "__main__":
    main()
