"""Load one table of a published package in pandas, polars or DuckDB, with its declared types:

    from builders.load import load
    events = load("events")                                   # pandas DataFrame
    events = load("events", engine="polars", root="path/to/package")
    events = load("events", engine="duckdb")                  # DuckDB relation

It reads the Parquet edition (`datapackage/parquet/<resource>.parquet` under `root`, the folder
holding datapackage.json) and takes the column names and enum values from the package's own
descriptor. Enum columns come back holding every allowed value, in declared order, whichever values
occur: pandas `CategoricalDtype`, polars `Enum`, a DuckDB `ENUM`; dates are pandas `datetime64`.

Needs pyarrow and the engine only (no build dependencies: the loader imports nothing of the builders
but the published layout), so that an analyst can use it with `pip install -e .` and pandas.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path

from .schema.files import MAX_DESCRIPTOR_BYTES, UnsafeFile, open_file
from .schema.files import read_file as read_package_file
from .schema.layout import DESCRIPTOR, PARQUET_DIR, parquet_file

ENGINES = ("pandas", "polars", "duckdb")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def load(resource: str, engine: str = "pandas", root: str | Path = "."):
    """One resource as a pandas DataFrame, a polars DataFrame or a DuckDB relation. Raises
    ValueError for an unknown resource or engine or a damaged file, FileNotFoundError when `root`
    holds no package; each message is one line naming the file."""
    root = Path(root)
    tables = _tables(root)
    fields = _fields(tables, resource)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} — use one of: {', '.join(ENGINES)}")
    path = root / parquet_file(resource)
    handle = _open(root, parquet_file(resource), tables)
    reader = {"pandas": _pandas, "polars": _polars, "duckdb": _duckdb}[engine]
    try:
        with handle:
            return reader(fields, handle, path)
    except (ImportError, UnreadablePackage):
        raise
    except Exception as exc:  # the engines' own errors for a damaged file (pyarrow, polars, duckdb)
        first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise UnreadablePackage(f"{path}: not a readable Parquet file ({first}) — rebuild or download the package again") from None


class UnreadablePackage(ValueError):
    """A package file that cannot be read as this project's package (damaged, or another thing)."""


def _tables(root: Path) -> dict[str, list[dict]]:
    """{resource name: its Table Schema fields} from the package's descriptor."""
    descriptor = root / DESCRIPTOR
    try:
        data = read_package_file(root, DESCRIPTOR, limit=MAX_DESCRIPTOR_BYTES)
    except FileNotFoundError:
        raise FileNotFoundError(f"{root} holds no data package (no {DESCRIPTOR}) — pass root= the folder holding "
                                f"{DESCRIPTOR} and {PARQUET_DIR}/, or build it: serbia-arms-pressure build") from None
    except UnsafeFile as refused:
        raise UnreadablePackage(f"{root}/{refused}") from None
    try:
        data = json.loads(data)
        tables = {r["name"]: list(r["schema"]["fields"]) for r in data["resources"]
                  if isinstance(r, dict) and isinstance(r.get("schema"), dict) and isinstance(r.get("name"), str) and _NAME.match(r["name"])}
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise UnreadablePackage(f"{descriptor}: not a readable data package descriptor ({type(exc).__name__}) — "
                                "rebuild or download the package again") from None
    return tables


def _fields(tables: dict[str, list[dict]], resource: str) -> list[dict]:
    if resource in tables:
        return tables[resource]
    names = list(tables)
    close = difflib.get_close_matches(str(resource), names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ValueError(f"unknown resource {resource!r}{hint} — the resources are: {', '.join(names)}")


def _open(root: Path, rel: str, tables: dict):
    """The Parquet file, opened as schema/files.py opens a package's files: inside `root`, no link
    anywhere on the path, a regular file of at most MAX_RESOURCE_BYTES."""
    try:
        return open_file(root, rel)[0]
    except FileNotFoundError:
        raise FileNotFoundError(f"{root} has no {rel} — pass root= the folder holding {DESCRIPTOR} and "
                                f"{PARQUET_DIR}/, or build it: serbia-arms-pressure build (resources: {', '.join(tables)})") from None
    except UnsafeFile as refused:
        raise UnreadablePackage(f"{root}/{refused}") from None


def _enums(fields: list[dict]) -> dict[str, list[str]]:
    return {f["name"]: list(f["constraints"]["enum"]) for f in fields if isinstance(f.get("constraints"), dict) and "enum" in f["constraints"]}


def _columns_checked(fields: list[dict], found: list[str], path: Path) -> list[str]:
    names = [f["name"] for f in fields]
    if found != names:
        raise UnreadablePackage(f"{path}: columns {found} are not the descriptor's {names} — rebuild or download the package again")
    return names


def _pandas(fields: list[dict], handle, path: Path):
    import pandas as pd
    import pyarrow.parquet as pq

    table = pq.read_table(handle)
    _columns_checked(fields, table.column_names, path)
    frame = table.to_pandas(date_as_object=False)  # dates as datetime64, so that .dt works
    for name, values in _enums(fields).items():
        frame[name] = frame[name].astype(pd.CategoricalDtype(values, ordered=False))
    return frame


def _polars(fields: list[dict], handle, path: Path):
    import polars as pl

    frame = pl.read_parquet(handle)
    _columns_checked(fields, frame.columns, path)
    return frame.with_columns(pl.col(name).cast(pl.String).cast(pl.Enum(values)) for name, values in _enums(fields).items())


def _duckdb(fields: list[dict], handle, path: Path):
    """A relation on its own in-memory connection (it stays open while the relation is used), over
    the table read from the file opened safely (DuckDB would open the path again itself)."""
    import duckdb
    import pyarrow.parquet as pq

    def literal(text: str) -> str:
        return "'" + text.replace("'", "''") + "'"

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    relation = duckdb.connect().from_arrow(pq.ParquetFile(handle).read())
    _columns_checked(fields, relation.columns, path)
    enums = _enums(fields)
    selected = [f"CAST({quoted(n)} AS ENUM({', '.join(literal(v) for v in enums[n])})) AS {quoted(n)}" if n in enums else quoted(n)
                for n in (f["name"] for f in fields)]
    return relation.query("t", f"SELECT {', '.join(selected)} FROM t")
