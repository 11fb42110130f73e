"""Try the install paths of README.md and docs/install.md, each in a fresh virtual environment, and
read a scan with what each installed.

    python .ci/install_paths.py                       # all three (6–20 min; pip reaches PyPI)
    python .ci/install_paths.py --paths user,offline  # some of them

The paths, as docs/install.md gives them, in a temporary clone of the checkout (its HEAD with its
uncommitted changes):

- developer: `pip install -e ".[dev]"`
- user:      `pip install -e ".[ocr]"`
- offline:   `licex package training/model dist/`, then `pip wheel -w wheelhouse` of the two wheels,
             licex's with the `ocr` extra (online), then, in a fresh venv, `pip install --no-index
             --find-links wheelhouse "licex[ocr]" zh_licex_cnn` with no pip configuration at all
             (no index, no find-links, no cache but the wheelhouse), run from a folder outside
             the checkout

Each then runs `licex extract SCAN --format json` on a scanned PDF (OCR, so the `ocr` extra must
be there) and compares the licence number and company with the scan's gold record. It prints one
line a path and exits 1 when any failed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

from docs_commands import ROOT, clone

SCAN = "corpus/documents/scanned/002_3fa2e29c17b4fcd1.pdf"
GOLD = "corpus/documents/records/002_3fa2e29c17b4fcd1.record.json"
PATHS = ("developer", "user", "offline")
# What `pip install` is given on each path's line of README.md and docs/install.md (a test keeps
# the pages and this in step).
LINES = {"developer": ["-e", ".[dev]"], "user": ["-e", ".[ocr]"],
         "offline": ["--no-index", "--find-links", "wheelhouse", "licex[ocr]", "zh_licex_cnn"]}
# The pip settings of this machine (an index mirror, a find-links folder) must not fill in
# what the wheelhouse lacks.
NO_PIP_CONFIG = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_CACHE_DIR": "1"}


class Failed(Exception):
    pass


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise Failed(f"`{' '.join(args)}` exited {done.returncode}: {(done.stdout + done.stderr)[-2000:]}")
    return done.stdout


def clean_env(pip_config: bool = True) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "LICEX_MODEL") and (pip_config or not k.startswith("PIP_"))}
    return env if pip_config else {**env, **NO_PIP_CONFIG}


def fresh_venv(where: Path) -> Path:
    venv.create(where, with_pip=True)
    return where / "bin"


def install_developer(checkout: Path, work: Path) -> Path:
    bin_dir = fresh_venv(work / "developer")
    run([str(bin_dir / "pip"), "install", "-q", *LINES["developer"]], checkout, clean_env())
    return bin_dir


def install_user(checkout: Path, work: Path) -> Path:
    bin_dir = fresh_venv(work / "user")
    run([str(bin_dir / "pip"), "install", "-q", *LINES["user"]], checkout, clean_env())
    return bin_dir


def install_offline(checkout: Path, work: Path) -> Path:
    """The wheelhouse recipe: built and downloaded with this environment's licex and pip, installed
    into a fresh venv with pip told of nothing but the wheelhouse."""
    here = Path(sys.executable).parent
    run([str(here / "licex"), "package", "training/model", "dist/"], checkout, clean_env())
    wheels = sorted((checkout / "dist").glob("*.whl"))
    licex_wheel = next(w for w in wheels if w.name.startswith("licex-"))
    model_wheel = next(w for w in wheels if w.name.startswith("zh_licex_cnn-"))
    # licex's wheel first: pip 23 does not see that the wheel given after the model's satisfies
    # the model's requirement of licex
    run([str(here / "pip"), "wheel", "-q", "-w", "wheelhouse", f"{licex_wheel}[ocr]", str(model_wheel)],
        checkout, clean_env())
    bin_dir = fresh_venv(work / "offline")
    line = [str(checkout / arg) if arg == "wheelhouse" else arg for arg in LINES["offline"]]
    run([str(bin_dir / "pip"), "install", "-q", *line], work, clean_env(pip_config=False))
    return bin_dir


def read_scan(bin_dir: Path, checkout: Path, work: Path) -> str:
    """The installed licex on a scan, run from a folder outside the checkout."""
    elsewhere = work / f"elsewhere-{bin_dir.parent.name}"
    elsewhere.mkdir()
    scan = elsewhere / Path(SCAN).name
    scan.write_bytes((checkout / SCAN).read_bytes())
    printed = run([str(bin_dir / "licex"), "extract", str(scan), "--format", "json"], elsewhere,
                  {**clean_env(), "HF_HUB_OFFLINE": "1"})
    record = json.loads(printed)[0]
    gold = json.loads((checkout / GOLD).read_text("utf-8"))
    got = (record["license_no"], record["company_name"])
    if got != (gold["license_no"], gold["company_name"]):
        raise Failed(f"read {got} from {SCAN}, the gold record says {(gold['license_no'], gold['company_name'])}")
    return " ".join(got)


INSTALLERS = {"developer": install_developer, "user": install_user, "offline": install_offline}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default=",".join(PATHS), help=f"some of {', '.join(PATHS)}")
    args = parser.parse_args(argv)
    chosen = [p for p in args.paths.split(",") if p]
    unknown = set(chosen) - set(PATHS)
    if unknown:
        parser.error(f"unknown path(s): {', '.join(sorted(unknown))}")
    failed = []
    with tempfile.TemporaryDirectory(prefix="licex-install-") as tmp:
        work = Path(tmp)
        checkout = clone(ROOT, work)
        for path in chosen:
            started = time.monotonic()
            try:
                bin_dir = INSTALLERS[path](checkout, work)
                installed = time.monotonic() - started
                read = read_scan(bin_dir, checkout, work)
                print(f"ok     {path}: installed in {installed:.0f} s; read {SCAN}: {read} "
                      f"({time.monotonic() - started - installed:.0f} s)", flush=True)
            except Failed as error:
                failed.append(path)
                print(f"FAILED {path}: {error}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
