"""What a field entity's text is worth: its value, read and checked for the shape of its field.

Every field label declares a value kind (labels.EntityLabel.value); this module reads each kind
once. The field rules keep a value only if it reads here, the record builder folds only values
that read here, and a model entity whose text does not read is no finding, so the rules and a
trained model pass the same checks: a domain is a domain, a date parses, an amount names its
currency, a name is a name. Text is read as the rules see it (layout.TextView), never re-normalised.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

from licex.fields.catalogue import service_item_names
from licex.fields.labels import COLUMN_WORDS, ENTITY_LABELS, default_label_words, header_word
from licex.fields.normalize import (
    LICENSE_NO_RE,
    clean_value,
    normalize_date,
    normalize_license_no,
    parse_business,
    parse_money,
    unread_in_amount,
)
from licex.text.chars import LIST_MARK, PROVINCES, digit_lookalikes, lookalikes, spaced

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
# A domain wrapped in its cell: a few letters of its last label after a space (a line end).
_WRAPPED_DOMAIN_RE = re.compile(r"(\S+\.[A-Za-z0-9-]+) ([A-Za-z0-9-]{1,4})")
_RATIO_RE = re.compile(r"\d{1,3}(?:\.\d+)?%")
# OCR reads a small % as 96 or 9% (7696, 769% for 76%; patterns/lookalikes.jsonl, ratio): a
# "ratio" over 100 ending so is one.
_PERCENT_MISREAD_RE = re.compile(
    r"(\d{1,3}(?:\.\d+)?)(?:" + "|".join(re.escape(printed) for printed in lookalikes("ratio")) + ")")
_FIRST_YEAR, _LAST_YEAR = 1990, 2100




def has_value(text: str) -> bool:
    """Whether a text says something: not punctuation alone, not a blank-form filler (无, /, 见附页),
    not a label or a table's column word (a header cell such as 序号 or 股东名称 is no value), not
    a bracketed note (【依法须经批准的项目…】, printed after a provincial licence's business list)."""
    if not _WORD_RE.search(text) or _NO_VALUE_RE.fullmatch(text.strip()) or text.lstrip().startswith("【"):
        return False
    word = header_word(text)
    return word not in COLUMN_WORDS and word not in default_label_words().label_of


def _text(text: str) -> str | None:
    return clean_value(text) or None


# What OCR leaves in a service-item cell that is no item: a label cut short (盖范围:, 覆盖范), a date, a
# business type's prefix alone (第三类增值电信业务中的), a stray character.
_NOT_AN_ITEM_RE = re.compile(r":$|^\d{4}\s*年|^第.类增值电信业务中的$|覆\s*盖|范\s*围")


@lru_cache(maxsize=1)
def _wrapped_label_re() -> re.Pattern[str]:
    """A label of the business part (业务种类, (服务项目), 及覆盖范围 …) at the start of a line inside
    a value: the label cell beside a value cell that wrapped, printed between the value's lines
    (仅限互联网信息服 / 业 务 种 类 务), never a part of the value."""
    names = default_label_words().names_of("BUSINESS", "SERVICE_ITEM", "COVERAGE")
    alternation = "|".join(spaced(name) for name in names)
    # (or the last characters of one whose cell wrapped, before the cell gap: 仅限经营类电 / 类  子商务)
    # or its bracketed first characters: 仅限互联网信息服 / (服务项  务)
    tails = sorted({name[k:] for name in names for k in range(1, len(name))} - set(names), key=len, reverse=True)
    heads = sorted({name[:k] for name in names for k in range(2, len(name))} - set(names), key=len, reverse=True)
    return re.compile(rf"\n[ \t]*(?:\([ \t]*)?(?:及[ \t]*)?(?:{alternation})(?:[ \t]*\))?[ \t]*(?:\n[ \t]*)?"
                      rf"|\n[ \t]*(?:{'|'.join(map(spaced, tails))})(?:[ \t]*\))?(?:\t|[ ]{{2}})[ \t]*"
                      rf"|\n[ \t]*\([ \t]*(?:{'|'.join(map(spaced, heads))})(?:\t|[ ]{{2}})[ \t]*"
                      # or a bracketed label on the value's own line, as OCR reads a row: 仅限互联网(服务项目) 信息服务
                      rf"|[ \t]*[(（][ \t]*(?:{alternation})[ \t]*[)）][ \t]*")


def without_wrapped_labels(text: str) -> str:
    """The text of a value without the labels printed between its lines (_wrapped_label_re)."""
    return _wrapped_label_re().sub("", text) if "\n" in text or "(" in text or "（" in text else text


def _service_item(text: str) -> str | None:
    item = clean_value(without_wrapped_labels(text))
    return item if len(item.replace(" ", "")) >= 2 and not _NOT_AN_ITEM_RE.search(item) else None


def _compact(text: str) -> str | None:
    return clean_value(text).replace(" ", "") or None


# A name (of a company, a shareholder, an access provider) has a letter or an ideograph in it: a
# row number or an amount beside it in a table is no name. Nor is one character: what OCR reads
# of a seal or a watermark over a cell (庆 of 重庆市通信管理局), or the last of a name it lost (司).
_LETTER_RE = re.compile(r"[^\W\d_]")


def _name(text: str) -> str | None:
    name = clean_value(text)
    return name if name and _LETTER_RE.search(name) and len(name.replace(" ", "")) >= _NAME_MIN_CHARS else None


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


# A bracketed note printed after a provincial licence's business list (【依法须经批准的项目…】):
# a coverage ends before it, wherever a reader or the model let the coverage run into it.
_NOTE_RE = re.compile(r"[【〖].*", re.S)


def _places(text: str) -> str | None:
    """A coverage or a server's place, up to a bracketed note (_NOTE_RE); none where it names an
    issuing authority (四川省通信管理局, the seal or signature block beside the coverage:
    data/value_forms.json `issuer_words`)."""
    places = _PLACE_SEPARATOR_RE.sub(LIST_MARK, clean_value(without_wrapped_labels(_NOTE_RE.sub("", text))))
    if any(word in places.replace(" ", "") for word in value_forms()["issuer_words"]):
        return None
    return LIST_MARK.join(map(_place, places.split(LIST_MARK))) or None


_PROVINCE_NAMES = frozenset(name for p in PROVINCES for name in (p.short, p.name))
_PROVINCE_FULL_NAMES = tuple(p.name for p in PROVINCES if len(p.name) >= 4)


def _place(item: str) -> str:
    """One item of a coverage list, with what OCR makes of a province's name repaired: a stray
    mark read as a character before it (和天津, 上上海), one character of a long name lost
    (内蒙古治区) and perhaps another misread (内蒙点治区), the 全 of 全国 misread (金国). Anything
    else is left as printed."""
    place, count = _COUNTED_RE.fullmatch(item).groups()  # 新疆23省(自治区 …: the count stays
    count = count or ""
    if place in _PROVINCE_NAMES or len(place) < 2:
        return item
    if place[1:] in _PROVINCE_NAMES:
        return place[1:] + count
    if place == item and len(place) == 2 and place[1] == "国":
        return "全国"  # the only two-character coverage that ends in 国
    for misread in (0, 1):  # the closest reading first
        names = [name for name in _PROVINCE_FULL_NAMES
                 if len(name) - 1 - misread >= _MIN_CHARS_LEFT[misread] and _one_lost(name, place, misread)]
        if len(names) == 1:
            return names[0] + count
    return item


# A province's name OCR lost a character of (内蒙古治区), and perhaps misread another
# (内蒙点治区), is read as that name only where no other name fits and, by how many characters
# were misread (0 or 1), at least this many of its characters are still right: a name of four
# characters may lose one, one of six or more may also have one misread.
_MIN_CHARS_LEFT = (3, 4)


def _one_lost(name: str, place: str, misread: int) -> bool:
    """Whether `place` is `name` with one character lost and at most `misread` others misread."""
    return len(place) == len(name) - 1 and any(
        sum(a != b for a, b in zip(name[:k] + name[k + 1:], place)) <= misread for k in range(len(name)))


_COUNTED_RE = re.compile(r"(\D*?)(\d.*)?", re.DOTALL)


def _money(text: str) -> Any | None:
    return parse_money(text) if _CURRENCY_RE.search(clean_value(text)) else None


def _domain(text: str) -> str | None:
    """Domains in their canonical lower case (OCR capitalises a line's first letter: Www.); one
    whose last characters a narrow cell wrapped (www.huangwan.co / m) joined."""
    domain = clean_value(text)
    if wrapped := _WRAPPED_DOMAIN_RE.fullmatch(domain):
        domain = wrapped[1] + wrapped[2]
    return _HOST_RE.sub(lambda host: host[0].lower(), domain) if _DOMAINS_RE.fullmatch(domain) else None


# The scheme and host of each domain in a list (a path after it keeps its case).
_HOST_RE = re.compile(r"(?:(?<=^)|(?<=[、,;]))[^/、,;]+(?://[^/、,;]+)?")


def _id_number(text: str) -> str | None:
    number = _compact(text)
    if not number or not any(c.isdigit() for c in number):
        return None
    number = number.upper()
    if len(number) == 18 and set(number) - set(USCC_CHARS):
        # OCR reads 0 as O, 1 as I …: letters a credit code never has. Repaired only where the
        # repair makes its check character right.
        repaired = number.translate(_USCC_LOOKALIKES)
        if not set(repaired) - set(USCC_CHARS) and uscc_check_char(repaired[:17]) == repaired[17]:
            return repaired
    return number


# The character set and weights of the unified social credit code (GB 32100-2015).
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_LOOKALIKES = str.maketrans(digit_lookalikes("credit_code"))  # patterns/lookalikes.jsonl


def uscc_check_char(body: str) -> str:
    """The check character of a credit code's first 17 characters."""
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS))
    return USCC_CHARS[(31 - total % 31) % 31]


