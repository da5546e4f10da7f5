"""The release bundle and the single-file databases open and join; the DuckDB file is in a storage
format DuckDB 1.1 reads; the zip ships the licence, citation and changelog."""

from __future__ import annotations

import errno
import hashlib
import shutil
import sqlite3
import zipfile

import duckdb
import pytest
from conftest import REPO, make_repo, run_cli, tmpfs

from builders.publish.exports import BUNDLED_DOCUMENTS, export_duckdb, release
from builders.schema.columns import columns
from builders.schema.dataset import dataset_version
from builders.schema.models import RESOURCES, Event

JOIN = """
    SELECT a.article_id, s.name AS speaker, q.kind
    FROM quotes q JOIN articles a USING (article_id)
    LEFT JOIN actors s ON s.actor_id = q.speaker_actor_id
    WHERE q.via_actor_id = 'tass'
"""


def test_release_bundle_and_databases(built_repo, tmp_path):
    bundle, duck, lite, metadata, by_year = release(built_repo, tmp_path / "dist")
    assert metadata.name == "serbia-arms-pressure.metadata.json"  # datasette's (tests/test_datasette.py)
    assert by_year.name == "parquet-by-year" and any(by_year.rglob("*.parquet"))
    top = f"serbia-arms-pressure-{dataset_version()}/"
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert {top + name for name in ("datapackage.json", "datapackage/README.md", "datapackage/timeline.svg",
                "datapackage/actor_graph.svg", "datapackage/csv/quotes.csv", "datapackage/parquet/quotes.parquet",
                "SHA256SUMS")} <= set(names)
        for line in archive.read(top + "SHA256SUMS").decode().splitlines():
            digest, member = line.split("  ")  # paths relative to the folder: `sha256sum -c SHA256SUMS` inside it
            assert hashlib.sha256(archive.read(top + member)).hexdigest() == digest
    con = duckdb.connect(str(duck), read_only=True)
    assert con.sql(JOIN).fetchall() == [("001_6b7ba81664c089ef", "Aleksandar Vučić", "direct")]
    assert con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = 'articles' AND column_name = 'authors'").fetchall()[0] == ("VARCHAR[]",)
    assert con.execute("SELECT comment FROM duckdb_columns() WHERE table_name = 'quotes' AND column_name = 'via_actor_id'").fetchall()[0][0].startswith("Outlet")
    assert len(con.sql("SELECT * FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'").fetchall()) >= 12
    con.close()
    db = sqlite3.connect(lite)
    assert db.execute(JOIN).fetchall() == [("001_6b7ba81664c089ef", "Aleksandar Vučić", "direct")]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT description FROM _columns WHERE \"table\" = 'events' AND \"column\" = 'modality'").fetchone()[0].startswith("Whether")
    assert db.execute("SELECT published_date, authors FROM articles WHERE article_id = '000_7318cba5f0ad2b4c'").fetchall() == [
        ("2020-02-28", '["Paul Antonopoulos"]')
    ]
    counts = {t: db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ("articles", "quotes", "events")}
    assert counts == {"articles": 5, "quotes": 15, "events": 50}


