"""The 特别规定事项 (clauses from data/clauses.jsonl), cut by page breaks with their page headers and
signature blocks, and the change-of-number note after them."""

from __future__ import annotations

import datetime as dt
import re

from licex.corpus.synth.builder import ClauseSpan
from licex.corpus.synth.cases import document_part, layout_case
from licex.corpus.synth.data import clause_data
from licex.corpus.synth.numerals import counting
from licex.corpus.synth.layouts.renderer import _TO_ASCII_PUNCT, Renderer


@document_part("special_provisions")
def special_provisions(r: Renderer) -> None:
    """The 特别规定事项: the general clauses, then a section per business (data/clauses.jsonl)."""
    lic = r.lic
    texts, sections = clause_data()
    special_header(r)
    company = r.mention()
    intro = r.words["special_intro"].format(company=company, which=r.wording("special_intro_which"))
    r.par(clause_punct(r, intro))
    r.page_used = 0
    authority = "我部" if lic.cross else "我局"
    top = 0
    for slot in sections["general"]:
        if slot.scope == "cross" and not lic.cross:
            continue
        top += 1
        wording = texts[r.rng.choice(slot.clauses)]
        clause(r, f"{counting(top)}、", wording.label, wording.text.format(authority=authority), counting(top), None)
    for biz in lic.businesses:
        top += 1
        header = texts["biz.header"]
        clause(r, f"{counting(top)}、", header.label, header.text.format(business=biz.section_name),
               counting(top), biz.code, splittable=False)
        sub = 0
        for slot in sections[biz.code]:
            if slot.optional and not r.knob("optional_clause"):
                continue
            sub += 1
            wording = texts[r.rng.choice(slot.clauses)]
            text = wording.text.format(authority=authority, business=biz.section_name)
            marker = f"({counting(sub)})" if r.style.sub_brackets == "ascii" else f"（{counting(sub)}）"
            marker += r.wording("sub_clause_gap")
            clause(r, marker, wording.label, text, f"{counting(top)}({counting(sub)})", biz.code)
    if r.style.signature_blocks:
        signature_block(r, final=True)


def special_header(r: Renderer) -> None:
    r.page_header()
    r.heading(r.wording("special_heading"))


def clause_punct(r: Renderer, text: str) -> str:
    punct = r.style.punct
    if punct == "mixed":
        punct = r.rng.choice(("full", "ascii", "ascii_spaced"))
    if punct == "full":
        return text
    text = text.translate(_TO_ASCII_PUNCT)
    if punct == "ascii_spaced":
        text = text.replace(",", ", ")
        text = re.sub(r"(?<=[\u4e00-\u9fff])(\d+)(?=[\u4e00-\u9fff])", r" \1 ", text)
    return text


def clause(r: Renderer, marker: str, label: str, text: str, number: str, code: str | None,
           splittable: bool = True) -> None:
    b, style = r.b, r.style
    body = clause_punct(r, text)
    confused = -1
    if "clause" in style.ocr and "人员" in body and label == "BIZ_SECURITY_STAFF" and r.knob("ocr_clause"):
        confused = body.index("人员")
        body = body.replace("人员", "人員", 1)
    if style.page_headers and r.page_used > style.page_chars:
        page_break(r)
    html = style.fmt == "html"
    if html:
        b.tag("html")
        b.add("<p>")
    start = b.length
    b.add(marker)
    split = None
    room = style.page_chars - r.page_used
    if (style.page_headers and splittable and len(body) > 20 and room < len(body)
            and r.chance(style.split_clauses)):
        split = split_point(r, body, max(8, min(room, len(body) - 6)))
    if split is None:
        b.add(body)
        if splittable:  # a section header is never cut: its business would be lost
            register_cut(r, start + len(marker), body)
        r.page_used += len(marker) + len(body)
    else:
        b.add(body[:split])
        register_cut(r, start + len(marker), body[:split])
        if html:
            b.add("</p>\n")
        else:
            b.add(style.para)
        page_break(r)
        if html:
            b.add("<p>")
        b.add(body[split:])
        r.page_used = len(body) - split
    if confused >= 0:  # where 人員 is: a page break may have moved the second part
        at = start + len(marker) + confused
        b.tag("ocr_confusion", at if split is None or confused < split else b.length - len(body) + confused)
    b.clauses.append(ClauseSpan(start, b.length, label, number, code))
    b.add("</p>\n" if html else style.para)
    b.cut_here()


def split_point(r: Renderer, body: str, near: int) -> int | None:
    """Where a page break cuts a clause: mid-sentence, never next to whitespace."""
    candidates = [i for i in range(max(6, near - 40), min(len(body) - 4, near + 40))
                  if not body[i - 1].isspace() and not body[i].isspace()]
    return r.rng.choice(candidates) if candidates else None


def register_cut(r: Renderer, start: int, body: str) -> None:
    if len(body) > 12:
        at = r.rng.randint(6, len(body) - 1)
        if not body[at - 1].isspace():
            r.b.cuts.append(start + at)


@layout_case("page_headers")
def page_break(r: Renderer) -> None:
    """The foot of a 特别规定事项 page and the head of the next: signature block, number, title."""
    r.b.tag("page_headers")
    if r.style.signature_blocks:
        signature_block(r, final=False)
    special_header(r)
    r.page_used = 0


@layout_case("signature_blocks")
def signature_block(r: Renderer, final: bool) -> None:
    """The signature lines at the foot of a 特别规定事项 page; the last page's signed and dated."""
    b, p = r.b, r.p["signature"]
    b.tag("signature_blocks")
    if not final or p.chance("blank", r.rng):
        r.par("司(局)负责人:")
        r.par("公司代表:")
        r.par("年 月 日")
        r.par("年 月 日")
        return
    # the last page: signed, sometimes dated
    official, representative = r.sampler.name(), r.sampler.name()
    signed = r.lic.issue - dt.timedelta(days=p.span("days_before", r.rng))
    r.par("司(局)负责人:")
    r.par(official)
    r.par(r.date(signed, noisy=False) if p.chance("dated", r.rng) else "年 月 日")
    if p.chance("inline", r.rng):
        r.par(f"公司代表: {representative}")
    else:
        r.par("公司代表:")
        r.par(representative)
    counter_signed = signed + dt.timedelta(days=p.span("countersigned_days", r.rng))
    dates = {
        "short": f"{counter_signed.year % 100:02d}年{counter_signed.month}月{counter_signed.day}日",
        "full": r.date(counter_signed, noisy=False),
        "blank": "年 月 日",
    }
    r.par(dates[r.wording("counter_signature_date")])


@document_part("change_note")
@layout_case("change_note")
def change_note(r: Renderer) -> None:
    """The change of licence number: 原经营许可证编号 on the front page (see `front_page`), or
    a note after the clauses (B1-20190001 变更为 B1.B2-20230002)."""
    lic = r.lic
    if lic.previous is None or not r.change_note_at_end:
        return
    r.b.tag("change_note")
    new = lic.number
    r.par(*r.previous_number(), r.wording("change_note_verb"), new.canonical + new.printed_suffix,
          r.wording("change_note_end"))
