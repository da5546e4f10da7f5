"""The curated reference base (actors, weapon systems), loaded safely and validated with line numbers.

Reference files are contributions like any other: `yaml.safe_load` only, every entry checked by a
pydantic model, every problem reported as `path:line: field: what — how to fix`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..problems import Problem
from ..schema.models import (
    CAMEO_PATTERN,
    ID_PATTERN,
    ISO3_PATTERN,
    WIKIDATA_PATTERN,
    ActorType,
    Modality,
    PloverType,
    Sector,
)
from . import yamlfile
from .tree import MAX_YAML_BYTES, read_regular, shown

ACTORS_FILE = "seeds/reference/actors.yaml"
COUNTRIES_FILE = "seeds/reference/countries.yaml"  # every sovereign state actors.yaml does not hold
WEAPONS_FILE = "seeds/reference/weapon_systems.yaml"
NOT_ACTORS_FILE = "seeds/reference/not_actors.yaml"
EVENT_TYPES_FILE = "seeds/reference/event_types.yaml"
# the triggers derived from the CAMEO dictionary (vendor/petrarch2/convert.py writes it from the
# codebook's `derive:` entries): read beside the codebook, one list per type
CAMEO_TRIGGERS_FILE = "seeds/reference/cameo_triggers.yaml"
SECTORS_FILE = "seeds/reference/sectors.yaml"  # generated from PETRARCH-2's agents dictionary (vendor/petrarch2/sectors.py)


class ActorEntry(BaseModel):
    """One curated actor, as written in seeds/reference/actors.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    type: ActorType
    country: str | None = Field(default=None, pattern=ISO3_PATTERN)
    role: str | None = None
    wikidata: str | None = Field(default=None, pattern=WIKIDATA_PATTERN)
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    titles_from: dt.date | None = None
    metonyms: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    short_forms: tuple[str, ...] = ()
    sector: Sector | None = None  # the CAMEO agent sector it stands for, where clear (null for a state)


