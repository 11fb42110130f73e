""".ci/docs_commands.py finds every command of README.md and docs/ and runs them as written;
.ci/install_paths.py installs what the pages say."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest

from conftest import ROOT, load_script


def _script(name: str):
    return load_script(ROOT / ".ci" / f"{name}.py")


docs_commands = _script("docs_commands")

PAGE = """\
Some prose.

<!-- commands: quick -n 100 => -n 2 -->
<!-- commands: regenerates docs/figures.md -->
```console
$ licex synth -n 100 -o /tmp/x \\
    --seed 3
wrote 100 licences
$ licex extract empty.txt
licex: error: empty.txt: file is empty
$ echo $?
1
```

<!-- commands: skip needs a doccano server -->
```console
$ licex doccano status --project p
```

```text
$ not a command: a text block
```
"""


def test_a_page_gives_its_commands_with_their_directives():
    first, second = docs_commands.parse(PAGE, "page.md")
    assert [c.text for c in first.commands] == ["licex synth -n 100 -o /tmp/x \\\n    --seed 3", "licex extract empty.txt", "echo $?"]
    assert [c.expect_failure for c in first.commands] == [False, True, False]
    assert [c.line for c in first.commands] == [6, 9, 11]
    assert first.quick == [("-n 100", "-n 2")] and first.regenerates == ["docs/figures.md"]
    assert docs_commands.commands_of(first, quick=True)[0].text.startswith("licex synth -n 2 -o")
    assert docs_commands.commands_of(first, quick=False)[0].text.startswith("licex synth -n 100 -o")
    assert second.skip == "needs a doccano server" and first.skip is None


@pytest.mark.parametrize("text", ["```bash\nlicex extract x\n```\n", "<!-- commands: sometimes -->\n```console\n$ ls\n```\n",
                                  "<!-- commands: quick -n 100 -->\n```console\n$ ls\n```\n"])
def test_a_block_the_runner_cannot_read_is_refused(text):
    with pytest.raises(ValueError, match="page.md:1"):
        docs_commands.parse(text, "page.md")


def test_the_script_keeps_each_status_and_the_last_one_for_echo(tmp_path):
    commands = [docs_commands.Command("false", 1), docs_commands.Command("echo $?", 2), docs_commands.Command("true", 3)]
    status = tmp_path / "status"
    done = subprocess.run(["bash", "-c", docs_commands.script(commands, status)], capture_output=True, text=True)
    assert done.stdout == "1\n"
    assert status.read_text().split("\n")[:3] == ["0 1", "1 0", "2 0"]


def test_every_page_is_readable_and_every_command_block_is_a_console_block():
    blocks = docs_commands.all_blocks(ROOT)
    assert sum(len(b.commands) for b in blocks) > 20
    assert all(b.skip or b.commands for b in blocks if b.page == "docs/doccano.md")


def test_the_install_lines_the_script_tries_are_the_pages_lines():
    install_paths = _script("install_paths")
    for page in ("README.md", "docs/install.md"):
        lines = [shlex.split(m) for m in re.findall(r"pip install ([^`\n]+)", (ROOT / page).read_text("utf-8"))]
        for path in ("developer", "user", "offline"):
            wanted = install_paths.LINES[path]
            assert any(line[:len(wanted)] == wanted for line in lines), (page, path)


@pytest.mark.slow
def test_the_quick_run_of_the_pages_commands_passes():
    """What CI runs of the pages' commands: shortened where a page says how (`quick`), without
    the `long` ones; every other command as written, in a clone that must stay clean."""
    done = subprocess.run([sys.executable, str(ROOT / ".ci" / "docs_commands.py"), "--quick"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
