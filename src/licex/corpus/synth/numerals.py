"""Chinese numerals as licences print them, from cn2an.

cn2an checks and normalises its input on every call, which made numbering the clauses the
generator's largest cost; the few numbers a licence prints are cached.
"""

from __future__ import annotations

from functools import cache

from cn2an import an2cn


@cache
def financial(amount: int) -> str:
    """An amount in financial numerals (大写): 40000000 -> 肆仟万, 120000000 -> 壹亿贰仟万."""
    return an2cn(amount, "up")


@cache
def counting(n: int) -> str:
    """A clause number, month or day: 15 -> 十五, 20 -> 二十."""
    return an2cn(n)


@cache
def year_digits(year: int) -> str:
    """A year digit by digit: 2019 -> 二〇一九. cn2an writes 零 for 0; dates print 〇."""
    return an2cn(str(year), "direct").replace("零", "〇")
