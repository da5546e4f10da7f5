"""Load one table of a published package in pandas, polars or DuckDB, typed by the models:

    from builders.load import load
    events = load("events")                                   # pandas DataFrame
    events = load("events", engine="polars", root="path/to/package")
    events = load("events", engine="duckdb")                  # DuckDB relation

It reads the Parquet edition (`datapackage/parquet/<resource>.parquet` under `root`, the folder
holding datapackage.json). Enum columns come back holding every allowed value of the model, in
declared order, whichever values occur: pandas `CategoricalDtype`, polars `Enum`, a DuckDB `ENUM`.
Only the schema layer is imported here; nothing in the builders imports this module.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from .schema.columns import Column, columns
from .schema.formats import sql_quote
from .schema.layout import DESCRIPTOR, PARQUET_DIR, parquet_path
from .schema.models import RESOURCES, Resource

ENGINES = ("pandas", "polars", "duckdb")


def load(resource: str, engine: str = "pandas", root: str | Path = "."):
    """One resource as a pandas DataFrame, a polars DataFrame or a DuckDB relation. Raises
    ValueError for an unknown resource or engine, FileNotFoundError when `root` holds no package."""
    model = _model(resource)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} — use one of: {', '.join(ENGINES)}")
    path = Path(root) / parquet_path(model)
    if not path.is_file():
        where = f"holds no data package (no {DESCRIPTOR})" if not (Path(root) / DESCRIPTOR).is_file() else f"has no {parquet_path(model)}"
        raise FileNotFoundError(f"{Path(root)} {where} — pass root= the folder holding {DESCRIPTOR} and "
                                f"{PARQUET_DIR}/, or build it: serbia-arms-pressure build (resources: {', '.join(_names())})")
    return {"pandas": _pandas, "polars": _polars, "duckdb": _duckdb}[engine](model, path)


def _names() -> list[str]:
    return [model.resource_name for model in RESOURCES]


def _model(resource: str) -> type[Resource]:
    names = _names()
    for model in RESOURCES:
        if model.resource_name == resource:
            return model
    close = difflib.get_close_matches(str(resource), names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown resource {resource!r}{hint} — the resources are: {', '.join(names)}")


def _enums(model: type[Resource]) -> list[Column]:
    return [col for col in columns(model) if col.enum]


def _pandas(model: type[Resource], path: Path):
    import pandas as pd

    frame = pd.read_parquet(path)
    for col in _enums(model):
        frame[col.name] = frame[col.name].astype(pd.CategoricalDtype(list(col.enum), ordered=False))
    return frame


def _polars(model: type[Resource], path: Path):
    import polars as pl

    frame = pl.read_parquet(path)
    return frame.with_columns(pl.col(col.name).cast(pl.String).cast(pl.Enum(list(col.enum))) for col in _enums(model))


def _duckdb(model: type[Resource], path: Path):
    """A relation on its own in-memory connection (it stays open while the relation is used)."""
    import duckdb

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    selected = []
    for col in columns(model):
        name = sql_quote(col.name)
        if col.enum:
            selected.append(f"CAST({name} AS ENUM({', '.join(literal(v) for v in col.enum)})) AS {name}")
        else:
            selected.append(name)
    return duckdb.connect().sql(f"SELECT {', '.join(selected)} FROM read_parquet({literal(str(path))})")
