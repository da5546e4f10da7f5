"""The date resolver, table-driven: absolute dates, dates relative to the publication date, unknowns."""

from __future__ import annotations

import datetime as dt

import pytest

from builders.extract.dates import day_within, find_dates, parse_day_month, parse_numeric_date, resolve_date

D = dt.date
FRI = D(2020, 2, 28)  # a Friday: publication date of seed 000
SUN = D(2019, 11, 10)  # a Sunday: original publication of seed 001

CASES = [
    # expression, anchor, start, end, precision
    ("February 28, 2020", FRI, D(2020, 2, 28), D(2020, 2, 28), "day"),
    ("28 February 2020", None, D(2020, 2, 28), D(2020, 2, 28), "day"),
    ("10 November 2019", None, D(2019, 11, 10), D(2019, 11, 10), "day"),
    ("2020-08-12", None, D(2020, 8, 12), D(2020, 8, 12), "day"),
    ("25.02.2020", None, D(2020, 2, 25), D(2020, 2, 25), "day"),
    ("25.02", FRI, D(2020, 2, 25), D(2020, 2, 25), "day"),
    ("on 25.02", FRI, D(2020, 2, 25), D(2020, 2, 25), "day"),
    ("Nov. 2", SUN, D(2019, 11, 2), D(2019, 11, 2), "day"),
    ("Nov. 2", FRI, D(2019, 11, 2), D(2019, 11, 2), "day"),  # closest year to the publication
    ("on August 12", D(2020, 8, 14), D(2020, 8, 12), D(2020, 8, 12), "day"),
    ("on February 25", FRI, D(2020, 2, 25), D(2020, 2, 25), "day"),
    ("March 3", FRI, D(2020, 3, 3), D(2020, 3, 3), "day"),
    ("December 30", D(2020, 1, 2), D(2019, 12, 30), D(2019, 12, 30), "day"),  # across the new year
    ("on Tuesday", FRI, D(2020, 2, 25), D(2020, 2, 25), "day"),
    ("Wednesday", SUN, D(2019, 11, 6), D(2019, 11, 6), "day"),
    ("Friday", FRI, D(2020, 2, 28), D(2020, 2, 28), "day"),  # the publication day itself
    ("last Friday", FRI, D(2020, 2, 21), D(2020, 2, 21), "day"),
    ("next Tuesday", FRI, D(2020, 3, 3), D(2020, 3, 3), "day"),
    ("yesterday", FRI, D(2020, 2, 27), D(2020, 2, 27), "day"),
    ("today", FRI, D(2020, 2, 28), D(2020, 2, 28), "day"),
    ("tomorrow", FRI, D(2020, 2, 29), D(2020, 2, 29), "day"),
    ("last week", FRI, D(2020, 2, 17), D(2020, 2, 23), "week"),
    ("this week", SUN, D(2019, 11, 4), D(2019, 11, 10), "week"),
    ("earlier this week", FRI, D(2020, 2, 24), D(2020, 2, 28), "week"),
    ("next week", FRI, D(2020, 3, 2), D(2020, 3, 8), "week"),
    ("late in the week", SUN, D(2019, 11, 7), D(2019, 11, 10), "week"),
    ("last month", FRI, D(2020, 1, 1), D(2020, 1, 31), "month"),
    ("last month", D(2020, 1, 15), D(2019, 12, 1), D(2019, 12, 31), "month"),
    ("next month", FRI, D(2020, 3, 1), D(2020, 3, 31), "month"),
    ("this month", FRI, D(2020, 2, 1), D(2020, 2, 29), "month"),
    ("in November last year", FRI, D(2019, 11, 1), D(2019, 11, 30), "month"),
    ("last November", FRI, D(2019, 11, 1), D(2019, 11, 30), "month"),
    ("in November", FRI, D(2019, 11, 1), D(2019, 11, 30), "month"),
    ("in February", FRI, D(2020, 2, 1), D(2020, 2, 29), "month"),
    ("November 2019", None, D(2019, 11, 1), D(2019, 11, 30), "month"),
    ("in March 2021", None, D(2021, 3, 1), D(2021, 3, 31), "month"),
    ("Q1 2020", None, D(2020, 1, 1), D(2020, 3, 31), "quarter"),
    ("the third quarter of 2019", None, D(2019, 7, 1), D(2019, 9, 30), "quarter"),
    ("in 1999", None, D(1999, 1, 1), D(1999, 12, 31), "year"),
    ("last year", FRI, D(2019, 1, 1), D(2019, 12, 31), "year"),
    ("next year", FRI, D(2021, 1, 1), D(2021, 12, 31), "year"),
    ("earlier this year", FRI, D(2020, 1, 1), D(2020, 2, 28), "year"),
    ("later this year", FRI, D(2020, 2, 28), D(2020, 12, 31), "year"),
    # spans: one interval, at the precision of the coarser end
    ("from 2016 to March 2019", None, D(2016, 1, 1), D(2019, 3, 31), "year"),
    ("between 2016 and 2019", None, D(2016, 1, 1), D(2019, 12, 31), "year"),
    ("from 2016-2019", None, D(2016, 1, 1), D(2019, 12, 31), "year"),
    ("from November 2019 until January 2020", None, D(2019, 11, 1), D(2020, 1, 31), "month"),
    ("from March to May 2019", None, D(2019, 3, 1), D(2019, 5, 31), "month"),  # the first end takes the last end's year
    ("from November to February 2020", None, D(2019, 11, 1), D(2020, 2, 29), "month"),  # across the new year
    ("from 25 to 28 February 2020", None, D(2020, 2, 25), D(2020, 2, 28), "day"),  # a day alone takes the month too
    ("from 3 March 2019 through 2020", None, D(2019, 3, 3), D(2020, 12, 31), "year"),
    ("between 3 and 5 March", FRI, D(2020, 3, 3), D(2020, 3, 5), "day"),
]


