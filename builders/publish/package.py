"""Tables -> the published package: CSV and Parquet editions, Table Schemas, `datapackage.json`,
and the dataset card with its pictures.

Files are written deterministically (sorted rows, fixed writer options, no wall-clock times), so
the same rows always give the same bytes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..cache import Cache
from ..inputs.editor_schemas import EDITOR_SCHEMAS
from ..schema.dataset import descriptor, file_facts, sources_of
from ..schema.formats import PARQUET_OPTIONS, csv_bytes, schema_json  # (csv_bytes, PARQUET_OPTIONS: also imported from here)
from ..schema.language_layer import language_layer
from ..schema.layout import CARD, CSV_DIR, DESCRIPTOR, PARQUET_DIR, SCHEMA_DIR
from ..schema.models import RESOURCES, Resource
from .card import MeasuredQuality, card_input, card_markdown, start_pictures
from .evidence import evidence_pages


def write_package(tables: dict[str, pa.Table], out: Path, quality: MeasuredQuality, inputs_sha256: str | None = None,
                  picture_cache: Cache | None = None, meanwhile: Callable[[], None] | None = None) -> None:
    """Write every file of the package under `out` (a fresh directory) from each resource's typed
    table, sorted by primary key (as `assemble` makes them), the card quoting `quality` (the figures
    of the checkout built: card.read_measured_quality). The pictures are started first (from
    `picture_cache`, or drawn by a process forked while this process runs one thread:
    card.start_pictures), then `meanwhile` is run (it may start threads), and the pictures are
    waited for last."""
    pictures = start_pictures(tables, out, picture_cache)
    if meanwhile is not None:
        meanwhile()
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
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        written = {model.resource_name: pool.submit(write_files, model, tables[model.resource_name]) for model in RESOURCES}
        for model in RESOURCES:
            (out / SCHEMA_DIR / f"{model.resource_name}.json").write_text(schema_json(model), encoding="utf-8")
        csv_files = {name: future.result() for name, future in written.items()}
        articles = kept["articles"]
        sources = sources_of(articles)
        package = descriptor(csv_files, sources, inputs_sha256, language_layer())
        (out / DESCRIPTOR).write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out / CARD).write_text(card_markdown(kept, package, quality), encoding="utf-8")
        write_evidence_pages(tables, out)
    pictures()


def write_evidence_pages(tables: dict[str, pa.Table], out: Path) -> None:
    """The evidence pages (publish/evidence.py) under `out`."""
    for rel, page in evidence_pages(tables).items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(page, encoding="utf-8", newline="\n")
