"""Every bad input a contributor can send: a clear one-line message, never a crash, and the
previously published package left byte for byte as it was."""

from __future__ import annotations

import json
import time

import pytest
from conftest import run_cli, snapshot, write_source

from builders.inputs.tree import ARTICLE_ID

A = "seeds/articles"
C = "seeds/curation"
R = "seeds/reference"
S = "seeds/sources"
BODY = b"Serbia bought the Pantsir system from Russia, the ministry said on Monday.\n"
EVENT = (
    "events:\n  - event_type: purchase_weapons\n    source: serbia\n    weapon: pantsir-s1\n"
    "    modality: asserted\n    evidence: Serbia bought the Pantsir system from Russia\n    summary: Serbia buys the Pantsir\n"
)

# name: (files to add, the exact line expected on stderr)
ERRORS = {
    "empty file": ({f"{A}/empty.txt": b""},
                   "seeds/articles/empty.txt: text: the file is empty or holds only white space — add the article's text"),
    "whitespace only": ({f"{A}/blank.txt": b" \n\t \r\n\n"},
                        "seeds/articles/blank.txt: text: the file is empty or holds only white space — add the article's text"),
    "binary bytes": ({f"{A}/binary.txt": b"GIF89a\x01\x00\x00\x00\xff"},
                     "seeds/articles/binary.txt:1: binary data (a NUL byte at offset 7) — save the article as plain UTF-8 text"),
    "windows-1252": ({f"{A}/cp1252.txt": "Vučić said \u201cno\u201d.\n".encode("utf-8").replace("\u201c".encode(), b"\x93")},
                     "seeds/articles/cp1252.txt:1: not UTF-8 (byte 0x93 at offset 13) — re-save the file as UTF-8"),
    "latin-1": ({f"{A}/latin1.txt": "Line one.\nCaf\u00e9 owners in Belgrade said so.\n".encode("latin-1")},
                "seeds/articles/latin1.txt:2: not UTF-8 (byte 0xe9 at offset 13) — re-save the file as UTF-8"),
    "control character": ({f"{A}/control.txt": b"Serbia said\x1b[31m no.\n"},
                          "seeds/articles/control.txt:1: control character U+001B in the text — save the article as plain UTF-8 text"),
    "id with spaces": ({f"{A}/my article.txt": BODY},
                       "seeds/articles/my article.txt: article_id: 'my article' is not a valid id (lower-case letters, digits, '_' or '-', at most 56 characters, starting with a letter or digit) — rename the file"),
    "id with capitals": ({f"{A}/Serbia-News.txt": BODY},
                         "seeds/articles/Serbia-News.txt: article_id: ids are lower-case — rename it to seeds/articles/serbia-news.txt"),
    "id with dots": ({f"{A}/a..b.txt": BODY},
                     "seeds/articles/a..b.txt: article_id: 'a..b' is not a valid id (lower-case letters, digits, '_' or '-', at most 56 characters, starting with a letter or digit) — rename the file"),
    "ids differing in case": ({f"{A}/own-news.txt": BODY, f"{A}/Own-news.txt": BODY},
                              "seeds/articles/Own-news.txt: article_id: id differs only in case from seeds/articles/own-news.txt — ids are lower-case; remove one of the two"),
    "curation: bad YAML": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": b"events:\n  - event_type: [\n"},
                           "seeds/curation/own.yaml:2: bad YAML: a '[' is not closed — end the list with ']', or write its items on lines starting with '- '"),
    "curation: unknown key": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": (EVENT + "    weight: 3\n").encode()},
                              "seeds/curation/own.yaml:8: events.0.weight: unknown key 'weight' — remove it or check its spelling"),
    "curation: misspelt key": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": (EVENT + "    sumary: x\n").encode()},
                               "seeds/curation/own.yaml:8: events.0.sumary: unknown key 'sumary' (did you mean 'summary'?) — remove it or check its spelling"),
    "curation: impossible date": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": (EVENT + "    date: {start: 2021-02-30, precision: day}\n").encode()},
                                  "seeds/curation/own.yaml:8: events.0.date.start: '2021-02-30' is not a date (day is out of range for month) — write it as YYYY-MM-DD, e.g. 2021-03-05"),
    "curation: YAML alias": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": b"events: &e [1]\ncomplete: *e\n"},
                             "seeds/curation/own.yaml:2: YAML alias *e — aliases are not accepted: write the value out in full"),
    "curation: wrong type": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": EVENT.replace("asserted", "[1, 2]").encode()},
                             "seeds/curation/own.yaml:5: events.0.modality: Input should be 'asserted', 'future', 'hypothetical', 'negated', 'intended' or 'reported'"),
    "curation: unknown actor": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": EVENT.replace("source: serbia", "source: atlantis").encode()},
                                "seeds/curation/own.yaml:3: events.0.source: unknown actor 'atlantis' — use an actor id from seeds/reference/actors.yaml or one found in this article"),
    "curation: misspelt actor": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": EVENT.replace("source: serbia", "source: serbai").encode()},
                                 "seeds/curation/own.yaml:3: events.0.source: unknown actor 'serbai' (did you mean 'serbia'?) — use an actor id from seeds/reference/actors.yaml or one found in this article"),
    "curation: evidence not in text": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": EVENT.replace("bought the", "sold the").encode()},
                                       "seeds/curation/own.yaml:6: events.0.evidence: the evidence text does not occur in the article's clean text — copy it exactly from articles.text"),
    "curation: offset outside the text": ({f"{A}/own.txt": BODY, f"{C}/own.yaml": (EVENT + "    occurrence: 2\n").encode()},
                                          "seeds/curation/own.yaml:6: events.0.evidence: the evidence text does not occur in the article's clean text — copy it exactly from articles.text"),
    "curation: path traversal id": ({f"{C}/..%2f..%2fetc.yaml": b"events: []\n"},
                                    ("seeds/curation/..%2f..%2fetc.yaml: article_id: '..%2f..%2fetc' is not a valid id (lower-case letters, digits, '_' or '-', "
                                    "at most 56 characters, starting with a letter or digit) — rename the file")),
    "reference: alias clash": ({f"{R}/actors.yaml": None},
                               "seeds/reference/actors.yaml: aliases: 'Belgrade' names both 'serbia' and 'belgrade-city' — keep it on one entry only"),
    "spreadsheet formula": ({f"{A}/formula.txt": b"=HYPERLINK(\"http://example.org\",\"click\") is what the headline said.\n\nSerbia bought arms.\n"},
                            "datapackage/csv/articles.csv:7: text: starts with '=', which a spreadsheet would run as a formula — change the source so that this value does not start with =, +, -, @, tab or CR"),
}


