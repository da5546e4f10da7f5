"""Tables -> the published package: CSV and Parquet editions, Table Schemas, `datapackage.json`,
and the dataset card with its pictures.

Files are written deterministically (sorted rows, fixed writer options, no wall-clock times), so
the same rows always give the same bytes.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..extract.nlp import language_layer
from ..inputs.editor_schemas import EDITOR_SCHEMAS
from ..schema.columns import columns, text_cells
from ..schema.dataset import descriptor, file_facts, sources_of
from ..schema.formats import schema_json
from ..schema.layout import CARD, CSV_DIR, DESCRIPTOR, PARQUET_DIR, SCHEMA_DIR
from ..schema.models import RESOURCES, Resource
from .card import card_input, card_markdown, start_pictures
from .evidence import evidence_pages

PARQUET_OPTIONS = dict(compression="zstd", compression_level=9, use_dictionary=True, write_statistics=True, row_group_size=50_000)


def csv_bytes(model: type[Resource], table: pa.Table) -> bytes:
    """UTF-8 CSV of a typed table: header row, strings quoted, CRLF record ends, null = empty cell,
    arrays as JSON, dates as ISO 8601, booleans as true/false."""
    cells = [text_cells(col, table.column(col.name)) for col in columns(model)]
    buffer = io.BytesIO()
    options = pacsv.WriteOptions(eol="\r\n", quoting_header="none", quoting_style="needed")
    pacsv.write_csv(pa.Table.from_arrays(cells, names=[c.name for c in columns(model)]), buffer, options)
    return buffer.getvalue()


def write_package(tables: dict[str, pa.Table], out: Path, inputs_sha256: str | None = None, picture_cache: Path | None = None,
                  pictures: Callable[[], None] | None = None) -> None:
    """Write every file of the package under `out` (a fresh directory) from each resource's typed
    table, sorted by primary key (as `assemble` makes them); the pictures through `picture_cache`
    (card.start_pictures), or waited for through `pictures` when the caller started them."""
    (out / CSV_DIR).mkdir(parents=True)
    (out / PARQUET_DIR).mkdir(parents=True)
    (out / SCHEMA_DIR).mkdir(parents=True)
    for rel, generate in EDITOR_SCHEMAS.items():
        (out / rel).write_text(generate(), encoding="utf-8")
    def write_files(model: type[Resource], table: pa.Table) -> tuple[int, str]:
        data = csv_bytes(model, table)
        (out / CSV_DIR / f"{model.resource_name}.csv").write_bytes(data)
        pq.write_table(table, out / PARQUET_DIR / f"{model.resource_name}.parquet", **PARQUET_OPTIONS)
        return file_facts(data)

    kept = {model.resource_name: card_input(model.resource_name, tables[model.resource_name]) for model in RESOURCES}  # what the card reads
    pictures = pictures or start_pictures(kept, out, picture_cache)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        written = {model.resource_name: pool.submit(write_files, model, tables[model.resource_name]) for model in RESOURCES}
        for model in RESOURCES:
            (out / SCHEMA_DIR / f"{model.resource_name}.json").write_text(schema_json(model), encoding="utf-8")
        csv_files = {name: future.result() for name, future in written.items()}
        articles = kept["articles"]
        sources = sources_of(articles)
        package = descriptor(csv_files, sources, inputs_sha256, language_layer())
        (out / DESCRIPTOR).write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out / CARD).write_text(card_markdown(kept, package), encoding="utf-8")
        write_evidence_pages(tables, out)
    pictures()


def write_evidence_pages(tables: dict[str, pa.Table], out: Path) -> None:
    """The evidence pages (publish/evidence.py) under `out`."""
    for rel, page in evidence_pages(tables).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(page, encoding="utf-8", newline="\n")
