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
    """'<article_id>-<prefix><number>' such as '003_f7aad1218264870f-m0007'; long article ids are
    shortened with a hash so that the id stays within 64 characters."""
    suffix = f"-{prefix}{number:04d}"
    if len(article_id) + len(suffix) <= MAX_ID:
        return article_id + suffix
    digest = hashlib.sha256(article_id.encode()).hexdigest()[:8]
    return article_id[: MAX_ID - len(suffix) - 9] + "-" + digest + suffix
