"""The seeds of one build: every article file read once and hashed once, with its curation file,
the reference, and the digest of all of it that the package records for freshness checks."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import InputError, Problem
from .hashes import FileHashes
from .reference import REFERENCE_FILES, Reference, load_reference
from .tree import (
    ARTICLES_DIR,
    CURATION_DIR,
    MAX_YAML_BYTES,
    SOURCES_DIR,
    SeedTree,
    read_regular,
    scan_seeds,
)

MAX_ARTICLE_BYTES = 2 * 1024 * 1024  # a news article is tens of kilobytes; more is not an article


def too_large(size: int) -> str:
    return f"{size / 1e6:.1f} MB is over the {MAX_ARTICLE_BYTES // (1024 * 1024)} MB limit for one article — split it, or check that it is an article"


@dataclass(frozen=True)
class LoadedJob:
    """One article's inputs with the bytes of its files, as the per-article function receives them
    (`Job.loaded`): the only job that has a text, so none can reach extraction unread."""

    article_id: str
    raw: bytes
    rel: str
    curation_raw: bytes | None
    raw_sha: str  # sha256 of the article's bytes, hashed once: cache key and inputs digest
    curation_sha: str | None
    source_raw: bytes | None  # its source record (seeds/sources/<article_id>.yaml): without one, the build fails
    source_sha: str | None


@dataclass(frozen=True)
class Job:
    """One article's inputs as scanned: where its files are and their hashes (enough for its cache
    key and the inputs digest). An article whose files are as last hashed (`hashes.py`) is not read;
    its bytes come with `loaded` (only the articles to extract are: the rows of the others come from
    the cache or the last build)."""

    article_id: str
    rel: str
    raw_sha: str
    curation_sha: str | None
    source_sha: str | None
    paths: tuple[str | None, str | None, str | None]  # article, curation file, source record: where `loaded` reads
    prefetched: tuple[bytes | None, bytes | None, bytes | None] = field(default=(None, None, None), repr=False, compare=False)
    # (the same three files' bytes where hashing them had to read them: not read twice)

    def loaded(self) -> LoadedJob:
        """This job with the bytes of its files, read now where they were not (each must still have
        the hash it was scanned with; InputError when one was changed meanwhile)."""
        shas = (self.raw_sha, self.curation_sha, self.source_sha)
        data = [self._read(*file) for file in zip(self.prefetched, shas, self.paths, (MAX_ARTICLE_BYTES, MAX_YAML_BYTES, MAX_YAML_BYTES),
                                                  strict=True)]
        return LoadedJob(self.article_id, data[0], self.rel, data[1], self.raw_sha, self.curation_sha, data[2], self.source_sha)

    def _read(self, prefetched: bytes | None, sha: str | None, path: str | None, limit: int) -> bytes | None:
        if sha is None or prefetched is not None:
            return prefetched
        data = read_regular(path, limit) if path is not None else None
        if data is None or _sha(data) != sha:
            raise InputError([Problem(self.rel, None, None, f"{Path(path or self.rel).name} changed while the build was reading it — build again")])
        return data


@dataclass
class Seeds:
    reference: Reference
    jobs: list[Job]
    digest: str  # of every input file read (articles, curation files, reference files)
    problems: list[Problem]


def read_seeds(root: Path, reference_loader: Callable[[Path], tuple[Reference, list[Problem]]] = load_reference,
               hashes: FileHashes | None = None) -> Seeds:
    """Every input of a build, hashed once (read only where `hashes` has no record of the file as
    it is); problems collected, not raised. The reference comes from `reference_loader` (the engine
    passes one that caches the parsed files)."""
    hashes = hashes if hashes is not None else FileHashes()
    tree = scan_seeds(root, REFERENCE_FILES)
    problems = list(tree.problems)
    reference, reference_problems = reference_loader(root)
    problems += reference_problems
    digests = dict(reference.file_hashes)
    jobs: list[Job] = []
    first_with: dict[str, str] = {}  # content hash -> the first article id with it
    for article_id, entry in sorted(tree.articles.items()):
        rel = f"{ARTICLES_DIR}/{entry.name}"
        curation, source = tree.curation.get(article_id), tree.sources.get(article_id)
        try:
            if entry.stat(follow_symlinks=False).st_size > MAX_ARTICLE_BYTES:  # never read: memory stays bounded whatever is sent
                problems.append(Problem(rel, None, None, too_large(entry.stat(follow_symlinks=False).st_size)))
                continue
            raw, raw_sha = _hashed(entry, ARTICLES_DIR, MAX_ARTICLE_BYTES, hashes)
            curation_raw, curation_sha = _hashed(curation, CURATION_DIR, MAX_YAML_BYTES, hashes)
            source_raw, source_sha = _hashed(source, SOURCES_DIR, MAX_YAML_BYTES, hashes)
        except OSError as exc:
            problems.append(Problem(rel, None, None, f"cannot read: {exc.strerror or exc} — commit a plain text file"))
            continue
        if raw is not None and len(raw) > MAX_ARTICLE_BYTES:  # grown since it was scanned
            problems.append(Problem(rel, None, None, too_large(len(raw))))
            continue
        if source is None:  # (the article is still read, so that all its problems come in one run)
            problems.append(Problem(rel, None, None, f"no source record — add {SOURCES_DIR}/{article_id}.yaml with url, retrieved_date and "
                                                     "licence_basis (null with a note when unknown; see CONTRIBUTING.md)"))
        job = Job(article_id, rel, raw_sha, curation_sha, source_sha,
                  (entry.path, curation.path if curation else None, source.path if source else None), (raw, curation_raw, source_raw))
        if job.raw_sha in first_with:
            problems.append(Problem(rel, None, None, f"the same text as {ARTICLES_DIR}/{first_with[job.raw_sha]}.txt — keep one of the two"))
            continue
        first_with[job.raw_sha] = article_id
        digests[rel] = job.raw_sha
        if job.curation_sha:
            digests[f"{CURATION_DIR}/{article_id}.yaml"] = job.curation_sha
        if job.source_sha:
            digests[f"{SOURCES_DIR}/{article_id}.yaml"] = job.source_sha
        jobs.append(job)
    problems += _orphans(tree)
    if not tree.articles:
        problems.append(Problem(ARTICLES_DIR, None, None, "no articles found — add seeds/articles/<article_id>.txt"))
    return Seeds(reference, jobs, digest_of(digests), problems)


def _hashed(entry: os.DirEntry | None, rel_dir: str, limit: int, hashes: FileHashes) -> tuple[bytes | None, str | None]:
    """(the file's bytes when they had to be read, else None; their sha256), or (None, None) without a file."""
    if entry is None:
        return None, None
    rel, st = f"{rel_dir}/{entry.name}", entry.stat(follow_symlinks=False)
    sha = hashes.recorded(rel, st)
    if sha is not None:
        return None, sha
    data = read_regular(entry.path, limit)
    sha = _sha(data)
    hashes.record(rel, st, sha)
    return data, sha


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


def inputs_digest(root: Path, hashes: FileHashes | None = None) -> tuple[str, list[Problem]]:
    """The digest of the inputs a successful build reads (articles, their curation files and
    source records, the reference files), recomputed from disk (read only where `hashes` has no
    record of a file as it is), and what the tree holds that a build would refuse: validate
    compares the digest with the package's record and reports the problems."""
    hashes = hashes if hashes is not None else FileHashes()
    tree = scan_seeds(root, REFERENCE_FILES)
    entries = [(ARTICLES_DIR, tree.articles.values()), (CURATION_DIR, (e for i, e in tree.curation.items() if i in tree.articles)),
               (SOURCES_DIR, (e for i, e in tree.sources.items() if i in tree.articles))]
    digests = {}
    for rel_dir, files in entries:
        for entry in files:
            try:
                digests[f"{rel_dir}/{entry.name}"] = _hashed(entry, rel_dir, None, hashes)[1]
            except OSError:
                continue  # unreadable: the build reports it
    for rel, path in tree.reference.items():
        try:
            digests[rel] = _sha(read_regular(path))
        except OSError:
            continue
    return digest_of(digests), tree.problems + _orphans(tree)
