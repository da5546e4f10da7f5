"""Layer 2, within one resource: the CSV file against its recorded bytes and hash, its header and
cell counts, every cell's type and constraints, and keys (primary keys unique, foreign keys
resolving). Every check is generated from the models' columns; Arrow parses the CSV, DuckDB runs
the checks (no Python values are made from a valid file: no pandas import through pyarrow)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..problems import Problem
from ..schema.columns import Column, columns, model_by_name, plain
from ..schema.dataset import file_facts
from ..schema.files import UnsafeFile, excerpt
from ..schema.files import read_file as read_package_file
from ..schema.layout import csv_path
from ..schema.models import RESOURCES, Resource
from .common import ROW, connect, re2_pattern, register, report, sql_name, sql_text, unregister

FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"]  # OWASP's list (CSV injection)
TRUE_VALUES, FALSE_VALUES = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")  # frictionless defaults


def read_cells(root: Path, model: type[Resource], resource: dict | None = None) -> tuple[pa.Table | None, tuple[int, str] | None, list[Problem]]:
    """The CSV edition of a resource as a table of cell texts, the file's size and hash, and
    problems with the file itself (bytes, hash, header, cell counts). Every cell is read as text:
    types are checked after."""
    data, facts, problems = read_file(root, model, resource)
    if data is None:
        return None, facts, problems
    cells, found = parse_cells(model, data)
    return cells, facts, problems + found


def read_file(root: Path, model: type[Resource], resource: dict | None = None) -> tuple[bytes | None, tuple[int, str] | None, list[Problem]]:
    """A resource's CSV file, its size and hash (hashed once, here) and whether the descriptor
    (`resource`) states them."""
    path = csv_path(model)
    try:
        data = read_package_file(root, path, declared=(resource or {}).get("bytes"))
    except UnsafeFile as refused:
        return None, None, [Problem(path, None, None, str(refused).removeprefix(f"{path}: "))]
    except OSError as exc:
        return None, None, [Problem(path, None, None, f"cannot read: {excerpt(exc.strerror or exc)} — run python -m builders build")]
    facts = file_facts(data)
    return data, facts, stated_problems(model, facts, resource)


def stated_problems(model: type[Resource], facts: tuple[int, str], resource: dict | None) -> list[Problem]:
    """The CSV file's size and hash against the descriptor's `resource`."""
    (size, digest), path, problems = facts, csv_path(model), []
    if resource is not None:
        if resource.get("bytes") != size:
            problems.append(Problem(path, None, None, f"byte-count: the file has {size} bytes, the descriptor says {resource.get('bytes')}"))
        if resource.get("hash") != digest:
            problems.append(Problem(path, None, None, f"hash-count: the file's hash is {digest}, the descriptor says {resource.get('hash')}"))
    return problems


def parse_cells(model: type[Resource], data: bytes) -> tuple[pa.Table | None, list[Problem]]:
    """CSV bytes as a table of cell texts (header and cell counts checked), parsed by Arrow."""
    path, names = csv_path(model), [c.name for c in columns(model)]
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
        return table, shape or [Problem(path, None, None, f"cannot parse as CSV: {excerpt(exc, 300)} — run python -m builders build")]
    if table.column_names != names:
        return None, [Problem(path, 1, None, f"incorrect-label: header is {excerpt(table.column_names, 400)}, expected {names} — run python -m builders build")]
    return table, []


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
        return None, [Problem(path, 1, None, f"incorrect-label: header is {excerpt(rows[0] if rows else [], 400)}, expected {names} — run python -m builders build")]
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


@dataclass(frozen=True)
class _Cells:
    """How the checks read a column, as SQL: its text, when a cell is empty, when it is not of the
    column's type (None: never, or Python's json decides), and its integer."""

    text: str
    empty: str
    wrong_type: str | None
    integer: str


def _csv_cells(col: Column) -> _Cells:
    """The CSV file's cell texts, as frictionless reads them."""
    cell = sql_name(col.name)
    if col.type == "integer":  # any int64, as the Parquet edition holds
        typed = f"regexp_full_match({cell}, '[+-]?[0-9]+') AND TRY_CAST({cell} AS BIGINT) IS NOT NULL"
    elif col.type == "number":
        typed = f"regexp_full_match({cell}, '[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?|NaN|INF|-INF')"
    elif col.type == "date":  # a real date prints back as the same text (2020-02-31 and 2020-2-1 do not)
        typed = f"regexp_full_match({cell}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') AND coalesce(CAST(TRY_CAST({cell} AS DATE) AS VARCHAR) = {cell}, false)"
    elif col.type == "boolean":
        typed = f"{cell} IN ({', '.join(map(sql_text, TRUE_VALUES + FALSE_VALUES))})"
    else:  # strings; arrays are read by Python's json (DuckDB's JSON reader takes trailing commas)
        typed = None
    return _Cells(cell, f"{cell} = ''", f"{cell} <> '' AND NOT ({typed})" if typed else None, f"TRY_CAST({cell} AS BIGINT)")


