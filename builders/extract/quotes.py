"""Quotations in an article and who said them.

Finding: curly (“…”), straight ("…") and top-level single (‘…’, '…') marks are paired within a
paragraph; single marks nested in a quotation stay part of it, and so does a short term in double
marks nested in a double quotation (“… the so-called “red lines” of …”). Copy that opens with a
closing mark (”…”), glues a straight mark to a colon (`said:"We`) or puts a closing mark before
the space (`…, "said X`) is read as meant. An opening mark whose closing mark never comes yields a
quotation bounded at the end of its paragraph (or at the next opening mark), kind `unclosed`.

Kinds: `term` — a name or scare-quoted term, not speech: at most three words and no attribution
in the sentence, a short quotation used as a word of the sentence (“expert” talks), one word that
is no statement of its own, a title-case name inside a sentence (CBS’ “Face the Nation.”), a
nickname after a designation (SA-21 ‘Growler’); `partial` — a fragment woven into the reporter's
sentence (starts in lower case and is one sentence, or is a short attributed fragment); `direct` —
a full statement; `unclosed` — see above.

Speakers, from the text around the quotation, in this order: an attribution right after it
(`"…," X said`, `"…," the minister, X, said`, `"…," said X`, `"…," X told Y`); the last clause of
its sentence (`…, X said on Friday.`); the subject of a speech verb before it in the sentence (`X
said that "…"`, `X warned: "…"`, `X, saying "…"`; a leading phrase such as "Commenting on Y's
remarks," or "When asked …," names no speaker); the paragraph before it when that ends in an
introduction (`X said that`, `X hit back, saying`, `X said:`); the lead-in line of a bulleted list
(`• says "…"`); `according to X`. A pronoun subject (he, she) is the person last named in the
reporter's words; "it" is the organisation last named. A nominal speaker ("a State Department
spokesman") is the organisation it names, with the words kept in `speaker_surface`; "the diplomat"
is the person it refers back to (the last speaker so described, else the person last named with a
title of that role, else the person last named); "a statement" is the body that issued it or made
the nearest attribution before; "X replied through its spokesman Y" is Y's; "Z cited Y as saying"
is Y's. A quotation-only sentence, or the next paragraph of a quotation that never closed, goes on
with the last speaker. Words that reach the article through an outlet (`according to TASS`, `X
told RFE`, `said in a statement for Radio Z`, `…, Reuters reported`) carry the outlet in
`via_actor_id`; the outlet is never the speaker of words told to it. No speaker is guessed: when
none of these holds, the speaker is null."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Callable

from ..schema.models import ActorType, Article, MentionKind, Method, Quote, QuoteKind
from .ids import row_ids
from .lexicon import (
    ABBREVIATIONS,
    ADVERBIAL_OPENERS,
    BULLET_MARKS,
    CHANNEL_PREPOSITIONS,
    DESIGNATION_PREFIXES,
    ISSUING_VERBS,
    NOMINAL_SPEAKER_HEADS,
    OUTLET_CUE_LEMMAS,
    OUTLET_FORMS,
    OUTLET_HEAD_WORDS,
    OUTLET_NOUNS,
    PERSON_TITLES,
    PRONOUNS,
    QUOTE_CUES,
    RELATIVE_PRONOUNS,
    ROLE_FAMILIES,
    SPEAKER_ADVERBS,
    SPEECH_PHRASES,
    SPEECH_VERBS,
    STATEMENT_NOUNS,
    TITLE_SMALL_WORDS,
    alternation,
    fold,
)
from .matching import Found

OPENERS = {"“": "”", '"': '"', "‘": "’", "'": "'"}
DOUBLE_MARKS = {"“", "”", '"'}
_QUOTE_MARK = re.compile("[" + re.escape("".join(sorted(set(OPENERS) | set(OPENERS.values())))) + "]")

CUES = SPEECH_VERBS | QUOTE_CUES  # inflected form -> lemma
_CUE_FORMS = sorted(CUES, key=len, reverse=True)
_CUE = r"(?P<cue>" + "|".join(_CUE_FORMS) + "|" + alternation(list(SPEECH_PHRASES)) + ")"
_PHRASE = r"[^.,;:!?“”\"]{1,90}?"  # a speaker phrase: no punctuation
# `"…," X said` / `"…," the minister, X, said` / `"…," said X` right after the closing mark (matched
# at a position: no "^")
_AFTER_SPEAKER_VERB = re.compile(r"[\s,]*(?P<speaker>(?:" + _PHRASE + r",\s+)?" + _PHRASE + r"),?\s+" + _CUE + r"\b")
_AFTER_VERB_SPEAKER = re.compile(r"[\s,]*" + _CUE + r"\s+(?P<speaker>[^.,;:!?“”\"]{1,90})")
# the last clause of a sentence: `…, Serbian defense minister said on Friday.`, `…, X, said.`
_CLAUSE_SPEAKER_VERB = re.compile(r"(?:^|[,;—–]\s*)(?P<speaker>[^,;—–]{1,90}?),?\s+" + _CUE + r"\b[^,;—–]*$")
_PRONOUNS = PRONOUNS
_NOMINAL_HEADS = NOMINAL_SPEAKER_HEADS
_OUTLET_VERBS = OUTLET_CUE_LEMMAS
_ABBREVIATIONS = ABBREVIATIONS
_INTRODUCTION = re.compile(rf"(?:\b(?:{alternation(_CUE_FORMS)})(?: that)?|:)$")
_INTRODUCTION_REACH = max(map(len, _CUE_FORMS)) + len(" that")  # how far from the end a match starts
_OUTLET_VERB = re.compile(rf"\b(?:{alternation(OUTLET_FORMS)})\b")
_CUE_WORD = re.compile(r"\b" + _CUE + r"\b")
_ATTRIBUTION_NEXT = re.compile(r" ?" + _CUE + r"\b")  # a closing mark put before the space: `…, "said Hood`
_DOUBLE_MARK = re.compile("[“”\"]")
REFERENT_REACH = 12  # how many people back "the <role>" may refer
STATEMENT_REACH = 2000  # how far before "a statement" its issuer may be named (characters)
LEAD_IN_LINES = 30  # how far above a bullet its list's lead-in line may be
NESTED_TERM_WORDS = 6  # the longest quoted term nested in a quotation
TITLE_WORDS = 6  # the longest title-case name read as a term
_DESIGNATION_BEFORE = re.compile(rf"\b(?:{alternation(DESIGNATION_PREFIXES)})-\d+[A-Za-z]*\s*[(]?$")  # "SA-21 ‘Growler’"
_INSIDE_SENTENCE = re.compile(r"[\w’'][\s(]*$")  # a word (or a possessive mark) right before the opening mark
# a speaker named by a noun: "the diplomat", "a statement", "the embassy spokesperson also"
_DESCRIBED = re.compile(r"(?P<det>[Tt]he|[Aa]n?|[Tt]his|[Tt]hat)\s+(?:[\w'’-]+\s+){0,4}?(?P<noun>[\w-]+)"
                        rf"(?:\s+(?:{alternation(SPEAKER_ADVERBS)}))?")
_ISSUER_OR_CUE = re.compile(rf"\b(?:{alternation(ISSUING_VERBS)}|{alternation(_CUE_FORMS)})\b")
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+|\n")
# "X replied through its spokesman Y": Y speaks (for X)
_THROUGH = re.compile(rf"\s*,?\s*(?:through|via)\s+(?:its|his|her|their|the|a)\s+(?:[\w-]+\s+){{0,2}}?(?:{alternation(sorted(PERSON_TITLES))})\b")
# "the AP cited an unnamed official as saying", "quoting Y as saying": Y speaks
_QUOTED_AS = re.compile(r"\b(?:cited|quoted|citing|quoting)\s+(?P<who>[^,;]{1,90}?)\s+as\s+(?:saying|telling|stating|writing)\b")
_OUTLET_NOUN_BEFORE = re.compile(rf"\b(?:{alternation(OUTLET_NOUNS)})\s+(?:[A-Z][\w-]*\s+)?$", re.IGNORECASE)
_OUTLET_NOUN_AFTER = re.compile(rf"\s*(?:{alternation(OUTLET_NOUNS)})\b", re.IGNORECASE)
_CHANNEL_FRAME = re.compile(rf"\b(?:{alternation(CHANNEL_PREPOSITIONS)})\s+(?:[\w'’-]+\s+){{0,4}}$")
_CHANNEL_STOP = re.compile(r"[;:!?“”\"]|\.\s")  # the verb's phrase ends there
_PRONOUN_BEFORE_VERB = re.compile(r"\b(He|he|She|she|It|it)\s+(?:\w+\s+){0,2}$")
_POSSESSIVE = re.compile(r"['’](?:s\b|\s)")
_RELATIVE_CLAUSE = re.compile(rf",\s+(?:{alternation(sorted(RELATIVE_PRONOUNS))})\b")
_APPOSITION_AFTER = re.compile(r",\s+(?:the|a|an|its|his|her)\s+[^,.;:!?“”\"]{1,80},")  # ", the US ambassador,"
_BULLET_LINE = re.compile(rf"[ \t]*(?:{alternation([re.escape(m) for m in BULLET_MARKS])})\s")
_NOMINAL_AFTER = re.compile(rf"(?:\s+[a-z-]+)?\s+(?:{_NOMINAL_HEADS}|{alternation(sorted(STATEMENT_NOUNS))})\b")
_DETERMINER = re.compile(r"(?:the|The)\s+")
_SENTENCE_CUT = re.compile(r"[.!?][\"”’']?\s+(?=[A-Z“\"‘'])")
_WHITE_RUN = re.compile(r"\s+")
_NOT_NEWLINE = re.compile(r"[^\n]")
_NON_SPACE = re.compile(r"\S")


@dataclass
class QuoteSpan:
    start: int  # first character inside the marks
    end: int  # after the last character inside the marks
    open_at: int  # offset of the opening mark
    close_at: int | None  # offset of the closing mark; None when it never comes
    closed: bool


_OPENING_CONTEXT = set(" \t\n([{—–-/“\"")  # what may stand before an opening mark


def _opening_position(text: str, i: int) -> bool:
    """Nothing but space or opening punctuation before the mark, a character after it."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return before in _OPENING_CONTEXT and not after.isspace()


