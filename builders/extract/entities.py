"""Actors and weapon systems in an article: mentions with offsets, and actors the reference lacks.

Mentions come from one Aho-Corasick automaton over every curated surface form (names, aliases,
titles, metonyms, demonyms, short forms, weapon designations), resolved leftmost-longest with word
boundaries, so "US State Department" is the State Department and not the US plus a department.
Short forms (a person's surname, "the embassy") count only after the actor was named in the same
article. Capitals count as metonyms except where the text uses them as places ("in Belgrade").

People and organisations missing from the reference are discovered by rules that need evidence
in the text: a title before a name ("Defence Minister X"), an apposition ("X, an analyst at Y"),
an attribution ("X said"), or an organisation head word ("… Ministry of …"). Capitalised words
without such evidence (sentence starts, headlines, months, places, designations) are not actors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import ahocorasick

from ..inputs.reference import ActorEntry, Reference
from ..schema.models import (
    ActorMention,
    ActorType,
    Article,
    MentionKind,
    Method,
    WeaponSystemMention,
)
from .ids import row_id, slug
from .lexicon import (
    DESIGNATION_PREFIXES,
    FUNCTION_WORDS,
    GENERIC_ORGANISATION_WORDS,
    LOCATIVE_WORDS,
    MONTH_NAMES,
    MOVEMENT_WORDS,
    ORGANISATION_HEADS,
    ORGANISATION_NOUNS,
    PERSON_TITLES,
    PLACE_NOUNS,
    PLACE_WORDS,
    SPEECH_VERBS_AFTER_NAME,
    SPEECH_VERBS_BEFORE_NAME,
    WEAPON_NOUNS,
    WEEKDAYS,
    alternation,
    fold,
)


@dataclass(frozen=True)
class Form:
    """A surface form and what it names."""

    target: str  # actor or weapon system id
    is_weapon: bool
    kind: MentionKind | None  # None for weapon systems
    needs_prior: bool = False  # counts only after the target was named in the same article
    metonym: bool = False
    titles_from: object = None  # a date: titles do not apply to articles published before it
    blocked: bool = False  # a non-actor phrase: consumes the text, yields no mention


@dataclass(frozen=True)
class Found:
    start: int
    end: int
    surface: str
    form: Form


@dataclass
class DiscoveredActor:
    """An actor found by rule in one article; `forms` are its full-name surface forms."""

    actor_id: str
    name: str
    actor_type: ActorType
    country_iso3: str | None = None
    role: str | None = None
    forms: set[str] = field(default_factory=set)


@dataclass
class DiscoveredWeapon:
    weapon_system_id: str
    designation: str
    origin_country_iso3: str | None = None


@dataclass
class ArticleEntities:
    """What this stage produces for one article."""

    actor_mentions: list[ActorMention]
    weapon_mentions: list[WeaponSystemMention]
    discovered_actors: list[DiscoveredActor]
    discovered_weapons: list[DiscoveredWeapon]
    found: list[Found]  # every selected mention, in text order (used by later stages)


def _name_kind(entry: ActorEntry, alias: str) -> MentionKind:
    def bare(s: str) -> str:
        return fold(re.sub(r"^the\s+", "", s, flags=re.IGNORECASE))

    if bare(alias) == bare(entry.name):
        return MentionKind.name
    if entry.type == ActorType.person:
        return MentionKind.name if len(alias.split()) >= 2 else MentionKind.short_name
    return MentionKind.alias


def _with_capital(surface: str) -> list[str]:
    """A form written in lower case also occurs capitalised at a sentence start."""
    return [surface, surface[0].upper() + surface[1:]] if surface[:1].islower() else [surface]


def _surname_forms(entry: ActorEntry) -> set[str]:
    return {name.split()[-1] for name in (entry.name, *entry.aliases) if len(name.split()) >= 2}


class Matcher:
    """Every curated surface form in one automaton; built once per reference."""

    def __init__(self, reference: Reference):
        self.reference = reference
        self.forms: dict[str, list[Form]] = {}
        for entry in reference.actors:
            self._add(entry.name, Form(entry.id, False, MentionKind.name))
            for alias in entry.aliases:
                self._add(alias, Form(entry.id, False, _name_kind(entry, alias)))
            for title in entry.titles:
                self._add(title, Form(entry.id, False, MentionKind.title, titles_from=entry.titles_from))
            for metonym in entry.metonyms:
                self._add(metonym, Form(entry.id, False, MentionKind.metonym, metonym=True))
            for demonym in entry.demonyms:
                self._add(demonym, Form(entry.id, False, MentionKind.demonym))
            for short in entry.short_forms:
                self._add(short, Form(entry.id, False, _name_kind(entry, short), needs_prior=True))
            if entry.type == ActorType.person:
                for surname in _surname_forms(entry):
                    self._add(surname, Form(entry.id, False, MentionKind.short_name, needs_prior=True))
        for weapon in reference.weapons:
            for surface in (weapon.designation, *weapon.aliases):
                self._add(surface, Form(weapon.id, True, None))
                self._add(surface + "s", Form(weapon.id, True, None))  # plural: "S-400s"
        for phrase in reference.not_actors:
            self._add(phrase, Form("", False, None, blocked=True))

    def _add(self, surface: str, form: Form) -> None:
        for variant in _with_capital(surface):
            forms = self.forms.setdefault(variant, [])
            same = [f for f in forms if f.target == form.target]
            if same and not same[0].needs_prior:
                continue  # an unconditional form of the same target is already there
            if same:
                forms.remove(same[0])
            forms.append(form)

    @cached_property
    def automaton(self) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for surface in self.forms:
            automaton.add_word(surface, surface)
        automaton.make_automaton()
        return automaton

    @cached_property
    def folded_forms(self) -> set[str]:
        return {fold(s) for s in self.forms}

    def candidates(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        if not self.forms:
            return out
        for last, surface in self.automaton.iter(text):
            start = last - len(surface) + 1
            if _bounded(text, start, last + 1):
                out.append((start, last + 1, surface))
        return out


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_")


_LOCATIVE_BEFORE = re.compile(
    rf"(?:\b(?:{alternation(LOCATIVE_WORDS)})"
    rf"|\b(?:{alternation(MOVEMENT_WORDS)}) (?:to|in|at))\s+$",
    re.IGNORECASE,
)


def _is_place_use(text: str, start: int) -> bool:
    return bool(_LOCATIVE_BEFORE.search(text[max(0, start - 40) : start]))


# --- discovery of actors missing from the reference -----------------------------------------------

_WORD = re.compile(r"[^\W\d_][\w'’.-]*[\w]|[^\W\d_]")
_POSSESSIVE = re.compile(r"['’]s$")
_FUNCTION_OR_CALENDAR = frozenset(FUNCTION_WORDS | MONTH_NAMES | set(WEEKDAYS))
_NOT_NAME_WORDS = frozenset(_FUNCTION_OR_CALENDAR | PERSON_TITLES | PLACE_WORDS)
ATTRIBUTION_AFTER = re.compile(rf"^\s*(?:{alternation(SPEECH_VERBS_AFTER_NAME)})\b")
ATTRIBUTION_BEFORE = re.compile(rf"\b(?:{alternation(SPEECH_VERBS_BEFORE_NAME)})\s+$")
APPOSITION_AFTER = re.compile(r"^,\s+(?:a|an|the)\s+([a-z][^,.;:“\"]{2,80}?)(?=,|\.|;| who\b| said\b)")
_CAP = r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’-]*"
_ORG_AFTER_NOUN = re.compile(
    rf"\b(?P<noun>{'|'.join(ORGANISATION_NOUNS)}),?\s+(?P<name>{_CAP}(?:\s+{_CAP}){{0,3}})"
)
_ORG = re.compile(
    rf"(?:{_CAP}(?:\s+and)?\s+){{0,4}}(?:{'|'.join(h.capitalize() for h in ORGANISATION_HEADS)})\b"
    rf"(?:\s+(?:of|for|on)\s+(?:the\s+)?{_CAP}(?:\s+(?:and\s+)?{_CAP}){{0,4}})?"
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
        if not _capitalised(word):  # any other word ends the run; no token is made for it
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
    if (
        2 <= len(tokens) <= 4
        and all(_is_name_token(t, known) for t in tokens)
        and "." not in tokens[-1].text
        and not any(t.bare.casefold() in ORGANISATION_HEADS for t in tokens)
    ):
        return tokens
    return None


def _suffixes(name: str) -> list[str]:
    """Proper token suffixes of a person's name: 'Đedović Handanović', 'Handanović'."""
    tokens = name.split()
    return [" ".join(tokens[i:]) for i in range(1, len(tokens))]


