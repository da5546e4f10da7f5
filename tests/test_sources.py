"""Source records: every article says where its text came from and on what basis it is
redistributed; what is unknown is null with a reason, never guessed."""

from __future__ import annotations

import json

import duckdb
import pytest
from conftest import REPO, run_cli, snapshot, write_source

from builders.inputs.sources import SourceRecord, parse_source

A = "seeds/articles"
S = "seeds/sources"
N1 = "https://n1info.ba/english/news/a414322-us-asks-serbia-to-stop-buying-arms-from-russia-rfe-reports/"
GLOBAL_RESEARCH = "https://www.globalresearch.ca/us-concerned-about-serbia-intention-buy-chinese-weapons/5720915"
EUROP = "https://europ.info/2026/02/11/trump-must-deny-serbias-request-for-sanctions-waiver"
BODY = b"Published: 3 May 2022\n\nSerbia bought the Pantsir system from Russia, the ministry said on Monday.\n"
HEADLESS = b"Serbia bought the Pantsir system from Russia, the ministry said on Monday.\n"


def test_every_seed_article_has_its_record_and_the_package_carries_it(built_repo):
    rows = duckdb.sql(
        f"SELECT article_id, url, retrieved_date, licence_basis::VARCHAR, source_note FROM "
        f"'{built_repo / 'datapackage/parquet/articles.parquet'}' ORDER BY article_id").fetchall()
    assert [r[0] for r in rows] == sorted(p.stem for p in (REPO / S).glob("*.yaml"))
    by_id = {r[0]: r for r in rows}
    assert by_id["003_f7aad1218264870f"][1] == N1
    assert all(r[3] == "quotation" for r in rows)
    assert all(r[4] for r in rows if r[1] is None or r[2] is None)  # every unknown says why
    # addresses only where a source record states one (found from public copies of the pages)
    assert {r[0]: r[1] for r in rows if r[1]} == {"002_cb7180234dd0d369": GLOBAL_RESEARCH, "003_f7aad1218264870f": N1,
                                                  "004_09128b696d84389e": EUROP}


def test_a_text_with_no_header_takes_its_headline_outlet_and_day_from_the_record_and_says_so(built_repo):
    (row,) = duckdb.sql(
        f"SELECT title, publisher, published_date::VARCHAR, source_note FROM '{built_repo / 'datapackage/parquet/articles.parquet'}' "
        "WHERE article_id = '004_09128b696d84389e'").fetchall()
    assert row[:3] == ("Trump must deny Serbia's request for sanctions waiver", "europ.info", "2026-02-11")
    assert "read from that address, not from the text" in row[3] and "machine-written" in row[3]


def test_the_descriptor_and_the_card_list_the_sources(built_repo):
    descriptor = json.loads((built_repo / "datapackage.json").read_text(encoding="utf-8"))
    with_path = [s for s in descriptor["sources"] if "path" in s]
    assert with_path == [
        {"title": "Global Research — Serbia's Intention to Buy Chinese Weapons. US Concerns", "path": GLOBAL_RESEARCH},
        {"title": "N1 — US asks Serbia to stop buying arms from Russia, RFE reports", "path": N1},
        {"title": "europ.info — Trump must deny Serbia's request for sanctions waiver", "path": EUROP},
    ]
    assert {"title": "Global Research"} in descriptor["sources"]
    card = (built_repo / "datapackage/README.md").read_text(encoding="utf-8")
    assert f"| `003_f7aad1218264870f` | N1 |  |  | <{N1}> | unknown | quotation |  |" in card
    assert "- 3 of 5 with an address (url), 0 with the day it was retrieved." in card