def _closing_position(text: str, i: int) -> bool:
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not before.isspace() and not after.isalnum()


def _opens(text: str, i: int) -> bool:
    """A mark that opens a quotation. A single mark right after a letter, digit or full stop is an
    apostrophe ("Serbia's", "U.S.'s", "the Russians' arms"), never an opening mark. A closing double
    mark where only an opening one can stand opens too (copy that opens with ”), and a straight
    mark glued to a colon opens (`said:"We …`)."""
    ch = text[i]
    if ch == "“":
        return True
    if ch == "”":
        return _opening_position(text, i)
    if ch in ("'", "‘"):
        return _opening_position(text, i) and (i + 1 < len(text) and text[i + 1].isalnum())
    glued = i > 0 and text[i - 1] == ":" and i + 1 < len(text) and text[i + 1].isalnum()
    return ch == '"' and (_opening_position(text, i) or glued)


def _reopens(text: str, i: int) -> bool:
    """Inside a double quotation, a double mark that opens a new one (the last one never closed):
    “, or a straight mark in an opening position, unless an attribution follows it (`…, "said X`:
    copy that puts the closing mark on the wrong side of the space)."""
    ch = text[i]
    if ch not in ("“", '"') or _ATTRIBUTION_NEXT.match(text, i + 1):
        return False
    return ch == "“" or (_opening_position(text, i) and not _closing_position(text, i))


