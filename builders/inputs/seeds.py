"""The seeds of one build: every article file read once and hashed once, with its curation file,
the reference, and the digest of all of it that the package records for freshness checks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem
from .reference import REFERENCE_FILES, Reference, load_reference
from .tree import ARTICLES_DIR, CURATION_DIR, MAX_YAML_BYTES, SOURCES_DIR, SeedTree, read_regular, scan_seeds

MAX_ARTICLE_BYTES = 2 * 1024 * 1024  # a news article is tens of kilobytes; more is not an article


def too_large(size: int) -> str:
    return f"{size / 1e6:.1f} MB is over the {MAX_ARTICLE_BYTES // (1024 * 1024)} MB limit for one article — split it, or check that it is an article"


@dataclass(frozen=True)
class Job:
    """One article's inputs, as the per-article function receives them."""

    article_id: str
    raw: bytes
    rel: str
    curation_raw: bytes | None
    raw_sha: str  # sha256 of `raw`, hashed once: cache key and inputs digest
    curation_sha: str | None
    source_raw: bytes | None  # its source record (seeds/sources/<article_id>.yaml): without one, the build fails
    source_sha: str | None


@dataclass
class Seeds:
    reference: Reference
    jobs: list[Job]
    digest: str  # of every input file read (articles, curation files, reference files)
    problems: list[Problem]


def read_seeds(root: Path, reference_loader: Callable[[Path], tuple[Reference, list[Problem]]] = load_reference) -> Seeds:
    """Every input of a build, read and hashed once; problems collected, not raised. The reference
    comes from `reference_loader` (the engine passes one that caches the parsed files)."""
    tree = scan_seeds(root, REFERENCE_FILES)
    problems = list(tree.problems)
    reference, reference_problems = reference_loader(root)
    problems += reference_problems
    hashes = dict(reference.file_hashes)
    jobs: list[Job] = []
    first_with: dict[str, str] = {}  # content hash -> the first article id with it
    for article_id, path in sorted(tree.articles.items()):
        rel = f"{ARTICLES_DIR}/{path.name}"
        try:
            raw = read_regular(path, MAX_ARTICLE_BYTES)
            curation_raw = read_regular(tree.curation[article_id], MAX_YAML_BYTES) if article_id in tree.curation else None
            source_raw = read_regular(tree.sources[article_id], MAX_YAML_BYTES) if article_id in tree.sources else None
        except OSError as exc:
            problems.append(Problem(rel, None, None, f"cannot read: {exc.strerror or exc} — commit a plain text file"))
            continue
        if len(raw) > MAX_ARTICLE_BYTES:  # never more than the limit is read: memory stays bounded whatever is sent
            problems.append(Problem(rel, None, None, too_large(path.stat().st_size)))
            continue
        if source_raw is None:  # (the article is still read, so that all its problems come in one run)
            problems.append(Problem(rel, None, None, f"no source record — add {SOURCES_DIR}/{article_id}.yaml with url, retrieved_date and "
                                                     "licence_basis (null with a note when unknown; see CONTRIBUTING.md)"))
        job = Job(article_id, raw, rel, curation_raw, _sha(raw), _sha(curation_raw) if curation_raw is not None else None,
                  source_raw, _sha(source_raw) if source_raw is not None else None)
        if job.raw_sha in first_with:
            problems.append(Problem(rel, None, None, f"the same text as {ARTICLES_DIR}/{first_with[job.raw_sha]}.txt — keep one of the two"))
            continue
        first_with[job.raw_sha] = article_id
        hashes[rel] = job.raw_sha
        if job.curation_sha:
            hashes[f"{CURATION_DIR}/{article_id}.yaml"] = job.curation_sha
        if job.source_sha:
            hashes[f"{SOURCES_DIR}/{article_id}.yaml"] = job.source_sha
        jobs.append(job)
    problems += _orphans(tree)
    if not tree.articles:
        problems.append(Problem(ARTICLES_DIR, None, None, "no articles found — add seeds/articles/<article_id>.txt"))
    return Seeds(reference, jobs, digest_of(hashes), problems)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest_of(hashes: dict[str, str]) -> str:
    """sha256 over the path and content hash of each input file, in path order."""
    return _sha("".join(f"{rel}\0{hashes[rel]}\n" for rel in sorted(hashes)).encode())


def _orphans(tree: SeedTree) -> list[Problem]:
    return [Problem(f"{folder}/{orphan}.yaml", None, None,
                    f"no article {orphan!r} in {ARTICLES_DIR} — rename the file to <article_id>.yaml or remove it")
            for folder, files in ((CURATION_DIR, tree.curation), (SOURCES_DIR, tree.sources))
            for orphan in sorted(files.keys() - tree.articles.keys())]


def inputs_digest(root: Path) -> tuple[str, list[Problem]]:
    """The digest of the inputs a successful build reads (articles, their curation files and
    source records, the reference files), recomputed from disk, and what the tree holds that a build would refuse:
    validate compares the digest with the package's record and reports the problems."""
    tree = scan_seeds(root, REFERENCE_FILES)
    paths = [*tree.articles.values(), *(p for i, p in tree.curation.items() if i in tree.articles),
             *(p for i, p in tree.sources.items() if i in tree.articles), *tree.reference.values()]
    hashes = {}
    for path in paths:
        try:
            hashes[path.relative_to(root).as_posix()] = _sha(read_regular(path))
        except OSError:
            continue  # unreadable: the build reports it
    return digest_of(hashes), tree.problems + _orphans(tree)
