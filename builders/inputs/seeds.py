"""The seeds of one build: every article file read once and hashed once, with its curation file,
the reference, and the digest of all of it that the package records for freshness checks."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem
from .curation import CURATION_DIR, curation_files, read_curation
from .reference import REFERENCE_FILES, Reference, load_reference

ARTICLES_DIR = "seeds/articles"
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


@dataclass
class Seeds:
    reference: Reference
    jobs: list[Job]
    digest: str  # of every input file read (articles, curation files, reference files)
    problems: list[Problem]


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


def read_seeds(root: Path) -> Seeds:
    """Every input of a build, read and hashed once; problems collected, not raised."""
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
    ids = {path.stem for path in files}
    for orphan in curation_files(root):
        if orphan.stem not in ids:
            problems.append(Problem(f"{CURATION_DIR}/{orphan.name}", None, None,
                                    f"no article {orphan.stem!r} in {ARTICLES_DIR} — rename the file to <article_id>.yaml or remove it"))
    if not files:
        problems.append(Problem(ARTICLES_DIR, None, None, "no articles found — add seeds/articles/<article_id>.txt"))
    return Seeds(reference, jobs, digest_of(hashes), problems)


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
