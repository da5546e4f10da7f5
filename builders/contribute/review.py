"""`review`: curate an article's events in the browser, on 127.0.0.1 only.

A page per article shows its clean text with the event evidence highlighted and every event row,
which the curator accepts, rejects or corrects (type, source, target, weapon, modality, date); a
missing event is added by selecting its evidence in the text; a rejection is saved at once (as a
`rejected:` entry naming the rule row by type, participants and evidence). Below, every quotation
with its speaker and outlet, which the curator corrects (`quotes:` entries). Saving writes
`seeds/curation/<article_id>.yaml` as a person would, read back by the builders' own reader and
checked against the article before it is written (so a saved file builds); the next `build`
publishes the rows as `curated`. The page's state comes from that file, so a reload keeps what was
saved. Nothing else is written; a request from another origin (or for another host) is refused.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from ..inputs.curation import parse_curation, read_curation
from ..inputs.reference import load_reference
from ..extract.events import nth_occurrence
from ..inputs.tree import CURATION_DIR
from ..publish.evidence import STYLE, highlighted_text
from ..schema.columns import plain
from ..schema.layout import parquet_file
from ..schema.models import DatePrecision, Modality

MAX_BODY = 1024 * 1024
PLAIN = re.compile(r"[^\W\d_][^:#\"'\n{}\[\],&*!|>%@`]*[^\s:]")  # text YAML reads as itself without quotes
SCRIPT = Path(__file__).with_name("review.js")
CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'"
EXTRA_STYLE = """
body{max-width:84rem}
.rows td{font-size:85%}.rows input,.rows select{font-size:95%;max-width:11rem}
.rows tr.reject{opacity:.45}.rows tr.accept{background:#f0fdf4}.rows tr.correct{background:#fefce8}.rows tr.new{background:#eff6ff}
#status{font-weight:bold}.e.sel{outline:2px solid #dc2626}
""".strip()


class ReviewError(Exception):
    """A review that cannot start or a save that is refused: one line, what and how to fix."""


def _table(root: Path, name: str) -> list[dict]:
    table = pq.read_table(root / parquet_file(name))
    return [dict(zip(table.column_names, values, strict=True))
            for values in zip(*(plain(table.column(c)).to_pylist() for c in table.column_names), strict=True)]


def _occurrence(text: str, evidence: str, start: int) -> int:
    """Which occurrence of `evidence` in `text` starts at `start` (1 = the first)."""
    count, at = 0, text.find(evidence)
    while 0 <= at <= start:
        count += 1
        at = text.find(evidence, at + 1)
    return max(count, 1)


class Review:
    """The published package (what the rules made) and the curation files (what a person saved)."""

    def __init__(self, root: Path):
        self.root = root
        self.writing = threading.Lock()  # the server answers requests in threads: one save writes at a time
        try:
            self.articles = {a["article_id"]: a for a in _table(root, "articles")}
            self.events = _table(root, "events")
            self.mentions = _table(root, "actor_mentions")
            self.quotes = _table(root, "quotes")
            self.types = sorted(t["event_type"] for t in _table(root, "event_types"))
            self.weapon_mentions = _table(root, "weapon_system_mentions")
        except (OSError, ValueError) as error:
            raise ReviewError(f"{root / 'datapackage'}: no published package to review ({error}) — run python -m builders build first") from error
        reference, problems = load_reference(root)
        if [p for p in problems if p.severity == "error"]:
            raise ReviewError(f"{problems[0]} — fix the reference, build, and start review again")
        self.curated_actors = {a.id for a in reference.actors}  # what the build accepts in any article, named there or not
        self.curated_weapons = {w.id for w in reference.weapons}

    def known_actors(self, article_id: str) -> set[str]:
        """Actors a curation file of this article may name, as the build checks them: the
        reference's and those found in the article."""
        return {m["actor_id"] for m in self.mentions if m["article_id"] == article_id} | self.curated_actors

    def known_weapons(self, article_id: str) -> set[str]:
        """Weapon systems likewise: the reference's and those found in the article."""
        return {m["weapon_system_id"] for m in self.weapon_mentions if m["article_id"] == article_id} | self.curated_weapons

    def saved(self, article_id: str):
        rel = f"{CURATION_DIR}/{article_id}.yaml"
        curation, _, problems = parse_curation(rel, read_curation(self.root, article_id))
        if problems:
            raise ReviewError(f"{problems[0]} — fix the file by hand (or delete it) and reload")
        return curation

    def rows(self, article_id: str) -> tuple[bool, list[dict]]:
        """The rows to review: the saved file's events and rejections, then the rule rows they do
        not cover (none when the file says it is complete)."""
        text = self.articles[article_id]["text"]
        curation = self.saved(article_id)
        rows = []
        for i, e in enumerate(curation.events if curation else ()):
            start = nth_occurrence(text, e.evidence, e.occurrence)
            date = e.date.model_dump(mode="json") if e.date else None
            rows.append({"key": f"c{i}", "event_id": None, "method": "curated", "status": "accept", "event_type": e.event_type,
                         "source": e.source, "target": e.target, "weapon": e.weapon, "modality": e.modality.value,
                         "evidence": e.evidence, "start": start, "end": start + len(e.evidence), "summary": e.summary,
                         "date": date, "note": e.note})
        covered = {(r["event_type"], r["source"], r["target"]) for r in rows}
        rejected = []
        for i, e in enumerate(curation.rejected if curation else ()):
            start = nth_occurrence(text, e.evidence, e.occurrence)
            named = {"event_type": e.event_type, "source": e.source, "target": e.target}
            row = {"key": f"r{i}", "event_id": None, "method": "rule", "status": "reject", **named, "original": named,
                   "weapon": None, "modality": "asserted", "evidence": e.evidence, "start": start, "end": start + len(e.evidence),
                   "summary": None, "date": None, "note": e.note}
            published = next((p for p in self.events if p["article_id"] == article_id and p["method"] == "rule" and _named([row], p)), None)
            if published is not None:  # not built since: the row as the rules made it, should the curator take the rejection back
                row.update(event_id=published["event_id"], weapon=published["weapon_system_id"], modality=published["modality"],
                           summary=published["summary"])
            rejected.append(row)
        rows += rejected
        complete = bool(curation and curation.complete)
        for e in sorted((e for e in self.events if e["article_id"] == article_id and e["method"] == "rule"), key=lambda e: e["event_id"]):
            if complete or (e["event_type"], e["source_actor_id"], e["target_actor_id"]) in covered or _named(rejected, e):
                continue
            named = {"event_type": e["event_type"], "source": e["source_actor_id"], "target": e["target_actor_id"]}
            rows.append({"key": e["event_id"], "event_id": e["event_id"], "method": "rule", "status": "undecided", "original": named,
                         "event_type": e["event_type"], "source": e["source_actor_id"], "target": e["target_actor_id"],
                         "weapon": e["weapon_system_id"], "modality": e["modality"], "evidence": e["evidence_text"],
                         "start": e["evidence_start_char"], "end": e["evidence_end_char"], "summary": e["summary"], "date": None,
                         "shown_date": {"start": _iso(e["date_start"]), "end": _iso(e["date_end"]), "precision": e["date_precision"]}})
        return complete, rows

    def quote_rows(self, article_id: str) -> list[dict]:
        """Every quotation of the article with its speaker and outlet, the saved file's corrections
        in place of the published ones (so a reload before a build shows them)."""
        text = self.articles[article_id]["text"]
        curation = self.saved(article_id)
        saved = {}
        for e in curation.quotes if curation else ():
            start = nth_occurrence(text, e.text, e.occurrence)
            saved[(start, start + len(e.text))] = e
        rows = []
        for q in sorted((q for q in self.quotes if q["article_id"] == article_id), key=lambda q: q["start_char"]):
            entry = saved.get((q["start_char"], q["end_char"]))
            rows.append({"key": q["quote_id"], "text": q["text"], "start": q["start_char"], "end": q["end_char"],
                         "speaker": entry.speaker if entry else q["speaker_actor_id"],
                         "via": (entry.via if "via" in entry.model_fields_set else q["via_actor_id"]) if entry else q["via_actor_id"],
                         "surface": q["speaker_surface"], "status": "correct" if entry or q["method"] == "curated" else "rule"})
        return rows

    def page(self, article_id: str) -> str:
        article = self.articles[article_id]
        complete, rows = self.rows(article_id)
        spans = [(r["start"], r["end"], "e", r["key"]) for r in rows if r["start"] >= 0]
        state = {"article_id": article_id, "complete": complete, "rows": rows, "quotes": self.quote_rows(article_id), "types": self.types,
                 "actors": sorted(self.known_actors(article_id)), "weapons": sorted(self.known_weapons(article_id)),
                 "modalities": [m.value for m in Modality], "precisions": [p.value for p in DatePrecision]}
        body = [
            '<p><a href="/">All articles</a></p>', f"<h1>{_e(article['title'] or article_id)}</h1>",
            f"<p>{_e(article_id)} · saving writes {_e(CURATION_DIR)}/{_e(article_id)}.yaml</p>",
            "<p>Accept, reject or correct each row; select a missing event's evidence in the text and press "
            "<b>Add event from selection</b>. A rejection is saved at once. When every row is decided the file says "
            "<code>complete: true</code> (rows that later rules find are then not added).</p>",
            highlighted_text(article["text"], sorted(spans), {}, refs=False),
            '<p><button id="add">Add event from selection</button> <button id="save">Save</button> <span id="status"></span></p>',
            '<table class="rows"><thead><tr><th>row</th><th>decision</th><th>type</th><th>source</th><th>target</th>'
            "<th>weapon</th><th>modality</th><th>date (start, end, precision)</th><th>summary</th><th>evidence</th></tr></thead>"
            '<tbody id="rows"></tbody></table>',
            "<h2>Quotes</h2><p>Correct a speaker or the outlet the words came through (an actor id; empty: the text does not "
            "say who), then save.</p>",
            '<table class="rows quotes"><thead><tr><th>quote</th><th>text</th><th>speaker</th><th>via</th><th>as written</th>'
            '<th>state</th></tr></thead><tbody id="quotes"></tbody></table>',
            f'<script type="application/json" id="state">{_json_in_html(state)}</script>',
            '<script src="/review.js"></script>',
        ]
        return _html(f"Review {article_id}", body)

    def index(self) -> str:
        items = [f'<li><a href="/article/{_e(a)}">{_e(a)}</a> — {_e(self.articles[a]["title"])}</li>' for a in sorted(self.articles)]
        return _html("Review", ["<h1>Articles to review</h1>", "<ul>", *items, "</ul>"])

    def save(self, article_id: str, payload: dict) -> str:
        """Write the curation file the decisions make; refuse (ReviewError) anything that would not build."""
        text = self.articles[article_id]["text"]
        rows = payload.get("rows")
        if not isinstance(rows, list):
            raise ReviewError("the request holds no rows — reload the page")
        quotes = payload.get("quotes") or []
        if not isinstance(quotes, list):
            raise ReviewError("the request's quotes are not a list — reload the page")
        complete = all(isinstance(r, dict) and r.get("status") in ("accept", "reject", "correct", "new") for r in rows)
        events = [_event(r, text) for r in rows if isinstance(r, dict) and r.get("status") in ("accept", "correct", "new")]
        rejected = [_rejection(r, text) for r in rows if isinstance(r, dict) and r.get("status") == "reject" and isinstance(r.get("original"), dict)]
        corrected = [_quote(q, text) for q in quotes if isinstance(q, dict) and q.get("status") == "correct"]
        self._check(article_id, events + rejected, corrected)
        data = curation_yaml(article_id, complete, events, rejected, corrected).encode("utf-8")
        rel = f"{CURATION_DIR}/{article_id}.yaml"
        _, _, problems = parse_curation(rel, data)  # the builders' own reader
        if problems:
            raise ReviewError(str(problems[0]))
        path = self.root / rel
        with self.writing:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        return rel

    def _check(self, article_id: str, events: list[dict], quotes: list[dict]) -> None:
        actors, types, weapons = self.known_actors(article_id), set(self.types), self.known_weapons(article_id)
        for i, q in enumerate(quotes, 1):
            for field in ("speaker", "via"):
                if q[field] is not None and q[field] not in actors:
                    raise ReviewError(f"quote {i}: {field}: unknown actor {q[field]!r} — use an actor id from the list (curated or found in this article)")
        for i, e in enumerate(events, 1):
            if e["event_type"] not in types:
                raise ReviewError(f"event {i}: unknown event type {e['event_type']!r} — choose one from the list")
            for field in ("source", "target"):
                if e.get(field) is not None and e[field] not in actors:
                    raise ReviewError(f"event {i}: {field}: unknown actor {e[field]!r} — use an actor id from the list (curated or found in this article)")
            if e.get("weapon") is not None and e["weapon"] not in weapons:
                raise ReviewError(f"event {i}: weapon: unknown weapon system {e['weapon']!r} — choose one from the list")


def _named(rejected: list[dict], event: dict) -> bool:
    """Whether a saved rejection names this published rule row (as the build matches them)."""
    return any((r["event_type"], r["source"], r["target"]) == (event["event_type"], event["source_actor_id"], event["target_actor_id"])
               and r["start"] < event["evidence_end_char"] and event["evidence_start_char"] < r["end"] for r in rejected)


def _iso(value) -> str | None:
    return None if value is None else value.isoformat()


def _e(value) -> str:
    from html import escape

    return "" if value is None else escape(str(value), quote=True)


def _json_in_html(value) -> str:
    """JSON that cannot close the script element it stands in."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _html(title: str, body: list[str]) -> str:
    return "\n".join(["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{_e(title)}</title>",
                      f"<style>{STYLE}\n{EXTRA_STYLE}</style></head><body>", *body, "</body></html>", ""])


def _clean(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _event(row: dict, text: str) -> dict:
    """One curation-file event from a row the curator kept: the evidence as its characters in the
    text, which occurrence it is, and a date only where the curator set one."""
    evidence, occurrence = _span(row, text)
    event = {"event_type": _clean(row.get("event_type")), "source": _clean(row.get("source")), "target": _clean(row.get("target")),
             "weapon": _clean(row.get("weapon")), "modality": _clean(row.get("modality")), "evidence": evidence,
             "occurrence": occurrence, "summary": _clean(row.get("summary")) or evidence[:120]}
    date = row.get("date")
    if isinstance(date, dict) and (date.get("start") or date.get("end")):
        event["date"] = {"start": date.get("start") or None, "end": date.get("end") or None,
                         "precision": date.get("precision") or "day",
                         "source": date.get("source") if date.get("source") in ("text", "publication", "unknown") else "text"}
    if _clean(row.get("note")):
        event["note"] = _clean(row.get("note"))
    return event


def _span(row: dict, text: str) -> tuple[str, int]:
    """The text of a row's span and which occurrence of that text it is."""
    start, end = row.get("start"), row.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        raise ReviewError(f"row {str(row.get('key'))[:40]!r}: its span is not a span of the text — select it again, or reload the page")
    return text[start:end], _occurrence(text, text[start:end], start)


def _rejection(row: dict, text: str) -> dict:
    """A `rejected:` entry naming the rule row as the rules made it (not as the curator may have
    edited it before rejecting), by its evidence: row ids move when the rules change."""
    original = row["original"]
    evidence, occurrence = _span(row, text)
    rejection = {"event_type": _clean(original.get("event_type")), "source": _clean(original.get("source")),
                 "target": _clean(original.get("target")), "evidence": evidence, "occurrence": occurrence}
    if _clean(row.get("note")):
        rejection["note"] = _clean(row.get("note"))
    return rejection


def _quote(row: dict, text: str) -> dict:
    quote, occurrence = _span(row, text)
    return {"text": quote, "occurrence": occurrence, "speaker": _clean(row.get("speaker")), "via": _clean(row.get("via"))}


def _scalar(value) -> str:
    if isinstance(value, str):
        if PLAIN.fullmatch(value) and yaml.safe_load(value) == value:
            return value  # plain, as a person writes it
        return json.dumps(value, ensure_ascii=False)  # a YAML double-quoted scalar
    return yaml.safe_dump(value, default_flow_style=True).strip().removesuffix("...").strip()


def _found_at(key: str, entry: dict, first: bool = False) -> list[str]:
    """An entry's quoted text under `key` and, past its first occurrence in the article, which
    occurrence it is (as events.located_entries reads them)."""
    lines = [f"{'  - ' if first else '    '}{key}: {_scalar(entry[key])}"]
    return lines + ([f"    occurrence: {entry['occurrence']}"] if entry["occurrence"] > 1 else [])


def _note(entry: dict) -> list[str]:
    return [f"    note: {_scalar(entry['note'])}"] if "note" in entry else []


def curation_yaml(article_id: str, complete: bool, events: list[dict], rejected: list[dict] = (), quotes: list[dict] = ()) -> str:
    """The curation file as a person writes it (keys in the seeds' order, evidence quoted)."""
    lines = ["# yaml-language-server: $schema=../../schema/curation-file.schema.json",
             f"# Events of {article_id}, curated in the browser (serbia-arms-pressure review).",
             f"complete: {'true' if complete else 'false'}", "events:" if events else "events: []"]
    for e in events:
        lines.append(f"  - event_type: {e['event_type']}" if e["event_type"] else "  - event_type: null")
        lines += [f"    {key}: {e[key]}" for key in ("source", "target", "weapon") if e.get(key)]
        lines += [f"    modality: {e['modality']}", *_found_at("evidence", e)]
        if "date" in e:
            d = e["date"]
            lines += ["    date:"] + [f"      {k}: {d[k]}" for k in ("start", "end") if d[k]] + [f"      precision: {d['precision']}", f"      source: {d['source']}"]
        lines += [f"    summary: {_scalar(e['summary'])}", *_note(e)]
    lines += ["rejected:"] if rejected else []
    for r in rejected:
        lines.append(f"  - event_type: {r['event_type']}")
        lines += [f"    {key}: {r[key]}" for key in ("source", "target") if r.get(key)]
        lines += [*_found_at("evidence", r), *_note(r)]
    lines += ["quotes:"] if quotes else []
    for q in quotes:
        lines += [*_found_at("text", q, first=True), *(f"    {key}: {q[key] or 'null'}" for key in ("speaker", "via"))]
    return "\n".join(lines) + "\n"


def _handler(review: Review, port: Callable[[], int]):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet: the terminal shows only the address
            pass

        def _send(self, status: int, body: str, kind: str = "text/html; charset=utf-8") -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            for name, value in (("Content-Type", kind), ("Content-Length", str(len(data))), ("Content-Security-Policy", CSP),
                                ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer")):
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _own_host(self) -> bool:
            """Only our address: a page of another site that rebinds its name to 127.0.0.1 is refused."""
            return self.headers.get("Host") in (f"127.0.0.1:{port()}", f"localhost:{port()}")

        def do_GET(self):
            if not self._own_host():
                return self._send(HTTPStatus.FORBIDDEN, "refused: ask for 127.0.0.1")
            path = self.path.split("?", 1)[0]
            if path == "/":
                return self._send(HTTPStatus.OK, review.index())
            if path == "/review.js":
                return self._send(HTTPStatus.OK, SCRIPT.read_text(encoding="utf-8"), "text/javascript; charset=utf-8")
            article_id = path.removeprefix("/article/")
            if path.startswith("/article/") and article_id in review.articles:
                try:
                    return self._send(HTTPStatus.OK, review.page(article_id))
                except ReviewError as error:
                    return self._send(HTTPStatus.CONFLICT, _e(error))
            return self._send(HTTPStatus.NOT_FOUND, "no such page")

        def do_POST(self):
            origin = self.headers.get("Origin")
            if not self._own_host() or origin != f"http://{self.headers.get('Host')}":
                return self._send(HTTPStatus.FORBIDDEN, json.dumps({"error": "refused: a request from another origin"}), "application/json")
            article_id = self.path.removeprefix("/save/")
            length = int(self.headers.get("Content-Length") or 0)
            if not self.path.startswith("/save/") or article_id not in review.articles or length > MAX_BODY:
                return self._send(HTTPStatus.NOT_FOUND, json.dumps({"error": "no such article"}), "application/json")
            if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
                return self._send(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, json.dumps({"error": "send JSON"}), "application/json")
            try:
                saved = review.save(article_id, json.loads(self.rfile.read(length) or b"{}"))
            except (ReviewError, ValueError) as error:
                return self._send(HTTPStatus.BAD_REQUEST, json.dumps({"error": str(error)}, ensure_ascii=False), "application/json")
            return self._send(HTTPStatus.OK, json.dumps({"saved": saved}), "application/json")

    return Handler


def make_server(root: Path, port: int = 0) -> ThreadingHTTPServer:
    """The review server on 127.0.0.1 (port 0: any free one); the caller serves it."""
    review = Review(root)
    box: list[ThreadingHTTPServer] = []
    server = ThreadingHTTPServer(("127.0.0.1", port), _handler(review, lambda: box[0].server_port))
    box.append(server)
    return server


def serve(root: Path, article: str | None, port: int, announce: Callable[[str], None]) -> None:
    try:
        server = make_server(root, port)
    except OSError as error:
        raise ReviewError(f"127.0.0.1:{port}: cannot listen ({error.strerror}) — choose another --port") from error
    if article is not None and article not in Review(root).articles:
        raise ReviewError(f"{article!r}: no such article in the published package — run build after adding it")
    announce(f"http://127.0.0.1:{server.server_port}/" + (f"article/{article}" if article else ""))
    with server:
        server.serve_forever()
