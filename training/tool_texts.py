"""Run the tools users run before licex over rendered licences, and keep what they emit.

For each `OUT/text-layer/NAME.pdf` that `licex render` wrote, writes `TOOLS/<tool>/NAME.txt`:

- `pdftotext` and `pdftotext-layout` (poppler-utils: `apt-get install poppler-utils`);
- `pypdfium2`: the PDF's plain text as pypdfium2 gives it, pages joined by form feeds;
- `tesseract`: Tesseract with chi_sim on the scanned PDF's pages at 200 dpi
  (`apt-get install tesseract-ocr tesseract-ocr-chi-sim`); several seconds a page.

Then score each tool's texts against the gold records:

    python training/tool_texts.py RENDERED TOOLS --tools pdftotext,pdftotext-layout,pypdfium2
    licex extract TOOLS/pdftotext --rules-only -o /tmp/p.jsonl
    licex evaluate --gold RENDERED/records /tmp/p.jsonl

A text already written is kept, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

TOOLS = ("pdftotext", "pdftotext-layout", "pypdfium2", "tesseract")


def tool_text(tool: str, pdf: Path, scanned: Path) -> str:
    """What `tool` emits for the licence typeset as `pdf` (or, for OCR, scanned as `scanned`)."""
    import pypdfium2 as pdfium

    if tool in ("pdftotext", "pdftotext-layout"):
        layout = ["-layout"] if tool == "pdftotext-layout" else []
        return subprocess.run(["pdftotext", *layout, "-enc", "UTF-8", str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
    if tool == "pypdfium2":
        document = pdfium.PdfDocument(str(pdf))
        return "\f".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    if tool == "tesseract":
        document = pdfium.PdfDocument(str(scanned))
        pages = []
        with tempfile.TemporaryDirectory() as folder:
            for i in range(len(document)):
                image = Path(folder) / f"{i}.png"
                document[i].render(scale=200 / 72).to_pil().save(image)
                pages.append(subprocess.run(["tesseract", str(image), "-", "-l", "chi_sim"],
                                            capture_output=True, text=True, check=True).stdout)
        return "\f".join(pages)
    raise ValueError(f"unknown tool {tool!r}; known: {', '.join(TOOLS)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rendered", type=Path, help="what licex render wrote (text-layer/, scanned/)")
    parser.add_argument("out", type=Path, help="where to write TOOL/NAME.txt")
    parser.add_argument("--tools", default="pdftotext,pdftotext-layout,pypdfium2")
    args = parser.parse_args()
    for pdf in sorted((args.rendered / "text-layer").glob("*.pdf")):
        for tool in args.tools.split(","):
            target = args.out / tool / f"{pdf.stem}.txt"
            if target.exists():
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            text = tool_text(tool, pdf, args.rendered / "scanned" / pdf.name)
            partial = target.with_suffix(".partial")
            partial.write_text(text, "utf-8")
            partial.replace(target)
        print(pdf.stem, flush=True)


if __name__ == "__main__":
    main()
