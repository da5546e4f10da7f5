"""The published package end to end: real build, real frictionless, real Parquet readers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
from conftest import FIXTURES, REPO, make_repo, run_cli, snapshot, write_source

from builders.pipeline import build
from builders.schema.models import RESOURCES
from builders.pipeline import check as validate
from builders.engine import Options


def test_committed_package_is_valid_and_fresh():
    """The package in the repository validates and equals a fresh build of its seeds."""
    result = run_cli(REPO, "validate")
    assert result.returncode == 0, result.stderr


def test_rebuild_is_byte_identical(tmp_path, built_repo):
    other = make_repo(tmp_path / "again")
    assert build(other) == []
    assert snapshot(other) == snapshot(built_repo)
    assert build(other) == []  # and once more over an existing package
    assert snapshot(other) == snapshot(built_repo)


def test_frictionless_cli_validates_with_foreign_keys(built_repo):
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=built_repo, capture_output=True, text=True,
    )
    report = json.loads(result.stdout)
    assert result.returncode == 0 and report["valid"], result.stdout[:2000]
    descriptor = json.loads((built_repo / "datapackage.json").read_text())
    fks = {r["name"]: r["schema"].get("foreignKeys", []) for r in descriptor["resources"]}
    assert {fk["reference"]["resource"] for fk in fks["events"]} == {"articles", "actors", "weapon_systems", "event_types"}
    assert {tuple(fk["fields"]) for fk in fks["quotes"]} == {("article_id",), ("speaker_actor_id",), ("via_actor_id",)}


def test_descriptor_is_data_package_v2_with_hashes(built_repo):
    descriptor = json.loads((built_repo / "datapackage.json").read_text())
    assert descriptor["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    for key in ("name", "title", "description", "version", "licenses", "sources", "contributors", "created"):
        assert descriptor[key], key
    assert [r["name"] for r in descriptor["resources"]] == [m.resource_name for m in RESOURCES]
    import hashlib

    for resource in descriptor["resources"]:
        data = (built_repo / resource["path"]).read_bytes()
        assert resource["bytes"] == len(data)
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == ("csv", "text/csv", "utf-8")


def test_duckdb_reads_declared_types(built_repo):
    con = duckdb.connect()
    parquet = built_repo / "datapackage" / "parquet"
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{parquet / 'articles.parquet'}'").fetchall()}
    assert types["published_date"] == "DATE"
    assert types["authors"] == "VARCHAR[]"
    assert types["word_count"] == "BIGINT"
    events = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM '{parquet / 'events.parquet'}'").fetchall()}
    assert events["date_start"] == "DATE" and events["evidence_start_char"] == "BIGINT"
    rows = con.execute(
        f"SELECT article_id, published_date, len(authors) FROM '{parquet / 'articles.parquet'}' ORDER BY article_id"
    ).fetchall()
    assert [r[0] for r in rows] == sorted(p.stem for p in (REPO / "seeds" / "articles").glob("*.txt"))
    assert str(rows[0][1]) == "2020-02-28" and rows[0][2] == 1
    for model in RESOURCES:  # every file opens, empty or not
        con.execute(f"SELECT count(*) FROM '{parquet / (model.resource_name + '.parquet')}'").fetchone()


def test_actor_sectors_and_event_dyads_in_the_built_seeds(built_repo):
    """actors.sector and events.source_country_iso3 / target_country_iso3, read back from the Parquet
    edition with DuckDB: declared types, the curated sectors, and each participant's own country."""
    con = duckdb.connect()
    parquet = built_repo / "datapackage" / "parquet"
    actors, events = f"'{parquet / 'actors.parquet'}'", f"'{parquet / 'events.parquet'}'"
    columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {events}").fetchall()]
    at = columns.index("target_actor_id")
    assert columns[at + 1 : at + 3] == ["source_country_iso3", "target_country_iso3"]
    assert {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {actors}").fetchall()}["sector"] == "VARCHAR"
    sectors = dict(con.execute(f"SELECT actor_id, sector FROM {actors}").fetchall())
    assert sectors["us-state-department"] == sectors["aleksandar-vucic"] == "government"
    assert sectors["us-congress"] == "legislature" and sectors["tass"] == "media"
    assert sectors["serbia"] is None and sectors["united-states"] is None  # a state itself has none
    assert sectors["eu"] is None  # nor an international body
    mismatched = con.execute(f"""
        SELECT e.event_id FROM {events} e
        LEFT JOIN {actors} s ON s.actor_id = e.source_actor_id
        LEFT JOIN {actors} t ON t.actor_id = e.target_actor_id
        WHERE e.source_country_iso3 IS DISTINCT FROM s.country_iso3 OR e.target_country_iso3 IS DISTINCT FROM t.country_iso3
    """).fetchall()
    assert mismatched == []
    dyads = dict(con.execute(f"SELECT (source_country_iso3, target_country_iso3), count(*) FROM {events} GROUP BY ALL").fetchall())
    assert dyads[("USA", "SRB")] > 10  # the United States' pressure on Serbia
    assert dyads[("RUS", "SRB")] > 0
    eu = con.execute(f"SELECT DISTINCT source_country_iso3 FROM {events} WHERE source_actor_id = 'eu'").fetchall()
    assert eu in ([], [(None,)])  # an international body has no country


def test_polars_and_arrow_metadata(built_repo):
    df = pl.read_parquet(built_repo / "datapackage" / "parquet" / "articles.parquet")
    assert df.schema["authors"] == pl.List(pl.String)
    assert df.schema["published_date"] == pl.Date
    assert df["article_id"].to_list() == sorted(df["article_id"].to_list())
    mentions = pl.read_parquet(built_repo / "datapackage" / "parquet" / "actor_mentions.parquet")
    assert mentions.schema["mention_kind"] == pl.Categorical
    schema = pq.read_schema(built_repo / "datapackage" / "parquet" / "articles.parquet")
    assert schema.field("text").metadata[b"description"].startswith(b"Clean body")
    assert pq.ParquetFile(built_repo / "datapackage" / "parquet" / "articles.parquet").metadata.row_group(0).column(0).compression == "ZSTD"


def test_csv_arrays_are_json_and_nulls_are_empty(built_repo):
    import csv

    with open(built_repo / "datapackage" / "csv" / "articles.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_id = {r["article_id"]: r for r in rows}
    assert by_id["000_7318cba5f0ad2b4c"]["regions"] == '["Europe","Russia and FSU","USA"]'
    assert by_id["004_09128b696d84389e"]["authors"] == "[]"
    assert by_id["004_09128b696d84389e"]["original_publisher"] == "" and by_id["003_f7aad1218264870f"]["published_date"] == ""
    raw = (built_repo / "datapackage" / "csv" / "articles.csv").read_bytes()
    assert raw.startswith(b"article_id,title,") and raw.endswith(b"\r\n")


def test_new_article_of_unseen_shape_builds_with_nulls(tmp_path):
    root = make_repo(tmp_path / "repo", [FIXTURES / "articles" / "plain-notes-0001.txt"])
    result = run_cli(root, "build")
    assert result.returncode == 0, result.stderr
    df = pl.read_parquet(root / "datapackage" / "parquet" / "articles.parquet").filter(pl.col("article_id") == "plain-notes-0001")
    row = df.to_dicts()[0]
    assert row["title"] is None and row["published_date"] is None and row["authors"] == []
    assert run_cli(root, "validate").returncode == 0


def _damage(root: Path, rel: str, old: bytes, new: bytes) -> None:
    path = root / rel
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, 1))


