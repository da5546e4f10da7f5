"""A cache that cannot lie: an entry with one byte changed, or made by other versions, is discarded
and recomputed, never published."""

from __future__ import annotations

import pickle
import shutil

import pytest
from conftest import snapshot

from builders.engine import CACHE_DIR, PARSE_CACHE_DIR
from builders.store import STORE_DIR
from builders.inputs import cachefile
from builders.pipeline import build


def _entries(root, folder):
    return sorted(p for p in (root / folder).rglob("*") if p.is_file())


def test_seal_and_unseal_round_trip_and_refuse_any_changed_byte():
    payload = b"Serbia bought the Pantsir from Russia"
    sealed = cachefile.seal(payload)
    assert cachefile.unseal(sealed) == payload
    for at in range(len(sealed)):  # every single byte: magic, checksum, versions and payload
        flipped = sealed[:at] + bytes([sealed[at] ^ 0x01]) + sealed[at + 1:]
        assert cachefile.unseal(flipped) is None, at
    assert cachefile.unseal(sealed[:-1]) is None
    assert cachefile.unseal(b"") is None


def test_an_entry_made_with_other_versions_is_not_used(monkeypatch):
    sealed = cachefile.seal(b"rows")
    monkeypatch.setattr(cachefile, "made_with", lambda: "builders==9.9.9 python==3.99.0 pydantic==0 spacy==0")
    assert cachefile.unseal(sealed) is None


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
    assert cachefile.read(entry) is not None and b"Palmar" not in entry.read_bytes()  # rewritten whole


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
    assert all(cachefile.read(entry) is not None for entry in _entries(fresh_repo, PARSE_CACHE_DIR))


def test_a_changed_rule_reruns_the_rules_on_the_cached_parses_only(fresh_repo, monkeypatch):
    """A rule changed (here: the extraction code's fingerprint) makes every article's rows again,
    from the parses in the cache: the model is not even loaded."""
    from builders import engine
    from builders.extract import nlp

    before = snapshot(fresh_repo)
    parses = {p: p.read_bytes() for p in _entries(fresh_repo, PARSE_CACHE_DIR)}
    rows = set(_entries(fresh_repo, CACHE_DIR))
    monkeypatch.setattr(engine, "code_fingerprint", lambda: "rules changed")

    def no_model():
        raise AssertionError("the model was loaded: a parse was not taken from the cache")

    monkeypatch.setattr(nlp, "load_model", no_model)
    assert [p for p in build(fresh_repo, workers=1) if p.severity == "error"] == []
    assert snapshot(fresh_repo) == before
    assert {p: p.read_bytes() for p in _entries(fresh_repo, PARSE_CACHE_DIR)} == parses
    assert len(set(_entries(fresh_repo, CACHE_DIR)) - rows) == len(rows)  # every article's rows made again, under new keys


def test_a_kept_object_is_read_back_and_a_damaged_or_unwritable_one_is_not(tmp_path):
    path = tmp_path / "entries" / "one"
    assert cachefile.read_object(path) is None  # none yet
    assert cachefile.keep_object(path, {"a": (1, "b")})
    assert cachefile.read_object(path) == {"a": (1, "b")}
    data = bytearray(path.read_bytes())
    data[-3] ^= 0xFF
    path.write_bytes(bytes(data))
    assert cachefile.read_object(path) is None
    (tmp_path / "file").write_text("not a folder")
    assert cachefile.keep_object(tmp_path / "file" / "entry", 1) is False  # cannot be written: said, not raised
