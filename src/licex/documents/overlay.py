"""Overlay text is not licence text: the lines OCR reads off a watermark or a stamp laid over the page
are dropped before the page's glyphs are made, and their words cut out of the lines they run into.

What OCR gives decides (data/overlay.json), never what the words say:
- **the angle** of a line's box: a watermark is printed across the page at an angle, the licence's
  lines run level (within the page's own skew, measured on the level lines alone);
- **the shape** of a line's box: a seal's words, on their arc or condensed in its middle, sit in a
  box far narrower than the same characters printed level;
- **repetition with another height**: a tiled watermark or a stamp printed level repeats the same
  words, at a height of its own, several times on one page;
- **its words inside a level line**: where a tiled watermark crosses a line of the licence, OCR
  reads the two as one line (`人民币壹佰万元仅供有卡啦网站展示使用`); a run of the repeated overlay's
  words there is cut, and a level line that is only a piece of them (`展示使用`) is dropped.
"""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter
from functools import lru_cache
from importlib import resources

from licex.documents.geometry import nominal_width

# A line as OCR read it: its quadrilateral, its text and the score it was read with.
Line = tuple[list[tuple[float, float]], str, float]


@lru_cache(maxsize=1)
def _settings() -> dict:
    return json.loads(resources.files("licex").joinpath("data/overlay.json").read_text("utf-8"))


def angle(quad) -> float:
    """The angle (degrees) of a line box's top edge."""
    (x0, y0), (x1, y1) = quad[0], quad[1]
    return math.degrees(math.atan2(y1 - y0, x1 - x0))


def height(quad) -> float:
    return math.dist(quad[0], quad[3])


def without_overlays(lines: list[Line]) -> list[Line]:
    """The page's lines less those of an overlay, and less the overlay's words where they ran into
    a licence line; a page with no overlay comes back as it was."""
    settings = _settings()
    skew = _level_skew(lines, settings)
    tilted = {i for i, (quad, text, _) in enumerate(lines) if _tilted(quad, text, skew, settings)}
    misshapen = {i for i, (quad, text, _) in enumerate(lines) if _misshapen(quad, text, settings)}
    overlay = tilted | misshapen | _repeated(lines, tilted | misshapen, settings)
    if not overlay:
        return lines
    # Only a watermark across the page runs into the licence's lines; a level stamp's words
    # (此证有效期内…) may be the licence's own (有效期至).
    words = _repeated_words([lines[i][1].strip() for i in tilted], settings["shortest_cut"])
    kept = []
    for i, (quad, text, score) in enumerate(lines):
        if i in overlay or _fragment(text.strip(), words):
            continue
        text = _cut(text, words, settings["shortest_cut"], settings["shortest_latin_cut"])
        if text.strip():
            kept.append((quad, text, score))
    return kept


def _level_skew(lines: list[Line], settings: dict) -> float:
    """The page's skew, the median angle of the lines of several characters within `max_skew`
    degrees of level (a watermark's lines left out, however many)."""
    angles = [angle(quad) for quad, text, _ in lines
              if len(text.strip()) >= settings["shortest_line"] and abs(angle(quad)) <= settings["max_skew"]]
    return statistics.median(angles) if angles else 0.0


def _tilted(quad, text: str, skew: float, settings: dict) -> bool:
    """Whether a line of at least two characters, its box wider than high, runs at more than
    `max_tilt` degrees to the page's level lines (`skew`)."""
    if len(text.strip()) < 2 or math.dist(quad[0], quad[1]) <= height(quad):
        return False
    return abs(angle(quad) - skew) > settings["max_tilt"]


def _misshapen(quad, text: str, settings: dict) -> bool:
    """Whether a line of at least two characters sits in a box far narrower than its characters
    printed level at its height would fill (under `narrowest_line` of it): a seal's words on their
    arc or condensed in its middle (`管理局` in a box taller than wide)."""
    if len(text.strip()) < 2:
        return False
    printed = height(quad) * sum(nominal_width(ch) for ch in text.strip())
    return math.dist(quad[0], quad[1]) < settings["narrowest_line"] * printed


def _repeated(lines: list[Line], overlay: set[int], settings: dict) -> set[int]:
    """Lines whose words the page prints `min_repeats` times or more, of `shortest_repeat`
    characters or more, each at a height that differs from the page's median line height by more
    than `height_ratio`: a level watermark or a stamp repeated over the page."""
    heights = [height(quad) for i, (quad, _, _) in enumerate(lines) if i not in overlay]
    if not heights:
        return set()
    body = statistics.median(heights)
    ratio = settings["height_ratio"]
    texts = Counter(text.strip() for _, text, _ in lines)
    found = set()
    for i, (quad, text, _) in enumerate(lines):
        text = text.strip()
        if (len(text) >= settings["shortest_repeat"] and texts[text] >= settings["min_repeats"]
                and abs(height(quad) / body - 1) > ratio):
            found.add(i)
    return found


def _repeated_words(texts: list[str], shortest: int) -> list[str]:
    """The overlay lines whose words the overlay repeats: those sharing a run of `shortest`
    characters with another overlay line (a tiled watermark). A seal's ring of words is read once:
    its words stay where the licence prints them too (`中华人民共和国`)."""
    pieces = Counter(piece for text in texts for piece in {text[i:i + shortest] for i in range(len(text) - shortest + 1)})
    return [text for text in texts if any(pieces[text[i:i + shortest]] >= 2 for i in range(len(text) - shortest + 1))]


def _fragment(text: str, words: list[str]) -> bool:
    """Whether a whole line is a piece of the overlay's words (`展示使用`, `有`)."""
    return bool(text) and any(text in word for word in words)


def _cut(text: str, words: list[str], shortest: int, shortest_latin: int) -> str:
    """The line with every run that an overlay line printed cut out, the longest runs first: a
    run of `shortest` characters or more holding a Chinese one, or of `shortest_latin` or more of
    Latin letters, digits and signs alone (a watermark's `www.0n2.com` and a website's
    `abc.com` share `.com`, which stays)."""
    i, out = 0, []
    while i < len(text):
        run = _longest_run(text, i, words)
        piece = text[i:i + run]
        if run >= (shortest if any(not ch.isascii() for ch in piece) else shortest_latin):
            i += run
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _longest_run(text: str, start: int, words: list[str]) -> int:
    """The length of the longest piece of an overlay word that `text` holds from `start`."""
    best = 0
    for end in range(start + 1, len(text) + 1):
        piece = text[start:end]
        if any(piece in word for word in words):
            best = end - start
        else:
            break
    return best
