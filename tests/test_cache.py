"""A cache that cannot lie: an entry with one byte changed, made by other versions, or stored under
another key than its own, is discarded and recomputed, never published; without the cache, nothing
under .cache/ is read or written."""

from __future__ import annotations

import os
import pickle
import shutil
import sys

import pytest
from conftest import snapshot

from builders import cache
from builders.cache import Cache, remove_leftovers
from builders.engine import Options
from builders.engine.caches import CACHE_DIR, PARSE_CACHE_DIR
from builders.engine.store import STORE_DIR
from builders.pipeline import build


def _entries(root, folder):
    return sorted(p for p in (root / folder).rglob("*") if p.is_file())


def test_seal_and_unseal_round_trip_and_refuse_any_changed_byte():
    payload = b"Serbia bought the Pantsir from Russia"
    sealed = cache.seal("key-1", payload)
    assert cache.unseal("key-1", sealed) == payload
    for at in range(len(sealed)):  # every single byte: magic, checksum, key, versions and payload
        flipped = sealed[:at] + bytes([sealed[at] ^ 0x01]) + sealed[at + 1:]
        assert cache.unseal("key-1", flipped) is None, at
    assert cache.unseal("key-1", sealed[:-1]) is None
    assert cache.unseal("key-1", b"") is None


def test_an_entry_is_bound_to_its_own_key():
    sealed = cache.seal("this-article", b"rows")
    assert cache.unseal("another-article", sealed) is None
    assert cache.unseal("this-article ", sealed) is None


def test_an_entry_made_with_other_versions_is_not_used(monkeypatch):
    sealed = cache.seal("key", b"rows")
    monkeypatch.setattr(cache, "made_with", lambda: "python==3.99.0 pydantic==0 spacy==0")
    assert cache.unseal("key", sealed) is None


def _flip_a_name(entry, old: bytes, new: bytes) -> None:
    """Change one byte inside the payload so that it still unpickles (the lie a checksum catches)."""
    data = entry.read_bytes()
    assert old in data
    entry.write_bytes(data.replace(old, new, 1))


def test_a_rows_entry_with_one_byte_changed_is_recomputed_not_published(fresh_repo):
    before = snapshot(fresh_repo)
    entry = next(p for p in _entries(fresh_repo, CACHE_DIR) if b"Palmer" in p.read_bytes())
    _flip_a_name(entry, b"Palmer", b"Palmar")
    assert "Palmar" in repr(pickle.loads(entry.read_bytes().split(b"\n", 2)[2]))  # without its checksum it would pass as rows
    shutil.rmtree(fresh_repo / STORE_DIR)  # so that the rows are read from the cache, not from the last build's tables
    assert [p for p in build(fresh_repo) if p.severity == "error"] == []
    assert snapshot(fresh_repo) == before
    assert b"Palmar" not in entry.read_bytes() and Cache(fresh_repo / ".cache", "extract").read(entry.name) is not None  # rewritten whole


def _swap(first, second) -> None:
    a, b = first.read_bytes(), second.read_bytes()
    first.write_bytes(b)
    second.write_bytes(a)


def test_another_articles_parse_entry_under_this_articles_key_is_refused(fresh_repo):
    """Two sealed, intact parse entries swapped: each is another text's parse. Accepted, the
    mentions' offsets would be another article's (issue 27, defect 9)."""
    before = snapshot(fresh_repo)
    for entry in _entries(fresh_repo, CACHE_DIR):  # so that the rows are made again from the parses
        entry.unlink()
    shutil.rmtree(fresh_repo / STORE_DIR)
    parses = sorted(_entries(fresh_repo, PARSE_CACHE_DIR), key=lambda p: p.stat().st_size)
    _swap(parses[-1], parses[-2])
    assert [str(p) for p in build(fresh_repo) if p.severity == "error"] == []
    assert snapshot(fresh_repo) == before


def test_another_articles_rules_entry_under_this_articles_key_is_refused_and_the_next_build_works(fresh_repo):
    """One article's rows entry copied under another article's key: accepted, the first article's
    rows would be published twice (primary-key errors), and the next build would fail (issue 27,
    defect 9)."""
    before = snapshot(fresh_repo)
    shutil.rmtree(fresh_repo / STORE_DIR)  # so that the rows are read from the cache
    first, second = (next(p for p in _entries(fresh_repo, CACHE_DIR) if article.encode() in p.read_bytes())
                     for article in ("000_7318cba5f0ad2b4c", "001_6b7ba81664c089ef"))
    assert first != second
    second.write_bytes(first.read_bytes())
    assert [str(p) for p in build(fresh_repo) if p.severity == "error"] == []
    assert snapshot(fresh_repo) == before
    assert [str(p) for p in build(fresh_repo) if p.severity == "error"] == []
    assert snapshot(fresh_repo) == before


