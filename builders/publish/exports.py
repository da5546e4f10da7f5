"""The release files in `dist/` (not committed), each written from a published package by one
exporter of a small registry: the zip bundle (with the licence, citation and changelog, and
SHA256SUMS), a DuckDB and a SQLite database with the same tables, primary and foreign keys and
column comments, datasette's metadata for the SQLite file, and a Hive-partitioned Parquet copy.

To add a format: write `export_<format>(package, target)` and add it to `EXPORTS`. Exports are
written into a work folder and dist/ is replaced as a whole (`release`).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

from ..schema.columns import columns, text_cells
from ..schema.dataset import NAME
from ..schema.files import MAX_DESCRIPTOR_BYTES, UnsafeFile, excerpt, open_file, read_file
from ..schema.formats import create_table_sql, load_order, sql_literal, sql_quote
from ..schema.layout import DESCRIPTOR, DIST, PARQUET_DIR
from ..schema.models import RESOURCES, Actor
from .datasette import ACTOR_NAMES, ACTOR_NAMES_SQL, actor_name_rows, write_datasette_metadata
from .swap import discard, swap_in, work_folder

_FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)  # zip entries carry no build time: same inputs, same zip


# The storage format the DuckDB file is written in: DuckDB writes its newest format by default,
# which older DuckDBs refuse to open; "v1.1.0" (stored as version number 64 in the file header)
# is read by DuckDB 1.1 and every later release.
DUCKDB_STORAGE_VERSION = "v1.1.0"


def export_duckdb(package: Path, target: Path) -> None:
    """DuckDB from the Parquet edition, attached with an explicit storage version so that the file
    opens in DuckDB 1.1 and later, not only in the DuckDB that wrote it."""
    import shutil

    import duckdb

    target.unlink(missing_ok=True)
    spill = target.with_name(target.name + ".tmp")
    # spills to disk beyond the limit (next to the target): peak memory stays bounded
    con = duckdb.connect(config={"memory_limit": "256MB", "temp_directory": str(spill)})
    try:
        con.execute(f"ATTACH {sql_literal(str(target))} AS export (STORAGE_VERSION {sql_literal(DUCKDB_STORAGE_VERSION)})")
        con.execute("USE export")
        for model in load_order():
            _duckdb_table(con, package, model)
        con.execute("USE memory")
        con.execute("DETACH export")  # checkpoints: every row in the file, no WAL beside it (a failure is raised here)
    except duckdb.IOException as error:
        raise _os_error(error, target) from error
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _os_error(error: Exception, target: Path) -> OSError:
    """DuckDB's I/O errors carry no errno: the cause (a full disk, a read-only folder…) is read
    from the message, so that the release reports it as a fault of the machine, naming the file."""
    import errno

    message = str(error)
    for code in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO):
        if os.strerror(code) in message:
            return OSError(code, os.strerror(code), str(target))
    return OSError(0, message.strip().splitlines()[-1] if message.strip() else type(error).__name__, str(target))


def _duckdb_table(con, package: Path, model) -> None:
    con.execute(create_table_sql(model, "duckdb"))
    con.execute(f"COMMENT ON TABLE {sql_quote(model.resource_name)} IS {sql_literal((model.__doc__ or '').strip())}")
    for col in columns(model):
        con.execute(f"COMMENT ON COLUMN {sql_quote(model.resource_name)}.{sql_quote(col.name)} IS {sql_literal(col.description)}")
    parquet = package / PARQUET_DIR / f"{model.resource_name}.parquet"
    names = ", ".join(sql_quote(c.name) for c in columns(model))
    con.execute(f"INSERT INTO {sql_quote(model.resource_name)} SELECT {names} FROM read_parquet(?)", [str(parquet)])


def export_sqlite(package: Path, target: Path) -> None:
    """SQLite from the Parquet edition, column by column: dates as ISO text, arrays as JSON text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    target.unlink(missing_ok=True)
    con = sqlite3.connect(target)
    try:
        con.execute("PRAGMA foreign_keys = ON")
        con.execute("PRAGMA journal_mode = OFF")  # a new file written once: nothing to roll back to
        con.execute("PRAGMA synchronous = OFF")
        con.execute('CREATE TABLE "_columns" ("table" TEXT, "column" TEXT, "type" TEXT, "description" TEXT, PRIMARY KEY ("table", "column"))')
        for model in load_order():
            con.execute(create_table_sql(model, "sqlite"))
            cols = columns(model)
            con.executemany('INSERT INTO "_columns" VALUES (?, ?, ?, ?)', [(model.resource_name, c.name, c.type, c.description) for c in cols])
            placeholders = ", ".join("?" for _ in cols)
            parquet = pq.ParquetFile(package / PARQUET_DIR / f"{model.resource_name}.parquet")
            for batch in parquet.iter_batches(batch_size=20_000):  # bounded memory at any size
                values = []
                for col in cols:  # the CSV edition's cell text, and dates as ISO text
                    column = text_cells(col, batch.column(col.name))
                    values.append((column.cast(pa.string()) if col.type == "date" else column).to_pylist())
                con.executemany(f"INSERT INTO {sql_quote(model.resource_name)} VALUES ({placeholders})", zip(*values, strict=True))
        _write_actor_names(con)
        con.commit()
    finally:
        con.close()


