"""Synthetic licences: realistic annotated 增值电信业务经营许可证 texts with their gold records.

Three real licences are too few to train the NER and the span categorizer, so this module writes
licences that vary everything the real ones vary: cross-regional and provincial numbering (old and
new forms, change notes), every business type alone and mixed, service items and coverage in all
their forms, optional fields, shareholder / business / website / annual-inspection pages, the
特别规定事项 with its wording variants, and the OCR/PDF layout noise the real texts carry (markdown,
HTML, page headers and signature blocks cutting clauses, full-width characters, spaced labels,
OCR spaces and letter/digit confusions, duplicated and truncated pages).

Text and annotations are built together: `_Builder` appends text and returns the offsets of what it
appended, so every span is exact by construction and nothing is searched for in the finished text.
Each entity also carries its canonical value (what the gold record holds); the gold record is the
fold of those values in reading order under the record builder's conventions (first value of a
single field wins; service items and coverage belong to the business before them; ID numbers and
ratios to the shareholder before them; a repeated inspection year is read once), so a truncated or
duplicated page yields exactly the record its text supports. The gold values are canonical strings
chosen before rendering, never normalised from the rendered text; the tests check that the record
builder, normalising the rendered text, arrives at the same record.

Clause wording (public regulatory text, labelled) lives in `data/clauses.jsonl`; names, companies,
addresses and ID numbers come from Faker's zh_CN provider, filtered against `data/reserved.jsonl`
(the values of the real seed licences, which must never appear in synthetic text).

Output is a pure function of the seed: `random.Random` and a Faker instance are seeded per document,
there is no global random state, and no set or dict iteration order reaches the text.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from faker import Faker
from faker.providers.address.zh_CN import Provider as _ZhAddress

from ..catalogue import BUSINESS_TYPES
from ..fold import ClauseFinding, Finding, fold
from ..labels import CLAUSE_LABELS
from ..normalize import ParsedBusiness
from ..record import Clause, LicenseRecord, Money
from ..text import PROVINCES
from .annotations import ORIGIN_SYNTHETIC, AnnotatedText, write_annotations

__all__ = ["LAYOUT_TAGS", "SynthSummary", "generate", "generate_one", "doc_seed"]

# Only in licences generated with damaged labels (`generate(..., damaged=…)`): field labels
# that OCR misread (a look-alike character) or that the licence words in a way the rules do not
# know. Values are untouched (offsets after a label shift with its length): what the rules miss
# there, a model that reads the context can still find. It is the "harder layout" the trained
# model is measured on.
DAMAGED_TAG = "damaged_labels"
# Every layout case the generator exercises; meta["layout"] lists those a document shows.
LAYOUT_TAGS: tuple[str, ...] = (
    "markdown", "html", "page_headers", "signature_blocks", "value_next_line", "table_cells",
    "one_line_header", "no_colon", "spaced_labels", "fullwidth", "spaces_in_values", "ocr_confusion",
    "duplicated_page", "truncated_page", "attachment_business_list", "business_table", "website_page",
    "shareholder_table", "inspection_table", "change_note", DAMAGED_TAG,
)  # fmt: skip
# Look-alike characters an OCR engine confuses, for the characters of the field labels.
_LOOKALIKES = dict(zip(
    "公司名称法定代表人注册资本住所发证日期有效至签编号经营许可业务种类覆盖范围服项目网站域接入商器放置地点原",
    "么同各秫去宝伐衣入往删姿木往斫友正曰朗存郊室佥偏弓泾菅评司亚各钟尖复羔苑困眼顶日冈沾城按人啇噐故罝他占厡",
))
# Wordings of a label that patterns/field_labels.jsonl does not list.
_UNSEEN_SYNONYMS = {
    "公司名称": ("持证单位", "被许可单位"),
    "法定代表人": ("法人",),
    "注册资本": ("认缴资本",),
    "注册住所": ("经营场所",),
    "发证日期": ("批准日期", "颁证日期"),
    "有效期至": ("截止日期", "到期日期"),
    "签发人": ("批准人",),
}


def damage_label(name: str, rng: random.Random) -> str:
    """`name` as a damaged licence prints it: an unseen synonym, or one look-alike character."""
    synonyms = _UNSEEN_SYNONYMS.get(name)
    if synonyms and rng.random() < 0.3:
        return rng.choice(synonyms)
    positions = [i for i, char in enumerate(name) if char in _LOOKALIKES]
    if not positions:
        return name
    i = rng.choice(positions)
    return name[:i] + _LOOKALIKES[name[i]] + name[i + 1:]


def doc_seed(seed: int, index: int) -> int:
    """The seed of document `index` of a corpus generated with `seed`."""
    return seed * 100003 + index


# -- package data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ClauseText:
    id: str
    label: str
    text: str  # may hold {authority} (我部 / 我局) and {business} (the section's business name)


@dataclass(frozen=True)
class _Slot:
    clauses: tuple[str, ...]  # alternative wordings; one is drawn
    optional: bool = False
    scope: str | None = None  # "cross": only in cross-regional licences


@lru_cache(maxsize=1)
def _clause_data() -> tuple[dict[str, _ClauseText], dict[str, tuple[_Slot, ...]]]:
    texts: dict[str, _ClauseText] = {}
    sections: dict[str, tuple[_Slot, ...]] = {}
    for line in _data_lines("clauses.jsonl"):
        if line["type"] == "clause":
            if line["label"] not in CLAUSE_LABELS:
                raise ValueError(f"clauses.jsonl: unknown clause label {line['label']!r} ({line['id']})")
            texts[line["id"]] = _ClauseText(line["id"], line["label"], line["text"])
        else:
            sections[line["id"]] = tuple(
                _Slot(tuple(s["clauses"]), s.get("optional", False), s.get("scope")) for s in line["slots"]
            )
    for name, slots in sections.items():
        for slot in slots:
            for clause_id in slot.clauses:
                if clause_id not in texts:
                    raise ValueError(f"clauses.jsonl: section {name} names unknown clause {clause_id!r}")
    return texts, sections


@lru_cache(maxsize=1)
def _reserved() -> tuple[str, ...]:
    return tuple(line["value"] for line in _data_lines("reserved.jsonl"))


def _data_lines(name: str) -> Iterator[dict[str, Any]]:
    text = resources.files("licex.corpus").joinpath("data", name).read_text("utf-8")
    for line in text.splitlines():
        if line.strip():
            yield json.loads(line)


@lru_cache(maxsize=1)
def _faker() -> Faker:
    # One instance, reseeded for every document: creating a Faker is slow, seeding is cheap.
    return Faker("zh_CN")


# -- geography (public administrative names, from Faker's zh_CN address data) --------------------

_PROVINCE_BY_ABBR = {p.abbr: p.name for p in PROVINCES}
_SHORT_NAME = {p.name: p.short for p in PROVINCES}
_ABBRS = tuple(_PROVINCE_BY_ABBR)
# In Faker's order, which the generated licences depend on.
_PROVINCES = tuple(p for p in _ZhAddress.provinces if p in _SHORT_NAME)
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_SHORT_PROVINCES = tuple(_SHORT_NAME[p] for p in _PROVINCES)
_CITIES = tuple(c for c in _ZhAddress.cities if c not in _MUNICIPALITIES)


# -- the text builder ----------------------------------------------------------------------------


@dataclass
class _Event:
    """An entity with the canonical value it contributes to the gold record."""

    start: int
    end: int
    label: str
    value: Any


@dataclass
class _ClauseSpan:
    start: int
    end: int
    label: str
    number: str  # 十五 or 十五(三)
    business_code: str | None


class _Builder:
    """Append-only text with the spans of what was appended."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.events: list[_Event] = []
        self.clauses: list[_ClauseSpan] = []
        self.tags: dict[str, int] = {}  # tag -> first offset where the text exercises it
        self.cuts: list[int] = []  # offsets where a truncated page may end

    def add(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def entity(self, text: str, label: str, value: Any) -> None:
        if not text or text != text.strip():
            raise ValueError(f"entity {label} {text!r} is empty or has edge whitespace")
        start, end = self.add(text)
        self.events.append(_Event(start, end, label, value))

    def tag(self, name: str, at: int | None = None) -> None:
        """Note that the text shows a layout case, here (or at offset `at`)."""
        position = self.length if at is None else at
        self.tags[name] = min(self.tags.get(name, position), position)

    def cut_here(self) -> None:
        self.cuts.append(self.length)

    def mark(self) -> tuple[int, int, int, int]:
        return self.length, len(self.parts), len(self.events), len(self.cuts)

    def repeat_from(self, mark: tuple[int, int, int, int], separator: str) -> None:
        """Append a copy of everything written since `mark` (a page printed twice)."""
        start, part_index, event_index, cut_index = mark
        self.add(separator)
        copied = "".join(self.parts[part_index:-1])
        shift = self.length - start
        events = self.events[event_index:]
        cuts = self.cuts[cut_index:]
        self.add(copied)
        self.events += [_Event(e.start + shift, e.end + shift, e.label, e.value) for e in events]
        self.cuts += [c + shift for c in cuts]

    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True)
