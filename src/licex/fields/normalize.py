"""Turn raw entity text, as OCR and PDF tools print it, into record values.

Licence text reaches us with OCR-inserted spaces and line breaks inside Chinese words, full-width
characters, Chinese and financial (大写) numerals, and OCR letter/digit confusions (Bl for B1, 2O21
for 2021). The functions here are pure (no spaCy) so the record builder, the patterns and the
tests can all share one definition of what a clean value, a date, an amount, a licence number and
a business type are.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass

import cn2an

from licex.fields.catalogue import BUSINESS_TYPES, EXCLUSION_RE, RESTRICTION_START_RE, business_by_name
from licex.fields.record import Money
from licex.text.chars import (
    DATE_LOOKALIKES,
    DATE_RE,
    PROVINCES,
    WHITESPACE_RE,
    digit_lookalikes,
    lookalikes,
    nfkc,
    numeral_readings,
    spaced,
    without_whitespace,
)

# CJK characters and the punctuation printed around them, including the NFKC forms of the
# full-width punctuation (（）：，； become ():,;). Whitespace touching one of these is OCR noise.
_CJK = r"\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff“”‘’():;,"
# Whitespace before one is matched from the start of its run only: from inside the run it is
# the same match, tried again from each of its characters.
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}])\s+|(?<!\s)\s+(?=[{_CJK}])")


def _cn2an(text: str, mode: str) -> int | float | None:
    """cn2an.cn2an, or None where it rejects the text.

    It signals bad input with ValueError, and in "smart" mode with a KeyError on some mixed
    digit/numeral strings (e.g. 2八万六6亿), so both mean "not a number".
    """
    try:
        return cn2an.cn2an(text, mode)
    except (ValueError, KeyError):
        return None


def clean_value(text: str | None) -> str:
    """NFKC the text and undo OCR spacing, so a value compares equal to its gold form.

    OCR breaks Chinese text with spaces and newlines that are never meaningful there (尚 吁,
    17 省(直辖市)), while a space between two Latin words or numbers is real and is kept as one.
    Trailing sentence punctuation belongs to the sentence, not to the value.
    """
    t = _FAR_FRAGMENT_RE.sub("", nfkc(text))
    t = _CJK_SPACE_RE.sub("", t)
    t = WHITESPACE_RE.sub(" ", t).strip().rstrip("。.;, ")
    return _OCR_EDGE_RE.sub("", t) if "[" not in t else t


# What OCR makes of a table's border or a seal's edge beside a value: a square bracket or a bar,
# maybe with a quote mark before it, which no licence value prints (unless it opens one: [
# inside keeps them). The one at the end is matched from where a run of blanks or of marks
# starts, never again from inside it (the same match, at the cost of the run's square).
_OCR_EDGE_RE = re.compile(r"^[“”\"'‘’]?[\]|]+\s*|(?!(?<=\s)\s|(?<=[\]|])[\]|])\s*[\]|]+[“”\"'‘’]?$")
# One or two characters far to the right of a value, past a wide gap, on its line: what OCR
# read of a seal, a border or the page's edge (湖北省        司), never part of the value. The gap
# is matched from its start only, as the edge above.
_FAR_FRAGMENT_RE = re.compile(r"(?<![^\S\n])[^\S\n]{4,}\S{1,2}[^\S\n]*$")


# What OCR prints for a date's digits and its 〇 (patterns/lookalikes.jsonl, date).
_OCR_DIGITS = str.maketrans(digit_lookalikes("date"))
_OCR_ZEROS = str.maketrans({printed: "〇" for printed, reads in DATE_LOOKALIKES.items() if "〇" in reads})


# A year of Chinese numerals whose 〇 OCR lost (二二二 for 二〇二二: the small round numeral faded).
_LOST_ZERO_YEAR_RE = re.compile(r"^二(?=[一二三四五六七八九]{2}$)")


def _date_part(text: str) -> int | None:
    """A date component; an O or a 0 among Chinese numerals is 〇 (二O二一, 二0二一), an O among
    digits 0; a year of three numerals after 二 lost its 〇 (二二二)."""
    if re.search(r"[1-9]", text) or not re.search(r"[一二三四五六七八九十]", text):
        return chinese_to_int(text.translate(_OCR_DIGITS))
    return chinese_to_int(_LOST_ZERO_YEAR_RE.sub("二〇", text.translate(_OCR_ZEROS)))


def normalize_date(text: str | None) -> dt.date | None:
    """The first valid date in the text, or None (never raises).

    Licences print dates in every style (2021年 06月 22日, 2021.6.22, 二〇二一年六月二十二日,
    17年5月23日); blank forms print 年 月 日, which is no date.
    """
    m = DATE_RE.search(without_whitespace(nfkc(text)))
    if not m:
        return None
    year, month, day = (_date_part(m[part]) for part in ("year", "month", "day"))
    if year is None or month is None or day is None:
        return None
    if len(m["year"]) == 2:  # two-digit years: 00-69 are this century, 70-99 the last
        year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_CURRENCIES = (
    ("美元", "USD"), ("美金", "USD"), ("港元", "HKD"), ("港币", "HKD"),
    ("欧元", "EUR"), ("日元", "JPY"), ("英镑", "GBP"), ("新台币", "TWD"), ("澳门元", "MOP"),
    ("澳门币", "MOP"), ("人民币", "CNY"),
)  # fmt: skip
# None of the currency words contains a numeral character, so they never join an amount.
_NUMERALS = "0-9.〇零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟"
_AMOUNT_RE = re.compile(rf"[{_NUMERALS}]+")
# Characters OCR prints for a numeral of an amount (什 for 仟, 参 for 叁), each with the numerals
# it may stand for, likeliest first (patterns/lookalikes.jsonl).
_NUMERAL_LOOKALIKES = lookalikes("amount")
_LOOKALIKE_CHARS = "".join(map(re.escape, _NUMERAL_LOOKALIKES))
# An amount with look-alikes in it: numerals and look-alikes, at least one real numeral, ending
# where the money does (元, or a currency word such as 美元). A look-alike is read as a numeral
# only there: 什么 or 地方 in running text are left alone. The amount is a whole run of these
# characters (no currency word starts with one), read once from its start: the pair looked for
# first, then the run; matched from each character of it, a long run cost its square or worse.
_AMOUNT_CHAR = f"[{_NUMERALS}{_LOOKALIKE_CHARS}]"
_DAMAGED_AMOUNT_RE = re.compile(
    rf"(?<!{_AMOUNT_CHAR})(?={_AMOUNT_CHAR}*?(?:[{_NUMERALS}][{_LOOKALIKE_CHARS}]|[{_LOOKALIKE_CHARS}][{_NUMERALS}]))"
    rf"{_AMOUNT_CHAR}+(?=(?:{'|'.join(word for word, _ in _CURRENCIES)})|元)"
)


# The longest numeral run read as an amount: a capital of a trillion yuan in formal numerals
# with every unit (壹万亿…) is under 30. A longer run is no amount, and cn2an's time grows with it.
_AMOUNT_MOST_CHARS = 40
# The readings of a damaged amount tried: each look-alike with two numerals doubles them.
_MOST_READINGS = 64


def _repaired_amount(amount: str) -> str:
    """An amount with its look-alikes read as numerals: the first reading cn2an accepts, trying
    each look-alike's numerals in order (壹仟伍什万 reads 壹仟伍拾万: 壹仟伍仟万 is no number).
    Where none reads, the text stays as printed (地方500万元: 方 is no numeral there)."""
    if len(amount) > _AMOUNT_MOST_CHARS:
        return amount
    readings = itertools.islice(numeral_readings(amount, _NUMERAL_LOOKALIKES), _MOST_READINGS)
    return next((reading for reading in readings if _cn2an(reading.strip("."), "smart") is not None), amount)


def parse_money(text: str | None) -> Money | None:
    """Registered capital (人民币肆仟万元, 500万美元, 100.5万元) as integer units, or None.

    The currency is the first currency word present, CNY when none is. The amount is the first
    numeral run cn2an can read; its "smart" mode reads digits, 万/亿 units and 大写 alike.
    """
    t = _amount_text(text)
    t = _DAMAGED_AMOUNT_RE.sub(lambda m: _repaired_amount(m[0]), t)
    currency = next((code for word, code in _CURRENCIES if word in t), "CNY")
    for m in _AMOUNT_RE.finditer(t):
        if len(m[0]) > _AMOUNT_MOST_CHARS:
            continue
        value = _cn2an(m[0].strip("."), "smart")
        if value is not None and value >= 0:
            return Money(amount=round(value), currency=currency)
    return None


def unread_in_amount(text: str) -> str:
    """What of a printed amount, up to its first 元 (or 圆), parse_money reads nothing of: not a
    numeral, a look-alike of one, a currency word or mark, 元, 圆 or 整 (人民币过什贰佰万元
    leaves 过, a misread it could not repair)."""
    t = _amount_text(text)
    t = re.split(r"(?<=[元圆])", t, maxsplit=1)[0]  # what follows is no longer the amount
    for word in (*(word for word, _ in _CURRENCIES), *_AMOUNT_MARKS):
        t = t.replace(word, "")
    return re.sub(rf"[{_NUMERALS}{_LOOKALIKE_CHARS}元圆整]", "", t)


# What an amount prints beside its numerals and currency word: RMB or ¥ for 人民币, the note
# that the numerals are the formal ones.
_AMOUNT_MARKS = ("RMB", "¥", "(大写)", "(小写)", "大写", "小写")


def _amount_text(text: str) -> str:
    """An amount as parse_money reads it: without OCR's spaces and thousands separators."""
    return re.sub(r"[\s,]", "", nfkc(text))


