"""The optional dependencies, by job, and the one message for a job whose extra is missing.

Extraction needs only the core dependencies. Every other job has an extra in pyproject.toml;
EXTRAS lists its distributions (with the module each one provides), so a command finds a missing
one before it starts, and an import that fails deep inside a command is traced to its extra.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution

_SYNTH = {"faker": "faker"}
_EVAL = {"scikit-learn": "sklearn", "matplotlib": "matplotlib"}
_OCR = {"rapidocr-onnxruntime": "rapidocr_onnxruntime", "openvino": "openvino", "opencv-python": "cv2",
        "pillow": "PIL"}
_RENDER = {"fpdf2": "fpdf", "noto-cjk-sans-otc": "noto_cjk_sans_otc", "pillow": "PIL"}
# extra -> {distribution: its top-level module}; pyproject.toml declares the same (a test checks)
EXTRAS: dict[str, dict[str, str]] = {
    "synth": _SYNTH,
    "doccano": {"doccano-client": "doccano_client", "requests": "requests"},
    "eval": _EVAL,
    "train": _SYNTH | _EVAL,
    "package": {"build": "build"},
    "ocr": _OCR,
    "render": _RENDER,
    "tools": _SYNTH | _RENDER | _OCR | {"rapidfuzz": "rapidfuzz", "weasyprint": "weasyprint", "typst": "typst"},
    "trf": {"spacy-transformers": "spacy_transformers", "transformers": "transformers"},
    "cluster": {"dask": "dask", "distributed": "distributed"},
}


class MissingExtra(ImportError):
    """A job whose extra is not installed: the message says which one and how to install it."""

    def __init__(self, extra: str, job: str) -> None:
        # torch named in the same command, or pip takes a CUDA build of several GB
        torch = '"torch==2.13.0" ' if extra == "trf" else ""
        super().__init__(f'{job} needs the {extra!r} extra: pip install {torch}"licex[{extra}]"')
        self.extra = extra


def require(extra: str, job: str) -> None:
    """Raise MissingExtra unless every distribution of `extra` is installed; `job` names what needs it."""
    for name in EXTRAS[extra]:
        try:
            distribution(name)
        except PackageNotFoundError:
            raise MissingExtra(extra, job) from None


def extra_providing(error: ModuleNotFoundError) -> str | None:
    """The extra that installs the module an import did not find, if any."""
    top = (error.name or "").split(".")[0]
    return next((extra for extra, modules in EXTRAS.items() if top in modules.values()), None)
