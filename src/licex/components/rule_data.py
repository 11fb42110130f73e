"""What every licex rule component shares: rule data that ships as JSONL package data, is
validated by a pydantic model when loaded, can be replaced through the config's `[initialize]`
block, and travels with `nlp.to_disk()`. And what every component that saves data with a
pipeline shares (rules, a fitted policy's parameters): a file of a saved pipeline is read as the
component wrote it or refused with ModelDataError, one line naming the file, when the pipeline
loads (never later, halfway through a run)."""

from __future__ import annotations

import bisect
import json
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterable

import srsly
from pydantic import BaseModel, ValidationError
from spacy.language import Language
from spacy.pipeline import Pipe
from spacy.tokens import Span
from spacy.training import Example
from spacy.util import ensure_path

from licex.files import limits
from licex.files.inputs import read_file
from licex.files.messages import InputError
from licex.patterns import read_jsonl

# Which component produced a span: the record's evidence says it. Spans a trained component
# predicted carry None and are attributed to that component by the record builder.
Span.set_extension("licex_component", default=None, force=True)
# Whether the model and the rules read the same value of an entity's field (field_rules).
Span.set_extension("licex_agreement", default=None, force=True)

# The key of the rule data in to_bytes/to_disk, for `exclude`.
RULES_KEY = "rules"


class ModelDataError(ValueError):
    """A file of a saved pipeline that does not hold what its component saves there (damaged,
    cut short, edited); the message is `file: what is wrong`, one line."""


def read_model_json(path: Path, lines: bool = False, exact: bool = False) -> Any:
    """The JSON value (`lines`: the list of JSONL values) of a file a component saved with a
    pipeline; ModelDataError naming it when it is no such file (missing, a FIFO, not UTF-8, not
    JSON, beyond EXPORT_BYTES). `exact`: numbers as Python's json reads them (srsly's reader
    may differ in a float's last digit, 0.0588 as 0.058800000000000005)."""
    path = Path(path)
    try:
        text = read_file(path, str(path), limits.EXPORT_BYTES, "export_bytes").decode("utf-8")
    except InputError as error:
        raise ModelDataError(str(error)) from None
    except UnicodeDecodeError as error:
        raise ModelDataError(f"{path}: not UTF-8 (byte {error.start})") from None
    try:
        if lines:
            return [srsly.json_loads(line) for line in text.split("\n") if line.strip()]
        return json.loads(text) if exact else srsly.json_loads(text)
    except ValueError as error:
        raise ModelDataError(f"{path}: not {'JSONL' if lines else 'JSON'} ({error})") from None


def validation_problem(error: ValidationError) -> str:
    """The first problem a pydantic model found, in one line: `'field': cause`, or the cause a
    validator of the model gave."""
    first = error.errors()[0]
    if "error" in first.get("ctx", {}):
        return str(first["ctx"]["error"])
    field = ".".join(str(part) for part in first["loc"])
    return f"{field!r}: {first['msg']}" if field else first["msg"]


class RuleDataPipe(Pipe):
    """A rule component whose behaviour is defined by a list of JSON rules, each valid for `rule_model`."""

    data_file: ClassVar[str] = "rules.jsonl"
    rule_model: ClassVar[type[BaseModel]]

    def __init__(self, nlp: Language, name: str, rules: list[dict[str, Any]] | None = None) -> None:
        self.nlp = nlp
        self.name = name
        self.set_rules(rules if rules is not None else read_jsonl(self.data_file))

    def set_rules(self, rules: list[dict[str, Any]], source: str | None = None) -> None:
        """Validate and use `rules`; a ValueError names the rule and where it came from (`source`:
        a file, by default the shipped data file)."""
        self.rules = list(rules)
        self.validated_rules = [self._validate(f"{source or self.data_file} rule {line}", rule)
                                for line, rule in enumerate(self.rules, start=1)]
        self.compile_rules()

    def _validate(self, where: str, rule: Any) -> BaseModel:
        """The rule as its model, or a one-line ValueError naming `where` (the rule) and the cause."""
        if not isinstance(rule, dict):
            fields = ", ".join(f"'{name}'" for name in self.rule_model.model_fields)
            raise ValueError(f"{where}: expected an object with {fields}, got {rule!r}")
        try:
            return self.rule_model.model_validate(rule)
        except ValidationError as error:
            raise ValueError(f"{where}: {validation_problem(error)}") from None

    def compile_rules(self) -> None:
        """Build whatever matching structures the rules need; called whenever they change."""

    def merged(self, merge: Callable[[list[Span], list[Span]], list[Span]], model_spans: list[Span],
               rule_spans: list[Span]) -> list[Span]:
        """`merge(model_spans, rule_spans)`, with the rule spans it kept marked as this component's.

        Marked only once merged: a span's extension lives on its offsets, which a model span may share.
        """
        merged = merge(model_spans, rule_spans)
        from_rules = {id(span) for span in rule_spans}
        for span in merged:
            if id(span) in from_rules:
                span._.licex_component = self.name
        return merged

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

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return srsly.msgpack_dumps({} if RULES_KEY in exclude else {RULES_KEY: self.rules})

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> "RuleDataPipe":
        data = srsly.msgpack_loads(bytes_data)
        if RULES_KEY not in exclude and RULES_KEY in data:
            self.set_rules(data[RULES_KEY])
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = ensure_path(path)
        path.mkdir(parents=True, exist_ok=True)
        if RULES_KEY not in exclude:
            srsly.write_jsonl(path / self.data_file, self.rules)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "RuleDataPipe":
        """The rules `to_disk` saved; ModelDataError naming the file when it does not hold them."""
        if RULES_KEY not in exclude:
            file = ensure_path(path) / self.data_file
            rules = read_model_json(file, lines=True)
            if not rules:  # what to_disk writes of a component's rules: it has some
                raise ModelDataError(f"{file}: holds no rules")
            try:
                self.set_rules(rules, source=str(file))
            except ValueError as error:
                raise ModelDataError(str(error)) from None
        return self


class CharRanges:
    """Non-overlapping character ranges (spans already set), for O(log n) overlap tests."""

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(ranges):
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start) - 1  # the last range starting at or before start
        if i >= 0 and self.ends[i] > start:
            return True
        return i + 1 < len(self.starts) and self.starts[i + 1] < end

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
