"""A pipeline scored on any annotated set: fields, entity and clause spans, the clause confusion;
and the three-way comparison of rules only, model only and model + rules.

The gold record of each document is what the record builder makes of its gold annotations, so
any annotated set (real licences, a generated corpus, a doccano export) can be scored at the
document level; a document that carries its `record` (a tool's text of a generated licence,
licex.corpus.tool_corpus) is scored against that. Spans count as right with the same offsets and label (spaCy's alignment of the
predicted tokens to the reference); scikit-learn computes precision, recall and F1 from them,
and the clause confusion from the clause labels paired by number.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sklearn.metrics import precision_recall_fscore_support
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from licex.components.names import CLAUSE_RULES, FIELD_CHOICE, FIELD_RULES
from licex.components.record_builder import build_record
from licex.corpus.annotations import AnnotatedText, to_doc
from licex.corpus.ocr_sidecars import OCR_SCORES
from licex.fields.labels import CLAUSE_LABELS, CLAUSES_KEY, ENTITY_LABELS
from licex.jobs.pipeline import load_pipeline, rules_pipeline
from licex.evaluation.records import MISSING, evaluate
from licex.evaluation.render import write_reports
from licex.evaluation.report import PipelineReport, summary
from licex.text.ocr_scores import set_ocr_scores

# The rule components that fill what the model leaves empty: off while training and for "model only".
# The field choice goes with the field rules: without them it would still drop the model's
# entities that give no value, which "model only" keeps.
RULE_FALLBACK = (FIELD_RULES, FIELD_CHOICE, CLAUSE_RULES)
Progress = Callable[[], None]  # called once per document scored


def span_scores(examples: Iterable[Example], attr: str, spans: Callable[[Any], Iterable[Span]],
                labels: Sequence[str]) -> dict[str, Any]:
    """Precision, recall and F1 of labelled spans, micro-averaged and per label, under the keys of
    spaCy's `Scorer.score_spans` (`{attr}_p`, `_r`, `_f`, `_per_type`; None where no span exists).

    Each gold or predicted span (token offsets in the reference; predicted spans aligned to it as
    spaCy aligns them, overlaps resolved) is one pair of classes: (gold label, predicted label) where
    both have the offsets, else MISSING on the side without it.
    """
    gold_classes: list[str] = []
    predicted_classes: list[str] = []
    for i, example in enumerate(examples):
        gold = {(i, s.start, s.end, s.label_) for s in spans(example.reference)}
        predicted = {(i, s.start, s.end, s.label_) for s in example.get_aligned_spans_x2y(spans(example.predicted))}
        for *_, label in gold & predicted:
            gold_classes.append(label)
            predicted_classes.append(label)
        for *_, label in gold - predicted:
            gold_classes.append(label)
            predicted_classes.append(MISSING)
        for *_, label in predicted - gold:
            gold_classes.append(MISSING)
            predicted_classes.append(label)
    scores: dict[str, Any] = {f"{attr}_p": None, f"{attr}_r": None, f"{attr}_f": None, f"{attr}_per_type": None}
    used = {*gold_classes, *predicted_classes}
    # The label scheme's order, then any label it does not know.
    present = [label for label in labels if label in used]
    present += sorted(used - {*present, MISSING})
    if not present:
        return scores
    p, r, f, _ = precision_recall_fscore_support(gold_classes, predicted_classes, labels=present,
                                                 average="micro", zero_division=0.0)
    scores |= {f"{attr}_p": float(p), f"{attr}_r": float(r), f"{attr}_f": float(f)}
    per_label = precision_recall_fscore_support(gold_classes, predicted_classes, labels=present,
                                                average=None, zero_division=0.0)
    scores[f"{attr}_per_type"] = {label: {"p": float(p), "r": float(r), "f": float(f)}
                                  for label, p, r, f, _ in zip(present, *per_label)}
    return scores


def example_docs(nlp: Language, examples: Iterable[AnnotatedText]) -> Iterator[Doc]:
    """The Doc of each example's text for `nlp` to run on: with the OCR scores the text kept, where
    it kept some (corpus.ocr_sidecars), as `licex extract` gives a document's (text.ocr_scores)."""
    for example in examples:
        yield set_ocr_scores(nlp.make_doc(example.text), example.meta.get(OCR_SCORES))


def evaluate_pipeline(nlp: Language, examples: Sequence[AnnotatedText], name: str = "pipeline",
                      progress: Progress | None = None) -> PipelineReport:
    """Run `nlp` over the texts of `examples` and score it against their annotations. A text that
    kept its OCR scores (a tool corpus's sidecar: corpus.ocr_sidecars) gives them to its Doc as
    `licex extract` does (text.ocr_scores)."""
    gold_records, predicted_records, spacy_examples = {}, {}, []
    for example, predicted in zip(examples, nlp.pipe(example_docs(nlp, examples))):
        reference = to_doc(example)
        # Predicted spans are aligned onto the reference, whose vocab must know their labels
        # even where its own annotations never used one (a clause label no gold span has).
        for label in (*ENTITY_LABELS, *CLAUSE_LABELS):
            reference.vocab.strings.add(label)
        doc_id = str(example.id)
        # A tool's text of a generated licence carries the licence's true record: what the tool
        # lost still counts as missed, where its annotations alone would not ask for it.
        gold_records[doc_id] = example.meta.get("record") or build_record(reference).to_json_dict()
        predicted_records[doc_id] = predicted._.license_record or build_record(predicted).to_json_dict()
        spacy_examples.append(Example(predicted, reference))
        if progress is not None:
            progress()
    return PipelineReport(
        name, len(examples), evaluate(gold_records, predicted_records),
        span_scores(spacy_examples, "ents", lambda doc: doc.ents, ENTITY_LABELS),
        span_scores(spacy_examples, f"spans_{CLAUSES_KEY}", lambda doc: doc.spans.get(CLAUSES_KEY, []), CLAUSE_LABELS),
    )


def model_only(nlp: Language) -> Language:
    """The pipeline with its rule fallback switched off (the record builder still runs): what
    training measures."""
    for name in RULE_FALLBACK:
        if name in nlp.pipe_names:
            nlp.disable_pipe(name)
    return nlp


def compare_pipelines(model: Path | str | None, examples: Sequence[AnnotatedText],
                      progress: Progress | None = None) -> list[PipelineReport]:
    """Rules only, model only and model with rule fallback on the same documents."""
    reports = [evaluate_pipeline(rules_pipeline(), examples, "rules only", progress)]
    if model is not None:
        reports.append(evaluate_pipeline(model_only(load_pipeline(model)), examples, "model only", progress))
        reports.append(evaluate_pipeline(load_pipeline(model), examples, "model + rules", progress))
    return reports


def evaluate_sets(model: Path, sets: Mapping[str, Sequence[AnnotatedText]], output: Path,
                  progress: Progress | None = None,
                  ceilings: Mapping[str, dict[str, Any] | None] | None = None) -> dict[str, Any]:
    """The three-way comparison on each named set that has documents: reports under
    output/<set>/, and the summaries training's metrics.json keeps. `ceilings` of a set's tool
    texts (`corpus.tool_corpus.ceilings`) go into its report's title."""
    from licex.corpus.tool_corpus import ceiling_note

    summaries = {}
    for name, examples in sets.items():
        if not examples:
            continue
        reports = compare_pipelines(model, examples, progress)
        note = ceiling_note((ceilings or {}).get(name))
        write_reports(reports, output / name, f"{name} ({len(examples)} documents{note})")
        summaries[name] = {r.name: summary(r) for r in reports}
    return summaries
