"""`licex_field_rules`: field entities found by the licence's own labels and layout.

A licence prints most fields as `label: value`, with the value on the same line, on the next
line, in the next table cell, or after a run of other labels in a one-line header. The rules
find every label (patterns/field_labels.jsonl, spaced-out forms included), take the value up to
the next label, and check it has the right shape. Structured parts get their own readers: the
business block (types, service items, coverage, in running text or in a label/value table),
tables whose header row names the columns (业务种类 | 服务项目 | 业务覆盖范围 on a 附页, the
website table), the shareholder table, annual inspection entries and licence-number change notes.

Every value the rules find, and every entity a trained NER already set, must read as a value of
its field (values.read_value: a date parses, a domain is a domain); a model entity that does not
is no finding and is dropped, so the rules may fill its field. Which side's reading of each
field is kept is the component's `merge` policy, a registered function named in the config
(components.field_choice): each side's reading of a field is a candidate, the policy scores
them, and the best one of each field is kept while the others fill only what it left. The
business block is one unit of choice (service items and coverage belong to the business before
them, and mixing two readings of it misplaces values; measured on generated licences with
damaged labels, coverage 0.855 with parts mixed, 0.984 without). The shareholder table is one
unit too: on 50 RapidOCR'd generated licences the model's rows added to the rules' made
shareholders 0.773, where the rules alone read 0.947. Inspection rows and change notes stand
alone: the second side adds those the first missed. Neither side's shareholder cells count in a
text that names no shareholder table. `licex.model_first.v1` is the factory's default;
`licex.fitted_choice.v1` (the shipped model's config) is fit on development licences.

The label words (patterns/field_labels.jsonl, or `rules` from the config) are read through
labels.LabelWords, which the Doc's layout is read with too (analysis.analyse).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import ensure_path

from ..analysis import analyse
from ..labels import (
    BUSINESS_LABELS,
    COLUMN_WORDS,
    ENTITY_LABELS,
    FieldLabelRule,
    LabelWords,
    header_word,
)
from ..layout import CHANGE_NOTE_RE, Layout, Line
from ..normalize import BUSINESS_NAME_RE, LICENSE_NO_RE, normalize_date, parse_business
from ..text import DATE_RE, LIST_MARK, PROVINCES, spaced, without_whitespace
from ..values import gives_value, has_value, read_value
from .field_choice import (
    SHAREHOLDER_HEADER_RE,
    ChoicePolicy,
    FittedChoice,
    ModelProbability,
    hashable,
    make_model_first,
    merge,
)
from .rule_data import RuleDataPipe

# The key and file of the fitted choice's parameters in the component's serialisation.
CHOICE_KEY, CHOICE_FILE = "choice", "choice.json"

@Language.factory(
    "licex_field_rules",
    assigns=["doc.ents"],
    default_config={"rules": None, "merge": {"@misc": "licex.model_first.v1"}, "probability_from": "ner"},
)
def make_field_rules(nlp: Language, name: str, rules: list[dict[str, Any]] | None, merge: ChoicePolicy,
                     probability_from: str | None) -> FieldRules:
    """Build the field rules; `rules` (label names per entity label) default to patterns/field_labels.jsonl;
    `merge` is the policy that chooses between the model's and the rules' readings of each field
    (components.field_choice); `probability_from` names the NER whose beam gives the model's
    probability for a contested reading (none where the pipeline has no such component)."""
    return FieldRules(nlp, name, rules, merge=merge, probability_from=probability_from)


def _mark_agreement(kept: Iterable[Span], model_ents: list[Span], rule_ents: list[Span],
                    value_of: Callable[[Span], Any]) -> None:
    """Mark each kept entity with whether the other side (model or rules) read its field's value
    too (`agree`), read another one (`disagree`), or read nothing of the field (`alone`): the
    record builder's confidence weighs it. `value_of` reads an entity's value."""
    def values(spans: list[Span]) -> dict[str, set[Any]]:
        by_label: dict[str, set[Any]] = {}
        for span in spans:
            if span.label_ in ENTITY_LABELS:
                by_label.setdefault(span.label_, set()).add(hashable(value_of(span)))
        return by_label

    by_model, by_rules = values(model_ents), values(rule_ents)
    from_model = {(span.start_char, span.end_char, span.label_) for span in model_ents}
    for span in kept:
        if span.label_ not in ENTITY_LABELS:
            continue
        other = (by_rules if (span.start_char, span.end_char, span.label_) in from_model else by_model).get(span.label_)
        span._.licex_agreement = "alone" if not other else "agree" if hashable(value_of(span)) in other else "disagree"


@dataclass(frozen=True)
class Hit:
    """An entity found in the view: [start, end) in view offsets, and how the rules found it
    (the choice between the model's and the rules' readings weighs it)."""

    label: str
    start: int
    end: int
    found_by: str = "label"  # label, table, block, row, entry, shape


def _found_by(how: str, hits: list[Hit]) -> list[Hit]:
    return [replace(hit, found_by=how) for hit in hits]


@dataclass(frozen=True)
class LabelHit:
    label: str | None  # None for labels that only end the value before them (公司代表)
    start: int  # where the printed label starts
    value_start: int  # where its value may start (after the label and a colon)


_COLON = r"[ \t]*[:][ \t]*"
# Trailing punctuation that ends a sentence or a list item, never a value.
_TRIM = " \t\n。.;,、"
# What a service-item restriction starts with: 不含, 含, 仅限 …
_RESTRICTION = r"(?:不\s*含|含|仅\s*限|限|除)"
_RESTRICTION_RE = re.compile(r"^\s*" + _RESTRICTION)
_SENTENCE_END_RE = re.compile(r"[。;]")
# OCR reads the ； between two items as ： now and then; no item has a colon of its own.
_ITEM_SEPARATOR_RE = re.compile(r"[。;]|(?<=[\u4e00-\u9fff]):(?=[\u4e00-\u9fff])|,(?=\s*" + _RESTRICTION + ")")
# Long names and addresses wrap in narrow table cells onto short lines right below them; a line
# with sentence punctuation is running text, not such a continuation.
_WRAPPING_FIELDS = {"COMPANY", "ADDRESS"}
_SENTENCE_PUNCTUATION_RE = re.compile(r"[。;,:《》]")



@dataclass(frozen=True)
class _BlockPatterns:
    """What a business block is read with: its labels' words, business names, brackets, numbering."""

    token_re: re.Pattern[str]
    # A label that starts with 业务 may complete a business name ending the line before (信息服务 /
    # 业务覆盖范围), which OCR-tolerant name matching would read as 信息服务业务.
    label_at_line_start_re: re.Pattern[str]

    @classmethod
    def of(cls, words: LabelWords) -> _BlockPatterns:
        token_re = re.compile(
            rf"(?P<items_label>\(?[ \t]*(?:{words.alternatives('SERVICE_ITEM')})[ \t]*\)?[ \t]*:?"
            rf"|(?:{_cut_short(words, 'SERVICE_ITEM')})[ \t]*:)"
            rf"|(?P<coverage_label>(?:及[ \t]*)?(?:{words.alternatives('COVERAGE')})[ \t]*:?"
            rf"|(?:{_cut_short(words, 'COVERAGE')})[ \t]*:)"
            rf"|(?P<type_label>(?:{words.alternatives('BUSINESS')})[ \t]*:?)"
            rf"|(?P<business>{BUSINESS_NAME_RE.pattern})"
            r"|(?P<bracket>\([^()\n]{1,80}\))"
            r"|(?P<numbering>(?m:^[ \t]*(?:[一二三四五六七八九十]{1,3}[ \t]*[、.]|\d{1,2}[ \t]*[、.](?!\d))))"
            r"|(?P<newline>\n)"
        )
        business_words = [n for n in words.names_of("BUSINESS", "COVERAGE") if n.startswith("业务")]
        label_re = re.compile(r"\s*(?:" + ("|".join(map(spaced, business_words)) or "(?!)") + ")")
        return cls(token_re, label_re)


