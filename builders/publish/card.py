"""The dataset card (`datapackage/README.md`) and its two pictures, generated from the rows.

The card says what the data covers, how each table was made (curated vs rule rows, counted), the
data dictionary, known limitations, how to cite, the licences, and each article's source and
copyright line. The pictures are an event timeline and a who-acts-on-whom graph (SVG).
"""

from __future__ import annotations

from collections import Counter, namedtuple
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..schema.columns import plain
from ..schema.dataset import LIMITATIONS
from ..schema.formats import data_dictionary_markdown
from ..schema.layout import ACTOR_GRAPH, TIMELINE
from ..schema.models import RESOURCES

MAX_LABELLED_EVENTS = 60  # above this the timeline draws one row per event type, without labels
MAX_GRAPH_ACTORS = 30  # the graph shows the actors involved in the most events

CARD_TABLES = ("articles", "actors", "events")  # read in full by the card and the pictures


def card_input(name: str, table: pa.Table) -> pa.Table:
    """What the card needs of a table: the whole of CARD_TABLES; of the others, the row count and
    the `method` column (curated/rule counts)."""
    if name in CARD_TABLES or "method" not in table.column_names:
        return table
    return table.select(["method"])


def _records(tables: dict[str, pa.Table], name: str, cols: list[str]) -> list:
    """The named columns of a table as rows with attributes (enums as their strings), built column
    by column."""
    table = tables.get(name)
    if table is None:
        return []
    row = namedtuple(f"{name}_row", cols)
    return [row(*values) for values in zip(*(plain(table.column(c)).to_pylist() for c in cols), strict=True)]


QUALITY_HISTORY = Path(__file__).resolve().parents[2] / "benchmarks" / "quality-history.json"


def measured_quality(history: Path = QUALITY_HISTORY) -> str:
    """The latest figures of the quality harness (benchmarks/QUALITY.md), with their sample size."""
    import json

    if not history.is_file():
        return "Not measured in this checkout of the builders (see `benchmarks/quality.py`)."
    label, s = list(json.loads(history.read_text(encoding="utf-8")).items())[-1]

    def f(value) -> str:
        return "n/a" if value is None else f"{value:.2f}"

    return (
        f"Rules only, scored against hand annotations of {s['articles']} real articles that nobody on the project "
        f"wrote (the development set; `benchmarks/QUALITY.md`, run `{label}`): article metadata {f(s['metadata'])}; "
        f"actors recall {f(s['actors'][0])}, precision {f(s['actors'][1])}; quotes recall {f(s['quotes'][0])}, "
        f"precision {f(s['quotes'][1])}; speakers right on {f(s['speakers'])} of matched quotes; events recall "
        f"{f(s['events'][0])}, precision {f(s['events'][1])}. The sample is small and the rules were developed "
        "against it: expect lower figures on other articles."
    )


