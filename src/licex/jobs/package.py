"""`licex package`: a trained pipeline as an installable spaCy pipeline package, and licex itself,
as two wheels side by side.

The pipeline package is named `zh_<name>` and lists licex among its requirements (spaCy finds the
licex factories through their entry points), so it installs wherever licex's wheel is at hand:
`pip install OUTPUT/*.whl`, then `spacy.load("zh_licex_cnn")` works with no other import.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

# licex's own source tree, when this licex runs from a checkout (an editable install)
SOURCE_TREE = Path(__file__).resolve().parents[3]


class PackageError(RuntimeError):
    """A build that did not produce its wheel; the message says which and how to see why."""


def package_pipeline(model: Path, output: Path, name: str = "licex_cnn", version: str = "0.1.0",
                     verbose: bool = False) -> list[Path]:
    """Build the wheel of the pipeline at `model` and the wheel of licex into `output`.

    The pipeline's package folder (its source) is written to output/zh_<name>-<version>. The build logs are
    shown only when `verbose`. Returns the two wheels: the pipeline's, then licex's.
    """
    from spacy.cli.package import package

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    if not (SOURCE_TREE / "pyproject.toml").is_file():
        raise PackageError(f"licex's wheel is built from a source checkout; this licex runs from {SOURCE_TREE}")
    try:
        package(Path(model), output, name=name, version=version, create_meta=False, create_sdist=False,
                create_wheel=False, force=True, silent=not verbose)
    except SystemExit as error:  # spaCy's CLI helpers exit on failure
        raise PackageError(f"spacy package stopped (exit status {error.code}); run with --verbose to see why") from None
    pipeline_wheel = _build_wheel(output / f"zh_{name}-{version}", output, f"zh_{name}", verbose)
    licex_wheel = _build_wheel(SOURCE_TREE, output, "licex", verbose)
    return [pipeline_wheel, licex_wheel]


def _build_wheel(project: Path, dist: Path, distribution: str, verbose: bool) -> Path:
    """`python -m build --wheel` of `project` into `dist`; the newest wheel of `distribution`."""
    built = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(project)],
                           capture_output=not verbose, text=True)
    if built.returncode != 0:
        last = (built.stderr or built.stdout or "").strip().splitlines()[-1:] if not verbose else []
        raise PackageError(f"building the {distribution} wheel in {project} failed"
                           + (f" ({last[0]})" if last else "") + "; run with --verbose for the build log")
    wheels = sorted(dist.glob(f"{distribution}-*.whl"), key=lambda path: path.stat().st_mtime)
    if not wheels:
        raise PackageError(f"python -m build wrote no {distribution} wheel into {dist}")
    return wheels[-1]
