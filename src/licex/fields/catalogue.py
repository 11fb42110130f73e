"""The value-added business types of the 2015 telecom business catalogue (电信业务分类目录（2015年版）).

Licences print a business either with its category (第一类增值电信业务中的互联网数据中心业务), by
its name alone, or by a sub-service's name (国内呼叫中心业务, 互联网域名解析服务业务). The aliases
below are the names under which each type appears; the longest alias wins when several match.
"""

from __future__ import annotations

from dataclasses import dataclass

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
