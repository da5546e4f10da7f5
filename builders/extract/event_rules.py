"""Events from the parse: who did what to whom, with which weapon, how surely and when.

A trigger is a word of the codebook (`seeds/reference/event_types.yaml`: lemma, part of speech and
the conditions it needs); its participants come from the dependency tree through the roles the
codebook lists (subject, object, the noun after a preposition, a modifier, the speaker, a weapon's
country …), followed through coordination, pronouns and descriptions. Quotations are coded too: a
demand, threat or concern in a speaker's own words is the speaker's act ("we" is the speaker).
Modality is read from the tree (negation, modal verbs and if-clauses, future auxiliaries, reporting
chains); a date only from an expression attached to the trigger's own clause.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from itertools import pairwise

from ..inputs.reference import EventTypeEntry, Reference, Trigger
from ..schema.models import ActorType, MentionKind, Modality
from .lexicon import (
    ACTOR_DESCRIPTIONS,
    CONDITION_WORDS,
    FIRST_PERSON,
    FUTURE_AUXILIARIES,
    GENERIC_HOLDERS,
    INTENTION_VERBS,
    MODAL_VERBS,
    PERSON_PRONOUNS,
    PLURAL_ANAPHORS,
    RELATIONAL_NOUNS,
    RELATIVE_PRONOUNS,
    REPORT_WORDS,
    REQUEST_VERBS,
    SCHEDULED_WORDS,
    SPEECH_LEMMAS,
    STOPPING_VERBS,
    THING_PRONOUNS,
    WEAPON_NOUNS,
    alternation,
)
from .matching import Found
from .reference_index import reference_index
from .tokens import sentence_of, token_arrays

_WEAPON_NOUN = re.compile(rf"^(?:{alternation(WEAPON_NOUNS)})$", re.IGNORECASE)
_TARGET_NOUNS = frozenset({"target", "object", "subject", "victim"})  # "was the target of sanctions"


@dataclass(frozen=True)
class RuleEvent:
    """An event the rules found: its type, participants, modality and the token that triggered it."""

    event_type: str
    source: str | None
    target: str | None
    weapon: str | None
    modality: Modality
    trigger: int  # token index
    date_tokens: tuple[int, ...]  # tokens whose dates may date the event (the trigger's own clause)
    weapon_token: int | None = None  # where its weapon is named (a date on that phrase dates this event)


class _Article:
    """What the rules know about one parsed article: mentions by token, quotations, weapons."""

    def __init__(self, doc, found: list[Found], quotes: list[tuple[int, int, str | None]], reference: Reference,
                 weapon_origins: dict[str, str | None], types: dict[str, ActorType]):
        self.doc, self.reference, self.quotes = doc, reference, quotes
        self.actor_at: dict[int, Found] = {}
        self.weapon_at: dict[int, str] = {}
        for f in found:
            if f.form.blocked:
                continue
            span = doc.char_span(f.start, f.end, alignment_mode="expand")
            for token in span or []:
                if f.form.is_weapon:
                    self.weapon_at.setdefault(token.i, f.form.target)
                else:
                    self.actor_at.setdefault(token.i, f)
        self.states = reference_index(reference).states
        self.weapon_origins = weapon_origins
        self.types = types
        # a capital used as a place still names its state as a destination ("visited Belgrade")
        self.places = reference_index(reference).capitals
        # quotations in text order without overlaps (as `quotes` gives them): found by bisection
        self.quote_starts = [q[0] for q in quotes]
        self.quotes_ordered = all(a[1] <= b[0] for a, b in pairwise(quotes))
        # tokens naming an actor that is neither a demonym nor a person: what a possessive "its" may refer to
        self.things = sorted(i for i, f in self.actor_at.items()
                             if f.form.kind != MentionKind.demonym and types.get(f.form.target) != ActorType.person)
        self.per_sentence: dict[tuple[str, int], object] = {}  # what a rule reads of a whole sentence, read once
        # event type -> (sentence start, source) of its last event: an agentless one in the same or the
        # next sentence is by the same actor (discourse: "X imposed sanctions … Restrictions were also announced")
        self.last_source: dict[str, tuple[int, str]] = {}

    def quote_at(self, token) -> tuple[int, int, str | None] | None:
        if not self.quotes_ordered:
            return next((q for q in self.quotes if q[0] <= token.idx < q[1]), None)
        i = bisect.bisect_right(self.quote_starts, token.idx) - 1
        return self.quotes[i] if i >= 0 and token.idx < self.quotes[i][1] else None

    def mention(self, token) -> Found | None:
        return self.actor_at.get(token.i)

    def above(self, what: str, token):
        """A fact of the token's ancestors (its head, its head's head …), worked out once per token
        along the way: "requests" (an ancestor's lemma is a verb of request), "conditional" (an
        ancestor is an if-clause), "speech" (the nearest verb of saying above). A walk up the tree
        for every trigger would cost the depth of the tree each time."""
        memo = self.per_sentence.setdefault(("above", what), {})
        path, current = [], token
        while current.i not in memo:
            path.append(current)
            if current.head.i == current.i:
                memo[current.i] = None if what == "speech" else False  # the root: no ancestors
                path.pop()
                break
            current = current.head
        for t in reversed(path):
            head = t.head
            memo[t.i] = _ABOVE[what](head, memo[head.i], t.dep_)
        return memo[token.i]

    def chain_facts(self, token) -> _ChainFacts:
        """What `_modality` reads of the token's clause chain (`_clause_chain`), worked out once per
        token: the chain from a token is the token and the chain from its head."""
        noun = token.pos_ in ("NOUN", "PROPN")
        climb = _CLIMB_NOUN if noun else _CLIMB_OTHER
        memo = self.per_sentence.setdefault(("chain", noun), {})
        path, current = [], token
        while current.i not in memo:
            path.append(current)
            if not (current.dep_ in climb and current.head.i != current.i):
                break
            current = current.head
        for t in reversed(path):
            above = memo.get(t.head.i) if t.dep_ in climb and t.head.i != t.i else None
            memo[t.i] = _ChainFacts.of(t).join(above)
        return memo[token.i]

    def of_sentence(self, what: str, sentence):
        """What the rules read of a whole sentence (its lemmas, its verbs of saying with a clause, its
        weapons, its subjects, whether it reports), read once per sentence, not once per trigger."""
        key = (what, sentence.start)
        if key not in self.per_sentence:
            self.per_sentence[key] = _SENTENCE_FACTS[what](self, sentence)
        return self.per_sentence[key]


def rule_events(doc, found: list[Found], quotes, reference: Reference, weapon_origins: dict[str, str | None],
                types: dict[str, ActorType]) -> list[RuleEvent]:
    """Every event a trigger of the codebook signals in the article, in text order."""
    article = _Article(doc, found, quotes, reference, weapon_origins, types)
    index, lemmas = reference_index(reference).triggers, reference_index(reference).trigger_lemmas
    # a token of no trigger lemma is no trigger, whatever its part of speech
    candidates = [doc[i] for i in token_arrays(doc).lemma_where(lambda lemma: lemma.lower() in lemmas)]
    keyed = [(t, key) for t in candidates if (key := (t.lemma_.lower(), _pos(t))) in index
             and not (t.dep_ == "amod" and t.tag_ in ("VBN", "VBG"))]  # "sanctioned companies" describes them
    triggers = {t.i for t, _ in keyed}
    fitted = [(token, event_type, trigger) for token, key in keyed for event_type, trigger in index[key]
              if not (trigger.pos == "NOUN" and _argument_of_trigger(token, triggers)) and _fits(article, token, trigger)]
    # "considering buying": the purchase is the intention's, not an event of its own
    vias = {i for token, _, trigger in fitted if (v := _via(token, trigger)) is not None for i in _via_path(token, v)}
    out: list[RuleEvent] = []
    for token, event_type, trigger in fitted:
        if token.i not in vias:
            out += _events(article, token, event_type, trigger, reference)
    return out


def _pos(token) -> str:
    if token.pos_ == "NOUN" and any(c.dep_ == "aux" and c.lower_ == "to" for c in token.children):
        return "VERB"  # "the decision to sanction Russia": tagged a noun, used as a verb
    if token.pos_ == "SCONJ" and token.dep_ == "prep":
        return "ADP"  # "despite the threat": tagged a conjunction, used as a preposition
    return {"AUX": "VERB", "PROPN": "NOUN"}.get(token.pos_, token.pos_)


def _argument_of_trigger(token, triggers: set[int]) -> bool:
    """ "face sanctions", "a threat of sanctions", "walked away from the purchase": a noun that is the
    object of another trigger is that trigger's content, not an event of its own."""
    if token.dep_ in ("dobj", "nsubjpass", "attr") and token.head.i in triggers:
        return True
    head = token.head
    if token.dep_ != "pobj" or head.lower_ not in ("of", "from", "on"):
        return False
    governor = head.head
    while governor.dep_ in ("advmod", "prt") and governor.head.i != governor.i:
        governor = governor.head
    return governor.i in triggers and governor.i != token.i


