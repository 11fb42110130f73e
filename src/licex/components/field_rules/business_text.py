"""Business types with their service items and coverage, read from one stretch of the view: a
business block (business_block) or a table cell under a 业务种类 column (column_tables)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from licex.fields.labels import LabelWords
from licex.fields.normalize import BUSINESS_NAME_RE
from licex.text.chars import LIST_MARK, PROVINCES, spaced
from licex.fields.values import coverage_goes_on, has_value, other_value_re, without_wrapped_labels
from licex.components.field_rules.hits import Hit
from licex.components.field_rules.parts import (
    COVERAGE_RE,
    NOTE_RE,
    RESTRICTION_BEFORE_RE,
    RESTRICTION_RE,
    SEE_ATTACHMENT_RE,
    item_parts,
    sentence_parts,
    trim_value,
)


@dataclass(frozen=True)
class BlockPatterns:
    """What a business block is read with: its labels' words, business names, brackets, numbering."""

    token_re: re.Pattern[str]
    # A label that starts with 业务 may complete a business name ending the line before (信息服务 /
    # 业务覆盖范围), which OCR-tolerant name matching would read as 信息服务业务.
    label_at_line_start_re: re.Pattern[str]
    # A piece of a coverage label (业务覆盖范 / 围): a coverage cell's label, wrapped, printed
    # among its values, opens the next business's coverage as the whole label does.
    coverage_piece_re: re.Pattern[str]

    @classmethod
    def of(cls, words: LabelWords) -> BlockPatterns:
        # Spaces before a label are the text's before it (trimmed off it), never the label's: a
        # label that could start at any space of a run is searched for from each of them.
        token_re = re.compile(
            rf"(?P<items_label>(?:\([ \t]*)?(?:{words.alternatives('SERVICE_ITEM')})[ \t]*(?:\)[ \t]*)?:?"
            rf"|(?:{_cut_short(words, 'SERVICE_ITEM')})[ \t]*:)"
            rf"|(?P<coverage_label>(?:及[ \t]*)?(?:{words.alternatives('COVERAGE')})[ \t]*:?"
            rf"|(?:{_cut_short(words, 'COVERAGE')})[ \t]*:)"
            # (a label cell wrapped after its 及, 业务种类及 / 覆盖范围: the 及 is the label's)
            rf"|(?P<type_label>(?:{words.alternatives('BUSINESS')})(?:[ \t]*及(?=[ \t]*(?:\n|\Z)))?[ \t]*:?)"
            rf"|(?P<label_piece>{_label_pieces(words)})"
            rf"|(?P<business>{BUSINESS_NAME_RE.pattern})"
            rf"|(?P<note>{NOTE_RE.pattern})"
            # a bracket on one line, or a restriction's across a line break (OCR wraps a cell)
            # (a 不 at a line's end opens an exclusion whatever the next line starts with: a label
            # of the cell beside it, printed between (不 and 含A), read off the value by its reader)
            # (a restriction wrapped beside a label cell of three lines takes the cell's bracketed
            # middle line, or its first characters, into it: （仅限经营类电 / (服务项目) 子商务）,
            # （仅限互联网信息服 / (服务项 务）, or on one line as OCR reads the row: （仅限互联网（服务项目） 信息服务）)
            rf"|(?P<bracket>\([^()\n]{{1,80}}\)|\((?=\s*(?:不|含|仅\s*限))"
            rf"(?:[^()]|\n?[ \t]*\([ \t]*(?:{_items_heads(words)})(?:[ \t]*\))?){{1,120}}\))"
            r"|(?P<numbering>(?m:^[ \t]*(?:[一二三四五六七八九十]{1,3}[ \t]*[、.]|\d{1,2}[ \t]*[、.](?!\d))))"
            r"|(?P<newline>\n)"
        )
        business_words = [n for n in words.names_of("BUSINESS", "COVERAGE") if n.startswith("业务")]
        label_re = re.compile(r"\s*(?:" + ("|".join(map(spaced, business_words)) or "(?!)") + ")")
        coverage_names = words.names_of("COVERAGE")
        coverage_pieces = {piece for name in coverage_names for cut in range(1, len(name))
                           for piece in (name[:cut], name[cut:])}
        coverage_piece_re = re.compile(r"[\s()及]*(?:" + ("|".join(
            spaced(piece) for piece in sorted(coverage_pieces, key=len, reverse=True)) or "(?!)") + r")[\s()]*")
        return cls(token_re, label_re, coverage_piece_re)


