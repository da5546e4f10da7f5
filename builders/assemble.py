"""Per-article columns -> whole tables: typed Arrow tables sorted by primary key, and the actors and
weapon systems that at least one article names (curated entries first, then discovered ones).

A build may start from the tables of the previous one (`Kept`: its rows minus those of the
articles extracted again or removed) and add only the rows of the articles extracted now: the
tables are the same as when every article is assembled afresh, as rows are sorted by key."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from itertools import groupby

import pyarrow as pa
import pyarrow.compute as pc

from .extract.article import PER_ARTICLE, ArticleColumns, Columns
from .extract.discovery import DiscoveredActor
from .extract.entities import DiscoveredWeapon
from .inputs.reference import Reference
from .schema.columns import Column, column_values, columns, enum_array
from .schema.formats import arrow_schema
from .schema.models import (
    Actor,
    ActorMention,
    Event,
    EventType,
    Method,
    Resource,
    WeaponSystem,
    WeaponSystemMention,
)

Discoveries = tuple[list[DiscoveredActor], list[DiscoveredWeapon]]  # what one article adds to actors and weapon systems


@dataclass
class Kept:
    """Rows of a previous build still valid: its per-article tables without the rows of the
    articles to extract again or removed, and what each kept article discovered."""

    tables: dict[str, pa.Table] = field(default_factory=dict)
    discoveries: dict[str, Discoveries] = field(default_factory=dict)


def arrow_table(model: type[Resource], values: Columns) -> pa.Table:
    """The typed table of a resource from its columns, sorted by its primary key (code-point order,
    as Python sorts)."""
    return sorted_by_key(model, _typed(model, values))


def _typed(model: type[Resource], values: Columns) -> pa.Table:
    schema = arrow_schema(model)
    return pa.Table.from_arrays([_arrow_column(col, schema.field(col.name), values[col.name]) for col in columns(model)], schema=schema)


def sorted_by_key(model: type[Resource], table: pa.Table) -> pa.Table:
    """The rows in primary-key order, in one chunk (so that the writers see the same table
    however it was put together)."""
    return table.take(pc.sort_indices(table, [(model.primary_key, "ascending")])).combine_chunks()


MERGED_ROWS = 1_000  # fresh rows inserted into the kept ones by binary search; more are sorted with them (faster then)


def merged_by_key(model: type[Resource], kept: pa.Table, fresh: pa.Table) -> pa.Table:
    """`kept` and `fresh`, each sorted by primary key, as one table sorted by key (what
    `sorted_by_key` makes of the two): each run of fresh rows inserted where a binary search over
    the kept keys puts it, instead of sorting every row again (a few changed articles' rows into
    the hundreds of thousands of the last build)."""
    kept_keys = _Keys(kept.column(model.primary_key))
    positions = [bisect.bisect_right(kept_keys, key) for key in fresh.column(model.primary_key).to_pylist()]  # after an equal key, as a stable sort
    pieces, at, start = [], 0, 0
    for position, run in groupby(positions):
        length = len(list(run))
        pieces += [kept.slice(at, position - at), fresh.slice(start, length)]
        at, start = position, start + length
    return pa.concat_tables([*pieces, kept.slice(at)]).combine_chunks()


class _Keys:
    """A key column as a sequence of Python strings, read one by one (for bisect)."""

    def __init__(self, keys: pa.ChunkedArray):
        self.keys = keys.combine_chunks()

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, i: int) -> str:
        return self.keys[i].as_py()


def _arrow_column(col: Column, field: pa.Field, values: list) -> pa.Array:
    if col.enum:
        return enum_array(col, pa.array(values, type=pa.string()))
    return pa.array(values, type=field.type)


ASSEMBLY_BATCH = 256  # articles whose rows are made typed at once while the others are extracted


class Assembly:
    """The per-article tables, made typed batch by batch as the articles' rows arrive (while the
    rest are still being extracted), so that the last article does not leave the rows of every
    other one to convert (1.4 s of Python values at 10,000 articles). Rows are sorted by key at
    the end and the discoveries by article id, so the order in which articles arrive does not
    matter. `take` keeps an article's rows and gives back the article without them (its
    discoveries), so that the Python values can go as soon as their batch is converted."""

    def __init__(self):
        self.batches: dict[str, list[pa.Table]] = {model.resource_name: [] for model in PER_ARTICLE}
        self.pending: list[ArticleColumns] = []
        self.discoveries: dict[str, Discoveries] = {}

    def take(self, article: ArticleColumns) -> ArticleColumns:
        self.pending.append(article)
        self.discoveries[article.article_id] = (article.discovered_actors, article.discovered_weapons)
        if len(self.pending) >= ASSEMBLY_BATCH:
            self._convert()
        return ArticleColumns(article.article_id, {}, article.discovered_actors, article.discovered_weapons)

    def _convert(self) -> None:
        for model in PER_ARTICLE:
            new = {col.name: [value for article in self.pending for value in article.tables[model.resource_name][col.name]]
                   for col in columns(model)}
            self.batches[model.resource_name].append(_typed(model, new))
        self.pending = []

    def tables(self, reference: Reference, kept: Kept | None = None) -> dict[str, pa.Table]:
        """Every resource's table: the rows taken and those of `kept`; actors and weapon systems
        once each, only those mentioned."""
        self._convert()
        kept = kept or Kept()
        tables = {}
        for model in PER_ARTICLE:
            fresh = sorted_by_key(model, pa.concat_tables(self.batches.pop(model.resource_name)))
            previous = kept.tables.get(model.resource_name)
            if previous is None:
                tables[model.resource_name] = fresh
            elif fresh.num_rows <= MERGED_ROWS:
                tables[model.resource_name] = merged_by_key(model, previous, fresh)
            else:
                tables[model.resource_name] = sorted_by_key(model, pa.concat_tables([previous, fresh]))
        tables |= entity_tables(tables, kept.discoveries | self.discoveries, reference)
        tables[Event.resource_name] = with_dyads(tables[Event.resource_name], tables[Actor.resource_name])
        return tables


def assemble(extracted: list[ArticleColumns], reference: Reference, kept: Kept | None = None) -> dict[str, pa.Table]:
    """Every resource's table: the rows of `extracted` and of `kept` (see `Assembly`)."""
    assembly = Assembly()
    for article in extracted:
        assembly.take(article)
    return assembly.tables(reference, kept)


