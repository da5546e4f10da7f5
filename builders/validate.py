"""Checks on a published package, each problem one line: file, row, field, what is wrong.

Layers:
1. frictionless on `datapackage.json`: descriptor, bytes/hash, types, constraints, primary and
   foreign keys of the CSV edition.
2. What frictionless cannot see: every span satisfies `articles.text[start:end] == text`; the
   Parquet edition has the declared Arrow schema and exactly the CSV edition's rows.
3. Freshness: a build from `seeds/` in a temporary directory equals the published package.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from pathlib import Path

import pyarrow.parquet as pq

from .card import ACTOR_GRAPH, CARD, TIMELINE
from .models import RESOURCES, Article, Resource
from .problems import Problem
from .publish import CSV_DIR, DESCRIPTOR, PARQUET_DIR, SCHEMA_DIR
from .tables import arrow_schema, columns, decode_cell

csv.field_size_limit(2**31 - 1)


def frictionless_problems(root: Path) -> list[Problem]:
    from frictionless import validate as frictionless_validate

    if not (root / DESCRIPTOR).is_file():
        return [Problem(DESCRIPTOR, None, None, "missing — run python -m builders build")]
    report = frictionless_validate(str(root / DESCRIPTOR), limit_errors=0)
    problems = [Problem(DESCRIPTOR, None, None, f"{e.type}: {e.message}") for e in report.errors]
    for task in report.tasks:
        path = task.place or task.name
        for error in task.errors:
            row = getattr(error, "row_number", None)
            field = getattr(error, "field_name", None)
            problems.append(Problem(path, row, field, f"{error.type}: {error.note or error.message}"))
    return problems


def read_csv(root: Path, model: type[Resource]) -> tuple[list[dict], list[Problem]]:
    """Rows of a CSV resource as typed Python values; cells that do not decode become problems."""
    path = f"{CSV_DIR}/{model.resource_name}.csv"
    cols = {c.name: c for c in columns(model)}
    rows, problems = [], []
    try:
        with open(root / path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames != list(cols):
                return [], [Problem(path, 1, None, f"header is {reader.fieldnames}, expected {list(cols)} — rebuild")]
            for number, raw in enumerate(reader, start=2):
                row = {}
                for name, cell in raw.items():
                    try:
                        row[name] = decode_cell(cell or "", cols[name])
                    except (ValueError, KeyError) as exc:
                        problems.append(Problem(path, number, name, f"cannot read {cell!r} as {cols[name].type}: {exc}"))
                row["_row"] = number
                rows.append(row)
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(path, None, None, f"cannot read: {exc} — rebuild"))
    return rows, problems


def span_problems(root: Path, tables: dict[str, list[dict]]) -> list[Problem]:
    texts = {row["article_id"]: row["text"] for row in tables.get(Article.resource_name, [])}
    problems = []
    for model in RESOURCES:
        path = f"{CSV_DIR}/{model.resource_name}.csv"
        for start_col, end_col, text_col in model.spans:
            for row in tables.get(model.resource_name, []):
                text = texts.get(row.get("article_id"))
                start, end, value = row.get(start_col), row.get(end_col), row.get(text_col)
                if text is None or start is None or end is None:
                    continue  # a missing article is a foreign-key problem, reported by frictionless
                if text[start:end] != value:
                    problems.append(
                        Problem(path, row["_row"], text_col, f"articles.text[{start}:{end}] is {text[start:end][:60]!r}, not {str(value)[:60]!r}")
                    )
    return problems


FORMULA_STARTS = ("=", "+", "@", "\t", "\r")


def formula_problems(tables: dict[str, list[dict]]) -> list[Problem]:
    """Cells a spreadsheet would run as a formula. The data is not rewritten (offsets and the Parquet
    edition must keep the exact text), so such a cell is an error to fix in the source."""
    problems = []
    for model in RESOURCES:
        path = f"{CSV_DIR}/{model.resource_name}.csv"
        for row in tables.get(model.resource_name, []):
            for name, value in row.items():
                values = value if isinstance(value, list) else [value]
                for v in values:
                    if isinstance(v, str) and v.startswith(FORMULA_STARTS):
                        problems.append(Problem(path, row["_row"], name, f"starts with {v[0]!r}, which a spreadsheet would run as a formula — change the source so that this value does not start with =, +, @, tab or CR"))
    return problems


def parquet_problems(root: Path, tables: dict[str, list[dict]]) -> list[Problem]:
    problems = []
    for model in RESOURCES:
        path = f"{PARQUET_DIR}/{model.resource_name}.parquet"
        try:
            table = pq.read_table(root / path)
        except (OSError, ValueError) as exc:
            problems.append(Problem(path, None, None, f"cannot read: {exc} — rebuild"))
            continue
        expected = arrow_schema(model)
        if not table.schema.equals(expected, check_metadata=False):
            problems.append(Problem(path, None, None, f"schema is {table.schema.to_string(show_field_metadata=False, show_schema_metadata=False)!r}, expected the model's — rebuild"))
            continue
        csv_rows = tables.get(model.resource_name, [])
        parquet_rows = table.to_pylist()
        if len(parquet_rows) != len(csv_rows):
            problems.append(Problem(path, None, None, f"{len(parquet_rows)} rows, but the CSV edition has {len(csv_rows)} — rebuild"))
            continue
        for csv_row, pq_row in zip(csv_rows, parquet_rows):
            for col in columns(model):
                if csv_row.get(col.name) != pq_row[col.name]:
                    problems.append(
                        Problem(path, csv_row["_row"], col.name, f"Parquet has {pq_row[col.name]!r:.60}, CSV has {csv_row.get(col.name)!r:.60} — rebuild")
                    )
    return problems


def validate_package(root: Path) -> list[Problem]:
    """Everything that can be checked on a package directory without the seeds."""
    problems = frictionless_problems(root)
    tables = {}
    for model in RESOURCES:
        rows, read = read_csv(root, model)
        tables[model.resource_name] = rows
        problems += read
    problems += span_problems(root, tables)
    problems += formula_problems(tables)
    problems += parquet_problems(root, tables)
    return problems


def freshness_problems(root: Path, workers: int = 1) -> list[Problem]:
    """A build from the seeds, in a temporary directory, must equal what is published."""
    from .build import build_into

    work = Path(tempfile.mkdtemp(prefix=".validate-"))
    try:
        problems = build_into(root, work / "package", workers)
        if any(p.severity == "error" for p in problems):
            return problems
        fresh = work / "package"
        for model in RESOURCES:
            for rel in (f"{CSV_DIR}/{model.resource_name}.csv", f"{SCHEMA_DIR}/{model.resource_name}.json"):
                if not (root / rel).is_file() or (root / rel).read_bytes() != (fresh / rel).read_bytes():
                    problems.append(Problem(rel, None, None, "stale: differs from a fresh build of seeds/ — run python -m builders build"))
            rel = f"{PARQUET_DIR}/{model.resource_name}.parquet"
            try:
                same = pq.read_table(root / rel).equals(pq.read_table(fresh / rel))
            except (OSError, ValueError):
                same = False
            if not same:
                problems.append(Problem(rel, None, None, "stale: differs from a fresh build of seeds/ — run python -m builders build"))
        for rel in (DESCRIPTOR, CARD):
            if not (root / rel).is_file() or (root / rel).read_bytes() != (fresh / rel).read_bytes():
                problems.append(Problem(rel, None, None, "stale: differs from a fresh build of seeds/ — run python -m builders build"))
        for rel in (TIMELINE, ACTOR_GRAPH):  # drawn pictures differ across plotting library versions: present is enough
            if not (root / rel).is_file():
                problems.append(Problem(rel, None, None, "missing — run python -m builders build"))
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def validate(root: Path, workers: int = 1) -> list[Problem]:
    """The published package is valid, consistent across editions, and up to date with seeds/."""
    return validate_package(root) + freshness_problems(root, workers)
