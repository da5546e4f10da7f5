"""Events: who threatened, demanded, delivered, bought, visited… whom, when, with which weapon.

Rule events come from sentences that hold a trigger of a codebook type (seeds/reference/
event_types.yaml) and the participants the type needs. The source is the first actor named before
the trigger in its sentence, the target the first other actor after it, the weapon the first one
named in the sentence. Triggers inside quotations are not coded (a quotation is someone's claim).
Modality, read from the clause before the trigger: `negated` (not, no, never, without…),
`hypothetical` (if, could, would, might, may, unless…), `intended` (plans/wants/intends to…),
`future` (will, is due to, next…), `reported` (according to a third party, reportedly…), else
`asserted`. A threat's own conditional ("would entail sanctions") is its content, not its modality.
The same event told twice in an article (same type, source, target, weapon and modality) is one row.

Curated events (seeds/curation/<article_id>.yaml) win over rule events for the same type, source and
target; a curation file marked `complete` replaces the rule events of its article.
Dates come from the first date expression in the evidence, resolved against the date the text was
written (the original publication date of a repost, else the publication date); none: unknown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..inputs.curation import CurationFile
from ..inputs.reference import EventTypeEntry, Reference, Trigger
from ..problems import Problem
from ..schema.models import (
    Article,
    DatePrecision,
    DateSource,
    Event,
    MentionKind,
    Method,
    Modality,
)
from . import dates
from .matching import Found
from .ids import row_id
from .lexicon import (
    CONDITION,
    FUTURE,
    HYPOTHETICAL,
    INTENTION,
    NEGATION,
    PASSIVE_AUXILIARIES,
    REPORTED,
    SPEECH_VERBS_CLOSING_CLAUSE,
    SPEECH_VERBS_REPORTING,
    alternation,
)
from .quotes import QuoteSpan, sentence_bounds

_NEGATION = re.compile(rf"\b(?:{alternation(NEGATION)})\b[^,;]{{0,40}}$", re.IGNORECASE)
_HYPOTHETICAL = re.compile(rf"\b(?:{alternation(HYPOTHETICAL)})\b", re.IGNORECASE)
_INTENDED = re.compile(rf"\b(?:{alternation(INTENTION)}) to\b", re.IGNORECASE)
_FUTURE = re.compile(rf"\b(?:{alternation(FUTURE)})\b", re.IGNORECASE)
_SPEECH_VERB = re.compile(rf"\b(?:{alternation(SPEECH_VERBS_REPORTING)})\b(?:[^.;]{{0,60}}?\bthat\b)?", re.IGNORECASE)
_CLOSING_SPEAKER = re.compile(rf",\s*([^,]{{2,80}}?)\s+(?:{alternation(SPEECH_VERBS_CLOSING_CLAUSE)}|told \w+)\s*[^,]{{0,30}}[.!]?$")
MODALITY_WORDS = 7  # modality is read from this many words before the trigger
_REPORTED = re.compile(rf"\b(?:{alternation(REPORTED)})\b", re.IGNORECASE)


@dataclass(frozen=True)
class EventDraft:
    event_type: str
    modality: Modality
    source: str | None
    target: str | None
    weapon: str | None
    evidence_start: int
    evidence_end: int
    summary: str
    method: Method
    date: dates.DateInterval


def _anchor(article: Article):
    return article.original_published_date or article.published_date


def date_of(evidence: str, article: Article) -> dates.DateInterval:
    found = dates.find_dates(evidence, _anchor(article))
    return found[0][2] if found else dates.UNKNOWN


_CONDITION = re.compile(rf"\b(?:{alternation(CONDITION)})\b", re.IGNORECASE)


def modality_of(text_before_trigger: str, sentence: str, content_modality: Modality | None = None, trigger: str = "",
                condition_before: str = "") -> Modality:
    """Read the words before the trigger (and the trigger's own words, as in "did not buy"). A
    modality that is the type's own content (a threat's "would face sanctions") is not read."""
    near = f"{text_before_trigger} {trigger}"
    if _NEGATION.search(text_before_trigger) or re.search(r"\b(?:not|never|n't)\b", trigger):
        return Modality.negated
    if content_modality != Modality.hypothetical and (_HYPOTHETICAL.search(near) or _CONDITION.search(condition_before)):
        return Modality.hypothetical
    if content_modality != Modality.intended and _INTENDED.search(text_before_trigger):
        return Modality.intended
    if _FUTURE.search(text_before_trigger):
        return Modality.future
    if _REPORTED.search(sentence):
        return Modality.reported
    return Modality.asserted


class _Summary:
    def __init__(self, names: Callable[[str], str | None], weapon_names: Callable[[str], str | None], types: dict[str, EventTypeEntry]):
        self.names, self.weapon_names, self.types = names, weapon_names, types

    def __call__(self, event_type: str, source, target, weapon, modality: Modality) -> str:
        label = self.types[event_type].label.lower()
        text = f"{self.names(source) or 'unnamed actor'}: {label}"
        if target:
            text += f" → {self.names(target)}"
        if weapon:
            text += f" [{self.weapon_names(weapon)}]"
        if modality != Modality.asserted:
            text += f" ({modality.value})"
        return text


SOURCE_WINDOW = 90  # characters between the source actor and the trigger
TARGET_WINDOW = 100  # characters between the trigger and the target actor
WEAPON_WINDOW = 120  # characters between the trigger and the weapon system
_PASSIVE = re.compile(rf"\b(?:{alternation(PASSIVE_AUXILIARIES)})\b", re.IGNORECASE)


def rule_events(article: Article, found: list[Found], spans: list[QuoteSpan], reference: Reference, summary: _Summary) -> list[EventDraft]:
    """At most one event per codebook type and sentence, with participants close to the trigger."""
    text = article.text
    actors = [f for f in found if not f.form.is_weapon]
    weapons = [f for f in found if f.form.is_weapon]
    inside_quotes = [(s.start, s.end) for s in spans]
    compiled, any_trigger = _compiled_triggers(reference)
    drafts: list[EventDraft] = []
    seen: list[tuple] = []
    for s_start, s_end in sentence_bounds(text, spans):
        sentence = text[s_start:s_end]
        if not any_trigger.search(sentence):  # no type's trigger occurs: no per-type search can match
            continue
        for event_type, patterns, singles in compiled:
            match = next((m for m in patterns.finditer(sentence)
                          if not any(a <= s_start + m.start() < b for a, b in inside_quotes)), None)
            if match is None:
                continue
            trigger_at, trigger_end = s_start + match.start(), s_start + match.end()
            clause_start = s_start + max([0] + [m.end() for m in re.finditer(r"[;:]|, (?:but|while|and|as|which|who)\b|\b(?:that|when|after|before|because|if)\b", sentence[: match.start()])])
            passive = bool(_PASSIVE.search(match.group(0)))
            before = [a for a in actors if max(clause_start, trigger_at - SOURCE_WINDOW) <= a.start and a.end <= trigger_at]
            source = None if passive else _pick(before, nearest=True)
            after = [a for a in actors if trigger_at <= a.start < min(s_end, trigger_end + TARGET_WINDOW) and a.form.target != source]
            target = _pick(after)
            near = [w for w in weapons if s_start <= w.start < s_end and (abs(w.start - trigger_at) <= WEAPON_WINDOW or abs(w.end - trigger_end) <= WEAPON_WINDOW)]
            weapon = min(near, key=lambda w: min(abs(w.start - trigger_at), abs(w.end - trigger_end))).form.target if near else None
            if event_type.destination_is_target:
                target = _destination(text, trigger_end, reference) or target
            needs = set(event_type.needs)
            if ("source" in needs and source is None and not passive) or ("target" in needs and target is None) or ("weapon" in needs and weapon is None):
                continue
            if event_type.speech_act:
                source, target = _speaker_as_source(text, actors, s_start, s_end, clause_start, trigger_at, source, target)
            # "…arrived in Belgrade": a visit when an actor arrives, a delivery when a weapon does
            mover = event_type.mover or _matched_trigger(singles, sentence, match.start()).mover
            if mover and (mover == "weapon") != _nearest_is_weapon(actors, weapons, max(s_start, trigger_at - SOURCE_WINDOW), trigger_at):
                continue
            window = " ".join(text[clause_start:trigger_at].split()[-MODALITY_WORDS:])
            modality = modality_of(window, sentence, event_type.content_modality, match.group(0), text[s_start:trigger_at])
            participants = {source, target} - {None}
            if any(k[0] == event_type.id and k[2] == weapon and k[3] == modality and participants <= k[1] for k in seen):
                continue  # the same event told again (with the same or fewer participants named)
            seen.append((event_type.id, participants, weapon, modality))
            evidence = sentence.strip()
            start = s_start + (len(sentence) - len(sentence.lstrip()))
            drafts.append(EventDraft(
                event_type.id, modality, source, target, weapon, start, start + len(evidence),
                summary(event_type.id, source, target, weapon, modality), Method.rule, date_of(evidence, article),
            ))
    return drafts


_Compiled = tuple[EventTypeEntry, re.Pattern, list[tuple[Trigger, re.Pattern]]]
_TRIGGERS: dict[str, tuple[list[_Compiled], re.Pattern]] = {}


def _compiled_triggers(reference: Reference) -> tuple[list[_Compiled], re.Pattern]:
    """Per type, one alternation of its triggers (the leftmost trigger in a sentence wins) and each
    trigger alone; and one alternation of every type's triggers (it matches a sentence iff some
    type's does); compiled once per codebook."""
    if reference.digest not in _TRIGGERS:
        per_type = [
            (t, re.compile("|".join(f"(?:{p.pattern})" for p in t.triggers), re.IGNORECASE),
             [(p, re.compile(p.pattern, re.IGNORECASE)) for p in t.triggers])
            for t in reference.event_types if t.triggers
        ]
        any_type = re.compile("|".join(f"(?:{p.pattern})" for _, p, _ in per_type) or r"(?!)", re.IGNORECASE)
        _TRIGGERS[reference.digest] = (per_type, any_type)
    return _TRIGGERS[reference.digest]


