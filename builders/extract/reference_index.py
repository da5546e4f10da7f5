"""What the rules look up in the reference, indexed once per reference instead of once per article.

`Reference.actor` scans every actor (a few hundred) and the rules ask it about a hundred times per
article; they also built the same maps of ids (names, kinds, states by country, triggers by lemma)
for every article. All of it depends on the reference alone, so it is built on first use and kept
with the reference: an article's output is the same whichever articles came before it.
"""

from __future__ import annotations

from functools import cached_property

from ..inputs.reference import ActorEntry, EventTypeEntry, Reference, Trigger
from ..schema.models import ActorType, Sector
from .lexicon import CountryBody, fold

_HEAD_SPLIT = frozenset({"of", "for", "on"})  # "Office of Foreign Assets Control": the head noun is before "of"


class ReferenceIndex:
    """Maps of one reference. They are shared by every article: read them, never change them."""

    def __init__(self, reference: Reference):
        self.reference = reference

    @cached_property
    def actors(self) -> dict[str, ActorEntry]:
        """Each id's entry: the first with the id, as `Reference.actor` gives it."""
        out: dict[str, ActorEntry] = {}
        for entry in self.reference.actors:
            out.setdefault(entry.id, entry)
        return out

    def actor(self, actor_id: str) -> ActorEntry | None:
        return self.actors.get(actor_id)

    @cached_property
    def actor_types(self) -> dict[str, ActorType]:
        return {entry.id: entry.type for entry in self.reference.actors}

    @cached_property
    def actor_names(self) -> dict[str, str]:
        return {entry.id: entry.name for entry in self.reference.actors}

    @cached_property
    def weapon_names(self) -> dict[str, str]:
        return {w.id: w.designation for w in self.reference.weapons}

    @cached_property
    def weapon_origins(self) -> dict[str, str | None]:
        return {w.id: w.origin for w in self.reference.weapons}

    @cached_property
    def event_types(self) -> dict[str, EventTypeEntry]:
        return {t.id: t for t in self.reference.event_types}

    @cached_property
    def states(self) -> dict[str, str]:
        """A country's state actor (the last listed with that country)."""
        return {a.country: a.id for a in self.reference.actors if a.type == ActorType.state and a.country}

    @cached_property
    def capitals(self) -> dict[str, str]:
        """A state's metonym (its capital) -> the state."""
        return {m: a.id for a in self.reference.actors if a.type == ActorType.state for m in a.metonyms}

    @cached_property
    def demonyms(self) -> dict[str | None, str | None]:
        """A country's first demonym (of the first state listed with that country)."""
        out: dict[str | None, str | None] = {}
        for a in self.reference.actors:
            if a.type == ActorType.state:
                out.setdefault(a.country, a.demonyms[0] if a.demonyms else None)
        return out

    @cached_property
    def bodies_by_noun(self) -> dict[str, list[tuple[str, str]]]:
        """A body's last word, folded -> (country, actor id) of each curated body named "<a state's name or
        alias> <Word>" ("US Congress": congress -> [("USA", "us-congress")]), in reference order."""
        state_forms = {f: a.country for a in self.reference.actors if a.type == ActorType.state and a.country
                       for f in (a.name, *a.aliases)}
        out: dict[str, list[tuple[str, str]]] = {}
        for entry in self.reference.actors:
            if entry.type in (ActorType.state, ActorType.person):
                continue
            for form in (entry.name, *entry.aliases):
                owner, _, word = form.rpartition(" ")
                if state_forms.get(owner) and (state_forms[owner], entry.id) not in out.get(fold(word), []):
                    out.setdefault(fold(word), []).append((state_forms[owner], entry.id))
        return out

    @cached_property
    def sector_nouns(self) -> dict[str, Sector]:
        """An agent noun of sectors.yaml, folded ("ministry of defence") -> its sector."""
        return {fold(noun): sector for noun, sector in self.reference.sectors.items()}

    @cached_property
    def sector_noun_words(self) -> int:
        return max((len(noun.split()) for noun in self.sector_nouns), default=0)

    def sector_of(self, name: str) -> Sector | None:
        """The sector of the head noun of an organisation's name: its longest ending that is an agent noun
        and holds the whole head ("Serbian Ministry of Defence" -> "ministry of defence": government), else
        the same of the words before "of", "for" or "on" ("Presidency of Defense Industries" -> "presidency",
        not "defense industries")."""
        words = [w.strip(".,;:()\"“”") for w in fold(name).replace("’", "'").split()]
        words = [w for w in words if w]
        cuts = [i for i, w in enumerate(words) if w in _HEAD_SPLIT and i > 0]
        shortest = len(words) - cuts[0] + 1 if cuts else 1  # a phrase that reaches back over the first "of"
        for head, fewest in [(words, shortest)] + [(words[:cut], 1) for cut in cuts]:
            for k in range(min(len(head), self.sector_noun_words), fewest - 1, -1):
                sector = self.sector_nouns.get(" ".join(head[-k:]))
                if sector is not None:
                    return sector
        return None

    def body_sector(self, body: CountryBody) -> Sector | None:
        """The sector of a country body: its nouns' sector in sectors.yaml."""
        return next((s for noun in body.nouns if (s := self.sector_nouns.get(fold(noun))) is not None), None)

    def curated_body(self, country: str, body: CountryBody, actor_id: str, name: str) -> str | None:
        """The curated actor that is this body of this country: of the country and the body's sector, with the
        body's id or its name among its names ("Serbian Armed Forces")."""
        sector = self.body_sector(body)
        for entry in self.reference.actors:
            if entry.country == country and entry.sector == sector and sector is not None and \
                    (entry.id == actor_id or fold(name) in {fold(n) for n in (entry.name, *entry.aliases)}):
                return entry.id
        return None

    @cached_property
    def triggers(self) -> dict[tuple[str, str], list[tuple[EventTypeEntry, Trigger]]]:
        """(lemma, part of speech) -> the codebook's event types and triggers with them, in codebook order."""
        out: dict[tuple[str, str], list[tuple[EventTypeEntry, Trigger]]] = {}
        for event_type in self.reference.event_types:
            for trigger in event_type.triggers:
                out.setdefault((trigger.lemma, trigger.pos), []).append((event_type, trigger))
        return out

    @cached_property
    def trigger_lemmas(self) -> frozenset[str]:
        return frozenset(lemma for lemma, _ in self.triggers)


_INDEXES: dict[int, tuple[Reference, ReferenceIndex]] = {}  # id -> (the reference, kept alive so its id is not reused, its index)


def reference_index(reference: Reference) -> ReferenceIndex:
    """The index of this reference (the same object each time it is asked for this reference)."""
    held = _INDEXES.get(id(reference))
    if held is None or held[0] is not reference:
        if len(_INDEXES) >= 8:  # a process builds with one reference, tests with a few
            _INDEXES.clear()
        held = _INDEXES[id(reference)] = (reference, ReferenceIndex(reference))
    return held[1]
