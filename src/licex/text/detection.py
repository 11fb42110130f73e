"""Whether a text is a value-added telecom licence, and where each licence of a text lies, decided
before any field is read.

A licence is a document of its own kind. It is headed by its title: a line that is the title
and nothing else (中华人民共和国增值电信业务经营许可证, maybe (附页) or 副本 after it), or the title
with a field label after it where a tool ran the lines together. Other documents talk about
licences too: a contract quotes one, an application or an annual report form repeats its fields,
an approval letter, a notice or a news item names it. Each of those is headed by a title of its
own that names its kind by its last word (…服务合同, …许可证申请表, …的批复, …的公告); a text
headed so is that kind of document, and such a heading after a licence ends the licence. So a
text is cut into segments at headings: a licence title with a number other than the current
licence's starts the next licence (a title with the same number, or none, is a page header or
an 附页 of the same licence), and another kind's heading starts a segment of that kind.

A licence segment is one when its printed form says so: anchors (a licence number, its label,
the sentence that grants it, the 特别规定事项, labelled fields) reach a threshold with a required
one among them, and what other documents print and a licence never does (甲方/乙方, 申请单位,
营业收入, 特此批复) weighs against it. Titles, anchors, kinds and weights are data
(data/licence_anchors.json).

Every pattern here is linear in the text: whitespace runs are tied to the literal before them,
never to two optional parts in a row, so 2,000 blank lines cost what 2,000 characters do.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import resources

from licex.text.hanzi import TRADITIONAL_TO_SIMPLIFIED
from licex.fields.normalize import BUSINESS_NAME_RE, LICENSE_NO_RE, normalize_license_no
from licex.text.chars import PROVINCES, spaced

# Anchors that name a pattern licex already has, rather than a regex of their own.
_NAMED_PATTERNS = {"LICENSE_NO": LICENSE_NO_RE, "BUSINESS_NAME": BUSINESS_NAME_RE}
LICENCE = "licence"
ANNEX = "annex"  # the required anchor an 附页 alone has in place of the grant (score_licence)
# Ｂ１－２００４６１９０ is B1-20046190: full-width ASCII folded one character for one (NFKC could
# change the length, and the offsets of a split must be the text's own). A form feed (a page
# break) starts a line as a line break does; a carriage return is a space, so that CRLF lines
# end where LF lines do.
_READING = {**TRADITIONAL_TO_SIMPLIFIED, **{code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)},
            0x3000: " ", ord("\f"): "\n", ord("\r"): " "}
# What a line may start with before its words: HTML tags, markdown marks, table bars, spaces.
_LINE_FURNITURE = re.compile(r"(?:<[^>\n]{0,80}>|&nbsp;|[#*|>]|[^\S\n])*")
_TRAILING_MARKS = " \t\u00a0#*|:："
# A heading is short and has no sentence in it, nor a list.
_SENTENCE_MARKS = re.compile(r"[。，,；;：:！!？?、]")
# What ends the last words of a document, after which another's heading may be glued: a sentence,
# or a label whose value was left blank (公司代表:).
_GLUE_AFTER = re.compile(r"[。！？；:：\t]")


@dataclass(frozen=True)
class Anchor:
    name: str
    weight: int
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Kind:
    """Another kind of document, known by the last words of its heading."""

    name: str
    described: str  # as messages call it: "a contract or agreement"
    heading_ends: tuple[str, ...]
    markers: re.Pattern[str]  # what it prints below its heading
    annex: bool = False  # also a page of a licence (its annual report record): ends no licence
    not_containing: tuple[str, ...] = ()
    refusal: str | None = None


@dataclass(frozen=True)
class Detection:
    is_licence: bool
    score: int
    found: tuple[str, ...]  # names of the anchors found
    kind: str | None = None  # the kind of document the text is headed as, when not a licence
    heading: str | None = None  # that heading's words
    # An 附页 alone: headed by the title with (附页), a number and no grant nor 特别规定事项 (its
    # front page may be another file: jobs.joining)
    annex_only: bool = False
    # Why the licence's extent is in doubt (another licence's number printed in it, a second front
    # page with none): its record's front-page fields need a person (consistency.one_licence).
    doubts: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """What a Doc carries of it (`doc._.licex_detection`): JSON, so that the Doc serialises."""
        return {"is_licence": self.is_licence, "doubts": list(self.doubts)}

    @property
    def refusal(self) -> str:
        """Why a text with no licence gets no record, in words."""
        if self.kind in _KIND and _KIND[self.kind].refusal:
            return _KIND[self.kind].refusal
        if self.kind in _KIND:
            return f"no licence found: the text is {_KIND[self.kind].described} ({self.heading}), not a licence"
        return "no licence found (no licence title or number with the words that grant a licence)"


@dataclass(frozen=True)
class Segment:
    """A stretch of a text that is one document: a licence, or another kind (`kind`)."""

    start: int
    end: int
    kind: str | None  # LICENCE, another kind's name, or None (no heading: what precedes any)
    detection: Detection

    @property
    def is_licence(self) -> bool:
        return self.detection.is_licence


def _load() -> dict:
    return json.loads(resources.files("licex").joinpath("data/licence_anchors.json").read_text("utf-8"))


_DATA = _load()
ANCHORS = [Anchor(a["name"], a["weight"], _NAMED_PATTERNS.get(a["pattern"]) or re.compile(a["pattern"]))
           for a in _DATA["anchors"]]
THRESHOLD: int = _DATA["threshold"]
REQUIRED = tuple(frozenset(group) for group in _DATA["required"])
_INTERRUPTIONS = [re.compile(pattern) for pattern in _DATA["interruptions"]]
_BASIC_NUMBER = re.compile(_DATA["basic"]["number"])
_BASIC_BUSINESS = re.compile(_DATA["basic"]["business"])
_VALUE_ADDED_BUSINESS = re.compile(_DATA["basic"]["value_added"])
_BASIC_GRANT = re.compile(_DATA["basic"]["grant"])
_VALUE_ADDED_GRANT = re.compile(_DATA["basic"]["value_added_grant"])
_GRANT = next(anchor.pattern for anchor in ANCHORS if anchor.name == "grant")
# How far around the grant's words its sentence is read (准许你公司…经营增值电信业务，特颁发…).
_GRANT_REACH = 80
BASIC = "basic_telecom_licence"
# The kind of the body of another document that interrupts a licence (its heading unknown).
_BODY = "document"
_FRONT_PAGE_ANCHORS = [anchor for anchor in ANCHORS if anchor.name in _DATA["front_page_anchors"]]
# What may stand before a number's codes: its province (京B2-…) and the ISP/ICP of older numbers.
_PROVINCE_CHARS = "".join(province.abbr for province in PROVINCES) + "ISP/C"
KINDS = tuple(Kind(k["kind"], k["name"], tuple(k["heading_ends"]), re.compile(k["markers"]), k.get("annex", False),
                   tuple(k.get("not_containing", ())), k.get("refusal")) for k in _DATA["kinds"])
_KIND = {kind.name: kind for kind in KINDS}
_HEADING_MIN = _DATA["heading_min_chars"]
_HEADING_MAX = _DATA["heading_max_chars"]
_MARKER_WINDOW = _DATA["marker_window"]
_HEADING_LINE_MAX = 4 * _HEADING_MAX  # a heading's line with its tags and decorations
_NEVER_IN_HEADING = tuple(_DATA["never_in_heading"])
_HEADING_END = re.compile("|".join(sorted({"[^\\S\\n]*".join(map(re.escape, end)) for kind in KINDS
                                            for end in kind.heading_ends}, key=len, reverse=True)))
_TITLE_WORDS = "|".join(spaced(title) for title in _DATA["titles"])
_PREFIXES = "".join(rf"(?:{spaced(prefix)}[^\S\n]*)?" for prefix in _DATA["title_prefixes"])
# The title anywhere; whether it heads a licence is decided by what stands around it on its line.
TITLE_RE = re.compile(rf"{_PREFIXES}(?:{_TITLE_WORDS})")
_DECORATIONS = re.compile(rf"(?:{_DATA['title_decoration']}|\s)*")
_NATION = re.compile(spaced(_DATA["title_prefixes"][0]))
_TITLE_TAIL = re.compile(r"许[^\S\n]*可[^\S\n]*证")
# How far before its 许可证 a title may start: its longest spelling (24 characters), each
# character spaced by OCR.
_TITLE_REACH = 80
_ANNEX = re.compile(_DATA["annex_decoration"])
_ANNEX_LINE = re.compile(rf"\n(?:[^\S\n]*\n){{0,3}}[^\S\n]*(?:[(（\[【][^\S\n]*)?(?:{_DATA['annex_decoration']})"
                         r"[^\S\n]*(?:[)）\]】][^\S\n]*)?(?:\n|$)")
# A field label straight after a title: the lines of a licence run together by a tool, or the
# line after a title glued to the end of the licence before it.
_LABEL_AFTER_TITLE = re.compile(r"(?:经\s*营\s*)?许\s*可\s*证\s*编\s*号|公\s*司\s*名\s*称|单\s*位\s*名\s*称")
_GLUED_LABEL = re.compile(rf"(?:{_LABEL_AFTER_TITLE.pattern})[^\S\n]*[:：]")
# How far after a labelled number the labels of its front page are looked for.
_FRONT_PAGE_REACH = 400
# How far along its line a title's neighbours are looked at.
_AROUND = 200
# Tags, &nbsp; and blanks between a label and its value. After the label's own blanks (`\s*`)
# it follows a colon, or starts with markup: blanks left to both would be split between them
# every way.
_MARKUP_OR_BLANKS = r"(?:<[^>\n]{0,80}>|&nbsp;|[^\S\n])*"
# A number as a licence prints its own: after the licence-number label at a line's start, or
# after the end of a sentence (a front page glued to the text before it), not a previous number
# (原经营许可证编号) nor one quoted in a sentence.
_LABELLED_NUMBER_RE = re.compile(
    r"(?m)(?:^|(?<=[。！？；:：\t]))(?:<[^>\n]{0,80}>|&nbsp;|[#*|>]|[^\S\n])*(?:经\s*营\s*)?许\s*可\s*证\s*编\s*号\s*"
    rf"(?:[:：]{_MARKUP_OR_BLANKS}|(?:<[^>\n]{{0,80}}>|&nbsp;){_MARKUP_OR_BLANKS})?(?P<number>{LICENSE_NO_RE.pattern})",
    LICENSE_NO_RE.flags)
# _LABELLED_NUMBER_RE reads a view whose runs of blanks keep only their first tab (the others read
# as spaces, one for one): a match from after a later tab of a run is one from after its first
# (the blanks between are read as the label's indent), and trying each tab of a long run would cost
# the square of its length.
_BLANKS_FROM_A_TAB_RE = re.compile(r"\t[^\S\n]*")


def _first_tabs_only(view: str) -> str:
    return _BLANKS_FROM_A_TAB_RE.sub(lambda blanks: "\t" + blanks[0][1:].replace("\t", " "), view)


# A licence's number before it changed (B1-… 变更为 B1-…, 原经营许可证编号: B1-…): the older
# pages still print it.
_PREVIOUS_NUMBER_RES = (
    re.compile(rf"(?P<number>{LICENSE_NO_RE.pattern})\s*(?:号\s*)?(?:变\s*更\s*为|改\s*为)", LICENSE_NO_RE.flags),
    re.compile(rf"原\s*(?:经\s*营\s*)?许\s*可\s*证\s*(?:编\s*)?号\s*(?:[:：]\s*)?(?P<number>{LICENSE_NO_RE.pattern})",
               LICENSE_NO_RE.flags),
)
# Where a licence's number is looked for after its title: the front page's first lines.
_NUMBER_WINDOW = 600


def reading_text(text: str) -> str:
    """The text as detection reads it: simplified, full-width ASCII folded, one character for one."""
    return text.translate(_READING)


def detect_licence(text: str) -> Detection:
    """Whether `text` holds a licence, read as one document (`nlp(text)`): its first licence's
    detection, doubting the text's extent if it holds several; else why it holds none."""
    return text_detection(licence_segments(text))


