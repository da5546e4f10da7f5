"""What changed since the last build (`store.py`): the rows of every article whose inputs are
unchanged are kept, the articles that changed, were added or removed have their rows replaced. The
package written is the one a build from scratch writes, byte for byte (tested)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..assemble import Kept
from ..extract.article import PER_ARTICLE, ArticleColumns
from ..inputs.reference import Reference
from ..inputs.seeds import Job
from ..problems import Problem
from .caches import cache_key
from .store import BuildRecord


def plan(jobs: list[Job], reference: Reference, last: BuildRecord | None) -> tuple[list[Job], BuildRecord]:
    """The jobs to extract (inputs new or changed since `last`), and the store of this build so
    far: every article's key, and the discoveries and warnings of the articles kept from `last`."""
    keys = {job.article_id: cache_key(job, reference) for job in jobs}
    unchanged = {i for i, key in keys.items() if last is not None and last.articles.get(i) == key}
    now = BuildRecord(keys, {i: last.extras[i] for i in unchanged} if last else {})
    return [job for job in jobs if job.article_id not in unchanged], now


def kept_rows(last: BuildRecord | None, now: BuildRecord) -> Kept:
    """The rows of `last` that this build keeps: those of the articles `now` kept from it."""
    if last is None or not now.extras:
        return Kept()
    replaced = pa.array(sorted(last.articles.keys() - now.extras.keys()), pa.string())
    tables = {model.resource_name: _without(last.tables[model.resource_name], replaced) for model in PER_ARTICLE}
    return Kept(tables, {i: extras[:2] for i, extras in now.extras.items()})


def preload() -> None:
    """Import what the rest of a build imports (DuckDB for the cell checks, and pandas, which
    pyarrow imports when it is installed at its first array of Python values) while a worker process
    extracts the articles that changed, not after it. (matplotlib and networkx are imported only
    when the pictures must be drawn again: see card.start_pictures.)"""
    import duckdb  # noqa: F401

    try:
        import pandas  # noqa: F401
    except ImportError:
        pass


def _without(table: pa.Table, article_ids: pa.Array) -> pa.Table:
    """The rows of `table` that are not of these articles, as slices of it: nothing is copied here
    (the rows are copied once, when the table is put together with the new rows)."""
    dropped = np.flatnonzero(pc.is_in(table.column("article_id"), value_set=article_ids).to_numpy(zero_copy_only=False)).tolist()
    if not dropped:
        return table
    slices, at = [], 0
    for row in dropped:
        if row > at:
            slices.append(table.slice(at, row - at))
        at = row + 1
    return pa.concat_tables([*slices, table.slice(at)])


def record(now: BuildRecord, extracted: list[ArticleColumns], problems: dict[str, list[Problem]], tables: dict[str, pa.Table],
           last: BuildRecord | None) -> frozenset[str]:
    """Complete the store of this build with the articles just extracted and the tables made;
    returns the resources whose table equals the last build's (their store files are kept)."""
    for article in extracted:
        now.extras[article.article_id] = (article.discovered_actors, article.discovered_weapons, problems.get(article.article_id, []))
    now.tables = tables
    same = frozenset(name for name, table in tables.items()
                     if last is not None and name in last.tables and name in last.files and table.equals(last.tables[name]))
    now.files = {name: last.files[name] for name in same}
    return same