def _matched_trigger(singles: list[tuple[Trigger, re.Pattern]], sentence: str, at: int) -> Trigger:
    """The trigger an alternation matched at `at`: the first of its alternatives that matches there."""
    return next(trigger for trigger, pattern in singles if pattern.match(sentence, at))


def _speaker_as_source(text: str, actors: list[Found], s_start: int, s_end: int, clause_start: int, trigger_at: int, source, target):
    """`X said that Y could risk sanctions`: X (the speaker) is the source and Y the target."""
    verbs = [m for m in _SPEECH_VERB.finditer(text, s_start, trigger_at) if m.end() <= clause_start + 1]
    if not verbs or clause_start == s_start:
        # `Y could face sanctions, X warned.`: the speaker comes after, in the sentence's last clause
        tail = _CLOSING_SPEAKER.search(text[trigger_at:s_end])
        if not tail:
            return source, target
        start = trigger_at + tail.start(1)
        speakers = [a for a in actors if start <= a.start and a.end <= trigger_at + tail.end(1)]
        speaker = _pick(speakers)
        return (speaker, source or target) if speaker and speaker != source else (source, target)
    speakers = [a for a in actors if s_start <= a.start and a.end <= verbs[-1].start()]
    people = [a for a in speakers if a.form.kind in (MentionKind.name, MentionKind.short_name, MentionKind.title)]
    speaker = _pick(people or speakers)
    if speaker is None or speaker == source:
        return source, target
    return speaker, source or target