def _typed_cells(col: Column) -> _Cells:
    """The Parquet edition's values, read as the CSV cells the builders render them as: null and ''
    are empty cells, a date out of 0001-9999 is not written with four digits, every int64 is an
    integer and every list of strings a JSON array."""
    value = sql_name(col.name)
    text = f"CAST({value} AS VARCHAR)"  # enums come as DuckDB ENUMs, which '' is not a value of
    wrong_type = {"date": f"{value} NOT BETWEEN DATE '0001-01-01' AND DATE '9999-12-31'", "number": f"NOT isfinite({value})"}.get(col.type)
    return _Cells(text, f"{value} IS NULL OR {text} = ''" if col.type == "string" else f"{value} IS NULL", wrong_type, value)


def _checks(col: Column, cells: _Cells, shown=None, pattern: bool = True) -> list[tuple[str | None, object]]:
    """(SQL true where the check fails — None for the JSON arrays —, message) per check of a column,
    in the order they are reported; a constraint is checked only on cells present and typed.
    `shown(row)` is the cell's text, for the messages."""
    present = f"NOT ({cells.empty})" + (f" AND NOT ({cells.wrong_type})" if cells.wrong_type else "")
    out = []
    if col.required:
        out.append((cells.empty, "constraint-error: required: the cell is empty"))
    if cells.wrong_type or col.type == "array":
        out.append((cells.wrong_type, lambda r: f"type-error: {shown(r)[:60]!r} is not a valid {col.type}"))
    if col.enum:
        out.append((f"{present} AND {cells.text} NOT IN ({', '.join(map(sql_text, col.enum))})",
                    lambda r: f"constraint-error: enum: {shown(r)[:60]!r} is not one of {list(col.enum)}"))
    if col.pattern and pattern:
        out.append((f"{present} AND NOT regexp_matches({cells.text}, {sql_text(re2_pattern(col.pattern))})",
                    lambda r: f"constraint-error: pattern: {shown(r)[:60]!r} does not match {col.pattern}"))
    if col.minimum is not None and col.type == "integer":
        out.append((f"{present} AND {cells.integer} < {int(col.minimum)}", lambda r: f"constraint-error: minimum: {shown(r)} is below {col.minimum}"))
    if col.min_length is not None:
        out.append((f"{present} AND length({cells.text}) < {int(col.min_length)}", f"constraint-error: minLength: shorter than {col.min_length} characters"))
    if col.type == "string":
        out.append((f"ord({cells.text}) IN ({', '.join(str(ord(start)) for start in FORMULA_STARTS)})", lambda r: (
            f"starts with {shown(r)[0]!r}, which a spreadsheet would run as a formula — change the source so "
            "that this value does not start with =, +, -, @, tab or CR")))
    return [(f"coalesce({sql}, false)" if sql else None, message) for sql, message in out]


def _provenance_checks(model: type[Resource], cells_of) -> list[tuple[str, str, str]]:
    """(column, SQL true where the check fails, message) for the days a row's provenance states: a
    text is not retrieved in the future (later than tomorrow, for time zones) nor before the day it
    was published. `cells_of(column)` reads a column as `_csv_cells` or `_typed_cells` do."""
    cols = {col.name: col for col in columns(model)}
    if not {"retrieved_date", "published_date"} <= set(cols):
        return []
    retrieved = f"TRY_CAST({cells_of(cols['retrieved_date']).text} AS DATE)"
    published = f"TRY_CAST({cells_of(cols['published_date']).text} AS DATE)"
    return [("retrieved_date", f"coalesce({retrieved} > current_date + 1, false)",
             "retrieved_date is in the future — correct retrieved_date in the article's source record (seeds/sources/)"),
            ("retrieved_date", f"coalesce({retrieved} < {published}, false)",
             "retrieved_date is before the publication day (published_date) — a text is not taken before it is published: "
             "correct the source record's retrieved_date or the date the text states")]


def implied_patterns(model: type[Resource]) -> set[str]:
    """Foreign-key columns whose pattern is their parent key's: a value that is one of the parent's
    keys matches it when the parent's keys do (validate_package checks both before relying on it)."""
    return {column for column, target in model.foreign_keys.items()
            if _pattern(model, column) is not None and _pattern(model, column) == _pattern(model_by_name(target), model_by_name(target).primary_key)}


def _pattern(model: type[Resource], name: str) -> str | None:
    return next(col.pattern for col in columns(model) if col.name == name)


def typed_values_pass(model: type[Resource], table: pa.Table, con, implied: set[str] = frozenset()) -> bool:
    """Whether the Parquet edition's values (`table`) pass the checks `cell_problems` makes of
    their CSV cells (the same `_checks`, on `_typed_cells`; the pattern of the `implied` columns
    left to the keys): when the CSV file is exactly the builders' rendering of them, this is the
    whole cell check, without parsing the CSV."""
    failures = [sql for col in columns(model) for sql, _ in _checks(col, _typed_cells(col), pattern=col.name not in implied) if sql]
    failures += [sql for _, sql, _ in _provenance_checks(model, _typed_cells)]
    con.register("typed", table)
    try:
        return not con.execute(f"SELECT 1 FROM typed WHERE {' OR '.join(failures)} LIMIT 1").fetchall()
    finally:
        con.unregister("typed")


