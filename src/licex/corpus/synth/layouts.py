"""Text layouts: a licence's content rendered as the texts OCR engines and PDF tools give.

`Renderer` writes one licence through a `Builder` (so every span is exact), in the parts
registered with `@document_part`, and notes the layout cases its text shows; each case is the
function registered for its tag with `@layout_case` (see `cases`). Every probability and wording
variant lives in `data/synth_style.json` and `data/synth_wordings.json`; clause wordings in
`data/clauses.jsonl`.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from typing import Any

from .builder import Builder, ClauseSpan, Ent, Segment, Tagged, write
from .cases import DOCUMENT_PARTS, document_part, layout_case
from .content import Biz, Licence, Number, Sampler
from .damage import DAMAGED_TAG, damage_label, damages
from .data import clause_data, knobs
from .numerals import counting, year_digits

_FULLWIDTH = str.maketrans({**{chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}})
_TO_ASCII_PUNCT = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})
_CJK_CHAR_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff]")
_ATTACHMENT_LAYOUTS = ("attachment_business_list", "business_table")


@dataclass
class Style:
    """What one licence's layout is, drawn once (data/synth_style.json, `document`)."""

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

    @classmethod
    def draw(cls, rng: random.Random) -> Style:
        p = knobs("synth_style.json")["document"]
        fmt = p.weighted("format", rng)
        header = p.weighted("header", rng)
        colon = p.weighted("colon", rng)
        if header == "one_line" and colon in (" ", "  "):
            colon = ":"
        ocr = set()
        if p.chance("ocr", rng):
            ocr = {c for c in ("number", "year", "clause") if p.chance("ocr_kind", rng)} or {"clause"}
        page_headers = p.chance("page_headers", rng)
        return cls(
            fmt=fmt,
            para=p.pick("para", rng),
            header=header,
            colon=colon,
            spaced_labels=p.pick("spaced_labels", rng),
            fullwidth=p.pick("fullwidth", rng),
            ocr_spaces=p.pick("ocr_spaces", rng),
            value_next_line=p.pick("value_next_line", rng) if header == "lines" else 0.0,
            page_headers=page_headers,
            signature_blocks=page_headers and p.chance("signature_blocks", rng),
            split_clauses=p.pick("split_clauses", rng),
            punct=p.pick("punct", rng),
            sub_brackets=p.pick("sub_brackets", rng),
            page_chars=p.span("page_chars", rng),
            ocr=ocr,
        )


