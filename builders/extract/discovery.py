"""Actors the reference base lacks, discovered only with evidence in the text.

First by patterns over runs of capitalised words: a title before a name ("Defence Minister X"), an
apposition ("X, an analyst at Y"), an attribution ("X said"), an organisation head word ("…
Ministry of …") or a kind noun ("oil company NIS"); then from the parse's named entities, kept with
the same kinds of evidence read from the dependency tree, a kind noun after the name ("the Tanjug
news agency"), coordination with an organisation of known kind, or a person's name as an argument
of a verb; and a country's bodies named by an agent noun ("the Chinese military", "Serbia's armed
forces", "the Serbian government": one actor per country and body, `lexicon.COUNTRY_BODIES`).
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
    CountryBody,
    COUNTRY_BODIES,
    FUNCTION_WORDS,
    GENERIC_ORGANISATION_WORDS,
    KIND_SECTORS,
    MONTH_NAMES,
    ORGANISATION_HEADS,
    ORGANISATION_NOUN_PHRASES,
    ORGANISATION_NOUNS,
    PERSON_TITLES,
    PLACE_NAME_HEADS,
    PLACE_NOUNS,
    PLACE_WORDS,
    SPEAKER_FOLLOWS_FORMS,
    SPEECH_FORMS,
    SPEECH_LEMMAS,
    WEEKDAYS,
    alternation,
    fold,
)
from .matching import Found, Matcher, country_before, suffixes
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
APPOSITION_AFTER = re.compile(r"^,\s+(?:a|an|the)\s+([a-z][^,.;:“\"]{2,80}?)(?=,|\.|;| who\b| said\b)")
_CAP_START = "A-ZÀ-ÖØ-ÞĀ-ſ"
_CAP = rf"[{_CAP_START}][\w'’-]*"
_ORG_AFTER_NOUN = re.compile(
    rf"\b(?P<noun>{'|'.join(ORGANISATION_NOUNS)}),? +(?P<name>{_CAP}(?: +{_CAP}){{0,3}})"
)
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

    def country_of_discovered(self, offset: int) -> str | None:
        actor = self._owner_of_prefix(self.text[offset:offset + 80])
        return actor.country_iso3 if actor else None

    def add(self, name: str, actor_type: ActorType, country: str | None, role: str | None, country_in_name: bool = False,
            acronym: str | None = None) -> None:
        name = surface = _POSSESSIVE.sub("", name.strip(" ,"))
        if "\n" in name or not name:
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
        _discover_country_bodies(discoveries, doc)
        _owner_countries(discoveries, doc)
        _attach_acronyms(discoveries)
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
    name = _person_name(_strip_leading(run, known, text), known)
    if not name:
        return
    name_text = text[name[0].start : name[-1].end]
    after = text[name[-1].end : name[-1].end + 120]
    before = text[max(0, name[0].start - 40) : name[0].start]
    # 2. a lower-case title right before the name: "political scientist Milan Ilić", "Its director, X"
    lower_title = re.search(r"\b([a-z]+(?: [a-z]+)?),?\s+$", before)
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


def _discover_organisations_after_nouns(d: _Discoveries) -> None:
    """Organisations named after a kind noun: "oil company NIS", "the daily Politika"."""
    for m in _ORG_AFTER_NOUN.finditer(d.text):
        name_start, name_end = m.span("name")
        if d.covering(name_start, name_end):
            continue
        name = m.group("name")
        if fold(name.split()[0]) in _FUNCTION_OR_CALENDAR:
            continue
        d.add(name, ORGANISATION_NOUNS[m.group("noun").casefold()], d.country_before(m.start()), None)


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
    """Organisations by head word: "Ministry of Defence", "Belgrade Centre for Security Policy"."""
    text, reference = d.text, d.reference
    for m in _ORG.finditer(text):
        tokens = [_Token(t.start() + m.start(), t.end() + m.start(), t.group()) for t in _WORD.finditer(m.group())]
        while tokens and (tokens[0].bare.casefold() in _FUNCTION_OR_CALENDAR or _POSSESSIVE.search(tokens[0].text)):
            tokens.pop(0)
        calendar = next((i for i, t in enumerate(tokens) if t.bare.casefold() in _CALENDAR), None)
        if calendar is not None:  # "the Trade Ministry on Monday": the name ends before the connector
            tokens = tokens[:calendar]
            while tokens and tokens[-1].bare.casefold() in FUNCTION_WORDS:
                tokens.pop()
        if not tokens:
            continue
        tokens = _without_person_after(tokens, text)
        inside = d.covering(tokens[0].start, tokens[-1].end)
        if any(f.form.blocked or f.form.is_weapon or _is_organisation_or_person(reference, f) for f in inside):
            continue  # a known organisation ("U.S. Embassy in Belgrade") or a non-actor phrase
        head = next((t for t in tokens if t.bare.casefold() in ORGANISATION_HEADS), None)
        if head is None or (len(tokens) == 1):
            continue  # a bare "Committee" names nothing
        org_name = text[tokens[0].start : tokens[-1].end]
        states = [reference_index(reference).actor(f.form.target) for f in inside]
        country_inside = next((e.country for e in states if e and e.type == ActorType.state and e.country), None)
        country = country_inside or d.country_before(tokens[0].start)
        d.add(org_name, ORGANISATION_HEADS[head.bare.casefold()], country, None, country_in_name=country_inside is not None)


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


def _acronym_after(doc, piece: list) -> str | None:
    """ "Equipment Development Department (EDD)": the acronym in brackets right after the name."""
    end = piece[-1].i + 1
    if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
        word = doc[end + 1].text
        if 2 <= len(word) <= 8 and word.replace("-", "").isalnum() and word.upper() == word and word[0].isalpha():
            return word
    return None


def _attributed(root) -> str | None:
    """How the name is a source of words: the subject of a verb of saying ("say"), the addressee of
    "tell" ("tell"), or "according to X"."""
    head = root.head
    if root.dep_ in ("nsubj", "nsubjpass") and head.lemma_ in SPEECH_LEMMAS:
        return head.lemma_
    if root.dep_ in ("dobj", "dative") and head.lemma_ in ("tell", "quote"):
        return head.lemma_
    if root.dep_ == "pobj" and head.lower_ == "to" and head.i > 0 and head.doc[head.i - 1].lower_ == "according":
        return "according to"
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
    acronym = _acronym_after(doc, piece)
    kind = _kind_from_nouns(doc, piece) or _org_head(piece)
    country = _country_inside(d, inside) or _possessive_owner(d, piece) or d.country_before(start)
    if kind is None and not inside and label == "PERSON" and _person_shaped(piece) and not _followed_by_place_word(doc, piece):
        role = _title_before(doc, piece)
        if role or root.dep_ in PERSON_ARGUMENTS or _attributed(root):
            d.add(name, ActorType.person, _role_country(d, doc, role, start) if role else None, role)
        return
    attributed = _attributed(root)
    if kind is None and attributed:
        kind = ActorType.media_outlet if attributed in ("report", "tell", "according to") else ActorType.other
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
        d.add(name, kind, d.country_before(start), None, acronym=_acronym_after(doc, piece))


_BRACKETED = re.compile(r" \(([A-Z][A-Z0-9-]{1,7})\)")


def _attach_acronyms(d: _Discoveries) -> None:
    """ "Defence Procurement Directorate (DPD)": the acronym in brackets after a discovered name."""
    actors = list(d.actors.values())
    where = occurrences(d.text, {form for actor in actors for form in actor.forms})
    for actor in actors:
        for form in sorted(actor.forms):
            for start in where.get(form, ()):
                bracket = _BRACKETED.match(d.text, start + len(form))
                if bracket and actor.actor_id in d.actors:
                    d.attach(actor, bracket.group(1))


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


def _owner_countries(d: _Discoveries, doc) -> None:
    """ "the U.S. Treasury's Office of Foreign Assets Control": a body owned by one of known country
    belongs to that country too."""
    owned = [a for a in d.actors.values() if not (a.country_iso3 or a.actor_type == ActorType.person)]
    where = occurrences(d.text, {form for actor in owned for form in actor.forms})
    tokens = _TokenIndex(doc) if where else None
    for actor in d.actors.values():
        if actor.country_iso3 or actor.actor_type == ActorType.person:
            continue
        for form in actor.forms:
            for start in where.get(form, ()):
                before = d.text[max(0, start - 3) : start]
                if before not in ("'s ", "’s "):
                    continue
                owner = tokens.owner_before(start - 3)
                if owner is not None:
                    actor.country_iso3 = _country_inside(d, d.covering(owner.idx, owner.idx + len(owner.text))) or d.country_of_discovered(owner.idx) or d.country_owning(owner)


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