def _country_before(found: list[Found], start: int, text: str, reference: Reference) -> str | None:
    """Country of a state named (or its demonym) right before `start`: "Serbia's Defence Minister"."""
    for mention in reversed(found):
        if mention.end <= start:
            between = text[mention.end : start]
            if len(between) <= 40 and not re.search(r"[,.;:]", between) and not mention.form.is_weapon:
                entry = reference.actor(mention.form.target)
                if entry and entry.type == ActorType.state:
                    return entry.country
            return None
    return None


class _Discoveries:
    """The actors discovered in one article so far, and what discovery needs to know."""

    def __init__(self, text: str, found: list[Found], matcher: Matcher):
        self.text, self.found = text, found
        self.known = matcher.folded_forms
        self.reference = matcher.reference
        self.actors: dict[str, DiscoveredActor] = {}

    def covering(self, start: int, end: int) -> list[Found]:
        return [f for f in self.found if f.start < end and start < f.end]

    def country_before(self, start: int) -> str | None:
        return _country_before(self.found, start, self.text, self.reference)

    def add(self, name: str, actor_type: ActorType, country: str | None, role: str | None, country_in_name: bool = False) -> None:
        qualify = country and actor_type != ActorType.person and not country_in_name and _is_generic(name)
        actor_id = slug(f"{country} {name}") if qualify else slug(name)
        if self.reference.actor(actor_id) or fold(name) in self.known:
            return
        if actor_type == ActorType.person and any(
            fold(name) in {fold(s) for s in _suffixes(a.name)} for a in self.actors.values() if a.actor_type == ActorType.person
        ):
            return  # "Đedović Handanović" after "Dubravka Đedović Handanović": a short form, not a new person
        actor = self.actors.setdefault(actor_id, DiscoveredActor(actor_id, name, actor_type, country, role))
        actor.forms.add(name)
        actor.country_iso3 = actor.country_iso3 or country
        actor.role = actor.role or role


