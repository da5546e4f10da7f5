"""Generated files must not drift from the models."""

from __future__ import annotations

import json

import pytest
from conftest import REPO

from builders.schema.models import RESOURCES, Article, Event
from builders.publish.card import read_measured_quality
from builders.publish.docs import CITATION, README, citation_with_version, readme_with_dictionary
from builders.schema.dataset import dataset_version
from builders.schema.formats import arrow_schema, schema_json, table_schema
from builders.schema.columns import columns


@pytest.mark.parametrize("model", RESOURCES, ids=lambda m: m.resource_name)
def test_committed_table_schema_matches_model(model):
    committed = (REPO / "schema" / f"{model.resource_name}.json").read_text(encoding="utf-8")
    assert committed == schema_json(model), "schema/ is stale: run python -m builders build"


def test_committed_descriptor_schemas_match_models():
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["name"]: r["schema"] for r in descriptor["resources"]} == {m.resource_name: table_schema(m) for m in RESOURCES}


def test_readme_data_dictionary_matches_models():
    readme = (REPO / README).read_text(encoding="utf-8")
    assert readme == readme_with_dictionary(readme, read_measured_quality(REPO)), "README data dictionary is stale: run python -m builders build"
    for model in RESOURCES:
        assert f"### `{model.resource_name}`" in readme
        for col in columns(model):
            assert f"| `{col.name}` |" in readme


def test_contract_columns_are_present():
    contract = {
        "articles": "article_id title authors publisher original_publisher published_date published_date_precision original_published_date url language regions themes text word_count source_sha256",
        "actors": "actor_id name actor_type country_iso3 wikidata_id role aliases method",
        "actor_mentions": "mention_id article_id actor_id start_char end_char surface mention_kind method",
        "quotes": "quote_id article_id text start_char end_char speaker_actor_id speaker_surface cue via_actor_id kind method",
        "events": "event_id article_id event_type plover_type cameo_code modality source_actor_id target_actor_id weapon_system_id date_start date_end date_precision date_source evidence_start_char evidence_end_char evidence_text summary method",
        "weapon_systems": "weapon_system_id designation aliases category origin_country_iso3 nato_reporting_name",
    }
    by_name = {m.resource_name: m for m in RESOURCES}
    for resource, minimum in contract.items():
        names = {c.name for c in columns(by_name[resource])}
        assert set(minimum.split()) <= names, resource


def test_types_constraints_and_keys_come_from_the_model():
    fields = {f["name"]: f for f in table_schema(Article)["fields"]}
    assert fields["published_date"]["type"] == "date" and "required" not in fields["published_date"].get("constraints", {})
    assert fields["authors"]["type"] == "array"
    assert fields["word_count"]["constraints"] == {"required": True, "minimum": 0}
    assert fields["article_id"]["constraints"]["pattern"] == "^[a-z0-9][a-z0-9_-]{0,63}$"
    event_schema = table_schema(Event)
    modality = {f["name"]: f for f in event_schema["fields"]}["modality"]
    assert modality["constraints"]["enum"] == modality["categories"]
    assert "negated" in modality["constraints"]["enum"]
    assert event_schema["primaryKey"] == ["event_id"]
    arrow = arrow_schema(Event)
    assert str(arrow.field("modality").type) == "dictionary<values=string, indices=int32, ordered=0>"
    assert str(arrow.field("date_start").type) == "date32[day]"


def test_the_version_is_stated_once():
    """pyproject.toml holds the version; the descriptor and CITATION.cff are made from it."""
    import tomllib

    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    assert dataset_version() == version
    citation = (REPO / CITATION).read_text(encoding="utf-8")
    assert citation == citation_with_version(citation), "CITATION.cff's version is stale: run python -m builders build"
    assert f"version: {version}" in citation
    assert json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["version"] == version
    sources = [p for p in (REPO / "builders").rglob("*.py") if version in p.read_text(encoding="utf-8")]
    assert sources == [], f"a version number written in code: {sources}"