class _Ent:
    """An entity segment of a rendered value: printed text, label, canonical value, layout tags it shows."""

    text: str
    label: str
    value: Any
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Tagged:
    """Text that is no entity but shows layout tags (a spaced label, a full-width colon)."""

    text: str
    tags: tuple[str, ...]


Segment = str | _Ent | _Tagged


def _write(b: _Builder, segments: list[Segment]) -> None:
    for segment in segments:
        if isinstance(segment, str):
            b.add(segment)
            continue
        for tag in segment.tags:  # recorded where the text shows them, so truncation keeps tags exact
            b.tag(tag)
        if isinstance(segment, _Ent):
            b.entity(segment.text, segment.label, segment.value)
        else:
            b.add(segment.text)


# -- the licence model ---------------------------------------------------------------------------


@dataclass
class _Biz:
    code: str
    printed: str  # as printed: 第一类增值电信业务中的互联网数据中心业务, 国内呼叫中心业务, ...
    implied: tuple[str, ...]  # a sub-service the printed name names (a service item by itself)
    items: list[str]  # restrictions (含/不含/仅限 …) or named sub-services, canonical
    coverage: str  # canonical
    section_name: str  # the name its 特别规定事项 section header prints

    @property
    def restrictions_only(self) -> bool:
        return all(re.match(r"(?:不含|含|仅限)", item) for item in self.items)


@dataclass
class _Number:
    canonical: str  # the record's form: B1-20195402, 京ICP证030173号, B2-2004-0851
    printed_suffix: str = ""  # 号 after an A/B-type number


@dataclass
class _Licence:
    cross: bool
    abbr: str | None  # province abbreviation of a provincial licence
    number: _Number
    previous: _Number | None
    first_year: int
    company: str
    legal_rep: str
    capital: tuple[int, str, str] | None  # amount, currency, printed
    address: str | None
    businesses: list[_Biz]
    signer: str | None
    issue: dt.date
    expiry: dt.date
    website: dict[str, str] | None
    shareholders: list[tuple[str, str, str]]  # name, id, ratio (canonical)
    inspections: list[tuple[int, str, dt.date, str]]  # year, result, date, kind (年检 / 年报)

    @property
    def authority(self) -> str:
        """Who issued the licence: the ministry (信息产业部 until 2008) or a provincial administration."""
        if not self.cross:
            return f"{_PROVINCE_BY_ABBR[self.abbr]}通信管理局"
        return "工业和信息化部" if self.issue.year >= 2008 else "信息产业部"


# -- sampling ------------------------------------------------------------------------------------

_BUSINESS_WEIGHTS = {
    "B11": 10, "B12": 6, "B13": 5, "B14": 8, "B21": 9, "B22": 5, "B23": 4, "B24": 6, "B25": 12, "B26": 4,
}  # fmt: skip
_ITEM_CHOICES: dict[str, list[list[str]]] = {
    "B11": [["不含互联网资源协作服务"], ["含互联网资源协作服务"], ["仅限互联网资源协作服务"], ["互联网资源协作服务"], []],
    "B12": [[]],
    "B13": [[]],
    "B14": [["不含网站接入"], ["含网站接入"], ["仅限网站接入"], ["网站接入"], []],
    "B21": [["仅限经营类电子商务"], ["不含网络借贷信息中介类的互联网金融业务"], ["交易处理业务"],
            ["电子数据交换业务"], ["网络/电子设备数据处理业务"], ["交易处理业务", "电子数据交换业务"], []],
    "B22": [["国内多方电话会议服务业务"], ["国内可视电话会议服务业务"], ["国内互联网会议电视及图像服务业务"],
            ["国内多方电话会议服务业务", "国内可视电话会议服务业务"], []],
    "B23": [["语音信箱"], ["电子邮件"], ["传真存储转发"], ["仅限电子邮件"], ["语音信箱", "电子邮件"], []],
    "B24": [["国内呼叫中心业务"], ["离岸呼叫中心业务"], ["国内呼叫中心业务", "离岸呼叫中心业务"], ["仅限国内呼叫中心业务"], []],
    "B25": [["仅限互联网信息服务"], ["不含互联网信息服务"], ["不含固定网电话信息服务和互联网信息服务"],
            ["不含固定网电话信息服务"], ["互联网信息服务"], ["仅限互联网信息服务", "不含信息搜索查询服务"],
            ["信息发布平台和递送服务", "信息搜索查询服务"], ["信息即时交互服务"], []],
    "B26": [["互联网域名解析服务业务"], []],
}  # fmt: skip
_ALIASES = {"B11": "因特网数据中心业务", "B13": "互联网虚拟专用网业务", "B14": "因特网接入服务业务"}
_CAPITAL_WAN = (100, 200, 300, 500, 600, 800, 1000, 1000, 1000, 1050, 1200, 1500, 2000, 3000, 4000, 5000, 10000, 12000)
_RESULTS = ("合格",) * 30 + ("不合格",)


