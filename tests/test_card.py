"""The card's pictures: the actor graph names every actor without two names overlapping (measured
with matplotlib's renderer), the timeline's title says how many events it can place, and both SVG
files are the same bytes for the same rows."""

from __future__ import annotations

import datetime as dt
import json
from itertools import combinations
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from builders.cache import Cache
from builders.engine import Options
from builders.pipeline import build
from builders.publish.card import (
    HELD_OUT,
    LABEL_GID,
    MAX_GRAPH_ACTORS,
    MAX_LABELLED_EVENTS,
    PICTURE_STYLE,
    QUALITY_HISTORY,
    _records,
    actor_graph_figure,
    draw_pictures,
    dyad_table,
    gaps,
    measured_quality,
    read_measured_quality,
    timeline_figure,
)
from builders.schema.layout import ACTOR_GRAPH, TIMELINE, parquet_path
from builders.schema.models import Actor, Article, Event
from conftest import REPO, make_repo

EVENT_FIELDS = ("event_id", "event_type", "source_actor_id", "target_actor_id", "modality", "date_start", "date_end", "date_precision")


def event(n: int, source: str | None, target: str | None, start: dt.date | None = None, end: dt.date | None = None,
          event_type: str = "threaten_sanctions") -> SimpleNamespace:
    return SimpleNamespace(event_id=f"e{n:04d}", event_type=event_type, source_actor_id=source, target_actor_id=target,
                           modality="asserted", date_start=start, date_end=end, date_precision="day" if start or end else "unknown")


def crowded() -> tuple[dict[str, str], list[SimpleNamespace]]:
    """More actors than the graph shows, half with long names, everyone acting on the hub, the hub
    on everyone, neighbours on each other, and a pair apart from the rest acting both ways: on a
    ring (the old layout) their names run into each other."""
    names = {f"a{i:02d}": f"Ministry of Defence and Foreign Affairs of Country {i:02d}" if i % 2 else f"Agency {i:02d}"
             for i in range(MAX_GRAPH_ACTORS + 6)}
    names |= {"hub": "Serbia", "p1": "Foundation for Defense of Democracies", "p2": "Embassy of the United States, Belgrade"}
    ids = sorted(names)
    events, n = [], 0
    for i, actor in enumerate(ids):
        if actor in ("hub", "p1", "p2"):
            continue
        for pair in [(actor, "hub")] * (1 + i % 3) + [("hub", actor), (actor, ids[(i + 1) % len(ids)])]:
            events.append(event(n := n + 1, *pair))
    events += [event(n + i, *pair) for i, pair in enumerate([("p1", "p2")] * 5 + [("p2", "p1")] * 2, start=1)]
    return names, events


def label_boxes(fig) -> dict[str, object]:
    """Each actor name's box in display pixels, measured by the figure's renderer."""
    renderer = fig.canvas.get_renderer()
    return {t.get_text(): t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_gid() == LABEL_GID}


def overlaps(boxes: dict[str, object]) -> list[tuple[str, str]]:
    return [(a, b) for (a, box_a), (b, box_b) in combinations(sorted(boxes.items()), 2) if box_a.overlaps(box_b)]


def outside(fig, boxes: dict[str, object]) -> list[str]:
    page = fig.bbox
    return [name for name, b in boxes.items() if not (page.x0 <= b.x0 and b.x1 <= page.x1 and page.y0 <= b.y0 and b.y1 <= page.y1)]


def test_no_two_actor_names_overlap_on_a_crowded_graph():
    import matplotlib.pyplot as plt

    names, events = crowded()
    fig = actor_graph_figure(names, events)
    try:
        boxes = label_boxes(fig)
        assert len(boxes) == MAX_GRAPH_ACTORS  # every shown actor is named, once
        assert "Serbia" in boxes
        assert overlaps(boxes) == []
        assert outside(fig, boxes) == []
        assert f"the {MAX_GRAPH_ACTORS} most involved of {len(names)} actors" in fig.axes[0].get_title()
    finally:
        plt.close(fig)


def test_no_two_actor_names_overlap_on_the_seeds_graph(built_repo):
    import matplotlib.pyplot as plt

    tables = {model.resource_name: pq.read_table(built_repo / parquet_path(model)) for model in (Actor, Event)}
    names = {a.actor_id: a.name for a in _records(tables, "actors", ["actor_id", "name"])}
    fig = actor_graph_figure(names, _records(tables, "events", list(EVENT_FIELDS)))
    try:
        boxes = label_boxes(fig)
        assert {"Serbia", "Russia", "United States"} <= set(boxes)
        assert overlaps(boxes) == [] and outside(fig, boxes) == []
    finally:
        plt.close(fig)


