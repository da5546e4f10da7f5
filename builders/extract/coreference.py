"""Descriptions that stand for an actor named elsewhere in the article.

Coreference good enough for this domain, from the parse:
- a role ("the EU chief spokesperson", "Serbia's defence minister") is the one person the article
  names in that role: a person whose role (as the text or the reference states it) has the same
  title word, and whose role or country agrees with every actor the description names;
- "the company", "the newspaper" is the organisation of that kind named last before it;
- "the country", "the nation", "the Balkan country" is the article's focus country: the state its
  own words (outside quotations) name most often as a noun of its own (not as a modifier, as in
  "U.S. sanctions"), once it has been named;
- a body's bare head noun ("the Treasury", "the House", "congress": `lexicon.BARE_BODY_NOUNS`) is the
  curated body the reference names "<country> <Noun>" ("US Treasury") that the article named before, else
  the one of the country of the curated actor it named last.
Surnames and acronyms after a full mention are matched where names are (`matching`, `discovery`).
"""

from __future__ import annotations

import bisect
from collections import Counter
from itertools import pairwise

from ..inputs.reference import Reference
from ..schema.models import ActorType, MentionKind
from .discovery import DiscoveredActor
from .lexicon import BARE_BODY_NOUNS, ORGANISATION_NOUNS, PERSON_TITLES, fold
from .matching import Form, Found
from .quotes import QuoteSpan, find_quote_spans
from .reference_index import reference_index
from .tokens import token_arrays

_COUNTRY_NOUNS = frozenset({"country", "nation"})
_DESCRIPTION_WORDS = frozenset(ORGANISATION_NOUNS) | PERSON_TITLES


def resolve_descriptions(doc, found: list[Found], reference: Reference, discovered: list[DiscoveredActor],
                         quote_spans: list[QuoteSpan] | None = None, text: str | None = None) -> list[Found]:
    """Mentions made by descriptions, in text order, none overlapping a mention already found
    (`quote_spans` and `text`: the quotations and the text of the Doc, when the caller has them
    already: spaCy joins every token's text again for each read of `doc.text`)."""
    text = doc.text if text is None else text
    actors = [f for f in found if not f.form.is_weapon and not f.form.blocked]
    roles = _roles(actors, reference, discovered)
    kinds = {a.actor_id: a.actor_type for a in discovered} | {f.form.target: e.type for f in actors if (e := reference_index(reference).actor(f.form.target))}
    quoted = _Spans([(q.start, q.end) for q in (find_quote_spans(text) if quote_spans is None else quote_spans)])
    own_words = [f for f in actors if not quoted.covers(f.start) and _head_at(doc, f)]
    focus, focus_from = _focus_country(own_words, reference)
    mentions, named = _Spans([(f.start, f.end) for f in found]), _Spans([(f.start, f.end) for f in actors])
    last_of_kind = _LastOfKind(actors, kinds)
    holders: dict[str, list[tuple[str, set[str], str | None]]] = {}  # a role word -> the people whose role has it
    for person, (words, country) in roles.items():
        for word in words:
            holders.setdefault(word, []).append((person, words, country))
    out = []
    arrays = token_arrays(doc)  # only these nouns can be descriptions (see the three cases below)
    nouns = sorted({*arrays.where(pos=["NOUN"], lower=_DESCRIPTION_WORDS), *arrays.where(pos=["NOUN"], lemma=_COUNTRY_NOUNS)})
    for token in (doc[i] for i in nouns):
        if mentions.covers(token.idx):
            continue
        determiner = next((c for c in token.children if c.dep_ in ("det", "poss")), None)
        if determiner is None or (determiner.dep_ == "det" and determiner.lower_ != "the"):
            continue  # "a State Department spokesman" names nobody in particular
        start = min(determiner.idx, *(c.idx for c in token.lefts))
        end = token.idx + len(token.text)
        if mentions.crosses(start, end):
            continue
        inside = [actors[i] for i in named.inside(start, end)]
        kind = ORGANISATION_NOUNS.get(token.lower_)
        if kind is not None and not inside and determiner.lower_ == "the" and not _names_a_person(token) \
                and not any(c.dep_ == "compound" for c in token.children):
            holder = last_of_kind(kind, start)  # "The company received postponements": NIS
            if holder is not None:
                out.append(Found(start, end, text[start:end], Form(holder, False, MentionKind.anaphor)))
        elif token.lemma_ in _COUNTRY_NOUNS and not inside and focus and determiner.lower_ == "the" and start > focus_from:
            if not any(c.dep_ == "prep" for c in token.children):  # "the country of origin" is no anaphor
                out.append(Found(start, end, text[start:end], Form(focus, False, MentionKind.anaphor)))
        elif token.lower_ in PERSON_TITLES and not _names_a_person(token):
            person = _holder(token.lower_, inside, holders, reference)
            if person is not None:
                out.append(Found(start, end, text[start:end], Form(person, False, MentionKind.title)))
    return sorted(out + _bare_bodies(doc, actors, reference, mentions, text), key=lambda f: f.start)


