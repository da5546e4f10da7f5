"""Pathological article texts: every one is extracted (or refused with one line), never crashes, and
every span still holds; runs of combining marks are cut and reported, bidirectional controls are
removed and reported with their line and column, and messages never quote unbounded input.

Small cases only: how the time grows with the size is measured by `benchmarks/adversarial.py`."""

from __future__ import annotations

import hashlib
import random
import re
import unicodedata
from pathlib import Path

import pytest
from conftest import SOURCE_RECORD

from builders.extract import dates, discovery, nlp
from builders.extract import ingest as ingest_module
from builders.extract.article import Extractor
from builders.extract.ingest import MAX_MARKS, check_raw, ingest, strip_markup
from builders.extract.lexicon import (
    END_OF_TEXT_MARKERS,
    ORGANISATION_HEADS,
    REPRINT_TITLE_MARKERS,
    alternation,
)
from builders.extract.matching import _NOUN_PHRASE_GAP, _gap_ends
from builders.inputs.reference import load_reference
from builders.inputs.seeds import LoadedJob
from builders.inputs.tree import MAX_SHOWN
from builders.problems import InputError

REPO = Path(__file__).resolve().parents[1]
EXTRACTOR = Extractor(load_reference(REPO)[0])
HEAD = "Adversarial article about Serbian arms purchases\n\n"
BODY = "Serbia bought the Pantsir system from Russia, the ministry said on Monday.\n"


def _random_text(n: int) -> str:
    rng = random.Random(11)
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x400, 0x4FF), (0x590, 0x6FF), (0x2000, 0x206F),
              (0x3000, 0x30FF), (0x4E00, 0x4FFF), (0x1F300, 0x1F5FF)]
    return "".join("\n" if rng.random() < 0.02 else chr(rng.randint(*rng.choice(ranges))) for _ in range(n))


def _quotes(n: int) -> str:
    rng = random.Random(3)
    words = ["Vučić", "said", "Serbia", "would", "buy", "the", "system", "and", "Russia", "warned", "them"]
    out = []
    for _ in range(n):
        word, r = rng.choice(words), rng.random()
        out.append(rng.choice("“”\"‘’'") + word if r < 0.2 else word + rng.choice("“”\"‘’'") if r < 0.35 else word)
    return " ".join(out)


def _names(n: int) -> str:
    rng = random.Random(5)
    syllables = ["ka", "lo", "mi", "ra", "ne", "vo", "du", "sa", "te", "ri", "po", "ze"]
    name = lambda: "".join(rng.choice(syllables) for _ in range(3)).capitalize()
    return " ".join(f"{name()} {name()} said that Serbia would buy the system." for _ in range(n))


# name: the article's text (a few kilobytes of each pathological shape)
FAMILIES = {
    "a long line of [": HEAD + "Serbia bought the Pantsir system from Russia. " + "[" * 3000,
    "links that never close": HEAD + "[a](" * 500 + " " + "![b]" * 300 + "\n" + BODY,
    "runs of **": HEAD + "**x " * 600 + "__y " * 200 + "\n" + BODY,
    "a header line of commas": "Global Research" + "," * 4000 + " x\n\n" + BODY,
    "combining marks": HEAD + ("e" + "\u0301\u0316" * 300 + " ") * 4 + BODY,
    "unbalanced quotation marks": HEAD + _quotes(700),
    "one paragraph, no full stop": HEAD + "Serbia bought the Pantsir system from Russia and the minister said that " * 50,
    "many names": HEAD + _names(40),
    "an actor repeated": HEAD + "Serbia " * 500,
    "random UTF-8": HEAD + _random_text(3000),
    "abbreviations and initials": HEAD + "Mr. Gen. A. B. " * 250,
    "end markers": HEAD + "Serbia bought the Pantsir system from Russia." + "-ends-" * 400,
    "white space the cleaner keeps": "By Ana" + "\u2028" * 3000 + " Petrović\n\n" + BODY,
    "weapons named again and again": HEAD + "Serbia bought S-400 systems and T-99 tanks, " * 60,
    "a word longer than the tokenizer takes": HEAD + "x" * 2500 + " and " + "(" * 1200 + "Serbia" + ")" * 1200 + "\n" + BODY,
    "bidirectional controls": HEAD + "Serbia \u202ebought\u202c the Pantsir \u2066system\u2069 from Russia. " * 30,
    "blank lines and tags": "Serbia buys arms from Russia\n" + "\n" * 2000 + "Tags: a\n" * 200 + "\n" + BODY,
}


