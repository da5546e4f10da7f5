"""The card's pictures: the actor graph names every actor without two names overlapping (measured
with matplotlib's renderer), the timeline's title says how many events it can place, and both SVG
files are the same bytes for the same rows."""

from __future__ import annotations

import datetime as dt
from itertools import combinations
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from builders.publish.card import (
    LABEL_GID,
    MAX_GRAPH_ACTORS,
    MAX_LABELLED_EVENTS,
    PICTURE_STYLE,
    _records,
    actor_graph_figure,
    draw_pictures,
    timeline_figure,
)
from builders.schema.layout import ACTOR_GRAPH, TIMELINE, parquet_path
from builders.schema.models import Actor, Event

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
    cache = tmp_path / "cache" / "pictures"
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
    cache = tmp_path / "pictures"
    outs = [tmp_path / "one", tmp_path / "two"]
    for out in outs:
        (out / "datapackage").mkdir(parents=True)
    draw_pictures(tables, outs[0], cache)
    data = bytearray(cache.read_bytes())
    data[-10] ^= 0xFF  # a flipped byte inside the stored SVG
    cache.write_bytes(bytes(data))
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
