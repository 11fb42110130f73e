"""Measure which enlargement reads a small page image best, at each size (src/licex/data/ocr_enlargement.json).

Licence pages printed by licex's producers (`python training/family_corpus.py --documents DIR`)
are rendered by PDFium, shrunk to a thumbnail's width (200-600 pixels, as companies post them:
Lanczos, then JPEG at quality 70) and read by licex's OCR at each enlargement. A reading scores
the share of the page's text-layer characters it gives back (rapidfuzz's normalised Indel
similarity of the two texts, whitespace removed). For each width the best scale on average wins;
a scale is kept only where it reads better than the one below it by more than MIN_GAIN.

    python training/ocr_enlargement.py DIR/fpdf2/text-layer DIR/chromium-cert/text-layer [--write]

The real licence images are never read here: they measure, they do not tune.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
from pathlib import Path

WIDTHS = (180, 220, 260, 300, 400, 500)
SCALES = (1.0, 1.5, 2.0, 3.0)
MIN_GAIN = 0.01
TABLE = Path(__file__).resolve().parents[1] / "src/licex/data/ocr_enlargement.json"


def page_and_text(pdf: Path):
    """The first page of a PDF rendered at 1,600 pixels wide, and its text layer's characters."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    page = document[0]
    text = "".join(page.get_textpage().get_text_range().split())
    image = page.render(scale=1600 / page.get_width()).to_pil().convert("RGB")
    return image, text


def thumbnail(image, width: int):
    from PIL import Image

    small = image.resize((width, round(image.height * width / image.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=70)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def score(image, text: str, scale: float) -> float:
    from rapidfuzz.distance import Indel

    from licex.documents.ocr import _lines

    read = "".join("".join(line for _, line, _ in _lines(image, 0, scale)).split())
    return Indel.normalized_similarity(read, text)


def measure(pdfs: list[Path]) -> dict[int, dict[float, float]]:
    scores: dict[int, dict[float, list[float]]] = {w: {s: [] for s in SCALES} for w in WIDTHS}
    for pdf in pdfs:
        page, text = page_and_text(pdf)
        for width in WIDTHS:
            small = thumbnail(page, width)
            for scale in SCALES:
                scores[width][scale].append(score(small, text, scale))
            print(pdf.name, width, {s: round(v[-1], 3) for s, v in scores[width].items()}, flush=True)
    return {w: {s: statistics.mean(v) for s, v in by_scale.items()} for w, by_scale in scores.items()}


def table(means: dict[int, dict[float, float]]) -> list[dict]:
    """A row per measured width: the scale that reads best there (the smaller where the gain is below
    MIN_GAIN), applied below the midpoint to the next measured width."""
    rows = []
    widths = sorted(means)
    for i, width in enumerate(widths):
        best = 1.0
        for scale in sorted(means[width]):
            if means[width][scale] > means[width][best] + MIN_GAIN:
                best = scale
        below = (width + widths[i + 1]) // 2 if i + 1 < len(widths) else width + 100
        rows.append({"below": below, "scale": best, "measured_at": width,
                     "read": {str(s): round(v, 3) for s, v in sorted(means[width].items())}})
    while rows and rows[-1]["scale"] == 1.0:
        rows.pop()  # a width read best as it is needs no row
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path, help="folders of licence PDFs with a text layer")
    parser.add_argument("--per-folder", type=int, default=2)
    parser.add_argument("--write", action="store_true", help=f"write the table into {TABLE}")
    args = parser.parse_args()
    pdfs = [pdf for folder in args.folders for pdf in sorted(folder.glob("*.pdf"))[:args.per_folder]]
    rows = table(measure(pdfs))
    print(json.dumps(rows, indent=1))
    if args.write:
        data = json.loads(TABLE.read_text("utf-8"))
        data["sizes"] = rows
        data["measured_on"] = sorted({f"{pdf.parent.parent.name}/{pdf.name}" for pdf in pdfs})
        TABLE.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8")


if __name__ == "__main__":
    main()
