"""Raw article bytes -> one `Article` row: metadata as the text states it, and a clean body.

The raw file is never changed. The rules read what sites commonly put around a story — a headline
line, a byline, a "Publisher, date" line, region/theme tags, an outlet line, and footer boilerplate
(share notes, copyright, disclaimers, membership appeals) — and leave a field null when the text is
silent. They are written for shapes, not for particular articles.

Any bytes may arrive, so every step here takes time linear in the text (no pattern that backtracks
without bound, no scan restarted from every position) and the text the later stages see is bounded:
- a run of more than `MAX_MARKS` combining marks after one character is cut to `MAX_MARKS` before
  Unicode normalisation (NFC reorders a run in quadratic time; no script needs more), reported as a
  warning with its line and column;
- bidirectional control characters (U+202A–U+202E, U+2066–U+2069) make a text display in another
  order than it reads (hidden text); they are removed from the clean text like the zero-width
  characters, and reported as a warning with the line and column of the first (one line per article);
- a clean text longer than the language layer parses for one article (`nlp.MAX_PARSE_CHARS`) is
  refused at once, with one line, before any parsing;
- a message quotes a bounded part of the input (`inputs.tree.shown`), and the warnings above quote
  none of it (a code point, a count, a line and a column).
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache

from ..inputs.seeds import MAX_ARTICLE_BYTES, too_large
from ..inputs.sources import TEXT_ONLY, SourceRecord
from ..inputs.tree import ARTICLE_ID, MAX_ARTICLE_ID, shown
from ..problems import InputError, Problem
from ..schema.models import Article
from . import dates
from .language import detect_language
from .lexicon import (
    AGENCY_DESCRIPTION_WORDS,
    AGENCY_FULL_NAMES,
    BULLET_MARKS,
    BYLINE_GENERIC_WORDS,
    END_OF_TEXT_MARKERS,
    NAME_PARTICLES,
    NEWS_AGENCIES,
    OUTLET_HEAD_WORDS,
    REPOST_CREDIT_LABELS,
    REPOST_VIA_WORDS,
    REPRINT_TITLE_MARKERS,
    WIRE_CREDIT_AUTHOR_ROLES,
    WIRE_CREDIT_OTHER_ROLES,
    alternation,
    fold,
)
from .nlp import MAX_PARSE_CHARS, MAX_PARSE_TOKENS

# --- characters -----------------------------------------------------------------------------------
_ODD_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"  # embeddings, overrides, isolates: the order a text displays in
_BIDI = re.compile(f"[{_BIDI_CONTROLS}]")
_INVISIBLE_CHARS = "\u200b-\u200d\u2060\ufeff\u00ad" + _BIDI_CONTROLS
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_SPACE_RUN = re.compile(r" {2,}")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
MAX_MARKS = 10  # combining marks kept after one character (Vietnamese and Indic need three or four)
# Characters of combining class 0 whose canonical decomposition starts with a combining mark: NFC
# reorders them like marks (Tibetan vowel signs).
_MARK_LIKE = "\u0f73\u0f75\u0f81"

# --- markup ---------------------------------------------------------------------------------------
# Links, images and strong emphasis are found by scanners (`_unlink`, `_unstrong`) that give what
# these patterns' substitutions give, in linear time: the patterns restart from every "[" or "**"
# and scan to the end of the line each time when no closing bracket or marker comes.
#   image:  !\[([^\]\n]*)\]\([^)\n]*\)   link: \[([^\]\n]*)\]\([^)\n]*\)   strong: (\*\*|__)(?=\S)(.+?)(?<=\S)\1
_STRONG_MARK = re.compile(r"(?=(\*\*|__))")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")

# --- header lines ---------------------------------------------------------------------------------
_DATE_PREFIX = re.compile(r"^date\s+(\d{4}-\d\d(?:-\d\d)?)(?![\w-])\s*(.*)$", re.IGNORECASE)  # day or month
_BYLINE = re.compile(r"^(?:By|Written by):?\s+(.+)$")
_TAGS = re.compile(r"^(Region|Regions|Theme|Themes|Topics?|Tags?):\s*(.*)$", re.IGNORECASE)
_URL_LINE = re.compile(r"^(?:(?:URL|Link|Source|Read more|Originally at):\s*)?(https?://\S+)$", re.IGNORECASE)
_DATE_LINE = re.compile(r"^(?:Published|Posted|Date|Updated)(?:\s+on)?:?\s+(.+)$", re.IGNORECASE)
_NAME_SPLIT = re.compile(r",|\band\b|&")  # the pieces are stripped: no "\s*" around (it rescans runs of white space)
# "(Source: Reuters; published Sept 20, 2018)": the outlet and date of the original of a reprint
_SOURCE_LINE = re.compile(r"^\(Source(?:\s*:|\s+[–—-])([^()]*)\)$|^Source(?:\s*:|\s+[–—-])([^()]*)$", re.IGNORECASE)
_SOURCE_DATE = re.compile(r"^(?:(?:first|originally)\s+)?(?:published|posted|dated)(?:\s+on)?:?\s+(.+)$", re.IGNORECASE)
_FROM_LINE = re.compile(r"^From:\s*(.+)$")  # "From: Exit News": the outlet the text comes from
# Photo credits ("AP Photo/…", "Photo: …", "(Darko Vojinovic/AP)") name neither an author nor a publisher.
_PHOTO_CREDIT = (
    re.compile(r"^\(?(?:[\w.-]+ )?(?:Photo|Photograph|Picture|Image|Credit)s?\s*(?:[:/]|by\b)", re.IGNORECASE),
    re.compile(r"^\([^()/]{1,60}/[^()/]{1,40}\)$"),
)
# "(?<!\s)": white space before the marker is taken from its start only, not rescanned from each space
_REPRINT_MARKER = re.compile(r"(?<!\s)\s*+\((?:" + alternation(REPRINT_TITLE_MARKERS) + r")\)$", re.IGNORECASE)

# --- datelines opening the body: "BELGRADE (UrduPoint News / Sputnik - 23rd February, 2020) -",
# "MOSCOW, March 5 (Reuters) -", "BELGRADE, October 9. /TASS/." (the city in capitals) -------------
_DATELINE_CITY = r"(?P<city>[A-Z][A-Z.'’/-]+(?: [A-Z][A-Z.'’/-]+){0,3})"  # "ANKARA/WASHINGTON" too
_DATELINE_PAREN = re.compile(_DATELINE_CITY + r"(?:, (?P<when>[^()\n]{1,40}))? \((?P<credit>[^()\n]{1,100})\) ?[-–—]")
_DATELINE_SLASH = re.compile(_DATELINE_CITY + r", (?P<when>[A-Z][a-z]+\.? [0-3]?\d)\.? ?/(?P<credit>[^/\n]{1,40})/")
# a city in title case only before a day and month: "Washington, April 28 (Reuters) -"
_DATELINE_TITLED = re.compile(r"(?P<city>[A-Z][a-z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,2}), (?P<when>[A-Z][a-z]{2,8}\.? [0-3]?\d) "
                              r"\((?P<credit>[^()\n]{1,100})\) ?[-–—]")
# a date in numbers opening the body: "10-9-2023 (YANGON) Myanmar has …"
_NUMERIC_OPENING = re.compile(r"(?P<date>" + dates.NUMERIC_DATE + r")(?=\s*[-–—|(]|\s+[A-Z“\"])")
_DATELINE_LINES = 3  # a dateline opens one of the body's first lines (a photo caption may come first)
_CREDIT_DATE_SPLIT = re.compile(r"\s[-–—]\s")
_MAX_CREDIT_WORDS = 16  # a credit line at the end: "Tulay Karadeniz, Reuters via CHINA US Focus http://…"

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
    published_precision: str | None = None
    credits: list[str] = field(default_factory=list)  # outlets a byline, dateline or credit line names


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_raw(raw: bytes, path: str) -> list[Problem]:
    """Refuse what is not an article before reading it; report repairs the builder makes (warnings)."""
    refused = _refusals(raw, path)
    if refused:
        return refused
    warnings = []
    if raw.startswith(b"\xef\xbb\xbf"):
        warnings.append(Problem(path, 1, None, "UTF-8 byte-order mark removed from the text (the raw file is kept as it is)", "warning"))
    if b"\r" in raw:
        line = raw[: raw.index(b"\r")].count(b"\n") + 1
        warnings.append(Problem(path, line, None, "CR/CRLF line ends read as LF (the raw file is kept as it is)", "warning"))
    try:
        text = _newlines(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return warnings  # refused when the article is read (`decode`)
    return warnings + _hidden_text(text, path)


def _refusals(raw: bytes, path: str) -> list[Problem]:
    if len(raw) > MAX_ARTICLE_BYTES:
        return [Problem(path, None, None, too_large(len(raw)))]
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        return [Problem(path, raw[:at].count(b"\n") + 1, None, f"binary data (a NUL byte at offset {at}) — save the article as plain UTF-8 text")]
    return []


def _position(text: str, at: int) -> tuple[int, int]:
    """1-based line and column (in characters) of text[at]."""
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1


def _hidden_text(text: str, path: str) -> list[Problem]:
    """Warnings for what the reader of the raw file cannot see: runs of combining marks longer than
    MAX_MARKS (cut) and bidirectional controls (removed); one line each, at the first occurrence."""
    out = []
    runs = _mark_runs(text)
    if runs:
        line, column = _position(text, runs[0].start())
        more = f" (and {len(runs) - 1:,} more such runs)" if len(runs) > 1 else ""
        marks = _count_marks(runs[0].group())
        out.append(Problem(path, line, None, f"{marks:,} combining marks in a row at column {column}{more} — cut to {MAX_MARKS} "
                           "before Unicode normalisation, as no writing stacks more on one character (the raw file is kept as it is)", "warning"))
    first = _BIDI.search(text)
    if first is not None:
        line, column = _position(text, first.start())
        count = sum(1 for _ in _BIDI.finditer(text, first.start()))
        more = f" (and {count - 1:,} more in the file)" if count > 1 else ""
        char = first.group()
        out.append(Problem(path, line, None, f"bidirectional control character U+{ord(char):04X} ({unicodedata.name(char)}) at column {column}{more} "
                           "— it makes the text display in another order than it reads; removed from the clean text "
                           "(the raw file is kept as it is)", "warning"))
    return out


def decode(raw: bytes, path: str) -> str:
    """UTF-8 text of a raw article; a leading byte-order mark is dropped."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            [Problem(path, line, None, f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}) — re-save the file as UTF-8")]
        ) from None


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def normalise(text: str) -> str:
    """Newlines to \\n, runs of combining marks cut to MAX_MARKS, Unicode NFC, odd spaces to plain
    spaces, invisible characters (zero-width, soft hyphen, bidirectional controls) dropped."""
    text = _cap_marks(_newlines(text))
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE.sub("", text)
    return _ODD_SPACES.sub(" ", text)


