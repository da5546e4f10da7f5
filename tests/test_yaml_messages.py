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


E = "events:\n  - event_type: purchase_weapons\n    source: serbia\n"

# name: (the file, the line expected: no parser jargon, the line of the mistake, how to fix it)
SYNTAX = {
    "colon inside a value": (
        E + "    summary: Serbia: buys the Pantsir\n",
        ":4: bad YAML: a colon inside a value (': ' after the key's own) — put the value in quotes, e.g. key: \"a: b\""),
    "a line indented deeper than its key": (
        E + "      modality: asserted\n",
        ":4: bad YAML: this line is indented deeper than the key above it (so it reads as part of that value) — "
        "indent it with as many spaces as the keys at its level"),
    "a key without its colon": (
        E + "    summary Serbia buys\n    modality: asserted\n",
        ":4: bad YAML: no ':' after the key on this line (or text that belongs to the value above it) — write key: value, "
        "or put a value that goes on over several lines in quotes"),
    "indentation shallower than its siblings": (
        E + "   modality: asserted\n",
        ":4: bad YAML: the indentation does not line up with the lines above — indent it with as many spaces as the keys "
        "(or list items) at its level"),
    "a list item out of line": (
        "events:\n  - event_type: a\n - event_type: b\n",
        ":3: bad YAML: the indentation does not line up with the lines above — indent it with as many spaces as the keys "
        "(or list items) at its level"),
    "a quotation mark not closed": (
        E + '    summary: "Serbia buys\n    modality: asserted\n',
        ":4: bad YAML: a quotation mark is not closed — close it at the end of the value (a value holding one kind of "
        "quotation mark goes in the other kind)"),
    "text after the closing quotation mark": (
        "summary: 'Serbia's arms'\n",
        ":1: bad YAML: text after a closing quotation mark (an apostrophe inside single quotes ends them) — put the whole "
        "value in the other kind of quotation marks, e.g. \"Serbia's arms\""),
    "a tab": (
        E + "\tmodality: asserted\n",
        ":4: bad YAML: a tab character — indent with spaces, not tabs"),
    "a list not closed": (
        "events:\n  - event_type: [\n",
        ":2: bad YAML: a '[' is not closed — end the list with ']', or write its items on lines starting with '- '"),
    "a list not closed before the next key": (
        "aliases: [a, b\nname: x\n",
        ":1: bad YAML: a '[' is not closed — end the list with ']', or write its items on lines starting with '- '"),
    "a mapping not closed": (
        "date: {start: 2021-01-01, precision: day\nx: 1\n",
        ":1: bad YAML: a '{' is not closed — end the mapping with '}', or write its keys on lines of their own"),
    "a value starting with @": (
        "note: a\nsummary: @embassy said so\n",
        ":2: bad YAML: a value cannot start with '@' — put the value in quotes"),
    "a value starting with *": (
        "summary: *important* news\n",
        ":1: bad YAML: a value cannot start with '*' — put the value in quotes"),
    "a backslash in double quotes": (
        'note: "see C:\\windows"\n',
        ":1: bad YAML: a backslash in double quotes starts an escape ('\\w' is none) — put the value in single quotes, "
        "or write \\\\ for a backslash"),
    "text after | or >": (
        "note: | some text\n",
        ":1: bad YAML: text after '|' or '>' on the key's line — start the text on the next line, indented, or put the "
        "value in quotes"),
    "a python tag": (
        "x: !!python/object/apply:os.system [echo]\n",
        ":1: bad YAML: the tag '!!python/object/apply:os.system' is not accepted — remove it, or put the value in quotes "
        "(values are plain text, numbers, dates, lists and mappings)"),
    "a value starting with !": (
        "note: a\nsummary: !` said so\n",
        ":2: bad YAML: a value cannot start with '!' — put the value in quotes"),
    "a line of three dots": (
        "note: and so on\n...\nsummary: x\n",
        ":3: bad YAML: a line of '...' or '---' ends the document, and more follows — remove that line, or put the value in quotes"),
    "two documents": (
        "events: []\n---\ncomplete: true\n",
        ":2: bad YAML: a second document after '---' — a file holds one: remove the '---' line"),
    "a control character": (
        "note: a\nsummary: bell\x07\n",
        ":2: bad YAML: a control character (U+0007) — remove it"),
}
JARGON = ("mapping values", "could not find expected", "block end", "<scalar>", "stream end", "simple key", "token",
          "constructor", "flow", "scalar", "expected", "found")


