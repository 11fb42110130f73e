"""The renderer: one licence's style, drawn once, and the pen the document parts write with.

`Renderer` holds the licence, its `Style` and a `Builder` (so every span is exact), and renders
what every page uses: paragraphs, headings, labels and separators, values with their OCR noise,
tables. The document parts (front.py, attachments.py, provisions.py, inspections.py) are functions
of a renderer, registered with `@document_part`; layout cases are registered with `@layout_case`
(see `cases`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from dataclasses import dataclass, field
from typing import Any

from licex.corpus.synth.builder import Builder, ClauseSpan, Ent, Segment, Tagged, write
from licex.corpus.synth.cases import DOCUMENT_PARTS, layout_case
from licex.corpus.synth.content import Biz, Licence, Number, Sampler
from licex.corpus.synth.damage import DAMAGED_TAG, damage_label, damages
from licex.corpus.synth.data import knobs
from licex.corpus.synth.numerals import counting, year_digits

_FULLWIDTH = str.maketrans({**{chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}})
_TO_ASCII_PUNCT = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})
_CJK_CHAR_RE = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff]")
# The business layouts that put the businesses on an attachment page (见附页 on the front page).
ATTACHMENT_LAYOUTS = ("attachment_business_list", "business_table")


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
        self.start = self.b.mark()  # where the front page starts: a duplicated page is copied from here
        # Set for a licence with damaged labels (see `label`).
        self.damage: random.Random | None = None

    def render(self) -> None:
        """The licence: every registered document part in turn."""
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
        for prev, char in itertools.pairwise(text):
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

    # -- page elements ---------------------------------------------------------------------------

    def page_header(self, number: Number | None = None) -> None:
        """The 经营许可证编号 line that heads every page."""
        label = self.label("经营许可证编号")
        self.par(label, self.colon(allow_space=False), *self.number(number or self.lic.number))

    def _business_layout(self) -> str:
        """Where the businesses go (synth_style.json, business_layout)."""
        weights = self.p["business_layout"]
        n = len(self.lic.businesses)
        few = n <= weights["few_businesses"]
        named = not all(b.restrictions_only for b in self.lic.businesses)
        options = list(ATTACHMENT_LAYOUTS)
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

    def mention(self) -> str:
        """The company as running text names it (not annotated; sometimes a longer legal form)."""
        company = self.lic.company
        if company.endswith("有限公司") and self.knob("mention_long_form"):
            return company[: -len("有限公司")] + "有限责任公司"
        return company

    def preamble_punct(self, text: str) -> str:
        return text if self.knob("preamble_fullwidth_punct") else text.translate(_TO_ASCII_PUNCT)

    def previous_number(self) -> list[Segment]:
        previous = self.lic.previous
        assert previous is not None
        return [self.ent(previous.canonical, "PREV_LICENSE_NO", previous.canonical), previous.printed_suffix]

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
