"""In a real browser (headless Chromium, tests/browser.py): the evidence page's highlights sit on
their rows' characters, and a curator reviews an article — accepts one row, corrects another,
rejects the rest, adds a missing event by selecting its evidence — saves, reloads without losing
it, and the next build publishes the rows as `curated`. Screenshots of both pages are written to
$BROWSER_SCREENSHOTS when it is set (CONTRIBUTING.md shows them)."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from browser import CHROMIUM, Browser
from conftest import FIXTURES, make_repo

from builders.contribute.add import add_article
from builders.contribute.review import make_server
from builders.pipeline import build
from builders.schema.layout import evidence_page, parquet_file

pytestmark = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="chromium is not installed (apt-get install chromium)")
MISSING = "the FK-3 batteries delivered last week"


def _rows(root: Path, name: str, article_id: str) -> list[dict]:
    return [r for r in pq.read_table(root / parquet_file(name)).to_pylist() if r["article_id"] == article_id]


def _shot(browser: Browser, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    assert browser.screenshot(folder / name).stat().st_size > 10_000


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = make_repo(tmp_path_factory.mktemp("browser"))
    page = FIXTURES / "pages" / "harbour-gazette.html"
    added = add_article(root, page.read_bytes(), str(page), url="https://harbour-gazette.example/2022/04/12/envoy",
                        licence_basis="quotation", article_id="harbour-gazette-envoy")
    assert [str(p) for p in build(root) if p.severity == "error"] == []
    return root, added.article_id


@pytest.fixture
def browser(tmp_path):
    chromium = Browser(tmp_path / "profile")
    yield chromium
    chromium.close()


ROW_TEXTS = """rows => rows.map(([id, want]) => [id, want, Array.from(document.querySelectorAll('#text span[data-rows]'))
  .filter(n => n.dataset.rows.split(' ').includes(id)).map(n => n.textContent).join('')])"""


def test_evidence_page_highlights_sit_on_their_rows(repo, browser, tmp_path):
    root, article_id = repo
    browser.open((root / evidence_page(article_id)).as_uri())
    text = _rows(root, "articles", article_id)[0]["text"]
    rows = [[r["mention_id"], r["surface"]] for r in _rows(root, "actor_mentions", article_id)]
    rows += [[r["quote_id"], text[r["start_char"]:r["end_char"]]] for r in _rows(root, "quotes", article_id)]
    rows += [[r["event_id"], r["evidence_text"]] for r in _rows(root, "events", article_id)]
    assert len(rows) > 5
    checked = browser.js(f"({ROW_TEXTS})({json.dumps(rows)})")
    assert [(i, want, got) for i, want, got in checked if want != got] == []
    assert browser.js("document.scripts.length") == 0
    _shot(browser, "evidence-page.png", tmp_path)


SELECT = """phrase => { const box = document.getElementById('text'); const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const at = box.textContent.indexOf(phrase); const points = []; let seen = 0, node;
  while ((node = walker.nextNode())) { const len = node.textContent.length;
    for (const want of [at, at + phrase.length]) if (points.length < 2 && want >= seen && want <= seen + len && points.length === [at, at + phrase.length].indexOf(want)) points.push([node, want - seen]);
    seen += len; }
  const range = document.createRange(); range.setStart(...points[0]); range.setEnd(...points[1]);
  const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range); document.getElementById('add').click();
  return document.querySelectorAll('#rows tr').length; }"""
SET = """([index, name, value]) => { const row = document.querySelectorAll('#rows tr')[index];
  const field = row.querySelector(`[name="${name}"]`) || row.querySelector('select.decision'); field.value = value;
  field.dispatchEvent(new Event(field.tagName === 'INPUT' ? 'input' : 'change')); return row.className; }"""


def test_review_accept_correct_add_save_reload_build(repo, browser, tmp_path):
    root, article_id = repo
    rule = _rows(root, "events", article_id)
    assert len(rule) >= 2 and {e["method"] for e in rule} == {"rule"}
    server = make_server(root, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        browser.open(f"http://127.0.0.1:{server.server_port}/article/{article_id}")
        browser.wait_for(f"document.querySelectorAll('#rows tr').length === {len(rule)}")
        assert browser.js(f"({SET})([0, 'decision', 'accept'])") == "accept"
        assert browser.js(f"({SET})([1, 'modality', 'reported'])") == "correct"
        for i in range(2, len(rule)):
            assert browser.js(f"({SET})([{i}, 'decision', 'reject'])") == "reject"
        assert browser.js(f"({SELECT})({MISSING!r})") == len(rule) + 1
        new = len(rule)
        browser.js(f"({SET})([{new}, 'event_type', 'deliver_weapons'])")
        browser.js(f"({SET})([{new}, 'target', 'serbia'])")
        browser.js(f"({SET})([{new}, 'summary', 'FK-3 batteries are delivered to Serbia'])")
        browser.js("document.getElementById('save').click()")
        browser.wait_for("document.getElementById('status').dataset.result")
        assert browser.js("document.getElementById('status').textContent").startswith("saved seeds/curation/"), browser.js("document.getElementById('status').textContent")
        _shot(browser, "review-page.png", tmp_path)
        browser.open(f"http://127.0.0.1:{server.server_port}/article/{article_id}")  # a reload keeps what was saved
        browser.wait_for(f"document.querySelectorAll('#rows tr').length === {len(rule) + 1}")
        assert browser.js("Array.from(document.querySelectorAll('#rows tr')).map(r => r.className)") == ["accept"] * 3 + ["reject"] * (len(rule) - 2)
    finally:
        server.shutdown()
        server.server_close()
    assert [str(p) for p in build(root) if p.severity == "error"] == []
    events = _rows(root, "events", article_id)
    assert {e["method"] for e in events} == {"curated"} and len(events) == 3
    assert events_with(events, rule[0]["evidence_text"], rule[0]["modality"])
    assert events_with(events, rule[1]["evidence_text"], "reported")
    assert [e for e in events if e["evidence_text"] == MISSING and e["event_type"] == "deliver_weapons" and e["target_actor_id"] == "serbia"]


def events_with(events: list[dict], evidence: str, modality: str) -> list[dict]:
    return [e for e in events if e["evidence_text"] == evidence and e["modality"] == modality]


QUOTE_SET = """([index, name, value]) => { const field = document.querySelectorAll('#quotes tr')[index].querySelector(`[name="${name}"]`);
  field.value = value; field.dispatchEvent(new Event('input')); return field.closest('tr').className; }"""
CLASSES = "Array.from(document.querySelectorAll('{} tr')).map(r => r.className)"


def test_review_reject_one_row_and_correct_a_speaker_without_deciding_the_rest(repo, browser, tmp_path):
    """A rejection is saved at once and holds with other rows undecided (no complete: true), through
    a reload and a build; a speaker corrected in the quotes table is published as curated."""
    root, article_id = repo
    (root / "seeds" / "curation" / f"{article_id}.yaml").unlink(missing_ok=True)  # as the rules left it
    assert [str(p) for p in build(root) if p.severity == "error"] == []
    rule, quotes = _rows(root, "events", article_id), _rows(root, "quotes", article_id)
    assert len(rule) >= 2 and quotes
    speaker = next(a for a in ("serbia", "russia", "united-states") if a != quotes[0]["speaker_actor_id"])
    server = make_server(root, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/article/{article_id}"
        browser.open(url)
        browser.wait_for(f"document.querySelectorAll('#rows tr').length === {len(rule)}")
        assert browser.js(f"({SET})([1, 'decision', 'reject'])") == "reject"  # no Save pressed: a rejection saves itself
        browser.wait_for("document.getElementById('status').dataset.result")
        assert browser.js("document.getElementById('status').textContent").startswith("saved seeds/curation/")
        saved = (root / "seeds" / "curation" / f"{article_id}.yaml").read_text(encoding="utf-8")
        assert "complete: false" in saved and "rejected:" in saved and "events: []" in saved
        assert browser.js(f"({QUOTE_SET})([0, 'speaker', {speaker!r}])") == "correct"
        browser.js("document.getElementById('save').click()")
        browser.wait_for("document.getElementById('status').dataset.result")
        assert browser.js("document.getElementById('status').dataset.result") == "saved"
        browser.open(url)  # a reload keeps the rejection and the speaker
        browser.wait_for(f"document.querySelectorAll('#rows tr').length === {len(rule)}")
        assert sorted(browser.js(CLASSES.format("#rows"))) == ["reject"] + ["undecided"] * (len(rule) - 1)
        assert browser.js(CLASSES.format("#quotes"))[0] == "correct"
        assert browser.js("document.querySelector('#quotes tr [name=speaker]').value") == speaker
        browser.js("document.getElementById('quotes').closest('table').previousElementSibling.scrollIntoView()")
        _shot(browser, "review-quotes.png", tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    problems = build(root)
    assert [str(p) for p in problems if p.severity == "error"] == [] and [p for p in problems if "rejected" in (p.field or "")] == []
    events = _rows(root, "events", article_id)
    assert {e["method"] for e in events} == {"rule"} and len(events) == len(rule) - 1
    assert rule[1]["event_id"] not in {e["event_id"] for e in events}
    published = {q["quote_id"]: q for q in _rows(root, "quotes", article_id)}
    assert (published[quotes[0]["quote_id"]]["speaker_actor_id"], published[quotes[0]["quote_id"]]["method"]) == (speaker, "curated")
    assert {q["method"] for q in published.values() if q["quote_id"] != quotes[0]["quote_id"]} <= {"rule"}
