"""Word lists derived from the field's dictionaries (vendor/petrarch2): the committed files are what
the converters write, and the project's own lists agree with them.

Sections: sectors (seeds/reference/sectors.yaml from Phoenix.agents.txt, and the country bodies of
builders/extract/lexicon.yaml that read it). Keep each section's tests in functions named after it.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache

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
    assert by_id["armed-forces"] == {Sector.military} and by_id["government"] == {Sector.government}


def test_sectors_of_kinds_are_sectors_of_the_enum():
    assert set(KIND_SECTORS.values()) <= set(Sector)
    lexicon = yaml.safe_load((REPO / "builders" / "extract" / "lexicon.yaml").read_text(encoding="utf-8"))
    assert "person" not in lexicon["kind_sectors"] and "state" not in lexicon["kind_sectors"]
