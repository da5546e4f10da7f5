"""Articles in shapes the seeds do not have (written for these tests) build with correct nulls."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builders.extract.dates import parse_absolute_date, split_trailing_date
from builders.extract.ingest import detect_language, ingest, strip_markup
from builders.problems import InputError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"


def _fixture(name: str):
    return ingest(name, (FIXTURES / f"{name}.txt").read_bytes())


def test_news_site_shape_with_two_authors_published_line_and_url():
    a = _fixture("balkan-wire-2021-03-14")
    assert a.title == "Belgrade Weighs Chinese Drones as Washington Repeats CAATSA Warning"
    assert a.authors == ["Jelena Petrović", "Mark Hollis"]
    assert a.published_date == dt.date(2021, 3, 14)
    assert a.url == "https://example.org/news/belgrade-weighs-chinese-drones"
    assert a.copyright_notice == "© 2021 Balkan Wire. All rights reserved."
    # silent in the text: no outlet line, no repost, no tags
    assert (a.publisher, a.original_publisher, a.original_published_date) == (None, None, None)
    assert (a.regions, a.themes) == ([], [])
    assert a.text.startswith("Serbia's Defence Minister Nebojša Stefanović said on Monday")
    assert a.text.endswith("“avoid transactions that expose them to sanctions”.")
    assert "All rights reserved" not in a.text


def test_bare_paragraphs_have_every_metadata_field_null():
    a = _fixture("plain-notes-0001")
    assert a.model_dump(include={"title", "publisher", "original_publisher", "published_date",
                                 "original_published_date", "url", "copyright_notice"}) == dict.fromkeys(
        ["title", "publisher", "original_publisher", "published_date", "original_published_date", "url", "copyright_notice"]
    )
    assert a.authors == a.regions == a.themes == []
    # a lower-case first line is body, not a headline, and "3 june" in the body is not a publication date
    assert a.text.startswith("serbian officials met a delegation")
    assert a.language == "en"


def test_crlf_nbsp_zero_width_and_posted_on_line():
    a = _fixture("crlf-dateline-2021")
    assert a.published_date == dt.date(2021, 9, 2)
    assert a.title is None
    assert a.text == (
        "Serbia and Hungary held a joint air-defence drill near Subotica, the army said in a short "
        "statement on Thursday.\n\nNo foreign observers were invited."
    )


def test_dateline_prefix_followed_by_headline_byline_or_body():
    headline = ingest("x1", b"date 2020-08-12 Serbia considers buying Chinese missiles\n\nBody sentence one is here. And two.\n")
    assert (headline.published_date, headline.title) == (dt.date(2020, 8, 12), "Serbia considers buying Chinese missiles")
    byline = ingest("x2", b"date 2019-11-07 By Some Outlet\n\nSerbia could face sanctions, a diplomat said.\n")
    assert (byline.published_date, byline.title, byline.authors) == (dt.date(2019, 11, 7), None, ["Some Outlet"])
    body = ingest("x3", b"date 2020-03-06 Serbia will keep buying arms, the minister said on Friday.\n")
    assert body.title is None
    assert body.text == "Serbia will keep buying arms, the minister said on Friday."


def test_sentence_first_line_is_not_a_title_and_no_value_is_guessed():
    a = ingest("x4", "The ministry said on 3 March 2020 that talks had ended.\n\nMore text.\n".encode())
    assert a.title is None and a.published_date is None
    assert a.text.startswith("The ministry said on 3 March 2020")


def test_impossible_date_is_no_date():
    assert parse_absolute_date("February 30, 2020") is None
    a = ingest("x5", b"Some Outlet, February 30, 2020\n\nA body sentence of the article.\n")
    assert a.published_date is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("February 28, 2020", dt.date(2020, 2, 28)),
        ("10 November 2019", dt.date(2019, 11, 10)),
        ("Nov. 2, 2019", dt.date(2019, 11, 2)),
        ("2020-08-12", dt.date(2020, 8, 12)),
        ("1st March 2021", dt.date(2021, 3, 1)),
        ("March 2021", None),
        ("yesterday", None),
    ],
)
def test_absolute_dates(text, expected):
    assert parse_absolute_date(text) == expected


def test_trailing_date_split():
    assert split_trailing_date("Global Research, February 28, 2020") == ("Global Research", dt.date(2020, 2, 28))
    assert split_trailing_date("Zero Hedge 10 November 2019") == ("Zero Hedge", dt.date(2019, 11, 10))
    assert split_trailing_date("no date here") is None


def test_markup_stripping():
    assert strip_markup("a [State Department spokesman said](#).") == "a State Department spokesman said."
    assert strip_markup("Articles by: **[Paul Antonopoulos](#)**") == "Articles by: Paul Antonopoulos"
    assert strip_markup("an *emphasised* word and 2 * 3 * 4") == "an emphasised word and 2 * 3 * 4"
    assert strip_markup("![a photo](img.png) caption") == "a photo caption"
    assert strip_markup("*") == "*"


def test_language_is_null_when_unclear():
    assert detect_language("S-400 FK-3 CH-92A") is None
    assert detect_language("Srbija je kupila sistem i to je bila odluka koju su doneli u Beogradu, a ne u Vašingtonu, kao što je rekao ministar za odbranu koji je bio na sastanku.") == "sr"


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "the file is empty or holds only white space"),
        (b" \n\t\r\n", "the file is empty or holds only white space"),
        (b"caf\xe9 au lait\n", "not UTF-8 (byte 0xe9 at offset 3)"),
        (b"Region: Europe\nTheme: Military\n", "no body text is left"),
    ],
)
def test_bad_input_is_a_clear_error_not_a_crash(raw, message):
    with pytest.raises(InputError) as info:
        ingest("bad", raw)
    assert message in str(info.value)
    assert str(info.value).startswith("seeds/articles/bad.txt")


def test_bom_is_dropped():
    a = ingest("bom", "\ufeffHeadline Of A Test Article\n\nBody text of the article.\n".encode())
    assert a.title == "Headline Of A Test Article"


@pytest.mark.parametrize("bad_id", ["Has Caps", "../escape", "a/b", "", "-leading", "x" * 65])
def test_bad_ids_are_refused(bad_id):
    with pytest.raises(InputError) as info:
        ingest(bad_id, b"Some body text.\n")
    assert "is not a valid id" in str(info.value)