def test_enum_columns_are_enum_types_in_duckdb_and_checked_in_sqlite(built_repo, tmp_path):
    """Every enum column of the models is a DuckDB ENUM of every allowed value in declared order,
    and a SQLite column that refuses any other value (NULL only where the column is optional)."""
    _, duck, lite, _, _ = release(built_repo, tmp_path / "dist")
    enums = [(model, col) for model in RESOURCES for col in columns(model) if col.enum]
    assert any(model is Event and col.name == "modality" for model, col in enums)
    con = duckdb.connect(str(duck), read_only=True)
    try:
        for model, col in enums:
            typ = con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name = ? AND column_name = ?",
                              [model.resource_name, col.name]).fetchone()[0]
            assert typ == "ENUM(" + ", ".join("'" + v + "'" for v in col.enum) + ")", (model.resource_name, col.name)
        assert con.execute("SELECT count(*) FROM events WHERE modality = 'asserted'").fetchone()[0] > 0
    finally:
        con.close()
    db = sqlite3.connect(lite)
    try:
        event_id, optional = db.execute("SELECT event_id, plover_type FROM events LIMIT 1").fetchone()
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            db.execute("UPDATE events SET modality = 'perhaps' WHERE event_id = ?", [event_id])
        with pytest.raises(sqlite3.IntegrityError, match="CHECK constraint failed"):
            db.execute("UPDATE events SET plover_type = 'threaten' WHERE event_id = ?", [event_id])  # case counts
        with pytest.raises(sqlite3.IntegrityError):  # a required enum column takes no NULL
            db.execute("UPDATE events SET modality = NULL WHERE event_id = ?", [event_id])
        db.execute("UPDATE events SET plover_type = NULL WHERE event_id = ?", [event_id])  # optional: NULL allowed
        db.execute("UPDATE events SET modality = 'negated', plover_type = 'SANCTION' WHERE event_id = ?", [event_id])
        db.rollback()
        assert optional is None or optional in [v for m, c in enums if m is Event and c.name == "plover_type" for v in c.enum]
    finally:
        db.close()


def test_release_zip_is_reproducible(built_repo, tmp_path):
    first = release(built_repo, tmp_path / "one")[0].read_bytes()
    second = release(built_repo, tmp_path / "two")[0].read_bytes()
    assert first == second


def test_build_leaves_dist_to_release(tmp_path):
    """A build publishes the package only (an incremental build must not rewrite every release
    file); `release` writes dist/, as the release workflow runs it after build and validate."""
    root = make_repo(tmp_path / "repo")
    assert run_cli(root, "build").returncode == 0
    assert not (root / "dist").exists()
    refused = run_cli(root, "release")  # while the citation holds placeholders: one line, nothing written
    assert refused.returncode == 1 and len(refused.stderr.splitlines()) == 1 and not (root / "dist").exists()
    assert refused.stderr.startswith("pyproject.toml: citation: the release would cite placeholders (")
    assert run_cli(root, "release", "--draft").returncode == 0
    assert sorted(p.name for p in (root / "dist").iterdir()) == [
        "parquet-by-year", f"serbia-arms-pressure-{dataset_version()}.zip", "serbia-arms-pressure.duckdb",
        "serbia-arms-pressure.metadata.json", "serbia-arms-pressure.sqlite",
    ]


# DuckDB's storage format numbers (the uint64 after the magic bytes "DUCK" in the file header):
# 64 is read by DuckDB 0.10 to 1.1 and every later release; DuckDB 1.2 writes 65, 1.3 66, 1.4 67,
# and the DuckDB 2 of requirements.lock writes 999 unless told otherwise.
DUCKDB_1_1_FORMAT = 64


def test_the_duckdb_file_is_in_a_storage_format_duckdb_1_1_reads(built_repo, tmp_path):
    duck = release(built_repo, tmp_path / "dist")[1]
    with open(duck, "rb") as file:
        header = file.read(20)
    assert header[8:12] == b"DUCK"
    assert int.from_bytes(header[12:20], "little") == DUCKDB_1_1_FORMAT
    con = duckdb.connect(str(duck), read_only=True)
    try:  # the same, as DuckDB itself reports it
        assert con.execute("SELECT tags FROM duckdb_databases() WHERE NOT internal").fetchall() == [({"storage_version": "v1.0.0+"},)]
        assert con.execute("SELECT count(*) FROM events").fetchone() == (50,)
    finally:
        con.close()
    assert sorted(p.name for p in duck.parent.iterdir() if p.name.startswith(duck.name)) == [duck.name]  # no WAL, no spill folder


def test_a_default_duckdb_file_would_be_caught(tmp_path):
    """The check above can fail: a file written in DuckDB's own default format has another number."""
    con = duckdb.connect(str(tmp_path / "default.duckdb"))
    con.execute("CREATE TABLE t AS SELECT 1 AS a")
    con.close()
    assert int.from_bytes((tmp_path / "default.duckdb").read_bytes()[12:20], "little") != DUCKDB_1_1_FORMAT