def text_detection(segments: list[Segment]) -> Detection:
    """The detection of a whole text from its segments (licence_segments)."""
    licences = [segment for segment in segments if segment.is_licence]
    if licences:
        first = licences[0].detection
        if len(licences) == 1:
            return first
        starts = ", ".join(str(segment.start) for segment in licences)
        return replace(first, doubts=(*first.doubts, f"the text holds {len(licences)} licences (at characters "
                                      f"{starts}), read here as one; licex extract reads each on its own"))
    headed = next((s.detection for s in segments if s.detection.kind is not None), None)
    best = max(segments, key=lambda segment: segment.detection.score).detection
    return Detection(False, best.score, best.found, headed and headed.kind, headed and headed.heading)


def score_licence(view: str, kind: str | None = LICENCE, annex: bool = False) -> Detection:
    """The anchors found in one segment's reading text, and whether they make it a licence: a
    value-added one, or (kind BASIC) a basic telecom licence, which licex does not read. `annex`:
    the segment is headed by the title with (附页); printing a number, it is an 附页 of a licence."""
    found = tuple(anchor.name for anchor in ANCHORS if anchor.pattern.search(view))
    if kind == LICENCE:
        found = ("title", *found)
    if kind == LICENCE and annex and "licence_number" in found:
        found = (*found, ANNEX)
    score = sum(anchor.weight for anchor in ANCHORS if anchor.name in found) + (3 if kind == LICENCE else 0)
    is_licence = (kind in (LICENCE, None) and score >= THRESHOLD
                  and all(group & set(found) for group in REQUIRED))
    if kind in (LICENCE, None) and {"grant", "licence_number_label", "licence_number"} & set(found) and _is_basic(view):
        return Detection(False, score, found, BASIC)
    annex_only = is_licence and not {"grant", "special_provisions"} & set(found)
    return Detection(is_licence, score, found, None if is_licence or kind == LICENCE else kind, annex_only=annex_only)