def _nested_close(text: str, open_at: int, i: int, p_end: int) -> int | None:
    """The closing mark of a short quoted term inside an open double quotation (“… the so-called
    “red lines” of …”), or None: the new mark must follow a word of the quotation, and its term
    must close within a few words, with punctuation only at its end and only if the outer mark
    closes right after it."""
    before = text[open_at + 1 : i].rstrip()
    if not before or not (before[-1].isalnum() or before[-1] == "-"):
        return None
    nxt = _DOUBLE_MARK.search(text, i + 1, p_end)
    if nxt is None or not (nxt.group() == "”" or _closing_position(text, nxt.start())):
        return None
    inner, j = text[i + 1 : nxt.start()], nxt.start()
    if not inner.strip() or len(inner.split()) > NESTED_TERM_WORDS or re.search(r"[.,;:!?]", inner.rstrip(".,")):
        return None
    if inner[-1] in ".," and not (j + 1 < p_end and text[j + 1] in "”\""):
        return None
    return j


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """Pair quotation marks paragraph by paragraph (paragraphs are separated by newlines). Curly and
    straight double marks are one family, as real copy mixes them (“…," then "…”); single marks
    pair with single marks, and inside a double quotation they are part of it, as is a short term
    in double marks nested in it."""
    spans: list[QuoteSpan] = []
    for para in re.finditer(r"[^\n]+", text):
        p_start, p_end = para.span()
        opener: str | None = None
        open_at = 0
        nested = -1  # the closing mark of a nested term: part of the quotation
        for mark in _QUOTE_MARK.finditer(text, p_start, p_end):  # only quotation marks act below
            i, ch = mark.start(), mark.group()
            if opener is None:
                if ch in OPENERS or ch == "”":
                    if _opens(text, i):
                        opener, open_at = ch, i
                continue
            double = opener in DOUBLE_MARKS
            if i == nested:
                continue
            if double and _reopens(text, i):
                nested = _nested_close(text, open_at, i, p_end) or -1
                if nested < 0:
                    spans.append(_unclosed(text, open_at, i))  # a new opening mark: the last quotation never closed
                    open_at = i
            elif (double and ch in ("”", '"')) or (not double and ch in ("’", "'") and _closing_position(text, i)):
                if i > open_at + 1:
                    spans.append(QuoteSpan(open_at + 1, i, open_at, i, True))
                opener = None
        if opener is not None:
            spans.append(_unclosed(text, open_at, p_end))
    return [s for s in spans if s.end > s.start]


def _unclosed(text: str, open_at: int, limit: int) -> QuoteSpan:
    end = limit
    while end > open_at + 1 and text[end - 1].isspace():
        end -= 1
    return QuoteSpan(open_at + 1, end, open_at, None, False)


def sentence_bounds(text: str, spans: list[QuoteSpan]) -> list[tuple[int, int]]:
    """Sentences, found on a copy of the text whose quotations are masked (their periods do not count)."""
    masked = list(text)
    for s in spans:
        if s.end - 1 > s.start:
            masked[s.start : s.end - 1] = _NOT_NEWLINE.sub("x", "".join(masked[s.start : s.end - 1]))
    masked_text = "".join(masked)
    bounds = []
    for para in re.finditer(r"[^\n]+", masked_text):
        start = para.start()
        white_ends = [w.end() for w in _WHITE_RUN.finditer(masked_text, para.start(), para.end())]
        for m in _SENTENCE_CUT.finditer(masked_text, para.start(), para.end()):
            cut = m.end()
            word = _word_before_cut(masked_text, start, m, white_ends)
            if word and (word.lstrip("(") in _ABBREVIATIONS or re.fullmatch(r"[A-Z]", word)):
                continue
            bounds.append((start, cut))
            start = cut
        bounds.append((start, para.end()))
    return bounds


def _word_before_cut(masked_text: str, start: int, cut, white_ends: list[int]) -> str | None:
    """The word a candidate sentence end follows: group 1 of `(\\S+)[.!?]["”’']?\\s+$` searched in
    masked_text[start:cut.end()], read off the last run of non-space characters instead of searched
    from every position (a paragraph of "Mr. Mr. …" would be searched again and again)."""
    mark = cut.start()  # the [.!?]; the run of non-space characters before white space ends here or after a quote
    run_end = mark + 1 + (masked_text[mark + 1] in "\"”’'")
    i = bisect.bisect_right(white_ends, mark) - 1
    run_start = max(start, white_ends[i]) if i >= 0 else start
    run = masked_text[run_start:run_end]
    word = run[:-1] if run[-1] in ".!?" else run[:-2]
    return word or None


def _kind(text: str, span: QuoteSpan, attributed: bool) -> QuoteKind:
    if not span.closed:
        return QuoteKind.unclosed
    quoted = text[span.start : span.end].strip()
    words = quoted.split()
    if _is_term(text, span, quoted, attributed):
        return QuoteKind.term
    sentences = len(re.findall(r"[.!?](?:\s|$)", quoted))
    if quoted[:1].islower() and sentences <= 1:
        return QuoteKind.partial
    if len(words) <= 3:
        return QuoteKind.partial
    return QuoteKind.direct


