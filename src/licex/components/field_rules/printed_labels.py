"""The field labels printed on a licence (patterns/field_labels.jsonl, spaced-out forms included),
where they stand as labels: at a line start, or mid-line where a one-line header or the next table
cell starts (or where a header run together goes on with its next `label:`), never inside running
text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from licex.fields.labels import BUSINESS_LABELS, ENTITY_LABELS, LabelWords
from licex.text.layout import Layout
from licex.text.chars import spaced, without_whitespace
from licex.components.field_rules.hits import LabelHit

_COLON = r"[ \t]*[:][ \t]*"
_WRAPPED_GAP = r"[ \t]*\n?[ \t]*"
_SPACED_GAP = r"[ \t]?"
_AFTER_WORD_RE = re.compile(r"\S\S[ ]$")
# A line break, maybe with a blank line after it (pdftotext prints one between a cell's lines):
# 法定代 / / 向秀芳 / / 表人.
_LINE_GAP = r"[ \t]*\n(?:[ \t]*\n)?[ \t]*"
# What parts the cells of a row: a tab or a run of spaces.
_CELL_GAP_RE = re.compile(r"\t|[ ]{2,}")


def _single_value(label: str | None) -> bool:
    """Whether a label names a value of its own (the capital), not a table's column (网站名称)."""
    return label is not None and "." not in ENTITY_LABELS[label].field


