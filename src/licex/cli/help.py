"""How `licex COMMAND --help` names what each parameter takes, for every command in one place.

typer shows its own type tags (`<bool>`, `<list[str]>`, `<path>`, `{paths}...`); licex shows what
click shows: a flag takes nothing, an option a word in capitals (`PATH`, `TEXT`, `INTEGER`,
`FLOAT`) or its choices (`[jsonl|json|table]`), an argument its name in capitals (`PATHS...`,
`[NAME]` when it may be left out). `clean_help(group, names)` gives every parameter of every command
below a group these names; the licex group calls it once it holds its commands.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any, get_args

import typer
from typer.core import TyperArgument, TyperOption

# The word for a value of each type, as click names them; another type shows its name in capitals.
_TYPE_WORDS = {str: "TEXT", int: "INTEGER", float: "FLOAT", Path: "PATH", bool: "BOOLEAN"}


class CleanArgument(TyperArgument):
    """An argument shown by its name in capitals, with no type tag."""

    @property
    def display_name_raw(self) -> str:
        return self.metavar if self.metavar is not None else self.name.upper()

    def display_type_rich(self, ctx: Any) -> str | None:
        return None

    def _rich_display_name(self) -> str:
        return self.display_name_raw + ("..." if self.metavar is None and self.nargs != 1 else "")

    def _usage_display_name(self) -> str:
        name = self._rich_display_name()
        return name if self.required else f"[{name}]"


class CleanOption(TyperOption):
    """An option shown with the word for its value (none for a flag)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.metavar is not None:
            return self.metavar
        if self.is_flag or self.count:
            return None
        return value_word(self)


def value_word(param: TyperOption) -> str:
    """`[a|b|c]` for choices, else the word for the value's type (of one item, for a list)."""
    descriptor = param.type_descriptor
    if descriptor.is_choice:
        return "[" + "|".join(_choice(choice) for choice in descriptor.choices) + "]"
    kind = descriptor.annotation
    if descriptor.is_list or descriptor.is_tuple:
        kind = get_args(kind)[0]
    if descriptor.is_path:
        return "PATH"
    return _TYPE_WORDS.get(kind, getattr(kind, "__name__", "VALUE").upper())


def _choice(choice: object) -> str:
    return str(choice.value) if isinstance(choice, Enum) else str(choice)


def clean_help(command: Any, help_names: list[str]) -> None:
    """Every typer argument and option of `command` and of every command below it (a group's),
    its help option (`help_names`) too, shown as CleanArgument and CleanOption show them. Their
    classes add display methods only."""
    # click makes the help option when a command is first run, and keeps it: made here, it is cleaned too
    command.get_help_option(typer.Context(command, help_option_names=help_names))
    for param in command.get_params(typer.Context(command, help_option_names=help_names)):
        if type(param) is TyperArgument:
            param.__class__ = CleanArgument
        elif type(param) is TyperOption:
            param.__class__ = CleanOption
    for sub in getattr(command, "commands", {}).values():
        clean_help(sub, help_names)
