"""Every factory is declared as an entry point, so spacy.load() needs no --code."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import spacy.util
from spacy.language import Language

from licex.jobs import pipeline
from licex.components.field_rules.reading import DEFAULT_READERS

READERS = list(DEFAULT_READERS)


def test_every_licex_factory_is_an_entry_point():
    """Each declared factory loads, and once all are loaded (whatever other tests imported before),
    no licex factory is registered that is not declared."""
    declared = {ep.name: ep for ep in entry_points(group="spacy_factories") if ep.value.startswith("licex.")}
    for ep in declared.values():
        assert callable(ep.load())
    registered = {name for name in Language.factories if name.startswith("licex_")}
    assert registered == set(declared)
    assert set(pipeline.RULE_COMPONENTS) <= registered


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_every_licex_registered_function_is_an_entry_point():
    """Tokenizer, architecture, suggester and scorer resolve by name in a process that never imported licex."""
    groups = {"spacy_tokenizers": "tokenizers", "spacy_architectures": "architectures",
              "spacy_misc": "misc", "spacy_scorers": "scorers"}
    declared = {(registry, ep.name) for group, registry in groups.items()
                for ep in entry_points(group=group) if ep.value.startswith("licex.")}
    assert declared == {("tokenizers", "licex.licence_tokenizer.v1"), ("architectures", "licex.CharNgramEmbed.v1"),
                        ("misc", "licex.clause_suggester.v1"), ("misc", "licex.model_first.v1"),
                        ("misc", "licex.rules_first.v1"), ("misc", "licex.clauses_rules_first.v1"), ("misc", "licex.fitted_choice.v1"),
                            ("misc", "licex.fitted_confidence.v1"),
                        ("misc", "licex.clauses_model_first.v1"), ("scorers", "licex.fields_scorer.v1"),
                        *(("misc", f"licex.reader.{name}.v1") for name in READERS)}
    registered = {("misc", name) for name in spacy.util.registry.misc.get_all() if name.startswith("licex.")}
    assert registered == {(registry, name) for registry, name in declared if registry == "misc"}
    code = (
        "import sys, spacy.util;"
        "[spacy.util.registry.get(r, n) for r, n in " + repr(sorted(declared)) + "];"
        "print('licex' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"  # loaded by the entry points, not by an import here


@pytest.mark.slow
def test_saved_pipeline_loads_in_a_process_that_never_imports_licex(tmp_path):
    pipeline.rules_pipeline().to_disk(tmp_path / "nlp")
    code = (
        "import sys, spacy; assert 'licex' not in sys.modules, 'imported before the load';"
        "nlp = spacy.load(sys.argv[1]);"
        "assert 'licex' in sys.modules, 'the factories did not come from the entry points';"
        "doc = nlp(open(sys.argv[2], encoding='utf-8').read());"
        "print(doc._.license_record['company_name'], doc._.license_record['license_no'])"
    )
    licence = Path(__file__).resolve().parent.parent / "corpus" / "raw" / "002_3fa2e29c17b4fcd1.txt"
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "nlp"), str(licence)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["北京中录国际文化传播有限公司", "B2-20160073"]