def _cut_short(words: LabelWords, label: str) -> str:
    """A regex alternation of the ends of a label's names that OCR may leave of it, at least two
    characters (盖范围 and 范围 of 业务覆盖范围, whose first characters a seal or a table rule
    took): read as the label where a colon follows, not as the start of its value."""
    names = words.names_of(label)
    ends = {name[cut:] for name in names for cut in range(1, len(name) - 1)} - set(names)
    return "|".join(spaced(end) for end in sorted(ends, key=len, reverse=True)) or "(?!)"


_RESTRICTION_BEFORE_RE = re.compile(_RESTRICTION + r"[ \t]*$")
_SEE_ATTACHMENT_RE = re.compile(r"见\s*附\s*[页件表]|附\s*页")
_COVERAGE_RE = re.compile(
    r"全\s*国|机\s*房|省|市|自\s*治\s*区|地\s*区|境\s*内|" + "|".join(province.short for province in PROVINCES)
)

# What the 特别规定事项 prints as a value: the licence number of its page headers, a change note's
# old number, an inspection entry on a page it runs into. Anything else a model finds there is a
# word of running text (开展业务 as an access provider).
_LABELS_IN_CLAUSES = frozenset({"LICENSE_NO", "PREV_LICENSE_NO", "INSPECTION_YEAR", "INSPECTION_RESULT",
                                "INSPECTION_DATE"})
_ID_RE = re.compile(r"(?<![0-9A-Za-z])(?:[0-9A-Z]{18}|\d{17}[\dXx]|\d{15}|[0-9A-Z]{8,20})(?![0-9A-Za-z])")
# OCR'd rows of short cells may be separated by single spaces only.
_SPACE_RE = re.compile(r" ")
_ROW_NUMBER_RE = re.compile(r"\d{1,3}\.?")
# What separates the cells of a shareholder row: a tab, or in OCR'd text a run of spaces or a
# table rule read as a bar (the view makes a bar a tab, for markdown rows; OCR'd rows mix both).
_ROW_CELL_RE = re.compile(r"[ ]*[\t|｜][ ]*|[ ]{2,}")
_MARKS_RE = re.compile(r"[^\w]")
# What OCR makes of table rules and stray marks at a cell's edges (”|510601…, [出资比例).
_CELL_EDGE_MARKS = "|｜[]”“\"'‘’"

# 2002 年度年检合格, 2011年度年检结果为:基本合格, 2019年度年报:已报送.
_INSPECTION_RE = re.compile(
    r"(?P<year>(?:19|20)\d{2})\s*年\s*度?\s*(?:的\s*)?(?:年\s*检|年\s*报|年\s*度\s*检\s*验|年\s*度\s*报\s*告)"
    r"\s*(?:结\s*果\s*)?(?:为\s*)?:?\s*"
    r"(?P<result>不\s*合\s*格|基\s*本\s*合\s*格|合\s*格|通\s*过|已\s*报\s*送)"
)
_INSPECTION_ENTRY_END_RE = re.compile(r"经\s*审\s*核|年\s*检\s*合\s*格|\t")
_CHANGE_PAIR_RE = re.compile(
    r"(?P<old>" + LICENSE_NO_RE.pattern + r")\s*号?\s*[,]?\s*(?:变\s*更|更\s*改)\s*为\s*(?P<new>" + LICENSE_NO_RE.pattern + r")"
)


