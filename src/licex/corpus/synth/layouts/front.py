"""The front page: title, licence number, preamble and the fields, one a line, on one line or in
table cells; the businesses inline, in two interleaved columns or on an attachment page; the front
page printed twice."""

from __future__ import annotations

from licex.corpus.synth.builder import Segment
from licex.corpus.synth.cases import document_part, layout_case
from licex.corpus.synth.layouts.renderer import ATTACHMENT_LAYOUTS, Renderer


@document_part("front_page")
def front_page(r: Renderer) -> None:
    """The front page: title, number, preamble, then the fields in the licence's header layout."""
    lic = r.lic
    title = r.wording("title")
    if lic.cross and r.knob("cross_regional_title"):
        title = r.words["cross_regional_title"]
    r.heading(title, 1)
    r.page_header()
    if lic.previous is not None and not r.change_note_at_end:
        r.b.tag("change_note")
        r.par(r.label("原经营许可证编号"), r.colon(False), *r.previous_number())
    kind = r.words["licence_kind"]["cross" if lic.cross else "provincial"]
    r.par(r.preamble_punct(r.words["preamble"].format(kind=kind)))
    r.b.cut_here()
    fields = front_fields(r)
    if r.style.header == "one_line":
        one_line(r, fields)
    elif r.style.header == "table":
        table_fields(r, fields)
    else:
        for name, segments in fields:
            field_line(r, name, segments)
    if r.knob("authority_line"):
        country = "中华人民共和国" if lic.cross else ""
        r.par(r.words["authority_line"].format(country=country, authority=lic.authority))


@document_part("duplicated_page")
@layout_case("duplicated_page")
def duplicated_page(r: Renderer) -> None:
    """The front page printed twice."""
    if r.knob("duplicated_page"):
        r.b.tag("duplicated_page")
        r.b.repeat_from(r.start, "\n" if r.style.fmt == "html" else r.style.para)


def front_fields(r: Renderer) -> list[tuple[str, list[Segment]]]:
    lic = r.lic
    fields: list[tuple[str, list[Segment]]] = [
        ("公司名称", [r.ent(r.spaced(lic.company, "company"), "COMPANY", lic.company)]),
        ("法定代表人", [r.ent(r.person(lic.legal_rep), "LEGAL_REP", lic.legal_rep)]),
    ]
    if lic.capital is not None:
        amount, currency, printed = lic.capital
        fields.append(("注册资本", [r.ent(r.wide(r.spaced(printed, "capital")), "CAPITAL", (amount, currency))]))
    if lic.address is not None:
        fields.append((r.wording("address_label"),
                       [r.ent(r.spaced(lic.address, "address"), "ADDRESS", lic.address)]))
    fields.append(("@business", []))
    if lic.signer is not None:
        fields.append(("签发人", [r.ent(r.person(lic.signer), "SIGNER", lic.signer)]))
    elif r.knob("blank_signer"):
        fields.append(("签发人", []))
    fields.append(("发证日期", [r.ent(r.date(lic.issue), "ISSUE_DATE", lic.issue)]))
    fields.append(("有效期至", [r.ent(r.date(lic.expiry), "EXPIRY_DATE", lic.expiry)]))
    return fields


@layout_case("value_next_line")
def field_line(r: Renderer, name: str, segments: list[Segment]) -> None:
    """A field on its line, its value on the same line or (value_next_line) on the next."""
    if name == "@business":
        business_lines(r)
        return
    label = r.label(name)
    if not segments:
        r.par(label, ":")
        r.b.cut_here()
        return
    if r.chance(r.style.value_next_line):
        r.b.tag("value_next_line")
        colon = r.colon(False, value_follows=False)
        if r.style.fmt == "html" and r.knob("html_br_value"):
            r.par(label, colon, "<br>", *segments)
        else:
            r.par(label, colon)
            r.par(*segments)
    else:
        r.par(label, r.colon(), *segments)
    r.b.cut_here()


