"""The dataset's own metadata (name, title, licences, limitations, version, repository and
maintainers) and its descriptor.

The version lives in `pyproject.toml` only and is read from the installed distribution.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from functools import cache
from importlib.metadata import version
from pathlib import Path

from .formats import table_schema
from .layout import CSV_DIR
from .models import RESOURCES

DISTRIBUTION = "serbia-arms-pressure"
NAME = "serbia-arms-pressure"
TITLE = "US pressure on Serbia over Russian and Chinese arms purchases"
DESCRIPTION = (
    "Articles about US pressure on Serbia over its Russian and Chinese arms purchases (sanctions "
    "threats, CAATSA, S-400, Pantsir, FK-3, NIS waivers), turned into tables of articles, actors, "
    "actor mentions, quotes, events and weapon systems. Every extracted row points at the exact "
    "characters of the article text it comes from."
)
# The first release's date; a later version's date is its CHANGELOG.md heading (release_date).
CREATED = "2026-11-24T00:00:00Z"
LICENSES = [
    {
        "name": "CC-BY-4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
        "title": "Creative Commons Attribution 4.0 — applies to the project's annotations (all tables except articles.text)",
    },
    {
        "name": "other-at",
        "title": "Article texts remain their publishers'; each is included on the basis its source record states (articles.licence_basis, licence, copyright_notice, source_note)",
    },
]
CONTRIBUTORS = [{"title": "Serbia arms pressure dataset contributors", "roles": ["creator"]}]
# Where the builders' code lives and who looks after the dataset: the one place CITATION.cff and
# .zenodo.json take them from (builders/publish/docs.py writes both; tests/test_citation.py checks).
# PLACEHOLDER: the repository has no public address yet; set the real URL here when it is published
# (the `.example` host, reserved by RFC 2606, marks that it has not been) and rebuild.
REPOSITORY_URL = "https://h-seed-b1645885.example/serbia-arms-pressure"
# The maintainers as the git history names them (its author identity); to be replaced by the people
# who answer for the dataset (`name`, or `given-names` and `family-names`; `email`) when they agree
# to be named.
MAINTAINERS = [{"name": "Seed b1645885 maintainers", "email": "maintainers@users.noreply.h-seed-b1645885.example"}]
KEYWORDS = ["Serbia", "sanctions", "CAATSA", "arms trade", "event data", "quotations"]

LIMITATIONS = """\
- The corpus is small (the articles in `seeds/articles/`), partisan in places (Global Research
  reposts, an opinion piece), and in English only. Counts describe these texts, not the world.
- Rule rows (`method = rule`) come from a dependency parse and named entities (spaCy's small
  English model) plus word lists and patterns; their measured quality is above. They miss actors
  named without any title, apposition, attribution or other evidence, and events whose wording the
  codebook's triggers do not cover; a parse error can swap or drop a participant. The seed articles'
  events are curated by hand (`method = curated`).
- An event's date is the first date expression in its evidence, resolved against the date the text
  was written; events without one have an unknown date (no fallback to the publication date).
- Actors are identified by curated aliases; a discovered actor's id is a slug of its name, so a
  person spelled two ways in two new articles gets two ids until a curator adds an alias.
- Row ids (`event_id`, `quote_id`, `mention_id`) were ordinal numbers in the first releases; they
  are now derived from each row's own content: they changed once (see the changelog) and change
  only when that content does.
- Article texts remain their publishers'; only the annotations are openly licensed.
"""


@cache
def release_date() -> str:
    """The current version's release date (YYYY-MM-DD) as its CHANGELOG.md heading states it
    (`bump X.Y.Z --date …` writes it), else the first release's: never the build time, so that
    rebuilds stay byte-identical."""
    changelog = Path(__file__).resolve().parents[2] / "CHANGELOG.md"
    try:
        heading = re.search(rf"(?m)^## {re.escape(dataset_version())} — (\d{{4}}-\d{{2}}-\d{{2}})[ \t]*$", changelog.read_text(encoding="utf-8"))
    except OSError:
        heading = None
    return heading.group(1) if heading else CREATED[:10]


@cache
def dataset_version() -> str:
    """The version in pyproject.toml: read from the file in a checkout (an editable install's
    metadata keeps the version it was installed with, so a bumped version would not count until
    a reinstall), else from the installed distribution."""
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        if project.get("name") == DISTRIBUTION:
            return project["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        pass
    return version(DISTRIBUTION)


def sources_of(articles) -> list[dict]:
    """The descriptor's sources, from the `articles` table (anything with `.column(name).to_pylist()`):
    every outlet an article names (title only), then every article whose address its source
    record gives (outlet and headline as title, the address as path), in article order."""
    def values(name: str) -> list:
        return articles.column(name).to_pylist()

    outlets = sorted({name for name in values("publisher") + values("original_publisher") if name})
    texts = [
        {"title": " — ".join(part for part in (publisher, title or article_id) if part), "path": url}
        for article_id, title, publisher, url in zip(values("article_id"), values("title"), values("publisher"), values("url"), strict=True)
        if url
    ]
    return [{"title": name} for name in outlets] + texts


def file_facts(data: bytes) -> tuple[int, str]:
    """A file's size and hash as the descriptor states them."""
    return len(data), "sha256:" + hashlib.sha256(data).hexdigest()


def descriptor(csv_files: dict[str, tuple[int, str]], sources: list[dict], inputs_sha256: str | None,
               language_layer: dict | None = None) -> dict:
    """Data Package v2 descriptor of the CSV edition, with bytes and sha256 of each file, the digest
    of the seeds it was built from (`x-inputs-sha256`, checked by validate for freshness) and the
    language layer that parsed them (`x-language-layer`: spaCy, the model, its wheel's hash)."""
    resources = []
    for model in RESOURCES:
        size, digest = csv_files[model.resource_name]
        resources.append(
            {
                "name": model.resource_name,
                "type": "table",
                "title": model.resource_title,
                "description": (model.__doc__ or "").strip(),
                "path": f"{CSV_DIR}/{model.resource_name}.csv",
                "scheme": "file",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": size,
                "hash": digest,
                "schema": table_schema(model),
            }
        )
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": dataset_version(),
        "created": f"{release_date()}T00:00:00Z",
        "licenses": LICENSES,
        "sources": sources,
        "contributors": CONTRIBUTORS,
        "keywords": KEYWORDS,
        "x-builder-version": dataset_version(),
        "x-inputs-sha256": inputs_sha256,
        "x-language-layer": language_layer,
        "resources": resources,
    }