def test_validate_reports_hand_edited_csv(fresh_repo):
    _damage(fresh_repo, "datapackage/csv/articles.csv", b"\"Global Research\",\"InfoBrics\"", b"\"Global Research\",\"Infobrics\"")
    result = run_cli(fresh_repo, "validate")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("datapackage/csv/articles.csv: hash-count") for line in lines), lines
    assert any("datapackage/parquet/articles.parquet:2: original_publisher: Parquet has 'InfoBrics', CSV has 'Infobrics' — run python -m builders build" in line for line in lines), lines
    assert "datapackage/csv/articles.csv: stale: differs from a fresh build of seeds/ — run python -m builders build" in lines


def test_validate_reports_bad_cell_with_row_and_field(fresh_repo):
    _damage(fresh_repo, "datapackage/csv/articles.csv", b",2020-02-28,", b",2020-02-31,")
    result = run_cli(fresh_repo, "validate", "--json")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and not report["valid"]
    assert any(p["path"] == "datapackage/csv/articles.csv" and p["line"] == 2 and p["field"] == "published_date"
               and p["message"].startswith("type-error") for p in report["problems"]), report["problems"]


def test_validate_reports_stale_seed(fresh_repo):
    seed = fresh_repo / "seeds" / "articles" / "003_f7aad1218264870f.txt"
    seed.write_bytes(seed.read_bytes().replace(b"RFE reports", b"RFE says"))
    assert [str(p) for p in validate(fresh_repo)] == [
        "datapackage.json: stale: seeds/ changed since the package was built — run python -m builders build"
    ]
    problems = [str(p) for p in validate(fresh_repo, rebuild=True)]  # the rebuild says which files differ
    assert "datapackage/csv/articles.csv: stale: differs from a fresh build of seeds/ — run python -m builders build" in problems
    assert "datapackage.json: stale: differs from a fresh build of seeds/ — run python -m builders build" in problems


