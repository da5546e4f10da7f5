"""Where each published file lives, relative to the repository root (or a package directory).

Standard library only: the loader (`builders.load`) reads the package through this module with
nothing but pyarrow installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Resource

DESCRIPTOR = "datapackage.json"
CSV_DIR = "datapackage/csv"
PARQUET_DIR = "datapackage/parquet"
SCHEMA_DIR = "schema"
CURATION_SCHEMA = "schema/curation-file.schema.json"  # JSON Schema of seeds/curation/<id>.yaml, for editors
SOURCE_SCHEMA = "schema/source-record.schema.json"  # JSON Schema of seeds/sources/<id>.yaml, for editors
CARD = "datapackage/README.md"
TIMELINE = "datapackage/timeline.svg"
ACTOR_GRAPH = "datapackage/actor_graph.svg"
EVIDENCE_DIR = "datapackage/articles"  # one static HTML page per article: every row on its text
EVIDENCE_INDEX = f"{EVIDENCE_DIR}/index.html"
PUBLISHED_PATHS = (DESCRIPTOR, "datapackage", SCHEMA_DIR)  # what a build replaces, all at once
DIST = "dist"  # release files (not committed)


def csv_path(model: type[Resource]) -> str:
    return f"{CSV_DIR}/{model.resource_name}.csv"


def parquet_path(model: type[Resource]) -> str:
    return parquet_file(model.resource_name)


def parquet_file(resource_name: str) -> str:
    return f"{PARQUET_DIR}/{resource_name}.parquet"


def evidence_page(article_id: str) -> str:
    """The evidence page of an article (ids are pattern-restricted, so this stays in EVIDENCE_DIR)."""
    return f"{EVIDENCE_DIR}/{article_id}.html"


def schema_path(model: type[Resource]) -> str:
    return f"{SCHEMA_DIR}/{model.resource_name}.json"
