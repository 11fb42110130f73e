"""The `licex_field_choice` factory."""

from __future__ import annotations

from spacy.language import Language

from licex.components.names import FIELD_CHOICE, RULE_READINGS_KEY
from licex.components.field_choice.candidates import ChoicePolicy
from licex.components.field_choice.pipe import FieldChoice


@Language.factory(
    FIELD_CHOICE,
    assigns=["doc.ents"],
    requires=["doc.spans"],
    default_config={"merge": {"@misc": "licex.model_first.v1"}, "probability_from": "ner",
                    "spans_key": RULE_READINGS_KEY},
)
def make_field_choice(nlp: Language, name: str, merge: ChoicePolicy, probability_from: str | None,
                      spans_key: str) -> FieldChoice:
    """Build the field choice: `merge` is the policy that chooses between the model's entities
    (doc.ents) and the field rules' readings (`doc.spans[spans_key]`) of each field;
    `probability_from` names the NER whose beam gives the model's probability for a contested
    reading (none where the pipeline has no such component)."""
    return FieldChoice(nlp, name, merge=merge, probability_from=probability_from, spans_key=spans_key)
