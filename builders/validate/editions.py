"""Layer 2, across editions: the Parquet edition has the models' Arrow schema and exactly the CSV
edition's rows and values."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..problems import Problem
from ..schema.columns import columns, enum_array, plain
from ..schema.formats import arrow_schema
from ..schema.layout import parquet_path
from ..schema.models import Resource
from .common import report, rows_where
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


def parquet_problems(root: Path, model: type[Resource], cells: pa.Table | None) -> list[Problem]:
    """The Parquet edition has the models' schema and exactly the CSV edition's rows and values."""
    path = parquet_path(model)
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
        problems += report(path, rows_where(differs), col.name, lambda r, g=got, w=want: f"Parquet has {g[r - 2].as_py()!r:.60}, CSV has {w[r - 2].as_py()!r:.60} — run python -m builders build")
    return problems
