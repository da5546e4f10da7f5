"""Quotations and their speakers: every seed quotation pinned by hand, patterns tested on passages."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

from builders.extract.entities import Matcher
from builders.extract.article import extract
from builders.inputs.reference import load_reference

MATCHER = Matcher(load_reference(REPO)[0])
DEV_ARTICLES = REPO.parent / "shared" / "dev-articles"


def quotes_of_file(path: Path):
    return extract(path.stem, path.read_bytes(), str(path), MATCHER).quotes


def quotes_of(text: str):
    return extract("t", text.encode(), "t.txt", MATCHER).quotes


def summary(quotes) -> list[tuple]:
    return [(q.text, q.kind.value, q.speaker_actor_id, q.via_actor_id, q.cue) for q in quotes]


# (first words of the quotation, kind, speaker, via, cue) — checked by hand against each seed.
SEED_QUOTES = {
    "000_7318cba5f0ad2b4c": [
        ("In discussions with senior government officials", "direct", "us-state-department", None, "say"),
        ("Serbia needs to align its foreign policy", "direct", "eu", None, "say"),
    ],
    "001_6b7ba81664c089ef": [
        ("Serbia was ready to accept S-400s", "direct", "aleksandar-vucic", "tass", "say"),  # "…," according to TASS
        ("You know, when you have such a weapon", "direct", "aleksandar-vucic", None, "say"),
        ("illegal", "term", None, None, None),  # scare quotes
        ("not to fear broad sanctions", "partial", "aleksandar-vucic", "reuters", "tell"),  # telling Serbs "…," according to Reuters
        ("military neutrality", "term", None, None, None),
    ],
    "002_cb7180234dd0d369": [
        ("procuring military and defense equipment", "direct", "us-embassy-belgrade", None, "say"),  # intro paragraph "said that"
        ("Whenever we decide to buy something", "direct", "aleksandar-vucic", None, "say"),  # "hit back, saying"
        ("defense procurement is a national decision", "direct", "nato", "defense-news", "say"),  # "A NATO official …, according to Defense News, said that"
    ],
    "003_f7aad1218264870f": [
        ("worried about Belgrade purchases", "partial", "us-embassy-belgrade", "rfe-rl", "reiterate"),  # "…," Radio Free Europe (RFE) reported
        ("We call on all our allies", "direct", "us-embassy-belgrade", "rfe-rl", "tell"),  # the embassy told RFE
        ("have very different views", "direct", "us-embassy-belgrade", None, "say"),
        ("the new purchase of the weapons", "unclosed", "rfe-rl", None, "add"),  # "It added that “…" — no closing mark; It = RFE
        ("a small order.", "partial", "aleksandar-vucic", None, "add"),
    ],
    "004_09128b696d84389e": [],
}


@pytest.mark.parametrize("article_id", sorted(SEED_QUOTES))
def test_seed_quotes(article_id):
    quotes = quotes_of_file(REPO / "seeds" / "articles" / f"{article_id}.txt")
    got = [(q.text, q.kind.value, q.speaker_actor_id, q.via_actor_id, q.cue) for q in quotes]
    expected = SEED_QUOTES[article_id]
    assert len(got) == len(expected)
    for (text, *rest), (prefix, *want) in zip(got, expected):
        assert text.startswith(prefix)
        assert rest == want, text


def test_seed_quote_text_is_exactly_between_the_marks():
    path = REPO / "seeds" / "articles" / "002_cb7180234dd0d369.txt"
    rows = extract(path.stem, path.read_bytes(), str(path), MATCHER)
    text = rows.article.text
    for q in rows.quotes:
        assert text[q.start_char : q.end_char] == q.text
        assert text[q.start_char - 1] in "“\"'‘"
        assert text[q.end_char] in "”\"'’"
    assert rows.quotes[0].speaker_surface == "The U.S. Embassy in Belgrade"
    assert rows.quotes[2].speaker_surface == "A NATO official"


def test_nominal_speaker_keeps_the_words():
    path = REPO / "seeds" / "articles" / "000_7318cba5f0ad2b4c.txt"
    assert quotes_of_file(path)[0].speaker_surface == "a State Department spokesman"


# Short passages, one per attribution pattern: (passage, expected rows as (text, kind, speaker, via, cue)).
PASSAGES = {
    "speaker-verb-after": (
        '"Serbia will decide on its own which systems it buys," Aleksandar Vučić said on Monday.',
        [("Serbia will decide on its own which systems it buys,", "direct", "aleksandar-vucic", None, "say")],
    ),
    "verb-speaker-after": (
        "“The door to sanctions remains open for Belgrade,” said Matthew Palmer.",
        [("The door to sanctions remains open for Belgrade,", "direct", "matthew-palmer", None, "say")],
    ),
    "told-an-outlet": (
        "“We expect partners to respect CAATSA,” the US State Department told Reuters.",
        [("We expect partners to respect CAATSA,", "direct", "us-state-department", "reuters", "tell")],
    ),
    "according-to-outlet": (
        'Vučić said Serbia "will not give up the S-400 talks," according to TASS.',
        [("will not give up the S-400 talks,", "partial", "aleksandar-vucic", "tass", "say")],
    ),
    "said-that": (
        'Peter Stano said that "Serbia must align with the common foreign policy of the bloc."',
        [("Serbia must align with the common foreign policy of the bloc.", "direct", "peter-stano", None, "say")],
    ),
    "warned-colon": (
        'Eliot Engel warned: "Any purchase of Russian air defence will have consequences for Belgrade."',
        [("Any purchase of Russian air defence will have consequences for Belgrade.", "direct", "eliot-engel", None, "warn")],
    ),
    "colon-intro-no-verb": (
        "Josep Borrell was blunt: “Candidate countries follow the bloc on sanctions.”",
        [("Candidate countries follow the bloc on sanctions.", "direct", "josep-borrell", None, None)],
    ),
    "urged-partial": (
        'The White House urged Belgrade to "step back from the deal before it is signed."',
        [("step back from the deal before it is signed.", "partial", "white-house", None, "urge")],
    ),
    "passive-quoted-as-saying": (
        'Thomas Zarzecki was quoted as saying "no decision on sanctions has been taken yet."',
        [("no decision on sanctions has been taken yet.", "partial", "thomas-zarzecki", None, "say")],
    ),
    "pronoun": (
        'Matthew Palmer met officials in Belgrade. He said "the United States values the partnership with Serbia."',
        [("the United States values the partnership with Serbia.", "partial", "matthew-palmer", None, "say")],
    ),
    "split-quote": (
        '"We have no intention of joining any sanctions," Vučić said, "and we will keep buying what we need."',
        [
            ("We have no intention of joining any sanctions,", "direct", "aleksandar-vucic", None, "say"),
            ("and we will keep buying what we need.", "partial", "aleksandar-vucic", None, "say"),
        ],
    ),
    "following-paragraph": (
        '"The S-400 is not on the table," Matthew Palmer said.\n\n"But the Pantsir deliveries worry us deeply."',
        [
            ("The S-400 is not on the table,", "direct", "matthew-palmer", None, "say"),
            ("But the Pantsir deliveries worry us deeply.", "direct", "matthew-palmer", None, "say"),
        ],
    ),
    "nominal-speaker": (
        "“We are following the deliveries closely,” a NATO spokesperson said.",
        [("We are following the deliveries closely,", "direct", "nato", None, "say")],
    ),
    "nested-single-quotes": (
        "“Our message is ‘buy from partners’, not ‘buy from nobody’,” the US Embassy in Belgrade said.",
        [("Our message is ‘buy from partners’, not ‘buy from nobody’,", "direct", "us-embassy-belgrade", None, "say")],
    ),
    "unclosed": (
        "Reuters reported that the ministry “would review every contract with Moscow.\n\nThe talks ended.",
        [("would review every contract with Moscow.", "unclosed", "reuters", None, "report")],
    ),
    "scare-quotes-and-names": (
        "Serbia's 'military neutrality' and the “Pantsir” deal drew attention.",
        [("military neutrality", "term", None, None, None), ("Pantsir", "term", None, None, None)],
    ),
    "unknown-speaker": (
        "Posters in Belgrade read “No to sanctions, no to pressure”.",
        [("No to sanctions, no to pressure", "direct", None, None, None)],
    ),
    "single-quote-statement": (
        "Aleksandar Pavić put it simply: 'Serbia buys where it is not lectured.'",
        [("Serbia buys where it is not lectured.", "direct", "aleksandar-pavic", None, "put")],
    ),
    # speakers (issue 25): one passage per class, each written for this test
    "apposition-after": (
        '"We have made our choice and we will keep it," the country\'s defence minister, Ana Petrović, said on Thursday.',
        [("We have made our choice and we will keep it,", "direct", "ana-petrovic", None, "say")],
    ),
    "body-posts": (
        "“Belgrade will face consequences for this purchase,” the government of Croatia posted on X.",
        [("Belgrade will face consequences for this purchase,", "direct", "croatia", None, "post")],
    ),
    "statement-of-a-named-body": (
        '"Any new purchase of Russian arms risks sanctions," a State Department statement said.',
        [("Any new purchase of Russian arms risks sanctions,", "direct", "us-state-department", None, "say")],
    ),
    "statement-of-the-body-that-issued-it": (
        'The Croatian Ministry of Defence issued a statement on Monday. "Any purchase of Russian arms in the region worries us," the statement said.',
        [("Any purchase of Russian arms in the region worries us,", "direct", "croatian-ministry-of-defence", None, "say")],
    ),
    "statement-of-the-nearest-attribution": (
        'The US State Department warned Serbia on Monday.\n\n"Any new purchase of Russian arms risks sanctions," a statement said.',
        [("Any new purchase of Russian arms risks sanctions,", "direct", "us-state-department", None, "say")],
    ),
    "role-refers-back": (
        'The US ambassador to Serbia, Christopher Hill, met Vučić in Belgrade.\n\n"Serbia has a choice to make," the diplomat said.',
        [("Serbia has a choice to make,", "direct", "christopher-hill", None, "say")],
    ),
    "role-of-the-last-speaker": (
        '"We urge partners to forgo Russian arms," a NATO spokesperson said. Matthew Palmer arrived later. '
        '"No waiver has been granted," said the spokesperson.',
        [("We urge partners to forgo Russian arms,", "direct", "nato", None, "say"),
         ("No waiver has been granted,", "direct", "nato", None, "say")],
    ),
    "through-its-spokesman": (
        'The US State Department replied through its spokesman Ned Price: "We expect Serbia to refrain from buying Chinese drones."',
        [("We expect Serbia to refrain from buying Chinese drones.", "direct", "ned-price", None, "reply")],
    ),
    "outlet-in-a-statement-for": (
        '"We will not join the sanctions," Aleksandar Vučić said in a statement for Radio Free Europe.',
        [("We will not join the sanctions,", "direct", "aleksandar-vucic", "rfe-rl", "say")],
    ),
    "outlet-by-its-noun": (
        '"We will not join the sanctions," Vučić said in an interview with public broadcaster RTS.',
        [("We will not join the sanctions,", "direct", "aleksandar-vucic", "rts", "say")],
    ),
    "outlet-told-news-agency": (
        '"We will not join the sanctions," Aleksandar Vučić told the Tanjug news agency.',
        [("We will not join the sanctions,", "direct", "aleksandar-vucic", "tanjug", "tell")],
    ),
    "bullets-under-a-lead-in": (
        "Sanctions on Serbia\n\nUS State Department spokeswoman Heather Nauert\n\n"
        '  • says the law works\n  • says "we will not preview sanctions"\n  • says "when we have sanctions to announce, we will do so"',
        [("we will not preview sanctions", "partial", "heather-nauert", None, "say"),
         ("when we have sanctions to announce, we will do so", "partial", "heather-nauert", None, "say")],
    ),
    "over-two-paragraphs": (
        'A State Department spokesman told public broadcaster RTS, "We urge Serbia to drop the purchase.\n\n'
        '"We will keep watching every transaction closely."',
        [("We urge Serbia to drop the purchase.", "unclosed", "us-state-department", "rts", "tell"),
         ("We will keep watching every transaction closely.", "direct", "us-state-department", "rts", "tell")],
    ),
    "leading-phrase-names-no-speaker": (
        "Commenting on Vučić's remarks on Sunday, a State Department spokesman told Reuters: “We urge Serbia to drop the deal.”",
        [("We urge Serbia to drop the deal.", "direct", "us-state-department", "reuters", "tell")],
    ),
    "when-asked-he-said": (
        "Matthew Palmer spoke to senators on Monday.\n\n"
        'When asked what the US administration does about Serbian purchases, he said: "We use the leverage we have."',
        [("We use the leverage we have.", "direct", "matthew-palmer", None, "say")],
    ),
    "cited-as-saying": (
        'The talks have reached "a dead end on every point," Reuters cited an EU official as saying.',
        [("a dead end on every point,", "partial", "eu", "reuters", "quote")],
    ),
    "indefinite-role-names-nobody": (
        '"Sanctions remain possible for Belgrade," an official said.',
        [("Sanctions remain possible for Belgrade,", "direct", None, None, None)],
    ),
    "a-persons-statement-is-no-bodys": (
        'Aleksandar Vučić spoke on Monday. "Serbia will not join any sanctions," a statement said.',
        [("Serbia will not join any sanctions,", "direct", None, None, None)],
    ),
    # quotes found whole and terms told apart (issue 25): each passage written for this test
    "opened-with-a-closing-mark": (
        "”We will buy whatever we need, ”said Vučić.",
        [("We will buy whatever we need, ", "direct", "aleksandar-vucic", None, "say")],
    ),
    "straight-mark-glued-to-a-colon": (
        'Vučić said:"We will buy whatever we need."',
        [("We will buy whatever we need.", "direct", "aleksandar-vucic", None, "say")],
    ),
    "nested-term-in-curly-marks": (
        "“We reject the so-called “red lines” of Washington,” Vučić said.",
        [("We reject the so-called “red lines” of Washington,", "direct", "aleksandar-vucic", None, "say")],
    ),
    "nested-term-in-straight-marks": (
        '"We reject the so-called "red lines" of Washington," Vučić said.',
        [('We reject the so-called "red lines" of Washington,', "direct", "aleksandar-vucic", None, "say")],
    ),
    "one-word-is-a-term": (
        'Matthew Palmer said the talks were "constructive."',
        [("constructive.", "term", None, None, None)],
    ),
    "one-word-statement": (
        '"Never," Vučić said.',
        [("Never,", "partial", "aleksandar-vucic", None, "say")],
    ),
    "title-case-show": (
        "Vučić said so on Sunday in an interview aired on RTS’ “Balkan Evening Hour.”",
        [("Balkan Evening Hour.", "term", None, None, None)],
    ),
    "nickname-after-a-designation": (
        "Russia delivered the Pantsir-S1 (SA-22 ‘Greyhound’) system, Vučić said.",
        [("Greyhound", "term", None, None, None)],
    ),
}


@pytest.mark.parametrize("name", sorted(PASSAGES))
def test_attribution_patterns(name):
    passage, expected = PASSAGES[name]
    assert summary(quotes_of(passage)) == expected


def _speaker_scores(cases: dict[str, tuple[str, list[tuple]]], run) -> tuple[int, int, int, int]:
    """(quotes expected, quotes found with the right span, speakers right among those, quotes found)."""
    expected = found_right = speakers_right = found = 0
    for passage, rows in cases.values():
        got = {r[0]: r for r in summary(run(passage))}
        found += len(got)
        for row in rows:
            expected += 1
            if row[0] in got:
                found_right += 1
                speakers_right += got[row[0]][2] == row[2]
    return expected, found_right, speakers_right, found


def test_quote_precision_recall_and_speaker_accuracy_on_passages():
    expected, found_right, speakers_right, found = _speaker_scores(PASSAGES, quotes_of)
    print(f"\nquotes on passages: precision {found_right}/{found}, recall {found_right}/{expected}, speaker accuracy {speakers_right}/{found_right}")
    assert found_right == expected == found and speakers_right == found_right


# Hand-annotated quotations of the dev articles (third-party texts read from ../shared/dev-articles).
DEV_QUOTES = {
    "defencepk-680422": [("we were thinking, but we have not yet purchased", "partial", "aleksandar-vucic", None, "say")],
    "euobserver-2019-11-07": [
        ("in the next few months", "partial", "tass", None, "say"),
        ("run the risk of being sanctioned", "partial", "matthew-palmer", None, "say"),
    ],
    "rt-newsline-482517": [
        # the speaker is the Serbian defence minister, Aleksandar Vulin, named one sentence later; the rules
        # read the nominal "Serbian defense minister" as Serbia (a known miss, counted below)
        ("friendly states,", "partial", "aleksandar-vulin", None, "say"),
        ("Serbia is not a colony", "direct", "aleksandar-vulin", None, "say"),
        ("the strengthening and equipping of its armed forces,", "partial", "aleksandar-vulin", None, "say"),
        ("any country which respects international law and Serbia’s right to independently decide", "partial", "aleksandar-vulin", None, "say"),
    ],
    "thehill-469192": [
        ("in the next few months in accordance with the signed contract.", "partial", "tass", None, "say"),
        ("Serbia is arming itself because it is a free country surrounded by NATO-member states with which we want to be friends,", "direct", "aleksandar-vucic", None, "say"),
        ("be as weak as it was in the 1990s", "partial", "aleksandar-vucic", None, "say"),
    ],
}


@pytest.mark.skipif(not DEV_ARTICLES.is_dir(), reason="../shared/dev-articles is not beside this checkout")
def test_dev_article_quotes():
    cases = {k: ((DEV_ARTICLES / f"{k}.txt").read_text(encoding="utf-8"), rows) for k, rows in DEV_QUOTES.items()}
    expected, found_right, speakers_right, found = _speaker_scores(cases, quotes_of)
    print(f"\nquotes on dev articles: precision {found_right}/{found}, recall {found_right}/{expected}, speaker accuracy {speakers_right}/{found_right}")
    assert (expected, found_right, found) == (10, 10, 10)
    assert speakers_right == 9  # the one miss is documented in DEV_QUOTES


def test_quoting_names_the_speaker_and_the_outlet_is_the_channel():
    """Own passage: "X reported …, quoting Y" — Y speaks, X is the channel."""
    text = 'Radio Free Europe reported on Monday, quoting Matthew Palmer: "The door is still open."'
    rows = quotes_of(text)
    assert [(q.speaker_actor_id, q.via_actor_id, q.cue) for q in rows] == [("matthew-palmer", "rfe-rl", "quote")]


def test_an_apostrophe_after_a_full_stop_opens_no_quotation():
    """Own passage: the U.S.'s possessive is no opening mark, so the quotation after it is found whole."""
    text = "The U.S.'s envoy warned Belgrade. 'We will act soon, whatever happens,' he said."
    assert [(q.text, q.kind.value) for q in quotes_of(text)] == [("We will act soon, whatever happens,", "direct")]


