"""Articles in shapes the seeds do not have (written for these tests) build with correct nulls."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from builders.extract.dates import parse_absolute_date, parse_header_date, period_end, split_trailing_date
from builders.extract.ingest import detect_language, ingest, strip_markup
from builders.problems import InputError
from builders.schema.models import Article

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


# --- shapes of real-world article metadata (texts written for these tests) --------------------------


def _meta(article) -> dict:
    precision = article.published_date_precision
    return dict(title=article.title, authors=article.authors, publisher=article.publisher,
                original_publisher=article.original_publisher, published_date=article.published_date,
                published_date_precision=precision.value if precision else None,
                original_published_date=article.original_published_date)


def _raw(text: str):
    return ingest("x", text.encode())


def test_reprint_source_line_byline_excerpt_marker_and_placeholder_date():
    a = _fixture("reprint-radar-2022")
    assert _meta(a) == dict(
        title="Serbia Signs For Chinese Radar Batteries, Ministry Confirms",  # " (excerpt)" is no part of it
        authors=["Milica Stojanović", "Peter Grant"],  # the byline after the source line
        publisher=None,
        original_publisher="Balkan Defence Monitor",  # "(Source: …; published Nov 3, 2022)"
        published_date=None,  # "date 2015-01-01" is before the original's date: a placeholder
        published_date_precision=None,
        original_published_date=dt.date(2022, 11, 3),
    )
    assert a.text.startswith("BELGRADE --- Serbia's defence ministry confirmed")
    assert a.text.endswith("Washington was studying the agreement.")  # "(end of excerpt)-ends-" removed
    assert "(Source" not in a.text and "excerpt" not in a.text and "-ends-" not in a.text


def test_reprint_header_lines_without_blank_lines_between_them():
    a = _fixture("reprint-helicopters-2021")
    assert (a.title, a.authors) == ("Montenegro Weighs Offer of Used Russian Helicopters", ["Ivan Marković", "Sara Lind", "Tom Beck"])
    assert (a.original_publisher, a.original_published_date, a.publisher) == ("Adriatic Courier", dt.date(2021, 3, 2), None)
    assert a.text.startswith("Montenegro's government is considering")
    assert a.text.endswith("has not been discussed with the alliance.")


def test_date_only_first_line_headline_under_it_and_closing_wire_credit():
    a = _fixture("blog-credit-2016")
    assert _meta(a) == dict(
        title="Ankara revisits air defence tender after allied objections",  # a headline may follow a date line
        authors=["Jane Whitfield"],  # from "Jane Whitfield, Reuters via Eurasia Desk Digest http://…"
        publisher=None,  # neither the weekday nor the blog the text came through
        original_publisher="Reuters",
        published_date=dt.date(2016, 4, 12),  # "Tuesday, 12 April 2016"
        published_date_precision="day",
        original_published_date=None,
    )
    assert a.text.endswith("the system's fit with allied networks.")  # the credit line is no body text
    assert "Whitfield" not in a.text and "Tuesday, 12 April" not in a.text


def test_closing_line_that_is_no_credit_stays_body():
    for last in ("Jane Doe, Belgrade", "(Darko Vojinovic/AP)", "Aleksandar Vucic, Serbia's president via video link",
                 "Talks resume on Friday, officials said."):
        a = _raw(f"The minister said on Monday that the talks were over.\n\n{last}\n")
        assert (a.authors, a.publisher, a.original_publisher) == ([], None, None), last
        assert a.text.endswith(last), last


def test_wire_dateline_names_publisher_agency_and_date():
    a = _fixture("wire-dateline-2020")
    assert (a.publisher, a.original_publisher, a.published_date) == ("Balkan Wire News", "Xinhua", dt.date(2020, 3, 4))
    assert a.published_date_precision == "day"
    assert a.text.startswith("SKOPJE (Balkan Wire News / Xinhua - 4th March, 2020) - North Macedonia")  # kept in the text


def test_agency_dateline_is_the_publisher_when_the_text_names_no_other():
    a = _fixture("agency-dateline-2024")
    assert (a.publisher, a.original_publisher, a.published_date, a.authors) == ("BTA", None, dt.date(2024, 5, 16), [])
    reuters = _raw("Greek navy tests new radar\n\nDefence Digest, June 4, 2023\n\n"
                   "ATHENS, June 3 (Reuters) - The Greek navy tested a new radar off Crete, the ministry said.\n")
    assert (reuters.publisher, reuters.original_publisher, reuters.published_date) == ("Defence Digest", "Reuters", dt.date(2023, 6, 4))
    ap = _raw("WASHINGTON (AP) — The State Department warned Serbia on Monday against new arms deals.\n")
    assert (ap.publisher, ap.published_date) == ("Associated Press", None)  # the agency's name; no day without a year


@pytest.mark.parametrize("opening", [
    "NATO (North Atlantic Treaty Organization) - the alliance said on Monday it would respond.",  # an acronym spelled out
    "US/NATO/EU officials said on Monday that the talks would go on.",
    "Belgrade (the capital) - officials said on Monday that the talks would go on.",  # no dateline city in capitals
])
def test_openings_that_are_no_wire_datelines(opening):
    a = _raw(opening + "\n")
    assert (a.publisher, a.original_publisher) == (None, None)


def test_photo_credits_are_never_authors_or_publisher():
    a = _fixture("photo-credits-2023")
    assert (a.title, a.authors, a.publisher, a.original_publisher) == ("Serbia displays Chinese drones at Batajnica parade", [], None, None)
    assert a.text.startswith("Serbia displayed six Chinese-made armed drones")  # the credit lines are dropped
    assert "Photo" not in a.text and "Ilić" not in a.text


@pytest.mark.parametrize("byline, authors, publisher", [
    ("By BalkanWatch", [], "BalkanWatch"),  # one word: no person's name
    ("By Associated Press", [], "Associated Press"),  # a news agency
    ("By Reuters Staff", [], "Reuters"),
    ("By Sofia Daily News", [], "Sofia Daily News"),  # a name ending in an outlet word
    ("By Staff", [], None),  # a job word alone names nobody
    ("By Some Outlet", ["Some Outlet"], None),  # person-shaped: kept as written
    ("By Ana Horvat, Reuters", ["Ana Horvat"], "Reuters"),
    ("By Ursula von der Leyen", ["Ursula von der Leyen"], None),
])
def test_outlet_byline_is_the_publisher_not_an_author(byline, authors, publisher):
    a = _raw(f"date 2019-06-20 {byline}\n\nSerbia could face sanctions, a diplomat said on Wednesday.\n")
    assert (a.authors, a.publisher) == (authors, publisher)


def test_outlet_byline_beside_a_named_publisher_is_the_original_publisher():
    a = _raw("Headline About Serbian Arms Deals\n\nBy Reuters\n\nGlobal Research, February 28, 2020\n\n"
             "Serbia could face sanctions, a diplomat said on Wednesday.\n")
    assert (a.authors, a.publisher, a.original_publisher) == ([], "Global Research", "Reuters")


def test_a_clause_starting_with_by_is_body_not_a_byline():
    a = _raw("By then, the deal had collapsed.\n\nOfficials said on Monday that talks were over.\n")
    assert (a.authors, a.publisher) == ([], None)
    assert a.text.startswith("By then, the deal had collapsed.")


def test_from_line_names_the_publisher():
    a = _raw("Kosovo police seize drone parts at border crossing\nFrom: Exit News\n"
             "Kosovo police said on Sunday they had seized drone parts at a border crossing.\n")
    assert (a.title, a.publisher, a.authors) == ("Kosovo police seize drone parts at border crossing", "Exit News", [])
    assert a.text.startswith("Kosovo police said on Sunday")


def test_headline_repeated_with_a_trailing_date_is_the_date_not_a_publisher():
    a = _raw("Philippines drops Russian helicopter order\n\nPhilippines drops Russian helicopter order 21 January, 2022\n\n"
             "The Philippines has cancelled an order for heavy-lift helicopters, officials said.\n")
    assert (a.title, a.publisher, a.published_date) == ("Philippines drops Russian helicopter order", None, dt.date(2022, 1, 21))
    assert a.text.startswith("The Philippines has cancelled")


def test_a_line_that_is_only_a_date_is_the_published_date():
    a = _raw("24 October 2013\n\nUS raises missile concerns with Ankara\n\nThe United States is concerned, its envoy said.\n")
    assert (a.published_date, a.publisher, a.title) == (dt.date(2013, 10, 24), None, "US raises missile concerns with Ankara")


@pytest.mark.parametrize("header, date, precision", [
    ("date 2021-07", dt.date(2021, 7, 1), "month"),  # a month-only marker: the first day, precision month
    ("date 2021-07-19", dt.date(2021, 7, 19), "day"),
    ("Published: March 2021", dt.date(2021, 3, 1), "month"),
    ("Published: Thursday, 24 October 2013", dt.date(2013, 10, 24), "day"),
    ("Published: 2019", dt.date(2019, 1, 1), "year"),
    ("date 2021-13", None, None),  # no such month
])
def test_published_date_keeps_its_precision(header, date, precision):
    a = _raw(f"{header}\n\nThe ministry said on Monday that the deal was done.\n")
    assert (a.published_date, a.published_date_precision) == (date, precision)
    assert a.text == "The ministry said on Monday that the deal was done."


def test_a_publication_before_the_original_publication_is_dropped_but_a_month_holding_it_is_kept():
    before = _raw("date 2016-01-01\n(Source: Wire Service; published Sept 20, 2018)\nBody text of the reprint, as sent.\n")
    assert (before.published_date, before.published_date_precision, before.original_published_date) == (None, None, dt.date(2018, 9, 20))
    same_month = _raw("date 2018-09\n(Source: Wire Service; published Sept 20, 2018)\nBody text of the reprint, as sent.\n")
    assert (same_month.published_date, same_month.published_date_precision) == (dt.date(2018, 9, 1), "month")


@pytest.mark.parametrize("text, expected", [
    ("Thursday, 24 October 2013", (dt.date(2013, 10, 24), "day")),
    ("Thu 24 Oct 2013", (dt.date(2013, 10, 24), "day")),
    ("March 2021", (dt.date(2021, 3, 1), "month")),
    ("2021-02", (dt.date(2021, 2, 1), "month")),
    ("2021", (dt.date(2021, 1, 1), "year")),
    ("2021-02-30", None),
    ("Monday", None),
    ("Global Research, February 28, 2020", None),
])
def test_header_dates_with_precision(text, expected):
    assert parse_header_date(text) == expected


def test_period_end():
    assert period_end(dt.date(2020, 2, 1), "month") == dt.date(2020, 2, 29)
    assert period_end(dt.date(2020, 1, 1), "year") == dt.date(2020, 12, 31)
    assert period_end(dt.date(2020, 2, 5), "day") == dt.date(2020, 2, 5)


def test_article_model_states_the_precision_honestly():
    base = dict(article_id="t", text="x", word_count=1, source_sha256="0" * 64, licence_basis="quotation")
    assert Article(**base, published_date=dt.date(2020, 2, 5)).published_date_precision == "day"  # a date alone is a day
    assert Article(**base).published_date_precision is None
    with pytest.raises(ValueError, match="first day"):
        Article(**base, published_date=dt.date(2020, 2, 5), published_date_precision="month")
    with pytest.raises(ValueError, match="null exactly when"):
        Article(**base, published_date_precision="year")


def test_header_rules_stay_fast_on_long_lines():
    import time

    lines = [
        "(Source: " + "Outlet " * 40000 + "; published",
        "BELGRADE, " + "x" * 200000 + " (Reuters) -",
        "SOFIA, May 16. /" + "A" * 200000,
        "By " + "Name " * 40000,
        "Jane Doe, " + "Reuters " * 40000 + " via",
        "Headline " * 40000 + "(excerpt)",
    ]
    started = time.perf_counter()
    for line in lines:
        ingest("long", (line + "\n\nA body line.\n" + line + "\n").encode())
    assert time.perf_counter() - started < 5


# --- article metadata from agency and site furniture (issue 25; texts written for these tests) --------


@pytest.mark.parametrize("credit, original", [
    ("Source: RT", "RT"),
    ("Source - Xinhua", "Xinhua"),
    ("(Courtesy of Harbour Gazette)", "Harbour Gazette"),
    ("via Reuters", "Reuters"),
    ("Headlines via Reuters", "Reuters"),
    ("Source: Danube Weekly https://example.org/story", "Danube Weekly"),
])
def test_a_repost_credit_line_names_the_original_publisher(credit, original):
    a = _raw(f"Hungary orders French radars\n\nThe ministry said on Monday it had ordered six radars.\n\n{credit}\n")
    assert (a.publisher, a.original_publisher, a.authors) == (None, original, [])
    assert a.text == "The ministry said on Monday it had ordered six radars."  # the credit is no body text


@pytest.mark.parametrize("last", [
    "Source: Ministry of Defence of Hungary",  # where a figure comes from, not an outlet
    "Photo via Reuters",
    "Talks went on via video link",
    "Ana Horvat via Danube Blog",  # a person's credit without an agency
])
def test_lines_like_repost_credits_that_are_none_stay_body(last):
    a = _raw(f"The ministry said on Monday it had ordered six radars.\n\n{last}\n")
    assert (a.publisher, a.original_publisher) == (None, None), last
    assert a.text.endswith(last)


@pytest.mark.parametrize("headline", ["Drones via China", "Source-Code Leak Hits Ministry", "Sources: Drones Delayed Again"])
def test_headlines_shaped_like_repost_credits_stay_headlines(headline):
    a = _raw(f"{headline}\n\nThe ministry said on Monday it had ordered six radars.\n")
    assert (a.title, a.original_publisher) == (headline, None)


def test_a_repost_credit_at_the_top_and_a_named_publisher():
    top = _raw("Source - Xinhua\n\nHungary orders French radars\n\nThe ministry said on Monday it had ordered six radars.\n")
    assert (top.original_publisher, top.publisher) == ("Xinhua", None)
    same = _raw("By Danube Weekly\n\nThe ministry said on Monday it had ordered six radars.\n\nSource: Danube Weekly\n")
    assert (same.publisher, same.original_publisher) == (None, "Danube Weekly")  # read once: no publisher twice


@pytest.mark.parametrize("text, publisher", [
    ("KESTREL-PRESS  The Hungarian government has ordered six radars, the ministry said.\n", "Kestrel-Press"),
    ("XINHUA - The Hungarian government has ordered six radars, the ministry said.\n", "Xinhua"),
    ("BTA: The Bulgarian government has ordered six radars, the ministry said.\n", "BTA"),
    ("The Hungarian government has ordered six radars, the ministry said.\n\nKESTREL-PRESS - Hungarian business news agency\n",
     "Kestrel-Press"),
    ("KESTREL-PRESS - Hungarian business news agency\n\nRadar order\n\nThe Hungarian government has ordered six radars.\n",
     "Kestrel-Press"),
])
def test_an_agency_tag_or_sign_off_names_the_publisher(text, publisher):
    a = _raw(text)
    assert (a.publisher, a.original_publisher, a.authors) == (publisher, None, [])
    assert "news agency" not in a.text  # a sign-off line is no body text; a tag opening the lede stays


@pytest.mark.parametrize("opening", [
    "AFP The Hungarian government has ordered six radars.",  # an acronym before a capital: maybe a sentence's subject
    "NATO The alliance said on Monday it would respond.",
    "BUDAPEST The Hungarian government has ordered six radars.",
    "NATO - North Atlantic Treaty Organization",
])
def test_capitals_opening_the_text_that_are_no_agency(opening):
    a = _raw(f"{opening}\n\nThe ministry did not name the price.\n")
    assert (a.publisher, a.original_publisher) == (None, None), opening


@pytest.mark.parametrize("post, date, authors", [
    ("Jun 3, 2022. Posted by radarwatcher", dt.date(2022, 6, 3), []),  # who posted it is no author
    ("Posted by radarwatcher on 3 June 2022", dt.date(2022, 6, 3), []),
    ("Posted on June 3, 2022 by radarwatcher", dt.date(2022, 6, 3), []),
    ("13/06/2022 | Written by Ana Horvat", dt.date(2022, 6, 13), ["Ana Horvat"]),  # 13 can only be the day
    ("Updated: 2022-06-03", dt.date(2022, 6, 3), []),
])
def test_a_blog_post_line_gives_the_published_date(post, date, authors):
    a = _raw(f"Hungary orders French radars\n\n{post}\n\nThe ministry said on Monday it had ordered six radars.\n")
    assert (a.title, a.published_date, a.authors, a.publisher) == ("Hungary orders French radars", date, authors, None)
    assert a.text == "The ministry said on Monday it had ordered six radars."


def test_a_site_header_is_the_publisher_not_the_title():
    above = _raw("Published by Danube Weekly\nHungary orders French radars\n\nThe ministry said on Monday it had ordered radars.\n")
    assert (above.title, above.publisher) == ("Hungary orders French radars", "Danube Weekly")
    below = _raw("Hungary orders French radars\nPublished by Danube Weekly on June 3, 2022\n\nThe ministry said it had ordered radars.\n")
    assert (below.title, below.publisher, below.published_date) == ("Hungary orders French radars", "Danube Weekly", dt.date(2022, 6, 3))
    person = _raw("Published by Ana Horvat\n\nThe ministry said on Monday it had ordered radars.\n")
    assert (person.title, person.publisher, person.authors) == (None, None, [])  # a person publishing names no outlet
    written = _raw("Hungary orders French radars\nWritten by Ana Horvat\n\nThe ministry said on Monday it had ordered radars.\n")
    assert (written.title, written.authors, written.publisher) == ("Hungary orders French radars", ["Ana Horvat"], None)


@pytest.mark.parametrize("credit, authors", [
    ("(Reporting by Ana Horvat and Tom Beck; Writing by Sam Ode; Editing by Jane Roe)", ["Ana Horvat", "Tom Beck", "Sam Ode"]),
    ("(Reporting by Ana Horvat and Tom BeckEditing by Jane Roe)", ["Ana Horvat", "Tom Beck"]),  # a role run into a name
    ("(Reporting by Ana Horvat in Budapest and Tom Beck in Vienna; Additional reporting by Lee Park; Editing by Jane Roe)",
     ["Ana Horvat", "Tom Beck", "Lee Park"]),
    ("Reporting by Ana Horvat; Editing by Jane Roe", ["Ana Horvat"]),  # unbracketed, two roles
    ("(Editing by Jane Roe)", []),  # editors are no authors
])
def test_a_wire_credit_line_gives_reporters_and_writers_as_authors(credit, authors):
    a = _raw(f"BUDAPEST (Reuters) - The ministry said on Monday it had ordered six radars.\n{credit}\n")
    assert (a.authors, a.publisher) == (authors, "Reuters")
    assert a.text == "BUDAPEST (Reuters) - The ministry said on Monday it had ordered six radars."


def test_a_wire_credit_ending_the_last_paragraph_and_a_byline_first():
    end = _raw("The ministry said on Monday it had ordered radars.\nThe price was not named. (Reporting by Ana Horvat; Editing by Jane Roe)\n")
    assert end.authors == ["Ana Horvat"]
    assert end.text.endswith("The price was not named.")
    byline = _raw("By Tom Beck\n\nThe ministry said on Monday it had ordered radars.\n(Reporting by Ana Horvat)\n")
    assert byline.authors == ["Tom Beck"]  # the byline wins; the credit is still no body text
    assert byline.text == "The ministry said on Monday it had ordered radars."
    prose = _raw("The ministry said on Monday it had ordered radars.\nReporting by state media suggested a delay, editing by none.\n")
    assert prose.authors == [] and prose.text.endswith("editing by none.")
    aside = _raw("The ministry said on Monday it had ordered radars.\nThey are on a list of suppliers (compiled by the ministry)\n")
    assert aside.authors == [] and aside.text.endswith("(compiled by the ministry)")


@pytest.mark.parametrize("text, publisher, date, precision", [
    ("ANKARA/WASHINGTON, Dec 14 (Reuters) - The United States imposed sanctions on Turkey.\n", "Reuters", None, None),
    ("Washington, April 28 (Reuters) - Blinken warned allies on Wednesday.\n", "Reuters", None, None),
    ("MOSCOW, March 5, 2021 (Reuters) - Russia said on Friday it would deliver the jets.\n", "Reuters", dt.date(2021, 3, 5), "day"),
    # a day and month settle the day of a month or year the header states
    ("date 2020-12\nANKARA, Dec 14 (Reuters) - The United States imposed sanctions on Turkey.\n", "Reuters", dt.date(2020, 12, 14), "day"),
    ("Published: 2020\nSOFIA, May 16. /BTA/. Bulgaria signed the deal.\n", "BTA", dt.date(2020, 5, 16), "day"),
    ("date 2020-11\nANKARA, Dec 14 (Reuters) - The United States imposed sanctions on Turkey.\n", "Reuters", dt.date(2020, 11, 1), "month"),
])
def test_wire_datelines_give_the_agency_and_a_day(text, publisher, date, precision):
    a = _raw(text)
    assert (a.publisher, a.published_date, _meta(a)["published_date_precision"]) == (publisher, date, precision)


@pytest.mark.parametrize("opening, date, precision", [
    ("25-12-2023 (HANOI) Vietnam has taken delivery of two patrol boats.", dt.date(2023, 12, 25), "day"),  # 25 is the day
    ("12/25/2023 - Vietnam has taken delivery of two patrol boats.", dt.date(2023, 12, 25), "day"),  # month first
    ("10.9.2023 Vietnam has taken delivery of two patrol boats.", dt.date(2023, 9, 10), "day"),  # dots: day first
    ("9-9-2023 (HANOI) Vietnam has taken delivery of two patrol boats.", dt.date(2023, 9, 9), "day"),
    ("10-9-2023 (HANOI) Vietnam has taken delivery of two patrol boats.", dt.date(2023, 1, 1), "year"),  # either order: the year
    ("2023/9/10 Vietnam has taken delivery of two patrol boats.", dt.date(2023, 9, 10), "day"),
    ("31-02-2023 (HANOI) Vietnam has taken delivery of two patrol boats.", None, None),  # no such day
    ("10-9-2023 patrol boats were delivered.", None, None),  # no dateline: a lower-case word follows
])
def test_a_date_in_numbers_opening_the_text_is_the_published_date(opening, date, precision):
    a = _raw(opening + "\n")
    assert (a.published_date, _meta(a)["published_date_precision"]) == (date, precision)
    assert a.text == opening  # kept in the text, as a dateline is


def test_a_bare_agency_dateline_after_a_photo_caption_names_the_agency():
    a = _raw("Hungary orders French radars\n\nFILE - In this photo, a radar stands near Budapest, March 4, 2021.\n\n"
             "BUDAPEST (AP) — The ministry said on Monday it had ordered radars.\n\nThe price was not named.\n")
    assert (a.publisher, a.original_publisher, a.published_date) == ("Associated Press", None, None)
    far = _raw("One.\n\nTwo.\n\nThree.\n\nBUDAPEST (AP) — The ministry said on Monday it had ordered radars.\n")
    assert far.publisher is None  # a dateline opens one of the first lines, not any paragraph


@pytest.mark.parametrize("lead_in, bullets, title", [
    ("Trade ministry spokesman", "  • says talks on the radar deal went on\n  • says \"we will decide soon\"", None),
    ("Hungary orders French radars", "- Budapest picks the French offer\n- The price was not disclosed", "Hungary orders French radars"),
])
def test_a_bullet_lead_in_is_not_a_title(lead_in, bullets, title):
    a = _raw(f"{lead_in}\n\n{bullets}\n")
    assert a.title == title
    # the text opens with the first bullet's words: a bullet mark opening the text is layout (and a formula start)
    assert a.text.startswith(lead_in if title is None else bullets.split("\n")[0].lstrip(" -•"))


def test_a_dated_line_below_a_caption_is_the_published_date():
    a = _raw("A radar stands near the ministry building in Budapest.\n\nMarch 4, 2021\n\nThe ministry said on Monday it had ordered radars.\n")
    assert (a.published_date, a.title) == (dt.date(2021, 3, 4), None)
    assert a.text == "A radar stands near the ministry building in Budapest.\n\nThe ministry said on Monday it had ordered radars."
    posted = _raw("The ministry said on Monday it had ordered radars.\n\nPosted on March 4, 2021 by radarwatcher\n")
    assert posted.published_date == dt.date(2021, 3, 4) and posted.text == "The ministry said on Monday it had ordered radars."
    lower = _raw("One.\n\nTwo.\n\nThree.\n\nMarch 4, 2021\n\nThe ministry said it had ordered radars.\n")
    assert lower.published_date is None and "March 4, 2021" in lower.text  # lower down it may head a part of the story


def test_furniture_rules_stay_fast_on_long_lines():
    import time

    n = 8000  # the texts stay under what the language layer parses
    lines = ["(Reporting by " + "Ana Horvat and " * n + "Tom Beck)", "ReportingEditing by " * n, "Source: " + "Outlet " * n,
             "Headlines via " + "Reuters " * n, "OREANDA-NEWS " * n, "KESTREL " + "- news agency " * n,
             "Mar 4, 2021. " * n + "Posted by admin", "Posted by " + "admin on " * n, "10-9-2023 " * n]
    started = time.perf_counter()
    for line in lines:
        ingest("long", (line + "\n\nA body line.\n" + line + "\n").encode())
    assert time.perf_counter() - started < 5
