"""The licence record: one validated JSON object per licence, and its published JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from licex.fields.catalogue import BUSINESS_TYPES, split_exclusion
from licex.fields.labels import CLAUSE_LABELS

# Clause numbers as the clause reader writes them, past a hundred too (一百零一, 一千零二十): a
# licence with that many clauses is no reason to lose its record.
_NUMBER = "[一二三四五六七八九十百千万零]+"
CLAUSE_NUMBER_RE = re.compile(rf"^{_NUMBER}(\({_NUMBER}\))?$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Strict):
    """Where a value came from: character offsets into the original text and the producing component.

    For a document input (PDF, scan) the original text is the text rebuilt from the pages
    (`licex extract --text-dir` writes it), and the evidence also says where it is printed.
    """

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    component: str
    page: int | None = Field(default=None, ge=1, description="1-based page of a document input")
    bbox: list[float] | None = Field(
        default=None, min_length=4, max_length=4,
        description="[x0, y0, x1, y1] of the printed text on `page`, from the page's top left, in `unit`",
    )
    page_size: list[float] | None = Field(default=None, min_length=2, max_length=2, description="[width, height] in `unit`")
    unit: Literal["pt", "px"] | None = Field(default=None, description="pt: PDF points; px: image pixels")
    file: str | None = Field(default=None, description="the input file `page` is of, where licex joined the pages of "
                             "one licence given as several files (a front page and its 附页); `page` counts on "
                             "through the files in input order")

    @model_serializer(mode="wrap")
    def _geometry_only_for_documents(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A text input has no pages: its evidence says where, not four nulls.
        data = handler(self)
        return {k: v for k, v in data.items() if v is not None or k not in _GEOMETRY}


_GEOMETRY = ("page", "bbox", "page_size", "unit", "file")


class Business(_Strict):
    code: str | None = Field(description="2015 catalogue code, B11 … B26")
    name: str | None = None
    category: str | None = None
    service_items: list[str] = Field(
        default_factory=list,
        description="what the business is licensed for within its type, as printed: a 含 or 仅限 restriction "
                    "(含互联网信息服务, 仅限互联网信息服务: the word kept, since 仅限 narrows the scope and 含 "
                    "does not) or a named service or sub-service. Never an excluded service",
    )
    excluded_items: list[str] = Field(
        default_factory=list,
        description="the services the licence excludes from the business (不含A、B: [A, B]), each bare and once",
    )
    coverage: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _exclusions_apart(cls, data: Any) -> Any:
        return exclusions_apart(data)

    @field_validator("code")
    @classmethod
    def _known_code(cls, code: str | None) -> str | None:
        if code is not None and code not in BUSINESS_TYPES:
            raise ValueError(f"unknown business code {code!r}")
        return code


def exclusions_apart(business: Any) -> Any:
    """A business as JSON data, its exclusions apart from its service items. A record written
    before `excluded_items` held its exclusions among the service items (`不含A和B`): read so,
    they move to excluded_items, each service apart (catalogue.split_exclusion), and a business
    that names service items but no excluded_items excludes what they exclude (none or some)."""
    if not isinstance(business, dict) or not isinstance(items := business.get("service_items"), list):
        return business
    parted = [split_exclusion(item) if isinstance(item, str) else ([item], []) for item in items]
    if "excluded_items" in business and not any(excluded for _, excluded in parted):
        return business
    excluded = list(business.get("excluded_items") or [])
    excluded += [name for _, names in parted for name in names if name not in excluded]
    apart = {"service_items": [item for kept, _ in parted for item in kept], "excluded_items": excluded}
    # excluded_items just after service_items, as LicenseRecord writes them
    return {k: v for key, value in business.items() if key != "excluded_items"
            for k, v in (apart.items() if key == "service_items" else [(key, value)])}


def websites_listed(record: Any) -> Any:
    """A record as JSON data with its websites as a list. A record written before `websites`
    held one `website` (an object or null): read so, it becomes a list of that one website (or
    none). A record that holds both keeps `websites`."""
    if not isinstance(record, dict) or "website" not in record:
        return record
    old = record["website"]
    websites = record.get("websites", [] if old is None else [old])
    # in the place of `website`, as LicenseRecord writes `websites`
    listed = {k: v for key, value in record.items() if key != "websites"
              for k, v in ([("websites", websites)] if key == "website" else [(key, value)])}
    # The paths of its values (website.name) are those of the one website (websites[0].name).
    for key in ("evidence", "confidence"):
        if isinstance(paths := record.get(key), dict):
            listed[key] = {_WEBSITE_PATH_RE.sub("websites[0].", path): value for path, value in paths.items()}
    if isinstance(flags := record.get("needs_review"), list):
        listed["needs_review"] = [{**flag, "field": _WEBSITE_PATH_RE.sub("websites[0].", flag["field"])}
                                  if isinstance(flag, dict) and isinstance(flag.get("field"), str) else flag
                                  for flag in flags]
    return listed


_WEBSITE_PATH_RE = re.compile(r"^website\.")


def record_exclusions_apart(record: dict[str, Any]) -> dict[str, Any]:
    """A record as JSON data in the current form, whatever form it was written in: its websites
    a list (websites_listed), each business's exclusions apart from its service items
    (exclusions_apart). How evaluation reads gold and predicted records of either form."""
    record = websites_listed(record)
    businesses = record.get("businesses")
    if not isinstance(businesses, list):
        return record
    return {**record, "businesses": [exclusions_apart(business) for business in businesses]}


class Money(_Strict):
    amount: int = Field(ge=0, description="integer units of the currency")
    currency: str = Field(description="ISO 4217 code, e.g. USD")


class Website(_Strict):
    """One website of the 附页 (a row of its table: 网站名称 | 网址 | 服务器放置地 | 接入服务提供单位)."""

    name: str | None = None
    domain: str | None = None
    server_location: str | None = None
    access_provider: str | None = None


class Shareholder(_Strict):
    name: str
    id_number: str | None = None
    share_ratio: str | None = None


class AnnualInspection(_Strict):
    year: int = Field(ge=1990, le=2100)
    result: str | None = None
    date: dt.date | None = None


class Clause(_Strict):
    number: str = Field(description="十五 for a top-level clause, 十五(三) for a sub-clause")
    label: str
    business_code: str | None = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)

    @field_validator("number")
    @classmethod
    def _number_form(cls, number: str) -> str:
        if not CLAUSE_NUMBER_RE.match(number):
            raise ValueError(f"clause number {number!r} is not of the form 十五 or 十五(三)")
        return number

    @field_validator("label")
    @classmethod
    def _known_label(cls, label: str) -> str:
        if label not in CLAUSE_LABELS:
            raise ValueError(f"unknown clause label {label!r}")
        return label


class ReviewFlag(_Strict):
    """A field a person should look at, and why (licex.fields.consistency)."""

    field: str = Field(description="record field path (businesses[0].code), as in `evidence`")
    reason: str
    sign: str | None = Field(default=None, description=(
        "the sign in the value's reading that raised the flag, as its confidence names it (misread=catalogue, "
        "agreement=disagree, ...: data/signs.json), or ocr=SCORE for a value OCR read with a score under the "
        "threshold; absent where a check of the record raised it"))

    @model_serializer(mode="wrap")
    def _sign_only_where_one(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data = handler(self)
        return {k: v for k, v in data.items() if v is not None or k != "sign"}


class LicenseRecord(_Strict):
    """A licence as structured data. Absent values are null or []."""

    license_no: str | None = None
    previous_license_nos: list[str] = Field(default_factory=list)
    company_name: str | None = None
    legal_representative: str | None = None
    registered_capital_cny: int | None = Field(default=None, ge=0, description="integer yuan; null if not in CNY")
    registered_capital_foreign: Money | None = Field(
        default=None, description="the capital when the licence states it in another currency"
    )
    registered_address: str | None = None
    businesses: list[Business] = Field(default_factory=list)
    issue_date: dt.date | None = None
    expiry_date: dt.date | None = None
    signer: str | None = None
    websites: list[Website] = Field(
        default_factory=list,
        description="every website of the 附页, in its order (a record of the form before held one `website`: "
                    "it is read as a list of that one)",
    )
    shareholders: list[Shareholder] = Field(default_factory=list)
    annual_inspections: list[AnnualInspection] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    source: str | None = Field(default=None, description="the input path as given")
    part: int | None = Field(default=None, ge=1, description="which licence of a file holding several (1, 2, ...); "
                             "null when the file holds one. Offsets point into the whole file's text either way")
    pages: list[int] | None = Field(
        default=None, min_length=2, max_length=2,
        description="[first, last] page (1-based) of a document input (PDF, scan) that this licence was read from",
    )
    evidence: dict[str, list[Evidence]] = Field(
        default_factory=dict, description="record field path (businesses[0].coverage) -> where it came from"
    )
    confidence: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict,
        description="record field path -> the probability that its value is right (0-1), from how it was read",
    )
    needs_review: list[ReviewFlag] = Field(
        default_factory=list,
        description="fields the licence contradicts elsewhere or lacks, each with the reason, for a person to check",
    )

    @model_validator(mode="before")
    @classmethod
    def _websites_listed(cls, data: Any) -> Any:
        return websites_listed(data)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    def is_empty(self) -> bool:
        """True when nothing licence-like was found (no number, company, business or clause)."""
        return not (self.license_no or self.company_name or self.businesses or self.clauses)


def record_field(path: str) -> str:
    """The field a record path is a value of: businesses[0].coverage is a businesses.coverage,
    businesses[0].code a businesses, shareholders[1].name a shareholders, websites[1].name a
    websites.name (website.name, a path of the form before, too)."""
    top, _, rest = re.sub(r"\[\d+\]", "", path).partition(".")
    if top == "businesses" and rest and rest != "code":
        return f"businesses.{rest}"
    if top in ("websites", "website") and rest:
        return f"websites.{rest}"
    return top


def json_schema() -> dict[str, Any]:
    return LicenseRecord.model_json_schema()


def published_schema() -> dict[str, Any]:
    """The JSON Schema shipped with the package (kept equal to json_schema() by a test)."""
    text = resources.files("licex").joinpath("schema/license_record.schema.json").read_text("utf-8")
    return json.loads(text)
