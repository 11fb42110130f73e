"""Run the tools users run before licex over licences that `licex render` typeset, and keep
what they emit (for a rendered folder, e.g. the real licences; generated licences go through
`licex synth --tools`, which also aligns their gold).

For each `RENDERED/text-layer/NAME.pdf`, writes `TOOLS/<tool>/NAME.txt` for every tool of
`licex.corpus.tools` asked for (OCR tools read `RENDERED/scanned/NAME.pdf`'s pages, or for
`tesseract-clean` the text-layer PDF's pages rendered clean). Then, per tool:

    python training/tool_texts.py RENDERED TOOLS --tools pdftotext,pdftotext-layout,pypdfium2
    licex extract TOOLS/pdftotext --rules-only -o /tmp/p.jsonl
    licex evaluate --gold RENDERED/records /tmp/p.jsonl

A text already written is kept, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from licex.corpus.tools import SCAN, TEXT_LAYER, clean_pages, get_tool, page_images
from licex.files.outputs import atomic_write_text


def scanned_pages(pdf: Path) -> list[bytes]:
    """The page images of a scanned PDF, rendered at the resolution it was scanned at."""
    from licex.corpus.scan import damage_ranges

    return page_images(pdf.read_bytes(), damage_ranges()["dpi"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rendered", type=Path, help="what licex render wrote (text-layer/, scanned/)")
    parser.add_argument("out", type=Path, help="where to write TOOL/NAME.txt")
    parser.add_argument("--tools", default="pdftotext,pdftotext-layout,pypdfium2")
    args = parser.parse_args()
    tools = [get_tool(name) for name in args.tools.split(",")]
    for tool in tools:
        tool.check()
    for pdf in sorted((args.rendered / "text-layer").glob("*.pdf")):
        for tool in tools:
            target = args.out / tool.name / f"{pdf.stem}.txt"
            if target.exists():
                continue
            if tool.reads == TEXT_LAYER:
                source = pdf.read_bytes()
            elif tool.reads == SCAN:
                source = scanned_pages(args.rendered / "scanned" / pdf.name)
            else:  # CLEAN_PAGES
                source = clean_pages(pdf.read_bytes())
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(target, tool.run(source))
        print(pdf.stem, flush=True)


if __name__ == "__main__":
    main()
