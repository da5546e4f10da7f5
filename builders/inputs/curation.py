"""Per-article curation files (`seeds/curation/<article_id>.yaml`): facts written by a person.

A curation file lists the article's events with the evidence quoted from the article; the evidence
must occur in the article's clean text. `complete: true` says the curated events are all the events
of the article, so rule events are not added to them. `rejected:` names rule rows a person refused
(by type, participants and evidence, never by row id: ids move when the rules change), and
`quotes:` gives the speaker of a quotation named by its text. Everything is checked, and every
problem is reported as `path:line: field: what — how to fix`.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..problems import Problem
from ..schema.models import ID_PATTERN, DatePrecision, Modality
from . import yamlfile
from .tree import CURATION_DIR, MAX_YAML_BYTES, read_regular


class CuratedDate(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.date | None = None
    end: dt.date | None = None
    precision: DatePrecision
    source: str = Field(default="text", pattern=r"^(text|publication|unknown)$")


class CuratedEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: str = Field(pattern=ID_PATTERN)
    source: str | None = Field(default=None, pattern=ID_PATTERN)
    target: str | None = Field(default=None, pattern=ID_PATTERN)
    weapon: str | None = Field(default=None, pattern=ID_PATTERN)
    modality: Modality
    evidence: str = Field(min_length=3)
    occurrence: int = Field(default=1, ge=1, description="which occurrence of the evidence text, when it occurs more than once")
    date: CuratedDate | None = None  # when absent, resolved from the evidence like rule events
    summary: str = Field(min_length=3)
    note: str | None = None  # why a borderline call was made; not published


class RejectedEvent(BaseModel):
    """A rule row a person refused: the rule row of this type and participants whose evidence
    overlaps this text is dropped, so a rejection holds while the rules move its span a little."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_type: str = Field(pattern=ID_PATTERN)
    source: str | None = Field(default=None, pattern=ID_PATTERN)
    target: str | None = Field(default=None, pattern=ID_PATTERN)
    evidence: str = Field(min_length=3, description="text of the rule row's evidence, copied from articles.text")
    occurrence: int = Field(default=1, ge=1, description="which occurrence of the evidence text, when it occurs more than once")
    note: str | None = None  # why it was rejected; not published


class CuratedQuote(BaseModel):
    """The speaker of one quotation, named by what stands between its quotation marks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str = Field(min_length=1, description="the quotation's text, copied from the quotes table (between the marks)")
    occurrence: int = Field(default=1, ge=1, description="which occurrence of the text, when it occurs more than once")
    speaker: str | None = Field(pattern=ID_PATTERN, description="the speaker's actor id; null: the text does not say who")
    via: str | None = Field(default=None, pattern=ID_PATTERN, description="the outlet the words came through; absent: as the rules found it")
    note: str | None = None  # why; not published


class CurationFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    complete: bool = False
    events: tuple[CuratedEvent, ...] = ()
    rejected: tuple[RejectedEvent, ...] = ()
    quotes: tuple[CuratedQuote, ...] = ()


def curation_json_schema() -> str:
    """The JSON Schema of a curation file, generated from the models above: an editor that knows
    JSON Schema (the YAML language server, for one) checks a curation file as it is typed."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **CurationFile.model_json_schema(),
        "title": "Curation file (seeds/curation/<article_id>.yaml)",
    }
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_curation(root: Path, article_id: str) -> bytes | None:
    path = root / CURATION_DIR / f"{article_id}.yaml"
    return read_regular(path, MAX_YAML_BYTES) if path.is_file() and not path.is_symlink() else None


def parse_curation(rel: str, raw: bytes | None) -> tuple[CurationFile | None, yamlfile.Lines, list[Problem]]:
    """A curation file (None when there is none), where its keys are (the line of
    ('events', 0, 'source'), for the checks against the article), and its problems, each at the
    line of the key or value at fault."""
    if raw is None:
        return None, yamlfile.Lines(None), []
    data, node, problems = yamlfile.parse(rel, raw)
    if problems:
        return None, yamlfile.Lines(None), problems
    if data is None:
        return CurationFile(), yamlfile.Lines(None), []
    if not isinstance(data, dict):
        return None, yamlfile.Lines(None), [Problem(rel, 1, None, "must be a mapping with the keys 'complete', 'events', 'rejected' and 'quotes'")]
    lines = yamlfile.Lines(node)
    try:
        return CurationFile.model_validate(data), lines, []
    except ValidationError as exc:
        return None, lines, yamlfile.validation_problems(rel, exc, lines, keys=yamlfile.field_names(CurationFile))