def _is_basic(view: str) -> bool:
    """A basic telecom licence: the sentence that grants it grants basic telecom businesses
    (经营基础电信业务) and no value-added ones; where no such sentence was read, its labelled
    numbers carry A codes only (A2.A1-…), or it lists basic telecom businesses and no value-added
    one (a number with a B code, or a business of the value-added catalogue)."""
    for grant in _GRANT.finditer(view):
        sentence = view[max(0, grant.start() - _GRANT_REACH):grant.end() + _GRANT_REACH]
        if _VALUE_ADDED_GRANT.search(sentence):
            return False
        if _BASIC_GRANT.search(sentence):
            return True
    numbers = {(normalize_license_no(match["number"]) or match["number"]).lstrip(_PROVINCE_CHARS)
               for match in _LABELLED_NUMBER_RE.finditer(_first_tabs_only(view))}
    numbers = numbers or {(normalize_license_no(match[0]) or match[0]).lstrip(_PROVINCE_CHARS)
                          for match in LICENSE_NO_RE.finditer(view)}
    if numbers and all(_BASIC_NUMBER.match(number) for number in numbers):
        return True
    value_added = any("B" in number for number in numbers) or bool(
        _VALUE_ADDED_BUSINESS.search(view) or BUSINESS_NAME_RE.search(view))
    return bool(_BASIC_BUSINESS.search(view)) and not value_added


