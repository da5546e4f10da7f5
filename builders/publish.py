"""Rows -> the published package: CSV and Parquet editions, Table Schemas and `datapackage.json`.

Files are written deterministically (sorted rows, fixed writer options, no wall-clock times), so
the same rows always give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from . import __version__
from .card import CARD, card_input, card_markdown, draw_pictures
from .models import RESOURCES, Resource
from .tables import Column, arrow_schema, columns, enum_array, table_schema, text_cells

PACKAGE_NAME = "serbia-arms-pressure"
PACKAGE_TITLE = "US pressure on Serbia over Russian and Chinese arms purchases"
PACKAGE_DESCRIPTION = (
    "Articles about US pressure on Serbia over its Russian and Chinese arms purchases (sanctions "
    "threats, CAATSA, S-400, Pantsir, FK-3, NIS waivers), turned into tables of articles, actors, "
    "actor mentions, quotes, events and weapon systems. Every extracted row points at the exact "
    "characters of the article text it comes from."
)
# The dataset's own version and release date (not the build time: rebuilds must be byte-identical).
DATASET_VERSION = "0.1.0"
DATASET_CREATED = "2026-11-24T00:00:00Z"
LICENSES = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 — applies to the project's annotations (all tables except articles.text)",
    },
    {
        "name": "other-at",
        "title": "Article texts remain their publishers'; included under the terms each article states (see articles.copyright_notice)",
    },
]

CSV_DIR = "datapackage/csv"
PARQUET_DIR = "datapackage/parquet"
SCHEMA_DIR = "schema"
DESCRIPTOR = "datapackage.json"
PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True, row_group_size=50_000)


def _arrow_column(col: Column, field: pa.Field, values: list) -> pa.Array:
    if col.enum:
        return enum_array(col, pa.array(values, type=pa.string()))
    return pa.array(values, type=field.type)


def arrow_table(model: type[Resource], values: dict[str, list]) -> pa.Table:
    """The typed table of a resource from its columns, sorted by its primary key (code-point order,
    as Python sorts)."""
    schema = arrow_schema(model)
    arrays = [_arrow_column(col, schema.field(col.name), values[col.name]) for col in columns(model)]
    table = pa.Table.from_arrays(arrays, schema=schema)
    return table.take(pc.sort_indices(table, [(model.primary_key, "ascending")]))


def csv_bytes(model: type[Resource], table: pa.Table) -> bytes:
    """UTF-8 CSV of a typed table: header row, strings quoted, CRLF record ends, null = empty cell,
    arrays as JSON, dates as ISO 8601, booleans as true/false."""
    cells = [text_cells(col, table.column(col.name)) for col in columns(model)]
    buffer = io.BytesIO()
    options = pacsv.WriteOptions(eol="\r\n", quoting_header="none", quoting_style="needed")
    pacsv.write_csv(pa.Table.from_arrays(cells, names=[c.name for c in columns(model)]), buffer, options)
    return buffer.getvalue()


def schema_json(model: type[Resource]) -> str:
    return json.dumps(table_schema(model), indent=2, ensure_ascii=False) + "\n"


def sources_of(publishers: list[str | None]) -> list[str]:
    """The descriptor's sources: every publisher and original publisher named by an article."""
    return sorted({name for name in publishers if name})


def file_facts(data: bytes) -> tuple[int, str]:
    """A file's size and hash as the descriptor states them."""
    return len(data), "sha256:" + hashlib.sha256(data).hexdigest()


def descriptor(csv_files: dict[str, tuple[int, str]], sources: list[str], inputs_sha256: str | None) -> dict:
    """Data Package v2 descriptor of the CSV edition, with bytes and sha256 of each file and the
    digest of the seeds it was built from (`x-inputs-sha256`, checked by validate for freshness)."""
    resources = []
    for model in RESOURCES:
        size, digest = csv_files[model.resource_name]
        resources.append(
            {
                "name": model.resource_name,
                "type": "table",
                "title": model.resource_title,
                "description": (model.__doc__ or "").strip(),
                "path": f"{CSV_DIR}/{model.resource_name}.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": size,
                "hash": digest,
                "schema": table_schema(model),
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "version": DATASET_VERSION,
        "created": DATASET_CREATED,
        "licenses": LICENSES,
        "sources": [{"title": name} for name in sources],
        "contributors": [{"title": "Serbia arms pressure dataset contributors", "roles": ["creator"]}],
        "keywords": ["Serbia", "sanctions", "CAATSA", "arms trade", "event data", "quotations"],
        "x-builder-version": __version__,
        "x-inputs-sha256": inputs_sha256,
        "resources": resources,
    }


def write_package(tables: dict[str, dict[str, list]], out: Path, inputs_sha256: str | None = None) -> None:
    """Write every file of the package under `out` (a fresh directory) from each resource's columns
    (consumed: `tables` is empty afterwards)."""
    (out / CSV_DIR).mkdir(parents=True)
    (out / PARQUET_DIR).mkdir(parents=True)
    (out / SCHEMA_DIR).mkdir(parents=True)
    def write_files(model: type[Resource], table: pa.Table) -> tuple[int, str]:
        data = csv_bytes(model, table)
        (out / CSV_DIR / f"{model.resource_name}.csv").write_bytes(data)
        pq.write_table(table, out / PARQUET_DIR / f"{model.resource_name}.parquet", **PARQUET_OPTIONS)
        return file_facts(data)

    kept, written = {}, {}
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # Arrow's writers release the GIL
        for model in RESOURCES:
            # pop: each resource's Python lists are freed as soon as its Arrow table exists (peak memory)
            table = arrow_table(model, tables.pop(model.resource_name, None) or {c.name: [] for c in columns(model)})
            written[model.resource_name] = pool.submit(write_files, model, table)
            (out / SCHEMA_DIR / f"{model.resource_name}.json").write_text(schema_json(model), encoding="utf-8")
            kept[model.resource_name] = card_input(model.resource_name, table)  # not whole tables: peak memory
        csv_files = {name: future.result() for name, future in written.items()}
    articles = kept["articles"]
    package = descriptor(csv_files, sources_of(articles.column("publisher").to_pylist() + articles.column("original_publisher").to_pylist()), inputs_sha256)
    (out / DESCRIPTOR).write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / CARD).write_text(card_markdown(kept, package), encoding="utf-8")
    draw_pictures(kept, out)


PUBLISHED_PATHS = (DESCRIPTOR, "datapackage", SCHEMA_DIR)

README = "README.md"
DICTIONARY_START = "<!-- data-dictionary:start -->"
DICTIONARY_END = "<!-- data-dictionary:end -->"


def readme_with_dictionary(readme: str) -> str:
    """The README with its data-dictionary section regenerated from the models."""
    from .tables import data_dictionary_markdown

    head, _, rest = readme.partition(DICTIONARY_START)
    _, _, tail = rest.partition(DICTIONARY_END)
    return f"{head}{DICTIONARY_START}\n{data_dictionary_markdown()}{DICTIONARY_END}{tail}"


def update_readme(root: Path) -> None:
    path = root / README
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if DICTIONARY_START in text and DICTIONARY_END in text:
            new = readme_with_dictionary(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
