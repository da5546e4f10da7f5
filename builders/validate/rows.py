"""Layer 2, within one resource: the CSV file against its recorded bytes and hash, its header and
cell counts, every cell's type and constraints, and keys (primary keys unique, foreign keys
resolving). Every check is generated from the models' columns and runs vectorised over Arrow."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..problems import Problem
from ..schema.columns import Column, columns, model_by_name
from ..schema.dataset import file_facts
from ..schema.layout import csv_path
from ..schema.models import RESOURCES, Resource
from .common import report, rows_where

FORMULA_STARTS = ["=", "+", "@", "\t", "\r"]
TRUE_VALUES, FALSE_VALUES = ("true", "True", "TRUE", "1"), ("false", "False", "FALSE", "0")  # frictionless defaults


def read_cells(root: Path, model: type[Resource], resource: dict | None = None) -> tuple[pa.Table | None, tuple[int, str] | None, list[Problem]]:
    """The CSV edition of a resource as a table of cell texts, the file's size and hash (hashed
    once, here), and problems with the file itself (bytes, hash, header, cell counts). Every cell
    is read as text: types are checked after."""
    path = csv_path(model)
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
    path = csv_path(model)
    problems = []
    for col in columns(model):
        cells = table.column(col.name)
        present = pc.not_equal(cells, "")
        if col.required:
            problems += report(path, rows_where(pc.invert(present)), col.name, "constraint-error: required: the cell is empty")
        typed = _type_ok(cells, col)
        if typed is not None:
            bad = pc.and_(present, pc.invert(typed))
            problems += report(path, rows_where(bad), col.name, lambda r, c=cells: f"type-error: {c[r - 2].as_py()[:60]!r} is not a valid {col.type}")
            present = pc.and_(present, typed)
        # each check runs on the cells as they are and is masked by `present`: no column is copied
        if col.enum:
            bad = pc.and_(present, pc.invert(pc.is_in(cells, value_set=pa.array(col.enum))))
            problems += report(path, rows_where(bad), col.name, lambda r, c=cells: f"constraint-error: enum: {c[r - 2].as_py()[:60]!r} is not one of {list(col.enum)}")
        if col.pattern:
            bad = pc.and_(present, pc.invert(pc.match_substring_regex(cells, col.pattern)))
            problems += report(path, rows_where(bad), col.name, lambda r, c=cells: f"constraint-error: pattern: {c[r - 2].as_py()[:60]!r} does not match {col.pattern}")
        if col.minimum is not None and col.type == "integer":
            bad = pc.and_(present, pc.less(pc.cast(pc.if_else(present, cells, "0"), pa.int64()), col.minimum))
            problems += report(path, rows_where(bad), col.name, lambda r, c=cells: f"constraint-error: minimum: {c[r - 2].as_py()} is below {col.minimum}")
        if col.min_length is not None:
            bad = pc.and_(present, pc.less(pc.utf8_length(cells), col.min_length))
            problems += report(path, rows_where(bad), col.name, f"constraint-error: minLength: shorter than {col.min_length} characters")
        if col.type == "string":
            formula = pc.is_in(pc.utf8_slice_codeunits(cells, 0, 1), value_set=pa.array(FORMULA_STARTS))
            problems += report(path, rows_where(formula), col.name, lambda r, c=cells: (
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
        path = csv_path(model)
        keys = table.column(model.primary_key)
        counts = pc.value_counts(keys)
        repeated = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        if len(repeated):
            seen: set[str] = set()
            duplicate_rows = []
            for row in rows_where(pc.is_in(keys, value_set=repeated)):
                value = keys[row - 2].as_py()
                if value in seen:
                    duplicate_rows.append(row)
                seen.add(value)
            problems += report(path, duplicate_rows, model.primary_key, lambda r, k=keys: f"primary-key: {k[r - 2].as_py()!r} is already the key of an earlier row")
        for column, target in model.foreign_keys.items():
            parent = tables.get(target)
            if parent is None:
                continue
            parent_keys = parent.column(model_by_name(target).primary_key)
            values = table.column(column)
            missing = pc.and_(pc.not_equal(values, ""), pc.invert(pc.is_in(values, value_set=parent_keys.combine_chunks())))
            problems += report(path, rows_where(missing), column, lambda r, v=values, t=target: f"foreign-key: {v[r - 2].as_py()!r} is not a key of {t}")
    return problems