class FieldRules(RuleDataPipe):
    data_file = "field_labels.jsonl"

    rule_model = FieldLabelRule

    def __init__(self, nlp: Language, name: str, rules: list[dict[str, Any]] | None = None, *,
                 merge: ChoicePolicy | None = None, probability_from: str | None = "ner") -> None:
        self.merge = merge if merge is not None else make_model_first()
        self.probability_from = probability_from
        super().__init__(nlp, name, rules)

    def compile_rules(self) -> None:
        self.words = LabelWords(self.validated_rules)
        self._label_of = self.words.label_of
        alternatives = "|".join(spaced(name) for name, _, _ in self.words.entries)
        self._label_re = re.compile(rf"(?P<name>{alternatives})(?P<colon>{_COLON})?")
        self._block = _BlockPatterns.of(self.words)

    def __call__(self, doc: Doc) -> Doc:
        layout = analyse(doc, self.words).layout
        view = layout.view
        ents = doc.ents
        read: dict[tuple[int, int, str], Any] = {}

        def read_at(label: str, start: int, end: int) -> Any:
            """The value there (values.read_value), read once for the filter, the choice and the agreement."""
            key = (start, end, label)
            if key not in read:
                read[key] = read_value(label, view.read(start, end))
            return read[key]

        def value_of(span: Span) -> Any:
            return read_at(span.label_, span.start_char, span.end_char)

        model_ents = [ent for ent in ents
                      if ent.label_ in ENTITY_LABELS and value_of(ent) is not None
                      and not (ent.label_ not in _LABELS_IN_CLAUSES and layout.in_special(view.view_span(ent.start_char, ent.end_char)[0]))]
        rule_ents, found_by = [], {}
        for hit in self.find(layout):
            start, end = view.original_span(hit.start, hit.end)
            span = doc.char_span(start, end, label=hit.label, alignment_mode="contract")
            if span is not None and span.text.strip():
                rule_ents.append(span)
                found_by[id(span)] = hit.found_by
        ner = self._probability_source()
        merged = merge(self.merge, model_ents, rule_ents, value_of, found_by,
                       ModelProbability(ner, read_at) if ner is not None else None)
        from_rules = {id(span) for span in rule_ents}
        for span in merged:  # marked once kept: a span's extension lives on its offsets, which a model span may share
            if id(span) in from_rules:
                span._.licex_component = self.name
        if len(merged) != len(ents) or any(a is not b for a, b in zip(sorted(merged, key=lambda s: s.start), ents)):
            doc.ents = sorted(merged, key=lambda s: s.start)
        _mark_agreement(doc.ents, model_ents, rule_ents, value_of)
        return doc

    def _probability_source(self) -> Any | None:
        """The NER named by `probability_from`, where the pipeline runs it (not in model-free
        pipelines, nor where it is disabled)."""
        name = self.probability_from
        if not name or name not in self.nlp.pipe_names:
            return None
        return self.nlp.get_pipe(name)

    # The fitted choice's parameters travel with the component (choice.json beside the rules).
    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        data = srsly.msgpack_loads(super().to_bytes(exclude=exclude))
        if isinstance(self.merge, FittedChoice) and self.merge.parameters and CHOICE_KEY not in exclude:
            data[CHOICE_KEY] = self.merge.parameters
        return srsly.msgpack_dumps(data)

    def from_bytes(self, bytes_data: bytes, *, exclude: Iterable[str] = ()) -> FieldRules:
        super().from_bytes(bytes_data, exclude=exclude)
        data = srsly.msgpack_loads(bytes_data)
        if isinstance(self.merge, FittedChoice) and CHOICE_KEY in data and CHOICE_KEY not in exclude:
            self.merge.parameters = data[CHOICE_KEY]
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        super().to_disk(path, exclude=exclude)
        if isinstance(self.merge, FittedChoice) and self.merge.parameters and CHOICE_KEY not in exclude:
            srsly.write_json(ensure_path(path) / CHOICE_FILE, self.merge.parameters)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> FieldRules:
        super().from_disk(path, exclude=exclude)
        choice = ensure_path(path) / CHOICE_FILE
        if isinstance(self.merge, FittedChoice) and choice.is_file() and CHOICE_KEY not in exclude:
            self.merge.parameters = srsly.read_json(choice)
        return self

    def find(self, layout: Layout) -> list[Hit]:
        """Every field entity the rules see, in view offsets, in text order."""
        labels = self._labels(layout)
        tables = self._column_tables(layout, labels)
        hits = list(self._labelled_values(layout, labels, tables))
        hits += _found_by("block", _business_blocks(layout, labels, tables, self._block))
        hits += _found_by("table", [hit for table in tables for hit in table.hits])
        hits += _found_by("row", _shareholders(layout))
        hits += _found_by("entry", _inspections(layout) + _change_notes(layout))
        hits += _found_by("shape", _unlabelled_front_page(layout, labels, hits))
        text = layout.view.text
        # The rules' values pass the checks a model's pass (values.read_value).
        return sorted({hit for hit in hits if gives_value(hit.label, text[hit.start:hit.end])},
                      key=lambda h: (h.start, -h.end))

    # -- labels and their values -------------------------------------------------------------

    def _labels(self, layout: Layout) -> list[LabelHit]:
        text = layout.view.text
        found = []
        for match in self._label_re.finditer(text):
            start = match.start()
            line_start = text.rfind("\n", 0, start) + 1
            before = text[line_start:start]
            colon = bool(match.group("colon"))
            name = without_whitespace(match.group("name"))
            label = self._label_of[name]
            if before.strip(" \t*-·>"):
                # Mid-line: a one-line header or the next table cell (markdown pads cells with
                # spaces), never running text. Without a colon or a cell boundary, only a long
                # label printed whole and standing apart (公司名称 X 法定代表人 Y) is one: Chinese
                # running text has no spaces around its words, or (OCR'd) between every character.
                cell_start = before.rstrip(" ").endswith("\t")
                standing_apart = (len(name) >= 4 and match.group("name") == name
                                  and text[match.end():match.end() + 1] in (" ", "\t"))
                if not (before[-1:] in " \t" and (colon or cell_start or before.endswith("  ") or standing_apart)):
                    continue
            elif len(name) == 1 and not colon:
                continue  # 注 at a line start is a note only with its colon
            if layout.in_special(start) and not (label == "LICENSE_NO" and layout.line_at(start).kind == "page_header"):
                continue
            found.append(LabelHit(label, start, match.end()))
        return found

    def _labelled_values(self, layout: Layout, labels: list[LabelHit], tables: list[_Table]) -> Iterator[Hit]:
        for i, hit in enumerate(labels):
            if hit.label is None or hit.label in BUSINESS_LABELS or _in_header(tables, hit.start):
                continue
            limit = _value_limit(layout, labels, i)
            lines = _value_lines(layout, hit.value_start, limit)
            if ENTITY_LABELS[hit.label].value not in _SHAPED_VALUES:
                lines = lines[:1]  # free text: the first line is the value, whatever it says
            for value in lines:
                if hit.label in _WRAPPING_FIELDS and not _COMPANY_END_RE.search(layout.view.text, *value):
                    value = _wrapped(layout, *value, limit)  # a name ending in 公司 is whole
                checked = _check_value(hit.label, layout.view.text, *value)
                if checked is not None and gives_value(hit.label, layout.view.text[slice(*checked)]):
                    yield Hit(hit.label, *checked)
                    break

    # -- tables with a header row of labels ------------------------------------------------------

    def _column_tables(self, layout: Layout, labels: list[LabelHit]) -> list[_Table]:
        """Tables whose first row names the columns (业务种类 | 服务项目 | 业务覆盖范围, or 网站名称 |
        网站域名 | …) and whose later rows hold one value per column.

        The rows end at the first line that is not a row: one with a single cell, page furniture,
        or a label (the label/value table or header row that follows). Cells are separated by
        tabs or runs of spaces; a header of labels alone may also be separated by single spaces
        (a PDF's plain text), and then a row counts only with one cell for each column. A table
        that a tool wrote one cell a line (pdftotext) is read too: N label lines, then N values.
        """
        text = layout.view.text
        label_starts = [hit.start for hit in labels]
        tables = []
        lines = layout.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if line.kind != "content" or layout.in_special(line.start) or SHAREHOLDER_HEADER_RE.search(line.text):
                continue  # (the shareholder table has rows of its own shape: _shareholders)
            header = self._header_row(text, line)
            if header is None:
                if (vertical := self._cell_per_line_table(layout, i - 1)) is not None:
                    table, i = vertical
                    tables.append(table)
                continue
            # A wide table OCR'd as two header lines (网站名称 网站域名 / 服务器放置地 接入服务商)
            # has rows of two lines, each under its header line.
            headers = [header]
            following = next((j for j in range(i, len(lines)) if lines[j].kind != "blank"), None)
            if following is not None and lines[following].kind == "content" and (
                    second := self._header_row(text, lines[following])) is not None:
                headers.append(second)
                i = following + 1
            header_end = lines[i - 1].end
            hits: list[Hit] = []
            end = header_end
            row_lines = 0
            while i < len(lines) and lines[i].kind in ("blank", "content"):
                row = lines[i]
                if row.kind == "content":
                    columns, header_offsets, delimiter = headers[row_lines % len(headers)]
                    cells = _split_row(text, row, delimiter)
                    if end == header_end and len(row.text.strip()) == 1:
                        i += 1
                        continue  # a character OCR read off the rule under the header
                    next_label = bisect.bisect_left(label_starts, row.start)
                    if len(cells) < 2 or (next_label < len(label_starts) and label_starts[next_label] < row.end):
                        break
                    if len(cells) != len(columns):
                        if delimiter is _SPACE_RE:
                            break  # single spaces may stand inside a value: no aligning
                        # Columns aligned with spaces lose their empty cells: a cell belongs
                        # to the header cell it starts nearest to.
                        cells = _align(cells, header_offsets, row.start)
                    for label, (a, b) in zip(columns, cells):
                        hits += _column_value(label, text, a, b, self._block)
                    end = row.end
                    row_lines += 1
                i += 1
            tables.append(_Table(line.start, header_end, end, hits))
        return tables

    def _header_row(self, text: str, line: Line) -> tuple[list[str | None], list[int], re.Pattern[str]] | None:
        """A header row's column labels, the offsets its cells start at, and what separates them;
        None where the line is no header row."""
        delimiter = _delimiter(line.text) or (_SPACE_RE if " " in line.text.strip() else None)
        columns = self._header_columns(text, line, delimiter) if delimiter else None
        if columns is None:
            return None
        return columns, [a - line.start for a, _ in _split_row(text, line, delimiter)], delimiter

    def _cell_per_line_table(self, layout: Layout, i: int) -> tuple[_Table, int] | None:
        """A table written one cell a line from line i: at least two field-label lines (the
        header), then as many value lines; the table and the line after it, or None."""
        text = layout.view.text
        cells = _one_cell_lines(layout, i, split_at_spaces=False, most=2 * _MAX_COLUMNS)
        columns: list[str] = []
        for _, (a, b) in cells:
            # A header cell is a label alone: `签发人:` with its colon is a label whose value follows.
            label = None if ":" in text[a:b] else self._label_of.get(header_word(text[a:b]))
            if label is None:
                break
            columns.append(label)
        if len(columns) < 2 or len(cells) < 2 * len(columns) or len(set(columns)) < len(columns):
            return None
        values = cells[len(columns):2 * len(columns)]
        if any(self._label_of.get(header_word(text[a:b])) or ":" in text[a:b] for _, (a, b) in values):
            return None
        hits = [hit for label, (_, (a, b)) in zip(columns, values)
                for hit in _column_value(label, text, a, b, self._block)]
        last_index, (_, last_end) = values[-1]
        return _Table(cells[0][1][0], cells[len(columns) - 1][1][1], last_end, hits), last_index + 1

    def _header_columns(self, text: str, line: Line, delimiter: re.Pattern[str]) -> list[str | None] | None:
        """The column labels of a header row, or None if the line is not one.

        Every cell must be a label name (brackets and colon allowed: (服务项目)) or a column
        word such as 序号, and at least two must be field labels; a row of label/value pairs
        (公司名称 | X | 法定代表人 | Y) is not a header.
        """
        columns: list[str | None] = []
        named = 0
        for a, b in _split_row(text, line, delimiter):
            cell = header_word(text[a:b])
            if not cell or cell in COLUMN_WORDS or len(_MARKS_RE.sub("", cell)) <= 1:
                columns.append(None)  # (a stray character OCR read off a rule or the seal is no column)
            elif cell in self._label_of:
                label = self._label_of[cell]
                columns.append(label)
                named += label is not None
            else:
                return None
        return columns if named >= 2 else None


