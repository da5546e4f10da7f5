"""Actors the reference base lacks, discovered only with evidence in the text.

First by patterns over runs of capitalised words: a title before a name ("Defence Minister X"), an
apposition ("X, an analyst at Y"), an attribution ("X said"), an organisation head word ("…
Ministry of …") or a kind noun ("oil company NIS"); then from the parse's named entities, kept with
the same kinds of evidence read from the dependency tree, a kind noun after the name ("the Tanjug
news agency"), coordination with an organisation of known kind, or a person's name as an argument
of a verb; and a country's bodies named by an agent noun ("the Chinese military", "Serbia's armed
forces", "the Serbian government": one actor per country and body, `lexicon.COUNTRY_BODIES`).
A name a state owns in a trade ("bought from Poland's X") is a company of that state; a unit named in
lower case inside a known body ("the foreign affairs committee of the US Senate") and a body owned by
another ("the Commerce Department's Bureau of …") are part of it (their `role` says so); a person's
country is the one named before the title word of their role, else the one of the organisation the
role names. Laws, bills and lists ("… Authorization Act", "SDN List") are never actors.
Capitalised words without such evidence (sentence starts, headlines, months, places, designations)
are not actors. Each actor's sector is the one of the head noun of its name in PETRARCH-2's agents
dictionary (`seeds/reference/sectors.yaml`), else the one its kind implies; people get none.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

import ahocorasick

from ..inputs.reference import Reference
from ..schema.models import ActorType, MentionKind, Sector
from .ids import slug
from .lexicon import (
    ABBREVIATIONS,
    CountryBody,
    COUNTRY_BODIES,
    FUNCTION_WORDS,
    GENERIC_ORGANISATION_WORDS,
    KIND_SECTORS,
    LEGAL_INSTRUMENT_WORDS,
    MONTH_NAMES,
    ORGANISATION_HEADS,
    ORGANISATION_NOUN_PHRASES,
    ORGANISATION_NOUNS,
    OUTLET_ADDRESS_NOUNS,
    OUTLET_NAME_FIRST_WORDS,
    OUTLET_NAME_LAST_WORDS,
    PERSON_TITLES,
    PLACE_NAME_HEADS,
    PLACE_NOUNS,
    PLACE_WORDS,
    PUBLISHING_VERBS,
    ROLE_LINKS,
    SPEAKER_FOLLOWS_FORMS,
    SPEECH_FORMS,
    SPEECH_LEMMAS,
    SPEECH_VERBS,
    SUB_BODY_HEADS,
    TIME_NOUNS,
    TRADE_WORDS,
    WEEKDAYS,
    alternation,
    fold,
)
from .matching import Found, Matcher, bounded, country_before, suffixes
from .reference_index import reference_index
from .tokens import token_arrays


@dataclass
class DiscoveredActor:
    """An actor found by rule in one article; `forms` are its full-name surface forms."""

    actor_id: str
    name: str
    actor_type: ActorType
    country_iso3: str | None = None
    role: str | None = None
    forms: set[str] = field(default_factory=set)
    acronyms: set[str] = field(default_factory=set)  # "EDD" after "Equipment Development Department (EDD)"
    sector: Sector | None = None  # the CAMEO agent sector (seeds/reference/sectors.yaml); None for people


_WORD = re.compile(r"[^\W\d_][\w'’.-]*[\w]|[^\W\d_]")
_POSSESSIVE = re.compile(r"['’]s$")
_FUNCTION_OR_CALENDAR = frozenset(FUNCTION_WORDS | MONTH_NAMES | set(WEEKDAYS))
_CALENDAR = frozenset(MONTH_NAMES | set(WEEKDAYS))
# a country body's nouns, longest first, each with its body ("armed forces" before "army")
_BODY_NOUNS = sorted(((noun, body) for body in COUNTRY_BODIES for noun in body.nouns), key=lambda nb: len(nb[0]), reverse=True)
# every prefix of those nouns: a word that is none starts none of them
_BODY_NOUN_PREFIXES = frozenset(n[:k] for n, _ in _BODY_NOUNS for k in range(len(n) + 1))
# the words a kind noun or the last word of a kind phrase can be ("news agency": "agency")
_KIND_NOUN_WORDS = frozenset(ORGANISATION_NOUNS) | frozenset(ORGANISATION_NOUN_PHRASES) | frozenset(
    p[k + 1 :] for p in ORGANISATION_NOUN_PHRASES for k in range(len(p)) if p[k] == " ")
_COORDINATION = frozenset({"conj", "appos"})
_NOT_NAME_WORDS = frozenset(_FUNCTION_OR_CALENDAR | PERSON_TITLES | PLACE_WORDS)
ATTRIBUTION_AFTER = re.compile(rf"^\s*(?:{alternation(SPEECH_FORMS)})\b")
ATTRIBUTION_BEFORE = re.compile(rf"\b(?:{alternation(SPEAKER_FOLLOWS_FORMS)}|according to)\s+$")
ADDRESSED_BEFORE = re.compile(rf"\b(?:{alternation([f for f in SPEECH_FORMS if SPEECH_VERBS[f] == 'tell'])})\s+$")  # "told X"
APPOSITION_AFTER = re.compile(r"^,\s+(?:a|an|the)\s+([a-z][^,.;:“\"]{2,80}?)(?=,|\.|;| who\b| said\b)")
_CAP_START = "A-ZÀ-ÖØ-ÞĀ-ſ"
_CAP = rf"[{_CAP_START}][\w'’-]*"
_NAME_RUN = rf"{_CAP}(?: +{_CAP}){{0,3}}"
# a name after its kind noun, bare or between quotation marks closed right after it ("the state arms company
# "Almaz-Antey"", "Russia's main arms exporter “Rosoboronexport”"): a quotation that goes on is no name
_ORG_AFTER_NOUN = re.compile(
    rf"\b(?P<noun>{'|'.join(ORGANISATION_NOUNS)}),? +(?:[\"“‘](?P<quoted>{_NAME_RUN})[\"”’]|(?P<name>{_NAME_RUN}))"
)
# "a subsidiary of the company X called "Y"", "a firm named Y": a name the text gives a kind noun after an
# indefinite article (the kind noun nearest the name says its kind)
_ORG_CALLED = re.compile(
    rf"\b(?:a|an) +(?:[\w-]+ +){{0,2}}(?P<noun>{'|'.join(ORGANISATION_NOUNS)})\b[^.;:!?\n]{{0,80}}? +(?:called|named|known as) +"
    rf"(?:[\"“‘](?P<quoted>{_NAME_RUN})[\"”’]|(?P<name>{_NAME_RUN}))"
)
_KIND_NOUN = re.compile(rf"\b(?:{'|'.join(ORGANISATION_NOUNS)})\b")
# The words before the head word start only where no capital-class letter stands before (a match from
# inside such a word would also match from one letter earlier, which the search tries first): a long
# word of capitals is not rescanned from each of its letters. And a match starts with a capital (its
# first word's or its head word's): the lookahead skips every other position at once instead of
# trying the head words at each (the same matches, four times faster).
_ORG = re.compile(
    rf"(?=[{_CAP_START}])(?:(?<![{_CAP_START}])(?:{_CAP}(?: +and)? +){{1,4}})?(?:{'|'.join(h.capitalize() for h in ORGANISATION_HEADS)})\b"
    rf"(?: +(?:of|for|on) +(?:the +)?{_CAP}(?: +(?:and +)?{_CAP}){{0,4}})?"
)


def _capitalised(word: str) -> bool:
    """Starts upper-case and is not an all-capitals acronym ("NATO"; a possessive "'s" ignored)."""
    if not word[:1].isupper():
        return False
    bare = _POSSESSIVE.sub("", word)
    return not (len(bare) > 1 and bare.isupper())


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str

    @property
    def bare(self) -> str:
        return _POSSESSIVE.sub("", self.text)

    @property
    def is_capitalised(self) -> bool:
        return _capitalised(self.text)


def _capitalised_runs(text: str) -> list[list[_Token]]:
    """Runs of capitalised words separated by single spaces (a possessive ends a run)."""
    runs, run = [], []
    for m in _WORD.finditer(text):
        word = m.group()
        if not (word[:1].isupper() and _capitalised(word)):  # any other word ends the run; no token is made for it
            if run:
                runs.append(run)
                run = []
            continue
        token = _Token(m.start(), m.end(), word)
        if run and text[run[-1].end : token.start] == " " and not _POSSESSIVE.search(run[-1].text):
            run.append(token)
        else:
            if run:
                runs.append(run)
            run = [token]
    if run:
        runs.append(run)
    return runs


def _is_name_token(token: _Token, known: set[str]) -> bool:
    low = token.bare.casefold()
    return (
        token.is_capitalised
        and low not in _NOT_NAME_WORDS
        and fold(token.bare) not in known
        and not any(ch.isdigit() for ch in token.text)
    )


def _person_name(tokens: list[_Token], known: set[str]) -> list[_Token] | None:
    # a region or title glued before the name is no part of it ("for Middle East Joey Hood")
    while len(tokens) > 2 and tokens[0].bare.casefold() in _NOT_NAME_WORDS | GENERIC_ORGANISATION_WORDS:
        tokens = tokens[1:]  # (and an office's words: "Bureau of Near Eastern Affairs Robert Palladino")
    if len(tokens) > 4 and all(_is_name_token(t, known) for t in tokens[-3:]) and tokens[-4].bare.casefold() in GENERIC_ORGANISATION_WORDS:
        tokens = tokens[-3:]  # "… for Political-Military Affairs R Clarke Cooper": the name after the office's last word
    if (
        2 <= len(tokens) <= 4
        and all(_is_name_token(t, known) for t in tokens)
        and "." not in tokens[-1].text
        and not any(t.bare.casefold() in ORGANISATION_HEADS for t in tokens)
        and tokens[-1].bare.casefold() not in OUTLET_NAME_LAST_WORDS and tokens[0].bare.casefold() not in OUTLET_NAME_FIRST_WORDS
    ):
        return tokens
    return None


class _Mentions:
    """The curated mentions (in text order, as `select` gives them), looked up by offset: the ones
    starting before a point are a prefix, and the running maximum of their ends says where the
    ones that reach past a point begin."""

    def __init__(self, found: list[Found]):
        self.found = found
        self.ordered = all(a.start <= b.start for a, b in pairwise(found))
        self.starts = [f.start for f in found]
        self.reach, longest = [], -1
        for f in found:
            longest = max(longest, f.end)
            self.reach.append(longest)

    def covering(self, start: int, end: int) -> list[Found]:
        """The mentions overlapping text[start:end], in text order."""
        if not self.ordered:
            return [f for f in self.found if f.start < end and start < f.end]
        first, last = bisect.bisect_right(self.reach, start), bisect.bisect_left(self.starts, end)
        return [f for f in self.found[first:last] if start < f.end]


class _Forms:
    """The discovered actors' forms and acronyms, kept up to date as actors are added, given forms
    and dropped, for the questions discovery asks of every name (instead of a scan of every actor):
    which folded names and name tails are known, which people's name tails, and which actors own a
    form (in the order actors were added)."""

    def __init__(self):
        self.folded: Counter[str] = Counter()  # fold of each form, acronym and their tails
        self.person_tails: Counter[str] = Counter()  # fold of each tail of a person's name
        self.owners: dict[str, dict[str, None]] = {}  # form -> actor ids owning it
        self.lengths: Counter[int] = Counter()
        self.order: dict[str, int] = {}  # actor id -> when it was added
        self.added = 0
        self.blank_ends = 0  # forms ending in white space (read the slow, exact way)

    @staticmethod
    def keys(name: str) -> list[str]:
        return [fold(name)] + [fold(s) for s in suffixes(name)]

    def add_actor(self, actor: DiscoveredActor) -> None:
        self.added += 1
        self.order[actor.actor_id] = self.added
        if actor.actor_type == ActorType.person:
            self.person_tails.update(fold(s) for s in suffixes(actor.name))

    def add_form(self, actor: DiscoveredActor, form: str) -> None:
        self.folded.update(self.keys(form))
        owners = self.owners.setdefault(form, {})
        if actor.actor_id not in owners:
            owners[actor.actor_id] = None
            self.lengths[len(form)] += 1
            self.blank_ends += form[-1:].isspace()

    def add_acronym(self, acronym: str) -> None:
        self.folded.update(self.keys(acronym))

    def drop(self, actor: DiscoveredActor) -> None:
        self.order.pop(actor.actor_id, None)
        if actor.actor_type == ActorType.person:
            self.person_tails.subtract(fold(s) for s in suffixes(actor.name))
        for acronym in actor.acronyms:
            self.folded.subtract(self.keys(acronym))
        for form in actor.forms:
            self.folded.subtract(self.keys(form))
            self.owners[form].pop(actor.actor_id, None)
            self.lengths[len(form)] -= 1
            self.blank_ends -= form[-1:].isspace()

    def first_owner(self, forms: list[str]) -> str | None:
        """Of the actors owning any of these forms, the one added first."""
        owners = [a for f in forms for a in self.owners.get(f, ())]
        return min(owners, key=self.order.__getitem__) if owners else None

    def prefixes(self, word: str) -> list[str]:
        """The forms `word` starts with."""
        return [word[:n] for n, count in self.lengths.items() if count > 0 and n <= len(word) and word[:n] in self.owners]

    def longest(self) -> int:
        return max((n for n, count in self.lengths.items() if count > 0), default=0)


class _Discoveries:
    """The actors discovered in one article so far, and what discovery needs to know."""

    def __init__(self, text: str, found: list[Found], matcher: Matcher):
        self.text, self.found = text, found
        self.mentions = _Mentions(found)
        self.known = matcher.folded_forms
        self.reference = matcher.reference
        self.actors: dict[str, DiscoveredActor] = {}
        self.forms = _Forms()
        self.matcher = matcher
        self.known_long_forms: list[tuple[str, str]] = []  # (a full name, the curated actor its bracketed acronym names)
        self.demonyms = reference_index(self.reference).demonyms

    def covering(self, start: int, end: int) -> list[Found]:
        return self.mentions.covering(start, end)

    def country_before(self, start: int) -> str | None:
        return country_before(self.found, start, self.text, self.reference)

    def title_country(self, start: int) -> str | None:
        """The country of a title earlier in the name's own clause ("US Assistant Secretary for
        Political-Military Affairs R Clarke Cooper said"): a state named right before a word of
        PERSON_TITLES, with no comma, semicolon or full stop between them and the name."""
        clause_start = max(self.text.rfind(mark, 0, start) for mark in (",", ";", ". ", "\n", "(", "“", '"')) + 1
        for f in reversed(self.mentions.covering(clause_start, start)):
            entry = reference_index(self.reference).actor(f.form.target)
            if f.form.is_weapon or entry is None or entry.type != ActorType.state:
                continue
            words = re.findall(r"[A-Za-z-]+", self.text[f.end : start].casefold())
            if words and any(w in PERSON_TITLES for w in words[:3]):
                return entry.country
        return None

    def demonym_of(self, country: str | None) -> str | None:
        return self.demonyms.get(country)

    def is_known(self, name: str) -> bool:
        """The name is a curated form, or a discovered actor's name, short form or acronym."""
        folded = fold(name)
        return folded in self.known or self.forms.folded[folded] > 0

    def _owner_of_prefix(self, word: str) -> DiscoveredActor | None:
        """The first actor (in the order they were added) with a form `word` starts with."""
        owner = self.forms.first_owner(self.forms.prefixes(word))
        return self.actors[owner] if owner is not None else None

    def kind_at(self, offset: int) -> ActorType | None:
        """The kind of the actor mentioned at `offset`, curated or discovered."""
        for f in self.covering(offset, offset + 1):
            entry = reference_index(self.reference).actor(f.form.target)
            if entry is not None:
                return entry.type
        actor = self._owner_of_prefix(self._word_at(offset))
        return actor.actor_type if actor else None

    def _word_at(self, offset: int) -> str:
        """text[offset:] up to its first comma or " and ", stripped; read only as far as a form can
        reach (a copy of the rest of the text per call would be quadratic)."""
        reach = offset + self.forms.longest() + 8
        window = self.text[offset:reach]
        word = window.split(",")[0].split(" and ")[0]
        if len(word) < len(window) - len(" and ") or reach >= len(self.text):
            return word.strip()  # the word ends inside the window: as the whole text gives it
        if self.forms.blank_ends or window[:1].isspace():
            return self.text[offset:].split(",")[0].split(" and ")[0].strip()
        return window  # longer than any form: as good as the whole word for `startswith`

    def country_owning(self, token) -> str | None:
        """The country of the organisation a token ends ("Treasury" in "the U.S. Treasury")."""
        end = token.idx + len(token.text)
        tails = [self.text[end - n : end] for n, count in self.forms.lengths.items() if count > 0 and n <= end]
        owner = self.forms.first_owner([t for t in tails if t in self.forms.owners])
        return self.actors[owner].country_iso3 if owner is not None else None

    def owner_of(self, start: int) -> tuple[str | None, str | None]:
        """(country, parent) of the actor that owns the name at `start` by a possessive right before it
        ("Poland's Orlen", "the Commerce Department's Bureau of …", "the Philippines' Department of …"): its
        country, and its name when it is an organisation (the name is part of it)."""
        if self.text[max(0, start - 3) : start] in ("'s ", "’s "):
            end = start - 3
        elif self.text[max(0, start - 3) : start] in ("s' ", "s’ "):
            end = start - 2
        else:
            return None, None
        for f in self.covering(max(0, end - 1), end):
            entry = None if f.form.is_weapon or f.form.blocked or f.end != end else reference_index(self.reference).actor(f.form.target)
            if entry is not None:
                return entry.country, entry.name if entry.type not in (ActorType.state, ActorType.person) else None
        tails = [self.text[end - n : end] for n, count in self.forms.lengths.items() if count > 0 and n <= end]
        owner = self.forms.first_owner([t for t in tails if t in self.forms.owners])
        if owner is None:
            return None, None
        actor = self.actors[owner]
        return actor.country_iso3, actor.name if actor.actor_type != ActorType.person else None

    def country_of_discovered(self, offset: int) -> str | None:
        actor = self._owner_of_prefix(self.text[offset:offset + 80])
        return actor.country_iso3 if actor else None

    def add(self, name: str, actor_type: ActorType, country: str | None, role: str | None, country_in_name: bool = False,
            acronym: str | None = None) -> None:
        name = surface = _POSSESSIVE.sub("", name.strip(" ,"))
        if "\n" in name or not name or (actor_type != ActorType.person and _is_legal_instrument(name)):
            return
        body = self._body_named(name, None if country_in_name else country) if actor_type != ActorType.person else None
        if body is not None:  # "Serbian Armed Forces", "Army of Serbia", "the Army" after "Serbia's": the country's body
            self.add_body(*body, surface)
            return
        generic = actor_type != ActorType.person and not country_in_name and _is_generic(name)
        if generic and not country:
            return  # "Foreign Ministry" of no stated country names nobody in particular
        actor_id = slug(f"{country} {name}") if generic else slug(name)
        if generic and (demonym := self.demonym_of(country)):
            name = f"{demonym} {name}"  # "Serbian Ministry of Defence": the name says whose
        if reference_index(self.reference).actor(actor_id) or fold(name) in self.known:
            return
        if actor_type == ActorType.person and self.forms.person_tails[fold(name)] > 0:
            return  # "Đedović Handanović" after "Dubravka Đedović Handanović": a short form, not a new person
        if actor_id not in self.actors:
            self.actors[actor_id] = DiscoveredActor(actor_id, name, actor_type, country, role)
            self.forms.add_actor(self.actors[actor_id])
        actor = self.actors[actor_id]
        if surface not in actor.forms:
            actor.forms.add(surface)
            self.forms.add_form(actor, surface)
        actor.country_iso3 = actor.country_iso3 or country
        actor.role = actor.role or role
        if acronym:
            self.attach(actor, acronym)

    def _state_country(self, form: str) -> str | None:
        """The country of the state a curated form names ("Serbian", "Serbia's", "U.S.")."""
        for f in self.matcher.forms.get(_POSSESSIVE.sub("", form.strip()), ()):
            entry = reference_index(self.reference).actor(f.target) if not f.is_weapon else None
            if entry is not None and entry.type == ActorType.state and entry.country:
                return entry.country
        return None

    def _body_named(self, name: str, country: str | None) -> tuple[str, CountryBody] | None:
        """(country, body) when a name is a country body's noun after the country ("Serbian Armed Forces",
        "Serbia's army"), before it ("Army of Serbia", "Government of the Philippines") or alone with the
        country stated before it (`country`)."""
        folded = fold(name)
        for noun, body in _BODY_NOUNS:
            if folded == noun:
                return (country, body) if country else None
            if folded.endswith(" " + noun) and (owner := self._state_country(name[: -len(noun)])):
                return owner, body
            if folded.startswith(noun + " of ") and (owner := self._state_country(re.sub(r"^the\s+", "", name[len(noun) + 4 :]))):
                return owner, body
        return None

    def add_body(self, country: str, body: CountryBody, surface: str) -> None:
        """A country body named by `surface` ("the Serbian army"): the curated actor that is the body, or the
        one discovered actor of the country and body, with id "<state id>-<body id>"."""
        index = reference_index(self.reference)
        state, demonym = index.states.get(country), self.demonym_of(country)
        if state is None or surface in self.matcher.forms:
            return  # (a curated form: the matcher has found it already)
        actor_id, name = f"{state}-{body.id}", f"{demonym or index.actor_names.get(state, state)} {body.name}"
        curated = index.curated_body(country, body, actor_id, name)
        if curated is not None:
            self.known_long_forms.append((surface, curated))  # "Serbia's army" is a mention of the curated armed forces
            return
        if actor_id not in self.actors:
            self.actors[actor_id] = DiscoveredActor(actor_id, name, body.actor_type, country, None, sector=index.body_sector(body))
            self.forms.add_actor(self.actors[actor_id])
        actor = self.actors[actor_id]
        if surface not in actor.forms:
            actor.forms.add(surface)
            self.forms.add_form(actor, surface)

    def attach(self, actor: DiscoveredActor, acronym: str) -> None:
        """ "Radio Free Europe (RFE)": a curated acronym makes the full name a form of its actor."""
        if fold(acronym) not in self.known:
            if acronym not in actor.acronyms:
                actor.acronyms.add(acronym)
                if actor.actor_id in self.actors:
                    self.forms.add_acronym(acronym)
            return
        target = next((f.target for f in self.matcher.forms.get(acronym, []) if not f.is_weapon and f.target), None)
        if target is not None:
            if self.actors.pop(actor.actor_id, None) is not None:
                self.forms.drop(actor)
            self.known_long_forms += [(form, target) for form in actor.forms]


