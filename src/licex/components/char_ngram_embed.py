"""`licex.CharNgramEmbed.v1`: embeds a token as the mean of its characters and character bigrams.

`licex.licence_tokenizer.v1` gives most of a licence one token per character and the clause
text one token per phrase. A hash of the whole phrase (MultiHashEmbed's NORM) would be unique
to each wording, so a clause worded a little differently from the training data would look
unknown. This layer embeds a token as the mean of the embeddings of its characters and
character bigrams (fastText-style), so 不得利用木马程序 shares 木, 马 and 木马 with every other
clause about 木马 programs. A one-character token is the embedding row of its NORM, so the field
parts of a licence are read as a character model reads them. There is no mixing layer after
the table (MultiHashEmbed has a normalising Maxout): the encoder's first Maxout layer
normalises what it is given.
"""

from __future__ import annotations

from functools import lru_cache

import numpy
from spacy.attrs import IDX, LENGTH, NORM
from spacy.strings import get_string_id
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Model
from thinc.types import Floats2d


@registry.architectures("licex.CharNgramEmbed.v1")
def CharNgramEmbed(width: int, rows: int) -> Model[list[Doc], list[Floats2d]]:
    """The embedding half of a Tok2Vec: `width` wide, `rows` hash rows, dropout-free."""
    return Model(
        "char_ngram_embed",
        _forward,
        layers=[HashEmbed(nO=width, nV=rows, seed=11)],
        dims={"nO": width},
        init=_init,
    )


def _init(model: Model, X: list[Doc] | None = None, Y: object = None) -> None:
    model.layers[0].initialize()


@lru_cache(maxsize=20_000)
def phrase_keys(text: str) -> numpy.ndarray:
    """Hash keys of a multi-character token: its characters and its character bigrams.

    Keys are spaCy string hashes, so a character inside a phrase has the key the same character
    has as a token of its own (its NORM: lower-cased). Phrases repeat across licences (the
    clauses are boilerplate), hence the cache (of arrays: 8 bytes a key; the cache stays under
    a few MB).
    """
    norm = text.lower()
    keys = [get_string_id(c) for c in norm] + [get_string_id(norm[i:i + 2]) for i in range(len(norm) - 1)]
    array = numpy.asarray(keys, dtype="uint64")
    array.flags.writeable = False  # shared by every caller
    return array


def token_keys(doc: Doc) -> tuple[numpy.ndarray, numpy.ndarray]:
    """All keys of the Doc's tokens, concatenated, and how many keys each token has."""
    columns = doc.to_array([NORM, IDX, LENGTH])
    keys_per_token = numpy.ones(len(doc), dtype="int32")
    is_phrase = columns[:, 2] > 1
    multi = numpy.flatnonzero(is_phrase)
    if not len(multi):
        return columns[:, 0].astype("uint64"), keys_per_token
    text = doc.text  # Doc.text joins the tokens on every access: read it once
    phrases = [phrase_keys(text[int(columns[i, 1]):int(columns[i, 1] + columns[i, 2])]) for i in multi]
    keys_per_token[multi] = [len(p) for p in phrases]
    offsets = numpy.cumsum(keys_per_token) - keys_per_token
    keys = numpy.empty(int(keys_per_token.sum()), dtype="uint64")
    keys[offsets[~is_phrase]] = columns[~is_phrase, 0]
    for i, phrase in zip(multi, phrases):
        keys[offsets[i]:offsets[i] + len(phrase)] = phrase
    return keys, keys_per_token


def _forward(model: Model, docs: list[Doc], is_train: bool):
    embed = model.layers[0]
    ops = model.ops
    if not docs:
        return [], lambda d_outputs: []
    keys, lengths = zip(*(token_keys(doc) for doc in docs))
    all_lengths = ops.asarray1i(numpy.concatenate(lengths))
    vectors, backprop_embed = embed(ops.asarray(numpy.concatenate(keys), dtype="uint64"), is_train)
    pooled = ops.reduce_mean(vectors, all_lengths)
    outputs = ops.xp.split(pooled, numpy.cumsum([len(doc) for doc in docs])[:-1])

    def backprop(d_outputs: list[Floats2d]) -> list[Doc]:
        d_pooled = ops.xp.concatenate(d_outputs) if d_outputs else ops.alloc2f(0, embed.get_dim("nO"))
        backprop_embed(ops.backprop_reduce_mean(d_pooled, all_lengths))
        return []

    return list(outputs), backprop