def _is_term(text: str, span: QuoteSpan, quoted: str, attributed: bool) -> bool:
    """A quoted name or term, not speech: at most three words with no speaker; a short quotation
    used as a word of the sentence (“expert” talks); one word that is not a statement of its own;
    a name in title case inside a sentence (CBS’ “Face the Nation.”); a nickname after a
    designation (SA-21 ‘Growler’)."""
    words = quoted.split()
    after = text[span.close_at + 1 : span.close_at + 3]
    if not words or (len(words) <= 3 and not attributed):
        return True
    if len(words) <= 3 and not re.search(r"[.,;:!?]", quoted) and re.match(r" \w", after):
        return True  # “expert” talks, “significant transactions” with: a term inside the sentence, not speech
    spoken = quoted[-1] in "!?" or (quoted[-1] == "," and _attributed_right_after(text, span.close_at + 1))
    if len(words) == 1 and not spoken:
        return True
    before = text[max(0, span.open_at - 40) : span.open_at]
    if len(words) <= 3 and _DESIGNATION_BEFORE.search(before):
        return True
    return len(words) <= TITLE_WORDS and not spoken and _in_title_case(quoted) and _INSIDE_SENTENCE.search(before) is not None


def _attributed_right_after(text: str, at: int) -> bool:
    """`"Never," he said`: an attribution right after the closing mark."""
    limit = min(len(text), at + 100)
    return any(p.match(text, at, limit) for p in (_AFTER_SPEAKER_VERB, _AFTER_VERB_SPEAKER))


def _in_title_case(quoted: str) -> bool:
    """Every word capitalised but the small ones of a title ("Face the Nation."), the first too."""
    words = re.findall(r"[^\W\d_][\w'’-]*", quoted)
    if len(words) < 2 or "," in quoted or not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w in TITLE_SMALL_WORDS for w in words)


@dataclass
class _Speaker:
    actor_id: str | None
    surface: str | None
    cue: str | None
    via: str | None = None


class _Context:
    """The article's mentions, with what kind of actor each one names, indexed by offset."""

    def __init__(self, text: str, found: list[Found], actor_type: Callable[[str], ActorType | None],
                 spans: list[QuoteSpan] | None = None):
        self.text = text
        self.mentions = [f for f in found if not f.form.is_weapon]  # in text order, as entities gives them
        self.starts = [m.start for m in self.mentions]
        self.ordered = all(a <= b for a, b in pairwise(self.starts))
        self.actor_type = actor_type
        self.quoted = sorted((q.start, q.end) for q in spans or [])
        self.quoted_starts = [a for a, _ in self.quoted]
        self.last_of: dict[str, tuple[list[Found], list[int]]] = {}
        for want in ("person", "organisation"):  # who a pronoun or a role refers back to: named in the reporter's words
            wanted = [m for m in self.mentions if self._is(want, self.actor_type(m.form.target)) and not self.quoted_at(m.start)]
            self.last_of[want] = (wanted, [m.start for m in wanted])
        self.cache: dict[tuple, object] = {}  # results of the attribution rules by (rule, start, end)
        self.last_speaker: _Speaker | None = None  # of the last attributed quotation, in text order

    def quoted_at(self, offset: int) -> bool:
        """Whether `offset` lies inside a quotation."""
        i = bisect.bisect_right(self.quoted_starts, offset) - 1
        return i >= 0 and offset < self.quoted[i][1]

    def memo(self, rule: Callable, start: int, end: int):
        """rule(self, start, end), computed once: the quotations of one sentence share their sentence's
        attributions (a sentence of a thousand quotations is read once, not a thousand times)."""
        key = (rule, start, end)
        if key not in self.cache:
            self.cache[key] = rule(self, start, end)
        result = self.cache[key]
        return replace(result) if isinstance(result, _Speaker) else result  # a copy: the caller may set its `via`

    def in_range(self, start: int, end: int) -> list[Found]:
        """The mentions inside text[start:end], in text order."""
        if not self.ordered:
            return [m for m in self.mentions if m.start >= start and m.end <= end]
        out, mentions = [], self.mentions
        for i in range(bisect.bisect_left(self.starts, start), len(mentions)):
            if mentions[i].start > end:
                break
            if mentions[i].end <= end:
                out.append(mentions[i])
        return out

    def is_outlet(self, actor_id: str | None) -> bool:
        return actor_id is not None and self.actor_type(actor_id) == ActorType.media_outlet

    def outlet_like(self, mention: Found) -> bool:
        """An outlet by its type, or by its words: a name ending in an outlet's word ("Radio Zeta",
        "Balkan News"), or an outlet noun before or after it ("public broadcaster ERT", "the Zeta news
        service"). A person is none."""
        if self.is_outlet(mention.form.target):
            return True
        if self.actor_type(mention.form.target) == ActorType.person:
            return False
        words = fold(self.text[mention.start : mention.end]).split()
        return (bool(words) and (words[0] in OUTLET_HEAD_WORDS or words[-1] in OUTLET_HEAD_WORDS)
                or _OUTLET_NOUN_BEFORE.search(self.text, max(0, mention.start - 40), mention.start) is not None
                or _OUTLET_NOUN_AFTER.match(self.text, mention.end) is not None)

    def subject(self, start: int, end: int) -> tuple[Found | None, int]:
        """The speaker in text[start:end]: a person named there ("A US special envoy, Matthew Palmer,"),
        else its first actor mention, skipping demonyms when a name follows. A possessive ("Erdogan’s
        remarks") is the owner of something else: the subject only when nothing else is named."""
        mentions = self.in_range(start, end)
        own = [m for m in mentions if not _POSSESSIVE.match(self.text, m.end)] or mentions
        people = [m for m in own if self.actor_type(m.form.target) == ActorType.person]
        named = people or [m for m in own if m.form.kind != MentionKind.demonym]
        if named:
            return named[0], named[0].start
        return (own[0], own[0].start) if own else (None, start)

    @staticmethod
    def _is(want: str, kind: ActorType | None) -> bool:
        if want == "person":
            return kind == ActorType.person
        return want == "organisation" and kind not in (ActorType.person, ActorType.state, None)

    def last_before(self, offset: int, want: str) -> Found | None:
        """The last mention of the wanted kind that ends by `offset`."""
        wanted, starts = self.last_of.get(want, ([], []))
        first = bisect.bisect_right(starts, offset) - 1 if self.ordered else len(wanted) - 1
        for i in range(first, -1, -1):
            if wanted[i].end <= offset:  # a mention that starts before the offset may still run past it
                return wanted[i]
        return None

    def speaker_from_phrase(self, start: int, end: int, cue: str | None) -> _Speaker | None:
        """Resolve a speaker phrase (text[start:end]) to an actor: a mention in it (not in a relative
        clause after it), a pronoun, or a noun that refers back ("the diplomat", "a statement")."""
        phrase = self.text[start:end].strip()
        pronoun = phrase.casefold()
        if pronoun in _PRONOUNS:
            want = _PRONOUNS[pronoun]
            found = self.last_before(start, want) if want else None
            return _Speaker(found.form.target if found else None, phrase, cue)
        relative = _RELATIVE_CLAUSE.search(self.text, start, end)
        end = relative.start() if relative else end
        mention, _ = self.subject(start, end)
        if mention is None:
            return self.described(start, end, cue)
        return _Speaker(mention.form.target, self._surface(mention, end), cue)

    def described(self, start: int, end: int, cue: str | None) -> _Speaker | None:
        """A speaker named by a noun alone: a statement is its issuer's ("a statement said"), a role
        with a definite article the one it refers back to ("the diplomat said"); an indefinite role
        ("an official said") names nobody."""
        phrase = self.text[start:end].strip()
        m = _DESCRIBED.fullmatch(phrase)
        if not m:
            return None
        noun = m.group("noun").casefold()
        if noun in STATEMENT_NOUNS:
            found = self.memo(_statement_author, start, start)
        elif noun in PERSON_TITLES and m.group("det").casefold() in ("the", "this", "that"):
            found = self.referent(start, noun)
        else:
            return None
        return _Speaker(found, phrase, cue) if found else None

    def referent(self, at: int, noun: str) -> str | None:
        """Who "the <role>" is: the last speaker if it was described by the same noun ("a US Embassy
        spokesperson" … "the spokesperson"), else the person last named with a title of that role
        ("the US ambassador, X," … "the diplomat"), else the person last named, else the last speaker."""
        last = self.last_speaker
        if last is not None and last.surface and noun in fold(last.surface).split():
            return last.actor_id
        people, starts = self.last_of["person"]
        titles = ROLE_FAMILIES.get(noun, frozenset({noun}))
        for i in range(bisect.bisect_left(starts, at) - 1, max(-1, bisect.bisect_left(starts, at) - 1 - REFERENT_REACH), -1):
            if people[i].end <= at and titles & self.titles_around(people[i]):
                return people[i].form.target
        person = self.last_before(at, "person")
        if person is not None:
            return person.form.target
        return last.actor_id if last is not None else None

    def titles_around(self, mention: Found) -> set[str]:
        """The title words written with a person's mention: before it in its sentence ("US ambassador
        to Serbia X") and in an apposition after it ("X, the US ambassador,")."""
        before = re.split(r"[.!?;:()]\s|\n", self.text[max(0, mention.start - 100) : mention.start])[-1]
        chunks = before.split(",")
        before = chunks[-1] if chunks[-1].strip() or len(chunks) < 2 else chunks[-2]  # "the US ambassador, X"
        after = _APPOSITION_AFTER.match(self.text, mention.end)
        words = fold(before + " " + (after.group(0) if after else "")).replace(",", " ").split()
        return {w for w in words if w in PERSON_TITLES}

    def _surface(self, mention: Found, limit: int) -> str:
        """The speaker as written: the mention, with a determiner before and a nominal head after."""
        begin, finish = mention.start, mention.end
        det = re.search(r"\b(?:[Aa]n?|[Tt]he)\s+$", self.text[max(0, begin - 5) : begin])
        if det:
            begin -= len(det.group(0))
        head = _NOMINAL_AFTER.match(self.text, finish, limit)
        if head:
            finish = head.end()
        return self.text[begin:finish]


