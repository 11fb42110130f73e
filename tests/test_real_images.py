"""The real licence images (corpus/documents/images): every image has a gold record and a source
entry that names where it came from and its exact bytes, and nothing that trains or tunes a model
reads them (they are for measurement only; see corpus/documents/images/SOURCES.md)."""

from __future__ import annotations

import hashlib
import inspect
import json
import re

import pytest

from licex.fields.record import LicenseRecord

from conftest import CORPUS, ROOT

IMAGES = CORPUS / "documents" / "images"
RECORDS = IMAGES / "records"
# the typeset real licences' gold (scanned/, text-layer/): docs/results.md's 32/32 measures this folder
TYPESET_RECORDS = CORPUS / "documents" / "records"
SOURCES = IMAGES / "SOURCES.md"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"}
# Kept for an outside check (issue 27): no image may come from them.
RESERVED = {"jnkteam/ay_web", "liuxinguo/LXG", "uumuse/auth", "tuotiansudai/tuotiansudai", "qq515149416/TZ",
            "xiaowaizhuanshu/rchlw", "liuz666/b"}
MAX_BYTES = 8 * 1024 * 1024
# What trains or tunes a model: the training scripts, the spaCy configs, `licex train` and the
# fits of the field choice and the confidences. None of it may name the real images.
TRAINING_PATHS = [*sorted((ROOT / "training").glob("*.py")), *sorted((ROOT / "configs").glob("*.cfg")),
                  ROOT / "src" / "licex" / "jobs" / "train.py", *sorted((ROOT / "src" / "licex" / "scoring").glob("*.py"))]


def images():
    return sorted(p for p in IMAGES.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def source_entries() -> dict[str, str]:
    """SOURCES.md sections by the file name in their `## ` heading."""
    text = SOURCES.read_text("utf-8")
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {name.strip(): body for name, body in zip(parts[1::2], parts[2::2])}


def field(body: str, name: str) -> str | None:
    match = re.search(rf"^- {re.escape(name)}: (.+)$", body, flags=re.M)
    return match.group(1).strip() if match else None


def test_there_are_real_images():
    assert images(), f"no images in {IMAGES}"


@pytest.mark.parametrize("image", images(), ids=lambda p: p.name)
def test_every_image_has_a_valid_gold_record(image):
    record = RECORDS / f"{image.stem}.record.json"
    assert record.is_file(), f"{image.name} has no gold record {record.name}"
    gold = json.loads(record.read_text("utf-8"))
    LicenseRecord.model_validate(gold)
    # A posted copy may hide its number and holder (016 is redacted by its publisher): its
    # businesses still say what it licenses.
    assert gold.get("license_no") or gold.get("company_name") or gold.get("businesses"), \
        f"{record.name} records no licence"


@pytest.mark.parametrize("image", images(), ids=lambda p: p.name)
def test_every_image_has_a_source_entry_with_its_bytes(image):
    entry = source_entries().get(image.name)
    assert entry is not None, f"SOURCES.md has no `## {image.name}` section"
    repository, commit = field(entry, "Repository"), field(entry, "Commit")
    assert repository and re.fullmatch(r"[\w.-]+/[\w.-]+", repository), f"{image.name}: no repository"
    assert repository not in RESERVED, f"{image.name} comes from the reserved repository {repository}"
    assert commit and re.match(r"[0-9a-f]{40}\b", commit), f"{image.name}: no 40-digit commit"
    assert field(entry, "Path"), f"{image.name}: no path in the repository"
    assert field(entry, "Repository licence"), f"{image.name}: say the repository's licence (or that it has none)"
    assert field(entry, "Hard"), f"{image.name}: say what is hard about it"
    assert field(entry, "SHA-256") == hashlib.sha256(image.read_bytes()).hexdigest(), \
        f"{image.name} is not the file SOURCES.md describes (bytes changed?)"


def test_no_source_entry_or_record_without_its_image():
    names = {p.name for p in images()}
    described = {name for name in source_entries() if name.rsplit(".", 1)[-1].lower() in {s[1:] for s in IMAGE_SUFFIXES}}
    assert described == names, f"SOURCES.md describes files that are not here: {sorted(described - names)}"
    stems = {p.stem for p in images()}
    orphans = {p.name.removesuffix(".record.json") for p in RECORDS.glob("*.record.json")} - stems
    assert not orphans, f"gold records with no image: {sorted(orphans)}"


def test_the_typeset_records_folder_holds_only_the_typeset_licences():
    """`licex evaluate --gold corpus/documents/records` scores the three PDFs (docs/results.md: 32/32); an
    image's record there would count as an unread document."""
    typeset = {p.stem for p in (CORPUS / "documents" / "scanned").glob("*.pdf")}
    held = {p.name.removesuffix(".record.json") for p in TYPESET_RECORDS.glob("*.record.json")}
    assert held == typeset, f"not a typeset licence's record: {sorted(held - typeset)}"


def test_the_images_stay_small():
    assert sum(p.stat().st_size for p in images()) < MAX_BYTES


@pytest.mark.parametrize("path", TRAINING_PATHS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_training_or_tuning_path_names_the_real_documents(path):
    text = path.read_text("utf-8")
    assert "corpus/documents" not in text and "documents/images" not in text, \
        f"{path.relative_to(ROOT)} names the real documents: they are for measurement only"


def test_training_reads_only_the_annotations_by_default():
    from licex.jobs.train import train

    default = inspect.signature(train).parameters["corpora"].default
    assert all("documents" not in str(path) for path in default), default