def discover_actors(text: str, found: list[Found], matcher: Matcher, doc=None) -> tuple[list[DiscoveredActor], list[tuple[str, str]]]:
    """People and organisations the reference base lacks, each backed by textual evidence: first
    by patterns, then the parse's named entities that the patterns did not find."""
    discoveries = _Discoveries(text, found, matcher)
    for run in _capitalised_runs(text):
        run = [t for t in run if not discoveries.covering(t.start, t.end)]
        if run:
            _discover_person(discoveries, run)
    _discover_organisations_after_nouns(discoveries)
    _discover_organisations_by_head(discoveries)
    _attach_acronyms(discoveries)
    if doc is not None:
        _discover_from_entities(discoveries, doc)
        _discover_names_before_kind_nouns(discoveries, doc)
        _discover_coordinated_names(discoveries, doc)
        _discover_owned_names(discoveries, doc)
        _discover_country_bodies(discoveries, doc)
        _owner_bodies(discoveries, doc)
        _apposition_countries(discoveries, doc)
        _attach_acronyms(discoveries)
    _discover_sub_bodies(discoveries)
    _role_countries(discoveries)
    index = reference_index(matcher.reference)
    for actor in discoveries.actors.values():
        if actor.sector is None and actor.actor_type != ActorType.person:
            actor.sector = index.sector_of(actor.name) or KIND_SECTORS.get(actor.actor_type)
    return sorted(discoveries.actors.values(), key=lambda a: a.actor_id), discoveries.known_long_forms