def _attribution_after(ctx: _Context, close: int, limit: int) -> _Speaker | None:
    """`"…," X said`, `"…," the minister, X, said`, `"…," said X` right after the closing mark."""
    quoted = _quoted_as(ctx, close, limit)
    if quoted is not None:
        return quoted
    for pattern in (_AFTER_SPEAKER_VERB, _AFTER_VERB_SPEAKER):
        m = pattern.match(ctx.text, close, limit)  # at `close`, as far as `limit`: no copy of the rest of the sentence
        if m:
            speaker = ctx.speaker_from_phrase(m.start("speaker"), m.end("speaker"), _lemma(m.group("cue")))
            if speaker and speaker.actor_id:
                return _after_the_verb(ctx, speaker, m.end(), limit)
    return None


def _clause_attribution(ctx: _Context, start: int, end: int) -> _Speaker | None:
    """The last clause of the sentence names the speaker: `…, X said on Friday.`"""
    quoted = _quoted_as(ctx, start, end)
    if quoted is not None:
        return quoted
    segment = ctx.text[start:end].rstrip(" .")
    m = _CLAUSE_SPEAKER_VERB.search(segment)
    if not m:
        return None
    speaker = ctx.speaker_from_phrase(start + m.start("speaker"), start + m.end("speaker"), _lemma(m.group("cue")))
    return _after_the_verb(ctx, speaker, start + m.end("cue"), end) if speaker and speaker.actor_id else speaker


