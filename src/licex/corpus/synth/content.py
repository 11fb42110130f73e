"""What a synthetic licence says: the model of a licence and the sampler that draws one.

Every distribution lives in `data/synth_content.json`; business types, their aliases, sub-services
and service items come from the catalogue (`licex.fields.catalogue`). Names, companies, addresses and ID
numbers come from Faker's zh_CN provider, filtered against `data/reserved.jsonl` (the values of
the real seed licences, which must never appear in synthetic text).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from faker import Faker
from faker.providers.address.zh_CN import Provider as _ZhAddress

from licex.fields.catalogue import BUSINESS_TYPES, split_exclusion
from licex.text.chars import PROVINCES
from licex.fields.values import USCC_CHARS, uscc_check_char
from licex.corpus.synth.data import knobs, reserved
from licex.corpus.synth.numerals import financial

# -- geography (public administrative names, from Faker's zh_CN address data) --------------------

PROVINCE_BY_ABBR = {p.abbr: p.name for p in PROVINCES}
_SHORT_NAME = {p.name: p.short for p in PROVINCES}
_ABBRS = tuple(PROVINCE_BY_ABBR)
# In Faker's order, which the generated licences depend on.
PROVINCE_NAMES = tuple(p for p in _ZhAddress.provinces if p in _SHORT_NAME)
MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_SHORT_PROVINCES = tuple(_SHORT_NAME[p] for p in PROVINCE_NAMES)
CITIES = tuple(c for c in _ZhAddress.cities if c not in MUNICIPALITIES)

# A restriction of a business (含 / 不含 / 仅限 …), as opposed to a named service item.
RESTRICTION_RE = re.compile(r"(?:不含|含|仅限)")


# -- the licence model ---------------------------------------------------------------------------


@dataclass
class Biz:
    code: str
    printed: str  # as printed: 第一类增值电信业务中的互联网数据中心业务, 国内呼叫中心业务, ...
    implied: tuple[str, ...]  # a sub-service the printed name names (a service item by itself)
    # restrictions (含/不含/仅限 …) or named sub-services, canonical, as printed: the gold record holds
    # a 不含's services apart, in excluded_items (fold.fold)
    items: list[str]
    coverage: str  # canonical
    section_name: str  # the name its 特别规定事项 section header prints

    @property
    def restrictions_only(self) -> bool:
        return all(RESTRICTION_RE.match(item) for item in self.items)


@dataclass
class Number:
    canonical: str  # the record's form: B1-20195402, 京ICP证030173号, B2-2004-0851
    printed_suffix: str = ""  # 号 after an A/B-type number


@dataclass
class Licence:
    cross: bool
    abbr: str | None  # province abbreviation of a provincial licence
    number: Number
    previous: Number | None
    first_year: int
    company: str
    legal_rep: str
    capital: tuple[int, str, str] | None  # amount, currency, printed
    address: str | None
    businesses: list[Biz]
    signer: str | None
    issue: dt.date
    expiry: dt.date
    websites: list[dict[str, str]]  # the 附页's websites, each a row of its table
    shareholders: list[tuple[str, str, str]]  # name, id, ratio (canonical)
    inspections: list[tuple[int, str, dt.date, str]]  # year, result, date, kind (年检 / 年报)

    @property
    def authority(self) -> str:
        """Who issued the licence: the ministry (信息产业部 until 2008) or a provincial administration."""
        if not self.cross:
            return f"{PROVINCE_BY_ABBR[self.abbr]}通信管理局"
        return "工业和信息化部" if self.issue.year >= 2008 else "信息产业部"


# -- sampling ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _item_sets() -> dict[str, list[list[str]]]:
    """The service item sets of synth_content.json, each item checked against the catalogue."""
    sets = knobs("synth_content.json")["service_item_sets"]
    return check_item_sets({code: sets[code] for code in sets})


@lru_cache(maxsize=1)
def _business_weights() -> dict[str, int]:
    """How often each business type is drawn; each a catalogue type with its service item sets."""
    weights = knobs("synth_content.json")["business_weights"]
    item_sets = _item_sets()
    for code in weights:
        if code not in BUSINESS_TYPES:
            raise ValueError(f"synth_content.json: business_weights names unknown business type {code!r}")
        if code not in item_sets:
            raise ValueError(f"synth_content.json: business type {code} has a weight but no service_item_sets")
    return {code: weights[code] for code in weights}


def check_item_sets(sets: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    """`sets` if every item is a catalogue service item or sub-service of its business type
    (alone, after 含 / 不含 / 仅限, or two joined by 和; each service a 不含 names excluded, as the gold
    record holds it); a ValueError naming the first that is not."""
    for code, item_sets in sets.items():
        if code not in BUSINESS_TYPES:
            raise ValueError(f"synth_content.json: service_item_sets names unknown business type {code!r}")
        known = set(BUSINESS_TYPES[code].item_names)
        for items in item_sets:
            for item in items:
                # an exclusion names its services as the gold record holds them (fold: excluded_items)
                permitted, excluded = split_exclusion(item)
                names = [*excluded, *(RESTRICTION_RE.sub("", p, count=1) for p in permitted)]
                if not names or not all(name in known or all(part in known for part in name.split("和"))
                                        for name in names):
                    raise ValueError(f"synth_content.json: {item!r} is no catalogue service item of {code}")
    return sets


class Sampler:
    """Draws a licence's content from one random generator and one seeded Faker, as one of the
    content `variants` of synth_content.json where one is named (provincial, beijing_icp)."""

    def __init__(self, rng: random.Random, fake: Faker, variant: str | None = None) -> None:
        self.rng = rng
        self.fake = fake
        self.p = knobs("synth_content.json")
        # None draws exactly what it always drew: the variants only ever add conditions.
        self.variant = self.p["variants"][variant] if variant is not None else None

    def draw(self, make: Callable[[], str]) -> str:
        """A Faker value that contains no value of the real licences."""
        values = reserved()
        for _ in range(50):
            value = make()
            if not any(r in value for r in values):
                return value
        raise RuntimeError("Faker keeps producing reserved values")

    def name(self) -> str:
        return self.draw(self.fake.name)

    def company(self) -> str:
        return self.draw(self.fake.company)

    def licensee(self, abbr: str | None) -> str:
        """The licence holder's registered name. Most carry their region before the trade name
        (北京蓝汛通信技术有限公司, as the real licences do); Faker's companies never do."""
        rng, p = self.rng, self.p["licensee"]
        if p.chance("faker_company", rng):
            return self.company()
        if abbr is not None and p.chance("own_province", rng):
            region = _SHORT_NAME[PROVINCE_BY_ABBR[abbr]]
        else:
            region = rng.choice((*MUNICIPALITIES * p["municipality_copies"], *_SHORT_PROVINCES, *CITIES))
        if p.chance("region_suffix", rng):
            region += "市" if region in MUNICIPALITIES or region in CITIES else "省"
        return self.draw(lambda: region + self.fake.company())

    def address(self) -> str:
        return self.draw(lambda: self.fake.address().rsplit(" ", 1)[0].replace(" ", ""))

    def ssn(self) -> str:
        return self.draw(self.fake.ssn)

    def licence(self) -> Licence:
        rng, p = self.rng, self.p
        dates = p["dates"]
        v = self.variant
        cross = p.chance("cross_regional", rng) if v is None else False
        abbr = None if cross else rng.choice((v["provinces"] or _ABBRS) if v is not None else _ABBRS)
        businesses = self.businesses(cross, abbr)
        first_year = (v if v is not None else dates).span("first_year", rng)
        issue_year = min(dates["last_issue"], first_year + dates.pick("issue_after_first", rng))
        issue = dt.date(issue_year, rng.randint(1, 12), rng.randint(1, 28))
        term = dates["term_years"]
        if issue_year > first_year and dates.chance("reissued_keeps_expiry", rng):
            expiry_year = first_year + term * ((issue_year - first_year) // term + 1)
            expiry = dt.date(expiry_year, rng.randint(1, 12), rng.randint(1, 28))
        else:
            expiry = issue.replace(year=issue.year + term) - dt.timedelta(days=dates.pick("expiry_days_short", rng))
        number = self.number(cross, abbr, businesses, first_year)
        previous = (self.previous_number(cross, abbr, businesses, first_year)
                    if p["numbers"].chance("previous", rng) else None)
        company = self.licensee(abbr)
        capital = self.capital() if p["capital"].chance("share", rng) else None
        websites = []
        site = p["website"]
        if any(b.code in site["types"] for b in businesses) and site.chance("share", rng):
            websites.append(self.website())
            # A variant's 附页 may list several (the ordinary draw one, as it always drew).
            more = int(v.weighted("websites", rng)) - 1 if v is not None and "websites" in v else 0
            websites += [self.website() for _ in range(more)]
        shareholders = self.shareholders() if p["shareholders"].chance("share", rng) else []
        inspections = self.inspections(first_year, issue_year) if p["inspections"].chance("share", rng) else []
        return Licence(
            cross=cross, abbr=abbr, number=number, previous=previous, first_year=first_year, company=company,
            legal_rep=self.name(), capital=capital, address=self.address() if p.chance("address", rng) else None,
            businesses=businesses, signer=self.name() if p.chance("signer", rng) else None, issue=issue,
            expiry=expiry, websites=websites, shareholders=shareholders, inspections=inspections,
        )  # fmt: skip

    def website(self) -> dict[str, str]:
        """One website of the 附页: its name, domain, server location and access provider."""
        rng, site = self.rng, self.p["website"]
        domain = self.draw(self.fake.domain_name)
        return {
            "name": self.draw(self.fake.company_prefix) + site.pick("name_endings", rng),
            "domain": ("www." if site.chance("www", rng) else "") + domain,
            "server_location": rng.choice(PROVINCE_NAMES) + (rng.choice(CITIES) + "市"
                                                             if site.chance("server_city", rng) else ""),
            "access_provider": self.company(),
        }

    def businesses(self, cross: bool, abbr: str | None) -> list[Biz]:
        rng = self.rng
        if self.variant is not None:  # a variant's licence holds one business of its types
            return [self.business(self.variant.weighted("business_types", rng), cross, abbr)]
        count = int(self.p.weighted("business_count_weights", rng))
        weights = _business_weights()
        codes: list[str] = []
        pool = list(weights)
        while len(codes) < count:
            code = rng.choices(pool, weights=[weights[c] for c in pool])[0]
            pool.remove(code)
            codes.append(code)
        codes.sort()  # licences list the catalogue order
        return [self.business(code, cross, abbr) for code in codes]

    def business(self, code: str, cross: bool, abbr: str | None) -> Biz:
        rng, p = self.rng, self.p["business_name"]
        btype = BUSINESS_TYPES[code]
        item_sets = _item_sets()
        if self.variant is not None and code in self.variant["item_sets"]:
            item_sets = check_item_sets({code: self.variant["item_sets"][code]})
        items = list(rng.choice(item_sets[code]))
        name = btype.name
        implied: tuple[str, ...] = ()
        roll = rng.random()
        if btype.aliases and roll < p["alias"]:
            # the only alias of a type is printed without a draw, as the generator always did
            name = btype.aliases[0] if len(btype.aliases) == 1 else rng.choice(btype.aliases)
        elif btype.sub_services and roll < p["sub_service"]:
            sub = rng.choice(btype.sub_services)
            alone = p.chance("sub_service_alone", rng) or code not in p["type_then_sub_service"]
            name = sub if alone else f"{btype.name}中的{sub}"
            implied = (sub,)
            # a licence printing one sub-service names no other as an item
            items = [i for i in items if not any(other in i for other in btype.sub_services)]
        prefix = f"{btype.category}中的" if p.chance("category_prefix", rng) else ""
        section_name = implied[0] if implied and p.chance("section_names_sub_service", rng) else btype.name
        return Biz(code, prefix + name, implied, items, self.coverage(code, cross, abbr), section_name)

    def coverage(self, code: str, cross: bool, abbr: str | None) -> str:
        rng, p = self.rng, self.p["coverage"]
        machine_room = code in p["machine_room_types"]
        if not cross:
            province = PROVINCE_BY_ABBR[abbr]
            return f"机房所在地为{province}" if machine_room and p.chance("provincial_machine_room", rng) else province
        roll = rng.random()
        national = p["national"].get(code, p["national_default"])
        if machine_room:
            if roll < national:
                return "全国"
            room = p.chance("room_prefix", rng)
            body = self.city_list() if p.chance("city_list", rng) else self.municipalities_and_cities()
            return ("机房所在地为" if room else "") + body
        if roll < national:
            return "全国"
        if p.chance("province_list", rng):
            return self.province_list()
        return self.municipalities_and_cities()

    def city_list(self) -> str:
        p = self.p["coverage"]
        names = self.rng.sample(MUNICIPALITIES + CITIES[:p["city_list_from_first"]], p.span("city_list_count", self.rng))
        return "、".join(names)

    def municipalities_and_cities(self) -> str:
        rng, p = self.rng, self.p["coverage"]
        munis = [m for m in MUNICIPALITIES if p.chance("municipality_each", rng)] or ["北京"]
        cities = rng.sample(CITIES, p.span("cities_count", rng))
        return f"{'、'.join(munis)}{len(munis)}直辖市以及{'、'.join(cities)}{len(cities)}城市"

    def province_list(self) -> str:
        rng = self.rng
        indices = sorted(rng.sample(range(len(_SHORT_PROVINCES)), self.p["coverage"].span("provinces_count", rng)))
        names = [_SHORT_PROVINCES[i] for i in indices]
        if all(n in MUNICIPALITIES for n in names):
            kind = "直辖市"
        elif any(PROVINCE_NAMES[i].endswith("自治区") for i in indices):
            kind = "省(自治区、直辖市)"
        elif any(n in MUNICIPALITIES for n in names):
            kind = "省(直辖市)"
        else:
            kind = "省"
        return f"{'、'.join(names)}{len(names)}{kind}"

    def number(self, cross: bool, abbr: str | None, businesses: list[Biz], year: int) -> Number:
        rng, p = self.rng, self.p["numbers"]
        categories = sorted({b.code[:2] for b in businesses})
        serial = self.serial()
        if cross:
            if year <= p["old_form_until"] and p.chance("old_form", rng):  # the old cross-regional form
                return Number(f"{categories[0]}-{year}-{serial[:4]}", "号" if p.chance("old_form_hao", rng) else "")
            prefix = ".".join(categories) if len(categories) == 1 or p.chance("joined_categories", rng) else categories[0]
            return Number(f"{prefix}-{year}{serial}", "号" if p.chance("hao", rng) else "")
        icp_types = p["icp_form_types"]
        if self.variant is not None:
            icp = self.variant["icp_number"]
        else:
            icp = year <= p["icp_form_until"] and all(b.code in icp_types for b in businesses) and p.chance("icp_form", rng)
        if icp:
            return Number(f"{abbr}ICP证{year % 100:02d}{serial}号")
        prefix = ".".join(categories) if p.chance("joined_categories", rng) else categories[-1]
        return Number(f"{abbr}{prefix}-{year}{serial}", "号" if p.chance("hao", rng) else "")

    def previous_number(self, cross: bool, abbr: str | None, businesses: list[Biz], year: int) -> Number:
        p = self.p["numbers"]
        old_year = max(p["previous_first_year"], year - p.span("previous_years_back", self.rng))
        if cross and p.chance("provincial_before_cross", self.rng):  # provincial licence replaced by a cross-regional one
            return self.number(False, self.rng.choice(_ABBRS), businesses, old_year)
        return self.number(cross, abbr, businesses, old_year)

    def serial(self) -> str:
        values = reserved()
        while True:
            serial = f"{self.rng.randint(1, 9999):04d}"
            if not any(serial in r for r in values if r.isdigit()):
                return serial

    def capital(self) -> tuple[int, str, str]:
        rng, p = self.rng, self.p["capital"]
        forms = knobs("synth_wordings.json")
        wan = p.pick("wan", rng)
        if p.chance("foreign", rng):
            currencies = p["currencies"]
            currency = rng.choice(list(currencies))
            printed = forms.pick("capital_foreign", rng).format(word=currencies[currency], wan=wan)
            return wan * 10000, currency, printed
        printed = forms.pick("capital_cny", rng).format(daxie=financial(wan * 10000), wan=wan)
        return wan * 10000, "CNY", printed

    def shareholders(self) -> list[tuple[str, str, str]]:
        rng, p = self.rng, self.p["shareholders"]
        count = int(p.weighted("count_weights", rng))
        rows = []
        for ratio in _ratios(rng, count, p["decimal_ratios"]):
            if p.chance("company", rng):
                rows.append((self.company(), self.credit_code(), ratio))
            else:
                rows.append((self.name(), self.ssn(), ratio))
        return rows

    def credit_code(self) -> str:
        """An 18-character unified social credit code (GB 32100-2015) with a valid check character."""
        rng = self.rng
        region = self.ssn()[:6]
        body = "91" + region + "".join(rng.choice(USCC_CHARS[:10] if i < 2 else USCC_CHARS) for i in range(9))
        return body + uscc_check_char(body)

    def inspections(self, first_year: int, issue_year: int) -> list[tuple[int, str, dt.date, str]]:
        rng, p = self.rng, self.p["inspections"]
        last = min(issue_year, p["until_year"]) - 1
        if last < first_year:
            return []
        start = max(first_year, last - p.span("years", rng))
        results = p["result_weights"]
        draws = [result for result in results for _ in range(results[result])]
        entries = []
        for year in range(start, last + 1):
            if p.chance("skipped", rng):
                continue  # a year the licence holder did not take part
            kind = "年检" if year <= p["annual_inspection_until"] else "年报"
            low, high = p["stamp_month"]
            date = dt.date(year + 1, rng.randint(low, high), rng.randint(1, 28))
            entries.append((year, rng.choice(draws), date, kind))
        return entries




def _ratios(rng: random.Random, count: int, decimal_share: float) -> list[str]:
    """Share ratios summing to exactly 100%, some with decimals."""
    if count == 1:
        return ["100%"]
    decimals = rng.random() < decimal_share
    unit = 100 if decimals else 1  # hundredths of a percent, or whole percent
    total = 100 * unit
    cuts = sorted(rng.sample(range(1, total), count - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    parts.sort(reverse=True)
    if decimals:
        return [f"{p // 100}.{p % 100:02d}%".replace(".00%", "%") for p in parts]
    return [f"{p}%" for p in parts]
