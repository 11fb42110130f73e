"""One document's style, drawn from its family's distributions (data/families.json).

The style is two things: the layout choices the composer makes (`Style`: where the dates go,
how the business label wraps) and the template parameters (fonts, sizes, borders, widths) the
markup's `document` element takes. Nothing here knows a markup but its units: HTML borders are
CSS, flat ODT borders are XSL-FO, both `<width> <style> <colour>`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

from licex.corpus.synth.data import Knobs, knobs

_A4_WIDTH_MM, _A4_HEIGHT_MM = 210, 297
_MM_PER_PT = 0.3528  # flat ODT takes letter spacing in lengths, CSS in em


def family_config(family: str) -> Knobs:
    families = knobs("families.json")["families"]
    if family not in families:
        raise ValueError(f"unknown producer family {family!r}; known: {', '.join(families)}")
    return families[family]


def family_names() -> tuple[str, ...]:
    return tuple(knobs("families.json")["families"])


def draw_range(config: Knobs, key: str, rng: random.Random) -> float | int:
    """A value of the range [low, high] under `key`: an integer if both ends are, else one decimal."""
    low, high = config[key]
    if isinstance(low, int) and isinstance(high, int):
        return rng.randint(low, high)
    return round(rng.uniform(low, high), 1)


@dataclass
class Style:
    header_layout: str  # two_column | paired | lines
    business_label: str  # wrapped | one_line | split_rows
    coverage_in_business_cell: bool
    signature_layout: str  # stacked | beside | dates_in_table
    label_spacing: str  # none | spaces | letter_spacing
    attachment_new_page: bool
    params: dict[str, Any]  # the `document` element's parameters


def draw_style(family: str, rng: random.Random) -> Style:
    c = family_config(family)
    margin = draw_range(c, "page_margin_mm", rng)
    padding = draw_range(c, "frame_padding_mm", rng)
    border_kind = c.weighted("page_border", rng)
    border_width = draw_range(c, "border_width_pt", rng)
    colour = c.pick("border_colours", rng)
    content_width = _A4_WIDTH_MM - 2 * margin - 2 * padding - 4
    label_width = draw_range(c, "label_width_mm", rng)
    label_spacing = c.weighted("label_spacing", rng)
    font_size = draw_range(c, "font_size_pt", rng)
    leading = draw_range(c, "leading", rng)
    title_spacing = draw_range(c, "title_spacing_em", rng)
    seal = draw_range(c, "seal_diameter_mm", rng)
    spacing = c["letter_spacing_em"] if label_spacing == "letter_spacing" else 0
    params = {
        "font": c.pick("fonts", rng), "signature_font": c.pick("signature_fonts", rng),
        "font_size": font_size, "leading": leading, "leading_percent": int(leading * 100),
        "title_size": draw_range(c, "title_size_pt", rng), "title_spacing": title_spacing,
        "title_spacing_mm": round(title_spacing * font_size * _MM_PER_PT, 1), "heading_size": round(font_size + 3, 1),
        "signature_size": draw_range(c, "signature_size_pt", rng), "signature_align": c.pick("signature_align", rng),
        "page_margin": margin, "frame_padding": padding,
        "page_height": _A4_HEIGHT_MM - 2 * margin - 1, "inner_height": _A4_HEIGHT_MM - 2 * margin - 2 * padding - 8,
        "page_border": "none" if border_kind == "none" else f"{border_width}pt {border_kind} {colour}",
        # A thin inner rule inside a double frame, as printed certificates have.
        "inner_border": f"0.6pt solid {colour}" if border_kind == "double" and rng.random() < 0.5 else "none",
        "inner_padding": 3,
        "cell_border": "0.6pt solid #222222" if c.weighted("cell_border", rng) == "solid" else "none",
        "cell_padding": draw_range(c, "cell_padding_mm", rng),
        "content_width": content_width, "label_width": label_width,
        "value_width": round(content_width - label_width, 1),
        "paired_value_width": round((content_width - 2 * label_width) / 2, 1),
        "label_align": c.pick("label_align", rng),
        "label_letter_spacing": spacing,
        "label_letter_spacing_mm": round(spacing * font_size * _MM_PER_PT, 1),
        "number_align": rng.choice(("left", "right", "center")),
        "seal_colour": c.pick("seal_colours", rng), "seal_diameter": seal,
        "seal_right": rng.randint(10, 40), "seal_bottom": rng.randint(15, 60),
    }
    if params["number_align"] == "left" and family_config(family)["markup"] == "fodt":
        params["number_align"] = "start"
    return Style(
        header_layout=c.weighted("header_layout", rng), business_label=c.weighted("business_label", rng),
        coverage_in_business_cell=c.chance("coverage_in_business_cell", rng),
        signature_layout=c.weighted("signature_layout", rng), label_spacing=label_spacing,
        attachment_new_page=c.chance("attachment_new_page", rng), params=params)


def star_points(size: float = 100, inner: float = 0.4) -> str:
    """The points of a five-pointed star in a `size` square, as SVG and ODF polygons take them."""
    centre, outer_r = size / 2, size * 0.22
    points = []
    for k in range(10):
        radius = outer_r if k % 2 == 0 else outer_r * inner
        angle = math.radians(-90 + 36 * k)
        points.append(f"{centre + radius * math.cos(angle):.1f},{centre + radius * math.sin(angle):.1f}")
    return " ".join(points)
