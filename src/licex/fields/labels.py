"""The label schemes of licex: field entities and clause labels, with their definitions, and the
label words printed on licences.

This is the one module that names labels. Components, the record builder, the corpus tools,
the evaluation and the doccano project set-up all read these tables, so a label is added or
renamed here and nowhere else. The field labels are a table, data/fields.jsonl: each declares
what it fills and how, the record path (`fold.py` folds values by it), the kind of value its
text gives (`values.py` reads and checks each kind), whether a licence may carry several, its
unit of choice (components.field_choice), whether every licence prints it and whether its front
page does (consistency.py), and how the evaluation compares it (evaluation.records); every
other list of fields is derived from it. The words a licence prints before a
value (公司名称, 发证日期) are rule data, patterns/field_labels.jsonl; `LabelWords` turns them into
the patterns that the layout and the field rules both read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import cached_property, lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from licex.patterns import read_jsonl
from licex.text.chars import spaced, without_whitespace


class EntityLabel(BaseModel):
    """A field entity, one row of the field table (data/fields.jsonl): which record field it fills
    and how, what an annotator marks, and how the rest of licex treats its values.

    - `field`: the record path it fills: a top-level field (license_no), or a part of a row of a
      list (businesses.coverage, shareholders.name, websites.domain);
      `foreign_field` where a value in a foreign currency fills another (the capital);
      `excluded_field` where a value that excludes (不含A、B) fills another with what it excludes
      (the service items: an exclusion is never a permission).
    - `value`: the value kind its text gives, a key of values.VALUE_KINDS; `plausible` names the
      form a plausible value has and `misread_signs` the signs of a misread looked for
      (values.plausible, values.misread_signs).
    - `multi`: whether a licence legitimately carries several values (a list field).
    - `unit`: the unit of choice between the model's and the rules' readings (components.field_choice):
      the label itself, or the structure it is read with (business_block, shareholder_table,
      inspections); `joined` where the two sides' readings of it are joined, not chosen between.
    - `required`: every licence prints it; `front_page`: the front page prints it once
      (consistency.py).
    - `compared`: how the evaluation compares it (evaluation.records): `value` the value at its
      path, `list` the list at its path as a multiset, `business` the business codes,
      `per_business` its values by business code, `row` as part of the rows of its list,
      `column` its values in every row of its list, as a multiset (websites.domain: every
      website's domain).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(pattern=r"^[A-Z][A-Z_]*$")
    field: str = Field(pattern=r"^[a-z_]+(\.[a-z_]+)?$")
    foreign_field: str | None = None
    excluded_field: str | None = Field(default=None, pattern=r"^[a-z_]+(\.[a-z_]+)?$")
    value: str
    multi: bool
    unit: str
    joined: bool = False
    required: bool = False
    front_page: bool = False
    compared: Literal["value", "list", "business", "per_business", "row", "column"]
    plausible: str | None = None
    misread_signs: tuple[str, ...] = ()
    definition: str

    @property
    def name(self) -> str:
        return self.label

    @model_validator(mode="before")
    @classmethod
    def _unit_is_the_label_by_default(cls, row: object) -> object:
        return {"unit": row.get("label"), **row} if isinstance(row, dict) else row

    @property
    def evaluated(self) -> str:
        """The field the evaluation scores it as: its path, or for a part of a row its list."""
        return self.field.partition(".")[0] if self.compared == "row" else self.field

    @property
    def evaluated_fields(self) -> tuple[str, ...]:
        """The fields the evaluation scores its values as: `evaluated`, and its excluded_field
        (scored apart, the same way: a service excluded is no service licensed)."""
        return (self.evaluated,) if self.excluded_field is None else (self.evaluated, self.excluded_field)


def _field_table() -> dict[str, EntityLabel]:
    """data/fields.jsonl, validated: one row per entity label; the labels of a unit agree on
    whether it is joined."""
    text = resources.files("licex").joinpath("data/fields.jsonl").read_text("utf-8")
    table: dict[str, EntityLabel] = {}
    for line, row in enumerate((json.loads(line) for line in text.splitlines() if line.strip()), start=1):
        try:
            label = EntityLabel.model_validate(row)
        except ValidationError as error:
            raise ValueError(f"data/fields.jsonl row {line}: {error.errors()[0]['msg']}") from None
        if label.label in table:
            raise ValueError(f"data/fields.jsonl row {line}: {label.label} is listed twice")
        if label.value == "money" and not label.foreign_field:
            raise ValueError(f"data/fields.jsonl row {line}: {label.label} gives money but names no foreign_field")
        table[label.label] = label
    for unit in {label.unit for label in table.values()}:
        if len({label.joined for label in table.values() if label.unit == unit}) > 1:
            raise ValueError(f"data/fields.jsonl: the labels of unit {unit} disagree on `joined`")
    return table


# The field table, in its order (the record's, the evaluation's, the front page's).
ENTITY_LABELS: dict[str, EntityLabel] = _field_table()


def labels_of_unit(unit: str) -> frozenset[str]:
    return frozenset(name for name, label in ENTITY_LABELS.items() if label.unit == unit)


# The units of choice that are structures: read whole, by either side.
BUSINESS_BLOCK, SHAREHOLDER_TABLE, INSPECTIONS = "business_block", "shareholder_table", "inspections"
# The labels of the business block: a service item and a coverage belong to the business before them.
BUSINESS_LABELS = labels_of_unit(BUSINESS_BLOCK)
SHAREHOLDER_LABELS = labels_of_unit(SHAREHOLDER_TABLE)


def record_fields(flag: str) -> tuple[str, ...]:
    """The top-level record fields of the labels that have `flag` (required, front_page), in table order."""
    return tuple(dict.fromkeys(label.field.partition(".")[0] for label in ENTITY_LABELS.values()
                               if getattr(label, flag)))


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


# -- the label words printed on licences -----------------------------------------------------------


class FieldLabelRule(BaseModel):
    """One row of patterns/field_labels.jsonl: the words a licence prints before a field's value.

    `label` is None for words that only end the value before them (公司代表, 备注). `role` marks
    words the layout reads too: `signature` labels open the signature block printed at the foot
    of a 特别规定事项 page, `business_list` introduces the list of business types (a page of its own),
    `validity` opens a validity period whose first date is the issue date and whose date after 至
    the expiry date (本证有效期自2016年3月18日至2017年3月1日, the older Beijing licence).
    """

    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    names: list[str] = Field(default=None, validate_default=True)
    role: Literal["signature", "business_list", "validity"] | None = None

    @field_validator("label", mode="before")
    @classmethod
    def _known_label(cls, label: object) -> object:
        if label is not None and label not in ENTITY_LABELS:
            raise ValueError(f"unknown entity label {label!r}")
        return label

    @field_validator("names", mode="before")
    @classmethod
    def _names(cls, names: object) -> object:
        if not isinstance(names, list) or not names or not all(isinstance(n, str) and n.strip() for n in names):
            raise ValueError(f"'names' must be a non-empty list of label names, got {names!r}")
        return names


# Labels whose words at a line start open a page other than the 特别规定事项 (the front page, a
# change page, the website 附页): the clauses end before them.
PAGE_OPENING_LABELS = ("PREV_LICENSE_NO", "COMPANY", "LEGAL_REP", "WEBSITE_NAME")
# What a signature label may carry: (盖章), (签字).
_SIGNATURE_SUFFIX = r"\s*(?:\(?\s*(?:签\s*[字名章]|盖\s*章)\s*\)?)?\s*[:]?"


# The shortest label name read with a misread character (near_name): of a shorter one, the other
# characters say too little (two of 签发人 are 签发 of any 签发日期). Names of NEAR_NAME_MIN_CHARS
# characters are read so only where more sets them apart (layout.with_labels_repaired).
NEAR_NAME_MIN_CHARS = 3
_IDEOGRAPH_RE = re.compile(r"[\u4e00-\u9fff]")


# Column words of a table header that name no field (序号 | 股东名称 | …): a header cell, never a value.
COLUMN_WORDS = frozenset({"序号", "编号", "说明"})
# What a header cell prints around its word: spaces, brackets, a colon, a bold marker ((服务项目), 网站名称:).
_HEADER_DECORATION_RE = re.compile(r"[\s()\[\]:：（）*]")


def header_word(cell: str) -> str:
    """A table cell's text without what decorates a header word: the word a label or column is."""
    return _HEADER_DECORATION_RE.sub("", cell)


class LabelWords:
    """The label words of a set of field-label rules, and the patterns built from them.

    One instance per rule set: the field rules compile their label finder from it, and the
    layout reads page headers, signature blocks and page starts with it, so a label word added
    through the config is a label for both.
    """

    def __init__(self, rules: Iterable[FieldLabelRule]) -> None:
        self.rules = tuple(rules)
        # (printed name without spaces, label, role), longest first: 注册住所 before 住所.
        self.entries = tuple(sorted(
            ((without_whitespace(name), rule.label, rule.role) for rule in self.rules for name in rule.names),
            key=lambda entry: len(entry[0]), reverse=True,
        ))
        self.label_of = {name: label for name, label, _ in self.entries}
        # Names with one character replaced by a wildcard -> the names they come from, for
        # reading a label OCR printed with one look-alike character (么司名称 for 公司名称).
        self._one_off: dict[tuple[str, int], set[str]] = {}
        for name in self.label_of:
            if len(name) >= NEAR_NAME_MIN_CHARS:
                for i in range(len(name)):
                    self._one_off.setdefault((name[:i] + "\0" + name[i + 1:], i), set()).add(name)
        self.near_name_lengths = sorted({len(name) for name, _ in self._one_off}, reverse=True)
        # The first characters of a longer name: a label wrapped in its cell (法定代表 / 人), not
        # a name misread (法定代表 is not 法人代表).
        self._heads = {name[:k] for name in self.label_of for k in range(NEAR_NAME_MIN_CHARS, len(name))}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LabelWords) and self.entries == other.entries

    def __hash__(self) -> int:
        return hash(self.entries)

    def near_name(self, candidate: str) -> str | None:
        """The label name `candidate` is with one ideograph misread (么司名称 is 公司名称), or None:
        where it is a name already, differs from every name by more, or could be names of
        different labels or roles (one character apart, as 注册资本 and 注册资金 are, they read
        the same label, so either does), or is the head of a longer name its cell wrapped. Names shorter than NEAR_NAME_MIN_CHARS are never guessed."""
        if candidate in self.label_of or candidate in self._heads or len(candidate) < NEAR_NAME_MIN_CHARS:
            return None
        names: set[str] = set()
        for i, char in enumerate(candidate):
            if _IDEOGRAPH_RE.match(char):
                names |= self._one_off.get((candidate[:i] + "\0" + candidate[i + 1:], i), set())
        readings = {(self.label_of[name], self.role_of[name]) for name in names}
        return min(names) if len(readings) == 1 else None

    @cached_property
    def role_of(self) -> dict[str, str | None]:
        return {name: role for name, _, role in self.entries}

    def names_of(self, *labels: str | None, role: str | None = None) -> list[str]:
        """The printed names of these labels, or of this role, longest first."""
        if role is not None:
            return [name for name, _, r in self.entries if r == role]
        return [name for name, label, _ in self.entries if label in labels]

    def alternatives(self, *labels: str | None, role: str | None = None) -> str:
        """A regex alternation of the names, each tolerating OCR spaces between its characters."""
        names = self.names_of(*labels, role=role)
        return "|".join(spaced(name) for name in names) if names else "(?!)"

    @cached_property
    def page_header_re(self) -> re.Pattern[str]:
        """A page header: the licence number label and value, maybe a page number, alone on its line."""
        return re.compile(
            rf"^\s*(?:增值电信业务)?(?:{self.alternatives('LICENSE_NO')})\s*(?::\s*)?"
            rf"(?:[^\s:]+(?:\s+-\s*[^\s:]+|-\s+[^\s:]+)?(?:\s+{PAGE_NUMBER})?\s*|(?<=\s){PAGE_NUMBER}\s*)?$"
        )

    @cached_property
    def signature_label_re(self) -> re.Pattern[str]:
        return re.compile(rf"^\s*(?:{self.alternatives(role='signature')}){_SIGNATURE_SUFFIX}")

    @cached_property
    def page_opening_re(self) -> re.Pattern[str]:
        return re.compile(rf"^\s*(?:序\s*号\s+)?(?:{self.alternatives(*PAGE_OPENING_LABELS)})")

    @cached_property
    def business_list_re(self) -> re.Pattern[str]:
        return re.compile(self.alternatives(role="business_list"))


PAGE_NUMBER = r"第\s*\d+\s*页(?:\s*[,/共]\s*(?:共\s*)?\d+\s*页)?"


@lru_cache(maxsize=1)
def default_label_words() -> LabelWords:
    """The label words shipped in patterns/field_labels.jsonl."""
    return LabelWords(FieldLabelRule.model_validate(row) for row in read_jsonl("field_labels.jsonl"))
