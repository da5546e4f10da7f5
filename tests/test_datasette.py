"""The SQLite export served by a real datasette on 127.0.0.1 with the metadata written beside it:
titles and descriptions from the models, and the canned queries answer over HTTP."""

from __future__ import annotations

import html
import json
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from builders.publish.datasette import CANNED_QUERIES, datasette_metadata
from builders.publish.exports import release
from builders.schema.columns import columns
from builders.schema.dataset import NAME
from builders.schema.models import RESOURCES, Event


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
        return response.read()


@pytest.fixture(scope="module")
def served(built_repo, tmp_path_factory):
    """datasette serving dist/'s SQLite file with dist/'s metadata file, on a free local port."""
    paths = {p.name: p for p in release(built_repo, tmp_path_factory.mktemp("release") / "dist")}
    database, metadata = paths[f"{NAME}.sqlite"], paths[f"{NAME}.metadata.json"]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "datasette", "serve", str(database), "--metadata", str(metadata),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:  # bounded: until the server answers, it exits, or a minute has passed
            try:
                _get(base + "/-/versions.json")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("datasette did not start: " + server.stderr.read().decode()[-2000:]) from None
                time.sleep(0.2)
        yield base, database
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stderr.close()


def test_a_table_page_has_the_models_title_and_description(served):
    base, _ = served
    page = _get(f"{base}/{NAME}/events").decode()
    title = html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1).strip())
    assert title == f"{NAME}: events: 50 rows"
    assert re.search(r"<h1[^>]*>\s*Events\s*</h1>", page)  # Event.resource_title
    text = html.unescape(page)
    assert (Event.__doc__ or "").strip() in text
    for col in columns(Event):
        assert f"<dt>{col.name}</dt><dd>{col.description}</dd>" in text
    assert "creativecommons.org/licenses/by/4.0/" in page


def test_who_threatened_whom_answers_as_json(served):
    base, database = served
    rows = json.loads(_get(f"{base}/{NAME}/who_threatened_whom.json?_shape=array"))
    with sqlite3.connect(database) as con:
        threats = con.execute("SELECT count(*) FROM events WHERE plover_type = 'THREATEN'").fetchone()[0]
    assert len(rows) == threats > 0
    assert {"source": "Matthew Palmer", "target": "Serbia", "weapon_system": "S-400 Triumf", "event_type": "threaten_sanctions"}.items() <= rows[0].items()
    assert all(row["event_type"] for row in rows)


def test_quotes_by_speaker_answers_as_json(served):
    base, _ = served
    every = json.loads(_get(f"{base}/{NAME}/quotes_by_speaker.json?_shape=array"))
    assert len(every) == 15
    one = json.loads(_get(f"{base}/{NAME}/quotes_by_speaker.json?_shape=array&speaker=Vu%C4%8Di%C4%87"))
    assert len(one) >= 2 and {row["speaker"] for row in one} == {"Aleksandar Vučić"}
    assert {row["via"] for row in one} >= {"TASS"}
    folded = json.loads(_get(f"{base}/{NAME}/quotes_by_speaker.json?_shape=array&speaker=vucic"))
    assert folded == one


@pytest.fixture(scope="module")
def exported(built_repo, tmp_path_factory) -> Path:
    """The SQLite file of a release of the seeds."""
    paths = {p.name: p for p in release(built_repo, tmp_path_factory.mktemp("release") / "dist")}
    return paths[f"{NAME}.sqlite"]


def _quotes_by_speaker(database: Path, speaker: str) -> list[tuple]:
    query = datasette_metadata()["databases"][NAME]["queries"]["quotes_by_speaker"]["sql"]
    with sqlite3.connect(database) as con:
        return con.execute(query, {"speaker": speaker}).fetchall()


@pytest.mark.parametrize("speaker", ["vucic", "Vucic", "VUCIC", "vučić", "Vučić", "aleksandar vucic", "aleksandar-vucic"])
def test_quotes_by_speaker_ignores_diacritics_and_case(exported, speaker):
    """'vucic' finds the quotes of Aleksandar Vučić (SQLite has no unaccent: the export writes the
    actors' names folded as the builders fold words, and the query compares with those)."""
    rows = _quotes_by_speaker(exported, speaker)
    with sqlite3.connect(exported) as con:
        his = con.execute("SELECT count(*) FROM quotes WHERE speaker_actor_id = 'aleksandar-vucic'").fetchone()[0]
    assert his >= 2
    assert len(rows) == his and {row[:2] for row in rows} == {("Aleksandar Vučić", "aleksandar-vucic")}


def test_the_search_table_holds_every_actor_folded(exported):
    with sqlite3.connect(exported) as con:
        assert con.execute("SELECT count(DISTINCT actor_id) FROM _actor_names").fetchone() == con.execute("SELECT count(*) FROM actors").fetchone()
        assert ("aleksandar-vucic", "aleksandar vucic") in con.execute("SELECT actor_id, folded FROM _actor_names").fetchall()
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []


def test_quotes_by_speaker_still_narrows(exported):
    assert len(_quotes_by_speaker(exported, "")) == 15
    assert _quotes_by_speaker(exported, "nobody-of-that-name") == []
    assert {row[1] for row in _quotes_by_speaker(exported, "embassy")} == {"us-embassy-belgrade"}


def test_the_metadata_follows_the_models():
    metadata = datasette_metadata()
    database = metadata["databases"][NAME]
    assert set(database["tables"]) == {m.resource_name for m in RESOURCES} | {"_columns", "_actor_names"}
    for model in RESOURCES:
        table = database["tables"][model.resource_name]
        assert table["columns"] == {col.name: col.description for col in columns(model)}
        assert table.get("facets", []) == [col.name for col in columns(model) if col.enum]
    assert "publishers'" in database["tables"]["articles"]["license"]
    assert metadata["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert set(database["queries"]) == set(CANNED_QUERIES) == {"who_threatened_whom", "quotes_by_speaker", "events_by_dyad"}


def test_events_by_dyad_counts_the_exported_events_per_country_pair(exported, built_repo):
    query = datasette_metadata()["databases"][NAME]["queries"]["events_by_dyad"]["sql"]
    with sqlite3.connect(exported) as con:
        rows = con.execute(query).fetchall()
        total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    events = pq.read_table(built_repo / "datapackage" / "parquet" / "events.parquet").to_pylist()
    pairs = Counter((e["source_country_iso3"], e["target_country_iso3"]) for e in events)
    assert {(source, target): count for source, target, count, _ in rows} == dict(pairs)
    assert sum(count for _, _, count, _ in rows) == total == len(events)
    assert rows[0][:2] == ("USA", "SRB") and rows[0][2] == max(pairs.values())  # most events first
    assert [row[2] for row in rows] == sorted((row[2] for row in rows), reverse=True)


def test_events_by_dyad_answers_as_json(served):
    base, database = served
    rows = json.loads(_get(f"{base}/{NAME}/events_by_dyad.json?_shape=array"))
    assert rows[0]["source_country"] == "USA" and rows[0]["target_country"] == "SRB" and rows[0]["events"] > 10
    with sqlite3.connect(database) as con:
        assert sum(row["events"] for row in rows) == con.execute("SELECT count(*) FROM events").fetchone()[0]
