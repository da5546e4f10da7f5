"""Formats generated from the models' columns: Table Schema, Arrow schema, SQL DDL, data dictionary.

Nothing here is written by hand per resource: add a column to a model and every format follows.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

from .columns import columns, model_by_name, text_cells
from .models import RESOURCES, Resource


def table_schema(model: type[Resource]) -> dict[str, Any]:
    """Frictionless Table Schema (v2) of a resource."""
    fields = []
    for col in columns(model):
        field: dict[str, Any] = {"name": col.name, "type": col.type, "description": col.description}
        if col.type == "array":
            field["arrayItem"] = {"type": "string"}
        if col.type == "date":
            field["format"] = "default"
        constraints: dict[str, Any] = {}
        if col.required:
            constraints["required"] = True
        if col.enum:
            field["categories"] = list(col.enum)
            constraints["enum"] = list(col.enum)
        if col.pattern:
            constraints["pattern"] = col.pattern
        if col.minimum is not None:
            constraints["minimum"] = col.minimum
        if col.min_length is not None:
            constraints["minLength"] = col.min_length
        if col.name == model.primary_key:
            constraints["unique"] = True
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, Any] = {
        "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
        "fields": fields,
        "primaryKey": [model.primary_key],
        "missingValues": [""],
    }
    if model.foreign_keys:
        schema["foreignKeys"] = [
            {
                "fields": [column],
                "reference": {"resource": resource, "fields": [model_by_name(resource).primary_key]},
            }
            for column, resource in model.foreign_keys.items()
        ]
    return schema


_ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "array": pa.list_(pa.string()),
}


def arrow_schema(model: type[Resource]) -> pa.Schema:
    """Typed Arrow schema: enums dictionary-encoded, descriptions in field metadata."""
    fields = []
    for col in columns(model):
        typ = pa.dictionary(pa.int32(), pa.string()) if col.enum else _ARROW_TYPES[col.type]
        fields.append(pa.field(col.name, typ, nullable=not col.required, metadata={"description": col.description}))
    return pa.schema(fields, metadata={"description": (model.__doc__ or "").strip(), "primary_key": model.primary_key})


def schema_json(model: type[Resource]) -> str:
    """The Table Schema file `schema/<resource>.json`."""
    return json.dumps(table_schema(model), indent=2, ensure_ascii=False) + "\n"


_SQL_TYPES = {
    "duckdb": {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN", "date": "DATE", "array": "VARCHAR[]"},
    "sqlite": {"string": "TEXT", "integer": "INTEGER", "number": "REAL", "boolean": "INTEGER", "date": "TEXT", "array": "TEXT"},
}


def sql_quote(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def sql_literal(text: str) -> str:
    """A SQL string literal (for values from the models: enum values, descriptions)."""
    return "'" + text.replace("'", "''") + "'"


def _sql_column(col, dialect: str) -> str:
    """A column's definition. An enum column is DuckDB's ENUM of every allowed value in declared
    order; in SQLite a CHECK constraint on those values (a NULL passes a CHECK: an optional column
    keeps its nulls, a required one is NOT NULL)."""
    values = ", ".join(sql_literal(value) for value in col.enum or ())
    typ = f"ENUM({values})" if col.enum and dialect == "duckdb" else _SQL_TYPES[dialect][col.type]
    check = f" CHECK ({sql_quote(col.name)} IN ({values}))" if col.enum and dialect == "sqlite" else ""
    return f"{sql_quote(col.name)} {typ}{' NOT NULL' if col.required else ''}{check}"


def create_table_sql(model: type[Resource], dialect: str) -> str:
    """`CREATE TABLE` of a resource with its primary and foreign keys and its enum columns' allowed
    values (dialect: duckdb or sqlite; SQLite keeps each column's description as a comment in the
    SQL it stores)."""
    lines = []
    for col in columns(model):
        comment = f" -- {col.description}" if dialect == "sqlite" else ""
        lines.append(f"  {_sql_column(col, dialect)},{comment}")
    lines.append(f"  PRIMARY KEY ({sql_quote(model.primary_key)})" + ("," if model.foreign_keys else ""))
    fks = [
        f"  FOREIGN KEY ({sql_quote(column)}) REFERENCES {sql_quote(target)} ({sql_quote(model_by_name(target).primary_key)})"
        for column, target in model.foreign_keys.items()
    ]
    lines += [fk + ("," if i < len(fks) - 1 else "") for i, fk in enumerate(fks)]
    return f"CREATE TABLE {sql_quote(model.resource_name)} (\n" + "\n".join(lines) + "\n)"


def load_order() -> list[type[Resource]]:
    """Resources with the ones they reference first, so foreign keys can be declared."""
    ordered: list[type[Resource]] = []

    def visit(model: type[Resource]) -> None:
        if model in ordered:
            return
        for target in model.foreign_keys.values():
            if target != model.resource_name:
                visit(model_by_name(target))
        ordered.append(model)

    for model in RESOURCES:
        visit(model)
    return ordered


def data_dictionary_markdown() -> str:
    """One markdown table per resource, for the README."""
    parts = []
    for model in RESOURCES:
        parts.append(f"### `{model.resource_name}`\n\n{(model.__doc__ or '').strip()} Primary key: `{model.primary_key}`.\n")
        parts.append("| column | type | required | constraints | description |")
        parts.append("|---|---|---|---|---|")
        for col in columns(model):
            notes = []
            if col.enum:
                notes.append("one of " + ", ".join(f"`{v}`" for v in col.enum))
            if col.pattern:
                notes.append(f"pattern `{col.pattern}`")
            if col.minimum is not None:
                notes.append(f"≥ {col.minimum}")
            if col.name in model.foreign_keys:
                target = model.foreign_keys[col.name]
                notes.append(f"→ `{target}.{model_by_name(target).primary_key}`")
            typ = "array of string" if col.type == "array" else col.type
            desc = col.description.replace("|", "\\|")
            notes_text = "; ".join(notes).replace("|", "\\|")
            parts.append(f"| `{col.name}` | {typ} | {'yes' if col.required else 'no'} | {notes_text} | {desc} |")
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True, row_group_size=50_000)  # the Parquet edition's writer settings


def csv_bytes(model: type[Resource], table: pa.Table) -> bytes:
    """UTF-8 CSV of a typed table: header row, strings quoted, CRLF record ends, null = empty cell,
    arrays as JSON, dates as ISO 8601, booleans as true/false."""
    cells = [text_cells(col, table.column(col.name)) for col in columns(model)]
    buffer = io.BytesIO()
    options = pacsv.WriteOptions(eol="\r\n", quoting_header="none", quoting_style="needed")
    pacsv.write_csv(pa.Table.from_arrays(cells, names=[c.name for c in columns(model)]), buffer, options)
    return buffer.getvalue()
