"""Actors the reference lacks, found from the parse with evidence, and descriptions resolved to
actors — each rule tested on a sentence written for this test (not copied from any article)."""

from __future__ import annotations

import pytest
from conftest import REPO

from builders.extract.entities import Matcher, find_entities
from builders.extract.nlp import Parser
from builders.inputs.reference import load_reference
from builders.schema.models import Article

MATCHER = Matcher(load_reference(REPO)[0])
PARSER = Parser()


def entities(text: str):
    article = Article(article_id="t", text=text, word_count=1, source_sha256="0" * 64, licence_basis="quotation")
    return find_entities(article, MATCHER, PARSER(text))


def discovered(text: str) -> dict[str, tuple]:
    return {a.actor_id: (a.name, a.actor_type.value, a.country_iso3) for a in entities(text).discovered_actors}


def mentions(text: str) -> list[tuple[str, str, str]]:
    return [(m.surface, m.actor_id, m.mention_kind.value) for m in entities(text).actor_mentions]


def test_a_possessive_splits_two_organisations_and_names_carry_none():
    found = discovered("The measure follows the U.S. Treasury's Office of Foreign Assets Control's ruling on Monday.")
    assert found["office-of-foreign-assets-control"] == ("Office of Foreign Assets Control", "government_body", "USA")
    assert found["u-s-treasury"][1:] == ("government_body", "USA")
    assert not any("'s" in name for name, _, _ in found.values())


def test_a_kind_noun_after_the_name_gives_its_kind():
    found = discovered("According to the Vesti news agency, the talks failed.")
    assert found == {"vesti": ("Vesti", "media_outlet", None)}


def test_a_name_coordinated_with_a_company_is_a_company():
    text = "The measures hit Russian oil giant Lukoil, Rosneft and their subsidiaries."
    found = discovered(text)
    assert found["lukoil"][1] == "company" and found["rosneft"][1] == "company"


def test_the_armed_forces_of_a_named_country():
    assert discovered("Drones were sold to the Chinese military last year.") == {
        "china-armed-forces": ("Chinese Armed Forces", "military_unit", "CHN")}
    assert discovered("The Chinese military equipment was old.") == {}  # an adjective, not the forces


def test_every_noun_for_a_countrys_armed_forces_is_one_actor_of_that_country():
    text = ("The Hungarian army held drills in May. Hungary's armed forces had asked for new radars, and the Hungarian "
            "military said the radars arrived in June. The Hungarian Armed Forces will test them with the army of Hungary "
            "and Hungarian troops.")
    found = entities(text)
    assert [(a.actor_id, a.name, a.actor_type.value, a.country_iso3, a.sector.value) for a in found.discovered_actors] == [
        ("hungary-armed-forces", "Hungarian Armed Forces", "military_unit", "HUN", "military")]
    assert {m.surface: m.actor_id for m in found.actor_mentions} == {
        "The Hungarian army": "hungary-armed-forces", "Hungary's armed forces": "hungary-armed-forces",
        "the Hungarian military": "hungary-armed-forces", "The Hungarian Armed Forces": "hungary-armed-forces",
        "the army of Hungary": "hungary-armed-forces", "Hungarian troops": "hungary-armed-forces"}


def test_a_countrys_armed_forces_resolve_to_the_curated_actor_when_the_reference_has_one():
    # seeds/reference/actors.yaml has serbia-armed-forces (SRB, sector military, named "Serbian Armed Forces")
    text = "The Serbian army bought drones, Serbia's military confirmed, and the army of Serbia will fly them."
    found = entities(text)
    assert found.discovered_actors == []
    assert [(m.surface, m.actor_id) for m in found.actor_mentions] == [
        ("Serbian army", "serbia-armed-forces"), ("Serbia's military", "serbia-armed-forces"),
        ("army of Serbia", "serbia-armed-forces")]


def test_a_countrys_government_is_the_state_and_a_branch_of_its_forces_an_actor():
    """As event coders and the development gold read them, "the Hungarian government" is Hungary
    acting (GDELT's HUNGOV is Hungary's code plus a role); an air force is a body of its own."""
    text = ("The Hungarian government denied the report. Hungary's government later said the Hungarian Air Force "
            "would keep its jets, and Hungary's Air Force agreed.")
    found = {a.actor_id: (a.name, a.actor_type.value, a.country_iso3, a.sector.value) for a in entities(text).discovered_actors}
    assert found == {"hungary-air-force": ("Hungarian Air Force", "military_unit", "HUN", "military")}
    assert discovered("The government denied the report.") == {}  # no country: nobody in particular


def test_a_discovered_actors_sector_is_that_of_the_head_noun_of_its_name():
    found = {a.actor_id: a.sector and a.sector.value for a in entities(
        "Serbia's Ministry of Finance and the Supreme Court of Serbia objected, the Tanjug news agency reported. "
        "Analyst Milan Petrović said the plan had failed."
    ).discovered_actors}
    assert found["srb-ministry-of-finance"] == "government"  # "ministry of finance" (!MINIST! OF_FINANCE [~GOV])
    assert found["supreme-court-of-serbia"] == "judiciary"  # "supreme court" [~JUD]
    assert found["tanjug"] == "media"  # no agent noun in the name: its kind (a news agency) says media
    assert found["milan-petrovic"] is None  # people have none


def test_a_wider_organisation_holding_a_known_name_wins_over_it():
    found = mentions("On Monday the White House Budget Office issued new guidance.")
    assert ("the White House Budget Office", "white-house-budget-office", "name") in found
    assert not any(actor == "white-house" for _, actor, _ in found)


def test_a_generic_body_needs_a_country_and_is_named_with_it():
    assert discovered("Officials met at the Finance Ministry and the Trade Ministry on Monday.") == {}
    found = discovered("Serbia's Ministry of Trade said exports grew.")
    assert found == {"srb-ministry-of-trade": ("Serbian Ministry of Trade", "government_body", "SRB")}


