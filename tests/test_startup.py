"""Start-up: `licex --help` and a command's --help import none of the heavy libraries (spaCy and
what it pulls in: thinc, numpy, torch), so they answer at once; a regression shows here."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("spacy", "thinc", "numpy", "torch", "srsly", "sklearn", "charset_normalizer", "rich.progress")

# Runs the `licex` entry point in a fresh interpreter, then prints which heavy modules it imported.
_PROBE = """
import json, sys
from licex.cli import main
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(name for name in sys.modules if name in {heavy})), file=sys.__stderr__)
"""


@pytest.mark.parametrize("args", [["--help"], ["extract", "--help"], ["bench", "--help"]])
def test_help_imports_none_of_the_heavy_libraries(args):
    probe = _PROBE.format(heavy=set(HEAVY))
    result = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, timeout=60)
    assert "Usage" in result.stdout
    imported = json.loads(result.stderr.strip().splitlines()[-1])
    assert imported == []