def _discover_person(d: _Discoveries, run: list[_Token]) -> None:
    """A person named in a run of capitalised words, with evidence that it is a person."""
    text, known = d.text, d.known
    # 1. a title inside the run: "Defence Minister Nebojša Stefanović"
    title_at = max((i for i, t in enumerate(run) if t.bare.casefold() in PERSON_TITLES), default=None)
    if title_at is not None:
        name = _person_name(run[title_at + 1 :], known)
        if name:
            first_role = next(i for i, t in enumerate(run[: title_at + 1]) if t.bare.casefold() not in FUNCTION_WORDS)
            role = text[run[first_role].start : run[title_at].end]
            # the country before the role, or the one it opens with ("US Assistant Secretary …")
            country = d.country_before(run[first_role].start) or d._state_country(run[first_role].text)
            d.add(text[name[0].start : name[-1].end], ActorType.person, country, role)
        return
    run = _without_continued_name(run, text)
    name = _person_name(_strip_leading(run, known, text), known)
    if not name:
        _discover_outlet(d, _strip_leading(run, known, text))
        return
    name_text = text[name[0].start : name[-1].end]
    after = text[name[-1].end : name[-1].end + 120]
    before = text[max(0, name[0].start - 40) : name[0].start]
    # 2. a role right before the name, or set off by commas before it: "political scientist Milan Ilić",
    #    "the head of the agency's radar department Lena Koval", "The US ambassador in Manila, Tom Hale, said"
    role = _role_before(d, name[0].start, after)
    if role is not None:
        d.add(name_text, ActorType.person, role[1], role[0])
        return
    lower_title = re.search(r"\b([a-z]+(?: [a-z]+)?),?\s+$", before)  # "Its director, X"
    if lower_title and lower_title.group(1).split()[-1] in PERSON_TITLES:
        d.add(name_text, ActorType.person, d.country_before(name[0].start), lower_title.group(1))
        return
    # 3. an apposition: "Milan Ilić, an analyst at the Belgrade Security Forum,"
    appos = APPOSITION_AFTER.match(after)
    if appos and appos.group(1).split()[0].casefold() not in PLACE_NOUNS:
        d.add(name_text, ActorType.person, None, appos.group(1).strip())
        return
    # 4. an attribution: "Milan Ilić said", "said Milan Ilić", ", Milan Ilić, said"
    set_off = before.endswith(", ") and after.startswith(",")
    if ATTRIBUTION_AFTER.match(after[1:] if set_off else after) or ATTRIBUTION_BEFORE.search(before):
        d.add(name_text, ActorType.person, d.title_country(name[0].start), None)