def discover_actors(text: str, found: list[Found], matcher: Matcher) -> list[DiscoveredActor]:
    """People and organisations the reference base lacks, each backed by textual evidence."""
    discoveries = _Discoveries(text, found, matcher)
    for run in _capitalised_runs(text):
        run = [t for t in run if not discoveries.covering(t.start, t.end)]
        if run:
            _discover_person(discoveries, run)
    _discover_organisations_after_nouns(discoveries)
    _discover_organisations_by_head(discoveries)
    return sorted(discoveries.actors.values(), key=lambda a: a.actor_id)


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
            d.add(text[name[0].start : name[-1].end], ActorType.person, d.country_before(run[first_role].start), role)
        return
    name = _person_name(_strip_leading(run, known), known)
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
        d.add(name_text, ActorType.person, None, None)


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


def _discover_organisations_by_head(d: _Discoveries) -> None:
    """Organisations by head word: "Ministry of Defence", "Belgrade Centre for Security Policy"."""
    text, reference = d.text, d.reference
    for m in _ORG.finditer(text):
        tokens = [_Token(t.start() + m.start(), t.end() + m.start(), t.group()) for t in _WORD.finditer(m.group())]
        while tokens and (tokens[0].bare.casefold() in _FUNCTION_OR_CALENDAR or _POSSESSIVE.search(tokens[0].text)):
            tokens.pop(0)
        if not tokens:
            continue
        inside = d.covering(tokens[0].start, tokens[-1].end)
        if any(f.form.blocked or f.form.is_weapon or _is_organisation_or_person(reference, f) for f in inside):
            continue  # a known organisation ("U.S. Embassy in Belgrade") or a non-actor phrase
        head = next((t for t in tokens if t.bare.casefold() in ORGANISATION_HEADS), None)
        if head is None or (len(tokens) == 1):
            continue  # a bare "Committee" names nothing
        org_name = text[tokens[0].start : tokens[-1].end]
        states = [reference.actor(f.form.target) for f in inside]
        country_inside = next((e.country for e in states if e and e.type == ActorType.state and e.country), None)
        country = country_inside or d.country_before(tokens[0].start)
        d.add(org_name, ORGANISATION_HEADS[head.bare.casefold()], country, None, country_in_name=country_inside is not None)