def test_the_graph_svg_is_the_same_bytes_every_time(tmp_path):
    import matplotlib.pyplot as plt

    names, events = crowded()
    files = []
    for i in range(2):
        with plt.rc_context(PICTURE_STYLE):
            fig = actor_graph_figure(names, events)
            fig.savefig(tmp_path / f"{i}.svg", format="svg", metadata={"Date": None})
            plt.close(fig)
        files.append((tmp_path / f"{i}.svg").read_bytes())
    assert files[0] == files[1]
    assert b"Serbia" in files[0]


def test_draw_pictures_writes_the_same_files_from_the_same_rows(tmp_path):
    names, events = crowded()
    tables = {
        "actors": pa.table({"actor_id": list(names), "name": list(names.values())}),
        "events": pa.table({f: [getattr(e, f) for e in events] for f in EVENT_FIELDS}),
    }
    outs = [tmp_path / "one", tmp_path / "two"]
    for out in outs:
        (out / "datapackage").mkdir(parents=True)
        draw_pictures(tables, out)
    for picture in (TIMELINE, ACTOR_GRAPH):
        assert (outs[0] / picture).read_bytes() == (outs[1] / picture).read_bytes()
        assert b"<dc:date" not in (outs[0] / picture).read_bytes()  # no build time in the file


@pytest.mark.parametrize("dated, undated", [(4, 2), (0, 3), (MAX_LABELLED_EVENTS + 5, 7)])
def test_the_timeline_title_says_how_many_events_are_dated(dated, undated):
    import matplotlib.pyplot as plt

    day = dt.date(2020, 2, 1)
    events = [event(i, "a", "b", day + dt.timedelta(days=i), day + dt.timedelta(days=i + (i % 3))) for i in range(dated - 1)]
    events += [event(dated, "a", None, None, day)] if dated else []  # only its end is known: still placed
    events += [event(1000 + i, "a", "b") for i in range(undated)]
    fig = timeline_figure({"a": "Alpha", "b": "Beta"}, events)
    try:
        assert fig.axes[0].get_title().startswith(f"{dated} of {dated + undated} events dated")
    finally:
        plt.close(fig)


def test_pictures_of_equal_rows_come_from_the_cache_and_new_rows_are_drawn(tmp_path, monkeypatch):
    from builders.publish import card

    names, events = crowded()
    columns = {f: [getattr(e, f) for e in events] for f in EVENT_FIELDS}
    tables = {"actors": pa.table({"actor_id": list(names), "name": list(names.values())}), "events": pa.table(columns)}
    cache = Cache(tmp_path / ".cache", "pictures")
    first, again, changed = (tmp_path / name for name in ("first", "again", "changed"))
    for out in (first, again, changed):
        (out / "datapackage").mkdir(parents=True)
    draw_pictures(tables, first, cache)
    drawn = []
    real = card._picture_values  # read from the rows whenever the pictures are drawn (here or in a forked process)
    monkeypatch.setattr(card, "_picture_values", lambda t: drawn.append(1) or real(t))
    rechunked = {name: pa.concat_tables([t.slice(0, 3), t.slice(3)]) for name, t in tables.items()}  # equal values, other buffers
    draw_pictures(rechunked, again, cache)
    assert drawn == []
    for picture in (TIMELINE, ACTOR_GRAPH):
        assert (again / picture).read_bytes() == (first / picture).read_bytes()
    columns["source_actor_id"], columns["target_actor_id"] = columns["target_actor_id"], columns["source_actor_id"]
    draw_pictures({**tables, "events": pa.table(columns)}, changed, cache)
    assert drawn == [1]
    assert (changed / ACTOR_GRAPH).read_bytes() != (first / ACTOR_GRAPH).read_bytes()


def test_a_damaged_picture_cache_is_drawn_again(tmp_path, monkeypatch):
    from builders.publish import card

    names, events = crowded()
    tables = {"actors": pa.table({"actor_id": list(names), "name": list(names.values())}),
              "events": pa.table({f: [getattr(e, f) for e in events] for f in EVENT_FIELDS})}
    cache = Cache(tmp_path / ".cache", "pictures")
    outs = [tmp_path / "one", tmp_path / "two"]
    for out in outs:
        (out / "datapackage").mkdir(parents=True)
    draw_pictures(tables, outs[0], cache)
    entry = cache.path(card.PICTURES, name=card.PICTURES)
    data = bytearray(entry.read_bytes())
    data[-10] ^= 0xFF  # a flipped byte inside the stored SVG
    entry.write_bytes(bytes(data))
    drawn = []
    real = card._picture_values  # read from the rows whenever the pictures are drawn (here or in a forked process)
    monkeypatch.setattr(card, "_picture_values", lambda t: drawn.append(1) or real(t))
    draw_pictures(tables, outs[1], cache)
    assert drawn == [1]
    assert (outs[1] / TIMELINE).read_bytes() == (outs[0] / TIMELINE).read_bytes()


