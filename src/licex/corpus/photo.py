"""Licences as companies post them: the pages of a printed licence as website photos.

Due-diligence teams collect licences from the companies' own websites: colour photos and scans,
shrunk to thumbnails, saved as low-quality JPEG, framed, watermarked with the poster's own words
and web address, stamped over, the front page and the 附页 as separate files or stacked into one
tall image. `photo_files` makes those files of a printed licence; every effect and its range
lives in `data/photo_damage.json`, drawn per licence from its seed. The watermarks and stamps say
only what a poster writes (never a value of the licence), so a value read with their characters,
or a domain taken from them, is the reader's error.
"""

from __future__ import annotations

import io
import math
import random
from typing import TYPE_CHECKING, Any

from licex.corpus.scan import effect_ranges, rendered_pages

if TYPE_CHECKING:
    from PIL.Image import Image


def photo_ranges() -> dict[str, Any]:
    return effect_ranges("photo_damage.json")


def photo_files(pdf: bytes, seed: int) -> list[bytes]:
    """The pages of `pdf` as a website posts them: JPEG files, one a page or one tall image of
    them all, reproducibly for `seed`."""
    ranges = photo_ranges()
    rng = random.Random(seed)
    pages = [page.convert("RGB") for page in rendered_pages(pdf, ranges["render_dpi"])]
    style = _draw(rng, ranges)
    photos = [photograph(page, style, random.Random(rng.randrange(2**32)), ranges) for page in pages]
    if len(photos) > 1 and style["stacked"]:
        photos = [_stack(photos, style["backdrop"])]
    return [_jpeg(photo, style["quality"]) for photo in photos]


def _draw(rng: random.Random, r: dict[str, Any]) -> dict[str, Any]:
    """One poster's habits: every page of a licence is posted alike."""
    domain = rng.choice(r["watermark_domains"])
    return {
        "width": rng.randint(*r["width_px"]), "quality": rng.randint(*r["jpeg_quality"]),
        "tint": tuple(rng.choice(r["paper_tint"])), "falloff": rng.uniform(*r["light_falloff"]),
        "perspective": rng.random() < r["perspective"], "backdrop": tuple(rng.choice(r["backdrop"])),
        "frame": rng.randint(*r["frame_px"]) if rng.random() < r["frame"] else 0,
        "frame_colour": tuple(rng.choice(r["frame_colours"])),
        "watermark": rng.choice(r["watermark_texts"]).format(domain=domain) if rng.random() < r["watermark"] else None,
        "stamp": rng.choice(r["stamp_texts"]) if rng.random() < r["stamp"] else None,
        "stacked": rng.random() < r["stacked"],
    }


def photograph(page: "Image", style: dict[str, Any], rng: random.Random, r: dict[str, Any]) -> "Image":
    """One page: tinted paper, uneven light, the overlays, a slight perspective, a frame, shrunk."""
    from PIL import Image

    image = _tinted(page, style["tint"], style["falloff"], rng)
    if style["watermark"]:
        image = _watermark(image, style["watermark"], rng, r)
    if style["stamp"]:
        image = _stamp(image, style["stamp"], rng, r)
    if style["perspective"]:
        image = _perspective(image, rng.uniform(*r["perspective_shift"]), style["backdrop"], rng)
    if style["frame"]:
        width = style["frame"] * image.width // max(style["width"], 1)
        framed = Image.new("RGB", (image.width + 2 * width, image.height + 2 * width), style["frame_colour"])
        framed.paste(image, (width, width))
        image = framed
    height = round(image.height * style["width"] / image.width)
    return image.resize((style["width"], height), Image.LANCZOS)


def _tinted(page: "Image", tint: tuple[int, int, int], falloff: float, rng: random.Random) -> "Image":
    """White paper in the tint, ink kept dark, darker away from a light's centre."""
    import numpy
    from PIL import Image

    pixels = numpy.asarray(page, dtype=numpy.float32) / 255.0
    coloured = pixels * numpy.array(tint, dtype=numpy.float32)
    height, width = pixels.shape[:2]
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.2, 0.8) * height
    ys, xs = numpy.mgrid[0:height, 0:width]
    distance = numpy.hypot(xs - cx, ys - cy) / math.hypot(width, height)
    light = 1.0 - falloff * numpy.clip(distance * 1.6, 0, 1)
    return Image.fromarray(numpy.clip(coloured * light[..., None], 0, 255).astype(numpy.uint8))


