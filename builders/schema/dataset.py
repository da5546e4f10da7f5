"""The dataset's own metadata (name, title, licences, limitations, version, repository and
maintainers) and its descriptor.

The version lives in `pyproject.toml` only and is read from the installed distribution.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from functools import cache
from dataclasses import dataclass
from importlib.metadata import metadata, version
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
# Who made the dataset, who answers for it and where its code lives are written once, in
# pyproject.toml (`[project] authors`, `maintainers`, `[project.urls] Repository`), beside the
# version: CITATION.cff, .zenodo.json, the descriptor's contributors and the card's citation are made
# from them. Until the project is published they are placeholders, which `release` refuses.
PLACEHOLDER_WORD = "placeholder"
# Hosts that can never be a real address (RFC 2606, RFC 6761): a value on one is a placeholder.
RESERVED_TLDS = ("example", "invalid", "test", "localhost")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
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


@dataclass(frozen=True)
class Citation:
    """The people and the address a citation names."""

    authors: tuple[dict, ...]  # CFF persons or entities: {"name"} or {"given-names", "family-names"}, with "email"
    maintainers: tuple[dict, ...]
    repository: str | None

    def placeholders(self) -> list[str]:
        """Each value that is still a placeholder, as 'field value' (empty when all are real)."""
        found = [f"{role} {_shown(person)}" for role, people in (("author", self.authors), ("maintainer", self.maintainers))
                 for person in people if any(_is_placeholder(str(v)) for v in person.values())]
        if not self.authors:
            found.append("author (none named)")
        if not self.repository or _is_placeholder(self.repository):
            found.append(f"repository {self.repository or '(none)'}")
        return found

    def text(self, year: str, version: str) -> str:
        """The citation a person pastes: authors (year). Title (version) [Data set]. Address."""
        names = "; ".join(_shown(p, email=False) for p in self.authors) or "Unknown authors"
        address = f" {self.repository}" if self.repository else ""
        return f"{names} ({year}). *{TITLE}* (version {version}) [Data set].{address}"


def _is_placeholder(value: str) -> bool:
    if PLACEHOLDER_WORD in value.lower():
        return True
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.strip().lower()).split("/", 1)[0].rsplit("@", 1)[-1].split(":", 1)[0]
    return host.rsplit(".", 1)[-1] in RESERVED_TLDS or any(host == d or host.endswith("." + d) for d in RESERVED_DOMAINS)


def _shown(person: dict, email: bool = True) -> str:
    name = person.get("name") or " ".join(p for p in (person.get("given-names"), person.get("family-names")) if p)
    return f"{name} <{person['email']}>" if email and person.get("email") else name


def _cff_person(entry: dict) -> dict:
    """A pyproject person ({name, email}) as a CFF entity ({name, email})."""
    return {key: entry[key] for key in ("name", "email") if entry.get(key)}


@cache
def citation() -> Citation:
    """The authors, maintainers and repository address from pyproject.toml (the file in a checkout,
    else the installed distribution's metadata)."""
    project = _pyproject()
    if project is not None:
        return Citation(tuple(_cff_person(a) for a in project.get("authors", [])),
                        tuple(_cff_person(m) for m in project.get("maintainers", [])),
                        project.get("urls", {}).get("Repository"))
    meta = metadata(DISTRIBUTION)

    def people(field: str) -> tuple[dict, ...]:
        found = []
        for entry in (meta.get_all(field) or []):
            for part in entry.split(","):
                name, _, email = part.strip().rpartition(" <")
                found.append(_cff_person({"name": name.strip() or None, "email": email.rstrip(">") or None}))
        return tuple(found)

    urls = dict(u.split(", ", 1) for u in (meta.get_all("Project-URL") or []) if ", " in u)
    return Citation(people("Author-email"), people("Maintainer-email"), urls.get("Repository"))


def _pyproject() -> dict | None:
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None
    return project if project.get("name") == DISTRIBUTION else None


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
    project = _pyproject()
    return project["version"] if project is not None and "version" in project else version(DISTRIBUTION)


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
        "contributors": [{"title": _shown(a, email=False), "roles": ["creator"]} for a in citation().authors]
        + [{"title": _shown(m, email=False), **({"email": m["email"]} if m.get("email") else {}), "roles": ["contact"]}
           for m in citation().maintainers],
        "keywords": KEYWORDS,
        "x-builder-version": dataset_version(),
        "x-inputs-sha256": inputs_sha256,
        "x-language-layer": language_layer,
        "resources": resources,
    }
