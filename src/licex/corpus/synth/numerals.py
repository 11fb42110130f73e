"""Chinese numerals as licences print them, from cn2an."""

from __future__ import annotations

from cn2an import an2cn


def financial(amount: int) -> str:
    """An amount in financial numerals (大写): 40000000 -> 肆仟万, 120000000 -> 壹亿贰仟万."""
    return an2cn(amount, "up")


def counting(n: int) -> str:
    """A clause number, month or day: 15 -> 十五, 20 -> 二十."""
    return an2cn(n)


def year_digits(year: int) -> str:
    """A year digit by digit: 2019 -> 二〇一九. cn2an writes 零 for 0; dates print 〇."""
    return an2cn(str(year), "direct").replace("零", "〇")