def test_pictures_drawn_by_a_forked_process_or_in_a_thread_are_the_same_files(tmp_path, monkeypatch):
    import threading

    from builders.publish import card

    names, events = crowded()
    tables = {"actors": pa.table({"actor_id": list(names), "name": list(names.values())}),
              "events": pa.table({f: [getattr(e, f) for e in events] for f in EVENT_FIELDS})}
    forked, threaded = tmp_path / "forked", tmp_path / "threaded"
    forks = []
    real_fork = card._fork_drawing
    monkeypatch.setattr(card, "_fork_drawing", lambda *a: forks.append(1) or real_fork(*a))
    card.start_pictures(tables, forked)()
    assert forks == [1]  # one thread here: forked
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        card.start_pictures(tables, threaded)()  # another thread runs: never forked
    finally:
        stop.set()
        other.join()
    assert forks == [1]
    for picture in (TIMELINE, ACTOR_GRAPH):
        assert (forked / picture).read_bytes() == (threaded / picture).read_bytes()


def test_a_failed_forked_drawing_is_drawn_again_here_and_raises_its_error(tmp_path, monkeypatch):
    from builders.publish import card

    names, events = crowded()
    tables = {"actors": pa.table({"actor_id": list(names), "name": list(names.values())}),
              "events": pa.table({f: [getattr(e, f) for e in events] for f in EVENT_FIELDS})}

    def broken(names, events):
        raise ValueError("a picture that cannot be drawn")

    monkeypatch.setattr(card, "_figures", broken)
    wait = card.start_pictures(tables, tmp_path)
    with pytest.raises(ValueError, match="cannot be drawn"):
        wait()


# ------------------------------------------------------------------------------------------ what rule rows are worth

def _rp(pair) -> str:
    return " / ".join("n/a" if v is None else f"{v:.2f}" for v in pair)


def test_the_card_says_first_what_rule_rows_are_worth_on_text_the_rules_were_not_tuned_on(built_repo):
    """Near its top, before the coverage: the untuned dev texts, the project's held-out set and the
    seeds' curated events, each with its size, the tuned figures labelled as such; and the undated
    events and articles without provenance, counted from the tables."""
    card = (built_repo / "datapackage" / "README.md").read_text(encoding="utf-8")
    top = card.split("## Coverage")[0]
    assert "## Rule rows are automatic: what they are worth" in top
    label, run = next((label, run) for label, run in reversed(json.loads((REPO / QUALITY_HISTORY).read_text(encoding="utf-8")).items())
                      if "untuned" in run)
    untuned, tuned, seeds = run["untuned"], run["tuned"], run["seeds"]
    assert (f"| **not tuned on:** {untuned['articles']} development texts added after the rules were written | {untuned['articles']} | "
            f"{_rp(untuned['events'])} | {untuned['speakers']:.2f} | {_rp(untuned['actors'])} | {untuned['metadata']:.2f} |") in top
    held = json.loads((REPO / HELD_OUT).read_text(encoding="utf-8"))
    assert (f"| **not tuned on:** the project's hidden held-out set, 25 unseen articles about Serbia (scored by the project's "
            f"harness at commit 98e5018) | 25 | 0.29 / 0.59 | 0.80 | 0.89 / n/a | 0.89 |") in top
    assert held["events"] == [0.29, 0.59]
    assert f"rules only against the {seeds['gold_events']} events a person curated for the seed articles" in top
    assert f"| 5 | {_rp(seeds['events'])} |" in top
    assert (f"| *tuned on, for comparison:* the original {tuned['articles']} development texts the rules were developed against | "
            f"{tuned['articles']} | {_rp(tuned['events'])} |") in top
    assert top.index("**not tuned on:**") < top.index("*tuned on, for comparison:*")
    assert f"run `{label}`" in top
    events = pq.read_table(built_repo / parquet_path(Event), columns=["date_start", "date_end", "method"]).to_pylist()
    undated = [e for e in events if e["date_start"] is None and e["date_end"] is None]
    assert len(events) == 50 and all(e["method"] == "curated" for e in events)
    assert f"- **Dates:** {len(undated)} of 50 events have no date (no rule events; {len(undated)} of 50 curated)." in top
    articles = pq.read_table(built_repo / parquet_path(Article), columns=["url", "retrieved_date"]).to_pylist()
    lacking = sum(1 for a in articles if a["url"] is None or a["retrieved_date"] is None)
    assert (f"- **Provenance:** {lacking} of 5 articles lack an address (url) or the day it was retrieved "
            f"({sum(a['url'] is None for a in articles)} without url, {sum(a['retrieved_date'] is None for a in articles)} "
            "without retrieved_date).") in top