# The provinces numbers start with, and what OCR prints for one before a code (翼B2- for 冀B2-;
# patterns/lookalikes.jsonl, licence_province): read so only before the code.
_PROVINCE_LOOKALIKES = {printed: reads[0] for printed, reads in lookalikes("licence_province").items()}
_PROVINCES = "".join(province.abbr for province in PROVINCES)
_CODE_PROVINCES = _PROVINCES + "".join(_PROVINCE_LOOKALIKES)
_PROVINCE_LOOKALIKE_RE = re.compile(rf"^[{''.join(_PROVINCE_LOOKALIKES)}](?=[AB8][12lI])")
_DASHES = r"\u2010-\u2015\u2212\ufe58\ufe63"  # the dashes a tool prints for a hyphen: – — ‒ ― −
# What OCR and PDF tools leave of the hyphen between a code and its eight digits: a dash, a dot
# (B2.20160073), 一 (the numeral one is a level stroke, B2一20160073), an underscore or a tilde,
# or nothing (B120195402). Only before eight digits: the old four-four form keeps its hyphens.
_LOST_HYPHEN = rf"(?:[-{_DASHES}]+|[.一_~]|(?=\d{{8}}))"
# ICP证 numbers (京ICP证030173号) and A/B-type numbers: B1-20195402, 京B2-20192917,
# A2.B1.B2-20090003, ISP/ICP闽B1-20160151 and the old cross-regional B2-2004-0851. l/I in the
# code are accepted because OCR prints Bl for B1, and so is a lost or replaced hyphen before the
# eight digits (_LOST_HYPHEN); normalize_license_no repairs both, and drops the space a tool
# prints between the province and the code where the two come in different fonts (苏 B2-20180123),
# and around the letters and digits of an ICP证 number (京 ICP 证 143223 号).
# What OCR prints for the letter of a category code (82- for B2-; patterns/lookalikes.jsonl,
# licence_code): read so only as the number's first code, before its digit and the hyphen and eight digits.
_CODE_LETTERS = {printed: reads[0] for printed, reads in lookalikes("licence_code").items() if reads[0] in "AB"}
_MISREAD_CODE = rf"(?<![-.])[{''.join(map(re.escape, _CODE_LETTERS))}][12](?:\.[AB][12lI])*-\d{{8}}"
LICENSE_NO_RE = re.compile(
    rf"(?<![A-Za-z0-9])(?:[{_PROVINCES}] ?ICP ?证 ?\d{{6,9}}(?!\d)(?: ?号)?"
    rf"|(?:ISP/ICP)?(?:[{_CODE_PROVINCES}] ?)?(?:[AB][12lI](?:\.[AB][12lI])*(?:-+\d{{4}}-\d{{4}}|{_LOST_HYPHEN}\d{{8}})"
    rf"|{_MISREAD_CODE})(?!\d))",
    re.ASCII,  # \d is 0-9 only, not other scripts' digits
)
_MISREAD_CODE_RE = re.compile(rf"(?<![A-Za-z0-9])(?={_MISREAD_CODE}(?!\d))[{''.join(map(re.escape, _CODE_LETTERS))}]", re.ASCII)
_DASHES_RE = re.compile(rf"[-{_DASHES}]+")
# Where a code (B2, A2.B1.B2) meets its eight digits with the hyphen lost or replaced.
_LOST_HYPHEN_RE = re.compile(r"(?<=[AB][12])[.一_~]?(?=\d{8}(?!\d))", re.ASCII)


# What OCR prints for the digit of a category code (Bl for B1), and for the digits after the
# hyphen or 证 (patterns/lookalikes.jsonl, licence_code and licence_number).
_CODE_DIGITS = digit_lookalikes("licence_code")
_CODE_LOOKALIKE_RE = re.compile(rf"(?<=[AB])[{''.join(map(re.escape, _CODE_DIGITS))}]")
_NUMBER_DIGITS = str.maketrans(digit_lookalikes("licence_number"))
_NUMBER_RE = re.compile(rf"(?<=[-证])[0-9{''.join(map(re.escape, digit_lookalikes('licence_number')))}-]+")


def normalize_license_no(text: str | None) -> str | None:
    """A licence number in its printed form with OCR and typing noise removed, or None if empty.

    The 号 after an A/B-type number is a grammatical suffix (川B2-20030065号), while for ICP证
    numbers it is part of the official form (京ICP证030173号), so only the former is dropped.
    """
    t = without_whitespace(nfkc(text))
    t = _DASHES_RE.sub("-", t).rstrip("。.;,:")
    t = _PROVINCE_LOOKALIKE_RE.sub(lambda m: _PROVINCE_LOOKALIKES[m[0]], t)
    t = _MISREAD_CODE_RE.sub(lambda m: _CODE_LETTERS[m[0]], t)
    t = _CODE_LOOKALIKE_RE.sub(lambda m: _CODE_DIGITS[m[0]], t)
    t = _LOST_HYPHEN_RE.sub("-", t)
    t = re.sub(r"-[.,]+(?=\d)|[.,]+-(?=\d)", "-", t)  # a speck beside the hyphen (B1.B2-.20235010)
    t = _NUMBER_RE.sub(lambda m: m[0].translate(_NUMBER_DIGITS), t)
    if t.endswith("号") and "ICP证" not in t:
        t = t[:-1]
    return t or None