@layout_case("one_line_header")
def one_line(r: Renderer, fields: list[tuple[str, list[Segment]]]) -> None:
    """Every field of the front page on one line."""
    r.b.tag("one_line_header")
    line: list[Segment] = []
    gap = r.wording("one_line_gap")
    for name, segments in fields:
        if name == "@business":
            parts = business_one_line(r)
        elif segments:
            parts = [r.label(name), r.colon(False), *segments]
        else:
            continue
        if line:
            line.append(gap)
        line += parts
    r.par(*line)
    r.b.cut_here()


def business_one_line(r: Renderer) -> list[Segment]:
    if r.business_layout != "inline":
        return [r.label("业务种类"), r.colon(False), "(见附页)", "  ", r.label("业务覆盖范围"),
                r.colon(False), "(见附页)"]
    biz = r.lic.businesses[0]
    segments = [r.label("业务种类"), r.colon(False), *r.business(biz, biz.restrictions_only), "  "]
    if not biz.restrictions_only:  # named sub-services are no bracketed restriction
        segments += [r.label("服务项目"), r.colon(False), *r.item_list(biz.items), "  "]
    return segments + [r.label("业务覆盖范围"), r.colon(False),
                       r.ent(r.coverage(biz.coverage), "COVERAGE", biz.coverage)]


@layout_case("table_cells")
def table_fields(r: Renderer, fields: list[tuple[str, list[Segment]]]) -> None:
    """Labels and values in adjacent cells: tab-separated, markdown or HTML table rows."""
    b = r.b
    b.tag("table_cells")
    rows: list[tuple[str, list[Segment]]] = []
    for name, segments in fields:
        if name != "@business":
            rows.append((name, segments))
            continue
        if r.business_layout == "rows":
            for biz in r.lic.businesses:
                restr = biz.restrictions_only
                rows.append(("业务种类", r.business(biz, restr)))
                if biz.items and not restr:
                    rows.append(("服务项目", r.item_list(biz.items)))
                rows.append(("业务覆盖范围", [r.ent(r.coverage(biz.coverage), "COVERAGE", biz.coverage)]))
        else:
            rows += [("业务种类", ["(见附页)"]), ("业务覆盖范围", ["(见附页)"])]
    r.table([[r.label(name), segments] for name, segments in rows], header=False)


def business_lines(r: Renderer) -> None:
    layout = r.business_layout
    lic = r.lic
    if layout in ATTACHMENT_LAYOUTS:
        r.par(r.label("业务种类"), r.colon(False), "(见附页)")
        r.par(r.label("业务覆盖范围"), r.colon(False), "(见附页)")
        if r.knob("attachment_note"):
            r.par("(服务项目)")
        r.b.cut_here()
        return
    if layout == "two_column":
        two_column(r)
        return
    for biz in lic.businesses:  # inline: 业务种类 / 业务覆盖范围 pairs
        brackets = biz.restrictions_only
        if brackets and biz.items and r.knob("restriction_below"):
            # the restriction on the line below the business (as the seeds print it)
            r.par(r.label("业务种类"), r.colon(), *r.business(biz, False))
            r.par(*[s for item in biz.items for s in r.bracket(item)])
        else:
            r.par(r.label("业务种类"), r.colon(), *r.business(biz, brackets))
            if biz.items and not brackets:
                r.par(r.label("服务项目"), r.colon(), *r.item_list(biz.items))
        r.par(r.label("业务覆盖范围"), r.colon(),
              r.ent(r.coverage(biz.coverage), "COVERAGE", biz.coverage))
        if len(lic.businesses) == 1 and r.knob("single_business_note"):
            r.par("(服务项目)")
        r.b.cut_here()


def two_column(r: Renderer) -> None:
    """The 业务种类 (服务项目) 及覆盖范围 table flattened by OCR: labels and values interleave."""
    values: list[list[Segment]] = []
    for biz in r.lic.businesses:
        values.append(r.business(biz, True))
        values.append([r.ent(r.coverage(biz.coverage), "COVERAGE", biz.coverage)])
    labels = ["业务种类 ", "(服务项目) ", "及覆盖范围: "]
    for i, value in enumerate(values):
        r.par(labels[i] if i < len(labels) else "", *value, "  " if r.style.fmt != "html" else "")
    r.b.cut_here()
