"""Typesetting licences as documents: a PDF with a text layer, as the issuing authority prints them.

`PrintedLicence` is what a licence prints (each value in its printed form); `typeset` lays it out
with a design from `data/designs.json`: a front page with the fields (a bordered label/value
table, one `label: value` line a field, or each label over its value) and the seal over part of
the text, 附页 pages (licence-number change notes, the website table, the shareholder table,
annual inspections; portrait or landscape), and the 特别规定事项 pages with the licence number
printed at the top and the signature footer at the foot of every page. A design may add a
handwritten-looking signature. `scan` (licex.corpus.scan) turns the pages into damaged page
images.

Fonts: each design names its fonts in order of preference; Noto Sans CJK from the
`noto-cjk-sans-otc` wheel is always there, so typesetting needs nothing outside PyPI, and
Debian's fonts-noto-cjk (serif) and fonts-wqy-zenhei give other faces where installed. fpdf2
embeds the subset of glyphs each document uses.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import random
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from licex.fields.catalogue import BUSINESS_TYPES
from licex.fields.labels import ENTITY_LABELS
from licex.fields.record import exclusions_apart, websites_listed

# Documents carry this creation date, not the time they were made, so rendering is reproducible.
FIXED_DATE = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
# The simplified-Chinese face in the Noto Sans CJK collection (JP, KR, SC, TC, HK order).
_SC_FACE = 2
_WHEEL = "wheel:"


# The entity label of each record path, and the paths of each record group (websites.name, …) in
# the field table's order, which is a row's order (shareholders: name, id number, ratio).
LABEL_OF_PATH = {label.field: name for name, label in ENTITY_LABELS.items()}
_ROW_PATHS = {group: [path for path in LABEL_OF_PATH if path.startswith(f"{group}.")]
              for group in ("websites", "shareholders", "annual_inspections")}


@dataclass(frozen=True)
class PrintedBusiness:
    name: str  # as printed: 第一类增值电信业务中的互联网数据中心业务
    service_items: tuple[str, ...] = ()
    coverage: str | None = None


@dataclass
class PrintedLicence:
    """What a licence prints, value by value, in printed form; None where it prints nothing."""

    license_no: str
    company: str | None = None
    legal_rep: str | None = None
    capital: str | None = None
    address: str | None = None
    businesses: list[PrintedBusiness] = field(default_factory=list)
    signer: str | None = None
    issue_date: str | None = None
    expiry_date: str | None = None
    previous_numbers: list[str] = field(default_factory=list)
    websites: list[dict[str, str]] = field(default_factory=list)  # 网站名称 / 网站域名 / 服务器放置地 / 接入服务商 values
    shareholders: list[tuple[str, str, str]] = field(default_factory=list)  # name, id number, ratio
    inspections: list[tuple[int, str, str | None]] = field(default_factory=list)  # year, result, stamp date
    clauses: list[str] = field(default_factory=list)  # each with its number: 一、… or (三)…

    @classmethod
    def from_record(cls, record: dict[str, Any], clauses: list[str]) -> "PrintedLicence":
        """The printed form of a licence record (as licex writes it) and its clause texts."""
        capital = record.get("registered_capital_cny")
        return cls(
            license_no=record["license_no"],
            company=record.get("company_name"),
            legal_rep=record.get("legal_representative"),
            capital=print_capital(capital) if capital is not None else None,
            address=record.get("registered_address"),
            businesses=[PrintedBusiness(print_business(b["code"]), print_service_items(b), b.get("coverage"))
                        for b in record.get("businesses", [])],
            signer=record.get("signer"),
            issue_date=print_date(record.get("issue_date")),
            expiry_date=print_date(record.get("expiry_date")),
            previous_numbers=list(record.get("previous_license_nos") or []),
            websites=[printed for site in websites_listed(record).get("websites") or []
                      if (printed := {k: v for k, v in site.items() if v})],
            shareholders=[(s["name"], s.get("id_number") or "", s.get("share_ratio") or "")
                          for s in record.get("shareholders", [])],
            inspections=[(i["year"], i.get("result") or "合格", print_date(i.get("date")))
                         for i in record.get("annual_inspections", [])],
            clauses=clauses,
        )

    def printed_values(self) -> list[tuple[str, str]]:
        """(entity label, printed text) of each value the licence prints, in print order; the
        licence number once, though it prints on several pages. Each value's label is the one
        that fills its record path (labels.ENTITY_LABELS)."""
        label = LABEL_OF_PATH
        values = [(label["license_no"], self.license_no)]
        values += [(label[path], value) for path, value in (
            ("company_name", self.company), ("legal_representative", self.legal_rep),
            ("registered_capital_cny", self.capital), ("registered_address", self.address)) if value]
        for business in self.businesses:
            values.append((label["businesses"], business.name))
            values += [(label["businesses.service_items"], item) for item in business.service_items]
            if business.coverage:
                values.append((label["businesses.coverage"], business.coverage))
        values += [(label[path], value) for path, value in (
            ("signer", self.signer), ("issue_date", self.issue_date), ("expiry_date", self.expiry_date)) if value]
        values += [(label["previous_license_nos"], old) for old in self.previous_numbers]
        for site in self.websites:
            values += [(label[path], site[key]) for path in _ROW_PATHS["websites"]
                       if site.get(key := path.partition(".")[2])]
        for row in self.shareholders:
            values += [(label[path], value) for path, value in zip(_ROW_PATHS["shareholders"], row) if value]
        for year, result, date in self.inspections:  # (from_record prints a missing result as 合格)
            values += [(label[path], value) for path, value in zip(_ROW_PATHS["annual_inspections"],
                                                                    (str(year), result, date)) if value]
        return values


def print_capital(amount: int) -> str:
    """人民币肆仟万元 for 40,000,000: licences print capital in upper-case numerals."""
    import cn2an

    return f"人民币{cn2an.an2cn(amount, 'up')}元"


def print_business(code: str) -> str:
    business = BUSINESS_TYPES[code]
    return f"{business.category}中的{business.name}"


def print_service_items(business: dict[str, Any]) -> tuple[str, ...]:
    """The service items a business of a record prints, as licences print them: what it permits,
    then one 不含 item naming what it excludes (不含A和B, 不含A、B和C)."""
    business = exclusions_apart(business)
    items = tuple(business.get("service_items") or ())
    excluded = business.get("excluded_items") or []
    if not excluded:
        return items
    names = excluded[0] if len(excluded) == 1 else f"{'、'.join(excluded[:-1])}和{excluded[-1]}"
    return (*items, f"不含{names}")


def print_date(value: str | None) -> str | None:
    if not value:
        return None
    date = dt.date.fromisoformat(value)
    return f"{date.year}年{date.month:02d}月{date.day:02d}日"


@lru_cache(maxsize=1)
def designs() -> dict[str, dict[str, Any]]:
    text = resources.files("licex.corpus").joinpath("data/designs.json").read_text("utf-8")
    return {name: design for name, design in json.loads(text).items() if not name.startswith("_")}


def font_path(name: str = "NotoSansCJK-Regular.ttc") -> Path:
    """A font file of the noto-cjk-sans-otc wheel."""
    from licex.jobs.extras import require

    require("render", "typesetting licences")
    import noto_cjk_sans_otc

    return Path(noto_cjk_sans_otc.__file__).parent / name


def design_font(design: dict[str, Any]) -> tuple[Path, int]:
    """The design's first font that is installed, and its face in the collection; the last is
    the wheel's, which always is."""
    for font in design["fonts"]:
        path = font_path(font["file"][len(_WHEEL):]) if font["file"].startswith(_WHEEL) else Path(font["file"])
        if path.exists():
            return path, font["face"]
    raise ValueError(f"none of the design's fonts is installed: {[f['file'] for f in design['fonts']]}")