def is_license_no(text: str | None) -> bool:
    """Whether the text, once normalised, is exactly one well-formed licence number."""
    t = normalize_license_no(text)
    return bool(t and LICENSE_NO_RE.fullmatch(t))


@dataclass(frozen=True)
class ParsedBusiness:
    code: str
    name: str
    category: str
    service_items: tuple[str, ...]

    @classmethod
    def of_code(cls, code: str, service_items: tuple[str, ...] = ()) -> "ParsedBusiness":
        """The catalogue business of `code`, with these service items."""
        business = BUSINESS_TYPES[code]
        return cls(code, business.name, business.category, tuple(service_items))


_BY_NAME = business_by_name()
_NAMES = sorted(_BY_NAME, key=len, reverse=True)  # longest first: 国内呼叫中心业务 before 呼叫中心业务
_NAME_ALT = "|".join(map(spaced, _NAMES))
# A sub-service may be printed under its parent type (编码和规程转换业务中的互联网域名解析服务业务);
# matching the parent as a prefix keeps that one business rather than two.
_PARENT_ALT = "|".join(
    spaced(n) for b in BUSINESS_TYPES.values() if b.sub_services for n in (b.name, *b.aliases)
)
# On NFKC text; OCR spaces between characters are tolerated.
BUSINESS_NAME_RE = re.compile(
    rf"(?:{spaced('第')}\s*[一二]\s*{spaced('类增值电信业务中的')}\s*)?(?:(?:{_PARENT_ALT})\s*{spaced('中的')}\s*)?(?:{_NAME_ALT})"
)
_BRACKET_RE = re.compile(r"\(([^()]*)\)")
_CODE_RE = re.compile(r"B[12]\d")


