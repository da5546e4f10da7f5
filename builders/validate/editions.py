"""Layer 2, across editions: the Parquet edition has the models' Arrow schema and exactly the CSV
edition's rows and values. Usually the CSV file is byte for byte the builders' rendering of the
Parquet edition (`rendering_facts`): that proves it, and the cell checks then run on the typed values;
otherwise the CSV's cells are compared with the Parquet values row by row (`parquet_problems`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..problems import Problem
from ..schema.columns import Column, columns, enum_array, plain
from ..schema.files import UnsafeFile, excerpt, open_file
from ..schema.formats import arrow_schema
from ..schema.layout import csv_path, parquet_path
from ..schema.models import Resource
from .common import MAX_PER_CHECK, ROW, connect, register, report, sql_name, sql_text, unregister
from .rows import TRUE_VALUES


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


def _csv_value(col: Column, cell: str) -> str:
    """SQL for a cell text as the Parquet edition types it (empty cell = null), for cells that
    passed `cell_problems`."""
    value = f"nullif({cell}, '')"
    if col.type == "array":
        return f"""from_json({value}, '["VARCHAR"]')"""
    if col.type == "boolean":
        return f"({value} IN ({', '.join(map(sql_text, TRUE_VALUES))}))"
    sql_type = {"integer": "BIGINT", "number": "DOUBLE", "date": "DATE"}.get(col.type)
    return f"CAST({value} AS {sql_type})" if sql_type else value


def read_edition(root: Path, model: type[Resource]) -> tuple[pa.Table | None, list[Problem]]:
    """The Parquet edition as a typed table, if it is readable and has the models' schema."""
    path = parquet_path(model)
    try:
        table = _parquet(root, path).read()  # pq.read_table would import pandas
    except UnsafeFile as refused:
        return None, [Problem(path, None, None, str(refused).removeprefix(f"{path}: "))]
    except (OSError, ValueError) as exc:
        return None, [Problem(path, None, None, f"cannot read: {excerpt(exc, 300)} — run python -m builders build")]
    if not table.schema.equals(arrow_schema(model), check_metadata=False):
        return None, [Problem(path, None, None, f"schema is {table.schema.to_string(show_field_metadata=False, show_schema_metadata=False)!r}, expected the model's — run python -m builders build")]
    return table, []


def _parquet(root: Path, path: str) -> pq.ParquetFile:
    """A package's Parquet file opened safely (schema/files.py: no link, no FIFO, size limited)."""
    handle, _ = open_file(root, path)
    return pq.ParquetFile(handle)


def rendering_facts(root: Path, model: type[Resource], table: pa.Table, con) -> tuple[int, str] | None:
    """The file's size and hash (as schema.dataset.file_facts states them) when it is byte for byte
    the CSV file the builders write for the typed table (publish.package.csv_bytes, which the tests
    hold this equal to), else None. Enums are written as their strings, arrays as compact JSON (made
    by DuckDB: pyarrow would import pandas to build them from Python; DuckDB writes \u001F where
    Python writes \u001f, and such a file is then checked the long way), CRLF, strings quoted.
    The file is read alongside Arrow's writer, a piece at a time: neither is ever held whole."""
    arrays = [col.name for col in columns(model) if col.type == "array"]
    if arrays:
        con.register("typed", table)
        json_cells = con.sql(f"SELECT {', '.join(f'CAST(to_json({sql_name(n)}) AS VARCHAR) AS {sql_name(n)}' for n in arrays)} FROM typed").to_arrow_table()
        con.unregister("typed")
    cells = [json_cells.column(col.name) if col.type == "array" else plain(table.column(col.name)) for col in columns(model)]
    try:
        handle, _ = open_file(root, csv_path(model))
        with handle:
            sink = _Comparing(handle)
            pacsv.write_csv(pa.Table.from_arrays(cells, names=[c.name for c in columns(model)]), sink,
                            pacsv.WriteOptions(eol="\r\n", quoting_header="none", quoting_style="needed"))
            same = sink.same and not handle.read(1)
    except (OSError, UnsafeFile):
        return None
    return (sink.size, "sha256:" + sink.hash.hexdigest()) if same else None