def _is_generic(name: str) -> bool:
    """'Ministry of Defence' names one body per country, so its id carries the country."""
    words = [w.casefold() for w in re.findall(r"[^\W\d_]+", name)]
    return all(w in ORGANISATION_HEADS or w in GENERIC_ORGANISATION_WORDS for w in words)


def _is_organisation_or_person(reference: Reference, found: Found) -> bool:
    entry = reference.actor(found.form.target)
    return entry is not None and entry.type != ActorType.state


def _strip_leading(run: list[_Token], known: set[str]) -> list[_Token]:
    i = 0
    while i < len(run) and (run[i].bare.casefold() in _FUNCTION_OR_CALENDAR or fold(run[i].bare) in known):
        i += 1
    return run[i:]


# --- weapon designations missing from the reference -----------------------------------------------

_DESIGNATION = re.compile(rf"(?<![\w-])((?:{alternation(DESIGNATION_PREFIXES)})-\d{{1,3}}[A-Z]{{0,2}}\d?)(?![\w-])")
_WEAPON_NOUN = re.compile(rf"\b(?:{alternation(WEAPON_NOUNS)})\b", re.IGNORECASE)


def discover_weapons(text: str, found: list[Found], reference: Reference) -> list[DiscoveredWeapon]:
    covered = [(f.start, f.end) for f in found if f.form.is_weapon]
    out: dict[str, DiscoveredWeapon] = {}
    known = {fold(s) for w in reference.weapons for s in (w.designation, *w.aliases)}
    for m in _DESIGNATION.finditer(text):
        designation = m.group(1)
        if fold(designation) in known or any(s < m.end() and m.start() < e for s, e in covered):
            continue
        clause_after = re.split(r"[.;:!?]", text[m.end() : m.end() + 80], maxsplit=1)[0]
        clause_before = re.split(r"[.;:!?,]", text[max(0, m.start() - 60) : m.start()])[-1]
        window_after = " ".join(clause_after.split()[:6])
        window_before = " ".join(clause_before.split()[-4:])
        if not (_WEAPON_NOUN.search(window_after) or _WEAPON_NOUN.search(window_before)):
            continue  # "G-20" or "COVID-19": a designation-like token that names no weapon
        weapon_id = slug(designation)
        if any(w.id == weapon_id for w in reference.weapons):
            continue
        origin = _country_before(found, m.start(), text, reference)
        out.setdefault(weapon_id, DiscoveredWeapon(weapon_id, designation, origin))
    return sorted(out.values(), key=lambda w: w.weapon_system_id)


# --- selection --------------------------------------------------------------------------------------