def split_service_items(text: str | None) -> list[str]:
    """The items of a 服务项目: line or a bracket after a business name, each cleaned.

    Items are separated by ；;，, (all ASCII after NFKC); 和 inside an item is part of it. A comma
    goes on with an exclusion unless a new restriction starts: `不含A,B` is one item, excluding
    both; `不含A,含B` two.
    """
    t = re.sub(r"^服务项目:?", "", clean_value(text))
    if t.startswith("(") and t.endswith(")"):
        t = t[1:-1]
    items: list[str] = []
    for separator, part in zip([";", *re.findall(r"[;,]", t)], re.split(r"[;,]", t)):
        if not (item := clean_value(part)):
            continue
        if separator == "," and items and EXCLUSION_RE.search(items[-1]) and not RESTRICTION_START_RE.match(item):
            items[-1] += f",{item}"
        else:
            items.append(item)
    return items


def parse_business(text: str | None) -> ParsedBusiness | None:
    """The catalogue business type a printed business names, with its service items, or None.

    The longest catalogue name in the text wins, so a sub-service (国内呼叫中心业务) beats its type
    and becomes a service item. Brackets right after the name hold restrictions (含/不含/仅限);
    a bracketed code such as (B25) is not one. The category is the catalogue's, since licences
    sometimes print it wrongly or not at all.
    """
    t = clean_value(text)
    name = next((n for n in _NAMES if n in t), None)
    if name is None:
        return None
    business = _BY_NAME[name]
    items = [name] if name in business.sub_services else []
    pos = t.index(name) + len(name)
    while m := _BRACKET_RE.match(t, pos):
        if not _CODE_RE.fullmatch(m[1]):
            items += split_service_items(m[1])
        pos = m.end()
    return ParsedBusiness(business.code, business.name, business.category, tuple(items))


def chinese_to_int(text: str | None) -> int | None:
    """An integer written in digits or Chinese numerals (十五, 一百零二, 二〇二一), or None."""
    t = nfkc(text).strip()
    if re.fullmatch(r"[0-9]+", t):
        return int(t)
    value = _cn2an(t, "normal")  # "normal" reads 〇, 两 and 大写, which "strict" rejects
    return int(value) if value is not None and value == int(value) else None


def int_to_chinese(n: int) -> str:
    """n in Chinese numerals as licences number clauses: 十五, not the 一十五 some cn2an versions give."""
    s = cn2an.an2cn(n, "low")
    return s[1:] if s.startswith("一十") else s