def _items_heads(words: LabelWords) -> str:
    """A regex of the service-item label's names and their first characters (two at least), as
    OCR spaces them: what a wrapped label cell prints in brackets at a line's start."""
    heads = {name[:k] for name in words.names_of("SERVICE_ITEM") for k in range(2, len(name) + 1)}
    return "|".join(spaced(head) for head in sorted(heads, key=len, reverse=True)) or "(?!)"


def _label_pieces(words: LabelWords) -> str:
    """A regex of a piece of a label that wrapped in its cell, printed where the value lines beside
    it put it: a line that holds only a bracketed label's opening bracket and first characters, or
    its last characters and closing bracket, alone or before a cell gap ((服务项 / 目) of a label
    cell too narrow for (服务项目), printed by pdftotext -layout between the value lines beside it); a label's first
    characters (three at least: 业务覆盖 / 业务种 / 及覆盖范) at a line's start with its value after them or on
    the next line, and its last characters (范围, 围, 类) at a line's start, alone or before a cell
    gap (业务覆盖范 / 广东省 / 围; 业 务 覆 盖 全国 / 范围)."""
    names = [name for name in words.names_of("SERVICE_ITEM", "COVERAGE", "BUSINESS") if len(name) >= 2]
    heads = {name[:cut] for name in names for cut in range(1, len(name))}
    tails = {name[cut:] for name in names for cut in range(1, len(name))}
    alternation = lambda pieces: "|".join(spaced(piece) for piece in sorted(pieces, key=len, reverse=True))
    bare_heads = {head for head in heads if len(head) >= 3} - set(words.names_of("SERVICE_ITEM", "COVERAGE", "BUSINESS"))
    bare_tails = tails - set(names)
    gap = r"(?=[ \t]*$|\t|[ \t]{2,})"
    return (rf"(?m:^[ \t]*\([ \t]*(?:{alternation(heads)})[ \t]*$"
            rf"|^[ \t]*(?:{alternation(tails)})[ \t]*\){gap}"
            rf"|^[ \t]*(?:及[ \t]*)?(?:{alternation(bare_heads)})(?=[ \t]|$)"
            rf"|^[ \t]*(?:{alternation(bare_tails)}){gap})")


def _cut_short(words: LabelWords, label: str) -> str:
    """A regex alternation of the ends of a label's names that OCR may leave of it, at least two
    characters (盖范围 and 范围 of 业务覆盖范围, whose first characters a seal or a table rule
    took): read as the label where a colon follows, not as the start of its value."""
    names = words.names_of(label)
    ends = {name[cut:] for name in names for cut in range(1, len(name) - 1)} - set(names)
    return "|".join(spaced(end) for end in sorted(ends, key=len, reverse=True)) or "(?!)"