def _bare_bodies(doc, actors: list[Found], reference: Reference, mentions: "_Spans", text: str) -> list[Found]:
    """ "The Treasury said", "the House passed", "informed congress": a body's head noun alone, with no
    other words of a name (no modifier, no "of …"; a lower-case one with no article either), is the curated
    body "<country> <Noun>" that the article named before it, else the one of the country of the curated
    actor it named last (a state, a body, a person: "The Pentagon objected. The House passed …")."""
    index, out, named = reference_index(reference), [], None
    for i in token_arrays(doc).where(lower=BARE_BODY_NOUNS):
        token = doc[i]
        bodies = index.bodies_by_noun.get(token.lower_, [])
        children = list(token.children)
        article = [c for c in children if c.dep_ == "det"]
        if (not bodies or mentions.covers(token.idx) or token.pos_ not in ("NOUN", "PROPN") or token.dep_ in ("compound", "amod")
                or len(article) < len(children) or any(c.lower_ != "the" for c in article) or (token.text.islower() and article)):
            continue
        named = named or _NamedBefore(actors, reference)
        body = next((b for _, b in reversed(bodies) if named.first_end.get(b, token.idx + 1) <= token.idx), None)
        if body is None:
            country = named.last_country(token.idx)
            body = next((b for owner, b in bodies if owner == country), None)
        if body is not None:
            start = article[0].idx if article else token.idx
            out.append(Found(start, token.idx + len(token.text), text[start : token.idx + len(token.text)], Form(body, False, MentionKind.short_name)))
    return out


class _NamedBefore:
    """What the article named before an offset: where each actor is first named (the end of its first
    mention), and the country of the curated actor named last (the mentions by their ends, and the
    country of the last with one up to each: one bisection instead of a scan of every mention)."""

    def __init__(self, actors: list[Found], reference: Reference):
        index = reference_index(reference)
        ordered = sorted(actors, key=lambda f: f.end)
        self.ends = [f.end for f in ordered]
        self.first_end: dict[str, int] = {}
        self.countries: list[str | None] = []
        for f in ordered:
            self.first_end.setdefault(f.form.target, f.end)
            entry = index.actor(f.form.target)
            self.countries.append(entry.country if entry is not None and entry.country else (self.countries[-1] if self.countries else None))

    def last_country(self, offset: int) -> str | None:
        at = bisect.bisect_right(self.ends, offset)
        return self.countries[at - 1] if at else None


def _head_at(doc, mention: Found) -> bool:
    """The mention's last word heads its phrase (it is not a modifier of another noun: "U.S.
    sanctions" does not make the U.S. a topic)."""
    last = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    return last is not None and len(last) > 0 and last[-1].dep_ not in ("compound", "amod")


