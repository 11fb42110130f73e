"""The template sets of the producer families: small elements, one string.Template each.

A markup's templates live in one file, `data/family_templates/certificate.<markup>`, each
element under a comment line that names it (`<!--@row-->`). Every markup names the same
elements, so the composer (`sheet`) writes any of them without knowing which it writes; an
element a markup has no use for is empty there (an HTML table declares no columns).
Parameters named `text` are escaped; every other parameter is markup already.
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib import resources
from string import Template
from typing import Any

MARKUPS = ("html", "fodt")
_SECTION_RE = re.compile(r"^<!--@(\w+)-->\n", re.M)


@cache
def templates(markup: str) -> dict[str, Template]:
    """The elements of `markup` by name."""
    if markup not in MARKUPS:
        raise ValueError(f"unknown markup {markup!r}; known: {', '.join(MARKUPS)}")
    text = resources.files("licex.corpus").joinpath("data", "family_templates", f"certificate.{markup}").read_text(
        "utf-8")
    parts = _SECTION_RE.split(text)[1:]  # the file's own comment comes before the first element
    return {name: Template(body.rstrip("\n")) for name, body in zip(parts[::2], parts[1::2])}


class Markup:
    """Writes the elements of one markup; `text` parameters are escaped (XML and HTML alike)."""

    def __init__(self, markup: str) -> None:
        self.name = markup
        self.templates = templates(markup)

    def __call__(self, element: str, **params: Any) -> str:
        if "text" in params:
            params["text"] = html.escape(str(params["text"]), quote=False)
        return self.templates[element].substitute(params)

    def paragraphs(self, lines: list[str], element: str = "para") -> str:
        return "".join(self(element, text=line) for line in lines)
