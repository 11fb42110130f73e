"""The doccano password, found in whatever spelling a server sends it back, so that licex shows
and writes it nowhere.

The login sends the password to the server, which may quote it anywhere in its answers: in an
error, a label, an example's text or metadata. licex looks for it in what it finally shows
(`scrub`) or writes (`found_in`), in any spelling:

- each character as it is or escaped: a JSON or Python escape (`\\"`, `\\u00e5`, `\\x41`, a
  surrogate pair), percent-encoded UTF-8 (`%E5` or `%e5`), an HTML entity (`&lt;`, `&#60;`,
  `&#x3c;`); a letter in either case (a URL's host name is lowercased);
- a run of whitespace as any run of whitespace (a message folds it) or a form's `+`;
- spellings within spellings (HTML-escaped JSON, as Django's debug page shows a request body):
  the text decoded up to three times over. A message that holds the password only there is
  withheld whole: which part of it to blank out is not known.

A message quotes a server through `http.said`, which folds whitespace and cuts at a
length: it blanks the password out (`mask`) before and after doing either, while `hiding` names
the password (for the length of a push, pull or status), so that neither a folded echo nor a cut
one (`Sup3r...`) shows any of it.
"""

from __future__ import annotations

import functools
import html
import html.entities
import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import unquote

MASK = "***"
WITHHELD = "(a message that quotes the doccano password in a spelling licex cannot blank out: not shown)"
DECODINGS = 3  # how many spellings deep a text is looked through
_SHORT_ESCAPES = {'"': '\\"', "'": "\\'", "\\": "\\\\", "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n",
                  "\r": "\\r", "\t": "\\t", "\v": "\\v", "\0": "\\0"}
_UNESCAPED = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "0": "\0"}
_BACKSLASH_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|(.))", re.DOTALL)

_hidden: ContextVar[str | None] = ContextVar("licex_doccano_password", default=None)


@contextmanager
def hiding(password: str) -> Iterator[None]:
    """Within this block, `mask()` without a password blanks out this one."""
    token = _hidden.set(password or None)
    try:
        yield
    finally:
        _hidden.reset(token)


def mask(text: str, password: str | None = None) -> str:
    """`text` with every spelling of the password (`hiding`'s, when none is given) as `***`."""
    password = password if password is not None else _hidden.get()
    return _pattern(password).sub(MASK, text) if password else text


def scrub(text: str, password: str, withheld: str = WITHHELD) -> str:
    """`text` fit to show: every spelling of the password blanked out; `withheld` instead when
    the password is still there, spelled within another spelling."""
    if not password:
        return text
    text = mask(text, password)
    return withheld if any(_pattern(password).search(view) for view in _decoded(text)) else text


def found_in(text: str, password: str) -> bool:
    """Whether `text` holds the password, in any spelling."""
    pattern = _pattern(password)
    return bool(password) and any(pattern.search(view) for view in (text, *_decoded(text)))


@functools.lru_cache(maxsize=4)
def _pattern(password: str) -> re.Pattern[str]:
    """Each character in any of its spellings, a whitespace run as any whitespace run. Whitespace
    at either end is left out (a folded message may have dropped it or merged it with its
    neighbour's), unless there is nothing else: `\\s*` in front would take time quadratic in a
    run of spaces, for each start in the run."""
    runs = [(space, "".join(chars)) for space, chars in itertools.groupby(password.strip() or password, str.isspace)]
    parts = []
    for space, run in runs:
        if not space:
            parts += [_alternatives(_spellings(ch)) for ch in run]
            continue
        # The raw characters are left to \s: alternatives that match the same text would make a
        # long run of spaces backtrack without end.
        escapes = {form for ch in run for form in _spellings(ch)[1:]}
        parts.append(_alternatives([r"\s", r"\+", *sorted(escapes)]) + "+")
    return re.compile("".join(parts), re.IGNORECASE)


def _alternatives(forms: list[str]) -> str:
    return "(?:" + "|".join(forms) + ")"


def _spellings(ch: str) -> list[str]:
    """The regular expressions of one character's spellings, the character itself first."""
    code = ord(ch)
    forms = [re.escape(ch), "".join(f"%{byte:02x}" for byte in _utf8(ch)), rf"\\U{code:08x}",
             f"&#0*{code};", f"&#x0*{code:x};", *(re.escape(f"&{name}") for name in _entity_names().get(ch, []))]
    if ch in _SHORT_ESCAPES:
        forms.append(re.escape(_SHORT_ESCAPES[ch]))
    if code < 0x100:
        forms.append(rf"\\x{code:02x}")
    if code < 0x10000:
        forms.append(rf"\\u{code:04x}")
    else:  # JSON's surrogate pair
        offset = code - 0x10000
        forms.append(rf"\\u{0xD800 + (offset >> 10):04x}\\u{0xDC00 + (offset & 0x3FF):04x}")
    return forms


def _utf8(ch: str) -> bytes:
    try:
        return ch.encode("utf-8", "surrogateescape")  # a byte of a variable that is not UTF-8
    except UnicodeEncodeError:
        return ch.encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=1)
def _entity_names() -> dict[str, list[str]]:
    """Character -> its HTML entity names (`lt;`, `lt`, `LT;`, ...)."""
    names: dict[str, list[str]] = {}
    for name, value in html.entities.html5.items():
        names.setdefault(value, []).append(name)
    return names


def _decoded(text: str) -> set[str]:
    """`text` decoded once, twice and three times over, in every order of HTML, percent and
    backslash unescaping (those that change nothing left out)."""
    views: set[str] = set()
    frontier = {text}
    for _ in range(DECODINGS):
        frontier = {decode(view) for view in frontier for decode in (html.unescape, unquote, _unescape)}
        frontier -= views | {text}
        views |= frontier
    return views


def _unescape(text: str) -> str:
    """JSON's and Python's backslash escapes undone (a surrogate pair joined)."""
    if "\\" not in text:
        return text

    def one(match: re.Match) -> str:
        code = next((int(group, 16) for group in match.groups()[:3] if group), None)
        if code is None:
            return _UNESCAPED.get(match[4], match[4])
        return chr(code) if code <= 0x10FFFF else match[0]

    return _BACKSLASH_ESCAPE.sub(one, text).encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
