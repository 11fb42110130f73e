"""The registry of layout cases and of the parts of a licence document.

A layout case is a way real licence texts are laid out or damaged (a markdown heading, a table
flattened into cells, OCR spaces in a value, a page printed twice...). Each is registered under its
tag by the function that renders it (`@layout_case("fullwidth")`); a document's annotation meta
lists the tags its text shows, and the generator refuses a tag no function registered, so the list
of cases (`layout_tags()`) is the registry and nothing else.

A document part is one step of `Renderer.render`, called in registration order (`@document_part`):
the front page, the attachment pages, the 特别规定事项, the inspection pages. A new part registered
after them is rendered at the end of every licence; each part decides itself whether a licence has
it. Adding a layout case is one registered function (and its test).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# tag -> the function that renders the case (its docstring says what the case is)
LAYOUT_CASES: dict[str, Callable[..., Any]] = {}
# name -> a part of the document, in rendering order; called with the renderer
DOCUMENT_PARTS: dict[str, Callable[..., Any]] = {}


def layout_case(tag: str) -> Callable[[F], F]:
    """Register the decorated function as the renderer of layout case `tag`."""
    return _registrar(LAYOUT_CASES, "layout case", tag)


def document_part(name: str) -> Callable[[F], F]:
    """Register the decorated function as the next part of every licence document."""
    return _registrar(DOCUMENT_PARTS, "document part", name)


def _registrar(registry: dict[str, Callable[..., Any]], kind: str, name: str) -> Callable[[F], F]:
    def register(function: F) -> F:
        if name in registry:
            raise ValueError(f"{kind} {name!r} is registered twice")
        registry[name] = function
        return function

    return register


def layout_tags() -> tuple[str, ...]:
    """Every layout case the generator knows, in registration order."""
    return tuple(LAYOUT_CASES)


def check_tag(tag: str) -> None:
    if tag not in LAYOUT_CASES:
        raise ValueError(f"layout tag {tag!r} is no registered layout case (licex.corpus.synth.cases)")
