"""`add`: an article from a saved web page — its text as `seeds/articles/<id>.txt` and its source
record as `seeds/sources/<id>.yaml`, both as a contributor would write them by hand.

trafilatura removes the page's boilerplate (navigation, comments, share buttons, cookie banners)
and reads title, author and outlet; htmldate reads the publication date. The licence basis is the
contributor's statement, never guessed. Fetching a URL happens only when the contributor asks for
it (`add URL`); builds never touch the network. Every refusal is one line saying what and how to fix.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from ..inputs.sources import SourceRecord
from ..inputs.tree import MAX_ARTICLE_ID
from ..schema.models import LicenceBasis

MAX_PAGE_BYTES = 20 * 1024 * 1024  # a saved page larger than this is not an article page
MIN_WORDS = 20  # fewer extracted words than this: the page holds no article text
HTML_MARK = re.compile(rb"<\s*(!doctype\s+html|html|head|body|article|main|p|div)\b", re.IGNORECASE)
SLUG_STOP = re.compile(r"[^a-z0-9]+")


class AddError(Exception):
    """A page `add` refuses: one line, what and how to fix."""


@dataclass(frozen=True)
class Added:
    article_id: str
    article: Path
    source: Path
    record: dict


def fetch(url: str, timeout: float = 30.0) -> bytes:
    """The page at `url` — called only when the contributor gives a URL to `add` (never by a build)."""
    import urllib.request

    if not re.match(r"^https?://\S+$", url):
        raise AddError(f"{url[:120]!r}: not an http(s) address — give a saved page's path or an http(s) URL")
    request = urllib.request.Request(url, headers={"User-Agent": "serbia-arms-pressure-add"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (http(s) only, checked above)
            return response.read(MAX_PAGE_BYTES + 1)
    except OSError as error:
        raise AddError(f"{url[:120]}: cannot fetch it ({error}) — save the page in a browser and run add on the file") from error


def read_page(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PAGE_BYTES + 1)
    except OSError as error:
        raise AddError(f"{path}: cannot read it ({error.strerror}) — give the path of a saved web page") from error
    return data


def _check_html(data: bytes, where: str) -> str:
    if len(data) > MAX_PAGE_BYTES:
        raise AddError(f"{where}: over {MAX_PAGE_BYTES // 2**20} MB — not a web page of one article; save the article's page itself")
    if b"\0" in data[:65536] or not HTML_MARK.search(data[:65536]):
        raise AddError(f"{where}: not an HTML page (no HTML markup in it) — save the article's page as HTML "
                       "(a .txt article goes straight into seeds/articles/)")
    return data.decode("utf-8", errors="replace")


def extract_page(html: str, url: str | None) -> dict:
    """Title, author, outlet, date and body text of the page (None where the page does not say)."""
    import htmldate
    import trafilatura

    found = trafilatura.extract(html, url=url, output_format="json", with_metadata=True, include_comments=False,
                                include_tables=False, include_images=False, favor_precision=True, deduplicate=False)
    found = json.loads(found) if found else {}
    date = htmldate.find_date(html, url=url, original_date=True, extensive_search=False, outputformat="%Y-%m-%d")
    return {"title": found.get("title"), "author": found.get("author"), "publisher": found.get("source-hostname") or found.get("sitename"),
            "published_date": date, "text": (found.get("text") or "").strip()}


def _slug(text: str, words: int = 99) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "-".join(SLUG_STOP.sub(" ", ascii_text).split()[:words])


def derive_id(page: dict, retrieved: dt.date) -> str:
    """`<outlet>-<date>-<first words of the title>`, cut to the id length."""
    parts = [_slug(page["publisher"] or "", 4), page["published_date"] or retrieved.isoformat(), _slug(page["title"] or "", 6)]
    slug = "-".join(p for p in parts if p)
    if len(slug) > MAX_ARTICLE_ID:  # cut at a word's end
        slug = slug[:MAX_ARTICLE_ID + 1].rsplit("-", 1)[0]
    return slug.strip("-_") or "article"


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _duplicate_of(root: Path, body: str) -> Path | None:
    """An article already in seeds/articles/ holding the same text (white space and case aside)."""
    wanted = _normal(body)
    for path in sorted((root / "seeds" / "articles").glob("*.txt")):
        if path.is_file() and not path.is_symlink() and wanted in _normal(path.read_text(encoding="utf-8", errors="replace")):
            return path
    return None


def article_text(page: dict) -> str:
    """The article file: headline, byline, blank line, the body's paragraphs (the shape the
    builders' reader of header lines knows)."""
    head = [page["title"]] if page["title"] else []
    if page["author"]:
        head.append(f"By {page['author'].replace(';', ',')}")
    body = "\n\n".join(p.strip() for p in page["text"].splitlines() if p.strip())
    return "\n".join(head) + ("\n\n" if head else "") + body + "\n"


