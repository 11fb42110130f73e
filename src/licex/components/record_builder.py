"""`licex_record_builder`: turns the field entities and clause spans of a Doc into its licence record.

It does not care which component found a span (a trained NER, the span categorizer or the rule
fallback): it reads each entity's value (values.read_value, on the text as the rules see it,
from the Doc's layout view; read once per Doc, analysis.DocAnalysis.value) and folds the values in reading order (fold.fold), with the evidence
of every value in the original text. Clause numbers and section businesses come from the clause
segmentation on the Doc (`doc._.licex_analysis`); a clause span that starts no segment (an
annotated one, say) continues the numbering. The record leaves the pipeline finished, stored
once as a JSON-ready dict in `doc._.license_record` (so Docs stay serialisable): where the Doc is
one licence of an input (`doc._.licex_part`, set by bundles.extract_licences), it names the input
and the part and its offsets point into the input's whole text; with `review_below`, every value
less confident than that is listed in needs_review too. A Doc that is not a licence
(detection.py) gets no record (None), and its entities and clause spans are cleared: nothing is
filled.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span
from spacy.training import Example
from spacy.util import ensure_path

from licex.text.analysis import DocAnalysis, analyse
from licex.fields.catalogue import inside_exclusion
from licex.text.clauses import clause_number
from licex.fields.consistency import review
from licex.text.detection import detect_licence
from licex.fields.fold import ClauseFinding, Finding, fold
from licex.fields.labels import CLAUSES_KEY, ENTITY_LABELS
from licex.fields.record import Clause, Evidence, LicenseRecord
from licex.components.names import FIELD_NER, RECORD_BUILDER
from licex.components.rule_data import ModelDataError, read_model_json  # (rule_data registers Span._.licex_component)
from licex.scoring.confidence import FittedConfidence, package_confidence
from licex.scoring.model import LogisticModel
from licex.scoring.signs import low_confidence_flags, ocr_signs, sign_flags

Doc.set_extension("license_record", default=None, force=True)
# Whether the Doc is a licence, and doubts about its extent (detection.Detection.to_json): set by
# whoever detected it already (bundles.extract_licences), else by the record builder.
Doc.set_extension("licex_detection", default=None, force=True)
# Where the Doc's text lies in its input, {"source", "part", "offset"} (bundles.LicencePart): set
# by bundles.extract_licences; None for a Doc that is a text of its own.
Doc.set_extension("licex_part", default=None, force=True)

# Which trained factories set entities and clause spans, for the evidence of spans that carry no
# component of their own.
_ENTITY_FACTORIES = ("ner", FIELD_NER, "beam_ner", "entity_ruler", "span_ruler")
_CLAUSE_FACTORIES = ("spancat", "spancat_singlelabel")
# The key and file of the fitted confidence's weights in the component's serialisation.
CONFIDENCE_KEY, CONFIDENCE_FILE = "confidence", "confidence.json"
# What turns a record's values into their confidence, by record path (scoring.confidence).
ValueConfidence = Callable[[LicenseRecord, Doc], dict[str, float]]


@Language.factory(
    RECORD_BUILDER,
    assigns=["doc._.license_record"],
    requires=["doc.ents", "doc.spans"],
    default_config={"spans_key": CLAUSES_KEY, "confidence": {"@misc": "licex.fitted_confidence.v1"},
                    "review_below": None, "scorer": {"@scorers": "licex.fields_scorer.v1"}},
    default_score_weights={"fields_acc": 1.0, "clauses_acc": None},
)
def make_record_builder(nlp: Language, name: str, spans_key: str, confidence: ValueConfidence,
                        review_below: float | None, scorer: Callable | None) -> "RecordBuilder":
    """Build the record builder: clauses are read from `doc.spans[spans_key]`; `confidence` gives
    each value of a record its confidence (a fitted one saves its weights with the component);
    a value less confident than `review_below` (0-1; None: none) is listed in needs_review;
    `scorer` scores the records (per-field accuracy) in spacy train/evaluate."""
    return RecordBuilder(nlp, name, spans_key=spans_key, confidence=confidence, review_below=review_below,
                         scorer=scorer)


class RecordBuilder(Pipe):
    def __init__(self, nlp: Language, name: str, *, spans_key: str = CLAUSES_KEY,
                 confidence: ValueConfidence | None = None, review_below: float | None = None,
                 scorer: Callable | None = None) -> None:
        if review_below is not None and not 0 <= review_below <= 1:
            raise ValueError(f"{name}: review_below is a confidence (0-1), not {review_below}")
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
        self.confidence = confidence if confidence is not None else package_confidence()
        self.review_below = review_below
        # The OCR score under which a value is flagged (scoring.signs.ocr_signs); None: the
        # package's (data/signs.json). Set by a measurement that tries several (training/ocr_sign.py).
        self.ocr_below: float | None = None
        self.scorer = scorer
        self.cfg = {"spans_key": spans_key}

    def score(self, examples: Iterable[Example], **kwargs: Any) -> dict[str, Any]:
        return self.scorer(examples, **kwargs) if self.scorer else {}

    def __call__(self, doc: Doc) -> Doc:
        if doc._.licex_detection is None:
            doc._.licex_detection = detect_licence(doc.text).to_json()
        if not doc._.licex_detection["is_licence"]:
            # Not a licence (a contract, a letter, a news item): nothing is filled, whatever the
            # components before found in it.
            doc.ents = ()
            doc.spans[self.spans_key] = []
            doc._.license_record = None
            return doc
        record = build_record(doc, self._model_components(), spans_key=self.spans_key,
                              doubts=doc._.licex_detection["doubts"], confidence=self.confidence,
                              review_below=self.review_below, ocr_below=self.ocr_below)
        if doc._.licex_part is not None:
            record = _in_input(record, **doc._.licex_part)
        doc._.license_record = record.to_json_dict()
        return doc

    # A fitted confidence's weights travel with the component (confidence.json).
    def _fitted(self, exclude: Iterable[str]) -> bool:
        return isinstance(self.confidence, FittedConfidence) and CONFIDENCE_KEY not in exclude

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        data = {CONFIDENCE_KEY: self.confidence.model.to_dict()} if self._fitted(exclude) else {}
        return srsly.msgpack_dumps(data)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> "RecordBuilder":
        data = srsly.msgpack_loads(bytes_data)
        if self._fitted(exclude) and CONFIDENCE_KEY in data:
            self.confidence.model = LogisticModel.from_dict(data[CONFIDENCE_KEY], f"{self.name}'s bytes")
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self._fitted(exclude):
            srsly.write_json(path / CONFIDENCE_FILE, self.confidence.model.to_dict())

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "RecordBuilder":
        """The fitted confidence `to_disk` saved; ModelDataError naming confidence.json when it
        does not hold one. A pipeline saved before the record builder saved its own keeps the
        package's weights (scoring.confidence)."""
        saved = ensure_path(path) / CONFIDENCE_FILE
        if self._fitted(exclude) and os.path.lexists(saved):
            try:
                self.confidence.model = LogisticModel.from_dict(read_model_json(saved, exact=True), str(saved))
            except ValueError as error:
                raise ModelDataError(str(error)) from None
        return self

    def _model_components(self) -> dict[str, str]:
        """Which trained component set spans that carry no component of their own."""
        found = {"ents": "model", "clauses": "model"}
        for name, pipe in self.nlp.pipeline:
            if name.startswith("licex_") or pipe is self:
                continue
            factory = self.nlp.get_pipe_meta(name).factory
            if factory in _ENTITY_FACTORIES and found["ents"] == "model":
                found["ents"] = name
            elif factory in _CLAUSE_FACTORIES and found["clauses"] == "model":
                found["clauses"] = name
        return found