_CONTINUED = re.compile(rf"[{_CAP_START}][\w'’.-]* +(?:of|for) +(?:the +)?(?:[{_CAP_START}][\w'’.-]* +(?:and|&) +)?$")


def _without_continued_name(run: list[_Token], text: str) -> list[_Token]:
    """ "Deputy Minister of Energy and Mining Ivo Marek": a run right after "<Capitalised word> of|for
    [<Capitalised word> and]" opens with the last word of that longer name ("Mining"), no part of a
    person's name."""
    if len(run) > 2 and _CONTINUED.search(text, max(0, run[0].start - 40), run[0].start):
        return run[1:]
    return run


def _discover_outlet(d: _Discoveries, run: list[_Token]) -> None:
    """ "Benar News quoted …", "told the Baltic Journal", "according to Radio Zeta": a run named like an
    outlet (`_outlet_named`) that is a source or an addressee of words is a media outlet."""
    if not 2 <= len(run) <= 5 or not (run[-1].bare.casefold() in OUTLET_NAME_LAST_WORDS or run[0].bare.casefold() in OUTLET_NAME_FIRST_WORDS):
        return
    before = d.text[max(0, run[0].start - 40) : run[0].start]
    before = before[:-4] if before.endswith(("the ", "The ")) else before
    after = d.text[run[-1].end : run[-1].end + 40]
    if ATTRIBUTION_AFTER.match(after) or ATTRIBUTION_BEFORE.search(before) or ADDRESSED_BEFORE.search(before):
        d.add(d.text[run[0].start : run[-1].end], ActorType.media_outlet, d.country_before(run[0].start), None)


_ROLE_WORD = re.compile(r"[^\W_][\w'’.-]*")
_CLAUSE_MARKS = (",", ";", ":", ". ", "\n", "(", "“", '"', "—")


def _role_before(d: _Discoveries, start: int, after: str) -> tuple[str, str | None] | None:
    """(role, country) of a person whose name follows a title's phrase in its clause: "programme manager for
    the agency's naval directorate Dan Roth", "SSB vice-president Ivo Marek", or one set off by commas
    ("The US ambassador in Manila, Tom Hale, said"). The phrase runs from the words before the title (none a
    function word: "US ambassador") to the name; after the title only a prepositional phrase ("of the
    ministry", "in Manila") may come, and no verb of saying. The country: a state named before the title."""
    text = d.text
    set_off = text[max(0, start - 2) : start] in (", ", ": ") and re.match(r"\s*[,.;)]", after) is not None
    end = start - 2 if set_off else start
    if not set_off and text[max(0, start - 2) : start].strip() in (",", ";", ":"):
        return None
    words = list(_ROLE_WORD.finditer(text, _clause_start(text, end, set_off), end))
    title_at = max((i for i, w in enumerate(words) if _bare_title(w.group()) in PERSON_TITLES), default=None)
    if title_at is None:
        return None
    rest = [w.group().casefold() for w in words[title_at + 1 :]]
    if rest and (rest[0] not in ROLE_LINKS or len(rest) > 9 or rest[-1] in FUNCTION_WORDS or rest[-1] in SPEECH_VERBS):
        return None
    first = title_at
    while first > 0 and title_at - first < 4 and _role_modifier(words[first - 1].group()):
        first -= 1
    role = text[words[first].start() : end].strip(" ,")
    country = next((c for f in d.covering(words[first].start(), words[title_at].start())
                    if (c := _country_inside(d, [f]))), None)
    return role, country or d.country_before(words[first].start())


def _clause_start(text: str, end: int, set_off: bool) -> int:
    """Where the clause holding text[:end] starts: after the last comma, semicolon, bracket, quotation
    mark, dash, line break or sentence end ("U.S. Ambassador": a full stop after an abbreviation is none),
    and after a colon unless the name is set off after it ("the agency's president: Ivo Marek,")."""
    starts = [at + len(mark) for mark in _CLAUSE_MARKS if mark not in (". ", ":" if set_off else "")
              if (at := text.rfind(mark, 0, end)) >= 0]
    at = text.rfind(". ", 0, end)
    while at >= 0 and (word := _LAST_WORD.search(text, max(0, at - 12), at)) and word.group() in ABBREVIATIONS:
        at = text.rfind(". ", 0, at)
    return max([*starts, at + 2 if at >= 0 else 0])


_LAST_WORD = re.compile(r"[\w.]+$")


def _role_modifier(word: str) -> bool:
    """A word that may stand before a title in a role ("US", "programme", "SSB’s", "Foreign Ministry"): no
    function word, time noun ("last year"), verb of saying or participle ("including", "retired")."""
    low = word.casefold()
    return low not in FUNCTION_WORDS | TIME_NOUNS and low not in SPEECH_VERBS and not (word.islower() and low.endswith(("ing", "ed")))


def _bare_title(word: str) -> str:
    """ "vice-president" -> "president", "SSB’s" -> "ssb": the word a title list would hold."""
    return _POSSESSIVE.sub("", word).casefold().rsplit("-", 1)[-1]


