"""The examples of the README and docs/ that can run here, run as written."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT, load_script


def _section(page: str, title: str) -> str:
    text = (ROOT / page).read_text("utf-8")
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return text[start:end if end != -1 else len(text)]


def test_the_python_api_snippet_prints_what_the_readme_shows(tmp_path, monkeypatch):
    section = _section("docs/record.md", "In Python")
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    # Run where the snippet's relative paths hold, without writing into the checkout.
    for name in ("training", "corpus"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    names = {"__name__": "readme"}
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/record.md (In Python)", "exec"), names)
    assert printed.getvalue() == shown
    html = (tmp_path / "clauses.html").read_text("utf-8")
    assert {span.label_ for span in names["doc"].spans["clauses"]} <= set(re.findall(r"[A-Z][A-Z_]+[A-Z]", html))


def test_the_readme_states_every_limit_as_the_data_file_does():
    """The limits table is the data file's: a limit changed in data/limits.json and not in the
    docs/documents.md fails here."""
    import json

    limits = json.loads((ROOT / "src" / "licex" / "data" / "limits.json").read_text("utf-8"))
    section = _section("docs/documents.md", "What licex promises, and its limits")
    rows = {m[1]: (int(m[2].replace(",", "")), m[3]) for m in re.finditer(r"^\| `(\w+)` \| ([\d,]+) \| (.+) \|$", section, re.M)}
    assert rows == {name: (entry["value"], entry["about"]) for name, entry in limits.items() if not name.startswith("_")}


def _anchors(page) -> set[str]:
    """The anchors GitHub gives a page's headings (a repeated heading gets -1, -2, …)."""
    found, seen, fenced = set(), {}, False
    for line in page.read_text("utf-8").split("\n"):
        fenced ^= line.startswith("```")
        heading = None if fenced else re.match(r"#+ (.*)", line)
        if heading:
            slug = re.sub(r"[^\w\- ]", "", heading.group(1).strip().lower()).replace(" ", "-")
            found.add(slug if slug not in seen else f"{slug}-{seen[slug]}")
            seen[slug] = seen.get(slug, 0) + 1
    return found


def test_every_relative_link_of_the_readme_and_docs_resolves():
    """A section moved to another page leaves no link to where it was."""
    pages = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for link in re.findall(r"\]\(([^)\s]+)\)", page.read_text("utf-8")):
            path, _, anchor = link.partition("#")
            if link.startswith(("http:", "https:", "mailto:")):
                continue
            target = (page.parent / path) if path else page
            if not target.exists() or (anchor and target.suffix == ".md" and anchor not in _anchors(target)):
                broken.append(f"{page.relative_to(ROOT)}: {link}")
    assert not broken


def test_the_readme_stays_a_newcomers_page():
    assert len((ROOT / "README.md").read_text("utf-8").splitlines()) <= 250


def test_the_speed_page_holds_the_block_figures_writes(tmp_path):
    """`python training/figures.py --write` replaces the table between docs/speed.md's markers."""
    figures = load_script(ROOT / "training" / "figures.py")
    page = tmp_path / "speed.md"
    page.write_text((ROOT / "docs" / "speed.md").read_text("utf-8"), "utf-8")
    figures.replace_in(page, "NEW TABLE\n")
    text = page.read_text("utf-8")
    assert f"{figures.START}\nNEW TABLE\n{figures.END}" in text
    assert text.startswith("# Speed")