def test_validate_rebuild_catches_a_hand_edited_card(fresh_repo):
    card = fresh_repo / "datapackage" / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + "\nAn added line.\n", encoding="utf-8")
    assert validate(fresh_repo) == []  # the fast check does not regenerate the card
    assert [str(p) for p in validate(fresh_repo, rebuild=True)] == [
        "datapackage/README.md: stale: differs from a fresh build of seeds/ — run python -m builders build"
    ]


def test_validate_reports_hand_edited_descriptor(fresh_repo):
    path = fresh_repo / "datapackage.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"title": "Global Research"', '"title": "Global Research Inc."'), encoding="utf-8")
    assert [str(p) for p in validate(fresh_repo)] == [
        "datapackage.json: stale: differs from a fresh build of seeds/ — run python -m builders build"
    ]


def test_validate_reports_parquet_mismatch(fresh_repo):
    import pyarrow as pa

    path = fresh_repo / "datapackage" / "parquet" / "articles.parquet"
    table = pq.read_table(path)
    words = table.column("word_count").to_pylist()
    words[0] += 1
    table = table.set_column(table.schema.get_field_index("word_count"), table.schema.field("word_count"), pa.array(words))
    pq.write_table(table, path)
    problems = [str(p) for p in validate(fresh_repo)]
    assert "datapackage/parquet/articles.parquet:2: word_count: Parquet has 787, CSV has 786 — run python -m builders build" in problems


def test_failed_build_leaves_previous_package_untouched(fresh_repo):
    before = snapshot(fresh_repo)
    (fresh_repo / "seeds" / "articles" / "Bad Name.txt").write_bytes(b"Some text.\n")
    (fresh_repo / "seeds" / "articles" / "empty.txt").write_bytes(b"")
    write_source(fresh_repo, "empty")
    result = run_cli(fresh_repo, "build")
    assert result.returncode == 1
    assert result.stderr.splitlines()[:2] == [
        "seeds/articles/Bad Name.txt: article_id: 'Bad Name' is not a valid id (lower-case letters, digits, '_' or '-', at most 56 characters, starting with a letter or digit) — rename the file",
        "seeds/articles/empty.txt: text: the file is empty or holds only white space — add the article's text",
    ]
    assert snapshot(fresh_repo) == before
    assert not list(fresh_repo.glob(".build-*"))


def test_ids_differing_only_in_case_are_refused(fresh_repo):
    shutil.copyfile(fresh_repo / "seeds/articles/003_f7aad1218264870f.txt", fresh_repo / "seeds/articles/003_F7aad1218264870f.txt")
    result = run_cli(fresh_repo, "build")
    assert result.returncode == 1
    assert "id differs only in case from" in result.stderr