@dataclass
class _Table:
    start: int  # the header row, [start, header_end) in view offsets
    header_end: int
    end: int  # the end of the last row
    hits: list[Hit]


def _table_at(tables: list[_Table], pos: int) -> _Table | None:
    """The table that holds pos, if one does; `tables` are in text order and do not overlap."""
    i = bisect.bisect_right(tables, pos, key=lambda t: t.start) - 1
    return tables[i] if i >= 0 and pos < tables[i].end else None


def _in_header(tables: list[_Table], pos: int) -> bool:
    table = _table_at(tables, pos)
    return table is not None and pos < table.header_end


# The most columns a table written one cell a line is looked for in (the website table has 4-6).
_MAX_COLUMNS = 8
# Header cells that name no field.
_TAB_RE = re.compile(r"\t")
_WIDE_SPACE_RE = re.compile(r"[ ]{2,}|\t")
_GAP_INSIDE_CELL_RE = re.compile(r"[^\s][ ]{2,}[^\s]")


def _delimiter(line_text: str) -> re.Pattern[str] | None:
    """How the cells of a table row are separated: tabs (also HTML cells and markdown pipes in
    the view), else the runs of spaces of OCR'd columns; None for a line with one cell."""
    stripped = line_text.strip()
    if "\t" in stripped:
        # A bar OCR read for a table rule is a tab in the view; the cells around it are still
        # apart by spaces (网站名称    网站域名 | 服务器放置地).
        return _ROW_CELL_RE if _GAP_INSIDE_CELL_RE.search(stripped) else _TAB_RE
    return _WIDE_SPACE_RE if _WIDE_SPACE_RE.search(stripped) else None


