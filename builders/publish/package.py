"""Tables -> the published package: CSV and Parquet editions, Table Schemas, `datapackage.json`,
and the dataset card with its pictures.

Files are written deterministically (sorted rows, fixed writer options, no wall-clock times), so
the same rows always give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..cache import Cache
from ..inputs.editor_schemas import EDITOR_SCHEMAS
from ..schema.dataset import descriptor, file_facts, sources_of
from ..schema.formats import PARQUET_OPTIONS, csv_bytes, schema_json  # (csv_bytes, PARQUET_OPTIONS: also imported from here)
from ..schema.language_layer import language_layer
from ..schema.layout import CARD, CSV_DIR, DESCRIPTOR, EVIDENCE_DIR, EVIDENCE_INDEX, PARQUET_DIR, SCHEMA_DIR, csv_path, evidence_page, parquet_path
from ..schema.models import RESOURCES, Resource
from .card import MeasuredQuality, card_input, card_markdown, start_pictures
from .evidence import CORPUS_TABLES_READ, evidence_pages


# A file as written: (sha256 hex, size, inode, modification time in ns). inputs/hashes.stamp without
# the change time: linking a file into the next package, and removing the last one, move it.
Mark = tuple[str, int, int, int]


def _mark(path: Path, sha256: str) -> Mark:
    st = path.lstat()
    return sha256, st.st_size, st.st_ino, st.st_mtime_ns


@dataclass(frozen=True)
class Previous:
    """The last build's package as this build may reuse it: `files` are the marks of the files it
    wrote (path relative to the package root -> `Mark`), `same_tables` the resources whose table
    equals this build's, `same_articles` the articles whose rows are the last build's (the engine
    knows both). A file whose inputs are all unchanged is taken from `folder` (the published
    package) instead of written again, when it is still the file that build wrote: the same inode,
    size and modification time (git's test of an unchanged file; no byte is read, and a page
    evicted from memory is not read back from disk). A published file someone changed or replaced,
    or one of a build that was never published, is written anew."""

    folder: Path
    files: dict[str, Mark]
    same_tables: frozenset[str]
    same_articles: frozenset[str]

    def take(self, rel: str, out: Path) -> Mark | None:
        """The mark of the published `rel`, linked to `out/rel` (copied where the file system has
        no hard links), or None when it is not the file the last build wrote."""
        mark = self.files.get(rel)
        source, target = os.path.join(self.folder, rel), os.path.join(out, rel)  # (not Path: 10,000 pages a build)
        try:
            st = os.lstat(source)
            if mark is None or not stat.S_ISREG(st.st_mode) or (st.st_size, st.st_ino, st.st_mtime_ns) != mark[1:]:
                return None
            try:
                os.link(source, target, follow_symlinks=False)  # the same bytes, already on disk
                return mark
            except OSError:
                shutil.copyfile(source, target, follow_symlinks=False)
                return _mark(Path(target), mark[0])
        except OSError:
            return None


def write_package(tables: dict[str, pa.Table], out: Path, quality: MeasuredQuality, inputs_sha256: str | None = None,
                  picture_cache: Cache | None = None, previous: Previous | None = None) -> dict[str, Mark]:
    """Write every file of the package under `out` (a fresh directory) from each resource's typed
    table, sorted by primary key (as `assemble` makes them), the card quoting `quality` (the figures
    of the checkout built: card.read_measured_quality). Files whose inputs are unchanged since
    `previous` are taken from it (`Previous.take`). The pictures are started first (from
    `picture_cache`, or drawn by a process forked while this process runs one thread:
    card.start_pictures) and waited for last. Returns the mark of each resource file and evidence
    page (what the next build's `Previous.files` holds)."""
    pictures = start_pictures(tables, out, picture_cache)
    (out / CSV_DIR).mkdir(parents=True)
    (out / PARQUET_DIR).mkdir(parents=True)
    (out / SCHEMA_DIR).mkdir(parents=True)
    for rel, generate in EDITOR_SCHEMAS.items():
        (out / rel).write_text(generate(), encoding="utf-8")
    files: dict[str, Mark] = {}

    def write_files(model: type[Resource], table: pa.Table) -> tuple[int, str]:
        csv, parquet = csv_path(model), parquet_path(model)
        if previous is not None and model.resource_name in previous.same_tables:
            taken = previous.take(csv, out)
            if taken is not None and (taken_too := previous.take(parquet, out)) is not None:
                files[csv], files[parquet] = taken, taken_too
                return taken[1], "sha256:" + taken[0]
        data = csv_bytes(model, table)
        (out / csv).unlink(missing_ok=True)  # (a file taken above is the published one's inode: never written into)
        (out / csv).write_bytes(data)
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink, **PARQUET_OPTIONS)
        written = sink.getvalue()
        (out / parquet).write_bytes(written)
        files[csv], files[parquet] = _mark(out / csv, hashlib.sha256(data).hexdigest()), _mark(out / parquet, hashlib.sha256(written).hexdigest())
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
        files |= write_evidence_pages(tables, out, previous)
    pictures()
    return dict(sorted(files.items()))


def write_evidence_pages(tables: dict[str, pa.Table], out: Path, previous: Previous | None = None) -> dict[str, Mark]:
    """The evidence pages (publish/evidence.py) under `out`: the index, and each article's page
    taken from `previous` when its rows and the names it shows are unchanged, else made. Returns
    the mark of each article's page."""
    (out / EVIDENCE_DIR).mkdir(parents=True, exist_ok=True)
    files, taken = {}, set()
    if previous is not None and previous.same_tables.issuperset(CORPUS_TABLES_READ):
        for article_id in sorted(previous.same_articles):
            found = previous.take(rel := evidence_page(article_id), out)
            if found is not None:
                files[rel] = found
                taken.add(article_id)
    for rel, page in evidence_pages(tables, skip=taken):
        data = page.encode("utf-8")
        (out / rel).write_bytes(data)
        if rel != EVIDENCE_INDEX:
            files[rel] = _mark(out / rel, hashlib.sha256(data).hexdigest())
    return files