def _ratio(text: str) -> str | None:
    ratio = _compact(text)
    if ratio and (misread := _PERCENT_MISREAD_RE.fullmatch(ratio)) and float(misread[1]) <= 100 < float(
            ratio.rstrip("%")):
        ratio = misread[1] + "%"
    return ratio if ratio and _RATIO_RE.fullmatch(ratio) else None


def _year(text: str) -> int | None:
    year = _compact(text)
    return int(year) if year and year.isdigit() and _FIRST_YEAR <= int(year) <= _LAST_YEAR else None


# Value kind -> its reader: the value of a text, or None where the text has not the kind's shape.
VALUE_KINDS: dict[str, Callable[[str], Any | None]] = {
    "text": _text,
    "places": _places,
    "service_item": _service_item,
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


# -- plausible values -------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def value_forms() -> dict[str, Any]:
    """What a plausible value looks like (data/value_forms.json): company endings, address words…"""
    return json.loads(resources.files("licex").joinpath("data/value_forms.json").read_text("utf-8"))


_PERSON_NAME_RE = re.compile(r"[\u4e00-\u9fff]+(?:[·•][\u4e00-\u9fff]+)*|[A-Za-z][A-Za-z .'-]+")


def _person_form(value: Any, forms: dict[str, Any]) -> bool:
    shortest, longest = forms["person_chars"]
    name = value.replace(" ", "")
    return bool(_PERSON_NAME_RE.fullmatch(value.strip())) and (
        not name.isascii() and shortest <= len(name) <= longest or name.isascii())


def _company_form(value: Any, forms: dict[str, Any]) -> bool:
    shortest, longest = forms["company_chars"]
    return shortest <= len(value) <= longest and value.rstrip(")） ").endswith(tuple(forms["company_endings"]))


def _places_form(value: Any, forms: dict[str, Any]) -> bool:
    places = forms["coverage_words"]
    return all(any(word in part for word in places) or any(p.short in part for p in PROVINCES)
               for part in value.split(LIST_MARK))


def _date_form(value: Any, forms: dict[str, Any]) -> bool:
    first, last = forms["years"]
    return not isinstance(value, dt.date) or first <= value.year <= last


# The forms a plausible value has (a field names its form in data/fields.jsonl, `plausible`).
PLAUSIBLE_FORMS: dict[str, Callable[[Any, dict[str, Any]], bool]] = {
    "licence_no": lambda value, forms: bool(LICENSE_NO_RE.fullmatch(value)),
    "company": _company_form,
    "person": _person_form,
    "address": lambda value, forms: any(word in value for word in forms["address_words"]),
    "places": _places_form,
    "date": _date_form,
    "ratio": lambda value, forms: 0 < float(value.rstrip("%")) <= 100,
}


def plausible(label: str, value: Any) -> bool:
    """Whether a value read for `label` (read_value) looks like one of its field, beyond reading
    as its kind, by the form its field names (data/fields.jsonl, `plausible`): a licence number
    of the full grammar, a company name with a company's ending, a person's name of a name's
    length, an address with a place or street word, a coverage made of regions, a date in the
    years licences are issued, a share of at most 100%. The choice between the model's and the
    rules' readings (components.field_choice) counts an implausible one against it; nothing here
    drops a value."""
    if value is None:
        return False
    field = ENTITY_LABELS.get(label)
    form = field.plausible if field is not None else None
    return PLAUSIBLE_FORMS[form](value, value_forms()) if form else True


# -- signs of a misread value -----------------------------------------------------------------------

# A person's name of two or three Han characters starts with a surname; a longer one may be a
# name with no surname (扎西次仁, 山田太郎), and a shareholder may be a company.
_SURNAMED_NAME_RE = re.compile(r"[\u4e00-\u9fff]{2,3}")
# Before a coverage group's places: what joins it to the group before (以及, or a list mark
# where a tool's ; became one).
_GROUP_JOINER_RE = re.compile(r"^(?:以及|及|和|、)")


def _symbol_sign(value: Any, text: str, forms: dict[str, Any]) -> bool:
    return isinstance(value, str) and any(
        unicodedata.category(char)[0] in "PS" and char not in forms["value_symbols"] for char in value)


def _surname_sign(value: Any, text: str, forms: dict[str, Any]) -> bool:
    return isinstance(value, str) and bool(_SURNAMED_NAME_RE.fullmatch(value)) and not (
        value[0] in forms["surnames"] or value[:2] in forms["compound_surnames"])


_REPEATED_RE = re.compile(r"([\u4e00-\u9fff]{2,})\1")


@lru_cache(maxsize=1)
def _web_address_re() -> re.Pattern:
    return re.compile(value_forms()["web_address"])


@lru_cache(maxsize=1)
def other_value_re() -> re.Pattern:
    """A piece of another field's value (value_forms.json other_field_value): 人民币, 万元, a date."""
    return re.compile(value_forms()["other_field_value"])


@lru_cache(maxsize=1)
def _label_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the package's label words long enough to be no value's own, the first two characters of every label word)."""
    from licex.fields.labels import default_label_words

    names = [name for name, _, _ in default_label_words().entries]
    return (tuple(n for n in names if len(n) >= value_forms()["label_word_chars"]),
            tuple(dict.fromkeys(n[:2] for n in names if len(n) >= 2)))


def _label_sign(value: Any, text: str, forms: dict[str, Any]) -> bool:
    """A label word inside the value."""
    return isinstance(value, str) and any(word in value.replace(" ", "") for word in _label_words()[0])


def _next_label_sign(value: Any, text: str, forms: dict[str, Any]) -> bool:
    """A person's name too long for one that ends in a label's first two characters (the next
    label's, read on: 黄列群业务)."""
    if not isinstance(value, str):
        return False
    plain = value.replace(" ", "")
    return len(plain) > forms["person_name_chars"] and plain[-2:] in _label_words()[1] and bool(
        _SURNAMED_NAME_RE.fullmatch(plain[:-2]))


# A place printed alone as a province (云南省, 广西壮族自治区): its name is a province's or misread.
_PROVINCE_PART_RE = re.compile(r"[\u4e00-\u9fff]{2,3}省|[\u4e00-\u9fff]{2,6}自治区")


def _province_sign(value: Any, text: str, forms: dict[str, Any]) -> bool:
    """A place of the list printed as a province, of a name no province has (去南省 for 云南省);
    a part that says where in words of its own (全国各省) is none."""
    wide = [word for word in forms["coverage_words"] if word not in forms["place_endings"]]
    return isinstance(value, str) and any(
        _PROVINCE_PART_RE.fullmatch(part) and part not in _PROVINCE_NAMES and part.removesuffix("省") not in _PROVINCE_NAMES
        and not any(word in part for word in wide)
        for part in value.replace(" ", "").split(LIST_MARK))


def _licence_form_sign(value: Any, text: str, forms: dict[str, Any]) -> bool:
    """A licence number of neither the form licences print (B1-20195402, 京ICP证120137号) nor
    an older one of digits alone (2-4-1-2002001)."""
    return isinstance(value, str) and not LICENSE_NO_RE.fullmatch(value) and not any(
        re.fullmatch(form, value) for form in forms["older_licence_numbers"])


# Each sign of a misread, in the order misread_signs gives them: whether a value (and the text it
# was read from) shows it. A field names the signs looked for in it (data/fields.jsonl).
# A name of Han characters alone.
_HAN_NAME_RE = re.compile(r"[\u4e00-\u9fff]+")
_SIGNS: dict[str, Callable[[Any, str, dict[str, Any]], bool]] = {
    "symbol": _symbol_sign,
    "surname": _surname_sign,
    "number": lambda value, text, forms: isinstance(value, str) and bool(
        _unnumbered_re(tuple(forms["numbered_address_words"])).search(value)),
    "capital": lambda value, text, forms: getattr(value, "currency", None) == "CNY" and (
        value.amount < forms["capital_minimum_cny"]),
    "amount": lambda value, text, forms: bool(unread_in_amount(text)),
    "count": lambda value, text, forms: isinstance(value, str) and _miscounted(value, tuple(forms["counted_units"])),
    "catalogue": lambda value, text, forms: isinstance(value, str) and not _catalogue_item_re().fullmatch(
        value.replace(" ", "")),
    "length": lambda value, text, forms: isinstance(value, str) and value.isalnum() and (
        len(value) not in forms["id_lengths"]),
    "web": lambda value, text, forms: isinstance(value, str) and bool(_web_address_re().search(value)),
    # a piece of another field's value (县龙潭王街万元D座: the capital's unit read into the address)
    "other_value": lambda value, text, forms: isinstance(value, str) and bool(other_value_re().search(value)),
    "repeat": lambda value, text, forms: isinstance(value, str) and bool(_REPEATED_RE.search(value.replace(" ", ""))),
    "label": _label_sign,
    "next_label": _next_label_sign,
    # a company's name without a company's ending (凌云网络有限): a cell cut where it wrapped
    "ending": lambda value, text, forms: isinstance(value, str) and not value.rstrip(")） ").endswith(
        tuple(forms["company_endings"])),
    # a shareholder's name of Han characters, longer than a person's and without a company's
    # ending (雨林木风计算机传媒有限公): a company's name cut where its cell wrapped
    "cut": lambda value, text, forms: isinstance(value, str) and _HAN_NAME_RE.fullmatch(value) is not None and (
        len(value) > forms["person_chars"][1] and not value.endswith(tuple(forms["company_endings"]))),
    "province": _province_sign,
    "licence_form": _licence_form_sign,
}
# The signs misread_signs gives (a test checks that each is given).
MISREAD_SIGNS = tuple(_SIGNS)
_UNREAD = object()  # misread_signs' value where its caller has none


def misread_signs(label: str, text: str, value: Any = _UNREAD) -> list[str]:
    """Signs that the text of a value of `label`, plausible as its value may be, was misread, of
    those its field looks for (data/fields.jsonl, `misread_signs`): a symbol no value of its field
    prints (`symbol`; a website's name may print anything); a person's name of two or three Han
    characters that starts with no common surname (`surname`); an address's numbered part (号,
    座, 栋, 幢) with no number or letter before it (`number`); a registered capital below what a
    licensee must hold (`capital`), or printed with a character that is no numeral (`amount`:
    人民币过什贰佰万元); a counted coverage list that lists another number of places (`count`); a
    service item the catalogue does not name (`catalogue`); an identity or credit code of a
    length none has (`length`); a place printed as a province of a name no province has
    (`province`: 去南省); a licence number of no licence number's form (`licence_form`: B-20174235);
    a shareholder's name longer than a person's and without a company's ending (`cut`); a piece
    of another field's value inside a name or an address (`other_value`: 县龙潭王街万元D座).
    `text` is the value as the rules
    read it (layout.TextView). What a value may look like is data (data/value_forms.json). The
    signs lower the value's confidence (licex.scoring.confidence); unlike `plausible` they steer no
    choice between the model's and the rules' readings, whose fit never saw them. `value` is
    read_value(label, text), where the caller read it already (analysis.DocAnalysis.value)."""
    if value is _UNREAD:
        value = read_value(label, text)
    if value is None:
        return []
    forms = value_forms()
    looked_for = ENTITY_LABELS[label].misread_signs
    return [sign for sign, shows in _SIGNS.items() if sign in looked_for and shows(value, text, forms)]


@lru_cache(maxsize=4)
def _unnumbered_re(words: tuple[str, ...]) -> re.Pattern:
    """A numbered part of an address (5号, A座) with no number or letter before it."""
    number = "0-9A-Za-z一二三四五六七八九十百千零〇两甲乙丙丁东西南北中#-"
    return re.compile(rf"(?:^|[^{number}])(?:{'|'.join(map(re.escape, words))})")


@lru_cache(maxsize=1)
def _catalogue_item_re() -> re.Pattern:
    """A service item as printed: 含, 不含 (不包含) or 仅限, then catalogue items joined by 和, 及,
    、 or a comma, or 除 those 外 (an item's own 和 is part of it: 信息发布平台和递送服务), each
    perhaps ending in 业务 as older licences print them (互联网信息服务业务)."""
    names = sorted(service_item_names(), key=len, reverse=True)  # the longest first: 和 inside one
    item = "(?:" + "|".join(re.escape(name.removesuffix("业务")) for name in names) + ")(?:业务)?"
    items = rf"{item}(?:[和及、,]{item})*"  # a comma goes on with an exclusion: 不含A,B
    return re.compile(rf"(?:不(?:包)?含|仅限|含)?{items}|除{items}(?:以)?外")


def _miscounted(coverage: str, units: tuple[str, ...]) -> bool:
    """Whether a group of the coverage counts its places otherwise than it lists them (全国31个
    省 and 北京、上海等31省 list none or some of them)."""
    for group in _counted_group_re(units).finditer(coverage):
        places = _GROUP_JOINER_RE.sub("", group["places"])
        if places == "全国" or places.endswith("等"):
            continue
        if int(group["count"].replace(" ", "")) != len(places.split(LIST_MARK)):
            return True
    return False


def coverage_goes_on(coverage: str, rest: str | None = None) -> bool:
    """Whether a coverage that a line or a cell cut goes on in the next coverage text: it ends in
    a 、 (or `rest` starts with one), inside the unit of its last counted group (cut_in_unit), or
    in the places of a counted group that has no count yet (…以及永安、沈阳、银, where `rest`,
    given, counts them without opening a group of its own: 川、西宁7城市)."""
    if coverage.endswith(LIST_MARK) or (rest or "").startswith(LIST_MARK) or cut_in_unit(coverage, rest):
        return True
    joiners = value_forms()["counted_group_joiners"]
    last = max(coverage.rfind(joiner) for joiner in joiners)
    return last >= 0 and not re.search(r"\d", coverage[last:]) and (
        rest is None or (re.search(r"\d", rest) is not None and not any(joiner in rest for joiner in joiners)))


def cut_in_unit(coverage: str, rest: str | None = None) -> bool:
    """Whether a coverage ends inside the unit of its last counted group, where a line or a cell
    cut it (…西安6城, …6), and so goes on in the next coverage text; with `rest`, whether that
    text completes the unit (市 completes 6城 as 6城市)."""
    match = re.search(r"\d\s*([^\d\s、]{0,3})$", coverage)
    if match is None:
        return False
    head = match.group(1)
    return any(unit.startswith(head) and len(head) < len(unit) and (rest is None or rest.startswith(unit[len(head):]))
               for unit in value_forms()["counted_units"])


@lru_cache(maxsize=4)
def _counted_group_re(units: tuple[str, ...]) -> re.Pattern:
    """One counted group of a coverage list: places, then how many (a digit a tool split off
    stays in the count: 新疆11 2省 counts 112), then what they are (北京、上海2直辖市)."""
    return re.compile(rf"(?P<places>[^\d]+?)(?P<count>\d[\d ]*)\s*(?:{'|'.join(map(re.escape, units))})")


def _check_field_table() -> None:
    """Every field of data/fields.jsonl names a value kind, a plausible form and misread signs
    this module knows: a wrong name fails on import, not on the first licence that has the field."""
    for label in ENTITY_LABELS.values():
        unknown = [name for name, known in ((label.value, VALUE_KINDS), (label.plausible, PLAUSIBLE_FORMS),
                                            *((sign, _SIGNS) for sign in label.misread_signs))
                   if name is not None and name not in known]
        if unknown:
            raise ValueError(f"data/fields.jsonl: {label.label} names {', '.join(unknown)}, which licex.fields.values "
                             "does not know")


_check_field_table()
