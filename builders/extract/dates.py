"""Date expressions in article text -> calendar dates.

Header dates (a line such as "February 28, 2020", "10 November 2019", "2020-08-12", "10-9-2023",
with their precision) and date expressions in running text, resolved to inclusive intervals
against the date the text was written ("on Tuesday", "last month", "from 2016 to March 2019").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from .lexicon import MONTH_NUMBERS, QUARTER_ORDINALS, WEEKDAYS

MONTHS = MONTH_NUMBERS  # name or abbreviation -> month number

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

ABSOLUTE_DATE_PATTERNS = [
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),  # February 28, 2020
    re.compile(rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}", re.IGNORECASE),  # 10 November 2019
    re.compile(rf"{_YEAR}-(?P<month_num>[01]\d)-(?P<day>[0-3]\d)"),  # 2020-08-12
]

# "(?<![,\s])[,\s]++": the separator is taken whole from its first character (a date never starts
# with "," or a space), not retried from every comma of a line of commas (quadratic time).
_TRAILING_DATE_PATTERNS = [
    re.compile(rf"(?P<head>.*?)(?<![,\s])[,\s]++(?:{p.pattern})\s*", p.flags) for p in ABSOLUTE_DATE_PATTERNS
]


def _to_date(match: re.Match) -> dt.date | None:
    groups = match.groupdict()
    month = MONTHS[groups["month"].lower()] if groups.get("month") else int(groups["month_num"])
    try:
        return dt.date(int(groups["year"]), month, int(groups["day"]))
    except ValueError:  # "February 30, 2020": a date that does not exist is no date
        return None


def parse_absolute_date(text: str) -> dt.date | None:
    """The date if `text` is exactly one fully specified date, else None."""
    text = text.strip()
    for pattern in ABSOLUTE_DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _to_date(match)
    return None


def split_trailing_date(text: str) -> tuple[str, dt.date] | None:
    """Split "Global Research, February 28, 2020" into ("Global Research", date), else None."""
    for pattern in _TRAILING_DATE_PATTERNS:
        match = pattern.fullmatch(text.strip())
        if match:
            date = _to_date(match)
            if date is not None:
                return match.group("head").strip(), date
    return None


# --- header dates: a date as a header line states it, with its precision -----------------------------

_ISO_PARTIAL = re.compile(r"(?P<year>(?:19|20)\d\d)(?:-(?P<month>[01]\d)(?:-(?P<day>[0-3]\d))?)?")
_MONTH_YEAR = re.compile(rf"{_MONTH},?\s+{_YEAR}", re.IGNORECASE)
_WEEKDAY_NAMES = frozenset(WEEKDAYS) | frozenset(w[:3] for w in WEEKDAYS)


def parse_iso_partial(text: str) -> tuple[dt.date, str] | None:
    """"2021-02-05" -> (that day, "day"); "2021-02" -> (2021-02-01, "month"); "2021" -> (2021-01-01, "year")."""
    match = _ISO_PARTIAL.fullmatch(text.strip())
    if match is None:
        return None
    year, month, day = match["year"], match["month"], match["day"]
    try:
        value = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return value, "day" if day else "month" if month else "year"


def strip_weekday(text: str) -> str:
    """"Thursday, 24 October 2013" -> "24 October 2013"; text without a leading weekday as it is."""
    head, sep, rest = text.strip().partition(" ")
    return rest.strip() if sep and head.rstrip(",.").lower() in _WEEKDAY_NAMES else text.strip()


def parse_header_date(text: str) -> tuple[dt.date, str] | None:
    """A date that is the whole of `text`, with its precision: a full date, optionally after a weekday
    ("Thursday, 24 October 2013") -> day; "March 2021" -> month; ISO "2021-02-05", "2021-02" or
    "2021" -> day, month or year; numbers ("10-9-2023", see `parse_numeric_date`). None for anything
    else. The date of a month or year is its first day."""
    text = strip_weekday(text)
    day = parse_absolute_date(text)
    if day is not None:
        return day, "day"
    match = _MONTH_YEAR.fullmatch(text)
    if match is not None:
        return dt.date(int(match["year"]), MONTHS[match["month"].lower()], 1), "month"
    return parse_iso_partial(text) or parse_numeric_date(text)


# "25-12-2023", "12/25/2023", "10.9.2023"; year first: "2023/9/10"
NUMERIC_DATE = r"(?:[0-3]?\d[-/.][0-3]?\d[-/.](?:19|20)\d\d|(?:19|20)\d\d[-/.][01]?\d[-/.][0-3]?\d)"  # mixed marks: no date
_DAY_FIRST = re.compile(r"(?P<a>[0-3]?\d)(?P<sep>[-/.])(?P<b>[0-3]?\d)(?P=sep)(?P<year>(?:19|20)\d\d)")
_YEAR_FIRST = re.compile(r"(?P<year>(?:19|20)\d\d)(?P<sep>[-/.])(?P<month>[01]?\d)(?P=sep)(?P<day>[0-3]?\d)")


def parse_numeric_date(text: str) -> tuple[dt.date, str] | None:
    """A date written in numbers, with its precision. Year first is year-month-day; with dots, day
    first ("10.9.2023", as Europe writes it); with dashes or slashes the order is what the numbers
    make unambiguous: the one over 12 is the day ("25-12-2023", "12/25/2023"), or both are the same.
    When either could be the month ("10-9-2023": 10 September or October 9) only the year is
    certain: its first day, precision year. None for anything else or a day that does not exist."""
    text = text.strip()
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
    elif match := _DAY_FIRST.fullmatch(text):
        a, b, year = int(match["a"]), int(match["b"]), int(match["year"])
        if match["sep"] == "." or a > 12 or a == b:
            day, month = a, b
        elif b > 12:
            day, month = b, a
        else:
            return dt.date(year, 1, 1), "year"
    else:
        return None
    try:
        return dt.date(year, month, day), "day"
    except ValueError:
        return None


_DAY_MONTH_PATTERNS = [re.compile(rf"{_MONTH}\s+{_DAY}", re.IGNORECASE), re.compile(rf"{_DAY}\s+(?:of\s+)?{_MONTH}", re.IGNORECASE)]


def parse_day_month(text: str) -> tuple[int, int] | None:
    """"March 5", "5 March", "Dec. 14" (the whole text) -> (month, day); else None."""
    for pattern in _DAY_MONTH_PATTERNS:
        if match := pattern.fullmatch(text.strip()):
            return MONTHS[match["month"].lower()], int(match["day"])
    return None


def day_within(month_day: tuple[int, int], start: dt.date, precision: str | None) -> dt.date | None:
    """The day of a day and month without a year ("March 5") inside a month or year known to be the
    date (`start` and `precision`, as a header states them); None when no such day lies in it."""
    if precision not in ("month", "year"):
        return None
    try:
        day = dt.date(start.year, *month_day)
    except ValueError:
        return None
    return day if start <= day <= period_end(start, precision) else None


def period_end(day: dt.date, precision: str) -> dt.date:
    """The last day of the period a header date stands for (the day itself, its month or its year)."""
    if precision == "month":
        return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    if precision == "year":
        return dt.date(day.year, 12, 31)
    return day


# --- date expressions in running text, resolved to intervals ---------------------------------------


@dataclass(frozen=True)
class DateInterval:
    start: dt.date | None
    end: dt.date | None
    precision: str  # day, week, month, quarter, year, unknown
    source: str  # text, publication, unknown


UNKNOWN = DateInterval(None, None, "unknown", "unknown")


def _month_interval(year: int, month: int) -> DateInterval:
    return DateInterval(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]), "month", "text")


def _year_interval(year: int) -> DateInterval:
    return DateInterval(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "text")


def _week_of(day: dt.date) -> tuple[dt.date, dt.date]:
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def _add_months(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _closest_year(month: int, day: int, anchor: dt.date, direction: str | None = None) -> dt.date | None:
    """A day and month without a year: the year that puts it closest to the anchor date, or, for
    an event the text puts in the past (future), the last (next) such day."""
    candidates = []
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    if direction == "past":
        candidates = [d for d in candidates if d <= anchor] or candidates
    elif direction == "future":
        candidates = [d for d in candidates if d >= anchor] or candidates
    return min(candidates, key=lambda d: (abs((d - anchor).days), d)) if candidates else None


def _recent_month(month: int, anchor: dt.date, strictly_before: bool = False) -> int:
    """Year of the most recent `month` at or before the anchor's month (strictly before if asked)."""
    if month < anchor.month or (month == anchor.month and not strictly_before):
        return anchor.year
    return anchor.year - 1


