"""Overlay text is not licence text: watermark and stamp lines dropped before the glyphs are made
(licex.documents.overlay), a form each: a diagonal watermark, a tiled one crossing licence lines,
a level stamp repeated at a height of its own; and a page with none comes back as it was."""

from __future__ import annotations

import math

import pytest

from licex.documents.overlay import without_overlays


def _line(text: str, x: float, y: float, height: float = 20.0, degrees: float = 0.0):
    """A line box of `text` (a character `height` wide) at (x, y), turned by `degrees` about its corner."""
    width = height * len(text)
    angle = math.radians(degrees)
    dx, dy = math.cos(angle), math.sin(angle)

    def at(u, v):
        return (x + u * dx - v * dy, y + u * dy + v * dx)

    return [at(0, 0), at(width, 0), at(width, height), at(0, height)], text, 0.9


BODY = [
    _line("中华人民共和国", 300, 100, 36),
    _line("增值电信业务经营许可证", 250, 150, 36),
    _line("公司名称：孝感齐天网络有限公司", 100, 300),
    _line("法定代表人：丁松", 100, 340),
    _line("注册住所：孝感市乾坤大道1号", 100, 380),
    _line("有效期至二〇二一年十月二十四日", 100, 420),
]


def _texts(lines):
    return [text for _, text, _ in lines]


def test_a_page_without_overlay_comes_back_as_it_was():
    assert without_overlays(BODY) == BODY


def test_a_slightly_skewed_page_keeps_every_line():
    skewed = [_line(text, quad[0][0], quad[0][1], 20, 2.0) for quad, text, _ in BODY]
    assert _texts(without_overlays(skewed)) == _texts(BODY)


def test_a_diagonal_watermark_with_a_web_address_is_dropped():
    watermark = [_line("仅供网站展示使用 www.0n2.com", 50 + 200 * i, 600 - 150 * i, 24, -30) for i in range(3)]
    kept = _texts(without_overlays(BODY + watermark))
    assert kept == _texts(BODY)
    assert not any("0n2" in text for text in kept)


def test_a_tiled_watermark_is_cut_out_of_the_licence_lines_it_crosses():
    watermark = [_line("仅供有卡啦网站展示使用", 40 * i, 200 + 100 * i, 24, -13) for i in range(3)]
    crossed = [_line("人民币壹佰万元仅供有卡啦网站展示使用", 100, 500), _line("展示使用", 400, 540, 18)]
    kept = _texts(without_overlays(BODY + watermark + crossed))
    assert kept == _texts(BODY) + ["人民币壹佰万元"]


def test_a_watermarks_web_address_is_cut_from_a_line_and_a_websites_domain_stays():
    watermark = [_line("仅供网站展示使用 www.0n2.com", 50 + 200 * i, 600 - 150 * i, 24, -30) for i in range(3)]
    lines = [_line("人民币壹佰万元 www.0n2.com", 100, 500), _line("网站域名：abc.com", 100, 540)]
    kept = _texts(without_overlays(BODY + watermark + lines))
    assert kept[-2:] == ["人民币壹佰万元", "网站域名：abc.com"]


def test_a_seal_read_once_at_an_angle_is_dropped_but_its_words_stay_in_the_licence():
    seal = [_line("中华人民共和国工业和信息化部", 600, 800, 22, 25)]
    assert _texts(without_overlays(BODY + seal)) == _texts(BODY)


def test_a_seals_words_in_a_box_far_narrower_than_their_line_are_dropped():
    seal = [([(600, 900), (660, 880), (700, 1040), (640, 1060)], "管理局", 0.9), (_line("电信业务审批专用章", 560, 1100, 50)[0][:1] + [(715, 1100), (715, 1150), (560, 1150)], "电信业务审批专用章", 0.9)]
    digits = [_line("07", 300, 600, 30)]
    assert _texts(without_overlays(BODY + seal + digits)) == _texts(BODY + digits)


def test_a_level_stamp_repeated_at_its_own_height_is_dropped():
    stamps = [_line("此证有效期内须年检", 500, 200 + 250 * i, 12) for i in range(3)]
    assert _texts(without_overlays(BODY + stamps)) == _texts(BODY)


def test_licence_words_printed_three_times_at_the_body_height_stay():
    rows = [_line("互联网信息服务", 100, 500 + 40 * i) for i in range(3)]
    assert _texts(without_overlays(BODY + rows)) == _texts(BODY + rows)


FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


def _font(size: int):
    from PIL import ImageFont

    for path in FONTS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    pytest.skip("no CJK font installed (fonts-noto-cjk or fonts-wqy-zenhei)")


def _page(overlay: str):
    """A licence front page drawn with Pillow, `overlay` ('diagonal' or 'stamp') laid over it."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (900, 1000), "white")
    draw = ImageDraw.Draw(page)
    draw.text((260, 60), "中华人民共和国", font=_font(44), fill="black")
    draw.text((200, 120), "增值电信业务经营许可证", font=_font(44), fill="black")
    body = ["经营许可证编号：鄂B2-20160135", "公司名称：孝感齐天网络有限公司", "法定代表人：丁松",
            "注册资本：人民币壹佰万元", "注册住所：孝感市乾坤大道宇济槐荫天地1号",
            "发证日期：2016年10月24日", "有效期至：2021年10月24日"]
    for i, text in enumerate(body):
        draw.text((80, 260 + 80 * i), text, font=_font(28), fill="black")
    if overlay == "diagonal":
        mark = Image.new("RGBA", (700, 60), (255, 255, 255, 0))
        ImageDraw.Draw(mark).text((0, 0), "仅供网站展示使用 www.0n2.com", font=_font(40), fill=(190, 190, 190, 255))
        mark = mark.rotate(30, expand=True)
        for x, y in ((50, 250), (250, 600)):
            page.paste(mark, (x, y), mark)
    else:
        for y in (300, 540, 780):
            draw.rectangle((560, y - 10, 740, y + 30), outline=(200, 0, 0), width=3)
            draw.text((575, y), "此证有效期内须年检", font=_font(15), fill=(200, 0, 0))
    return page


@pytest.mark.slow  # OCR of a page (over 1.4 s)
@pytest.mark.parametrize("overlay", ["diagonal", "stamp"])
def test_no_overlay_word_reaches_the_text_of_a_drawn_page(overlay):
    pytest.importorskip("rapidocr_onnxruntime", reason='OCR needs the "ocr" extra')
    from licex.documents.ocr import ocr_image

    glyphs, _ = ocr_image(_page(overlay))
    text = "".join(glyph.text for glyph in glyphs)
    assert "丁松" in text and "2021年10月24日" in text
    for word in ("展示", "0n2", "年检", "须年"):
        assert word not in text