@cache
def _mark_patterns() -> tuple[re.Pattern, re.Pattern]:
    """Runs of more than MAX_MARKS combining marks (invisible characters between them do not end a
    run: they are dropped after normalisation): for texts within the Basic Multilingual Plane (a
    class of BMP characters only is a fast bitmap), and for any text. Built on first use from the
    Unicode database (combining marks lie in U+0300–U+1FFFF)."""
    bmp, astral, start = [], [], None
    for code in range(0x300, 0x20001):
        mark = code < 0x20000 and unicodedata.combining(chr(code)) != 0
        if mark and start is None:
            start = code
        elif not mark and start is not None:
            (bmp if code <= 0x10000 else astral).append(f"{re.escape(chr(start))}-{re.escape(chr(code - 1))}")
            start = None
    marks_bmp = "".join(bmp) + _MARK_LIKE
    run = r"(?:[{0}][{1}]*+){{{2},}}"
    return (re.compile(run.format(marks_bmp, _INVISIBLE_CHARS, MAX_MARKS + 1)),
            re.compile(run.format(marks_bmp + "".join(astral), _INVISIBLE_CHARS, MAX_MARKS + 1)))


def _mark_runs(text: str) -> list[re.Match]:
    if text.isascii():
        return []
    bmp, anywhere = _mark_patterns()
    return list((anywhere if _ASTRAL.search(text) else bmp).finditer(text))