def read_business_text(text: str, start: int, end: int, block: BlockPatterns) -> list[Hit]:
    """Business types with their service items and coverage, from [start, end) of the view.

    Printed as running text (`一、第一类…业务 / 服务项目: 不含… / 业务覆盖范围: 全国。`), as
    `业务种类: X (不含Y) / 业务覆盖范围: 全国`, or as a two-column table flattened so labels
    and values interleave (`业务种类 X / (服务项目) 机房所在地为… / 及覆盖范围: Z / 全国`). Free
    text is told apart by what it says: restrictions start with 含/不含/仅限, coverage names
    places; only text that is neither follows the last label seen. A bracketed note
    (【依法须经批准的项目…】, parts.NOTE_RE) ends a coverage and is read as nothing.
    """
    hits: list[Hit] = []
    business = False
    mode = None
    coverage: list[int] | None = None  # [start, end] of the coverage being read, open while adjacent
    coverage_label = False  # a coverage label read since the last coverage opened
    last_business = 0
    pos = start

    def free_text(a: int, b: int) -> None:
        nonlocal coverage, coverage_label
        for part_start, part_end in _value_parts(text, sentence_parts(text, a, b), mode == "items"):
            value = text[part_start:part_end]
            if not has_value(value) or SEE_ATTACHMENT_RE.search(value) or other_value_re().search(value):
                continue  # (nor is another field's value: 二〇二四年五月, a date cell wrapped into the block)
            if RESTRICTION_RE.match(value) or (mode == "items" and not COVERAGE_RE.search(value)):
                hits.extend(Hit("SERVICE_ITEM", *part) for part in item_parts(text, part_start, part_end))
                coverage = None
                continue
            part_end = _with_list_mark(text, part_end, b)
            if coverage is not None and _next_coverage(text, coverage, part_start):
                coverage = _close(hits, coverage)
                coverage = [part_start, part_end]
                hits.append(Hit("COVERAGE", part_start, part_end))
            elif coverage is not None:
                coverage[1] = part_end
            if coverage is not None:
                continue
            goes_on = _coverage_continues(text, hits) or text[part_start] == LIST_MARK
            if (not any(h.label == "COVERAGE" for h in hits[last_business:]) or goes_on or coverage_label
                    or _businesses_waiting(hits)):
                # (a coverage label's value after another coverage: the coverage cell of several
                # businesses, one a line, with its label printed level with a line in its middle;
                # an earlier coverage of the business that names no place was none: a stray
                # character, a date cell's piece, a misread restriction)
                if coverage_label and not goes_on and COVERAGE_RE.match(text, part_start, part_end):
                    hits[last_business:] = [h for h in hits[last_business:]
                                            if h.label != "COVERAGE" or _names_places(text[h.start:h.end])]
                coverage, coverage_label = [part_start, part_end], False
                hits.append(Hit("COVERAGE", part_start, part_end))  # replaced by its final extent below

    scan = start
    while (match := block.token_re.search(text, scan, end)) is not None:
        kind = match.lastgroup
        scan = match.end()
        if kind in _LABEL_KINDS and (reached := _reached_back(text, match)) is not None:
            scan = reached
            continue
        if kind == "business":
            newline = text.find("\n", match.start(), match.end())
            if newline >= 0 and block.label_at_line_start_re.match(text, newline + 1):
                scan = newline  # not a name: the label of the next line completed it
                continue
            if RESTRICTION_BEFORE_RE.search(text, pos, match.start()):
                continue  # 仅限国内呼叫中心业务: the object of a restriction, read as its text
        if kind == "newline" and business and RESTRICTION_BEFORE_RE.search(text, pos, match.start()):
            label = block.token_re.match(text, match.end() + len(text[match.end():end]) - len(
                text[match.end():end].lstrip(" \t")))
            if label is not None and label.lastgroup in (*_LABEL_KINDS, "label_piece"):
                # A line of the label cell beside the value printed between a restriction and
                # its object (不含 / (服务项目)信息搜索查询服务、…): the restriction goes on past the
                # label, which its value's reader takes off (values.without_wrapped_labels); read
                # as a label, it would make the excluded services permitted ones.
                scan = label.end()
                continue
        if business and match.start() > pos:
            free_text(pos, match.start())
        pos = match.end()
        if kind == "note":
            coverage = _close(hits, coverage)  # a note after the list (【依法须经批准的项目…】) ends it
            continue
        if kind == "newline":
            if coverage is not None and text[match.end():match.end() + 1] == "\n":
                coverage = _close(hits, coverage)  # a blank line ends it
            continue
        if kind == "bracket":
            inner_start, inner_end = trim_value(text, match.start() + 1, match.end() - 1)
            inner = text[inner_start:inner_end]
            if not business or SEE_ATTACHMENT_RE.search(inner) or re.fullmatch(r"B[12]\d", inner):
                continue
            if RESTRICTION_RE.match(without_wrapped_labels(inner)) or (mode == "items" and coverage is None):
                coverage = _close(hits, coverage)
                hits.extend(Hit("SERVICE_ITEM", *part) for part in item_parts(text, inner_start, inner_end))
            elif coverage is not None:
                coverage[1] = match.end()  # a bracket inside the coverage: 17 省(直辖市)
            continue
        if kind == "label_piece" or business and kind in _LABEL_KINDS and _wrapped_label_part(text, match):
            # A part of a label wrapped in its cell, printed between the values beside it: it ends
            # the line of coverage before it, and a piece of the coverage label opens the next coverage.
            coverage = _close(hits, coverage)
            coverage_label = coverage_label or block.coverage_piece_re.fullmatch(match.group()) is not None
            continue
        coverage = _close(hits, coverage)
        if kind == "business":
            hits.append(Hit("BUSINESS", *trim_value(text, match.start(), match.end())))
            last_business = len(hits) - 1
            business = True
            mode = None
        elif kind == "items_label":
            mode = "items"
        elif kind == "coverage_label":
            mode, coverage_label = "coverage", True
    if business and pos < end:
        free_text(pos, end)
    _close(hits, coverage)
    return _repeated_places_apart(text, hits)


