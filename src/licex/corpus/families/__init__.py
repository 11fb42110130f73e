"""Producer families: licences made by programs licex's own typesetting never was.

licex's figures were measured on the documents its own typesetter (fpdf2, `licex.corpus.typeset`)
draws, and its readers were tuned on them. A family is another producer: HTML/CSS certificates
printed by headless Chromium (`chromium-cert`), flat ODT documents printed by LibreOffice
Writer (`libreoffice`), HTML/CSS forms laid out by WeasyPrint's own engine (`weasyprint-form`)
and Typst documents typeset by the Typst compiler (`typst-gov`, the family no reader, model or
fitted choice was tuned on; training/tuned_on.json says what each part saw). Each is data and
templates, not code per layout:

- `data/families.json`: every distribution of every family in one config (fonts, sizes, borders,
  column widths, label spacing and wrapping, where the dates and the seal go, which content
  formats it prints and how often), and what each format prints (titles, labels, date forms, the
  bracketed note, 本证有效期自…至…, the website 附页's columns);
- `data/family_templates/certificate.{html,fodt,typ}`: the small elements (a row, a label cell, a
  signature block, the seal) as string.Template snippets;
- `style` draws a document's style; `sheet` composes the elements from the gold record and notes
  each printed value; `markup` fills the templates; `printers` runs Chromium, soffice, WeasyPrint or Typst.

The content is the generator's (`licex.corpus.synth.generate_one`), drawn as one of its content
variants (synth_content.json `variants`: provincial licences, the older Beijing 《电信与信息服务业务
经营许可证》) where the family's format asks for one, so the gold record is the synthetic licence's.
Everything is a function of the document's seed; only the PDFs' creation dates are not.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from licex.corpus.annotations import AnnotatedText
from licex.corpus.families.markup import Markup
from licex.corpus.families.sheet import Composer
from licex.corpus.families.style import draw_style, family_config, family_names


@dataclass
class Composed:
    """One licence of a family, composed but not printed."""

    family: str
    format: str  # the content format: ordinary, provincial, beijing_icp
    markup: str  # html | fodt | typ
    printer: str  # chromium | soffice | weasyprint | typst (printers.PRINTERS)
    source: str  # the document in its markup
    values: list[tuple[str, str]]  # (entity label, printed value) in print order
    clauses: list[tuple[str, str]]  # (clause label, printed text)
    record: dict[str, Any]  # the gold record, as licex writes records
    example: AnnotatedText  # the synthetic licence the document prints


def draw_format(family: str, seed: int) -> str:
    return family_config(family).weighted("formats", random.Random(seed * 7 + 5))


def compose_licence(family: str, seed: int, name: str = "licence") -> Composed:
    """Licence `seed` as family `family` composes it: the same seed, the same document."""
    from licex.corpus.render import clause_texts
    from licex.corpus.synth import generate_one

    fmt = draw_format(family, seed)
    _, example, record = generate_one(seed, doc_id=name, variant=None if fmt == "ordinary" else fmt)
    record_json = record.model_dump(mode="json")
    printed_clauses = clause_texts(example.text, example.clauses)
    rng = random.Random(seed * 7 + 6)
    config = family_config(family)
    markup = config["markup"]
    composer = Composer(record_json, printed_clauses, fmt, draw_style(family, rng), Markup(markup), rng)
    source = composer.compose()
    clauses = list(zip((label for *_, label in sorted(example.clauses)), printed_clauses))
    return Composed(family, fmt, markup, config["printer"], source, composer.values, clauses, record_json, example)


def print_licence(composed: Composed) -> bytes:
    from licex.corpus.families.printers import print_pdf

    return print_pdf(composed.printer, composed.source)


__all__ = ["Composed", "compose_licence", "draw_format", "family_names", "print_licence"]