def _count_marks(run: str) -> int:
    return len(_INVISIBLE.sub("", run))


def _cap_marks(text: str) -> str:
    """Each run of more than MAX_MARKS combining marks cut to its first MAX_MARKS marks."""
    runs = _mark_runs(text)
    if not runs:
        return text
    pieces, at = [], 0
    for run in runs:
        pieces += [text[at : run.start()], _INVISIBLE.sub("", run.group())[:MAX_MARKS]]
        at = run.end()
    pieces.append(text[at:])
    return "".join(pieces)


def strip_markup(line: str) -> str:
    """Markdown links and images to their labels, emphasis markers removed, spaces collapsed."""
    line = _unlink(line, "![")
    line = _unlink(line, "[")
    line = _unstrong(line)
    line = _EMPHASIS.sub(r"\1", line)
    return _SPACE_RUN.sub(" ", line).strip()


class _Next:
    """The next occurrence of `char` in `text` at or after a position, for positions that only grow:
    each call scans on from where the last one stopped (linear over all calls)."""

    def __init__(self, text: str, char: str):
        self.text, self.char, self.at = text, char, -1

    def __call__(self, start: int) -> int:
        if self.at < start and self.at != len(self.text):
            found = self.text.find(self.char, start)
            self.at = len(self.text) if found < 0 else found
        return self.at


def _unlink(line: str, opener: str) -> str:
    r"""`opener` + "label](url)" -> "label", as re.sub with `\[([^\]\n]*)\]\([^)\n]*\)` (after "!" for
    an image) gives. An opener whose label ends in no "](…)" fails for every opener before that
    end too, so the search goes on after it."""
    out, done, search = [], 0, 0
    next_bracket, next_paren, next_newline = _Next(line, "]"), _Next(line, ")"), _Next(line, "\n")
    while (p := line.find(opener, search)) >= 0:
        label = p + len(opener)
        end = min(next_bracket(label), next_newline(label))  # the label's end: "]" or a line break
        if end == len(line):
            break  # no "]" after this opener: none after the later ones either
        if line[end] == "]" and line.startswith("(", end + 1):
            close = min(next_paren(end + 2), next_newline(end + 2))
            if close < len(line) and line[close] == ")":
                out += [line[done:p], line[label:end]]
                done = search = close + 1
                continue
        search = end + 1
    return "".join(out) + line[done:] if out else line


def _unstrong(line: str) -> str:
    r""""**strong**", "__strong__" -> "strong", as re.sub with `(\*\*|__)(?=\S)(.+?)(?<=\S)\1` gives:
    an opener followed by a non-space closes at the first same marker after a non-space, at least
    one character on and before the next line break."""
    marks = [(m.start(), m.group(1)) for m in _STRONG_MARK.finditer(line)]
    if not marks:
        return line
    closers = {"**": [], "__": []}
    for at, mark in marks:
        if at > 0 and not line[at - 1].isspace():
            closers[mark].append(at)
    next_newline = _Next(line, "\n")
    out, done = [], 0
    for at, mark in marks:
        if at < done or at + 2 >= len(line) or line[at + 2].isspace():
            continue
        candidates = closers[mark]
        k = bisect.bisect_left(candidates, at + 3)
        if k < len(candidates) and candidates[k] < next_newline(at + 2):
            close = candidates[k]
            out += [line[done:at], line[at + 2 : close]]
            done = close + 2
    return "".join(out) + line[done:] if out else line


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


# --- names: people or outlets ---------------------------------------------------------------------


def _key(name: str) -> str:
    """How outlet names are compared: folded, white space collapsed, a leading "the" dropped."""
    key = " ".join(fold(name).split())
    return key[4:] if key.startswith("the ") else key


def _is_known_outlet(name: str) -> bool:
    """A news agency (lexicon), or a name ending in an outlet word ("Daily Sabah", "Exit News")."""
    key = _key(name)
    return key in NEWS_AGENCIES or (len(key.split()) > 1 and key.split()[-1] in OUTLET_HEAD_WORDS)


def _is_outlet_shaped(name: str) -> bool:
    words = name.split()
    return 1 <= len(words) <= 5 and (name[0].isupper() or name[0].isdigit()) and not name.endswith(_SENTENCE_END)


def _is_name_token(token: str) -> bool:
    if token.lower() in NAME_PARTICLES:
        return True
    if token.split("-", 1)[0].lower() in NAME_PARTICLES and "-" in token:  # "al-Assad"
        token = token.split("-", 1)[1]
    return bool(token) and token[0].isupper() and all(ch.isalpha() or ch in ".'’-" for ch in token)


def _is_person_name(name: str) -> bool:
    """Two to five name-shaped words ("Lesley Wroughton", "Ursula von der Leyen"), not an outlet's name."""
    tokens = name.split()
    return (2 <= len(tokens) <= 5 and not _is_known_outlet(name) and all(_is_name_token(t) for t in tokens)
            and tokens[-1][0].isupper())


def _is_photo_credit(line: str) -> bool:
    return any(p.match(line) for p in _PHOTO_CREDIT)