_LABEL_KINDS = frozenset({"items_label", "coverage_label"})


def _value_parts(text: str, parts: Iterator[tuple[int, int]], items: bool) -> Iterator[tuple[int, int]]:
    """The parts, where service items are read, with a part that ends in a coverage past a space
    split there: a service item cell and its coverage cell on one line (`服务项目：网络/电子设备数据处理业务
    甘肃省`), the item naming no place and the coverage starting with one. Elsewhere each part is
    split at its gaps after a whole place before another, and before a 全国 that follows one: a coverage cell's lines run
    together (`全国 重庆、…16省(自治区、直辖市) 上海1直辖市以及…5城市全国`), which the coverage
    reading takes apart where a coverage ends and the next starts (_next_coverage), and joins
    elsewhere."""
    for a, b in parts:
        if items:
            gap = next(reversed(list(re.finditer(r"[ \t]+", text[a:b]))), None)
            if gap is not None and not COVERAGE_RE.search(text, a, a + gap.start()) and COVERAGE_RE.match(text, a + gap.end(), b):
                yield a, a + gap.start()
                yield a + gap.end(), b
            else:
                yield a, b
            continue
        pos = a
        for gap in _COVERAGE_GAP_RE.finditer(text, a, b):
            if not (COVERAGE_RE.match(text, gap.end(), b) or _province_list_re().match(text, gap.end(), b)):
                continue  # (no place after it: 仅限互联网(服务项目) 信息服务)
            if gap.start() > pos:
                yield pos, gap.start()
            pos = gap.end()
        if pos < b:
            yield pos, b


# A gap after a whole place's last character (省, 市, 自治区, 全国, 境内, a bracket), or a 全国 right after one.
_COVERAGE_GAP_RE = re.compile(r"(?<=[省市区国内)])[ \t]+|(?<=[省市区])(?=全国)")


def _reached_back(text: str, match: re.Match[str]) -> int | None:
    """Where to read a label from again that reached back over a gap into the word before it
    (`数据处理业务 覆盖范围：`, `信息服务 覆盖范围：`, a cell's lines joined by a space: a label
    name read over the gap takes 业务 or 务 off the service item), or None. A label that starts
    right after a Han character and holds a gap, without being letter-spaced (业 务 覆 盖 范
    围), is read again from past its first gap."""
    label = match.group().rstrip(" \t:")
    gap = re.search(r"[ \t]+", label)
    if gap is None or match.start() == 0 or not "\u4e00" <= text[match.start() - 1] <= "\u9fff":
        return None
    return match.start() + gap.end() if re.search(r"[^\s()][^\s()]", label) else None


def _wrapped_label_part(text: str, match: re.Match[str]) -> bool:
    """Whether a label is a part of a label cell that wrapped (业务种类 / (服务项目) / 及覆盖范围)
    printed on a line of its own between the value lines beside it, as pdftotext -layout prints a
    two-column table: alone on its line, and a later line of a wrapped label, bracketed or going
    on with 及 (a label alone on its line otherwise, 服务项目 or 业务覆盖范围, has its value on
    the lines after it). Such a part says nothing about the value lines around it: a coverage cut
    at its line's end (…6城 / (服务项目) / 市) goes on past it."""
    label = match.group().strip()
    line_start = text.rfind("\n", 0, match.start()) + 1
    line_end = text.find("\n", match.end())
    line_end = len(text) if line_end < 0 else line_end
    alone = not text[line_start:match.start()].strip() and not text[match.end():line_end].strip()
    return alone and (label.startswith("(") and label.endswith(")") or label.startswith("及"))


# A list that goes on: a coverage cut after 、 (or before it) continues in the next coverage
# text, wherever a tool put it (a wrapped cell whose label is printed level with its second line
# comes out as `…哈尔滨、 / 业务覆盖范围 南京…`). The 、 stays on its part so the fold joins them.
def _with_list_mark(text: str, end: int, limit: int) -> int:
    """`end`, or just past a 、 that follows it (spaces between): the mark of a list that goes on."""
    pos = end
    while pos < limit and text[pos] in " \t":
        pos += 1
    return pos + 1 if pos < limit and text[pos] == LIST_MARK else end