def source_record(page: dict, url: str | None, retrieved: dt.date, basis: str, licence: str | None) -> dict:
    record = {"url": url, "retrieved_date": retrieved, "licence_basis": basis}
    if licence:
        record["licence"] = licence
    if url is None:
        record["note"] = "taken from a saved copy of the page whose address was not given"
    for key in ("title", "publisher", "published_date"):
        if page[key]:
            record[key] = dt.date.fromisoformat(page[key]) if key == "published_date" else page[key]
    try:
        SourceRecord.model_validate(record)
    except ValidationError as error:
        first = error.errors()[0]
        raise AddError(f"source record: {'.'.join(map(str, first['loc'])) or 'record'}: {first['msg']} — check --url and --licence") from error
    return record


def source_yaml(article_id: str, record: dict) -> str:
    lines = ["# yaml-language-server: $schema=../../schema/source-record.schema.json",
             f"# Where the text of seeds/articles/{article_id}.txt came from (written by `add` from a saved web page)."]
    for key, value in record.items():
        lines.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=10_000).strip())
    return "\n".join(lines) + "\n"


def add_article(root: Path, data: bytes, where: str, *, url: str | None, licence_basis: str, licence: str | None = None,
                retrieved: dt.date | None = None, article_id: str | None = None) -> Added:
    """Write the article and its source record from a page's bytes; refuse (AddError) a page that
    is not HTML, holds no article text, repeats an article's text, or whose id is taken."""
    if licence_basis not in {b.value for b in LicenceBasis}:
        raise AddError(f"--licence-basis {licence_basis!r}: must be one of {', '.join(b.value for b in LicenceBasis)}")
    page = extract_page(_check_html(data, where), url)
    if len(re.findall(r"\w+", page["text"])) < MIN_WORDS:
        raise AddError(f"{where}: no article text found in the page — save the page of the article itself (not a list, "
                       "a log-in or a cookie wall), or copy its text into seeds/articles/<id>.txt")
    retrieved = retrieved or dt.date.today()
    article_id = article_id or derive_id(page, retrieved)
    if not re.fullmatch(rf"[a-z0-9][a-z0-9_-]{{0,{MAX_ARTICLE_ID - 1}}}", article_id):
        raise AddError(f"--id {article_id[:120]!r}: not a valid id (lower-case letters, digits, '_' or '-', at most {MAX_ARTICLE_ID} characters)")
    article = root / "seeds" / "articles" / f"{article_id}.txt"
    source = root / "seeds" / "sources" / f"{article_id}.yaml"
    for taken in (article, source):
        if taken.exists() or taken.is_symlink():
            raise AddError(f"{taken.relative_to(root)}: the id {article_id!r} is taken — give another one with --id")
    duplicate = _duplicate_of(root, page["text"])
    if duplicate is not None:
        raise AddError(f"{where}: the same text as {duplicate.relative_to(root)} — this article is in the dataset already")
    record = source_record(page, url, retrieved, licence_basis, licence)
    source.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(article_text(page), encoding="utf-8", newline="\n")
    source.write_text(source_yaml(article_id, record), encoding="utf-8", newline="\n")
    return Added(article_id, article, source, record)
