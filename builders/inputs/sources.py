"""Per-article source records (`seeds/sources/<article_id>.yaml`): where a text came from and on
what basis the dataset redistributes it, as stated by the person who added it.

Every article needs one (a build without it fails), so that no row is published without its
provenance. What is not known is said to be unknown, with the reason, never guessed: `url` and
`retrieved_date` may be null only when `note` says why.
"""

from __future__ import annotations

import datetime as dt
import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..problems import Problem
from ..schema.models import LicenceBasis
from . import yamlfile

EXAMPLE = (
    "url: https://example.org/news/2021/serbia-arms\n"
    "retrieved_date: 2021-03-05\n"
    "licence_basis: quotation   # licensed | permission | quotation | public_domain\n"
)


class SourceRecord(BaseModel):
    """One article's provenance. `url`, `retrieved_date` and `licence_basis` must be written out,
    even when null, so that an unknown value is a statement and not an omission."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = Field(pattern=r"^https?://\S+$", max_length=2000, description="Address the text was taken from; null when unknown (say why in note).")
    retrieved_date: dt.date | None = Field(description="Day the text was taken from url; null when unknown (say why in note).")
    licence_basis: LicenceBasis = Field(description="licensed (name the licence), permission of the rights holder, quotation for research (fair use / quotation right), public_domain.")
    licence: str | None = Field(default=None, max_length=200, description="The licence (an SPDX id where there is one); required when licence_basis is licensed.")
    title: str | None = Field(default=None, max_length=500, description="Headline, when the text itself has none.")
    publisher: str | None = Field(default=None, max_length=200, description="Outlet, when the text itself does not say.")
    published_date: dt.date | None = Field(default=None, description="Publication day, when the text itself does not say.")
    copyright: str | None = Field(default=None, max_length=500, description="Copyright line, when the text itself has none.")
    note: str | None = Field(default=None, min_length=3, max_length=2000, description="Why a value is unknown, or what else a reader should know about the text's origin or use (published as articles.source_note).")

    @model_validator(mode="after")
    def _unknowns_are_explained(self) -> SourceRecord:
        missing = [name for name in ("url", "retrieved_date") if getattr(self, name) is None]
        if missing and not self.note:
            raise ValueError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} null without a note saying why — "
                             "give the value, or add note: <why it is unknown>")
        if self.retrieved_date is not None and self.retrieved_date > latest_retrieval():
            raise ValueError(f"retrieved_date {self.retrieved_date.isoformat()} is in the future — write the day the text was taken")
        if self.retrieved_date is not None and self.published_date is not None and self.retrieved_date < self.published_date:
            raise ValueError(f"retrieved_date {self.retrieved_date.isoformat()} is before the publication day "
                             f"{self.published_date.isoformat()} — a text cannot be taken before it was published: correct one of the two")
        if self.licence_basis == LicenceBasis.licensed and not self.licence:
            raise ValueError("licence_basis is licensed but no licence is named — add licence: <SPDX id, e.g. CC-BY-4.0>")
        return self


def latest_retrieval() -> dt.date:
    """The latest possible retrieval day: tomorrow in UTC, so that a day written anywhere on Earth
    (UTC+14) is accepted."""
    return dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)


TEXT_ONLY = SourceRecord(url=None, retrieved_date=None, licence_basis=LicenceBasis.quotation,
                         note="read without a source record (outside a build)")
"""For reading a text on its own (tests, benchmarks): a build never uses it, since it refuses an
article without a record before extraction."""


def source_json_schema() -> str:
    """The JSON Schema of a source record, generated from the model (for editors)."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **SourceRecord.model_json_schema(),
        "title": "Source record (seeds/sources/<article_id>.yaml)",
    }
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def parse_source(rel: str, raw: bytes) -> tuple[SourceRecord | None, list[Problem]]:
    """A source record and its problems, each as one line with the file and line."""
    data, node, problems = yamlfile.parse(rel, raw)
    if problems:
        return None, problems
    if not isinstance(data, dict):
        return None, [Problem(rel, 1, None, "must be a mapping with at least url, retrieved_date and licence_basis, e.g. "
                                            + EXAMPLE.replace("\n", "; ").strip("; "))]
    try:
        return SourceRecord.model_validate(data), []
    except ValidationError as exc:
        return None, yamlfile.validation_problems(rel, exc, yamlfile.Lines(node), keys=yamlfile.field_names(SourceRecord))
