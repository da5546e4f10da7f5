"""The engine: seeds in, whole typed tables out, behind one call — `columns(root, options)`.

It owns everything a build does for speed, so that the stages it calls stay plain functions: the
worker processes (a warm one loading spaCy while the seeds are read, a process pool, or Dask;
`workers.py`), the garbage collector's settings, the caches it hands to the stages
(`caches.py`: the parser receives its parse cache, nothing below opens `.cache/`), the last build's
store (`store.py`) and what changed since it (`plan.py`). A build without the cache
(`Options(use_cache=False)`) reads and writes nothing under `.cache/`.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from ..assemble import Assembly
from ..cache import HOME, remove_leftovers
from ..extract.nlp import LanguageLayerError, model_fingerprint
from ..inputs.hashes import FileHashes, load_hashes, save_hashes
from ..inputs.seeds import read_seeds
from ..problems import Problem
from . import store
from .caches import Caches, cached_reference
from .options import Options, Progress
from .plan import kept_rows, plan, preload, record
from .workers import extract_all, started_workers

__all__ = ["Columns", "Options", "Progress", "columns", "rare_collections", "remove_leftovers_of"]


@dataclass
class Columns:
    """What the engine made of the seeds: the tables (empty when `problems` hold an error), the
    inputs' digest, the articles extracted anew when the build started from the last one's rows
    (None: every article was), the problems, and the caches the rest of the build may use. When
    it started from the last build: the mark of each file that build wrote (`last_files`), the
    resources whose table is equal to that build's and the articles whose rows were kept from it
    (what publishing may link instead of writing again)."""

    tables: dict[str, pa.Table]
    digest: str
    changed: set[str] | None
    problems: list[Problem]
    caches: Caches
    last_files: dict[str, tuple] = field(default_factory=dict)
    same_tables: frozenset[str] = frozenset()
    same_articles: frozenset[str] = frozenset()
    record: store.BuildRecord | None = field(default=None, repr=False)  # this build's, when it may keep it

    def keep(self, root: Path, written: dict[str, tuple]) -> threading.Thread | None:
        """Save this build's tables, and the marks of the files `written` from them, as the last
        build, in a thread started here (join it); None when this build may not keep them."""
        if self.record is None:
            return None
        self.record.published = written
        saving = threading.Thread(target=_save_store, args=(root, self.record))
        saving.start()
        return saving


def _failed(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def columns(root: Path, options: Options, from_last: bool = False, keep: bool = False) -> Columns:
    """The tables of `root`'s seeds. `from_last`: from the last build's rows where there are some
    (only the articles whose inputs changed are extracted); `keep`: they may be saved as the last
    build (only a build holding the lock alone does: `Columns.keep`)."""
    with rare_collections():
        return _columns(root, options, Caches.of(root, options.use_cache), from_last and options.use_cache,
                        keep and options.use_cache)


def remove_leftovers_of(root: Path) -> list[str]:
    """The temporary files a killed build left under `.cache/`, removed (call it holding the lock)."""
    return remove_leftovers(root / HOME)


_RARE = [0]  # how many rare_collections are open in this process: the outermost one sets and restores


@contextmanager
def rare_collections() -> Iterator[None]:
    """A build's main process makes hundreds of thousands of objects that live as long as it does
    (the seeds' stats and hashes, the store's manifest, the new rows' values), and Python's
    collector would walk every one of them many times over: 0.4 s of CPU of a one-article build
    in 10,000. Collections are made rarer while it runs, and the objects alive before it are left
    out of them (gc.freeze); the worker processes collect as usual (workers._init_worker). The
    caller may hold it around more than the engine (make.py: writing the package too)."""
    _RARE[0] += 1
    if _RARE[0] > 1:
        try:
            yield
        finally:
            _RARE[0] -= 1
        return
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        _RARE[0] -= 1
        gc.set_threshold(*before)
        gc.unfreeze()


def _columns(root: Path, options: Options, caches: Caches, from_last: bool, keep: bool) -> Columns:
    try:
        model_fingerprint()  # every cache and the store depend on the language layer
    except LanguageLayerError as missing:  # never a fallback without the parse: the rows would differ
        return Columns({}, "", None, read_seeds(root).problems + [Problem("requirements.lock", None, None, str(missing))], caches)
    store.code_fingerprint()  # of the code this build runs, before any of it can be edited
    reference, reference_problems = cached_reference(root, caches.reference)
    with started_workers(reference, caches, options.workers, options.engine) as pool:  # loading spaCy while the seeds are read
        with ThreadPoolExecutor(max_workers=1) as background:  # the store is read while seeds/ is
            loading = background.submit(store.load, root) if from_last else None
            hashes = load_hashes(caches.seed_hashes) if caches.seed_hashes.enabled else FileHashes()
            seeds = read_seeds(root, lambda _: (reference, reference_problems), hashes)
            if caches.seed_hashes.enabled:
                background.submit(save_hashes, caches.seed_hashes, hashes)
            last = loading.result() if loading else None
        problems = seeds.problems
        todo, now = plan(seeds.jobs, seeds.reference, last)
        assembly = Assembly()  # the rows made typed as they arrive
        try:
            results = extract_all(todo, seeds.reference, caches, options, problems.append, preload, pool,
                                  lambda result: (assembly.take(result[0]) if result[0] is not None else None, result[1]))
        except LanguageLayerError as missing:  # another model's version, a model that does not load
            return Columns({}, seeds.digest, None, problems + [Problem("requirements.lock", None, None, str(missing))], caches)
    found = {job.article_id: result[1] for job, result in zip(todo, results, strict=True)}
    for job in seeds.jobs:  # in article order, as if every article had been extracted now
        problems += found[job.article_id] if job.article_id in found else now.extras[job.article_id][2]
    if _failed(problems):
        return Columns({}, seeds.digest, None, problems, caches)
    extracted = [article for article, _ in results if article is not None]  # (their discoveries: the rows are in `assembly`)
    tables = assembly.tables(seeds.reference, kept_rows(last, now))
    same_tables = record(now, extracted, found, tables, last)
    if last is None:
        return Columns(tables, seeds.digest, None, problems, caches, record=now if keep else None)
    return Columns(tables, seeds.digest, set(found), problems, caches, last.published, same_tables,
                   frozenset(now.articles.keys() - found.keys()), now if keep else None)


def _save_store(root: Path, now: store.BuildRecord) -> None:
    try:
        store.save(root, now)
    except OSError:  # a full disk, a read-only .cache/: the next build starts from the cache instead
        pass
