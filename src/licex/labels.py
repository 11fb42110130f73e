"""The label schemes of licex: field entities and clause labels, with their definitions.

This is the one module that names labels. Components, the record builder, the corpus tools,
the evaluation and the doccano project set-up all read these tables, so a label is added or
renamed here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntityLabel:
    """A field entity: which record field it fills and what an annotator marks."""

    name: str
    field: str
    definition: str
    multi: bool  # True where a licence legitimately carries several values (a list field)


ENTITY_LABELS: dict[str, EntityLabel] = {
    e.name: e
    for e in [
        EntityLabel("LICENSE_NO", "license_no",
                    "The licence number printed after 经营许可证编号 (header and page headers), e.g. B1-20195402.", False),
        EntityLabel("PREV_LICENSE_NO", "previous_license_nos",
                    "An earlier number of the same licence, from a change note (X 变更为 Y) or 原经营许可证编号.", True),
        EntityLabel("COMPANY", "company_name",
                    "The value of 公司名称 (without 你公司 or the label).", False),
        EntityLabel("LEGAL_REP", "legal_representative", "The value of 法定代表人.", False),
        EntityLabel("CAPITAL", "registered_capital_cny",
                    "The value of 注册资本, currency words included (人民币肆仟万元, 1000万元).", False),
        EntityLabel("ADDRESS", "registered_address", "The value of 注册住所 / 注册地址.", False),
        EntityLabel("BUSINESS", "businesses",
                    "A business type as printed (第一类增值电信业务中的互联网数据中心业务, 信息服务业务).", True),
        EntityLabel("SERVICE_ITEM", "businesses.service_items",
                    "A 含/不含/仅限 restriction or named sub-service of the business before it, without brackets.", True),
        EntityLabel("COVERAGE", "businesses.coverage",
                    "The coverage of the business before it (全国; 机房所在地为…; province lists), ending before 。.", True),
        EntityLabel("ISSUE_DATE", "issue_date", "The value of 发证日期.", False),
        EntityLabel("EXPIRY_DATE", "expiry_date", "The value of 有效期至.", False),
        EntityLabel("SIGNER", "signer", "The value of 签发人 (the issuing official's name).", False),
        EntityLabel("WEBSITE_NAME", "website.name", "The value of 网站名称 on the website 附页.", False),
        EntityLabel("DOMAIN", "website.domain", "The value of 网站域名 / 网址 / 域名 on the website 附页.", False),
        EntityLabel("SERVER_LOCATION", "website.server_location", "The value of 服务器放置地 on the website 附页.", False),
        EntityLabel("ACCESS_PROVIDER", "website.access_provider", "The value of 接入服务商 on the website 附页.", False),
        EntityLabel("SHAREHOLDER", "shareholders.name", "A shareholder's name (person or company) in the shareholder table.", True),
        EntityLabel("SHAREHOLDER_ID", "shareholders.id_number",
                    "The ID card or registration number (证照号码) in a shareholder row.", True),
        EntityLabel("SHARE_RATIO", "shareholders.share_ratio", "The 出资比例 in a shareholder row, e.g. 55%.", True),
        EntityLabel("INSPECTION_YEAR", "annual_inspections.year",
                    "The year of an annual inspection entry (你公司 2002 年度年检合格: 2002).", True),
        EntityLabel("INSPECTION_RESULT", "annual_inspections.result",
                    "The outcome of an annual inspection entry (合格, 不合格).", True),
        EntityLabel("INSPECTION_DATE", "annual_inspections.date",
                    "The date stamped under an annual inspection entry.", True),
    ]
}
# The labels of the business block: a service item and a coverage belong to the business before them.
BUSINESS_LABELS = frozenset({"BUSINESS", "SERVICE_ITEM", "COVERAGE"})

# General obligations, usually clauses 一 to 十四.
GENERAL_CLAUSE_LABELS: dict[str, str] = {
    "GEN_LEGAL_COMPLIANCE": "Obey the Telecommunications Regulations and other laws and industry rules; "
                            "safeguard national security; cooperate with supervision and inspection.",
    "GEN_SCOPE": "Operate only the licensed business types within the licensed coverage; "
                 "display the licence number.",
    "GEN_NETWORK_FACILITIES": "Do not invest in or build telecom transmission facilities; "
                              "use facilities of licensed basic-telecom operators.",
    "GEN_RESOURCE_RESALE": "Do not resell or sublease bandwidth or other telecom resources; "
                           "no resources to unlicensed operators.",
    "GEN_SERVICE_QUALITY": "Serve users per the telecom service standards; handle complaints and disputes.",
    "GEN_NETWORK_SECURITY": "Network security protection: grading and filing, conformity evaluation, "
                            "risk assessment.",
    "GEN_USER_DATA": "Protect users' personal information and network data.",
    "GEN_INCIDENT_RESPONSE": "On major network security incidents take emergency measures and report at once.",
    "GEN_LOG_AND_ILLEGAL_INFO": "Retain user logs, monitor illegal information, report within 10 working days.",
    "GEN_TECH_SUPPORT": "Provide technical interfaces, decryption and other technical support to authorities.",
    "GEN_ENTITY_CHANGE": "Merger, split, shareholder change or transfer of operation: apply within 30 days.",
    "GEN_INFO_UPDATE_RENEWAL": "Report changes of local service organisations or licence information; "
                               "apply for renewal 90 days before expiry.",
    "GEN_PROVINCIAL_LICENCE": "Cancel or change a provincial licence covered by this one within 30 days.",
    "GEN_ANNUAL_REPORT": "Take part in the annual report or annual inspection of the licence.",
}

# Business sections: the section header and its sub-clauses.
BUSINESS_CLAUSE_LABELS: dict[str, str] = {
    "BIZ_SECTION_HEADER": "The line 你公司在经营X业务时应当遵守下列规定 that opens a business section.",
    "BIZ_NO_ILLEGAL_CUSTOMERS": "Serve no illegal telecom operators or unfiled information service providers.",
    "BIZ_USER_REGISTRATION": "Register and update users' basic information.",
    "BIZ_FACILITY_LOCALIZATION": "Keep network control, business and data facilities inside the licensed "
                                 "coverage in China; do not open control systems to others.",
    "BIZ_SYSTEM_EVALUATION": "Build the business management system, pass technical evaluation, "
                             "dock with the authorities' systems.",
    "BIZ_SECURITY_STAFF": "Staff and organise network and information security management.",
    "BIZ_SECURITY_MEASURES": "Technical security safeguards, planned and built with the network; "
                             "monitoring of public information.",
    "BIZ_NEW_TECH_ASSESSMENT": "Security assessment of new technologies and services; report within 30 days.",
    "BIZ_THREAT_HANDLING": "Handle trojans, botnets, mobile malware, phishing sites.",
    "BIZ_RESOURCE_COLLABORATION": "Internet resource collaboration: place node facilities in licensed IDC rooms.",
    "BIZ_INTERNATIONAL_ACCESS": "International connection only through state-approved networks.",
    "BIZ_SITE_FILING": "Websites are filed before they are connected (先备案后接入).",
    "BIZ_CRYPTO": "Use commercial cryptography approved by the state cryptography administration.",
    "BIZ_VPN_RESTRICTIONS": "No fixed-line or IP telephony over the VPN, no VoIP termination, "
                            "no public internet access or proxy.",
    "BIZ_NO_CROSS_BORDER": "Operate within the licensed coverage; no cross-border service.",
    "BIZ_SERVICE_ITEMS": "Operate per the licensed service items; prior or special approvals before adding items.",
    "BIZ_NO_FIXED_PHONE_INFO": "No fixed-network telephone information service without approval.",
    "BIZ_CONTENT": "No prohibited content (art. 15 of the Internet Information Service Measures); "
                   "no false information.",
    "BIZ_ADVERTISING": "Advertisements carry the company name and licence number; no harmful content.",
    "BIZ_CHARGING": "Accurate, reasonable charging; agreements with collecting operators.",
    "BIZ_PLATFORM_PUSH": "Information publishing and delivery platforms: no forced push or subscriptions.",
    "BIZ_APP_STORE": "App store platforms: app checks, permissions shown, blacklist, complaints.",
    "BIZ_SEARCH": "Search services: security safeguards, no pushing of illegal information.",
    "BIZ_COMMUNITY": "Community platforms: vet public accounts, sanction violations, emergency mechanism.",
    "BIZ_INSTANT_MESSAGING": "Instant messaging: vet public accounts, emergency plans, no public telephony.",
}

OTHER_CLAUSE_LABEL = "OTHER"

CLAUSE_LABELS: dict[str, str] = {
    **GENERAL_CLAUSE_LABELS,
    **BUSINESS_CLAUSE_LABELS,
    OTHER_CLAUSE_LABEL: "A clause that fits none of the labels above.",
}

# The spans key under which clause spans live on a Doc.
CLAUSES_KEY = "clauses"