def _job(article_id: str, raw: bytes) -> LoadedJob:
    return LoadedJob(article_id, raw, f"seeds/articles/{article_id}.txt", None, hashlib.sha256(raw).hexdigest(), None,
               SOURCE_RECORD, hashlib.sha256(SOURCE_RECORD).hexdigest())


def _spans(columns) -> list[tuple[str, str]]:
    """(surface, what the span cuts from the text) for every mention, quotation and evidence."""
    tables = columns.tables
    text = tables["articles"]["text"][0]
    checks = [("actor_mentions", "start_char", "end_char", "surface"), ("weapon_system_mentions", "start_char", "end_char", "surface"),
              ("quotes", "start_char", "end_char", "text"), ("events", "evidence_start_char", "evidence_end_char", "evidence_text")]
    return [(surface, text[a:b]) for name, start, end, field in checks
            for a, b, surface in zip(tables[name][start], tables[name][end], tables[name][field], strict=True)]


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_a_pathological_article_is_extracted_and_its_spans_hold(name):
    article_id = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    columns, problems = EXTRACTOR(_job(article_id, FAMILIES[name].encode("utf-8")))
    assert columns is not None, [str(p) for p in problems]
    assert [p for p in problems if p.severity == "error"] == []
    spans = _spans(columns)
    assert all(surface == cut for surface, cut in spans)
    assert all(len(str(p)) < 400 for p in problems)  # one short line each, whatever the input


# --- combining marks ---------------------------------------------------------------------------------


def test_a_run_of_combining_marks_is_cut_before_normalisation_and_reported_with_line_and_column():
    raw = f"Serbian arms headline for a test\n\n{BODY}Word e{chr(0x301) * 50} and a{chr(0x316) * 12}.\n".encode()
    article = ingest("marks", raw)
    runs = re.findall(r"[\u0300-\u036f]+", article.text)
    assert runs and max(map(len, runs)) <= MAX_MARKS
    assert unicodedata.is_normalized("NFC", article.text)
    (warning,) = [p for p in check_raw(raw, "seeds/articles/marks.txt") if "combining" in p.message]
    assert warning.severity == "warning" and warning.line == 4
    assert warning.message.startswith(f"50 combining marks in a row at column 7 (and 1 more such runs) — cut to {MAX_MARKS}")
    assert str(warning).startswith("seeds/articles/marks.txt:4: warning: 50 combining marks")


def test_marks_a_script_needs_are_kept_and_not_reported():
    raw = "Vijetnamski naslov o oružju\n\nNguyễn Tấn Dũng said Serbia bought arms; ệ̂̃ is three marks.\n".encode()
    assert [p for p in check_raw(raw, "a.txt") if "combining" in p.message] == []
    assert "Nguyễn Tấn Dũng" in ingest("vi", raw).text


# --- bidirectional controls -------------------------------------------------------------------------


def test_bidirectional_controls_are_reported_once_with_line_and_column_and_removed():
    raw = f"Serbian arms headline for a test\n\n{BODY}It said \u202eon dias\u202c that \u2066x\u2069.\n".encode()
    problems = check_raw(raw, "seeds/articles/bidi.txt")
    (warning,) = [p for p in problems if "bidirectional" in p.message]
    assert (warning.severity, warning.line) == ("warning", 4)
    assert warning.message.startswith("bidirectional control character U+202E (RIGHT-TO-LEFT OVERRIDE) at column 9 (and 3 more in the file)")
    text = ingest("bidi", raw).text
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", text)
    assert "It said on dias that x." in text


