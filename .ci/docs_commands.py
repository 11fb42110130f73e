"""Run every shell command of README.md and docs/*.md, as written, in a temporary clone of the
checkout, and report which fail.

    python .ci/docs_commands.py                  # every command (hours: it regenerates corpora)
    python .ci/docs_commands.py --quick          # the shortened run: what CI runs (minutes)
    python .ci/docs_commands.py --list           # the commands and what a run would do with each
    python .ci/docs_commands.py --page docs/cli.md --quick

What counts as a command: a line that starts with `$ ` in a ```console block (a line ending in
`\\` continues on the next). The lines below it, up to the next `$ `, are its output as the page
shows it; a command whose shown output has a line starting `licex: error:` is expected to fail
(a non-zero exit status), every other one to succeed. A ```bash or ```sh block is refused: the
docs write commands as console blocks, so none escapes this runner.

Directives, each an HTML comment on its own line right above the block's opening fence:

    <!-- commands: skip REASON -->         never run (a doccano server, root, the set-up itself);
                                           the report shows the reason
    <!-- commands: long REASON -->         run by a full run only, not by --quick
    <!-- commands: quick OLD => NEW -->    with --quick, OLD is replaced by NEW in the block's
                                           commands (fewer steps, fewer licences); one per line
    <!-- commands: regenerates PATH -->    the block rewrites committed files under PATH (the
                                           figures of the docs): allowed, and undone after it

Each block runs in one bash process, in the clone's root, the blocks in page order (README.md,
then docs/*.md by name), with this Python's environment first on PATH (`licex`, `python`, `pip`).
After each block `git status --porcelain` must be empty: an example that leaves a file in the
checkout that .gitignore does not cover fails. The clone is the checkout's HEAD plus its
uncommitted changes, so a page can be checked before it is committed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^```(\w*)\s*$")
DIRECTIVE = re.compile(r"^<!-- commands: (skip|long|quick|regenerates)\b\s*(.*?)\s*-->\s*$")
REFUSED_LANGUAGES = ("bash", "sh", "shell")


@dataclass
class Command:
    text: str
    line: int
    expect_failure: bool = False


@dataclass
class Block:
    page: str
    line: int
    commands: list[Command] = field(default_factory=list)
    skip: str | None = None
    long: str | None = None
    quick: list[tuple[str, str]] = field(default_factory=list)
    regenerates: list[str] = field(default_factory=list)

    def where(self) -> str:
        return f"{self.page}:{self.line}"


def pages(root: Path = ROOT) -> list[Path]:
    return [root / "README.md", *sorted((root / "docs").glob("*.md"))]


def parse(text: str, page: str) -> list[Block]:
    """The console blocks of one page with their commands and directives; ValueError for a
    bash/sh block or a malformed directive."""
    lines = text.split("\n")
    blocks: list[Block] = []
    number = 0
    while number < len(lines):
        fence = FENCE.match(lines[number])
        if not fence:
            number += 1
            continue
        end = next((i for i in range(number + 1, len(lines)) if lines[i].startswith("```")), len(lines))
        language = fence.group(1)
        if language in REFUSED_LANGUAGES:
            raise ValueError(f"{page}:{number + 1}: a ```{language} block: write commands as ```console with `$ ` prompts")
        if language == "console":
            blocks.append(_block(lines, number, end, page))
        number = end + 1
    return blocks


def _block(lines: list[str], start: int, end: int, page: str) -> Block:
    block = Block(page, start + 1)
    above = start - 1
    while above >= 0 and lines[above].startswith("<!-- commands:"):
        directive = DIRECTIVE.match(lines[above])
        if not directive:
            raise ValueError(f"{page}:{above + 1}: not a directive: {lines[above]}")
        kind, value = directive.groups()
        if kind == "quick":
            old, arrow, new = value.partition(" => ")
            if not arrow or not old:
                raise ValueError(f"{page}:{above + 1}: `quick OLD => NEW` expected")
            block.quick.insert(0, (old, new))
        elif kind == "regenerates":
            block.regenerates.append(value)
        else:
            setattr(block, kind, value or kind)
        above -= 1
    body = lines[start + 1:end]
    i = 0
    while i < len(body):
        if not body[i].startswith("$ "):
            i += 1
            continue
        text, line = body[i][2:], start + 2 + i
        while text.endswith("\\") and i + 1 < len(body):
            i += 1
            text += "\n" + body[i]
        i += 1
        shown = []
        while i < len(body) and not body[i].startswith("$ "):
            shown.append(body[i])
            i += 1
        block.commands.append(Command(text, line, any(s.startswith("licex: error:") for s in shown)))
    return block


def all_blocks(root: Path = ROOT) -> list[Block]:
    return [block for page in pages(root) for block in parse(page.read_text("utf-8"), str(page.relative_to(root)))]


def commands_of(block: Block, quick: bool) -> list[Command]:
    if not quick:
        return block.commands
    shortened = []
    for command in block.commands:
        text = command.text
        for old, new in block.quick:
            text = text.replace(old, new)
        shortened.append(Command(text, command.line, command.expect_failure))
    return shortened


def clone(root: Path, into: Path) -> Path:
    """The checkout's HEAD with its uncommitted changes, committed, in a git repository of its own."""
    copy = into / "checkout"
    subprocess.run(["git", "clone", "-q", "--shared", str(root), str(copy)], check=True)
    changed = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "-m", "-o", "-d", "--exclude-standard"],
                             capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, changed):
        source, target = root / name, copy / name
        if source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
        elif target.exists():
            target.unlink()
    git = ["git", "-C", str(copy), "-c", "user.name=docs", "-c", "user.email=docs@localhost"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "the checkout's uncommitted changes"], check=True)
    return copy


