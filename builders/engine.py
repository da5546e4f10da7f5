"""The per-article map: every job's result, from the cache where its inputs are unchanged, else
extracted serially, on a local process pool or on a Dask cluster. The result depends on none of
these choices (tested byte for byte)."""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from .extract.article import Extractor, Result
from .extract.nlp import LanguageLayerError, model_fingerprint, versions
from .inputs import cachefile
from .inputs.reference import REFERENCE_FILES, Reference, load_reference
from .inputs.seeds import Job
from .inputs.tree import MAX_YAML_BYTES, read_regular
from .problems import InputError, Problem

CACHE_DIR = ".cache/extract"
PARSE_CACHE_DIR = ".cache/parse"
REFERENCE_CACHE_DIR = ".cache/reference"
IDENTIFIER_CACHE = ".cache/models/language-identifier"  # py3langid's model, decompressed (language.language_identifier)
LANGUAGE_CACHE_DIR = ".cache/language"  # each text's language (language.Languages): a change to a rule keeps it
# Everything the per-article function runs lives in these packages (the layers below the engine):
# a change to any file in them invalidates every cached article, and a change anywhere else
# (publishing, validation, the command line) keeps the cache.
_EXTRACTION_CODE = ("extract", "inputs", "schema", "problems.py")

Progress = Callable[[int, int], None]  # (articles just finished, articles to extract in all)


