"""Seeds -> rows of every resource -> a validated package, published atomically.

A build writes the whole package into a temporary directory beside the published one, validates
it there, and only then swaps it in. A failed build leaves the published package untouched.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow as pa

from . import __version__
from .actors import (
    ArticleEntities,
    DiscoveredActor,
    DiscoveredWeapon,
    Matcher,
    find_entities,
)
from .curation import CURATION_DIR, curation_files, parse_curation, read_curation
from .events import curated_events, make_summary, merge, rule_events
from .ingest import MAX_ARTICLE_BYTES, check_raw, ingest, too_large
from .models import (
    Actor,
    ActorMention,
    Article,
    Event,
    EventType,
    Method,
    Quote,
    WeaponSystem,
    WeaponSystemMention,
)
from .problems import InputError, Problem
from .publish import PUBLISHED_PATHS, update_readme, write_package
from .quotes import find_quote_spans, find_quotes
from .reference import REFERENCE_FILES, Reference, load_reference
from .tables import column_values, columns

ARTICLES_DIR = "seeds/articles"


def article_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """The article files, and problems with their names (ids that clash when case is ignored)."""
    files = sorted((root / ARTICLES_DIR).glob("*.txt")) if (root / ARTICLES_DIR).is_dir() else []
    problems = []
    seen: dict[str, Path] = {}
    for path in files:
        key = path.stem.casefold()
        if key in seen:
            problems.append(
                Problem(
                    f"{ARTICLES_DIR}/{path.name}", None, "article_id",
                    f"id differs only in case from {seen[key].name} — ids are lower-case; remove or rename one of the two",
                )
            )
        seen[key] = path
    return files, problems


@dataclass
class ArticleRows:
    """Everything extracted from one article: plain rows, no shared state."""

    article: Article
    entities: ArticleEntities
    quotes: list[Quote]
    events: list[Event]
    warnings: list[Problem]


def extract(article_id: str, raw: bytes, path: str, matcher: Matcher, curation_raw: bytes | None = None) -> ArticleRows:
    """One article's rows from its raw bytes, its curation file (if any) and the reference.

    Raises InputError with every problem of the article or its curation file."""
    article = ingest(article_id, raw, path)
    reference = matcher.reference
    entities = find_entities(article, matcher)
    types = {entry.id: entry.type for entry in reference.actors}
    types.update({actor.actor_id: actor.actor_type for actor in entities.discovered_actors})
    quotes = find_quotes(article, entities.found, types.get)
    summary = make_summary(
        reference,
        {a.actor_id: a.name for a in entities.discovered_actors},
        {w.weapon_system_id: w.designation for w in entities.discovered_weapons},
    )
    rules = rule_events(article, entities.found, find_quote_spans(article.text), reference, summary)
    rel = f"{CURATION_DIR}/{article_id}.yaml"
    curation, lines, problems = parse_curation(rel, curation_raw)
    curated = []
    if curation is not None:
        known_actors = {a.id for a in reference.actors} | {a.actor_id for a in entities.discovered_actors}
        known_weapons = {w.id for w in reference.weapons} | {w.weapon_system_id for w in entities.discovered_weapons}
        curated, event_problems = curated_events(article, curation, lines, rel, known_actors, known_weapons, reference, summary)
        problems += event_problems
    if problems:
        raise InputError(problems)
    events = merge(article, curated, rules, bool(curation and curation.complete), reference)
    return ArticleRows(article, entities, quotes, events, check_raw(raw, path))


Columns = dict[str, list]  # column name -> values, in a model's column order
PER_ARTICLE = (Article, ActorMention, Quote, Event, WeaponSystemMention)  # resources made article by article


@dataclass
class ArticleColumns:
    """One article's rows as plain columns of primitive values: compact to cache, cheap to send
    between processes, and concatenated without touching a row object again."""

    article_id: str
    tables: dict[str, Columns]
    discovered_actors: list[DiscoveredActor]
    discovered_weapons: list[DiscoveredWeapon]


def to_columns(rows: ArticleRows) -> ArticleColumns:
    per_resource = {
        Article: [rows.article], ActorMention: rows.entities.actor_mentions, Quote: rows.quotes,
        Event: rows.events, WeaponSystemMention: rows.entities.weapon_mentions,
    }
    return ArticleColumns(
        rows.article.article_id, {model.resource_name: column_values(model, found) for model, found in per_resource.items()},
        rows.entities.discovered_actors, rows.entities.discovered_weapons,
    )


def assemble(extracted: list[ArticleColumns], reference: Reference) -> dict[str, Columns]:
    """Per-article columns -> whole tables; actors and weapon systems once each, only those mentioned."""
    tables: dict[str, Columns] = {}
    for model in PER_ARTICLE:
        table: Columns = {col.name: [] for col in columns(model)}
        for article in extracted:
            for name, values in article.tables[model.resource_name].items():
                table[name].extend(values)
        tables[model.resource_name] = table
    events = tables[Event.resource_name]
    mentioned = set(tables[ActorMention.resource_name]["actor_id"]) | set(events["source_actor_id"]) | set(events["target_actor_id"])
    actors: dict[str, Actor] = {}
    for entry in reference.actors:
        if entry.id in mentioned:
            actors[entry.id] = Actor(
                actor_id=entry.id, name=entry.name, actor_type=entry.type, country_iso3=entry.country,
                wikidata_id=entry.wikidata, role=entry.role, aliases=list(entry.aliases), method=Method.curated,
            )
    weapons_mentioned = set(tables[WeaponSystemMention.resource_name]["weapon_system_id"]) | set(events["weapon_system_id"])
    weapons: dict[str, WeaponSystem] = {}
    for weapon in reference.weapons:
        if weapon.id in weapons_mentioned:
            weapons[weapon.id] = WeaponSystem(
                weapon_system_id=weapon.id, designation=weapon.designation, aliases=list(weapon.aliases),
                category=weapon.category, origin_country_iso3=weapon.origin,
                nato_reporting_name=weapon.nato_reporting_name, method=Method.curated,
            )
    for article in sorted(extracted, key=lambda a: a.article_id):  # first article wins a clash
        for found in article.discovered_actors:
            actors.setdefault(found.actor_id, Actor(
                actor_id=found.actor_id, name=found.name, actor_type=found.actor_type,
                country_iso3=found.country_iso3, role=found.role,
                aliases=sorted(found.forms - {found.name}), method=Method.rule,
            ))
        for found in article.discovered_weapons:
            weapons.setdefault(found.weapon_system_id, WeaponSystem(
                weapon_system_id=found.weapon_system_id, designation=found.designation,
                origin_country_iso3=found.origin_country_iso3, method=Method.rule,
            ))
    event_types = [
        EventType(event_type=t.id, label=t.label, definition=t.definition, example=t.example,
                  plover_type=t.plover, cameo_code=t.cameo)
        for t in reference.event_types
    ]
    tables[Actor.resource_name] = column_values(Actor, list(actors.values()))
    tables[WeaponSystem.resource_name] = column_values(WeaponSystem, list(weapons.values()))
    tables[EventType.resource_name] = column_values(EventType, event_types)
    return tables


CACHE_DIR = ".cache/extract"


# The modules `extract` runs: a change to one of them invalidates every cached article. Changes to
# publishing, validation or the command line do not, since cached rows do not depend on them.
EXTRACTION_MODULES = ("__init__", "actors", "build", "curation", "dates", "events", "ids", "ingest", "models", "problems", "quotes", "reference", "tables")


@cache
def code_fingerprint() -> str:
    """Hash of the source of the extraction modules."""
    digest = hashlib.sha256(__version__.encode())
    for name in EXTRACTION_MODULES:
        digest.update(name.encode() + (Path(__file__).parent / f"{name}.py").read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Job:
    article_id: str
    raw: bytes
    rel: str
    curation_raw: bytes | None
    raw_sha: str  # sha256 of `raw`, hashed once: cache key and inputs digest
    curation_sha: str | None


def _run(job: Job, matcher: Matcher) -> tuple[ArticleColumns | None, list[Problem]]:
    try:
        rows = extract(job.article_id, job.raw, job.rel, matcher, job.curation_raw)
        return to_columns(rows), rows.warnings
    except InputError as exc:
        return None, exc.problems


_WORKER_MATCHER: Matcher | None = None  # one per worker process, built once by the pool initializer


def _init_worker(reference: Reference) -> None:
    global _WORKER_MATCHER
    _WORKER_MATCHER = Matcher(reference)


def _run_in_worker(job: Job) -> tuple[ArticleColumns | None, list[Problem]]:
    return _run(job, _WORKER_MATCHER)


def _cache_key(job: Job, reference: Reference) -> str:
    parts = [job.raw_sha, job.curation_sha or "-", job.article_id, reference.digest, code_fingerprint()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _run_partition(jobs: list[Job], reference: Reference) -> list[tuple[ArticleColumns | None, list[Problem]]]:
    """One Dask partition: the same per-article function, one matcher per partition."""
    matcher = Matcher(reference)
    return [_run(job, matcher) for job in jobs]


def _on_terminal() -> bool:
    """Progress is drawn for a person at a terminal, never into CI logs or pipes."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def _progress(total: int):
    """A progress bar: articles done, rate, ETA."""
    from tqdm import tqdm

    return tqdm(total=total, unit="article", desc="extracting", disable=not _on_terminal(), file=sys.stderr, mininterval=0.5)