class PrintedLabels:
    def __init__(self, words: LabelWords) -> None:
        self.label_of = words.label_of
        alternatives = "|".join(spaced(name) for name, _, _ in words.entries)
        self._label_re = re.compile(rf"(?P<name>{alternatives})(?P<colon>{_COLON})?")
        # A label of a header run together that a tool wrapped mid-label (法定代表人:周明远注 /
        # 册资本:…): three characters or more, a line break inside, its colon after.
        wrapped = "|".join(_WRAPPED_GAP.join(map(re.escape, name)) for name, _, _ in words.entries if len(name) >= 3)
        self._wrapped_re = re.compile(rf"(?P<name>{wrapped}){_COLON}")
        # A label a narrow cell wrapped around its value's first line (法 定 代 表 梁静 / 人, or
        # 法定代 / 梁静 / 表人, maybe a blank line between, or the row of another label's field
        # printed before the rest: 法 定 代 表 梁静 / 公 司 名 称 X / 人): its first characters at a line or cell start, the value after them
        # or on the next line, the rest of the label alone on the line after the value.
        # (Not the business block's labels: its reader reads their wrapped cells.)
        split = [name for name, label, _ in words.entries if len(name) >= 3 and label not in BUSINESS_LABELS]
        heads = {name[:k] for name in split for k in range(2, len(name))}
        tails = {name[k:] for name in split for k in range(2, len(name))}
        self._split_re = re.compile(
            rf"(?:(?<![^\n])[ \t]*|(?<=\t)|(?<=[ ]{{2}}))(?P<head>{_alternatives(heads)})(?:[ \t]+|{_LINE_GAP})(?=\S)"
            rf"[^\n]*\S{_LINE_GAP}(?:(?:{alternatives})[^\n]*\n[ \t]*)?(?P<tail>{_alternatives(tails)})[ \t]*(?=\n|$)")
        # The business label wrapped around its value's first line the same way (业务种 / X / 类,
        # or 业务种 X / 类 Y): only its head is a label, where the business block starts; the block
        # reads the rest as a label piece.
        business = [name for name, label, role in words.entries if label == "BUSINESS" and role is None]
        business_heads = {name[:k] for name in business for k in range(3, len(name))}
        business_tails = {name[k:] for name in business for k in range(3, len(name))}
        self._business_split_re = re.compile(
            rf"(?<![^\n])[ \t]*(?P<head>{_alternatives(business_heads)})(?:[ \t]+|[ \t]*\n[ \t]*)(?=\S)"
            rf"[^\n]*\S[ \t]*\n[ \t]*(?P<tail>{_alternatives(business_tails)})(?=[ \t]*(?:\n|$)|\t|[ ]{{2}})")
        # A label wrapped at a line end, its rest alone on the next line, its value after it
        # (法定代表 / 人 / 杨浩; 易动力网络有限公司 法 定 代 / 表 人 / 向秀芳).
        self._wrapped_alone_re = re.compile(
            rf"(?:(?<![^\n])[ \t]*|(?<=[ \t]))(?P<head>{_alternatives(heads)})[ \t]*\n[ \t]*"
            rf"(?P<tail>{_alternatives(tails)})[ \t]*(?=\n|$)")
        # The label cells of a row wrapped around the row's line: their heads alone on the line
        # above, their tails alone on the line below (法定代表 / 公司名称  X  杨杰 / 人).
        self._head_re = re.compile(_alternatives(heads))
        self._tail_re = re.compile(_alternatives(tails))

    def find(self, layout: Layout) -> list[LabelHit]:
        """The labels of the layout's view, in text order."""
        text = layout.view.text
        found = []
        for match in self._label_re.finditer(text):
            start = match.start()
            line_start = text.rfind("\n", 0, start) + 1
            before = text[line_start:start]
            colon = bool(match.group("colon"))
            name = without_whitespace(match.group("name"))
            label = self.label_of[name]
            if before.strip(" \t*-·>"):
                # Mid-line: a one-line header or the next table cell (markdown pads cells with
                # spaces), never running text. Without a colon or a cell boundary, only a long
                # label printed whole and standing apart (公司名称 X 法定代表人 Y) is one: Chinese
                # running text has no spaces around its words, or (OCR'd) between every character.
                cell_start = before.rstrip(" ").endswith("\t")
                after = text[match.end():match.end() + 1]
                standing_apart = (len(name) >= 4 and match.group("name") in (name, " ".join(name))
                                  and (after in (" ", "\t", "(") or after in ("\n", "") and _single_value(label)))
                # (or before the bracket of a label in parts, 业务种类(服务项目)及覆盖范围, or, a
                # front-page field's, at the line's end, its value on the next line: 法 定 代 表 人
                # 刘宁 注 册 资 本 / 人 民 币 …; a table's column word there heads its column)
                # (spaced out, 法 定 代 表 人, only after a value that is not: OCR spaces every
                # character of running text alike)
                standing_apart = standing_apart and (match.group("name") == name or _AFTER_WORD_RE.search(before))
                # A one-line header run together (公司名称:X法定代表人:Y注册资本:Z, where a producer
                # drew its fields apart by position alone): a label of three characters or more with
                # its colon, after a label with its colon on the same line, is the next field.
                run_on = (colon and len(name) >= 3 and bool(found) and found[-1].start >= line_start
                          and text[found[-1].start:found[-1].value_start].rstrip(" \t").endswith(":"))
                if not (before[-1:] in " \t" and (colon or cell_start or before.endswith("  ") or standing_apart)
                        or run_on):
                    continue
            elif len(name) == 1 and not colon:
                continue  # 注 at a line start is a note only with its colon
            if layout.in_special(start) and not (label == "LICENSE_NO" and layout.line_at(start).kind == "page_header"):
                continue
            found.append(LabelHit(label, start, match.end()))
        wrapped = self._wrapped(text, found) + self._split(layout) + self._wrapped_alone(layout) + self._row_split(layout)
        starts = {hit.start for hit in wrapped}
        # A wrapped label replaces a shorter one read at its start (注 of 注册 / 资本:).
        return sorted([hit for hit in found if hit.start not in starts] + wrapped, key=lambda hit: hit.start)

    def _split(self, layout: Layout) -> list[LabelHit]:
        """Labels wrapped around the first line of their value (法 定 代 表 梁静 / 人): the value
        starts after the label's first characters and ends where the rest of the label stands."""
        hits = []
        text = layout.view.text
        for match, label in self._head_tail_labels(self._split_re, layout):
            value_start = match.end("head")
            value_start += len(text[value_start:]) - len(text[value_start:].lstrip())
            hits.append(LabelHit(label, match.start("head"), value_start))
            # the rest of the label ends the value: no part of a name or address that wraps
            hits.append(LabelHit(None, match.start("tail"), match.end("tail")))
        for match in self._business_split_re.finditer(text):
            name = without_whitespace(match.group("head") + match.group("tail"))
            if name in self.label_of and not layout.in_special(match.start("head")):
                value_start = match.end("head")
                value_start += len(text[value_start:]) - len(text[value_start:].lstrip())
                hits.append(LabelHit(self.label_of[name], match.start("head"), value_start))
        return hits

    def _wrapped_alone(self, layout: Layout) -> list[LabelHit]:
        """Labels wrapped at a line end whose rest stands alone on the next line: the value follows
        on the lines after it."""
        return [LabelHit(label, match.start("head"), match.end("tail"))
                for match, label in self._head_tail_labels(self._wrapped_alone_re, layout)]

    def _head_tail_labels(self, pattern: re.Pattern[str], layout: Layout) -> Iterator[tuple[re.Match[str], str]]:
        """Each match of `pattern` whose `head` and `tail` make a label, outside the 特别规定事项,
        with the label's field. A head and tail of two labels (公 司 名 … 人) is none; a label's head
        may start later on the same line (公 司 名 称 X  法 定 代 表 Y / 人), so the search goes on
        from the head's next character."""
        text = layout.view.text
        pos = 0
        while (match := pattern.search(text, pos)) is not None:
            name = without_whitespace(match.group("head") + match.group("tail"))
            pos = match.end() if name in self.label_of else match.start("head") + 1
            if name in self.label_of and not layout.in_special(match.start("head")):
                yield match, self.label_of[name]

    def _row_split(self, layout: Layout) -> list[LabelHit]:
        """The label cells of a row that a narrow label column wrapped around the row's line:
        heads alone on the line above, tails alone on the line below, the row's last cells their
        values in order (公司名 法定代 / X  杨杰 / 称 表人). Each label stands where its value
        starts; each tail ends the value before it."""
        hits = []
        text = layout.view.text
        lines = layout.lines
        for i in range(len(lines) - 2):
            above, row, below = lines[i], lines[i + 1], lines[i + 2]
            heads = _only(self._head_re, text, above.start, above.end)
            tails = _only(self._tail_re, text, below.start, below.end) if heads else None
            if not heads or not tails or len(heads) != len(tails) or layout.in_special(above.start):
                continue
            names = [without_whitespace(text[slice(*h)] + text[slice(*t)]) for h, t in zip(heads, tails)]
            cells = [(a, b) for a, b in layout.row_cells(row, _CELL_GAP_RE) if a < b]
            if not all(name in self.label_of for name in names) or len(cells) < len(names):
                continue
            for name, (a, _), tail in zip(names, cells[len(cells) - len(names):], tails):
                hits.append(LabelHit(self.label_of[name], a, a))
                hits.append(LabelHit(None, *tail))
        return hits

    def _wrapped(self, text: str, found: list[LabelHit]) -> list[LabelHit]:
        """Labels wrapped mid-label at the end of a line that holds a label with its colon before
        them (a header run together): the value before ends where the label starts, not after its
        first characters."""
        hits = []
        for match in self._wrapped_re.finditer(text):
            start = match.start()
            if "\n" not in match.group("name") or any(
                    hit.start < start < hit.value_start or hit.start == start and hit.value_start >= match.end()
                    for hit in found):
                continue
            line_start = text.rfind("\n", 0, start) + 1
            if line_start == start:
                continue  # at a line start: spaced() reads it
            header = [hit for hit in found if line_start <= hit.start < start]
            if header and text[header[-1].start:header[-1].value_start].rstrip(" \t").endswith(":"):
                hits.append(LabelHit(self.label_of[re.sub(r"\s", "", match.group("name"))], start, match.end()))
        return hits


def _only(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """The matches of `pattern` in [start, end), where they are all the line holds but blanks
    between cells (a tab or two spaces); else None."""
    spans = [m.span() for m in pattern.finditer(text, start, end)]
    pos = start
    for k, (a, b) in enumerate(spans):
        gap = text[pos:a]
        if gap.strip() or (k and not _CELL_GAP_RE.search(gap)):
            return None
        pos = b
    return spans if spans and not text[pos:end].strip() else None


def _alternatives(parts: set[str]) -> str:
    """A regex of any of `parts` as OCR spaces them, the longest first."""
    return "|".join(_SPACED_GAP.join(map(re.escape, part)) for part in sorted(parts, key=lambda p: (-len(p), p)))
