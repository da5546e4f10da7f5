"""One build into a folder: seeds (and the last build's store) -> engine (per-article extraction,
cached) -> assemble -> publish. The pipeline runs it under the lock and validates and swaps in
what it made; `validate` never imports this module (the extraction code takes a third of a second
to import)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from . import store
from .assemble import Assembly
from .engine import Progress, cached_reference, extract_all, started_workers
from .extract.nlp import LanguageLayerError, model_fingerprint
from .incremental import changed_row_problems, kept_rows, plan, preload, record
from .inputs.hashes import FileHashes, load_hashes, save_hashes
from .inputs.reference import load_reference
from .inputs.seeds import read_seeds
from .problems import Problem
from .publish.card import PICTURE_CACHE, start_pictures
from .publish.faults import machine_fault
from .publish.package import write_package
from .store import LastBuild


def _failed(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


@dataclass
class Made:
    """What a build made in its folder: its problems, the thread saving its store, and what the
    check of its changed rows found."""

    problems: list[Problem]
    saving: threading.Thread | None = None  # saving this build's store (see store.py)
    checked: list[Problem] | None = None  # made from the last build's rows: what the changed rows' check found


def make(root: Path, out: Path, workers: int, use_cache: bool, engine: str, scheduler: str | None,
          progress: Progress | None, from_last: bool, keep: bool) -> Made:
    """Build into `out`; `from_last`: from the last build's rows where there are some (only the
    articles whose inputs changed are extracted); `keep`: save this build's as the last build
    (only a build holding the lock alone does; join `saving`)."""
    with _rare_collections():
        return _make(root, out, workers, use_cache, engine, scheduler, progress, from_last, keep)


@contextmanager
def _rare_collections() -> Iterator[None]:
    """A build's main process makes hundreds of thousands of objects that live as long as it does
    (the seeds' stats and hashes, the store's manifest, the new rows' values), and Python's
    collector would walk every one of them many times over: 0.4 s of CPU of a one-article build
    in 10,000. Collections are made rarer while it runs, and the objects alive before it are left
    out of them (gc.freeze); the engine's worker processes collect as usual (engine._init_worker)."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _make(root: Path, out: Path, workers: int, use_cache: bool, engine: str, scheduler: str | None,
          progress: Progress | None, from_last: bool, keep: bool) -> Made:
    try:
        model_fingerprint()  # every cache and the store depend on the language layer
    except LanguageLayerError as missing:  # never a fallback without the parse: the rows would differ
        return Made(read_seeds(root).problems + [Problem("requirements.lock", None, None, str(missing))])
    store.fingerprint()  # of the code this build runs, before any of it can be edited
    reference, reference_problems = (cached_reference if use_cache else load_reference)(root)
    with started_workers(reference, root, workers, engine) as pool:  # loading spaCy while the seeds are read
        with ThreadPoolExecutor(max_workers=1) as background:  # the store is read while seeds/ is
            loading = background.submit(store.load, root) if from_last else None
            hashes = load_hashes(root) if use_cache else FileHashes()
            seeds = read_seeds(root, lambda _: (reference, reference_problems), hashes)
            background.submit(save_hashes, root, hashes)
            last = loading.result() if loading else None
        problems = seeds.problems
        todo, now = plan(seeds.jobs, seeds.reference, last)
        assembly = Assembly()  # the rows made typed as they arrive
        try:
            results = extract_all(todo, seeds.reference, root, workers, use_cache, engine, scheduler, progress, problems.append, preload, pool,
                                  lambda result: (assembly.take(result[0]) if result[0] is not None else None, result[1]))
        except LanguageLayerError as missing:  # another model's version, a model that does not load
            return Made(problems + [Problem("requirements.lock", None, None, str(missing))])
    found = {job.article_id: result[1] for job, result in zip(todo, results, strict=True)}
    for job in seeds.jobs:  # in article order, as if every article had been extracted now
        problems += found[job.article_id] if job.article_id in found else now.extras[job.article_id][2]
    if _failed(problems):
        return Made(problems)
    extracted = [article for article, _ in results if article is not None]  # (their discoveries: the rows are in `assembly`)
    tables = assembly.tables(seeds.reference, kept_rows(last, now))
    record(now, extracted, found, tables)
    del results, extracted  # (the rows are in `tables`: the Python objects go before the files are written)
    try:  # first, while this process runs one thread: drawn by a forked process if they must be drawn
        pictures = start_pictures(tables, out, root / PICTURE_CACHE if use_cache else None)
    except OSError as error:
        return Made(problems + [machine_fault(error, root, "write", "build", path=out / "datapackage")])
    made = Made(problems, threading.Thread(target=_save_store, args=(root, now)) if keep else None)
    if made.saving:  # saved while the package is written, checked and swapped in: its rows are what the
        made.saving.start()  # builders make of these inputs, whatever validation finds (as the cache's are)
    return _write(made, tables, set(found) if last is not None else None, root, out, seeds.digest, pictures)


def _write(made: Made, tables: dict[str, pa.Table], changed: set[str] | None, root: Path, out: Path, digest: str,
           pictures: Callable[[], None]) -> Made:
    """Write the package into `out` (the `pictures` started); when the build started from the last
    one's rows, the rows of the `changed` articles are checked meanwhile (`made.checked`)."""
    with ThreadPoolExecutor(max_workers=1) as background:
        checking = background.submit(changed_row_problems, tables, changed, out) if changed is not None else None
        try:
            write_package(tables, out, digest, pictures=pictures)
        except OSError as error:  # pyarrow's errors name no file: the package folder is named
            made.problems.append(machine_fault(error, root, "write", "build", path=out / "datapackage"))
            return made
        made.checked = checking.result() if checking else None
    pa.default_memory_pool().release_unused()  # give the writer's Arrow buffers back before validation
    return made


def _save_store(root: Path, now: LastBuild) -> None:
    try:
        store.save(root, now)
    except OSError:  # a full disk, a read-only .cache/: the next build starts from the cache instead
        pass