def _nearest_is_weapon(actors: list[Found], weapons: list[Found], start: int, trigger_at: int) -> bool:
    before = [m for m in actors + weapons if start <= m.start and m.end <= trigger_at]
    return bool(before) and max(before, key=lambda m: m.end).form.is_weapon


def _destination(text: str, trigger_end: int, reference: Reference) -> str | None:
    """`visit to Skopje`, `arrived in Belgrade`: the state whose capital follows the trigger."""
    following = text[trigger_end : trigger_end + 40]
    for entry in reference.actors:
        for place in entry.metonyms:
            if re.match(rf"\s*(?:to\s+|in\s+)?{re.escape(place)}\b", following):
                return entry.id
    return None


def _pick(mentions: list[Found], nearest: bool = False) -> str | None:
    """The first (or, before a trigger, the nearest) actor named, skipping demonyms when a name is there."""
    named = [m for m in mentions if m.form.kind != MentionKind.demonym] or mentions
    if not named:
        return None
    return (named[-1] if nearest else named[0]).form.target


def curated_events(article: Article, curation: CurationFile, lines: dict[int, int], rel: str, known_actors: set[str],
                   known_weapons: set[str], reference: Reference, summary: _Summary) -> tuple[list[EventDraft], list[Problem]]:
    """Curated events, each checked against the article and the reference."""
    types = {t.id for t in reference.event_types}
    drafts, problems = [], []
    for i, event in enumerate(curation.events):
        line = lines.get(i)
        bad = []
        if event.event_type not in types:
            bad.append(("event_type", f"unknown event type {event.event_type!r} — use an id from seeds/reference/event_types.yaml"))
        for field in ("source", "target"):
            value = getattr(event, field)
            if value is not None and value not in known_actors:
                bad.append((field, f"unknown actor {value!r} — use an actor id from seeds/reference/actors.yaml or one found in this article"))
        if event.weapon is not None and event.weapon not in known_weapons:
            bad.append(("weapon", f"unknown weapon system {event.weapon!r} — use an id from seeds/reference/weapon_systems.yaml"))
        start = _nth(article.text, event.evidence, event.occurrence)
        if start < 0:
            bad.append(("evidence", "the evidence text does not occur in the article's clean text — copy it exactly from articles.text"))
        if bad:
            problems += [Problem(rel, line, f"events.{i}.{field}", message) for field, message in bad]
            continue
        date = _curated_date(event, article)
        drafts.append(EventDraft(
            event.event_type, event.modality, event.source, event.target, event.weapon,
            start, start + len(event.evidence), event.summary, Method.curated, date,
        ))
    return drafts, problems