def script(commands: list[Command], status_file: Path) -> str:
    """One bash script for a block: each command's exit status appended to status_file, and `$?`
    kept for the next command (a page may show `echo $?`)."""
    parts = ["set +e"]
    for index, command in enumerate(commands):
        parts += [command.text, f'__s=$?; echo "{index} $__s" >> "{status_file}"; (exit $__s)']
    return "\n".join(parts) + "\n"


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LICEX_MODEL", "PYTHONPATH")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    if (Path(sys.executable).parent / "activate").exists():
        env["VIRTUAL_ENV"] = str(Path(sys.executable).parent.parent)
    return env


def leftovers(copy: Path) -> list[str]:
    status = subprocess.run(["git", "-C", str(copy), "status", "--porcelain", "--untracked-files=all"],
                            capture_output=True, text=True, check=True).stdout
    return [line for line in status.splitlines() if line]


def undo_regenerated(copy: Path, block: Block, left: list[str]) -> list[str]:
    """Restore the committed files a `regenerates` block rewrote; what is left is not allowed."""
    allowed = [line for line in left if line.startswith(" M ")
               and any(line[3:].startswith(path.rstrip("/")) for path in block.regenerates)]
    if allowed:
        subprocess.run(["git", "-C", str(copy), "checkout", "-q", "--", *(line[3:] for line in allowed)], check=True)
        print(f"  regenerated (and undone): {len(allowed)} committed file(s) under {', '.join(block.regenerates)}", flush=True)
    return [line for line in left if line not in allowed]


def run_block(block: Block, copy: Path, quick: bool, timeout: float, report) -> bool:
    commands = commands_of(block, quick)
    status_file = copy.parent / "status"
    status_file.write_text("")
    started = time.monotonic()
    try:
        done = subprocess.run(["bash", "-c", script(commands, status_file)], cwd=copy, env=environment(),
                              capture_output=True, text=True, timeout=timeout)
        output, timed_out = done.stdout + done.stderr, False
    except subprocess.TimeoutExpired as error:
        output, timed_out = f"{error.stdout or ''}{error.stderr or ''}", True
    seconds = time.monotonic() - started
    statuses = dict(line.split() for line in status_file.read_text().splitlines())
    ok = not timed_out
    for index, command in enumerate(commands):
        status = statuses.get(str(index))
        good = status is not None and (status != "0") == command.expect_failure
        ok &= good
        word = "ok" if good else ("not run" if status is None else f"FAIL (exit {status})")
        report(f"  {word:14} {block.page}:{command.line}  $ {command.text.splitlines()[0]}")
    if timed_out:
        report(f"  TIMED OUT after {timeout:.0f} s")
    left = undo_regenerated(copy, block, leftovers(copy))
    if left:
        ok = False
        report(f"  LEFT in the checkout (not covered by .gitignore): {', '.join(line[3:] for line in left)}")
        subprocess.run(["git", "-C", str(copy), "checkout", "-q", "--", "."], capture_output=True)
        subprocess.run(["git", "-C", str(copy), "clean", "-q", "-fd"], capture_output=True)
    if not ok:
        report("  output (last 40 lines):\n" + "\n".join("    " + s for s in output.splitlines()[-40:]))
    report(f"  ({seconds:.1f} s)")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorten long commands (`quick` directives), leave out `long` blocks")
    parser.add_argument("--page", action="append", help="only this page (repeatable), e.g. docs/cli.md")
    parser.add_argument("--list", action="store_true", help="list the commands, run nothing")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds a block may take")
    args = parser.parse_args(argv)
    blocks = [b for b in all_blocks() if b.commands and (not args.page or b.page in args.page)]
    failed, ran, skipped = [], 0, 0
    with tempfile.TemporaryDirectory(prefix="licex-docs-") as tmp:
        copy = None if args.list else clone(ROOT, Path(tmp))
        for block in blocks:
            reason = block.skip or (f"long: {block.long}" if args.quick and block.long else None)
            print(f"{block.where()}: " + (f"skipped ({reason})" if reason else f"{len(block.commands)} command(s)"), flush=True)
            if reason or args.list:
                skipped += bool(reason)
                for command in commands_of(block, args.quick) if args.list else []:
                    print(f"  $ {command.text}" + ("   # expected to fail" if command.expect_failure else ""))
                continue
            ran += 1
            if not run_block(block, copy, args.quick, args.timeout, lambda s: print(s, flush=True)):
                failed.append(block.where())
    print(f"{ran} block(s) run, {skipped} skipped, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
