"""Text layouts: a licence's content rendered as the texts OCR engines and PDF tools give.

`Renderer` (renderer.py) draws a licence's style and writes its text; the document parts are
functions registered with `@document_part` and rendered in registration order, which is the import
order below: the front page, the attachment pages, the 特别规定事项, the inspection pages. Every
probability and wording variant lives in `data/synth_style.json` and `data/synth_wordings.json`.
"""

from __future__ import annotations

# Imported for their registrations, in document order.
from licex.corpus.synth.layouts import front, attachments, provisions, inspections  # noqa: F401  # isort: skip
from licex.corpus.synth.layouts.renderer import Renderer

__all__ = ["Renderer"]
