"""Every word list the extraction rules read, loaded once from `lexicon.yaml` beside this file.

Rules import the lists from here and never keep a copy of their own; `fold` is how words are
compared (case and diacritics ignored).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..schema.folding import fold
from ..schema.models import ActorType, Sector

_DATA = yaml.safe_load((Path(__file__).with_name("lexicon.yaml")).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CountryBody:
    """A body of a state named by an agent noun after the country ("the Serbian army"): one actor per
    country, with id "<state id>-<id>" and name "<demonym> <name>"."""

    id: str  # "armed-forces"
    name: str  # "Armed Forces"
    actor_type: ActorType
    nouns: tuple[str, ...]  # lower case, as in seeds/reference/sectors.yaml


def alternation(patterns: list[str]) -> str:
    """A regular-expression alternation of the listed fragments, in their order."""
    return "|".join(patterns)


# calendar
MONTH_NUMBERS: dict[str, int] = {name: number for number, names in enumerate(_DATA["months"], start=1) for name in names}
MONTH_NAMES: frozenset[str] = frozenset(names[0] for names in _DATA["months"])
WEEKDAYS: list[str] = _DATA["weekdays"]
QUARTER_ORDINALS: list[str] = _DATA["quarter_ordinals"]

# verbs of saying
SPEECH_VERBS: dict[str, str] = _DATA["speech_verbs"]
SPEECH_PHRASES: dict[str, str] = _DATA["speech_phrases"]
SPEECH_LEMMAS: frozenset[str] = frozenset(SPEECH_VERBS.values()) | {"quote", "report", "tell", "say"}
STOPPING_VERBS: frozenset[str] = frozenset(_DATA["stopping_verbs"])
ADDRESSEE_LEMMAS: frozenset[str] = frozenset(_DATA["addressee_lemmas"])
SPEECH_FORMS: list[str] = sorted(SPEECH_VERBS, key=len, reverse=True)  # longest first, for alternations
SPEAKER_FOLLOWS_FORMS: list[str] = [f for f in SPEECH_FORMS if SPEECH_VERBS[f] not in ADDRESSEE_LEMMAS]  # "said X": X speaks
OUTLET_CUE_LEMMAS: frozenset[str] = frozenset(_DATA["outlet_cue_lemmas"])
OUTLET_FORMS: list[str] = [f for f in SPEECH_FORMS if SPEECH_VERBS[f] in OUTLET_CUE_LEMMAS]

# people and organisations
FUNCTION_WORDS: frozenset[str] = frozenset(_DATA["function_words"])
PERSON_TITLES: frozenset[str] = frozenset(_DATA["person_titles"])
PLACE_WORDS: frozenset[str] = frozenset(_DATA["place_words"])
COUNTRY_BODIES: list[CountryBody] = [
    CountryBody(b["id"], b["name"], ActorType(b["type"]), tuple(b["nouns"])) for b in _DATA["country_bodies"]
]
KIND_SECTORS: dict[ActorType, Sector] = {ActorType(kind): Sector(sector) for kind, sector in _DATA["kind_sectors"].items()}
PLACE_NAME_HEADS: frozenset[str] = frozenset(_DATA["place_name_heads"])
PLACE_NOUNS: frozenset[str] = frozenset(_DATA["place_nouns"])
ORGANISATION_NOUNS: dict[str, ActorType] = {w: ActorType(t) for w, t in _DATA["organisation_nouns"].items()}
ORGANISATION_NOUN_PHRASES: dict[str, ActorType] = {w: ActorType(t) for w, t in _DATA["organisation_noun_phrases"].items()}
ORGANISATION_HEADS: dict[str, ActorType] = {w: ActorType(t) for w, t in _DATA["organisation_heads"].items()}
GENERIC_ORGANISATION_WORDS: frozenset[str] = frozenset(_DATA["generic_organisation_words"])
LOCATIVE_WORDS: list[str] = _DATA["locative_words"]
MOVEMENT_WORDS: list[str] = _DATA["movement_words"]
PRONOUNS: dict[str, str | None] = _DATA["pronouns"]
NOMINAL_SPEAKER_HEADS: str = _DATA["nominal_speaker_heads"]
ABBREVIATIONS: frozenset[str] = frozenset(_DATA["abbreviations"])

# weapons
WEAPON_NOUNS: list[str] = _DATA["weapon_nouns"]
DESIGNATION_PREFIXES: list[str] = _DATA["designation_prefixes"]

# modality and reference (event rules)
MODAL_VERBS: frozenset[str] = frozenset(_DATA["modal_verbs"])
FUTURE_AUXILIARIES: frozenset[str] = frozenset(_DATA["future_auxiliaries"])
CONDITION_WORDS: frozenset[str] = frozenset(_DATA["condition_words"])
INTENTION_VERBS: frozenset[str] = frozenset(_DATA["intention_verbs"])
SCHEDULED_WORDS: frozenset[str] = frozenset(_DATA["scheduled_words"])
REQUEST_VERBS: frozenset[str] = frozenset(_DATA["request_verbs"])
REPORT_WORDS: frozenset[str] = frozenset(_DATA["report_words"])
FIRST_PERSON: frozenset[str] = frozenset(_DATA["first_person"])
PERSON_PRONOUNS: frozenset[str] = frozenset(_DATA["person_pronouns"])
PLURAL_ANAPHORS: frozenset[str] = frozenset(_DATA["plural_anaphors"])  # "the nations": the states last named
ACTOR_DESCRIPTIONS: frozenset[str] = frozenset(_DATA["actor_descriptions"])  # "X, the Philippines' ally": X
RELATIONAL_NOUNS: frozenset[str] = frozenset(_DATA["relational_nouns"])  # "U.S. allies" are not the U.S.
THING_PRONOUNS: frozenset[str] = frozenset(_DATA["thing_pronouns"])
RELATIVE_PRONOUNS: frozenset[str] = frozenset(_DATA["relative_pronouns"])
GENERIC_HOLDERS: frozenset[str] = frozenset(_DATA["generic_holders"])

# languages: a folded word -> the standards it marks ("hr bs": ijekavian forms, ...)
SOUTH_SLAVIC_MARKERS: dict[str, tuple[str, ...]] = {
    fold(word): tuple(codes.split()) for codes, words in _DATA["south_slavic_markers"].items() for word in words
}

# article metadata (ingest)
NEWS_AGENCIES: frozenset[str] = frozenset(_DATA["news_agencies"])
OUTLET_HEAD_WORDS: frozenset[str] = frozenset(_DATA["outlet_head_words"])
BYLINE_GENERIC_WORDS: frozenset[str] = frozenset(_DATA["byline_generic_words"])
NAME_PARTICLES: frozenset[str] = frozenset(_DATA["name_particles"])
REPRINT_TITLE_MARKERS: list[str] = _DATA["reprint_title_markers"]
END_OF_TEXT_MARKERS: list[str] = _DATA["end_of_text_markers"]

# article metadata (issue 25): agencies, wire credits, repost credits
AGENCY_FULL_NAMES: dict[str, str] = dict(_DATA["agency_full_names"])
WIRE_CREDIT_AUTHOR_ROLES: list[str] = _DATA["wire_credit_author_roles"]
WIRE_CREDIT_OTHER_ROLES: list[str] = _DATA["wire_credit_other_roles"]
REPOST_CREDIT_LABELS: list[str] = _DATA["repost_credit_labels"]
REPOST_VIA_WORDS: list[str] = _DATA["repost_via_words"]
AGENCY_DESCRIPTION_WORDS: frozenset[str] = frozenset(_DATA["agency_description_words"])
# speakers and quotes (issue 25)
QUOTE_CUES: dict[str, str] = _DATA["quote_cues"]  # read by the quotation rules only
TITLE_SMALL_WORDS: frozenset[str] = frozenset(_DATA["title_small_words"])
STATEMENT_NOUNS: frozenset[str] = frozenset(_DATA["statement_nouns"])
ISSUING_VERBS: list[str] = _DATA["issuing_verbs"]
ADVERBIAL_OPENERS: frozenset[str] = frozenset(_DATA["adverbial_openers"])
SPEAKER_ADVERBS: list[str] = _DATA["speaker_adverbs"]
OUTLET_NOUNS: list[str] = sorted(_DATA["outlet_nouns"], key=len, reverse=True)  # longest first, for alternations
CHANNEL_PREPOSITIONS: list[str] = _DATA["channel_prepositions"]
BULLET_MARKS: list[str] = _DATA["bullet_marks"]
ROLE_FAMILIES: dict[str, frozenset[str]] = {noun: frozenset(titles) | {noun} for noun, titles in _DATA["role_families"].items()}
# actors (issue 25)
LEGAL_INSTRUMENT_WORDS: frozenset[str] = frozenset(_DATA["legal_instrument_words"])
SUB_BODY_HEADS: list[str] = _DATA["sub_body_heads"]
OUTLET_NAME_LAST_WORDS: frozenset[str] = frozenset(_DATA["outlet_name_last_words"])
OUTLET_NAME_FIRST_WORDS: frozenset[str] = frozenset(_DATA["outlet_name_first_words"])
OUTLET_ADDRESS_NOUNS: frozenset[str] = frozenset(_DATA["outlet_address_nouns"])
BARE_BODY_NOUNS: frozenset[str] = frozenset(_DATA["bare_body_nouns"])
TIME_NOUNS: frozenset[str] = frozenset(_DATA["time_nouns"])
TRADE_WORDS: frozenset[str] = frozenset(_DATA["trade_words"])
PUBLISHING_VERBS: frozenset[str] = frozenset(_DATA["publishing_verbs"])
ROLE_LINKS: frozenset[str] = frozenset(_DATA["role_links"])
