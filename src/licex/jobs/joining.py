"""Pages apart: the pages of one licence given as separate files (a front page and its 附页 scanned
or posted as two images) are read as one licence.

The rule (docs/architecture.md, "Pages apart"): a document (a PDF or page image) that holds no
licence of its own, or only an 附页 (detection's `annex_only`), is joined to the document just before or after it in input order (a folder's
files are taken by name, so a licence's pages follow each other), its pages after the other's,
when both are in the same folder and it prints a licence number that the other prints too (number forms
folded, the province left out: OCR misreads it before the code). A page with no number, or another one, is left alone:
it is no licence, and says so. The joined licence's record names its own file as `source`, and
each of its evidence items the file its page came from (`file`); licex says on stderr which files
it joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from licex.text.detection import detect_licence, reading_text
from licex.fields.normalize import LICENSE_NO_RE, normalize_license_no

if TYPE_CHECKING:
    from licex.documents import DocumentText


@dataclass
class ReadInput:
    """An input read: its name (the licence's own file, when pages apart were joined), its text, its
    document (None for a text) and the file of each of its pages."""

    name: str
    text: str
    document: "DocumentText | None" = None
    page_files: list[str] = field(default_factory=list)
    folder: Path | None = None

    @property
    def joined(self) -> bool:
        return len(set(self.page_files)) > 1


def joins(first: ReadInput, then: ReadInput) -> bool:
    """Whether `then` is pages of the licence `first` holds (the module's rule)."""
    if first.document is None or then.document is None or first.folder != then.folder:
        return False
    numbers = _numbers(then.text)
    if not numbers or not numbers & _numbers(first.text):
        return False
    detection = detect_licence(then.text)
    return not detection.is_licence or detection.annex_only


def joined(first: ReadInput, then: ReadInput) -> ReadInput:
    """One input of the two: `then`'s pages after `first`'s."""
    document = first.document.then(then.document)
    return ReadInput(first.name, document.text, document, [*first.page_files, *then.page_files], first.folder)


# A province before a code (渝B2-…): OCR misreads it more often than the code and digits.
_PROVINCE = re.compile(r"^[^\x00-\x7f](?=[A-Z])")


def _numbers(text: str) -> set[str]:
    """The licence numbers a text prints, each in its normal form, its province left out."""
    found = set()
    for match in LICENSE_NO_RE.finditer(reading_text(text)):
        number = normalize_license_no(match.group(0))
        if number:
            found.add(_PROVINCE.sub("", number))
    return found


def file_evidence(record: dict, read: ReadInput) -> dict:
    """A joined licence's record with the file of each evidence item's page (`file`)."""
    if not read.joined:
        return record
    for items in record.get("evidence", {}).values():
        for item in items:
            if item.get("page"):
                item["file"] = read.page_files[item["page"] - 1]
    return record