def _split_row(text: str, line: Line, delimiter: re.Pattern[str]) -> list[tuple[int, int]]:
    """The cells of a row as trimmed view ranges. Tab-separated rows keep empty cells, so a
    cell's index is its column; a row of HTML or markdown cells starts (and a markdown row
    ends) with an empty cell, as its header row does."""
    cells = []
    pos = line.start
    for match in delimiter.finditer(text, line.start, line.end):
        cells.append(_trim(text, pos, match.start(), " "))
        pos = match.end()
    cells.append(_trim(text, pos, line.end, " "))
    return cells


def _align(cells: list[tuple[int, int]], header_offsets: list[int], row_start: int) -> list[tuple[int, int]]:
    """The row's cells placed under the header columns they start nearest to; gaps are empty."""
    aligned = [(row_start, row_start)] * len(header_offsets)
    for a, b in cells:
        if a < b:
            column = min(range(len(header_offsets)), key=lambda c: abs(header_offsets[c] - (a - row_start)))
            aligned[column] = (a, b)
    return aligned


def _column_value(label: str | None, text: str, start: int, end: int, block: _BlockPatterns) -> list[Hit]:
    """The hits of one cell under a column labelled `label`."""
    if label is None or start >= end or _SEE_ATTACHMENT_RE.search(text, start, end):
        return []
    if label == "BUSINESS":
        return _read_business_block(text, start, end, block)
    if label == "SERVICE_ITEM":
        start, end = _unbracket(text, start, end)
        return [Hit("SERVICE_ITEM", a, b) for a, b in _item_parts(text, start, end)]
    if label == "COVERAGE":
        a, b = _trim(text, start, end)
        return [Hit("COVERAGE", a, b)] if has_value(text[a:b]) else []
    checked = _check_value(label, text, start, end)
    return [Hit(label, *checked)] if checked else []


def _value_limit(layout: Layout, labels: list[LabelHit], i: int) -> int:
    """Where the value of label i must end: the next label, title line or the 特别规定事项."""
    limit = labels[i + 1].start if i + 1 < len(labels) else len(layout.view.text)
    limit = layout.next_page_break(layout.line_at(labels[i].value_start).start, limit)
    if layout.special and labels[i].start < layout.special[0] < limit:
        limit = layout.special[0]
    return limit


# Value kinds that say by their shape whether a line is the value (a date parses, an amount
# names its currency): a label's value may be looked for past a line OCR made of a seal or a
# border (有效期至 / AAAEa / 2016年07月19日), where free text would take that line.
_SHAPED_VALUES = frozenset({"date", "money", "licence_no", "domain"})
# How many lines after a label a shaped value is looked for.
_SHAPED_VALUE_LINES = 3


def _value_lines(layout: Layout, start: int, limit: int) -> list[tuple[int, int]]:
    """The first non-blank stretches of the lines in [start, limit), trimmed, at most _SHAPED_VALUE_LINES."""
    text = layout.view.text
    stretches = []
    pos = start
    while pos < limit and len(stretches) < _SHAPED_VALUE_LINES:
        end = text.find("\n", pos, limit)
        end = limit if end < 0 else end
        a, b = _trim(text, pos, end)
        if a < b:
            stretches.append((a, b))
        pos = end + 1
    return stretches


def _wrapped(layout: Layout, start: int, end: int, limit: int) -> tuple[int, int]:
    """[start, end) run on over the lines that continue it: a long name or address wraps in a
    narrow cell onto short lines right below it (no blank line between), before the next label."""
    text = layout.view.text
    i = layout.line_index(end) + 1
    while i < len(layout.lines):
        line = layout.lines[i]
        a, b = _trim(text, line.start, line.end)
        if line.kind != "content" or line.end > limit or b - a > 20 or _SENTENCE_PUNCTUATION_RE.search(text, a, b):
            break
        end = b
        i += 1
    return start, end