def test_measured_quality_quotes_the_latest_run_that_scored_the_samples_apart(tmp_path):
    sample = {"articles": 20, "metadata": 0.9, "actors": [0.8, 0.95], "speakers": 0.7, "events": [0.4, 0.5], "events_dyad": [0.45, 0.55]}
    (tmp_path / "benchmarks").mkdir()
    history = tmp_path / QUALITY_HISTORY
    history.write_text(json.dumps({
        "old": {"articles": 18, "events": [0.88, 0.88]},                       # recorded before samples were apart
        "split": {"tuned": {**sample, "articles": 14, "events": [0.9, 0.9]}, "untuned": sample,
                  "seeds": {"articles": 5, "gold_events": 50, "events": [0.48, 0.55]}},
        "later, seeds only": {"seeds": {"articles": 5, "gold_events": 50, "events": [0.5, 0.6]}},
    }), encoding="utf-8")
    held_out = tmp_path / HELD_OUT
    held_out.write_text(json.dumps({"name": "a hidden set", "articles": 7, "about": "unseen texts", "scored_by": "someone",
                                    "events": [0.1, 0.2], "speakers": 0.3, "actors": [0.4, None], "metadata": 0.5}), encoding="utf-8")
    lines = measured_quality(read_measured_quality(tmp_path))
    rows = [line for line in lines if line.startswith("| **") or line.startswith("| *")]
    assert rows == [
        "| **not tuned on:** 20 development texts added after the rules were written | 20 | 0.40 / 0.50 | 0.70 | 0.80 / 0.95 | 0.90 |",
        "| **not tuned on:** a hidden set, 7 unseen texts (scored by someone) | 7 | 0.10 / 0.20 | 0.30 | 0.40 / n/a | 0.50 |",
        "| **not tuned on:** rules only against the 50 events a person curated for the seed articles (another annotator; "
        "not exhaustive, so P is a lower bound) | 5 | 0.48 / 0.55 | n/a | n/a / n/a | n/a |",
        "| *tuned on, for comparison:* the original 14 development texts the rules were developed against | 14 | 0.90 / 0.90 | 0.70 | "
        "0.80 / 0.95 | 0.90 |",
    ]
    assert any("events R / P on the 20 untuned texts are 0.45 / 0.55" in line for line in lines)
    assert lines[-1] == "Figures from `benchmarks/QUALITY.md` (run `split`) and `benchmarks/held-out-quality.json`."
    assert measured_quality(read_measured_quality(tmp_path / "absent")) == [
        "Not measured in this checkout of the builders (see `benchmarks/quality.py`)."]
    history.unlink()
    only_held_out = measured_quality(read_measured_quality(tmp_path))
    assert len([line for line in only_held_out if line.startswith("| **")]) == 1


def test_the_card_quotes_the_figures_of_the_checkout_it_builds(tmp_path):
    """The build reads benchmarks/ of the repository it builds (not of wherever the builders are
    installed: a wheel has none), and a repository without them says so."""
    root = make_repo(tmp_path / "repo")
    (root / HELD_OUT).unlink()
    sample = {"articles": 3, "metadata": 0.11, "actors": [0.12, 0.13], "speakers": 0.14, "events": [0.15, 0.16]}
    (root / "benchmarks" / "quality-history.json").write_text(json.dumps({"this checkout's run": {"untuned": sample}}), encoding="utf-8")
    assert [str(p) for p in build(root, Options(workers=1, use_cache=False)) if p.severity == "error"] == []
    card = (root / "datapackage" / "README.md").read_text(encoding="utf-8")
    assert "| **not tuned on:** 3 development texts added after the rules were written | 3 | 0.15 / 0.16 | 0.14 | 0.12 / 0.13 | 0.11 |" in card
    assert "run `this checkout's run`" in card and "held-out-quality.json" not in card

    (root / "benchmarks" / "quality-history.json").unlink()
    assert [str(p) for p in build(root, Options(workers=1, use_cache=False)) if p.severity == "error"] == []
    card = (root / "datapackage" / "README.md").read_text(encoding="utf-8")
    assert "Not measured in this checkout of the builders (see `benchmarks/quality.py`)." in card


