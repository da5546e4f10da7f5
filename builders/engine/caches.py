"""The caches the engine hands out: one `Cache` (builders/cache.py) per kind of entry, all under the
root's `.cache/`, or none at all for a build without a cache. The stages receive theirs (the parser
its parses, the pictures theirs); none opens `.cache/` itself. And the keys that say what an
article's rows and the parsed reference depend on."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..cache import HOME, Cache, fingerprint
from ..extract.nlp import model_fingerprint, versions
from ..inputs.reference import REFERENCE_FILES, Reference, load_reference
from ..inputs.seeds import Job
from ..inputs.tree import MAX_YAML_BYTES, read_regular
from ..problems import Problem

CACHE_DIR = f"{HOME}/extract"  # each article's rows
PARSE_CACHE_DIR = f"{HOME}/parse"
REFERENCE_CACHE_DIR = f"{HOME}/reference"
LANGUAGE_CACHE_DIR = f"{HOME}/language"  # each text's language (language.Languages): a change to a rule keeps it
# Everything the per-article function runs lives in these packages (the layers below the engine):
# a change to any file in them invalidates every cached article, and a change anywhere else
# (publishing, validation, the command line) keeps the cache.
_EXTRACTION_CODE = ("extract", "inputs", "schema", "problems.py", "cache.py")


@dataclass(frozen=True)
class Caches:
    """Every cache of a build (picklable: a worker process receives the ones it uses)."""

    rows: Cache
    parse: Cache
    language: Cache
    identifier: Cache  # py3langid's decompressed model
    reference: Cache
    pictures: Cache
    seed_hashes: Cache

    @classmethod
    def of(cls, root: Path, use_cache: bool) -> Caches:
        """The caches of `root`; without `use_cache`, caches that read and write nothing."""
        home = root / HOME if use_cache else None
        return cls(*(Cache(home, kind) for kind in ("extract", "parse", "language", "models", "reference", "pictures", "seed-hashes")))


@cache
def code_fingerprint() -> str:
    """Hash of the version and of every source and data file of the extraction code."""
    from .. import __version__

    package = Path(__file__).parents[1]
    return fingerprint([package / name for name in _EXTRACTION_CODE], [__version__])


def cache_key(job: Job, reference: Reference) -> str:
    """What an article's rows depend on: its text, source record and curation file, the reference, the
    extraction code, the model and the language identifier."""
    parts = [job.raw_sha, job.curation_sha or "-", job.source_sha or "-", job.article_id, reference.digest, code_fingerprint(),
             model_fingerprint(), versions()["py3langid"]]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def cached_reference(root: Path, reference_cache: Cache) -> tuple[Reference, list[Problem]]:
    """The reference of `root`, checked, from the cache when its files and the code reading them are
    unchanged (parsing the YAML takes half a second, more than the rest of a one-article build)."""
    if not reference_cache.enabled:
        return load_reference(root)
    try:
        hashes = {rel: hashlib.sha256(read_regular(root / rel, MAX_YAML_BYTES)).hexdigest() if (root / rel).is_file() else None
                  for rel in REFERENCE_FILES}
    except OSError:  # unreadable: the reader reports it
        return load_reference(root)
    key = hashlib.sha256(f"{code_fingerprint()}|{sorted(hashes.items())}".encode()).hexdigest()
    cached = reference_cache.get(key)
    if cached is not None:
        return cached
    reference, problems = load_reference(root)
    if reference.file_hashes == {rel: sha for rel, sha in hashes.items() if sha is not None}:  # not edited meanwhile
        reference_cache.put(key, (reference, problems))  # (not kept: the extraction cache says why)
    return reference, problems