def _quoted_as(ctx: _Context, start: int, end: int) -> _Speaker | None:
    """`the AP cited an unnamed official as saying`, `quoting Y as saying`: Y speaks; the one who
    cites is the channel when it is an outlet, never the speaker."""
    m = _QUOTED_AS.search(ctx.text, start, end)
    if m is None:
        return None
    speaker = ctx.speaker_from_phrase(m.start("who"), m.end("who"), "quote")
    if speaker is None or not speaker.actor_id:
        return None
    reporters = [f for f in ctx.in_range(start, m.start()) if ctx.outlet_like(f)]
    if reporters:
        speaker.via = reporters[-1].form.target
    return speaker


def _attribution_before(ctx: _Context, start: int, end: int) -> _Speaker | None:
    """The subject of the last speech verb in text[start:end] (the text before a quotation)."""
    segment = ctx.text[start:end]
    cues = list(_CUE_WORD.finditer(segment))
    if not cues:
        if segment.rstrip().endswith(":"):
            mention, _ = ctx.subject(_clause_start(ctx, start, start, end), end)
            return _Speaker(mention.form.target, ctx._surface(mention, end), None) if mention else None
        return None
    cue = cues[-1]
    cue_at, lemma = start + cue.start(), _lemma(cue.group("cue"))
    if cue.group("cue") == "according to":
        return ctx.speaker_from_phrase(start + cue.end(), end, "according to")
    quoted = _quoted_as(ctx, start, end)
    if quoted is not None:
        return quoted
    if cue.group("cue") == "quoting":  # "VOA reported …, quoting Peter Stano": the one quoted speaks
        quoted = ctx.speaker_from_phrase(start + cue.end(), end, "quote")
        if quoted is not None and quoted.actor_id:
            reporter, _ = ctx.subject(start, cue_at)
            if reporter is not None and ctx.is_outlet(reporter.form.target):
                quoted.via = reporter.form.target
            return quoted
    clause_start = _clause_start(ctx, start, cue_at, end)
    pronoun = _PRONOUN_BEFORE_VERB.search(ctx.text, clause_start, cue_at)
    mention, _ = ctx.subject(clause_start, cue_at)
    if pronoun and mention is None:
        return _after_the_verb(ctx, ctx.speaker_from_phrase(pronoun.start(1), pronoun.end(1), lemma), start + cue.end(), end)
    if mention is None:
        described = ctx.described(clause_start, cue_at, lemma)
        if described is not None:
            return _after_the_verb(ctx, described, start + cue.end(), end)
        mention, _ = ctx.subject(start, cue_at)  # coordinated verbs share the subject: "X told …, and said"
    if mention is None:
        return None
    speaker = _Speaker(mention.form.target, ctx._surface(mention, cue_at), lemma)
    return _after_the_verb(ctx, speaker, start + cue.end(), end)


def _clause_start(ctx: _Context, start: int, cue_at: int, end: int) -> int:
    """Where the clause of the verb at `cue_at` starts in text[start:end]: after a semicolon, a dash,
    ", and" or "while" before it, and after a leading adverbial phrase closed by a comma
    ("Commenting on X’s remarks, a spokesman told …", "When asked …, he said"), which names no speaker."""
    segment = ctx.text[start:cue_at]
    clause_start = max([start] + [start + m.end() for m in re.finditer(r"[;—–]|, and\b|\bwhile\b", segment)])
    first = re.compile(r"\s*([A-Za-z]+)").match(ctx.text, clause_start, cue_at)
    if first is None or ctx.in_range(first.start(1), first.end(1)):
        return clause_start
    word = first.group(1).casefold()
    names_speaker = _CUE_WORD.match(ctx.text[first.start(1) : first.start(1) + 20].casefold())  # "According to X, …"
    if (word in ADVERBIAL_OPENERS or word.endswith("ing")) and not names_speaker:
        comma = ctx.text.find(",", first.end(), cue_at)
        if comma >= 0 and ctx.text[comma + 1 : cue_at].strip():
            return comma + 1
    return clause_start


def _after_the_verb(ctx: _Context, speaker: _Speaker, start: int, end: int) -> _Speaker:
    """What follows the verb of saying: "through its spokesman Y" makes Y the speaker (he speaks for
    the body); an outlet the words went to is the channel."""
    through = _THROUGH.match(ctx.text, start, end)
    if through is not None:
        people = [m for m in ctx.in_range(through.end(), min(end, through.end() + 60))
                  if ctx.actor_type(m.form.target) == ActorType.person]
        if people and not ctx.text[through.end() : people[0].start].strip(" ,"):
            person = people[0]
            words = ctx.text[through.start() : person.end].strip(" ,").split(None, 1)[-1]  # "its spokesman Y"
            speaker = _Speaker(person.form.target, words, speaker.cue, speaker.via)
            start = person.end
    _via_from_object(ctx, speaker, start, end)
    return speaker


def _via_from_object(ctx: _Context, speaker: _Speaker, start: int, end: int) -> None:
    """Where the words went: an outlet told ("told RFE", "told public broadcaster ERT") or named
    after a preposition ("in a statement for Radio Z", "in an interview with the Z news service")
    is the channel, never the speaker."""
    if speaker.via:
        return
    stop = _CHANNEL_STOP.search(ctx.text, start, min(end, start + 90))
    limit = stop.start() if stop else min(end, start + 90)
    for mention in ctx.in_range(start, limit):
        if mention.form.target == speaker.actor_id or not ctx.outlet_like(mention):
            continue
        between = ctx.text[start : mention.start]
        told = speaker.cue == "tell" and len(between.split()) <= 4 and "," not in between
        if told or _CHANNEL_FRAME.search(between):
            speaker.via = mention.form.target
            return


def _lemma(cue: str) -> str:
    return SPEECH_PHRASES.get(cue) or CUES.get(cue, cue)


def _according_to(ctx: _Context, start: int, end: int) -> Found | None:
    for m in re.finditer(r"\baccording to\s+", ctx.text[start:end]):
        mention, _ = ctx.subject(start + m.end(), min(end, start + m.end() + 60))
        if mention is not None and mention.start == start + m.end() + _det_len(ctx.text, start + m.end()):
            return mention
    return None


