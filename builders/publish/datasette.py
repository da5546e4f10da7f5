"""datasette's metadata for the SQLite export, generated from the models: titles, descriptions,
column descriptions, facets on enum columns, the licences, and canned queries.

Serve the release with `datasette dist/<name>.sqlite -m dist/<name>.metadata.json`: datasette names
a database after its file's stem, which is the dataset's NAME here as in the SQLite file's name.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..schema.columns import columns
from ..schema.dataset import DESCRIPTION, LICENSES, NAME, TITLE
from ..schema.folding import fold
from ..schema.formats import sql_quote
from ..schema.layout import EVIDENCE_DIR
from ..schema.models import RESOURCES, Actor, Article, PloverType, Quote

_ANNOTATIONS, _TEXTS = LICENSES  # CC-BY-4.0 for the annotations; the article texts stay their publishers'


def _who_threatened_whom() -> dict:
    """Threats (the PLOVER type THREATEN) with the names of who threatened whom, over what."""
    return {
        "title": "Who threatened whom",
        "description": f"Events of PLOVER type {PloverType.THREATEN.value}: the actor that threatens, the actor threatened, "
                       "the weapon system at stake, the date interval and the sentence that states it.",
        "sql": f"""SELECT e.event_id, e.article_id, e.date_start, e.date_end, e.event_type, e.modality,
       s.name AS source, t.name AS target, w.designation AS weapon_system, e.evidence_text
FROM events e
LEFT JOIN actors s ON s.actor_id = e.source_actor_id
LEFT JOIN actors t ON t.actor_id = e.target_actor_id
LEFT JOIN weapon_systems w ON w.weapon_system_id = e.weapon_system_id
WHERE e.plover_type = '{PloverType.THREATEN.value}'
ORDER BY e.date_start IS NULL, e.date_start, e.event_id""",
    }


# SQLite has no unaccent and its LIKE ignores the case of ASCII letters only: the SQLite export
# writes this table, every actor's name and aliases folded as the builders compare words (case and
# diacritics dropped: 'Aleksandar Vučić' -> 'aleksandar vucic'), for queries to match what people type.
ACTOR_NAMES = "_actor_names"
ACTOR_NAMES_SQL = (f"CREATE TABLE {sql_quote(ACTOR_NAMES)} (\"actor_id\" TEXT NOT NULL REFERENCES {sql_quote(Actor.resource_name)} "
                   f"({sql_quote(Actor.primary_key)}), \"folded\" TEXT NOT NULL, PRIMARY KEY (\"actor_id\", \"folded\"))")


def actor_name_rows(actors) -> list[tuple[str, str]]:
    """(actor_id, folded name) rows of `ACTOR_NAMES` for (actor_id, name, aliases) triples: one
    per distinct folded spelling of the actor's name and aliases."""
    return sorted({(actor_id, fold(spelling)) for actor_id, name, aliases in actors for spelling in (name, *aliases)})


def _quotes_by_speaker() -> dict:
    """Quotations grouped by speaker (the actor's name, else the words naming the speaker), in
    text order; `speaker` narrows them to one (a part of a name, or an actor id)."""
    start = sql_quote(Quote.spans[0][0])  # the quotation's offset column, as the model names it
    return {
        "title": "Quotes by speaker",
        "description": "Every quotation with its speaker (the actor's name, else the speaker as written, else '(unknown)'), "
                       "the verb of saying and the outlet it came through; leave speaker empty for all, or give a part of "
                       "a name or alias (with or without diacritics, in any case: 'vucic' finds Vučić) or an actor id.",
        "sql": f"""SELECT coalesce(s.name, q.speaker_surface, '(unknown)') AS speaker, q.speaker_actor_id,
       q.article_id, q.kind, q.cue, q.text, v.name AS via
FROM quotes q
LEFT JOIN actors s ON s.actor_id = q.speaker_actor_id
LEFT JOIN actors v ON v.actor_id = q.via_actor_id
WHERE coalesce(:speaker, '') = '' OR q.speaker_actor_id = :speaker OR s.name LIKE '%' || :speaker || '%'
   OR q.speaker_actor_id IN (SELECT actor_id FROM {sql_quote(ACTOR_NAMES)} WHERE folded LIKE '%' || :speaker || '%')
ORDER BY q.speaker_actor_id IS NULL, speaker, q.article_id, q.{start}""",
    }


def _events_by_dyad() -> dict:
    """Events counted by country dyad (the source's and the target's country), as event data
    (GDELT, ICEWS, POLECAT) count them."""
    source, target = "source_country_iso3", "target_country_iso3"
    return {
        "title": "Events by country dyad",
        "description": "How many events each pair of countries has: the country of the actor that acts and of the actor "
                       "acted upon (ISO 3166-1 alpha-3; empty for an international body, an unknown country or no target), "
                       "with the number of articles they come from; most events first.",
        "sql": f"""SELECT e.{source} AS source_country, e.{target} AS target_country,
       count(*) AS events, count(DISTINCT e.article_id) AS articles
FROM events e
GROUP BY e.{source}, e.{target}
ORDER BY events DESC, source_country IS NULL, source_country, target_country IS NULL, target_country""",
    }


CANNED_QUERIES = {"who_threatened_whom": _who_threatened_whom, "quotes_by_speaker": _quotes_by_speaker,
                  "events_by_dyad": _events_by_dyad}


def _table(model) -> dict:
    table = {
        "title": model.resource_title,
        "description": (model.__doc__ or "").strip(),
        "columns": {col.name: col.description for col in columns(model)},
    }
    facets = [col.name for col in columns(model) if col.enum]
    if facets:
        table["facets"] = facets
    if model is Article:  # the only table holding the publishers' own words
        table["description"] += (f" Each article's text with its rows highlighted: {EVIDENCE_DIR}/<article_id>.html"
                                 " in the published package (evidence pages).")
        table["license"] = f"{_ANNOTATIONS['name']} for the metadata; the texts: {_TEXTS['title']}"
    return table


def datasette_metadata() -> dict:
    """datasette's metadata (the 0.x `metadata.json` layout) for the SQLite export."""
    tables = {model.resource_name: _table(model) for model in RESOURCES}
    tables["_columns"] = {
        "title": "Column descriptions",
        "description": "Every column of every table with its Table Schema type and description (as in datapackage.json).",
    }
    tables[ACTOR_NAMES] = {
        "title": "Actor names for searching",
        "description": "Every actor's name and aliases in lower case without diacritics ('aleksandar vucic'), "
                       "for searches that ignore them (the canned query quotes_by_speaker).",
        "hidden": True,
    }
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "license": f"{_ANNOTATIONS['name']} (the annotations; article texts remain their publishers')",
        "license_url": _ANNOTATIONS["path"],
        "databases": {
            NAME: {
                "title": TITLE,
                "description": f"{DESCRIPTION} {_TEXTS['title']}.",
                "tables": tables,
                "queries": {name: query() for name, query in CANNED_QUERIES.items()},
            }
        },
    }


def write_datasette_metadata(package: Path, target: Path) -> None:
    """The metadata file beside the SQLite file in dist/ (it depends on the models only)."""
    target.write_text(json.dumps(datasette_metadata(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
