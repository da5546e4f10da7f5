"""Quote speakers a person corrected (`quotes:` in seeds/curation/<article_id>.yaml).

An entry names a quotation by its text (what stands between the marks, as the quotes table has it)
and which occurrence of that text; the quotation found exactly there takes the curated speaker
(and `via`, when the entry gives one) and `method = curated`. Its other columns stay as the rules
made them, except `speaker_surface`, which is dropped when the speaker changes: the rules' words
were another actor's. Text that is not in the article is an error; text that is there but is no
quotation the rules find (they changed) is a warning, so the build goes on.
"""

from __future__ import annotations

from ..inputs.curation import CurationFile
from ..inputs.yamlfile import Lines
from ..problems import Problem
from ..schema.models import Article, Method, Quote
from .events import located_entries, unknown_actor


def curated_quotes(article: Article, quotes: list[Quote], curation: CurationFile, lines: Lines, rel: str,
                   known_actors: set[str]) -> tuple[list[Quote], list[Problem], list[Problem]]:
    """The article's quotes with the file's corrections applied, the problems (errors) and the
    warnings, each at the line of the entry or value at fault."""
    by_span = {(q.start_char, q.end_char): i for i, q in enumerate(quotes)}
    out, warnings = list(quotes), []
    found, problems = located_entries(
        "quotes", curation.quotes, article.text, lines, rel,
        lambda entry: [(field, unknown_actor(value, known_actors)) for field in ("speaker", "via")
                       if (value := getattr(entry, field)) is not None and value not in known_actors],
        quoted="text", missing="the quotation does not occur in the article's clean text — copy it exactly from articles.text "
                               "(what stands between the quotation marks)")
    for i, entry, start in found:
        at = by_span.get((start, start + len(entry.text)))
        if at is None:
            warnings.append(Problem(rel, lines(("quotes", i)), f"quotes.{i}", "no quotation stands exactly on this text (the rules no "
                                    "longer find it) — remove the entry, or copy the quotation's text from the quotes table", "warning"))
            continue
        rule = out[at]
        update = {"speaker_actor_id": entry.speaker, "method": Method.curated}
        if entry.speaker != rule.speaker_actor_id:
            update["speaker_surface"] = None
        if "via" in entry.model_fields_set:
            update["via_actor_id"] = entry.via
        out[at] = rule.model_copy(update=update)
    return out, problems, warnings
