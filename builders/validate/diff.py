"""What changed between two published packages, table by table: the ids of rows added and
removed, the ids of changed rows with the columns that changed, and columns added or removed.

Each package is read by its own descriptor (resource paths and primary keys) and its CSV cells as
text, so that packages of two versions of the schema compare (a renamed column shows as one column
removed and one added). The comparison is a join on the primary key in DuckDB, so counts cost no
Python loop over rows; listings are capped at `limit` ids (the counts are always complete).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from ..schema.files import MAX_DESCRIPTOR_BYTES, UnsafeFile, excerpt, open_file, read_file, relative_path
from ..schema.formats import sql_quote
from ..schema.layout import DESCRIPTOR

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")  # a resource name (the descriptor's are ids)
_HOW = "give the folder of a published package (the one holding datapackage.json)"


class DiffError(ValueError):
    """A package that cannot be compared: one line saying what, where and what to do."""


@dataclass(frozen=True)
class ResourceDiff:
    """One resource's changes. `added`, `removed` and `changed` list at most `limit` rows (by
    primary key); the `n_` counts are complete."""

    name: str
    status: str  # unchanged | changed | added (only in the new package) | removed (only in the old)
    rows_old: int
    rows_new: int
    n_added: int
    n_removed: int
    n_changed: int
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (id, changed columns)
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        out = asdict(self)
        out["changed"] = [{"id": key, "fields": list(fields)} for key, fields in self.changed]
        return out


@dataclass(frozen=True)
class _Resource:
    folder: Path  # the package's folder: the path is read inside it only (schema/files.py)
    rel: str
    key: tuple[str, ...]
    declared: object = None  # the descriptor's `bytes`

    @property
    def path(self) -> Path:
        return self.folder / self.rel


def diff(old: Path, new: Path, limit: int | None = 20) -> list[ResourceDiff]:
    """Every resource of either package, in the new package's order (then those only the old
    one has). Raises DiffError when either folder is not a readable package."""
    import duckdb

    before, after = _package(old), _package(new)
    names = list(after) + [name for name in before if name not in after]
    con = duckdb.connect()
    try:
        return [_resource_diff(con, name, before.get(name), after.get(name), limit) for name in names]
    except duckdb.Error as error:  # e.g. columns of one name twice: not a package these commands can compare
        raise DiffError(f"{new}: cannot be compared with {old} ({excerpt(_first_line(error))}) — check both with python -m builders validate") from None
    finally:
        con.close()


def _package(folder: Path) -> dict[str, _Resource]:
    """The resources a package's descriptor lists: CSV path and primary key of each."""
    if folder.is_file() and folder.name == DESCRIPTOR:
        folder = folder.parent
    if not folder.exists():
        raise DiffError(f"{folder}: no such folder — {_HOW}")
    if not folder.is_dir():
        raise DiffError(f"{folder}: not a folder — {_HOW}")
    descriptor = folder / DESCRIPTOR
    try:
        package = json.loads(read_file(folder, DESCRIPTOR, limit=MAX_DESCRIPTOR_BYTES).decode("utf-8"))
    except FileNotFoundError:
        raise DiffError(f"{folder}: not a data package (no {DESCRIPTOR} in it) — {_HOW}") from None
    except UnsafeFile as refused:
        raise DiffError(f"{folder}/{refused}") from None
    except RecursionError:
        raise DiffError(f"{descriptor}: cannot be read as JSON (nested too deeply) — restore it, or build the package again") from None
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise DiffError(f"{descriptor}: cannot be read as JSON ({_first_line(error)}) — restore it, or build the package again") from None
    resources = package.get("resources") if isinstance(package, dict) else None
    if not isinstance(resources, list):
        raise DiffError(f"{descriptor}: lists no resources — restore it, or build the package again")
    out = {}
    for resource in resources:
        name, path = (resource.get("name"), resource.get("path")) if isinstance(resource, dict) else (None, None)
        key = (_schema(folder, resource.get("schema"), name) or {}).get("primaryKey") if isinstance(resource, dict) else None
        key = [key] if isinstance(key, str) else key
        if not (isinstance(name, str) and _NAME.match(name) and isinstance(path, str) and isinstance(key, list) and key and all(isinstance(k, str) for k in key)):
            raise DiffError(f"{descriptor}: a resource without a name (an id: a-z, 0-9, '_', '-'), a path or a primary key — restore it, or build the package again")
        try:
            relative_path(path)
        except UnsafeFile as refused:
            raise DiffError(f"{descriptor}: resource '{excerpt(name)}': {refused}") from None
        out[name] = _Resource(folder, path, tuple(key), resource.get("bytes"))
    return out


