"""A parse's token attributes as arrays, read once per article and shared by the rules.

Several rules look for a few tokens of the whole article (nouns of a kind, proper names in
coordination, trigger lemmas). Walking the Doc for each builds a Python object per token and reads
its attributes one by one, again in every rule; one vectorised test over spaCy's own attribute
arrays finds the same tokens (in the same order) for a fraction of that. The arrays live in the
Doc's `user_data`, so they belong to one article's parse and nothing is shared between articles.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import numpy as np

_KEY = "builders.extract.tokens"


@cache
def string_ids(words: frozenset[str]) -> frozenset[int]:
    """spaCy's ids of the words (as the Doc's LOWER, LEMMA and DEP arrays hold them)."""
    from spacy.strings import get_string_id

    return frozenset(get_string_id(w) for w in words)


@cache
def pos_id(tag: str) -> int:
    from spacy.parts_of_speech import IDS

    return IDS[tag]


class TokenArrays:
    """One article's token attributes: lower case, lemma, part of speech, dependency, offset and length."""

    def __init__(self, doc):
        from spacy.attrs import DEP, IDX, LEMMA, LENGTH, LOWER, POS

        self.doc = doc
        columns = doc.to_array([LOWER, LEMMA, POS, DEP, IDX, LENGTH])
        self.pos, self.dep = columns[:, 2], columns[:, 3]
        self.idx, self.length = columns[:, 4].astype(np.int64), columns[:, 5].astype(np.int64)
        self._arrays = {"lower": columns[:, 0], "lemma": columns[:, 1]}
        self._lists: dict[str, list[int]] = {}
        self._lowered: dict[int, str] = {}  # lemma id -> the lemma in lower case
        self._sentences: dict[int, object] = {}  # sentence start -> its Span
        self._bounds: tuple[list[int], list[int]] | None = None

    def column(self, name: str) -> list[int]:
        """The string ids of a column ("lower" or "lemma") as a list (indexing a list is cheaper than an array)."""
        if name not in self._lists:
            self._lists[name] = self._arrays[name].tolist()
        return self._lists[name]

    def where(self, pos: Iterable[str] = (), dep: frozenset[str] | None = None, lower: frozenset[str] | None = None,
              lemma: frozenset[str] | None = None) -> list[int]:
        """The indices, in order, of the tokens with one of these parts of speech, dependencies,
        lower-case forms and lemmas (each condition left out holds for every token)."""
        mask = np.ones(len(self.pos), dtype=bool)
        for values, ids in ((self.pos, [pos_id(tag) for tag in pos]), (self.dep, string_ids(dep) if dep is not None else ())):
            if ids:
                mask &= np.logical_or.reduce([values == i for i in ids])
        hits = np.flatnonzero(mask).tolist()
        for name, words in (("lower", lower), ("lemma", lemma)):
            if words is not None:
                values, ids = self.column(name), string_ids(words)
                hits = [i for i in hits if values[i] in ids]
        return hits

    def sentence(self, i: int):
        """The sentence of token i, as `doc[i].sent` finds it (walking back to a token that starts a
        sentence, forward to the next one), worked out for every token at once and made once per
        sentence instead of once per question."""
        if self._bounds is None:
            self._bounds = _sentence_bounds(self.doc)
        if self._bounds is None:  # no sentence boundaries: spaCy's own answer (an error)
            return self.doc[i].sent
        start = self._bounds[0][i]
        if start not in self._sentences:
            self._sentences[start] = self.doc[start : self._bounds[1][i]]
        return self._sentences[start]

    def lemmas_lower(self, start: int, end: int) -> set[str]:
        """The lower-cased lemmas of tokens start..end-1 (each distinct lemma looked up and lowered once)."""
        lowered, strings = self._lowered, self.doc.vocab.strings
        out = set()
        for h in self.column("lemma")[start:end]:
            if h not in lowered:
                lowered[h] = strings[h].lower()
            out.add(lowered[h])
        return out

    def lemma_where(self, keep) -> list[int]:
        """The indices, in order, of the tokens whose lemma `keep` accepts (asked once per distinct lemma)."""
        strings, lemmas = self.doc.vocab.strings, self.column("lemma")
        kept = {h for h in set(lemmas) if keep(strings[h])}
        return [i for i, h in enumerate(lemmas) if h in kept]


def _sentence_bounds(doc) -> tuple[list[int], list[int]] | None:
    """Each token's sentence start and end, or None when the Doc has no sentence boundaries."""
    if not doc.has_annotation("SENT_START"):
        return None
    from spacy.attrs import SENT_START

    n = len(doc)
    starts = doc.to_array(SENT_START).astype(np.int64) == 1
    index = np.arange(n)
    start_of = np.maximum.accumulate(np.where(starts, index, 0)) if n else index
    next_start = np.where(starts, index, n)  # the first start after token i: the least of next_start[i + 1:]
    end_of = np.append(np.minimum.accumulate(next_start[::-1])[::-1][1:], n) if n else index
    return start_of.tolist(), end_of.tolist()


def sentence_of(token):
    """`token.sent`, from the token arrays of its Doc."""
    return token_arrays(token.doc).sentence(token.i)


def release(doc) -> None:
    """Drop the Doc's arrays once the rules are done: they hold the Doc (and Spans and Tokens of it)
    while it holds them, a cycle that only the garbage collector would break, late and slowly."""
    doc.user_data.pop(_KEY, None)


def token_arrays(doc) -> TokenArrays:
    """The arrays of this Doc, made on first use."""
    arrays = doc.user_data.get(_KEY)
    if arrays is None:
        arrays = doc.user_data[_KEY] = TokenArrays(doc)
    return arrays
