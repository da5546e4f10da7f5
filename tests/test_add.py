"""`add`: a saved web page becomes an article and a source record that build; the page's
boilerplate is gone and its body intact; the four bad cases are refused in one line each. Pages
written for the tests (tests/fixtures/pages/), the real trafilatura and htmldate, a real build."""

from __future__ import annotations

import shutil

import pyarrow.parquet as pq
import pytest
import yaml
from conftest import FIXTURES, make_repo, run_cli

from builders.pipeline import build

PAGE = FIXTURES / "pages" / "harbour-gazette.html"
URL = "https://harbour-gazette.example/balkans/2022/04/12/us-envoy-warns-serbia"
ID = "harbour-gazette-2022-04-12-us-envoy-warns-serbia-over"
BOILERPLATE = ("cookies", "Accept all", "Share on", "Email this", "Comments", "troll99", "propaganda", "Great article",
               "Subscribe", "Read more", "Ten things", "Weather", "All rights reserved", "Terms of use", "Contact us",
               "Privacy", "UA-0000")
BODY = ("BELGRADE, April 12 (Harbour Gazette) - The United States ambassador to Serbia, Christopher Hill, warned Belgrade",
        '"Serbia has to decide where it stands, and buying Chinese missiles sends the wrong signal," Hill told reporters',
        "Stefanovic said Serbia would keep buying weapons from whoever offered the best terms",
        "officials have said similar concerns apply to Chinese systems.")


def _add(root, *args):
    return run_cli(root, "add", *args)


@pytest.fixture
def repo(tmp_path):
    return make_repo(tmp_path / "repo")


def test_a_saved_page_becomes_an_article_that_builds(repo):
    done = _add(repo, str(PAGE), "--url", URL, "--licence-basis", "quotation", "--retrieved", "2022-04-13")
    assert done.returncode == 0, done.stderr
    text = (repo / "seeds" / "articles" / f"{ID}.txt").read_text(encoding="utf-8")
    for junk in BOILERPLATE:
        assert junk not in text, junk
    for paragraph in BODY:
        assert paragraph in text
    record = yaml.safe_load((repo / "seeds" / "sources" / f"{ID}.yaml").read_text(encoding="utf-8"))
    assert record == {"url": URL, "retrieved_date": __import__("datetime").date(2022, 4, 13), "licence_basis": "quotation",
                      "title": "US envoy warns Serbia over Chinese missiles", "publisher": "Harbour Gazette",
                      "published_date": __import__("datetime").date(2022, 4, 12)}
    assert [str(p) for p in build(repo) if p.severity == "error"] == []
    article = next(a for a in pq.read_table(repo / "datapackage/parquet/articles.parquet").to_pylist() if a["article_id"] == ID)
    assert article["title"] == "US envoy warns Serbia over Chinese missiles"
    assert article["authors"] == ["Mara Lindqvist"]
    assert article["url"] == URL and str(article["published_date"]) == "2022-04-12"
    assert article["text"].startswith(BODY[0])
    events = [e for e in pq.read_table(repo / "datapackage/parquet/events.parquet").to_pylist() if e["article_id"] == ID]
    assert events and {e["method"] for e in events} == {"rule"}
    assert (repo / f"datapackage/articles/{ID}.html").is_file()


def _one_line(done) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_refuses_the_four_bad_cases_in_one_line_each(repo, tmp_path):
    before = sorted(p.name for p in (repo / "seeds").rglob("*"))
    line = _one_line(_add(repo, str(FIXTURES / "pages" / "cookie-wall.html"), "--licence-basis", "quotation"))
    assert "cookie-wall.html: no article text found in the page" in line
    not_html = tmp_path / "scan.pdf"
    not_html.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n")
    line = _one_line(_add(repo, str(not_html), "--licence-basis", "quotation"))
    assert "scan.pdf: not an HTML page" in line
    seed = repo / "seeds" / "articles" / "000_7318cba5f0ad2b4c.txt"
    copied = tmp_path / "copied.html"
    copied.write_text("<html><body><article>" + "".join(f"<p>{p}</p>" for p in seed.read_text(encoding="utf-8").split("\n\n")[1:])
                      + "</article></body></html>", encoding="utf-8")
    line = _one_line(_add(repo, str(copied), "--licence-basis", "quotation", "--id", "copied"))
    assert "copied.html: the same text as seeds/articles/000_7318cba5f0ad2b4c.txt" in line
    line = _one_line(_add(repo, str(PAGE), "--licence-basis", "quotation", "--id", "000_7318cba5f0ad2b4c"))
    assert "seeds/articles/000_7318cba5f0ad2b4c.txt: the id '000_7318cba5f0ad2b4c' is taken — give another one with --id" in line
    assert sorted(p.name for p in (repo / "seeds").rglob("*")) == before  # nothing written


def test_licence_basis_is_required(repo):
    done = _add(repo, str(PAGE))
    assert done.returncode == 2 and "--licence-basis" in done.stderr
