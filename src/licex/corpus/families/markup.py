"""The template sets of the producer families: small elements, one string.Template each.

A markup's templates live in one file, `data/family_templates/certificate.<markup>`, each
element under a comment line that names it (`<!--@row-->`). Every markup names the same
elements, so the composer (`sheet`) writes any of them without knowing which it writes; an
element a markup has no use for is empty there (an HTML table declares no columns).
Parameters named `text` are escaped as the markup needs (XML's entities for html and fodt, a
backslash before Typst's markup characters for typ); every other parameter is markup already.
"""

from __future__ import annotations

import html
import re
from functools import cache
from importlib import resources
from string import Template
from typing import Any

MARKUPS = ("html", "fodt", "typ")
_SECTION_RE = re.compile(r"^<!--@(\w+)-->\n", re.M)
# Typst markup gives meaning to ASCII punctuation (# $ * _ ` < > @ [ ] \ / - = + ~ ' " . :, smart
# quotes and dashes among them); a backslash before any character but a space or `u{` is that
# character itself, so every ASCII punctuation mark is escaped.
_TYPST_SPECIAL_RE = re.compile(r"([!-/:-@\[-`{-~])")


def escape(markup: str, text: str) -> str:
    """`text` as a literal in `markup`."""
    if markup == "typ":
        return _TYPST_SPECIAL_RE.sub(r"\\\1", " ".join(text.split()))
    return html.escape(text, quote=False)


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
    """Writes the elements of one markup; `text` parameters are escaped (`escape`)."""

    def __init__(self, markup: str) -> None:
        self.name = markup
        self.templates = templates(markup)

    def __call__(self, element: str, **params: Any) -> str:
        if "text" in params:
            params["text"] = escape(self.name, str(params["text"]))
        return self.templates[element].substitute(params)

    def paragraphs(self, lines: list[str], element: str = "para") -> str:
        return "".join(self(element, text=line) for line in lines)
