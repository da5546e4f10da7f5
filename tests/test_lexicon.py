"""Word lists derived from the field's dictionaries (vendor/petrarch2, MIT): the committed files are
what the converters write, every trigger says where it came from, the vendored files keep their
licence notice, and the project's own lists agree with them.

Sections: sectors (seeds/reference/sectors.yaml from Phoenix.agents.txt, and the country bodies of
builders/extract/lexicon.yaml that read it); event triggers (seeds/reference/cameo_triggers.yaml
from CAMEO.2.0.txt). Keep each section's tests in functions named after it.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache

import pytest
import yaml
from conftest import REPO

from builders.extract.lexicon import COUNTRY_BODIES, KIND_SECTORS
from builders.inputs.reference import SECTORS_FILE, load_reference
from builders.schema.models import Sector


@cache
def _sectors_converter():
    """vendor/petrarch2/sectors.py, imported from its path (vendor/ is no package)."""
    spec = importlib.util.spec_from_file_location("petrarch2_sectors", REPO / "vendor" / "petrarch2" / "sectors.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (its dataclasses look their module up)
    spec.loader.exec_module(module)
    return module


# --- sectors -------------------------------------------------------------------------------------------


def test_sectors_yaml_is_exactly_what_the_converter_writes():
    """Regenerate with `python vendor/petrarch2/sectors.py` when this fails."""
    assert (REPO / SECTORS_FILE).read_text(encoding="utf-8") == _sectors_converter().sectors_yaml()


def test_sectors_yaml_says_it_is_generated_from_what_under_which_licence():
    text = (REPO / SECTORS_FILE).read_text(encoding="utf-8")
    header = text[: text.index("\n\"")]
    assert header.startswith("# GENERATED FILE")
    for words in ("vendor/petrarch2/sectors.py", "Phoenix.agents.txt", "676801cd9cb2924bbbad09f86d15c9323e7097bf",
                  "The MIT License (MIT)", "Copyright (c) 2014 Open Event Data", "Ministries and embassies are government"):
        assert words in header


def test_sectors_converter_reads_records_sets_stems_and_plurals():
    convert = _sectors_converter()
    dictionary = "\n".join([
        "# a comment line",
        "!PERSON! = MAN, WOMAN",
        "!MINIST! = MINISTER, MINISTRY",
        "ARMY [~MIL]",
        "ARMED_FORCES [~MIL]",
        "ARMED_FORCE  [~UAF]   # its plural would be ARMED_FORCES: the written record wins",
        "CONGRESS!PERSON! [~LEG]",
        "DEFENCE_MINIST [~GOVMIL]",
        "POLICE {} [~COP]",
        "CHAMBER_OF_COMMERCE {CHAMBERS_OF_COMMERCE} [~BUS]",
        "PRESS [~MED]",
        "MUKHABARAT_ [~SPY]",
        "GEN. [~MIL]",
        "F-16 [~MIL]",
        "PEASANT [~AGR]",
        "RED_CROSS [NGO~]",
        "ISLAMIC_EXTREMIST",
        "TYPO_RECORD [~ENV}",
    ])
    table = {noun: sector for noun, (sector, _) in convert.sectors(dictionary).items()}
    assert table == {
        "army": "military", "armies": "military", "armed forces": "military",
        "congressman": "legislature", "congresswoman": "legislature",
        "defence minister": "government", "defence ministry": "government",  # DEFENCE_MINIST: the stem of !MINIST!
        "police": "police",  # {}: no plural
        "chamber of commerce": "business", "chambers of commerce": "business",
        "press": "media", "presses": "media",
        "mukhabarat": "intelligence",  # a stopped word (`_`): no plural
        "gen.": "military", "f-16": "military",  # a rank and a designation: no plural
    }  # AGR, UAF and ENV are no sectors of the project; NGO~ is a kind of organisation, not a sector
    army = convert.sectors(dictionary)["armies"][1]
    assert (army.line, army.origin, army.written) == (4, "ARMY [~MIL]", False)


def test_sectors_yaml_maps_the_nouns_the_rules_read():
    sectors = load_reference(REPO)[0].sectors
    assert len(sectors) > 3000
    assert set(sectors.values()) == set(Sector)  # every sector of the enum has nouns
    expected = {"army": "military", "military": "military", "armed forces": "military", "troops": "military",
                "air force": "military", "government": "government", "ministry": "government", "embassy": "government",
                "ministry of defence": "government", "parliament": "legislature", "supreme court": "judiciary",
                "police": "police", "intelligence service": "intelligence", "company": "business", "news agency": "media"}
    assert {noun: sectors[noun].value for noun in expected} == expected


def test_sectors_every_country_body_noun_has_the_bodys_one_sector():
    sectors = load_reference(REPO)[0].sectors
    for body in COUNTRY_BODIES:
        assert all(noun in sectors for noun in body.nouns), body
        assert len({sectors[noun] for noun in body.nouns}) == 1, body
    by_id = {body.id: {sectors[noun] for noun in body.nouns} for body in COUNTRY_BODIES}
    assert by_id["armed-forces"] == {Sector.military} and "government" not in by_id  # a government is its state


def test_sectors_of_kinds_are_sectors_of_the_enum():
    assert set(KIND_SECTORS.values()) <= set(Sector)
    lexicon = yaml.safe_load((REPO / "builders" / "extract" / "lexicon.yaml").read_text(encoding="utf-8"))
    assert "person" not in lexicon["kind_sectors"] and "state" not in lexicon["kind_sectors"]


# --- event triggers ---------------------------------------------------------------------------

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
