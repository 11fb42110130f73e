"""Regenerate the speed table of docs/speed.md: run `licex bench` and write its figures as Markdown, with
the machine and the date they were measured on.

    python training/figures.py                    # print the table
    python training/figures.py --write            # replace the table in docs/speed.md between the markers
                                                  # <!-- figures:bench --> and <!-- /figures:bench -->

It runs the installed `licex` command (`licex bench --json`), so the figures are those a user
gets from the same command; nothing is typed in by hand.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

START, END = "<!-- figures:bench -->", "<!-- /figures:bench -->"
# The speed targets the project set (issue history); a figure that misses one is shown as measured.
TARGETS = {"rules": "≥ 300,000 chars/s", "model": "≥ 100,000 chars/s, < 600 MB"}


def machine() -> str:
    """CPU model, cores, memory, OS, Python and spaCy: what the figures depend on."""
    cpu = platform.processor() or platform.machine()
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        cpu = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M).group(1).strip()
    except (OSError, AttributeError):
        pass
    memory = ""
    try:
        kilobytes = int(re.search(r"^MemTotal:\s*(\d+)", Path("/proc/meminfo").read_text(), re.M).group(1))
        memory = f", {kilobytes / 1024 ** 2:.0f} GB memory"
    except (OSError, AttributeError):
        pass
    return (f"{cpu}, {os.cpu_count()} cores{memory}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, spaCy {version('spacy')}")


def bench(n: int, models: list[str], seed: int) -> list[dict]:
    command = [sys.executable, "-m", "licex.cli", "bench", "-n", str(n), "--seed", str(seed), "--json",
               "--documents", "0", "--ocr-pages", "0", "--bundle-chars", "0"]  # the text rows: the others have no target here
    for model in models:
        command += ["--model", model]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"figures: {' '.join(command[2:])} failed:\n{completed.stderr.strip()[-2000:]}")
    return json.loads(completed.stdout)


def markdown(results: list[dict], n: int, models: list[str], seed: int, load: tuple[float, float]) -> str:
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    characters = results[0]["characters"]
    command = " ".join(["licex bench", f"-n {n}", *(f"--model {m}" for m in models)] + ([f"--seed {seed}"] if seed else []))
    lines = [
        f"`{command}` ({n:,} generated licences, {characters / 1e6:.1f} million characters, each pipeline in "
        "its own process pinned to one core, streaming through `nlp.pipe`), measured on "
        f"{today} on {machine()}, with a load average of {load[0]:.1f} before and {load[1]:.1f} after the "
        "run (other work on the machine slows it down; `python training/figures.py` regenerates this table):",
        "",
        "| pipeline | chars/s | docs/s | peak RSS | load time | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in results:
        name = "rules only" if r["pipeline"] == "rules" else f"{r['pipeline']} (model with rule fallback)"
        chars_per_second = r["characters"] / r["seconds"]
        docs_per_second = r["documents"] / r["seconds"]
        target = TARGETS["rules" if r["pipeline"] == "rules" else "model"]
        lines.append(f"| {name} | {chars_per_second:,.0f} | {docs_per_second:.1f} | {r['peak_rss_mb']:.0f} MB "
                     f"| {r['load_seconds']:.1f} s | {target} |")
    return "\n".join(lines) + "\n"


def replace_in(page: Path, table: str) -> None:
    text = page.read_text("utf-8")
    if text.count(START) != 1 or text.count(END) != 1:
        sys.exit(f"figures: {page}: needs exactly one {START} ... {END} block")
    before, rest = text.split(START)
    _, after = rest.split(END)
    page.write_text(f"{before}{START}\n{table}{END}{after}", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=1000, help="generated licences to stream (default 1000)")
    parser.add_argument("--model", action="append", default=None,
                        help="pipelines besides the rules (default: training/model); repeatable")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated licences")
    parser.add_argument("--write", type=Path, nargs="?", const=Path("docs/speed.md"), metavar="PAGE",
                        help="replace the table in PAGE (default docs/speed.md) instead of printing it")
    args = parser.parse_args()
    models = args.model or ["training/model"]
    before = os.getloadavg()[0]  # one-minute load average: how busy the machine was
    results = bench(args.n, models, args.seed)
    table = markdown(results, args.n, models, args.seed, (before, os.getloadavg()[0]))
    if args.write:
        replace_in(args.write, table)
    else:
        sys.stdout.write(table)


if __name__ == "__main__":
    main()