# Month names only with a capital ("may" the verb is no month); weekdays likewise.
_M = r"(?-i:(?P<month>" + "|".join(sorted((m.capitalize() for m in MONTHS), key=len, reverse=True)) + r"))\.?(?!\w)"
_WD = r"(?-i:(?P<weekday>" + "|".join(w.capitalize() for w in WEEKDAYS) + r"))"

# (pattern, resolver(match, anchor) -> DateInterval | None); anchor is None when the article has no date.
_EXPRESSIONS: list[tuple[re.Pattern, object, re.Pattern]] = []


# What a match of an expression always holds (a match of `_M` for the expressions with a month name,
# a digit, a word): a text without it is not searched for that expression. Most sentences have no
# month name, and a month-name expression searched from every position of a sentence is slow.
_MONTH, _WEEKDAY, _DIGIT = _M, _WD, r"\d"


def _expr(pattern: str, needs: str):
    def register(func):
        _EXPRESSIONS.append((re.compile(pattern, re.IGNORECASE), func, re.compile(needs, re.IGNORECASE)))
        return func
    return register


@_expr(rf"\b{_M}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b", _MONTH)
@_expr(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_M},?\s+(?P<year>(?:19|20)\d\d)\b", _MONTH)
def _full_date(m, anchor, direction=None):
    try:
        day = dt.date(int(m["year"]), MONTHS[m["month"].lower()], int(m["day"]))
    except ValueError:
        return None
    return DateInterval(day, day, "day", "text")


