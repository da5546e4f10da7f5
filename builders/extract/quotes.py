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
(`"…," X said`, `"…," said X`, `"…," X told Y`); the last clause of its sentence (`…, X said on
Friday.`); the subject of a speech verb before it in the sentence (`X said that "…"`, `X warned:
"…"`, `X, saying "…"`); the paragraph before it when that ends in an introduction (`X said that`,
`X hit back, saying`, `X said:`); `according to X`. A pronoun subject (he, she) is the person last
named; "it" is the organisation last named. A nominal speaker ("a State Department spokesman") is
the organisation it names, with the words kept in `speaker_surface`. Words that reach the article
through an outlet (`according to TASS`, `X told RFE`, `…, Reuters reported`) carry the outlet in
`via_actor_id`. No speaker is guessed: when none of these holds, the speaker is null.
"""

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
    DESIGNATION_PREFIXES,
    NOMINAL_SPEAKER_HEADS,
    OUTLET_CUE_LEMMAS,
    OUTLET_FORMS,
    PRONOUNS,
    SPEECH_FORMS,
    SPEECH_PHRASES,
    SPEECH_VERBS,
    TITLE_SMALL_WORDS,
    alternation,
)
from .matching import Found

OPENERS = {"“": "”", '"': '"', "‘": "’", "'": "'"}
DOUBLE_MARKS = {"“", "”", '"'}
_QUOTE_MARK = re.compile("[" + re.escape("".join(sorted(set(OPENERS) | set(OPENERS.values())))) + "]")

CUES = SPEECH_VERBS  # inflected form -> lemma
_CUE = r"(?P<cue>" + "|".join(sorted(CUES, key=len, reverse=True)) + "|" + alternation(list(SPEECH_PHRASES)) + ")"
# `"…," X said` / `"…," said X` right after the closing mark (matched at a position: no "^")
_AFTER_SPEAKER_VERB = re.compile(r"[\s,]*(?P<speaker>[^.,;:!?“”\"]{1,90}?)\s+" + _CUE + r"\b")
_AFTER_VERB_SPEAKER = re.compile(r"[\s,]*" + _CUE + r"\s+(?P<speaker>[^.,;:!?“”\"]{1,90})")
# the last clause of a sentence: `…, Serbian defense minister said on Friday.`
_CLAUSE_SPEAKER_VERB = re.compile(r"(?:^|[,;—–]\s*)(?P<speaker>[^,;—–]{1,90}?)\s+" + _CUE + r"\b[^,;—–]*$")
_PRONOUNS = PRONOUNS
_NOMINAL_HEADS = NOMINAL_SPEAKER_HEADS
_OUTLET_VERBS = OUTLET_CUE_LEMMAS
_ABBREVIATIONS = ABBREVIATIONS
_INTRODUCTION = re.compile(rf"(?:\b(?:{alternation(SPEECH_FORMS)})(?: that)?|:)$")
_INTRODUCTION_REACH = max(map(len, SPEECH_FORMS)) + len(" that")  # how far from the end a match starts
_OUTLET_VERB = re.compile(rf"\b(?:{alternation(OUTLET_FORMS)})\b")
_CUE_WORD = re.compile(r"\b" + _CUE + r"\b")
_ATTRIBUTION_NEXT = re.compile(r" ?" + _CUE + r"\b")  # a closing mark put before the space: `…, "said Hood`
_DOUBLE_MARK = re.compile("[“”\"]")
NESTED_TERM_WORDS = 6  # the longest quoted term nested in a quotation
TITLE_WORDS = 6  # the longest title-case name read as a term
_DESIGNATION_BEFORE = re.compile(rf"\b(?:{alternation(DESIGNATION_PREFIXES)})-\d+[A-Za-z]*\s*[(]?$")  # "SA-21 ‘Growler’"
_INSIDE_SENTENCE = re.compile(r"[\w’'][\s(]*$")  # a word (or a possessive mark) right before the opening mark
_NOMINAL_AFTER = re.compile(rf"(?:\s+[a-z-]+)?\s+(?:{_NOMINAL_HEADS})\b")
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

    def __init__(self, text: str, found: list[Found], actor_type: Callable[[str], ActorType | None]):
        self.text = text
        self.mentions = [f for f in found if not f.form.is_weapon]  # in text order, as entities gives them
        self.starts = [m.start for m in self.mentions]
        self.ordered = all(a <= b for a, b in pairwise(self.starts))
        self.actor_type = actor_type
        self.last_of: dict[str, tuple[list[Found], list[int]]] = {}
        for want in ("person", "organisation"):
            wanted = [m for m in self.mentions if self._is(want, self.actor_type(m.form.target))]
            self.last_of[want] = (wanted, [m.start for m in wanted])
        self.cache: dict[tuple, object] = {}  # results of the attribution rules by (rule, start, end)

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

    def subject(self, start: int, end: int) -> tuple[Found | None, int]:
        """The speaker in text[start:end]: a person named there ("A US special envoy, Matthew Palmer,"),
        else its first actor mention, skipping demonyms when a name follows."""
        mentions = self.in_range(start, end)
        people = [m for m in mentions if self.actor_type(m.form.target) == ActorType.person]
        named = people or [m for m in mentions if m.form.kind != MentionKind.demonym]
        if named:
            return named[0], named[0].start
        return (mentions[0], mentions[0].start) if mentions else (None, start)

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
        """Resolve a speaker phrase (text[start:end]) to an actor: a mention in it, or a pronoun."""
        phrase = self.text[start:end].strip()
        pronoun = phrase.casefold()
        if pronoun in _PRONOUNS:
            want = _PRONOUNS[pronoun]
            found = self.last_before(start, want) if want else None
            return _Speaker(found.form.target if found else None, phrase, cue)
        mention, _ = self.subject(start, end)
        if mention is None:
            return None
        return _Speaker(mention.form.target, self._surface(mention, end), cue)

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
    for pattern in (_AFTER_SPEAKER_VERB, _AFTER_VERB_SPEAKER):
        m = pattern.match(ctx.text, close, limit)  # at `close`, as far as `limit`: no copy of the rest of the sentence
        if m:
            speaker = ctx.speaker_from_phrase(m.start("speaker"), m.end("speaker"), _lemma(m.group("cue")))
            if speaker and speaker.actor_id:
                _via_from_object(ctx, speaker, m.end(), limit)
                return speaker
    return None


def _clause_attribution(ctx: _Context, start: int, end: int) -> _Speaker | None:
    segment = ctx.text[start:end].rstrip(" .")
    m = _CLAUSE_SPEAKER_VERB.search(segment)
    if not m:
        return None
    return ctx.speaker_from_phrase(start + m.start("speaker"), start + m.end("speaker"), _lemma(m.group("cue")))


def _attribution_before(ctx: _Context, start: int, end: int) -> _Speaker | None:
    """The subject of the last speech verb in text[start:end] (the text before a quotation)."""
    segment = ctx.text[start:end]
    cues = list(_CUE_WORD.finditer(segment))
    if not cues:
        if segment.rstrip().endswith(":"):
            mention, _ = ctx.subject(start, end)
            return _Speaker(mention.form.target, ctx._surface(mention, end), None) if mention else None
        return None
    cue = cues[-1]
    cue_at = start + cue.start()
    if cue.group("cue") == "according to":
        return ctx.speaker_from_phrase(start + cue.end(), end, "according to")
    if cue.group("cue") == "quoting":  # "VOA reported …, quoting Peter Stano": the one quoted speaks
        quoted = ctx.speaker_from_phrase(start + cue.end(), end, "quote")
        if quoted is not None and quoted.actor_id:
            reporter, _ = ctx.subject(start, cue_at)
            if reporter is not None and ctx.is_outlet(reporter.form.target):
                quoted.via = reporter.form.target
            return quoted
    pronoun = re.search(r"\b(He|he|She|she|It|it)\s+(?:\w+\s+){0,2}$", ctx.text[start:cue_at])
    clause_start = max([start] + [start + m.end() for m in re.finditer(r"[;—–]|, and\b|\bwhile\b", segment[: cue.start()])])
    mention, _ = ctx.subject(clause_start, cue_at)
    if mention is None and pronoun is None:
        mention, _ = ctx.subject(start, cue_at)  # coordinated verbs share the subject: "X told …, and said"
    if mention is None and pronoun:
        return ctx.speaker_from_phrase(start + pronoun.start(1), start + pronoun.end(1), _lemma(cue.group("cue")))
    if mention is None:
        return None
    speaker = _Speaker(mention.form.target, ctx._surface(mention, cue_at), _lemma(cue.group("cue")))
    _via_from_object(ctx, speaker, start + cue.end(), end)
    return speaker


def _via_from_object(ctx: _Context, speaker: _Speaker, start: int, end: int) -> None:
    """`X told RFE`: an outlet as the addressee of the speech verb is the channel."""
    if speaker.cue == "tell":
        first, _ = ctx.subject(start, min(end, start + 40))
        if first and ctx.is_outlet(first.form.target):
            speaker.via = first.form.target


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
    ctx = _Context(text, found, actor_type)
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
    if speaker is None and only_quotes and previous and previous[0] in (para_start, ctx.memo(_previous_paragraph_start, para_start, 0)):
        continued = previous[1]  # a sentence that is only a quotation goes on with the last speaker
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
