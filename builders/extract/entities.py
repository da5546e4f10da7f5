"""Actors and weapon systems in an article: mentions with offsets, and actors the reference lacks.

Curated forms are matched first (`matching`), then actors the reference lacks are discovered with
evidence (`discovery`) and matched everywhere they recur; weapon designations missing from the
reference are found by pattern next to a weapon noun.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..inputs.reference import Reference
from ..schema.models import (
    ActorMention,
    ActorType,
    Article,
    MentionKind,
    Method,
    WeaponSystemMention,
)
from .coreference import resolve_descriptions
from .discovery import DiscoveredActor, discover_actors, occurrences
from .ids import row_ids, slug
from .lexicon import DESIGNATION_PREFIXES, WEAPON_NOUNS, alternation, fold
from .matching import (
    Form,
    Found,
    Matcher,
    bounded,
    country_before,
    folded_weapon_forms,
    forms_at,
    select,
    suffixes,
    without_foreign_bodies,
)
from .quotes import QuoteSpan

__all__ = ["ArticleEntities", "DiscoveredActor", "DiscoveredWeapon", "Found", "Matcher", "find_entities"]


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


_DESIGNATION = re.compile(rf"(?<![\w-])((?:{alternation(DESIGNATION_PREFIXES)})-\d{{1,3}}[A-Z]{{0,2}}\d?)(?![\w-])")
_WEAPON_NOUN = re.compile(rf"\b(?:{alternation(WEAPON_NOUNS)})\b", re.IGNORECASE)


def discover_weapons(text: str, found: list[Found], reference: Reference, known: set[str] | None = None) -> list[DiscoveredWeapon]:
    """Designations next to a weapon noun that the reference lacks (`known`: the folded curated
    designations and aliases, which a Matcher keeps: folding them for every article is wasted work)."""
    covered = sorted((f.start, f.end) for f in found if f.form.is_weapon)  # mentions do not overlap: ends sorted too
    ends = [e for _, e in covered]
    out: dict[str, DiscoveredWeapon] = {}
    if known is None:
        known = folded_weapon_forms(reference)
    for m in _DESIGNATION.finditer(text):
        designation = m.group(1)
        first_after = bisect.bisect_right(ends, m.start())  # the first mention ending after this start
        if fold(designation) in known or (first_after < len(covered) and covered[first_after][0] < m.end()):
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
        origin = country_before(found, m.start(), text, reference)
        out.setdefault(weapon_id, DiscoveredWeapon(weapon_id, designation, origin))
    return sorted(out.values(), key=lambda w: w.weapon_system_id)


def _discovered_candidates(text: str, actors: list[DiscoveredActor], weapons: list[DiscoveredWeapon]) -> list[tuple[int, int, Form]]:
    """Every occurrence of the discovered actors' and weapons' forms (one pass over the text for all)."""
    out, wanted = [], []
    for actor in actors:
        surfaces = {s: MentionKind.name for s in actor.forms}
        if actor.actor_type == ActorType.person:
            for s in actor.forms:
                for suffix in suffixes(s):
                    surfaces.setdefault(suffix, MentionKind.short_name)
        for acronym in actor.acronyms:
            surfaces.setdefault(acronym, MentionKind.alias)
        wanted.append((actor, surfaces))
    where = occurrences(text, {s for _, surfaces in wanted for s in surfaces} | {w.designation for w in weapons})
    for actor, surfaces in wanted:
        for surface, kind in surfaces.items():
            for at in where.get(surface, ()):
                end = at + len(surface)
                if bounded(text, at, end):
                    form = Form(actor.actor_id, False, kind, needs_prior=kind == MentionKind.short_name)
                    start = at
                    if kind == MentionKind.name and actor.actor_type != ActorType.person and text[max(0, start - 4) : start] in ("the ", "The "):
                        start -= 4  # "the White House Security Council" is one name, not "the White House" and more
                    out.append((start, end, form))
    for weapon in weapons:
        for at in where.get(weapon.designation, ()):
            end = at + len(weapon.designation)
            end += text.startswith("s", end)  # a plural: "FK-3s"
            if bounded(text, at, end):
                out.append((at, end, Form(weapon.weapon_system_id, True, None)))
    return out


def _long_form_candidates(text: str, long_forms: list[tuple[str, str]]) -> list[tuple[int, int, Form]]:
    """Full names that a curated acronym links to its actor ("Radio Free Europe (RFE)")."""
    out = []
    where = occurrences(text, {form for form, _ in long_forms})
    for form, target in long_forms:
        for at in where.get(form, ()):
            if bounded(text, at, at + len(form)):
                out.append((at, at + len(form), Form(target, False, MentionKind.alias)))
    return out


def find_entities(article: Article, matcher: Matcher, doc=None, quote_spans: list[QuoteSpan] | None = None) -> ArticleEntities:
    """Mentions of every actor and weapon system in the article (`doc`: its parse, when there is one;
    `quote_spans`: the quotations of its text, when the caller has them already)."""
    text = article.text
    curated = forms_at(matcher, text)
    first = select(text, list(curated), article.published_date)
    found = without_foreign_bodies(text, first, matcher.reference)
    if len(found) < len(first):  # "Russia's Treasury Department": the words are free for Russia's own body
        foreign = {(f.start, f.end, f.form.target) for f in first} - {(f.start, f.end, f.form.target) for f in found}
        curated = [c for c in curated if (c[0], c[1], c[2].target) not in foreign]
    actors, long_forms = discover_actors(text, found, matcher, doc)
    weapons = discover_weapons(text, found, matcher.reference, matcher.folded_weapon_forms)
    if actors or weapons or long_forms:
        extra = _discovered_candidates(text, actors, weapons) + _long_form_candidates(text, long_forms)
        found = without_foreign_bodies(text, select(text, curated + extra, article.published_date), matcher.reference)
    if doc is not None:
        found = sorted(found + resolve_descriptions(doc, found, matcher.reference, actors, quote_spans, text), key=lambda f: f.start)
    found = [f for f in found if not f.form.blocked]
    weapons_found = [f for f in found if f.form.is_weapon]
    actors_found = [f for f in found if not f.form.is_weapon]
    weapon_ids = row_ids(article.article_id, "w", [(f.form.target, f.start, f.end) for f in weapons_found])
    actor_ids = row_ids(article.article_id, "m", [(f.form.target, f.start, f.end) for f in actors_found])
    weapon_rows = [
        WeaponSystemMention(
            mention_id=mention_id, article_id=article.article_id,
            weapon_system_id=f.form.target, start_char=f.start, end_char=f.end, surface=f.surface, method=Method.rule,
        )
        for mention_id, f in zip(weapon_ids, weapons_found, strict=True)
    ]
    actor_rows = [
        ActorMention(
            mention_id=mention_id, article_id=article.article_id,
            actor_id=f.form.target, start_char=f.start, end_char=f.end, surface=f.surface,
            mention_kind=f.form.kind, method=Method.rule,
        )
        for mention_id, f in zip(actor_ids, actors_found, strict=True)
    ]
    mentioned_actors = {m.actor_id for m in actor_rows}
    mentioned_weapons = {m.weapon_system_id for m in weapon_rows}
    return ArticleEntities(
        actor_mentions=actor_rows,
        weapon_mentions=weapon_rows,
        discovered_actors=[a for a in actors if a.actor_id in mentioned_actors],
        discovered_weapons=[w for w in weapons if w.weapon_system_id in mentioned_weapons],
        found=found,
    )
