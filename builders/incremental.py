"""A build that touches only what changed: the last build's tables (`store.py`) keep the rows of
every article whose inputs are unchanged, the articles that changed, were added or removed have
their rows replaced, and the checks run on the changed rows (plus every key across tables). The
package written is the one a build from scratch writes, byte for byte (tested); `validate` and
`validate --rebuild` still check everything, and CI runs them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .assemble import Kept
from .engine import cache_key
from .extract.article import PER_ARTICLE, ArticleColumns
from .inputs.reference import Reference
from .inputs.seeds import Job
from .problems import Problem
from .publish.package import csv_bytes
from .schema.columns import columns, plain
from .schema.layout import csv_path
from .schema.models import RESOURCES, Resource
from .store import LastBuild
from .validate.common import connect
from .validate.rows import cell_problems, key_problems, read_cells
from .validate.spans import span_problems

CHANGED_ROWS = ".changed-rows"  # in the work folder: the changed rows as CSV, read back as validation reads them


def plan(jobs: list[Job], reference: Reference, last: LastBuild | None) -> tuple[list[Job], LastBuild]:
    """The jobs to extract (inputs new or changed since `last`), and the store of this build so
    far: every article's key, and the discoveries and warnings of the articles kept from `last`."""
    keys = {job.article_id: cache_key(job, reference) for job in jobs}
    unchanged = {i for i, key in keys.items() if last is not None and last.articles.get(i) == key}
    now = LastBuild(keys, {i: last.extras[i] for i in unchanged} if last else {})
    return [job for job in jobs if job.article_id not in unchanged], now


def kept_rows(last: LastBuild | None, now: LastBuild) -> Kept:
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


def record(now: LastBuild, extracted: list[ArticleColumns], problems: dict[str, list[Problem]], tables: dict[str, pa.Table]) -> None:
    """Complete the store of this build with the articles just extracted and the tables made."""
    for article in extracted:
        now.extras[article.article_id] = (article.discovered_actors, article.discovered_weapons, problems.get(article.article_id, []))
    now.tables = tables


def changed_row_problems(tables: dict[str, pa.Table], changed: set[str], work: Path) -> list[Problem]:
    """What validation finds in the rows of the `changed` articles and in the small tables made
    from the whole corpus (cells: types and constraints; spans), and in every row's keys (primary
    keys unique, foreign keys resolving). The rows are written as CSV and read back as validation
    reads the published files; row numbers are those of the changed rows, not the package's (the
    pipeline validates the whole package when anything is found here, for the report)."""
    scratch = work / CHANGED_ROWS
    ids = pa.array(sorted(changed), pa.string())
    problems, cells = [], {}
    con = connect()  # one connection for every table (each would cost one)
    try:
        for model in RESOURCES:
            table = tables[model.resource_name]
            if model in PER_ARTICLE:
                table = table.filter(pc.is_in(table.column("article_id"), value_set=ids))
            if not table.num_rows:  # nothing changed here
                continue
            path = scratch / csv_path(model)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(csv_bytes(model, table))
            found, _, read_problems = read_cells(scratch, model)
            problems += read_problems + (cell_problems(model, found, con) if found is not None else [])
            if found is not None:
                cells[model.resource_name] = found
        keys = {model.resource_name: _key_cells(model, tables[model.resource_name]) for model in RESOURCES}
        return problems + span_problems(cells) + key_problems(keys, con)
    finally:
        con.close()


def _key_cells(model: type[Resource], table: pa.Table) -> pa.Table:
    """A table's key columns as the CSV edition's cells (null = empty cell)."""
    names = [c.name for c in columns(model) if c.name == model.primary_key or c.name in model.foreign_keys]
    return pa.table({name: pc.fill_null(plain(table.column(name)), "") for name in names})