class _Sampler:
    def __init__(self, rng: random.Random, fake: Faker) -> None:
        self.rng = rng
        self.fake = fake

    def draw(self, make: Callable[[], str]) -> str:
        """A Faker value that contains no value of the real licences."""
        reserved = _reserved()
        for _ in range(50):
            value = make()
            if not any(r in value for r in reserved):
                return value
        raise RuntimeError("Faker keeps producing reserved values")

    def name(self) -> str:
        return self.draw(self.fake.name)

    def company(self) -> str:
        return self.draw(self.fake.company)

    def licensee(self, abbr: str | None) -> str:
        """The licence holder's registered name. Most carry their region before the trade name
        (北京蓝汛通信技术有限公司, as the real licences do); Faker's companies never do."""
        rng = self.rng
        if rng.random() < 0.35:
            return self.company()
        if abbr is not None and rng.random() < 0.6:
            region = _SHORT_NAME[_PROVINCE_BY_ABBR[abbr]]
        else:
            region = rng.choice((*_MUNICIPALITIES, *_MUNICIPALITIES, *_SHORT_PROVINCES, *_CITIES))
        if rng.random() < 0.2:
            region += "市" if region in _MUNICIPALITIES or region in _CITIES else "省"
        return self.draw(lambda: region + self.fake.company())

    def address(self) -> str:
        return self.draw(lambda: self.fake.address().rsplit(" ", 1)[0].replace(" ", ""))

    def ssn(self) -> str:
        return self.draw(self.fake.ssn)

    def licence(self) -> _Licence:
        rng = self.rng
        cross = rng.random() < 0.6
        abbr = None if cross else rng.choice(_ABBRS)
        businesses = self.businesses(cross, abbr)
        first_year = rng.randint(2002, 2023)
        issue_year = min(2024, first_year + rng.choice((0, 0, 1, 2, 3, 5, 5, 8, 10, 12)))
        issue = dt.date(issue_year, rng.randint(1, 12), rng.randint(1, 28))
        if issue_year > first_year and rng.random() < 0.3:  # a re-issued licence keeps its expiry
            expiry = dt.date(first_year + 5 * ((issue_year - first_year) // 5 + 1), rng.randint(1, 12), rng.randint(1, 28))
        else:
            expiry = issue.replace(year=issue.year + 5) - dt.timedelta(days=rng.choice((0, 0, 1)))
        number = self.number(cross, abbr, businesses, first_year)
        previous = self.previous_number(cross, abbr, businesses, first_year) if rng.random() < 0.18 else None
        company = self.licensee(abbr)
        capital = self.capital() if rng.random() < 0.7 else None
        website = None
        if any(b.code == "B25" for b in businesses) and rng.random() < 0.45:
            domain = self.draw(self.fake.domain_name)
            website = {
                "name": self.draw(self.fake.company_prefix) + rng.choice(("网", "在线", "商城", "官网", "云平台")),
                "domain": ("www." if rng.random() < 0.6 else "") + domain,
                "server_location": rng.choice(_PROVINCES) + (rng.choice(_CITIES) + "市" if rng.random() < 0.4 else ""),
                "access_provider": self.company(),
            }
        shareholders = self.shareholders() if rng.random() < 0.35 else []
        inspections = self.inspections(first_year, issue_year) if rng.random() < 0.4 else []
        return _Licence(
            cross=cross, abbr=abbr, number=number, previous=previous, first_year=first_year, company=company,
            legal_rep=self.name(), capital=capital, address=self.address() if rng.random() < 0.7 else None,
            businesses=businesses, signer=self.name() if rng.random() < 0.6 else None, issue=issue, expiry=expiry,
            website=website, shareholders=shareholders, inspections=inspections,
        )  # fmt: skip

    def businesses(self, cross: bool, abbr: str | None) -> list[_Biz]:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4, 5), weights=(40, 25, 17, 10, 8))[0]
        codes: list[str] = []
        pool = list(_BUSINESS_WEIGHTS)
        while len(codes) < count:
            code = rng.choices(pool, weights=[_BUSINESS_WEIGHTS[c] for c in pool])[0]
            pool.remove(code)
            codes.append(code)
        codes.sort()  # licences list the catalogue order
        return [self.business(code, cross, abbr) for code in codes]

    def business(self, code: str, cross: bool, abbr: str | None) -> _Biz:
        rng = self.rng
        btype = BUSINESS_TYPES[code]
        items = list(rng.choice(_ITEM_CHOICES[code]))
        name = btype.name
        implied: tuple[str, ...] = ()
        roll = rng.random()
        if code in _ALIASES and roll < 0.1:
            name = _ALIASES[code]
        elif btype.sub_services and roll < 0.35:
            sub = rng.choice(btype.sub_services)
            name = sub if rng.random() < 0.6 or code != "B26" else f"{btype.name}中的{sub}"
            implied = (sub,)
            # a licence printing one sub-service names no other as an item
            items = [i for i in items if not any(other in i for other in btype.sub_services)]
        prefix = f"{btype.category}中的" if rng.random() < 0.6 else ""
        section_name = implied[0] if implied and rng.random() < 0.7 else btype.name
        return _Biz(code, prefix + name, implied, items, self.coverage(code, cross, abbr), section_name)

    def coverage(self, code: str, cross: bool, abbr: str | None) -> str:
        rng = self.rng
        if not cross:
            province = _PROVINCE_BY_ABBR[abbr]
            return f"机房所在地为{province}" if code == "B11" and rng.random() < 0.4 else province
        roll = rng.random()
        if code == "B11":
            if roll < 0.15:
                return "全国"
            room = rng.random() < 0.85
            body = self.city_list() if rng.random() < 0.5 else self.municipalities_and_cities()
            return ("机房所在地为" if room else "") + body
        national = {"B12": 0.55, "B13": 0.5, "B14": 0.25}.get(code, 0.8)
        if roll < national:
            return "全国"
        if rng.random() < 0.5:
            return self.province_list()
        return self.municipalities_and_cities()

    def city_list(self) -> str:
        names = self.rng.sample(_MUNICIPALITIES + _CITIES[:40], self.rng.randint(1, 6))
        return "、".join(names)

    def municipalities_and_cities(self) -> str:
        rng = self.rng
        munis = [m for m in _MUNICIPALITIES if rng.random() < 0.6] or ["北京"]
        cities = rng.sample(_CITIES, rng.randint(1, 14))
        return f"{'、'.join(munis)}{len(munis)}直辖市以及{'、'.join(cities)}{len(cities)}城市"

    def province_list(self) -> str:
        rng = self.rng
        indices = sorted(rng.sample(range(len(_SHORT_PROVINCES)), rng.randint(2, 24)))
        names = [_SHORT_PROVINCES[i] for i in indices]
        if all(n in _MUNICIPALITIES for n in names):
            kind = "直辖市"
        elif any(_PROVINCES[i].endswith("自治区") for i in indices):
            kind = "省(自治区、直辖市)"
        elif any(n in _MUNICIPALITIES for n in names):
            kind = "省(直辖市)"
        else:
            kind = "省"
        return f"{'、'.join(names)}{len(names)}{kind}"

    def number(self, cross: bool, abbr: str | None, businesses: list[_Biz], year: int) -> _Number:
        rng = self.rng
        categories = sorted({b.code[:2] for b in businesses})
        serial = self.serial()
        if cross:
            if year <= 2005 and rng.random() < 0.6:  # the old cross-regional form
                return _Number(f"{categories[0]}-{year}-{serial[:4]}", "号" if rng.random() < 0.5 else "")
            prefix = ".".join(categories) if len(categories) == 1 or rng.random() < 0.8 else categories[0]
            return _Number(f"{prefix}-{year}{serial}", "号" if rng.random() < 0.1 else "")
        if year <= 2010 and [b.code for b in businesses] == ["B25"] and rng.random() < 0.6:
            return _Number(f"{abbr}ICP证{year % 100:02d}{serial}号")
        prefix = ".".join(categories) if rng.random() < 0.8 else categories[-1]
        return _Number(f"{abbr}{prefix}-{year}{serial}", "号" if rng.random() < 0.1 else "")

    def previous_number(self, cross: bool, abbr: str | None, businesses: list[_Biz], year: int) -> _Number:
        old_year = max(2001, year - self.rng.randint(1, 6))
        if cross and self.rng.random() < 0.3:  # provincial licence replaced by a cross-regional one
            return self.number(False, self.rng.choice(_ABBRS), businesses, old_year)
        return self.number(cross, abbr, businesses, old_year)

    def serial(self) -> str:
        reserved = _reserved()
        while True:
            serial = f"{self.rng.randint(1, 9999):04d}"
            if not any(serial in r for r in reserved if r.isdigit()):
                return serial

    def capital(self) -> tuple[int, str, str]:
        rng = self.rng
        wan = rng.choice(_CAPITAL_WAN)
        if rng.random() < 0.05:
            currency, word = rng.choice((("USD", "美元"), ("HKD", "港元")))
            printed = rng.choice((f"{word}{wan}万元", f"{wan}万{word}"))
            return wan * 10000, currency, printed
        daxie = _daxie(wan * 10000)
        printed = rng.choice((
            f"人民币{daxie}元", f"人民币{daxie}元", f"{wan}万元", f"{daxie}元整", f"人民币{wan}万元", f"{wan}万元人民币",
        ))  # fmt: skip
        return wan * 10000, "CNY", printed

    def shareholders(self) -> list[tuple[str, str, str]]:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4, 5), weights=(15, 35, 25, 15, 10))[0]
        rows = []
        for ratio in _ratios(rng, count):
            if rng.random() < 0.3:
                rows.append((self.company(), self.credit_code(), ratio))
            else:
                rows.append((self.name(), self.ssn(), ratio))
        return rows

    def credit_code(self) -> str:
        """An 18-character unified social credit code (GB 32100-2015) with a valid check character."""
        rng = self.rng
        region = self.ssn()[:6]
        body = "91" + region + "".join(rng.choice(_USCC_CHARS[:10] if i < 2 else _USCC_CHARS) for i in range(9))
        total = sum(_USCC_CHARS.index(c) * w for c, w in zip(body, _USCC_WEIGHTS))
        return body + _USCC_CHARS[(31 - total % 31) % 31]

    def inspections(self, first_year: int, issue_year: int) -> list[tuple[int, str, dt.date, str]]:
        rng = self.rng
        last = min(issue_year, 2023) - 1
        if last < first_year:
            return []
        start = max(first_year, last - rng.randint(2, 15))
        entries = []
        for year in range(start, last + 1):
            if rng.random() < 0.08:
                continue  # a year the licence holder did not take part
            kind = "年检" if year <= 2016 else "年报"
            date = dt.date(year + 1, rng.randint(3, 8), rng.randint(1, 28))
            entries.append((year, rng.choice(_RESULTS), date, kind))
        return entries


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _ratios(rng: random.Random, count: int) -> list[str]:
    """Share ratios summing to exactly 100%, some with decimals."""
    if count == 1:
        return ["100%"]
    decimals = rng.random() < 0.3
    unit = 100 if decimals else 1  # hundredths of a percent, or whole percent
    total = 100 * unit
    cuts = sorted(rng.sample(range(1, total), count - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    parts.sort(reverse=True)
    if decimals:
        return [f"{p // 100}.{p % 100:02d}%".replace(".00%", "%") for p in parts]
    return [f"{p}%" for p in parts]


_DAXIE_DIGITS = "零壹贰叁肆伍陆柒捌玖"


def _daxie(amount: int) -> str:
    """An amount of yuan in financial numerals (大写): 40000000 -> 肆仟万, 120000000 -> 壹亿贰仟万."""

    def below_10000(n: int) -> str:
        out = ""
        zero = False
        for unit_value, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
            digit = n // unit_value % 10
            if digit:
                out += ("零" if zero and out else "") + _DAXIE_DIGITS[digit] + unit
                zero = False
            else:
                zero = True
        return out

    yi, rest = divmod(amount, 10**8)
    wan, units = divmod(rest, 10**4)
    out = below_10000(yi) + "亿" if yi else ""
    if wan:
        out += ("零" if yi and wan < 1000 else "") + below_10000(wan) + "万"
    if units:
        out += ("零" if (yi or wan) and units < 1000 else "") + below_10000(units)
    return out or "零"


# -- rendering -----------------------------------------------------------------------------------

_FULLWIDTH = str.maketrans({**{chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}})
_TO_ASCII_PUNCT = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})
_CJK_CHAR_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff]")
_CN_DIGITS = "〇一二三四五六七八九"


