"""Every metadata field of the five seed articles, checked by hand against the raw files."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from builders.extract.ingest import ingest

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "articles"

# Hand-checked: title line, "By" line, "Publisher, date" line, repost line, Region/Theme lines, and
# the footer ("originally published on", copyright). 003 is an N1 item: headline, outlet line, no
# date or byline. 004 has no headline, byline, outlet or date at all: everything is null.
EXPECTED = {
    "000_7318cba5f0ad2b4c": dict(
        title="Washington Ponders Imposing Sanctions on Serbia for Russian Weapon Purchases",
        authors=["Paul Antonopoulos"],
        publisher="Global Research",
        original_publisher="InfoBrics",  # "This article was originally published on InfoBrics."
        published_date=dt.date(2020, 2, 28),
        published_date_precision="day",
        original_published_date=None,  # the InfoBrics date is not in the text
        url=None,
        language="en",
        regions=["Europe", "Russia and FSU", "USA"],
        themes=["Law and Justice"],
        copyright_notice="Copyright © Paul Antonopoulos, Global Research, 2020",
    ),
    "001_6b7ba81664c089ef": dict(
        title="US Threatens Sanctions on Serbia, Scrambles to Thwart Possible Russian S-400 Missile Defense Purchase",
        authors=["Zero Hedge"],  # the byline names the outlet; kept as written
        publisher="Global Research",
        original_publisher="Zero Hedge",  # "[Zero Hedge](#) 10 November 2019"
        published_date=dt.date(2019, 11, 18),
        published_date_precision="day",
        original_published_date=dt.date(2019, 11, 10),
        url=None,
        language="en",
        regions=["Europe", "Russia and FSU", "USA"],
        themes=["Intelligence", "Military", "Military and WMD"],
        copyright_notice="Copyright © Zero Hedge, Zero Hedge, 2019",
    ),
    "002_cb7180234dd0d369": dict(
        title="Serbia's Intention to Buy Chinese Weapons. US Concerns",
        authors=["Paul Antonopoulos"],
        publisher="Global Research",
        original_publisher="InfoBrics",
        published_date=dt.date(2020, 8, 12),
        published_date_precision="day",
        original_published_date=None,
        url=None,
        language="en",
        regions=["Asia", "USA"],
        themes=["Intelligence", "Militarization and WMD"],
        copyright_notice="Copyright © Paul Antonopoulos, Global Research, 2020",
    ),
    "003_f7aad1218264870f": dict(
        title="US asks Serbia to stop buying arms from Russia, RFE reports",
        authors=[],
        publisher="N1",  # the outlet line under the headline
        original_publisher=None,
        published_date=None,  # "on Thursday" only; no date line
        published_date_precision=None,
        original_published_date=None,
        url=None,
        language="en",
        regions=[],
        themes=[],
        copyright_notice=None,
    ),
    "004_09128b696d84389e": dict(
        title=None,  # the first line is the lede paragraph, not a headline
        authors=[],
        publisher=None,
        original_publisher=None,
        published_date=None,
        published_date_precision=None,
        original_published_date=None,
        url=None,
        language="en",
        regions=[],
        themes=[],
        copyright_notice=None,
    ),
}

# First and last words of each clean body, and its paragraph count (blank-line separated blocks).
BODY = {
    "000_7318cba5f0ad2b4c": ("With Russia delivering another round of the Pantsir S1", "as has happened in Iran and Venezuela.", 10),
    "001_6b7ba81664c089ef": ("In a largely unreported but hugely important story", "which has brought US-Turkey relations near breaking point.", 15),
    "002_cb7180234dd0d369": ("Belgrade's announcement that it may purchase the Chinese FK-3", "that the West has for the Balkans.", 13),
    "003_f7aad1218264870f": ("The US embassy to Serbia reiterated on Thursday", "which are being repaired in Baranovichi.", 8),
    "004_09128b696d84389e": ("The Foundation for Defense of Democracies (FDD) has urged", "geopolitical landscape in Southeast Europe.", 1),
}


def _article(article_id: str):
    return ingest(article_id, (SEEDS / f"{article_id}.txt").read_bytes())


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_metadata_fields(article_id):
    article = _article(article_id)
    got = {name: getattr(article, name) for name in EXPECTED[article_id]}
    assert got == EXPECTED[article_id]


@pytest.mark.parametrize("article_id", sorted(BODY))
def test_body_bounds_and_paragraphs(article_id):
    text = _article(article_id).text
    first, last, paragraphs = BODY[article_id]
    assert text.startswith(first)
    assert text.endswith(last)
    assert len(text.split("\n\n")) == paragraphs


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_body_has_no_markup_or_boilerplate(article_id):
    text = _article(article_id).text
    for leftover in ("](", "**", "\u00a0", "  ", " \n", "\n ", "\n\n\n", "Note to readers", "Disclaimer:",
                     "Articles by", "Featured image", "Copyright ©", "original source of this article",
                     "originally published on", "Become a Member", "fair use", "media inquiries",
                     "Region:", "Theme:", "Global Research, "):
        assert leftover not in text, leftover


def test_links_reduced_to_labels_and_emphasis_removed():
    assert "a State Department spokesman said." in _article("000_7318cba5f0ad2b4c").text
    assert "only 42% of people in Serbia are in favour" in _article("000_7318cba5f0ad2b4c").text
    assert "Serbian President Aleksandar Vučić hit back, saying" in _article("002_cb7180234dd0d369").text
    assert "according to TASS." in _article("001_6b7ba81664c089ef").text


def test_author_biography_in_footer_is_dropped_but_body_mentions_stay():
    assert "Paul Antonopoulos" not in _article("000_7318cba5f0ad2b4c").text
    assert "Paul Antonopoulos" not in _article("002_cb7180234dd0d369").text


def test_nonbreaking_spaces_and_leading_space_normalised():
    text = _article("003_f7aad1218264870f").text
    assert "\n\n“We call on all our allies" in text
    assert "Pantsir arrived in Serbia, RFE said.\n\nIt added" in text


def test_markdown_tables_and_lists_kept_as_lines():
    text = _article("004_09128b696d84389e").text
    assert "\n| Sector | Serbia-Russia Engagement | Potential Impact |\n" in text
    assert "\n- Economic Erosion: Serbia’s trade ties" in text
    assert "\nThe Way Forward\n" in text
    assert not text.endswith("\n")


@pytest.mark.parametrize("article_id", sorted(EXPECTED))
def test_source_hash_is_of_the_raw_bytes(article_id):
    raw = (SEEDS / f"{article_id}.txt").read_bytes()
    assert _article(article_id).source_sha256 == hashlib.sha256(raw).hexdigest()


def test_word_counts():
    # whitespace tokens holding a letter or digit; "—" or "|" alone do not count
    counts = {aid: _article(aid).word_count for aid in EXPECTED}
    assert counts == {
        "000_7318cba5f0ad2b4c": 786,
        "001_6b7ba81664c089ef": 557,
        "002_cb7180234dd0d369": 795,
        "003_f7aad1218264870f": 310,
        "004_09128b696d84389e": 694,
    }
    for aid in EXPECTED:
        text = _article(aid).text
        assert counts[aid] == len([t for t in text.split() if any(c.isalnum() for c in t)])