def _det_len(text: str, at: int) -> int:
    det = _DETERMINER.match(text, at)
    return det.end() - at if det else 0


def _outlet_reported(ctx: _Context, start: int, end: int) -> str | None:
    """`…, Radio Free Europe (RFE) reported.` or `… as Russia's TASS reported`: an outlet as channel."""
    for m in _OUTLET_VERB.finditer(ctx.text[start:end]):
        before = ctx.in_range(max(start, start + m.start() - 50), start + m.start())
        outlets = [f for f in before if ctx.is_outlet(f.form.target)]
        if outlets:
            return outlets[-1].form.target
    return None


class _Sentences:
    """The article's sentences, quotations and paragraphs, looked up by offset (bisection), with what
    a sentence's quotations share computed once per sentence."""

    def __init__(self, text: str, spans: list[QuoteSpan]):
        self.text, self.spans = text, spans  # spans in text order
        self.bounds = sentence_bounds(text, spans)
        self.starts = [a for a, _ in self.bounds]
        self.opens = [q.open_at for q in spans]
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.shared: dict[tuple[int, int], tuple] = {}
        self.first_text: dict[int, int] = {}

    def around(self, span: QuoteSpan) -> tuple[int, int]:
        i = bisect.bisect_right(self.starts, span.open_at) - 1
        if i >= 0 and self.bounds[i][0] <= span.open_at < self.bounds[i][1]:
            return self.bounds[i]
        return span.open_at, span.end

    def quotes_in(self, s_start: int, s_end: int) -> tuple[list[QuoteSpan], int, int, bool]:
        """The sentence's quotations, the end of the last, the start of the first, and whether the
        sentence is nothing but quotations."""
        if (s_start, s_end) not in self.shared:
            inside = self.spans[bisect.bisect_left(self.opens, s_start) : bisect.bisect_left(self.opens, s_end)]
            only_quotes = re.sub(r"[\s.,;:!?“”\"‘’']", "", _outside(self.text, s_start, s_end, inside)) == ""
            self.shared[(s_start, s_end)] = (inside, max(_end(q) for q in inside), min(q.open_at for q in inside), only_quotes)
        return self.shared[(s_start, s_end)]

    def paragraph_start(self, offset: int) -> int:
        i = bisect.bisect_left(self.newlines, offset) - 1
        return self.newlines[i] + 1 if i >= 0 else 0

    def bulleted(self, offset: int) -> bool:
        """Whether the line of `offset` is an item of a bulleted list."""
        return _BULLET_LINE.match(self.text, self.paragraph_start(offset)) is not None

    def runs_on(self, span: QuoteSpan) -> bool:
        """A quotation that opens its paragraph right after a paragraph that ends in a quotation never
        closed: the same quotation, run over two paragraphs."""
        i = bisect.bisect_left(self.opens, span.open_at) - 1
        return i >= 0 and not self.spans[i].closed and "\n" in self.text[self.spans[i].end : span.open_at] \
            and not self.text[self.spans[i].end : span.open_at].strip()

    def opens_paragraph(self, para_start: int, offset: int) -> bool:
        """Nothing but white space between the paragraph's start and `offset`."""
        if para_start not in self.first_text:
            first = _NON_SPACE.search(self.text, para_start)
            self.first_text[para_start] = first.start() if first else len(self.text)
        return self.first_text[para_start] >= offset


def _end(q: QuoteSpan) -> int:
    return (q.close_at + 1) if q.closed else q.end


def find_quotes(article: Article, found: list[Found], actor_type: Callable[[str], ActorType | None],
                spans: list[QuoteSpan] | None = None) -> list[Quote]:
    """The article's quotations and their speakers (`spans`: `find_quote_spans` of its text, when the caller has them)."""
    text = article.text
    sentences = _Sentences(text, find_quote_spans(text) if spans is None else spans)
    ctx = _Context(text, found, actor_type, sentences.spans)
    rows: list[Quote] = []
    previous: tuple[int, _Speaker] | None = None  # paragraph start and speaker of the last attributed quote
    running: tuple[tuple[int, int], int] | None = None  # a sentence, and the end of its last quotation so far
    quote_ids = row_ids(article.article_id, "q", [(span.start, span.end) for span in sentences.spans])
    for quote_id, span in zip(quote_ids, sentences.spans, strict=True):
        s_start, s_end = sentences.around(span)
        previous_close = running[1] if running is not None and running[0] == (s_start, s_end) else s_start
        running = ((s_start, s_end), max(previous_close, _end(span)))
        para_start = sentences.paragraph_start(span.open_at)
        speaker, via = _speaker_and_channel(ctx, sentences, span, (s_start, s_end), previous_close, previous, para_start)
        kind = _kind(text, span, attributed=speaker is not None and speaker.actor_id is not None)
        if kind == QuoteKind.term:
            speaker, via = None, None
        rows.append(
            Quote(
                quote_id=quote_id,
                article_id=article.article_id,
                text=text[span.start : span.end],
                start_char=span.start,
                end_char=span.end,
                speaker_actor_id=speaker.actor_id if speaker else None,
                speaker_surface=speaker.surface if speaker else None,
                cue=speaker.cue if speaker else None,
                via_actor_id=via,
                kind=kind,
                method=Method.rule,
            )
        )
        if speaker is not None and speaker.actor_id:
            previous = (para_start, speaker)
            ctx.last_speaker = speaker
    return rows