@pytest.mark.parametrize("expression, anchor, start, end, precision", CASES, ids=[f"{c[0]}@{c[1]}" for c in CASES])
def test_resolves(expression, anchor, start, end, precision):
    interval = resolve_date(expression, anchor)
    assert (interval.start, interval.end, interval.precision, interval.source) == (start, end, precision, "text")


UNKNOWN_CASES = [
    ("on Tuesday", None),  # relative, and the article has no date: unknown, not guessed
    ("last week", None),
    ("next month", None),
    ("in November last year", None),
    ("Nov. 2", None),
    ("earlier this year", None),
    ("February 30, 2020", FRI),  # no such day
    ("in the 1990s", FRI),  # a decade is not a precision we have
    ("may purchase", FRI),  # the verb, not the month
    ("3.5 billion", FRI),  # a number, not a date
    ("soon", FRI),
    ("from March to May", None),  # a span of relative ends without a date to resolve them
    ("from 5 to 10 percent", FRI),  # numbers, not days
    ("from 2019 to 2016", None),  # an end before the start
]


@pytest.mark.parametrize("expression, anchor", UNKNOWN_CASES, ids=[f"{c[0]}@{c[1]}" for c in UNKNOWN_CASES])
def test_unknown(expression, anchor):
    interval = resolve_date(expression, anchor)
    assert (interval.start, interval.end, interval.precision, interval.source) == (None, None, "unknown", "unknown")


def test_finds_expressions_in_running_text():
    text = "In November last year, Thomas Zarzecki arrived in Belgrade on Tuesday and met officials on February 25."
    found = [(text[s:e], i.start, i.precision) for s, e, i in find_dates(text, FRI)]
    assert found == [
        ("In November last year", D(2019, 11, 1), "month"),
        ("Tuesday", D(2020, 2, 25), "day"),
        ("February 25", D(2020, 2, 25), "day"),
    ]


def test_a_span_in_running_text_is_one_expression_not_its_end():
    text = "Ankara bought the systems from 2016 to March 2019, the ministry said."
    assert [(text[s:e], i.start, i.end, i.precision) for s, e, i in find_dates(text, None)] == [
        ("from 2016 to March 2019", D(2016, 1, 1), D(2019, 3, 31), "year")]


@pytest.mark.parametrize("text, expected", [
    ("25-12-2023", (D(2023, 12, 25), "day")),  # the number over 12 is the day
    ("12/25/2023", (D(2023, 12, 25), "day")),
    ("9-9-2023", (D(2023, 9, 9), "day")),  # both orders give the same day
    ("10.9.2023", (D(2023, 9, 10), "day")),  # dots: day first
    ("2023/9/10", (D(2023, 9, 10), "day")),  # year first: year, month, day
    ("10-9-2023", (D(2023, 1, 1), "year")),  # 10 September or October 9: only the year is certain
    ("31-02-2023", None),
    ("10-9/2023", None),  # mixed marks
    ("10-9-23", None),
])
def test_dates_in_numbers(text, expected):
    assert parse_numeric_date(text) == expected


def test_a_day_and_month_inside_a_stated_month_or_year():
    assert parse_day_month("Dec 14") == (12, 14) and parse_day_month("5th of May") == (5, 5)
    assert parse_day_month("March 2021") is None and parse_day_month("Monday") is None
    assert day_within((12, 14), D(2020, 12, 1), "month") == D(2020, 12, 14)
    assert day_within((12, 14), D(2020, 1, 1), "year") == D(2020, 12, 14)
    assert day_within((12, 14), D(2020, 11, 1), "month") is None  # not in that month
    assert day_within((2, 30), D(2020, 1, 1), "year") is None
    assert day_within((12, 14), D(2020, 12, 10), "day") is None  # a day is already known
