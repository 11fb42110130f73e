"""Reading order from geometry, on glyphs placed by hand (no fonts, no OCR)."""

from __future__ import annotations

from licex.documents.evidence import attach_geometry
from licex.documents.geometry import PAGE_BREAK, Glyph, PageContent, PageSize
from licex.documents.reading_order import read_pages

A4 = PageSize(595.0, 842.0, "pt", "text_layer")
SIZE = 10.0  # glyph height and width of a Chinese character, in points


def line(text: str, x: float, y: float) -> list[Glyph]:
    """A printed line of text starting at (x, y): one glyph per character, touching."""
    glyphs = []
    for ch in text:
        width = SIZE if ord(ch) > 0x2E80 else SIZE / 2
        glyphs.append(Glyph(ch, (x, y, x + width, y + SIZE)))
        x += width
    return glyphs


def page(*lines: list[Glyph], cells=()) -> PageContent:
    return PageContent(A4, [g for glyphs in lines for g in glyphs], list(cells))


def test_label_and_value_cells_become_one_line_in_column_order_of_any_drawing_order():
    # The value column drawn first, then the labels: as some PDF producers list a table.
    document = read_pages([page(
        line("北京蓝汛通信技术有限公司", 200, 100), line("应慧玲", 200, 130),
        line("公司名称", 50, 100), line("法定代表人", 50, 130),
    )])
    assert document.text == "公司名称\t北京蓝汛通信技术有限公司\n法定代表人\t应慧玲"


def test_a_wrapped_value_beside_a_vertically_centred_label_is_one_line():
    # The value runs to the right edge of the text (a full line set by the paragraph below) and
    # wraps; the label is centred between its two lines.
    wide = "根据中华人民共和国电信条例及国家有关规定经审查准许你公司经营增值电信业务特颁发此证"
    document = read_pages([page(
        line("北京蓝汛通信技术有限公司北京蓝汛通信技术有限公司北京蓝汛通信技术", 200, 100),
        line("有限公司", 200, 114),
        line("公司名称", 50, 107),
        line(wide, 50, 200),
    )])
    first, paragraph = document.text.split("\n")
    assert first == "公司名称\t北京蓝汛通信技术有限公司北京蓝汛通信技术有限公司北京蓝汛通信技术有限公司"
    assert paragraph == wide


def test_short_lines_stay_apart_and_a_full_line_wraps_onto_the_next():
    full = "一、你公司应当遵守中华人民共和国电信条例等法律法规严格执行电信网码号资源业务资费市场管"
    document = read_pages([page(
        line(full, 50, 100), line("理等行业管理规定。", 50, 113), line("二、你公司应当按照许可开展经营。", 50, 126),
        line("三、短。", 50, 139),
    )])
    assert document.text.split("\n") == [full + "理等行业管理规定。", "二、你公司应当按照许可开展经营。", "三、短。"]


def test_drawn_cells_split_touching_text_and_join_wrapped_lines_in_a_middle_column():
    cells = [(48, 98, 120, 124), (120, 98, 215, 124), (215, 98, 260, 124)]
    document = read_pages([page(
        line("1", 50, 100), line("110102196402", 122, 100), line("071516", 122, 112), line("55%", 216, 100),
        cells=cells,
    )])
    assert document.text == "1\t110102196402071516\t55%"


def test_a_middle_column_that_wraps_beside_a_centred_row_reads_as_one_cell_without_drawn_cells():
    # A shareholder row as LibreOffice prints a table without cell rules: the ID number wraps in
    # its narrow column, the row's other cells are centred between its two lines.
    document = read_pages([page(
        line("序号", 50, 80), line("股东名称", 100, 80), line("证照号码", 200, 80), line("出资比例", 330, 80),
        line("131128198307066", 200, 100), line("708", 200, 112),
        line("1", 50, 106), line("杨晶", 100, 106), line("85.77%", 330, 106),
        line("912114044310WY", 200, 150), line("QPGW", 200, 162),
        line("2", 50, 156), line("国讯传媒有限公司", 100, 156), line("14.23%", 330, 156),
        line("发证日期：2019年08月18日", 200, 190), line("有效期至：2024年08月18日", 200, 202),
    )])
    assert document.text.split("\n") == ["序号\t股东名称\t证照号码\t出资比例", "1\t杨晶\t131128198307066708\t85.77%",
                                         "2\t国讯传媒有限公司\t912114044310WYQPGW\t14.23%", "发证日期：2019年08月18日", "有效期至：2024年08月18日"]