def _schema(folder: Path, schema: object, name: object) -> dict | None:
    """A resource's Table Schema: inline, or a path inside the package (the Data Package spec allows
    a path or a URL; a URL is never fetched, a path is read as any package file)."""
    if not isinstance(schema, str):
        return schema if isinstance(schema, dict) else None
    try:
        found = json.loads(read_file(folder, schema, limit=MAX_DESCRIPTOR_BYTES).decode("utf-8"))
    except UnsafeFile as refused:
        raise DiffError(f"{folder / DESCRIPTOR}: the schema of '{excerpt(name)}': {refused}") from None
    except FileNotFoundError:
        raise DiffError(f"{folder / DESCRIPTOR}: the schema of '{excerpt(name)}', {excerpt(schema)}, is missing — restore it, or build the package again") from None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        raise DiffError(f"{folder / excerpt(schema)}: cannot be read as a Table Schema ({_first_line(error)}) — restore it, or build the package again") from None
    return found if isinstance(found, dict) else None


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return excerpt(text[0], 200) if text else type(error).__name__


def _read(resource: _Resource, name: str) -> pa.Table:
    """A CSV file as text cells by its own header; the empty unquoted cell is null."""
    parse = pacsv.ParseOptions(newlines_in_values=True)
    try:
        handle, _ = open_file(resource.folder, resource.rel, resource.declared)
        with handle:
            data = pa.py_buffer(handle.read())
        header = pacsv.open_csv(pa.BufferReader(data), parse_options=parse).schema.names
        table = pacsv.read_csv(
            data, parse_options=parse,
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=True,
                                                 quoted_strings_can_be_null=False),
        )
    except FileNotFoundError:
        raise DiffError(f"{resource.path}: missing (the descriptor lists it for '{excerpt(name)}') — build the package again") from None
    except UnsafeFile as refused:
        raise DiffError(f"{resource.folder}/{refused}") from None
    except (OSError, UnicodeDecodeError, ValueError, pa.ArrowException) as error:
        raise DiffError(f"{resource.path}: cannot be read as CSV ({_first_line(error)}) — check it with python -m builders validate") from None
    missing = [k for k in resource.key if k not in table.column_names]
    if missing:
        raise DiffError(f"{resource.path}: no column '{excerpt(missing[0])}', the primary key of '{excerpt(name)}' — build the package again")
    return table


def _resource_diff(con, name: str, old: _Resource | None, new: _Resource | None, limit: int | None) -> ResourceDiff:
    if old is None or new is None:  # a whole resource added or removed: every row of it
        table = _read(old or new, name)
        con.register("whole", table)
        ids = _ids(con, "whole", (old or new).key, "", limit)
        con.unregister("whole")
        n = table.num_rows
        if old is None:
            return ResourceDiff(name, "added", 0, n, n, 0, 0, added=ids, columns_added=tuple(map(excerpt, table.column_names)))
        return ResourceDiff(name, "removed", n, 0, 0, n, 0, removed=ids, columns_removed=tuple(map(excerpt, table.column_names)))
    before, after = _read(old, name), _read(new, name)
    key = next((k for k in (new.key, old.key) if set(k) <= set(before.column_names) & set(after.column_names)), None)
    if key is None:
        raise DiffError(f"{new.path}: the primary key of '{name}' is {', '.join(new.key)} here and {', '.join(old.key)} in "
                        f"{old.path}, and neither package has the other's — rows cannot be matched by id")
    for table, resource in ((before, old), (after, new)):
        _unique(con, table, resource, key, name)
    con.register("o", before)
    con.register("n", after)
    try:
        common = [c for c in after.column_names if c in before.column_names and c not in key]
        added = _ids(con, "n", key, "o", limit)
        removed = _ids(con, "o", key, "n", limit)
        n_added = _count(con, "n", key, "o")
        n_removed = _count(con, "o", key, "n")
        n_changed, changed = _changed(con, key, common, limit)
    finally:
        con.unregister("o")
        con.unregister("n")
    columns_added = tuple(excerpt(c) for c in after.column_names if c not in before.column_names)
    columns_removed = tuple(excerpt(c) for c in before.column_names if c not in after.column_names)
    differs = n_added or n_removed or n_changed or columns_added or columns_removed
    return ResourceDiff(name, "changed" if differs else "unchanged", before.num_rows, after.num_rows, n_added, n_removed,
                        n_changed, added, removed, changed, columns_added, columns_removed)


