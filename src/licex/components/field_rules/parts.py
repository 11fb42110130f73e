"""The parts of a value's text that every reader cuts the same way: trimmed of the punctuation
that ends a sentence, split into service items, unbracketed, narrowed to the field's shape."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from licex.fields.catalogue import RESTRICTION
from licex.text.layout import trim
from licex.fields.normalize import LICENSE_NO_RE, normalize_date
from licex.text.chars import DATE_RE, PROVINCES, spaced
from licex.fields.labels import ENTITY_LABELS
from licex.fields.values import has_value, value_forms

# Trailing punctuation that ends a sentence or a list item, never a value.
VALUE_END = " \t\n。.;,、"
RESTRICTION_RE = re.compile(r"^\s*" + RESTRICTION)
RESTRICTION_BEFORE_RE = re.compile(RESTRICTION + r"[ \t]*$")
_SENTENCE_END_RE = re.compile(r"[。;]")
# OCR reads the ； between two items as ： now and then; no item has a colon of its own.
_ITEM_SEPARATOR_RE = re.compile(r"[。;]|(?<=[\u4e00-\u9fff]):(?=[\u4e00-\u9fff])|,(?=\s*" + RESTRICTION + ")")
# Sentence punctuation: a line with it is running text (the preamble), not a value of its own.
SENTENCE_PUNCTUATION_RE = re.compile(r"[。;,:《》]")
SEE_ATTACHMENT_RE = re.compile(r"见\s*附\s*[页件表]|附\s*页")
# What a coverage names: the whole country, machine rooms, provinces and regions.
COVERAGE_RE = re.compile(
    r"全\s*国|机\s*房|省|市|自\s*治\s*区|地\s*区|境\s*内|" + "|".join(province.short for province in PROVINCES)
)
COMPANY_END_RE = re.compile(r"公\s*司$")
# A bracketed note a provincial licence prints after its business list (【依法须经批准的项目，经相关
# 部门批准后方可开展相应经营活动。】, also in round brackets): never a value, nor a part of one.
NOTE_RE = re.compile(r"【[^【】]{1,200}】|\(\s*依\s*法\s*须\s*经[^()]{1,200}\)")
_NOTE_START_RE = re.compile(r"\s*(?:【|\(\s*依\s*法\s*须\s*经)")
# Where a person's name ends that a cell or the authority beside it follows on its line (签发人：张玉
# <tab>广东省通信管理局, 签发人：段云 中华人民共和国工业和信息化部): a tab or a run of spaces before
# a word (not the one character of a name spaced out: 吴  敏), or a blank before a word that ends
# as an authority's name does (data/value_forms.json `issuer_words`).
_WORD_CHAR_RE = re.compile(r"\w")
_PERSON_END_RE = re.compile(r"(?:[ ]*\t|[ ]{2,})[ \t]*(?=\S{3})|\s(?=\S*(?:" + "|".join(map(re.escape, value_forms()["issuer_words"])) + "))")


@lru_cache(maxsize=1)
def issuer_re() -> re.Pattern[str]:
    """An issuing authority as the signature block prints it (云南省通信管理局, 中华人民共和国工业和
    信息化部; data/value_forms.json `issuer_words`), with the province or country before it: no
    coverage or service item names one, so a business block that meets one has ended."""
    places = "|".join(spaced(name) for name in ("中华人民共和国", *(p.name for p in PROVINCES)))
    words = "|".join(spaced(word) for word in value_forms()["issuer_words"])
    return re.compile(rf"(?:(?:{places})[ \t]*)?(?:{words})")


def trim_value(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the whitespace before it and the sentence punctuation after it."""
    return trim(text, start, end, VALUE_END)


def check_value(label: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The value's span if it has the shape of the field, narrowed where the field's pattern allows."""
    value = text[start:end]
    if not has_value(value) or _NOTE_START_RE.match(value):
        return None
    if label in ("LICENSE_NO", "PREV_LICENSE_NO"):
        match = LICENSE_NO_RE.search(value)
        if match:
            return start + match.start(), start + match.end()
        # A number of an unknown scheme (older or provincial forms): its first token, if numeric.
        token = value.split()[0]
        return (start, start + len(token)) if len(token) >= 5 and re.search(r"\d{4}", token) else None
    if label in ("ISSUE_DATE", "EXPIRY_DATE"):
        dates = [m for m in DATE_RE.finditer(value) if normalize_date(m.group(0))]
        if not dates:
            return None
        # A validity period (有效期: 2019年1月1日至2024年1月1日) expires on its last date.
        date = dates[-1] if label == "EXPIRY_DATE" else dates[0]
        return start + date.start(), start + date.end()
    if ENTITY_LABELS[label].value == "person" and (cut := _PERSON_END_RE.search(value)) and len(
            _WORD_CHAR_RE.findall(value, 0, cut.start())) >= 2:  # (a mark of a border before a cell is no name)
        return trim_value(text, start, start + cut.start())
    return start, end


def sentence_parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Non-empty trimmed pieces of [start, end) split at 。 and ;, which end a value."""
    return _split_parts(_SENTENCE_END_RE, text, start, end)


def item_parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The service items in [start, end): one per restriction, so `含A,不含B` gives two items.

    A comma splits only before a new 含/不含/仅限: in `不含A,B` the B is still excluded.
    """
    for a, b in _split_parts(_ITEM_SEPARATOR_RE, text, start, end):
        a, b = unbracket(text, a, b)
        if a < b and has_value(text[a:b]):
            yield a, b


def _split_parts(separator: re.Pattern[str], text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for match in separator.finditer(text, start, end):
        a, b = trim_value(text, pos, match.start())
        if a < b:
            yield a, b
        pos = match.end()
    a, b = trim_value(text, pos, end)
    if a < b:
        yield a, b


def unbracket(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the brackets around the whole of it: (不含X) -> 不含X."""
    start, end = trim_value(text, start, end)
    if end - start >= 2 and text[start] == "(" and text[end - 1] == ")" and "(" not in text[start + 1:end - 1]:
        return trim_value(text, start + 1, end - 1)
    return start, end