def _select(text: str, candidates: list[tuple[int, int, Form]], published) -> list[Found]:
    """Leftmost-longest, non-overlapping; short forms only after a full mention of the same target."""
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), c[2].needs_prior))
    named: set[str] = set()
    out: list[Found] = []
    end_of_last = -1
    for start, end, form in candidates:
        if start < end_of_last:
            continue
        if form.needs_prior and form.target not in named:
            continue
        if form.metonym and _is_place_use(text, start):
            continue
        if form.titles_from and published is not None and published < form.titles_from:
            continue
        out.append(Found(start, end, text[start:end], form))
        end_of_last = end
        if form.kind not in (MentionKind.metonym, MentionKind.demonym):
            named.add(form.target)
    # a title right before the name of the same person is one mention: "Serbian President Aleksandar Vučić"
    return [
        f
        for i, f in enumerate(out)
        if not (
            f.form.kind == MentionKind.title
            and i + 1 < len(out)
            and out[i + 1].form.target == f.form.target
            and text[f.end : out[i + 1].start] == " "
        )
    ]


def _forms_at(matcher: Matcher, text: str) -> list[tuple[int, int, Form]]:
    out = []
    for start, end, surface in matcher.candidates(text):
        for form in matcher.forms[surface]:
            out.append((start, end, form))
    return out


def _discovered_candidates(text: str, actors: list[DiscoveredActor], weapons: list[DiscoveredWeapon]) -> list[tuple[int, int, Form]]:
    out = []
    for actor in actors:
        surfaces = {s: MentionKind.name for s in actor.forms}
        if actor.actor_type == ActorType.person:
            for s in actor.forms:
                for suffix in _suffixes(s):
                    surfaces.setdefault(suffix, MentionKind.short_name)
        for surface, kind in surfaces.items():
            for m in re.finditer(re.escape(surface), text):
                if _bounded(text, m.start(), m.end()):
                    form = Form(actor.actor_id, False, kind, needs_prior=kind == MentionKind.short_name)
                    out.append((m.start(), m.end(), form))
    for weapon in weapons:
        for m in re.finditer(re.escape(weapon.designation) + "s?", text):
            if _bounded(text, m.start(), m.end()):
                out.append((m.start(), m.end(), Form(weapon.weapon_system_id, True, None)))
    return out


def find_entities(article: Article, matcher: Matcher) -> ArticleEntities:
    text = article.text
    curated = _forms_at(matcher, text)
    found = _select(text, list(curated), article.published_date)
    actors = discover_actors(text, found, matcher)
    weapons = discover_weapons(text, found, matcher.reference)
    if actors or weapons:
        found = _select(text, curated + _discovered_candidates(text, actors, weapons), article.published_date)
    found = [f for f in found if not f.form.blocked]
    actor_rows, weapon_rows = [], []
    for f in found:
        if f.form.is_weapon:
            weapon_rows.append(
                WeaponSystemMention(
                    mention_id=row_id(article.article_id, "w", len(weapon_rows) + 1), article_id=article.article_id,
                    weapon_system_id=f.form.target, start=f.start, end=f.end, surface=f.surface, method=Method.rule,
                )
            )
        else:
            actor_rows.append(
                ActorMention(
                    mention_id=row_id(article.article_id, "m", len(actor_rows) + 1), article_id=article.article_id,
                    actor_id=f.form.target, start=f.start, end=f.end, surface=f.surface,
                    mention_kind=f.form.kind, method=Method.rule,
                )
            )
    mentioned_actors = {m.actor_id for m in actor_rows}
    mentioned_weapons = {m.weapon_system_id for m in weapon_rows}
    return ArticleEntities(
        actor_mentions=actor_rows,
        weapon_mentions=weapon_rows,
        discovered_actors=[a for a in actors if a.actor_id in mentioned_actors],
        discovered_weapons=[w for w in weapons if w.weapon_system_id in mentioned_weapons],
        found=found,
    )
