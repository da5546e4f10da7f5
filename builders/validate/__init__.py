"""Checks on a published package, each problem one line: file, row, field, what is wrong.

Layers, one module each (the README's "what checks what" table follows this list):
1. `descriptor`: frictionless validates `datapackage.json` against the Data Package profile, and
   every resource's schema must equal the one generated from the models.
2. `rows`, `spans`, `editions`: vectorised over Arrow (and DuckDB for spans), with every check
   generated from the models' columns: bytes and sha256 against the descriptor, header, cell
   count, types, required, enum, pattern, minimum, minLength, primary keys, foreign keys, spans
   (`articles.text[start:end] == text`), spreadsheet-formula cells, and the Parquet edition equal
   to the CSV edition.
3. `freshness`: the descriptor records a digest of every input under `seeds/`; it must match the
   seeds, and the descriptor and Table Schemas must equal the ones generated from the rows; given a
   fresh build (the pipeline's `--rebuild`), every file must equal it.

frictionless's own row-by-row validation (`frictionless validate datapackage.json`) is not run
here: in the 11 damage cases of tests/test_validation_layers.py it finds nothing that layer 2 misses,
and on the 10,000-article benchmark package it takes 13.3 s against 2.0 s for this whole module.
Nothing here builds or imports the pipeline.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa

from ..inputs.seeds import inputs_digest
from ..problems import Problem
from ..schema.columns import columns
from ..schema.layout import csv_path
from ..schema.models import RESOURCES, Article, Resource
from .descriptor import descriptor_problems, read_descriptor
from .editions import parquet_problems, typed_table
from .freshness import differences, freshness_problems
from .rows import cell_problems, key_problems, read_cells
from .spans import span_problems

__all__ = ["differences", "read_table", "validate_package"]


def _check_resource(root: Path, model: type[Resource], resource: dict | None) -> tuple[pa.Table | None, tuple[int, str] | None, list[Problem]]:
    """Everything about one resource that needs no other resource: file, cells, Parquet edition."""
    cells, facts, problems = read_cells(root, model, resource)
    found = cell_problems(model, cells) if cells is not None else []
    parquet = parquet_problems(root, model, cells if cells is not None and not found else None)
    if cells is not None:  # keep only what the cross-resource checks read: memory stays low
        cells = cells.select([c.name for c in columns(model) if c.name in _cross_columns(model)])
    return cells, facts, problems + found + parquet


def _cross_columns(model: type[Resource]) -> set[str]:
    """Columns read by the key, span and freshness checks."""
    keep = {model.primary_key, *model.foreign_keys}
    for span in model.spans:
        keep |= {"article_id", *span}
    if model is Article:
        keep |= {"text", "publisher", "original_publisher", "article_id", "title", "url"}  # (sources_of)
    return keep


def validate_package(root: Path, check_freshness: bool = False) -> list[Problem]:
    """Layers 1 and 2 (and 3 without the rebuild when `check_freshness`) on a package directory.
    Resources are checked on a thread pool: Arrow, DuckDB and hashing release the GIL."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        package, problems = read_descriptor(root)
        resources = {r.get("name"): r for r in (package or {}).get("resources", []) if isinstance(r, dict)}
        checked = [pool.submit(_check_resource, root, model, resources.get(model.resource_name) if package else None) for model in RESOURCES]
        digest = pool.submit(inputs_digest, root) if check_freshness else None
        if package is not None:  # while the pool reads the files: importing frictionless is mostly Python
            problems += descriptor_problems(package)
        tables, csv_files = {}, {}
        for model, future in zip(RESOURCES, checked, strict=True):
            cells, facts, found = future.result()
            problems += found
            if facts is not None:
                csv_files[model.resource_name] = facts
            if cells is not None:
                tables[model.resource_name] = cells
        keys, spans = pool.submit(key_problems, tables), pool.submit(span_problems, tables)
        problems += keys.result() + spans.result()
        if check_freshness and package is not None:
            seeds_digest, seeds_problems = digest.result()
            problems += seeds_problems + freshness_problems(root, package, csv_files, tables.get(Article.resource_name), seeds_digest)
    return problems


def read_table(root: Path, model: type[Resource]) -> pa.Table:
    """A resource's CSV edition as a typed Arrow table (for exports and diffs); raises ValueError
    when the file does not validate."""
    cells, _, problems = read_cells(root, model)
    if cells is not None:
        problems += cell_problems(model, cells)
    if cells is None or any(p.severity == "error" for p in problems):
        raise ValueError("; ".join(str(p) for p in problems) or f"cannot read {csv_path(model)}")
    return typed_table(model, cells)