@_expr(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)\b", _DIGIT)
def _iso_date(m, anchor, direction=None):
    try:
        day = dt.date(int(m["year"]), int(m["mon"]), int(m["day"]))
    except ValueError:
        return None
    return DateInterval(day, day, "day", "text")


@_expr(r"\b(?P<day>[0-3]?\d)\.(?P<mon>[01]?\d)\.(?P<year>(?:19|20)\d\d)\b", _DIGIT)
@_expr(r"(?:^|(?<=\bon\s)|(?<=\bfrom\s)|(?<=\buntil\s)|(?<=\bsince\s)|(?<=\bby\s))(?P<day>[0-3]\d)\.(?P<mon>[01]\d)\b\.?(?![\d.])", _DIGIT)
def _dotted_date(m, anchor, direction=None):
    day, month = int(m["day"]), int(m["mon"])
    if not (1 <= month <= 12):
        return None
    if m.groupdict().get("year"):
        try:
            value = dt.date(int(m["year"]), month, day)
        except ValueError:
            return None
    elif anchor is None:
        return UNKNOWN
    else:
        value = _closest_year(month, day, anchor, direction)
        if value is None:
            return None
    return DateInterval(value, value, "day", "text")


@_expr(rf"\b{_M}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?!,?\s+(?:19|20)\d\d)(?!\d)", _MONTH)
@_expr(rf"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_M}(?!,?\s+(?:19|20)\d\d)", _MONTH)
def _day_month(m, anchor, direction=None):
    if anchor is None:
        return UNKNOWN
    value = _closest_year(MONTHS[m["month"].lower()], int(m["day"]), anchor, direction)
    return DateInterval(value, value, "day", "text") if value else None


@_expr(rf"\b(?:in\s+)?{_M}\s+last\s+year\b", _MONTH)
@_expr(rf"\blast\s+{_M}", _MONTH)
def _month_last_year(m, anchor, direction=None):
    if anchor is None:
        return UNKNOWN
    month = MONTHS[m["month"].lower()]
    if "year" in m.group(0).lower():
        return _month_interval(anchor.year - 1, month)
    return _month_interval(_recent_month(month, anchor, strictly_before=True), month)


@_expr(rf"\b{_M},?\s+(?P<year>(?:19|20)\d\d)\b", _MONTH)
def _month_year(m, anchor, direction=None):
    return _month_interval(int(m["year"]), MONTHS[m["month"].lower()])