def test_gaps_count_undated_events_by_method_and_articles_without_provenance():
    day = dt.date(2020, 1, 2)
    events = [SimpleNamespace(date_start=None, date_end=None, method="rule"),
              SimpleNamespace(date_start=None, date_end=day, method="rule"),      # one known end: dated
              SimpleNamespace(date_start=day, date_end=day, method="curated"),
              SimpleNamespace(date_start=None, date_end=None, method="curated"),
              SimpleNamespace(date_start=None, date_end=None, method="curated")]
    articles = [SimpleNamespace(url="https://example.org/a", retrieved_date=day),
                SimpleNamespace(url=None, retrieved_date=day),
                SimpleNamespace(url="https://example.org/c", retrieved_date=None),
                SimpleNamespace(url=None, retrieved_date=None)]
    assert gaps(articles, events) == [
        "- **Dates:** 3 of 5 events have no date (1 of 2 rule; 2 of 3 curated).",
        "- **Provenance:** 3 of 4 articles lack an address (url) or the day it was retrieved (2 without url, 2 without retrieved_date).",
    ]


def test_the_dyad_table_counts_events_by_country_pair_most_first_then_by_code():
    def events(*pairs):
        return [SimpleNamespace(source_country_iso3=source, target_country_iso3=target) for source, target in pairs]

    rows = dyad_table(events(("USA", "SRB"), (None, "SRB"), ("RUS", "SRB"), ("USA", "SRB"), ("SRB", None), ("RUS", "SRB"),
                             ("USA", "SRB"), ("CHN", "SRB")))
    assert rows[rows.index("| source country | target country | events |") + 2 :] == [
        "| USA | SRB | 3 |", "| RUS | SRB | 2 |", "| CHN | SRB | 1 |", "| SRB | — | 1 |", "| — | SRB | 1 |"]
    assert dyad_table(events(*reversed([("USA", "SRB"), ("USA", "SRB"), (None, "SRB"), ("CHN", "SRB")]))) == dyad_table(
        events(("USA", "SRB"), ("USA", "SRB"), (None, "SRB"), ("CHN", "SRB")))  # the rows' order does not matter
    many = dyad_table(events(*[(f"A{i:02d}", "SRB") for i in range(25)]))
    assert many[-1] == "| … 5 more dyads | | 5 |" and many[-2] == "| A19 | SRB | 1 |"
    assert dyad_table([]) == []


def test_the_card_counts_the_seeds_events_by_country_dyad(built_repo):
    text = (built_repo / "datapackage" / "README.md").read_text(encoding="utf-8")
    table = text[text.index("Events by country dyad") :].split("\n\n")[1].splitlines()
    events = pq.read_table(built_repo / "datapackage" / "parquet" / "events.parquet").to_pylist()
    usa_srb = sum(1 for e in events if (e["source_country_iso3"], e["target_country_iso3"]) == ("USA", "SRB"))
    assert table[:3] == ["| source country | target country | events |", "|---|---|---|", f"| USA | SRB | {usa_srb} |"]
    assert sum(int(row.rsplit("|", 2)[1]) for row in table[2:]) == len(events)


def test_the_card_prints_a_citation_to_paste_and_says_while_it_is_a_placeholder(built_repo, monkeypatch):
    from builders.publish import card
    from builders.schema import dataset

    text = (built_repo / "datapackage" / "README.md").read_text(encoding="utf-8")
    cite = text[text.index("## How to cite"):text.index("## Licences")]
    descriptor = json.loads((built_repo / "datapackage.json").read_text(encoding="utf-8"))
    assert dataset.citation().text(descriptor["created"][:4], descriptor["version"]) in cite
    assert "placeholders until the project is published" in cite  # the committed metadata holds placeholders
    real = dataset.Citation(({"name": "Ana Petrović"},), ({"name": "Ana Petrović", "email": "ana@uni.rs"},), "https://github.com/a/b")
    monkeypatch.setattr(card, "citation", lambda: real)
    assert card._citation_lines(descriptor) == [
        f"Ana Petrović ({descriptor['created'][:4]}). *{descriptor['title']}* (version {descriptor['version']}) [Data set]. https://github.com/a/b"]


def test_the_card_says_what_each_source_record_says_of_its_text(built_repo):
    text = (built_repo / "datapackage" / "README.md").read_text(encoding="utf-8")
    (line,) = [line for line in text.splitlines() if line.startswith("- `004_09128b696d84389e`: ")]
    assert "machine-written copy" in line and "read from that address, not from the text" in line
    assert sum(1 for line in text.splitlines() if line.startswith("- `00")) == 5