def test_span_check_finds_offsets_that_do_not_match_the_text():
    import pyarrow as pa

    from builders.validate.spans import span_problems

    text = "Matthew Palmer warned Belgrade 😀 “today”."
    tables = {
        "articles": pa.table({"article_id": ["a"], "text": [text]}),
        "actor_mentions": pa.table({
            "article_id": ["a", "a", "a", "a", "zzz"],
            "start_char": ["0", "22", "31", "33", "0"],
            "end_char": ["14", "30", "32", "40", "1"],
            "surface": ["Matthew Palmer", "Belgrad", "😀", "“today”", "x"],
        }),
    }
    # code-point offsets, as Python slices: the emoji and the curly quotes are one character each;
    # the row of an unknown article is left to the foreign-key check
    assert text[31:32] == "😀" and text[33:40] == "“today”"
    assert [str(p) for p in span_problems(tables)] == [
        "datapackage/csv/actor_mentions.csv:3: surface: articles.text[22:30] is 'Belgrade', not 'Belgrad'"
    ]
    tables["actor_mentions"] = pa.table({"article_id": ["a"], "start_char": ["30"], "end_char": ["99"], "surface": ["x"]})
    assert [str(p) for p in span_problems(tables)] == ["datapackage/csv/actor_mentions.csv:2: surface: [30:99] is outside the article's text"]


def test_every_actor_and_weapon_system_is_mentioned(built_repo):
    import duckdb

    parquet = built_repo / "datapackage" / "parquet"
    unmentioned = duckdb.sql(f"""
        SELECT actor_id FROM '{parquet / 'actors.parquet'}'
        WHERE actor_id NOT IN (SELECT actor_id FROM '{parquet / 'actor_mentions.parquet'}')
    """).fetchall()
    assert unmentioned == []
    weapons = duckdb.sql(f"""
        SELECT weapon_system_id FROM '{parquet / 'weapon_systems.parquet'}'
        WHERE weapon_system_id NOT IN (SELECT weapon_system_id FROM '{parquet / 'weapon_system_mentions.parquet'}')
    """).fetchall()
    assert weapons == []


def test_join_articles_quotes_and_actors(built_repo):
    import duckdb

    parquet = built_repo / "datapackage" / "parquet"
    rows = duckdb.sql(f"""
        SELECT a.article_id, s.name AS speaker, v.name AS via, q.kind
        FROM '{parquet / 'quotes.parquet'}' q
        JOIN '{parquet / 'articles.parquet'}' a USING (article_id)
        LEFT JOIN '{parquet / 'actors.parquet'}' s ON s.actor_id = q.speaker_actor_id
        LEFT JOIN '{parquet / 'actors.parquet'}' v ON v.actor_id = q.via_actor_id
        WHERE q.via_actor_id IS NOT NULL ORDER BY q.article_id, q.start_char
    """).fetchall()
    assert rows[0] == ("001_6b7ba81664c089ef", "Aleksandar Vučić", "TASS", "direct")


def test_pool_cache_and_serial_builds_are_identical(tmp_path, built_repo):
    serial = make_repo(tmp_path / "serial")
    assert build(serial, Options(workers=1, use_cache=False)) == []
    pooled = make_repo(tmp_path / "pooled")
    assert build(pooled, Options(workers=2)) == []
    assert snapshot(pooled) == snapshot(serial) == snapshot(built_repo)
    cached_files = sorted((pooled / ".cache" / "extract").rglob("*"))
    assert len([p for p in cached_files if p.is_file()]) == 5
    assert build(pooled, Options(workers=2)) == []  # every article from the cache
    assert snapshot(pooled) == snapshot(serial)
    seed = pooled / "seeds" / "articles" / "003_f7aad1218264870f.txt"
    seed.write_bytes(seed.read_bytes().replace(b"RFE reports", b"RFE says"))
    assert build(pooled, Options(workers=2)) == []  # one article changed: one new cache entry
    assert len([p for p in (pooled / ".cache" / "extract").rglob("*") if p.is_file()]) == 6
    import pyarrow.parquet as pq

    titles = pq.read_table(pooled / "datapackage/parquet/articles.parquet").column("title").to_pylist()
    assert "US asks Serbia to stop buying arms from Russia, RFE says" in titles