def test_line_and_column_count_crlf_as_one_line_end():
    raw = b"Serbian arms headline for a test\r\n\r\nAb\xe2\x80\xaecd\r\n" + BODY.encode()
    (warning,) = [p for p in check_raw(raw, "x.txt") if "bidirectional" in p.message]
    assert warning.line == 3 and "at column 3" in warning.message


# --- messages -----------------------------------------------------------------------------------------


def test_messages_quote_a_bounded_part_of_the_input():
    with pytest.raises(InputError) as refused:
        ingest("x" * 300 + "\n" + "y" * 300, BODY.encode())
    (problem,) = refused.value.problems
    quoted = re.search(r"'(.*)' is not a valid id", problem.message).group(1)
    assert len(quoted) <= MAX_SHOWN and quoted.endswith("…") and "\n" not in str(problem)
    hidden = check_raw(("\u202e" + "z" * 100_000 + "e" + "\u0301" * 100_000 + "\n").encode(), "a.txt")
    assert len(hidden) == 2 and all(len(p.message) < 250 and "zzz" not in p.message for p in hidden)


# --- what the language layer takes ------------------------------------------------------------------


def test_a_text_longer_than_the_language_layer_parses_is_refused_at_once_with_one_line(monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_PARSE_CHARS", 2_000)
    columns, problems = EXTRACTOR(_job("long", (HEAD + BODY * 40).encode()))
    assert columns is None
    assert [str(p) for p in problems] == [
        (f"seeds/articles/long.txt: text: the clean text is {len((BODY * 40).strip()):,} characters, over the 2,000 the "
        "language layer parses for one article — split the article, or check that it is one")]


def test_a_text_of_more_words_and_marks_than_the_language_layer_parses_is_refused(monkeypatch):
    monkeypatch.setattr(ingest_module, "MAX_PARSE_TOKENS", 1_000)
    columns, problems = EXTRACTOR(_job("marks", (HEAD + "[" * 1_500).encode()))
    assert columns is None
    (problem,) = problems
    assert "words and marks, over the 1,000 the language layer parses for one article" in problem.message


def test_a_long_text_is_parsed_in_pieces_with_the_same_text_and_offsets(monkeypatch):
    monkeypatch.setattr(nlp, "PARSE_CHUNK_TOKENS", 60)
    text = (BODY + "\n") * 12 + "(" * 1500 + "x" + "]" * 1200 + " " + BODY
    doc = nlp.parse(text)
    assert doc.text == text
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc)
    assert len(list(doc.sents)) >= 12 and max(len(t.text) for t in doc) <= nlp.LONG_RUN
    assert nlp.Parser().key(text) != nlp.Parser().key(text + " ")


def test_no_sentence_is_longer_than_the_rules_read_in_one_go():
    text = HEAD + "Serbia said it would buy the system and it warned that they would impose sanctions, " * 40 + "[" * 900
    doc = nlp.parse(text)
    assert doc.text == text
    assert max(len(s) for s in doc.sents) <= nlp.MAX_SENTENCE_TOKENS
    assert all(text[t.idx : t.idx + len(t.text)] == t.text for t in doc)


def test_a_short_text_is_parsed_as_the_model_parses_it():
    text = ingest("seed", min((REPO / "seeds" / "articles").glob("*.txt")).read_bytes()).text
    whole, parsed = nlp.load_model()(text), nlp.parse(text)
    assert [(t.text, t.dep_, t.head.i, t.ent_type_) for t in whole] == [(t.text, t.dep_, t.head.i, t.ent_type_) for t in parsed]


