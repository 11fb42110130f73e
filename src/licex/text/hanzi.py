"""Traditional characters read as simplified, one character for one, so every offset is kept.

Licences from Hong Kong, Macao and Taiwan, or typed by someone used to traditional script, print
經營許可證編號 and 人民幣壹仟萬元; licex's label words, currencies and rules are simplified. The
table (data/traditional_chars.tsv, generated from OpenCC's character table) maps only characters
that simplified Chinese does not use itself, so a simplified text passes through unchanged.
"""

from __future__ import annotations

from importlib import resources


def _load_table() -> dict[int, str]:
    text = resources.files("licex").joinpath("data/traditional_chars.tsv").read_text("utf-8")
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            traditional, simplified = line.split("\t")
            table[ord(traditional)] = simplified
    return table


TRADITIONAL_TO_SIMPLIFIED = _load_table()


def to_simplified(text: str) -> str:
    """`text` with traditional characters replaced by simplified ones; always the same length."""
    return text.translate(TRADITIONAL_TO_SIMPLIFIED)


def is_rare_ideograph(char: str) -> bool:
    """An ideograph outside GB 2312's first level (its 3,755 most common characters, rows 16-55)."""
    if not "\u4e00" <= char <= "\u9fff":
        return False
    try:
        first = char.encode("gb2312")[0]
    except UnicodeEncodeError:
        return True
    return not 0xB0 <= first <= 0xD7


def rare_ideograph_share(text: str) -> float:
    """The share of a text's ideographs that are rare (is_rare_ideograph): about 1% in a clean
    licence (names and places), several times that where OCR misread characters."""
    ideographs = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    return sum(map(is_rare_ideograph, ideographs)) / len(ideographs) if ideographs else 0.0
