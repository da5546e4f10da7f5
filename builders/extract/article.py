"""The per-article function: one article's raw bytes, its curation file and the reference in, its
rows out, with no state shared between articles (so articles can be extracted in any order, on any
worker, and cached one by one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..inputs.curation import parse_curation
from ..inputs.reference import Reference
from ..inputs.seeds import LoadedJob
from ..inputs.sources import TEXT_ONLY, parse_source
from ..inputs.tree import CURATION_DIR, SOURCES_DIR
from ..problems import InputError, Problem
from ..schema.columns import column_values
from ..schema.models import ActorMention, Article, Event, Quote, WeaponSystemMention
from .entities import (
    ArticleEntities,
    DiscoveredActor,
    DiscoveredWeapon,
    Matcher,
    find_entities,
)
from .curated_quotes import curated_quotes
from .events import curated_events, drop_rejected, make_summary, merge, rejections, rule_drafts
from .ingest import check_raw, ingest
from .language import Languages, detect_language, language_identifier
from .nlp import EntryCache, Parser, load_model, reading_vocab
from .quotes import find_quote_spans, find_quotes
from .reference_index import reference_index
from .tokens import release


Columns = dict[str, list]  # column name -> values, in a model's column order
PER_ARTICLE = (Article, ActorMention, Quote, Event, WeaponSystemMention)  # resources made article by article


@dataclass
class ArticleRows:
    """Everything extracted from one article: plain rows, no shared state."""

    article: Article
    entities: ArticleEntities
    quotes: list[Quote]
    events: list[Event]
    warnings: list[Problem]


@dataclass
class ArticleColumns:
    """One article's rows as plain columns of primitive values: compact to cache, cheap to send
    between processes, and concatenated without touching a row object again."""

    article_id: str
    tables: dict[str, Columns]
    discovered_actors: list[DiscoveredActor]
    discovered_weapons: list[DiscoveredWeapon]


def extract(article_id: str, raw: bytes, path: str, matcher: Matcher, curation_raw: bytes | None = None,
            parser: Parser | None = None, source_raw: bytes | None = None,
            language: Callable[[str], str | None] = detect_language) -> ArticleRows:
    """One article's rows from its raw bytes, its source record, its curation file (if any) and the
    reference (without a source record, as a text read on its own: see sources.TEXT_ONLY).

    Raises InputError with every problem of the article, its source record or its curation file."""
    source = TEXT_ONLY
    if source_raw is not None:
        source, problems = parse_source(f"{SOURCES_DIR}/{article_id}.yaml", source_raw)
        if problems:
            raise InputError(problems)
    article = ingest(article_id, raw, path, source, language)
    doc = (parser or Parser())(article.text)
    try:
        return _rows(article_id, raw, path, article, matcher, doc, curation_raw)
    finally:
        release(doc)


def _rows(article_id: str, raw: bytes, path: str, article: Article, matcher: Matcher, doc, curation_raw: bytes | None) -> ArticleRows:
    """`extract` once the article is read and parsed."""
    reference = matcher.reference
    quote_spans = find_quote_spans(article.text)  # read by coreference and by quotes (the parse's text is the article's)
    entities = find_entities(article, matcher, doc, quote_spans)
    types = dict(reference_index(reference).actor_types)
    types.update({actor.actor_id: actor.actor_type for actor in entities.discovered_actors})
    rel = f"{CURATION_DIR}/{article_id}.yaml"
    curation, lines, problems = parse_curation(rel, curation_raw)
    known_actors = {a.id for a in reference.actors} | {a.actor_id for a in entities.discovered_actors}
    quotes, warnings = find_quotes(article, entities.found, types.get, quote_spans), check_raw(raw, path)
    if curation is not None:  # before the event rules, which read who said what
        quotes, quote_problems, quote_warnings = curated_quotes(article, quotes, curation, lines, rel, known_actors)
        problems, warnings = problems + quote_problems, warnings + quote_warnings
    summary = make_summary(
        reference,
        {a.actor_id: a.name for a in entities.discovered_actors},
        {w.weapon_system_id: w.designation for w in entities.discovered_weapons},
    )
    origins = reference_index(reference).weapon_origins | {w.weapon_system_id: w.origin_country_iso3 for w in entities.discovered_weapons}
    rules = rule_drafts(article, doc, entities.found, quotes, reference, summary, origins, types)
    curated = []
    if curation is not None:
        known_weapons = {w.id for w in reference.weapons} | {w.weapon_system_id for w in entities.discovered_weapons}
        curated, event_problems = curated_events(article, curation, lines, rel, known_actors, known_weapons, reference, summary)
        rejected, rejection_problems = rejections(article, curation, lines, rel, known_actors, reference)
        problems += event_problems + rejection_problems
        rules, rejection_warnings = drop_rejected(rules, rejected, rel)
        warnings += rejection_warnings
    if problems:
        raise InputError(problems)
    events = merge(article, curated, rules, bool(curation and curation.complete), reference)
    return ArticleRows(article, entities, quotes, events, warnings)


def to_columns(rows: ArticleRows) -> ArticleColumns:
    per_resource = {
        Article: [rows.article], ActorMention: rows.entities.actor_mentions, Quote: rows.quotes,
        Event: rows.events, WeaponSystemMention: rows.entities.weapon_mentions,
    }
    return ArticleColumns(
        rows.article.article_id, {model.resource_name: column_values(model, found) for model, found in per_resource.items()},
        rows.entities.discovered_actors, rows.entities.discovered_weapons,
    )


Result = tuple[ArticleColumns | None, list[Problem]]  # an article's columns (None if refused) and its problems


class Extractor:
    """The per-article function with what it needs built once (the reference's matcher): one per
    worker process, reused for every article the worker gets."""

    def __init__(self, reference: Reference, parse: EntryCache | None = None, language: EntryCache | None = None,
                 identifier: EntryCache | None = None):
        """The caches are handed in by the engine (None: none): parses, each text's language, and
        py3langid's decompressed model."""
        self.matcher = Matcher(reference)
        self.parser = Parser(parse)
        self.languages = Languages(language)
        self.identifier_cache = identifier

    def warm_up(self) -> None:
        """Load what a process's first article needs: the pinned model, the vocabulary cached parses
        are read with, py3langid's model (through `identifier_cache`): a second or more, spent
        before any article is due."""
        load_model()
        reading_vocab()
        language_identifier(self.identifier_cache)

    def __call__(self, job: LoadedJob) -> Result:
        try:
            rows = extract(job.article_id, job.raw, job.rel, self.matcher, job.curation_raw, self.parser, job.source_raw, self.languages)
            return to_columns(rows), rows.warnings
        except InputError as exc:
            return None, exc.problems
