"""The models' columns, and the codecs between Python values, Arrow arrays and CSV cells.

The models' JSON Schema (pydantic's own export) is read once into `Column`s; every other
representation (`formats`) is generated from those columns, so a change to a model changes all of them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

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


def model_by_name(name: str) -> type[Resource]:
    for model in RESOURCES:
        if model.resource_name == name:
            return model
    raise KeyError(name)


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