def card_markdown(tables: dict[str, pa.Table], descriptor: dict) -> str:
    articles = _records(tables, "articles", ["article_id", "publisher", "original_publisher", "published_date", "copyright_notice"])
    dates = sorted(a.published_date for a in articles if a.published_date)
    lines = [
        f"# {descriptor['title']}",
        "",
        f"Version {descriptor['version']}. {descriptor['description']}",
        "",
        "## Coverage",
        "",
        f"- {len(articles)} articles"
        + (f", published {dates[0].isoformat()} to {dates[-1].isoformat()}" if dates else "")
        + f" ({sum(1 for a in articles if not a.published_date)} without a date in the text).",
        f"- Publishers: {', '.join(sorted({a.publisher for a in articles if a.publisher})) or 'none stated'}.",
        "",
        "## How it was made",
        "",
        "Each row says who made it in `method`: `curated` (written by a person in `seeds/reference/` or "
        "`seeds/curation/`) or `rule` (the builders' rules, which also run on every new article).",
        "",
        "| resource | rows | curated | rule |",
        "|---|---|---|---|",
    ]
    for model in RESOURCES:
        table = tables.get(model.resource_name)
        count = table.num_rows if table is not None else 0
        if "method" in model.model_fields and table is not None:
            methods = {v["values"]: v["counts"] for v in pc.value_counts(plain(table.column("method"))).to_pylist()}
            lines.append(f"| `{model.resource_name}` | {count} | {methods.get('curated', 0)} | {methods.get('rule', 0)} |")
        else:
            lines.append(f"| `{model.resource_name}` | {count} | | |")
    events = _records(tables, "events", ["event_type", "modality"])
    if events:
        lines += ["", "Events by type and modality:", "", "| event type | " + " | ".join(m for m in ("asserted", "future", "hypothetical", "negated", "intended", "reported")) + " |", "|---|" + "---|" * 6]
        by = Counter((e.event_type, e.modality) for e in events)
        for event_type in sorted({e.event_type for e in events}):
            lines.append(f"| `{event_type}` | " + " | ".join(str(by.get((event_type, m), 0) or "") for m in ("asserted", "future", "hypothetical", "negated", "intended", "reported")) + " |")
    lines += [
        "",
        "## Pictures",
        "",
        f"- [Timeline of dated events]({Path(TIMELINE).name}): each event's date interval, coloured by type.",
        f"- [Who acts on whom]({Path(ACTOR_GRAPH).name}): events between actors, one arrow per source and target.",
        "",
        "## Sources and copyright, per article",
        "",
        "| article | publisher | original publisher | published | copyright line |",
        "|---|---|---|---|---|",
    ]
    for a in sorted(articles, key=lambda a: a.article_id):
        lines.append(
            f"| `{a.article_id}` | {a.publisher or ''} | {a.original_publisher or ''} | "
            f"{a.published_date.isoformat() if a.published_date else ''} | {(a.copyright_notice or '').replace('|', '/')} |"
        )
    lines += ["", "## Measured quality of rule rows", "", measured_quality(), "", "## Known limitations", "",
              LIMITATIONS.rstrip()]
    lines += [
        "",
        "## How to cite",
        "",
        f"{descriptor['contributors'][0]['title']} ({descriptor['created'][:4]}). *{descriptor['title']}* "
        f"(version {descriptor['version']}) [Data set]. See `CITATION.cff` in the repository.",
        "",
        "## Licences",
        "",
    ]
    lines += [f"- {lic['title']}" + (f" ({lic['path']})" if lic.get("path") else "") for lic in descriptor["licenses"]]
    lines += ["", "## Data dictionary", "", data_dictionary_markdown().rstrip(), ""]
    return "\n".join(lines)


