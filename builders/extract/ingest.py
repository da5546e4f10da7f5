"""Raw article bytes -> one `Article` row: metadata as the text states it, and a clean body.

The raw file is never changed. The rules read what sites commonly put around a story — a headline
line, a byline, a "Publisher, date" line, region/theme tags, an outlet line, and footer boilerplate
(share notes, copyright, disclaimers, membership appeals) — and leave a field null when the text is
silent. They are written for shapes, not for particular articles.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..inputs.seeds import MAX_ARTICLE_BYTES, too_large
from ..problems import InputError, Problem
from ..schema.models import ID_PATTERN, Article
from . import dates
from .lexicon import LANGUAGE_FUNCTION_WORDS

ARTICLE_ID = re.compile(ID_PATTERN)

# --- characters -----------------------------------------------------------------------------------
_ODD_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACE_RUN = re.compile(r" {2,}")

# --- markup ---------------------------------------------------------------------------------------
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")

# --- header lines ---------------------------------------------------------------------------------
_DATE_PREFIX = re.compile(r"^date\s+(\d{4}-\d\d-\d\d)\b\s*(.*)$", re.IGNORECASE)
_BYLINE = re.compile(r"^By\s+(.+)$")
_TAGS = re.compile(r"^(Region|Regions|Theme|Themes|Topics?|Tags?):\s*(.*)$", re.IGNORECASE)
_URL_LINE = re.compile(r"^(?:(?:URL|Link|Source|Read more|Originally at):\s*)?(https?://\S+)$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(?:Published|Posted|Date|Updated)(?:\s+on)?:?\s+(.+)$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")

# --- footer boilerplate (whole lines) -------------------------------------------------------------
_SEPARATOR = re.compile(r"^(?:\*+|-{3,}|_{3,})$")
_ORIGINALLY_PUBLISHED = re.compile(r"^This article was (?:originally|first) published (?:on|by|in) (.+?)\.?$", re.IGNORECASE)
_ORIGINAL_SOURCE = re.compile(r"^The original source of this article is (.+?)\.?$", re.IGNORECASE)
_COPYRIGHT = re.compile(r"^(?:Copyright\s*©|©|Copyright\b)\s*.+$", re.IGNORECASE)
_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^Note to readers:",
        r"^Comment on .+ (?:Facebook|Twitter) page\.?$",
        r"^Become a (?:Member|Patron|Subscriber)\b",
        r"^Articles by:",
        r"^Disclaimer:",
        r"^\S+ contains copyrighted material\b",
        r"^For media inquiries:",
        r"^Featured image\b",
        r"^(?:Please )?(?:click the )?share (?:buttons|this article)\b",
        r"^Support (?:independent|our) (?:journalism|work)\b",
    )
]

_SENTENCE_END = (".", ":", ";", ",", "!")
_MAX_TITLE_WORDS = 30
_MAX_OUTLET_WORDS = 3

_WORD = re.compile(r"\w+")
_ALNUM = re.compile(r"[^\W_]")  # str.isalnum(), as a pattern


@dataclass
class _Header:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    published_date: object = None
    original_publisher: str | None = None
    original_published_date: object = None
    url: str | None = None
    regions: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    copyright_notice: str | None = None


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_raw(raw: bytes, path: str) -> list[Problem]:
    """Refuse what is not an article before reading it; report repairs the builder makes (warnings)."""
    if len(raw) > MAX_ARTICLE_BYTES:
        return [Problem(path, None, None, too_large(len(raw)))]
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        return [Problem(path, raw[:at].count(b"\n") + 1, None, f"binary data (a NUL byte at offset {at}) — save the article as plain UTF-8 text")]
    warnings = []
    if raw.startswith(b"\xef\xbb\xbf"):
        warnings.append(Problem(path, 1, None, "UTF-8 byte-order mark removed from the text (the raw file is kept as it is)", "warning"))
    if b"\r" in raw:
        line = raw[: raw.index(b"\r")].count(b"\n") + 1
        warnings.append(Problem(path, line, None, "CR/CRLF line ends read as LF (the raw file is kept as it is)", "warning"))
    return warnings


def decode(raw: bytes, path: str) -> str:
    """UTF-8 text of a raw article; a leading byte-order mark is dropped."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [Problem(path, line, None, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}) — re-save the file as UTF-8")]
        ) from None