def build_record(
    doc: Doc, model_components: dict[str, str] | None = None, source: str | None = None, spans_key: str = CLAUSES_KEY,
    doubts: Sequence[str] = (), confidence: ValueConfidence | None = None, review_below: float | None = None,
    ocr_below: float | None = None,
) -> LicenseRecord:
    """The licence record of a processed Doc; `doubts` about its extent (detection.Detection)
    flag its front-page fields; `confidence` scores its values (by default with the package's
    weights: a gold record's confidence means nothing). A fitted confidence also names each
    value's signs of doubt: a value with a misread sign is flagged, and, with `review_below`,
    every value less confident than that, with its signs (scoring.signs). A value read with a low
    OCR score (the scores on the Doc: text.ocr_scores; below `ocr_below`, by default the
    package's) is flagged too, whatever its confidence."""
    components = model_components or {"ents": "model", "clauses": "model"}
    analysis = analyse(doc)
    text = doc.text  # Doc.text joins tokens on every access; read it once
    clauses = sorted(doc.spans[spans_key] if spans_key in doc.spans else [], key=lambda s: s.start_char)
    record = fold(_findings(doc.ents, analysis, text, components["ents"]),
                  _clause_findings(clauses, analysis, text, components["clauses"]), source)
    numbers = [_evidence(ent, text, components["ents"]) for ent in doc.ents if ent.label_ == "LICENSE_NO"]
    record = review(record, analysis, text, numbers, doubts)
    scorer = confidence or package_confidence()
    signs: dict[str, list[str]] = {}
    if isinstance(scorer, FittedConfidence):
        record.confidence, signs = scorer.scored(record, doc)
    else:
        record.confidence = scorer(record, doc)
    for path, found in ocr_signs(record, doc, ocr_below).items():
        signs[path] = [*signs.get(path, ()), *found]
    sign_flags(record, signs)
    if review_below is not None:
        low_confidence_flags(record, review_below, signs)
    return record


