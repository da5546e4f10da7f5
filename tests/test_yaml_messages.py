"""What the YAML readers (`builders/inputs/yamlfile.py` and the source, curation and reference
files read through it) say about a bad file: one line each, with the file and the line, in plain
words and with how to fix it."""

from __future__ import annotations

import pytest

from builders.inputs.curation import parse_curation
from builders.inputs.sources import parse_source

SOURCE = "seeds/sources/own.yaml"
CURATION = "seeds/curation/own.yaml"


def _source(retrieved: str) -> bytes:
    return f"url: https://example.org/a\nretrieved_date: {retrieved}\nlicence_basis: quotation\n".encode()


def _curation(start: str) -> bytes:
    return ("events:\n  - event_type: purchase_weapons\n    source: serbia\n    modality: asserted\n"
            "    evidence: Serbia bought the Pantsir system from Russia\n    summary: Serbia buys the Pantsir\n"
            f"    date:\n      start: {start}\n      precision: day\n").encode()


def _lines(problems) -> list[str]:
    return [str(problem) for problem in problems]


# a date as written -> what the line says after "is not a date"
BAD_DATES = {
    "05/03/2021": "'05/03/2021' is not a date",
    "5 March 2021": "'5 March 2021' is not a date",
    "2021/03/05": "'2021/03/05' is not a date",
    "'20210305'": "'20210305' is not a date",
    "2021-13-01": "'2021-13-01' is not a date (month must be in 1..12)",
    "2021-02-30": "'2021-02-30' is not a date (day is out of range for month)",
}
HINT = " — write it as YYYY-MM-DD, e.g. 2021-03-05"


@pytest.mark.parametrize("written", sorted(BAD_DATES))
def test_a_bad_date_in_a_source_record_says_the_expected_form(written):
    record, problems = parse_source(SOURCE, _source(written))
    assert record is None
    assert _lines(problems) == [f"{SOURCE}:2: retrieved_date: {BAD_DATES[written]}{HINT}"]


@pytest.mark.parametrize("written", sorted(BAD_DATES))
def test_a_bad_date_in_a_curation_file_says_the_expected_form(written):
    curation, _, problems = parse_curation(CURATION, _curation(written))
    assert curation is None
    assert [(p.path, p.field, p.message) for p in problems] == [(CURATION, "events.0.date.start", BAD_DATES[written] + HINT)]


def test_a_good_date_is_read():
    record, problems = parse_source(SOURCE, _source("2021-03-05"))
    assert problems == [] and str(record.retrieved_date) == "2021-03-05"