def _is_byline(text: str) -> bool:
    """"Lesley Wroughton and Patricia Zengerle", "EUobserver": names, not a clause ("By then, it was …")."""
    names = _names(text)
    return bool(names) and all(_is_outlet_shaped(n) for n in names) and not _is_photo_credit(text)


def _read_byline(text: str, header: _Header) -> None:
    """Byline names: people are authors; an outlet ("By EUobserver": one word, a news agency, a name
    ending in an outlet word) is credited as the outlet; a bare job word ("By Staff") is dropped."""
    for name in _names(text):
        words = name.split()
        while words and fold(words[-1]) in BYLINE_GENERIC_WORDS:  # "Reuters Staff", "Senior Correspondent"
            words.pop()
        rest = " ".join(words)
        if not rest or (rest != name and not _is_known_outlet(rest)):
            continue
        if _is_known_outlet(rest) or len(words) == 1:
            header.credits.append(rest)
        else:
            header.authors.append(rest)


# --- site and agency furniture: post lines, agency tags and sign-offs, repost and wire credits --------

_POST_VERB = r"(?P<verb>Posted|Published|Written|Updated|Last updated)"
# "Posted by admin on March 4, 2021", "Published by Some Weekly", "Updated: 2021-03-04"
_POST_LINE = re.compile(_POST_VERB + r"(?:\s+(?P<prep>by|on|in|at)\b|:)\s*(?P<rest>.*)")
# "Mar 4, 2021. Posted by …", "13/03/2021 | Written by …": a date, then the post line
_DATED_POST_LINE = re.compile(r"(?P<date>.{4,40}?)\s*[.,|·•–—-]?\s+(?=(?:Posted|Published|Written|Updated) (?:by|in|on)\b)")
_POST_WHO_END = re.compile(r"\s+(?:on|at|in)\s|\s*[,|·•–—]|\s-\s")  # "admin on March 4", "Some Weekly | 10:05"
_MAX_POST_WORDS = 20

# an agency's tag in capitals opening the lede: "OREANDA-NEWS The US …", "XINHUA - The …"
_AGENCY_TAG = re.compile(r"(?P<tag>[A-Z][A-Z0-9&'’.]*[A-Z0-9](?:[- ][A-Z][A-Z0-9&'’.]*[A-Z0-9]){0,3})(?P<sep>\s*[:|–—-]\s+|\s+)(?=[A-Z“\"‘'])")
# an agency's sign-off line: "OREANDA-NEWS - Russian business news agency"
_AGENCY_SIGN_OFF = re.compile(r"(?P<name>[A-Z][\w&'’.]*(?:[- ][A-Z][\w&'’.]*){0,3})\s+[|–—-]\s+(?P<desc>[^.!?|]{3,80})")
_MAX_DESCRIPTION_WORDS = 8

# a repost credit line: "Source: RT", "Source - Xinhua", "(Courtesy of Reuters)", "Headlines via Reuters"
_REPOST_LABEL = re.compile(r"\(?(?:" + alternation(REPOST_CREDIT_LABELS) + r")(?:\s*:|\s+[–—-]|(?<= of))\s*(?P<outlet>[^()]+?)\)?\.?",
                           re.IGNORECASE)
# "via Reuters", "Headlines via Reuters": at most a word for the copy before "via" ("Drones via China" is a headline)
_VIA_LINE = re.compile(r"\(?(?:(?:\w+ )?(?:" + alternation(REPOST_VIA_WORDS) + r") )?via (?P<outlet>[^()]+?)\)?\.?", re.IGNORECASE)

# a wire credit: "(Reporting by A and B in Ankara; Writing by C; Editing by D)"; a role may run into the
# name before it ("Doina ChiacuEditing by Mark Heinrich")
_ROLES = sorted(WIRE_CREDIT_AUTHOR_ROLES + WIRE_CREDIT_OTHER_ROLES, key=len, reverse=True)
_WIRE_ROLE = re.compile(r"(?:(?<![^\W\d_])|(?<=[a-z])(?=[A-Z]))(?P<role>(?i:" + alternation(_ROLES) + r"))\s+by\s+")
_WIRE_CREDIT_AT_END = re.compile(r"\((?P<inner>(?i:" + alternation(_ROLES) + r")\s+by\s[^()]{1,300})\)$")
_PLACE_AFTER_NAME = re.compile(r"\s+in\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*")  # "Humeyra Pamuk in Washington"
_MAX_CREDIT_LINE_WORDS = 40


def _post_line(line: str) -> tuple[tuple | None, str, str | None] | None:
    """A site's or blog's post line: (its date with precision, the verb, who), or None when it is none
    or states neither. "Mar 4, 2021. Posted by admin" -> ((2021-03-04, "day"), "posted", "admin")."""
    if len(line.split()) > _MAX_POST_WORDS or line.endswith((".", "!", "?")):
        return None
    date = None
    if (m := _DATED_POST_LINE.match(line)) and (date := dates.parse_header_date(m.group("date").strip(" .,|·•–—-"))):
        line = line[m.end():]
    m = _POST_LINE.fullmatch(line)
    if m is None:
        return None
    rest, who = m.group("rest"), None
    if m.group("prep") == "by":
        end = _POST_WHO_END.search(rest)
        who = (rest[: end.start()] if end else rest).strip() or None
    if date is None:
        found = [d for _, _, d in dates.find_dates(rest, None) if d.precision == "day"]
        date = (found[0].start, "day") if found else _date_only(rest)
    return (date, m.group("verb").lower(), who) if date or who else None


