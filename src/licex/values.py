"""What a field entity's text is worth: its value, read and checked for the shape of its field.

Every field label declares a value kind (labels.EntityLabel.value); this module reads each kind
once. The field rules keep a value only if it reads here, the record builder folds only values
that read here, and a model entity whose text does not read is no finding, so the rules and a
trained model pass the same checks: a domain is a domain, a date parses, an amount names its
currency, a name is a name. Text is read as the rules see it (layout.TextView), never re-normalised.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .labels import COLUMN_WORDS, ENTITY_LABELS, default_label_words, header_word
from .normalize import clean_value, normalize_date, normalize_license_no, parse_business, parse_money
from .text import LIST_MARK

# A value says something only with a letter, digit or ideograph in it; blank-form fillers and
# cross-references (无, /, 见附页) say nothing.
_WORD_RE = re.compile(r"\w")
_NO_VALUE_RE = re.compile(r"\(?\s*(?:无|空|/|-+|见\s*附\s*页)\s*\)?")
# A licence number of any scheme holds a run of at least four digits (B1-20195402, 京ICP证030173号).
_NUMBER_RE = re.compile(r"\d{4}")
# An amount names its currency: 元 (人民币, 万元) or a currency word.
_CURRENCY_RE = re.compile(r"元|人民币|美金|港币|欧元|日元")
# A person's name: a few characters, no digits, no label colon.
_NAME_MIN_CHARS, _NAME_MAX_CHARS = 2, 12  # a surname and a given name at least
_NOT_A_NAME_RE = re.compile(r"[\d:]")
# A domain (www.example.com.cn, maybe with a scheme, port or path; internationalised labels
# allowed), or several separated by 、 , ;.
_DOMAIN = r"(?:https?://)?(?:[\w-]+\.)+[\w-]{2,}(?::\d+)?(?:/[^\s、,;]*)?"
_DOMAINS_RE = re.compile(rf"{_DOMAIN}(?:[、,;]{_DOMAIN})*", re.IGNORECASE)
_RATIO_RE = re.compile(r"\d{1,3}(?:\.\d+)?%")
_FIRST_YEAR, _LAST_YEAR = 1990, 2100




def has_value(text: str) -> bool:
    """Whether a text says something: not punctuation alone, not a blank-form filler (无, /, 见附页),
    not a label or a table's column word (a header cell such as 序号 or 股东名称 is no value)."""
    if not _WORD_RE.search(text) or _NO_VALUE_RE.fullmatch(text.strip()):
        return False
    word = header_word(text)
    return word not in COLUMN_WORDS and word not in default_label_words().label_of


def _text(text: str) -> str | None:
    return clean_value(text) or None


def _compact(text: str) -> str | None:
    return clean_value(text).replace(" ", "") or None


# A name (of a company, a shareholder, an access provider) has a letter or an ideograph in it: a
# row number or an amount beside it in a table is no name.
_LETTER_RE = re.compile(r"[^\W\d_]")


def _name(text: str) -> str | None:
    name = clean_value(text)
    return name if name and _LETTER_RE.search(name) else None


def _licence_no(text: str) -> str | None:
    number = normalize_license_no(text)
    return number if number and _NUMBER_RE.search(number) else None


def _person(text: str) -> str | None:
    name = clean_value(text)
    if not name or not _NAME_MIN_CHARS <= len(name.replace(" ", "")) <= _NAME_MAX_CHARS or _NOT_A_NAME_RE.search(name):
        return None
    return name


# A comma or semicolon between two places of a list: a tool's (or a typist's) for the list mark 、
# (北京,上海；广东 reads 北京、上海、广东).
_PLACE_SEPARATOR_RE = re.compile(r"(?<=[\u4e00-\u9fff)])\s*[,;]\s*(?=[\u4e00-\u9fff])")


def _places(text: str) -> str | None:
    return _PLACE_SEPARATOR_RE.sub(LIST_MARK, clean_value(text)) or None


def _money(text: str) -> Any | None:
    return parse_money(text) if _CURRENCY_RE.search(clean_value(text)) else None


def _domain(text: str) -> str | None:
    domain = clean_value(text)
    return domain if _DOMAINS_RE.fullmatch(domain) else None


def _id_number(text: str) -> str | None:
    number = _compact(text)
    return number.upper() if number and any(c.isdigit() for c in number) else None


def _ratio(text: str) -> str | None:
    ratio = _compact(text)
    return ratio if ratio and _RATIO_RE.fullmatch(ratio) else None


def _year(text: str) -> int | None:
    year = _compact(text)
    return int(year) if year and year.isdigit() and _FIRST_YEAR <= int(year) <= _LAST_YEAR else None


# Value kind -> its reader: the value of a text, or None where the text has not the kind's shape.
VALUE_KINDS: dict[str, Callable[[str], Any | None]] = {
    "text": _text,
    "places": _places,
    "name": _name,
    "compact": _compact,
    "licence_no": _licence_no,
    "person": _person,
    "money": _money,
    "date": normalize_date,
    "business": parse_business,
    "domain": _domain,
    "id_number": _id_number,
    "ratio": _ratio,
    "year": _year,
}


def read_value(label: str, text: str) -> Any | None:
    """The value an entity of `label` gives from its text as the rules see it, or None where it
    gives none (a date that does not parse, a blank, a domain with spaces in it)."""
    if not has_value(text):
        return None
    return VALUE_KINDS[ENTITY_LABELS[label].value](text)


def gives_value(label: str, text: str) -> bool:
    """Whether an entity gives its field a value. One that gives none is no finding: the
    record builder skips it and the rule fallback may fill the field instead."""
    return read_value(label, text) is not None
