"""The per-article map: every job's result, from the cache where its inputs are unchanged, else
extracted serially, on a local process pool or on a Dask cluster. The result depends on none of
these choices (tested byte for byte). The local worker processes die with the build
(lifetime.die_with_parent), and are killed when the build stops on an exception (Ctrl-C, SIGTERM)."""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

from ..cache import Cache
from ..extract.article import Extractor, Result
from ..extract.nlp import LanguageLayerError
from ..inputs.reference import Reference
from ..inputs.seeds import Job, LoadedJob
from ..lifetime import die_with_parent
from ..problems import InputError, Problem
from .caches import CACHE_DIR, Caches, cache_key
from .options import Options, Progress

FEW_ARTICLES = 8  # no more than this to extract: the warm worker alone (another would spend a second loading spaCy)


class Workers:
    """The worker processes of a local build. One is started before the seeds are read and loads
    the language layer meanwhile, so that a build with a few changed articles has its parser ready
    by the time it knows which articles changed. More articles than FEW_ARTICLES go to a pool of
    `workers` processes started then (each loads spaCy at the first article it must parse) once the
    warm one is ended. A pool given nothing is let go without waiting for it."""

    def __init__(self, reference: Reference, caches: Caches, workers: int):
        self.initargs = (os.getpid(), reference, caches)
        self.warm_pid = multiprocessing.Value("q", 0, lock=False)  # the warm process's id, once it runs
        self.warm = ProcessPoolExecutor(max_workers=1, initializer=_init_warm_worker, initargs=(self.warm_pid, *self.initargs))
        self.warm.submit(_warm_up)
        self.workers, self.pool = workers, None

    def map(self, jobs: list[LoadedJob], keys: list[str]) -> Iterable[tuple[bytes, OSError | None]]:
        if len(jobs) <= FEW_ARTICLES:
            self.pool = self.warm
        else:
            if self.warm_pid.value:  # still loading a model the pool's processes load for themselves (if they need one)
                os.kill(self.warm_pid.value, signal.SIGTERM)
            self.warm.shutdown(wait=True, cancel_futures=True)  # gone before the pool starts: never one model more than `workers`
            self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker, initargs=self.initargs)
        processes = 1 if self.pool is self.warm else self.workers
        return self.pool.map(_run_in_worker, jobs, keys, chunksize=max(1, min(64, len(jobs) // (processes * 8))))

    def close(self) -> None:
        for pool in {self.warm, self.pool} - {None}:
            pool.shutdown(wait=pool is self.pool, cancel_futures=True)

    def kill(self) -> None:
        """End every worker process now (the build stops: what they do is not wanted)."""
        for pool in {self.warm, self.pool} - {None}:
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.kill()
            pool.shutdown(wait=False, cancel_futures=True)


@contextmanager
def started_workers(reference: Reference, caches: Caches, workers: int, engine: str) -> Iterator[Workers | None]:
    """The local pool of `workers` processes for this build's extraction (None for a serial build
    or on Dask), closed on leaving, killed when leaving on an exception."""
    started = Workers(reference, caches, workers) if engine == "local" and workers > 1 else None
    try:
        yield started
    except BaseException:
        if started is not None:
            started.kill()
            started = None
        raise
    finally:
        if started is not None:
            started.close()


def extract_all(jobs: list[Job], reference: Reference, caches: Caches, options: Options,
                warn: Callable[[Problem], None] | None = None, meanwhile: Callable[[], None] = lambda: None,
                pool: Workers | None = None, each: Callable[[Result], Result] = lambda result: result) -> list[Result]:
    """Every job's result, in job order, each from its cache entry when there is one. A cache entry
    that cannot be written is not fatal: `warn` is told once. `meanwhile` is run in this process
    while worker processes extract (before extracting, when this process does it itself). Local
    extraction runs on `pool`, the processes started for the build (`started_workers`), or serially
    without one; `each` is applied to every result as it arrives."""
    results: list = [None] * len(jobs)
    todo = []
    for i, job in enumerate(jobs):
        key = cache_key(job, reference)
        cached = caches.rows.get(key)  # None when missing, damaged, another key's or made by other versions
        if cached is not None:
            results[i] = each(cached)
            continue
        try:
            todo.append((i, job.loaded(), key))  # its bytes: read now where hashing did not read them
        except (InputError, OSError) as error:
            results[i] = (None, error.problems if isinstance(error, InputError) else
                          [Problem(job.rel, None, None, f"cannot read: {error.strerror or error} — commit a plain text file")])
    jobs_todo, keys = [job for _, job, _ in todo], [key for _, _, key in todo]
    unwritable: list[OSError] = []

    def arrived(k: int, made: tuple[bytes, OSError | None]) -> None:
        results[todo[k][0]] = each(pickle.loads(made[0]))  # made by our worker processes
        unwritable.extend([made[1]] if made[1] is not None else [])

    progress = options.progress or _ignore
    if options.engine == "dask":  # a remote worker has not this disk: its results are cached here
        parse = caches.parse if not options.scheduler else Cache(None, caches.parse.kind)
        computed = _on_dask(jobs_todo, reference, options.workers, options.scheduler, parse, progress, meanwhile)
        for k, (result, key) in enumerate(zip(computed, keys, strict=True)):
            arrived(k, _cached(result, caches.rows, key))
    else:
        _locally(jobs_todo, keys, reference, caches, progress, meanwhile, pool, arrived)
    if unwritable and warn is not None:
        cause = os.strerror(unwritable[0].errno) if unwritable[0].errno else str(unwritable[0])
        warn(Problem(CACHE_DIR, None, None, f"cannot write: {cause} — the build went on without caching "
                     "(free some space or make .cache/ writable to have it again)", "warning"))
    return results


def _cached(result: Result, rows: Cache, key: str) -> tuple[bytes, OSError | None]:
    """The result pickled, as written to its cache entry under `key` by the process that made it
    (the main process, which collects, does not pickle 10,000 results after the last one arrives;
    for a remote Dask worker it does), and sent back as those bytes (not pickled twice); the
    error when the entry cannot be written (a full disk, a read-only .cache/)."""
    payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        rows.write(key, payload)
    except OSError as error:
        return payload, error
    return payload, None


def _ignore(done: int, total: int) -> None:
    pass


_WORKER: tuple[Extractor, Cache] | None = None  # one per worker process, built once by the pool initializer


PYTHON_GC_THRESHOLD = (700, 10, 10)  # Python's own: a worker's rules make short-lived objects, which are best collected often


def _init_worker(parent: int, reference: Reference, caches: Caches) -> None:
    global _WORKER
    die_with_parent(parent)
    gc.set_threshold(*PYTHON_GC_THRESHOLD)  # (forked from a build that made its collections rarer: engine.rare_collections)
    _WORKER = (_extractor(reference, caches), caches.rows)


def _extractor(reference: Reference, caches: Caches) -> Extractor:
    return Extractor(reference, caches.parse, caches.language, caches.identifier)


def _init_warm_worker(pid, *initargs) -> None:
    pid.value = os.getpid()
    _init_worker(*initargs)


def _warm_up() -> None:
    try:
        _WORKER[0].warm_up()
    except LanguageLayerError:  # said by the first article that needs the model
        pass


def _run_in_worker(job: LoadedJob, key: str) -> tuple[bytes, OSError | None]:
    extractor, rows = _WORKER
    return _cached(extractor(job), rows, key)


def _locally(todo: list[LoadedJob], keys: list[str], reference: Reference, caches: Caches, progress: Progress,
             meanwhile: Callable[[], None], pool: Workers | None, arrived: Callable[[int, tuple[bytes, OSError | None]], None]) -> None:
    """On the build's worker processes (`pool`), else serially in this process; `arrived` is told
    of each result in job order as it comes (each written to its cache entry where it was made)."""
    if pool is not None and todo:
        pending = pool.map(todo, keys)
        meanwhile()
    else:
        meanwhile()
        extractor = _extractor(reference, caches)
        pending = (_cached(extractor(job), caches.rows, key) for job, key in zip(todo, keys, strict=True))
    for k, made in enumerate(pending):
        arrived(k, made)
        progress(1, len(todo))


_EXTRACTORS: dict[tuple[str, Cache], Extractor] = {}  # in a Dask worker process: the one it uses


def _run_partition(jobs: list[LoadedJob], reference: Reference, parse: Cache) -> list[Result]:
    """One Dask partition, on the worker process's own extractor: the reference's matcher is built
    and the model loaded once per worker, not once per partition (a worker keeps the extractor of
    the last reference it was given: one build at a time)."""
    key = (reference.digest, parse.home)
    if key not in _EXTRACTORS:
        _EXTRACTORS.clear()
        _EXTRACTORS[key] = Extractor(reference, parse)
    extractor = _EXTRACTORS[key]
    return [extractor(job) for job in jobs]


def _on_dask(todo: list[LoadedJob], reference: Reference, workers: int, scheduler: str | None, parse: Cache,
             progress: Progress, meanwhile: Callable[[], None]) -> list[Result]:
    """Map the per-article function over a Dask bag: on `scheduler` (a dask.distributed address)
    or, without one, on a local cluster of `workers` processes. Results come back in job order."""
    import dask.bag as db
    from dask.distributed import Client, LocalCluster, as_completed

    if not todo:
        meanwhile()
        return []
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            partitions = max(1, min(len(todo), workers * 8))
            # a remote cluster does not share this disk: its workers parse without the cache
            bag = db.from_sequence(todo, npartitions=partitions).map_partitions(_run_partition, reference, parse)
            futures = client.compute(bag.to_delayed())
            meanwhile()
            for future in as_completed(futures):
                progress(len(future.result()), len(todo))
            return [result for future in futures for result in future.result()]
    finally:
        if cluster is not None:
            cluster.close()
