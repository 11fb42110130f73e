"""The programs that print a family's markup to PDF: headless Chromium and LibreOffice Writer.

Both run offline from Debian's packages (`chromium`, `libreoffice-writer-nogui`); a missing one
raises `ToolMissing` naming the package, as the PDF tools do (`licex.corpus.tools`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from licex.corpus.tools import ToolMissing

# What each markup is printed with: (program, Debian package).
PRINTERS = {"html": ("chromium", "chromium"), "fodt": ("soffice", "libreoffice-writer-nogui")}
_TIMEOUT_S = 180


def check_printer(markup: str) -> None:
    program, package = PRINTERS[markup]
    if shutil.which(program) is None:
        raise ToolMissing(f"printing {markup} needs the program {program}: apt-get install {package}")


def print_pdf(markup: str, source: str) -> bytes:
    """The PDF that `markup`'s printer makes of `source` (an HTML or flat ODT document)."""
    check_printer(markup)
    with tempfile.TemporaryDirectory(prefix="licex-print-") as folder:
        document = Path(folder) / f"licence.{markup}"
        document.write_text(source, "utf-8")
        pdf = _chromium(document) if markup == "html" else _soffice(document)
        return pdf.read_bytes()


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
