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
    found = discovered("The measure follows the Japanese Trade Ministry's Office of Export Licensing's ruling on Monday.")
    assert found["office-of-export-licensing"] == ("Office of Export Licensing", "government_body", "JPN")
    assert found["japanese-trade-ministry"][1:] == ("government_body", "JPN")
    assert not any("'s" in name for name, _, _ in found.values())
    # the owner may be curated: the Treasury's office is American (and part of the Treasury)
    found = entities("The measure follows the U.S. Treasury's Office of Foreign Assets Control's ruling on Monday.")
    (office,) = found.discovered_actors
    assert (office.name, office.country_iso3, office.role) == (
        "Office of Foreign Assets Control", "USA", "part of United States Department of the Treasury")


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
        "Serbia's Ministry of Finance and the Supreme Court of Serbia objected, the Vesti news agency reported. "
        "Analyst Milan Petrović said the plan had failed."
    ).discovered_actors}
    assert found["srb-ministry-of-finance"] == "government"  # "ministry of finance" (!MINIST! OF_FINANCE [~GOV])
    assert found["supreme-court-of-serbia"] == "judiciary"  # "supreme court" [~JUD]
    assert found["vesti"] == "media"  # no agent noun in the name: its kind (a news agency) says media
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


# --- issue 25: actors the discovery missed, and things that are no actors ----------------------------


def test_a_company_named_once_after_its_kind_noun_with_or_without_quotation_marks():
    """Class 1: a company or agency that the text names once, after the noun of its kind; the country is
    the one that owns or qualifies the kind noun."""
    found = discovered("The deal was signed by the state oil company Nafta Brava and by Hungary's Kelor on Monday.")
    assert found["nafta-brava"] == ("Nafta Brava", "company", None)
    assert found["kelor"] == ("Kelor", "company", "HUN")  # a name a state owns, in a trade: a company of that state
    assert discovered("Serbia bought the fuel from Poland's Petrona last year.") == {"petrona": ("Petrona", "company", "POL")}
    assert discovered("Russian troops were deployed to Russia's Kaliningrad last year.") == {
        "russia-armed-forces": ("Russian Armed Forces", "military_unit", "RUS")}  # no trade: a place
    assert discovered("Gas flows through the Austrian pipeline operator GTX, officials said.") == {
        "gtx": ("GTX", "company", "AUT")}
    found = discovered('In May a subsidiary of the Russian state arms company "Volga-Tech" called “Strela” tested a drone.')
    assert found == {"volga-tech": ("Volga-Tech", "company", "RUS"), "strela": ("Strela", "company", "RUS")}
    for quoted in ('"Rostekhimport"', "“Rostekhimport”", "Rostekhimport"):
        assert discovered(f"Russia's main arms exporter {quoted} signed the contract.") == {
            "rostekhimport": ("Rostekhimport", "company", "RUS")}
    # a quotation that goes on after the kind noun names nothing
    assert discovered('The company "Will not bow to pressure," its chief said.') == {}


def test_an_acronym_in_a_bracket_the_text_never_closes_is_the_names_acronym():
    """Class 2: "(NPA" with no closing bracket in its paragraph; an aside that opens with a known actor's
    name is no acronym."""
    found = entities("The Naval Procurement Agency (NPA said on Monday that talks failed. The NPA will try again.")
    (agency,) = found.discovered_actors
    assert agency.acronyms == {"NPA"}
    assert [m.surface for m in found.actor_mentions] == ["The Naval Procurement Agency", "NPA", "NPA"]
    found = entities("The Naval Procurement Agency (US officials say it is broke said on Monday that talks failed.")
    assert [a.acronyms for a in found.discovered_actors] == [set()]
    assert "united-states" in {m.actor_id for m in found.actor_mentions}


def test_a_sub_agency_is_part_of_its_department_and_the_department_is_an_actor():
    """Class 3: "the Commerce Department's Bureau of …" is the bureau, of the department's country, with
    the department in its role (`part of <department>`); the department is named too."""
    found = entities("The Commerce Department's Bureau of Industrial Compliance added the firm to its list.")
    (bureau,) = found.discovered_actors
    assert (bureau.name, bureau.actor_type.value, bureau.country_iso3, bureau.role) == (
        "Bureau of Industrial Compliance", "government_body", "USA", "part of United States Department of Commerce")
    assert {m.actor_id for m in found.actor_mentions} == {"us-department-of-commerce", bureau.actor_id}
    # a unit named by lower-case words inside a known body: a body of its own, of the body's kind
    found = entities("He told the foreign relations committee of the US Senate that the sale was a concern.")
    (committee,) = found.discovered_actors
    assert (committee.name, committee.actor_type.value, committee.country_iso3, committee.role) == (
        "Foreign Relations Committee of the US Senate", "legislature", "USA", "part of United States Senate")


