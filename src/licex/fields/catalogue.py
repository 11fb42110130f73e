"""The value-added business types of the 2015 telecom business catalogue (电信业务分类目录（2015年版）).

Licences print a business either with its category (第一类增值电信业务中的互联网数据中心业务), by
its name alone, or by a sub-service's name (国内呼叫中心业务, 互联网域名解析服务业务). The aliases
below are the names under which each type appears; the longest alias wins when several match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CATEGORY_NAMES = {"B1": "第一类增值电信业务", "B2": "第二类增值电信业务"}


@dataclass(frozen=True)
class BusinessType:
    code: str
    name: str
    aliases: tuple[str, ...] = ()  # other printed names; a sub-service alias also becomes a service item
    sub_services: tuple[str, ...] = ()
    # the service items a licence names under the type (alone, or after 含 / 不含 / 仅限); a
    # sub-service is an item too
    service_items: tuple[str, ...] = ()

    @property
    def category(self) -> str:
        return CATEGORY_NAMES[self.code[:2]]

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, *self.sub_services)

    @property
    def item_names(self) -> tuple[str, ...]:
        """What a licence may name as a service item of this type: its service items and sub-services."""
        return (*self.service_items, *self.sub_services)


BUSINESS_TYPES: dict[str, BusinessType] = {
    b.code: b
    for b in [
        BusinessType("B11", "互联网数据中心业务", aliases=("因特网数据中心业务",), service_items=("互联网资源协作服务",)),
        BusinessType("B12", "内容分发网络业务"),
        BusinessType("B13", "国内互联网虚拟专用网业务", aliases=("互联网虚拟专用网业务",)),
        BusinessType("B14", "互联网接入服务业务", aliases=("因特网接入服务业务",), service_items=("网站接入",)),
        BusinessType("B21", "在线数据处理与交易处理业务", service_items=(
            "交易处理业务", "电子数据交换业务", "网络/电子设备数据处理业务", "经营类电子商务",
            "网络借贷信息中介类的互联网金融业务",
        )),
        BusinessType("B22", "国内多方通信服务业务", service_items=(
            "国内多方电话会议服务业务", "国内可视电话会议服务业务", "国内互联网会议电视及图像服务业务",
        )),
        BusinessType("B23", "存储转发类业务", service_items=("语音信箱", "电子邮件", "传真存储转发")),
        BusinessType("B24", "呼叫中心业务", sub_services=("国内呼叫中心业务", "离岸呼叫中心业务")),
        BusinessType("B25", "信息服务业务", service_items=(
            "信息发布平台和递送服务", "信息搜索查询服务", "信息即时交互服务", "互联网信息服务", "固定网电话信息服务",
        )),
        BusinessType("B26", "编码和规程转换业务", sub_services=("互联网域名解析服务业务",)),
    ]
}


def business_by_name() -> dict[str, BusinessType]:
    """Every printed name (name, alias or sub-service) mapped to its business type."""
    return {name: b for b in BUSINESS_TYPES.values() for name in b.names}


def service_item_names() -> frozenset[str]:
    """Every catalogue service item and sub-service, as a licence names it after 含, 不含 or 仅限."""
    return frozenset(name for b in BUSINESS_TYPES.values() for name in b.item_names)


# What opens an exclusion (不含A、B; 不包含 as some provinces print it; 除A外, which the field
# rules read as a restriction too), and what joins the services it names: 、和及 and a comma
# (不含A,B: a comma goes on with the exclusion; a new 含 or 仅限 after it starts an item of its own).
EXCLUSION_RE = re.compile(r"不\s*(?:包\s*)?含|除")
_JOINER_RE = re.compile(r"\s*[、和及,，]\s*")
# 不含 with its 不 misread (Tesseract: 示含, 直含, 趟含, “木含): at the start of a service item, one
# character before 含 can only be 不, since a licence prints nothing else there but 包 (包含, which
# includes). Read as the exclusion it is: the safe side, and the record checks flag it
# (consistency: an excluded service no 不含 of the text names).
MISREAD_EXCLUSION_RE = re.compile(r"^[\W_]*[^\W\d_包含]\s*含")
# 除A外 ends in 外 (以外), which is no part of A.
_EXCEPT_END_RE = re.compile(r"(?:以)?外\s*$")
# A 不含 clause still open where the text before an item ends: 不含, then perhaps services joined
# by 、和及 or a comma (a line broken inside, as OCR wraps a cell), and a joiner; no bracket, no
# ；。:, no new 含 or 仅限, no blank line or cell edge between.
_OPEN_EXCLUSION_RE = re.compile(
    rf"(?:{EXCLUSION_RE.pattern})(?:(?:[^()（）【】\[\];；。:：含限外\t|\n]|\n(?![ \t]*\n))*[、和及,，])?[ \t\n]*$")
# What a service-item restriction starts with, OCR spaces tolerated: 不含 (不包含), 含, 仅限 …
RESTRICTION = r"(?:不\s*(?:包\s*)?含|含|仅\s*限|限|除)"
RESTRICTION_START_RE = re.compile(r"\s*" + RESTRICTION)


def inside_exclusion(text: str, start: int, value: str) -> bool:
    """Whether a service item read at `start` of `text` (its value `value`) names a service the
    text excludes: printed inside a 不含 clause (不含A、B: B is as excluded as A, wherever a
    reader or the model cut the items), and saying nothing of its own (含, 仅限, 不含)."""
    if RESTRICTION_START_RE.match(value):
        return False
    return _OPEN_EXCLUSION_RE.search(text, max(0, start - 120), start) is not None


@lru_cache(maxsize=1)
def _catalogue_name_re() -> re.Pattern[str]:
    """A catalogue item where a list names it, the longest first (信息发布平台和递送服务 and
    国内互联网会议电视及图像服务业务 have a joiner of their own), 业务 after it or not."""
    names = sorted({name.removesuffix("业务") for name in service_item_names()}, key=len, reverse=True)
    return re.compile("(?:" + "|".join(map(re.escape, names)) + r")(?:业务)?(?=$|[、和及,，\s])")


def excluded_services(text: str) -> list[str]:
    """The services a list after 不含 names, each bare and once: `A、B和C` -> [A, B, C].

    A catalogue item is read whole, though its name holds 和 or 及; anything else is cut at each joiner
    (不含新闻、出版 excludes 新闻 and 出版)."""
    names: list[str] = []
    pos, text = 0, text.strip()
    while pos < len(text):
        match = _catalogue_name_re().match(text, pos)
        joiner = _JOINER_RE.search(text, match.end() if match else pos)
        end = match.end() if match else joiner.start() if joiner else len(text)
        name = re.sub(r"\s+", "", text[pos:end]).strip("()（）;；。.")
        if name and name not in names:
            names.append(name)
        pos = joiner.end() if joiner and joiner.start() == end else max(end, pos + 1)
    return names


# Where one clause of an item ends and the next begins: ；, or a comma before a new 含, 仅限 or 不含.
_CLAUSE_END_RE = re.compile(r"\s*(?:[;；。]|[,，、]\s*(?=不\s*(?:包\s*)?含|含|仅\s*限|除))\s*")


def split_exclusion(item: str) -> tuple[list[str], list[str]]:
    """A service item as read, parted into what it permits and the services it excludes: `不含A、B`
    permits nothing and excludes A and B; `互联网信息服务不含新闻、出版` permits 互联网信息服务 and
    excludes 新闻 and 出版; `含A`, `仅限A` and a named sub-service exclude nothing and keep their
    words. An item that holds two clauses (`含A,不含B`, `不含A;含B`) is parted clause by clause.
    An item that starts with 含 after a character OCR misread (示含A) excludes A
    (MISREAD_EXCLUSION_RE)."""
    if EXCLUSION_RE.search(item) is None and MISREAD_EXCLUSION_RE.match(item) is None:
        return [item], []
    permitted: list[str] = []
    excluded: list[str] = []
    for clause in _CLAUSE_END_RE.split(item):
        match = MISREAD_EXCLUSION_RE.match(clause) or EXCLUSION_RE.search(clause)
        before = (clause if match is None else clause[:match.start()]).strip(" ,，、")
        if before:
            permitted.append(before)
        if match is not None:
            names = clause[match.end():]
            if match[0] == "除":
                names = _EXCEPT_END_RE.sub("", names)
            excluded += [name for name in excluded_services(names) if name not in excluded]
    return permitted, excluded