# A coverage that names a whole place at its end (山东省, 全国, 17省(直辖市)): the line after it,
# if it names places too, is the coverage of the next business (a value cell printed apart from
# the names, one line a business), not the rest of this one.
_WHOLE_PLACE_END_RE = re.compile(r"(?:省|市|自治区|特别行政区|全国|境内|\))$")


def _next_coverage(text: str, coverage: list[int], start: int) -> bool:
    """Whether the coverage text at `start` is a coverage of its own after the open `coverage`:
    on a line of its own or past a gap, after a coverage that does not go on (values.coverage_goes_on), and
    naming places itself: after a coverage that ends in a whole place, or starting with a list of
    provinces (机房所在地为乌鲁木齐、兰州 / 重庆、山西…10省: a list cut inside a name leaves no
    province's whole name at the next line's start, and one cut between names a 、 at the cut)."""
    covered = re.sub(r"\s+", "", text[coverage[0]:coverage[1]])
    return (("\n" in text[coverage[1]:start] or not text[coverage[1]:start].strip())
            and not coverage_goes_on(covered) and (
        bool(_WHOLE_PLACE_END_RE.search(covered)) and bool(COVERAGE_RE.match(text, start))
        or bool(_province_list_re().match(text, start))))


@lru_cache(maxsize=1)
def _province_list_re() -> re.Pattern[str]:
    """A list of places that starts with a province's name as coverage lists print it (重庆、, 重庆10省)."""
    names = sorted((province.short for province in PROVINCES), key=len, reverse=True)
    return re.compile(r"(?:" + "|".join(map(spaced, names)) + r")[ \t]*(?:、|\d)")


def _businesses_waiting(hits: list[Hit]) -> bool:
    """Whether businesses named one after another, their coverages printed after them all (a
    value cell apart from the names, one a line: pdftotext puts blank lines between them), have
    fewer coverages read than there are businesses: the next coverage text is the next one's."""
    coverages = businesses = 0
    k = len(hits) - 1
    while k >= 0 and hits[k].label != "BUSINESS":
        coverages += hits[k].label == "COVERAGE"
        k -= 1
    while k >= 0 and hits[k].label != "COVERAGE":
        businesses += hits[k].label == "BUSINESS"
        k -= 1
    return coverages < businesses


def _names_places(coverage: str) -> bool:
    """Whether a coverage names places: a place word, a list (、) or a count (10城市)."""
    return bool(COVERAGE_RE.search(coverage)) or LIST_MARK in coverage or any(c.isdigit() for c in coverage)


def _coverage_continues(text: str, hits: list[Hit]) -> bool:
    """Whether the last coverage read goes on (values.coverage_goes_on): it ends in 、, inside the
    unit of its last counted group (…西安6城 / 市), or before its count (…以及永安、银 / 川、…7城市)."""
    last = next((h for h in reversed(hits) if h.label in ("COVERAGE", "BUSINESS")), None)
    return last is not None and last.label == "COVERAGE" and coverage_goes_on(text[last.start:last.end])


# One whole place printed again and again with nothing between (山东省山东省山东省): the coverage
# cells of several businesses that a reading ran together, one a business (no coverage lists a
# place twice).
_REPEATED_PLACE_RE = re.compile(r"(?P<place>[^\s、,;]+?(?:省|市|自治区|特别行政区))(?:[ \t]*(?P=place))+")


def _repeated_places_apart(text: str, hits: list[Hit]) -> list[Hit]:
    """The hits with each coverage that repeats one place (_REPEATED_PLACE_RE) read as a coverage
    a repetition, for the fold to give one to each business in order."""
    out = []
    for hit in hits:
        repeated = _REPEATED_PLACE_RE.fullmatch(text, hit.start, hit.end) if hit.label == "COVERAGE" else None
        if repeated is None:
            out.append(hit)
            continue
        place = re.compile(re.escape(repeated.group("place")))
        out += [Hit("COVERAGE", *m.span()) for m in place.finditer(text, hit.start, hit.end)]
    return out


def _close(hits: list[Hit], coverage: list[int] | None) -> None:
    """Give the open coverage its final extent; returns None so callers can reset it in one line."""
    if coverage is not None:
        for i in range(len(hits) - 1, -1, -1):
            if hits[i].label == "COVERAGE" and hits[i].start == coverage[0]:
                hits[i] = Hit("COVERAGE", coverage[0], coverage[1])
                break