@cache
def code_fingerprint() -> str:
    """Hash of the version and of every source and data file of the extraction code."""
    from . import __version__

    package = Path(__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for name in _EXTRACTION_CODE:
        files = [package / name] if name.endswith(".py") else sorted(
            p for p in (package / name).rglob("*") if p.is_file() and p.suffix in (".py", ".yaml")
        )
        for path in files:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cache_key(job: Job, reference: Reference) -> str:
    """What an article's rows depend on: its text, source record and curation file, the reference, the
    extraction code, the model and the language identifier."""
    parts = [job.raw_sha, job.curation_sha or "-", job.source_sha or "-", job.article_id, reference.digest, code_fingerprint(),
             model_fingerprint(), versions()["py3langid"]]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_reference(root: Path) -> tuple[Reference, list[Problem]]:
    """The reference of `root`, checked, from the cache when its files and the code reading them are
    unchanged (parsing the YAML takes half a second, more than the rest of a one-article build)."""
    try:
        hashes = {rel: hashlib.sha256(read_regular(root / rel, MAX_YAML_BYTES)).hexdigest() if (root / rel).is_file() else None
                  for rel in REFERENCE_FILES}
    except OSError:  # unreadable: the reader reports it
        return load_reference(root)
    key = hashlib.sha256(f"{code_fingerprint()}|{sorted(hashes.items())}".encode()).hexdigest()
    path = root / REFERENCE_CACHE_DIR / key
    cached = cachefile.read_object(path)
    if cached is not None:
        return cached
    reference, problems = load_reference(root)
    if reference.file_hashes == {rel: sha for rel, sha in hashes.items() if sha is not None}:  # not edited meanwhile
        cachefile.keep_object(path, (reference, problems))  # (not kept: the extraction cache says why)
    return reference, problems


FEW_ARTICLES = 8  # no more than this to extract: the warm worker alone (another would spend a second loading spaCy)


class Workers:
    """The worker processes of a local build. One is started before the seeds are read and loads
    the language layer meanwhile, so that a build with a few changed articles has its parser ready
    by the time it knows which articles changed. More articles than FEW_ARTICLES go to a pool of
    `workers` processes started then (each loads spaCy at the first article it must parse) once the
    warm one is ended. A pool given nothing is let go without waiting for it."""

    def __init__(self, reference: Reference, root: Path, workers: int):
        self.initargs = (reference, root / PARSE_CACHE_DIR, root / IDENTIFIER_CACHE, root / LANGUAGE_CACHE_DIR)
        self.warm_pid = multiprocessing.Value("q", 0, lock=False)  # the warm process's id, once it runs
        self.warm = ProcessPoolExecutor(max_workers=1, initializer=_init_warm_worker, initargs=(self.warm_pid, *self.initargs))
        self.warm.submit(_warm_up)
        self.workers, self.pool = workers, None

    def map(self, jobs: list[Job], paths: list[Path]) -> Iterable[tuple[bytes, OSError | None]]:
        if len(jobs) <= FEW_ARTICLES:
            self.pool = self.warm
        else:
            if self.warm_pid.value:  # still loading a model the pool's processes load for themselves (if they need one)
                os.kill(self.warm_pid.value, signal.SIGTERM)
            self.warm.shutdown(wait=True, cancel_futures=True)  # gone before the pool starts: never one model more than `workers`
            self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker, initargs=self.initargs)
        processes = 1 if self.pool is self.warm else self.workers
        return self.pool.map(_run_in_worker, jobs, paths, chunksize=max(1, min(64, len(jobs) // (processes * 8))))

    def close(self) -> None:
        for pool in {self.warm, self.pool} - {None}:
            pool.shutdown(wait=pool is self.pool, cancel_futures=True)


@contextmanager
def started_workers(reference: Reference, root: Path, workers: int, engine: str) -> Iterator[Workers | None]:
    """The local pool of `workers` processes for this build's extraction (None for a serial build
    or on Dask), closed on leaving."""
    started = Workers(reference, root, workers) if engine == "local" and workers > 1 else None
    try:
        yield started
    finally:
        if started is not None:
            started.close()


def extract_all(jobs: list[Job], reference: Reference, root: Path, workers: int = 1, use_cache: bool = True,
                engine: str = "local", scheduler: str | None = None, progress: Progress | None = None,
                warn: Callable[[Problem], None] | None = None, meanwhile: Callable[[], None] = lambda: None,
                pool: Workers | None = None, each: Callable[[Result], Result] = lambda result: result) -> list[Result]:
    """Every job's result, in job order. Without `use_cache` every article is extracted again and
    its cache entry refreshed. A cache entry that cannot be written is not fatal: `warn` is told
    once. `meanwhile` is run in this process while worker processes extract (before extracting,
    when this process does it itself). Local extraction runs on `pool`,
    the processes started for the build (`started_workers`), or serially without one."""
    results: list = [None] * len(jobs)
    cache_dir = root / CACHE_DIR
    todo = []
    for i, job in enumerate(jobs):
        key = cache_key(job, reference)
        path = cache_dir / key[:2] / key
        cached = cachefile.read_object(path) if use_cache else None  # None when missing, damaged or made by other versions
        if cached is not None:
            results[i] = each(cached)
            continue
        try:
            todo.append((i, job.loaded(), path))  # the bytes of an article whose files were not read
        except (InputError, OSError) as error:
            results[i] = (None, error.problems if isinstance(error, InputError) else
                          [Problem(job.rel, None, None, f"cannot read: {error.strerror or error} — commit a plain text file")])
    jobs_todo, paths = [job for _, job, _ in todo], [path for _, _, path in todo]
    unwritable: list[OSError] = []

    def arrived(k: int, made: tuple[bytes, OSError | None]) -> None:
        results[todo[k][0]] = each(pickle.loads(made[0]))  # made by our worker processes
        unwritable.extend([made[1]] if made[1] is not None else [])

    if engine == "dask":  # a remote worker has not this disk: its results are cached here
        computed = _on_dask(jobs_todo, reference, workers, scheduler, root / PARSE_CACHE_DIR, progress or _ignore, meanwhile)
        for k, (result, path) in enumerate(zip(computed, paths, strict=True)):
            arrived(k, _cached(result, path))
    else:
        _locally(jobs_todo, paths, reference, root, progress or _ignore, meanwhile, pool, arrived)
    if unwritable and warn is not None:
        cause = os.strerror(unwritable[0].errno) if unwritable[0].errno else str(unwritable[0])
        warn(Problem(CACHE_DIR, None, None, f"cannot write: {cause} — the build went on without caching "
                     "(free some space or make .cache/ writable to have it again)", "warning"))
    return results


def _cached(result: Result, path: Path) -> tuple[bytes, OSError | None]:
    """The result pickled, as written to its cache entry at `path` by the process that made it
    (the main process, which collects, does not pickle 10,000 results after the last one arrives;
    for a remote Dask worker it does), and sent back as those bytes (not pickled twice); the
    error when the entry cannot be written (a full disk, a read-only .cache/)."""
    payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        cachefile.write(path, payload)
    except OSError as error:
        return payload, error
    return payload, None


def _ignore(done: int, total: int) -> None:
    pass


_WORKER: Extractor | None = None  # one per worker process, built once by the pool initializer


PYTHON_GC_THRESHOLD = (700, 10, 10)  # Python's own: a worker's rules make short-lived objects, which are best collected often


def _init_worker(reference: Reference, parse_cache: Path, identifier_cache: Path, language_cache: Path) -> None:
    global _WORKER
    gc.set_threshold(*PYTHON_GC_THRESHOLD)  # (forked from a build that made its collections rarer: make._rare_collections)
    _WORKER = Extractor(reference, parse_cache, identifier_cache, language_cache)


def _init_warm_worker(pid, *initargs) -> None:
    pid.value = os.getpid()
    _init_worker(*initargs)


def _warm_up() -> None:
    try:
        _WORKER.warm_up()
    except LanguageLayerError:  # said by the first article that needs the model
        pass


def _run_in_worker(job: Job, path: Path) -> tuple[bytes, OSError | None]:
    return _cached(_WORKER(job), path)


def _locally(todo: list[Job], paths: list[Path], reference: Reference, root: Path, progress: Progress,
             meanwhile: Callable[[], None], pool: Workers | None, arrived: Callable[[int, tuple[bytes, OSError | None]], None]) -> None:
    """On the build's worker processes (`pool`), else serially in this process; `arrived` is told
    of each result in job order as it comes (each written to its cache entry where it was made)."""
    if pool is not None and todo:
        pending = pool.map(todo, paths)
        meanwhile()
    else:
        meanwhile()
        extractor = Extractor(reference, root / PARSE_CACHE_DIR)
        pending = (_cached(extractor(job), path) for job, path in zip(todo, paths, strict=True))
    for k, made in enumerate(pending):
        arrived(k, made)
        progress(1, len(todo))


_EXTRACTORS: dict[tuple[str, Path | None], Extractor] = {}  # in a Dask worker process: the one it uses


def _run_partition(jobs: list[Job], reference: Reference, parse_cache: Path | None) -> list[Result]:
    """One Dask partition, on the worker process's own extractor: the reference's matcher is built
    and the model loaded once per worker, not once per partition (a worker keeps the extractor of
    the last reference it was given: one build at a time)."""
    key = (reference.digest, parse_cache)
    if key not in _EXTRACTORS:
        _EXTRACTORS.clear()
        _EXTRACTORS[key] = Extractor(reference, parse_cache)
    extractor = _EXTRACTORS[key]
    return [extractor(job) for job in jobs]


def _on_dask(todo: list[Job], reference: Reference, workers: int, scheduler: str | None, parse_cache: Path,
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
            bag = db.from_sequence(todo, npartitions=partitions).map_partitions(_run_partition, reference, None if scheduler else parse_cache)
            futures = client.compute(bag.to_delayed())
            meanwhile()
            for future in as_completed(futures):
                progress(len(future.result()), len(todo))
            return [result for future in futures for result in future.result()]
    finally:
        if cluster is not None:
            cluster.close()
