"""The tables commands print: extracted records, a tool corpus's counts, a doccano project's spans.
Values are rich Text, never markup: a file name such as `[red]x.txt` shows as it is. Like the
commands, the tables import what they need when they are made: `licex --help` loads no label scheme."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from licex.files.messages import one_line


def records_table(records: list[dict]) -> Group:
    """One block per licence (its source, then a field a line), so that it reads at 80 columns:
    a value longer than the line folds onto the next, never cut off. Values are Text, never
    markup: a file name such as `[red]x.txt` shows as it is."""
    blocks: list[Table | str] = [f"{len(records)} licence(s)"]
    for r in records:
        title = r["source"] + (f" (licence {r['part']})" if r.get("part") else "")
        block = Table(title=Text(one_line(title)), title_justify="left", show_header=False, expand=True)
        block.add_column("field", no_wrap=True, style="bold")
        block.add_column("value", overflow="fold", ratio=1)
        for field, value in (
            ("licence no", r["license_no"]),
            ("company", r["company_name"]),
            ("businesses", " ".join(b["code"] or "?" for b in r["businesses"])),
            ("issued", r["issue_date"]),
            ("expires", r["expiry_date"]),
            ("clauses", str(len(r["clauses"]))),
        ):
            block.add_row(field, Text(one_line(value)) if value else "—")
        blocks.append(block)
    return Group(*blocks)


def tool_corpus_table(output: Path, summary: Iterable[tuple[str, dict[str, Any]]]) -> Table:
    """Per tool of a tool corpus (`licex synth --tools`): licences, values and clauses, and how many
    of each could not be aligned."""
    table = Table("tool", "licences", "values", "not aligned", "clauses", "not aligned", title=f"{output}")
    for name, total in summary:
        table.add_row(name, str(total["count"]), str(total["values"]), str(total["values_missing"]),
                      str(total["clauses"]), str(total["clauses_missing"]))
    return table


def spans_table(project: str, spans: dict[str, int]) -> Table:
    """A doccano project's spans per label (`licex doccano status`): the scheme's order, then the
    labels licex does not know, and the total."""
    from licex.fields.labels import CLAUSE_LABELS, ENTITY_LABELS

    table = Table(title=f"spans per label in {project}")
    for column, justify in (("label", "left"), ("kind", "left"), ("spans", "right")):
        table.add_column(column, justify=justify)
    scheme = [*ENTITY_LABELS, *CLAUSE_LABELS]
    for label in sorted(spans, key=lambda name: scheme.index(name) if name in scheme else len(scheme)):
        kind = "entity" if label in ENTITY_LABELS else "clause" if label in CLAUSE_LABELS else "unknown"
        table.add_row(one_line(label), kind, str(spans[label]))
    table.add_row("total", "", str(sum(spans.values())), end_section=True)
    return table