def _read_post_line(post: tuple, header: _Header, state: "_HeaderState") -> None:
    """A post line's date is the published date; who published it is the publisher when an outlet
    ("Published by Some Weekly"), who wrote it the author ("Written by …"); who posted it is neither
    (a blog's account reposting another's story)."""
    date, verb, who = post
    _set_published(header, date)
    if who is None or not _is_outlet_shaped(who):
        return
    if verb == "published" and not _is_person_name(who):
        header.credits.append(who)
    elif verb == "written" and not state.byline_seen:
        state.byline_seen = True
        _read_byline(who, header)


def _agency_like(name: str) -> bool:
    """"XINHUA", "INTERFAX-UKRAINE", "OREANDA-NEWS", "Anadolu Agency": a news agency of the lexicon (or
    one as its first part), or a name of two words or more whose last is an outlet word."""
    keys = [fold(part) for part in re.split(r"[-\s]+", name) if part]
    return bool(keys) and (" ".join(keys) in NEWS_AGENCIES or keys[0] in NEWS_AGENCIES
                           or (len(keys) > 1 and keys[-1] in OUTLET_HEAD_WORDS))


def _tag_name(tag: str) -> str:
    """An agency's name written in capitals, as a name: "OREANDA-NEWS" -> "Oreanda-News", "XINHUA" ->
    "Xinhua"; an acronym of up to four letters stays ("TASS", "BTA")."""
    if not tag.isupper():
        return tag
    return re.sub(r"[A-Z]+", lambda m: m.group().capitalize() if len(m.group()) > 4 or fold(m.group()) in OUTLET_HEAD_WORDS
                  else m.group(), tag)


def _agency_tag(line: str) -> str | None:
    """The agency whose tag in capitals opens the lede ("OREANDA-NEWS The US authorities …",
    "XINHUA - …"). Without a mark after it the tag must be more than an acronym (a hyphen, or a word
    of five letters or more): "AFP The…" could be a sentence's subject, "REUTERS The…" is a tag."""
    m = _AGENCY_TAG.match(line)
    if m is None or not _agency_like(m.group("tag")):
        return None
    if not m.group("sep").strip() and "-" not in m.group("tag") and not any(len(w) >= 5 for w in re.findall(r"[A-Z]+", m.group("tag"))):
        return None
    return _tag_name(m.group("tag"))


def _agency_sign_off(line: str) -> str | None:
    """An agency's sign-off line, "NAME - what it is": the agency, when the name is in capitals or an
    agency's and the description says what an agency is ("OREANDA-NEWS - Russian business news agency")."""
    m = _AGENCY_SIGN_OFF.fullmatch(line)
    if m is None:
        return None
    name, words = m.group("name"), [fold(w) for w in re.findall(r"\w+", m.group("desc"))]
    if len(words) > _MAX_DESCRIPTION_WORDS or not AGENCY_DESCRIPTION_WORDS.intersection(words):
        return None
    return _tag_name(name) if name.isupper() or _agency_like(name) else None


def _repost_credit(line: str) -> str | None:
    """The outlet a repost credit line names ("Source: RT", "Source - Xinhua", "Headlines via Reuters"):
    an outlet's name (a known one, or up to three capitalised words), no sentence, no photo credit."""
    words = line.split()
    while words and words[-1].lower().startswith(("http://", "https://")):
        words.pop()
    text = " ".join(words)
    m = _REPOST_LABEL.fullmatch(text) or _VIA_LINE.fullmatch(text)
    if m is None:
        return None
    outlet = m.group("outlet").strip()
    if not _is_outlet_shaped(outlet) or any(c in outlet for c in ",;:@/") or _is_photo_credit(outlet):
        return None
    capitalised = len(outlet.split()) <= 3 and all(w[0].isupper() or w[0].isdigit() for w in outlet.split())
    return outlet if capitalised or _is_known_outlet(outlet) else None


def _wire_credit_authors(inner: str) -> list[str] | None:
    """"Reporting by A and B in Ankara; Writing by C; Editing by D" -> [A, B, C]: the people of the
    author roles, a place after a name dropped; None when the text is no credit (it opens with a role)."""
    roles = list(_WIRE_ROLE.finditer(inner))
    if not roles or roles[0].start() != 0:
        return None
    authors: list[str] = []
    for k, role in enumerate(roles):
        if fold(role.group("role")) not in WIRE_CREDIT_AUTHOR_ROLES:
            continue
        people = inner[role.end() : roles[k + 1].start() if k + 1 < len(roles) else len(inner)].strip(" ;,")
        authors += [n for n in _names(_PLACE_AFTER_NAME.sub("", people)) if _is_person_name(n) and n not in authors]
    return authors


def _wire_credit(line: str) -> tuple[list[str], str] | None:
    """A wire credit closing the text: (its authors, the text left before it). A line of its own in
    brackets, or unbracketed with two roles or more; or brackets at the end of the last paragraph."""
    if len(line.split()) > _MAX_CREDIT_LINE_WORDS and not line.endswith(")"):
        return None
    if (m := _WIRE_CREDIT_AT_END.search(line)) and m.group("inner")[0].isupper():  # not "(compiled by the ministry)"
        authors = _wire_credit_authors(m.group("inner"))
        return (authors, line[: m.start()].rstrip()) if authors is not None else None
    if len(line.split()) <= _MAX_CREDIT_LINE_WORDS and len(_WIRE_ROLE.findall(line)) > 1 and not line.endswith(_SENTENCE_END):
        authors = _wire_credit_authors(line)
        return (authors, "") if authors is not None else None
    return None


def _set_original(header: _Header, outlet: str) -> None:
    """A repost credit: the outlet the copy came from is the original publisher (not when it is the
    publisher itself)."""
    if header.original_publisher is None and _key(_outlet_name(outlet)) != _key(_outlet_name(header.publisher or "")):
        header.original_publisher = outlet


def _outlet_name(name: str) -> str:
    """An agency named by its abbreviation as it publishes ("AP" -> "Associated Press"; lexicon)."""
    return AGENCY_FULL_NAMES.get(_key(name), name)