# --- conditions -------------------------------------------------------------------------------------


def _objects(token) -> list:
    """The trigger's objects: direct objects, the passive subject, "of" nouns, a particle's noun."""
    out = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "attr", "oprd")]
    if token.dep_ == "acl" and token.tag_ == "VBN":  # "the tariffs imposed on India", "the waiver granted to NIS"
        out.append(token.head)
    for prep in token.children:
        if prep.dep_ in ("prep", "agent", "prt") and prep.lower_ in ("of", "on", "for", "from", "with", "to"):
            out += [c for c in prep.children if c.dep_ == "pobj"]
    out += [c for o in list(out) for c in o.conjuncts]
    # "considering the introduction of sanctions", "announced the imposition of sanctions": the act's noun
    out += [c for o in list(out) if o.dep_ == "dobj" for prep in o.children if prep.lower_ == "of" for c in prep.children if c.dep_ == "pobj"]
    if token.pos_ in ("NOUN", "PROPN"):  # "purchase of X in 2017 and S-400 equipment in 2018": [purchase of] the second too
        out += [c for c in token.conjuncts if c.pos_ in ("NOUN", "PROPN") and c.lemma_ != token.lemma_]
    return out


def _fits(article: _Article, token, trigger: Trigger) -> bool:
    lemmas = article.of_sentence("lemmas", sentence_of(token))
    if trigger.particle and not any(c.lower_ == trigger.particle for c in token.children) \
            and not (token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == trigger.particle):
        return False
    if trigger.object and not any(o.lemma_.lower() in trigger.object for o in _objects(token)):
        return False
    if trigger.content and not lemmas & set(trigger.content):
        return False
    if trigger.not_content and lemmas & set(trigger.not_content):
        return False
    if trigger.modifier and not any(c.lemma_.lower() in trigger.modifier or c.lower_ in trigger.modifier for c in token.children):
        return False
    if trigger.via and _via(token, trigger) is None:
        return False
    if trigger.not_under and (verb := _argument_verb(token)) is not None and verb.lemma_.lower() in trigger.not_under:
        return False
    if trigger.needs_complement and not any(c.dep_ in ("xcomp", "ccomp") or (c.dep_ == "advcl" and any(
            a.dep_ == "aux" and a.lower_ == "to" for a in c.children)) for c in token.children):
        return False  # (the parser hangs "pressure on X to buy …" as an adverbial clause)
    if trigger.passive_needs_agent and _agentless(token) and token.pos_ in ("VERB", "AUX"):
        return False
    if trigger.in_speech and not (article.quote_at(token) or _speech_ancestor(token, article)):
        return False
    if trigger.subject_is:
        subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        is_weapon = subject is not None and _names_weapon(article, subject)
        if (trigger.subject_is == "weapon") != is_weapon:
            return False
    if trigger.object_is_weapon and not any(_names_weapon(article, o) for o in _objects(_via(token, trigger) or token)):
        return False
    return True


