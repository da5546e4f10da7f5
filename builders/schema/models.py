"""The dataset's schema, declared once.

Each resource is a pydantic model: its docstring is the resource description, its fields carry the
column descriptions and constraints, and its class variables carry the keys. Everything else — the
Table Schema files in `schema/`, `datapackage.json`, the Arrow/Parquet schema, the data dictionary
in the README — is generated from these classes by `builders.tables`.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
ISO3_PATTERN = r"^[A-Z]{3}$"
WIKIDATA_PATTERN = r"^Q[1-9][0-9]*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}$"
CAMEO_PATTERN = r"^(0[1-9]|1[0-9]|20)[0-9]{0,2}$"


class Method(StrEnum):
    """Who produced a row."""

    curated = "curated"  # from a curation or reference file written by a person
    rule = "rule"  # produced by the builders' rules


class ActorType(StrEnum):
    person = "person"
    state = "state"
    government_body = "government_body"
    intergovernmental_organisation = "intergovernmental_organisation"
    military_unit = "military_unit"
    media_outlet = "media_outlet"
    company = "company"
    ngo_think_tank = "ngo_think_tank"
    political_party = "political_party"
    legislature = "legislature"
    academic_institution = "academic_institution"
    other = "other"


class Sector(StrEnum):
    """The CAMEO agent sector an actor stands for (seeds/reference/sectors.yaml maps the agent nouns of
    PETRARCH-2's Phoenix.agents.txt to these; ministries and embassies are government, as in CAMEO)."""

    government = "government"  # GOV: the executive, its ministries, embassies and officials
    military = "military"  # MIL: armed forces and their branches
    legislature = "legislature"  # LEG
    judiciary = "judiciary"  # JUD
    police = "police"  # COP
    intelligence = "intelligence"  # SPY
    business = "business"  # BUS
    media = "media"  # MED
    ngo = "ngo"  # NGO
    education = "education"  # EDU
    opposition = "opposition"  # OPP
    party = "party"  # PTY


class MentionKind(StrEnum):
    name = "name"  # the full canonical name or a full-name spelling variant
    alias = "alias"  # an acronym or alternative name ("FDD", "RFE")
    short_name = "short_name"  # a surname resolved to a person named earlier ("Palmer")
    title = "title"  # a role standing for its holder ("the Serbian president")
    metonym = "metonym"  # a capital or seat standing for a government ("Washington", "the Kremlin")
    demonym = "demonym"  # an adjective or demonym ("Serbian", "Russian")
    anaphor = "anaphor"  # a description standing for an actor named elsewhere ("the Balkan country")


class LicenceBasis(StrEnum):
    """On what basis the dataset redistributes an article's text (from its source record)."""

    licensed = "licensed"  # under an open licence (named in `licence`)
    permission = "permission"  # with the rights holder's permission for this use
    quotation = "quotation"  # quoted for research under fair use / the quotation right
    public_domain = "public_domain"  # no copyright applies (e.g. a US government work)


class QuoteKind(StrEnum):
    direct = "direct"  # a full statement reproduced between quotation marks
    partial = "partial"  # a fragment of a statement woven into the reporter's sentence
    term = "term"  # a name, title or scare-quoted term ("military neutrality")
    unclosed = "unclosed"  # an opening mark whose closing mark never comes; bounded at the paragraph end


class PloverType(StrEnum):
    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    SANCTION = "SANCTION"
    PROTEST = "PROTEST"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


class Modality(StrEnum):
    asserted = "asserted"  # the text states the event happened
    future = "future"  # announced or scheduled to happen
    hypothetical = "hypothetical"  # conditional or possible ("would", "could", "if")
    negated = "negated"  # the text states the event did not happen
    intended = "intended"  # an actor's stated wish or plan
    reported = "reported"  # asserted only by a third party the article cites


class DatePrecision(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"
    year = "year"
    unknown = "unknown"


class DateSource(StrEnum):
    text = "text"  # resolved from a date expression in the evidence
    publication = "publication"  # taken from the article's publication date
    unknown = "unknown"


class Resource(BaseModel):
    """Base of every row model: strict, immutable rows with declared keys."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    resource_name: ClassVar[str]
    resource_title: ClassVar[str]
    primary_key: ClassVar[str]
    # column -> referenced resource (whose primary key it points at)
    foreign_keys: ClassVar[dict[str, str]] = {}
    # (start column, end column, text column): articles.text[start_char:end_char] == row[text column]
    spans: ClassVar[tuple[tuple[str, str, str], ...]] = ()


def _id(description: str) -> object:
    return Field(pattern=ID_PATTERN, description=description)


def _row_id(prefix: str, key: str) -> object:
    """An article's row id, derived from the row's own content (`builders/extract/ids.py`)."""
    return _id(f"article_id, '-{prefix}' and 6 base36 characters of a sha256 of {key}. Stable: it changes only when these "
               "do, not when another row of the article comes, goes or moves (short of a hash collision inside the article, "
               "about 1 in 10^5).")


def _optional_id(description: str) -> object:
    return Field(default=None, pattern=ID_PATTERN, description=description)


class PublishedDatePrecision(StrEnum):
    """How much of an article's publication date the text states."""

    day = "day"
    month = "month"  # the date is the first day of the month
    year = "year"  # the date is the first day of the year


class Article(Resource):
    """One row per article: its metadata as stated in the text, and its cleaned body."""

    resource_name: ClassVar[str] = "articles"
    resource_title: ClassVar[str] = "Articles"
    primary_key: ClassVar[str] = "article_id"

    article_id: str = _id("File stem of seeds/articles/<article_id>.txt.")
    title: str | None = Field(default=None, description="Headline, when the text has a headline line.")
    authors: list[str] = Field(
        default_factory=list,
        description="Byline names as written (people or, for outlet bylines, the outlet); empty when there is no byline.",
    )
    publisher: str | None = Field(default=None, description="Outlet that published this text.")
    original_publisher: str | None = Field(
        default=None, description="Outlet that first published the text, when this is a repost."
    )
    published_date: dt.date | None = Field(
        default=None,
        description=(
            "Publication date stated in the text; null when the text gives none. When the text states only a month "
            "or a year, its first day (see published_date_precision)."
        ),
    )
    published_date_precision: PublishedDatePrecision | None = Field(
        default=None,
        description=(
            "How much of the publication date the text states: day; month (published_date is then the first day "
            "of the month); year (published_date is then 1 January of the year). Null when there is no published_date."
        ),
    )
    original_published_date: dt.date | None = Field(
        default=None, description="Date of the original publication, when the text states it."
    )
    url: str | None = Field(
        default=None, pattern=r"^https?://\S+$",
        description="Address the text was taken from, from its source record (seeds/sources/<article_id>.yaml); else as the text gives it; null when unknown (see source_note).",
    )
    retrieved_date: dt.date | None = Field(
        default=None, description="Day the text was taken from url, from its source record; null when unknown (see source_note)."
    )
    language: str | None = Field(
        default=None, pattern=LANGUAGE_PATTERN, description="ISO 639-1 code of the body's language (py3langid; Serbian, Croatian and Bosnian told apart by script and marker words); null under 20 words or when unclear."
    )
    regions: list[str] = Field(default_factory=list, description="Region tags from a 'Region:' header line.")
    themes: list[str] = Field(default_factory=list, description="Theme tags from a 'Theme:' header line.")
    copyright_notice: str | None = Field(
        default=None, description="The copyright line of the article as stated (e.g. 'Copyright © X, Global Research, 2020')."
    )
    licence_basis: LicenceBasis = Field(
        description="On what basis the dataset redistributes the text: licensed (see licence), permission of the rights holder, quotation for research (fair use / quotation right) or public_domain; from its source record."
    )
    licence: str | None = Field(default=None, description="The licence the text is published under (an SPDX id where there is one), when licence_basis is licensed.")
    source_note: str | None = Field(
        default=None, description="What the source record says about the text's origin or its use, e.g. why url or retrieved_date is unknown."
    )
    text: str = Field(
        min_length=1,
        description="Clean body: link markup, emphasis, header lines and site boilerplate removed; whitespace normalised; paragraphs kept. Offsets in other tables point into this.",
    )
    word_count: int = Field(ge=0, description="Number of whitespace-separated tokens in text that contain a letter or digit.")
    source_sha256: str = Field(pattern=SHA256_PATTERN, description="SHA-256 of the raw article file, bytes as received.")

    @model_validator(mode="before")
    @classmethod
    def _a_date_alone_is_a_day(cls, data: object) -> object:
        """A published_date given without a precision is a day."""
        if isinstance(data, dict) and data.get("published_date") is not None and data.get("published_date_precision") is None:
            return {**data, "published_date_precision": PublishedDatePrecision.day}
        return data

    @model_validator(mode="after")
    def _precision_fits_the_date(self) -> Article:
        day, precision = self.published_date, self.published_date_precision
        if (day is None) != (precision is None):
            raise ValueError("published_date_precision is null exactly when published_date is null")
        if precision in (PublishedDatePrecision.month, PublishedDatePrecision.year):
            first = (day.month, 1) if precision == PublishedDatePrecision.month else (1, 1)
            if (day.month, day.day) != first:
                raise ValueError(f"a published_date of {precision.value} precision is the first day of its {precision.value}")
        return self


class Actor(Resource):
    """One row per actor (person, state, organisation, outlet) named in at least one article."""

    resource_name: ClassVar[str] = "actors"
    resource_title: ClassVar[str] = "Actors"
    primary_key: ClassVar[str] = "actor_id"

    actor_id: str = _id("Readable slug, stable across releases.")
    name: str = Field(min_length=1, description="Canonical name.")
    actor_type: ActorType = Field(description="Kind of actor.")
    country_iso3: str | None = Field(
        default=None, pattern=ISO3_PATTERN, description="ISO 3166-1 alpha-3 country the actor belongs to; null for international bodies."
    )
    wikidata_id: str | None = Field(
        default=None, pattern=WIKIDATA_PATTERN, description="Wikidata item, only where known and checked; never a guess."
    )
    role: str | None = Field(default=None, description="For people: role as of the articles.")
    aliases: list[str] = Field(default_factory=list, description="Other spellings, short forms and acronyms.")
    sector: Sector | None = Field(
        default=None,
        description=(
            "The CAMEO agent sector the actor stands for (GOV government, MIL military, LEG legislature, …; ministries "
            "and embassies are government); null for a state itself or when unknown. Curated: from the reference base; "
            "rule: the sector of the head noun of the name in PETRARCH-2's Phoenix agents dictionary "
            "(seeds/reference/sectors.yaml), else the one the actor's kind implies."
        ),
    )
    method: Method = Field(description="curated: from the reference base; rule: discovered by the builders.")


class ActorMention(Resource):
    """One row per mention of an actor in an article's text."""

    resource_name: ClassVar[str] = "actor_mentions"
    resource_title: ClassVar[str] = "Actor mentions"
    primary_key: ClassVar[str] = "mention_id"
    foreign_keys: ClassVar[dict[str, str]] = {"article_id": "articles", "actor_id": "actors"}
    spans: ClassVar[tuple[tuple[str, str, str], ...]] = (("start_char", "end_char", "surface"),)

    mention_id: str = _row_id("m", "actor_id, start_char and end_char")
    article_id: str = _id("Article the mention is in.")
    actor_id: str = _id("Actor mentioned.")
    start_char: int = Field(ge=0, description="Code-point offset of the first character in articles.text.")
    end_char: int = Field(ge=1, description="Code-point offset after the last character (half-open).")
    surface: str = Field(min_length=1, description="The mention as written: articles.text[start_char:end_char].")
    mention_kind: MentionKind = Field(description="How the actor is named.")
    method: Method = Field(description="rule: every mention is found by the matcher (from curated or discovered names).")


class Quote(Resource):
    """One row per quotation, with its speaker and the outlet it came through."""

    resource_name: ClassVar[str] = "quotes"
    resource_title: ClassVar[str] = "Quotes"
    primary_key: ClassVar[str] = "quote_id"
    foreign_keys: ClassVar[dict[str, str]] = {
        "article_id": "articles",
        "speaker_actor_id": "actors",
        "via_actor_id": "actors",
    }
    spans: ClassVar[tuple[tuple[str, str, str], ...]] = (("start_char", "end_char", "text"),)

    quote_id: str = _row_id("q", "start_char and end_char")
    article_id: str = _id("Article the quotation is in.")
    text: str = Field(min_length=1, description="Exactly what stands between the quotation marks.")
    start_char: int = Field(ge=0, description="Code-point offset of the quotation's first character in articles.text.")
    end_char: int = Field(ge=1, description="Code-point offset after its last character (half-open).")
    speaker_actor_id: str | None = _optional_id("Speaker; null when the text does not say who.")
    speaker_surface: str | None = Field(default=None, description="The speaker as written (e.g. 'a State Department spokesman').")
    cue: str | None = Field(default=None, description="Lemma of the attribution verb (say, tell, warn, ...).")
    via_actor_id: str | None = _optional_id("Outlet the words are reported through (e.g. TASS).")
    kind: QuoteKind = Field(description="direct, partial, term or unclosed.")
    method: Method = Field(description="curated or rule.")


class Event(Resource):
    """One row per coded event, with its evidence span and a date interval."""

    resource_name: ClassVar[str] = "events"
    resource_title: ClassVar[str] = "Events"
    primary_key: ClassVar[str] = "event_id"
    foreign_keys: ClassVar[dict[str, str]] = {
        "article_id": "articles",
        "source_actor_id": "actors",
        "target_actor_id": "actors",
        "weapon_system_id": "weapon_systems",
        "event_type": "event_types",
    }
    spans: ClassVar[tuple[tuple[str, str, str], ...]] = (("evidence_start_char", "evidence_end_char", "evidence_text"),)

    event_id: str = _row_id("e", "event_type, source_actor_id, target_actor_id, weapon_system_id, evidence_start_char and evidence_end_char")
    article_id: str = _id("Article the evidence is in.")
    event_type: str = _id("Type from the project's event codebook.")
    plover_type: PloverType | None = Field(default=None, description="PLOVER 2.0 event type; null where PLOVER has none.")
    cameo_code: str | None = Field(default=None, pattern=CAMEO_PATTERN, description="CAMEO event code.")
    modality: Modality = Field(description="Whether and how the text asserts the event.")
    source_actor_id: str | None = _optional_id("Actor that acts.")
    target_actor_id: str | None = _optional_id("Actor acted upon.")
    source_country_iso3: str | None = Field(
        default=None, pattern=ISO3_PATTERN,
        description="ISO 3166-1 alpha-3 country the source actor belongs to (its actors.country_iso3; a state's own code): "
                    "with target_country_iso3 the event's country dyad. Null for an international body or when unknown.",
    )
    target_country_iso3: str | None = Field(
        default=None, pattern=ISO3_PATTERN,
        description="ISO 3166-1 alpha-3 country the target actor belongs to (its actors.country_iso3; a state's own code). "
                    "Null for an international body, when unknown or when there is no target.",
    )
    weapon_system_id: str | None = _optional_id("Weapon system involved, where named.")
    date_start: dt.date | None = Field(default=None, description="First day of the event's date interval (inclusive).")
    date_end: dt.date | None = Field(default=None, description="Last day of the event's date interval (inclusive).")
    date_precision: DatePrecision = Field(description="Granularity of the date interval.")
    date_source: DateSource = Field(description="Where the date interval comes from.")
    evidence_start_char: int = Field(ge=0, description="Code-point offset of the evidence in articles.text.")
    evidence_end_char: int = Field(ge=1, description="Code-point offset after the evidence (half-open).")
    evidence_text: str = Field(min_length=1, description="The sentence or clause that states the event.")
    summary: str = Field(min_length=1, description="One-line summary of the event.")
    method: Method = Field(description="curated or rule.")


class WeaponSystem(Resource):
    """One row per weapon system named in at least one article."""

    resource_name: ClassVar[str] = "weapon_systems"
    resource_title: ClassVar[str] = "Weapon systems"
    primary_key: ClassVar[str] = "weapon_system_id"

    weapon_system_id: str = _id("Readable slug.")
    designation: str = Field(min_length=1, description="Canonical designation (e.g. 'S-400').")
    aliases: list[str] = Field(default_factory=list, description="Other spellings and names.")
    category: str | None = Field(default=None, description="Kind of system (e.g. 'surface-to-air missile system').")
    origin_country_iso3: str | None = Field(default=None, pattern=ISO3_PATTERN, description="Country of origin, ISO 3166-1 alpha-3.")
    nato_reporting_name: str | None = Field(default=None, description="NATO reporting name, where one exists.")
    method: Method = Field(description="curated: from the reference base; rule: found by a designation pattern.")


class EventType(Resource):
    """One row per type of the project's event codebook, mapped to PLOVER 2.0 and CAMEO."""

    resource_name: ClassVar[str] = "event_types"
    resource_title: ClassVar[str] = "Event types"
    primary_key: ClassVar[str] = "event_type"

    event_type: str = _id("Codebook id (events.event_type).")
    label: str = Field(min_length=1, description="Short name.")
    definition: str = Field(min_length=1, description="What counts as an event of this type.")
    example: str = Field(min_length=1, description="An example sentence.")
    plover_type: PloverType | None = Field(default=None, description="PLOVER 2.0 type; null where PLOVER codes no event (plain statements).")
    cameo_code: str = Field(pattern=CAMEO_PATTERN, description="CAMEO code.")


class WeaponSystemMention(Resource):
    """One row per mention of a weapon system in an article's text."""

    resource_name: ClassVar[str] = "weapon_system_mentions"
    resource_title: ClassVar[str] = "Weapon system mentions"
    primary_key: ClassVar[str] = "mention_id"
    foreign_keys: ClassVar[dict[str, str]] = {"article_id": "articles", "weapon_system_id": "weapon_systems"}
    spans: ClassVar[tuple[tuple[str, str, str], ...]] = (("start_char", "end_char", "surface"),)

    mention_id: str = _row_id("w", "weapon_system_id, start_char and end_char")
    article_id: str = _id("Article the mention is in.")
    weapon_system_id: str = _id("Weapon system mentioned.")
    start_char: int = Field(ge=0, description="Code-point offset of the first character in articles.text.")
    end_char: int = Field(ge=1, description="Code-point offset after the last character (half-open).")
    surface: str = Field(min_length=1, description="The mention as written: articles.text[start_char:end_char].")
    method: Method = Field(description="rule: every mention is found by the matcher (from curated names or designation patterns).")


RESOURCES: tuple[type[Resource], ...] = (
    Article, Actor, ActorMention, Quote, Event, EventType, WeaponSystem, WeaponSystemMention,
)
