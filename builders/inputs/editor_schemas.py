"""The JSON Schemas of the files contributors write by hand, published in schema/ so that an
editor (the YAML language server, for one) checks a file as it is typed."""

from __future__ import annotations

from collections.abc import Callable

from ..schema.layout import CURATION_SCHEMA, SOURCE_SCHEMA
from .curation import curation_json_schema
from .sources import source_json_schema

EDITOR_SCHEMAS: dict[str, Callable[[], str]] = {CURATION_SCHEMA: curation_json_schema, SOURCE_SCHEMA: source_json_schema}
