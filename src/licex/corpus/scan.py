"""Scanning rendered licences: page images with the damage of a scanner, and scanned PDFs.

A typeset PDF is rendered page by page and each page is damaged as a scan of a paper licence
is: turned by a slight angle, blurred, on a grey background with sensor noise, JPEG-compressed.
The ranges of each effect live in `data/scan_damage.json`. `scanned_pdf` wraps the damaged
pages into a PDF without a text layer, as a scanner's PDF is.
"""

from __future__ import annotations

import io
import json
import random
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL.Image import Image


@lru_cache(maxsize=None)
def effect_ranges(name: str) -> dict[str, Any]:
    """The ranges of a data file of effects (data/scan_damage.json, data/photo_damage.json), its
    comments left out."""
    text = resources.files("licex.corpus").joinpath("data", name).read_text("utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def damage_ranges() -> dict[str, Any]:
    return effect_ranges("scan_damage.json")


def rendered_pages(pdf: bytes, dpi: float) -> list["Image"]:
    """The pages of `pdf` rendered at `dpi`, as PIL images."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].render(scale=dpi / 72).to_pil() for i in range(len(document))]
    finally:
        document.close()


def scan_pages(pdf: bytes, seed: int) -> list[bytes]:
    """The pages of `pdf` as damaged scans (greyscale JPEG files), reproducibly for `seed`."""
    ranges = damage_ranges()
    rng = random.Random(seed)
    return [damage(page, rng, ranges) for page in rendered_pages(pdf, ranges["dpi"])]


def damage(page: "Image", rng: random.Random, ranges: dict[str, Any]) -> bytes:
    """One page as a scanner would give it, as JPEG bytes."""
    import numpy
    from PIL import Image, ImageFilter

    grey = page.convert("L")
    background = rng.uniform(*ranges["background_grey"])
    # Paper is not white: map white to the background grey, keep black ink black.
    pixels = numpy.asarray(grey, dtype=numpy.float32) * (background / 255.0)
    pixels += numpy.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(*ranges["noise_sigma"]), pixels.shape)
    image = Image.fromarray(numpy.clip(pixels, 0, 255).astype(numpy.uint8))
    image = image.rotate(rng.uniform(*ranges["rotation_degrees"]), resample=Image.BICUBIC,
                         expand=False, fillcolor=int(background))
    radius = rng.uniform(*ranges["blur_radius"])
    if radius > 0.05:
        image = image.filter(ImageFilter.GaussianBlur(radius))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=rng.randint(*ranges["jpeg_quality"]))
    return buffer.getvalue()


def scanned_pdf(pages: list[bytes], dpi: int | None = None) -> bytes:
    """A PDF of page images (JPEG files, embedded as they are) and nothing else: no text layer."""
    from fpdf import FPDF
    from PIL import Image

    from licex.corpus.typeset import FIXED_DATE

    dpi = dpi or damage_ranges()["dpi"]
    pdf = FPDF(unit="pt")
    pdf.set_creation_date(FIXED_DATE)
    for jpeg in pages:
        with Image.open(io.BytesIO(jpeg)) as image:
            width, height = image.width * 72 / dpi, image.height * 72 / dpi
        pdf.add_page(format=(width, height))
        pdf.image(io.BytesIO(jpeg), x=0, y=0, w=width, h=height)
    return bytes(pdf.output())
