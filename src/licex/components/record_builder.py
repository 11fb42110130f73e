"""`licex_record_builder`: turns the field entities and clause spans of a Doc into its licence record.

It does not care which component found a span (a trained NER, the span categorizer or the rule
fallback): it reads each entity's value (values.read_value, on the text as the rules see it,
from the Doc's layout view; read once per Doc, analysis.DocAnalysis.value) and folds the values in reading order (fold.fold), with the evidence
of every value in the original text. Clause numbers and section businesses come from the clause
segmentation on the Doc (`doc._.licex_analysis`); a clause span that starts no segment (an
annotated one, say) continues the numbering. The record is stored as a JSON-ready dict in
`doc._.license_record`, so Docs stay serialisable. A Doc that is not a licence (detection.py)
gets no record (None), and its entities and clause spans are cleared: nothing is filled.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Doc, Span
from spacy.training import Example

from licex.text.analysis import DocAnalysis, analyse
from licex.text.clauses import clause_number
from licex.confidence import confidence, value_features
from licex.fields.consistency import review
from licex.text.detection import detect_licence
from licex.fields.fold import ClauseFinding, Finding, fold
from licex.fields.labels import CLAUSES_KEY, ENTITY_LABELS
from licex.fields.record import Clause, Evidence, LicenseRecord
from licex.components import rule_data  # noqa: F401  (registers Span._.licex_component)
from licex.components.names import FIELD_NER, RECORD_BUILDER

Doc.set_extension("license_record", default=None, force=True)
# Whether the Doc is a licence, and doubts about its extent (detection.Detection.to_json): set by
# whoever detected it already (bundles.extract_licences), else by the record builder.
Doc.set_extension("licex_detection", default=None, force=True)

# Which trained factories set entities and clause spans, for the evidence of spans that carry no
# component of their own.
_ENTITY_FACTORIES = ("ner", FIELD_NER, "beam_ner", "entity_ruler", "span_ruler")
_CLAUSE_FACTORIES = ("spancat", "spancat_singlelabel")


@Language.factory(
    RECORD_BUILDER,
    assigns=["doc._.license_record"],
    requires=["doc.ents", "doc.spans"],
    default_config={"spans_key": CLAUSES_KEY, "scorer": {"@scorers": "licex.fields_scorer.v1"}},
    default_score_weights={"fields_acc": 1.0, "clauses_acc": None},
)
def make_record_builder(nlp: Language, name: str, spans_key: str, scorer: Callable | None) -> "RecordBuilder":
    """Build the record builder: clauses are read from `doc.spans[spans_key]`; `scorer` scores the
    records (per-field accuracy) in spacy train/evaluate."""
    return RecordBuilder(nlp, name, spans_key=spans_key, scorer=scorer)


class RecordBuilder(Pipe):
    def __init__(self, nlp: Language, name: str, *, spans_key: str = CLAUSES_KEY, scorer: Callable | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.spans_key = spans_key
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
        doc._.license_record = build_record(doc, self._model_components(), spans_key=self.spans_key,
                                            doubts=doc._.licex_detection["doubts"]).to_json_dict()
        return doc

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
    doubts: Sequence[str] = (),
) -> LicenseRecord:
    """The licence record of a processed Doc; `doubts` about its extent (detection.Detection)
    flag its front-page fields."""
    components = model_components or {"ents": "model", "clauses": "model"}
    analysis = analyse(doc)
    text = doc.text  # Doc.text joins tokens on every access; read it once
    clauses = sorted(doc.spans[spans_key] if spans_key in doc.spans else [], key=lambda s: s.start_char)
    record = fold(_findings(doc.ents, analysis, text, components["ents"]),
                  _clause_findings(clauses, analysis, text, components["clauses"]), source)
    numbers = [_evidence(ent, text, components["ents"]) for ent in doc.ents if ent.label_ == "LICENSE_NO"]
    record = review(record, analysis, text, numbers, doubts)
    record.confidence = {path: confidence(names) for path, names in value_features(record, doc).items()}
    return record


def _evidence(span: Span, text: str, default_component: str) -> Evidence:
    return Evidence(start=span.start_char, end=span.end_char, text=text[span.start_char:span.end_char],
                    component=span._.licex_component or default_component)


def _findings(ents: Iterable[Span], analysis: DocAnalysis, text: str, component: str) -> Iterator[Finding]:
    for ent in ents:
        if ent.label_ in ENTITY_LABELS:
            yield Finding(ent.label_, analysis.value(ent.label_, ent.start_char, ent.end_char),
                          _evidence(ent, text, component))


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
