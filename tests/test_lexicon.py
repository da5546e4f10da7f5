"""The codebook's triggers come from the field's CAMEO dictionary (vendor/petrarch2, MIT): the derived
list is exactly what the converter makes of the dictionary and the codebook, every trigger says where
it came from, and the vendored files keep their licence notice."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO

from builders.inputs.reference import load_reference

VENDOR = REPO / "vendor" / "petrarch2"
sys.path.insert(0, str(VENDOR))
import cameo  # noqa: E402
import convert  # noqa: E402


def test_the_committed_cameo_triggers_are_what_the_converter_writes():
    committed = (REPO / "seeds" / "reference" / "cameo_triggers.yaml").read_text(encoding="utf-8")
    assert committed == convert.converted(), "seeds/reference/cameo_triggers.yaml is stale: run python vendor/petrarch2/convert.py"


def test_the_vendored_dictionaries_carry_their_licence_and_source():
    licence = (VENDOR / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("The MIT License (MIT)") and "Open Event Data" in licence
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    assert "676801cd9cb2924bbbad09f86d15c9323e7097bf" in readme and "openeventdata/petrarch2" in readme
    for name in ("CAMEO.2.0.txt", "Phoenix.agents.txt", "Phoenix.Countries.actors.txt"):
        assert "The MIT License" in (VENDOR / name).read_text(encoding="utf-8", errors="replace")[:5000], name
    assert "MIT License" in (REPO / "seeds" / "reference" / "cameo_triggers.yaml").read_text(encoding="utf-8")[:1500]


def test_every_trigger_says_where_it_came_from():
    reference, problems = load_reference(REPO)
    assert problems == []
    derived = own = 0
    for event_type in reference.event_types:
        for trigger in event_type.triggers:
            assert bool(trigger.origin) != bool(trigger.why), (event_type.id, trigger.lemma)
            if trigger.origin:
                derived += 1
                assert trigger.origin.startswith("CAMEO.2.0.txt:"), trigger.origin
            else:
                own += 1
    assert derived > 2 * own  # the dictionary gives most; the project's own list is the small part


def test_an_own_trigger_without_a_reason_is_refused(tmp_path):
    import shutil

    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    path = tmp_path / "seeds" / "reference" / "event_types.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("{lemma: urge,")
    line = text[start:text.index("\n", start)]
    path.write_text(text.replace(line, line[:line.index(", why:")] + "}"), encoding="utf-8")
    _, problems = load_reference(tmp_path)
    assert [p.message for p in problems if "urge" in p.message][0].startswith("own trigger 'urge' needs `why:`")


def test_derived_triggers_point_at_the_dictionary_lines_they_come_from():
    lines = cameo.DICTIONARY.read_text(encoding="utf-8", errors="replace").splitlines()
    derived = yaml.safe_load((REPO / "seeds" / "reference" / "cameo_triggers.yaml").read_text(encoding="utf-8"))
    for triggers in derived.values():
        for trigger in triggers:
            where, _, what = trigger["origin"].partition(" ")
            line = lines[int(where.split(":")[1]) - 1]
            verb = what.split("noun of '")[1].split("'")[0] if "noun of '" in what else trigger["lemma"]
            if line.lstrip().startswith("-"):  # a pattern: the line is the one the origin quotes
                assert what.split(" [")[0].split("- ", 1)[1].split() == line.split("[")[0].strip("- ").split(), trigger
            else:  # a verb of a synset: the line names it
                assert line.split()[0].replace("_", " ").lower() == verb, trigger
    impose = [t for t in derived["impose_sanctions"] if t["lemma"] == "impose"]
    assert impose and "sanctions" in impose[0]["object"] and "- * SANCTIONS [163] in IMPOSE" in impose[0]["origin"]


@pytest.mark.parametrize("text, expected", [
    ("---  ABC   [---]  ---\nABC {ABCS ABCED}\nDEF [130]\n- * SANCTIONS [163] # ABC\n- * (FOR SANCTIONS) [1312]\n- * (ON) [020]\n", None),
])
def test_the_dictionary_reader_on_a_block_written_here(tmp_path, text, expected):
    path = tmp_path / "d.txt"
    path.write_text("####### VERB PATTERNS #######\n" + text, encoding="utf-8")
    (block,) = cameo.read(path).blocks
    assert block.code == "---" and block.verbs == {"abc": "---", "def": "130"}
    first, second, third = block.patterns
    assert (first.code, first.after, first.found_with) == ("163", ("SANCTIONS",), ("abc",))
    assert (second.code, second.after, second.found_with) == ("1312", ("(FOR SANCTIONS)",), ())
    assert convert._pattern_object(second) == ("SANCTIONS", "for") and convert._pattern_object(third) == (None, "on")
    entry = {"patterns": ["1312"], "objects": ["sanction", "sanctions"], "roles": {"source": ["subject"], "target": ["prep:against"]}}
    made = convert.derive(entry, cameo.read(path), {})
    assert [(t["lemma"], t["particle"], t["object"]) for t in made] == [("abc", "for", ["sanction", "sanctions"]), ("def", "for", ["sanction", "sanctions"])]
    assert made[0]["origin"] == "CAMEO.2.0.txt:6 - * (FOR SANCTIONS) [1312] in ABC"  # line 1 is the section marker
