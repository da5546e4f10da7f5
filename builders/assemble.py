"""Per-article columns -> whole tables: rows concatenated in article order, and the actors and
weapon systems that at least one article names (curated entries first, then discovered ones)."""

from __future__ import annotations

from .extract.article import PER_ARTICLE, ArticleColumns, Columns
from .inputs.reference import Reference
from .schema.columns import column_values, columns
from .schema.models import (
    Actor,
    ActorMention,
    Event,
    EventType,
    Method,
    WeaponSystem,
    WeaponSystemMention,
)


def assemble(extracted: list[ArticleColumns], reference: Reference) -> dict[str, Columns]:
    """Every resource's columns; actors and weapon systems once each, only those mentioned."""
    tables: dict[str, Columns] = {}
    for model in PER_ARTICLE:
        table: Columns = {col.name: [] for col in columns(model)}
        for article in extracted:
            for name, values in article.tables[model.resource_name].items():
                table[name].extend(values)
        tables[model.resource_name] = table
    events = tables[Event.resource_name]
    mentioned = set(tables[ActorMention.resource_name]["actor_id"]) | set(events["source_actor_id"]) | set(events["target_actor_id"])
    weapons_mentioned = set(tables[WeaponSystemMention.resource_name]["weapon_system_id"]) | set(events["weapon_system_id"])
    actors, weapons = _curated_entities(reference, mentioned, weapons_mentioned)
    for article in sorted(extracted, key=lambda a: a.article_id):  # first article wins a clash
        for found in article.discovered_actors:
            actors.setdefault(found.actor_id, Actor(
                actor_id=found.actor_id, name=found.name, actor_type=found.actor_type,
                country_iso3=found.country_iso3, role=found.role,
                aliases=sorted((found.forms | found.acronyms) - {found.name}), method=Method.rule,
            ))
        for found in article.discovered_weapons:
            weapons.setdefault(found.weapon_system_id, WeaponSystem(
                weapon_system_id=found.weapon_system_id, designation=found.designation,
                origin_country_iso3=found.origin_country_iso3, method=Method.rule,
            ))
    event_types = [
        EventType(event_type=t.id, label=t.label, definition=t.definition, example=t.example,
                  plover_type=t.plover, cameo_code=t.cameo)
        for t in reference.event_types
    ]
    tables[Actor.resource_name] = column_values(Actor, list(actors.values()))
    tables[WeaponSystem.resource_name] = column_values(WeaponSystem, list(weapons.values()))
    tables[EventType.resource_name] = column_values(EventType, event_types)
    return tables


def _curated_entities(reference: Reference, actor_ids: set, weapon_ids: set) -> tuple[dict[str, Actor], dict[str, WeaponSystem]]:
    """The reference's actors and weapon systems that the articles name, as rows."""
    actors = {
        entry.id: Actor(
            actor_id=entry.id, name=entry.name, actor_type=entry.type, country_iso3=entry.country,
            wikidata_id=entry.wikidata, role=entry.role, aliases=list(entry.aliases), method=Method.curated,
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
