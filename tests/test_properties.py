"""Property tests: random and adversarial text never crashes an extractor, and every span holds."""

from __future__ import annotations

import datetime as dt

from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders.extract.entities import Matcher
from builders.extract.article import extract
from builders.extract.dates import find_dates
from builders.problems import InputError
from builders.inputs.reference import load_reference

MATCHER = Matcher(load_reference(REPO)[0])

FRAGMENTS = [
    "Serbia", "Belgrade", "Washington", "Matthew Palmer", "Palmer", "Vučić", "the embassy", "US", "us",
    "S-400", "Pantsir", "CH-92A", "FK-3s", "Defence Minister Ana Petrović", "Ministry of Defence", "NATO",
    "“", "”", '"', "'", "‘", "’", ":", ",", ".", ";", " — ", "(", ")", "[x](#)", "**", "*", "\n", "\n\n",
    " ", "  ", "\u00a0", "\u200b", "\t", "said", "told Reuters", "according to TASS", "warned", "he said",
    "sanctions", "no sanctions were imposed", "would entail sanctions", "delivered", "on Tuesday",
    "last week", "in November last year", "25.02", "Nov. 2", "Published: 3 March 2020", "By X Y",
    "Region: Europe", "Copyright © X", "*", "- ", "| a | b |", "=", "é", "Đ", "ǅ", "İ", "ß",
]
texts = st.one_of(
    st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join),
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join),
)


def _check_spans(rows) -> None:
    text = rows.article.text
    for m in [*rows.entities.actor_mentions, *rows.entities.weapon_mentions]:
        assert text[m.start_char : m.end_char] == m.surface
    for q in rows.quotes:
        assert text[q.start_char : q.end_char] == q.text
    for e in rows.events:
        assert text[e.evidence_start_char : e.evidence_end_char] == e.evidence_text
        if e.date_start and e.date_end:
            assert e.date_start <= e.date_end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_extract_never_crashes_and_spans_hold(text):
    try:
        rows = extract("prop", text.encode("utf-8", "surrogatepass"), "prop.txt", MATCHER)
    except InputError as exc:
        assert exc.problems and all(str(p).startswith("prop.txt") for p in exc.problems)
        return
    except UnicodeEncodeError:
        return
    _check_spans(rows)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_are_refused_or_read(raw):
    try:
        rows = extract("prop", raw, "prop.txt", MATCHER)
    except InputError as exc:
        assert all(p.message for p in exc.problems)
        return
    _check_spans(rows)


@settings(max_examples=300, deadline=None)
@given(texts, st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))))
def test_date_finder_never_crashes_and_intervals_are_ordered(text, anchor):
    for start, end, interval in find_dates(text, anchor):
        assert 0 <= start < end <= len(text)
        if interval.start is not None:
            assert interval.start <= interval.end
        else:
            assert interval.precision == "unknown"