class _Comparing:
    """A file for Arrow's writer that compares each piece written with the next bytes of `handle`
    and hashes those."""

    closed = False

    def __init__(self, handle):
        self.handle, self.size, self.same, self.hash = handle, 0, True, hashlib.sha256()

    def write(self, piece) -> int:
        piece = pa.py_buffer(piece)  # a pyarrow Buffer (or bytes), without a copy
        if self.same:
            read = self.handle.read(piece.size)
            self.hash.update(read)
            self.size += len(read)
            self.same = len(read) == piece.size and piece.equals(pa.py_buffer(read))
        return piece.size

    def flush(self) -> None:
        pass


def parquet_problems(root: Path, model: type[Resource], cells: pa.Table | None, con=None) -> list[Problem]:
    """The Parquet edition has the models' schema and exactly the CSV edition's rows and values:
    DuckDB pairs the rows by position and returns the rows where a column differs."""
    path = parquet_path(model)
    try:
        parquet = _parquet(root, path)
        schema, rows = parquet.schema_arrow, parquet.metadata.num_rows
    except UnsafeFile as refused:
        return [Problem(path, None, None, str(refused).removeprefix(f"{path}: "))]
    except (OSError, ValueError) as exc:
        return [Problem(path, None, None, f"cannot read: {excerpt(exc, 300)} — run python -m builders build")]
    if not schema.equals(arrow_schema(model), check_metadata=False):
        return [Problem(path, None, None, f"schema is {schema.to_string(show_field_metadata=False, show_schema_metadata=False)!r}, expected the model's — run python -m builders build")]
    if cells is None:
        return []
    if rows != cells.num_rows:
        return [Problem(path, None, None, f"{rows} rows, but the CSV edition has {cells.num_rows} — run python -m builders build")]
    own = con is None
    con = connect() if own else con
    try:
        register(con, "cells", cells)
        con.register("parquet_edition", parquet.read())  # read from the file opened safely, not by its path
        return _differences(con, model, path, "parquet_edition")
    except (_duckdb_error(), OSError, ValueError) as exc:
        return [Problem(path, None, None, f"cannot read: {excerpt(exc, 300)} — run python -m builders build")]
    finally:
        unregister(con, "cells")
        con.unregister("parquet_edition")
        if own:
            con.close()


def _differences(con, model: type[Resource], path: str, source: str) -> list[Problem]:
    cols = columns(model)
    differs = [f"p.{sql_name(col.name)} IS DISTINCT FROM {_csv_value(col, 'c.' + sql_name(col.name))}" for col in cols]
    found = con.execute(f"SELECT {ROW}, {', '.join(differs)} FROM cells c POSITIONAL JOIN {source} p "
                        f"WHERE {' OR '.join(differs)} ORDER BY {ROW}").fetchall()
    problems = []
    for i, col in enumerate(cols):
        rows = [row for row, *flags in found if flags[i]]
        if not rows:
            continue
        shown = {row: (got, want) for row, got, want in con.execute(
            f"SELECT {ROW}, p.{sql_name(col.name)}, {_csv_value(col, 'c.' + sql_name(col.name))} FROM cells c "
            f"POSITIONAL JOIN {source} p WHERE {ROW} IN ({', '.join(map(str, rows[:MAX_PER_CHECK]))})").fetchall()}
        problems += report(path, rows, col.name, lambda r, s=shown: f"Parquet has {s[r][0]!r:.60}, CSV has {s[r][1]!r:.60} — run python -m builders build")
    return problems


def _duckdb_error() -> type[Exception]:
    import duckdb

    return duckdb.Error
