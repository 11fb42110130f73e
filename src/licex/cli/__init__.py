"""The `licex` command line: one typer app, each command a thin shell over an importable function.

- `application`: the app, its commands in the order `licex --help` lists them, and `main`.
- `console`: what licex prints (one-line errors and warnings, progress); `errors`: errors as
  lines and exit statuses; `tables`: the tables commands print; `sink`: where extract's records go.
- Commands by job: `extract` (extract, review, schema), `corpus` (convert, corpus, synth,
  render), `model` (train, evaluate, bench, package), `doccano` (push, status, pull).
"""

from licex.cli.application import app, main

__all__ = ["app", "main"]