def _cn_numeral(n: int) -> str:
    """1..99 as a clause number: 十五, 二十."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def _cn_month_day(n: int) -> str:
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else _CN_DIGITS[tens]) + "十" if tens else "") + (_CN_DIGITS[ones] if ones else "")


@dataclass
class _Style:
    fmt: str  # plain | markdown | html
    para: str  # what ends a paragraph in plain and markdown text
    header: str  # lines | one_line | table
    colon: str  # the label separator most fields use
    spaced_labels: float
    fullwidth: float
    ocr_spaces: float
    value_next_line: float
    page_headers: bool
    signature_blocks: bool
    split_clauses: float
    punct: str  # full | ascii | ascii_spaced | mixed
    sub_brackets: str  # ascii | full
    page_chars: int
    ocr: set[str] = field(default_factory=set)  # which OCR confusions to apply: number, year, clause


class _Renderer:
    def __init__(self, rng: random.Random, sampler: _Sampler, lic: _Licence) -> None:
        self.rng = rng
        self.sampler = sampler
        self.lic = lic
        self.b = _Builder()
        self.pending: list[str] = []  # tags of the value being rendered, attached to its entity
        self.style = self._style()
        self.business_layout = self._business_layout()
        self.change_note_at_end = rng.random() < 0.7
        # Set for a licence with damaged labels (see `label`).
        self.damage: random.Random | None = None

    # -- style -----------------------------------------------------------------------------------

    def _style(self) -> _Style:
        rng = self.rng
        fmt = rng.choices(("plain", "markdown", "html"), weights=(55, 25, 20))[0]
        header = rng.choices(("lines", "one_line", "table"), weights=(74, 12, 14))[0]
        colon = rng.choices((":", ": ", "：", " ", "  "), weights=(40, 20, 20, 10, 10))[0]
        if header == "one_line" and colon in (" ", "  "):
            colon = ":"
        ocr = set()
        if rng.random() < 0.2:
            ocr = {c for c in ("number", "year", "clause") if rng.random() < 0.6} or {"clause"}
        page_headers = rng.random() < 0.75
        return _Style(
            fmt=fmt,
            para=rng.choice(("\n\n", "\n\n", "\n")),
            header=header,
            colon=colon,
            spaced_labels=rng.choice((0.0, 0.0, 0.0, 0.5)),
            fullwidth=rng.choice((0.0, 0.0, 0.0, 0.3, 0.7)),
            ocr_spaces=rng.choice((0.0, 0.0, 0.3, 0.7)),
            value_next_line=rng.choice((0.0, 0.0, 0.3, 0.6)) if header == "lines" else 0.0,
            page_headers=page_headers,
            signature_blocks=page_headers and rng.random() < 0.6,
            split_clauses=rng.choice((0.2, 0.5, 0.8)),
            punct=rng.choice(("full", "ascii", "ascii_spaced", "mixed")),
            sub_brackets=rng.choice(("ascii", "ascii", "full")),
            page_chars=rng.randint(700, 1300),
            ocr=ocr,
        )

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def note(self, tag: str) -> None:
        """A layout tag of the value being rendered: it goes with the value's entity (see `ent`)."""
        self.pending.append(tag)

    def flush(self) -> None:
        """Tags of rendered text that is no entity are recorded at once."""
        for tag in self.pending:
            self.b.tag(tag)
        self.pending.clear()

    def ent(self, text: str, label: str, value: Any) -> _Ent:
        segment = _Ent(text, label, value, tuple(self.pending))
        self.pending.clear()
        return segment

    # -- paragraphs and headings -----------------------------------------------------------------

    def par(self, *segments: Segment) -> None:
        """One paragraph (a line of the page)."""
        b = self.b
        self.flush()
        if self.style.fmt == "html":
            b.tag("html")
            b.add("<p>")
            _write(b, list(segments))
            b.add("</p>\n")
        else:
            _write(b, list(segments))
            b.add(self.style.para)

    def heading(self, text: str, level: int = 2) -> None:
        if self.style.fmt == "markdown":
            self.b.tag("markdown")
            self.par("#" * level + " " + text)
        elif self.style.fmt == "html" and self.chance(0.5):
            self.b.tag("html")
            self.b.add(f"<h{level}>{text}</h{level}>\n")
        else:
            self.par(text)

    def label(self, name: str) -> Segment:
        spaced = len(name) > 2 and self.chance(self.style.spaced_labels)
        # Damage draws from its own generator after the clean draws, so a damaged licence is its
        # clean twin (same seed) but for the labels.
        if self.damage is not None and self.damage.random() < 0.5:
            damaged = damage_label(name, self.damage)
            if damaged != name:
                return _Tagged(damaged, (DAMAGED_TAG,))
        if spaced:
            return _Tagged(" ".join(name), ("spaced_labels",))
        return name

    def colon(self, allow_space: bool = True, value_follows: bool = True) -> Segment:
        """The separator after a label: the document's colon, or spaces (no_colon) where allowed."""
        colon = self.style.colon
        if not allow_space and not colon.strip():
            colon = ":"
        if not value_follows:
            colon = colon.strip()
        elif self.style.fmt == "html" and colon.strip() and self.chance(0.3):
            colon = colon.strip() + "&nbsp;"
        if not colon.strip():
            return _Tagged(colon, ("no_colon",))
        if "：" in colon:
            return _Tagged(colon, ("fullwidth",))
        return colon

    # -- values ----------------------------------------------------------------------------------

    def spaced(self, text: str, per_char: float = 0.25) -> str:
        """OCR spaces inside a value, only where a CJK character is on one side (clean_value removes them)."""
        if not self.chance(self.style.ocr_spaces):
            return text
        out = [text[0]]
        for prev, char in zip(text, text[1:]):
            if (_CJK_CHAR_RE.match(prev) or _CJK_CHAR_RE.match(char)) and self.rng.random() < per_char:
                out.append(" ")
            out.append(char)
        result = "".join(out)
        if result != text:
            self.note("spaces_in_values")
        return result

    def wide(self, text: str) -> str:
        """Full-width digits, letters and brackets, as OCR of Chinese documents often gives."""
        if not self.chance(self.style.fullwidth):
            return text
        self.note("fullwidth")
        return text.translate(_FULLWIDTH)

    def person(self, name: str) -> str:
        if len(name) == 2 and self.chance(self.style.ocr_spaces):
            self.note("spaces_in_values")
            return f"{name[0]} {name[1]}"
        return self.spaced(name, 0.15)

    def date(self, date: dt.date, noisy: bool = True) -> str:
        """A date as licences print it; `noisy` lets OCR noise in (spaces, full width, O for 0)."""
        rng = self.rng
        y, m, d = date.year, date.month, date.day
        form = rng.choices(("pad", "plain", "gap", "spaced", "chinese"), weights=(40, 25, 15, 15 * noisy, 5))[0]
        if form == "chinese":
            return "".join(_CN_DIGITS[int(c)] for c in str(y)) + f"年{_cn_month_day(m)}月{_cn_month_day(d)}日"
        year = str(y)
        if noisy and "year" in self.style.ocr and "0" in year and self.chance(0.5):
            self.note("ocr_confusion")
            year = year.replace("0", "O", 1)
        if form == "pad":
            text = f"{year}年{m:02d}月{d:02d}日"
        elif form == "plain":
            text = f"{year}年{m}月{d}日"
        elif form == "gap":
            text = f"{year}年 {m:02d}月 {d:02d}日"
        else:
            self.note("spaces_in_values")
            text = f"{year} 年 {m:02d} 月 {d:02d} 日" if self.chance(0.5) else f"{year} 年 {m} 月 {d} 日"
        return self.wide(text) if noisy else text

    def number(self, number: _Number) -> list[Segment]:
        text = number.canonical
        if "number" in self.style.ocr and "B1" in text and self.chance(0.6):
            self.note("ocr_confusion")
            text = text.replace("B1", "Bl", 1)
        elif self.chance(self.style.fullwidth * 0.3):
            self.note("fullwidth")
            text = text.translate(_FULLWIDTH)
        return [self.ent(text, "LICENSE_NO", number.canonical), number.printed_suffix]

    def coverage(self, coverage: str, allow_break: bool = False) -> str:
        text = coverage
        if self.chance(self.style.ocr_spaces):
            spaced = re.sub(r"(?<=\D)(\d+)", r" \1 ", text)  # 北京、上海 2 直辖市 (OCR spaces the counts)
            if spaced != text:
                self.note("spaces_in_values")
                text = spaced.strip()
        if allow_break and len(text) > 30 and self.chance(0.3):
            commas = [m.end() for m in re.finditer("、", text)]
            if commas:
                self.note("spaces_in_values")
                at = self.rng.choice(commas)
                text = text[:at] + "\n" + text[at:]
        if "(" in text and self.chance(self.style.fullwidth):
            self.note("fullwidth")
            text = text.replace("(", "（").replace(")", "）")
        return text

    def bracket(self, item: str) -> list[Segment]:
        if self.chance(self.style.fullwidth):
            self.note("fullwidth")
            return ["（", self.ent(item, "SERVICE_ITEM", item), "）"]
        return ["(", self.ent(item, "SERVICE_ITEM", item), ")"]

    def item_list(self, items: list[str]) -> list[Segment]:
        separator = self.rng.choice((";", "；", "; "))
        segments: list[Segment] = []
        for i, item in enumerate(items):
            if i:
                segments.append(separator)
            segments.append(self.ent(item, "SERVICE_ITEM", item))
        return segments

    def business(self, biz: _Biz, with_brackets: bool) -> list[Segment]:
        segments: list[Segment] = [self.ent(self.spaced(biz.printed, 0.04), "BUSINESS", (biz.code, biz.implied))]
        if with_brackets:
            for item in biz.items:
                segments += self.bracket(item)
        return segments

    # -- the document ----------------------------------------------------------------------------

    def render(self) -> None:
        lic, b = self.lic, self.b
        mark = b.mark()
        self.front_page()
        if self.chance(0.08):
            b.tag("duplicated_page")
            b.repeat_from(mark, "\n" if self.style.fmt == "html" else self.style.para)
        if lic.shareholders:
            self.shareholder_page()
        if self.business_layout in ("attachment_business_list", "business_table"):
            self.business_page()
        if lic.website:
            self.website_page()
        self.special_provisions()
        if lic.previous is not None and self.change_note_at_end:
            b.tag("change_note")
            self.par(*self.change_note())
        if lic.inspections:
            self.inspection_pages()

    def page_header(self, number: _Number | None = None) -> None:
        """The 经营许可证编号 line that heads every page."""
        label = self.label("经营许可证编号")
        self.par(label, self.colon(allow_space=False), *self.number(number or self.lic.number))

    # -- front page ------------------------------------------------------------------------------

    def front_page(self) -> None:
        lic, rng = self.lic, self.rng
        title = rng.choice(("中华人民共和国 增值电信业务经营许可证", "中华人民共和国增值电信业务经营许可证"))
        if lic.cross and self.chance(0.2):
            title = "中华人民共和国跨地区增值电信业务经营许可证"
        self.heading(title, 1)
        self.page_header()
        if lic.previous is not None and not self.change_note_at_end:
            self.b.tag("change_note")
            self.par(self.label("原经营许可证编号"), self.colon(False), *self.previous_number())
        kind = "跨地区增值电信业务经营许可证" if lic.cross else "增值电信业务经营许可证"
        self.par(self.preamble_punct(
            "根据《中华人民共和国电信条例》及国家有关规定，经审查，准许你公司按照本经营许可证（正文和附件）"
            f"载明的内容经营增值电信业务，特颁发{kind}。"
        ))
        self.b.cut_here()
        fields = self.front_fields()
        if self.style.header == "one_line":
            self.one_line(fields)
        elif self.style.header == "table":
            self.table_fields(fields)
        else:
            for name, segments in fields:
                self.field_line(name, segments)
        if self.chance(0.3):
            self.par(f"发证机关：{'中华人民共和国' if lic.cross else ''}{lic.authority}（盖章）")

    def _business_layout(self) -> str:
        lic, rng = self.lic, self.rng
        n = len(lic.businesses)
        named = not all(b.restrictions_only for b in lic.businesses)
        options = ["attachment_business_list", "business_table"]
        weights = [3, 2]
        if self.style.header == "one_line":
            options += ["inline"] if n == 1 else []
            weights += [6] if n == 1 else []
        elif self.style.header == "table":
            options += ["rows"]
            weights += [6 if n <= 3 else 1]
        else:
            if n <= 3 and not named:
                options.append("two_column")
                weights.append(4)
            if n <= 3:
                options.append("inline")
                weights.append(6 if n == 1 else 2)
        return rng.choices(options, weights=weights)[0]

    def front_fields(self) -> list[tuple[str, list[Segment]]]:
        lic = self.lic
        fields: list[tuple[str, list[Segment]]] = [
            ("公司名称", [self.ent(self.spaced(lic.company, 0.08), "COMPANY", lic.company)]),
            ("法定代表人", [self.ent(self.person(lic.legal_rep), "LEGAL_REP", lic.legal_rep)]),
        ]
        if lic.capital is not None:
            amount, currency, printed = lic.capital
            fields.append(("注册资本", [self.ent(self.wide(self.spaced(printed, 0.1)), "CAPITAL", (amount, currency))]))
        if lic.address is not None:
            fields.append((self.rng.choice(("注册住所", "注册住所", "注册地址")),
                           [self.ent(self.spaced(lic.address, 0.06), "ADDRESS", lic.address)]))
        fields.append(("@business", []))
        if lic.signer is not None:
            fields.append(("签发人", [self.ent(self.person(lic.signer), "SIGNER", lic.signer)]))
        elif self.chance(0.3):
            fields.append(("签发人", []))
        fields.append(("发证日期", [self.ent(self.date(lic.issue), "ISSUE_DATE", lic.issue)]))
        fields.append(("有效期至", [self.ent(self.date(lic.expiry), "EXPIRY_DATE", lic.expiry)]))
        return fields

    def field_line(self, name: str, segments: list[Segment]) -> None:
        if name == "@business":
            self.business_lines()
            return
        label = self.label(name)
        if not segments:
            self.par(label, ":")
            self.b.cut_here()
            return
        if self.chance(self.style.value_next_line):
            self.b.tag("value_next_line")
            colon = self.colon(False, value_follows=False)
            if self.style.fmt == "html" and self.chance(0.5):
                self.par(label, colon, "<br>", *segments)
            else:
                self.par(label, colon)
                self.par(*segments)
        else:
            self.par(label, self.colon(), *segments)
        self.b.cut_here()

    def one_line(self, fields: list[tuple[str, list[Segment]]]) -> None:
        self.b.tag("one_line_header")
        line: list[Segment] = []
        gap = self.rng.choice(("  ", " ", "   ", "\t"))
        for name, segments in fields:
            if name == "@business":
                parts = self.business_one_line()
            elif segments:
                parts = [self.label(name), self.colon(False), *segments]
            else:
                continue
            if line:
                line.append(gap)
            line += parts
        self.par(*line)
        self.b.cut_here()

    def business_one_line(self) -> list[Segment]:
        if self.business_layout != "inline":
            return [self.label("业务种类"), self.colon(False), "(见附页)", "  ", self.label("业务覆盖范围"),
                    self.colon(False), "(见附页)"]
        biz = self.lic.businesses[0]
        segments = [self.label("业务种类"), self.colon(False), *self.business(biz, biz.restrictions_only), "  "]
        if not biz.restrictions_only:  # named sub-services are no bracketed restriction
            segments += [self.label("服务项目"), self.colon(False), *self.item_list(biz.items), "  "]
        return segments + [self.label("业务覆盖范围"), self.colon(False),
                           self.ent(self.coverage(biz.coverage), "COVERAGE", biz.coverage)]

    def table_fields(self, fields: list[tuple[str, list[Segment]]]) -> None:
        """Labels and values in adjacent cells: tab-separated, markdown or HTML table rows."""
        b = self.b
        b.tag("table_cells")
        rows: list[tuple[str, list[Segment]]] = []
        for name, segments in fields:
            if name != "@business":
                rows.append((name, segments))
                continue
            if self.business_layout == "rows":
                for biz in self.lic.businesses:
                    restr = biz.restrictions_only
                    rows.append(("业务种类", self.business(biz, restr)))
                    if biz.items and not restr:
                        rows.append(("服务项目", self.item_list(biz.items)))
                    rows.append(("业务覆盖范围", [self.ent(self.coverage(biz.coverage), "COVERAGE", biz.coverage)]))
            else:
                rows += [("业务种类", ["(见附页)"]), ("业务覆盖范围", ["(见附页)"])]
        self.table([[self.label(name), segments] for name, segments in rows], header=False)

    def table(self, rows: list[list[Any]], header: bool) -> None:
        """A table whose cells are strings or segment lists; the first row is a header when `header`."""
        b, fmt = self.b, self.style.fmt
        if fmt == "html":
            b.tag("html")
            b.add("<table>")
            for row in rows:
                b.add("<tr>")
                for cell in row:
                    b.add("<td>")
                    _write(b, cell if isinstance(cell, list) else [cell])
                    b.add("</td>")
                b.add("</tr>\n")
                b.cut_here()
            b.add("</table>\n")
            return
        if fmt == "markdown":
            b.tag("markdown")
            for i, row in enumerate(rows):
                b.add("| ")
                for j, cell in enumerate(row):
                    if j:
                        b.add(" | ")
                    _write(b, cell if isinstance(cell, list) else [cell])
                b.add(" |\n")
                if i == 0:
                    b.add("|" + "---|" * len(row) + "\n")
                b.cut_here()
            b.add("\n")
            return
        separator = "\t" if self.chance(0.8) else "    "
        for row in rows:
            for j, cell in enumerate(row):
                if j:
                    b.add(separator)
                _write(b, cell if isinstance(cell, list) else [cell])
            b.add("\n")
            b.cut_here()
        b.add("\n" if self.style.para == "\n\n" else "")

    def business_lines(self) -> None:
        layout = self.business_layout
        lic = self.lic
        if layout in ("attachment_business_list", "business_table"):
            self.par(self.label("业务种类"), self.colon(False), "(见附页)")
            self.par(self.label("业务覆盖范围"), self.colon(False), "(见附页)")
            if self.chance(0.5):
                self.par("(服务项目)")
            self.b.cut_here()
            return
        if layout == "two_column":
            self.two_column()
            return
        for biz in lic.businesses:  # inline: 业务种类 / 业务覆盖范围 pairs
            brackets = biz.restrictions_only
            if brackets and biz.items and self.chance(0.4):
                # the restriction on the line below the business (as the seeds print it)
                self.par(self.label("业务种类"), self.colon(), *self.business(biz, False))
                self.par(*[s for item in biz.items for s in self.bracket(item)])
            else:
                self.par(self.label("业务种类"), self.colon(), *self.business(biz, brackets))
                if biz.items and not brackets:
                    self.par(self.label("服务项目"), self.colon(), *self.item_list(biz.items))
            self.par(self.label("业务覆盖范围"), self.colon(),
                     self.ent(self.coverage(biz.coverage), "COVERAGE", biz.coverage))
            if len(lic.businesses) == 1 and self.chance(0.4):
                self.par("(服务项目)")
            self.b.cut_here()

    def two_column(self) -> None:
        """The 业务种类 (服务项目) 及覆盖范围 table flattened by OCR: labels and values interleave."""
        values: list[list[Segment]] = []
        for biz in self.lic.businesses:
            values.append(self.business(biz, True))
            values.append([self.ent(self.coverage(biz.coverage), "COVERAGE", biz.coverage)])
        labels = ["业务种类 ", "(服务项目) ", "及覆盖范围: "]
        for i, value in enumerate(values):
            self.par(labels[i] if i < len(labels) else "", *value, "  " if self.style.fmt != "html" else "")
        self.b.cut_here()

    # -- 附页 ------------------------------------------------------------------------------------

    def attachment_title(self) -> None:
        self.page_header()
        title = "中华人民共和国增值电信业务经营许可证"
        if self.chance(0.5):
            self.heading(title + " (附 页)")
        else:
            self.heading(title)
            self.par("(附 页)")

    def mention(self) -> str:
        """The company as running text names it (not annotated; sometimes a longer legal form)."""
        company = self.lic.company
        if company.endswith("有限公司") and self.chance(0.2):
            return company[: -len("有限公司")] + "有限责任公司"
        return company

    def shareholder_page(self) -> None:
        b, lic = self.b, self.lic
        b.tag("shareholder_table")
        self.attachment_title()
        self.par(f"{self.mention()}股东的基本情况及其出资比例如下：")
        header = [self.rng.choice(("股东姓名（名称）", "股东名称", "股东姓名(名称)")), "证照号码", "出资比例"]
        rows: list[list[Any]] = [header]
        for name, id_number, ratio in lic.shareholders:
            rows.append([
                [self.ent(self.spaced(name, 0.05), "SHAREHOLDER", name)],
                [self.ent(self.wide(id_number), "SHAREHOLDER_ID", id_number)],
                [self.ent(self.wide(ratio), "SHARE_RATIO", ratio)],
            ])
        self.table(rows, header=True)
        self.par(f"注：如遇有限责任公司股东变化，应当自公司作出决定之日起 30 日内向{lic.authority}提出申请，经批准后方可实施。")
        b.cut_here()

    def business_page(self) -> None:
        b, lic, rng = self.b, self.lic, self.rng
        self.attachment_title()
        if self.business_layout == "business_table":
            b.tag("business_table")
            if self.chance(0.6):
                self.par(f"{self.mention()}获准经营的业务种类、服务项目和业务覆盖范围如下：")
            rows: list[list[Any]] = [["业务种类", "服务项目", "业务覆盖范围"]]
            for biz in lic.businesses:
                items = self.item_list(biz.items) if biz.items else [rng.choice(("", "", "无", "/"))]
                rows.append([self.business(biz, False), items, [self.ent(self.coverage(biz.coverage), "COVERAGE", biz.coverage)]])
            self.table(rows, header=True)
            return
        b.tag("attachment_business_list")
        intro = f"{self.mention()}获准经营的业务种类、服务项目和业务覆盖范围："
        if self.chance(0.5):  # the intro wraps before 覆盖范围 as in the seeds
            self.par(intro[: intro.index("覆盖范围")])
            self.par(intro[intro.index("覆盖范围"):])
        else:
            self.par(intro)
        numbering = rng.choice(("chinese", "arabic"))
        for i, biz in enumerate(lic.businesses, start=1):
            marker = f"{_cn_numeral(i)}、" if numbering == "chinese" else f"{i}. "
            brackets = biz.restrictions_only and self.chance(0.4)
            self.par(marker, *self.business(biz, brackets))
            if biz.items and not brackets:
                self.par(self.label("服务项目"), self.colon(False), *self.item_list(biz.items), "。")
            end = "。" if self.chance(0.85) else ""
            self.par(self.label("业务覆盖范围"), self.colon(False),
                     self.ent(self.coverage(biz.coverage, allow_break=True), "COVERAGE", biz.coverage), end)
            b.cut_here()

    def website_page(self) -> None:
        b, site = self.b, self.lic.website
        b.tag("website_page")
        self.attachment_title()
        self.par(f"{self.mention()}网站基本情况如下：")
        rows = [
            ("网站名称", "WEBSITE_NAME", site["name"]),
            (self.rng.choice(("网站域名", "网站域名", "网址", "域名")), "DOMAIN", site["domain"]),
            (self.rng.choice(("服务器放置地", "服务器放置地点")), "SERVER_LOCATION", site["server_location"]),
            ("接入服务商", "ACCESS_PROVIDER", site["access_provider"]),
        ]
        if self.chance(0.4):
            b.tag("table_cells")
            self.table([[name, [self.ent(value, label, value)]] for name, label, value in rows], header=False)
        else:
            for name, label, value in rows:
                self.par(self.label(name), self.colon(False), self.ent(value, label, value))
                b.cut_here()

    # -- 特别规定事项 ----------------------------------------------------------------------------

    def special_provisions(self) -> None:
        lic, b = self.lic, self.b
        texts, sections = _clause_data()
        self.special_header()
        company = self.mention()
        self.par(self.clause_punct(
            f"《特别规定事项》是经营许可证重要组成部分，{company}应当按照经营许可证"
            f"{self.rng.choice(('', '所'))}载明的许可事项开展经营活动，并遵守下列规定事项："
        ))
        self.page_used = 0
        authority = "我部" if lic.cross else "我局"
        top = 0
        for slot in sections["general"]:
            if slot.scope == "cross" and not lic.cross:
                continue
            top += 1
            clause = texts[self.rng.choice(slot.clauses)]
            self.clause(f"{_cn_numeral(top)}、", clause.label, clause.text.format(authority=authority), _cn_numeral(top), None)
        for biz in lic.businesses:
            top += 1
            header = texts["biz.header"]
            self.clause(f"{_cn_numeral(top)}、", header.label, header.text.format(business=biz.section_name),
                        _cn_numeral(top), biz.code, splittable=False)
            sub = 0
            for slot in sections[biz.code]:
                if slot.optional and not self.chance(0.75):
                    continue
                sub += 1
                clause = texts[self.rng.choice(slot.clauses)]
                text = clause.text.format(authority=authority, business=biz.section_name)
                marker = f"({_cn_numeral(sub)})" if self.style.sub_brackets == "ascii" else f"（{_cn_numeral(sub)}）"
                marker += self.rng.choice(("", "", " "))
                self.clause(marker, clause.label, text, f"{_cn_numeral(top)}({_cn_numeral(sub)})", biz.code)
        if self.style.signature_blocks:
            self.signature_block(final=True)

    def special_header(self) -> None:
        self.page_header()
        self.heading(self.rng.choice(("特别规定事项", "特别规定事项", "特 别 规 定 事 项")))

    def clause_punct(self, text: str) -> str:
        punct = self.style.punct
        if punct == "mixed":
            punct = self.rng.choice(("full", "ascii", "ascii_spaced"))
        if punct == "full":
            return text
        text = text.translate(_TO_ASCII_PUNCT)
        if punct == "ascii_spaced":
            text = text.replace(",", ", ")
            text = re.sub(r"(?<=[\u4e00-\u9fff])(\d+)(?=[\u4e00-\u9fff])", r" \1 ", text)
        return text

    def preamble_punct(self, text: str) -> str:
        return text if self.chance(0.5) else text.translate(_TO_ASCII_PUNCT)

    def clause(self, marker: str, label: str, text: str, number: str, code: str | None,
               splittable: bool = True) -> None:
        b, style = self.b, self.style
        body = self.clause_punct(text)
        confused = -1
        if "clause" in style.ocr and "人员" in body and label == "BIZ_SECURITY_STAFF" and self.chance(0.7):
            confused = body.index("人员")
            body = body.replace("人员", "人員", 1)
        if style.page_headers and self.page_used > style.page_chars:
            self.page_break()
        html = style.fmt == "html"
        if html:
            b.tag("html")
            b.add("<p>")
        start = b.length
        b.add(marker)
        split = None
        room = style.page_chars - self.page_used
        if (style.page_headers and splittable and len(body) > 20 and room < len(body)
                and self.chance(style.split_clauses)):
            split = self.split_point(body, max(8, min(room, len(body) - 6)))
        if split is None:
            b.add(body)
            if splittable:  # a section header is never cut: its business would be lost
                self.register_cut(start + len(marker), body)
            self.page_used += len(marker) + len(body)
        else:
            b.add(body[:split])
            self.register_cut(start + len(marker), body[:split])
            if html:
                b.add("</p>\n")
            else:
                b.add(style.para)
            self.page_break()
            if html:
                b.add("<p>")
            b.add(body[split:])
            self.page_used = len(body) - split
        if confused >= 0:  # where 人員 is: a page break may have moved the second part
            at = start + len(marker) + confused
            b.tag("ocr_confusion", at if split is None or confused < split else b.length - len(body) + confused)
        b.clauses.append(_ClauseSpan(start, b.length, label, number, code))
        b.add("</p>\n" if html else style.para)
        b.cut_here()

    def split_point(self, body: str, near: int) -> int | None:
        """Where a page break cuts a clause: mid-sentence, never next to whitespace."""
        candidates = [i for i in range(max(6, near - 40), min(len(body) - 4, near + 40))
                      if not body[i - 1].isspace() and not body[i].isspace()]
        return self.rng.choice(candidates) if candidates else None

    def register_cut(self, start: int, body: str) -> None:
        if len(body) > 12:
            at = self.rng.randint(6, len(body) - 1)
            if not body[at - 1].isspace():
                self.b.cuts.append(start + at)

    def page_break(self) -> None:
        """The foot of a 特别规定事项 page and the head of the next: signature block, number, title."""
        self.b.tag("page_headers")
        if self.style.signature_blocks:
            self.signature_block(final=False)
        self.special_header()
        self.page_used = 0

    def signature_block(self, final: bool) -> None:
        b = self.b
        b.tag("signature_blocks")
        if not final or self.chance(0.4):
            self.par("司(局)负责人:")
            self.par("公司代表:")
            self.par("年 月 日")
            self.par("年 月 日")
            return
        # the last page: signed, sometimes dated
        official, representative = self.sampler.name(), self.sampler.name()
        signed = self.lic.issue - dt.timedelta(days=self.rng.randint(1, 40))
        self.par("司(局)负责人:")
        self.par(official)
        self.par(self.date(signed, noisy=False) if self.chance(0.6) else "年 月 日")
        if self.chance(0.5):
            self.par(f"公司代表: {representative}")
        else:
            self.par("公司代表:")
            self.par(representative)
        counter_signed = signed + dt.timedelta(days=self.rng.randint(1, 30))
        short = f"{counter_signed.year % 100:02d}年{counter_signed.month}月{counter_signed.day}日"
        self.par(self.rng.choice((short, self.date(counter_signed, noisy=False), "年 月 日")))

    def previous_number(self) -> list[Segment]:
        previous = self.lic.previous
        assert previous is not None
        return [self.ent(previous.canonical, "PREV_LICENSE_NO", previous.canonical), previous.printed_suffix]

    def change_note(self) -> list[Segment]:
        new = self.lic.number
        return [*self.previous_number(), self.rng.choice((" 变更为 ", "变更为", " 变更为")),
                new.canonical + new.printed_suffix, self.rng.choice((".", "。", ""))]

    # -- annual inspections ----------------------------------------------------------------------

    def inspection_pages(self) -> None:
        b, lic, rng = self.b, self.lic, self.rng
        b.tag("inspection_table")
        entries = lic.inspections
        per_page = rng.choice((5, 6, 8, 10))
        cells = rng.random() < 0.6
        for page_start in range(0, len(entries), per_page):
            page = entries[page_start:page_start + per_page]
            old = lic.previous is not None and page_start == 0 and rng.random() < 0.5
            self.page_header(lic.previous if old else None)
            kind = "年报" if all(e[3] == "年报" for e in page) else "年检"
            self.heading(f"电信业务经营许可证{kind}情况记录表", 2)
            self.par(self.preamble_punct(
                "根据《电信业务经营许可证管理办法》的规定，发证机关对经营许可证实行年检制度。发证机关进行经营许可证年检时，"
                "对电信业务经营者报送的年检材料进行全面审核，并对其经营主体、经营行为、电信设施建设、电信资费和服务质量等"
                "进行必要的检查。对年检合格的在年检情况记录表上加盖印章。"
            ))
            blank = page_start + per_page >= len(entries) and rng.random() < 0.5
            if cells:
                self.inspection_cells(page, blank)
            else:
                self.inspection_text(page, blank)

    def inspection_entry(self, entry: tuple[int, str, dt.date, str], gap: str) -> tuple[list[Segment], _Ent]:
        """The sentence of one entry (你公司 2002 年度年检合格。) and its stamped date."""
        year, result, date, kind = entry
        sentence: list[Segment] = [
            f"经审核{self.rng.choice((', ', '，', ','))}你公司{gap}", self.ent(self.wide(str(year)), "INSPECTION_YEAR", year),
            f"{gap}年度{kind}", self.ent(result, "INSPECTION_RESULT", result), "。",
        ]
        return sentence, self.ent(self.date(date), "INSPECTION_DATE", date)

    def inspection_cells(self, page: list[tuple[int, str, dt.date, str]], blank: bool) -> None:
        """HTML <p> cells, two entries a row, as the inspection table of the seeds is printed."""
        b = self.b
        b.tag("html")
        gap = self.rng.choice((" ", ""))
        stamp = self.rng.choice(("发证机关 (盖章)", "发证机关(盖章)", "发证机关（盖章）"))
        cells = [self.inspection_entry(entry, gap) for entry in page]
        for i, (sentence, date) in enumerate(cells):
            b.add("<p>")
            _write(b, sentence)
            b.add(f"</p> <p>{stamp}</p>  <p>")
            _write(b, [date])
            b.add("</p>")
            b.add("\t" if i % 2 == 0 and i + 1 < len(cells) + blank else "\n")
            b.cut_here()
        if blank:
            b.add(f"<p>经审核，你公司{gap}年度年检合格。</p> <p>{stamp}</p> <p>年 月 日</p>\t\n")
        b.add("\n")

    def inspection_text(self, page: list[tuple[int, str, dt.date, str]], blank: bool) -> None:
        gap = self.rng.choice((" ", ""))
        for entry in page:
            sentence, date = self.inspection_entry(entry, gap)
            self.par(*sentence)
            self.par("发证机关(盖章)")
            self.par(date)
            self.b.cut_here()
        if blank:
            self.par(f"经审核，你公司{gap}年度年检合格。")
            self.par("发证机关(盖章)")
            self.par("年 月 日")

    # -- truncation ------------------------------------------------------------------------------

    def truncate(self) -> None:
        """Cut the document short at a line end or mid-clause, anywhere after the front page's first field."""
        b = self.b
        candidates = [c for c in b.cuts[1:] if c < b.length - 50]
        if not candidates:
            return
        cut = self.rng.choice(candidates)
        text = b.text()[:cut].rstrip()
        cut = len(text)
        if cut == 0:
            return
        b.parts = [text]
        b.length = cut
        b.events = [e for e in b.events if e.end <= cut]
        clauses = []
        for c in b.clauses:
            if c.start >= cut:
                break
            end = min(c.end, cut)
            if b.parts[0][c.start:end].strip() != b.parts[0][c.start:end] or end - c.start < 4:
                continue
            clauses.append(_ClauseSpan(c.start, end, c.label, c.number, c.business_code))
        b.clauses = clauses
        b.tags = {tag: pos for tag, pos in b.tags.items() if pos < cut}
        b.tags["truncated_page"] = cut