# --- header lines -----------------------------------------------------------------------------------


@dataclass
class _HeaderState:
    only_dates: bool = True  # every header line so far stated a date or was site furniture: a headline may still come
    title_at: int | None = None
    byline_seen: bool = False


def _set_published(header: _Header, parsed: tuple | None) -> None:
    if parsed is not None and header.published_date is None:
        header.published_date, header.published_precision = parsed


def _date_only(line: str) -> tuple | None:
    """A line that is only a date, with its precision; a bare year ("2021") is no such line."""
    parsed = dates.parse_header_date(line)
    return parsed if parsed and (parsed[1] != "year" or not line.strip().isdigit()) else None


def _same_text(a: str, b: str) -> bool:
    return " ".join(fold(a).split()) == " ".join(fold(b).split())


def _read_source_line(inner: str, header: _Header) -> bool:
    """"Reuters; published Sept 20, 2018" (inside "(Source: …)"): the original outlet and its date."""
    outlet, _, rest = inner.partition(";")
    outlet = outlet.strip()
    if not _is_outlet_shaped(outlet) or "://" in outlet:
        return False
    header.original_publisher = header.original_publisher or outlet
    if (m := _SOURCE_DATE.match(rest.strip())) and (parsed := dates.parse_header_date(m.group(1))) and parsed[1] == "day":
        header.original_published_date = header.original_published_date or parsed[0]
    return True


def _read_dated_line(line: str, header: _Header) -> bool:
    """A line that ends in a date: "Global Research, February 28, 2020" (publisher, or a repost's
    original publisher), or the headline repeated with its date (the date only)."""
    split = dates.split_trailing_date(line)
    if split is None or not split[0]:
        return False
    head, date = split
    if header.title is not None and _same_text(head, header.title):
        _set_published(header, (date, "day"))
        return True
    if len(head.split()) > 6:
        return False
    if header.publisher is None and header.published_date is None:
        header.publisher = head
        _set_published(header, (date, "day"))
    elif header.original_publisher is None:
        header.original_publisher, header.original_published_date = head, date
    return True


def _header_line(lines: list[str], i: int, header: _Header, state: _HeaderState) -> str | None:
    """What header line lines[i] is ("date" for a line stating a date only, "site" for site furniture
    a headline may follow, "other"), its fields read into the header; None when it is no header line."""
    line = lines[i]
    if (m := _BYLINE.match(line)) and not state.byline_seen and len(line.split()) <= 12 and _is_byline(m.group(1)):
        state.byline_seen = True
        _read_byline(m.group(1), header)
    elif m := _TAGS.match(line):
        target = header.regions if m.group(1).lower().startswith("region") else header.themes
        target.extend(_names_list(m.group(2)))
    elif m := _URL_LINE.match(line):
        header.url = header.url or m.group(1)
    elif (m := _SOURCE_LINE.match(line)) and _read_source_line(m.group(1) if m.group(1) is not None else m.group(2), header):
        pass
    elif (outlet := _repost_credit(line)) is not None:
        _set_original(header, outlet)
    elif parsed := _date_only(line):
        _set_published(header, parsed)
        return "date"
    elif (m := _DATE_LINE.match(line)) and (parsed := dates.parse_header_date(m.group(1))):
        _set_published(header, parsed)
        return "date"
    elif (post := _post_line(line)) is not None:
        _read_post_line(post, header, state)
        return "site"
    elif (agency := _agency_sign_off(line)) is not None:
        header.credits.append(agency)
        return "site"
    elif _read_dated_line(line, header):
        pass
    elif (m := _FROM_LINE.match(line)) and _is_outlet_shaped(m.group(1)) and not any(c in m.group(1) for c in ("@", "://")):
        header.credits.append(m.group(1).strip())  # "From: Exit News" (not an e-mail sender)
    elif _is_photo_credit(line):
        pass  # a photo credit names neither author nor publisher
    elif header.title is None and state.only_dates and _is_headline(line) and not _leads_bullets(lines, i):
        header.title, state.title_at = _REPRINT_MARKER.sub("", line), i
    elif state.title_at is not None and _next_nonblank(lines, state.title_at) == i and header.publisher is None and _is_outlet_line(line):
        header.publisher = line
    else:
        return None
    return "other"


def _read_header(lines: list[str], header: _Header) -> int:
    """Consume header lines from the top; return the index of the first body line.

    A line that is no header line ends the header. A headline comes first, or after lines that
    state only a date; a short line right after the headline is the outlet.
    """
    i, state = 0, _HeaderState()
    while i < len(lines):
        line = lines[i]
        if not line:
            i += 1
            continue
        m = _DATE_PREFIX.match(line)
        if m and header.published_date is None:
            _set_published(header, dates.parse_iso_partial(m.group(1)))
            rest = m.group(2).strip()
            if not rest:
                i += 1
                continue
            lines[i] = line = rest  # the rest of the line is read as a line of its own
        kind = _header_line(lines, i, header, state)
        if kind is None:
            break
        state.only_dates = state.only_dates and kind in ("date", "site")
        i += 1
    return i


_BULLET_ITEM = re.compile(r"[•·▪◦‣*–—-]\s*(?P<first>\S)")


def _leads_bullets(lines: list[str], i: int) -> bool:
    """A line whose next line is a bullet item going on in lower case ("US State Department
    spokeswoman" / "• says …") is the items' subject, not a headline."""
    j = _next_nonblank(lines, i)
    m = _BULLET_ITEM.match(lines[j]) if j >= 0 else None
    return m is not None and m.group("first").islower()


