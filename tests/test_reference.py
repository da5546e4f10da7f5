"""Reference files are untrusted input: every bad entry is reported with file, line and field."""

from __future__ import annotations

import shutil

from conftest import REPO, run_cli, snapshot

from builders.inputs.reference import load_reference


def _repo_with_actors(tmp_path, actors_yaml: str):
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "seeds" / "reference" / "actors.yaml").write_text(actors_yaml, encoding="utf-8")
    return tmp_path


def _messages(root) -> list[str]:
    return [str(p) for p in load_reference(root)[1]]


def test_bad_entries_are_reported_with_line_and_field(tmp_path):
    root = _repo_with_actors(tmp_path, (
        "- id: ok-actor\n  name: Fine\n  type: person\n"
        "- id: Bad Id\n  name: X\n  type: person\n"
        "- id: y\n  name: Y\n  type: wizard\n  country: usa\n"
        "- id: z\n  name: Z\n  type: state\n  colour: red\n"
        "- id: w\n  type: state\n"
    ))
    assert _messages(root) == [
        "seeds/reference/actors.yaml:4: id: String should match pattern '^[a-z0-9][a-z0-9_-]{0,63}$' (entry 'Bad Id')",
        "seeds/reference/actors.yaml:9: type: Input should be 'person', 'state', 'government_body', 'intergovernmental_organisation', 'military_unit', 'media_outlet', 'company', 'ngo_think_tank', 'political_party', 'legislature', 'academic_institution' or 'other' (entry 'y')",
        "seeds/reference/actors.yaml:10: country: String should match pattern '^[A-Z]{3}$' (entry 'y')",
        "seeds/reference/actors.yaml:14: colour: unknown key 'colour' — remove it or check its spelling (entry 'z')",
        "seeds/reference/actors.yaml:15: name: required key is missing — add it (entry 'w')",
    ]


def test_duplicate_ids_and_alias_clashes(tmp_path):
    root = _repo_with_actors(tmp_path, (
        "- id: a\n  name: Alpha\n  type: state\n  aliases: [AL]\n"
        "- id: a\n  name: Alpha Two\n  type: state\n"
        "- id: b\n  name: Beta\n  type: state\n  aliases: [AL]\n"
    ))
    assert _messages(root) == [
        "seeds/reference/actors.yaml: id: duplicate id 'a' — each entry needs its own id",
        "seeds/reference/actors.yaml: aliases: 'AL' names both 'a' and 'b' — keep it on one entry only",
    ]


def test_bad_yaml_and_unsafe_tags(tmp_path):
    root = _repo_with_actors(tmp_path, "- id: a\n  name: [unclosed\n")
    assert _messages(root)[0].startswith("seeds/reference/actors.yaml:2: bad YAML: a '[' is not closed")
    root2 = _repo_with_actors(tmp_path / "two", "- !!python/object/apply:os.system ['echo pwned']\n")
    messages = _messages(root2)
    assert len(messages) == 1 and messages[0].startswith("seeds/reference/actors.yaml:1: bad YAML:")


def test_a_bad_reference_fails_the_build_and_keeps_the_package(fresh_repo):
    before = snapshot(fresh_repo)
    path = fresh_repo / "seeds" / "reference" / "weapon_systems.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- id: s-400\n  designation: Again\n", encoding="utf-8")
    result = run_cli(fresh_repo, "build")
    assert result.returncode == 1
    assert "seeds/reference/weapon_systems.yaml: id: duplicate id 's-400' — each entry needs its own id" in result.stderr
    assert snapshot(fresh_repo) == before


def _repo_with_sectors(tmp_path, sectors_yaml: str):
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    (tmp_path / "seeds" / "reference" / "sectors.yaml").write_text(sectors_yaml, encoding="utf-8")
    return tmp_path


def test_a_bad_sectors_file_is_reported_with_line_and_field(tmp_path):
    root = _repo_with_sectors(tmp_path, (
        '# a hand-edited copy\n'
        '"army": {sector: military, line: 1639, origin: "ARMY [~MIL]"}\n'
        '"navy": {sector: sailors, line: 1846, origin: "NAVY [~MIL]"}\n'
        '"Police": {sector: police, line: 256, origin: "POLICE {} [~COP]"}\n'
        '"court": {sector: judiciary, line: 0, origin: "COURT [~JUD]", note: x}\n'
    ))
    messages = _messages(root)
    assert messages[0].startswith("seeds/reference/sectors.yaml:3: sector: Input should be 'government', 'military'")
    assert messages[0].endswith("(noun 'navy')")
    assert messages[1] == "seeds/reference/sectors.yaml:4: 'Police' is no agent noun (lower case, words separated by one space)"
    assert set(messages[2:]) == {
        "seeds/reference/sectors.yaml:5: line: Input should be greater than or equal to 1 (noun 'court')",
        "seeds/reference/sectors.yaml:5: note: unknown key 'note' — remove it or check its spelling (noun 'court')"}
    assert load_reference(root)[0].sectors == {"army": "military"}


def test_a_sectors_file_that_is_no_mapping_or_bad_yaml_says_how_to_write_it_again(tmp_path):
    assert _messages(_repo_with_sectors(tmp_path, "- army\n")) == [
        "seeds/reference/sectors.yaml:1: must be a YAML mapping of agent nouns to {sector, line, origin} — write it again "
        "with `python vendor/petrarch2/sectors.py`"]
    bad = _messages(_repo_with_sectors(tmp_path / "two", '"army": {sector: military\n'))
    assert len(bad) == 1 and bad[0].startswith("seeds/reference/sectors.yaml:1: bad YAML:")  # worded as for every file
