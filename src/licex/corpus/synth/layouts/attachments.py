"""The 附页 (attachment pages): shareholders, businesses (a list or a table), the websites."""

from __future__ import annotations

from typing import Any

from licex.corpus.synth.cases import document_part, layout_case
from licex.corpus.synth.numerals import counting
from licex.corpus.synth.layouts.renderer import ATTACHMENT_LAYOUTS, Renderer


def attachment_title(r: Renderer) -> None:
    r.page_header()
    title = r.words["attachment_title"]
    if r.knob("attachment_title_one_line"):
        r.heading(title + " (附 页)")
    else:
        r.heading(title)
        r.par("(附 页)")


@document_part("shareholder_page")
@layout_case("shareholder_table")
def shareholder_page(r: Renderer) -> None:
    """The 附页 of shareholders and their ratios, as a table."""
    b, lic = r.b, r.lic
    if not lic.shareholders:
        return
    b.tag("shareholder_table")
    attachment_title(r)
    r.par(r.words["shareholder_intro"].format(company=r.mention()))
    header = [r.wording("shareholder_header"), "证照号码", "出资比例"]
    rows: list[list[Any]] = [header]
    for name, id_number, ratio in lic.shareholders:
        rows.append([
            [r.ent(r.spaced(name, "shareholder"), "SHAREHOLDER", name)],
            [r.ent(r.wide(id_number), "SHAREHOLDER_ID", id_number)],
            [r.ent(r.wide(ratio), "SHARE_RATIO", ratio)],
        ])
    r.table(rows, header=True)
    r.par(r.words["shareholder_note"].format(authority=lic.authority))
    b.cut_here()


@document_part("business_page")
def business_page(r: Renderer) -> None:
    """The 附页 of businesses, where the front page says (见附页)."""
    if r.business_layout not in ATTACHMENT_LAYOUTS:
        return
    attachment_title(r)
    if r.business_layout == "business_table":
        business_table(r)
    else:
        business_list(r)


@layout_case("business_table")
def business_table(r: Renderer) -> None:
    """The businesses as a 业务种类 / 服务项目 / 业务覆盖范围 table."""
    b, lic = r.b, r.lic
    b.tag("business_table")
    if r.knob("business_table_intro"):
        r.par(r.words["business_table_intro"].format(company=r.mention()))
    rows: list[list[Any]] = [["业务种类", "服务项目", "业务覆盖范围"]]
    for biz in lic.businesses:
        items = r.item_list(biz.items) if biz.items else [r.wording("no_items")]
        rows.append([r.business(biz, False), items, [r.ent(r.coverage(biz.coverage), "COVERAGE", biz.coverage)]])
    r.table(rows, header=True)


@layout_case("attachment_business_list")
def business_list(r: Renderer) -> None:
    """The businesses as a numbered list, each with its service items and coverage."""
    b, lic = r.b, r.lic
    b.tag("attachment_business_list")
    intro = r.words["business_list_intro"].format(company=r.mention())
    if r.knob("list_intro_wrapped"):  # the intro wraps before 覆盖范围 as in the seeds
        r.par(intro[: intro.index("覆盖范围")])
        r.par(intro[intro.index("覆盖范围"):])
    else:
        r.par(intro)
    numbering = r.wording("list_numbering")
    for i, biz in enumerate(lic.businesses, start=1):
        marker = f"{counting(i)}、" if numbering == "chinese" else f"{i}. "
        brackets = biz.restrictions_only and r.knob("list_brackets")
        r.par(marker, *r.business(biz, brackets))
        if biz.items and not brackets:
            r.par(r.label("服务项目"), r.colon(False), *r.item_list(biz.items), "。")
        end = "。" if r.knob("list_full_stop") else ""
        r.par(r.label("业务覆盖范围"), r.colon(False),
              r.ent(r.coverage(biz.coverage, allow_break=True), "COVERAGE", biz.coverage), end)
        b.cut_here()


@document_part("website_page")
@layout_case("website_page")
def website_page(r: Renderer) -> None:
    """The 附页 of the websites: name, domain, server location, access provider of each."""
    b, sites = r.b, r.lic.websites
    if not sites:
        return
    b.tag("website_page")
    attachment_title(r)
    r.par(r.words["website_intro"].format(company=r.mention()))
    columns = [
        ("网站名称", "WEBSITE_NAME", "name"),
        (r.wording("domain_label"), "DOMAIN", "domain"),
        (r.wording("server_label"), "SERVER_LOCATION", "server_location"),
        ("接入服务商", "ACCESS_PROVIDER", "access_provider"),
    ]
    as_table = r.knob("website_table")
    if as_table:
        b.tag("table_cells")
    for site in sites:
        rows = [(name, label, site[key]) for name, label, key in columns]
        if as_table:
            r.table([[name, [r.ent(value, label, value)]] for name, label, value in rows], header=False)
        else:
            for name, label, value in rows:
                r.par(r.label(name), r.colon(False), r.ent(value, label, value))
                b.cut_here()