def _speaker_and_channel(ctx: _Context, sentences: _Sentences, span: QuoteSpan, sentence: tuple[int, int], previous_close: int,
                         previous: tuple[int, _Speaker] | None, para_start: int) -> tuple[_Speaker | None, str | None]:
    """Who said the quotation and through which outlet (see the module's docstring)."""
    text, (s_start, s_end) = ctx.text, sentence
    _, last_close, first_open, only_quotes = sentences.quotes_in(s_start, s_end)
    close = _end(span)
    right = _attribution_after(ctx, close, s_end) if span.closed else None
    if right is None and last_close < s_end:
        right = ctx.memo(_clause_attribution, last_close, s_end)
    left = ctx.memo(_attribution_before, previous_close, span.open_at)
    if left is None and previous_close != s_start:
        left = ctx.memo(_attribution_before, s_start, first_open)
    speaker = _choose(ctx, right, left)
    intro_paragraph = None
    if speaker is None and para_start > 0 and sentences.opens_paragraph(para_start, span.open_at):
        prev_start = text.rfind("\n", 0, max(0, para_start - 2)) + 1
        intro = text[prev_start:para_start].strip()
        if _INTRODUCTION.search(intro, max(0, len(intro) - _INTRODUCTION_REACH)):
            intro_paragraph = (prev_start, prev_start + len(intro))
            speaker = ctx.memo(_attribution_before, *intro_paragraph)
    if speaker is None and sentences.bulleted(span.open_at):
        speaker = ctx.memo(_lead_in, sentences.paragraph_start(span.open_at), span.open_at)
    continues = only_quotes or sentences.runs_on(span)
    if speaker is None and continues and previous and previous[0] in (para_start, ctx.memo(_previous_paragraph_start, para_start, 0)):
        continued = previous[1]  # a quotation-only sentence, or the next paragraph of a quotation, goes on with the last speaker
        speaker = _Speaker(continued.actor_id, continued.surface, continued.cue, continued.via)

    # the channel: "according to TASS", "Radio Free Europe (RFE) reported", "X told RFE"
    via = speaker.via if speaker else None
    outlet_by_according = ctx.memo(_according_to, intro_paragraph[0] if intro_paragraph else s_start, s_end)
    if outlet_by_according is not None:
        if ctx.is_outlet(outlet_by_according.form.target):
            if speaker is None or speaker.actor_id != outlet_by_according.form.target:
                via = via or outlet_by_according.form.target
        elif speaker is None:
            speaker = _Speaker(outlet_by_according.form.target, ctx._surface(outlet_by_according, s_end), "according to")
    if speaker is not None and via is None and not ctx.is_outlet(speaker.actor_id):
        via = ctx.memo(_outlet_reported, max(close, last_close), s_end)
    if speaker is not None and speaker.actor_id == via:
        via = None
    return speaker, via


def _lead_in(ctx: _Context, line_start: int, open_at: int) -> _Speaker | None:
    """The speaker of a bullet with no subject (`• says "…"`): whom the lead-in line above the list
    names, with the bullet's own verb as the cue."""
    verb = _CUE_WORD.search(ctx.text, line_start, open_at)
    cue = _lemma(verb.group("cue")) if verb else None
    at = line_start
    for _ in range(LEAD_IN_LINES):
        if at <= 0:
            return None
        prev_start = ctx.text.rfind("\n", 0, at - 1) + 1
        line_end, at = at - 1, prev_start
        line = ctx.text[prev_start:line_end]
        if not line.strip() or _BULLET_LINE.match(line):
            continue
        mention, _ = ctx.subject(prev_start, line_end)
        return _Speaker(mention.form.target, ctx._surface(mention, line_end), cue) if mention else None
    return None


def _statement_author(ctx: _Context, at: int, _: int = 0) -> str | None:
    """Who issued "a statement": the subject of the nearest issuing verb or verb of saying before it
    in the reporter's words ("the ministry issued a statement", "The State Department warned …"), in
    its paragraph or the two before, if that is a body (a person's statement would name him)."""
    begin = at
    for _ in range(3):
        begin = ctx.text.rfind("\n", 0, max(0, begin - 1)) + 1
    begin = max(begin, at - STATEMENT_REACH)
    for verb in reversed(list(_ISSUER_OR_CUE.finditer(ctx.text, begin, at))):
        if ctx.quoted_at(verb.start()):
            continue
        sentence_start = max([begin] + [m.end() for m in _SENTENCE_END.finditer(ctx.text, begin, verb.start())])
        mention, _ = ctx.subject(_clause_start(ctx, sentence_start, verb.start(), verb.start()), verb.start())
        if mention is not None and ctx.actor_type(mention.form.target) not in (ActorType.person, ActorType.media_outlet, None):
            return mention.form.target
    return None


def _choose(ctx: _Context, right: _Speaker | None, left: _Speaker | None) -> _Speaker | None:
    """An outlet named after the quotation ("…, RFE reported", "according to TASS") is the channel
    when the sentence names a speaker before it; otherwise the attribution after the quotation wins."""
    if right is not None and left is not None and left.actor_id and not ctx.is_outlet(left.actor_id):
        if ctx.is_outlet(right.actor_id) and right.cue in _OUTLET_VERBS | {"according to"}:
            left.via = left.via or right.actor_id
            return left
        if right.cue == "according to":
            return left
    return right or left


def _outside(text: str, start: int, end: int, spans: list[QuoteSpan]) -> str:
    """text[start:end] without the quotations in it."""
    out, at = [], start
    for q in sorted(spans, key=lambda q: q.open_at):
        out.append(text[at : q.open_at])
        at = (q.close_at + 1) if q.closed else q.end
    out.append(text[at:end])
    return "".join(out)


def _previous_paragraph_start(ctx: _Context, para_start: int, _: int = 0) -> int:
    """Start of the paragraph before the one starting at `para_start` (blank lines skipped)."""
    text = ctx.text
    i = para_start - 1
    while i > 0 and text[i - 1] == "\n":
        i -= 1
    return text.rfind("\n", 0, i) + 1
