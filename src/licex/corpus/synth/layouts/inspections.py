"""The annual inspection record pages (年检 / 年报), as HTML cells two a row or as lines."""

from __future__ import annotations

import datetime as dt

from licex.corpus.synth.builder import Ent, Segment, write
from licex.corpus.synth.cases import document_part, layout_case
from licex.corpus.synth.layouts.renderer import Renderer


@document_part("inspection_pages")
@layout_case("inspection_table")
def inspection_pages(r: Renderer) -> None:
    """The annual inspection record pages, as HTML cells or lines."""
    b, lic, rng, p = r.b, r.lic, r.rng, r.p["inspection"]
    if not lic.inspections:
        return
    b.tag("inspection_table")
    entries = lic.inspections
    per_page = p.pick("per_page", rng)
    cells = p.chance("cells", rng)
    for page_start in range(0, len(entries), per_page):
        page = entries[page_start:page_start + per_page]
        old = lic.previous is not None and page_start == 0 and p.chance("previous_number", rng)
        r.page_header(lic.previous if old else None)
        kind = "年报" if all(e[3] == "年报" for e in page) else "年检"
        r.heading(r.words["inspection_heading"].format(kind=kind), 2)
        r.par(r.preamble_punct(r.words["inspection_preamble"]))
        blank = page_start + per_page >= len(entries) and p.chance("blank", rng)
        if cells:
            inspection_cells(r, page, blank)
        else:
            inspection_text(r, page, blank)


def inspection_entry(r: Renderer, entry: tuple[int, str, dt.date, str], gap: str) -> tuple[list[Segment], Ent]:
    """The sentence of one entry (你公司 2002 年度年检合格。) and its stamped date."""
    year, result, date, kind = entry
    sentence: list[Segment] = [
        f"经审核{r.wording('inspection_comma')}你公司{gap}",
        r.ent(r.wide(str(year)), "INSPECTION_YEAR", year),
        f"{gap}年度{kind}", r.ent(result, "INSPECTION_RESULT", result), "。",
    ]
    return sentence, r.ent(r.date(date), "INSPECTION_DATE", date)


def inspection_cells(r: Renderer, page: list[tuple[int, str, dt.date, str]], blank: bool) -> None:
    """HTML <p> cells, two entries a row, as the inspection table of the seeds is printed."""
    b = r.b
    b.tag("html")
    gap = r.wording("inspection_gap")
    stamp = r.wording("inspection_stamp")
    cells = [inspection_entry(r, entry, gap) for entry in page]
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


def inspection_text(r: Renderer, page: list[tuple[int, str, dt.date, str]], blank: bool) -> None:
    gap = r.wording("inspection_gap")
    for entry in page:
        sentence, date = inspection_entry(r, entry, gap)
        r.par(*sentence)
        r.par("发证机关(盖章)")
        r.par(date)
        r.b.cut_here()
    if blank:
        r.par(f"经审核，你公司{gap}年度年检合格。")
        r.par("发证机关(盖章)")
        r.par("年 月 日")
