"""The scoring rules of builders/quality.py, on tiny packages and a tiny gold written here.

Every package is a handful of Parquet files holding only the columns the scorer reads; the
sentences are made up for these tests.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from builders.quality import fold, gold_period, load_gold, load_samples, norm, quote_match, score

D = dt.date

ACTORS = {
    "United States": ["U.S.", "Washington"],
    "Nordland": ["Kingdom of Nordland"],
    "Baltia": [],
    "Ivo Márkov": ["Markov", "Ivo Markov"],
    "Ministry of Trade (Nordland)": ["Nordland Trade Ministry"],
}

# id -> (name, aliases): the package's own actors table
PACKAGE_ACTORS = {
    "us": ("Washington", []),                          # a canonical alias as its name
    "nordland": ("nordland", []),                       # case differs
    "baltia": ("Baltia", []),
    "markov": ("Mr Ivo Markov", ["Markov"]),           # resolves through its aliases only
    "trade": ("Trade Ministry", ["Nordland Trade Ministry"]),
    "fleet": ("Baltic Fleet", []),                      # resolves to nothing: counts as itself
}
# id -> country_iso3 (the others have none, like an international body)
PACKAGE_COUNTRIES = {"us": "USA", "nordland": "NRD", "markov": "NRD", "trade": "NRD", "baltia": "BLT"}

SCHEMAS = {
    "articles": pa.schema([("article_id", pa.string()), ("title", pa.string()), ("authors", pa.list_(pa.string())),
                           ("publisher", pa.string()), ("original_publisher", pa.string()),
                           ("published_date", pa.date32()), ("original_published_date", pa.date32())]),
    "actors": pa.schema([("actor_id", pa.string()), ("name", pa.string()), ("aliases", pa.list_(pa.string())),
                         ("country_iso3", pa.string())]),
    "actor_mentions": pa.schema([("article_id", pa.string()), ("actor_id", pa.string())]),
    "quotes": pa.schema([("quote_id", pa.string()), ("article_id", pa.string()), ("text", pa.string()),
                         ("speaker_actor_id", pa.string()), ("kind", pa.string())]),
    "events": pa.schema([("event_id", pa.string()), ("article_id", pa.string()), ("event_type", pa.string()),
                         ("plover_type", pa.string()), ("cameo_code", pa.string()), ("modality", pa.string()),
                         ("source_actor_id", pa.string()), ("target_actor_id", pa.string()),
                         ("date_start", pa.date32()), ("date_end", pa.date32()), ("date_precision", pa.string())]),
}


def article(article_id: str, **fields) -> dict:
    row = {"article_id": article_id, "title": None, "authors": [], "publisher": None, "original_publisher": None,
           "published_date": None, "original_published_date": None}
    row.update(fields)
    return row


def event(article_id: str, n: int, source: str | None, target: str | None, cameo: str | None = None,
          plover: str | None = None, start: D | None = None, end: D | None = None, precision: str = "unknown") -> dict:
    return {"event_id": f"{article_id}-e{n}", "article_id": article_id, "event_type": "x", "plover_type": plover,
            "cameo_code": cameo, "modality": "asserted", "source_actor_id": source, "target_actor_id": target,
            "date_start": start, "date_end": end, "date_precision": precision}


def quote(article_id: str, n: int, text: str, speaker: str | None, kind: str = "direct") -> dict:
    return {"quote_id": f"{article_id}-q{n}", "article_id": article_id, "text": text, "speaker_actor_id": speaker, "kind": kind}


def write_package(root: Path, articles=(), mentions=(), quotes=(), events=()) -> Path:
    out = root / "datapackage" / "parquet"
    out.mkdir(parents=True)
    actors = [{"actor_id": k, "name": n, "aliases": a, "country_iso3": PACKAGE_COUNTRIES.get(k)} for k, (n, a) in PACKAGE_ACTORS.items()]
    mention_rows = [{"article_id": a, "actor_id": i} for a, i in mentions]
    for name, rows in (("articles", articles), ("actors", actors), ("actor_mentions", mention_rows),
                       ("quotes", quotes), ("events", events)):
        schema = SCHEMAS[name]
        pq.write_table(pa.Table.from_pylist(list(rows), schema=schema), out / f"{name}.parquet")
    return root


def write_gold(directory: Path, articles: dict, actors: dict | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "gold.yaml").write_text(yaml.safe_dump({"articles": articles}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (directory / "actors.yaml").write_text(yaml.safe_dump(ACTORS if actors is None else actors, allow_unicode=True), encoding="utf-8")
    return directory


def gold_article(**fields) -> dict:
    entry = {"title": None, "authors": [], "publisher": None, "published": None, "quotes": [], "actors": [],
             "actors_optional": [], "events": []}
    entry.update(fields)
    return entry


# ------------------------------------------------------------------------------------------ text rules

def test_normalisation():
    assert norm("The  Élite Report") == "elite report"
    assert norm("the Gazette") == norm("GAZETTE") == "gazette"
    assert norm("Theatre Weekly") == "theatre weekly"  # only the word "the" is dropped
    assert norm("Ivica Dačić") == norm("IVICA DACIC")
    assert norm("Đorđe") == "dorde"
    assert fold("It’s “fine” — really") == "it's \"fine\" - really"
    assert norm(None) is None


def test_quote_match_rule():
    long_ = "we shall keep buying what we need from whom we choose, now and later,"
    assert quote_match(long_, long_) == 1.0
    assert quote_match(long_, long_[:-1]) == pytest.approx((len(long_) - 1) / len(long_))   # ≥ 90%: a match
    assert quote_match(long_[:60], long_) is None                                           # contained, < 90%: none
    assert quote_match("we shall keep buying", "they shall keep buying") is None            # not contained


def test_gold_periods():
    assert gold_period("2019-10") == (D(2019, 10, 1), D(2019, 10, 31), "month")
    assert gold_period("2020-02") == (D(2020, 2, 1), D(2020, 2, 29), "month")
    assert gold_period("2018") == (D(2018, 1, 1), D(2018, 12, 31), "year")
    assert gold_period(D(2021, 3, 4)) == (D(2021, 3, 4), D(2021, 3, 4), "day")
    assert gold_period("March 2021") is None


# ------------------------------------------------------------------------------------------ metadata

def test_metadata_normalisation_and_nulls(tmp_path):
    gold = write_gold(tmp_path / "gold", {
        "a1": gold_article(title="The Élite Report on Trade", authors=["Ana Ković", "Ben Ode"], publisher="The Harbour Gazette",
                           published="2021-03-04", original_source="Wire Service", original_published="2021-03-01"),
        "a2": gold_article(title=None, publisher=None, published="2021-02"),   # month only; silent on the rest
        "a3": gold_article(title="Plain Title", publisher=None, published=None),
    })
    package = write_package(tmp_path / "pkg", articles=[
        # every field right, modulo case, accents, a leading "the" and author order
        article("a1", title="élite report ON trade", authors=["ben ode", "Ana Kovic"], publisher="Harbour Gazette",
                original_publisher="the wire service", published_date=D(2021, 3, 4), original_published_date=D(2021, 3, 1)),
        # a day inside the gold month is right; an original_publisher where gold has no key is wrong
        article("a2", published_date=D(2021, 2, 1), original_publisher="Somebody"),
        # gold says null: a publisher is wrong; title differs; a date where gold has none is wrong
        article("a3", title="Plain Title (excerpt)", publisher="Harbour Gazette", published_date=D(2021, 1, 1)),
    ])
    report = score(package, [gold])
    by_field = {k: (v.right, v.total) for k, v in report.metadata.items()}
    assert by_field == {"title": (2, 3), "publisher": (2, 3), "published": (2, 3), "authors": (3, 3),
                        "original_publisher": (2, 3), "original_published": (3, 3)}
    assert (report.metadata_overall.right, report.metadata_overall.total) == (9, 12)
    assert (report.metadata_all_fields.right, report.metadata_all_fields.total) == (14, 18)
    wrong = sorted(m.detail.split(":")[0] for m in report.misses if m.category == "metadata")
    assert wrong == ["original_publisher", "published", "publisher", "title"]


def test_month_only_gold_date_null_and_outside_are_wrong(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(published="2021-02"), "a2": gold_article(published="2021-02")})
    package = write_package(tmp_path / "pkg", articles=[article("a1"), article("a2", published_date=D(2021, 3, 1))])
    assert report_field(score(package, [gold]), "published") == (0, 2)


def report_field(report, name):
    return report.metadata[name].right, report.metadata[name].total


# ------------------------------------------------------------------------------------------ actors

def test_actor_resolution_through_aliases_and_optional(tmp_path):
    gold = write_gold(tmp_path / "gold", {
        "a1": gold_article(actors=["United States", "Ivo Márkov", "Nordland", "Ministry of Trade (Nordland)"],
                           actors_optional=["Baltia"]),
    })
    package = write_package(tmp_path / "pkg", articles=[article("a1")], mentions=[
        ("a1", "us"), ("a1", "us"), ("a1", "markov"), ("a1", "trade"), ("a1", "baltia"), ("a1", "fleet"),
    ])
    report = score(package, [gold])
    # us (name is an alias), markov (through its alias), trade (through its alias): 3 tp; Nordland missed;
    # Baltia optional: neutral; Baltic Fleet resolves to nothing: a false positive as itself
    assert (report.actors.tp, report.actors.fp, report.actors.fn) == (3, 1, 1)
    assert report.actors.recall == pytest.approx(3 / 4)
    assert report.actors.precision == pytest.approx(3 / 4)
    assert [m.detail for m in report.misses if m.category == "actor_missing"] == ["'Nordland'"]
    assert [m.detail for m in report.misses if m.category == "actor_fp"] == ["'Baltic Fleet' (actor_id fleet)"]


def test_gold_dirs_merge_and_missing_dir_is_tolerated(tmp_path):
    first = write_gold(tmp_path / "one", {"a1": gold_article(actors=["Nordland", "Baltic Fleet"])})
    second = write_gold(tmp_path / "two", {"a2": gold_article(actors=["Baltic Fleet"])},
                        actors={"Baltic Fleet": ["Fleet of Baltia"], "Nordland": ["Nordlanders"]})
    gold = load_gold([first, tmp_path / "absent", second])
    assert sorted(gold.articles) == ["a1", "a2"]
    assert gold.resolve("fleet of baltia") == "Baltic Fleet"
    assert gold.resolve("Kingdom of Nordland") == gold.resolve("NORDLANDERS") == "Nordland"
    assert gold.problems == []   # "Baltic Fleet" is canonical once the second directory is read
    package = write_package(tmp_path / "pkg", articles=[article("a1"), article("a2")],
                            mentions=[("a1", "nordland"), ("a1", "fleet"), ("a2", "fleet")])
    report = score(package, [first, tmp_path / "absent", second])
    assert (report.actors.tp, report.actors.fp, report.actors.fn) == (3, 0, 0)
    assert report.gold_dirs == [str(first), str(second)]


def test_gold_problems_are_reported(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(
        actors=["Nordland", "Markov"],
        events=[{"type": "bombard", "source": "Nordland"},
                {"type": "visit", "source": "Nordland", "target": "Atlantis", "date": "2020-05", "date_precision": "day"}],
    )})
    problems = load_gold([gold]).problems
    assert len(problems) == 5
    assert any("'Markov' is not a canonical name" in p and "Ivo Márkov" in p for p in problems)
    assert any("'bombard'" in p for p in problems)
    assert any("'Atlantis' is not a canonical name" in p for p in problems)
    assert any("'Atlantis' is in neither actors nor actors_optional" in p for p in problems)
    assert any("precision month but says 'day'" in p for p in problems)


# ------------------------------------------------------------------------------------------ quotes

Q1 = "We will buy what our army needs, from the partners we trust, and no one else decides that for us,"
Q2 = "Our ports stay open to every honest trader."
Q3 = "No deal is worth our neutrality, and we said so plainly in every meeting this year."
FRAGMENT = "honest trader"


def test_quotes_containment_terms_optional_and_speakers(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(actors=["Ivo Márkov"], quotes=[
        {"text": Q1, "speaker": "Ivo Márkov"},
        {"text": Q2, "speaker": "Nordland"},
        {"text": Q3, "speaker": "Ivo Márkov"},
        {"text": "a fair price", "speaker": "Ivo Márkov", "optional": True},
        {"text": FRAGMENT, "speaker": "Nordland", "optional": True},
    ])})
    package = write_package(tmp_path / "pkg", articles=[article("a1")], quotes=[
        quote("a1", 1, Q1.rstrip(","), "markov"),                           # ≥ 90% of the gold text: match, speaker via alias
        quote("a1", 2, Q2 + " We said it twice, and we will say it again to anyone.", "nordland"),  # contains Q2, < 90%
        quote("a1", 3, Q3.upper(), "us"),                                   # match (case), wrong speaker
        quote("a1", 4, "a fair price", None),                               # optional gold: neutral
        quote("a1", 5, "honest trader", None, kind="term"),                 # a term: left out
        quote("a1", 6, "patience", "markov", kind="term"),                  # a term: left out, not a false positive
    ])
    report = score(package, [gold])
    assert (report.quotes.tp, report.quotes.fp, report.quotes.fn) == (2, 1, 1)
    assert (report.speakers.right, report.speakers.total) == (1, 2)
    # the optional match has no speaker: counted only in the figure with optional matches
    assert (report.speakers_with_optional.right, report.speakers_with_optional.total) == (1, 3)
    missing = [m.detail for m in report.misses if m.category == "quote_missing"]
    assert len(missing) == 1 and missing[0].startswith(repr(Q2))
    assert len([m for m in report.misses if m.category == "quote_fp"]) == 1
    assert len([m for m in report.misses if m.category == "speaker"]) == 2


def test_quote_rows_match_one_gold_quote_each(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(quotes=[{"text": Q2, "speaker": "Nordland"}])})
    package = write_package(tmp_path / "pkg", articles=[article("a1")],
                            quotes=[quote("a1", 1, Q2, None), quote("a1", 2, Q2, "nordland")])
    report = score(package, [gold])
    # the duplicate is a false positive; the match prefers the row with the right speaker
    assert (report.quotes.tp, report.quotes.fp, report.quotes.fn) == (1, 1, 0)
    assert (report.speakers.right, report.speakers.total) == (1, 1)


def test_term_row_does_not_match_gold_quote(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(quotes=[{"text": Q2, "speaker": "Nordland"}])})
    package = write_package(tmp_path / "pkg", articles=[article("a1")], quotes=[quote("a1", 1, Q2, "nordland", kind="term")])
    report = score(package, [gold])
    assert (report.quotes.tp, report.quotes.fp, report.quotes.fn) == (0, 0, 1)


# ------------------------------------------------------------------------------------------ events

def test_event_matching_by_cameo_root_plover_and_target(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(actors=["United States", "Nordland", "Baltia", "Ivo Márkov"], events=[
        {"type": "threaten_sanctions", "source": "United States", "target": "Nordland"},   # E1
        {"type": "impose_sanctions", "source": "U.S.", "target": "Baltia"},                # E2 (gold by alias)
        {"type": "visit", "source": "Ivo Márkov"},                                         # E3: no target in gold
        {"type": "criticize", "source": "Ivo Márkov", "target": "Nordland"},               # E4
        {"type": "express_support", "source": "Nordland", "target": "United States", "optional": True},  # E5
        {"type": "cooperate", "source": "Baltia", "target": "Nordland", "optional": True},  # E6, not emitted
    ])})
    package = write_package(tmp_path / "pkg", articles=[article("a1")], events=[
        event("a1", 1, "us", "nordland", cameo="1312"),                      # E1 by CAMEO root 13
        event("a1", 2, "us", "baltia", plover="SANCTION"),                   # E2 by PLOVER type alone
        event("a1", 3, "markov", "baltia", cameo="042", plover="CONSULT"),   # E3: any target will do
        event("a1", 4, "markov", "baltia", cameo="111", plover="DISAPPROVE"),  # E4's type, wrong target: fp
        event("a1", 5, "nordland", "us", cameo="051", plover="SUPPORT"),     # optional E5: neutral
        event("a1", 6, "us", "nordland", cameo="130", plover="THREATEN"),    # E1 again: one-to-one, fp
        event("a1", 7, "us", "nordland", cameo="120", plover="REJECT"),      # no gold of this type: fp
        event("a1", 8, None, "nordland", cameo="163", plover="SANCTION"),    # no source: fp
    ])
    report = score(package, [gold])
    assert (report.events.tp, report.events.fp, report.events.fn) == (3, 4, 1)
    types = {k: (c.tp, c.fp, c.fn) for k, c in report.event_types.items()}
    assert types["threaten_sanctions"] == (1, 1, 0)       # e6 is a threat left unmatched
    assert types["impose_sanctions"] == (1, 1, 0)         # e8
    assert types["visit"] == (1, 0, 0)
    assert types["criticize"] == (0, 1, 1)                # e4
    assert types["express_concern"] == (0, 2, 0)          # e4 (11) and e6 (13) fit it too
    assert types["reject"] == (0, 1, 0)
    assert sum(report.modality["matched optional"].values()) == 1
    assert sum(report.modality["false positive"].values()) == 4
    assert ["criticize, Ivo Márkov → Nordland"] == [m.detail for m in report.misses if m.category == "event_missing"]


def test_event_matching_is_a_maximum_matching(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(actors=["United States", "Nordland"], events=[
        {"type": "express_concern", "source": "United States", "target": "Nordland"},   # accepts roots 11 and 13
        {"type": "criticize", "source": "United States", "target": "Nordland"},         # accepts root 11 only
    ])})
    package = write_package(tmp_path / "pkg", articles=[article("a1")], events=[
        event("a1", 1, "us", "nordland", cameo="112"),   # first in row order: a greedy pass gives it to express_concern
        event("a1", 2, "us", "nordland", cameo="138"),
    ])
    report = score(package, [gold])
    assert (report.events.tp, report.events.fp, report.events.fn) == (2, 0, 0)


def test_required_gold_events_take_precedence_over_optional(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(actors=["United States", "Nordland"], events=[
        {"type": "threaten_sanctions", "source": "United States", "target": "Nordland", "optional": True},
        {"type": "threaten_sanctions", "source": "United States"},
    ])})
    package = write_package(tmp_path / "pkg", articles=[article("a1")], events=[event("a1", 1, "us", "nordland", cameo="130")])
    report = score(package, [gold])
    assert (report.events.tp, report.events.fp, report.events.fn) == (1, 0, 0)


def test_event_dates_cover_and_precision(tmp_path):
    gold_events, package_events = [], []
    cases = [   # gold date, precision, package start, end, precision, right?
        ("2019-10", "month", D(2019, 10, 1), D(2019, 10, 31), "month", True),    # equals the month
        ("2019-10", "month", D(2019, 9, 15), D(2019, 10, 31), "month", True),    # contains the whole month
        ("2019-10", "month", D(2019, 10, 5), D(2019, 10, 5), "day", False),      # a day inside: neither covers nor same precision
        ("2019-10", "month", D(2019, 10, 1), D(2019, 10, 30), "month", False),   # misses the 31st
        ("2020-03-04", "day", D(2020, 3, 1), D(2020, 3, 31), "month", False),    # covers, precision differs
        ("2020-03-04", "day", D(2020, 3, 4), D(2020, 3, 4), "day", True),
        ("2018", "year", D(2018, 1, 1), D(2018, 12, 31), "year", True),
        ("2020-05-05", "day", None, None, "unknown", False),                     # undated package event
    ]
    targets = ["nordland", "baltia", "fleet", "markov"]
    names = {"nordland": "Nordland", "baltia": "Baltia", "fleet": "Baltic Fleet", "markov": "Ivo Márkov"}
    for i, (date, precision, start, end, got, _) in enumerate(cases):
        source, target = ("us", "trade")[i // 4], targets[i % 4]
        gold_events.append({"type": "impose_sanctions", "source": {"us": "United States", "trade": "Ministry of Trade (Nordland)"}[source],
                            "target": names[target], "date": date, "date_precision": precision})
        package_events.append(event("a1", i, source, target, plover="SANCTION", start=start, end=end, precision=got))
    # an optional dated event matched with a wrong date counts only in the figure with optional events
    gold_events.append({"type": "visit", "source": "United States", "date": "2021", "date_precision": "year", "optional": True})
    package_events.append(event("a1", 99, "us", None, cameo="040", start=D(2021, 6, 1), end=D(2021, 6, 30), precision="month"))
    # an undated gold event's package date is not scored
    gold_events.append({"type": "reject", "source": "Nordland"})
    package_events.append(event("a1", 100, "nordland", None, cameo="120", start=D(1999, 1, 1), end=D(1999, 1, 1), precision="day"))
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(events=gold_events)})
    report = score(write_package(tmp_path / "pkg", articles=[article("a1")], events=package_events), [gold])
    assert (report.events.tp, report.events.fp, report.events.fn) == (9, 0, 0)
    assert (report.dates.right, report.dates.total) == (sum(c[-1] for c in cases), len(cases)) == (4, 8)
    assert (report.dates_with_optional.right, report.dates_with_optional.total) == (4, 9)
    assert len([m for m in report.misses if m.category == "date"]) == 5


def test_match_prefers_the_rightly_dated_candidate(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(events=[
        {"type": "impose_sanctions", "source": "United States", "target": "Nordland", "date": "2019-10", "date_precision": "month"}])})
    package = write_package(tmp_path / "pkg", articles=[article("a1")], events=[
        event("a1", 1, "us", "nordland", plover="SANCTION"),
        event("a1", 2, "us", "nordland", plover="SANCTION", start=D(2019, 10, 1), end=D(2019, 10, 31), precision="month"),
    ])
    report = score(package, [gold])
    assert (report.events.tp, report.events.fp, report.dates.right, report.dates.total) == (1, 1, 1, 1)


def test_events_at_dyad_level_accept_another_actor_of_the_same_country(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(
        actors=["United States", "Nordland", "Baltia", "Ivo Márkov", "Ministry of Trade (Nordland)"], events=[
            {"type": "criticize", "source": "Ivo Márkov", "target": "Baltia"},              # by Nordland: same country
            {"type": "visit", "source": "Nordland", "target": "United States"},              # by the trade ministry: same country
            {"type": "impose_sanctions", "source": "United States", "target": "Baltia"},     # by the fleet: no country
            {"type": "threaten_sanctions", "source": "Baltia", "target": "Nordland"},       # by the US: another country
            {"type": "reject", "source": "Nordland", "target": "Ivo Márkov"},               # exact: both levels
        ])})
    package = write_package(tmp_path / "pkg", articles=[article("a1")], events=[
        event("a1", 1, "nordland", "baltia", cameo="111"),
        event("a1", 2, "trade", "us", cameo="042"),
        event("a1", 3, "fleet", "baltia", plover="SANCTION"),
        event("a1", 4, "us", "nordland", cameo="130"),
        event("a1", 5, "nordland", "markov", cameo="120"),
        event("a1", 6, "markov", "baltia", cameo="042"),   # Nordland's visit by its minister, but to the wrong country
    ])
    report = score(package, [gold])
    assert (report.events.tp, report.events.fp, report.events.fn) == (1, 5, 4)
    assert (report.events_dyad.tp, report.events_dyad.fp, report.events_dyad.fn) == (3, 3, 2)
    assert report.per_article["a1"].events_dyad.tp == 3
    assert report.to_dict()["events_dyad"]["recall"] == 0.6
    assert "| events at dyad level (same actor or same country) | 3 | 3 | 2 | 0.60 | 0.50 |" in report.to_markdown()


# ------------------------------------------------------------------------------------------ samples

SAMPLES = """\
samples:
  - key: tuned
    name: "original {n} (tuned on)"
    gold: dev
    articles: [t2, t1]
  - key: untuned
    name: "{n} added later (untuned)"
    gold: dev
    articles: rest
  - key: team
    name: "{n} team-annotated"
    gold: team
