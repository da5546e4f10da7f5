"""The release bundle and the single-file databases open and join; diff counts row changes."""

from __future__ import annotations

import hashlib
import sqlite3
import zipfile

import duckdb
from conftest import make_repo, run_cli

from builders.pipeline import build
from builders.publish.exports import release
from builders.schema.dataset import dataset_version
from builders.validate.diff import diff

JOIN = """
    SELECT a.article_id, s.name AS speaker, q.kind
    FROM quotes q JOIN articles a USING (article_id)
    LEFT JOIN actors s ON s.actor_id = q.speaker_actor_id
    WHERE q.via_actor_id = 'tass'
"""


def test_release_bundle_and_databases(built_repo, tmp_path):
    bundle, duck, lite, by_year = release(built_repo, tmp_path / "dist")
    assert by_year.name == "parquet-by-year" and any(by_year.rglob("*.parquet"))
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        assert {"datapackage.json", "datapackage/README.md", "datapackage/timeline.svg", "datapackage/actor_graph.svg",
                "datapackage/csv/quotes.csv", "datapackage/parquet/quotes.parquet", "SHA256SUMS"} <= set(names)
        for line in archive.read("SHA256SUMS").decode().splitlines():
            digest, member = line.split("  ")
            assert hashlib.sha256(archive.read(member)).hexdigest() == digest
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


def test_release_zip_is_reproducible(built_repo, tmp_path):
    first = release(built_repo, tmp_path / "one")[0].read_bytes()
    second = release(built_repo, tmp_path / "two")[0].read_bytes()
    assert first == second


def test_build_writes_dist(tmp_path):
    root = make_repo(tmp_path / "repo")
    assert run_cli(root, "build").returncode == 0
    assert sorted(p.name for p in (root / "dist").iterdir()) == [
        "parquet-by-year", f"serbia-arms-pressure-{dataset_version()}.zip", "serbia-arms-pressure.duckdb", "serbia-arms-pressure.sqlite",
    ]


def test_diff_counts_rows(built_repo, tmp_path):
    root = make_repo(tmp_path / "repo")
    seed = root / "seeds" / "articles" / "003_f7aad1218264870f.txt"
    seed.write_bytes(seed.read_bytes().replace(b"RFE reports", b"RFE says"))
    (root / "seeds" / "articles" / "new-one.txt").write_bytes(b"Published: 1 June 2021\n\nMatthew Palmer visited Belgrade on Thursday.\n")
    assert build(root) == []
    changes = {name: (added, removed, changed) for name, added, removed, changed in diff(built_repo, root)}
    assert changes["articles"] == (1, 0, 1)  # one new article, one retitled
    assert changes["events"] == (1, 0, 0)
    assert changes["event_types"] == (0, 0, 0)
    result = run_cli(root, "diff", str(built_repo), str(root))
    assert "| articles | 1 | 0 | 1 |" in result.stdout.splitlines()


def test_card_summarises_the_data_and_links_the_pictures(built_repo):
    card = (built_repo / "datapackage" / "README.md").read_text(encoding="utf-8")
    assert "| `events` | 50 | 50 | 0 |" in card
    assert "| `quotes` | 15 | 0 | 15 |" in card
    assert "- 5 articles, published 2019-11-18 to 2020-08-12 (2 without a date in the text)." in card
    assert "| `000_7318cba5f0ad2b4c` | Global Research | InfoBrics | 2020-02-28 | Copyright © Paul Antonopoulos, Global Research, 2020 |" in card
    for picture in ("timeline.svg", "actor_graph.svg"):
        assert f"]({picture})" in card
        svg = (built_repo / "datapackage" / picture).read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Serbia" in (built_repo / "datapackage" / "actor_graph.svg").read_text(encoding="utf-8")
