"""Evidence pages: every row on the text it came from (`datapackage/articles/<article_id>.html`).

One static HTML page per article shows its clean text with the actor mentions, quotes and event
evidence highlighted; each highlight carries the ids of its rows (`data-rows`) and links to the
row's entry below the text (type, participants, modality, date, `method`). An index page lists the
articles. The pages load nothing (no scripts, fonts or requests; a Content-Security-Policy forbids
them), every text is escaped (an article's `<script>` is shown, never run), and the same rows give
the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Set
from html import escape

import pyarrow as pa
import pyarrow.compute as pc

from ..schema.columns import plain
from ..schema.layout import EVIDENCE_INDEX, evidence_page

KINDS = {"actor_mentions": "m", "quotes": "q", "events": "e"}  # highlight class of each table's rows
STYLE = """
body{font:16px/1.55 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#111}
.text{white-space:pre-wrap;border:1px solid #ccc;padding:1rem;background:#fcfcfc}
.m{text-decoration:underline 2px #2563eb;text-underline-offset:3px}
.q{background:#fde68a}.e{background:#bbf7d0}.q.e{background:linear-gradient(#fde68a 50%,#bbf7d0 50%)}
.ref{font-size:70%;vertical-align:super;text-decoration:none;color:#555;margin:0 1px}
table{border-collapse:collapse;width:100%;font-size:90%}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
.legend span{padding:0 4px;margin-right:8px}
""".strip()
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; form-action 'none'"


def _rows(table: pa.Table | None) -> list[dict]:
    if table is None or table.num_rows == 0:
        return []
    names = table.column_names
    return [dict(zip(names, values, strict=True)) for values in zip(*(plain(table.column(c)).to_pylist() for c in names), strict=True)]


def _by_article(rows: list[dict]) -> dict[str, list[dict]]:
    grouped = defaultdict(list)
    for row in rows:
        grouped[row["article_id"]].append(row)
    return grouped


def _e(value) -> str:
    """Any value as escaped HTML text (None as an empty string)."""
    return "" if value is None else escape(str(value), quote=True)


def _short(row_id: str) -> str:
    """The row's own part of its id (`<article_id>-e3` → `e3`)."""
    return row_id.rsplit("-", 1)[-1]


def _page(title: str, body: list[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{_e(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>", *body, "</body>", "</html>", "",
    ])


class _Names:
    """Actor and weapon names by id, for labels."""

    def __init__(self, tables: dict[str, pa.Table]):
        self.actors = {r["actor_id"]: r["name"] for r in _rows(tables.get("actors"))}
        self.weapons = {r["weapon_system_id"]: r["designation"] for r in _rows(tables.get("weapon_systems"))}

    def actor(self, actor_id: str | None) -> str:
        return "" if actor_id is None else f"{self.actors.get(actor_id, actor_id)} ({actor_id})"


def _spans(mentions: list[dict], quotes: list[dict], events: list[dict]) -> list[tuple[int, int, str, str]]:
    """(start, end, class, row id) of every highlight, in a fixed order."""
    spans = [(r["start_char"], r["end_char"], "m", r["mention_id"]) for r in mentions]
    spans += [(r["start_char"], r["end_char"], "q", r["quote_id"]) for r in quotes]
    spans += [(r["evidence_start_char"], r["evidence_end_char"], "e", r["event_id"]) for r in events]
    return sorted(spans, key=lambda s: (s[0], s[1], s[2], s[3]))


def highlighted_text(text: str, spans: list[tuple[int, int, str, str]], labels: dict[str, str], refs: bool = True) -> str:
    """The text cut at every span boundary; each piece inside spans is a `<span>` naming its rows
    (`data-rows`) and classes, each quote and event ends with a link to its row's entry, and an
    empty anchor `at-<row id>` marks where each row starts (`refs=False`: no links, so that the
    element's text is exactly the article's). Only escaped text and fixed markup."""
    cuts = sorted({0, len(text), *(s[0] for s in spans), *(s[1] for s in spans)})
    starts, ends = defaultdict(list), defaultdict(list)
    for span in spans:
        starts[span[0]].append(span)
        ends[span[1]].append(span)
    active: dict[str, tuple[int, int, str, str]] = {}
    out = []
    for a, b in zip(cuts, cuts[1:]):
        for span in ends.get(a, ()):
            active.pop(span[3], None)
            if span[2] != "m" and refs:
                out.append(f'<a class="ref" href="#{_e(span[3])}">{_e(_short(span[3]))}</a>')
        for span in starts.get(a, ()):
            active[span[3]] = span
            out.append(f'<a id="at-{_e(span[3])}"></a>')
        piece = _e(text[a:b])
        if not active:
            out.append(piece)
            continue
        ids = sorted(active)
        classes = " ".join(sorted({active[i][2] for i in ids}))
        title = "; ".join(labels.get(i, i) for i in ids)
        out.append(f'<span class="{classes}" data-rows="{_e(" ".join(ids))}" title="{_e(title)}">{piece}</span>')
    for span in ends.get(len(text), ()):
        if span[2] != "m" and refs:
            out.append(f'<a class="ref" href="#{_e(span[3])}">{_e(_short(span[3]))}</a>')
    return '<div class="text" id="text">' + "".join(out) + "</div>"


def _date(row: dict) -> str:
    start, end, precision = row.get("date_start"), row.get("date_end"), row.get("date_precision")
    if start is None and end is None:
        return "unknown"
    interval = str(start) if start == end else f"{start or '…'} – {end or '…'}"
    return f"{interval} ({precision})"


def _row_table(title: str, id_column: str, headers: tuple[str, ...], records: list[dict], cells) -> list[str]:
    """A table of rows, each linked to (and from) its highlight in the text: its id, then `cells(row)`."""
    out = [f"<h2>{title}</h2>", "<table><tr>" + "".join(f"<th>{h}</th>" for h in ("row", *headers)) + "</tr>"]
    for r in records:
        row_id = _e(r[id_column])
        out.append(f'<tr id="{row_id}"><td><a href="#at-{row_id}">{row_id}</a></td>' + "".join(f"<td>{_e(c)}</td>" for c in cells(r)) + "</tr>")
    return [*out, "</table>"]


def _event_rows(events: list[dict], names: _Names) -> list[str]:
    return _row_table("Events", "event_id", ("type", "source → target", "weapon", "modality", "date", "method", "summary"), events,
                      lambda r: (r["event_type"], f"{names.actor(r['source_actor_id'])} → {names.actor(r['target_actor_id'])}",
                                 names.weapons.get(r["weapon_system_id"], r["weapon_system_id"]), r["modality"], _date(r),
                                 r["method"], r["summary"]))


def _quote_rows(quotes: list[dict], names: _Names) -> list[str]:
    return _row_table("Quotes", "quote_id", ("speaker", "as written", "via", "cue", "kind", "method"), quotes,
                      lambda r: (names.actor(r["speaker_actor_id"]), r["speaker_surface"], names.actor(r["via_actor_id"]), r["cue"],
                                 r["kind"], r["method"]))


def _mention_rows(mentions: list[dict], names: _Names) -> list[str]:
    return _row_table("Actor mentions", "mention_id", ("as written", "actor", "kind", "method"), mentions,
                      lambda r: (r["surface"], names.actor(r["actor_id"]), r["mention_kind"], r["method"]))


def _labels(mentions: list[dict], quotes: list[dict], events: list[dict], names: _Names) -> dict[str, str]:
    """The tooltip of each row's highlight."""
    labels = {r["mention_id"]: f"{r['mention_id']}: {names.actor(r['actor_id'])}, {r['mention_kind']}" for r in mentions}
    labels |= {r["quote_id"]: f"{r['quote_id']}: quote of {names.actor(r['speaker_actor_id']) or r['speaker_surface'] or 'unknown'}"
               for r in quotes}
    labels |= {r["event_id"]: f"{r['event_id']}: {r['event_type']} {names.actor(r['source_actor_id'])} → "
                              f"{names.actor(r['target_actor_id'])}, {r['modality']}, {r['method']}" for r in events}
    return labels


def article_page(article: dict, mentions: list[dict], quotes: list[dict], events: list[dict], names: _Names) -> str:
    """The evidence page of one article."""
    title = article["title"] or article["article_id"]
    meta = " · ".join(_e(v) for v in (article["publisher"], article["published_date"], article["url"]) if v is not None)
    body = [
        '<p><a href="index.html">All articles</a></p>', f"<h1>{_e(title)}</h1>",
        f"<p>{_e(article['article_id'])}{' · ' + meta if meta else ''}</p>",
        '<p class="legend"><span class="m">actor mention</span><span class="q">quote</span><span class="e">event evidence</span>'
        " Hover a highlight for its rows; the small links lead to each row.</p>",
        highlighted_text(article["text"], _spans(mentions, quotes, events), _labels(mentions, quotes, events, names)),
        *_event_rows(events, names), *_quote_rows(quotes, names), *_mention_rows(mentions, names),
    ]
    return _page(f"{title} — evidence", body)


def index_page(articles: list[dict], counts: dict[str, dict[str, int]]) -> str:
    """The list of articles; `counts`: per article id, its rows by kind (`_counts`)."""
    rows = ["<h1>Articles: every row on its text</h1>",
            "<table><tr><th>article</th><th>title</th><th>publisher</th><th>published</th>"
            "<th>events (curated / rule)</th><th>quotes</th><th>mentions</th></tr>"]
    for a in articles:
        n = counts.get(a["article_id"], {})
        rows.append(
            f'<tr><td><a href="{_e(a["article_id"])}.html">{_e(a["article_id"])}</a></td><td>{_e(a["title"])}</td>'
            f'<td>{_e(a["publisher"])}</td><td>{_e(a["published_date"])}</td>'
            f'<td>{n.get("curated", 0)} / {n.get("rule", 0)}</td><td>{n.get("quotes", 0)}</td>'
            f'<td>{n.get("actor_mentions", 0)}</td></tr>')
    return _page("Articles — evidence pages", [*rows, "</table>"])


def _counts(tables: dict[str, pa.Table]) -> dict[str, dict[str, int]]:
    """Per article id: its events by method ("curated", "rule"), its quotes and its mentions —
    counted by Arrow over the whole corpus, so that the index costs no Python row per row."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    events = tables.get("events")
    if events is not None and events.num_rows:
        grouped = pa.table({"a": events.column("article_id"), "m": plain(events.column("method"))}).group_by(["a", "m"]).aggregate([([], "count_all")])
        for aid, method, n in zip(*(grouped.column(c).to_pylist() for c in ("a", "m", "count_all")), strict=True):
            counts[aid][method] = n
    for name in ("quotes", "actor_mentions"):
        table = tables.get(name)
        if table is not None and table.num_rows:
            grouped = table.select(["article_id"]).group_by("article_id").aggregate([([], "count_all")])
            for aid, n in zip(grouped.column("article_id").to_pylist(), grouped.column("count_all").to_pylist(), strict=True):
                counts[aid][name] = n
    return counts


# Besides an article's own rows, a page reads the names of the actors and weapon systems it shows.
CORPUS_TABLES_READ = ("actors", "weapon_systems")


PAGES_AT_ONCE = 500  # articles whose rows are made Python values together (a whole corpus's would hold every row at once)


def evidence_pages(tables: dict[str, pa.Table], skip: Set[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """The index, then the evidence page of every article but those in `skip` (whose rows never
    become Python values), each with its path relative to the package root."""
    names = _Names(tables)
    articles = tables.get("articles")
    listed = sorted(_rows(articles.select(["article_id", "title", "publisher", "published_date"])) if articles is not None else [],
                    key=lambda a: a["article_id"])
    yield EVIDENCE_INDEX, index_page(listed, _counts(tables))
    ids = [a["article_id"] for a in listed if a["article_id"] not in skip]
    for at in range(0, len(ids), PAGES_AT_ONCE):
        batch = pa.array(ids[at:at + PAGES_AT_ONCE], pa.string())
        wanted = {name: _of_articles(tables.get(name), batch) for name in ("articles", *KINDS)}
        grouped = {name: _by_article(sorted(_rows(wanted[name]), key=lambda r: r[list(r)[0]])) for name in KINDS}
        for a in sorted(_rows(wanted["articles"]), key=lambda a: a["article_id"]):
            aid = a["article_id"]
            yield evidence_page(aid), article_page(
                a, grouped["actor_mentions"].get(aid, []), grouped["quotes"].get(aid, []), grouped["events"].get(aid, []), names)


def _of_articles(table: pa.Table | None, ids: pa.Array) -> pa.Table | None:
    return None if table is None else table.filter(pc.is_in(table.column("article_id"), value_set=ids))