def test_the_record_fills_what_the_text_leaves_out_and_never_overrides_it(fresh_repo):
    (fresh_repo / A / "own.txt").write_bytes(HEADLESS)
    write_source(fresh_repo, "own", b"url: https://example.org/own\nretrieved_date: 2022-05-04\nlicence_basis: licensed\n"
                                    b"licence: CC-BY-4.0\ntitle: Serbia buys air defence\npublisher: Example Daily\n"
                                    b"published_date: 2022-05-03\ncopyright: (c) Example Daily 2022\n")
    (fresh_repo / A / "dated.txt").write_bytes(BODY)
    write_source(fresh_repo, "dated", b"url: null\nretrieved_date: 2022-06-01\nlicence_basis: permission\n"
                                      b"published_date: 2001-01-01\nnote: the address was not kept\n")
    result = run_cli(fresh_repo, "build")
    assert result.returncode == 0, result.stderr
    rows = {r[0]: r[1:] for r in duckdb.sql(
        "SELECT article_id, title, publisher, published_date::VARCHAR, url, retrieved_date::VARCHAR, licence_basis::VARCHAR, "
        f"licence, copyright_notice, source_note FROM '{fresh_repo / 'datapackage/parquet/articles.parquet'}'").fetchall()}
    assert rows["own"] == ("Serbia buys air defence", "Example Daily", "2022-05-03", "https://example.org/own", "2022-05-04",
                           "licensed", "CC-BY-4.0", "(c) Example Daily 2022", None)
    assert rows["dated"][2] == "2022-05-03"  # the text's own date wins over the record's
    assert rows["dated"][3:7] == (None, "2022-06-01", "permission", None)
    assert rows["dated"][8] == "the address was not kept"


# name: (the record, or None for none; the exact line expected)
PROBLEMS = {
    "no record": (None, "seeds/articles/own.txt: no source record — add seeds/sources/own.yaml with url, retrieved_date and "
                        "licence_basis (null with a note when unknown; see CONTRIBUTING.md)"),
    "unknown without a reason": (b"url: null\nretrieved_date: 2022-05-04\nlicence_basis: quotation\n",
                                 "seeds/sources/own.yaml:1: url is null without a note saying why — give the value, or add note: <why it is unknown>"),
    "licensed without a licence": (b"url: https://example.org/a\nretrieved_date: 2022-05-04\nlicence_basis: licensed\n",
                                   "seeds/sources/own.yaml:1: licence_basis is licensed but no licence is named — add licence: <SPDX id, e.g. CC-BY-4.0>"),
    "key left out": (b"url: https://example.org/a\nlicence_basis: quotation\n",
                     "seeds/sources/own.yaml:1: retrieved_date: required key is missing — add it"),
    "misspelt key": (b"url: https://example.org/a\nretreived_date: 2022-05-04\nretrieved_date: 2022-05-04\nlicence_basis: quotation\n",
                     "seeds/sources/own.yaml:2: retreived_date: unknown key 'retreived_date' (did you mean 'retrieved_date'?) — remove it or check its spelling"),
    "not an address": (b"url: javascript:alert(1)\nretrieved_date: 2022-05-04\nlicence_basis: quotation\n",
                       "seeds/sources/own.yaml:1: url: String should match pattern '^https?://\\S+$'"),
    "impossible day": (b"url: https://example.org/a\nretrieved_date: 2022-02-30\nlicence_basis: quotation\n",
                       "seeds/sources/own.yaml:2: retrieved_date: '2022-02-30' is not a date (day is out of range for month) — write it as YYYY-MM-DD, e.g. 2021-03-05"),
    "a day in another form": (b"url: https://example.org/a\nretrieved_date: 05/03/2021\nlicence_basis: quotation\n",
                              "seeds/sources/own.yaml:2: retrieved_date: '05/03/2021' is not a date — write it as YYYY-MM-DD, e.g. 2021-03-05"),
    "unknown basis": (b"url: https://example.org/a\nretrieved_date: 2022-05-04\nlicence_basis: fair\n",
                      "seeds/sources/own.yaml:3: licence_basis: Input should be 'licensed', 'permission', 'quotation' or 'public_domain'"),
    "not a mapping": (b"- https://example.org/a\n",
                      "seeds/sources/own.yaml:1: must be a mapping with at least url, retrieved_date and licence_basis, e.g. "
                      "url: https://example.org/news/2021/serbia-arms; retrieved_date: 2021-03-05; "
                      "licence_basis: quotation   # licensed | permission | quotation | public_domain"),
}


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_a_bad_or_missing_record_is_one_line_and_nothing_is_published(name, fresh_repo):
    record, line = PROBLEMS[name]
    before = snapshot(fresh_repo)
    (fresh_repo / A / "own.txt").write_bytes(BODY)
    if record is not None:
        write_source(fresh_repo, "own", record)
    result = run_cli(fresh_repo, "build")
    assert result.returncode == 1, result.stdout
    assert line in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(fresh_repo) == before