def _discover_organisations_after_nouns(d: _Discoveries) -> None:
    """Organisations named after a kind noun: "oil company NIS", "the daily Politika", "the arms exporter
    "Rosoboronexport"", "a subsidiary … called "Kupol"" (the country: a state named before the kind noun)."""
    for pattern in (_ORG_AFTER_NOUN, _ORG_CALLED):
        for m in pattern.finditer(d.text):
            group = "quoted" if m.group("quoted") else "name"
            name_start, name_end = m.span(group)
            if d.covering(name_start, name_end):
                continue
            name = m.group(group)
            if fold(name.split()[0]) in _FUNCTION_OR_CALENDAR:
                continue
            noun = list(_KIND_NOUN.finditer(d.text, m.start(), name_start))[-1]  # the kind noun nearest the name
            d.add(name, ORGANISATION_NOUNS[noun.group().casefold()], d.country_before(noun.start()), None)


def _without_person_after(tokens: list[_Token], text: str) -> list[_Token]:
    """An office's name without the person said to hold it right after it ("the Bureau of Near Eastern
    Affairs Laura Stone said"): the two or three words after the office's last word, when a verb of
    saying follows them, are a person's name."""
    last = max((i for i, t in enumerate(tokens) if t.bare.casefold() in GENERIC_ORGANISATION_WORDS | set(ORGANISATION_HEADS)), default=None)
    if last is None or not 2 <= len(tokens) - last - 1 <= 3:
        return tokens
    if ATTRIBUTION_AFTER.match(text[tokens[-1].end : tokens[-1].end + 120]):
        return tokens[: last + 1]
    return tokens


def _discover_organisations_by_head(d: _Discoveries) -> None:
    """Organisations by head word: "Ministry of Defence", "Belgrade Centre for Security Policy"; a possessive
    ends a name ("the Commerce Department's Bureau of Trade Security" is two bodies, "the Department of the
    Treasury's Specially Designated Nationals …" one body and a list's name)."""
    for m in _ORG.finditer(d.text):
        tokens = [_Token(t.start() + m.start(), t.end() + m.start(), t.group()) for t in _WORD.finditer(m.group())]
        part: list[_Token] = []
        for token in tokens:
            part.append(token)
            if _POSSESSIVE.search(token.text):
                _organisation_by_head(d, part)
                part = []
        _organisation_by_head(d, part)


def _organisation_by_head(d: _Discoveries, tokens: list[_Token]) -> None:
    """The organisation these words name, if a head word makes them one."""
    text, reference = d.text, d.reference
    while tokens and tokens[0].bare.casefold() in _FUNCTION_OR_CALENDAR:
        tokens = tokens[1:]
    calendar = next((i for i, t in enumerate(tokens) if t.bare.casefold() in _CALENDAR), None)
    if calendar is not None:  # "the Trade Ministry on Monday": the name ends before the connector
        tokens = tokens[:calendar]
        while tokens and tokens[-1].bare.casefold() in FUNCTION_WORDS:
            tokens.pop()
    if not tokens:
        return
    tokens = _without_person_after(tokens, text)
    inside = d.covering(tokens[0].start, tokens[-1].end)
    if any(f.form.blocked or f.form.is_weapon or _is_organisation_or_person(reference, f) for f in inside):
        return  # a known organisation ("U.S. Embassy in Belgrade") or a non-actor phrase
    head = next((t for t in tokens if t.bare.casefold() in ORGANISATION_HEADS), None)
    if head is None or (len(tokens) == 1):
        return  # a bare "Committee" names nothing
    org_name = text[tokens[0].start : tokens[-1].end]
    states = [reference_index(reference).actor(f.form.target) for f in inside]
    country_inside = next((e.country for e in states if e and e.type == ActorType.state and e.country), None)
    owner_country, parent = d.owner_of(tokens[0].start)
    country = country_inside or d.country_before(tokens[0].start) or owner_country
    d.add(org_name, ORGANISATION_HEADS[head.bare.casefold()], country, f"part of {parent}" if parent else None,
          country_in_name=country_inside is not None)


def _is_legal_instrument(name: str) -> bool:
    """ "National Defence Authorisation Act", "SDN List": a law's or a list's name (its last word says so)."""
    words = re.findall(r"[^\W\d_]+", name)
    return bool(words) and words[-1].casefold() in LEGAL_INSTRUMENT_WORDS


_SUB_BODY = re.compile(rf"\b[Tt]he +(?P<words>(?:[a-z][a-z-]+ +){{1,3}}?)(?P<head>{alternation(SUB_BODY_HEADS)}) +of +(?:the +)?")


def _discover_sub_bodies(d: _Discoveries) -> None:
    """ "the foreign affairs committee of the US Senate": a unit named by lower-case words inside a known
    organisation is a body of its own, of the organisation's country, part of it (its role says so); a unit
    of a legislature is of the legislature's kind."""
    index = reference_index(d.reference)
    for m in _SUB_BODY.finditer(d.text):
        words = m.group("words").split()
        if any(w in FUNCTION_WORDS for w in words) or d.covering(m.start(), m.end()):
            continue
        parent = next((f for f in d.covering(m.end(), m.end() + 1) if f.start == m.end()), None)
        entry = None if parent is None or parent.form.is_weapon or parent.form.blocked else index.actor(parent.form.target)
        if entry is None or entry.type in (ActorType.state, ActorType.person):
            continue
        kind = entry.type if entry.type == ActorType.legislature else ORGANISATION_HEADS[m.group("head")]
        surface = d.text[m.start("words") : parent.end]
        before = len(d.actors)
        d.add(surface, kind, entry.country, f"part of {entry.name}", country_in_name=True)
        if len(d.actors) > before:  # its name with capitals, as names are written: "Foreign Affairs Committee of …"
            actor = d.actors[slug(surface)]
            actor.name = " ".join(w.capitalize() for w in words) + " " + m.group("head").capitalize() + d.text[m.end("head") : parent.end]


def _is_generic(name: str) -> bool:
    """'Ministry of Defence' names one body per country, so its id carries the country."""
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", name)]
    return all(w in ORGANISATION_HEADS or w in GENERIC_ORGANISATION_WORDS for w in words)


def _is_organisation_or_person(reference: Reference, found: Found) -> bool:
    entry = reference_index(reference).actor(found.form.target)
    return entry is not None and entry.type != ActorType.state


def _strip_leading(run: list[_Token], known: set[str], text: str = "") -> list[_Token]:
    i = 0
    if run and text[max(0, run[0].start - 4) : run[0].start] == " of ":
        i = 1  # "Secretary of State Mike Pompeo": "State" ends the title, the name follows
    while i < len(run) and (run[i].bare.casefold() in _FUNCTION_OR_CALENDAR or fold(run[i].bare) in known):
        i += 1
    return run[i:]




# --- from the parse: named entities with evidence -------------------------------------------------

PERSON_ARGUMENTS = {"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj", "dative", "attr", "poss", "agent"}
_NAME_TOKEN = re.compile(r"^[^\W\d_][\w'’.-]*$")
_POSSESSIVE_TOKENS = {"'s", "’s", "'", "’"}


def _pieces(ent) -> list:
    """An entity's tokens cut at line breaks, possessives ("the U.S. Treasury's Office of …" is two
    names) and coordination ("Lukoil and Rosneft", unless the first is an organisation's name with
    its head word: "Ministry of Trade and Industry"), without leading determiners and trailing
    punctuation or possessive marks."""
    pieces, current, current_has_head = [], [], False
    for token in ent:
        coordinated = (token.pos_ == "CCONJ" or token.text == ",") and not current_has_head
        if "\n" in token.text or token.text in _POSSESSIVE_TOKENS or token.dep_ == "case" or coordinated:
            pieces.append(current)
            current, current_has_head = [], False
        else:
            current.append(token)
            current_has_head = current_has_head or token.lower_ in ORGANISATION_HEADS
    pieces.append(current)
    out = []
    for piece in pieces:
        first, last = 0, len(piece)
        while first < last and (piece[first].pos_ in ("DET", "PUNCT") or piece[first].lower_ == "the"):
            first += 1
        while first < last and piece[last - 1].pos_ == "PUNCT" and piece[last - 1].text not in (".",):
            last -= 1
        if first < last:
            out.append(piece[first:last])
    return out


