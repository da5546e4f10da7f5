"""Mentions of curated actors and weapon systems: every surface form of the reference in one
Aho-Corasick automaton, resolved leftmost-longest on word boundaries, so "US State Department" is
the State Department and not the US plus a department. Short forms (a person's surname, "the
embassy") count only after the actor was named in the same article; capitals count as metonyms
except where the text uses them as places ("in Belgrade"). A body's name is also matched with its head
word in lower case ("US State department"), and is another state's body when that state is named right
before it ("the Chinese Defense Department").
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

import ahocorasick

from ..inputs.reference import ActorEntry, Reference
from ..schema.models import ActorType, MentionKind
from .lexicon import FUNCTION_WORDS, LOCATIVE_WORDS, MOVEMENT_WORDS, ORGANISATION_HEADS, alternation, fold
from .reference_index import reference_index


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


def _name_kind(entry: ActorEntry, alias: str) -> MentionKind:
    def bare(s: str) -> str:
        return fold(re.sub(r"^the\s+", "", s, flags=re.IGNORECASE))

    if bare(alias) == bare(entry.name):
        return MentionKind.name
    if entry.type == ActorType.person:
        return MentionKind.name if len(alias.split()) >= 2 else MentionKind.short_name
    return MentionKind.alias


def with_capital(surface: str) -> list[str]:
    """A form written in lower case also occurs capitalised at a sentence start, and a form with an
    apostrophe occurs with the typographic one and the straight one ("Serbia's", "Serbia’s")."""
    forms = [surface, surface[0].upper() + surface[1:]] if surface[:1].islower() else [surface]
    for form in list(forms):
        for a, b in (("'", "’"), ("’", "'")):
            if a in form and form.replace(a, b) not in forms:
                forms.append(form.replace(a, b))
    return forms


def lower_head(surface: str) -> str | None:
    """ "US State department", "U.S. congress": a body's name as copy also writes it, its last word (an
    organisation's head word: ORGANISATION_HEADS) in lower case after capitalised words; None when the
    name does not end in such a word or has no capitalised word before it."""
    words = surface.split(" ")
    if len(words) < 2 or words[-1].lower() not in ORGANISATION_HEADS or not words[-1][:1].isupper() or not words[-2][:1].isupper():
        return None
    return " ".join([*words[:-1], words[-1].lower()])


def folded_weapon_forms(reference: Reference) -> set[str]:
    """The folded designations and aliases of the curated weapon systems."""
    return {fold(s) for w in reference.weapons for s in (w.designation, *w.aliases)}


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
            if entry.type not in (ActorType.person, ActorType.state):
                for surface in (entry.name, *entry.aliases):
                    if (variant := lower_head(surface)) is not None and variant not in self.forms:
                        self._add(variant, Form(entry.id, False, _name_kind(entry, variant)))
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
        for variant in with_capital(surface):
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

    @cached_property
    def folded_weapon_forms(self) -> set[str]:
        return folded_weapon_forms(self.reference)

    def candidates(self, text: str) -> list[tuple[int, int, str]]:
        out = []
        if not self.forms:
            return out
        for last, surface in self.automaton.iter(text):
            start = last - len(surface) + 1
            if bounded(text, start, last + 1):
                out.append((start, last + 1, surface))
        return out


def bounded(text: str, start: int, end: int) -> bool:
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


def suffixes(name: str) -> list[str]:
    """Proper token suffixes of a person's name: 'Đedović Handanović', 'Handanović'."""
    tokens = name.split()
    return [" ".join(tokens[i:]) for i in range(1, len(tokens))]


def country_before(found: list[Found], start: int, text: str, reference: Reference) -> str | None:
    """Country of a state named (or its demonym) right before `start`, in the same noun phrase:
    "Serbia's Defence Minister", "Russian energy giant Gazprom Neft" (not "Russian-owned NIS")."""
    index = _index_of(found, text)
    i = index.last_ending_by(start)
    if i is None:
        return None
    mention = found[i]
    if index.noun_phrase_gap(i, start) and not mention.form.is_weapon:
        between = text[mention.end : start]
        if not (set(between.split()) & FUNCTION_WORDS):
            entry = reference_index(reference).actor(mention.form.target)
            if entry and entry.type == ActorType.state:
                return entry.country
    return None


