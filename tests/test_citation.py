"""The citation files (CITATION.cff, .zenodo.json) are made from one place: the dataset's facts in
builders/schema/dataset.py (title, licences, keywords, release date, repository URL, maintainers)
and the version in pyproject.toml. The committed files are what the builders make of them."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import yaml

from builders.publish.docs import CITATION, DOCUMENTS, ZENODO, citation_cff, update_docs, zenodo_json
from builders.schema import dataset

REPO = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
STALE = "is stale: run python -m builders build"


def test_the_committed_citation_files_are_the_generated_ones():
    assert (REPO / CITATION).read_text(encoding="utf-8") == citation_cff(), f"{CITATION} {STALE}"
    assert (REPO / ZENODO).read_text(encoding="utf-8") == zenodo_json(), f"{ZENODO} {STALE}"
    assert {CITATION, ZENODO} <= set(DOCUMENTS)  # the build regenerates both


def test_citation_cff_states_the_repository_maintainers_and_version():
    cff = yaml.safe_load((REPO / CITATION).read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["version"] == VERSION
    assert cff["repository-code"] == dataset.REPOSITORY_URL
    assert cff["contact"] == dataset.MAINTAINERS and all(m.get("name") or m.get("family-names") for m in cff["contact"])
    assert [a["name"] for a in cff["authors"]] == [c["title"] for c in dataset.CONTRIBUTORS]
    assert (cff["title"], cff["license"], cff["keywords"]) == (dataset.TITLE, "CC-BY-4.0", dataset.KEYWORDS)
    assert cff["date-released"] == dataset.release_date()


def test_zenodo_json_states_the_repository_maintainers_and_version():
    zenodo = json.loads((REPO / ZENODO).read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset" and zenodo["access_right"] == "open"
    assert zenodo["version"] == VERSION
    assert (zenodo["title"], zenodo["license"], zenodo["keywords"]) == (dataset.TITLE, "cc-by-4.0", dataset.KEYWORDS)
    assert [c["name"] for c in zenodo["creators"]] == [c["title"] for c in dataset.CONTRIBUTORS]
    assert [(c["name"], c["type"]) for c in zenodo["contributors"]] == [(m["name"], "ContactPerson") for m in dataset.MAINTAINERS]
    assert {"identifier": dataset.REPOSITORY_URL, "relation": "isCompiledBy", "resource_type": "software", "scheme": "url"} in zenodo["related_identifiers"]
    assert zenodo["publication_date"] == dataset.release_date()
    assert dataset.DESCRIPTION.split(".")[0] in zenodo["description"]


def test_the_repository_and_maintainers_are_written_in_one_place():
    facts = [dataset.REPOSITORY_URL] + [m["email"] for m in dataset.MAINTAINERS if m.get("email")]
    for path in sorted((REPO / "builders").rglob("*.py")):
        if path != Path(dataset.__file__):
            text = path.read_text(encoding="utf-8")
            assert not [f for f in facts if f in text], f"{path.relative_to(REPO)} restates a fact of builders/schema/dataset.py"


def test_a_build_refreshes_stale_citation_files(tmp_path, monkeypatch):
    (tmp_path / CITATION).write_text("cff-version: 1.2.0\nversion: 0.0.0\n", encoding="utf-8")
    (tmp_path / ZENODO).write_text("{}\n", encoding="utf-8")
    update_docs(tmp_path)
    assert (tmp_path / CITATION).read_text(encoding="utf-8") == citation_cff()
    assert (tmp_path / ZENODO).read_text(encoding="utf-8") == zenodo_json()
    monkeypatch.setattr("builders.publish.docs.REPOSITORY_URL", "https://example.org/moved")
    update_docs(tmp_path)
    assert yaml.safe_load((tmp_path / CITATION).read_text(encoding="utf-8"))["repository-code"] == "https://example.org/moved"
    assert "https://example.org/moved" in (tmp_path / ZENODO).read_text(encoding="utf-8")


def test_the_release_date_is_the_changelog_heading_of_the_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {dataset.dataset_version()} — {dataset.release_date()}\n" in changelog
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["created"] == f"{dataset.release_date()}T00:00:00Z"