class _Spans:
    """(start, end) spans in text order (sorted by start), looked up by offset: the spans starting
    before a point are a prefix, and the running maximum of their ends says whether any reaches past
    it (one bisection instead of a scan of every mention for every word)."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.ordered = all(a[0] <= b[0] for a, b in pairwise(spans))
        self.starts = [a for a, _ in spans]
        self.reach, longest = [], -1
        for _, b in spans:
            longest = max(longest, b)
            self.reach.append(longest)

    def _reaches_past(self, before: int, point: int) -> bool:
        """Some span starting before index `before` ends after `point`."""
        return before > 0 and self.reach[before - 1] > point

    def covers(self, offset: int) -> bool:
        """Some span holds `offset` (start <= offset < end)."""
        if not self.ordered:
            return any(a <= offset < b for a, b in self.spans)
        return self._reaches_past(bisect.bisect_right(self.starts, offset), offset)

    def crosses(self, start: int, end: int) -> bool:
        """Some span overlaps [start, end) without lying inside it."""
        if not self.ordered:
            return any(a < end and start < b and not (start <= a and b <= end) for a, b in self.spans)
        return (self._reaches_past(bisect.bisect_left(self.starts, end), end)
                or self._reaches_past(bisect.bisect_left(self.starts, start), start))

    def inside(self, start: int, end: int) -> list[int]:
        """The indices of the spans inside [start, end], in order."""
        if not self.ordered:
            return [i for i, (a, b) in enumerate(self.spans) if start <= a and b <= end]
        first = bisect.bisect_left(self.starts, start)
        last = bisect.bisect_right(self.starts, end)
        return [i for i in range(first, last) if self.spans[i][1] <= end]


class _LastOfKind:
    """The organisation of a kind named last before an offset."""

    def __init__(self, actors: list[Found], kinds: dict):
        self.actors, self.kinds = actors, kinds
        self.ordered = all(a.start <= b.start for a, b in pairwise(actors))
        self.by_kind: dict = {}
        for f in actors:
            self.by_kind.setdefault(kinds.get(f.form.target), []).append(f)
        self.starts = {kind: [f.start for f in named] for kind, named in self.by_kind.items()}

    def __call__(self, kind: ActorType, before: int) -> str | None:
        """The last (in text order) that ends by `before` (a mention starting earlier may end later)."""
        if not self.ordered:
            named = [f for f in self.actors if f.end <= before and self.kinds.get(f.form.target) == kind]
            return named[-1].form.target if named else None
        named = self.by_kind.get(kind, [])
        for i in range(bisect.bisect_right(self.starts.get(kind, []), before) - 1, -1, -1):
            if named[i].end <= before:
                return named[i].form.target
        return None


def _names_a_person(token) -> bool:
    """ "spokesperson Peter Stano", "Peter Stano, the spokesperson": the name is right there."""
    linked = [*token.children, token.head]
    return any(t.pos_ == "PROPN" and t.dep_ in ("compound", "appos") or (t is token.head and token.dep_ in ("appos", "compound") and t.pos_ == "PROPN") for t in linked)


def _roles(actors: list[Found], reference: Reference, discovered: list[DiscoveredActor]) -> dict[str, tuple[set[str], str | None]]:
    """The people the article names: the words of their roles, and their country."""
    known = {a.actor_id: a for a in discovered}
    out = {}
    for f in actors:
        if f.form.target in out:
            continue
        entry = reference_index(reference).actor(f.form.target)
        if entry is not None and entry.type == ActorType.person:
            words = " ".join(filter(None, [entry.role, *entry.titles]))
            out[entry.id] = ({fold(w) for w in words.replace(",", " ").split()}, entry.country)
        elif f.form.target in known and known[f.form.target].actor_type == ActorType.person:
            person = known[f.form.target]
            out[person.actor_id] = ({fold(w) for w in (person.role or "").split()}, person.country_iso3)
    return out


def _holder(title: str, inside: list[Found], holders: dict[str, list], reference: Reference) -> str | None:
    """The one person whose role has this title word and agrees with the actors the description names."""
    matches = []
    for person, words, country in holders.get(fold(title), ()):
        agrees = True
        for f in inside:
            entry = reference_index(reference).actor(f.form.target)
            forms = {fold(x) for x in ([entry.name, *entry.aliases, *entry.demonyms] if entry else [])}
            same_country = entry is not None and entry.country is not None and entry.country == country
            agrees = agrees and (same_country or bool(forms & words) or fold(f.surface) in words)
        if agrees:
            matches.append(person)
            if len(matches) > 1:
                return None  # two people fit: the description names neither
    return matches[0] if matches else None


def _focus_country(actors: list[Found], reference: Reference) -> tuple[str | None, int]:
    """The state named most often (by name, alias or capital; the first named on a tie), and where
    it is first named."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    for f in actors:
        entry = reference_index(reference).actor(f.form.target)
        if entry is not None and entry.type == ActorType.state and f.form.kind != MentionKind.demonym:
            counts[entry.id] += 1
            first.setdefault(entry.id, f.start)
    if not counts:
        return None, 0
    focus = min(counts, key=lambda a: (-counts[a], first[a]))
    return focus, first[focus]