def _compute(todo: list[Job], reference: Reference, workers: int, engine: str, scheduler: str | None) -> list:
    """Run `extract` over the jobs: serially, on a local process pool, or on a Dask cluster."""
    if engine == "dask":
        return _compute_on_dask(todo, reference, workers, scheduler)
    with ExitStack() as stack:
        if workers > 1 and len(todo) > 1:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(reference,)))
            results = pool.map(_run_in_worker, todo, chunksize=max(1, min(64, len(todo) // (workers * 8))))
        else:
            matcher = Matcher(reference)
            results = (_run(job, matcher) for job in todo)
        bar = stack.enter_context(_progress(len(todo)))
        computed = []
        for result in results:  # in job order, as they arrive
            computed.append(result)
            bar.update()
        return computed


def _compute_on_dask(todo: list[Job], reference: Reference, workers: int, scheduler: str | None) -> list:
    """Map the per-article function over a Dask bag: on `scheduler` (a dask.distributed address)
    or, without one, on a local cluster of `workers` processes. Results come back in job order."""
    import dask.bag as db
    from dask.distributed import Client, LocalCluster, progress

    if not todo:
        return []
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
    try:
        with Client(scheduler or cluster) as client:
            partitions = max(1, min(len(todo), workers * 8))
            bag = db.from_sequence(todo, npartitions=partitions).map_partitions(_run_partition, reference)
            future = client.compute(bag)
            if _on_terminal():
                progress(future)
            return list(future.result())
    finally:
        if cluster is not None:
            cluster.close()


def extract_all(jobs: list[Job], reference: Reference, root: Path, workers: int = 1, use_cache: bool = True,
                engine: str = "local", scheduler: str | None = None):
    """Every job's result, in job order: from the cache where the inputs are unchanged, else computed
    serially, on a process pool or on Dask. The result depends on none of these choices."""
    results: list = [None] * len(jobs)
    cache_dir = root / CACHE_DIR
    todo = []
    for i, job in enumerate(jobs):
        key = _cache_key(job, reference)
        path = cache_dir / key[:2] / key
        if use_cache and path.is_file():
            try:
                results[i] = pickle.loads(path.read_bytes())  # our own cache files, never contributed input
                continue
            except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
                pass
        todo.append((i, job, path))
    computed = _compute([job for _, job, _ in todo], reference, workers, engine, scheduler)
    for (i, _, path), result in zip(todo, computed, strict=True):
        results[i] = result
        path.parent.mkdir(parents=True, exist_ok=True)  # without use_cache, entries are refreshed, not read
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(path)
    return results


def build_rows(root: Path, workers: int = 1, use_cache: bool = True, engine: str = "local", scheduler: str | None = None) -> tuple[dict[str, Columns], str, list[Problem]]:
    """Run every stage over the seeds: the tables, the digest of the inputs they were made from
    (each file read and hashed once), and problems (collected, not raised, so all are reported)."""
    files, problems = article_files(root)
    reference, reference_problems = load_reference(root)
    problems += reference_problems
    hashes = dict(reference.file_hashes)
    jobs = []
    for path in files:
        rel = f"{ARTICLES_DIR}/{path.name}"
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:  # refused unread: memory stays bounded whatever is sent
            problems.append(Problem(rel, None, None, too_large(size)))
            continue
        raw, curation_raw = path.read_bytes(), read_curation(root, path.stem)
        job = Job(path.stem, raw, rel, curation_raw, _sha(raw), _sha(curation_raw) if curation_raw is not None else None)
        hashes[rel] = job.raw_sha
        if job.curation_sha:
            hashes[f"{CURATION_DIR}/{path.stem}.yaml"] = job.curation_sha
        jobs.append(job)
    extracted = []
    for rows, found in extract_all(jobs, reference, root, workers, use_cache, engine, scheduler):
        problems.extend(found)
        if rows is not None:
            extracted.append(rows)
    ids = {path.stem for path in files}
    for orphan in curation_files(root):
        if orphan.stem not in ids:
            problems.append(Problem(f"{CURATION_DIR}/{orphan.name}", None, None,
                                    f"no article {orphan.stem!r} in {ARTICLES_DIR} — rename the file to <article_id>.yaml or remove it"))
    if not files:
        problems.append(Problem(ARTICLES_DIR, None, None, "no articles found — add seeds/articles/<article_id>.txt"))
    return assemble(extracted, reference), digest_of(hashes), problems


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_of(hashes: dict[str, str]) -> str:
    """sha256 over the path and content hash of each input file, in path order."""
    return _sha("".join(f"{rel}\0{hashes[rel]}\n" for rel in sorted(hashes)).encode())


def inputs_digest(root: Path) -> str:
    """The digest of the inputs a successful build reads (articles, their curation files, the
    reference files), recomputed from disk: validate compares it with the package's record."""
    paths = [*root.glob(f"{ARTICLES_DIR}/*.txt"), *root.glob(f"{CURATION_DIR}/*.yaml"), *(root / rel for rel in REFERENCE_FILES)]
    hashes = {}
    for path in paths:
        if path.is_file():
            content = hashlib.sha256()
            with open(path, "rb") as handle:  # streamed: an oversized article is hashed, not loaded
                for block in iter(lambda h=handle: h.read(1 << 22), b""):
                    content.update(block)
            hashes[path.relative_to(root).as_posix()] = content.hexdigest()
    return digest_of(hashes)


def build_into(root: Path, out: Path, workers: int = 1, use_cache: bool = True, engine: str = "local", scheduler: str | None = None) -> list[Problem]:
    """Build the package from `root`'s seeds into the empty directory `out`."""
    rows, digest, problems = build_rows(root, workers, use_cache, engine, scheduler)
    if any(p.severity == "error" for p in problems):
        return problems
    write_package(rows, out, digest)
    pa.default_memory_pool().release_unused()  # give the writer's Arrow buffers back before validation
    return problems


def build(root: Path, workers: int = 1, use_cache: bool = True, engine: str = "local", scheduler: str | None = None) -> list[Problem]:
    """Build, validate and publish; on any error the published package is left as it was."""
    from .validate import (
        validate_package,  # validate imports build for the staleness check
    )

    work = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        problems = build_into(root, work, workers, use_cache, engine, scheduler)
        if any(p.severity == "error" for p in problems):
            return problems
        problems += validate_package(work)
        if any(p.severity == "error" for p in problems):
            return problems
        _swap_in(root, work)
        update_readme(root)
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _swap_in(root: Path, work: Path) -> None:
    """Replace the published paths with the new ones; restore the old ones if a move fails."""
    backup = work / ".previous"
    backup.mkdir()
    moved: list[str] = []
    try:
        for name in PUBLISHED_PATHS:
            if (root / name).exists():
                (root / name).rename(backup / name)
            moved.append(name)
            (work / name).rename(root / name)
    except OSError:
        for name in moved:
            if (root / name).exists():
                shutil.rmtree(root / name) if (root / name).is_dir() else (root / name).unlink()
            if (backup / name).exists():
                (backup / name).rename(root / name)
        raise