# --- the linear rewrites give what the patterns they replace give -----------------------------------

_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")
_NAME_SPLIT = re.compile(r"\s*(?:,|\band\b|&)\s*")
_REPRINT = re.compile(r"\s*\((?:" + alternation(REPRINT_TITLE_MARKERS) + r")\)$", re.IGNORECASE)
_TRAILING = [re.compile(rf"(?P<head>.*?)[,\s]+(?:{p.pattern})\s*", p.flags) for p in dates.ABSOLUTE_DATE_PATTERNS]


def _markup_by_patterns(line: str) -> str:
    line = _STRONG.sub(r"\2", _LINK.sub(r"\1", _IMAGE.sub(r"\1", line)))
    return re.sub(" {2,}", " ", _EMPHASIS.sub(r"\1", line)).strip()


def _end_markers_by_lowering(line: str) -> str:
    changed = True
    while changed:
        changed = False
        for marker in END_OF_TEXT_MARKERS:
            if line.lower().endswith(marker):
                line, changed = line[: len(line) - len(marker)].rstrip(), True
                break
    return line


def _trailing_date_by_patterns(text: str):
    for pattern in _TRAILING:
        if (m := pattern.fullmatch(text.strip())) and (date := dates._to_date(m)) is not None:
            return m.group("head").strip(), date
    return None


def test_the_linear_cleaners_give_what_the_patterns_gave():
    rng = random.Random(7)
    pieces = list("[]()!*_ \n\tab,&") + ["and", " and ", "**", "__", "![", "](", "\u2028", "İ", "-ends-", "(END)",
                                         "- ends -", "(excerpt)", " (Abridged)"]
    for _ in range(20_000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert strip_markup(s) == _markup_by_patterns(s), s
        assert ingest_module._names(s) == [n.strip() for n in _NAME_SPLIT.split(s) if n.strip()], s
        assert ingest_module._strip_end_markers(s) == _end_markers_by_lowering(s), s
        assert ingest_module._REPRINT_MARKER.sub("", s) == _REPRINT.sub("", s), s


def test_trailing_dates_and_noun_phrase_gaps_are_read_as_the_patterns_read_them():
    rng = random.Random(8)
    pieces = [",", " ", "\u2028", "Global", "February", "28", "2020", "10", "November", "2020-08-12", "Feb.", "3rd", ",,"]
    for _ in range(20_000):
        s = "".join(rng.choice(pieces) + rng.choice(["", " ", ", "]) for _ in range(rng.randint(0, 8)))
        assert dates.split_trailing_date(s) == _trailing_date_by_patterns(s), s
    for _ in range(5_000):
        s = "".join(rng.choice([" ", "  ", "a", "b-", "'s", "’s", "X", "of"]) for _ in range(rng.randint(0, 9)))
        at = rng.randint(0, len(s))
        ends = _gap_ends(s, at)
        for end in range(at, len(s) + 1):
            assert bool(_NOUN_PHRASE_GAP.fullmatch(s[at:end])) == any(a <= end <= b for a, b in ends), (s, at, end)


def test_organisation_names_are_found_where_the_pattern_found_them():
    heads = "|".join(h.capitalize() for h in ORGANISATION_HEADS)
    cap = discovery._CAP
    before = re.compile(rf"(?:{cap}(?: +and)? +){{0,4}}(?:{heads})\b(?: +(?:of|for|on) +(?:the +)?{cap}(?: +(?:and +)?{cap}){{0,4}})?")
    rng = random.Random(9)
    pieces = [h.capitalize() for h in list(ORGANISATION_HEADS)[:5]] + ["Serbia", "X", "Ć", "ž", "AB", "and", "of", "the",
                                                                        " ", "  ", "-", "'", "x", "USMinistry", "čč"]
    for _ in range(20_000):
        s = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in discovery._ORG.finditer(s)] == [m.span() for m in before.finditer(s)], s
