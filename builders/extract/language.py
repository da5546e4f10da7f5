"""The language of an article's text (articles.language): py3langid's model, with the script and
marker words deciding between Serbian, Croatian and Bosnian; and the cache of its answers.

The answer depends on the text, on py3langid's version and on this module and its marker words
alone, so it is cached apart from the rules (`Languages`, keyed by all of them): a change to a rule
does not identify every text's language again (1.7 ms of an article's 7).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from functools import cache
from importlib.metadata import version
from pathlib import Path

from .lexicon import SOUTH_SLAVIC_MARKERS, fold
from .nlp import EntryCache


_WORD = re.compile(r"\w+")

SOUTH_SLAVIC = ("sr", "hr", "bs")
MIN_LANGUAGE_WORDS = 20
MIN_LANGUAGE_CONFIDENCE = 0.9  # the model's probability of its language (sr, hr and bs added up)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")


_IDENTIFIER: list = []  # the language identifier of this process, once loaded


def language_identifier(cache: EntryCache | None = None):
    """py3langid's naive Bayes model, loaded once per process from inside the installed wheel
    (nothing is downloaded; the same text always gets the same answer). Decompressing it takes
    half a second of a one-article build, so a worker given a `cache` keeps the decompressed
    model there (a sealed pickle of the same object, for these versions of py3langid and numpy)
    and reads it back in a tenth of that."""
    if not _IDENTIFIER:
        _IDENTIFIER.append(_identifier_through(cache) if cache is not None else _packaged_identifier())
    return _IDENTIFIER[0]


def _packaged_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _identifier_through(cache: Cache):
    key = f"language-identifier-py3langid-{version('py3langid')}-numpy-{version('numpy')}"
    identifier = cache.get(key, name=key)
    if identifier is None:
        identifier = _packaged_identifier()
        cache.put(key, identifier, name=key)  # (not kept: decompressed again next time)
    return identifier


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language; None under 20 words or when the model gives its
    language less than MIN_LANGUAGE_CONFIDENCE.

    Counting function words (the former way) read no Cyrillic and called Croatian Serbian.
    py3langid's model names the language but separates Serbian, Croatian and Bosnian poorly, so
    when it names one of them the script and the words decide: a text mostly in Cyrillic letters is
    Serbian (Croatian and Bosnian are written in Latin), and a Latin one goes to the standard with
    the most marker words (`south_slavic_markers` in lexicon.yaml: ekavian forms are Serbian,
    tisuća/vlak/tko Croatian, ...), a tie to the model's choice among the tied. Any other language
    keeps the model's code (de, ru, mk, ...), or None where the model has only an ISO 639-3 one
    ("pcm"; "zxx" is no language).
    """
    sample = text[:20000]
    words = _WORD.findall(sample)
    if len(words) < MIN_LANGUAGE_WORDS:
        return None
    ranked = language_identifier().rank(sample)
    best, confidence = ranked[0]
    if best in SOUTH_SLAVIC:
        confidence = sum(p for lang, p in ranked if lang in SOUTH_SLAVIC)
    if confidence < MIN_LANGUAGE_CONFIDENCE:
        return None
    if best not in SOUTH_SLAVIC:
        return best if len(best) == 2 else None
    if 2 * len(_CYRILLIC.findall(sample)) > len(_LETTER.findall(sample)):
        return "sr"
    marks = Counter(code for word in words for code in SOUTH_SLAVIC_MARKERS.get(fold(word), ()))
    most = max(marks[code] for code in SOUTH_SLAVIC)
    return next(lang for lang, _ in ranked if lang in SOUTH_SLAVIC and marks[lang] == most)


class Languages:
    """`detect_language` through the cache of its answers it is given (None: no cache), keyed by the
    text, this module's code, the marker words and py3langid's version."""

    def __init__(self, cache: EntryCache | None = None):
        self.cache = cache

    def __call__(self, text: str) -> str | None:
        if self.cache is None:
            return detect_language(text)
        key = hashlib.sha256(f"{_answer_depends_on()}\0{text}".encode()).hexdigest()
        cached = self.cache.read(key)
        if cached is not None:
            return cached.decode("ascii") or None
        found = detect_language(text)
        if self.cache.writable:
            try:
                self.cache.write(key, (found or "").encode("ascii"))
            except OSError:  # a full disk, a read-only .cache/: identified again next time
                self.cache.writable = False
        return found


@cache
def _answer_depends_on() -> str:
    """This module's source, the marker words and py3langid's version, hashed once per process."""
    markers = repr(sorted(SOUTH_SLAVIC_MARKERS.items())).encode()
    return hashlib.sha256(Path(__file__).read_bytes() + markers + version("py3langid").encode()).hexdigest()
