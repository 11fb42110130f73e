"""The holder an 附页 names in its running text: a 附页 posted alone prints no 公司名称 label, but
its introduction opens with the company (重庆甲科技有限公司获准经营的业务种类…, ※核定深圳乙信息技术
有限公司经营的增值电信业务种类：). Read only where no reader before it found the company (a front
page's label names it), and outside the 特别规定事项. The words are data/annex_holder.json."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources

from spacy.util import registry

from licex.components.field_rules.hits import Hit
from licex.components.field_rules.reading import Reader, Reading


@lru_cache(maxsize=1)
def _holder_re() -> re.Pattern[str]:
    data = json.loads(resources.files("licex").joinpath("data/annex_holder.json").read_text("utf-8"))
    shortest, longest = data["name_chars"]
    before = "|".join(map(re.escape, data["before"]))
    after = "|".join(map(re.escape, data["after"]))
    endings = "|".join(map(re.escape, data["endings"]))
    not_a_holder = "".join(map(re.escape, data["not_a_holder"]))
    return re.compile(
        rf"^[ \t]*(?:(?:{before})[ \t]*)*(?P<name>(?![{not_a_holder}])[^\s，。：:、；;（）()]{{{shortest - 2},{longest}}}?(?:{endings}))"
        rf"[ \t]*(?:{after})", re.MULTILINE)


@registry.misc("licex.reader.annex_holder.v1")
def make_annex_holder_reader() -> Reader:
    """The company an 附页's introduction names, where nothing else named it (found_by `entry`)."""
    return read_annex_holder


def read_annex_holder(reading: Reading) -> list[Hit]:
    if any(hit.label == "COMPANY" for hit in reading.found):
        return []
    layout = reading.layout
    text = layout.view.text
    for line in layout.lines:
        if line.kind != "content" or layout.in_special(line.start):
            continue
        match = _holder_re().match(text, line.start, line.end)
        if match and reading.value("COMPANY", *match.span("name")) is not None:
            return [Hit("COMPANY", *match.span("name"), found_by="entry")]
    return []
