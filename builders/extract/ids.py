"""Deterministic ids: readable slugs for entities, article-scoped ids for rows found in an article."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence

from .lexicon import fold

MAX_ID = 64


def slug(text: str) -> str:
    """'Nebojša Stefanović' -> 'nebojsa-stefanovic' (a valid id, at most 64 characters)."""
    value = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(value) > MAX_ID:
        digest = hashlib.sha256(value.encode()).hexdigest()[:8]
        value = value[: MAX_ID - 9].rstrip("-") + "-" + digest
    return value or "x-" + hashlib.sha256(text.encode()).hexdigest()[:8]


TAIL = 6  # base36 characters after the prefix letter: 36**6 ≈ 2.2e9 tails, and 56 + 8 = 64 characters
_TAILS = 36**TAIL
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_HALF = 36 ** (TAIL // 2)
_HALVES = [a + b + c for a in _BASE36 for b in _BASE36 for c in _BASE36]  # base36 of 0 … 36**3 - 1, three characters each


def row_ids(article_id: str, prefix: str, keys: Sequence[tuple[str | int | None, ...]]) -> list[str]:
    """The ids of an article's rows of one kind, '<article_id>-<prefix><6 base36 characters>' such as
    '003_f7aad1218264870f-m3k0x9a', in the order of `keys`.

    Users join on ids and follow rows across releases, so an id is derived from its row's own key
    (an event's type, participants, weapon and evidence span; a quotation's span; a mention's actor or
    weapon system and span) and not from its place among the others: adding, removing or reordering
    another row of the article leaves it as it is. The tail is the sha256 of the key (as JSON) in
    base36. Two rows whose tails meet (the same key twice, or a collision: about 1 in 10^5 for an
    article with 200 rows of a kind) are told apart in the order of their keys (equal keys: in the
    given order), the later one re-hashed with a counter until its tail is free. Only then can an
    unrelated row move an id: when the other row of the collision comes or goes.

    Never shortened, so never shared: the tail is always one '-', one letter and six characters, so
    an id minus its last eight characters is its article id, and two distinct (article, row) pairs
    cannot spell the same id, even when one article's id is another's row id ('own' and
    'own-m000001'); article ids are at most 56 characters so the id fits in 64."""
    spelled = [json.dumps(key) for key in keys]
    tails: list[str] = [""] * len(keys)
    taken: set[str] = set()
    for i in sorted(range(len(keys)), key=spelled.__getitem__):
        n = 0
        while (tail := _tail(spelled[i] if n == 0 else f"{spelled[i]}#{n}")) in taken:
            n += 1
        taken.add(tail)
        tails[i] = tail
    return [f"{article_id}-{prefix}{tail}" for tail in tails]


def _tail(text: str) -> str:
    high, low = divmod(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8]) % _TAILS, _HALF)
    return _HALVES[high] + _HALVES[low]