def _via(token, trigger: Trigger):
    """ "considering buying", "decision to build": the word below the trigger whose arguments count."""
    if not trigger.via:
        return None
    found = [t for t in token.subtree if t.i != token.i and t.lemma_.lower() in trigger.via and t.pos_ in ("VERB", "NOUN")
             and _complements(t, token)]
    # the first word of the via list that is there: "abandoned the deal to buy jets" reads "buy" (its
    # arguments name the seller), not "deal"
    return min(found, key=lambda t: (trigger.via.index(t.lemma_.lower()), t.i), default=None)


_COMPLEMENT_DEPS = frozenset({"xcomp", "ccomp", "dobj", "acl", "relcl", "nsubjpass", "attr"})


def _complements(word, trigger) -> bool:
    """Whether `word` completes the trigger: its object or a clause of it ("abandoned plans to buy",
    "scrapped a deal to buy", "considering buying", "interest in buying"), not a word of a clause
    hanging elsewhere ("revoke the sanctions imposed for buying": the buying is the sanctions' reason)."""
    current = word
    while current.i != trigger.i:
        head = current.head
        if head.i == current.i:
            return False
        if current.dep_ in ("pcomp", "pobj"):
            if head.dep_ != "prep" or head.head.i != trigger.i:
                return False
            return True
        if current.dep_ not in _COMPLEMENT_DEPS and not (
                current.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in current.children)):
            return False  # (the parser hangs "scrapped a deal to buy" as an adverbial clause)
        current = head
    return True


def _via_path(token, via) -> list[int]:
    """The words from a trigger's via word up to the trigger: each one's event is the trigger's content
    ("abandoned plans to purchase jets": neither the plan nor the purchase is an event of its own)."""
    path, current = [], via
    while current.i != token.i and current.head.i != current.i:
        path.append(current.i)
        current = current.head
    return path if current.i == token.i else [via.i]


def _names_weapon(article: _Article, token) -> bool:
    return any(t.i in article.weapon_at or _WEAPON_NOUN.match(t.text) for t in token.subtree)


def _speech_ancestor(token, article: _Article | None = None):
    """The verb of saying whose clause holds the token ("Palmer said that Serbia could …")."""
    if article is not None:
        return article.above("speech", token)
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX") and ancestor.lemma_.lower() in SPEECH_LEMMAS and ancestor.i != token.i:
            return ancestor
    return None


# --- participants -------------------------------------------------------------------------------------


def _events(article: _Article, token, event_type: EventTypeEntry, trigger: Trigger, reference: Reference) -> list[RuleEvent]:
    """One event per participant pair, and per weapon when the object names several ("the purchase
    of Su-35 aircraft in 2017 and S-400 equipment in 2018")."""
    pivot = _via(token, trigger) or token
    out = []
    for weapon, weapon_token in _weapons(article, pivot, token, trigger):
        out += _events_with(article, token, pivot, event_type, trigger, weapon, weapon_token)
    return out


def _events_with(article: _Article, token, pivot, event_type: EventTypeEntry, trigger: Trigger, weapon: str | None,
                 weapon_token: int | None) -> list[RuleEvent]:
    sources = _first_role(article, token, pivot, trigger.source, weapon, weapon_token=weapon_token)
    sentence = sentence_of(token).start
    earlier = article.last_source.get(event_type.id)
    if not sources and earlier and earlier[0] >= _sentence_before(token) and _agentless(pivot):
        sources = [earlier[1]]  # "… X were also sanctioned": by the one who imposed the last (two sentences back at most)
    elif sources:
        article.last_source[event_type.id] = (sentence, sources[0])
    targets = _first_role(article, token, pivot, trigger.target, weapon, exclude=set(sources), weapon_token=weapon_token)
    if not targets and len(sources) > 1:  # "Russia and Egypt signed a deal for Su-35s": the seller is among them
        among = [a for a in _first_role(article, token, pivot, trigger.target, weapon, weapon_token=weapon_token) if a in sources]
        if among:
            targets, sources = among[:1], [s for s in sources if s not in among[:1]]
    if event_type.symmetric and len(sources) > 1 and not targets:
        pairs = [(s, t) for s in sources for t in sources if s != t]
    else:
        pairs = [(s, t) for s in (sources or [None]) for t in (targets or [None]) if s is None or s != t]
    modality = _modality(token, event_type, article)
    type_id = event_type.id
    if event_type.modal_as and any(c.dep_ == "aux" and c.lower_ in MODAL_VERBS for c in token.children) and modality == Modality.hypothetical:
        type_id, modality = event_type.modal_as, Modality.asserted  # "it may purchase the FK-3": an intention
    elif modality == Modality.hypothetical and event_type.hypothetical_as:
        type_id, modality = event_type.hypothetical_as, Modality.asserted  # "could impose sanctions if …": a threat
        speakers = [s for s in _speaker(article, token) if article.types.get(s) == ActorType.person]
        if speakers and speakers[0] not in targets:  # "Washington may impose sanctions, Palladino said": his threat
            pairs = [(speakers[0], t) for t in (targets or [None])]
    out = []
    needs = set(event_type.needs) | set(trigger.needs)
    if type_id != event_type.id:  # a hypothetical imposition coded as a threat needs what a threat needs
        needs |= set(next(t.needs for t in article.reference.event_types if t.id == type_id))
    for source, target in pairs:
        if ("source" in needs and source is None) or ("target" in needs and target is None) or ("weapon" in needs and weapon is None):
            continue
        out.append(RuleEvent(type_id, source, target, weapon, modality, token.i, _date_tokens(token, event_type, article), weapon_token))
    return out