@pytest.mark.parametrize("name", sorted(SYNTAX))
def test_a_yaml_syntax_error_is_said_in_plain_words_with_its_line(name):
    text, expected = SYNTAX[name]
    curation, _, problems = parse_curation(CURATION, text.encode())
    assert curation is None
    assert _lines(problems) == [CURATION + expected]
    assert not any(word in problems[0].message for word in JARGON)


# An event that starts on line 2; each case breaks one key, and the line is that key's (or its value's).
EVENT_LINES = (
    "events:\n"
    "  - event_type: purchase_weapons\n"  # 2
    "    source: serbia\n"  # 3
    "    weapon: pantsir-s1\n"  # 4
    "    modality: asserted\n"  # 5
    "    evidence: Serbia bought the Pantsir system from Russia\n"  # 6
    "    summary: Serbia buys the Pantsir\n"  # 7
    "    date:\n"  # 8
    "      start: 2021-03-05\n"  # 9
    "      precision: day\n"  # 10
)
KEY_LINES = {
    "unknown key": (EVENT_LINES + "    weight: 3\n", ":11: events.0.weight: unknown key 'weight' — remove it or check its spelling"),
    "bad value": (EVENT_LINES.replace("modality: asserted", "modality: perhaps"),
                  ":5: events.0.modality: Input should be 'asserted', 'future', 'hypothetical', 'negated', 'intended' or 'reported'"),
    "bad value on the line below its key": (EVENT_LINES.replace("modality: asserted", "modality:\n      perhaps"),
                                            ":6: events.0.modality: Input should be 'asserted', 'future', 'hypothetical', 'negated', 'intended' or 'reported'"),
    "nested unknown key": (EVENT_LINES + "      sorce: text\n",
                           ":11: events.0.date.sorce: unknown key 'sorce' (did you mean 'source'?) — remove it or check its spelling"),
    "nested bad value": (EVENT_LINES.replace("precision: day", "precision: fortnight"),
                         ":10: events.0.date.precision: Input should be 'day', 'week', 'month', 'quarter', 'year' or 'unknown'"),
    "nested bad date": (EVENT_LINES.replace("start: 2021-03-05", "start: 05/03/2021"),
                        ":9: events.0.date.start: '05/03/2021' is not a date — write it as YYYY-MM-DD, e.g. 2021-03-05"),
    "second event": (EVENT_LINES + "  - event_type: purchase_weapons\n    modality: asserted\n    summary: again\n"
                                   "    evidence: Serbia bought the Pantsir system from Russia\n    source: Serbia\n",
                     ":15: events.1.source: String should match pattern '^[a-z0-9][a-z0-9_-]{0,63}$'"),
    "missing key: the event's line": (EVENT_LINES.replace("    summary: Serbia buys the Pantsir\n", ""),
                                      ":2: events.0.summary: required key is missing — add it"),
    "top-level key": ("complete: perhaps\n" + EVENT_LINES,
                      ":1: complete: Input should be a valid boolean, unable to interpret input"),
}


@pytest.mark.parametrize("name", sorted(KEY_LINES))
def test_a_curation_error_is_reported_at_the_line_of_its_key(name):
    text, expected = KEY_LINES[name]
    curation, _, problems = parse_curation(CURATION, text.encode())
    assert curation is None
    assert _lines(problems) == [CURATION + expected]


def test_a_source_record_error_is_reported_at_the_line_of_its_value():
    record = b"# yaml-language-server: $schema=../../schema/source-record.schema.json\nurl:\n  javascript:alert(1)\nretrieved_date: 2022-05-04\nlicence_basis: quotation\n"
    assert _lines(parse_source(SOURCE, record)[1]) == [f"{SOURCE}:3: url: String should match pattern '^https?://\\S+$'"]


def test_the_lines_of_a_curation_file_locate_every_key():
    """What extract/events.py reports an unknown actor or evidence at: the line of that key's value."""
    second = "  - event_type: x\n    modality: asserted\n    evidence:\n      Serbia bought\n    summary: again\n    source: nobody\n"
    curation, lines, problems = parse_curation(CURATION, (EVENT_LINES + second).encode())
    assert problems == [] and len(curation.events) == 2
    assert [lines(("events", 0, key)) for key in ("event_type", "source", "weapon", "evidence")] == [2, 3, 4, 6]
    assert (lines(("events", 1)), lines(("events", 1, "evidence")), lines(("events", 1, "source"))) == (11, 14, 16)
    assert lines(("events", 1, "evidence"), key=True) == 13
    assert parse_curation(CURATION, None)[1](("events", 0, "source")) is None