def licence_segments(text: str) -> list[Segment]:
    """The text cut into documents at headings, each scored; covers the whole text, in order."""
    return _Segmenter(text).segments


@dataclass(frozen=True)
class _Heading:
    start: int
    end: int  # end of the heading's match (the title), for the number search
    kind: str | None  # LICENCE, another kind's name, or None (a front page with no title)
    annex: bool = False  # a licence's (附页) title, or a kind that is also a page of a licence
    words: str = ""  # another kind's heading as it reads
    glued: bool = False  # a title at the end of another line: it follows a licence, or heads nothing
    number: str | None = None  # the number a licence title's front page prints


class _Segmenter:
    def __init__(self, text: str) -> None:
        self.text = text
        self.view = reading_text(text)
        self._labelled_view = _first_tabs_only(self.view)  # what _LABELLED_NUMBER_RE reads
        self._marker_cache: dict[str, list[int]] = {}

    @cached_property
    def segments(self) -> list[Segment]:
        cuts: list[_Heading | None] = [None]  # the heading that starts each segment (None: the text's start)
        number: str | None = None  # the number of the licence being read
        unnumbered: dict[int, list[int]] = {}  # front pages with no number, by their licence's start
        headings = sorted([*self._titles(), *self._other_headings()], key=lambda h: h.start)
        for index, heading in enumerate(headings):
            current = cuts[-1]
            start, kind = (0, None) if current is None else (current.start, current.kind)
            if heading.kind == LICENCE:
                following = headings[index + 1].start if index + 1 < len(headings) else len(self.view)
                found = self._number_after(heading.end, following)
                if kind == LICENCE and (heading.annex or found is None or number is None or found == number):
                    if found is None and not heading.annex and number is not None:
                        unnumbered.setdefault(start, []).append(heading.start)
                    continue  # a page header or an 附页 of the same licence
                if kind is None and self._prefix_of_licence(start, heading.start, found):
                    cuts[-1] = replace(heading, start=start, number=found)  # what precedes the first title is its licence's
                else:
                    cuts.append(replace(heading, number=found))
                number = found
            elif self._confirmed(heading) and not (kind == LICENCE and heading.annex):
                if kind is None and not self.view[start:heading.start].strip():
                    cuts[-1] = replace(heading, start=start)
                else:
                    cuts.append(heading)
        cuts = self._interrupted(cuts)
        starts = [0 if cut is None else cut.start for cut in cuts]
        segments = []
        for cut, start, end in zip(cuts, starts, [*starts[1:], len(self.text)]):
            kind = None if cut is None else cut.kind
            detection = score_licence(self.view[start:end], kind, cut is not None and cut.annex)
            if detection.is_licence:
                detection = replace(detection, doubts=self._doubts(start, end, unnumbered.get(start, [])))
            elif cut is not None and kind != LICENCE:
                detection = replace(detection, heading=cut.words)
            segments.append(Segment(start, end, kind, detection))
        return segments

    def _doubts(self, start: int, end: int, unnumbered: list[int]) -> tuple[str, ...]:
        """Why one licence's extent is in doubt: numbers labelled as the licence's that are neither
        one number misread nor its number before a change (B1-… 变更为 B1-…), and front pages with
        no number under them."""
        labelled = [(match.start("number"), normalize_license_no(match["number"]))
                    for match in _LABELLED_NUMBER_RE.finditer(self._labelled_view, start, end)]
        changed = self._previous_numbers(start, end)
        doubts = []
        if labelled:
            first = labelled[0][1]
            others = {number: at for at, number in labelled
                      if number and first and number not in changed and not _one_misread(number, first)}
            doubts += [f"the licence number {number} is printed at character {at} besides {first}: "
                       "the text may hold more than one licence" for number, at in others.items()]
        doubts += [f"a second front page at character {at} has no licence number: it may be another licence"
                   for at in unnumbered]
        return tuple(doubts)

    def _interrupted(self, cuts: list[_Heading | None]) -> list[_Heading | None]:
        """The cuts with each licence ended where another document's body starts inside it,
        heading or not (a contract glued to a licence's last line has no heading of its own): a
        line that starts another document's body (甲方：, 申请单位：), or another front page: a
        licence number other than the licence's own, labelled as a licence prints it, with
        front-page labels after it (a contract's 鉴于乙方具备以下资质：, a licence that lost its title)."""
        ends = [cut.start for cut in cuts[1:] if cut is not None] + [len(self.view)]
        out: list[_Heading | None] = []
        for cut, end in zip(cuts, ends):
            out.append(cut)
            if cut is None or cut.kind != LICENCE:
                continue
            # (start, kind): another document's body is none of licex's; another front page is
            # scored as what it is (a licence whose title was lost, or not).
            starts = [(match.start(), _BODY) for pattern in _INTERRUPTIONS
                      if (match := pattern.search(self.view, cut.end, end)) is not None]
            if (front_page := self._other_front_page(cut.end, end, cut.number)) is not None:
                starts.append((front_page, None))
            if starts:
                at, kind = min(starts)
                out.append(_Heading(at, at, kind))
        return out

    def _other_front_page(self, start: int, end: int, number: str | None) -> int | None:
        """Where, in a licence's [start, end), a front page of another number begins: a labelled
        number that is neither the licence's (misread or not) nor one it held before, followed by
        front-page labels; None where there is none."""
        if number is None:
            return None
        previous = self._previous_numbers(start, end)
        for match in _LABELLED_NUMBER_RE.finditer(self._labelled_view, start, end):
            found = normalize_license_no(match["number"])
            if not found or found in previous or _one_misread(found, number):
                continue
            after = self.view[match.end():match.end() + _FRONT_PAGE_REACH]
            if sum(bool(anchor.pattern.search(after)) for anchor in _FRONT_PAGE_ANCHORS) >= 2:
                return match.start()
        return None

    def _previous_numbers(self, start: int, end: int) -> set[str | None]:
        """The numbers a licence says it held before (B1-… 变更为 B1-…, 原经营许可证编号: B1-…)."""
        return {normalize_license_no(match["number"])
                for pattern in _PREVIOUS_NUMBER_RES for match in pattern.finditer(self.view, start, end)}

    def _confirmed(self, heading: _Heading) -> bool:
        """Whether the text below another kind's heading is that kind's: only then is it a heading
        (a licence's line that OCR cut to look like one ends nothing)."""
        found = self._markers(heading.kind)
        index = bisect.bisect_left(found, heading.end)
        return index < len(found) and found[index] < heading.end + _MARKER_WINDOW

    def _markers(self, kind: str) -> list[int]:
        """Where the markers of a kind stand in the text, found once per kind."""
        if kind not in self._marker_cache:
            self._marker_cache[kind] = [match.start() for match in _KIND[kind].markers.finditer(self.view)]
        return self._marker_cache[kind]

    def _number_after(self, start: int, end: int) -> str | None:
        match = LICENSE_NO_RE.search(self.view, start, min(end, start + _NUMBER_WINDOW))
        return normalize_license_no(match[0]) if match else None

    def _prefix_of_licence(self, start: int, title: int, number: str | None) -> bool:
        """Whether the text before a licence's first title is part of the licence: a number
        printed above the title, a markdown mark, what OCR read off a border, or the licence's own
        lines that OCR read before its title. Text that labels values as a front page does
        (公司名称: …) is not, unless it is this licence too (a licence, with no other number):
        it is another document (a notice, a footer, a form) or another licence whose title was lost."""
        before = self.view[start:title]
        if not any(anchor.pattern.search(before) for anchor in _FRONT_PAGE_ANCHORS):
            return True
        numbers = {normalize_license_no(m[0]) for m in LICENSE_NO_RE.finditer(before)}
        return not (numbers - {number, None}) and score_licence(before, None).is_licence

    @cached_property
    def _line_breaks(self) -> list[int]:
        return [match.start() for match in re.finditer("\n", self.view)]

    def _around(self, start: int, end: int) -> tuple[str, str, int]:
        """What stands before `start` on its line and after `end` on its line (at most _AROUND
        characters each way: a title's line is looked at near the title, so a line of a million
        titles costs what a page does), and where the line of `end` ends."""
        breaks = self._line_breaks
        index = bisect.bisect_left(breaks, start)
        line_start = breaks[index - 1] + 1 if index else 0
        index = bisect.bisect_left(breaks, end)
        line_end = breaks[index] if index < len(breaks) else len(self.view)
        before = self.view[max(line_start, start - _AROUND):start]
        after = self.view[end:min(line_end, end + _AROUND)]
        # Beyond the window the line goes on: what stands there is words, not furniture.
        far = "…" if line_start < start - _AROUND else ""
        return far + before, after + ("…" if line_end > end + _AROUND else ""), line_end

    def _titles(self) -> Iterator[_Heading]:
        """Each licence title that heads a licence: alone on its line but for furniture and
        decorations, or followed by a field label, or glued after the end of the line before."""
        for match in self._title_matches():
            before, after, line_end = self._around(match.start(), match.end())
            before = _trim_end(before[_LINE_FURNITURE.match(before).end():])
            decorations = _DECORATIONS.match(after).end()
            annex = bool(_ANNEX.search(after, 0, decorations))
            after = _trim_end(after[decorations:])
            if after and not _LABEL_AFTER_TITLE.match(after):
                continue  # …许可证申请表, …许可证有效期至: another document's words
            glued = bool(before)
            if glued and not (_NATION.match(match[0]) and not after and self._front_page_after(line_end)):
                continue  # 取得…许可证: a mention
            if not after and not annex:  # (附页) on a line of its own under the title
                annex = bool(_ANNEX_LINE.match(self.view, line_end))
            yield _Heading(match.start(), match.end(), LICENCE, annex, glued=glued)

    def _title_matches(self) -> Iterator[re.Match[str]]:
        """TITLE_RE's matches, found from the 许可证 that ends every title: a literal the regex
        engine finds fast, where the title's optional prefixes would make it try every character."""
        end = -1
        for tail in _TITLE_TAIL.finditer(self.view):
            if tail.start() < end:
                continue
            for match in TITLE_RE.finditer(self.view, max(end, tail.start() - _TITLE_REACH), tail.end()):
                if match.end() == tail.end():
                    end = match.end()
                    yield match
                    break

    def _front_page_after(self, line_end: int) -> bool:
        """Whether the first words after a line are a licence's first label with its colon
        (经营许可证编号: …): a title glued to the end of the text before it (files joined with no
        final line break) starts a licence only so."""
        rest = self.view[line_end:line_end + _NUMBER_WINDOW].lstrip()
        return bool(_GLUED_LABEL.match(rest[_LINE_FURNITURE.match(rest).end():]))

    def _other_headings(self) -> Iterator[_Heading]:
        """Each line that heads another kind of document: short, no sentence in it, ending in
        the word that names its kind (looked at only where such a word stands)."""
        breaks = self._line_breaks
        seen = -1
        for end_word in _HEADING_END.finditer(self.view):
            index = bisect.bisect_left(breaks, end_word.start())
            start = breaks[index - 1] + 1 if index else 0
            if start <= seen:
                continue
            seen = start
            line = self.view[start:breaks[index] if index < len(breaks) else len(self.view)]
            if len(line.strip()) > _HEADING_LINE_MAX:
                continue
            offset = start
            words = "".join(_strip_decorations(_trim_end(line[_LINE_FURNITURE.match(line).end():])).split())
            if _GLUE_AFTER.search(words):
                # A heading glued after the last sentence or label of the document before it
                # (files joined with no final line break): the words after that sentence's end.
                tail = _GLUE_AFTER.split(line)[-1]
                offset = start + len(line) - len(tail)
                words = "".join(_strip_decorations(_trim_end(tail)).split())
            if (len(words) < _HEADING_MIN or len(words) > _HEADING_MAX or _SENTENCE_MARKS.search(words)
                    or any(word in words for word in _NEVER_IN_HEADING) or _is_title_fragment(words)):
                continue
            for kind in KINDS:
                if words.endswith(kind.heading_ends) and not any(word in words for word in kind.not_containing):
                    if kind.name == "other_licence" and TITLE_RE.search(words):
                        break
                    yield _Heading(offset, start + len(line), kind.name, kind.annex, words)
                    break