def _curated_date(event, article: Article) -> dates.DateInterval:
    if event.date is None:
        return date_of(event.evidence, article)
    d = event.date
    return dates.DateInterval(d.start, d.end, d.precision.value, d.source)


def _nth(text: str, needle: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.find(needle, at + 1)
        if at < 0:
            return -1
    return at


def merge(article: Article, curated: list[EventDraft], rules: list[EventDraft], complete: bool, reference: Reference) -> list[Event]:
    """Curated rows win over rule rows for the same event; ids follow the order of the evidence."""
    codes = {t.id: (t.plover, t.cameo) for t in reference.event_types}
    covered = {(c.event_type, c.source, c.target) for c in curated}
    kept = [] if complete else [r for r in rules if (r.event_type, r.source, r.target) not in covered]
    drafts = sorted(curated + kept, key=lambda d: (d.evidence_start, d.event_type, d.method.value))
    events = []
    for n, d in enumerate(drafts, start=1):
        events.append(Event(
            event_id=row_id(article.article_id, "e", n),
            article_id=article.article_id,
            event_type=d.event_type,
            plover_type=codes[d.event_type][0],
            cameo_code=codes[d.event_type][1],
            modality=d.modality,
            source_actor_id=d.source,
            target_actor_id=d.target,
            weapon_system_id=d.weapon,
            date_start=d.date.start,
            date_end=d.date.end,
            date_precision=DatePrecision(d.date.precision),
            date_source=DateSource(d.date.source),
            evidence_start=d.evidence_start,
            evidence_end=d.evidence_end,
            evidence_text=article.text[d.evidence_start : d.evidence_end],
            summary=d.summary,
            method=d.method,
        ))
    return events


def make_summary(reference: Reference, extra_names: dict[str, str], extra_weapons: dict[str, str]) -> _Summary:
    names = {a.id: a.name for a in reference.actors} | extra_names
    weapon_names = {w.id: w.designation for w in reference.weapons} | extra_weapons
    return _Summary(names.get, weapon_names.get, {t.id: t for t in reference.event_types})