@_expr(rf"\b(?:in|since|during|by|until|of)\s+{_M}(?!\s+\d)", _MONTH)
def _bare_month(m, anchor, direction=None):
    if anchor is None:
        return UNKNOWN
    month = MONTHS[m["month"].lower()]
    if direction == "future":
        return _month_interval(anchor.year if month >= anchor.month else anchor.year + 1, month)
    return _month_interval(_recent_month(month, anchor), month)


@_expr(r"\b(?:(?:the\s+)?(?P<ordinal>" + "|".join(QUARTER_ORDINALS) + r")\s+quarter\s+of|Q(?P<q>[1-4]))\s+(?P<year>(?:19|20)\d\d)\b", _DIGIT)
def _quarter(m, anchor, direction=None):
    q = int(m["q"]) if m["q"] else QUARTER_ORDINALS.index(m["ordinal"].lower()) + 1
    year = int(m["year"])
    end_month = q * 3
    return DateInterval(dt.date(year, end_month - 2, 1), dt.date(year, end_month, calendar.monthrange(year, end_month)[1]), "quarter", "text")


@_expr(r"\b(?:in|since|during|by|of)\s+(?P<year>(?:19|20)\d\d)\b(?!s)", _DIGIT)
def _year(m, anchor, direction=None):
    return _year_interval(int(m["year"]))


@_expr(r"\b(?P<rel>yesterday|today|tomorrow)\b", r"yesterday|today|tomorrow")
def _deictic_day(m, anchor, direction=None):
    if anchor is None:
        return UNKNOWN
    day = anchor + dt.timedelta(days={"yesterday": -1, "today": 0, "tomorrow": 1}[m["rel"].lower()])
    return DateInterval(day, day, "day", "text")


@_expr(rf"\b(?:(?P<which>last|next|this)\s+)?{_WD}\b", _WEEKDAY)
def _weekday(m, anchor, direction=None):
    if anchor is None:
        return UNKNOWN
    target = WEEKDAYS.index(m["weekday"].lower())
    which = (m["which"] or "").lower()
    if which == "next" or (not which and direction == "future"):  # "is due in Belgrade Friday"
        delta = (target - anchor.weekday()) % 7 or (7 if which else 0)
        day = anchor + dt.timedelta(days=delta)
    else:
        back = (anchor.weekday() - target) % 7
        if which == "last" and back == 0:
            back = 7
        day = anchor - dt.timedelta(days=back)
    return DateInterval(day, day, "day", "text")


@_expr(r"\b(?P<part>late|early|earlier|later)\s+(?:in\s+)?(?:the|this)\s+week\b|\b(?P<which>last|this|next)\s+week\b", r"week")
def _week(m, anchor, direction=None):
    if anchor is None:
        return UNKNOWN
    monday, sunday = _week_of(anchor)
    which = (m["which"] or "this").lower()
    if which == "last":
        monday, sunday = monday - dt.timedelta(days=7), sunday - dt.timedelta(days=7)
    elif which == "next":
        monday, sunday = monday + dt.timedelta(days=7), sunday + dt.timedelta(days=7)
    part = (m["part"] or "").lower()
    if part == "late":
        monday = monday + dt.timedelta(days=3)
    elif part == "early":
        sunday = monday + dt.timedelta(days=2)
    if part in ("earlier", "late", "") and which == "this" or part == "earlier":
        sunday = min(sunday, anchor)  # "earlier this week" has already happened
    return DateInterval(monday, sunday, "week", "text")


@_expr(r"\b(?P<which>last|this|next)\s+month\b", r"month")
def _relative_month(m, anchor, direction=None):
    if anchor is None:
        return UNKNOWN
    year, month = _add_months(anchor, {"last": -1, "this": 0, "next": 1}[m["which"].lower()])
    return _month_interval(year, month)


@_expr(r"\b(?P<part>earlier|later)\s+this\s+year\b|\b(?P<which>last|this|next)\s+year\b", r"year")
def _relative_year(m, anchor, direction=None):
    if anchor is None:
        return UNKNOWN
    if m["part"]:
        if m["part"].lower() == "earlier":
            return DateInterval(dt.date(anchor.year, 1, 1), anchor, "year", "text")
        return DateInterval(anchor, dt.date(anchor.year, 12, 31), "year", "text")
    return _year_interval(anchor.year + {"last": -1, "this": 0, "next": 1}[m["which"].lower()])