# -- the gold record -----------------------------------------------------------------------------

def _gold_record(events: list[_Event], clauses: list[_ClauseSpan], source: str | None) -> LicenseRecord:
    """The record the canonical values support, folded as the record builder folds (fold.fold)."""
    return fold(
        (Finding(event.label, _gold_value(event.label, event.value)) for event in events),
        (ClauseFinding(Clause(number=c.number, label=c.label, business_code=c.business_code, start=c.start, end=c.end))
         for c in clauses),
        source,
    )


def _gold_value(label: str, value: Any) -> Any:
    """An event's canonical value as the fold takes it: a business and a capital are printed from
    (code, implied service items) and (amount, currency)."""
    if label == "BUSINESS":
        code, implied = value
        return ParsedBusiness.of_code(code, tuple(implied))
    if label == "CAPITAL":
        amount, currency = value
        return Money(amount=amount, currency=currency)
    return value


# -- public API ----------------------------------------------------------------------------------


def generate_one(
    rng_seed: int, doc_id: str = "synth", source: str | None = None, damaged_labels: bool = False
) -> tuple[str, AnnotatedText, LicenseRecord]:
    """One synthetic licence: its text, its annotations and its gold record (no I/O).

    The same `rng_seed` always gives the same document. `doc_id` becomes the annotation id and
    `source` the record's source; meta holds origin, the layout tags the text exercises and the seed.
    With `damaged_labels`, half its field labels are misread or reworded (see DAMAGED_TAG).
    """
    rng = random.Random(rng_seed)
    fake = _faker()
    fake.seed_instance(rng_seed)
    sampler = _Sampler(rng, fake)
    licence = sampler.licence()
    renderer = _Renderer(rng, sampler, licence)
    if damaged_labels:
        renderer.damage = random.Random(rng_seed * 2 + 1)
    renderer.render()
    if rng.random() < 0.07:
        renderer.truncate()
    b = renderer.b
    text = b.text().rstrip()
    if len(text) < b.length:  # trailing paragraph ends belong to no span
        b.parts, b.length = [text], len(text)
    example = AnnotatedText(
        id=doc_id,
        text=text,
        entities=[(e.start, e.end, e.label) for e in b.events],
        clauses=sorted((c.start, c.end, c.label) for c in b.clauses),
        meta={"origin": ORIGIN_SYNTHETIC, "layout": sorted(b.tags), "seed": rng_seed},
    )
    return text, example, _gold_record(b.events, b.clauses, source)


