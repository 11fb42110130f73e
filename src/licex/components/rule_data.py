"""What every licex rule component shares: rule data that ships as JSONL package data, can be
replaced through the config's `[initialize]` block, and travels with `nlp.to_disk()`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

import srsly
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Span
from spacy.training import Example
from spacy.util import ensure_path

# Which component produced a span: the record's evidence says it. Spans a trained component
# predicted carry None and are attributed to that component by the record builder.
Span.set_extension("licex_component", default=None, force=True)


def default_rules(filename: str) -> list[dict[str, Any]]:
    """The rule data shipped with licex (src/licex/patterns/FILENAME)."""
    path = resources.files("licex").joinpath("patterns", filename)
    return list(srsly.json_loads(line) for line in path.read_text("utf-8").splitlines() if line.strip())


class RuleDataPipe(Pipe):
    """A rule component whose behaviour is defined by a list of JSON rules."""

    data_file: str = "rules.jsonl"

    def __init__(self, nlp: Language, name: str, rules: list[dict[str, Any]] | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.set_rules(rules if rules is not None else default_rules(self.data_file))

    def set_rules(self, rules: list[dict[str, Any]]) -> None:
        self.rules = list(rules)
        self.compile_rules()

    def compile_rules(self) -> None:
        """Build whatever matching structures the rules need; called whenever they change."""

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]],
        *,
        nlp: Language | None = None,
        rules: list[dict[str, Any]] | None = None,
    ) -> None:
        """Replace the shipped rules by `rules` (from the config's [initialize] block), if given."""
        if rules is not None:
            self.set_rules(rules)

    def pipe(self, stream: Iterable, *, batch_size: int = 128):
        for doc in stream:
            yield self(doc)

    def to_bytes(self, *, exclude: tuple = ()) -> bytes:
        return srsly.msgpack_dumps({"rules": self.rules})

    def from_bytes(self, bytes_data: bytes, *, exclude: tuple = ()) -> "RuleDataPipe":
        self.set_rules(srsly.msgpack_loads(bytes_data)["rules"])
        return self

    def to_disk(self, path: str | Path, *, exclude: tuple = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(path / self.data_file, self.rules)

    def from_disk(self, path: str | Path, *, exclude: tuple = ()) -> "RuleDataPipe":
        self.set_rules(list(srsly.read_jsonl(ensure_path(path) / self.data_file)))
        return self
