"""A doccano project as licex sets it up and expects it: the label scheme as span types (a colour
each, the definitions in the guideline, since doccano's span types have no description), and the
checks of an existing project's type, settings and labels."""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from typing import Any

from licex.fields.labels import CLAUSE_LABELS, ENTITY_LABELS
from licex.doccano.client import DoccanoClient
from licex.doccano.http import DoccanoError, said

SCHEME_LABELS: tuple[str, ...] = (*ENTITY_LABELS, *CLAUSE_LABELS)
EXTRA_LABELS_SHOWN = 20  # labels of a project that are not in the scheme, named in a message


def label_colours() -> dict[str, str]:
    """A distinct background colour per label: entities in strong hues, clauses in lighter ones."""
    colours: dict[str, str] = {}
    for names, lightness, saturation in ((list(ENTITY_LABELS), 0.45, 0.75), (list(CLAUSE_LABELS), 0.72, 0.55)):
        for i, name in enumerate(names):
            hue = (i * 0.618033988749895) % 1.0  # golden-ratio steps spread hues evenly
            r, g, b = colorsys.hls_to_rgb(hue, lightness, saturation)
            colour = "#{:02x}{:02x}{:02x}".format(round(r * 255), round(g * 255), round(b * 255))
            while colour in colours.values():  # never two labels with one colour
                colour = "#{:06x}".format((int(colour[1:], 16) + 0x010101) % 0x1000000)
            colours[name] = colour
    return colours


def span_colours() -> dict[str, tuple[str, str]]:
    """Each label of the scheme with its background colour and the text colour that reads on it."""
    return {name: (background, _text_colour(background)) for name, background in label_colours().items()}


def _text_colour(background: str) -> str:
    r, g, b = (int(background[i:i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def label_guideline() -> str:
    """The project guideline: every label with its definition (doccano span types carry none)."""
    lines = ["# licex annotation guideline", "",
             "Mark field values as entities and every clause of 特别规定事项 with a clause label. "
             "A clause may contain an entity (a page-header licence number): spans may overlap "
             "across the two kinds, never within one. The full guide is corpus/README.md of licex.", "",
             "## Where to look first", "",
             "Each example's metadata lists under `needs_review` the fields the pre-annotating model "
             "could not trust, each with its reason (`license_no: the pages print different numbers`, "
             "`expiry_date: not found: every licence prints it`). Check those fields first: their "
             "spans are the likeliest to be wrong or missing. Pushed with `--order uncertainty`, the "
             "licences that need the most review come first.", "",
             "## Entities", "", "| label | field | what to mark |", "|---|---|---|"]
    lines += [f"| {e.name} | {e.field} | {e.definition} |" for e in ENTITY_LABELS.values()]
    lines += ["", "## Clauses", "", "| label | obligation |", "|---|---|"]
    lines += [f"| {name} | {definition} |" for name, definition in CLAUSE_LABELS.items()]
    return "\n".join(lines) + "\n"


def label_differences(names: Sequence[str]) -> str | None:
    """What differs between a project's labels and the scheme, or None when they are the same.
    The labels licex does not know are a server's: the first EXTRA_LABELS_SHOWN are quoted as
    `said` quotes, and the rest counted."""
    extra = sorted(n for n in names if n not in SCHEME_LABELS)
    missing = [n for n in SCHEME_LABELS if n not in names]
    if not extra and not missing:
        return None
    parts = []
    if extra:
        more = len(extra) - EXTRA_LABELS_SHOWN
        parts.append("not in licex's scheme: " + ", ".join(said(n, 60) for n in extra[:EXTRA_LABELS_SHOWN])
                     + (f" and {more} more" if more > 0 else ""))
    if missing:
        parts.append("missing: " + ", ".join(missing))
    return "; ".join(parts)


def check_type(project: dict[str, Any], name: str) -> None:
    if project.get("project_type") != "SequenceLabeling":
        raise DoccanoError(f"doccano project {name!r} is a {said(project.get('project_type'), 60)} project, "
                           "not sequence labelling")


def check_project(client: DoccanoClient, project: dict[str, Any], for_push: bool) -> dict[str, int]:
    """The project's span types, after checking its type, settings and labels against the scheme."""
    name = project["name"]
    check_type(project, name)
    if not project.get("collaborative_annotation"):
        raise DoccanoError(f"doccano project {name!r} does not share annotations among users: turn on "
                           "'Share annotations across all users' in its settings (licex reads one shared set)")
    if for_push and not project.get("allow_overlapping"):
        raise DoccanoError(f"doccano project {name!r} does not allow overlapping spans: turn on 'Allow overlapping "
                           "spans' in its settings (a clause may contain a licence number)")
    types = client.span_types(project["id"])
    if for_push and not types:
        return types  # a project made in the web UI without labels: push adds them
    problem = label_differences(list(types))
    if problem:
        raise DoccanoError(f"the labels of doccano project {name!r} differ from licex's scheme ({problem}); "
                           "make them equal in doccano or change src/licex/fields/labels.py")
    return types
