"""Everything derived from the row models: columns, Table Schema, Arrow schema, cell codecs, docs.

The models' JSON Schema (pydantic's own export) is read once into `Column`s; every other
representation is generated from those columns, so a change to a model changes all of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .models import RESOURCES, Resource

_JSON_TO_TABLE_TYPE = {"string": "string", "integer": "integer", "number": "number", "boolean": "boolean", "array": "array"}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Table Schema type: string, integer, number, boolean, date, array
    required: bool
    description: str
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None
    min_length: int | None = None


def _resolve(node: dict, defs: dict) -> dict:
    if "$ref" in node:
        return defs[node["$ref"].rsplit("/", 1)[-1]]
    return node


@cache
def columns(model: type[Resource]) -> tuple[Column, ...]:
    """Read the model's fields (in declaration order) from its JSON Schema."""
    js = model.model_json_schema()
    defs = js.get("$defs", {})
    out = []
    for name, prop in js["properties"].items():
        variants = [_resolve(v, defs) for v in prop.get("anyOf", [prop])]
        nullable = any(v.get("type") == "null" for v in variants)
        (node,) = [v for v in variants if v.get("type") != "null"]
        if node.get("format") == "date":
            ftype = "date"
        else:
            ftype = _JSON_TO_TABLE_TYPE[node["type"]]
        description = prop.get("description") or model.model_fields[name].description or ""
        out.append(
            Column(
                name=name,
                type=ftype,
                required=not nullable,
                description=description,
                enum=tuple(node["enum"]) if "enum" in node else None,
                pattern=node.get("pattern"),
                minimum=node.get("minimum"),
                min_length=node.get("minLength"),
            )
        )
    return tuple(out)


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


def model_by_name(name: str) -> type[Resource]:
    for model in RESOURCES:
        if model.resource_name == name:
            return model
    raise KeyError(name)


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


def column_values(model: type[Resource], rows: list[Resource]) -> dict[str, list]:
    """Rows -> one list of plain values per column (enums as their string values)."""
    out = {}
    for col in columns(model):
        values = [getattr(row, col.name) for row in rows]
        if col.enum:
            values = [None if v is None else v.value for v in values]
        out[col.name] = values
    return out


def enum_array(col: Column, strings: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """Enum values as a dictionary over every allowed value in declared order, so that readers
    get the same stable categories whichever values occur."""
    allowed = pa.array(col.enum, type=pa.string())
    return pa.DictionaryArray.from_arrays(pc.index_in(strings, value_set=allowed).cast(pa.int32()), allowed)


def plain(column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A dictionary-encoded (enum) column as plain strings; any other column as it is."""
    return column.cast(pa.string()) if pa.types.is_dictionary(column.type) else column


def text_cells(col: Column, column: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """A typed column in the CSV edition's cell encoding where it differs from Arrow's own:
    enums as their strings, arrays as compact JSON text."""
    if col.type == "array":
        return pa.array(
            [None if v is None else json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in column.to_pylist()],
            type=pa.string(),
        )
    return plain(column)


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