def normalise(text: str) -> str:
    """Newlines to \\n, Unicode NFC, odd spaces to plain spaces, invisible characters dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _ODD_SPACES.sub(" ", text)


def strip_markup(line: str) -> str:
    """Markdown links and images to their labels, emphasis markers removed, spaces collapsed."""
    line = _IMAGE.sub(r"\1", line)
    line = _LINK.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    line = _EMPHASIS.sub(r"\1", line)
    return _SPACE_RUN.sub(" ", line).strip()


def _names(text: str) -> list[str]:
    return [n.strip() for n in _NAME_SPLIT.split(text) if n.strip()]


def _is_headline(line: str) -> bool:
    words = line.split()
    return (
        3 <= len(words) <= _MAX_TITLE_WORDS
        and not line.rstrip("\"”’')").endswith(_SENTENCE_END)
        and (line[0].isupper() or line[0].isdigit())
        and not line.startswith(("|", "- ", "“", '"'))
    )


def _is_outlet_line(line: str) -> bool:
    words = line.split()
    return (
        1 <= len(words) <= _MAX_OUTLET_WORDS
        and (line[0].isupper() or line[0].isdigit())
        and not line.endswith(_SENTENCE_END)
        and dates.parse_absolute_date(line) is None
    )


def _read_header(lines: list[str], header: _Header) -> int:
    """Consume header lines from the top; return the index of the first body line.

    A line that is no header line ends the header. The first line may be a headline; a short
    line right after the headline is the outlet.
    """
    i = 0
    seen_title_at = None
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        m = _DATE_PREFIX.match(line)
        if m and header.published_date is None:
            header.published_date = dates.parse_absolute_date(m.group(1))
            rest = m.group(2).strip()
            if not rest:
                i += 1
                continue
            lines[i] = line = rest  # the rest of the line is read as a line of its own
        if (m := _BYLINE.match(line)) and not header.authors and len(line.split()) <= 12:
            header.authors = _names(m.group(1))
        elif m := _TAGS.match(line):
            target = header.regions if m.group(1).lower().startswith("region") else header.themes
            target.extend(_names_list(m.group(2)))
        elif m := _URL_LINE.match(line):
            header.url = header.url or m.group(1)
        elif (m := _DATE_LINE.match(line)) and dates.parse_absolute_date(m.group(1)):
            header.published_date = header.published_date or dates.parse_absolute_date(m.group(1))
        elif (split := dates.split_trailing_date(line)) and split[0] and len(split[0].split()) <= 6:
            outlet, date = split
            if header.publisher is None and header.published_date is None:
                header.publisher, header.published_date = outlet, date
            elif header.original_publisher is None:
                header.original_publisher, header.original_published_date = outlet, date
        elif i == _first_nonblank(lines) and header.title is None and _is_headline(line):
            header.title, seen_title_at = line, i
        elif seen_title_at is not None and _next_nonblank(lines, seen_title_at) == i and header.publisher is None and _is_outlet_line(line):
            header.publisher = line
        else:
            break
        i += 1
    return i


def _names_list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _first_nonblank(lines: list[str]) -> int:
    return next((i for i, line in enumerate(lines) if line), -1)


def _next_nonblank(lines: list[str], after: int) -> int:
    return next((i for i in range(after + 1, len(lines)) if lines[i]), -1)


def _read_body(lines: list[str], header: _Header) -> list[str]:
    """Drop footer boilerplate lines, recording what they state about the source."""
    separators = [i for i, line in enumerate(lines) if _SEPARATOR.match(line)]
    footer_from = separators[-1] if separators else len(lines)
    body = []
    for i, line in enumerate(lines):
        if _SEPARATOR.match(line):
            continue
        if m := _ORIGINALLY_PUBLISHED.match(line):
            header.original_publisher = header.original_publisher or m.group(1)
            continue
        if m := _ORIGINAL_SOURCE.match(line):
            if m.group(1) != header.publisher:
                header.original_publisher = header.original_publisher or m.group(1)
            continue
        if _COPYRIGHT.match(line):
            header.copyright_notice = header.copyright_notice or line
            continue
        if any(p.match(line) for p in _BOILERPLATE):
            continue
        if i > footer_from and any(line.startswith(f"{author} is ") for author in header.authors):
            continue  # the author's biography note in the footer
        body.append(line)
    return body


def _join_paragraphs(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


def detect_language(text: str) -> str | None:
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if len(words) < 20:
        return None
    counts = Counter(words)
    scores = {lang: sum(counts[w] for w in fw & counts.keys()) / len(words) for lang, fw in LANGUAGE_FUNCTION_WORDS.items()}
    best, second = sorted(scores.values(), reverse=True)[:2]
    if best < 0.15 or best < 2 * second:
        return None
    return max(scores, key=scores.get)


def word_count(text: str) -> int:
    return sum(1 for token in text.split() if _ALNUM.search(token))


def ingest(article_id: str, raw: bytes, path: str | None = None) -> Article:
    """Build the `articles` row of one raw article file."""
    path = path or f"seeds/articles/{article_id}.txt"
    if not ARTICLE_ID.match(article_id):
        raise InputError(
            [Problem(path, None, "article_id", f"'{article_id}' is not a valid id ({ID_PATTERN}) — rename the file to lower-case letters, digits, '_' or '-'")]
        )
    refused = [p for p in check_raw(raw, path) if p.severity == "error"]
    if refused:
        raise InputError(refused)
    text = normalise(decode(raw, path))
    if _CONTROL.search(text):
        at = _CONTROL.search(text).start()
        raise InputError([Problem(path, text[:at].count("\n") + 1, None, f"control character U+{ord(text[at]):04X} in the text — save the article as plain UTF-8 text")])
    if not text.strip():
        raise InputError([Problem(path, None, "text", "the file is empty or holds only white space — add the article's text")])
    lines = [strip_markup(line) for line in text.split("\n")]
    header = _Header()
    body_from = _read_header(lines, header)
    body_text = _join_paragraphs(_read_body(lines[body_from:], header))
    if not body_text:
        raise InputError([Problem(path, None, "text", "no body text is left once header and boilerplate lines are removed — add the article's body")])
    return Article(
        article_id=article_id,
        title=header.title,
        authors=header.authors,
        publisher=header.publisher,
        original_publisher=header.original_publisher,
        published_date=header.published_date,
        original_published_date=header.original_published_date,
        url=header.url,
        language=detect_language(body_text),
        regions=header.regions,
        themes=header.themes,
        copyright_notice=header.copyright_notice,
        text=body_text,
        word_count=word_count(body_text),
        source_sha256=hashlib.sha256(raw).hexdigest(),
    )