"""


def sample_gold(tmp_path: Path) -> tuple[Path, Path]:
    """Two gold directories: four articles in `dev` (two tuned on), one in `team`."""
    visit = [{"type": "visit", "source": "Nordland"}]
    dev = write_gold(tmp_path / "dev", {name: gold_article(actors=["Nordland"], events=visit) for name in ("t1", "t2", "u1", "u2")})
    team = write_gold(tmp_path / "team", {"k1": gold_article(actors=["Baltia"], events=[{"type": "reject", "source": "Baltia"}])})
    (tmp_path / "samples.yaml").write_text(SAMPLES, encoding="utf-8")
    return dev, team


def test_samples_are_read_from_data_and_scored_apart(tmp_path):
    dev, team = sample_gold(tmp_path)
    samples = load_samples(tmp_path / "samples.yaml", tmp_path)
    assert [(s.key, s.name, s.articles) for s in samples] == [
        ("tuned", "original 2 (tuned on)", ["t1", "t2"]),
        ("untuned", "2 added later (untuned)", ["u1", "u2"]),   # every other article of dev/gold.yaml
        ("team", "1 team-annotated", ["k1"]),                   # all of team/gold.yaml
    ]
    # the rules find every tuned event, one untuned event, and invent one on an untuned text
    package = write_package(tmp_path / "pkg", articles=[article(a) for a in ("t1", "t2", "u1", "u2", "k1")],
                            mentions=[(a, "nordland") for a in ("t1", "t2", "u1", "u2")] + [("k1", "baltia")],
                            events=[event("t1", 1, "nordland", None, cameo="040"), event("t2", 1, "nordland", None, cameo="042"),
                                    event("u1", 1, "nordland", None, cameo="043"), event("u2", 1, "us", None, cameo="040")])
    apart = {s.key: score(package, [dev, team], s.articles) for s in samples}
    assert {k: (r.events.tp, r.events.fp, r.events.fn) for k, r in apart.items()} == {
        "tuned": (2, 0, 0), "untuned": (1, 1, 1), "team": (0, 0, 1)}
    assert {k: r.articles for k, r in apart.items()} == {"tuned": ["t1", "t2"], "untuned": ["u1", "u2"], "team": ["k1"]}
    assert [r.events.recall for r in apart.values()] == [1.0, 0.5, 0.0]
    whole = score(package, [dev, team])
    assert (whole.events.tp, whole.events.fp, whole.events.fn) == (3, 1, 2)  # the samples add up to the whole
    with pytest.raises(KeyError, match="u3"):
        score(package, [dev, team], ["u1", "u3"])


@pytest.mark.parametrize("change, message", [
    (("articles: [t2, t1]", "articles: [t2, t1, x9]"), "'x9' is not in dev/gold.yaml"),
    (("articles: rest", "articles: [t1]"), "'t1' is in samples 'tuned' and 'untuned'"),
    (("key: team", "key: tuned"), "sample key 'tuned' is used twice"),
    (("gold: team", "gold: nowhere"), "no "),
])
def test_sample_files_that_cannot_be_taken_at_face_value_are_refused(tmp_path, change, message):
    sample_gold(tmp_path)
    (tmp_path / "samples.yaml").write_text(SAMPLES.replace(*change), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        load_samples(tmp_path / "samples.yaml", tmp_path)


def test_the_repository_samples_list_the_readme_tuned_texts():
    """benchmarks/samples.yaml names the 14 texts the dev-articles README says the rules were tuned on."""
    spec = yaml.safe_load((Path(__file__).resolve().parents[1] / "benchmarks" / "samples.yaml").read_text(encoding="utf-8"))
    tuned = next(s for s in spec["samples"] if s["key"] == "tuned")
    assert len(tuned["articles"]) == len(set(tuned["articles"])) == 14
    assert {s["key"]: s.get("articles") for s in spec["samples"]}.get("untuned") == "rest"
    readme = Path(__file__).resolve().parents[2] / "shared" / "dev-articles" / "README.md"
    if readme.is_file():
        listed = readme.read_text(encoding="utf-8").split("rules were developed against them:")[1].split(")")[0]
        assert sorted(tuned["articles"]) == sorted(a.strip() for a in listed.replace("\n", " ").split(","))


# ------------------------------------------------------------------------------------------ report

def test_only_gold_articles_are_scored_and_missing_articles_count(tmp_path):
    gold = write_gold(tmp_path / "gold", {
        "a1": gold_article(actors=["Nordland"]),
        "gone": gold_article(actors=["Baltia"], quotes=[{"text": Q2, "speaker": "Baltia"}],
                             events=[{"type": "visit", "source": "Baltia"}]),
    })
    package = write_package(tmp_path / "pkg", articles=[article("a1"), article("other", title="x")],
                            mentions=[("a1", "nordland"), ("other", "fleet")],
                            events=[event("other", 1, "fleet", None, cameo="040")])
    report = score(package, [gold])
    assert report.articles == ["a1", "gone"]
    assert (report.actors.tp, report.actors.fp, report.actors.fn) == (1, 0, 1)
    assert (report.quotes.tp, report.quotes.fn, report.events.fp, report.events.fn) == (0, 1, 0, 1)
    assert (report.metadata_all_fields.right, report.metadata_all_fields.total) == (6, 12)
    assert [m.article_id for m in report.misses if m.category == "article"] == ["gone"]


def test_report_renders_markdown_and_json(tmp_path):
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(title="Alpha", actors=["Nordland"],
                                                             events=[{"type": "visit", "source": "Nordland"}])})
    package = write_package(tmp_path / "pkg", articles=[article("a1", title="Beta")], mentions=[("a1", "fleet")])
    report = score(package, [gold])
    markdown = report.to_markdown()
    assert "| actors | 0 | 1 | 1 | 0.00 | 0.00 |" in markdown
    assert "| events | 0 | 0 | 1 | 0.00 | n/a |" in markdown
    assert "- `a1`: title: gold 'Alpha', package 'Beta'" in markdown
    assert "- `a1`: 'Baltic Fleet' (actor_id fleet)" in markdown
    assert "- `a1`: visit, Nordland" in markdown
    assert markdown.index("## Summary") < markdown.index("## Misses")
    data = json.loads(json.dumps(report.to_dict()))
    assert data["actors"] == {"tp": 0, "fp": 1, "fn": 1, "recall": 0.0, "precision": 0.0}
    assert data["metadata"]["fields"]["title"] == {"right": 0, "total": 1, "accuracy": 0.0}
    assert {m["category"] for m in data["misses"]} == {"metadata", "actor_missing", "actor_fp", "event_missing"}


def test_scorer_reads_no_offset_columns(tmp_path):
    """A package whose Parquet files also hold offsets (under either naming) scores the same."""
    gold = write_gold(tmp_path / "gold", {"a1": gold_article(quotes=[{"text": Q2, "speaker": "Nordland"}])})
    package = write_package(tmp_path / "pkg", articles=[article("a1")], quotes=[quote("a1", 1, Q2, "nordland")])
    path = package / "datapackage" / "parquet" / "quotes.parquet"
    table = pq.read_table(path)
    pq.write_table(table.append_column("start_char", pa.array([0])).append_column("end_char", pa.array([len(Q2)])), path)
    report = score(package, [gold])
    assert (report.quotes.tp, report.speakers.right) == (1, 1)


def test_score_command_builds_the_texts_and_scores_them(tmp_path):
    """`python -m builders score GOLD_DIR` builds the seeds plus the folder's texts in a temporary
    root (the repository is untouched) and scores the package."""
    from conftest import make_repo, run_cli

    root = make_repo(tmp_path / "repo")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "own-note.txt").write_text(
        "Nordland warns Baltia\n\nBy Ana Kern\n\nNordland's foreign minister Ivo Markov said on Monday that Serbia "
        "should not buy the S-400 from Russia.\n", encoding="utf-8")
    (gold_dir / "actors.yaml").write_text(yaml.safe_dump({"Serbia": ["Belgrade"], "Russia": ["Moscow"], "Ivo Markov": []}), encoding="utf-8")
    (gold_dir / "gold.yaml").write_text(yaml.safe_dump({"articles": {"own-note": {
        "title": "Nordland warns Baltia", "authors": ["Ana Kern"], "publisher": None, "published": None,
        "quotes": [], "actors": ["Serbia", "Russia"], "actors_optional": ["Ivo Markov"], "events": []}}}), encoding="utf-8")
    result = run_cli(root, "score", str(gold_dir), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == ["own-note"]
    assert report["actors"]["tp"] == 2 and report["actors"]["fn"] == 0
    assert report["metadata"]["fields"]["title"]["right"] == 1
    assert not (root / "seeds" / "articles" / "own-note.txt").exists()


def test_the_history_table_has_a_row_per_label_and_sample(tmp_path):
    """benchmarks/quality.py: each sample of a run is its own row with its article count; an entry
    recorded before samples were reported apart is marked as the old 18-article sample (and the seeds'
    events it held are a row of their own)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("quality_harness", Path(__file__).resolve().parents[1] / "benchmarks" / "quality.py")
    harness = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(harness)
    dev, team = sample_gold(tmp_path)
    package = write_package(tmp_path / "pkg", articles=[article(a) for a in ("t1", "t2", "u1", "u2", "k1")],
                            mentions=[("t1", "nordland")], events=[event("t1", 1, "nordland", None, cameo="040")])
    old = {"articles": 18, "metadata": 1.0, "actors": [0.97, 1.0], "quotes": [1.0, 1.0], "speakers": 0.9,
           "events": [0.88, 0.88], "event_dates": 0.9, "seed_events": [0.48, 0.55]}
    new = {s.key: harness.summary(s.name, score(package, [dev, team], s.articles))
           for s in load_samples(tmp_path / "samples.yaml", tmp_path)}
    table = harness.history_table({"old run": old, "new run": new}).splitlines()
    assert len(table) == 2 + 2 + 3
    assert table[2].startswith("| old run | 18 articles: original 14 + 4 team-annotated (recorded before samples were reported apart) | 18 |")
    assert "| 0.88 / 0.88 |" in table[2]
    assert table[3].startswith("| old run | seeds' curated events (5 seed articles, rules only) | 5 |") and "| 0.48 / 0.55 |" in table[3]
    assert table[4].startswith("| new run | original 2 (tuned on) | 2 | 2 |")     # articles, then required gold events
    assert table[5].startswith("| new run | 2 added later (untuned) | 2 | 2 |")
    assert table[6].startswith("| new run | 1 team-annotated | 1 | 1 |")
    assert "| 0.50 / 1.00 | 0.50 / 1.00 |" in table[4]   # events, then events at dyad level
