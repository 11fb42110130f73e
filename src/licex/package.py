"""`licex package`: a trained pipeline as an installable spaCy pipeline package (a wheel).

It wraps `spacy package`: the package is named `zh_<name>` and lists licex among its
requirements (spaCy finds it through the entry points of the licex factories), so after
`pip install zh_licex_cnn-….whl`, `spacy.load("zh_licex_cnn")` works with no other import.
"""

from __future__ import annotations

from pathlib import Path


def package_pipeline(model: Path, output: Path, name: str = "licex_cnn", version: str = "0.1.0") -> Path:
    """Build the wheel of the pipeline at `model` under `output`; returns the wheel's path."""
    from spacy.cli.package import package

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    package(Path(model), output, name=name, version=version, create_meta=False, create_sdist=False,
            create_wheel=True, force=True, silent=True)
    wheels = sorted((output / f"zh_{name}-{version}" / "dist").glob("*.whl"))
    if not wheels:
        raise RuntimeError(f"spacy package wrote no wheel under {output}")
    return wheels[-1]
