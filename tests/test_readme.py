"""The README's examples that can run here, run as written."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT

README = ROOT / "README.md"


def _section(title: str) -> str:
    text = README.read_text("utf-8")
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def test_the_python_api_snippet_prints_what_the_readme_shows(tmp_path, monkeypatch):
    section = _section("In Python")
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    # Run where the snippet's relative paths hold, without writing into the checkout.
    for name in ("training", "corpus"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    names = {"__name__": "readme"}
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "README.md (In Python)", "exec"), names)
    assert printed.getvalue() == shown
    html = (tmp_path / "clauses.html").read_text("utf-8")
    assert {span.label_ for span in names["doc"].spans["clauses"]} <= set(re.findall(r"[A-Z][A-Z_]+[A-Z]", html))


def test_the_readme_states_every_limit_as_the_data_file_does():
    """The limits table is the data file's: a limit changed in data/limits.json and not in the
    README fails here."""
    import json

    limits = json.loads((ROOT / "src" / "licex" / "data" / "limits.json").read_text("utf-8"))
    section = _section("What licex promises, and its limits")
    rows = {m[1]: (int(m[2].replace(",", "")), m[3]) for m in re.finditer(r"^\| `(\w+)` \| ([\d,]+) \| (.+) \|$", section, re.M)}
    assert rows == {name: (entry["value"], entry["about"]) for name, entry in limits.items() if not name.startswith("_")}