def cell_problems(model: type[Resource], table: pa.Table, con=None) -> list[Problem]:
    """Types and constraints of every cell: one DuckDB query per resource returns the rows where any
    check fails (none, usually), with a flag per check; the JSON arrays are read by Python's json."""
    path = csv_path(model)
    checks = [(col.name, sql, message) for col in columns(model) for sql, message in _checks(col, _csv_cells(col), _shown(table.column(col.name)))]
    checks += _provenance_checks(model, _csv_cells)
    failing: list[list[int]] = [[] for _ in checks]
    flags = [(i, sql) for i, (_, sql, _) in enumerate(checks) if sql is not None]
    own = con is None
    con = connect() if own else con
    try:
        register(con, "cells", table)
        found = con.execute(
            f"SELECT {ROW}, {', '.join(sql for _, sql in flags)} FROM cells WHERE {' OR '.join(sql for _, sql in flags)} ORDER BY {ROW}"
        ).fetchall()
        unregister(con, "cells")
    finally:
        if own:
            con.close()
    for row, *hit in found:
        for (i, _), failed in zip(flags, hit, strict=True):
            if failed:
                failing[i].append(row)
    for i, (name, sql, _) in enumerate(checks):
        if sql is None:  # the JSON arrays, in Python: json.loads is what frictionless reads them with
            failing[i] = [r for r, cell in enumerate(table.column(name).to_pylist(), start=2) if cell and not _is_json_string_list(cell)]
    problems = []
    for (name, _, message), rows in zip(checks, failing, strict=True):
        problems += report(path, rows, name, message)
    return problems


def _shown(cells: pa.ChunkedArray):
    return lambda row: cells[row - 2].as_py()


def key_problems(tables: dict[str, pa.Table], con=None) -> list[Problem]:
    """Primary keys unique (and present); foreign keys point at existing rows. Arrow kernels show
    that they hold (`_keys_hold`); where they may not, DuckDB finds the rows (a window over the
    repeated keys, anti-joins)."""
    suspect = [m for m in RESOURCES if m.resource_name in tables and not _keys_hold(m, tables)]
    if not suspect:
        return []
    own = con is None
    con = connect() if own else con
    try:
        for name, table in tables.items():
            register(con, name, table)
        problems = []
        for model in suspect:
            problems += _keys_of(con, model, tables)
        for name in tables:
            unregister(con, name)
    finally:
        if own:
            con.close()
    return problems


def _keys_hold(model: type[Resource], tables: dict[str, pa.Table]) -> bool:
    """True when the primary key is strictly increasing (the builders sort rows by it, in code-point
    order: Arrow compares UTF-8 bytes, the same order) and every non-empty foreign key is among its
    parent's keys. Vectorised, and no Python value is made (pyarrow would import pandas)."""
    table = tables[model.resource_name]
    keys = plain(table.column(model.primary_key))
    if keys.null_count or (len(keys) > 1 and pc.any(pc.less_equal(keys[1:], keys[:-1])).as_py()):
        return False
    for column, target in model.foreign_keys.items():
        if target in tables:
            values = plain(table.column(column))
            present = pc.cast(pc.utf8_length(values), pa.bool_())  # '' and null are no reference
            parent = plain(tables[target].column(model_by_name(target).primary_key)).combine_chunks()
            if pc.any(pc.and_(present, pc.invert(pc.is_in(values, value_set=parent)))).as_py():
                return False
    return True


def _keys_of(con, model: type[Resource], tables: dict[str, pa.Table]) -> list[Problem]:
    path, view, key = csv_path(model), sql_name(model.resource_name), sql_name(model.primary_key)
    problems = []
    if con.execute(f"SELECT 1 FROM {view} GROUP BY {key} HAVING count(*) > 1 LIMIT 1").fetchall():
        rows = con.execute(f"SELECT {ROW}, {key} FROM (SELECT {ROW}, {key}, row_number() OVER (PARTITION BY {key} ORDER BY {ROW}) AS n "
                           f"FROM {view}) WHERE n > 1 ORDER BY {ROW}").fetchall()
        keys = dict(rows)
        problems += report(path, [r for r, _ in rows], model.primary_key, lambda r: f"primary-key: {excerpt(repr(keys[r]))} is already the key of an earlier row")
    for column, target in model.foreign_keys.items():
        if target not in tables:
            continue
        parent_key = sql_name(model_by_name(target).primary_key)
        rows = con.execute(f"SELECT c.{ROW}, c.{sql_name(column)} FROM {view} c ANTI JOIN {sql_name(target)} p "
                           f"ON c.{sql_name(column)} = p.{parent_key} WHERE c.{sql_name(column)} <> '' ORDER BY c.{ROW}").fetchall()
        values = dict(rows)
        problems += report(path, [r for r, _ in rows], column, lambda r, v=values, t=target: f"foreign-key: {excerpt(repr(v[r]))} is not a key of {t}")
    return problems