def choose_design(rng: "random.Random") -> str:
    """A design drawn by the designs' weights."""
    names = sorted(designs())
    return rng.choices(names, weights=[designs()[name]["weight"] for name in names])[0]


def typeset(licence: PrintedLicence, design: str = "table_front") -> bytes:
    """The licence as a PDF with a text layer."""
    if design not in designs():
        raise ValueError(f"unknown design {design!r}; known: {', '.join(sorted(designs()))}")
    return _Document(licence, designs()[design]).render()


class _Document:
    def __init__(self, licence: PrintedLicence, design: dict[str, Any]) -> None:
        from fpdf import FPDF

        self.lic = licence
        self.d = design
        self.labels = design["labels"]
        document = self

        class _Pdf(FPDF):
            def header(self) -> None:
                document.page_header()

            def footer(self) -> None:
                document.page_footer()

        self.pdf = _Pdf(format="A4")
        self.pdf.set_creation_date(FIXED_DATE)  # the same licence gives the same bytes
        margin = design["margin_mm"]
        self.pdf.set_margins(margin, margin, margin)
        self.pdf.set_auto_page_break(True, margin=margin + 14)
        # fontTools warns of every table it cannot subset (wqy-zenhei's bitmap strikes): noise.
        logging.getLogger("fontTools.subset").setLevel(logging.ERROR)
        font, face = design_font(design)
        self.pdf.add_font("cjk", fname=str(font), collection_font_number=face)
        self.in_special = False
        self.special_page = 0
        self.special_pdf_pages: set[int] = set()  # the pages that print the header and the footer

    # -- page furniture ----------------------------------------------------------------------

    def page_header(self) -> None:
        if not self.in_special:
            return
        self.special_page += 1
        pdf = self.pdf
        self.special_pdf_pages.add(pdf.page)
        pdf.set_font("cjk", size=self.d["small_size"])
        header = self.d["page_header"].format(license_no=self.lic.license_no)
        number = self.d["page_number"].format(page=self.special_page)
        pdf.cell(0, 6, header, new_x="LMARGIN")
        pdf.cell(0, 6, number, align="R", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font("cjk", size=self.d["font_size"])

    def page_footer(self) -> None:
        if self.pdf.page not in self.special_pdf_pages:
            return
        pdf = self.pdf
        pdf.set_y(-(self.d["margin_mm"] + 10))
        pdf.set_font("cjk", size=self.d["font_size"])
        left, right = self.d["footer"]
        half = (pdf.w - 2 * pdf.l_margin) / 2
        pdf.cell(half, 7, left)
        pdf.cell(half, 7, right)

    # -- content -------------------------------------------------------------------------------

    def render(self) -> bytes:
        self.front_page()
        self.attachment_pages()
        self.special_pages()
        return bytes(self.pdf.output())

    def paragraph(self, text: str, size: float | None = None, align: str = "J", indent: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font("cjk", size=size or self.d["font_size"])
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, self.d["line_height_mm"], text, align=align, new_x="LMARGIN", new_y="NEXT")

    def title(self, text: str) -> None:
        self.paragraph(text, size=self.d["title_size"], align="C")
        self.pdf.ln(4)

    def label_table(self, rows: list[tuple[str, str]]) -> None:
        pdf = self.pdf
        pdf.set_font("cjk", size=self.d["font_size"])
        width = pdf.w - pdf.l_margin - pdf.r_margin
        label_width = self.d["label_width_mm"]
        with pdf.table(col_widths=(label_width, width - label_width), first_row_as_headings=False,
                       line_height=self.d["font_size"] * self.d["cell_leading"] * 0.3528) as table:
            for label, value in rows:
                row = table.row()
                row.cell(label)
                row.cell(value)

    def grid(self, header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> None:
        pdf = self.pdf
        pdf.set_font("cjk", size=self.d["font_size"])
        with pdf.table(first_row_as_headings=False, col_widths=tuple(widths) if widths else None,
                       line_height=self.d["font_size"] * self.d["cell_leading"] * 0.3528) as table:
            for cells in [header, *rows]:
                row = table.row()
                for cell in cells:
                    row.cell(cell)

    def front_page(self) -> None:
        lic, labels = self.lic, self.labels
        self.pdf.add_page()
        self.title(self.d["title"])
        self.paragraph(f"{labels['license_no']}: {lic.license_no}")
        self.pdf.ln(2)
        self.paragraph(self.d["preamble"])
        self.pdf.ln(3)
        rows = [(labels[key], value) for key, value in (
            ("company", lic.company), ("legal_rep", lic.legal_rep), ("capital", lic.capital),
            ("address", lic.address)) if value]
        for business in lic.businesses:
            rows.append((labels["business"], business.name))
            if business.service_items:
                rows.append((labels["service_items"], "；".join(business.service_items)))
            if business.coverage:
                rows.append((labels["coverage"], business.coverage))
        rows += [(labels[key], value) for key, value in (
            ("signer", lic.signer), ("issue_date", lic.issue_date), ("expiry_date", lic.expiry_date)) if value]
        fields_top = self.pdf.get_y()
        self.FRONT_LAYOUTS[self.d["front_layout"]](self, rows)
        fields_bottom = self.pdf.get_y()
        self.pdf.ln(8)
        authority_y = self.pdf.get_y()
        self.paragraph(self.labels["authority"], align="R")
        diameter = self.d["seal"]["diameter_mm"]
        if self.d["seal"]["over"] == "fields":  # over the last rows of the fields, as stamped by hand
            seal_y = max(fields_top, fields_bottom - diameter * 0.8)
            self.seal(self.pdf.l_margin + 25, seal_y)
        else:
            self.seal(self.pdf.w - self.pdf.r_margin - diameter, authority_y - 12)
        if self.d["signature"] and lic.signer:
            self.signature(lic.signer, self.pdf.l_margin + 10, authority_y - 4)

    def label_lines(self, rows: list[tuple[str, str]]) -> None:
        """One field a line: `label: value`, a long value wrapping under itself."""
        for label, value in rows:
            self.paragraph(f"{label}：{value}", align="L")
            self.pdf.ln(1)

    def stacked(self, rows: list[tuple[str, str]]) -> None:
        """Each label on its own line, its value on the next, indented."""
        for label, value in rows:
            self.paragraph(f"{label}：", align="L")
            self.paragraph(value, align="L", indent=8)
            self.pdf.ln(1.5)

    FRONT_LAYOUTS = {"table": label_table, "lines": label_lines, "stacked": stacked}

    def attachment_pages(self) -> None:
        lic = self.lic
        if not (lic.previous_numbers or lic.websites or lic.shareholders or lic.inspections):
            return
        self.pdf.add_page(orientation="L" if self.d["attachment_orientation"] == "landscape" else "P")
        self.title(self.d["attachment_title"])
        self.paragraph(f"{self.labels['license_no']}: {lic.license_no}")
        self.pdf.ln(2)
        for old in lic.previous_numbers:
            self.paragraph(self.d["change_note"].format(old=old, new=lic.license_no))
            self.pdf.ln(2)
        if lic.websites:
            columns = self.d["website_columns"]
            keys = ("name", "domain", "server_location", "access_provider")
            self.grid(columns, [[site.get(k, "") for k in keys] for site in lic.websites])
            self.pdf.ln(4)
        if lic.shareholders:
            self.paragraph(self.d["shareholder_intro"])
            self.grid(self.d["shareholder_columns"],
                      [[str(i), *row] for i, row in enumerate(lic.shareholders, start=1)],
                      self.d["shareholder_widths"])
            self.pdf.ln(4)
        for year, result, date in lic.inspections:
            self.paragraph(self.d["inspection_entry"].format(year=year, result=result))
            if date:
                self.paragraph(date, align="R")

    def special_pages(self) -> None:
        if not self.lic.clauses:
            return
        self.in_special = True
        self.pdf.add_page(orientation="P")
        self.title(self.d["special_title"])
        self.paragraph(self.d["special_preamble"].format(company=self.lic.company or "你公司"))
        for clause in self.lic.clauses:
            self.pdf.ln(1)
            self.paragraph(clause, align="L")

    def seal(self, x: float, y: float) -> None:
        """A red round seal drawn as a picture over the text beneath it: scans show it, but it
        adds nothing to the text layer, as on printed licences."""
        seal = self.d["seal"]
        diameter = seal["diameter_mm"]
        image = seal_image(seal["text"], opacity=seal["opacity"])
        self.pdf.image(image, x=x, y=y, w=diameter, h=diameter)

    def signature(self, name: str, x: float, y: float) -> None:
        """The signer's name as a hasty hand writes it: a picture, so it adds nothing to the text
        layer, and OCR reads it as scribble or not at all."""
        image = signature_image(name, self.pdf.page)
        self.pdf.image(image, x=x, y=y, w=40, h=16)


@lru_cache(maxsize=4)
def _seal_png(text: str, opacity: float) -> bytes:
    import math

    from PIL import Image, ImageDraw, ImageFont

    size = 400
    alpha = int(255 * opacity)
    red = (210, 20, 30, alpha)
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=12)
    font = ImageFont.truetype(str(font_path()), 38, index=_SC_FACE)
    # The authority's name around the upper arc, a star in the middle.
    span = math.radians(220)
    for i, char in enumerate(text):
        angle = math.radians(-90) - span / 2 + span * (i + 0.5) / len(text)
        x = size / 2 + 150 * math.cos(angle)
        y = size / 2 + 150 * math.sin(angle)
        glyph = Image.new("RGBA", (48, 48), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((4, 0), char, font=font, fill=red)
        glyph = glyph.rotate(-math.degrees(angle) - 90, expand=False)
        image.alpha_composite(glyph, (int(x - 24), int(y - 24)))
    star = [(size / 2 + r * math.cos(math.radians(-90 + 36 * k)), size / 2 + r * math.sin(math.radians(-90 + 36 * k)))
            for k, r in zip(range(10), [60, 24] * 5)]
    draw.polygon(star, fill=red)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seal_image(text: str, opacity: float) -> io.BytesIO:
    return io.BytesIO(_seal_png(text, opacity))


def signature_image(name: str, salt: int) -> io.BytesIO:
    """A handwritten-looking signature: the name's glyphs slanted, squeezed, joined by a stroke,
    in blue-black ink, varied by the name and `salt`."""
    import hashlib

    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(hashlib.sha256(f"{name}:{salt}".encode()).digest())
    width, height = 400, 160
    ink = (20, 30, 90, 255)
    image = Image.new("RGBA", (width, height), (255, 255, 255, 0))
    font = ImageFont.truetype(str(font_path()), 96, index=_SC_FACE)
    x = 10
    for char in name:
        glyph = Image.new("RGBA", (120, 130), (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((10, 0), char, font=font, fill=ink)
        glyph = glyph.transform(glyph.size, Image.AFFINE, (1, rng.uniform(0.25, 0.45), -20, 0, 1, 0),
                                resample=Image.BICUBIC)
        glyph = glyph.resize((int(120 * rng.uniform(0.6, 0.8)), int(130 * rng.uniform(0.8, 1.0))))
        glyph = glyph.rotate(rng.uniform(-12, 12), resample=Image.BICUBIC, expand=False)
        image.alpha_composite(glyph, (x, rng.randint(0, 25)))
        x += int(glyph.width * rng.uniform(0.55, 0.75))
    draw = ImageDraw.Draw(image)
    points = [(5 + i * (x + 20) / 8, 110 + rng.uniform(-25, 25)) for i in range(9)]
    draw.line(points, fill=ink, width=4, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer
