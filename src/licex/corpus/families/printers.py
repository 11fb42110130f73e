"""The programs that print a family's markup to PDF: Chromium, LibreOffice Writer, WeasyPrint, Typst.

Each family names its printer (data/families.json `printer`). Chromium and LibreOffice run
offline from Debian's packages (`chromium`, `libreoffice-writer-nogui`), WeasyPrint (its own
HTML/CSS layout engine, another producer than the browser's) from PyPI (the `tools` extra) over
Debian's Pango, Typst (a typesetting system of its own: markup, layout, line breaking and PDF
writer, none of them another printer's) from PyPI's `typst` wheel (the `tools` extra) with the
system's fonts; a missing one raises `ToolMissing` naming what to install, as the PDF tools do
(`licex.corpus.tools`).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from licex.corpus.tools import ToolMissing

# Each printer: the markup it prints, and how it is installed.
PRINTERS = {
    "chromium": ("html", "the program chromium: apt-get install chromium"),
    "soffice": ("fodt", "the program soffice: apt-get install libreoffice-writer-nogui"),
    "weasyprint": ("html", "the Python package weasyprint: pip install 'licex[tools]'"),
    "typst": ("typ", "the Python package typst: pip install 'licex[tools]'"),
}
_PYTHON_PRINTERS = ("weasyprint", "typst")  # printers that are Python packages, run in a child process
_TIMEOUT_S = 180


def check_printer(printer: str) -> None:
    if printer not in PRINTERS:
        raise ValueError(f"unknown printer {printer!r}; known: {', '.join(PRINTERS)}")
    missing = (importlib.util.find_spec(printer) is None if printer in _PYTHON_PRINTERS
               else shutil.which(printer) is None)
    if missing:
        raise ToolMissing(f"printing with {printer} needs {PRINTERS[printer][1]}")


def print_pdf(printer: str, source: str) -> bytes:
    """The PDF that `printer` makes of `source` (an HTML, flat ODT or Typst document, as the printer takes)."""
    check_printer(printer)
    markup = PRINTERS[printer][0]
    with tempfile.TemporaryDirectory(prefix="licex-print-") as folder:
        document = Path(folder) / f"licence.{markup}"
        document.write_text(source, "utf-8")
        pdf = {"chromium": _chromium, "soffice": _soffice, "weasyprint": _weasyprint,
               "typst": _typst}[printer](document)
        return pdf.read_bytes()


def _weasyprint(document: Path) -> Path:
    # In a process of its own, as the other printers run: a time limit, and Pango's state and
    # memory are the child's.
    out = document.with_suffix(".pdf")
    subprocess.run([sys.executable, "-m", "weasyprint", "--quiet", document.as_uri(), str(out)],
                   capture_output=True, timeout=_TIMEOUT_S, check=True)
    return out


def _typst(document: Path) -> Path:
    # In a child process as WeasyPrint is: a time limit, and the compiler's font cache is the
    # child's. Typst finds the system's fonts itself (fonts-noto-cjk, fonts-wqy-zenhei).
    out = document.with_suffix(".pdf")
    compile_it = "import sys, typst; typst.compile(sys.argv[1], output=sys.argv[2], root=sys.argv[3])"
    subprocess.run([sys.executable, "-c", compile_it, str(document), str(out), str(document.parent)],
                   capture_output=True, timeout=_TIMEOUT_S, check=True)
    return out


def _chromium(document: Path) -> Path:
    out = document.with_suffix(".pdf")
    # A profile of its own (parallel prints do not share one); no D-Bus session to wait for.
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": "disabled:"}
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
         "--disable-dev-shm-usage", f"--user-data-dir={document.parent / 'profile'}", f"--print-to-pdf={out}",
         "--no-pdf-header-footer", document.as_uri()],
        env=env, capture_output=True, timeout=_TIMEOUT_S, check=True)
    return out


def _soffice(document: Path) -> Path:
    # One LibreOffice profile per process, kept for its next document (making one takes seconds);
    # two processes never share one, or the second's conversion silently does nothing.
    profile = Path(tempfile.gettempdir()) / f"licex-lo-profile-{os.getpid()}"
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(document.parent), str(document)],
        capture_output=True, timeout=_TIMEOUT_S, check=True)
    out = document.with_suffix(".pdf")
    if not out.exists():
        raise RuntimeError(f"soffice wrote no PDF for {document.name}")
    return out
