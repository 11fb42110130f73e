"""`licex package` builds a wheel that, installed in a fresh venv beside licex, loads by name."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = ROOT / "training" / "model"


@pytest.mark.slow
def test_packaged_default_model_loads_by_name_in_a_fresh_venv(tmp_path):
    build = subprocess.run([sys.executable, "-m", "licex.cli", "package", str(DEFAULT_MODEL), str(tmp_path / "pkg")],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-3000:]
    wheel = next((tmp_path / "pkg").glob("zh_licex_cnn-*/dist/zh_licex_cnn-*.whl"))

    # A fresh venv that sees licex and its dependencies where they are installed now, so the
    # test installs only the pipeline package (no download of spaCy).
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    purelib = subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                      text=True).strip()
    here = sysconfig.get_paths()["purelib"]
    Path(purelib, "licex-parent.pth").write_text(f"import site; site.addsitedir({here!r})\n", encoding="utf-8")
    install = subprocess.run([python, "-m", "pip", "install", "-q", "--no-deps", str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-3000:]

    code = (
        "import sys, spacy\n"
        "nlp = spacy.load('zh_licex_cnn')\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "record = nlp(text)._.license_record\n"
        "print(record['license_no'], record['company_name'], len(record['clauses']))\n"
    )
    licence = ROOT / "corpus" / "raw" / "002_3fa2e29c17b4fcd1.txt"
    run = subprocess.run([python, "-c", code, str(licence)], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.split() == ["B2-20160073", "北京中录国际文化传播有限公司", "29"]
    assert str(env_dir) in subprocess.check_output(
        [python, "-c", "import zh_licex_cnn; print(zh_licex_cnn.__file__)"], text=True)
