"""The per-article token arrays and the per-reference index the rules read: the same answers as a
walk over every token and as the reference's own look-ups."""

from __future__ import annotations

import pytest
from conftest import REPO

from builders.extract.ingest import ingest
from builders.extract.lexicon import fold
from builders.extract.nlp import Parser
from builders.extract.reference_index import reference_index
from builders.extract.tokens import sentence_of, token_arrays
from builders.inputs.reference import load_reference

REFERENCE = load_reference(REPO)[0]
SEEDS = sorted((REPO / "seeds" / "articles").glob("*.txt"))
NOUNS = frozenset({"company", "minister", "sanctions", "country", "agency"})


@pytest.fixture(scope="module")
def docs():
    parser = Parser()
    return [parser(ingest(path.stem, path.read_bytes()).text) for path in SEEDS[:3]]


def test_token_arrays_find_the_tokens_a_walk_finds(docs):
    for doc in docs:
        arrays = token_arrays(doc)
        assert arrays.where(pos=["NOUN"], lower=NOUNS) == [t.i for t in doc if t.pos_ == "NOUN" and t.lower_ in NOUNS]
        assert arrays.where(pos=["PROPN", "NOUN"], dep=frozenset({"conj", "appos"})) == \
            [t.i for t in doc if t.pos_ in ("PROPN", "NOUN") and t.dep_ in ("conj", "appos")]
        assert arrays.where(lemma=frozenset({"say", "sanction"})) == [t.i for t in doc if t.lemma_ in ("say", "sanction")]
        assert arrays.lemma_where(lambda lemma: lemma.startswith("s")) == [t.i for t in doc if t.lemma_.startswith("s")]
        assert arrays.lemmas_lower(3, 40) == {t.lemma_.lower() for t in doc[3:40]}
        assert arrays.idx.tolist() == [t.idx for t in doc] and arrays.length.tolist() == [len(t.text) for t in doc]


def test_sentence_of_is_the_tokens_sentence(docs):
    for doc in docs:
        assert [(sentence_of(t).start, sentence_of(t).end) for t in doc] == [(t.sent.start, t.sent.end) for t in doc]


def test_token_arrays_belong_to_their_doc(docs):
    assert token_arrays(docs[0]) is token_arrays(docs[0]) and token_arrays(docs[0]) is not token_arrays(docs[1])


def test_the_reference_index_answers_as_the_reference_does():
    index = reference_index(REFERENCE)
    assert index is reference_index(REFERENCE)
    for entry in REFERENCE.actors:
        assert index.actor(entry.id) is REFERENCE.actor(entry.id)
    assert index.actor("no-such-actor") is None
    assert list(index.triggers) == list(dict.fromkeys((t.lemma, t.pos) for e in REFERENCE.event_types for t in e.triggers))


def test_fold_of_plain_ascii_is_its_lower_case():
    for word in ("NATO", "Vucic", "U.S.'s", "S-400s", "K\x7f", ""):
        assert fold(word) == word.casefold()
    assert fold("Vučić") == "vucic" and fold("Đedović") == "dedovic"