def draw_pictures(tables: dict[str, pa.Table], out: Path) -> None:
    """An SVG timeline of dated events and an SVG who-acts-on-whom graph (deterministic files)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "serbia-arms-pressure"
    plt.rcParams["svg.fonttype"] = "none"
    names = {a.actor_id: a.name for a in _records(tables, "actors", ["actor_id", "name"])}
    all_events = _records(tables, "events", ["event_id", "event_type", "source_actor_id", "target_actor_id", "modality", "date_start", "date_end", "date_precision"])
    _draw_timeline(plt, matplotlib, names, all_events, out)
    _draw_actor_graph(plt, names, all_events, out)


def _draw_timeline(plt, matplotlib, names: dict, all_events: list, out: Path) -> None:
    """Each dated event's interval as a labelled bar; above MAX_LABELLED_EVENTS, monthly dots per type."""
    events = [e for e in all_events if e.date_start is not None]
    events.sort(key=lambda e: (e.date_start, e.event_type, e.event_id))
    types = sorted({e.event_type for e in events})
    colours = {t: plt.get_cmap("tab20")(i % 20) for i, t in enumerate(types)}

    labelled = len(events) <= MAX_LABELLED_EVENTS  # one labelled bar per event; else monthly dots per type
    n_rows = len(events) if labelled else len(types)
    fig, ax = plt.subplots(figsize=(11, max(3, 0.32 * n_rows + 1.5)))
    if labelled:
        starts = [matplotlib.dates.date2num(e.date_start) for e in events]
        widths = [(e.date_end - e.date_start).days + 1 for e in events]
        ax.barh(range(len(events)), widths, left=starts, height=0.6, color=[colours[e.event_type] for e in events])
        for y, e in enumerate(events):
            label = f"{names.get(e.source_actor_id, '?')} → {names.get(e.target_actor_id, '—')} ({e.modality}, {e.date_precision})"
            ax.text(matplotlib.dates.date2num(e.date_end) + 2, y, label, va="center", fontsize=7)
        ax.set_yticks(range(n_rows), [e.event_type for e in events], fontsize=7)
        ax.set_title("Dated events (bar = date interval; colour = event type)")
    else:  # one dot per type and month, area = events: drawing cost stays flat however many events
        per_month = Counter((e.event_type, e.date_start.replace(day=15)) for e in events)
        cells = sorted(per_month.items())
        biggest = max(per_month.values())
        ax.scatter(
            [matplotlib.dates.date2num(month) for (_, month), _ in cells],
            [types.index(t) for (t, _), _ in cells],
            s=[8 + 220 * n / biggest for _, n in cells],
            c=[colours[t] for (t, _), _ in cells],
        )
        ax.set_yticks(range(n_rows), types, fontsize=7)
        ax.set_title(f"Dated events per month and type (dot area = events; largest dot = {biggest})")
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.margins(x=0.35 if labelled else 0.02)
    fig.tight_layout()
    fig.savefig(out / TIMELINE, format="svg", metadata={"Date": None})
    plt.close(fig)


def _draw_actor_graph(plt, names: dict, all_events: list, out: Path) -> None:
    """Who acts on whom: the most involved actor in the middle, the others on a ring."""
    pairs = Counter((e.source_actor_id, e.target_actor_id) for e in all_events if e.source_actor_id and e.target_actor_id)
    involvement = Counter(a for pair, n in pairs.items() for a in pair for _ in range(n))
    shown = {a for a, _ in sorted(involvement.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_GRAPH_ACTORS]}
    pairs = Counter({pair: n for pair, n in pairs.items() if set(pair) <= shown})
    actors = sorted({a for pair in pairs for a in pair})
    import math

    degree = Counter(a for pair, n in pairs.items() for a in pair for _ in range(n))
    hub = max(actors, key=lambda a: (degree[a], a)) if actors else None  # the most involved actor in the middle
    ring = [a for a in actors if a != hub]
    position = {a: (math.cos(2 * math.pi * i / max(1, len(ring))), math.sin(2 * math.pi * i / max(1, len(ring)))) for i, a in enumerate(ring)}
    if hub is not None:
        position[hub] = (0.0, 0.0)
    fig, ax = plt.subplots(figsize=(9, 9))
    for (source, target), n in sorted(pairs.items()):
        (x1, y1), (x2, y2) = position[source], position[target]
        ax.annotate("", xy=(x2, y2), xytext=(x1, y1), arrowprops=dict(arrowstyle="->", lw=0.6 + 0.6 * n, alpha=0.6, shrinkA=12, shrinkB=12))
    for actor, (x, y) in position.items():
        ax.text(x * 1.1, y * 1.1 + (0.06 if actor == hub else 0), names.get(actor, actor), ha="center", va="center", fontsize=8)
        ax.plot(x, y, "o", color="#4477aa")
    ax.set_axis_off()
    ax.set_title(f"Who acts on whom (arrow width = number of events; the {MAX_GRAPH_ACTORS} most involved actors)")
    ax.set_xlim(-1.4, 1.4)
    ax.set_ylim(-1.3, 1.3)
    fig.savefig(out / ACTOR_GRAPH, format="svg", metadata={"Date": None})
    plt.close(fig)