def _write_actor_names(con: sqlite3.Connection) -> None:
    """datasette's search table: the actors' names and aliases folded (no unaccent in SQLite)."""
    actors = con.execute(f"SELECT {sql_quote(Actor.primary_key)}, name, aliases FROM {sql_quote(Actor.resource_name)}")
    con.execute(ACTOR_NAMES_SQL)
    rows = actor_name_rows((actor_id, name, json.loads(aliases)) for actor_id, name, aliases in actors.fetchall())
    con.executemany(f"INSERT INTO {sql_quote(ACTOR_NAMES)} VALUES (?, ?)", rows)


PARTITIONED = "parquet-by-year"


def export_partitioned_parquet(package: Path, target: Path) -> None:
    """The Parquet edition as a Hive-partitioned dataset for Spark, DuckDB or polars readers:
    `<resource>/published_year=YYYY/part-0.parquet` for every resource with an `article_id`
    (the year of the article's publication date; no date -> `__HIVE_DEFAULT_PARTITION__`), and
    `<resource>/part-0.parquet` for the others. Rows keep the package's order within a file."""
    import shutil

    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    shutil.rmtree(target, ignore_errors=True)
    articles = pq.read_table(package / PARQUET_DIR / "articles.parquet", columns=["article_id", "published_date"])
    years = pc.year(articles.column("published_date")).cast(pa.int32()).combine_chunks()
    partitioning = ds.partitioning(pa.schema([("published_year", pa.int32())]), flavor="hive")
    for model in RESOURCES:
        table = pq.read_table(package / PARQUET_DIR / f"{model.resource_name}.parquet")
        folder = target / model.resource_name
        if "article_id" not in table.column_names:
            folder.mkdir(parents=True)
            pq.write_table(table, folder / "part-0.parquet", compression="zstd")
            continue
        index = pc.index_in(table.column("article_id"), value_set=articles.column("article_id").combine_chunks())
        table = table.append_column(pa.field("published_year", pa.int32()), pc.take(years, index))
        ds.write_dataset(
            table, folder, format="parquet", partitioning=partitioning, basename_template="part-{i}.parquet",
            use_threads=False, existing_data_behavior="overwrite_or_ignore",
            file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
        )


# Repository documents shipped at the top of the zip's folder, beside the data: the licence, how to cite
# the dataset and what changed between versions. Each is taken from the package's folder (the
# repository root) when it is there.
BUNDLED_DOCUMENTS = ("LICENSE", "CITATION.cff", "CHANGELOG.md")


def _zip_members(package: Path) -> list[str]:
    """What the zip ships, each a regular file of the package's folder: a symbolic link anywhere
    under `datapackage/`, or as a bundled document, is refused (UnsafeFile), never followed — a
    link planted in a pull request would ship whatever it points at."""
    members = [DESCRIPTOR]
    top = package / "datapackage"
    if top.is_symlink():
        raise UnsafeFile("datapackage: a symbolic link — the package's own folder is shipped, never a link")
    for folder, dirs, files in os.walk(top):  # does not follow links to folders; they are listed in `dirs`
        for name in sorted(dirs + files):
            rel = (Path(folder) / name).relative_to(package).as_posix()
            mode = os.lstat(Path(folder) / name).st_mode
            if stat.S_ISLNK(mode):
                raise UnsafeFile(f"{excerpt(rel)}: a symbolic link — the release ships the package's own files; remove the link")
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise UnsafeFile(f"{excerpt(rel)}: not a regular file (a pipe or a device) — remove it")
            if stat.S_ISREG(mode):
                members.append(rel)
    for name in BUNDLED_DOCUMENTS:
        if (package / name).is_symlink():
            raise UnsafeFile(f"{name}: a symbolic link — the release ships the repository's own {name}; put the file itself there")
    return [DESCRIPTOR, *sorted(members[1:])] + [name for name in BUNDLED_DOCUMENTS if (package / name).is_file()]