def _piece_name(text: str, piece: list) -> str:
    name = text[piece[0].idx : piece[-1].idx + len(piece[-1].text)]
    return _POSSESSIVE.sub("", name)


def _root(piece: list):
    """The token of the piece whose head lies outside it."""
    ids = {t.i for t in piece}
    return next((t for t in piece if t.head.i not in ids or t.head.i == t.i), piece[-1])


def _near_tokens(piece: list):
    """Tokens the piece is bound to by the parse: its root's head and the root's children outside it."""
    root, ids = _root(piece), {t.i for t in piece}
    near = [c for c in root.children if c.i not in ids]
    if root.head.i not in ids:
        near.append(root.head)
    return root, near


def _kind_from_nouns(doc, piece: list) -> ActorType | None:
    """A kind noun bound to the name: "energy giant Gazprom Neft", "the Tanjug news agency", "NIS
    oil company", "Rosoboronexport, Russia's main arms exporter"."""
    root, near = _near_tokens(piece)
    for token in near:
        if token.dep_ in ("compound", "appos", "amod", "nmod") or token.i == root.head.i:
            phrase = f"{doc[token.i - 1].lower_} {token.lower_}" if token.i > 0 else token.lower_
            if phrase in ORGANISATION_NOUN_PHRASES:
                return ORGANISATION_NOUN_PHRASES[phrase]
            if token.lower_ in ORGANISATION_NOUNS and token.pos_ == "NOUN":
                return ORGANISATION_NOUNS[token.lower_]
    return None


def _org_head(piece: list) -> ActorType | None:
    if len(piece) < 2:
        return None
    for token in reversed(piece):
        if token.lower_ in ORGANISATION_HEADS and token.text[:1].isupper():
            return ORGANISATION_HEADS[token.lower_]
    return None


def _acronym_after(d: _Discoveries, doc, piece: list) -> str | None:
    """ "Equipment Development Department (EDD)": the acronym in brackets right after the name (or in a
    bracket the text never closes: "the Naval Procurement Agency (NPA said")."""
    end = piece[-1].i + 1
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
        word = doc[end + 1].text
        if 2 <= len(word) <= 8 and word.replace("-", "").isalnum() and word.upper() == word and word[0].isalpha():
            return word
    return unclosed_acronym(d.text, piece[-1].idx + len(piece[-1].text), d.known)


def _attributed(root) -> str | None:
    """How the name is a source or a channel of words: the subject of a verb of saying ("say") or of
    publishing ("publish"), the addressee of "tell" ("tell") or of a statement or an interview ("said in a
    statement for X", "in an interview with X": "tell"), or "according to X"."""
    head = root.head
    if root.dep_ in ("nsubj", "nsubjpass") and head.lemma_ in SPEECH_LEMMAS:
        return head.lemma_
    if root.dep_ == "nsubj" and head.lemma_ in PUBLISHING_VERBS:
        return "publish"
    if root.dep_ in ("dobj", "dative") and head.lemma_ in ("tell", "quote"):
        return head.lemma_
    if root.dep_ == "pobj" and head.lower_ == "to" and head.i > 0 and head.doc[head.i - 1].lower_ == "according":
        return "according to"
    if root.dep_ == "pobj" and head.lower_ in ("for", "with", "to") and head.head.lower_ in OUTLET_ADDRESS_NOUNS:
        return "tell"
    return None


def _outlet_named(piece: list) -> ActorType | None:
    """ "the Wall Street Journal", "Benar News", "Radio Zeta": a name whose last (or first) word is an
    outlet's makes a media outlet."""
    if len(piece) < 2 or not all(t.text[:1].isupper() for t in (piece[0], piece[-1])):
        return None
    if piece[-1].lower_ in OUTLET_NAME_LAST_WORDS or piece[0].lower_ in OUTLET_NAME_FIRST_WORDS:
        return ActorType.media_outlet
    return None


def _title_before(doc, piece: list) -> str | None:
    """The role bound to a person's name: "U.S. Secretary of State Mike Pompeo", "Minister of Defence,
    Aleksandar Vulin", "its CEO Alexander Dyukov", "Milei's predecessor Alberto Fernández"."""
    root, near = _near_tokens(piece)
    candidates = [t for t in near if t.lemma_.lower() in PERSON_TITLES or t.lower_ in PERSON_TITLES]
    first = piece[0].i
    i = first - 1
    while i >= 0 and doc[i].text in (",",):
        i -= 1
    if i >= 0 and (doc[i].lower_ in PERSON_TITLES or doc[i].lemma_.lower() in PERSON_TITLES):
        candidates.append(doc[i])
    for title in candidates:
        if title.i < first:  # the role phrase: the title's left part up to the name
            start = min(t.i for t in title.subtree if t.i <= title.i)
            while start < title.i and doc[start].pos_ in ("DET", "PRON") and doc[start].dep_ in ("det", "poss"):
                start += 1
            end = title.i + 1
            if title.i + 1 < first and doc[title.i + 1].lower_ == "of":  # "Minister of Defence"
                end = max(end, min(first, max(t.i for t in doc[title.i + 1].subtree) + 1))
            return doc[start:end].text.strip(" ,")
        return title.text  # "Matthew Palmer, the U.S. special envoy": kept short
    return None


def _person_shaped(piece: list) -> bool:
    return (
        2 <= len(piece) <= 4
        and all(_NAME_TOKEN.match(t.text) and t.text[:1].isupper() for t in piece)
        and not any(t.lower_ in _NOT_NAME_WORDS or t.lower_ in ORGANISATION_HEADS for t in piece)
    )


def _followed_by_place_word(doc, piece: list) -> bool:
    """ "Milenko Pavlovic Airport", "Belgrade Airport": a name that is, or is part of, a place's name."""
    end = piece[-1].i + 1
    if piece[-1].lower_ in PLACE_NAME_HEADS:
        return True
    return end < len(doc) and doc[end].text[:1].isupper() and doc[end].lower_ in PLACE_NAME_HEADS


def _discover_from_entities(d: _Discoveries, doc) -> None:
    """Named entities of the parse that no pattern found, each kept only with evidence."""
    for ent in doc.ents:
        if ent.label_ not in ("PERSON", "ORG", "GPE", "NORP", "FAC", "PRODUCT"):
            continue
        for piece in _pieces(ent):
            start, end = piece[0].idx, piece[-1].idx + len(piece[-1].text)
            name = _piece_name(d.text, piece)
            if len(name) < 2 or any(ch.isdigit() for ch in name) or not name[:1].isupper():
                continue
            if len(piece) == 1 and _CONTINUED.search(d.text, max(0, start - 40), start):
                continue  # "Mining" of "the Ministry of Energy and Mining": the end of a longer name
            inside = d.covering(start, end)
            if inside and not _is_wider_organisation(d, piece, inside):
                continue
            if d.is_known(name):
                continue
            _classify(d, doc, ent.label_, piece, name, start, inside)


def _is_wider_organisation(d: _Discoveries, piece: list, inside: list[Found]) -> bool:
    """ "the White House Security Council", "U.S. European Command": an organisation's name that holds
    a known name (a state, its demonym, or an organisation it belongs to) and its own head word."""
    end = piece[-1].idx + len(piece[-1].text)
    if any(f.form.is_weapon or f.form.blocked for f in inside) or any(f.end > end for f in inside):
        return False
    tail = [t for t in piece if t.idx >= max(f.end for f in inside)]
    qualifiers = all(f.form.kind in (MentionKind.name, MentionKind.alias, MentionKind.metonym, MentionKind.demonym) for f in inside)
    return bool(tail) and qualifiers and tail[-1].text[:1].isupper()