def _key_text(key: tuple[str, ...], alias: str) -> str:
    """A row's id as shown: its primary key, or the key's columns joined by ' / '."""
    cols = [f"{alias}.{sql_quote(k)}" for k in key]
    return cols[0] if len(cols) == 1 else "concat_ws(' / ', " + ", ".join(cols) + ")"


def _unique(con, table: pa.Table, resource: _Resource, key: tuple[str, ...], name: str) -> None:
    con.register("t", table)
    try:
        cols = ", ".join(sql_quote(k) for k in key)
        repeated = con.execute(f"SELECT {_key_text(key, 't')} FROM t GROUP BY {cols} HAVING count(*) > 1 ORDER BY 1 LIMIT 1").fetchall()
    finally:
        con.unregister("t")
    if repeated:
        raise DiffError(f"{resource.path}: the primary key of '{name}' repeats '{excerpt(repeated[0][0])}' — "
                        "rows cannot be matched; check the package with python -m builders validate")


def _anti(table: str, key: tuple[str, ...], other: str) -> str:
    using = ", ".join(sql_quote(k) for k in key)
    return f"FROM {table} ANTI JOIN {other} USING ({using})" if other else f"FROM {table}"


def _ids(con, table: str, key: tuple[str, ...], other: str, limit: int | None) -> tuple[str, ...]:
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    rows = con.execute(f"SELECT {_key_text(key, table)} AS id {_anti(table, key, other)} ORDER BY id{cap}").fetchall()
    return tuple(excerpt(row[0]) for row in rows)  # an id of a valid package is at most 64 characters


def _count(con, table: str, key: tuple[str, ...], other: str) -> int:
    return con.execute(f"SELECT count(*) {_anti(table, key, other)}").fetchone()[0]


def _changed(con, key: tuple[str, ...], common: list[str], limit: int | None) -> tuple[int, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Rows in both packages whose cells differ in a column both have: how many, and the first
    `limit` with the names of the columns that changed (in the new package's column order)."""
    if not common:
        return 0, ()
    flags = ", ".join(f"CASE WHEN o.{sql_quote(c)} IS DISTINCT FROM n.{sql_quote(c)} THEN '{c.replace(chr(39), chr(39) * 2)}' END"
                      for c in common)
    using = ", ".join(sql_quote(k) for k in key)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE changed AS
        SELECT id, fields FROM (
            SELECT {_key_text(key, 'n')} AS id, concat_ws(chr(31), {flags}) AS fields
            FROM n JOIN o USING ({using}))
        WHERE fields <> ''""")  # concat_ws skips the nulls: the names of the columns that differ
    count = con.execute("SELECT count(*) FROM changed").fetchone()[0]
    cap = f" LIMIT {int(limit)}" if limit is not None else ""
    rows = con.execute(f"SELECT id, fields FROM changed ORDER BY id{cap}").fetchall()
    con.execute("DROP TABLE changed")
    return count, tuple((excerpt(key_), tuple(excerpt(f) for f in fields.split(chr(31)))) for key_, fields in rows)