def _trim(text: str, start: int, end: int, chars: str = _TRIM) -> tuple[int, int]:
    while start < end and text[start] in " \t\n":
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _check_value(label: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    """The value's span if it has the shape of the field, narrowed where the field's pattern allows."""
    value = text[start:end]
    if not has_value(value):
        return None
    if label in ("LICENSE_NO", "PREV_LICENSE_NO"):
        match = LICENSE_NO_RE.search(value)
        if match:
            return start + match.start(), start + match.end()
        # A number of an unknown scheme (older or provincial forms): its first token, if numeric.
        token = value.split()[0]
        return (start, start + len(token)) if len(token) >= 5 and re.search(r"\d{4}", token) else None
    if label in ("ISSUE_DATE", "EXPIRY_DATE"):
        dates = [m for m in DATE_RE.finditer(value) if normalize_date(m.group(0))]
        if not dates:
            return None
        # A validity period (有效期: 2019年1月1日至2024年1月1日) expires on its last date.
        date = dates[-1] if label == "EXPIRY_DATE" else dates[0]
        return start + date.start(), start + date.end()
    return start, end


def _business_blocks(layout: Layout, labels: list[LabelHit], tables: list[_Table], block: _BlockPatterns) -> list[Hit]:
    """Business types, service items and coverage printed as running text or label/value pairs.

    A block starts at a 业务种类 label or a `获准经营的业务种类…` introduction; column tables are
    read on their own (FieldRules._column_tables), so no block starts in one or runs into one.
    """
    text = layout.view.text
    starts = [h.start for h in labels if h.label == "BUSINESS"]
    starts += [m.start() for m in layout.words.business_list_re.finditer(text) if not layout.in_special(m.start())]
    table_starts = sorted(t.start for t in tables)
    hits: list[Hit] = []
    block_end = -1
    for start in sorted(starts):
        if start < block_end or _table_at(tables, start) is not None:
            continue  # already read as part of the block before, or a table's header
        block_end = _business_block_end(layout, labels, start)
        next_table = bisect.bisect_right(table_starts, start)
        if next_table < len(table_starts):
            block_end = min(block_end, table_starts[next_table])
        hits += _read_business_block(text, start, block_end, block)
    return hits


def _business_block_end(layout: Layout, labels: list[LabelHit], start: int) -> int:
    """A business block runs to the first label outside BUSINESS_LABELS, title or clause region."""
    first_after = bisect.bisect_right(labels, start, key=lambda h: h.start)  # labels are in text order
    end = next((h.start for h in labels[first_after:] if h.label not in BUSINESS_LABELS), len(layout.view.text))
    end = layout.next_page_break(layout.line_at(start).start, end)
    if layout.special and start < layout.special[0] < end:
        end = layout.special[0]
    return end


def _read_business_block(text: str, start: int, end: int, block: _BlockPatterns) -> list[Hit]:
    """Business types with their service items and coverage, from one block of the view.

    Printed as running text (`一、第一类…业务 / 服务项目: 不含… / 业务覆盖范围: 全国。`), as
    `业务种类: X (不含Y) / 业务覆盖范围: 全国`, or as a two-column table flattened so labels
    and values interleave (`业务种类 X / (服务项目) 机房所在地为… / 及覆盖范围: Z / 全国`). Free
    text is told apart by what it says: restrictions start with 含/不含/仅限, coverage names
    places; only text that is neither follows the last label seen.
    """
    hits: list[Hit] = []
    business = False
    mode = None
    coverage: list[int] | None = None  # [start, end] of the coverage being read, open while adjacent
    last_business = 0
    pos = start

    def free_text(a: int, b: int) -> None:
        nonlocal coverage
        for part_start, part_end in _sentence_parts(text, a, b):
            value = text[part_start:part_end]
            if not has_value(value) or _SEE_ATTACHMENT_RE.search(value):
                continue
            if _RESTRICTION_RE.match(value) or (mode == "items" and not _COVERAGE_RE.search(value)):
                hits.extend(Hit("SERVICE_ITEM", *part) for part in _item_parts(text, part_start, part_end))
                coverage = None
                continue
            part_end = _with_list_mark(text, part_end, b)
            if coverage is not None:
                coverage[1] = part_end
            elif (not any(h.label == "COVERAGE" for h in hits[last_business:]) or _coverage_continues(text, hits)
                  or text[part_start] == LIST_MARK):
                coverage = [part_start, part_end]
                hits.append(Hit("COVERAGE", part_start, part_end))  # replaced by its final extent below

    scan = start
    while (match := block.token_re.search(text, scan, end)) is not None:
        kind = match.lastgroup
        scan = match.end()
        if kind == "business":
            newline = text.find("\n", match.start(), match.end())
            if newline >= 0 and block.label_at_line_start_re.match(text, newline + 1):
                scan = newline  # not a name: the label of the next line completed it
                continue
            if _RESTRICTION_BEFORE_RE.search(text, pos, match.start()):
                continue  # 仅限国内呼叫中心业务: the object of a restriction, read as its text
        if business and match.start() > pos:
            free_text(pos, match.start())
        pos = match.end()
        if kind == "newline":
            if coverage is not None and text[match.end():match.end() + 1] == "\n":
                coverage = _close(hits, coverage)  # a blank line ends it
            continue
        if kind == "bracket":
            inner_start, inner_end = _trim(text, match.start() + 1, match.end() - 1)
            inner = text[inner_start:inner_end]
            if not business or _SEE_ATTACHMENT_RE.search(inner) or re.fullmatch(r"B[12]\d", inner):
                continue
            if _RESTRICTION_RE.match(inner) or (mode == "items" and coverage is None):
                coverage = _close(hits, coverage)
                hits.extend(Hit("SERVICE_ITEM", *part) for part in _item_parts(text, inner_start, inner_end))
            elif coverage is not None:
                coverage[1] = match.end()  # a bracket inside the coverage: 17 省(直辖市)
            continue
        coverage = _close(hits, coverage)
        if kind == "business":
            hits.append(Hit("BUSINESS", *_trim(text, match.start(), match.end())))
            last_business = len(hits) - 1
            business = True
            mode = None
        elif kind == "items_label":
            mode = "items"
        elif kind == "coverage_label":
            mode = "coverage"
    if business and pos < end:
        free_text(pos, end)
    _close(hits, coverage)
    return hits


# A list that goes on: a coverage cut after 、 (or before it) continues in the next coverage
# text, wherever a tool put it (a wrapped cell whose label is printed level with its second line
# comes out as `…哈尔滨、 / 业务覆盖范围 南京…`). The 、 stays on its part so the fold joins them.
def _with_list_mark(text: str, end: int, limit: int) -> int:
    """`end`, or just past a 、 that follows it (spaces between): the mark of a list that goes on."""
    pos = end
    while pos < limit and text[pos] in " \t":
        pos += 1
    return pos + 1 if pos < limit and text[pos] == LIST_MARK else end


def _coverage_continues(text: str, hits: list[Hit]) -> bool:
    """Whether the last coverage read ends in 、 (its list goes on)."""
    last = next((h for h in reversed(hits) if h.label in ("COVERAGE", "BUSINESS")), None)
    return last is not None and last.label == "COVERAGE" and text[last.end - 1] == LIST_MARK


def _close(hits: list[Hit], coverage: list[int] | None) -> None:
    """Give the open coverage its final extent; returns None so callers can reset it in one line."""
    if coverage is not None:
        for i in range(len(hits) - 1, -1, -1):
            if hits[i].label == "COVERAGE" and hits[i].start == coverage[0]:
                hits[i] = Hit("COVERAGE", coverage[0], coverage[1])
                break


def _sentence_parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Non-empty trimmed pieces of [start, end) split at 。 and ;, which end a value."""
    return _split_parts(_SENTENCE_END_RE, text, start, end)


def _item_parts(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The service items in [start, end): one per restriction, so `含A,不含B` gives two items.

    A comma splits only before a new 含/不含/仅限: in `不含A,B` the B is still excluded.
    """
    for a, b in _split_parts(_ITEM_SEPARATOR_RE, text, start, end):
        a, b = _unbracket(text, a, b)
        if a < b and has_value(text[a:b]):
            yield a, b


def _split_parts(separator: re.Pattern[str], text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    pos = start
    for match in separator.finditer(text, start, end):
        a, b = _trim(text, pos, match.start())
        if a < b:
            yield a, b
        pos = match.end()
    a, b = _trim(text, pos, end)
    if a < b:
        yield a, b


def _unbracket(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the brackets around the whole of it: (不含X) -> 不含X."""
    start, end = _trim(text, start, end)
    if end - start >= 2 and text[start] == "(" and text[end - 1] == ")" and "(" not in text[start + 1:end - 1]:
        return _trim(text, start + 1, end - 1)
    return start, end


# -- tables and notes ----------------------------------------------------------------------------


def _shareholders(layout: Layout) -> list[Hit]:
    """Rows of the shareholder table: name, ID number and share ratio cells.

    The table follows a line naming 股东 and 比例 or 证照号码 (its introduction or its header
    row); rows before the first one with a ratio or an ID number are header rows, and the first
    row with neither after it ends the table (OCR loses one of them now and then). A table that
    a tool wrote one cell a line (pdftotext) is read by its header: N column words, then rows of
    N cells.
    """
    text = layout.view.text
    hits: list[Hit] = []
    lines = layout.lines
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if not SHAREHOLDER_HEADER_RE.search(line.text) or layout.in_special(line.start):
            continue
        rows = 0
        while i < len(lines):
            row = lines[i]
            if row.kind == "blank":
                i += 1
                continue
            cells = _row_cells(text, row)
            if len(cells) < 2 or not any(_is_ratio(text[a:b]) or _ID_RE.fullmatch(text[a:b]) for a, b in cells):
                if rows or row.kind != "content":
                    break
                if len(cells) == 1 and (vertical := _cell_per_line_rows(layout, i)) is not None:
                    cell_rows, i = vertical
                    for cell_row in cell_rows:
                        hits += _shareholder_row(text, cell_row)
                    break
                i += 1
                continue  # a column header row
            rows += 1
            i += 1
            hits += _shareholder_row(text, cells)
    return hits


def _row_cells(text: str, row: Line) -> list[tuple[int, int]]:
    """A shareholder row's non-empty cells, without the marks OCR leaves at their edges."""
    delimiter = _ROW_CELL_RE if _ROW_CELL_RE.search(row.text.strip()) else _SPACE_RE
    cells = []
    for a, b in _split_row(text, row, delimiter):
        while a < b and text[a] in _CELL_EDGE_MARKS:
            a += 1
        a, b = _trim(text, a, b, " " + _CELL_EDGE_MARKS)
        if a < b:
            cells.append((a, b))
    return cells


def _is_ratio(cell: str) -> bool:
    return read_value("SHARE_RATIO", cell) is not None


def _shareholder_row(text: str, cells: list[tuple[int, int]]) -> list[Hit]:
    """The hits of one row's cells: its ratio, ID numbers, and its name: the cell just before the
    ID number, else the first cell that is not a row number (OCR misreads the row number 1 as
    王 or UL, so a cell before the name is no name)."""
    hits = []
    kinds = ["ratio" if _is_ratio(text[a:b]) else "id" if _ID_RE.fullmatch(text[a:b]) else
             "number" if _ROW_NUMBER_RE.fullmatch(text[a:b]) else "other" for a, b in cells]
    name = next((k - 1 for k, kind in enumerate(kinds) if kind == "id" and k and kinds[k - 1] == "other"),
                kinds.index("other") if "other" in kinds else None)
    for k, (kind, (a, b)) in enumerate(zip(kinds, cells)):
        if kind == "ratio":
            hits.append(Hit("SHARE_RATIO", a, b))
        elif kind == "id":
            hits.append(Hit("SHAREHOLDER_ID", a, b))
        elif k == name:
            hits.append(Hit("SHAREHOLDER", a, b))
    return hits


# A column word of the shareholder table's header: 序号, 股东名称, 证照号码, 出资比例 …
_SHAREHOLDER_COLUMN_RE = re.compile(r"(?:序\s*号|股\s*东|名\s*称|姓\s*名|证\s*[照件]|号\s*码|出\s*资|比\s*例|\s)+")


def _cell_per_line_rows(layout: Layout, i: int) -> tuple[list[list[tuple[int, int]]], int] | None:
    """A table written one cell a line from line i: its rows of cells and the line after them,
    or None where lines i… are not N header words followed by rows of N cells with one ratio each."""
    text = layout.view.text
    cells = _one_cell_lines(layout, i, split_at_spaces=True)
    columns = 0
    while columns < len(cells) and _SHAREHOLDER_COLUMN_RE.fullmatch(text[slice(*cells[columns][1])]):
        columns += 1
    if columns < 2:
        return None
    rows = []
    k = columns
    while k + columns <= len(cells):
        row = [cell for _, cell in cells[k:k + columns]]
        if sum(1 for a, b in row if _is_ratio(text[a:b])) != 1:
            break
        rows.append(row)
        k += columns
    return (rows, cells[k - 1][0] + 1) if rows else None


def _one_cell_lines(layout: Layout, i: int, split_at_spaces: bool, most: int | None = None
                    ) -> list[tuple[int, tuple[int, int]]]:
    """(line index, trimmed cell) of the lines from i on that hold one cell each (blank lines
    skipped), up to the first that holds more, or page furniture, or `most` cells. A tab or a run
    of spaces separates cells; with `split_at_spaces` a single space does too, and empty cells
    do not count."""
    text = layout.view.text
    cells: list[tuple[int, tuple[int, int]]] = []
    for j in range(i, len(layout.lines)):
        line = layout.lines[j]
        if line.kind not in ("blank", "content") or (most is not None and len(cells) >= most):
            break
        if line.kind == "blank":
            continue
        delimiter = _delimiter(line.text)
        if split_at_spaces:
            line_cells = [(a, b) for a, b in _split_row(text, line, delimiter or _SPACE_RE) if a < b]
        else:
            line_cells = [] if delimiter else [_trim(text, line.start, line.end, " ")]
        if len(line_cells) != 1:
            break
        cells.append((j, line_cells[0]))
    return cells


def _inspections(layout: Layout) -> list[Hit]:
    """Annual inspection entries: 你公司 2002 年度年检合格 … 2003 年 4 月 1 日."""
    text = layout.view.text
    hits = []
    for match in _INSPECTION_RE.finditer(text):
        if layout.in_special(match.start()):
            continue
        hits.append(Hit("INSPECTION_YEAR", *match.span("year")))
        hits.append(Hit("INSPECTION_RESULT", *match.span("result")))
        # The stamp date follows the entry, before the next entry or table cell begins.
        following = _INSPECTION_ENTRY_END_RE.search(text, match.end(), match.end() + 120)
        window_end = following.start() if following else min(len(text), match.end() + 120)
        date = DATE_RE.search(text, match.end(), window_end)
        if date and normalize_date(date.group(0)):
            hits.append(Hit("INSPECTION_DATE", *date.span()))
    return hits


# -- a front page whose label column a tool dropped ------------------------------------------------

# A line of the front page that may be a value: no sentence punctuation (the preamble), one cell.
_PERSON_RE = re.compile(r"[\u4e00-\u9fff·]{2,4}")
_COMPANY_END_RE = re.compile(r"公\s*司$")
# A service item without its label says what it is: a restriction (含…, 不含…) or a service (…业务, …服务).
_SERVICE_END_RE = re.compile(r"(?:业\s*务|服\s*务)$")
_ADDRESS_RE = re.compile(r"[省市县区]\S*[路街道号座楼室]|[路街道]\S*[号座楼室]")
# A business type as a front page prints it, its category first (第二类增值电信业务中的…), whose
# category OCR may have misread (第三类).
_BUSINESS_LINE_RE = re.compile(r"^第\s*\S\s*类\s*增\s*值\s*电\s*信\s*业\s*务")
# The front page reads by shape only where at most this many of its values were read by labels.
_MOST_LABELLED = 1


def _unlabelled_front_page(layout: Layout, labels: list[LabelHit], hits: list[Hit]) -> list[Hit]:
    """The values of a front page whose label column a tool dropped (Tesseract over a bordered
    table: the values one a line, no labels), read by their shape in the order the front page
    prints them: company (…公司), legal representative (a short name), capital (an amount),
    address (…路…号), then business types, each with its service items and coverage, then the
    signer (a short name), the issue date and the expiry date (two dates, the first earlier).

    Read only where the front page shows at most _MOST_LABELLED labelled value, and only for the
    fields nothing else filled: where labels are printed, they say which value is which.
    """
    text = layout.view.text
    page = _front_page_lines(layout)
    if not page:
        return []
    labelled = [h for h in hits if h.label != "LICENSE_NO" and page[0].start <= h.start < page[-1].end]
    if len(labelled) > _MOST_LABELLED:
        return []
    found = {hit.label for hit in hits}
    label_starts = {layout.line_index(h.start) for h in labels}
    values = []
    for line in page:
        if layout.line_index(line.start) in label_starts or _delimiter(line.text):
            continue
        a, b = _trim(text, line.start, line.end)
        if a < b and not _SENTENCE_PUNCTUATION_RE.search(text, a, b):
            values.append((a, b))
    out: list[Hit] = []
    dates = [(a, b) for a, b in values if normalize_date(text[a:b]) and DATE_RE.fullmatch(text, a, b)]
    business_seen = False
    for a, b in values:
        value = text[a:b]
        if (a, b) in dates:
            continue
        place = bool(_COVERAGE_RE.search(value))
        if _BUSINESS_LINE_RE.match(value) and parse_business(value) is not None:
            if "BUSINESS" not in found:
                out.append(Hit("BUSINESS", a, b))
            business_seen = True
        elif business_seen:
            if "BUSINESS" in found:
                continue
            if place and not _RESTRICTION_RE.match(value):
                out.append(Hit("COVERAGE", a, b))
            elif _PERSON_RE.fullmatch(value):
                out += [Hit("SIGNER", a, b)] if "SIGNER" not in found else []
            elif _RESTRICTION_RE.match(value) or _SERVICE_END_RE.search(value):
                out.append(Hit("SERVICE_ITEM", a, b))
        elif _COMPANY_END_RE.search(value):
            label = "COMPANY"
            out += [Hit(label, a, b)] if label not in found else []
        elif gives_value("CAPITAL", value):
            out += [Hit("CAPITAL", a, b)] if "CAPITAL" not in found else []
        elif _PERSON_RE.fullmatch(value) and not place:
            out += [Hit("LEGAL_REP", a, b)] if "LEGAL_REP" not in found else []
        elif _ADDRESS_RE.search(value):
            out += [Hit("ADDRESS", a, b)] if "ADDRESS" not in found else []
        found |= {hit.label for hit in out if hit.label not in BUSINESS_LABELS}
    if len(dates) == 2 and normalize_date(text[slice(*dates[0])]) < normalize_date(text[slice(*dates[1])]):
        out += [Hit(label, *span) for label, span in zip(("ISSUE_DATE", "EXPIRY_DATE"), dates) if label not in found]
    return out


def _front_page_lines(layout: Layout) -> list[Line]:
    """The lines of the front page: after the title and page header that open it, to the next
    page break or the 特别规定事项."""
    lines = layout.lines
    i = 0
    while i < len(lines) and lines[i].kind != "content":
        i += 1
    page = []
    for line in lines[i:]:
        if line.kind in ("title", "page_header", "furniture") or layout.in_special(line.start):
            break
        if line.kind in ("content", "signature"):
            page.append(line)
    return page


def _change_notes(layout: Layout) -> list[Hit]:
    """Earlier licence numbers from change notes: B1-20060088 变更为 B1-20070275."""
    text = layout.view.text
    hits = []
    for line in layout.lines:
        if not CHANGE_NOTE_RE.search(line.text):
            continue
        for match in _CHANGE_PAIR_RE.finditer(text, line.start, line.end):
            hits.append(Hit("PREV_LICENSE_NO", *match.span("old")))
    return hits