def test_cells_of_two_columns_wrapped_side_by_side_read_whole_beside_their_labels_centred_between():
    # A paired row as a scan reads it: the company's and the legal representative's cells both
    # wrapped, the labels centred between their two lines, level with neither.
    document = read_pages([page(
        line("惠州趋势传媒有限公", 150, 100), line("陈", 400, 100),
        line("公司名称", 50, 106), line("法定代表人", 300, 106),
        line("司", 150, 112), line("英", 400, 112),
        line("注册地址", 50, 140), line("天津市阳市大兴永安街m座", 150, 140),
    )])
    assert document.text.split("\n") == ["公司名称\t惠州趋势传媒有限公司\t法定代表人\t陈英", "注册地址\t天津市阳市大兴永安街m座"]


def test_short_lines_of_one_column_stay_apart_beside_a_row_level_with_neither_side():
    # Two short lines of one column with a row between them that stands only to their left: a
    # label beside a value of its own, not a middle column's wrapped cell.
    document = read_pages([page(
        line("江西省通信管理局", 200, 100), line("签发人", 50, 106), line("张想", 100, 106), line("二〇二二年", 200, 112),
    )])
    assert "江西省通信管理局二〇二二年" not in document.text


def test_a_label_spaced_over_its_cell_keeps_its_last_character_off_the_value_beside_it():
    # 公   司   名   称 at a pitch of three characters; the value starts a little over one
    # character after 称, nearer than the label's characters stand to each other.
    spaced = [Glyph(ch, (50 + 30 * i, 100, 60 + 30 * i, 110)) for i, ch in enumerate("公司名称")]
    document = read_pages([page(spaced, line("明腾网络有限公司", 161, 100))])
    assert document.text == "公\t司\t名\t称\t明腾网络有限公司"


def test_a_value_with_a_blank_after_its_first_character_stays_whole():
    # One character, a blank, the rest: no spaced label before it, nothing to split.
    document = read_pages([page(line("法定代表人", 50, 100), line("张", 150, 100), line("想", 164, 100))])
    assert document.text == "法定代表人\t张 想"


def test_pages_are_separated_by_a_form_feed():
    pages = [page(line("经营许可证编号:B1-20070275", 50, 30), line(f"第{n}条正文内容", 50, 400),
                  line("公司代表:", 50, 800)) for n in range(1, 4)]
    document = read_pages(pages)
    assert document.text.split(PAGE_BREAK) == ["经营许可证编号:B1-20070275\n第1条正文内容\n公司代表:",
                                               "经营许可证编号:B1-20070275\n第2条正文内容\n公司代表:",
                                               "经营许可证编号:B1-20070275\n第3条正文内容\n公司代表:"]
    assert [document.page_of(document.text.index(f"第{n}条")) for n in (1, 2, 3)] == [0, 1, 2]


def test_locate_gives_one_box_per_printed_line_and_attach_geometry_fills_the_evidence():
    document = read_pages([page(line("有效期至", 50, 100), line("2022年09月18日", 150, 100))])
    start = document.text.index("2022")
    end = start + len("2022年09月18日")
    [(page_index, box)] = document.locate(start, end)
    assert page_index == 0
    assert box[0] == 150 and box[1] == 100 and box[3] == 110
    record = {"evidence": {"expiry_date": [{"start": start, "end": end, "text": "2022年09月18日", "component": "x"}]}}
    [item] = attach_geometry(record, document)["evidence"]["expiry_date"]
    assert item["page"] == 1 and item["bbox"][:2] == [150.0, 100.0]
    assert item["page_size"] == [595.0, 842.0] and item["unit"] == "pt"


def test_a_centred_label_half_level_with_the_second_line_of_its_value_leaves_the_value_whole():
    # OCR boxes: the label overlaps the value's second line by 60%: on its visual line, but not
    # level with it as a cell of a new row would be.
    wide = "根据中华人民共和国电信条例及国家有关规定经审查准许你公司经营增值电信业务特颁发此证"
    document = read_pages([page(
        line("机房所在地为北京、天津、上海、重庆4直辖市以及大同、长春、哈尔滨、", 200, 100),
        line("南京、温州14城市", 200, 118),
        line("业务覆盖范围", 50, 114),
        line(wide, 50, 200),
    )])
    assert document.text.split("\n")[0] == "业务覆盖范围\t机房所在地为北京、天津、上海、重庆4直辖市以及大同、长春、哈尔滨、南京、温州14城市"


