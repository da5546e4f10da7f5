"""The citation files (CITATION.cff, .zenodo.json) are made from one place: the dataset's facts in
builders/schema/dataset.py (title, licences, keywords, release date) and pyproject.toml (version,
authors, maintainers, repository address). The committed files are what the builders make of them,
and placeholders never reach a release."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import yaml

from builders.publish.card import MeasuredQuality
from builders.publish.docs import CITATION, DOCUMENTS, ZENODO, citation_cff, update_docs, zenodo_json
from builders.schema import dataset

REPO = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
VERSION = PROJECT["version"]
STALE = "is stale: run python -m builders build"


def test_the_committed_citation_files_are_the_generated_ones():
    assert (REPO / CITATION).read_text(encoding="utf-8") == citation_cff(), f"{CITATION} {STALE}"
    assert (REPO / ZENODO).read_text(encoding="utf-8") == zenodo_json(), f"{ZENODO} {STALE}"
    assert {CITATION, ZENODO} <= set(DOCUMENTS)  # the build regenerates both


def test_citation_cff_states_the_repository_maintainers_and_version():
    cff = yaml.safe_load((REPO / CITATION).read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["version"] == VERSION
    facts = dataset.citation()
    assert cff["repository-code"] == facts.repository == PROJECT["urls"]["Repository"]
    assert cff["contact"] == list(facts.maintainers) == PROJECT["maintainers"]
    assert cff["authors"] == list(facts.authors) == PROJECT["authors"]
    assert (cff["title"], cff["license"], cff["keywords"]) == (dataset.TITLE, "CC-BY-4.0", dataset.KEYWORDS)
    assert cff["date-released"] == dataset.release_date()


def test_zenodo_json_states_the_repository_maintainers_and_version():
    zenodo = json.loads((REPO / ZENODO).read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset" and zenodo["access_right"] == "open"
    assert zenodo["version"] == VERSION
    assert (zenodo["title"], zenodo["license"], zenodo["keywords"]) == (dataset.TITLE, "cc-by-4.0", dataset.KEYWORDS)
    assert [c["name"] for c in zenodo["creators"]] == [a["name"] for a in PROJECT["authors"]]
    assert [(c["name"], c["type"]) for c in zenodo["contributors"]] == [(m["name"], "ContactPerson") for m in PROJECT["maintainers"]]
    assert {"identifier": PROJECT["urls"]["Repository"], "relation": "isCompiledBy", "resource_type": "software", "scheme": "url"} in zenodo["related_identifiers"]
    assert zenodo["publication_date"] == dataset.release_date()
    assert dataset.DESCRIPTION.split(".")[0] in zenodo["description"]


def test_the_repository_and_maintainers_are_written_in_one_place():
    facts = [PROJECT["urls"]["Repository"]] + [p[key] for p in PROJECT["authors"] + PROJECT["maintainers"] for key in ("name", "email") if p.get(key)]
    for path in sorted((REPO / "builders").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not [f for f in facts if f in text], f"{path.relative_to(REPO)} restates a fact of pyproject.toml"


NOT_MEASURED = MeasuredQuality({}, None)


def test_a_build_refreshes_stale_citation_files(tmp_path, monkeypatch):
    (tmp_path / CITATION).write_text("cff-version: 1.2.0\nversion: 0.0.0\n", encoding="utf-8")
    (tmp_path / ZENODO).write_text("{}\n", encoding="utf-8")
    update_docs(tmp_path, NOT_MEASURED)
    assert (tmp_path / CITATION).read_text(encoding="utf-8") == citation_cff()
    assert (tmp_path / ZENODO).read_text(encoding="utf-8") == zenodo_json()
    moved = dataset.Citation(dataset.citation().authors, dataset.citation().maintainers, "https://example.org/moved")
    monkeypatch.setattr("builders.publish.docs.citation", lambda: moved)
    update_docs(tmp_path, NOT_MEASURED)
    assert yaml.safe_load((tmp_path / CITATION).read_text(encoding="utf-8"))["repository-code"] == "https://example.org/moved"
    assert "https://example.org/moved" in (tmp_path / ZENODO).read_text(encoding="utf-8")


def test_the_release_date_is_the_changelog_heading_of_the_version():
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {dataset.dataset_version()} — {dataset.release_date()}\n" in changelog
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["created"] == f"{dataset.release_date()}T00:00:00Z"


REAL = dataset.Citation(({"given-names": "Ana", "family-names": "Petrović", "email": "ana@university.ac.rs"},),
                        ({"name": "Ana Petrović", "email": "ana@university.ac.rs"},), "https://github.com/someone/serbia-arms-pressure")


def test_placeholders_are_told_from_real_values():
    assert REAL.placeholders() == []
    for repository in ("https://placeholder.invalid/x", "https://example.org/x", "http://data.example/x", "https://host.test/x", None):
        assert dataset.Citation(REAL.authors, REAL.maintainers, repository).placeholders() == [f"repository {repository or '(none)'}"]
    stand_in = dataset.Citation(({"name": "Placeholder for the authors"},), ({"name": "M", "email": "m@users.noreply.x.example"},), REAL.repository)
    assert stand_in.placeholders() == ["author Placeholder for the authors", "maintainer M <m@users.noreply.x.example>"]
    assert dataset.Citation((), REAL.maintainers, REAL.repository).placeholders() == ["author (none named)"]


def test_the_committed_metadata_holds_placeholders_so_release_refuses(built_repo, tmp_path, monkeypatch):
    from builders.pipeline import release

    assert dataset.citation().placeholders()  # until the project is published (README: How to cite)
    paths, problems = release(built_repo)
    assert paths == [] and len(problems) == 1 and "\n" not in str(problems[0])
    assert str(problems[0]).startswith("pyproject.toml: citation: the release would cite placeholders (author ")
    assert "set [project] authors, maintainers and [project.urls] Repository" in str(problems[0])
    assert not (built_repo / "dist").exists()
    monkeypatch.setattr("builders.pipeline.citation", lambda: REAL)
    repo = tmp_path / "repo"
    import shutil

    shutil.copytree(built_repo, repo)
    paths, problems = release(repo)
    assert problems == [] and (repo / "dist").is_dir()


def test_the_citation_a_person_pastes():
    assert REAL.text("2026", "1.0.0") == (
        "Ana Petrović (2026). *US pressure on Serbia over Russian and Chinese arms purchases* (version 1.0.0) [Data set]. "
        "https://github.com/someone/serbia-arms-pressure")