def test_a_title_of_the_form_x_of_y_is_not_part_of_the_name():
    found = discovered("U.S. Secretary of Commerce Gina Raimondo said the rules would change.")
    assert "gina-raimondo" in found and not any(key.startswith("commerce") for key in found)


def test_a_place_named_after_a_person_is_no_person():
    assert discovered("The jets landed at Nikola Tesla Airport, officials said on Friday.") == {}


def test_an_acronym_in_brackets_is_an_alias_used_later():
    text = "The Defence Procurement Directorate (DPD) signed the contract. The DPD said deliveries start in May."
    found = entities(text)
    (actor,) = found.discovered_actors
    assert actor.acronyms == {"DPD"}
    assert [(m.surface, m.mention_kind.value) for m in found.actor_mentions if m.actor_id == actor.actor_id] == [
        ("The Defence Procurement Directorate", "name"), ("DPD", "alias"), ("DPD", "alias")]


def test_a_person_acting_in_the_sentence_is_found_without_a_title():
    found = discovered("Angela Merkel had offered her successor advice on the gas deal.")
    assert found.get("angela-merkel", (None, None))[1] == "person"


def test_an_outlet_that_reports_or_is_told_is_a_media_outlet():
    found = discovered("Kathimerini is reporting that the deal collapsed. A Greek official told Kathimerini that talks would resume.")
    assert found == {"kathimerini": ("Kathimerini", "media_outlet", None)}


def test_a_role_stands_for_the_one_person_named_in_it():
    text = ("EU foreign affairs spokesperson Peter Stano said Serbia must align its policy. "
            "The EU chief spokesperson repeated the call on Tuesday.")
    assert ("The EU chief spokesperson", "peter-stano", "title") in mentions(text)
    unnamed = "A NATO spokesperson said the drills would continue. The spokesperson declined to say more."
    assert not any(kind == "title" for _, _, kind in mentions(unnamed))  # nobody is named in that role


@pytest.mark.parametrize("description", ["the country", "the Balkan country", "the nation"])
def test_the_country_is_the_country_in_focus(description):
    text = f"Serbia bought the drones. Serbia says it is neutral. Russia sold them, and {description} will get more."
    assert (description, "serbia", "anaphor") in mentions(text)


def test_the_country_before_any_country_is_named_refers_to_nothing():
    assert not any(kind == "anaphor" for _, _, kind in mentions("The country was quiet. Later Serbia bought drones."))


def test_a_curated_acronym_in_brackets_links_the_full_name_to_its_actor():
    text = "The North Atlantic Defence Organisation (NATO) said the drills would go on. The North Atlantic Defence Organisation met."
    found = entities(text)
    assert found.discovered_actors == []  # no new actor: the full name is another name of NATO
    assert [(m.surface, m.actor_id) for m in found.actor_mentions] == [
        ("North Atlantic Defence Organisation", "nato"), ("NATO", "nato"), ("North Atlantic Defence Organisation", "nato")]


def test_a_discovered_actor_has_the_names_it_has_in_every_article():
    """One actor per country and body across articles too: its aliases are the names of every article
    that names it (the first article by id gives its name and kind)."""
    from builders.assemble import arrow_table, entity_tables
    from builders.schema.columns import column_values
    from builders.schema.models import ActorMention, Event, WeaponSystemMention

    first, second = entities("The Hungarian army held drills."), entities("Hungary's armed forces bought radars.")
    mentions = first.actor_mentions + second.actor_mentions
    tables = {ActorMention.resource_name: arrow_table(ActorMention, column_values(ActorMention, mentions)),
              Event.resource_name: arrow_table(Event, column_values(Event, [])),
              WeaponSystemMention.resource_name: arrow_table(WeaponSystemMention, column_values(WeaponSystemMention, []))}
    discoveries = {"a": (first.discovered_actors, []), "b": (second.discovered_actors, [])}
    actors = entity_tables(tables, discoveries, MATCHER.reference)["actors"].to_pylist()
    assert [(a["actor_id"], a["name"], a["aliases"], a["sector"]) for a in actors] == [
        ("hungary-armed-forces", "Hungarian Armed Forces", ["Hungarian army", "Hungary's armed forces"], "military")]


def test_a_region_or_an_office_glued_before_a_name_is_no_part_of_it():
    """Issue 24's classes, on sentences written for them: a region ("for Middle East") or the words
    of an office ("Bureau of Near Eastern Affairs") run into the capitalised name after them."""
    found = discovered("The US envoy for Middle East Daniel Brook said the talks would go on.")
    assert "daniel-brook" in found and not any("middle" in actor_id for actor_id in found)
    found = discovered("The head of the Bureau of Near Eastern Affairs Laura Stone said so on Monday.")
    assert found["laura-stone"][:2] == ("Laura Stone", "person")
    assert found["bureau-of-near-eastern-affairs"][:2] == ("Bureau of Near Eastern Affairs", "government_body")
    found = discovered("Cairo knows the risks, US Assistant Secretary for Regional Security Affairs Tom K Baird said on Monday.")
    assert found.get("tom-k-baird") == ("Tom K Baird", "person", "USA")  # the country of the title before him


def test_a_name_said_without_a_title_has_no_country():
    assert discovered("Cairo knows the risks, Milan Petrovic said.") == {"milan-petrovic": ("Milan Petrovic", "person", None)}


def test_a_presidency_is_a_body():
    found = discovered("Washington is targeting Ruritania's procurement body, the Presidency of Naval Industries (PNI).")
    assert found["presidency-of-naval-industries"][:2] == ("Presidency of Naval Industries", "government_body")
