"""`licex.licence_tokenizer.v1`: character tokens where the fields are, phrase tokens in the clauses.

A licence's fields (company, dates, names, numbers) sit in a few hundred characters and are
written without word breaks, so a field value can start or end at any character: those parts get
one token per character, like spaCy's `zh` "char" segmenter. The 特别规定事项 are most of a
generated licence's characters and hold no field value except the licence number of a page header. Their content lines are cut into phrases instead:
the text up to the next whitespace, clause punctuation (。，、；：) or change between letters
and digits and other characters, with that punctuation. Clause numbers (`十五、`, `(三)`) always
follow a line start, whitespace or such punctuation, so every clause boundary stays a token
boundary; page headers and signature blocks inside the 特别规定事项 keep character tokens.

Why: the NER's transition loop costs per token, so a licence read one token a character runs
slowly. Phrase tokens cut a licence to about a quarter of the tokens (the figures:
docs/measurements.md).
`licex.CharNgramEmbed.v1` gives a phrase token the characters and character bigrams it is made
of, so the clause categorizer still sees 木马 in 不得利用木马程序.

The tokenizer reads the licence's layout to find the 特别规定事项 and leaves it on the Doc
(`doc._.licex_analysis`), so no later component computes it again. Its cost is linear in the
text: spaCy's `get_words_and_spaces` searches the rest of the text once per token (quadratic
in the text's length), so the tokens, which tile the text, are turned into
words and spaces here in one pass, with the same result.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import DummyTokenizer, registry
from spacy.vocab import Vocab

from licex.text.analysis import attach
from licex.text.layout import Layout

# A phrase runs to the next whitespace or clause punctuation and takes the punctuation with it
# (a token of its own would double the tokens); whitespace is a token of its own. Letters and
# digits (ASCII or full-width) make phrases of their own, so that a licence number in a line the
# layout did not recognise as a page header (`经营许可证偏号:B2-20138417号`, OCR-damaged) still
# starts and ends on token boundaries.
_PUNCT = "。，、；：;:,.!?！？"
_ALNUM = "A-Za-z0-9Ａ-Ｚａ-ｚ０-９"
PHRASE_RE = re.compile(rf"(?:[{_ALNUM}]+|[^\s{_ALNUM}{_PUNCT}]+)[{_PUNCT}]*|[{_PUNCT}]+|\s", re.DOTALL)


class LicenceTokenizer(DummyTokenizer):
    """Stateless: DummyTokenizer's no-op serialisation is all it needs to save and load."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        layout = Layout.of(text)
        words, spaces = words_and_spaces(licence_words(text, layout))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        attach(doc, layout)
        return doc


def licence_words(text: str, layout: Layout) -> Iterator[str]:
    """The licence's tokens, in order; they tile the text, whitespace ones included."""
    pos = 0
    for start, end in layout.clause_text():  # phrase tokens
        yield from text[pos:start]
        yield from PHRASE_RE.findall(text, start, end)
        pos = end
    yield from text[pos:]


def words_and_spaces(tokens: Iterable[str]) -> tuple[list[str], list[bool]]:
    """spaCy's words and spaces for tokens that tile a text: what `get_words_and_spaces` gives,
    in one pass. A single space after a word becomes its trailing space; other whitespace
    (a second space, a line break, an ideographic space) stays a token of its own, runs merged."""
    words: list[str] = []
    spaces: list[bool] = []
    gap: list[str] = []  # whitespace since the last word
    for token in tokens:
        if token.isspace():
            if not gap and words and not spaces[-1] and token[0] == " ":  # right after a word
                spaces[-1] = True
                token = token[1:]
                if not token:
                    continue
            gap.append(token)
            continue
        if gap:
            words.append("".join(gap))
            spaces.append(False)
            gap = []
        words.append(token)
        spaces.append(False)
    if gap:
        words.append("".join(gap))
        spaces.append(False)
    return words, spaces


@registry.tokenizers("licex.licence_tokenizer.v1")
def create_licence_tokenizer() -> Callable[[Language], LicenceTokenizer]:
    """For `[nlp.tokenizer]` in a config."""

    def create(nlp: Language) -> LicenceTokenizer:
        return LicenceTokenizer(nlp.vocab)

    return create