def _agentless(word) -> bool:
    """A passive verb without its "by" agent, a participle after its noun ("the tariffs imposed on
    India") or a noun with no owner: the text leaves the actor to the sentences before. A word with a
    subject that names no actor ("nations buying arms") is not agentless."""
    if word.pos_ in ("NOUN", "PROPN"):
        return not any(c.dep_ in ("poss", "compound", "amod") for c in word.children)
    if any(c.dep_ == "nsubjpass" for c in word.children) or (word.dep_ == "acl" and word.tag_ == "VBN"):
        return not any(c.dep_ == "agent" for c in word.children)
    return False


def _sentence_before(token, back: int = 2) -> int:
    """Where the sentence `back` sentences before the token's begins (as far back as there are)."""
    start = sentence_of(token).start
    for _ in range(back):
        if start == 0:
            break
        start = sentence_of(token.doc[start - 1]).start
    return start


def _first_role(article: _Article, token, pivot, roles: tuple[str, ...], weapon: str | None, exclude: set[str] = frozenset(),
                weapon_token: int | None = None) -> list[str]:
    """The actors of the first role (in the codebook's order) that names any."""
    for role in roles:
        actors = [a for a in _role(article, token, pivot, role, weapon, weapon_token) if a not in exclude]
        if actors:
            return actors[:1] if role in ("complement", "subtree") else list(dict.fromkeys(actors))
    return []


def _role(article: _Article, token, pivot, role: str, weapon: str | None, weapon_token: int | None = None) -> list[str]:
    passive = any(c.dep_ == "nsubjpass" for c in pivot.children)
    if role == "subject":
        found = _agent(article, pivot) if passive else _actors(article, _subject(pivot))
        if not found and pivot is not token:  # "scrapped a deal to buy jets": who scrapped it
            found = _agent(article, token) if any(c.dep_ == "nsubjpass" for c in token.children) else _actors(article, _subject(token))
        if not found and pivot.dep_ == "relcl" and (verb := _argument_verb(pivot.head)) is not None:
            found = _actors(article, _subject(verb))  # "the House passed an amendment that approves a waiver": the House's
        return found
    if role == "agent":
        return _agent(article, pivot)
    if role == "object":
        objects = [c for c in pivot.children if c.dep_ == ("nsubjpass" if passive else "dobj")]
        objects += [c for prep in pivot.children if prep.dep_ == "prep" for c in prep.children if c.dep_ == "pobj"
                    and prep.lower_ == "on" and pivot.lemma_ == "call"]
        return [a for o in objects for a in _actors(article, o)]
    if role == "dative":
        return [a for c in pivot.children if c.dep_ == "dative" for a in _actors(article, c)]
    if role.startswith("prep:"):
        return _prep(article, pivot, role[5:]) or (_prep(article, token, role[5:]) if pivot is not token else [])
    if role == "modifier":
        return _modifiers(article, token)
    if role == "of_modifier":
        return _of_modifiers(article, token)
    if role == "object_modifier":  # "could face US sanctions": who the sanctions are from
        return [a for o in _objects(pivot) for a in _own_modifiers(article, o)]
    if role == "owner":
        return _owner(article, token)
    if role == "target_of":  # "Turkey was the target of U.S. sanctions", "became the object of sanctions"
        return _target_of(article, token)
    if role == "clause_subject":
        verb = _argument_verb(token)
        return _actors(article, _subject(verb)) if verb is not None else []
    if role == "complement":
        return _complement(article, pivot)
    if role == "subtree":  # below the trigger, outside its subject
        subject = {t.i for c in pivot.children if c.dep_ in ("nsubj", "nsubjpass") for t in c.subtree}
        return [f.form.target for t in pivot.subtree if t.i != pivot.i and t.i not in subject
                and (f := article.mention(t)) and f.form.kind != MentionKind.demonym]
    if role == "speaker":
        doer = _stated_doer(pivot)
        if doer is not None and doer.pos_ in ("NOUN", "PROPN") and not _actors(article, doer):
            return []  # "firms supported Iran, the Treasury said": the firms' act, not the speaker's
        return _speaker(article, token)
    if role == "object_origin":  # the named weapon's own noun first: "F-15EXs and French Rafales" are two
        own = [token.doc[weapon_token]] if weapon_token is not None else []
        return _origins(article, own + [o for o in _objects(pivot)] + ([pivot] if pivot.pos_ == "NOUN" else []))
    if role == "weapon_origin":
        origin = article.weapon_origins.get(weapon) if weapon else None
        return [article.states[origin]] if origin in article.states else []
    if role == "participants":
        return [a for prep in token.children if prep.lower_ in ("of", "between", "by") for c in prep.children
                if c.dep_ == "pobj" for a in _actors(article, c)]
    return []


def _subject(verb):
    """A verb's subject, inherited along xcomp, conj and relative clauses ("Serbia, which bought …")."""
    while verb is not None:
        subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl")]
        subjects = subjects or [c for a in verb.children if a.dep_ in ("aux", "auxpass") for c in a.children
                                if c.dep_ in ("nsubj", "nsubjpass")]  # "The US is concerned": a subject on the auxiliary
        if subjects:
            return next((c for c in subjects if c.pos_ == "PROPN"), subjects[0])
        if verb.dep_ == "xcomp" and verb.head.i != verb.i:
            controller = next((c for c in verb.head.children if c.dep_ in ("dobj", "dative")), None)
            if controller is not None:  # "urged Trump to waive sanctions": Trump would waive them
                return controller
            verb = verb.head
        elif verb.dep_ == "conj" and verb.head.i != verb.i:
            verb = verb.head
        elif verb.dep_ == "advcl" and (absolute := _with_absolute(verb)) is not None:
            return absolute  # "…, with Myanmar's military chief having visited Russia": the chief visited
        elif verb.dep_ == "advcl" and verb.head.i != verb.i and (
                verb.tag_ == "VBG" or any(c.lower_ == "order" for c in verb.children)):
            verb = verb.head  # "a letter came, urging Egypt to …", "arrived in order to threaten": the head's subject
        elif verb.dep_ == "pcomp" and verb.head.dep_ in ("prep", "aux") and verb.head.lower_ in ("about", "on", "of", "to"):
            verb = verb.head.head  # "spoke about introducing sanctions": the speakers would introduce them
        elif verb.dep_ == "pcomp" and verb.head.lower_ == "for" and verb.head.head.i != verb.head.i:
            # "imposed sanctions on X for buying", "criticised X for buying", "X was hit by sanctions for
            # buying": the one blamed or punished bought
            return _blamed(verb.head.head)
        elif verb.dep_ in ("relcl", "acl") and verb.head.i != verb.i:
            return verb.head
        elif verb.dep_ == "acomp":
            verb = verb.head
        else:
            return None
    return None