def test_a_label_level_with_the_last_line_of_its_wrapped_value_still_gets_the_whole_value():
    wide = "根据中华人民共和国电信条例及国家有关规定经审查准许你公司经营增值电信业务特颁发此证"
    document = read_pages([page(
        line("机房所在地为北京、天津、上海、重庆4直辖市以及大同、长春、哈尔滨、", 200, 100),
        line("南京、温州14城市", 200, 113), line("业务覆盖范围", 50, 113),
        line("业务种类", 50, 130), line("第一类增值电信业务中的内容分发网络业务", 200, 130),
        line(wide, 50, 200),
    )])
    assert document.text.split("\n")[:2] == [
        "业务覆盖范围\t机房所在地为北京、天津、上海、重庆4直辖市以及大同、长春、哈尔滨、南京、温州14城市",
        "业务种类\t第一类增值电信业务中的内容分发网络业务"]


# -- the better of geometry and the content order ------------------------------------------------

def content_order(*lines: list[Glyph]) -> list[Glyph]:
    """Glyphs as a text layer lists them: in the producer's order, with the line breaks PDFium
    infers as glyphs of no box (pdf._text_layer)."""
    glyphs: list[Glyph] = []
    for printed in lines:
        if glyphs:
            glyphs.append(Glyph("\n", (0.0, 0.0, 0.0, 0.0)))
        glyphs.extend(printed)
    return glyphs


FIELDS = [line("公司名称：北京蓝汛通信技术有限公司", 50, 100), line("法定代表人：应慧玲", 50, 120),
          line("注册资本：人民币肆仟万元", 50, 140)]


def test_a_page_geometry_misreads_is_read_in_its_content_order():
    # A rectangle round the fields that reading order took for one cell: its lines join into one
    # run-on line, which reads worse than the producer's own order.
    document = read_pages([PageContent(A4, content_order(*FIELDS), [(40, 90, 400, 160)])])
    assert document.text.split("\n") == ["公司名称：北京蓝汛通信技术有限公司", "法定代表人：应慧玲", "注册资本：人民币肆仟万元"]
    assert document.pages[0].reading == "content"
    assert [box for _, box in document.locate(0, 4)] == [(50, 100, 90, 110)]  # boxes still point at the page


def test_geometry_is_kept_where_it_reads_as_well():
    document = read_pages([PageContent(A4, content_order(*reversed(FIELDS)))])
    assert document.text.split("\n")[0] == "公司名称：北京蓝汛通信技术有限公司"
    assert document.pages[0].reading == "geometry"


def test_turned_glyphs_of_a_seal_are_read_apart_from_the_line_they_cross():
    dates = line("发证日期：2017年09月18日", 300, 500)
    seal = [Glyph(ch, (350 + 12 * i, 497, 360 + 12 * i, 509)) for i, ch in enumerate("工业和信息化部")]
    document = read_pages([PageContent(A4, dates + seal, [], list(range(len(dates), len(dates) + len(seal))))])
    assert document.text.split("\n") == ["发证日期：2017年09月18日", "工业和信息化部"]


def test_a_glyph_set_a_hair_high_on_a_cells_second_line_stays_on_it_beside_a_centred_label():
    # LibreOffice: a label centred beside a value cell of two lines; one glyph of the value's
    # second line (交) starts 0.3 points above its neighbours, so its centre comes first, and it
    # overlaps the label by more than half where they overlap it by less.
    cells = [(48, 96, 120, 126), (120, 96, 400, 126)]
    second = line("搜索查询服务、信息即时交互服务）", 130, 113)
    high = next(i for i, g in enumerate(second) if g.text == "交")
    x0, y0, x1, y1 = second[high].box
    second[high] = Glyph("交", (x0, y0 - 0.3, x1, y1))
    document = read_pages([page(
        line("第二类增值电信业务中的信息服务业务（不含信息", 130, 100), second, line("业务种类", 55, 107.8), cells=cells)])
    assert "（不含信息搜索查询服务、信息即时交互服务）" in document.text


def test_a_label_spaced_over_its_cell_reads_left_to_right_whatever_its_glyphs_tops():
    # A serif font: the characters of a spaced label stand on one line with tops a little apart.
    cells = [(48, 96, 160, 114), (160, 96, 400, 114)]
    glyphs = [Glyph(ch, (50 + 30 * k, 100 - dy, 60 + 30 * k, 110 - dy))
              for k, (ch, dy) in enumerate(zip("公司名称", (0.0, 0.1, 0.4, 0.0)))]
    document = read_pages([page(glyphs, line("内蒙古万迅电脑网络有限公司", 170, 100), cells=cells)])
    assert document.text == "公 司 名 称\t内蒙古万迅电脑网络有限公司"
