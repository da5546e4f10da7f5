"""Deterministic ids: readable slugs for entities, article-scoped ids for rows found in an article."""

from __future__ import annotations

import hashlib
import re

from .lexicon import fold

MAX_ID = 64


def slug(text: str) -> str:
    """'Nebojša Stefanović' -> 'nebojsa-stefanovic' (a valid id, at most 64 characters)."""
    value = re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")
    if len(value) > MAX_ID:
        digest = hashlib.sha256(value.encode()).hexdigest()[:8]
        value = value[: MAX_ID - 9].rstrip("-") + "-" + digest
    return value or "x-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def row_id(article_id: str, prefix: str, number: int) -> str:
    """'<article_id>-<prefix><number>' such as '003_f7aad1218264870f-m0007'. Never shortened, so never
    shared: the tail is one '-', one letter and digits only, so two distinct (article, row) pairs
    cannot spell the same id; article ids are at most 56 characters so the id fits in 64."""
    return f"{article_id}-{prefix}{number:04d}"