def entity_tables(tables: dict[str, pa.Table], discoveries: dict[str, Discoveries], reference: Reference) -> dict[str, pa.Table]:
    """Actors, weapon systems and event types: curated entries the articles name, then the ones
    the articles discovered (the first article by id wins a clash; a discovered actor's aliases are
    the names it has in every article)."""
    events = tables[Event.resource_name]
    mentioned = _values(tables[ActorMention.resource_name], "actor_id") | _values(events, "source_actor_id") | _values(events, "target_actor_id")
    weapons_mentioned = _values(tables[WeaponSystemMention.resource_name], "weapon_system_id") | _values(events, "weapon_system_id")
    actors, weapons = _curated_entities(reference, mentioned, weapons_mentioned)
    names: dict[str, set[str]] = {}  # a discovered actor's names in every article ("Serbian army", "Serbia's military")
    for article_id in sorted(discoveries):
        for found in discoveries[article_id][0]:
            names.setdefault(found.actor_id, set()).update(found.forms | found.acronyms)
    for article_id in sorted(discoveries):
        discovered_actors, discovered_weapons = discoveries[article_id]
        for found in discovered_actors:
            if found.actor_id not in actors:
                actors[found.actor_id] = Actor(
                    actor_id=found.actor_id, name=found.name, actor_type=found.actor_type,
                    country_iso3=found.country_iso3, role=found.role,
                    aliases=sorted(names[found.actor_id] - {found.name}), sector=found.sector, method=Method.rule,
                )
        for found in discovered_weapons:
            if found.weapon_system_id not in weapons:
                weapons[found.weapon_system_id] = WeaponSystem(
                    weapon_system_id=found.weapon_system_id, designation=found.designation,
                    origin_country_iso3=found.origin_country_iso3, method=Method.rule,
                )
    event_types = [
        EventType(event_type=t.id, label=t.label, definition=t.definition, example=t.example,
                  plover_type=t.plover, cameo_code=t.cameo)
        for t in reference.event_types
    ]
    return {
        Actor.resource_name: arrow_table(Actor, column_values(Actor, list(actors.values()))),
        WeaponSystem.resource_name: arrow_table(WeaponSystem, column_values(WeaponSystem, list(weapons.values()))),
        EventType.resource_name: arrow_table(EventType, column_values(EventType, event_types)),
    }


DYAD_COLUMNS = {"source_actor_id": "source_country_iso3", "target_actor_id": "target_country_iso3"}


def with_dyads(events: pa.Table, actors: pa.Table) -> pa.Table:
    """The events with their country dyad: each participant's actors.country_iso3 (a state's own
    code; null for an international body, an unknown country or no participant). Made here, from
    the whole actors table, for every row (kept ones too): an actor's country is the one it has in
    this build, whichever article discovered it."""
    ids, countries = actors.column("actor_id").combine_chunks(), actors.column("country_iso3").combine_chunks()
    schema = arrow_schema(Event)
    for actor_column, country_column in DYAD_COLUMNS.items():
        where = pc.index_in(events.column(actor_column), value_set=ids)  # null: no participant, or no such actor
        values = pc.take(countries, where).cast(schema.field(country_column).type)
        events = events.set_column(events.schema.get_field_index(country_column), schema.field(country_column), values)
    return events.combine_chunks()


def _values(table: pa.Table, column: str) -> set:
    return set(pc.unique(table.column(column)).to_pylist())


def _curated_entities(reference: Reference, actor_ids: set, weapon_ids: set) -> tuple[dict[str, Actor], dict[str, WeaponSystem]]:
    """The reference's actors and weapon systems that the articles name, as rows."""
    actors = {
        entry.id: Actor(
            actor_id=entry.id, name=entry.name, actor_type=entry.type, country_iso3=entry.country,
            wikidata_id=entry.wikidata, role=entry.role, aliases=list(entry.aliases), sector=entry.sector, method=Method.curated,
        )
        for entry in reference.actors if entry.id in actor_ids
    }
    weapons = {
        weapon.id: WeaponSystem(
            weapon_system_id=weapon.id, designation=weapon.designation, aliases=list(weapon.aliases),
            category=weapon.category, origin_country_iso3=weapon.origin,
            nato_reporting_name=weapon.nato_reporting_name, method=Method.curated,
        )
        for weapon in reference.weapons if weapon.id in weapon_ids
    }
    return actors, weapons