@dataclass
class SynthSummary:
    """What a `generate` run wrote: documents, characters and span counts per label."""

    docs: int = 0
    chars: int = 0
    entities: dict[str, int] = field(default_factory=dict)
    clauses: dict[str, int] = field(default_factory=dict)
    businesses: dict[str, int] = field(default_factory=dict)
    layouts: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"docs": self.docs, "chars": self.chars, "entities": self.entities, "clauses": self.clauses,
                "businesses": self.businesses, "layouts": self.layouts}


def is_damaged(seed: int, index: int, damaged: float) -> bool:
    """Whether document `index` of a corpus generated with a `damaged` share has damaged labels."""
    return damaged > 0 and random.Random(doc_seed(seed, index) * 2).random() < damaged


def generate(
    n: int, out_dir: Path, seed: int, progress: Callable[[], None] | None = None, damaged: float = 0.0
) -> SynthSummary:
    """Write n synthetic licences under out_dir: raw/*.txt, annotations/synth.jsonl, records/*.record.json.

    `progress` is called once per document written (the CLI's progress bar). About a `damaged`
    share of the licences have damaged labels (a clean corpus by default).
    Document i is `generate_one(doc_seed(seed, i))`; its annotation meta holds the corpus `seed` and
    that `doc_seed`. Deterministic: the same n and seed give byte-identical files.
    """
    out_dir = Path(out_dir)
    raw_dir, records_dir, annotations_dir = out_dir / "raw", out_dir / "records", out_dir / "annotations"
    for folder in (raw_dir, records_dir, annotations_dir):
        folder.mkdir(parents=True, exist_ok=True)
    entities: Counter[str] = Counter()
    clauses: Counter[str] = Counter()
    businesses: Counter[str] = Counter()
    layouts: Counter[str] = Counter()
    examples = []
    chars = 0
    for index in range(n):
        stem = f"synth_{index:05d}"
        source = f"raw/{stem}.txt"
        text, example, record = generate_one(doc_seed(seed, index), doc_id=stem, source=source,
                                             damaged_labels=is_damaged(seed, index, damaged))
        example.meta["seed"] = seed
        example.meta["doc_seed"] = doc_seed(seed, index)
        (raw_dir / f"{stem}.txt").write_text(text, encoding="utf-8", newline="")
        record_json = json.dumps(record.model_dump(mode="json"), indent=1, ensure_ascii=False)
        (records_dir / f"{stem}.record.json").write_text(record_json + "\n", encoding="utf-8", newline="")
        examples.append(example)
        chars += len(text)
        entities.update(label for _, _, label in example.entities)
        clauses.update(label for _, _, label in example.clauses)
        businesses.update(b.code for b in record.businesses if b.code)
        layouts.update(example.meta["layout"])
        if progress:
            progress()
    write_annotations(annotations_dir / "synth.jsonl", examples)
    return SynthSummary(
        docs=n,
        chars=chars,
        entities=dict(sorted(entities.items())),
        clauses=dict(sorted(clauses.items())),
        businesses=dict(sorted(businesses.items())),
        layouts=dict(sorted(layouts.items())),
    )

