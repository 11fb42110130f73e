"""`licex package` builds the pipeline wheel and licex's wheel; the two alone, installed in a fresh
venv that cannot see the source tree, load the pipeline by name."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "training" / "model"


@pytest.mark.slow
def test_both_wheels_install_in_a_fresh_venv_and_load_by_name(tmp_path):
    build = subprocess.run([sys.executable, "-m", "licex.cli", "package", str(DEFAULT_MODEL), str(tmp_path / "pkg")],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    dist = tmp_path / "pkg"
    wheels = sorted(p.name.split("-")[0] for p in dist.glob("*.whl"))
    assert wheels == ["licex", "zh_licex_cnn"]
    assert len(build.stdout.splitlines()) == 3  # the two wheels and the install line: no build log

    # A fresh venv, run from an empty folder with no path into the checkout: licex comes from its
    # wheel; its dependencies (spaCy, ...) from the package index or pip's cache.
    env_dir, elsewhere = tmp_path / "venv", tmp_path / "elsewhere"
    venv.create(env_dir, with_pip=True)
    elsewhere.mkdir()
    python = str(env_dir / "bin" / "python")
    clean_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "LICEX_MODEL")}
    install = subprocess.run([python, "-m", "pip", "install", "-q", *map(str, sorted(dist.glob("*.whl")))],
                             capture_output=True, text=True, cwd=elsewhere, env=clean_env)
    assert install.returncode == 0, install.stderr[-3000:]

    code = (
        "import sys, spacy, licex\n"
        "nlp = spacy.load('zh_licex_cnn')\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "record = nlp(text)._.license_record\n"
        "print(licex.__file__)\n"
        "print(record['license_no'], record['company_name'], len(record['clauses']))\n"
    )
    licence = elsewhere / "licence.txt"
    licence.write_bytes((ROOT / "corpus" / "raw" / "002_3fa2e29c17b4fcd1.txt").read_bytes())
    run = subprocess.run([python, "-I", "-c", code, str(licence)], capture_output=True, text=True, cwd=elsewhere,
                         env={**clean_env, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr[-3000:]
    where, result = run.stdout.splitlines()[-2:]
    assert where.startswith(str(env_dir)) and str(ROOT) not in where
    assert result.split() == ["B2-20160073", "北京中录国际文化传播有限公司", "29"]
