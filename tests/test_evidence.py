"""Evidence pages (datapackage/articles/<id>.html): every highlight sits on its row's characters,
hostile article text stays text, and the pages load nothing and are the same bytes at every build.
Read with the standard library's HTML parser, as a browser would parse them (tests/test_browser.py
checks the same in headless Chromium)."""

from __future__ import annotations

from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from builders.engine import Options
from builders.pipeline import build
from builders.schema.layout import EVIDENCE_INDEX, evidence_page, parquet_file

from conftest import make_repo, snapshot, write_source

HOSTILE_ID = "hostile-markup"
HOSTILE = """U.S. warns Serbia over <script>alert(1)</script> purchases

By Jane Roe

BELGRADE - The United States on Monday threatened Serbia with sanctions over its purchase of Russian weapons, \
a report said](javascript:alert(document.cookie)) and <img src=x onerror=alert(2)> <script>alert(3)</script>.
"We will not accept <b>this</b> & that," said U.S. Secretary of State Mike Pompeo.
Serbian President Aleksandar Vucic said Belgrade would buy the S-400 anyway.
"""
ALLOWED_TAGS = {"html", "head", "meta", "title", "style", "body", "p", "h1", "h2", "a", "span", "div", "table", "tr", "th", "td"}


class _Page(HTMLParser):
    """The text of div#text (without the row links) and where each row's highlighted pieces are."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.hrefs, self.text = set(), [], []
        self.pieces = defaultdict(list)  # row id -> [(offset, piece)]
        self.stack, self.in_text, self.in_ref = [], False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.add(tag)
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        if attrs.get("id") == "text":
            self.in_text = True
        self.in_ref = self.in_ref or attrs.get("class") == "ref"
        if tag == "span" and self.in_text:
            self.stack.append(attrs.get("data-rows", "").split())

    def handle_endtag(self, tag):
        if tag == "span" and self.in_text and self.stack:
            self.stack.pop()
        elif tag == "a":
            self.in_ref = False
        elif tag == "div":
            self.in_text = False

    def handle_data(self, data):
        if not self.in_text or self.in_ref:
            return
        offset = sum(map(len, self.text))
        for row in (r for rows in self.stack for r in rows):
            self.pieces[row].append((offset, data))
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("evidence"))
    (root / "seeds" / "articles" / f"{HOSTILE_ID}.txt").write_text(HOSTILE, encoding="utf-8")
    write_source(root, HOSTILE_ID)
    assert [str(p) for p in build(root) if p.severity == "error"] == []
    return root


def _rows(root: Path, name: str) -> list[dict]:
    return pq.read_table(root / parquet_file(name)).to_pylist()


SPANS = {"actor_mentions": ("mention_id", "start_char", "end_char"), "quotes": ("quote_id", "start_char", "end_char"),
         "events": ("event_id", "evidence_start_char", "evidence_end_char")}


def test_every_highlight_is_its_rows_span(hostile_repo):
    texts = {a["article_id"]: a["text"] for a in _rows(hostile_repo, "articles")}
    pages = {aid: _parse(hostile_repo / evidence_page(aid)) for aid in texts}
    checked = 0
    for name, (key, start, end) in SPANS.items():
        for row in _rows(hostile_repo, name):
            page, text = pages[row["article_id"]], texts[row["article_id"]]
            pieces = page.pieces[row[key]]
            assert pieces, f"{row[key]} has no highlight"
            assert pieces[0][0] == row[start], row[key]
            joined = "".join(p for _, p in pieces)
            assert joined == text[row[start]:row[end]], row[key]
            assert pieces[-1][0] + len(pieces[-1][1]) == row[end], row[key]  # contiguous: no gap, no overrun
            checked += 1
    assert checked > 300
    for aid, page in pages.items():
        assert "".join(page.text) == texts[aid]  # the page shows the whole clean text, nothing else


def test_hostile_text_is_shown_never_run(hostile_repo):
    page_path = hostile_repo / evidence_page(HOSTILE_ID)
    html = page_path.read_text(encoding="utf-8")
    page = _parse(page_path)
    shown = "".join(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title
    assert "<script>alert(3)</script>" in shown and "](javascript:" in shown and "<img src=x onerror=alert(2)>" in shown and "<b>this</b> & that" in shown
    assert "<script" not in html.lower() and "<img" not in html.lower() and "onerror=" not in html.replace("onerror=alert(2)&gt;", "")
    assert page.tags <= ALLOWED_TAGS, page.tags - ALLOWED_TAGS
    assert all(h.startswith("#") or h.endswith(".html") for h in page.hrefs), [h for h in page.hrefs if "javascript" in h]
    quotes = [q for q in _rows(hostile_repo, "quotes") if q["article_id"] == HOSTILE_ID]
    assert any("<b>this</b>" in q["text"] for q in quotes)  # the hostile text is a row, highlighted above
    assert "default-src 'none'" in html  # nothing is loaded, even if something slipped through
    index = (hostile_repo / EVIDENCE_INDEX).read_text(encoding="utf-8")
    assert f'href="{HOSTILE_ID}.html"' in index and "&lt;script&gt;" in index


def test_pages_are_the_same_bytes_at_every_build(hostile_repo, tmp_path):
    again = make_repo(tmp_path / "again")
    (again / "seeds" / "articles" / f"{HOSTILE_ID}.txt").write_text(HOSTILE, encoding="utf-8")
    write_source(again, HOSTILE_ID)
    assert [str(p) for p in build(again, Options(use_cache=False)) if p.severity == "error"] == []
    first, second = snapshot(hostile_repo), snapshot(again)
    pages = sorted(k for k in first if k.startswith("datapackage/articles/"))
    assert len(pages) == 7
    assert {k: first[k] for k in pages} == {k: second[k] for k in pages}