def _classify(d: _Discoveries, doc, label: str, piece: list, name: str, start: int, inside: list[Found]) -> None:
    """Decide from the evidence whether a name is a person or an organisation, or nothing."""
    root = _root(piece)
    acronym = _acronym_after(d, doc, piece)
    kind = _outlet_named(piece) or _kind_from_nouns(doc, piece) or _org_head(piece)
    country = _country_inside(d, inside) or _possessive_owner(d, piece) or d.country_before(start)
    if kind is None and not inside and label == "PERSON" and _person_shaped(piece) and not _followed_by_place_word(doc, piece):
        role = _title_before(doc, piece)
        if role or root.dep_ in PERSON_ARGUMENTS or _attributed(root):
            d.add(name, ActorType.person, _role_country(d, doc, role, start) if role else None, role)
        return
    attributed = _attributed(root)
    if kind is None and attributed:
        kind = ActorType.media_outlet if attributed in ("report", "tell", "according to", "publish") else ActorType.other
    if kind is None and (acronym or _coordinated_kind(d, root)):
        kind = _coordinated_kind(d, root) or ActorType.other
    if kind is None or label in ("NORP",) or _followed_by_place_word(doc, piece):
        return
    d.add(name, kind, country, None, country_in_name=bool(inside), acronym=acronym)


def _country_inside(d: _Discoveries, inside: list[Found]) -> str | None:
    for f in inside:
        entry = reference_index(d.reference).actor(f.form.target)
        if entry is not None and entry.type == ActorType.state and entry.country:
            return entry.country
    return None


def _possessive_owner(d: _Discoveries, piece: list) -> str | None:
    """ "China's Equipment Development Department": the country that owns the named body."""
    first = piece[0]
    if first.i >= 2 and first.doc[first.i - 1].text in _POSSESSIVE_TOKENS:
        owner = first.doc[first.i - 2]
        return _country_inside(d, d.covering(owner.idx, owner.idx + len(owner.text))) or d.country_of_discovered(owner.idx)
    return None


def _coordinated_kind(d: _Discoveries, root) -> ActorType | None:
    """ "targeted Gazprom Neft, Surgutneftegas, and their subsidiaries": a name coordinated with an
    organisation of a known kind is of that kind."""
    partners = [root.head] if root.dep_ in ("conj", "appos") and root.head.pos_ == "PROPN" else []
    partners += [c for c in root.children if c.dep_ in ("conj", "appos") and c.pos_ == "PROPN"]
    for partner in partners:
        first = partner
        while first.i > 0 and first.doc[first.i - 1].dep_ == "compound" and first.doc[first.i - 1].pos_ == "PROPN" \
                and first.doc[first.i - 1].head.i == partner.i:
            first = first.doc[first.i - 1]  # "Gazprom Neft": the name starts at its first word
        kind = d.kind_at(first.idx)
        if kind is not None and kind not in (ActorType.person, ActorType.state):
            return kind
    return None


def _role_country(d: _Discoveries, doc, role: str, start: int) -> str | None:
    """The country a role names ("U.S. Secretary of State", "Serbia's Deputy Prime Minister")."""
    window_start = max(0, start - len(role) - 4)
    return _country_inside(d, d.covering(window_start, start))


def _discover_country_bodies(d: _Discoveries, doc) -> None:
    """ "the Chinese military", "Serbia's army", "U.S. troops", "the Serbian Armed Forces", "the army of
    Serbia", "the Serbian government": a body of a named country (`lexicon.COUNTRY_BODIES`), one actor per
    country and body whichever noun the text uses; the mention spans the country and the noun."""
    for i in token_arrays(doc).where(lower=_BODY_NOUN_PREFIXES):
        token = doc[i]
        found = next(((n, body) for n, body in _BODY_NOUNS  # (a phrase starts with its first word's lower case)
                      if n.startswith(token.lower_) and doc[token.i : token.i + len(n.split())].text.lower() == n), None)
        if found is None:
            continue
        noun, body = found
        last = doc[token.i + len(noun.split()) - 1]
        if last.pos_ not in ("NOUN", "PROPN") or last.dep_ in ("amod", "compound"):
            continue  # "Russian military equipment": an adjective, not the forces
        span = _owner_before(d, doc, token, last) or _owner_after(d, doc, token, last)
        if span is not None:
            country, start, end = span
            d.add_body(country, body, d.text[start:end])


def _state_mention(d: _Discoveries, token) -> tuple[Found, str] | None:
    """The curated mention of a state that covers a token, and the state's country."""
    for f in d.covering(token.idx, token.idx + len(token.text)):
        entry = reference_index(d.reference).actor(f.form.target) if not f.form.is_weapon else None
        if entry is not None and entry.type == ActorType.state and entry.country:
            return f, entry.country
    return None


def _owner_before(d: _Discoveries, doc, first, last) -> tuple[str, int, int] | None:
    """ "the Serbian army", "Serbia's army": (country, start, end) of the phrase from the country on."""
    if first.i == 0:
        return None
    before = doc[first.i - 1]
    owner = doc[first.i - 2] if before.text in _POSSESSIVE_TOKENS and first.i >= 2 else before
    mention = _state_mention(d, owner)
    if mention is None or mention[0].end > first.idx:
        return None
    return mention[1], mention[0].start, last.idx + len(last.text)


def _owner_after(d: _Discoveries, doc, first, last) -> tuple[str, int, int] | None:
    """ "the army of Serbia", "the Government of the Philippines": (country, start, end)."""
    of = last.i + 1
    if of + 1 >= len(doc) or doc[of].lower_ != "of":
        return None
    owner = doc[of + 2] if doc[of + 1].lower_ == "the" and of + 2 < len(doc) else doc[of + 1]
    mention = _state_mention(d, owner)
    if mention is None or mention[0].start < doc[of].idx:
        return None
    return mention[1], first.idx, mention[0].end


def _discover_names_before_kind_nouns(d: _Discoveries, doc) -> None:
    """ "the Tanjug news agency", "the NIS oil company": a proper name that modifies a kind noun is
    an organisation of that kind, whether or not the entity recogniser saw it."""
    for i in token_arrays(doc).where(pos=["NOUN"], lower=_KIND_NOUN_WORDS):
        token = doc[i]
        phrase = f"{doc[token.i - 1].lower_} {token.lower_}" if token.i > 0 else token.lower_
        kind = ORGANISATION_NOUN_PHRASES.get(phrase) or ORGANISATION_NOUNS.get(token.lower_)
        if kind is None:
            continue
        names = [c for c in token.lefts if c.dep_ == "compound" and c.pos_ == "PROPN"]
        if not names:
            continue
        first, last = names[0], names[-1]
        while first.i > 0 and doc[first.i - 1].dep_ == "compound" and doc[first.i - 1].pos_ == "PROPN":
            first = doc[first.i - 1]
        piece = list(doc[first.i : last.i + 1])
        if any(t.pos_ != "PROPN" for t in piece):
            continue
        start, end = piece[0].idx, piece[-1].idx + len(piece[-1].text)
        name = d.text[start:end]
        if d.covering(start, end) or d.is_known(name) or any(ch.isdigit() for ch in name):
            continue
        d.add(name, kind, d.country_before(start), None, acronym=_acronym_after(d, doc, piece))


_BRACKETED = re.compile(r" \(([A-Z][A-Z0-9-]{1,7})\)")
_OPEN_BRACKET = re.compile(r" \(([A-Z][A-Z0-9-]{1,7})(?=[\s,.;:])")


def unclosed_acronym(text: str, end: int, known: set[str]) -> str | None:
    """ "the Naval Procurement Agency (NPA said …": an acronym after an opening bracket that its paragraph
    never closes (no ")" before the next "(" or the paragraph's end) is the name's acronym too. One that
    names a known actor ("(US officials …") is no acronym of the name but the start of an aside."""
    m = _OPEN_BRACKET.match(text, end)
    if m is None or fold(m.group(1)) in known:
        return None
    paragraph_end = text.find("\n", m.end())
    rest = text[m.end() : paragraph_end if paragraph_end >= 0 else len(text)]
    close, reopen = rest.find(")"), rest.find("(")
    return m.group(1) if close < 0 or 0 <= reopen < close else None


