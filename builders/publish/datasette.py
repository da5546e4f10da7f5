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
from ..schema.formats import sql_quote
from ..schema.models import RESOURCES, Article, PloverType, Quote

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


def _quotes_by_speaker() -> dict:
    """Quotations grouped by speaker (the actor's name, else the words naming the speaker), in
    text order; `speaker` narrows them to one (a part of a name, or an actor id)."""
    start = sql_quote(Quote.spans[0][0])  # the quotation's offset column, as the model names it
    return {
        "title": "Quotes by speaker",
        "description": "Every quotation with its speaker (the actor's name, else the speaker as written, else '(unknown)'), "
                       "the verb of saying and the outlet it came through; leave speaker empty for all, or give a part of "
                       "a name or an actor id.",
        "sql": f"""SELECT coalesce(s.name, q.speaker_surface, '(unknown)') AS speaker, q.speaker_actor_id,
       q.article_id, q.kind, q.cue, q.text, v.name AS via
FROM quotes q
LEFT JOIN actors s ON s.actor_id = q.speaker_actor_id
LEFT JOIN actors v ON v.actor_id = q.via_actor_id
WHERE coalesce(:speaker, '') = '' OR s.name LIKE '%' || :speaker || '%' OR q.speaker_actor_id = :speaker
ORDER BY q.speaker_actor_id IS NULL, speaker, q.article_id, q.{start}""",
    }


CANNED_QUERIES = {"who_threatened_whom": _who_threatened_whom, "quotes_by_speaker": _quotes_by_speaker}


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
        table["license"] = f"{_ANNOTATIONS['name']} for the metadata; the texts: {_TEXTS['title']}"
    return table


def datasette_metadata() -> dict:
    """datasette's metadata (the 0.x `metadata.json` layout) for the SQLite export."""
    tables = {model.resource_name: _table(model) for model in RESOURCES}
    tables["_columns"] = {
        "title": "Column descriptions",
        "description": "Every column of every table with its Table Schema type and description (as in datapackage.json).",
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