def _one_misread(number: str, other: str) -> bool:
    """Whether two licence numbers differ by at most two characters misread, lost or added: the
    same number as OCR read it twice, not two licences'."""
    if abs(len(number) - len(other)) > 2:
        return False
    row = list(range(len(other) + 1))
    for i, a in enumerate(number, 1):
        previous, row[0] = row[0], i
        for j, b in enumerate(other, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (a != b))
    return row[-1] <= 2


def _is_title_fragment(words: str) -> bool:
    """经营许可证, 营许可证(附页): the end of a licence title whose start OCR lost."""
    compact = "".join(words.split())
    return any(title.endswith(compact) for title in _DATA["titles"])


def _trim_end(words: str) -> str:
    """`words` without the tags, marks and spaces that end its line (</h1>, a colon, &nbsp;)."""
    while True:
        trimmed = words.rstrip(_TRAILING_MARKS)
        tag = trimmed.rfind("<")
        if trimmed.endswith(">") and 0 <= tag and len(trimmed) - tag <= 82:
            trimmed = trimmed[:tag]
        trimmed = trimmed.removesuffix("&nbsp;")
        if trimmed == words:
            return words
        words = trimmed


_END_DECORATION = re.compile(r"(?:[(（\[【][^()（）\[\]【】\n]{0,20}[)）\]】]|[\s《》\"“”])+$")


def _strip_decorations(words: str) -> str:
    """A heading without what follows its last word: (副本), （2021年度）, (示范文本)."""
    match = _END_DECORATION.search(words)
    return words[:match.start()] if match else words