def check_shipped(package: Path) -> list[str]:
    """Every file the release reads, checked before any is exported: the zip's members (no link,
    no pipe) and each Parquet file readable as Parquet (a damaged footer is one line naming the
    file, not DuckDB's error from deep inside an export). Returns the zip's members."""
    import pyarrow.parquet as pq

    members = _zip_members(package)
    for model in RESOURCES:
        rel = f"{PARQUET_DIR}/{model.resource_name}.parquet"
        try:
            handle, _ = open_file(package, rel)
            with handle:
                pq.ParquetFile(handle).metadata  # noqa: B018 (reading the footer is the check)
        except UnsafeFile:
            raise
        except (OSError, ValueError) as error:
            if isinstance(error, FileNotFoundError):
                raise UnsafeFile(f"{rel}: missing — build the package, then release") from None
            raise UnsafeFile(f"{rel}: not a readable Parquet file ({excerpt(error)}) — build the package again, then release") from None
    return members


def write_bundle(package: Path, bundle: Path) -> None:
    """The zip: descriptor, both editions, card and pictures, the licence, citation and changelog,
    then SHA256SUMS of them (the last member, so each file is read once: hashed as it is written);
    no timestamps. Every member lies under one folder named after the zip
    (`serbia-arms-pressure-<version>/`), so that unpacking it makes that one folder; SHA256SUMS
    names the files relative to it (`sha256sum -c SHA256SUMS` inside it)."""
    top = bundle.stem + "/"
    sums = []
    with zipfile.ZipFile(bundle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for member in _zip_members(package):
            data = read_file(package, member)
            sums.append(f"{hashlib.sha256(data).hexdigest()}  {member}\n")
            # Parquet is compressed already: stored as it is, it costs no time and no size
            _write_member(archive, top + member, data, zipfile.ZIP_STORED if member.endswith(".parquet") else zipfile.ZIP_DEFLATED)
        _write_member(archive, top + "SHA256SUMS", "".join(sums).encode(), zipfile.ZIP_DEFLATED)


def _write_member(archive: zipfile.ZipFile, member: str, data: bytes, compression: int) -> None:
    info = zipfile.ZipInfo(member, date_time=_FIXED_ZIP_TIME)
    info.compress_type = compression
    archive.writestr(info, data)


Exporter = Callable[[Path, Path], None]  # (package directory, target path)

# file name in dist/ (with {name} and {version}) -> exporter
EXPORTS: dict[str, Exporter] = {
    "{name}-{version}.zip": write_bundle,
    "{name}.duckdb": export_duckdb,
    "{name}.sqlite": export_sqlite,
    "{name}.metadata.json": write_datasette_metadata,  # `datasette dist/<name>.sqlite -m dist/<name>.metadata.json`
    PARTITIONED: export_partitioned_parquet,
}


def release(package: Path, out: Path | None = None) -> list[Path]:
    """Write every registered export; return their paths. The exports are independent and written
    on a thread pool (zlib, DuckDB and Arrow release the GIL), into a work folder next to `out`
    (dist/), which then replaces `out` as a whole, journaled (`swap`): a failed or killed release
    leaves the previous dist/ or the new one, complete. An OSError names the file it was writing."""
    from concurrent.futures import ThreadPoolExecutor

    out = out or package / DIST
    check_shipped(package)
    try:
        version = json.loads(read_file(package, DESCRIPTOR, limit=MAX_DESCRIPTOR_BYTES))["version"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError) as error:  # UnsafeFile is a ValueError
        raise UnsafeFile(f"{DESCRIPTOR}: not a readable descriptor with a version ({excerpt(error)}) — build the package, then release") from None
    out.parent.mkdir(parents=True, exist_ok=True)
    work = work_folder(out.parent)
    try:
        (work / out.name).mkdir()
        targets = [(write, work / out.name / name.format(name=NAME, version=version)) for name, write in EXPORTS.items()]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            for target, future in [(target, pool.submit(write, package, target)) for write, target in targets]:
                try:
                    future.result()
                except OSError as error:  # the pool finishes the others before the work folder goes
                    error.filename = error.filename or str(target)
                    raise
        swap_in(out.parent, work, (out.name,))
    finally:
        discard(out.parent, work)
    return [out / target.name for _, target in targets]