def test_a_record_without_its_article_or_out_of_place_is_refused(fresh_repo):
    write_source(fresh_repo, "nobody")
    (fresh_repo / S / "other.yml").write_bytes(b"url: null\n")
    result = run_cli(fresh_repo, "build")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "seeds/sources/nobody.yaml: no article 'nobody' in seeds/articles — rename the file to <article_id>.yaml or remove it" in lines
    assert "seeds/sources/other.yml: rename it to seeds/sources/other.yaml (suffix .yaml in lower case)" in lines


def test_validate_notices_an_edited_record(built_repo, tmp_path):
    import shutil

    root = tmp_path / "repo"
    shutil.copytree(built_repo, root, ignore=shutil.ignore_patterns(".cache", "dist"))
    record = root / S / "001_6b7ba81664c089ef.yaml"
    assert "url: null" in record.read_text(encoding="utf-8")
    record.write_text(record.read_text(encoding="utf-8").replace("url: null", "url: https://example.org/found-later"), encoding="utf-8")
    result = run_cli(root, "validate")
    assert result.returncode == 1
    assert "datapackage.json: stale: seeds/ changed since the package was built — run python -m builders build" in result.stderr


def test_the_published_schema_is_the_model_and_accepts_the_seed_records(built_repo):
    import jsonschema
    import yaml

    schema = json.loads((built_repo / "schema/source-record.schema.json").read_text(encoding="utf-8"))
    for path in sorted((REPO / S).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        # an editor's YAML language server reads an unquoted date as the string JSON Schema expects
        data = {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in data.items()}
        jsonschema.validate(data, schema)
        assert parse_source(path.name, path.read_bytes())[1] == []
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=../../schema/source-record.schema.json")
    assert set(schema["required"]) == {"url", "retrieved_date", "licence_basis"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"url": None, "retrieved_date": None, "licence_basis": "fair"}, schema)
    assert set(schema["properties"]) == set(SourceRecord.model_fields)


def test_the_card_names_the_first_articles_and_counts_the_rest():
    from collections import namedtuple

    from builders.publish.card import CARD_SOURCES, _sources_section

    row = namedtuple("row", "article_id publisher original_publisher published_date copyright_notice url retrieved_date licence_basis licence source_note")
    articles = [row(f"a{i:03d}", "Outlet | Two", None, None, None, f"https://example.org/{i}" if i % 2 else None, None,
                    "licensed" if i % 3 == 0 else "quotation", "CC-BY-4.0" if i % 3 == 0 else None,
                    "a <b>note</b>" if i == 1 else None) for i in range(CARD_SOURCES + 7)]
    lines = _sources_section(articles)
    rows = [line for line in lines if line.startswith("| `a")]
    assert len(rows) == CARD_SOURCES and rows[0].startswith("| `a000` | Outlet \\| Two |")  # a '|' is escaped: it never breaks the table
    assert "| licensed (CC-BY-4.0) |" in rows[0] and "| <https://example.org/1> |" in rows[1]
    assert ("… and 7 more: every article's source is in `articles` "
            "(url, retrieved_date, licence_basis, licence, copyright_notice, source_note).") in lines
    assert lines[-1] == "- `a001`: a &lt;b&gt;note&lt;/b&gt;"  # a note is shown as text
    assert "- Basis: licensed 19; quotation 38." in lines
