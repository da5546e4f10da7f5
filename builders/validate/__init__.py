"""Checks on a published package, each problem one line: file, row, field, what is wrong.

Layers, one module each (the README's "what checks what" table follows this list):
1. `descriptor`: frictionless validates `datapackage.json` against the Data Package profile (unless
   it is exactly the descriptor the builders generate for these files), and every resource's schema
   must equal the one generated from the models.
2. `rows`, `spans`, `editions`: bytes and sha256 against the descriptor, header, cell count,
   types, required, enum, pattern, minimum, minLength, primary keys, foreign keys, spans
   (`articles.text[start:end] == text`), spreadsheet-formula cells, and the Parquet edition equal
   to the CSV edition, every check generated from the models' columns. A CSV file that is byte for
   byte the builders' rendering of its Parquet edition holds exactly those values, so its cells are
   checked on them (one DuckDB query) and it is never parsed; any other file is parsed by Arrow,
   its cells checked by DuckDB and compared with the Parquet edition row by row, which also gives
   the messages. Keys are shown to hold by Arrow kernels (DuckDB finds the rows when not), spans
   are sliced by Python.
3. `freshness`: the descriptor records a digest of every input under `seeds/`; it must match the
   seeds, and the descriptor and Table Schemas must equal the ones generated from the rows; given a
   fresh build (the pipeline's `--rebuild`), every file must equal it.

frictionless's own row-by-row validation (`frictionless validate datapackage.json`) is not run
here: tests/test_validation_layers.py damages packages and checks that every problem it finds is
found here, at the same file, row and field. Nothing here builds or imports the pipeline; a valid
package makes no Python value from its rows but the spans' (pyarrow would import pandas for it).
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..cache import HOME, Cache
from ..inputs.hashes import INDEX, load_hashes, save_hashes
from ..inputs.seeds import inputs_digest
from ..problems import Problem
from ..schema.columns import columns, model_by_name
from ..schema.formats import csv_bytes
from ..schema.language_layer import LanguageLayerError
from ..schema.layout import DESCRIPTOR, csv_path, parquet_path
from ..schema.models import RESOURCES, Article, Resource
from .common import connect
from .descriptor import described, descriptor_problems, generated_descriptor, read_descriptor
from .editions import parquet_problems, read_edition, rendering_facts, typed_table
from .freshness import differences, freshness_problems
from .rows import (
    cell_problems,
    implied_patterns,
    key_problems,
    parse_cells,
    read_cells,
    read_file,
    stated_problems,
    typed_values_pass,
)
from .spans import Spans

__all__ = ["differences", "read_table", "validate_package"]


def _check_resource(root: Path, model: type[Resource], resource: dict | None, implied: set[str], con) -> tuple[pa.Table | None, tuple[int, str] | None, list[Problem], bool]:
    """Everything about one resource that needs no other resource: file, cells, Parquet edition
    (the patterns of the `implied` columns left to the keys). Returns the columns the cross-resource
    checks read (from either edition: equal when checked), and whether it left patterns to the keys."""
    edition, edition_problems = read_edition(root, model)
    facts = rendering_facts(root, model, edition, con) if edition is not None else None
    if facts is not None and typed_values_pass(model, edition, con, implied):  # the CSV is the rendering of values that pass
        return _cross(model, edition), facts, stated_problems(model, facts, resource), bool(implied)
    data, facts, problems = read_file(root, model, resource)
    cells, found = parse_cells(model, data) if data is not None else (None, [])
    found += cell_problems(model, cells, con) if cells is not None else []
    if edition is None:
        found += edition_problems
    elif cells is not None and not found:
        found += parquet_problems(root, model, cells, con)
    return (_cross(model, cells) if cells is not None else None), facts, problems + found, False


def _cross(model: type[Resource], table: pa.Table) -> pa.Table:
    """The columns read by the key, span and freshness checks: memory stays low."""
    keep = {model.primary_key, *model.foreign_keys}
    for span in model.spans:
        keep |= {"article_id", *span}
    if model is Article:
        keep |= {"text", "publisher", "original_publisher", "article_id", "title", "url"}  # (sources_of)
    return table.select([c.name for c in columns(model) if c.name in keep])


CHANGED_ROWS = ".changed-rows"  # in the package folder: the changed rows as a package of their own, checked apart


def validate_package(root: Path, check_freshness: bool = False, changed: set[str] | None = None) -> list[Problem]:
    """Layers 1 and 2 (and 3 without the rebuild when `check_freshness`) on a package directory.
    Resources are checked on a thread pool, each with its own DuckDB cursor (Arrow, hashlib and
    DuckDB release the GIL), the spans in this thread meanwhile.

    `changed`: the package was made from the last build's rows, and only the rows of these articles
    (and the small tables made from the whole corpus) are new. The same layers then run on those
    rows alone, written apart as a package of their own (`_changed_rows`), and on every key and the
    descriptor; the whole package is validated only when that finds a problem (for the report)."""
    if changed is not None and not _changed_rows_problems(root, changed):
        return []
    package, problems = read_descriptor(root)
    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) + 1) as pool:  # one more: hashing seeds/ is mostly Python
        digest = pool.submit(_seeds_digest, root) if check_freshness else None  # the longest task: before importing DuckDB
        generated, found, csv_files = _layers(root, package, pool, check_freshness)
        problems += found
        if digest is not None and package is not None:
            seeds_digest, seeds_problems = digest.result()
            problems += seeds_problems + freshness_problems(root, package, csv_files, generated, seeds_digest)
    return problems


def _layers(folder: Path, package: dict | None, pool: ThreadPoolExecutor, check_freshness: bool,
            keys: dict[str, pa.Table] | None = None) -> tuple[dict | None, list[Problem], dict[str, tuple[int, str]]]:
    """Every layer but freshness on the files of `folder` (rows, spans, editions; `keys`: the key
    columns the keys are checked on, else the files'), then the descriptor. Returns the descriptor
    generated for these files, the problems and each CSV file's size and hash."""
    described = package if keys is None else None  # the changed rows' files are not the ones it describes
    con = connect()
    try:
        tables, csv_files, found, span_found, relied = _check_resources(folder, described, pool, con)
        found += key_problems(keys if keys is not None else tables, con) + span_found
        found += _recheck(folder, described, con, relied, found)
    finally:
        con.close()
    if package is None:
        return None, found, csv_files
    try:
        articles = keys.get(Article.resource_name) if keys is not None else tables.get(Article.resource_name)
        files = _stated_files(package) if keys is not None else csv_files
        generated = generated_descriptor(package, files, articles)
    except LanguageLayerError as missing:  # then frictionless checks the descriptor; freshness cannot
        generated, found = None, found + ([Problem(DESCRIPTOR, None, None, str(missing))] if check_freshness else [])
    return generated, descriptor_problems(package, generated) + found, csv_files


def _changed_rows_problems(root: Path, changed: set[str]) -> list[Problem]:
    """What the layers find in the rows of the `changed` articles and of the tables made from the
    whole corpus (the package's Parquet edition, read back), written apart under CHANGED_ROWS as
    both editions and checked as a package (row numbers are those of the changed rows), and in every
    row's keys; the descriptor against the one generated for its own stated files."""
    package, problems = read_descriptor(root)
    if package is None or problems:
        return problems or [Problem(DESCRIPTOR, None, None, "missing")]
    scratch = root / CHANGED_ROWS
    ids = pa.array(sorted(changed), pa.string())
    keys = {}
    try:
        for model in RESOURCES:
            try:
                table = pq.read_table(root / parquet_path(model))
            except (OSError, pa.ArrowException) as error:
                return [Problem(parquet_path(model), None, None, f"cannot be read: {error}")]
            keys[model.resource_name] = _cross(model, table)  # (typed, as the whole validation's from a Parquet edition)
            if "article_id" in table.column_names:  # a table made article by article
                table = table.filter(pc.is_in(table.column("article_id"), value_set=ids))
            (scratch / csv_path(model)).parent.mkdir(parents=True, exist_ok=True)
            (scratch / parquet_path(model)).parent.mkdir(parents=True, exist_ok=True)
            (scratch / csv_path(model)).write_bytes(csv_bytes(model, table))
            pq.write_table(table, scratch / parquet_path(model))
        with ThreadPoolExecutor(max_workers=(os.cpu_count() or 1)) as pool:
            return _layers(scratch, package, pool, False, keys)[1]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _stated_files(package: dict) -> dict[str, tuple[int, str]]:
    """Each resource's size and hash as the descriptor states them (the files themselves are
    checked against them by the whole validation)."""
    stated = {}
    for resource in package.get("resources", []):
        if isinstance(resource, dict) and isinstance(resource.get("hash"), str):
            stated[resource.get("name")] = (resource.get("bytes"), resource["hash"])
    return stated


def _seeds_digest(root: Path) -> tuple[str, list[Problem]]:
    """The inputs digest of `root`'s seeds, reading only the files changed since they were last
    hashed (and recording what was read for the next command)."""
    cache = Cache(root / HOME, INDEX)
    hashes = load_hashes(cache)
    found = inputs_digest(root, hashes)
    save_hashes(cache, hashes)
    return found


def _check_resources(root: Path, package: dict | None, pool: ThreadPoolExecutor, con) -> tuple[dict[str, pa.Table], dict[str, tuple[int, str]], list[Problem], list[Problem], list[type[Resource]]]:
    """Each resource checked on the pool, articles first (the spans read them), then the largest
    files; in this thread, the spans of each as soon as it is done. Returns the tables the key
    checks read, each CSV file's size and hash, the resources' problems, the spans' and the
    resources that left foreign-key patterns to the keys."""
    resources = described(package)
    order = sorted(RESOURCES, key=lambda model: (model is not Article, -_size(root / csv_path(model))))
    checked = {model: pool.submit(_in_cursor, con.cursor(), _check_resource, root, model, resources.get(model.resource_name) if package else None,
                                  implied_patterns(model)) for model in order}
    tables, csv_files, found, span_found, spans, relied = {}, {}, {}, {}, None, []
    for model in order:
        cross, facts, found[model], relies = checked[model].result()
        relied += [model] if relies else []
        if facts is not None:
            csv_files[model.resource_name] = facts
        if cross is not None:
            tables[model.resource_name] = cross
            spans = Spans(cross, con) if model is Article else spans
            span_found[model] = spans.problems(model, cross) if spans is not None else []
    in_order = [model for model in RESOURCES if model in found]  # problems in the models' order, whatever finished first
    return tables, csv_files, [p for m in in_order for p in found[m]], [p for m in in_order for p in span_found.get(m, [])], relied


def _recheck(root: Path, package: dict | None, con, relied: list[type[Resource]], found: list[Problem]) -> list[Problem]:
    """A resource whose foreign-key patterns were left to the keys (rows.implied_patterns), checked
    again in full when they do not vouch for them: a problem in its file (a key that is not its
    parent's is one) or in a parent's. Only the problems not reported yet are returned."""
    resources = described(package)
    where = {p.path for p in found}
    again = []
    for model in relied:
        parents = {model_by_name(model.foreign_keys[column]) for column in implied_patterns(model)}
        if where & {csv_path(model), *(csv_path(p) for p in parents), *(parquet_path(p) for p in parents)}:
            again += [p for p in _check_resource(root, model, resources.get(model.resource_name) if package else None, set(), con)[2] if p not in found]
    return again


def _size(path: Path) -> int:
    try:
        return path.lstat().st_size
    except OSError:
        return 0


def _in_cursor(cursor, function, *args):
    """`function(*args, cursor)`, then the cursor closed: a DuckDB connection serves one thread, so
    each task gets a cursor of its own, made by the thread that owns the connection."""
    try:
        return function(*args, cursor)
    finally:
        cursor.close()


def read_table(root: Path, model: type[Resource]) -> pa.Table:
    """A resource's CSV edition as a typed Arrow table (for exports and diffs); raises ValueError
    when the file does not validate."""
    cells, _, problems = read_cells(root, model)
    if cells is not None:
        problems += cell_problems(model, cells)
    if cells is None or any(p.severity == "error" for p in problems):
        raise ValueError("; ".join(str(p) for p in problems) or f"cannot read {csv_path(model)}")
    return typed_table(model, cells)