def test_the_zip_ships_the_licence_citation_and_changelog(built_repo, tmp_path):
    package = tmp_path / "package"  # a built package in a folder that also holds the repository's documents
    shutil.copytree(built_repo / "datapackage", package / "datapackage")
    shutil.copy2(built_repo / "datapackage.json", package)
    for name in BUNDLED_DOCUMENTS:
        shutil.copy2(REPO / name, package / name)
    assert BUNDLED_DOCUMENTS == ("LICENSE", "CITATION.cff", "CHANGELOG.md")
    bundle = release(package, tmp_path / "dist")[0]
    top = bundle.stem + "/"
    with zipfile.ZipFile(bundle) as archive:
        sums = dict(reversed(line.split("  ")) for line in archive.read(top + "SHA256SUMS").decode().splitlines())
        for name in BUNDLED_DOCUMENTS:
            assert archive.read(top + name) == (REPO / name).read_bytes()  # at the top of the folder, beside datapackage.json
            assert sums[name] == hashlib.sha256((REPO / name).read_bytes()).hexdigest()
        assert archive.namelist()[-1] == top + "SHA256SUMS"


def test_the_zip_unpacks_into_one_folder_named_after_it(built_repo, tmp_path):
    """Unpacked, the zip makes one folder `serbia-arms-pressure-<version>/` (not a spray of files
    in the current folder), and the files in it check against its SHA256SUMS."""
    bundle = release(built_repo, tmp_path / "dist")[0]
    assert bundle.name == f"serbia-arms-pressure-{dataset_version()}.zip"
    with zipfile.ZipFile(bundle) as archive:
        assert {name.split("/", 1)[0] for name in archive.namelist()} == {bundle.stem}
        assert all(name.startswith(bundle.stem + "/") and len(name) > len(bundle.stem) + 1 for name in archive.namelist())
        archive.extractall(tmp_path / "unpacked")
    (folder,) = (tmp_path / "unpacked").iterdir()
    assert folder.name == bundle.stem
    assert (folder / "datapackage.json").read_bytes() == (built_repo / "datapackage.json").read_bytes()
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, member = line.split("  ")
        assert hashlib.sha256((folder / member).read_bytes()).hexdigest() == digest


def test_card_summarises_the_data_and_links_the_pictures(built_repo):
    card = (built_repo / "datapackage" / "README.md").read_text(encoding="utf-8")
    assert "| `events` | 50 | 50 | 0 |" in card
    assert "| `quotes` | 15 | 0 | 15 |" in card
    assert "- 5 articles, published 2019-11-18 to 2026-02-11 (1 without a known publication date)." in card
    assert ("| `000_7318cba5f0ad2b4c` | Global Research | InfoBrics | 2020-02-28 | unknown | unknown | quotation | "
            "Copyright © Paul Antonopoulos, Global Research, 2020 |") in card
    for picture in ("timeline.svg", "actor_graph.svg"):
        assert f"]({picture})" in card
        svg = (built_repo / "datapackage" / picture).read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Serbia" in (built_repo / "datapackage" / "actor_graph.svg").read_text(encoding="utf-8")


@pytest.fixture
def small_disk(tmp_path):
    """A 1 MB tmpfs."""
    yield from tmpfs(tmp_path, "1m")


def test_a_duckdb_file_that_does_not_fit_is_an_os_error_naming_it(built_repo, small_disk):
    """DuckDB's own I/O error (no errno) becomes the OSError the release reports as a fault of the
    machine: the file, and the cause — not a WAL file left beside a half-written database."""
    target = small_disk / "serbia-arms-pressure.duckdb"
    with pytest.raises(OSError) as raised:
        export_duckdb(built_repo, target)
    assert (raised.value.errno, raised.value.filename) == (errno.ENOSPC, str(target))
