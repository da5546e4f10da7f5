"""The dataset card (`datapackage/README.md`) and its two pictures, generated from the rows.

The card says what the data covers, how each table was made (curated vs rule rows, counted), the
data dictionary, known limitations, how to cite, the licences, and each article's source and
copyright line. The pictures are an event timeline and a who-acts-on-whom graph (SVG).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import threading
from collections import Counter, namedtuple
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ..cache import Cache
from ..lifetime import die_with_parent
from ..schema.columns import plain
from ..schema.dataset import LIMITATIONS, citation
from ..schema.formats import data_dictionary_markdown
from ..schema.layout import ACTOR_GRAPH, CARD, EVIDENCE_INDEX, TIMELINE
from ..schema.models import RESOURCES

MAX_LABELLED_EVENTS = 60  # above this the timeline draws one row per event type, without labels
MAX_GRAPH_ACTORS = 30  # the graph shows the actors involved in the most events

CARD_SOURCES = 50  # articles listed by name in the card's sources table; the rest are counted
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


QUALITY_HISTORY = Path("benchmarks", "quality-history.json")  # in a checkout: written by benchmarks/quality.py, one entry per run and sample
HELD_OUT = Path("benchmarks", "held-out-quality.json")  # in a checkout: the project's hidden held-out figures, as the project gives them
UNTUNED, TUNED, SEEDS = "untuned", "tuned", "seeds"  # the history's sample keys the card quotes (benchmarks/samples.yaml)


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _rp(pair) -> str:
    recall, precision = pair or (None, None)
    return f"{_f(recall)} / {_f(precision)}"


@dataclass(frozen=True)
class MeasuredQuality:
    """The quality figures of the checkout being built, as its benchmarks/ records them: read by the
    build from the repository it builds (an installed wheel has no benchmarks/), passed to the card."""

    history: dict  # QUALITY_HISTORY: {run label: {sample: scores}}
    held_out: dict | None  # HELD_OUT, None when the checkout has none


def read_measured_quality(root: Path) -> MeasuredQuality:
    """The figures under `root` (a checkout); none where its files are missing."""
    history, held_out = root / QUALITY_HISTORY, root / HELD_OUT
    return MeasuredQuality(json.loads(history.read_text(encoding="utf-8")) if history.is_file() else {},
                           json.loads(held_out.read_text(encoding="utf-8")) if held_out.is_file() else None)


def measured_quality(quality: MeasuredQuality) -> list[str]:
    """What `rule` rows are worth, measured on text the rules were not tuned on (the latest run of
    benchmarks/quality.py that scored the samples apart, and the project's held-out figures), the
    tuned figures beside them, labelled so; each with its sample size."""
    label, run = next(((label, run) for label, run in reversed(quality.history.items()) if UNTUNED in run), (None, {}))
    hidden = quality.held_out
    if label is None and hidden is None:
        return ["Not measured in this checkout of the builders (see `benchmarks/quality.py`)."]
    lines = ["| measured on | articles | events R / P | speakers | actors R / P | metadata |", "|---|---|---|---|---|---|"]

    def row(what: str, s: dict) -> None:
        lines.append(f"| {what} | {s['articles']} | {_rp(s.get('events'))} | {_f(s.get('speakers'))} | {_rp(s.get('actors'))} | "
                     f"{_f(s.get('metadata'))} |")

    if UNTUNED in run:
        row(f"**not tuned on:** {run[UNTUNED]['articles']} development texts added after the rules were written", run[UNTUNED])
    if hidden is not None:
        row(f"**not tuned on:** {hidden['name']}, {hidden['articles']} {hidden['about']} (scored by {hidden['scored_by']})", hidden)
    if SEEDS in run:
        row(f"**not tuned on:** rules only against the {run[SEEDS].get('gold_events', '')} events a person curated for the seed "
            "articles (another annotator; not exhaustive, so P is a lower bound)", run[SEEDS])
    if TUNED in run:
        row(f"*tuned on, for comparison:* the original {run[TUNED]['articles']} development texts the rules were developed against",
            run[TUNED])
    notes = ["", "R = recall, P = precision. An event is right when its type, source and target are; speakers: matched quotes "
             "given the right speaker; metadata: title, publisher, date and authors right."]
    if UNTUNED in run and run[UNTUNED].get("events_dyad"):
        notes[-1] += (f" Counting an event's participant as right when it is another actor of the same country, events R / P on "
                      f"the {run[UNTUNED]['articles']} untuned texts are {_rp(run[UNTUNED]['events_dyad'])}.")
    notes[-1] += " On new articles expect figures like the untuned ones, not the tuned ones."
    sources = ([f"`benchmarks/QUALITY.md` (run `{label}`)"] if label else []) + (["`benchmarks/held-out-quality.json`"] if hidden else [])
    return lines + notes + ["", "Figures from " + " and ".join(sources) + "."]


def gaps(articles: list, events: list) -> list[str]:
    """How many events have no date (by method) and how many articles lack provenance, counted
    from the tables."""
    undated = Counter(e.method for e in events if dated_interval(e) is None)
    by_method = Counter(e.method for e in events)
    no_url = sum(1 for a in articles if not a.url)
    no_day = sum(1 for a in articles if not a.retrieved_date)
    either = sum(1 for a in articles if not a.url or not a.retrieved_date)
    parts = [f"{undated[m]} of {by_method[m]} {m}" if by_method[m] else f"no {m} events" for m in ("rule", "curated")]
    return [
        f"- **Dates:** {sum(undated.values())} of {len(events)} events have no date ({'; '.join(parts)}).",
        f"- **Provenance:** {either} of {len(articles)} articles lack an address (url) or the day it was retrieved "
        f"({no_url} without url, {no_day} without retrieved_date).",
    ]


def card_markdown(tables: dict[str, pa.Table], descriptor: dict, quality: MeasuredQuality) -> str:
    articles = _records(tables, "articles", ["article_id", "publisher", "original_publisher", "published_date", "copyright_notice", "source_note",
                                             "url", "retrieved_date", "licence_basis", "licence"])
    dates = sorted(a.published_date for a in articles if a.published_date)
    lines = [
        f"# {descriptor['title']}",
        "",
        f"Version {descriptor['version']}. {descriptor['description']}",
        "",
        "## Rule rows are automatic: what they are worth",
        "",
        "Rows with `method = rule` are made automatically by the builders' rules and no person has checked them "
        "(how many per table: \"How it was made\" below); rows with `method = curated` were written by a person. "
        "Measured quality of `rule` rows:",
        "",
        *measured_quality(quality),
        "",
        *gaps(articles, _records(tables, "events", ["date_start", "date_end", "method"])),
        "",
        "## Coverage",
        "",
        f"- {len(articles)} articles"
        + (f", published {dates[0].isoformat()} to {dates[-1].isoformat()}" if dates else "")
        + f" ({sum(1 for a in articles if not a.published_date)} without a known publication date).",
        f"- Publishers: {', '.join(_plain(p) for p in sorted({a.publisher for a in articles if a.publisher})) or 'none stated'}.",
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
    lines += dyad_table(_records(tables, "events", ["source_country_iso3", "target_country_iso3"]))
    lines += [
        "",
        "## Pictures",
        "",
        f"- [Timeline of dated events]({Path(TIMELINE).name}): each event's date interval, coloured by type.",
        f"- [Who acts on whom]({Path(ACTOR_GRAPH).name}): events between actors, one arrow per source and target.",
        f"- [Every row on its text]({Path(EVIDENCE_INDEX).relative_to(Path(CARD).parent)}): one page per article with its actor "
        "mentions, quotes and event evidence highlighted, each linked to its row (open the files in a browser).",
        "",
    ]
    lines += _sources_section(articles)
    lines += ["", "## Known limitations", "", LIMITATIONS.rstrip()]
    lines += [
        "",
        "## How to cite",
        "",
        *_citation_lines(descriptor),
        "",
        "## Licences",
        "",
    ]
    lines += [f"- {lic['title']}" + (f" ({lic['path']})" if lic.get("path") else "") for lic in descriptor["licenses"]]
    lines += ["", "## Data dictionary", "", data_dictionary_markdown().rstrip(), ""]
    return "\n".join(lines)


CARD_DYADS = 20  # country dyads listed by the card; the rest are counted


def dyad_table(events: list) -> list[str]:
    """Events by country dyad (the source's country -> the target's), most events first, then by the
    codes ("—": an international body, an unknown country or no target)."""
    if not events:
        return []
    counts = Counter((e.source_country_iso3, e.target_country_iso3) for e in events)
    order = sorted(counts, key=lambda dyad: (-counts[dyad], *((code is None, code or "") for code in dyad)))
    lines = ["", "Events by country dyad (the country of the actor that acts → of the actor acted upon; `—`: an international "
             "body, a country not known or no target):", "", "| source country | target country | events |", "|---|---|---|"]
    lines += [f"| {source or '—'} | {target or '—'} | {counts[(source, target)]} |" for source, target in order[:CARD_DYADS]]
    if len(order) > CARD_DYADS:
        rest = order[CARD_DYADS:]
        lines.append(f"| … {len(rest)} more dyads | | {sum(counts[d] for d in rest)} |")
    return lines


def _citation_lines(descriptor: dict) -> list[str]:
    """The citation to paste (the same facts as CITATION.cff), and whether it may be pasted yet."""
    facts = citation()
    lines = [facts.text(descriptor["created"][:4], descriptor["version"])]
    if facts.placeholders():
        lines += ["", "*Not yet citable as published: the authors and the repository address above are placeholders "
                      "until the project is published (a release is refused while they are).*"]
    return lines


def _sources_section(articles: list) -> list[str]:
    """Each article's source record, as the card lists it (the first CARD_SOURCES by id)."""
    lines = [
        "## Sources and copyright, per article",
        "",
        "Each article's source record (`seeds/sources/<article_id>.yaml`) says where its text was taken from and on "
        "what basis it is redistributed; an unknown address or day is null, and `articles.source_note` says why.",
        "",
        "- Basis: " + "; ".join(f"{basis} {count}" for basis, count in sorted(Counter(a.licence_basis for a in articles).items())) + ".",
        f"- {sum(1 for a in articles if a.url)} of {len(articles)} with an address (url), "
        f"{sum(1 for a in articles if a.retrieved_date)} with the day it was retrieved.",
        "",
        "| article | publisher | original publisher | published | address | retrieved | basis | copyright line |",
        "|---|---|---|---|---|---|---|---|",
    ]
    listed = sorted(articles, key=lambda a: a.article_id)
    for a in listed[:CARD_SOURCES]:
        basis = a.licence_basis + (f" ({_cell(a.licence)})" if a.licence else "")
        lines.append(
            f"| `{a.article_id}` | {_cell(a.publisher)} | {_cell(a.original_publisher)} | "
            f"{a.published_date.isoformat() if a.published_date else ''} | {_link(a.url)} | "
            f"{a.retrieved_date.isoformat() if a.retrieved_date else 'unknown'} | {basis} | {_cell(a.copyright_notice)} |"
        )
    if len(listed) > CARD_SOURCES:
        lines += ["", f"… and {len(listed) - CARD_SOURCES} more: every article's source is in `articles` "
                      "(url, retrieved_date, licence_basis, licence, copyright_notice, source_note)."]
    notes = [a for a in listed[:CARD_SOURCES] if a.source_note]
    if notes:
        lines += ["", "What each source record says of its text (`articles.source_note`):", ""]
        lines += [f"- `{a.article_id}`: {_plain(a.source_note)}" for a in notes]
    return lines


_HTML = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_MARKDOWN = re.compile(r"([\\`\[\]|*])")  # what makes a link, code, emphasis or a new table cell of plain text (not "_": ids and column names hold it)
_URL_UNSAFE = re.compile(r"[\s<>|\"`\\()\[\]]")  # what would end an autolink <…> or a table cell, or read as a link


def _plain(text: str) -> str:
    """A contributed value shown as the text it is in Markdown, on one line: HTML as its characters
    (no tag, no entity), Markdown's link, code, emphasis and table marks backslash-escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()).translate(_HTML))


def _cell(text: str | None) -> str:
    """A value inside a Markdown table cell: `_plain` ('|' escaped, so it ends no cell)."""
    return _plain(text or "")


def _link(url: str | None) -> str:
    """An address as a link target: http(s) only (any other scheme, javascript: say, is shown as
    text), the characters that would end the autolink or the table cell percent-encoded."""
    if not url:
        return "unknown"
    if not re.match(r"https?://", url, re.IGNORECASE):
        return _plain(url)
    return "<" + _URL_UNSAFE.sub(lambda m: "".join(f"%{b:02X}" for b in m.group().encode("utf-8")), url) + ">"


# The pictures must be byte-identical for the same rows: a fixed salt for the ids matplotlib writes
# into the SVG, no date in its metadata (savefig below), text kept as text.
PICTURE_STYLE = {"svg.hashsalt": "serbia-arms-pressure", "svg.fonttype": "none"}
GRAPH_SEED = 17  # the spring layout's seed: the same graph is laid out the same way every time
LABEL_GID = "actor-label"  # the graph's actor names carry this gid (the tests find them by it)
LABEL_GAP = 3.0  # pixels kept free around every actor name
LABEL_RINGS = 40  # how far out (in label heights) a name may move from its dot to find free room


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


PICTURES = "last"  # the entry's name and key in the pictures' cache: the last pictures drawn, with the columns they were drawn from
PICTURE_INPUT = {"actors": ["actor_id", "name"],
                 "events": ["event_id", "event_type", "source_actor_id", "target_actor_id", "modality", "date_start", "date_end", "date_precision"]}


def draw_pictures(tables: dict[str, pa.Table], out: Path, cache: Cache | None = None) -> None:
    """An SVG timeline of dated events and an SVG who-acts-on-whom graph (deterministic files)."""
    start_pictures(tables, out, cache)()


def start_pictures(tables: dict[str, pa.Table], out: Path, cache: Cache | None = None) -> Callable[[], None]:
    """Start writing the pictures into `out`; returns the function that waits for them.

    When `cache` holds the pictures drawn by this code and these libraries from equal columns
    (compared as values, not as bytes), they are copied: most changes of an article leave the
    events as they were. Else they are drawn by a process forked for it, beside the rest of the
    build (matplotlib holds the GIL for most of a second) — only when this process runs no other
    thread (a fork copies the forking thread alone: a lock held by another would stay held in the
    copy); otherwise, and when the forked drawing fails (its error is raised then), in this
    process when waited for."""
    drawn = {name: tables[name].select(cols) if name in tables else None for name, cols in PICTURE_INPUT.items()}
    cache = cache if cache is not None and cache.enabled else None
    files = _cached_pictures(cache, drawn) if cache is not None else None
    if files is not None:
        _write_pictures(out, files)
        return lambda: None
    forked = _fork_drawing(tables, out) if hasattr(os, "fork") and threading.active_count() == 1 else None
    in_thread = None
    if forked is None:  # while the caller writes the other files (Arrow releases the GIL)
        drawing = ThreadPoolExecutor(max_workers=1)
        in_thread = drawing.submit(_drawn, tables)
        drawing.shutdown(wait=False)  # (its thread ends with the drawing)

    def wait() -> None:
        drawn_there = forked is not None and os.waitstatus_to_exitcode(os.waitpid(forked, 0)[1]) == 0
        if drawn_there:
            files = {path: (out / path).read_bytes() for path in (TIMELINE, ACTOR_GRAPH)}
        else:
            files = in_thread.result() if in_thread is not None else _drawn(tables)
            _write_pictures(out, files)
        if cache is not None:
            _cache_pictures(cache, drawn, files)

    return wait


def _fork_drawing(tables: dict[str, pa.Table], out: Path) -> int:
    """The process id of a child drawing the pictures into `out` from Python values (it never
    touches Arrow) and leaving with os._exit: 0 when both files are written."""
    names, events = _picture_values(tables)
    (out / TIMELINE).parent.mkdir(parents=True, exist_ok=True)
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child
        code = 1
        try:
            die_with_parent(parent)
            _write_pictures(out, _figures(names, events))
            code = 0
        finally:
            os._exit(code)
    return pid


def _write_pictures(out: Path, files: dict[str, bytes]) -> None:
    for path, svg in files.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(svg)


def _picture_values(tables: dict[str, pa.Table]) -> tuple[dict, list]:
    names = {a.actor_id: a.name for a in _records(tables, "actors", ["actor_id", "name"])}
    return names, _records(tables, "events", PICTURE_INPUT["events"])


def _drawn(tables: dict[str, pa.Table]) -> dict[str, bytes]:
    return _figures(*_picture_values(tables))


def _figures(names: dict, all_events: list) -> dict[str, bytes]:
    plt = _pyplot()
    files = {}
    with plt.rc_context(PICTURE_STYLE):
        for make, path in ((timeline_figure, TIMELINE), (actor_graph_figure, ACTOR_GRAPH)):
            figure = make(names, all_events)
            svg = io.BytesIO()
            figure.savefig(svg, format="svg", metadata={"Date": None})
            plt.close(figure)
            files[path] = svg.getvalue()
    return files


@cache
def _drawn_by() -> str:
    """What else the pictures depend on: this module's code and the drawing libraries' versions."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest() + "".join(f" {lib}=={version(lib)}" for lib in ("matplotlib", "networkx"))


def _cached_pictures(cache: Cache, drawn: dict[str, pa.Table | None]) -> dict[str, bytes] | None:
    entry = cache.get(PICTURES, name=PICTURES)
    if not isinstance(entry, dict) or entry.get("drawn_by") != _drawn_by() or entry.get("inputs", {}).keys() != drawn.keys():
        return None
    for name, table in drawn.items():
        kept = entry["inputs"][name]
        if (table is None) != (kept is None) or (table is not None and not table.equals(pa.ipc.open_stream(kept).read_all())):
            return None
    return entry["files"]


def _cache_pictures(cache: Cache, drawn: dict[str, pa.Table | None], files: dict[str, bytes]) -> None:
    inputs = {}
    for name, table in drawn.items():
        if table is not None:
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            inputs[name] = sink.getvalue().to_pybytes()
        else:
            inputs[name] = None
    cache.put(PICTURES, {"drawn_by": _drawn_by(), "inputs": inputs, "files": files}, name=PICTURES)  # (not kept: drawn again next time)


def dated_interval(event) -> tuple | None:
    """The interval the timeline places an event on (one known end stands for both), or None."""
    start, end = event.date_start or event.date_end, event.date_end or event.date_start
    return None if start is None else (start, max(start, end))


def timeline_title(dated: int, total: int) -> str:
    return f"{dated} of {total} events dated"


def timeline_figure(names: dict, all_events: list):
    """Each dated event's interval as a labelled bar; above MAX_LABELLED_EVENTS, monthly dots per
    type. The title says how many of all the events have a date the timeline can place."""
    plt = _pyplot()
    from matplotlib import dates as mdates

    dated = sorted(((span, e) for e in all_events if (span := dated_interval(e))), key=lambda d: (d[0][0], d[1].event_type, d[1].event_id))
    types = sorted({e.event_type for _, e in dated})
    colours = {t: plt.get_cmap("tab20")(i % 20) for i, t in enumerate(types)}
    labelled = len(dated) <= MAX_LABELLED_EVENTS  # one labelled bar per event; else monthly dots per type
    fig, ax = plt.subplots(figsize=(11, max(3, 0.32 * (len(dated) if labelled else len(types)) + 1.5)))
    title = timeline_title(len(dated), len(all_events))
    if labelled:
        for y, ((start, end), e) in enumerate(dated):
            ax.barh(y, (end - start).days + 1, left=mdates.date2num(start), height=0.6, color=colours[e.event_type])
            label = f"{names.get(e.source_actor_id, '?')} → {names.get(e.target_actor_id, '—')} ({e.modality}, {e.date_precision})"
            ax.text(mdates.date2num(end) + 2, y, label, va="center", fontsize=7, parse_math=False)  # names are text, never TeX
        ax.set_yticks(range(len(dated)), [e.event_type for _, e in dated], fontsize=7)
        ax.set_title(f"{title} (bar = date interval; colour = event type)")
    else:  # one dot per type and month, area = events: drawing cost stays flat however many events
        per_month = Counter((e.event_type, start.replace(day=15)) for (start, _), e in dated)
        cells = sorted(per_month.items())
        biggest = max(per_month.values())
        ax.scatter(
            [mdates.date2num(month) for (_, month), _ in cells],
            [types.index(t) for (t, _), _ in cells],
            s=[8 + 220 * n / biggest for _, n in cells],
            c=[colours[t] for (t, _), _ in cells],
        )
        ax.set_yticks(range(len(types)), types, fontsize=7)
        ax.set_title(f"{title}, per month and type (dot area = events; largest dot = {biggest})")
    ax.use_sticky_edges = False  # bars start at the first date: let the margin show their left ends
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.margins(x=0.35 if labelled else 0.02)
    fig.tight_layout()
    return fig


def graph_pairs(all_events: list) -> tuple[Counter, int]:
    """Events per (source, target) among the MAX_GRAPH_ACTORS actors involved in the most events,
    and how many actors the events involve in all."""
    pairs = Counter((e.source_actor_id, e.target_actor_id) for e in all_events if e.source_actor_id and e.target_actor_id)
    involvement = _involvement(pairs)
    shown = {a for a, _ in sorted(involvement.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_GRAPH_ACTORS]}
    return Counter({pair: n for pair, n in pairs.items() if set(pair) <= shown}), len(involvement)


def _involvement(pairs: Counter) -> Counter:
    out: Counter = Counter()
    for (source, target), n in pairs.items():
        out[source] += n
        if target != source:
            out[target] += n
    return out


def graph_layout(pairs: Counter) -> dict[str, tuple[float, float]]:
    """Where each actor goes: networkx's spring layout with a fixed seed (topology only: arrow
    widths show the counts), stretched to fill [-1, 1]² and rounded so that no last bit of
    floating-point arithmetic reaches the file."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(sorted({a for pair in pairs for a in pair}))
    graph.add_edges_from(sorted((s, t) for s, t in pairs if s != t), weight=1.0)
    if len(graph) <= 1:
        return {a: (0.0, 0.0) for a in graph}
    # a weak tie from each smaller group of actors to the largest keeps it near (a spring layout
    # pushes unconnected groups apart until the largest is squeezed into the middle); not drawn
    groups = sorted((sorted(g) for g in nx.connected_components(graph)), key=lambda g: (-len(g), g[0]))
    hub = max(groups[0], key=lambda a: (graph.degree(a), a))
    graph.add_edges_from(((hub, max(g, key=lambda a: (graph.degree(a), a))) for g in groups[1:]), weight=0.5)
    position = nx.spring_layout(graph, k=1.5 / len(graph) ** 0.5, seed=GRAPH_SEED, iterations=300, weight="weight")
    span = [(min(v[i] for v in position.values()), max(v[i] for v in position.values())) for i in (0, 1)]
    fit = [lambda v, lo=lo, hi=hi: 2 * (v - lo) / (hi - lo) - 1 if hi > lo else 0.0 for lo, hi in span]  # fill [-1, 1]²
    return {a: (round(float(fit[0](x)), 4), round(float(fit[1](y)), 4)) for a, (x, y) in sorted(position.items())}


def actor_graph_figure(names: dict, all_events: list):
    """Who acts on whom: a dot per actor (area = events it is in), an arrow per source and target
    (width = events; a pair acting both ways gets two bent arrows), each name placed where it
    overlaps no other name and no dot (`place_labels`)."""
    plt = _pyplot()
    pairs, involved = graph_pairs(all_events)
    position = graph_layout(pairs)
    degree = _involvement(pairs)
    fig, ax = plt.subplots(figsize=(9, 9))
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.93)
    ax.set_axis_off()
    ax.set_xlim(-1.12, 1.12)
    ax.set_ylim(-1.12, 1.12)
    actors = sorted(position, key=lambda a: (-degree[a], a))  # the most involved are named first
    area = {a: 25 + 8 * min(degree[a], 25) for a in actors}  # of each dot, in points²
    for (source, target), n in sorted(pairs.items()):
        if source != target:
            bend = 0.12 if (target, source) in pairs else 0.0
            ax.annotate("", xy=position[target], xytext=position[source], zorder=1, arrowprops={
                "arrowstyle": "-|>", "mutation_scale": 10, "lw": 0.6 + 0.6 * n, "color": "#444444", "alpha": 0.55,
                "shrinkA": area[source] ** 0.5 / 2 + 2, "shrinkB": area[target] ** 0.5 / 2 + 2, "connectionstyle": f"arc3,rad={bend}"})
    ax.scatter([position[a][0] for a in actors], [position[a][1] for a in actors], s=[area[a] for a in actors], color="#4477aa", zorder=2)
    place_labels(fig, ax, [(names.get(a, a), position[a], area[a] ** 0.5 / 2 * fig.dpi / 72) for a in actors])
    scope = f"the {len(actors)} most involved of {involved} actors" if len(actors) < involved else f"all {len(actors)} actors in events"
    ax.set_title(f"Who acts on whom ({scope}; arrow width = number of events)", fontsize=11)
    return fig


def place_labels(fig, ax, labels: list[tuple[str, tuple[float, float], float]]) -> None:
    """Name each dot (name, its data position, its radius in pixels), in the order given: each
    name's box, measured by the renderer, goes where it overlaps no name placed before it and no
    dot, inside the axes — next to its dot first, facing away from the middle of the graph, then
    ring by ring further out, with a leader line. Nothing is random: the same labels land at the
    same places."""
    from matplotlib.transforms import Bbox

    renderer = fig.canvas.get_renderer()
    dots = [ax.transData.transform(xy) for _, xy, _ in labels]
    taken = [Bbox.from_bounds(x - r, y - r, 2 * r, 2 * r) for (x, y), (_, _, r) in zip(dots, labels, strict=True)]
    middle = (sum(x for x, _ in dots) / max(1, len(dots)), sum(y for _, y in dots) / max(1, len(dots)))
    for (name, xy, r), (x, y) in zip(labels, dots, strict=True):
        text = ax.text(*xy, name, ha="center", va="center", fontsize=8, gid=LABEL_GID, zorder=4, parse_math=False,
                       bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8})
        box = text.get_window_extent(renderer)
        away = math.atan2(y - middle[1], x - middle[0]) if (x, y) != middle else math.pi / 2
        ring, (cx, cy), room = _free_spot((x, y), box.width, box.height, r, away, taken, ax.bbox)
        taken.append(room)
        centre = (box.x0 + box.width / 2 - x, box.y0 + box.height / 2 - y)  # the box's middle seen from its anchor
        text.set_position(ax.transData.inverted().transform((cx - centre[0], cy - centre[1])))
        if ring:
            end = ax.transData.inverted().transform((cx, cy))
            ax.plot([xy[0], end[0]], [xy[1], end[1]], lw=0.5, color="#888888", zorder=3)


def _free_spot(dot, width: float, height: float, radius: float, away: float, taken: list, frame):
    """(ring, centre, padded box) of the first place for a width×height box around `dot` that lies
    inside `frame` and overlaps none of `taken`: ring 0 touches the dot, each next ring is a label
    height further; in each ring, 16 directions from `away` outwards. Falls back to the first place
    tried (ring 0, facing away) when the whole frame is full."""
    from matplotlib.transforms import Bbox

    first = None
    for ring in range(LABEL_RINGS):
        gap = radius + 1.5 * LABEL_GAP + ring * height
        for angle in _directions(away):
            cos, sin = math.cos(angle), math.sin(angle)
            reach = min((width / 2 + gap) / abs(cos) if abs(cos) > 1e-9 else math.inf,
                        (height / 2 + gap) / abs(sin) if abs(sin) > 1e-9 else math.inf)
            centre = (dot[0] + cos * reach, dot[1] + sin * reach)
            room = Bbox.from_bounds(centre[0] - width / 2 - LABEL_GAP, centre[1] - height / 2 - LABEL_GAP,
                                    width + 2 * LABEL_GAP, height + 2 * LABEL_GAP)
            first = first or (ring, centre, room)
            inside = frame.x0 <= room.x0 and room.x1 <= frame.x1 and frame.y0 <= room.y0 and room.y1 <= frame.y1
            if inside and not any(room.overlaps(other) for other in taken):
                return ring, centre, room
    return first


def _directions(away: float) -> list[float]:
    """16 directions, the nearest to `away` first, alternating either side of it."""
    steps = [0] + [s for i in range(1, 8) for s in (i, -i)] + [8]
    return [away + step * math.pi / 8 for step in steps]