class _MentionIndex:
    """What `country_before` asks of one list of mentions in one text, many times over: the last
    mention ending by an offset (bisection on the ends when they grow along the list, as in
    `select`'s output), and where a noun-phrase gap after a mention may end (read once per mention:
    the gap after a mention followed by a long word is not read again for every later offset)."""

    def __init__(self, found: list[Found], text: str):
        self.found, self.text, self.size = found, text, len(found)
        ends = [f.end for f in found]
        self.ends = ends if all(a <= b for a, b in pairwise(ends)) else None
        self.gaps: dict[int, list[tuple[int, int]]] = {}

    def last_ending_by(self, start: int) -> int | None:
        if self.ends is not None:
            i = bisect.bisect_right(self.ends, start) - 1
            return i if i >= 0 else None
        return next((i for i in range(len(self.found) - 1, -1, -1) if self.found[i].end <= start), None)

    def noun_phrase_gap(self, i: int, start: int) -> bool:
        """_NOUN_PHRASE_GAP.fullmatch(text[found[i].end:start])."""
        if i not in self.gaps:
            self.gaps[i] = _gap_ends(self.text, self.found[i].end)
        return any(first <= start <= last for first, last in self.gaps[i])


_last_index: list[_MentionIndex] = []  # the index of the last list asked about (it keeps the list alive)


def _index_of(found: list[Found], text: str) -> _MentionIndex:
    if not _last_index or _last_index[0].found is not found or _last_index[0].text is not text or _last_index[0].size != len(found):
        _last_index[:] = [_MentionIndex(found, text)]
    return _last_index[0]


_SPACES = re.compile(r" +")
_LOWER_WORD = re.compile(r"[a-z][a-z-]*")


def _gap_ends(text: str, at: int) -> list[tuple[int, int]]:
    """The (first, last) ranges of offsets `end` for which _NOUN_PHRASE_GAP fullmatches text[at:end]:
    "'s" alone; or an optional "'s", spaces, then up to three lower-case words each followed by
    spaces (a match may end anywhere inside a run of spaces)."""
    ends = []
    if text.startswith(("'s", "’s"), at):
        ends.append((at + 2, at + 2))
        at += 2
    for words in range(4):
        spaces = _SPACES.match(text, at)
        if spaces is None:
            break
        ends.append((at + 1, spaces.end()))
        word = _LOWER_WORD.match(text, spaces.end())
        if word is None or words == 3:
            break
        at = word.end()
    return ends


_NOUN_PHRASE_GAP = re.compile(r"(?:['’]s)? +(?:[a-z][a-z-]* +){0,3}|['’]s")


# --- selection --------------------------------------------------------------------------------------


def select(text: str, candidates: list[tuple[int, int, Form]], published) -> list[Found]:
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


_OWNER_GAPS = frozenset({" ", "'s ", "’s ", "' ", "’ "})
_OWNER_AFTER_GAPS = frozenset({" of ", " of the "})


def without_foreign_bodies(text: str, found: list[Found], reference: Reference) -> list[Found]:
    """ "the Chinese Defense Department", "Russia's Treasury Department", "the Defense Department of the
    Philippines": a curated body of one country named by a form that holds no country is not that body
    when another state is named right before or after it (the words are then another country's body,
    which discovery may find)."""
    index = reference_index(reference)

    def foreign(f: Found, other: Found | None, gaps: frozenset[str]) -> bool:
        entry = None if f.form.is_weapon or f.form.blocked else index.actor(f.form.target)
        owner = None if other is None or other.form.is_weapon or other.form.blocked else index.actor(other.form.target)
        between = text[other.end : f.start] if other is not None and other.end <= f.start else text[f.end : other.start] if other else ""
        return (
            entry is not None and owner is not None and bool(entry.country) and entry.type not in (ActorType.state, ActorType.person)
            and owner.type == ActorType.state and bool(owner.country) and owner.country != entry.country
            and other.form.kind in (MentionKind.name, MentionKind.alias, MentionKind.demonym) and between in gaps
        )

    return [f for before, f, after in zip([None, *found], found, [*found[1:], None])
            if not (foreign(f, before, _OWNER_GAPS) or foreign(f, after, _OWNER_AFTER_GAPS))]


def forms_at(matcher: Matcher, text: str) -> list[tuple[int, int, Form]]:
    out = []
    for start, end, surface in matcher.candidates(text):
        for form in matcher.forms[surface]:
            out.append((start, end, form))
    return out


