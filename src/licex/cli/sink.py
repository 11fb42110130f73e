"""Where `licex extract` puts what it read: the records (streamed as JSONL lines, or gathered for a
JSON array or a table) and, with `--text-dir`, the text of each input."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from enum import Enum
from pathlib import Path

from rich.console import Console

from licex.files.outputs import TextDirNames, atomic_write_text, atomic_writer, make_folder_inside
from licex.cli.console import stdout
from licex.cli.tables import records_table


class OutputFormat(str, Enum):
    jsonl = "jsonl"
    json = "json"
    table = "table"


class NothingExtracted(Exception):
    """Raised inside the atomic writer so that the earlier output is kept."""


class TextFiles:
    """`--text-dir`: the text each input was read as, in the file TextDirNames gives it among
    `sources` (the names of all the inputs), in folders below it where the inputs lie in several."""

    def __init__(self, folder: Path | None, sources: list[str]) -> None:
        self.folder = folder
        self.names = TextDirNames(sources)

    def write(self, source: str, text: str) -> None:
        if self.folder is None:
            return
        path = self.folder / self.names.name(source)
        if path.parent != self.folder:
            make_folder_inside(path.parent, self.folder)
        # A name licex chose: a link there (to a file outside) is replaced, never written through.
        atomic_write_text(path, text, named_by_licex=True)


class RecordSink:
    """Where extract's records go: streamed as JSONL lines, or gathered for a JSON array or a table."""

    def __init__(self, stack: ExitStack, output: Path | None, output_format: OutputFormat) -> None:
        self.format = output_format
        self.handle = sys.stdout if output is None else stack.enter_context(atomic_writer(output))
        self.to_terminal = output is None
        self.output = output
        self.gathered: list[dict] = []
        self.count = 0

    def add(self, record: dict) -> None:
        from licex.files import jsonl

        self.count += 1
        if self.format is OutputFormat.jsonl:
            self.handle.write(jsonl.dumps(record))
        else:
            self.gathered.append(record)

    def close(self) -> None:
        if self.format is OutputFormat.json:
            # Readable UTF-8: a person reads this array (JSONL lines are for machines and line readers).
            self.handle.write(json.dumps(self.gathered, ensure_ascii=False, indent=2) + "\n")
        elif self.format is OutputFormat.table:
            if self.to_terminal:
                stdout.print(records_table(self.gathered))
            else:
                Console(file=self.handle, width=160, no_color=True, markup=False, highlight=False).print(records_table(self.gathered))