def _stated_doer(verb):
    """The doer a verb's own clause names: its subject, or the one blamed for it ("sanctions on three
    firms for supporting Iran": the firms). None where the parse only lends one from a clause above."""
    if verb.pos_ not in ("VERB", "AUX"):
        return None
    own = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if own is None and verb.dep_ == "pcomp" and verb.head.lower_ == "for" and verb.head.head.i != verb.head.i:
        holder = verb.head.head  # "sanctions on one person for supporting": the person, where no one else is blamed
        return _blamed(holder) or (holder if holder.pos_ in ("NOUN", "PROPN") else None)
    return own


def _with_absolute(verb):
    """The noun of "with" right before a participle clause that has no subject ("with X having
    visited Russia"): the parser hangs the two apart, but X is the one who did it."""
    start = verb.left_edge.i
    for prep in sentence_of(verb):
        if prep.i >= start:
            break
        if prep.dep_ == "prep" and prep.lower_ == "with":
            nouns = [c for c in prep.children if c.dep_ == "pobj"]
            gap = [t for t in verb.doc[prep.right_edge.i + 1:start] if not t.is_punct]
            if nouns and not gap:
                return nouns[0]
    return None


def _blamed(holder):
    """Who a verb or noun of blame or punishment is aimed at: the noun after its (or its object's)
    "on"/"against", a passive verb's subject, else its object; a noun's verb is asked when the noun
    itself names no one ("hit by US sanctions for buying": the one hit)."""
    for _ in range(3):
        nouns = [holder] + [c for c in holder.children if c.dep_ == "dobj"]
        aimed = [c for n in nouns for prep in n.children if prep.dep_ == "prep" and prep.lower_ in ("on", "against")
                 for c in prep.children if c.dep_ == "pobj"]
        if aimed:
            return aimed[0]
        if holder.pos_ in ("VERB", "AUX"):
            passive = [c for c in holder.children if c.dep_ == "nsubjpass"]
            objects = [c for c in holder.children if c.dep_ == "dobj"]
            return (passive or objects or [None])[0]
        if holder.pos_ == "PROPN" or holder.head.i == holder.i:
            return holder  # "sanctions on China for buying": China
        holder = holder.head.head if holder.dep_ == "pobj" else holder.head
    return None