def _attach_acronyms(d: _Discoveries) -> None:
    """ "Defence Procurement Directorate (DPD)": the acronym in brackets after a discovered name."""
    actors = list(d.actors.values())
    where = occurrences(d.text, {form for actor in actors for form in actor.forms})
    for actor in actors:
        for form in sorted(actor.forms):
            for start in where.get(form, ()):
                bracket = _BRACKETED.match(d.text, start + len(form))
                acronym = bracket.group(1) if bracket else unclosed_acronym(d.text, start + len(form), d.known)
                if acronym and actor.actor_id in d.actors:
                    d.attach(actor, acronym)


def occurrences(text: str, forms: set[str]) -> dict[str, list[int]]:
    """Where each form occurs, as `re.finditer(re.escape(form), text)` finds it (left to right, not
    overlapping itself), for all forms in one pass over the text (one pass per form is quadratic
    when an article names thousands of actors)."""
    if not forms:
        return {}
    automaton = ahocorasick.Automaton()
    for form in forms:
        automaton.add_word(form, form)
    automaton.make_automaton()
    found: dict[str, list[int]] = {}
    free_from: dict[str, int] = {}
    for last, form in automaton.iter(text):
        start = last - len(form) + 1
        if start >= free_from.get(form, 0):
            found.setdefault(form, []).append(start)
            free_from[form] = last + 1
    return found


_OWNED_ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "agent", "dative"})


def _discover_owned_names(d: _Discoveries, doc) -> None:
    """ "bought the fuel from Poland's Orlen", "signed by Hungary's Kelor": a proper name a state owns ("<state>'s
    X"), taking part in a trade (`lexicon.TRADE_WORDS`: its verb or noun governs it), is a company of that state."""
    for i in token_arrays(doc).where(pos=["PROPN", "NOUN"]):
        first = doc[i]
        if i < 2 or doc[i - 1].text not in _POSSESSIVE_TOKENS or not first.text[:1].isupper():
            continue
        last = first
        while last.i + 1 < len(doc) and doc[last.i + 1].pos_ == "PROPN" and last.head.i == last.i + 1:
            last = doc[last.i + 1]
        start, end = first.idx, last.idx + len(last.text)
        name = d.text[start:end]
        if last.dep_ not in _OWNED_ARGUMENTS or last.ent_type_ == "PERSON" or d.covering(start, end) or d.is_known(name) \
                or d.forms.person_tails[fold(name)] > 0 or not _NAME_TOKEN.match(last.text):
            continue  # ("Turkey's Erdogan signed" after "Recep Tayyip Erdogan": a person's surname)
        governor = last.head
        while governor.pos_ == "ADP" and governor.head.i != governor.i:  # "signed … and by Hungary's Kelor"
            governor = governor.head
        country, parent = d.owner_of(start)
        if governor.lemma_.lower() in TRADE_WORDS and country and parent is None and _state_mention(d, doc[i - 2]):
            d.add(name, ActorType.company, country, None)


def _discover_coordinated_names(d: _Discoveries, doc) -> None:
    """ "oil giant Lukoil, Rosneft and …": a proper name coordinated with an organisation of a known
    kind, whether or not the entity recogniser saw it."""
    for i in token_arrays(doc).where(pos=["PROPN"], dep=_COORDINATION):
        token = doc[i]
        if any(c.dep_ == "compound" for c in token.rights):
            continue
        first = token
        while first.i > 0 and doc[first.i - 1].dep_ == "compound" and doc[first.i - 1].pos_ == "PROPN":
            first = doc[first.i - 1]
        piece = list(doc[first.i : token.i + 1])
        if token.ent_type_ == "PERSON" or any(t.lower_ in PERSON_TITLES for t in piece):
            continue  # "Gazprom Neft, its CEO Alexander Dyukov": a person in apposition, not a partner
        kind = _coordinated_kind(d, token)
        start, end = piece[0].idx, piece[-1].idx + len(piece[-1].text)
        name = d.text[start:end]
        if kind is None or d.covering(start, end) or d.is_known(name) or not _NAME_TOKEN.match(token.text):
            continue
        d.add(name, kind, d.country_before(start), None)


def _owner_bodies(d: _Discoveries, doc) -> None:
    """ "the U.S. Treasury's Office of Foreign Assets Control": a body owned by one of known country
    belongs to that country too, and one owned by an organisation is part of it (its role says so)."""
    owned = [a for a in d.actors.values() if a.actor_type != ActorType.person and not (a.country_iso3 and a.role)]
    where = occurrences(d.text, {form for actor in owned for form in actor.forms})
    tokens = _TokenIndex(doc) if where else None
    for actor in owned:
        for form in sorted(actor.forms):
            for start in where.get(form, ()):
                country, parent = d.owner_of(start)
                if country is None and d.text[max(0, start - 3) : start] in ("'s ", "’s "):
                    owner = tokens.owner_before(start - 3)
                    if owner is not None:
                        country = _country_inside(d, d.covering(owner.idx, owner.idx + len(owner.text))) \
                            or d.country_of_discovered(owner.idx) or d.country_owning(owner)
                actor.country_iso3 = actor.country_iso3 or country
                if parent and not actor.role and parent != actor.name:
                    actor.role = f"part of {parent}"


def _apposition_countries(d: _Discoveries, doc) -> None:
    """ "Turkey's procurement agency, the Presidency of Naval Industries", "Rostekhimport, Russia's arms
    exporter": an organisation in apposition to a noun that a state owns or qualifies is of that state."""
    lacking = [a for a in d.actors.values() if a.actor_type != ActorType.person and not a.country_iso3]
    where = occurrences(d.text, {form for actor in lacking for form in actor.forms})
    for actor in lacking:
        for form in sorted(actor.forms):
            for start in where.get(form, ()):
                span = doc.char_span(start, start + len(form), alignment_mode="expand")
                if span is None or not len(span) or actor.country_iso3:
                    continue
                root = span.root
                nouns = [root.head] if root.dep_ == "appos" else []
                nouns += [c for c in root.children if c.dep_ == "appos"]
                for noun in (n for n in nouns if n.pos_ == "NOUN"):
                    for child in (c for c in noun.children if c.dep_ in ("poss", "amod", "compound", "nmod")):
                        found = _state_mention(d, child)
                        actor.country_iso3 = actor.country_iso3 or (found[1] if found else None)


def _role_countries(d: _Discoveries) -> None:
    """ "SSB’s president Ismail Demir", "an analyst at the Belgrade Centre for Security Policy": a person
    whose role names an organisation of a known country is of that country (a state counts only before
    the title word: the "US ambassador in Manila" is American, the "ambassador to Russia" not Russian)."""
    index = reference_index(d.reference)
    for person in d.actors.values():
        if person.actor_type != ActorType.person or person.country_iso3 or not person.role:
            continue
        role = person.role
        title = next((w.start() for w in _ROLE_WORD.finditer(role) if _bare_title(w.group()) in PERSON_TITLES), len(role))
        named: list[tuple[int, str]] = []
        for start, end, surface in d.matcher.candidates(role):
            for form in d.matcher.forms[surface]:
                entry = None if form.is_weapon or form.blocked else index.actor(form.target)
                if entry and entry.country and entry.type != ActorType.person and (entry.type != ActorType.state or end <= title):
                    named.append((start, entry.country))
        for actor in d.actors.values():
            if actor.actor_type != ActorType.person and actor.country_iso3:
                for form in actor.forms | actor.acronyms:
                    at = role.find(form)
                    if at >= 0 and bounded(role, at, at + len(form)):
                        named.append((at, actor.country_iso3))
        if named:
            person.country_iso3 = min(named)[1]


class _TokenIndex:
    """The parse's tokens by offset."""

    def __init__(self, doc):
        self.doc = doc
        arrays = token_arrays(doc)
        self.starts = arrays.idx.tolist()
        self.reach = (arrays.idx + arrays.length + 2).tolist()  # grows with the index: tokens do not overlap

    def owner_before(self, offset: int):
        """The first token with t.idx <= offset < t.idx + len(t.text) + 2 that is no possessive mark."""
        for i in range(bisect.bisect_right(self.reach, offset), len(self.starts)):
            if self.starts[i] > offset:
                break
            if self.doc[i].text not in _POSSESSIVE_TOKENS:
                return self.doc[i]
        return None
