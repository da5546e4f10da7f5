"""Date expressions in article text -> calendar dates.

Only absolute, fully specified dates live here for now (header lines such as "February 28, 2020",
"10 November 2019", "2020-08-12"); relative expressions resolved against a publication date come
with the events stage.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

ABSOLUTE_DATE_PATTERNS = [
    re.compile(rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}", re.IGNORECASE),  # February 28, 2020
    re.compile(rf"{_DAY}\s+{_MONTH},?\s+{_YEAR}", re.IGNORECASE),  # 10 November 2019
    re.compile(rf"{_YEAR}-(?P<month_num>[01]\d)-(?P<day>[0-3]\d)"),  # 2020-08-12
]

_TRAILING_DATE_PATTERNS = [
    re.compile(rf"(?P<head>.*?)[,\s]+(?:{p.pattern})\s*", p.flags) for p in ABSOLUTE_DATE_PATTERNS
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