def _apply(root, files):
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if rel.startswith(f"{A}/") and rel.endswith(".txt") and ARTICLE_ID.fullmatch(path.stem) and f"{S}/{path.stem}.yaml" not in files:
            write_source(root, path.stem)  # every article needs one; the cases here are about the article
        if data is None:  # append an entry that clashes with an existing alias
            path.write_text(path.read_text(encoding="utf-8") + "\n- id: belgrade-city\n  name: Belgrade\n  type: other\n", encoding="utf-8")
        else:
            path.write_bytes(data)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_bad_input_is_refused_with_one_clear_line(name, fresh_repo):
    files, line = ERRORS[name]
    before = snapshot(fresh_repo)
    _apply(fresh_repo, files)
    result = run_cli(fresh_repo, "build")
    assert result.returncode == 1, result.stdout
    assert line in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(fresh_repo) == before
    assert not list(fresh_repo.glob(".build-*"))


REPAIRS = {
    "UTF-8 byte-order mark": (b"\xef\xbb\xbf" + BODY,
                              "seeds/articles/repaired.txt:1: warning: UTF-8 byte-order mark removed from the text (the raw file is kept as it is)"),
    "CRLF line ends": (b"Headline about Serbian arms\r\n\r\n" + BODY.replace(b"\n", b"\r\n"),
                       "seeds/articles/repaired.txt:1: warning: CR/CRLF line ends read as LF (the raw file is kept as it is)"),
}


@pytest.mark.parametrize("name", sorted(REPAIRS))
def test_repairs_are_recorded_as_warnings(name, fresh_repo):
    raw, line = REPAIRS[name]
    (fresh_repo / A / "repaired.txt").write_bytes(raw)
    write_source(fresh_repo, "repaired")
    result = run_cli(fresh_repo, "build")
    assert result.returncode == 0, result.stderr
    assert line in result.stderr.splitlines()
    assert (fresh_repo / A / "repaired.txt").read_bytes() == raw  # the raw file is never rewritten
    assert run_cli(fresh_repo, "validate").returncode == 0


def test_a_50_mb_article_is_refused_unread_in_bounded_time(fresh_repo):
    before = snapshot(fresh_repo)
    with open(fresh_repo / A / "huge.txt", "wb") as handle:
        handle.write(BODY * (50 * 1024 * 1024 // len(BODY)))
    started = time.perf_counter()
    result = run_cli(fresh_repo, "build")
    elapsed = time.perf_counter() - started
    assert result.returncode == 1
    assert "seeds/articles/huge.txt: 52.4 MB is over the 2 MB limit for one article — split it, or check that it is an article" in result.stderr
    assert snapshot(fresh_repo) == before
    print(f"\n50 MB article refused in {elapsed:.2f} s")


def test_all_problems_reported_in_one_run_and_as_json(fresh_repo):
    _apply(fresh_repo, {f"{A}/empty.txt": b"", f"{A}/Bad.txt": BODY, f"{C}/nothing.yaml": b"events: []\n"})
    result = run_cli(fresh_repo, "build", "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    assert sorted(p["path"] for p in report["problems"]) == ["seeds/articles/Bad.txt", "seeds/articles/empty.txt", "seeds/curation/nothing.yaml"]
    assert set(report["problems"][0]) == {"path", "line", "field", "message", "severity"}


def test_hand_edited_csv_is_reported_and_a_build_repairs_it(fresh_repo):
    path = fresh_repo / "datapackage" / "csv" / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"Matthew Palmer", b"Mathew Palmer", 1))
    result = run_cli(fresh_repo, "validate")
    assert result.returncode == 1
    assert "datapackage/csv/actors.csv: stale: differs from a fresh build of seeds/ — run python -m builders build" in result.stderr.splitlines()
    assert run_cli(fresh_repo, "build").returncode == 0
    assert run_cli(fresh_repo, "validate").returncode == 0
