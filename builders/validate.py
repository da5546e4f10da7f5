"""Checks on a published package, each problem one line: file, row, field, what is wrong.

Layers (the docs' "what checks what" table follows this list):
1. Descriptor: frictionless validates `datapackage.json` against the Data Package profile, and every
   resource's schema must equal the one generated from the models.
2. Rows, vectorised over Arrow (and DuckDB for spans), with every check generated from the models'
   columns: bytes and sha256 against the descriptor, header, cell count, types, required, enum,
   pattern, minimum, minLength, primary keys, foreign keys, spans (`articles.text[start:end] ==
   text`), spreadsheet-formula cells, and the Parquet edition equal to the CSV edition.
3. Freshness: the descriptor records a digest of every input under `seeds/`; it must match the
   seeds, and the descriptor and Table Schemas must equal the ones generated from the rows. With
   `rebuild=True`, a full build in a temporary directory must also equal the package byte for byte
   (this also catches a changed builder and a hand-edited card).

frictionless's own row-by-row validation (`frictionless validate datapackage.json`) is not run
here: in the 11 damage cases of tests/test_validation_layers.py it finds nothing that layer 2 misses,
and on the 10,000-article benchmark package it takes 13.3 s against 2.0 s for this whole module.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from .card import ACTOR_GRAPH, CARD, TIMELINE
from .models import RESOURCES, Article, Resource
from .problems import Problem
from .publish import (
    CSV_DIR,
    DESCRIPTOR,
    PARQUET_DIR,
    SCHEMA_DIR,
    descriptor,
    file_facts,
    schema_json,
    sources_of,
)
from .tables import Column, arrow_schema, columns, enum_array, plain, table_schema

STALE = "stale: differs from a fresh build of seeds/ — run python -m builders build"
MAX_PER_CHECK = 20  # problems reported per file and check; the rest are counted in one line
FORMULA_STARTS = ["=", "+", "@", "\t", "\r"]
TRUE_VALUES, FALSE_VALUES = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")  # frictionless defaults


def _csv_path(model: type[Resource]) -> str:
    return f"{CSV_DIR}/{model.resource_name}.csv"


def _rows(mask: pa.ChunkedArray | pa.Array) -> list[int]:
    """Row numbers (header = 1, first data row = 2) where `mask` is true."""
    return [i + 2 for i in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()]


def _report(path: str, rows: list[int], field: str | None, message) -> list[Problem]:
    """One problem per row, at most MAX_PER_CHECK, then one line counting the rest."""
    out = [Problem(path, row, field, message(row) if callable(message) else message) for row in rows[:MAX_PER_CHECK]]
    if len(rows) > MAX_PER_CHECK:
        out.append(Problem(path, None, field, f"… and {len(rows) - MAX_PER_CHECK} more rows with the same problem"))
    return out


# --- layer 1: descriptor ------------------------------------------------------------------------


def read_descriptor(root: Path) -> tuple[dict | None, list[Problem]]:
    path = root / DESCRIPTOR
    if not path.is_file():
        return None, [Problem(DESCRIPTOR, None, None, "missing — run python -m builders build")]
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem(DESCRIPTOR, None, None, f"not valid JSON: {exc} — run python -m builders build")]
    if not isinstance(package, dict):
        return None, [Problem(DESCRIPTOR, None, None, "not a JSON object — run python -m builders build")]
    return package, []


def descriptor_problems(package: dict) -> list[Problem]:
    """frictionless's profile check of the descriptor, and its resources against the models."""
    from frictionless import Package

    problems = [Problem(DESCRIPTOR, None, None, f"{e.type}: {e.message}") for e in Package.validate_descriptor(package).errors]
    resources = {r.get("name"): r for r in package.get("resources", []) if isinstance(r, dict)}
    for model in RESOURCES:
        resource = resources.get(model.resource_name)
        if resource is None:
            problems.append(Problem(DESCRIPTOR, None, None, f"resource {model.resource_name!r} is missing — run python -m builders build"))
        elif resource.get("path") != _csv_path(model) or resource.get("schema") != table_schema(model):
            problems.append(Problem(DESCRIPTOR, None, None, f"resource {model.resource_name!r}: path or schema differs from the models' — run python -m builders build"))
    return problems


# --- layer 2: rows --------------------------------------------------------------------------------