def _font(size_px: int):
    from PIL import ImageFont

    from licex.corpus.typeset import font_path

    return ImageFont.truetype(str(font_path()), size_px, index=2)  # the simplified-Chinese face


def _watermark(image: "Image", text: str, rng: random.Random, r: dict[str, Any]) -> "Image":
    """`text` repeated across the page at an angle, half transparent."""
    from PIL import Image, ImageDraw

    size = round(rng.uniform(*r["watermark_size_pt"]) * r["render_dpi"] / 72)
    colour = tuple(rng.choice(r["watermark_colours"]))
    alpha = round(255 * rng.uniform(*r["watermark_opacity"]))
    diagonal = math.ceil(math.hypot(image.width, image.height))
    layer = Image.new("RGBA", (diagonal, diagonal), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font(size)
    step_x, step_y = round(size * (len(text) * 0.7 + 4)), size * 6
    for row, y in enumerate(range(0, diagonal, step_y)):
        for x in range(-(row % 2) * step_x // 2, diagonal, step_x):
            draw.text((x, y), text, font=font, fill=(*colour, alpha))
    angle = rng.uniform(*r["watermark_angle"]) * rng.choice((-1, 1))
    layer = layer.rotate(angle, resample=Image.BICUBIC)
    left, top = (diagonal - image.width) // 2, (diagonal - image.height) // 2
    layer = layer.crop((left, top, left + image.width, top + image.height))
    return Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")


def _stamp(image: "Image", text: str, rng: random.Random, r: dict[str, Any]) -> "Image":
    """A round stamp saying `text`, pressed over the page at an angle."""
    from PIL import Image, ImageDraw

    diameter = round(image.width * rng.uniform(0.18, 0.28))
    layer = Image.new("RGBA", (diameter, diameter), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    colour = (*r["stamp_colour"], 190)
    draw.ellipse((2, 2, diameter - 3, diameter - 3), outline=colour, width=max(2, diameter // 30))
    font = _font(max(8, diameter // (len(text) + 2)))
    box = draw.textbbox((0, 0), text, font=font)
    draw.text(((diameter - box[2]) / 2, (diameter - box[3]) / 2), text, font=font, fill=colour)
    layer = layer.rotate(rng.uniform(-35, 35), resample=Image.BICUBIC)
    x = rng.randint(0, max(0, image.width - diameter))
    y = rng.randint(image.height // 5, max(image.height // 5, image.height - diameter))
    page = image.convert("RGBA")
    page.alpha_composite(layer, (x, y))
    return page.convert("RGB")


def _perspective(image: "Image", shift: float, backdrop: tuple[int, int, int], rng: random.Random) -> "Image":
    """The page photographed a little askew: each corner moved by up to `shift` of the page."""
    from PIL import Image

    width, height = image.size
    margin = round(max(width, height) * shift) + 1
    canvas = Image.new("RGB", (width + 2 * margin, height + 2 * margin), backdrop)
    canvas.paste(image, (margin, margin))
    corners = [(margin, margin), (margin + width, margin), (margin + width, margin + height), (margin, margin + height)]
    moved = [(x + rng.uniform(-1, 1) * margin * 0.9, y + rng.uniform(-1, 1) * margin * 0.9) for x, y in corners]
    coefficients = _perspective_coefficients(corners, moved)
    return canvas.transform(canvas.size, Image.PERSPECTIVE, coefficients, Image.BICUBIC, fillcolor=backdrop)


def _perspective_coefficients(target: list[tuple[float, float]], source: list[tuple[float, float]]) -> list[float]:
    """PIL's eight coefficients that map each `target` corner to its `source` corner."""
    import numpy

    rows = []
    for (x, y), (u, v) in zip(target, source):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    matrix = numpy.array(rows, dtype=numpy.float64)
    vector = numpy.array([c for point in source for c in point], dtype=numpy.float64)
    return numpy.linalg.solve(matrix, vector).tolist()


def _stack(photos: list["Image"], backdrop: tuple[int, int, int]) -> "Image":
    """The pages one under another, a gap between them, as one tall image."""
    from PIL import Image

    width = max(p.width for p in photos)
    gap = max(6, width // 40)
    tall = Image.new("RGB", (width, sum(p.height for p in photos) + gap * (len(photos) - 1)), backdrop)
    y = 0
    for photo in photos:
        tall.paste(photo, ((width - photo.width) // 2, y))
        y += photo.height + gap
    return tall


def _jpeg(image: "Image", quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
