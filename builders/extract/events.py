"""Events: who threatened, demanded, delivered, bought, visited… whom, when, with which weapon.

Rule events come from the parse (`event_rules`): a trigger word of the codebook
(seeds/reference/event_types.yaml) with its participants read from the dependency tree, its
modality from negation, modal verbs, conditions, future auxiliaries and reporting chains, and a
date only from an expression attached to its own clause, resolved against the date the text was
written (the original publication date of a repost, else the publication date when it is stated to
the day); none: unknown. The same event told twice in an article (same type and participants) is one
row, with the earliest evidence; an undated event takes the date of an event of the same type in the
sentence right before it (a lede gives the day, the next sentence who did what).

Curated events (seeds/curation/<article_id>.yaml) win over rule events for the same type, source and
target; a curation file marked `complete` replaces the rule events of its article. A rejection in
the file drops the rule row of its type and participants whose evidence overlaps the rejection's;
one that matches no rule row (the rules changed) is a warning, so the build goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from ..inputs.curation import CurationFile
from ..inputs.reference import EventTypeEntry, Reference
from ..inputs.yamlfile import Lines, closest
from ..problems import Problem
from ..schema.models import Article, DatePrecision, DateSource, Event, Method, Modality
from . import dates
from .event_rules import rule_events
from .ids import row_ids
from .lexicon import BULLET_MARKS
from .matching import Found
from .reference_index import reference_index
from .tokens import sentence_of


@dataclass(frozen=True, kw_only=True)
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
    """The day the text was written, when it is known to the day: relative dates resolve against it."""
    if article.original_published_date is not None:
        return article.original_published_date
    precision = article.published_date_precision
    return article.published_date if precision is None or precision.value == "day" else None


def date_of(evidence: str, article: Article) -> dates.DateInterval:
    found = dates.find_dates(evidence, _anchor(article))
    return found[0][2] if found else dates.UNKNOWN


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


def rule_drafts(article: Article, doc, found: list[Found], quotes: list, reference: Reference, summary: _Summary,
                weapon_origins: dict[str, str | None], types: dict) -> list[EventDraft]:
    """The rules' events, one per type and participants (the earliest evidence kept), each with the
    sentence that states it as evidence and the date its own clause gives."""
    spans = [(q.start_char, q.end_char, q.speaker_actor_id) for q in quotes]
    drafts: dict[tuple, EventDraft] = {}
    told: dict[tuple, list] = {}  # (type, source, target) -> the weapons of its drafts: `drafts` by participants
    last_dated: dict[str, tuple[int, dates.DateInterval]] = {}  # event type -> (sentence start, date)
    sentence_dates: dict[tuple, list] = {}  # the dates of a sentence, read once per sentence and direction
    for event in rule_events(doc, found, spans, reference, weapon_origins, types):
        sentence = sentence_of(doc[event.trigger])
        start, end = _evidence(article.text, sentence.start_char, sentence.end_char, doc[event.trigger].idx)
        same = told.setdefault((event.event_type, event.source, event.target), [])
        if any(weapon == event.weapon or event.weapon is None for weapon in same):
            continue  # the same event told again
        if None in same:  # the same event, its weapon named now
            kept = drafts.pop((event.event_type, event.source, event.target, None))
            drafts[(event.event_type, event.source, event.target, event.weapon)] = replace(
                kept, weapon=event.weapon, summary=summary(kept.event_type, kept.source, kept.target, event.weapon, kept.modality))
            same[same.index(None)] = event.weapon
            continue
        key = (event.event_type, event.source, event.target, event.weapon)
        same.append(event.weapon)
        date = _clause_date(doc, event, article, sentence_dates)
        earlier = last_dated.get(event.event_type)
        if date.precision == "unknown" and earlier is not None and _previous_sentence_start(doc, sentence) == earlier[0]:
            date = earlier[1]  # the lede's "imposed sanctions on Thursday", then who imposed them on whom
        elif date.precision != "unknown":
            last_dated[event.event_type] = (sentence.start, date)
        drafts[key] = EventDraft(
            event_type=event.event_type, modality=event.modality, source=event.source, target=event.target, weapon=event.weapon,
            evidence_start=start, evidence_end=end, method=Method.rule, date=date,
            summary=summary(event.event_type, event.source, event.target, event.weapon, event.modality),
        )
    return list(drafts.values())


def _previous_sentence_start(doc, sentence) -> int | None:
    return sentence_of(doc[sentence.start - 1]).start if sentence.start > 0 else None


_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_CLOSING = "”’»)]}.,;:!?…"  # at a sentence's start: the end of the sentence before it
_OPENING = "“‘«([{„‚"  # at its end: the start of the next one
_BULLETS = frozenset(mark for mark in BULLET_MARKS if len(mark) == 1)


def _evidence(text: str, start: int, end: int, at: int) -> tuple[int, int]:
    """The sentence holding character `at` (the trigger), as evidence: within its paragraph (no
    sentence goes on across a blank line, though the parser may run one on), without the white
    space around it, without a closing quotation mark or punctuation of the sentence before at its
    start (spaCy hangs a paragraph's closing mark on the next sentence) or a list's bullet mark, and without an opening
    mark of the next at its end. A straight quotation mark is closing at the start when white space
    follows it, opening at the end when white space comes before it."""
    for blank in _BLANK_LINE.finditer(text, start, end):
        if blank.end() <= at:
            start = blank.end()
        elif blank.start() >= at:
            end = blank.start()
            break
    while start < end and (text[start].isspace() or text[start] in _CLOSING
                           or (text[start] in "\"'" and (start + 1 == end or text[start + 1].isspace()))
                           or (text[start] in _BULLETS and (start + 1 == end or text[start + 1].isspace()))):
        start += 1  # (a list's bullet mark is no part of its line's sentence, and "- " would start a spreadsheet formula)
    while end > start and (text[end - 1].isspace() or text[end - 1] in _OPENING
                           or (text[end - 1] in "\"'" and (end - 1 == start or text[end - 2].isspace()))):
        end -= 1
    return start, end


def _clause_date(doc, event, article: Article, cache: dict | None = None) -> dates.DateInterval:
    """The first date expression of the sentence that hangs on the event's own clause (`cache`: the
    dates of sentences already read, by sentence and direction)."""
    sentence = sentence_of(doc[event.trigger])
    anchor = _anchor(article)
    own = set(event.date_tokens)
    weapon_phrase = set()
    if event.weapon_token is not None:
        weapon_phrase = {t.i for t in doc[event.weapon_token].subtree}
    # news reports what has happened: a day or month without a year is the last one, unless the
    # event is still to come
    direction = {Modality.future: "future", Modality.intended: "future", Modality.hypothetical: None}.get(event.modality, "past")
    cache = {} if cache is None else cache
    if (sentence.start, direction) not in cache:
        found = []
        for start, end, interval in dates.find_dates(sentence.text, anchor, direction):
            span = doc.char_span(sentence.start_char + start, sentence.start_char + end, alignment_mode="expand")
            if span is not None and len(span) > 0:
                found.append((span.root, interval))
        cache[(sentence.start, direction)] = found
    candidates = []
    for root, interval in cache[(sentence.start, direction)]:
        if _hangs_on(root, own):
            candidates.append((root.i not in weapon_phrase, interval))  # a date on the weapon's own phrase first
    return min(candidates, key=lambda c: c[0])[1] if candidates else dates.UNKNOWN


def _hangs_on(token, own: set[int]) -> bool:
    """Walking up from the date, the first verb (or the event's own word) met is the event's."""
    for t in [token, *token.ancestors]:
        if t.i in own:
            return True
        if t.pos_ in ("VERB", "AUX") and t.i != token.i:
            return False
    return False


def unknown_actor(value: str, known_actors: set[str]) -> str:
    return f"unknown actor {value!r}{closest(value, known_actors)} — use an actor id from seeds/reference/actors.yaml or one found in this article"


def _bad_names(entry, types: set[str], known_actors: set[str], known_weapons: set[str]) -> list[tuple[str, str]]:
    """(field, message) for the event type, participants and weapon of a curated or rejected event
    that the reference and the article do not know."""
    bad = []
    if entry.event_type not in types:
        bad.append(("event_type", f"unknown event type {entry.event_type!r}{closest(entry.event_type, types)} — use an id from seeds/reference/event_types.yaml"))
    for field in ("source", "target"):
        value = getattr(entry, field)
        if value is not None and value not in known_actors:
            bad.append((field, unknown_actor(value, known_actors)))
    weapon = getattr(entry, "weapon", None)
    if weapon is not None and weapon not in known_weapons:
        bad.append(("weapon", f"unknown weapon system {weapon!r}{closest(weapon, known_weapons)} — use an id from seeds/reference/weapon_systems.yaml"))
    return bad


NOT_IN_TEXT = "the evidence text does not occur in the article's clean text — copy it exactly from articles.text"


def located_entries(section: str, entries, text: str, lines: Lines, rel: str, bad_names: Callable,
                    quoted: str = "evidence", missing: str = NOT_IN_TEXT) -> tuple[list[tuple[int, object, int]], list[Problem]]:
    """The entries of a curation file's `section` that pass their checks, each with where its quoted
    text (`quoted`, at its `occurrence`) starts in the article; and a problem for each value at fault,
    at its line: an unknown name (`bad_names(entry)`), or quoted text the article does not hold."""
    found, problems = [], []
    for i, entry in enumerate(entries):
        bad = bad_names(entry)
        start = nth_occurrence(text, getattr(entry, quoted), entry.occurrence)
        if start < 0:
            bad.append((quoted, missing))
        if bad:
            problems += [Problem(rel, lines((section, i, field)), f"{section}.{i}.{field}", message) for field, message in bad]
        else:
            found.append((i, entry, start))
    return found, problems


def curated_events(article: Article, curation: CurationFile, lines: Lines, rel: str, known_actors: set[str],
                   known_weapons: set[str], reference: Reference, summary: _Summary) -> tuple[list[EventDraft], list[Problem]]:
    """Curated events, each checked against the article and the reference; a problem is reported
    at the line of the value at fault (`lines`: where the curation file's keys are)."""
    types = {t.id for t in reference.event_types}
    found, problems = located_entries("events", curation.events, article.text, lines, rel,
                                      lambda event: _bad_names(event, types, known_actors, known_weapons))
    drafts = [EventDraft(
        event_type=event.event_type, modality=event.modality, source=event.source, target=event.target, weapon=event.weapon,
        evidence_start=start, evidence_end=start + len(event.evidence), summary=event.summary, method=Method.curated,
        date=_curated_date(event, article),
    ) for _, event, start in found]
    return drafts, problems


@dataclass(frozen=True)
class Rejection:
    """A checked `rejected:` entry: the rule row it names, and where the entry is in its file."""

    event_type: str
    source: str | None
    target: str | None
    evidence_start: int
    evidence_end: int
    line: int | None
    index: int


def rejections(article: Article, curation: CurationFile, lines: Lines, rel: str, known_actors: set[str],
               reference: Reference) -> tuple[list[Rejection], list[Problem]]:
    """The file's rejections, checked like its events (an unknown name or evidence not in the
    text is an error at its line)."""
    types = {t.id for t in reference.event_types}
    found, problems = located_entries("rejected", curation.rejected, article.text, lines, rel,
                                      lambda entry: _bad_names(entry, types, known_actors, set()))
    return [Rejection(entry.event_type, entry.source, entry.target, start, start + len(entry.evidence), lines(("rejected", i)), i)
            for i, entry, start in found], problems


def drop_rejected(rules: list[EventDraft], rejected: list[Rejection], rel: str) -> tuple[list[EventDraft], list[Problem]]:
    """The rule rows no rejection names (same type and participants, evidence overlapping), and a
    warning for each rejection that names none: the rules no longer make that row, so the entry
    has nothing left to do (a warning, not an error: a better rule must not fail a build)."""
    def names(rejection: Rejection, rule: EventDraft) -> bool:
        return ((rule.event_type, rule.source, rule.target) == (rejection.event_type, rejection.source, rejection.target)
                and rule.evidence_start < rejection.evidence_end and rejection.evidence_start < rule.evidence_end)

    kept = [rule for rule in rules if not any(names(r, rule) for r in rejected)]
    warnings = [Problem(rel, r.line, f"rejected.{r.index}", "no rule row of this type and participants has its evidence here (the rules "
                        "no longer make it) — remove the entry, or correct it from the rows the package now holds", "warning")
                for r in rejected if not any(names(r, rule) for rule in rules)]
    return kept, warnings


def _curated_date(event, article: Article) -> dates.DateInterval:
    if event.date is None:
        return date_of(event.evidence, article)
    d = event.date
    return dates.DateInterval(d.start, d.end, d.precision.value, d.source)


def nth_occurrence(text: str, needle: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.find(needle, at + 1)
        if at < 0:
            return -1
    return at


def merge(article: Article, curated: list[EventDraft], rules: list[EventDraft], complete: bool, reference: Reference) -> list[Event]:
    """Curated rows win over rule rows for the same event (type, source and target); rows in the
    order of their evidence. A curated row that restates a rule row (same type, participants, weapon
    and evidence) takes the rule row's id."""
    codes = {t.id: (t.plover, t.cameo) for t in reference_index(reference).event_types.values()}
    covered = {(c.event_type, c.source, c.target) for c in curated}
    kept = [] if complete else [r for r in rules if (r.event_type, r.source, r.target) not in covered]
    drafts = sorted(curated + kept, key=lambda d: (d.evidence_start, d.event_type, d.method.value))
    event_ids = row_ids(article.article_id, "e", [(d.event_type, d.source, d.target, d.weapon, d.evidence_start, d.evidence_end) for d in drafts])
    events = []
    for event_id, d in zip(event_ids, drafts, strict=True):
        events.append(Event(
            event_id=event_id,
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
            evidence_start_char=d.evidence_start,
            evidence_end_char=d.evidence_end,
            evidence_text=article.text[d.evidence_start : d.evidence_end],
            summary=d.summary,
            method=d.method,
        ))
    return events


def make_summary(reference: Reference, extra_names: dict[str, str], extra_weapons: dict[str, str]) -> _Summary:
    index = reference_index(reference)
    names = index.actor_names | extra_names
    weapon_names = index.weapon_names | extra_weapons
    return _Summary(names.get, weapon_names.get, index.event_types)

