"""The limits of what licex reads (data/limits.json): each far above any real licence, so that an
input beyond one (a decompression bomb, an endless stream, a page of a billion pixels) is refused
in one line naming the file, and the rest of the batch goes on.

Every reader checks its own limit here, by name; docs/documents.md states them from the same
file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Limit:
    name: str
    value: int
    about: str


def _load() -> dict[str, Limit]:
    data = json.loads(resources.files("licex").joinpath("data/limits.json").read_text("utf-8"))
    return {name: Limit(name, entry["value"], entry["about"]) for name, entry in data.items() if not name.startswith("_")}


LIMITS = _load()
TEXT_BYTES = LIMITS["text_bytes"].value
LICENCE_CHARS = LIMITS["licence_chars"].value
ANNOTATION_CHARS = LIMITS["annotation_chars"].value
DOCUMENT_BYTES = LIMITS["document_bytes"].value
DOCUMENT_PAGES = LIMITS["document_pages"].value
PAGE_POINTS = LIMITS["page_points"].value
IMAGE_PIXELS = LIMITS["image_pixels"].value
RENDER_PIXELS = LIMITS["render_pixels"].value
EXPORT_BYTES = LIMITS["export_bytes"].value
PDFIUM_BYTES = LIMITS["pdfium_bytes"].value
PAGE_SECONDS = LIMITS["page_seconds"].value


def size(count: int, unit: str = "bytes") -> str:
    """A count as messages give it: `67,108,864 bytes`, `120,000,000 pixels`."""
    return f"{count:,} {unit}"


def too_large(limit: int, limit_name: str, found: int | None = None) -> str:
    """The cause of a refusal for bytes beyond a limit, as every reader words it (`found` None:
    more than the limit was read before the end)."""
    seen = size(found) if found is not None else f"more than {size(limit)}"
    return f"too large: {seen}, licex reads at most {size(limit)} ({limit_name}); split it"