@pytest.mark.parametrize("text, actor", [
    ("The Pentagon said the jets would not be delivered.", "us-department-of-defense"),
    ("A Defense Department official declined to comment.", "us-department-of-defense"),
    ("The Biden administration agreed to the sale.", "joe-biden"),
    ("The Trump administration agreed to the sale.", "donald-trump"),
    ("The Treasury Department said it had sanctioned the firm.", "us-treasury-department"),
    ("A US State department spokeswoman said the talks failed.", "us-state-department"),
    ("Several US senators urged a waiver for the deal.", "us-senate"),
])
def test_us_bodies_by_the_names_the_press_gives_them(text, actor):
    """Class 4: the curated US bodies' common names (the development gold's convention: an administration
    is its president), and a body's name with its head word in lower case."""
    assert actor in {m.actor_id for m in entities(text).actor_mentions}


def test_a_bodys_bare_head_noun_is_the_body_of_the_country_last_named():
    """Class 4: "the Treasury", "the House", "congress" stand for the curated "<country> <Noun>" body that
    the article named before, else the one of the country of the actor it named last; another country's
    body, or a longer name, is not the US body."""
    found = mentions("The Pentagon objected. The House passed the bill and congress was informed. "
                     "The Treasury Department acted later, and the Treasury said more would follow.")
    assert [(s, a) for s, a, _ in found] == [
        ("The Pentagon", "us-department-of-defense"), ("The House", "us-house-of-representatives"),
        ("congress", "us-congress"), ("Treasury Department", "us-treasury-department"),
        ("the Treasury", "us-treasury-department")]
    found = mentions("India's opposition Congress objected, and a Congress leader spoke to the House of Lords. "
                     "The British Treasury said nothing.")
    assert not any(actor.startswith("us-") for _, actor, _ in found)


def test_another_states_department_is_not_the_us_one():
    """A curated US body's form without a country, with another state named right before or after it."""
    found = entities("The Chinese Defense Department and Russia's Treasury Department objected.")
    assert {m.actor_id for m in found.actor_mentions} == {"chinese-defense-department", "russia", "rus-treasury-department"}
    found = entities("The Defense Department of the Philippines objected, the Pentagon said.")
    assert [(m.actor_id, m.mention_kind.value) for m in found.actor_mentions] == [
        ("defense-department-of-the-philippines", "name"), ("us-department-of-defense", "alias")]


@pytest.mark.parametrize("text, name, role, country", [
    ("The US ambassador in Lima, Ann Reyes, said the deal was risky.", "ann-reyes", "US ambassador in Lima", "USA"),
    ("A Serbian Foreign Ministry spokeswoman, Ana Petrova, said the talks would go on.", "ana-petrova",
     "Serbian Foreign Ministry spokeswoman", "SRB"),
    ("Staff including the head of Hungary’s radar and space department Lena Koval were listed.", "lena-koval",
     "head of Hungary’s radar and space department", None),
    ("Last year U.S. Ambassador to Peru Ann Reyes said the talks failed.", "ann-reyes", "U.S. Ambassador to Peru", "USA"),
    ("Deputy Minister of Energy and Mining Ivo Marek said the ministry would respond.", "ivo-marek",
     "Deputy Minister of Energy and Mining", None),
])
def test_a_person_after_a_role_phrase_or_in_apposition_to_it(text, name, role, country):
    """Class 5: the role before a name (a prepositional phrase may follow the title word), or set off
    by commas; the country is a state named before the title word ("ambassador to Peru" is no Peruvian)."""
    found = {a.actor_id: a for a in entities(text).discovered_actors}
    assert (found[name].role, found[name].country_iso3 or None) == (role, country)
    assert not any("mining" in actor_id and actor_id != name for actor_id in found)  # no "Mining Ivo Marek"


def test_a_person_whose_role_names_an_organisation_of_a_country_is_of_that_country():
    text = ("Washington is targeting Turkey’s procurement body: the Presidency of Naval Industries (PNI). Sanctions "
            "hit the PNI’s president: Ivo Marek. Staff including PNI vice-president Lena Koval were listed.")
    found = {a.actor_id: (a.role, a.country_iso3) for a in entities(text).discovered_actors}
    assert found["presidency-of-naval-industries"] == (None, "TUR")
    assert found["ivo-marek"] == ("PNI’s president", "TUR")
    assert found["lena-koval"] == ("PNI vice-president", "TUR")


@pytest.mark.parametrize("text, name", [
    ("The minister told Radio Zeta that the deal was done.", "radio-zeta"),
    ("The minister said in a statement for Kanal Sedam that the deal was done.", "kanal-sedam"),
    ("The envoy said in an interview with Kanal Sedam that the deal was done.", "kanal-sedam"),
    ("The report was carried by the Zeta news service on Friday.", "zeta"),
    ("The envoy told the Baltic Courier Journal that the sanctions would stay.", "baltic-courier-journal"),
    ("Lima Star News quoted the minister as saying that the jets cost too much.", "lima-star-news"),
    ("The Baltic Journal, citing lawmakers, published an article on the deal.", "baltic-journal"),
])
def test_an_outlet_that_receives_or_publishes_words_is_a_media_outlet(text, name):
    """Class 6: told, interviewed, a statement for, published, or named like an outlet ("… News")."""
    found = {a.actor_id: a.actor_type.value for a in entities(text).discovered_actors}
    assert found.get(name) == "media_outlet"
