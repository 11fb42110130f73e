"""Give trained pipelines the rule data licex ships now (label words, clause rules, the readers).

A rule component saves its rules with the pipeline (spaCy's convention: a model folder is
complete without licex's checkout), so a model trained before the readers' label words changed
still reads with the old words. This loads each model, sets every rule component's rules to the
packaged data file it was made from (`RuleDataPipe.data_file`, under src/licex/patterns), and
saves the model in place; the trained weights and the fitted choice and confidence are kept. Its
field rules are given the readers licex runs by default (`reading.DEFAULT_READERS`, a reader added
since it was trained included), in their order.

    python training/refresh_rules.py training/model [MODEL ...]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from spacy.util import load_config

from licex.components.field_rules.reading import DEFAULT_READERS
from licex.components.names import FIELD_RULES
from licex.components.rule_data import RuleDataPipe, read_jsonl
from licex.jobs.pipeline import load_pipeline


def refresh(model: Path) -> list[str]:
    """The rule components of `model` given the shipped rules and its field rules the default
    readers; returns the names of the rule components."""
    nlp = load_pipeline(model)
    refreshed = []
    for name, pipe in nlp.pipeline:
        if isinstance(pipe, RuleDataPipe):
            pipe.set_rules(read_jsonl(pipe.data_file))
            refreshed.append(name)
    nlp.to_disk(model)
    config = load_config(model / "config.cfg", interpolate=False)
    if FIELD_RULES in config["components"]:
        config["components"][FIELD_RULES]["readers"] = {name: dict(reader) for name, reader in DEFAULT_READERS.items()}
        config.to_disk(model / "config.cfg")
    return refreshed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path)
    for model in parser.parse_args().models:
        print(f"{model}: {', '.join(refresh(model))}")


if __name__ == "__main__":
    main()
