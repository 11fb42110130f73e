"""Dependencies by job: loading a pipeline needs only the core, and a job whose extra is missing
says which extra in one line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from licex.cli import app
from licex.jobs.extras import EXTRAS

ROOT = Path(__file__).resolve().parent.parent
# The modules of the synth, eval and doccano extras: none of them is needed to extract.
NOT_FOR_EXTRACTION = ["faker", "sklearn", "matplotlib", "doccano_client"]


@pytest.mark.slow  # over 1.4 s (the quick suite stays under two minutes)
def test_loading_the_default_model_imports_no_optional_dependency():
    # Where the trf extra is installed, spaCy imports spacy-transformers (and transformers imports
    # scikit-learn) for every spacy.load; the process hides those entry points, as the main
    # install (without trf) has none.
    code = (
        "import importlib.metadata as md, json, sys\n"
        "every = md.entry_points\n"
        "keep = lambda eps: md.EntryPoints(ep for ep in eps if not ep.value.startswith('spacy_transformers'))\n"
        "def entry_points(**kw):\n"
        "    eps = every(**kw)  # Python 3.11 without arguments: a dict of groups\n"
        "    return md.SelectableGroups({g: keep(v) for g, v in eps.items()}) if isinstance(eps, dict) else keep(eps)\n"
        "md.entry_points = entry_points\n"
        "import spacy\n"
        "nlp = spacy.load(sys.argv[1])\n"
        "record = nlp(open(sys.argv[2], encoding='utf-8').read())._.license_record\n"
        "print(json.dumps({'loaded': sorted(m for m in sys.modules if m.split('.')[0] in sys.argv[3:]),\n"
        "                  'license_no': record['license_no'], 'trf': 'spacy_transformers' in sys.modules}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(ROOT / "training" / "model"), str(ROOT / "corpus" / "raw" / "002_3fa2e29c17b4fcd1.txt"),
         *NOT_FOR_EXTRACTION], capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.splitlines()[-1])
    assert report == {"loaded": [], "license_no": "B2-20160073", "trf": False}


def test_every_extra_lists_the_packages_pyproject_declares_for_it():
    """licex.jobs.extras.EXTRAS (what a command checks) and pyproject.toml (what pip installs) agree."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]

    def packages(extra: str) -> set[str]:
        names = set()
        for requirement in declared[extra]:
            name = re.match(r"[A-Za-z0-9_.-]+", requirement).group().lower()
            if name == "licex":  # an umbrella extra: licex[synth,eval]
                for inner in re.search(r"\[(.*)\]", requirement).group(1).split(","):
                    names |= packages(inner.strip())
            else:
                names.add(name)
        return names

    for extra, modules in EXTRAS.items():
        assert set(modules) == packages(extra), extra


def test_a_command_names_the_extra_it_lacks(monkeypatch, tmp_path):
    import importlib.metadata

    installed = importlib.metadata.distribution

    def without_sklearn(name):  # as if the eval extra were not installed
        if name == "scikit-learn":
            raise importlib.metadata.PackageNotFoundError(name)
        return installed(name)

    monkeypatch.setattr("licex.jobs.extras.distribution", without_sklearn)
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(ROOT / "corpus" / "records"), str(tmp_path / "p.jsonl")])
    assert result.exit_code == 2
    assert result.stderr.strip() == 'licex: error: licex evaluate needs the \'eval\' extra: pip install "licex[eval]"'


def test_an_import_of_a_missing_extra_names_it():
    """A module of an extra that is not installed, imported deep in any command, ends the same way."""
    code = "import sys; sys.modules['faker'] = None; from licex.cli import main; sys.argv[1:] = sys.argv[1:]; main()"
    result = subprocess.run([sys.executable, "-c", code, "synth", "-n", "1", "-o", "/nonexistent/x"],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert result.stderr.strip() == 'licex: error: licex synth needs the \'synth\' extra: pip install "licex[synth]"'
