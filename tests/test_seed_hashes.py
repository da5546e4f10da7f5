"""The seed files' hash index: a file whose stat is the one recorded is not read again, any write
to a file is seen (its change time moves, whatever its size and modification time), a file written
just before it was hashed is never trusted, and an article that is not read is read (and checked
against its hash) when it must be extracted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import make_repo, snapshot, write_source

from builders.inputs import hashes as hashes_module
from builders.inputs import seeds as seeds_module
from builders.cache import Cache
from builders.inputs.hashes import INDEX, FileHashes, load_hashes, save_hashes
from builders.inputs.seeds import inputs_digest, read_seeds
from builders.pipeline import build
from builders.problems import InputError
from builders.engine import Options

ARTICLE = "seeds/articles/own-note-0001.txt"
TEXT = "A note written for this test\n\nBy Ann Example\n\nThe ministry said on Monday that the radar had arrived.\n"


@pytest.fixture
def root(tmp_path) -> Path:
    root = make_repo(tmp_path / "repo")
    (root / ARTICLE).write_text(TEXT, encoding="utf-8")
    write_source(root, Path(ARTICLE).stem)
    return root


@pytest.fixture
def trusting(monkeypatch):
    """Files written a moment ago recorded as if they were older than RACY_NS (as every file of a
    checkout is, a few seconds after it)."""
    monkeypatch.setattr(hashes_module, "RACY_NS", -10**15)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The files read by read_seeds and inputs_digest (names)."""
    calls: list[str] = []
    real = seeds_module.read_regular
    monkeypatch.setattr(seeds_module, "read_regular", lambda path, limit=None: calls.append(Path(path).name) or real(path, limit))
    return calls


def _index(root: Path) -> Cache:
    return Cache(root / ".cache", INDEX)


def _read_again(root: Path) -> tuple[seeds_module.Seeds, FileHashes]:
    hashes = load_hashes(_index(root))
    seeds = read_seeds(root, hashes=hashes)
    save_hashes(_index(root), hashes)
    return seeds, hashes


def test_files_as_recorded_are_not_read_again_and_give_the_same_digest(root, trusting, reads):
    first, _ = _read_again(root)
    assert "own-note-0001.txt" in reads
    reads.clear()
    second, _ = _read_again(root)
    assert reads == []  # (the reference files are read by the reference loader, not here)
    assert second.digest == first.digest
    assert [(j.article_id, j.raw_sha, j.source_sha) for j in second.jobs] == [(j.article_id, j.raw_sha, j.source_sha) for j in first.jobs]
    assert all(job.prefetched == (None, None, None) for job in second.jobs)
    assert inputs_digest(root, load_hashes(_index(root)))[0] == inputs_digest(root)[0]


def test_a_write_that_keeps_size_and_modification_time_is_seen(root, trusting, reads):
    first, _ = _read_again(root)
    path = root / ARTICLE
    before = path.stat()
    path.write_text(TEXT.replace("Monday", "Friday"), encoding="utf-8")  # the same number of bytes
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the modification time put back
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    reads.clear()
    second, _ = _read_again(root)
    assert reads == ["own-note-0001.txt"]
    assert second.digest != first.digest
    assert inputs_digest(root, load_hashes(_index(root)))[0] == second.digest


def test_a_file_written_just_before_it_was_hashed_is_not_recorded(root, reads):
    _read_again(root)  # the real RACY_NS: every file here was written a moment ago
    reads.clear()
    _read_again(root)
    assert "own-note-0001.txt" in reads


def test_an_article_not_read_is_read_when_extracted_and_must_still_have_its_hash(root, trusting):
    _read_again(root)
    seeds, _ = _read_again(root)
    job = next(j for j in seeds.jobs if j.rel == ARTICLE)
    assert job.prefetched[0] is None
    assert not hasattr(job, "raw")  # a scanned job has no text to forget to load: only the loaded job has it
    assert job.loaded().raw == TEXT.encode()
    (root / ARTICLE).write_text(TEXT + "Changed after the scan.\n", encoding="utf-8")
    with pytest.raises(InputError, match="own-note-0001.txt changed while the build was reading it — build again"):
        job.loaded()


def test_builds_through_the_index_publish_what_a_build_without_it_publishes(root, trusting, reads, tmp_path):
    assert [p for p in build(root, Options(workers=2)) if p.severity == "error"] == []
    (root / ARTICLE).write_text(TEXT + "\nThe United States threatened Serbia with sanctions on Friday, the embassy said.\n", encoding="utf-8")
    reads.clear()
    assert [p for p in build(root, Options(workers=2)) if p.severity == "error"] == []
    assert reads == ["own-note-0001.txt", "own-note-0001.yaml"]  # the changed article (its bytes kept), then its source record to extract it
    fresh = make_repo(tmp_path / "fresh")
    (fresh / ARTICLE).write_text((root / ARTICLE).read_text(encoding="utf-8"), encoding="utf-8")
    write_source(fresh, Path(ARTICLE).stem)
    assert [p for p in build(fresh, Options(use_cache=False)) if p.severity == "error"] == []
    assert snapshot(root) == snapshot(fresh)