class NotActorEntry(BaseModel):
    """A phrase that contains an actor's name but names something else (a law, a place)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    phrase: str = Field(min_length=2)


ROLES = frozenset({
    "subject", "object", "agent", "dative", "modifier", "owner", "clause_subject", "complement", "subtree",
    "speaker", "object_origin", "weapon_origin", "participants", "of_modifier", "object_modifier", "target_of",
})


def _valid_role(role: str) -> str:
    if role in ROLES or (role.startswith("prep:") and role[5:].isalpha()):
        return role
    raise ValueError(f"role {role!r} is not one of {sorted(ROLES)} or prep:<preposition>")


class Trigger(BaseModel):
    """A word that signals an event type, the conditions it needs in its sentence, and where in the
    dependency tree its source and target are (roles, tried in order)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    lemma: str = Field(min_length=1)
    pos: Literal["VERB", "NOUN", "ADJ", "ADP"] = "VERB"
    particle: str | None = None  # "call on", "rule out", "walk away", "take delivery"
    object: tuple[str, ...] = ()  # lemmas one of which must be the trigger's object ("impose" + sanction)
    content: tuple[str, ...] = ()  # lemmas one of which must stand in the sentence ("warn" + sanction)
    not_content: tuple[str, ...] = ()  # lemmas none of which may stand in the sentence
    modifier: tuple[str, ...] = ()  # lemmas one of which must modify the trigger noun ("planned purchase")
    via: tuple[str, ...] = ()  # a word under the trigger whose arguments are read ("considering buying")
    not_under: tuple[str, ...] = ()  # verbs the noun must not be an argument of ("face sanctions" imposes none)
    needs_complement: bool = False  # a to-infinitive follows ("urged X to …")
    passive_needs_agent: bool = False  # a passive without its "by" agent is no event ("X is expected to buy" forecasts)
    in_speech: bool = False  # only inside a quotation or a clause reported by a verb of saying
    subject_is: Literal["actor", "weapon"] | None = None  # "the Pantsir arrived" vs "the envoy arrived"
    object_is_weapon: bool = False  # the object names a weapon ("received six drones")
    source: tuple[str, ...] = ("subject",)
    target: tuple[str, ...] = ("object",)
    needs: tuple[str, ...] = ()  # what this trigger's events need besides the type's needs
    origin: str | None = None  # where a derived trigger comes from in the CAMEO dictionary (file:line pattern)
    why: str | None = None  # why the project adds a trigger the dictionary does not give

    def key(self) -> tuple[str, str, str | None]:
        """What an own trigger of a type replaces among the derived ones: lemma, part of speech, particle."""
        return self.lemma, self.pos, self.particle

    @field_validator("needs")
    @classmethod
    def _known_needs(cls, needs: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(needs) - {"source", "target", "weapon"}
        if unknown:
            raise ValueError(f"needs may hold source, target and weapon, not {sorted(unknown)}")
        return needs

    @field_validator("source", "target")
    @classmethod
    def _roles(cls, roles: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_valid_role(r) for r in roles)


class DeriveEntry(BaseModel):
    """Which entries of the CAMEO dictionary give a type's triggers (read by vendor/petrarch2/convert.py;
    the codebook's header says what each key means). Checked here so that a typo fails the build."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    verbs: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    blocks: tuple[str, ...] = ()
    whole_synsets: tuple[str, ...] = ()
    objects: tuple[str, ...] = ()
    object_synsets: tuple[str, ...] = ()
    except_: dict[str, str] = Field(default_factory=dict, alias="except")
    when: dict = Field(default_factory=dict)
    roles: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    noun_roles: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    nouns: bool = False


class EventTypeEntry(BaseModel):
    """One type of the event codebook, as written in seeds/reference/event_types.yaml. What the
    rules do with a type is said by its fields, never by its id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    label: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    example: str = Field(min_length=1)
    plover: PloverType | None = None
    cameo: str = Field(pattern=CAMEO_PATTERN)
    derive: tuple[DeriveEntry, ...] = ()  # the CAMEO dictionary's entries that give its triggers
    triggers: tuple[Trigger, ...] = ()  # own additions (each with `why`); derived ones are added on loading
    needs: tuple[str, ...] = ()
    speech_act: bool = False  # a verbal act: the speaker of "X said that …" is its source
    content_modality: Modality | None = None  # a modality that is the type's content ("would face sanctions")
    hypothetical_as: str | None = Field(default=None, pattern=ID_PATTERN)  # "could impose sanctions" is a threat
    modal_as: str | None = Field(default=None, pattern=ID_PATTERN)  # "Serbia may purchase the FK-3" is an intention
    symmetric: bool = False  # participants act together ("drills of Serbia and Russia"): every ordered pair

    @field_validator("needs")
    @classmethod
    def _known_needs(cls, needs: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(needs) - {"source", "target", "weapon"}
        if unknown:
            raise ValueError(f"needs may hold source, target and weapon, not {sorted(unknown)}")
        return needs

    @field_validator("triggers")
    @classmethod
    def _own_triggers_say_why(cls, triggers: tuple[Trigger, ...]) -> tuple[Trigger, ...]:
        for trigger in triggers:
            if not trigger.why or trigger.origin:
                raise ValueError(f"own trigger {trigger.lemma!r} needs `why:` (why the CAMEO dictionary does not give it) "
                                 "and no `origin:` — or derive it: see the `derive:` keys in this file's header")
        return triggers


class WeaponEntry(BaseModel):
    """One curated weapon system, as written in seeds/reference/weapon_systems.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID_PATTERN)
    designation: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    category: str | None = None
    origin: str | None = Field(default=None, pattern=ISO3_PATTERN)
    nato_reporting_name: str | None = None


class SectorEntry(BaseModel):
    """One agent noun of seeds/reference/sectors.yaml: its sector and the dictionary line it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sector: Sector
    line: int = Field(ge=1)
    origin: str = Field(min_length=1)


@dataclass(frozen=True)
class Reference:
    actors: tuple[ActorEntry, ...]
    weapons: tuple[WeaponEntry, ...]
    not_actors: tuple[str, ...]
    event_types: tuple[EventTypeEntry, ...]
    digest: str  # sha256 over the reference files: part of the cache key of every article's rows
    file_hashes: dict[str, str]  # path -> sha256 of each file as read (for the package's inputs digest)
    sectors: dict[str, Sector] = field(default_factory=dict)  # agent noun (lower case) -> sector (sectors.yaml)

    def actor(self, actor_id: str) -> ActorEntry | None:
        return next((a for a in self.actors if a.id == actor_id), None)


def _load_entries(root: Path, rel: str, model: type[BaseModel]) -> tuple[list, list[Problem], bytes]:
    path = root / rel
    try:
        raw = read_regular(path, MAX_YAML_BYTES)
    except OSError as exc:
        return [], [Problem(rel, None, None, f"cannot read ({exc.strerror or 'not a regular file'}) — restore the file from git")], b""
    data, node, problems = yamlfile.parse(rel, raw)
    if problems or data is None:
        return [], problems, raw
    if not isinstance(data, list) or not isinstance(node, yaml.SequenceNode):
        return [], [Problem(rel, 1, None, "must be a YAML list of entries (each starting with '- id: …')")], raw
    entries = []
    for item, item_node in zip(data, node.value):
        line = item_node.start_mark.line + 1
        if model is NotActorEntry and isinstance(item, str):
            item = {"phrase": item}
        if not isinstance(item, dict):
            problems.append(Problem(rel, line, None, "entry must be a mapping of keys to values"))
            continue
        try:
            entries.append(model.model_validate(item))
        except ValidationError as exc:
            problems += yamlfile.validation_problems(rel, exc, yamlfile.Lines(item_node), f" (entry {shown(str(item.get('id', '?')))!r})",
                                                     yamlfile.field_names(model), field=lambda loc: str(loc[0]) if loc else None)
    return entries, problems, raw


def _duplicate_problems(rel: str | list[str], entries: list, forms_of) -> list[Problem]:
    """Ids and surface forms given twice; `rel` is the file of each entry (or one file for all)."""
    files = rel if isinstance(rel, list) else [rel] * len(entries)
    problems = []
    ids: dict[str, str] = {}
    for entry, where in zip(entries, files):
        if entry.id in ids:
            problems.append(Problem(where, None, "id", f"duplicate id {entry.id!r} — each entry needs its own id"))
        ids[entry.id] = entry.id
    owners: dict[str, str] = {}
    for entry, where in zip(entries, files):
        for form in forms_of(entry):
            other = owners.setdefault(form, entry.id)
            if other != entry.id:
                problems.append(
                    Problem(where, None, "aliases", f"{form!r} names both {other!r} and {entry.id!r} — keep it on one entry only")
                )
    return problems


def _actor_forms(entry: ActorEntry) -> set[str]:
    # short forms are only read after a full mention, so they may be shared ("the embassy")
    return {entry.name, *entry.aliases, *entry.titles, *entry.metonyms, *entry.demonyms}


def _weapon_forms(entry: WeaponEntry) -> set[str]:
    return {entry.designation, *entry.aliases}


REFERENCE_FILES = (ACTORS_FILE, COUNTRIES_FILE, WEAPONS_FILE, NOT_ACTORS_FILE, EVENT_TYPES_FILE, CAMEO_TRIGGERS_FILE, SECTORS_FILE)
REGENERATE = "run python vendor/petrarch2/convert.py"


def _load_derived(root: Path, event_types: list[EventTypeEntry]) -> tuple[list[EventTypeEntry], list[Problem], bytes]:
    """The codebook's types with their derived triggers added (cameo_triggers.yaml); an own trigger
    replaces the derived ones of its lemma, part of speech and particle."""
    rel = CAMEO_TRIGGERS_FILE
    try:
        raw = read_regular(root / rel, MAX_YAML_BYTES)
    except OSError as exc:
        return event_types, [Problem(rel, None, None, f"cannot read ({exc.strerror or 'not a regular file'}) — {REGENERATE}")], b""
    data, node, problems = yamlfile.parse(rel, raw)
    if problems:
        return event_types, problems, raw
    if not isinstance(data, dict):
        return event_types, [Problem(rel, 1, None, f"must map each event type to its derived triggers — {REGENERATE}")], raw
    by_id = {t.id: t for t in event_types}
    items = {key.value: value for key, value in node.value} if isinstance(node, yaml.MappingNode) else {}
    derived: dict[str, list[Trigger]] = {}
    for type_id, triggers in data.items():
        if type_id not in by_id:
            problems.append(Problem(rel, items[type_id].start_mark.line + 1 if type_id in items else None, None,
                                    f"{shown(str(type_id))!r} is no type of {EVENT_TYPES_FILE} — {REGENERATE}"))
            continue
        for trigger, trigger_node in zip(triggers or [], getattr(items.get(type_id), "value", [])):
            try:
                derived.setdefault(type_id, []).append(Trigger.model_validate(trigger))
            except ValidationError as exc:
                problems.append(Problem(rel, trigger_node.start_mark.line + 1, None,
                                        f"{exc.errors()[0]['msg']} — {REGENERATE}"))
    merged = []
    for event_type in event_types:
        own = {t.key() for t in event_type.triggers}
        extra = tuple(t for t in derived.get(event_type.id, []) if t.key() not in own)
        merged.append(event_type.model_copy(update={"triggers": event_type.triggers + extra}))
    return merged, problems, raw


_SECTOR_KEYS = {"sector", "line", "origin"}
_SECTOR_VALUES = frozenset(s.value for s in Sector)


def _load_sectors(root: Path) -> tuple[dict[str, Sector], list[Problem], bytes]:
    """seeds/reference/sectors.yaml: a mapping of agent nouns to {sector, line, origin}."""
    rel = SECTORS_FILE
    try:
        raw = read_regular(root / rel, MAX_YAML_BYTES)
    except OSError as exc:
        return {}, [Problem(rel, None, None, f"cannot read ({exc.strerror or 'not a regular file'}) — write it again with "
                                             "`python vendor/petrarch2/sectors.py`")], b""
    data, node, problems = yamlfile.parse(rel, raw, fast=True)
    if problems or data is None:
        return {}, problems, raw
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        return {}, [Problem(rel, 1, None, "must be a YAML mapping of agent nouns to {sector, line, origin} — write it again "
                                          "with `python vendor/petrarch2/sectors.py`")], raw
    out: dict[str, Sector] = {}
    for (key_node, value_node), (noun, value) in zip(node.value, data.items()):
        line = key_node.start_mark.line + 1
        if not isinstance(noun, str) or noun != " ".join(noun.split()).lower() or not noun:
            problems.append(Problem(rel, line, None, f"{shown(str(noun))!r} is no agent noun (lower case, words separated by "
                                                     "one space)"))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(rel, line, None, f"{shown(noun)!r}: must be a mapping {{sector, line, origin}}"))
            continue
        if value.keys() == _SECTOR_KEYS and value["sector"] in _SECTOR_VALUES and type(value["line"]) is int and value["line"] >= 1 \
                and isinstance(value["origin"], str) and value["origin"]:
            out[noun] = Sector(value["sector"])  # what the model accepts, checked without it (thousands of entries)
            continue
        try:
            out[noun] = SectorEntry.model_validate(value).sector
        except ValidationError as exc:
            problems += yamlfile.validation_problems(rel, exc, yamlfile.Lines(value_node), f" (noun {shown(noun)!r})",
                                                     yamlfile.field_names(SectorEntry), field=lambda loc: str(loc[0]) if loc else None)
    return out, problems, raw




def load_reference(root: Path) -> tuple[Reference, list[Problem]]:
    """Every reference file, checked; the countries file adds states to the curated actors."""
    actors, problems, raw_actors = _load_entries(root, ACTORS_FILE, ActorEntry)
    countries, country_problems, raw_countries = _load_entries(root, COUNTRIES_FILE, ActorEntry)
    problems += country_problems
    files = [ACTORS_FILE] * len(actors) + [COUNTRIES_FILE] * len(countries)
    actors += countries
    weapons, weapon_problems, raw_weapons = _load_entries(root, WEAPONS_FILE, WeaponEntry)
    not_actors, not_actor_problems, raw_not_actors = _load_entries(root, NOT_ACTORS_FILE, NotActorEntry)
    event_types, event_type_problems, raw_event_types = _load_entries(root, EVENT_TYPES_FILE, EventTypeEntry)
    event_types, derived_problems, raw_derived = _load_derived(root, event_types)
    problems += weapon_problems + not_actor_problems + event_type_problems + derived_problems
    problems += _duplicate_problems(EVENT_TYPES_FILE, event_types, lambda entry: set())
    ids = {t.id for t in event_types}
    problems += [Problem(EVENT_TYPES_FILE, None, key, f"{t.id!r} names {getattr(t, key)!r}, which is no type — use an id of this file")
                 for t in event_types for key in ("hypothetical_as", "modal_as") if getattr(t, key) and getattr(t, key) not in ids]
    problems += _duplicate_problems(files, actors, _actor_forms)
    problems += _duplicate_problems(WEAPONS_FILE, weapons, _weapon_forms)
    sectors, sector_problems, raw_sectors = _load_sectors(root)
    problems += sector_problems
    raws = {ACTORS_FILE: raw_actors, COUNTRIES_FILE: raw_countries, WEAPONS_FILE: raw_weapons, NOT_ACTORS_FILE: raw_not_actors,
            EVENT_TYPES_FILE: raw_event_types, CAMEO_TRIGGERS_FILE: raw_derived, SECTORS_FILE: raw_sectors}
    file_hashes = {rel: hashlib.sha256(raw).hexdigest() for rel, raw in raws.items() if (root / rel).is_file()}
    digest = hashlib.sha256(b"".join(hashlib.sha256(raw).digest() for raw in raws.values())).hexdigest()
    phrases = tuple(sorted({entry.phrase for entry in not_actors}))
    return Reference(tuple(actors), tuple(weapons), phrases, tuple(event_types), digest, file_hashes, sectors), problems