def read_cells(root: Path, model: type[Resource], resource: dict | None = None) -> tuple[pa.Table | None, tuple[int, str] | None, list[Problem]]:
    """The CSV edition of a resource as a table of cell texts, the file's size and hash (hashed
    once, here), and problems with the file itself (bytes, hash, header, cell counts). Every cell
    is read as text: types are checked after."""
    path = _csv_path(model)
    try:
        data = (root / path).read_bytes()
    except OSError as exc:
        return None, None, [Problem(path, None, None, f"cannot read: {exc} — run python -m builders build")]
    facts = size, digest = file_facts(data)
    problems = []
    if resource is not None:
        if resource.get("bytes") != size:
            problems.append(Problem(path, None, None, f"byte-count: the file has {size} bytes, the descriptor says {resource.get('bytes')}"))
        if resource.get("hash") != digest:
            problems.append(Problem(path, None, None, f"hash-count: the file's hash is {digest}, the descriptor says {resource.get('hash')}"))
    names = [c.name for c in columns(model)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False, quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:  # rare: read row by row to say which rows are wrong, and how
        table, shape = _read_rows_exactly(data, names, path)
        return table, facts, problems + (shape or [Problem(path, None, None, f"cannot parse as CSV: {exc} — run python -m builders build")])
    if table.column_names != names:
        return None, facts, [*problems, Problem(path, 1, None, f"incorrect-label: header is {table.column_names}, expected {names} — run python -m builders build")]
    return table, facts, problems


def _read_rows_exactly(data: bytes, names: list[str], path: str) -> tuple[pa.Table | None, list[Problem]]:
    """A CSV that Arrow refused: bytes that are not UTF-8, a wrong header, or rows of the wrong
    length (each padded or cut to the header, with its problem named at its row)."""
    import csv
    import io

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data[: bad.start].count(b"\n") + 1
        return None, [Problem(path, None, None, f"not UTF-8: byte {bad.start} (line {line} of the file) is {data[bad.start:bad.start + 1]!r} — run python -m builders build")]
    csv.field_size_limit(2**31 - 1)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or rows[0] != names:
        return None, [Problem(path, 1, None, f"incorrect-label: header is {rows[0] if rows else []}, expected {names} — run python -m builders build")]
    problems, cells = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(row):
            problems.append(Problem(path, number, None, "blank-row: the row is empty — run python -m builders build"))
        elif len(row) < len(names):
            problems += [Problem(path, number, name, f"missing-cell: {len(row)} cells, expected {len(names)} — run python -m builders build")
                         for name in names[len(row):]]
        elif len(row) > len(names):
            problems.append(Problem(path, number, None, f"extra-cell: {len(row)} cells, expected {len(names)} — run python -m builders build"))
        cells.append((row + [""] * len(names))[: len(names)])
    return pa.table({name: pa.array([row[i] for row in cells], pa.string()) for i, name in enumerate(names)}), problems


def _is_json_string_list(cell: str) -> bool:
    try:
        value = json.loads(cell)
    except ValueError:
        return False
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _type_ok(cells: pa.ChunkedArray, col: Column) -> pa.ChunkedArray | pa.Array | None:
    """True where a non-empty cell can be read as the column's type; None when every cell can."""
    if col.type == "integer":
        return pc.match_substring_regex(cells, r"^[+-]?[0-9]{1,18}$")
    if col.type == "number":
        return pc.match_substring_regex(cells, r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$|^(NaN|INF|-INF)$")
    if col.type == "date":
        shaped = pc.match_substring_regex(cells, r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
        parsed = pc.strptime(pc.if_else(shaped, cells, "2000-01-01"), format="%Y-%m-%d", unit="s", error_is_null=True)
        # strptime rolls 2020-02-31 over to 2020-03-02: a real date prints back as the same text
        return pc.and_(shaped, pc.fill_null(pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), cells), False))
    if col.type == "boolean":
        return pc.is_in(cells, value_set=pa.array(TRUE_VALUES + FALSE_VALUES))
    if col.type == "array":
        return pa.array([cell == "" or _is_json_string_list(cell) for cell in cells.to_pylist()])
    return None


def cell_problems(model: type[Resource], table: pa.Table) -> list[Problem]:
    """Types and constraints of every cell, one vectorised pass per column and check."""
    path = _csv_path(model)
    problems = []
    for col in columns(model):
        cells = table.column(col.name)
        present = pc.not_equal(cells, "")
        if col.required:
            problems += _report(path, _rows(pc.invert(present)), col.name, "constraint-error: required: the cell is empty")
        typed = _type_ok(cells, col)
        if typed is not None:
            bad = pc.and_(present, pc.invert(typed))
            problems += _report(path, _rows(bad), col.name, lambda r, c=cells: f"type-error: {c[r - 2].as_py()[:60]!r} is not a valid {col.type}")
            present = pc.and_(present, typed)
        # each check runs on the cells as they are and is masked by `present`: no column is copied
        if col.enum:
            bad = pc.and_(present, pc.invert(pc.is_in(cells, value_set=pa.array(col.enum))))
            problems += _report(path, _rows(bad), col.name, lambda r, c=cells: f"constraint-error: enum: {c[r - 2].as_py()[:60]!r} is not one of {list(col.enum)}")
        if col.pattern:
            bad = pc.and_(present, pc.invert(pc.match_substring_regex(cells, col.pattern)))
            problems += _report(path, _rows(bad), col.name, lambda r, c=cells: f"constraint-error: pattern: {c[r - 2].as_py()[:60]!r} does not match {col.pattern}")
        if col.minimum is not None and col.type == "integer":
            bad = pc.and_(present, pc.less(pc.cast(pc.if_else(present, cells, "0"), pa.int64()), col.minimum))
            problems += _report(path, _rows(bad), col.name, lambda r, c=cells: f"constraint-error: minimum: {c[r - 2].as_py()} is below {col.minimum}")
        if col.min_length is not None:
            bad = pc.and_(present, pc.less(pc.utf8_length(cells), col.min_length))
            problems += _report(path, _rows(bad), col.name, f"constraint-error: minLength: shorter than {col.min_length} characters")
        if col.type == "string":
            formula = pc.is_in(pc.utf8_slice_codeunits(cells, 0, 1), value_set=pa.array(FORMULA_STARTS))
            problems += _report(path, _rows(formula), col.name, lambda r, c=cells: (
                f"starts with {c[r - 2].as_py()[0]!r}, which a spreadsheet would run as a formula — change the source so "
                "that this value does not start with =, +, @, tab or CR"))
    return problems


def key_problems(tables: dict[str, pa.Table]) -> list[Problem]:
    """Primary keys unique (and present); foreign keys point at existing rows."""
    problems = []
    for model in RESOURCES:
        table = tables.get(model.resource_name)
        if table is None:
            continue
        path = _csv_path(model)
        keys = table.column(model.primary_key)
        counts = pc.value_counts(keys)
        repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        if len(repeated):
            seen: set[str] = set()
            duplicate_rows = []
            for row in _rows(pc.is_in(keys, value_set=repeated)):
                value = keys[row - 2].as_py()
                if value in seen:
                    duplicate_rows.append(row)
                seen.add(value)
            problems += _report(path, duplicate_rows, model.primary_key, lambda r, k=keys: f"primary-key: {k[r - 2].as_py()!r} is already the key of an earlier row")
        for column, target in model.foreign_keys.items():
            parent = tables.get(target)
            if parent is None:
                continue
            from .tables import model_by_name

            parent_keys = parent.column(model_by_name(target).primary_key)
            values = table.column(column)
            missing = pc.and_(pc.not_equal(values, ""), pc.invert(pc.is_in(values, value_set=parent_keys.combine_chunks())))
            problems += _report(path, _rows(missing), column, lambda r, v=values, t=target: f"foreign-key: {v[r - 2].as_py()!r} is not a key of {t}")
    return problems


def span_problems(tables: dict[str, pa.Table]) -> list[Problem]:
    """`articles.text[start:end] == text` for every span, in one DuckDB join per span column set
    (DuckDB's substring counts code points, as Python's slicing does)."""
    import duckdb

    articles = tables.get(Article.resource_name)
    if articles is None:
        return []
    con = duckdb.connect()
    con.register("articles", articles.select(["article_id", "text"]))
    problems = []
    for model in RESOURCES:
        table = tables.get(model.resource_name)
        if table is None or not model.spans:
            continue
        path = _csv_path(model)
        for start_col, end_col, text_col in model.spans:
            spans = pa.table({
                "row": pa.array(range(2, table.num_rows + 2), pa.int64()),
                "article_id": table.column("article_id"),
                "s": table.column(start_col), "e": table.column(end_col), "v": table.column(text_col),
            })
            con.register("spans", spans)
            found = con.execute("""
                WITH typed AS (
                    SELECT row, article_id, TRY_CAST(s AS BIGINT) AS s, TRY_CAST(e AS BIGINT) AS e, v FROM spans
                )
                SELECT row, typed.s, typed.e, v,
                       CASE WHEN typed.s < 0 OR typed.e < typed.s OR typed.e > length(a.text) THEN NULL
                            ELSE substring(a.text, typed.s + 1, typed.e - typed.s) END AS actual
                FROM typed JOIN articles a USING (article_id)
                WHERE typed.s IS NOT NULL AND typed.e IS NOT NULL
                  AND (typed.s < 0 OR typed.e < typed.s OR typed.e > length(a.text)
                       OR substring(a.text, typed.s + 1, typed.e - typed.s) IS DISTINCT FROM v)
                ORDER BY row
            """).fetchall()  # a missing article is a foreign-key problem, reported there
            con.unregister("spans")
            by_row = {row: (s, e, v, actual) for row, s, e, v, actual in found}
            problems += _report(path, list(by_row), text_col, lambda r, b=by_row: (
                f"articles.text[{b[r][0]}:{b[r][1]}] is {b[r][3][:60]!r}, not {str(b[r][2])[:60]!r}" if b[r][3] is not None
                else f"[{b[r][0]}:{b[r][1]}] is outside the article's text"))
    con.close()
    return problems


def typed_table(model: type[Resource], cells: pa.Table) -> pa.Table:
    """Cell texts -> the typed Arrow table of the Parquet edition (empty cell = null). Call only on
    cells that passed `cell_problems`."""
    schema = arrow_schema(model)
    arrays = []
    for col in columns(model):
        text = cells.column(col.name).combine_chunks()
        values = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
        field = schema.field(col.name)
        if col.enum:
            arrays.append(enum_array(col, values))
        elif col.type == "array":
            arrays.append(pa.array([None if v is None else json.loads(v) for v in values.to_pylist()], type=field.type))
        elif col.type == "date":
            arrays.append(pc.strptime(values, format="%Y-%m-%d", unit="s").cast(pa.date32()))
        elif col.type == "boolean":
            truth = pc.is_in(values, value_set=pa.array(TRUE_VALUES))
            arrays.append(pc.if_else(pc.is_null(values), pa.scalar(None, pa.bool_()), truth))
        else:
            arrays.append(values.cast(field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def parquet_problems(root: Path, model: type[Resource], cells: pa.Table | None) -> list[Problem]:
    """The Parquet edition has the models' schema and exactly the CSV edition's rows and values."""
    path = f"{PARQUET_DIR}/{model.resource_name}.parquet"
    try:
        table = pq.read_table(root / path)
    except (OSError, ValueError) as exc:
        return [Problem(path, None, None, f"cannot read: {exc} — run python -m builders build")]
    if not table.schema.equals(arrow_schema(model), check_metadata=False):
        return [Problem(path, None, None, f"schema is {table.schema.to_string(show_field_metadata=False, show_schema_metadata=False)!r}, expected the model's — run python -m builders build")]
    if cells is None:
        return []
    expected = typed_table(model, cells)
    if table.num_rows != expected.num_rows:
        return [Problem(path, None, None, f"{table.num_rows} rows, but the CSV edition has {expected.num_rows} — run python -m builders build")]
    problems = []
    for col in columns(model):
        got, want = plain(table.column(col.name)), plain(expected.column(col.name))
        if got.equals(want):
            continue
        if col.type == "array":
            differs = pa.array([a != b for a, b in zip(got.to_pylist(), want.to_pylist(), strict=True)])
        else:
            differs = pc.or_(pc.fill_null(pc.not_equal(got, want), False), pc.xor(pc.is_null(got), pc.is_null(want)))
        problems += _report(path, _rows(differs), col.name, lambda r, g=got, w=want: f"Parquet has {g[r - 2].as_py()!r:.60}, CSV has {w[r - 2].as_py()!r:.60} — run python -m builders build")
    return problems


# --- layer 3: freshness ---------------------------------------------------------------------------


def freshness_problems(root: Path, package: dict, csv_files: dict[str, tuple[int, str]], articles: pa.Table | None, seeds_digest: str) -> list[Problem]:
    """The package was built from the seeds as they are now (`seeds_digest`, see build.inputs_digest),
    and its descriptor and Table Schemas are the ones the builders generate for these rows."""
    problems = []
    if package.get("x-inputs-sha256") != seeds_digest:
        problems.append(Problem(DESCRIPTOR, None, None, "stale: seeds/ changed since the package was built — run python -m builders build"))
    for model in RESOURCES:
        rel = f"{SCHEMA_DIR}/{model.resource_name}.json"
        if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != schema_json(model):
            problems.append(Problem(rel, None, None, STALE))
    recorded = {r.get("name"): r for r in package.get("resources", []) if isinstance(r, dict)}
    for model in RESOURCES:
        facts, resource = csv_files.get(model.resource_name), recorded.get(model.resource_name, {})
        if facts is not None and resource.get("hash") != facts[1]:
            problems.append(Problem(_csv_path(model), None, None, STALE))  # edited after the build
    if articles is not None and len(csv_files) == len(RESOURCES):
        sources = sources_of(articles.column("publisher").to_pylist() + articles.column("original_publisher").to_pylist())
        expected = descriptor(csv_files, sources, package.get("x-inputs-sha256"))

        def without_file_facts(d: dict) -> dict:  # bytes and hash are compared above, per file
            return {**d, "resources": [{k: v for k, v in r.items() if k not in ("bytes", "hash")} for r in d.get("resources", []) if isinstance(r, dict)]}

        if without_file_facts(package) != without_file_facts(expected):
            problems.append(Problem(DESCRIPTOR, None, None, STALE))
    for rel in (CARD, TIMELINE, ACTOR_GRAPH):
        if not (root / rel).is_file():
            problems.append(Problem(rel, None, None, "missing — run python -m builders build"))
    return problems


def rebuild_problems(root: Path, workers: int = 1) -> list[Problem]:
    """A build from the seeds, in a temporary directory, must equal what is published."""
    from .build import build_into

    work = Path(tempfile.mkdtemp(prefix=".validate-"))
    try:
        problems = build_into(root, work / "package", workers)
        if any(p.severity == "error" for p in problems):
            return problems
        fresh = work / "package"
        for model in RESOURCES:
            for rel in (_csv_path(model), f"{SCHEMA_DIR}/{model.resource_name}.json"):
                if not (root / rel).is_file() or (root / rel).read_bytes() != (fresh / rel).read_bytes():
                    problems.append(Problem(rel, None, None, STALE))
            rel = f"{PARQUET_DIR}/{model.resource_name}.parquet"
            try:
                same = pq.read_table(root / rel).equals(pq.read_table(fresh / rel))
            except (OSError, ValueError):
                same = False
            if not same:
                problems.append(Problem(rel, None, None, STALE))
        for rel in (DESCRIPTOR, CARD):
            if not (root / rel).is_file() or (root / rel).read_bytes() != (fresh / rel).read_bytes():
                problems.append(Problem(rel, None, None, STALE))
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --- entry points ---------------------------------------------------------------------------------


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
        keep |= {"text", "publisher", "original_publisher"}
    return keep


def validate_package(root: Path, check_freshness: bool = False) -> list[Problem]:
    """Layers 1 and 2 (and 3 without the rebuild when `check_freshness`) on a package directory.
    Resources are checked on a thread pool: Arrow, DuckDB and hashing release the GIL."""
    from concurrent.futures import ThreadPoolExecutor

    from .build import inputs_digest

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
            problems += freshness_problems(root, package, csv_files, tables.get(Article.resource_name), digest.result())
    return problems


def validate(root: Path, workers: int = 1, rebuild: bool = False) -> list[Problem]:
    """The published package is valid, consistent across editions, and up to date with seeds/."""
    problems = validate_package(root, check_freshness=True)
    if rebuild:
        problems += [p for p in rebuild_problems(root, workers) if str(p) not in {str(q) for q in problems}]
    return problems


def read_table(root: Path, model: type[Resource]) -> pa.Table:
    """A resource's CSV edition as a typed Arrow table (for exports and diffs); raises ValueError
    when the file does not validate."""
    cells, _, problems = read_cells(root, model)
    if cells is not None:
        problems += cell_problems(model, cells)
    if cells is None or any(p.severity == "error" for p in problems):
        raise ValueError("; ".join(str(p) for p in problems) or f"cannot read {_csv_path(model)}")
    return typed_table(model, cells)