# --- spans: "from 2016 to March 2019", "between March and May 2020", "from 25 to 28 February" -----
_PRECISIONS = ("day", "week", "month", "quarter", "year")  # finest first
_MONTH_WORD = _M.replace("(?P<month>", "(?:")  # a month name, without a group name (a span has two)
_POINT_WITH_MONTH = (rf"(?:[0-3]?\d(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_WORD}(?:,?\s+(?:19|20)\d\d)?"
                     rf"|{_MONTH_WORD}(?:\s+[0-3]?\d(?:st|nd|rd|th)?(?!\d))?(?:,?\s+(?:19|20)\d\d)?)")
_POINT = rf"(?:{_POINT_WITH_MONTH}|(?:19|20)\d\d)"  # an end of a span: a month, a day and month, a year
_SPAN = (rf"\b(?:from\s+(?P<a>{_POINT}|[0-3]?\d)\s*(?:to|until|till|through|[-–])\s*"
         rf"|between\s+(?P<a2>{_POINT}|[0-3]?\d)\s*and\s*)(?P<b>{_POINT})(?![\w-])")


def _span_end(text: str, anchor: dt.date | None, direction: str | None) -> DateInterval | None:
    """One end of a span as an interval ("2016", "March 2019", "28 February"), or None."""
    found = find_dates(f"in {text}", anchor, direction)
    if len(found) != 1 or found[0][1] != len(text) + 3 or found[0][0] > 3:
        return None
    return found[0][2]


@_expr(_SPAN, r"from|between")
def _span(m, anchor, direction=None):
    """A span is one interval from the start of its first end to the end of its last, at the
    precision of the coarser end. A first end without a year takes the last end's ("from March to
    May 2019"; a day alone, "from 25 to 28 February", also its month)."""
    last = _span_end(m["b"], anchor, direction)
    if last is None or last.start is None:
        return last
    first_text = m["a"] or m["a2"]
    if first_text.isdigit() and len(first_text) <= 2:  # a day alone: of the last end's month
        if last.precision != "day":
            return None
        first_text = f"{first_text} {calendar.month_name[last.start.month]} {last.start.year}"
    elif not re.search(r"\d{4}", first_text) and re.search(r"\d{4}", m["b"]):
        first_text = f"{first_text} {last.start.year}"
    first = _span_end(first_text, anchor, direction)
    if first is None or first.start is None:
        return first
    if first.start > last.start and not re.search(r"\d{4}", m["a"] or m["a2"]):  # "from November to February 2020"
        first = _span_end(f"{m['a'] or m['a2']} {last.start.year - 1}", anchor, direction)
    if first is None or first.start is None or first.start > last.end:
        return None
    precision = max(first.precision, last.precision, key=_PRECISIONS.index)
    return DateInterval(first.start, last.end, precision, "text")


def find_dates(text: str, anchor: dt.date | None, direction: str | None = None) -> list[tuple[int, int, DateInterval]]:
    """Date expressions in `text` (longest first, no overlaps), each resolved against `anchor`,
    the date the text was written; relative expressions are unknown without it. `direction` ("past"
    or "future", from the tense of the clause) settles a day, month or weekday stated without a year."""
    found = []
    held: dict[re.Pattern, bool] = {}  # whether the text holds what an expression needs, searched once per need
    for pattern, resolve, needs in _EXPRESSIONS:
        if needs not in held:
            held[needs] = needs.search(text) is not None
        if not held[needs]:
            continue
        for m in pattern.finditer(text):
            interval = resolve(m, anchor, direction)
            if interval is not None:
                found.append((m.start(), m.end(), interval))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    out, last_end = [], -1
    for start, end, interval in found:
        if start >= last_end:
            out.append((start, end, interval))
            last_end = end
    return out


def resolve_date(expression: str, anchor: dt.date | None) -> DateInterval:
    """The interval of one date expression (the whole string), or UNKNOWN."""
    found = find_dates(expression, anchor)
    if len(found) == 1 and expression[: found[0][0]].strip(" ,").lower() in ("", "on", "in", "at", "since", "during", "by", "until", "of") and not expression[found[0][1]:].strip(" ,."):
        return found[0][2]
    return UNKNOWN
