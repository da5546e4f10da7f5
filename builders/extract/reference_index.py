"""What the rules look up in the reference, indexed once per reference instead of once per article.

`Reference.actor` scans every actor (a few hundred) and the rules ask it about a hundred times per
article; they also built the same maps of ids (names, kinds, states by country, triggers by lemma)
for every article. All of it depends on the reference alone, so it is built on first use and kept
with the reference: an article's output is the same whichever articles came before it.
"""

from __future__ import annotations

from functools import cached_property

from ..inputs.reference import ActorEntry, EventTypeEntry, Reference, Trigger
from ..schema.models import ActorType


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
