"""The last build, kept under `.cache/last-build/` so that the next build touches only what changed:
each table as Arrow IPC (typed, sorted by key, read back without a copy), and a
manifest saying which inputs each article's rows come from (the engine's cache key), what each
article discovered and warned about, the sha256 of every table file, and the mark (sha256, size,
inode, modification time) of every file of the package written from these tables (so that the next
build links, not writes, the files whose tables are unchanged: publish.package.Previous).

A stale or damaged store is never used: the manifest is sealed like every cache entry (its own
checksum and the versions it was made with) and stored under a key that is the fingerprint of every
file of the builders (a change to any code, assembling and writing included, retires it), and a
table file whose bytes do not have the recorded hash retires the whole store (the build then
extracts through the cache).
"""

from __future__ import annotations

import hashlib
import pickle
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyarrow as pa

from ..cache import HOME, Cache, fingerprint, made_with, write_file
from ..schema.dataset import dataset_version

STORE = "last-build"
STORE_DIR = f"{HOME}/{STORE}"
MANIFEST = "manifest"


@dataclass
class BuildRecord:
    """A build's rows and, per article, the inputs they came from: the one being made (`plan`'s
    `now`, saved as the store when the build may keep it) or the last one (`load`)."""

    articles: dict[str, str]  # article id -> the cache key of its inputs (engine.cache_key)
    extras: dict[str, tuple]  # article id -> (discovered actors, discovered weapons, warnings)
    tables: dict[str, pa.Table] = field(default_factory=dict)  # every resource, typed, sorted by key
    files: dict[str, tuple[str, str]] = field(default_factory=dict)  # resource -> (its file in the store, sha256): saved already
    published: dict[str, tuple] = field(default_factory=dict)  # package file -> its mark as written from these tables (publish.package.Mark)


@cache
def code_fingerprint() -> str:
    """Hash of every source and data file of the builders, and of the versions the tables depend on
    (taken once per process, at the start of a build: a file edited while a build runs does not
    pass the rows of the old code for the new one's)."""
    versions = [made_with(), f"builders=={dataset_version()}", f"pyarrow=={pa.__version__}"]
    return fingerprint([Path(__file__).parents[1]], versions)


def load(root: Path) -> BuildRecord | None:
    """The last build's store, or None when there is none, it is damaged, or other code made it."""
    folder = root / STORE_DIR
    manifest = Cache(root / HOME, STORE).get(code_fingerprint(), name=MANIFEST)  # None: another code's
    if not isinstance(manifest, dict):
        return None
    last = BuildRecord(manifest["articles"], manifest["extras"], files=manifest["files"], published=manifest["published"])
    for name, (file, digest) in manifest["files"].items():
        try:  # mapped, not read into memory: the kept rows are read from the page cache, copied once later
            with pa.memory_map(str(folder / file)) as source:
                data = source.read_buffer()
        except OSError:
            return None
        if hashlib.sha256(data).hexdigest() != digest:
            _remove(folder / file)  # so that the next save writes it whole
            return None
        last.tables[name] = pa.ipc.open_file(data).read_all()
    return last


def save(root: Path, last: BuildRecord) -> None:
    """Replace the store by `last`: table files first (named by their hash; a table `last.files`
    names, equal to the last build's, is neither serialised nor written again), then the manifest,
    then the files no manifest names. Raises OSError."""
    folder = root / STORE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    files = {name: entry for name, entry in last.files.items() if name in last.tables and (folder / entry[0]).is_file()}
    for name, table in last.tables.items():
        if name in files:
            continue
        sink = pa.BufferOutputStream()
        with pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        data = sink.getvalue()
        digest = hashlib.sha256(data).hexdigest()
        files[name] = (file := f"{name}-{digest[:16]}.arrow", digest)
        if not (folder / file).is_file():
            write_file(root / HOME, folder / file, data)
    manifest = {"articles": last.articles, "extras": last.extras, "files": files, "published": last.published}
    Cache(root / HOME, STORE).write(code_fingerprint(), pickle.dumps(manifest, protocol=pickle.HIGHEST_PROTOCOL), name=MANIFEST)
    for path in folder.iterdir():
        if path.name != MANIFEST and path.name not in {file for file, _ in files.values()}:
            _remove(path)


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # a read-only .cache/: the store is not used (a damaged file) or keeps a stray file
        pass
