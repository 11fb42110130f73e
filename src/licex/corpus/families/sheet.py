"""Composing a licence document from small elements: the front page's field table, the business
block, the signature and date block, the seal, the 附页 tables and the 特别规定事项.

The composer prints a licence record (the gold) in the printed forms its format draws
(`formats` of data/families.json: dates in digits or Chinese numerals, business names with
their category, exclusions joined by 、, a bracketed note, 有效期至 or 本证有效期自…至…) and
notes every value it prints, with its entity label, in print order: that list is what the tool
corpus aligns onto each tool's text (`licex.corpus.align`). It writes through a `Markup`, so the
same composition is an HTML certificate or a flat ODT document.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from licex.fields.catalogue import BUSINESS_TYPES
from licex.text.chars import PROVINCES
from licex.corpus.synth.content import RESTRICTION_RE
from licex.corpus.synth.data import Knobs, knobs
from licex.corpus.synth.numerals import counting, financial, year_digits
from licex.corpus.typeset import LABEL_OF_PATH
from licex.corpus.families.markup import Markup
from licex.corpus.families.style import Style, star_points

_PROVINCE_BY_ABBR = {p.abbr: p.name for p in PROVINCES}
Cell = list[str]  # a cell's lines, each a paragraph


class Composer:
    def __init__(self, record: dict[str, Any], clauses: list[str], fmt: str, style: Style, markup: Markup,
                 rng: random.Random) -> None:
        config = knobs("families.json")
        self.rec, self.clauses, self.style, self.m, self.rng = record, clauses, style, markup, rng
        self.f: Knobs = config["formats"][fmt]
        self.words: Knobs = config["labels"]
        self.date_form = self.f.weighted("dates", rng)
        self.joiner = self.f.weighted("exclusion_joiner", rng)
        self.validity = self.f.weighted("validity", rng)
        self.number_label = self.f.pick("number_labels", rng)
        self.values: list[tuple[str, str]] = []
        self.number_noted = False

    # -- values ------------------------------------------------------------------------------

    def value(self, path: str, printed: str) -> str:
        """`printed` as the licence prints the value of record path `path`, noted in print order."""
        if path == "license_no":
            if self.number_noted:  # printed on several pages, aligned wherever it prints
                return printed
            self.number_noted = True
        self.values.append((LABEL_OF_PATH[path], printed))
        return printed

    def date(self, iso: str) -> str:
        day = dt.date.fromisoformat(iso)
        if self.date_form == "chinese":
            return f"{year_digits(day.year)}年{counting(day.month)}月{counting(day.day)}日"
        if self.date_form == "plain":
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.year}年{day.month:02d}月{day.day:02d}日"

    def capital(self) -> str | None:
        if (amount := self.rec.get("registered_capital_cny")) is not None:
            if amount % 10000 == 0 and self.rng.random() < 0.4:
                return f"人民币{amount // 10000}万元"
            return f"人民币{financial(amount)}元"
        if foreign := self.rec.get("registered_capital_foreign"):
            word = knobs("synth_content.json")["capital"]["currencies"][foreign["currency"]]
            return f"{word}{foreign['amount'] // 10000}万元"
        return None

    def label(self, key: str) -> str:
        text = self.words.pick(key, self.rng)
        if self.style.label_spacing == "spaces" and 2 < len(text) <= 5:
            return " ".join(text)  # 公 司 名 称: a label stretched across its cell
        return text

    # -- the front page ------------------------------------------------------------------------

    def field_rows(self) -> list[tuple[Cell, Cell]]:
        rec = self.rec
        rows = []
        for key, path, value in (("company", "company_name", rec.get("company_name")),
                                 ("legal_rep", "legal_representative", rec.get("legal_representative")),
                                 ("capital", "registered_capital_cny", self.capital()),
                                 ("address", "registered_address", rec.get("registered_address"))):
            if value:
                rows.append(([self.label(key)], [self.value(path, value)]))
        return rows + self.business_rows()

    def business_name(self, business: dict[str, Any]) -> tuple[str, list[str]]:
        """The printed name with its restrictions in brackets, and the named service items apart."""
        btype = BUSINESS_TYPES[business["code"]]
        prefix = f"{btype.category}中的" if self.rng.random() < self.f["category_prefix"] else ""
        name = self.value("businesses", prefix + btype.name)
        restrictions, named = [], []
        for item in business.get("service_items") or []:
            if RESTRICTION_RE.match(item):
                printed = item.replace("和", self.joiner) if item.startswith("不含") else item
                restrictions.append(f"（{self.value('businesses.service_items', printed)}）")
            else:
                named.append(item)
        if business.get("excluded_items"):  # one bracket names every excluded service (不含A、B)
            printed = "不含" + self.joiner.join(business["excluded_items"])
            restrictions.append(f"（{self.value('businesses.service_items', printed)}）")
        return name + "".join(restrictions), named

    def business_rows(self) -> list[tuple[Cell, Cell]]:
        layout, rows = self.style.business_label, []
        merged_names: Cell = []
        merged_coverages: Cell = []
        for business in self.rec.get("businesses") or []:
            name, named = self.business_name(business)
            named_text = "；".join(self.value("businesses.service_items", i) for i in named)
            items = [f"{self.words.pick('service_items', self.rng)}：{named_text}"] if named else []
            coverage = self.value("businesses.coverage", business["coverage"]) if business.get("coverage") else None
            if layout == "split_rows":
                rows.append(([self.label("business")], [name]))
                if named:
                    rows.append(([self.label("service_items")], [named_text]))
                if coverage:
                    rows.append(([self.label("coverage")], [coverage]))
                continue
            merged_names += [name, *items]
            if coverage and (layout == "wrapped" and self.style.coverage_in_business_cell):
                merged_names.append(self.words.pick("coverage_inline", self.rng) + coverage)
            elif coverage:
                merged_coverages.append(coverage)
        note = [self.words.pick("note", self.rng)] if self.rng.random() < self.f["note"] else []
        if layout == "split_rows":
            return rows + ([([""], note)] if note else [])
        if layout == "wrapped":
            label = list(self.words.pick("business_wrapped", self.rng))
            return [(label, merged_names + merged_coverages + note)]
        rows.append(([self.label("business")], merged_names + note))
        if merged_coverages:
            rows.append(([self.label("coverage")], merged_coverages))
        return rows

    def date_rows(self) -> list[tuple[Cell, Cell]]:
        """The issue and expiry dates as fields, or the validity line (本证有效期自…至…)."""
        rec = self.rec
        if self.validity == "validity_line":
            issue, expiry = rec.get("issue_date"), rec.get("expiry_date")
            if issue and expiry:
                line = self.words.pick("validity_line", self.rng).format(
                    issue=self.value("issue_date", self.date(issue)), expiry=self.value("expiry_date", self.date(expiry)))
                return [([""], [line])]
        return [([self.label(key)], [self.value(path, self.date(rec[path]))])
                for key, path in (("issue_date", "issue_date"), ("expiry_date", "expiry_date")) if rec.get(path)]

    def authority(self) -> str:
        number = self.rec.get("license_no") or ""
        if number[:1] in _PROVINCE_BY_ABBR:
            return self.words.pick("authority_provincial", self.rng).format(province=_PROVINCE_BY_ABBR[number[0]])
        return self.words.pick("authority_cross", self.rng)

    def table(self, rows: list[tuple[Cell, Cell]]) -> str:
        m, layout = self.m, self.style.header_layout
        if layout == "lines":
            return "".join(m.paragraphs([f"{''.join(label)}：{value[0]}" if ''.join(label) else value[0], *value[1:]])
                           for label, value in rows if value)
        paired = layout == "paired"
        width = 3 if paired else 1
        out, pending = [], None
        for label, value in rows:
            cells = (m("label_cell", content=m.paragraphs(label, "label_para")), m.paragraphs(value))
            short = paired and len(value) == 1 and len(value[0]) <= 12 and len(label) == 1
            if short and pending is None:
                pending = cells
                continue
            if short:
                out.append(m("row", cells=pending[0] + m("cell", content=pending[1], cell_style="Cell")
                             + cells[0] + m("cell", content=cells[1], cell_style="Cell")))
                pending = None
                continue
            if pending is not None:
                out.append(self._full_row(*pending, width))
                pending = None
            out.append(self._full_row(*cells, width))
        if pending is not None:
            out.append(self._full_row(*pending, width))
        columns = ("ColL", "ColV4", "ColL", "ColV4") if paired else ("ColL", "ColV")
        return m("table", rows="\n".join(out), columns="".join(m("column", style=c) for c in columns))

    def _full_row(self, label: str, value: str, width: int) -> str:
        m = self.m
        return m("row", cells=label + m("value_cell", content=value, span=width,
                                           covered=m("covered_cell") * (width - 1)))

    def sign_block(self, with_dates: bool) -> str:
        """The authority, the signer in a larger face and (unless they are table rows) the dates:
        stacked, or the signer beside the authority and the dates (a borderless table)."""
        m, rec = self.m, self.rec
        signer = [m("signer_para", text=f"{self.label('signer')}：{self.value('signer', rec['signer'])}")] \
            if rec.get("signer") else []
        authority = self.authority()
        dates = [f"{label[0]}：{value[0]}" if label[0] else value[0]
                 for label, value in (self.date_rows() if with_dates else [])]
        if self.validity == "validity_line" and rec.get("issue_date"):  # the stamp's date, under the authority
            dates.append(self.date(rec["issue_date"]))
        lines = m.paragraphs([authority, *dates], "sign_para")
        if self.style.signature_layout == "beside":
            cells = m("cell", content="".join(signer), cell_style="Bare") + m("cell", content=lines, cell_style="Bare")
            return m("bare_table", rows=m("row", cells=cells), columns=m("plain_column") * 2)
        return m("sign_block", content="".join(signer) + lines)

    def seal(self) -> str:
        """A red seal drawn as vector paths (a ring and a star): scans show it, the text layer has nothing of it."""
        p = self.style.params
        diameter = p["seal_diameter"]
        x, lift = self.rng.randint(60, 110), round(diameter * 0.6, 1)
        # A flat ODT polygon is stretched to its frame: the star's frame is its own box, centred.
        star = round(diameter * 0.44, 1)
        return self.m("seal", diameter=diameter, colour=p["seal_colour"], star=star_points(), x=x, lift=lift,
                      star_size=star, star_x=round(x + (diameter - star) / 2, 1),
                      star_lift=round(lift - (diameter - star) / 2, 1))

    # -- the pages -------------------------------------------------------------------------

    def grid(self, header: list[str], rows: list[list[str]]) -> str:
        m = self.m
        lines = [m("row", cells="".join(m("cell", content=m("para", text=cell), cell_style="Cell") for cell in row))
                 for row in [header, *rows]]
        return m("table", rows="\n".join(lines), columns=m("plain_column") * len(header))

    def attachment(self) -> list[str]:
        """The 附页: change notes, the website, shareholders and inspections; empty if none."""
        m, rec, words = self.m, self.rec, self.words
        number = rec["license_no"]
        parts = [m("para", text=words.pick("change_note", self.rng).format(
            old=self.value("previous_license_nos", old), new=number)) for old in rec.get("previous_license_nos") or []]
        if sites := rec.get("websites"):
            keys = ("name", "domain", "server_location", "access_provider")
            header = list(self.f.pick("website_columns", self.rng))
            rows = [[self.value(f"websites.{key}", site[key]) if site.get(key) else "" for key in keys]
                    for site in sites]
            parts.append(self.grid(header, rows))
        if holders := rec.get("shareholders"):
            rows = [[str(i), self.value("shareholders.name", h["name"]),
                     self.value("shareholders.id_number", h["id_number"]) if h.get("id_number") else "",
                     self.value("shareholders.share_ratio", h["share_ratio"]) if h.get("share_ratio") else ""]
                    for i, h in enumerate(holders, start=1)]
            parts.append(self.grid(list(words.pick("shareholder_columns", self.rng)), rows))
        if inspections := rec.get("annual_inspections"):
            rows = [[self.value("annual_inspections.year", str(i["year"])),
                     self.value("annual_inspections.result", i.get("result") or "合格"),
                     self.value("annual_inspections.date", self.date(i["date"])) if i.get("date") else ""]
                    for i in inspections]
            parts.append(self.grid(list(words.pick("inspection_columns", self.rng)), rows))
        if not parts:
            return []
        return [m("number_para", text=f"{self.number_label}：{number}"), *parts]

    def compose(self) -> str:
        """The whole document in the markup: front page, 附页 (its own page or under the front
        page's fields), 特别规定事项."""
        m, rec, rng = self.m, self.rec, self.rng
        front = [m("title", text=self.f.pick("titles", rng)),
                 m("number_para", text=f"{self.number_label}：{self.value('license_no', rec['license_no'])}")]
        if preamble := self.f.pick("preamble", rng):
            front.append(m("para", text=preamble))
        rows = self.field_rows()
        dates_in_table = self.style.signature_layout == "dates_in_table"
        front.append(self.table(rows + (self.date_rows() if dates_in_table else [])))
        front.append(self.sign_block(with_dates=not dates_in_table))
        pages = [(front, self.seal())]
        if attachment := self.attachment():
            title = self.words.pick("attachment_title", rng)
            if self.style.attachment_new_page:
                pages.append(([m("heading", text=title), *attachment], ""))
            else:
                front += [m("subheading", text=title), *attachment]
        if self.clauses:
            company = rec.get("company_name") or "你公司"
            pages.append(([m("heading", text=self.words.pick("special_title", rng)),
                           m("number_para", text=f"{self.number_label}：{rec['license_no']}"),
                           m("para", text=self.words.pick("special_preamble", rng).format(company=company)),
                           m.paragraphs(self.clauses)], ""))
        body = "\n".join(m("page", content="\n".join(content), seal=seal) for content, seal in pages)
        return m("document", pages=body, **self.style.params)