@pytest.mark.parametrize("damage", ["flip", "truncate", "garbage"])
def test_a_damaged_parse_entry_is_parsed_again(fresh_repo, damage):
    before = snapshot(fresh_repo)
    for entry in _entries(fresh_repo, CACHE_DIR):  # so that the rows are made again from the parses
        entry.unlink()
    shutil.rmtree(fresh_repo / STORE_DIR)
    for entry in _entries(fresh_repo, PARSE_CACHE_DIR):
        data = entry.read_bytes()
        entry.write_bytes({"flip": data[:-10] + bytes([data[-10] ^ 0x40]) + data[-9:], "truncate": data[: len(data) // 2],
                           "garbage": b"\x00" * 64}[damage])
    assert [p for p in build(fresh_repo) if p.severity == "error"] == []
    assert snapshot(fresh_repo) == before
    parse = Cache(fresh_repo / ".cache", "parse")
    assert all(parse.read(entry.name) is not None for entry in _entries(fresh_repo, PARSE_CACHE_DIR))


def test_a_changed_rule_reruns_the_rules_on_the_cached_parses_only(fresh_repo, monkeypatch):
    """A rule changed (here: the extraction code's fingerprint) makes every article's rows again,
    from the parses in the cache: the model is not even loaded."""
    from builders.engine import caches
    from builders.extract import nlp

    before = snapshot(fresh_repo)
    parses = {p: p.read_bytes() for p in _entries(fresh_repo, PARSE_CACHE_DIR)}
    rows = set(_entries(fresh_repo, CACHE_DIR))
    monkeypatch.setattr(caches, "code_fingerprint", lambda: "rules changed")

    def no_model():
        raise AssertionError("the model was loaded: a parse was not taken from the cache")

    monkeypatch.setattr(nlp, "load_model", no_model)
    assert [p for p in build(fresh_repo, Options(workers=1)) if p.severity == "error"] == []
    assert snapshot(fresh_repo) == before
    assert {p: p.read_bytes() for p in _entries(fresh_repo, PARSE_CACHE_DIR)} == parses
    assert len(set(_entries(fresh_repo, CACHE_DIR)) - rows) == len(rows)  # every article's rows made again, under new keys


_TOUCHED: list[str] = []  # paths the audit hook saw, while a test listens


def _listen(event: str, args: tuple) -> None:
    if _TOUCHED and event in ("open", "os.listdir", "os.scandir", "os.mkdir", "os.rename", "os.replace", "os.remove", "os.stat"):
        if args and isinstance(args[0], (str, bytes, os.PathLike)):
            _TOUCHED.append(os.fsdecode(args[0]))


sys.addaudithook(_listen)


def test_no_cache_reads_and_writes_nothing_under_dot_cache(fresh_repo):
    """`--no-cache`: no cache at all, not even the parses or the languages (every file access of
    the build, in this process, is heard by an audit hook); only the folder of what a killed
    build left half written is looked at, as by every build."""
    before = snapshot(fresh_repo)
    home = str(fresh_repo / ".cache")
    listing = sorted(str(p) for p in (fresh_repo / ".cache").rglob("*"))
    _TOUCHED.append("(listening)")
    try:
        problems = build(fresh_repo, Options(workers=1, use_cache=False))
        touched = [path for path in _TOUCHED if path.startswith(home) and path != f"{home}/tmp"]
    finally:
        _TOUCHED.clear()
    assert [str(p) for p in problems if p.severity == "error"] == []
    assert snapshot(fresh_repo) == before
    assert touched == []
    assert sorted(str(p) for p in (fresh_repo / ".cache").rglob("*")) == listing


def test_an_object_is_read_back_and_a_damaged_or_unwritable_one_is_not(tmp_path):
    entries = Cache(tmp_path / ".cache", "entries")
    assert entries.get("one") is None  # none yet
    assert entries.put("one", {"a": (1, "b")})
    assert entries.get("one") == {"a": (1, "b")}
    path = entries.path("one")
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(bytes(data))
    assert entries.get("one") is None
    (tmp_path / "file").write_text("not a folder")
    unwritable = Cache(tmp_path / "file", "entries")
    assert unwritable.put("one", 1) is False  # cannot be written: said, not raised
    assert Cache(None, "entries").put("one", 1) is False and Cache(None, "entries").get("one") is None


def test_what_a_killed_writer_left_is_removed_and_a_living_ones_kept(tmp_path):
    home = tmp_path / ".cache"
    (home / "tmp").mkdir(parents=True)
    dead = 2**22 + 12345  # above the default pid_max: no such process
    (home / "tmp" / f"{dead}-0a1b2c").write_bytes(b"half an entry")
    (home / "tmp" / f"{os.getpid()}-0a1b2c").write_bytes(b"being written")
    assert remove_leftovers(home) == [f"{dead}-0a1b2c"]
    assert [p.name for p in (home / "tmp").iterdir()] == [f"{os.getpid()}-0a1b2c"]