class Renderer:
    def __init__(self, rng: random.Random, sampler: Sampler, lic: Licence) -> None:
        self.rng = rng
        self.sampler = sampler
        self.lic = lic
        self.p = knobs("synth_style.json")
        self.words = knobs("synth_wordings.json")
        self.b = Builder()
        self.pending: list[str] = []  # tags of the value being rendered, attached to its entity
        self.style = Style.draw(rng)
        self.business_layout = self._business_layout()
        self.change_note_at_end = self.p["document"].chance("change_note_at_end", rng)
        self.page_used = 0
        self.start = self.b.mark()
        # Set for a licence with damaged labels (see `label`).
        self.damage: random.Random | None = None

    def render(self) -> None:
        """The licence: every registered document part in turn."""
        self.start = self.b.mark()
        for part in DOCUMENT_PARTS.values():
            part(self)

    # -- draws -----------------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def knob(self, key: str) -> bool:
        """One draw: True with the probability synth_style.json gives under `key`."""
        return self.p.chance(key, self.rng)

    def wording(self, key: str) -> Any:
        """One of the variants synth_wordings.json lists under `key`."""
        return self.words.pick(key, self.rng)

    def note(self, tag: str) -> None:
        """A layout tag of the value being rendered: it goes with the value's entity (see `ent`)."""
        self.pending.append(tag)

    def flush(self) -> None:
        """Tags of rendered text that is no entity are recorded at once."""
        for tag in self.pending:
            self.b.tag(tag)
        self.pending.clear()

    def ent(self, text: str, label: str, value: Any) -> Ent:
        segment = Ent(text, label, value, tuple(self.pending))
        self.pending.clear()
        return segment

    # -- paragraphs and headings -----------------------------------------------------------------

    @layout_case("html")
    def par(self, *segments: Segment) -> None:
        """One paragraph (a line of the page); in HTML text, a <p> element."""
        b = self.b
        self.flush()
        if self.style.fmt == "html":
            b.tag("html")
            b.add("<p>")
            write(b, list(segments))
            b.add("</p>\n")
        else:
            write(b, list(segments))
            b.add(self.style.para)

    @layout_case("markdown")
    def heading(self, text: str, level: int = 2) -> None:
        """A heading: a markdown `#` line, an HTML <hN>, or a plain line."""
        if self.style.fmt == "markdown":
            self.b.tag("markdown")
            self.par("#" * level + " " + text)
        elif self.style.fmt == "html" and self.knob("html_heading"):
            self.b.tag("html")
            self.b.add(f"<h{level}>{text}</h{level}>\n")
        else:
            self.par(text)

    @layout_case("spaced_labels")
    def label(self, name: str) -> Segment:
        """A field label: spaced out (法 定 代 表 人), damaged in a damaged licence, or as is."""
        spaced = len(name) > 2 and self.chance(self.style.spaced_labels)
        # Damage draws from its own generator after the clean draws, so a damaged licence is its
        # clean twin (same seed) but for the labels.
        if self.damage is not None and damages(self.damage):
            damaged = damage_label(name, self.damage)
            if damaged != name:
                return Tagged(damaged, (DAMAGED_TAG,))
        if spaced:
            return Tagged(" ".join(name), ("spaced_labels",))
        return name

    @layout_case("no_colon")
    def colon(self, allow_space: bool = True, value_follows: bool = True) -> Segment:
        """The separator after a label: the document's colon, or spaces (no_colon) where allowed."""
        colon = self.style.colon
        if not allow_space and not colon.strip():
            colon = ":"
        if not value_follows:
            colon = colon.strip()
        elif self.style.fmt == "html" and colon.strip() and self.knob("html_nbsp_colon"):
            colon = colon.strip() + "&nbsp;"
        if not colon.strip():
            return Tagged(colon, ("no_colon",))
        if "：" in colon:
            return Tagged(colon, ("fullwidth",))
        return colon

    # -- values ----------------------------------------------------------------------------------

    @layout_case("spaces_in_values")
    def spaced(self, text: str, kind: str) -> str:
        """OCR spaces inside a value, only where a CJK character is on one side (clean_value removes them)."""
        if not self.chance(self.style.ocr_spaces):
            return text
        per_char = self.p["ocr_spaces_per_char"][kind]
        out = [text[0]]
        for prev, char in zip(text, text[1:]):
            if (_CJK_CHAR_RE.match(prev) or _CJK_CHAR_RE.match(char)) and self.rng.random() < per_char:
                out.append(" ")
            out.append(char)
        result = "".join(out)
        if result != text:
            self.note("spaces_in_values")
        return result

    @layout_case("fullwidth")
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
        return self.spaced(name, "person")

    def date(self, date: dt.date, noisy: bool = True) -> str:
        """A date as licences print it; `noisy` lets OCR noise in (spaces, full width, O for 0)."""
        rng, p = self.rng, self.p["date"]
        y, m, d = date.year, date.month, date.day
        forms = p["forms"]
        names = list(forms)
        weights = [forms[name] if noisy or name != "spaced" else 0 for name in names]
        form = rng.choices(names, weights=weights)[0]
        if form == "chinese":
            return f"{year_digits(y)}年{counting(m)}月{counting(d)}日"
        year = str(y)
        if noisy and "year" in self.style.ocr and "0" in year and p.chance("ocr_year", rng):
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
            text = f"{year} 年 {m:02d} 月 {d:02d} 日" if p.chance("spaced_padded", rng) else f"{year} 年 {m} 月 {d} 日"
        return self.wide(text) if noisy else text

    @layout_case("ocr_confusion")
    def number(self, number: Number) -> list[Segment]:
        """A licence number, with OCR's l for 1 (B1 -> Bl) in a licence with number confusions;
        the other OCR confusions are O for 0 in a year (`date`) and 人員 in a clause (`clause`)."""
        text = number.canonical
        if "number" in self.style.ocr and "B1" in text and self.knob("ocr_licence_number"):
            self.note("ocr_confusion")
            text = text.replace("B1", "Bl", 1)
        elif self.chance(self.style.fullwidth * self.p["fullwidth_licence_number"]):
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
        if allow_break and len(text) > 30 and self.knob("coverage_line_break"):
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
        separator = self.wording("item_separator")
        segments: list[Segment] = []
        for i, item in enumerate(items):
            if i:
                segments.append(separator)
            segments.append(self.ent(item, "SERVICE_ITEM", item))
        return segments

    def business(self, biz: Biz, with_brackets: bool) -> list[Segment]:
        segments: list[Segment] = [self.ent(self.spaced(biz.printed, "business"), "BUSINESS", (biz.code, biz.implied))]
        if with_brackets:
            for item in biz.items:
                segments += self.bracket(item)
        return segments

    def page_header(self, number: Number | None = None) -> None:
        """The 经营许可证编号 line that heads every page."""
        label = self.label("经营许可证编号")
        self.par(label, self.colon(allow_space=False), *self.number(number or self.lic.number))

    # -- front page ------------------------------------------------------------------------------

    @document_part("front_page")
    def front_page(self) -> None:
        lic = self.lic
        title = self.wording("title")
        if lic.cross and self.knob("cross_regional_title"):
            title = self.words["cross_regional_title"]
        self.heading(title, 1)
        self.page_header()
        if lic.previous is not None and not self.change_note_at_end:
            self.b.tag("change_note")
            self.par(self.label("原经营许可证编号"), self.colon(False), *self.previous_number())
        kind = self.words["licence_kind"]["cross" if lic.cross else "provincial"]
        self.par(self.preamble_punct(self.words["preamble"].format(kind=kind)))
        self.b.cut_here()
        fields = self.front_fields()
        if self.style.header == "one_line":
            self.one_line(fields)
        elif self.style.header == "table":
            self.table_fields(fields)
        else:
            for name, segments in fields:
                self.field_line(name, segments)
        if self.knob("authority_line"):
            self.par(self.words["authority_line"].format(country="中华人民共和国" if lic.cross else "",
                                                         authority=lic.authority))

    def _business_layout(self) -> str:
        """Where the businesses go (synth_style.json, business_layout)."""
        weights = self.p["business_layout"]
        n = len(self.lic.businesses)
        few = n <= 3
        named = not all(b.restrictions_only for b in self.lic.businesses)
        options = list(_ATTACHMENT_LAYOUTS)
        chosen = [weights[name] for name in options]
        if self.style.header == "one_line":
            if n == 1:
                options.append("inline")
                chosen.append(weights["one_line_inline"])
        elif self.style.header == "table":
            options.append("rows")
            chosen.append(weights["rows_few"] if few else weights["rows_many"])
        else:
            if few and not named:
                options.append("two_column")
                chosen.append(weights["two_column"])
            if few:
                options.append("inline")
                chosen.append(weights["inline_one"] if n == 1 else weights["inline_few"])
        return self.rng.choices(options, weights=chosen)[0]

    def front_fields(self) -> list[tuple[str, list[Segment]]]:
        lic = self.lic
        fields: list[tuple[str, list[Segment]]] = [
            ("公司名称", [self.ent(self.spaced(lic.company, "company"), "COMPANY", lic.company)]),
            ("法定代表人", [self.ent(self.person(lic.legal_rep), "LEGAL_REP", lic.legal_rep)]),
        ]
        if lic.capital is not None:
            amount, currency, printed = lic.capital
            fields.append(("注册资本", [self.ent(self.wide(self.spaced(printed, "capital")), "CAPITAL", (amount, currency))]))
        if lic.address is not None:
            fields.append((self.wording("address_label"),
                           [self.ent(self.spaced(lic.address, "address"), "ADDRESS", lic.address)]))
        fields.append(("@business", []))
        if lic.signer is not None:
            fields.append(("签发人", [self.ent(self.person(lic.signer), "SIGNER", lic.signer)]))
        elif self.knob("blank_signer"):
            fields.append(("签发人", []))
        fields.append(("发证日期", [self.ent(self.date(lic.issue), "ISSUE_DATE", lic.issue)]))
        fields.append(("有效期至", [self.ent(self.date(lic.expiry), "EXPIRY_DATE", lic.expiry)]))
        return fields

    @layout_case("value_next_line")
    def field_line(self, name: str, segments: list[Segment]) -> None:
        """A field on its line, its value on the same line or (value_next_line) on the next."""
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
            if self.style.fmt == "html" and self.knob("html_br_value"):
                self.par(label, colon, "<br>", *segments)
            else:
                self.par(label, colon)
                self.par(*segments)
        else:
            self.par(label, self.colon(), *segments)
        self.b.cut_here()

    @layout_case("one_line_header")
    def one_line(self, fields: list[tuple[str, list[Segment]]]) -> None:
        """Every field of the front page on one line."""
        self.b.tag("one_line_header")
        line: list[Segment] = []
        gap = self.wording("one_line_gap")
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

    @layout_case("table_cells")
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
                    write(b, cell if isinstance(cell, list) else [cell])
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
                    write(b, cell if isinstance(cell, list) else [cell])
                b.add(" |\n")
                if i == 0:
                    b.add("|" + "---|" * len(row) + "\n")
                b.cut_here()
            b.add("\n")
            return
        separator = "\t" if self.knob("table_tab") else "    "
        for row in rows:
            for j, cell in enumerate(row):
                if j:
                    b.add(separator)
                write(b, cell if isinstance(cell, list) else [cell])
            b.add("\n")
            b.cut_here()
        b.add("\n" if self.style.para == "\n\n" else "")

    def business_lines(self) -> None:
        layout = self.business_layout
        lic = self.lic
        if layout in _ATTACHMENT_LAYOUTS:
            self.par(self.label("业务种类"), self.colon(False), "(见附页)")
            self.par(self.label("业务覆盖范围"), self.colon(False), "(见附页)")
            if self.knob("attachment_note"):
                self.par("(服务项目)")
            self.b.cut_here()
            return
        if layout == "two_column":
            self.two_column()
            return
        for biz in lic.businesses:  # inline: 业务种类 / 业务覆盖范围 pairs
            brackets = biz.restrictions_only
            if brackets and biz.items and self.knob("restriction_below"):
                # the restriction on the line below the business (as the seeds print it)
                self.par(self.label("业务种类"), self.colon(), *self.business(biz, False))
                self.par(*[s for item in biz.items for s in self.bracket(item)])
            else:
                self.par(self.label("业务种类"), self.colon(), *self.business(biz, brackets))
                if biz.items and not brackets:
                    self.par(self.label("服务项目"), self.colon(), *self.item_list(biz.items))
            self.par(self.label("业务覆盖范围"), self.colon(),
                     self.ent(self.coverage(biz.coverage), "COVERAGE", biz.coverage))
            if len(lic.businesses) == 1 and self.knob("single_business_note"):
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

    @document_part("duplicated_page")
    @layout_case("duplicated_page")
    def duplicated_page(self) -> None:
        """The front page printed twice."""
        if self.knob("duplicated_page"):
            self.b.tag("duplicated_page")
            self.b.repeat_from(self.start, "\n" if self.style.fmt == "html" else self.style.para)

    # -- 附页 ------------------------------------------------------------------------------------

    def attachment_title(self) -> None:
        self.page_header()
        title = self.words["attachment_title"]
        if self.knob("attachment_title_one_line"):
            self.heading(title + " (附 页)")
        else:
            self.heading(title)
            self.par("(附 页)")

    def mention(self) -> str:
        """The company as running text names it (not annotated; sometimes a longer legal form)."""
        company = self.lic.company
        if company.endswith("有限公司") and self.knob("mention_long_form"):
            return company[: -len("有限公司")] + "有限责任公司"
        return company

    @document_part("shareholder_page")
    @layout_case("shareholder_table")
    def shareholder_page(self) -> None:
        """The 附页 of shareholders and their ratios, as a table."""
        b, lic = self.b, self.lic
        if not lic.shareholders:
            return
        b.tag("shareholder_table")
        self.attachment_title()
        self.par(self.words["shareholder_intro"].format(company=self.mention()))
        header = [self.wording("shareholder_header"), "证照号码", "出资比例"]
        rows: list[list[Any]] = [header]
        for name, id_number, ratio in lic.shareholders:
            rows.append([
                [self.ent(self.spaced(name, "shareholder"), "SHAREHOLDER", name)],
                [self.ent(self.wide(id_number), "SHAREHOLDER_ID", id_number)],
                [self.ent(self.wide(ratio), "SHARE_RATIO", ratio)],
            ])
        self.table(rows, header=True)
        self.par(self.words["shareholder_note"].format(authority=lic.authority))
        b.cut_here()

    @document_part("business_page")
    def business_page(self) -> None:
        """The 附页 of businesses, where the front page says (见附页)."""
        if self.business_layout not in _ATTACHMENT_LAYOUTS:
            return
        self.attachment_title()
        if self.business_layout == "business_table":
            self.business_table()
        else:
            self.business_list()

    @layout_case("business_table")
    def business_table(self) -> None:
        """The businesses as a 业务种类 / 服务项目 / 业务覆盖范围 table."""
        b, lic = self.b, self.lic
        b.tag("business_table")
        if self.knob("business_table_intro"):
            self.par(self.words["business_table_intro"].format(company=self.mention()))
        rows: list[list[Any]] = [["业务种类", "服务项目", "业务覆盖范围"]]
        for biz in lic.businesses:
            items = self.item_list(biz.items) if biz.items else [self.wording("no_items")]
            rows.append([self.business(biz, False), items, [self.ent(self.coverage(biz.coverage), "COVERAGE", biz.coverage)]])
        self.table(rows, header=True)

    @layout_case("attachment_business_list")
    def business_list(self) -> None:
        """The businesses as a numbered list, each with its service items and coverage."""
        b, lic = self.b, self.lic
        b.tag("attachment_business_list")
        intro = self.words["business_list_intro"].format(company=self.mention())
        if self.knob("list_intro_wrapped"):  # the intro wraps before 覆盖范围 as in the seeds
            self.par(intro[: intro.index("覆盖范围")])
            self.par(intro[intro.index("覆盖范围"):])
        else:
            self.par(intro)
        numbering = self.wording("list_numbering")
        for i, biz in enumerate(lic.businesses, start=1):
            marker = f"{counting(i)}、" if numbering == "chinese" else f"{i}. "
            brackets = biz.restrictions_only and self.knob("list_brackets")
            self.par(marker, *self.business(biz, brackets))
            if biz.items and not brackets:
                self.par(self.label("服务项目"), self.colon(False), *self.item_list(biz.items), "。")
            end = "。" if self.knob("list_full_stop") else ""
            self.par(self.label("业务覆盖范围"), self.colon(False),
                     self.ent(self.coverage(biz.coverage, allow_break=True), "COVERAGE", biz.coverage), end)
            b.cut_here()

    @document_part("website_page")
    @layout_case("website_page")
    def website_page(self) -> None:
        """The 附页 of the website: name, domain, server location, access provider."""
        b, site = self.b, self.lic.website
        if not site:
            return
        b.tag("website_page")
        self.attachment_title()
        self.par(self.words["website_intro"].format(company=self.mention()))
        rows = [
            ("网站名称", "WEBSITE_NAME", site["name"]),
            (self.wording("domain_label"), "DOMAIN", site["domain"]),
            (self.wording("server_label"), "SERVER_LOCATION", site["server_location"]),
            ("接入服务商", "ACCESS_PROVIDER", site["access_provider"]),
        ]
        if self.knob("website_table"):
            b.tag("table_cells")
            self.table([[name, [self.ent(value, label, value)]] for name, label, value in rows], header=False)
        else:
            for name, label, value in rows:
                self.par(self.label(name), self.colon(False), self.ent(value, label, value))
                b.cut_here()

    # -- 特别规定事项 ----------------------------------------------------------------------------

    @document_part("special_provisions")
    def special_provisions(self) -> None:
        lic = self.lic
        texts, sections = clause_data()
        self.special_header()
        company = self.mention()
        self.par(self.clause_punct(
            self.words["special_intro"].format(company=company, which=self.wording("special_intro_which"))
        ))
        self.page_used = 0
        authority = "我部" if lic.cross else "我局"
        top = 0
        for slot in sections["general"]:
            if slot.scope == "cross" and not lic.cross:
                continue
            top += 1
            clause = texts[self.rng.choice(slot.clauses)]
            self.clause(f"{counting(top)}、", clause.label, clause.text.format(authority=authority), counting(top), None)
        for biz in lic.businesses:
            top += 1
            header = texts["biz.header"]
            self.clause(f"{counting(top)}、", header.label, header.text.format(business=biz.section_name),
                        counting(top), biz.code, splittable=False)
            sub = 0
            for slot in sections[biz.code]:
                if slot.optional and not self.knob("optional_clause"):
                    continue
                sub += 1
                clause = texts[self.rng.choice(slot.clauses)]
                text = clause.text.format(authority=authority, business=biz.section_name)
                marker = f"({counting(sub)})" if self.style.sub_brackets == "ascii" else f"（{counting(sub)}）"
                marker += self.wording("sub_clause_gap")
                self.clause(marker, clause.label, text, f"{counting(top)}({counting(sub)})", biz.code)
        if self.style.signature_blocks:
            self.signature_block(final=True)

    def special_header(self) -> None:
        self.page_header()
        self.heading(self.wording("special_heading"))

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
        return text if self.knob("preamble_fullwidth_punct") else text.translate(_TO_ASCII_PUNCT)

    def clause(self, marker: str, label: str, text: str, number: str, code: str | None,
               splittable: bool = True) -> None:
        b, style = self.b, self.style
        body = self.clause_punct(text)
        confused = -1
        if "clause" in style.ocr and "人员" in body and label == "BIZ_SECURITY_STAFF" and self.knob("ocr_clause"):
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
        b.clauses.append(ClauseSpan(start, b.length, label, number, code))
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

    @layout_case("page_headers")
    def page_break(self) -> None:
        """The foot of a 特别规定事项 page and the head of the next: signature block, number, title."""
        self.b.tag("page_headers")
        if self.style.signature_blocks:
            self.signature_block(final=False)
        self.special_header()
        self.page_used = 0

    @layout_case("signature_blocks")
    def signature_block(self, final: bool) -> None:
        """The signature lines at the foot of a 特别规定事项 page; the last page's signed and dated."""
        b, p = self.b, self.p["signature"]
        b.tag("signature_blocks")
        if not final or p.chance("blank", self.rng):
            self.par("司(局)负责人:")
            self.par("公司代表:")
            self.par("年 月 日")
            self.par("年 月 日")
            return
        # the last page: signed, sometimes dated
        official, representative = self.sampler.name(), self.sampler.name()
        signed = self.lic.issue - dt.timedelta(days=p.span("days_before", self.rng))
        self.par("司(局)负责人:")
        self.par(official)
        self.par(self.date(signed, noisy=False) if p.chance("dated", self.rng) else "年 月 日")
        if p.chance("inline", self.rng):
            self.par(f"公司代表: {representative}")
        else:
            self.par("公司代表:")
            self.par(representative)
        counter_signed = signed + dt.timedelta(days=p.span("countersigned_days", self.rng))
        dates = {
            "short": f"{counter_signed.year % 100:02d}年{counter_signed.month}月{counter_signed.day}日",
            "full": self.date(counter_signed, noisy=False),
            "blank": "年 月 日",
        }
        self.par(dates[self.wording("counter_signature_date")])

    def previous_number(self) -> list[Segment]:
        previous = self.lic.previous
        assert previous is not None
        return [self.ent(previous.canonical, "PREV_LICENSE_NO", previous.canonical), previous.printed_suffix]

    @document_part("change_note")
    @layout_case("change_note")
    def change_note(self) -> None:
        """The change of licence number: 原经营许可证编号 on the front page (see `front_page`), or
        a note after the clauses (B1-20190001 变更为 B1.B2-20230002)."""
        lic = self.lic
        if lic.previous is None or not self.change_note_at_end:
            return
        self.b.tag("change_note")
        new = lic.number
        self.par(*self.previous_number(), self.wording("change_note_verb"), new.canonical + new.printed_suffix,
                 self.wording("change_note_end"))

    # -- annual inspections ----------------------------------------------------------------------

    @document_part("inspection_pages")
    @layout_case("inspection_table")
    def inspection_pages(self) -> None:
        """The annual inspection record pages, as HTML cells or lines."""
        b, lic, rng, p = self.b, self.lic, self.rng, self.p["inspection"]
        if not lic.inspections:
            return
        b.tag("inspection_table")
        entries = lic.inspections
        per_page = p.pick("per_page", rng)
        cells = p.chance("cells", rng)
        for page_start in range(0, len(entries), per_page):
            page = entries[page_start:page_start + per_page]
            old = lic.previous is not None and page_start == 0 and p.chance("previous_number", rng)
            self.page_header(lic.previous if old else None)
            kind = "年报" if all(e[3] == "年报" for e in page) else "年检"
            self.heading(self.words["inspection_heading"].format(kind=kind), 2)
            self.par(self.preamble_punct(self.words["inspection_preamble"]))
            blank = page_start + per_page >= len(entries) and p.chance("blank", rng)
            if cells:
                self.inspection_cells(page, blank)
            else:
                self.inspection_text(page, blank)

    def inspection_entry(self, entry: tuple[int, str, dt.date, str], gap: str) -> tuple[list[Segment], Ent]:
        """The sentence of one entry (你公司 2002 年度年检合格。) and its stamped date."""
        year, result, date, kind = entry
        sentence: list[Segment] = [
            f"经审核{self.wording('inspection_comma')}你公司{gap}",
            self.ent(self.wide(str(year)), "INSPECTION_YEAR", year),
            f"{gap}年度{kind}", self.ent(result, "INSPECTION_RESULT", result), "。",
        ]
        return sentence, self.ent(self.date(date), "INSPECTION_DATE", date)

    def inspection_cells(self, page: list[tuple[int, str, dt.date, str]], blank: bool) -> None:
        """HTML <p> cells, two entries a row, as the inspection table of the seeds is printed."""
        b = self.b
        b.tag("html")
        gap = self.wording("inspection_gap")
        stamp = self.wording("inspection_stamp")
        cells = [self.inspection_entry(entry, gap) for entry in page]
        for i, (sentence, date) in enumerate(cells):
            b.add("<p>")
            write(b, sentence)
            b.add(f"</p> <p>{stamp}</p>  <p>")
            write(b, [date])
            b.add("</p>")
            b.add("\t" if i % 2 == 0 and i + 1 < len(cells) + blank else "\n")
            b.cut_here()
        if blank:
            b.add(f"<p>经审核，你公司{gap}年度年检合格。</p> <p>{stamp}</p> <p>年 月 日</p>\t\n")
        b.add("\n")

    def inspection_text(self, page: list[tuple[int, str, dt.date, str]], blank: bool) -> None:
        gap = self.wording("inspection_gap")
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

    @layout_case("truncated_page")
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
            clauses.append(ClauseSpan(c.start, end, c.label, c.number, c.business_code))
        b.clauses = clauses
        b.tags = {tag: pos for tag, pos in b.tags.items() if pos < cut}
        b.tags["truncated_page"] = cut