def test_mixed_straight_and_curly_marks_pair_as_one_family():
    """Own passage: copy that opens with a curly mark and closes with a straight one."""
    text = 'Serbia “will not bow," the minister said. "Our choice is our own.”'
    assert [q.text for q in quotes_of(text)] == ["will not bow,", "Our choice is our own."]


def test_a_short_quoted_term_inside_a_sentence_is_a_term():
    """Own passage: “technical” talks — a quoted word used as a modifier is a term, not speech."""
    text = "Matthew Palmer said Washington had begun “technical” talks with Belgrade."
    assert [(q.text, q.kind.value, q.speaker_actor_id) for q in quotes_of(text)] == [("technical", "term", None)]


def test_a_nested_term_is_no_quotation_of_its_own():
    """Own passage: the quoted term inside the statement is part of it, and the statement is found whole."""
    text = "Vučić told reporters: “We reject the so-called “red lines” that Washington draws for us.”"
    rows = quotes_of(text)
    assert [(q.text, q.kind.value) for q in rows] == [("We reject the so-called “red lines” that Washington draws for us.", "direct")]


def test_a_role_that_refers_back_speaks_the_demand_in_its_quotation():
    """Own passage: "the diplomat" is the ambassador named before, and the demand in his words is his."""
    text = ('The US ambassador to Serbia, Christopher Hill, met Vučić in Belgrade.\n\n'
            '"We urge Serbia to cancel the purchase of Chinese drones," the diplomat said.')
    rows = extract("t", text.encode(), "t.txt", MATCHER)
    assert [q.speaker_actor_id for q in rows.quotes] == ["christopher-hill"]
    assert ("christopher-hill", "serbia") in {(e.source_actor_id, e.target_actor_id) for e in rows.events}


def test_pronouns_and_roles_skip_people_named_only_inside_quotations():
    """Own passage: Putin is named inside the first quotation only, so "he" is still Vučić."""
    text = ('"We talked to Vladimir Putin about the S-400," Aleksandar Vučić said.\n\n'
            '"We will decide alone," he added.')
    assert [q.speaker_actor_id for q in quotes_of(text)] == ["aleksandar-vucic", "aleksandar-vucic"]