def _agent(article: _Article, verb) -> list[str]:
    return [a for c in verb.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj" for a in _actors(article, p)]


def _prep(article: _Article, token, word: str) -> list[str]:
    """The actors after a preposition attached to the trigger, its object or its subject noun."""
    holders = [token] + [o for o in token.children if o.dep_ in ("dobj", "nsubjpass", "nsubj", "attr")]
    holders += [p for h in list(holders) for prep in h.children if prep.lower_ in ("of", "on") for p in prep.children if p.dep_ == "pobj"]
    holders += [c for h in list(holders) for c in h.conjuncts]
    out = []
    for holder in holders:
        for prep in holder.children:
            if prep.dep_ in ("prep", "agent", "dative") and prep.lower_ == word:
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        out += _actors(article, pobj)
                        out += [a for p in prep.conjuncts for c in p.children if c.dep_ == "pobj" for a in _actors(article, c)]
    return out


def _modifiers(article: _Article, token) -> list[str]:
    """Actors modifying the trigger noun ("US sanctions", "Washington's warning"); for a verb, those
    of its subject ("US Treasury sanctions targeted"); for a preposition, those of its noun."""
    nouns = [token] if _pos(token) == "NOUN" else [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass", "pobj")]
    return [a for noun in nouns for a in _own_modifiers(article, noun)]


def _of_modifiers(article: _Article, token) -> list[str]:
    """Actors modifying the noun after the trigger's "of": "a threat of US sanctions"."""
    nouns = [token] if token.pos_ in ("NOUN", "PROPN") else [c for c in token.children if c.dep_ == "pobj"]
    of_nouns = [p for n in nouns for prep in n.children if prep.lower_ in ("of", "from") for p in prep.children if p.dep_ == "pobj"]
    return [a for n in of_nouns for a in _own_modifiers(article, n)]


def _own_modifiers(article: _Article, noun) -> list[str]:
    out = []
    for child in noun.children:
        if child.dep_ in ("compound", "amod", "poss", "nmod") or (child.dep_ == "prep" and child.lower_ == "by"):
            target = child if child.dep_ != "prep" else next((c for c in child.children if c.dep_ == "pobj"), None)
            if target is not None:
                out += _actors(article, target)
    return out


def _target_of(article: _Article, noun) -> list[str]:
    """The subject of "is/was/became the target of <noun>"."""
    head = noun.head
    if not (noun.dep_ == "pobj" and head.lower_ == "of" and head.head.lemma_.lower() in _TARGET_NOUNS):
        return []
    frame = head.head
    if frame.dep_ in ("attr", "oprd") and frame.head.i != frame.i:
        return [a for c in frame.head.children if c.dep_ in ("nsubj", "nsubjpass") for a in _actors(article, c)]
    return []


def _owner(article: _Article, token) -> list[str]:
    """ "the Office's decision to sanction": the possessor of the noun the trigger hangs on."""
    noun = token.head if token.dep_ in ("acl", "relcl") else token
    return [a for c in noun.children if c.dep_ == "poss" for a in _actors(article, c)]


def _argument_verb(token):
    """The verb whose argument the noun is ("Serbia could face sanctions over purchases of …"), with
    at most one preposition between them; none for a noun deeper in another noun's phrase. For a
    preposition ("despite"), the verb it hangs on."""
    head = token.head
    if _pos(token) == "ADP":
        return head if head.pos_ in ("VERB", "AUX") and head.i != token.i else None
    if token.dep_ == "pobj" and head.dep_ in ("prep", "agent"):
        head = head.head
    return head if head.pos_ in ("VERB", "AUX") and head.i != token.i else None


def _governing_verb(token):
    for ancestor in token.ancestors:
        if ancestor.pos_ in ("VERB", "AUX"):
            return ancestor
    return None


def _complement(article: _Article, token) -> list[str]:
    """The subject of the clause the trigger governs (else an object there): "warned that Serbia …"."""
    clauses = [c for c in token.children if c.dep_ in ("ccomp", "xcomp")]
    for clause in clauses:
        aimed = [a for t in clause.subtree if t.dep_ == "prep" and t.lower_ in ("against", "on")
                 for c in t.children if c.dep_ == "pobj" for a in _actors(article, c)]
        if aimed:  # "… would entail US sanctions against Belgrade": the one aimed at
            return aimed
        subject = _subject(clause)
        actors = (_actors(article, subject) or _modifiers_of(article, subject)) if subject is not None else []
        in_clause = {x.i for x in clause.subtree}  # once per clause, not once per ancestor of every token
        for t in clause.subtree:
            if any(a.lower_ in ("with", "from", "between") and a.dep_ == "prep" for a in t.ancestors if a.i in in_clause):
                continue
            f = article.mention(t)
            if f is not None and f.form.kind != MentionKind.demonym:
                actors.append(f.form.target)
        if actors:
            return actors
    return []


def _modifiers_of(article: _Article, noun) -> list[str]:
    return [a for c in noun.children if c.dep_ in ("poss", "compound") for a in _actors(article, c)]


def _origins(article: _Article, nouns: list) -> list[str]:
    """ "a Russian air defence system", "Chinese-built drones": the country a noun's modifier names."""
    # the nouns given, then the weapon nouns inside them ("a deal to replace its F-5s with Russia's jets")
    weapon_nouns = [t for n in nouns for t in n.subtree if t.i != n.i and _WEAPON_NOUN.match(t.text)]
    for noun in [*nouns, *weapon_nouns]:
        out = []
        for left in noun.lefts:
            for t in left.subtree:
                f = article.mention(t)
                if f is not None and t.dep_ in ("amod", "compound", "npadvmod", "nmod", "poss") and (
                        f.form.kind == MentionKind.demonym or article.types.get(f.form.target) == ActorType.state):
                    out.append(f.form.target)
        if out:
            return out
    return []


def _weapons(article: _Article, pivot, token, trigger: Trigger) -> list[tuple[str | None, int | None]]:
    """The weapons an event is about: each one its object names (through coordination), else one
    below the trigger or its subject, else, for a trigger whose roles read a weapon's country, the
    nearest one named in the sentence."""
    named = []
    for obj in _objects(pivot):
        for t in obj.subtree:
            # (the original test here, `all(t.i not in c.subtree or c is obj for c in obj.conjuncts …)`, compared a
            # token index with tokens, so it always held: dropped as it read every conjunct's subtree for nothing)
            if t.i in article.weapon_at:
                named.append((article.weapon_at[t.i], obj.i))
                break
    named = list({w: (w, i) for w, i in named}.values())
    if named:
        return named
    subject = next((c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    for root in (pivot, token, subject):
        for t in (root.subtree if root is not None else []):
            if t.i in article.weapon_at:
                return [(article.weapon_at[t.i], t.i)]
    if "weapon_origin" in trigger.source + trigger.target or "object_origin" in trigger.source + trigger.target:
        sentence = article.of_sentence("weapons", sentence_of(token))
        if sentence:
            nearest = min(sentence, key=lambda t: abs(t.i - token.i))
            return [(article.weapon_at[nearest.i], nearest.i)]
    return [(None, None)]


def _actors(article: _Article, token) -> list[str]:
    """The actors a noun phrase names: its mention, its coordinated nouns, a pronoun's antecedent, a
    relative pronoun's noun, or, for a holder ("US officials", "the Treasury's sanctions"), its owner."""
    if token is None:
        return []
    out = []
    for t in [token, *token.conjuncts]:
        out += _actor(article, t)
        for child in t.children:
            if child.dep_ == "appos" and child.pos_ == "PROPN" and article.mention(child):  # "Gazprom Neft, Surgutneftegas"
                out += _actor(article, child)
            if child.dep_ == "prep" and child.lower_ == "including":  # "targeted X, including Y"
                out += [a for c in child.children if c.dep_ == "pobj" for a in _actors(article, c)]
    return list(dict.fromkeys(out))


def _actor(article: _Article, t) -> list[str]:
    if t.lower_ in PLURAL_ANAPHORS and t.pos_ == "NOUN" and any(c.lower_ == "the" for c in t.children):
        previous = _previous_subjects(t)  # "Egypt and Jordan … The nations imposed …": both, like "they"
        if previous and (group := _actors(article, previous[0])):
            return group
    f = article.mention(t)
    if f is not None:
        return [f.form.target]
    if t.text in article.places:
        return [article.places[t.text]]
    lower = t.lower_
    if lower in FIRST_PERSON:
        quote = article.quote_at(t)
        return [quote[2]] if quote and quote[2] else []
    if lower in RELATIVE_PRONOUNS and t.dep_ in ("nsubj", "nsubjpass") and t.head.dep_ == "relcl":
        return _actor(article, t.head.head)
    if lower in ("they", "them", "their"):  # a group: the last clause's subject when it names actors
        previous = _previous_subjects(t)
        return _actors(article, previous[0]) if previous else []
    if lower in PERSON_PRONOUNS | THING_PRONOUNS:
        return _antecedent(article, t, lower in PERSON_PRONOUNS)
    if t.pos_ == "NOUN":  # "Russian defence minister, Sergei Shoigu", "US officials", "NIS oil company"
        if t.dep_ == "appos" and t.lemma_.lower() in ACTOR_DESCRIPTIONS and (f := article.mention(t.head)) is not None:
            return [f.form.target]  # "the United States, the Philippines' treaty ally (that imposed …)"
        named = [f.form.target for c in t.subtree if c.i != t.i and c.dep_ in ("appos", "pobj", "compound")
                 and (f := article.mention(c)) and article.types.get(f.form.target) == ActorType.person][:1]
        relational = t.lemma_.lower() in RELATIONAL_NOUNS  # "U.S. allies" are others: only "Russian partners" say who
        for dep in ("amod",) if relational else ("compound", "amod", "poss"):  # "Russia's officials" are Russia's
            named += [a for c in t.children if c.dep_ == dep for a in _actor(article, c)]
        named += [f.form.target for c in t.children if c.dep_ == "amod" and not relational for d in c.subtree if d.i != c.i
                  and (f := article.mention(d)) is not None]  # "a China-based network"
        if not named and lower in PLURAL_ANAPHORS and any(c.lower_ == "the" for c in t.children):
            previous = _previous_subjects(t)  # "the nations had imposed …": those the last sentence named
            return _actors(article, previous[0]) if previous else []
        if not named and t.lemma_.lower() in GENERIC_HOLDERS and t.dep_ in ("nsubj", "nsubjpass"):
            named = [a for prep in t.head.children if prep.dep_ == "prep" and prep.lower_ == "at"
                     for c in prep.children if c.dep_ == "pobj" for a in _actor(article, c)]
        return named[:1]
    return []


def _antecedent(article: _Article, pronoun, person: bool) -> list[str]:
    """The last actor named before a pronoun: a person for he/she, else a state or organisation; a
    possessive "its" in a clause with an actor subject is that subject ("Serbia … its purchase")."""
    if not person and pronoun.dep_ == "poss":  # "sanctions against Turkey for its purchase": Turkey's
        k = bisect.bisect_left(article.things, pronoun.i) - 1  # the last such token before the pronoun
        if k >= 0 and article.things[k] >= sentence_of(pronoun).start:
            return [article.actor_at[article.things[k]].form.target]
    if not person and pronoun.dep_ in ("nsubj", "nsubjpass"):  # "it" continues the last clause's subject
        addressed = _addressee(article, pronoun)
        if addressed:  # "warned Turkey of sanctions if it bought more": the one warned
            return addressed
        for previous in _previous_subjects(pronoun):  # a subject that names an actor ("U.S.-Turkish relations" does not)
            actors = [a for a in _actors(article, previous) if article.types.get(a) != ActorType.person]
            if actors and (article.mention(previous) or previous.pos_ == "PRON" or previous.lower_ in PLURAL_ANAPHORS):
                return actors[:1]
    # an object pronoun is not its own clause's subject ("it" would be "itself"): "…if it does not revoke
    # the sanctions imposed on it" — the second "it" is someone else
    disjoint = set() if pronoun.dep_ in ("nsubj", "nsubjpass", "poss") else _clause_subject_actors(article, pronoun, person)
    for i in range(pronoun.i - 1, max(-1, pronoun.i - 120), -1):
        f = article.actor_at.get(i)
        if f is None or f.form.kind == MentionKind.demonym or f.form.target in disjoint:
            continue
        is_person = article.types.get(f.form.target) == ActorType.person or f.form.kind == MentionKind.short_name
        if is_person == person:
            return [f.form.target]
    return []


def _clause_subject_actors(article: _Article, pronoun, person: bool) -> set[str]:
    """The actors the subject of the pronoun's own finite clause names (climbing participles and
    infinitives up to the first finite verb)."""
    for verb in pronoun.ancestors:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            if subject.lower_ in PERSON_PRONOUNS | THING_PRONOUNS:
                return set(_antecedent(article, subject, person)) if subject.i < pronoun.i else set()
            return set(_actors(article, subject))
        if verb.tag_ in ("VBD", "VBZ", "VBP") or any(c.dep_ == "aux" and c.tag_ in ("VBD", "VBZ", "VBP", "MD") for c in verb.children):
            return set()
    return set()


def _addressee(article: _Article, pronoun) -> list[str]:
    """The object of the verb a pronoun's if- or that-clause depends on, when that verb is addressed to
    someone (warned, urged, told X … if it / that it …): the pronoun is the one addressed."""
    clause = pronoun.head
    if clause.dep_ not in ("advcl", "ccomp") or clause.head.i == clause.i:
        return []
    governor = clause.head
    objects = [c for c in governor.children if c.dep_ in ("dobj", "dative")]
    return [a for o in objects for a in _actors(article, o) if article.types.get(a) != ActorType.person][:1]


def _previous_subjects(pronoun) -> list:
    """Subjects of the clauses before the pronoun: in its own sentence, then in the one before."""
    sentence = sentence_of(pronoun)
    own = [t for t in sentence if t.i < pronoun.i and t.dep_ in ("nsubj", "nsubjpass")]
    before = [t for t in sentence_of(pronoun.doc[sentence.start - 1]) if t.dep_ in ("nsubj", "nsubjpass")] if sentence.start > 0 else []
    return list(reversed(own)) + before[:1]


def _speaker(article: _Article, token) -> list[str]:
    """Who says it: the quotation's speaker, or the subject of the verb of saying above the trigger,
    or the subject of a verb of saying in the sentence's last clause ("…, a US envoy warned")."""
    quote = article.quote_at(token)
    if quote is not None:
        return [quote[2]] if quote[2] else []
    verb = _speech_ancestor(token, article)
    if verb is None:
        verb = next((t for t in article.of_sentence("saying", sentence_of(token)) if t.i != token.i), None)
    if verb is None:
        return []
    subject = _subject(verb)
    return _actors(article, subject) if subject is not None else []


# --- modality and dates ----------------------------------------------------------------------------------


_CLIMB_NOUN = ("xcomp", "conj", "dobj", "pcomp", "acomp", "amod", "compound", "nsubj", "nsubjpass", "attr")
_CLIMB_OTHER = (*_CLIMB_NOUN, "pobj", "prep")


def _clause_chain(token) -> list:
    """The trigger and the verbs above it up to the clause that states it (a noun only climbs to the
    verb it is an argument of: "sanctions over purchases" does not make the purchases hypothetical)."""
    chain, current = [token], token
    climb = _CLIMB_NOUN if token.pos_ in ("NOUN", "PROPN") else _CLIMB_OTHER
    while current.dep_ in climb and current.head.i != current.i:
        current = current.head
        chain.append(current)
    return chain


@dataclass(frozen=True)
class _ChainFacts:
    """Of a clause chain, what the modality rules test: the lemmas and words (a word of the chain or
    of a child of it) they look for, a negation below it, a "no" determiner, an if-clause below it."""

    lemmas: frozenset[str]
    words: frozenset[str]
    negated: bool
    no_det: bool
    conditional: bool

    @staticmethod
    def of(token) -> _ChainFacts:
        children = list(token.children)
        return _ChainFacts(
            frozenset({token.lemma_.lower()} & _CHAIN_LEMMAS),
            frozenset(({token.lower_} | {c.lower_ for c in children}) & _CHAIN_WORDS),
            any(c.dep_ == "neg" for c in children),
            any(c.lower_ in ("no",) and c.dep_ == "det" for c in children),
            any(_is_condition(c) for c in children),
        )

    def join(self, above: _ChainFacts | None) -> _ChainFacts:
        if above is None:
            return self
        return _ChainFacts(self.lemmas | above.lemmas, self.words | above.words, self.negated or above.negated,
                           self.no_det or above.no_det, self.conditional or above.conditional)


def _is_condition(token) -> bool:
    return token.dep_ == "advcl" and any(m.lower_ in CONDITION_WORDS for m in token.children)


def _modality(token, event_type: EventTypeEntry, article: _Article) -> Modality:
    """As read from the trigger's clause chain (`_clause_chain`) and its ancestors."""
    chain = article.chain_facts(token)
    words, lemmas, own = set(chain.words), chain.lemmas, token.lemma_.lower()
    if chain.negated or "never" in words or chain.no_det:
        return Modality.negated
    others = lemmas - {own}
    if others & REQUEST_VERBS or article.above("requests", token):  # "urged Belgrade to stop buying": wished for
        return Modality.hypothetical
    if others & ({"refuse"} | STOPPING_VERBS):
        return Modality.negated
    content = event_type.content_modality
    conditional = _is_condition(token) or article.above("conditional", token) or chain.conditional
    modals = words & MODAL_VERBS
    own_would = any(c.lower_ == "would" and c.dep_ == "aux" for c in token.children)
    if modals == {"would"} and own_would and not conditional and _speech_ancestor(token, article) is not None:
        modals = set()  # "said it would impose sanctions": the future of a past statement
        words = words | {"will"}
    if content != Modality.hypothetical and (conditional or modals or lemmas & REQUEST_VERBS - {own}):
        return Modality.hypothetical
    if content != Modality.intended and lemmas & INTENTION_VERBS - {own}:
        return Modality.intended
    if words & FUTURE_AUXILIARIES or lemmas & SCHEDULED_WORDS and ("to" in words or own in SCHEDULED_WORDS):
        return Modality.future
    if article.of_sentence("reports", sentence_of(token)):
        return Modality.reported
    return Modality.asserted


def _date_tokens(token, event_type: EventTypeEntry, article: _Article | None = None) -> tuple[int, ...]:
    """Tokens a date expression may hang on to date this event: the trigger's own clause (not a
    clause below it: "as agreed in a 2019 contract" dates the contract, not the delivery), the noun
    a verb trigger modifies ("decision on January 10 to sanction"), and for a verbal act the verb
    of saying ("said on Thursday")."""
    own = [token] + [h for h in _clause_chain(token)[1:] if h.pos_ not in ("VERB", "AUX")]
    if token.dep_ in ("acl", "relcl"):
        own.append(token.head)
    if event_type.speech_act:
        speech = _speech_ancestor(token, article)
        if speech is not None:
            own.append(speech)
    return tuple(t.i for t in own)


_SENTENCE_FACTS = {
    "lemmas": lambda article, sentence: token_arrays(article.doc).lemmas_lower(sentence.start, sentence.end),
    "weapons": lambda article, sentence: [t for t in sentence if t.i in article.weapon_at],
    # the first two verbs of saying with a clause of their own (a trigger that is one takes the other)
    "saying": lambda article, sentence: [t for t in sentence if t.pos_ == "VERB" and t.lemma_.lower() in SPEECH_LEMMAS
                                         and any(c.dep_ == "ccomp" for c in t.children)][:2],
    "reports": lambda article, sentence: any(t.lower_ in ("according", "reportedly") for t in sentence) or any(
        t.lemma_.lower() in REPORT_WORDS and t.dep_ in ("nsubj", "pobj") for t in sentence),
}
_SAID_DEPS = frozenset({"ccomp", "xcomp", "parataxis", "dobj", "attr", "oprd"})
_CHAIN_LEMMAS = frozenset(REQUEST_VERBS | {"refuse"} | STOPPING_VERBS | INTENTION_VERBS | SCHEDULED_WORDS)
_CHAIN_WORDS = frozenset(MODAL_VERBS | FUTURE_AUXILIARIES | {"never", "to", "will"})
_ABOVE = {  # fact of a token from its head and the head's own fact
    "requests": lambda head, above, dep: head.lemma_.lower() in REQUEST_VERBS or above,
    "conditional": lambda head, above, dep: _is_condition(head) or above,
    # what a verb of saying says is its clause or its object, not its other phrases ("puts it at risk of …")
    "speech": lambda head, above, dep: head if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in SPEECH_LEMMAS
    and dep in _SAID_DEPS else above,
}