def _in_input(record: LicenseRecord, source: str, part: int | None, offset: int) -> LicenseRecord:
    """The record of one licence of an input: the input and the part named, every offset (evidence,
    clauses) moved `offset` characters, into the input's text."""
    record.source, record.part = source, part
    if offset:
        def moved(item: Evidence | Clause) -> Evidence | Clause:  # copies: an item may be shared between paths
            return item.model_copy(update={"start": item.start + offset, "end": item.end + offset})

        record.evidence = {path: [moved(item) for item in items] for path, items in record.evidence.items()}
        record.clauses = [moved(clause) for clause in record.clauses]
    return record


def _evidence(span: Span, text: str, default_component: str, extent: tuple[int, int] | None = None) -> Evidence:
    """Where `span` is printed; `extent` where its value was printed in pieces, the span one of them."""
    start, end = extent or (span.start_char, span.end_char)
    return Evidence(start=start, end=end, text=text[start:end], component=span._.licex_component or default_component)


def _findings(ents: Iterable[Span], analysis: DocAnalysis, text: str, component: str) -> Iterator[Finding]:
    for ent in ents:
        if ent.label_ in ENTITY_LABELS:
            value = analysis.value(ent.label_, ent.start_char, ent.end_char)
            if ent.label_ == "SERVICE_ITEM" and value and inside_exclusion(text, ent.start_char, value):
                value = f"不含{value}"  # an item read inside a 不含 clause can only be an exclusion
            extent = analysis.extent(ent.label_, ent.start_char, ent.end_char)
            yield Finding(ent.label_, value, _evidence(ent, text, component, extent))


def _clause_findings(spans: list[Span], analysis: DocAnalysis, text: str, component: str) -> Iterator[ClauseFinding]:
    top = sub = 0
    business = None
    for span in spans:
        segment = analysis.clause_at(span.start_char)
        if segment is not None:
            top, number_sub = segment.top, segment.sub
            sub = number_sub or 0
            business = segment.section_business
        elif span.label_.startswith("BIZ_") and span.label_ != "BIZ_SECTION_HEADER" and top:
            # A clause the segmentation does not know: it continues the numbering.
            sub = number_sub = sub + 1
        else:
            top, sub, number_sub, business = top + 1, 0, None, None
        clause = Clause(number=clause_number(top, number_sub), label=span.label_, business_code=business,
                        start=span.start_char, end=span.end_char)
        yield ClauseFinding(clause, _evidence(span, text, component))