def _names_list(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _next_nonblank(lines: list[str], after: int) -> int:
    return next((i for i in range(after + 1, len(lines)) if lines[i]), -1)


# --- the body: footer boilerplate, end markers, a closing credit line, the opening dateline ---------


def _strip_end_markers(line: str) -> str:
    """"… doing business. (end of excerpt)-ends-" -> "… doing business."."""
    end, changed = len(line), True  # the line is cut at `end`: no copy per marker (a line of "-ends-" is linear)
    while changed:
        changed = False
        for marker in END_OF_TEXT_MARKERS:  # ASCII: the end of the lower-cased line is the lower-cased end
            if end >= len(marker) and line[end - len(marker) : end].lower() == marker:
                end, changed = end - len(marker), True
                while end and line[end - 1].isspace():
                    end -= 1
                break
    return line[:end]


def _read_body(lines: list[str], header: _Header) -> list[str]:
    """Drop footer boilerplate lines and the page's dated lines, recording what they state about the
    source."""
    separators = [i for i, line in enumerate(lines) if _SEPARATOR.match(line)]
    footer_from = separators[-1] if separators else len(lines)
    body, kept = [], 0  # kept: body lines so far that are not blank
    for i, line in enumerate(lines):
        if _SEPARATOR.match(line):
            continue
        if (dated := _dated_body_line(line, kept)) is not None:
            _set_published(header, dated)
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
        stripped = _strip_end_markers(line)
        if line and not stripped:
            continue  # a line that was only an end marker ("-ends-")
        body.append(stripped)
        kept += bool(stripped)
    _read_closing_lines(body, header)
    return body


def _dated_body_line(line: str, lines_before: int) -> tuple | None:
    """A dated line of the page below the header, where a caption or the lede came first: a
    "Published:"/"Posted on" or blog post line anywhere, a line that is only a date among the first
    lines (lower down, such a line may head a part of the story). Its date with precision, or None."""
    if not line or len(line) > 200:
        return None
    if (m := _DATE_LINE.match(line)) and (parsed := dates.parse_header_date(m.group(1))):
        return parsed
    if (post := _post_line(line)) is not None and post[0] is not None and (post[2] is None or post[1] == "posted"):
        return post[0]
    return _date_only(line) if lines_before < _DATELINE_LINES else None


def _closing_credit(line: str) -> tuple[list[str], str, bool] | None:
    """"Tulay Karadeniz, Reuters via CHINA US Focus http://…" -> (["Tulay Karadeniz"], "Reuters", True):
    people, then the agency (a known one, or any outlet-shaped name when "via" follows), no sentence."""
    words = line.split()
    while words and words[-1].lower().startswith(("http://", "https://")):
        words.pop()
    text = " ".join(words)
    if not text or len(words) > _MAX_CREDIT_WORDS or text.endswith(_SENTENCE_END) or _is_photo_credit(text):
        return None
    left, via, _ = text.partition(" via ")
    names_part, comma, agency = left.rpartition(", ")
    names = _names(names_part)
    if not comma or not names or not all(_is_person_name(n) for n in names):
        return None
    capitalised = all(w[0].isupper() or w[0].isdigit() for w in agency.split())
    if not (_is_known_outlet(agency) or (via and capitalised and _is_outlet_shaped(agency))):
        return None
    return names, agency.strip(), bool(via)


def _read_closing_lines(body: list[str], header: _Header) -> None:
    """Credits closing the text, read from the last line up while each is one (see `_closing_line`);
    each is removed from the body, which keeps at least one line."""
    filled, last = sum(1 for line in body if line), len(body)
    while filled > 1:
        last = next(i for i in range(last - 1, -1, -1) if body[i])
        rest = _closing_line(body[last], header)
        if rest is None:
            return
        if rest:
            body[last] = rest  # a wire credit at the end of the last paragraph
            return
        body[last], filled = "", filled - 1


def _closing_line(line: str, header: _Header) -> str | None:
    """A credit line closing the text, read into the header: what is left of the line ("" when it
    was all credit), or None when it is no credit. A wire credit's reporters and writers, a credit
    line's people ("Jane Doe, Reuters via Some Blog") are the authors when there is no byline; a
    repost credit ("Source: RT", "via Reuters") or a "via" credit names the original publisher, an
    agency's sign-off or a credit line's agency a credited outlet."""
    if (wire := _wire_credit(line)) is not None:
        header.authors = header.authors or wire[0]
        return wire[1]
    if (outlet := _repost_credit(line)) is not None:
        _set_original(header, outlet)
        return ""
    if (agency := _agency_sign_off(line)) is not None:
        header.credits.append(agency)
        return ""
    if (credit := _closing_credit(line)) is None:
        return None
    names, agency, via = credit
    header.authors = header.authors or names
    if via:
        _set_original(header, agency)
    else:
        header.credits.append(agency)
    return ""


def _read_opening(body_text: str, header: _Header) -> None:
    """What opens the body (kept in the text): a date in numbers ("10-9-2023 (YANGON) …"), an
    agency's tag ("OREANDA-NEWS The US …"), and a wire dateline opening one of the first lines (a
    photo caption may come before it)."""
    lines = [line for line in body_text.split("\n", 2 * _DATELINE_LINES)[: 2 * _DATELINE_LINES] if line][:_DATELINE_LINES]
    if not lines:
        return
    first = lines[0]
    if m := _NUMERIC_OPENING.match(first):
        _set_published(header, dates.parse_numeric_date(m.group("date")))
        first = first[m.end() :].lstrip(" -–—|")
    if (agency := _agency_tag(first)) is not None:
        header.credits.append(agency)
    for line in (first, *lines[1:]):
        if _read_dateline(line, header):
            return


def _read_dateline(line: str, header: _Header) -> bool:
    """The wire credit of a dateline (outlets) and its date: a full one is the published date, a day
    and month ("MOSCOW, March 5 (Reuters) -") the day of a published month or year holding it."""
    if m := _DATELINE_PAREN.match(line) or _DATELINE_TITLED.match(line):
        if _spells(m.group("credit"), m.group("city")):
            return False  # "NATO (North Atlantic Treaty Organization) –": an acronym spelled out, no credit
        parts = _CREDIT_DATE_SPLIT.split(m.group("credit"))
        parsed = dates.parse_header_date(parts[-1]) if len(parts) > 1 else None
        outlets = " - ".join(parts[:-1] if parsed else parts).split("/")
    elif m := _DATELINE_SLASH.match(line):
        parsed, outlets = None, [m.group("credit")]
    else:
        return False
    outlets = [o.strip() for o in outlets]
    if not all(_is_outlet_shaped(o) and not _is_photo_credit(o) for o in outlets):
        return False
    header.credits.extend(outlets)
    when = m.group("when") or ""
    if not (parsed and parsed[1] == "day"):
        parsed = dates.parse_header_date(when)
    if parsed and parsed[1] == "day":
        _set_published(header, parsed)
    elif (day_month := dates.parse_day_month(when)) and header.published_date is not None:
        day = dates.day_within(day_month, header.published_date, header.published_precision)
        if day is not None:
            header.published_date, header.published_precision = day, "day"
    return True


def _spells(words: str, acronym: str) -> bool:
    return "".join(w[0] for w in words.split() if w[0].isupper()) == acronym.replace(".", "")


def _resolve(header: _Header) -> None:
    """Credited outlets, in reading order: the publisher when the text names none, else the
    original publisher; an agency's abbreviation as the name it publishes under; a publication date
    before the original's is a placeholder: none."""
    header.publisher = header.publisher and _outlet_name(header.publisher)
    header.original_publisher = header.original_publisher and _outlet_name(header.original_publisher)
    for outlet in map(_outlet_name, header.credits):
        if any(_key(outlet) == _key(known) for known in (header.publisher, header.original_publisher) if known):
            continue
        if header.publisher is None:
            header.publisher = outlet
        elif header.original_publisher is None:
            header.original_publisher = outlet
    day, original = header.published_date, header.original_published_date
    if day is not None and original is not None and dates.period_end(day, header.published_precision) < original:
        header.published_date = header.published_precision = None


def _join_paragraphs(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


# about what spaCy makes a token: a word, a mark, white space other than one space (taken from the
# start of a run of white space only, not rescanned from each of its characters)
_PARSE_UNITS = re.compile(r"\w+|[^\w\s]|(?<!\s)(?:[^\S ]|\s\s)\s*")


def _check_parse_size(text: str, path: str) -> None:
    """Refuse at once a text the language layer would parse too long (see `nlp`): over
    MAX_PARSE_CHARS characters, or over MAX_PARSE_TOKENS words and marks."""
    if len(text) > MAX_PARSE_CHARS:
        raise InputError([Problem(path, None, "text", f"the clean text is {len(text):,} characters, over the {MAX_PARSE_CHARS:,} "
                                  "the language layer parses for one article — split the article, or check that it is one")])
    if len(text) > MAX_PARSE_TOKENS:  # fewer characters cannot make more tokens
        units = sum(1 for _ in _PARSE_UNITS.finditer(text))
        if units > MAX_PARSE_TOKENS:
            raise InputError([Problem(path, None, "text", f"the clean text is {units:,} words and marks, over the {MAX_PARSE_TOKENS:,} "
                                      "the language layer parses for one article — split the article, or check that it is one")])


def word_count(text: str) -> int:
    return sum(1 for token in text.split() if _ALNUM.search(token))


_OPENING_BULLET = re.compile("(?:" + "|".join(re.escape(mark) for mark in BULLET_MARKS) + r")[ \t]+")


def _without_opening_bullet(body: str) -> str:
    """The body without the bullet mark of its first line ("- Serbia was granted …"): the mark is
    layout, and a text cell that starts with "-" is one a spreadsheet runs as a formula."""
    mark = _OPENING_BULLET.match(body)
    return body[mark.end():] if mark else body


def ingest(article_id: str, raw: bytes, path: str | None = None, source: SourceRecord = TEXT_ONLY,
           language: Callable[[str], str | None] = detect_language) -> Article:
    """Build the `articles` row of one raw article file and its source record. What the text states
    comes first; the record fills what the text leaves out (headline, outlet, date, copyright line),
    and gives the address, the retrieval day and the licence basis, which a text cannot state about
    its own copy."""
    path = path or f"seeds/articles/{shown(article_id)}.txt"
    if not ARTICLE_ID.fullmatch(article_id):
        raise InputError([Problem(path, None, "article_id", f"'{shown(article_id)}' is not a valid id — rename the file to at most {MAX_ARTICLE_ID} lower-case letters, digits, '_' or '-', starting with a letter or digit")])
    refused = _refusals(raw, path)
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
    body_text = _without_opening_bullet(_join_paragraphs(_read_body(lines[body_from:], header)))
    if not body_text:
        raise InputError([Problem(path, None, "text", "no body text is left once header and boilerplate lines are removed — add the article's body")])
    _check_parse_size(body_text, path)
    _read_opening(body_text, header)
    _resolve(header)
    stated_date = header.published_date is not None
    return Article(
        article_id=article_id,
        title=header.title or source.title,
        authors=header.authors,
        publisher=header.publisher or source.publisher,
        original_publisher=header.original_publisher,
        published_date=header.published_date if stated_date else source.published_date,
        published_date_precision=header.published_precision if stated_date else None,
        original_published_date=header.original_published_date,
        url=source.url or header.url,
        retrieved_date=source.retrieved_date,
        language=language(body_text),
        regions=header.regions,
        themes=header.themes,
        copyright_notice=header.copyright_notice or source.copyright,
        licence_basis=source.licence_basis,
        licence=source.licence,
        source_note=source.note,
        text=body_text,
        word_count=word_count(body_text),
        source_sha256=hashlib.sha256(raw).hexdigest(),
    )
