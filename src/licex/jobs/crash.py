"""The crash log: the traceback of an unexpected error, in a file the one-line error names.

It holds the traceback and nothing else of the run: not the command line, not the environment,
which can hold secrets (`--password`, DOCCANO_PASSWORD). Secrets that reached the traceback
anyway (an exception's message quoting a URL with its password, an option's value) are
replaced by `***`: the value of every option and environment variable whose name says it is
one (password, token, secret, key, credential), and any password in a URL. Writing the log can
never fail in a way the user sees: a log that cannot be written is no log (None).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

SECRET_NAME = re.compile(r"pass(word|wd|phrase)?|token|secret|credential|api.?key|private.?key|auth", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://[^/\s:@]*):[^/\s@]*@", re.IGNORECASE)
# A value this short is replaced only where it stands alone: replacing `1` everywhere would
# leave a traceback without line numbers.
_SHORT = 6
MASK = "***"


def secrets_of(argv: Iterable[str], environ: Mapping[str, str]) -> list[str]:
    """The values of options (`--password X`, `--password=X`) and variables named like secrets."""
    found = [value for name, value in environ.items() if SECRET_NAME.search(name) and value]
    args = list(argv)
    for i, arg in enumerate(args):
        if not arg.startswith("-"):
            continue
        name, equals, value = arg.partition("=")
        if SECRET_NAME.search(name):
            if equals:
                found.append(value)
            elif i + 1 < len(args):
                found.append(args[i + 1])
    return sorted({value for value in found if value}, key=len, reverse=True)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret, and every password in a URL, replaced by ***."""
    text = _URL_PASSWORD.sub(rf"\g<scheme>:{MASK}@", text)
    for secret in secrets:
        if len(secret) >= _SHORT:
            text = text.replace(secret, MASK)
        else:
            text = re.sub(rf"(?<![\w]){re.escape(secret)}(?![\w])", MASK, text)
    return text


def scrubbed(text: str) -> str:
    """`text` without the secrets of this process's command line and environment."""
    return scrub(text, secrets_of(sys.argv[1:], os.environ))


def crash_log(text: str) -> Path | None:
    """Write a traceback, scrubbed, to a new log file ($XDG_CACHE_HOME or ~/.cache /licex/logs,
    else the temp dir); its path, or None when none could be written."""
    try:
        body = scrubbed(text)
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        name = f"licex-{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}.log"
        folders = [cache / "licex" / "logs", Path(tempfile.gettempdir())]
    except Exception:  # noqa: BLE001 (no home, a broken environment: no log)
        return None
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            # backslashreplace: a traceback can quote a file name that is not UTF-8
            with open(path, "x", encoding="utf-8", errors="backslashreplace") as handle:
                handle.write(body)
            os.chmod(path, 0o600)
            return path
        except Exception:  # noqa: BLE001 (the last resort must not fail)
            continue
    return None
