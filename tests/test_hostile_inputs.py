"""What a contributor writes, as it lands in what the builders publish (issue 27): the dataset
card escapes every value for where it lands, a cell OWASP counts as a spreadsheet formula is
refused (leading '-' too), labels are drawn as plain text, impossible provenance dates and ids that
Windows cannot check out are refused."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import make_repo, write_source

from builders.inputs.tree import scan_seeds
from builders.pipeline import build
from builders.publish.card import _figures, _picture_values
from builders.validate import validate_package

TEXT = b"Published: 1 June 2021\n\nMatthew Palmer visited Belgrade on Thursday.\n"
HOSTILE_RECORD = (
    b"url: 'https://example.org/a|b)[x](javascript:alert(1))<b>'\n"
    b"retrieved_date: 2021-06-02\n"
    b"licence_basis: quotation\n"
    b"publisher: '<script>alert(1)</script> [y](javascript:alert(2)) | z'\n"
    b"copyright: '<img src=x onerror=alert(1)>'\n"
    b"note: 'a `code` <i>note</i> [l](javascript:x)'\n"
)


@pytest.fixture(scope="module")
def hostile_card(tmp_path_factory) -> str:
    root = make_repo(tmp_path_factory.mktemp("card") / "repo")
    (root / "seeds" / "articles" / "hostile.txt").write_bytes(TEXT)
    write_source(root, "hostile", HOSTILE_RECORD)
    assert [str(p) for p in build(root) if p.severity == "error"] == []
    return (root / "datapackage" / "README.md").read_text(encoding="utf-8")


def test_the_card_escapes_html_and_markdown_from_source_records(hostile_card):
    assert "<script" not in hostile_card and "<img" not in hostile_card and "<i>" not in hostile_card
    assert not re.search(r"(?<!\\)\]\(\s*javascript:", hostile_card, re.IGNORECASE)  # no Markdown link to javascript:
    assert not re.search(r"<javascript:", hostile_card, re.IGNORECASE)
    row = next(line for line in hostile_card.splitlines() if line.startswith("| `hostile` |"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 9, row  # the table's own 9 bars: the url and publisher split no cell


def _package_with_edited_rows(built_repo: Path, tmp_path: Path, resource: str, edit) -> Path:
    """A copy of the built package whose `resource` CSV has its rows (header first) changed by
    `edit(rows)`, the descriptor's `bytes` following the file (its hash is left: the cells are checked)."""
    package = tmp_path / "pkg"
    package.mkdir()
    shutil.copy(built_repo / "datapackage.json", package)
    shutil.copytree(built_repo / "datapackage", package / "datapackage")
    path = package / "datapackage" / "csv" / f"{resource}.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    edit(rows)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(rows)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == resource)["bytes"] = path.stat().st_size
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    return package


def test_a_leading_minus_is_a_spreadsheet_formula(built_repo, tmp_path):
    def edit(rows):
        rows[1][rows[0].index("speaker_surface")] = "-2+3+cmd|' /C calc'!A0"

    package = _package_with_edited_rows(built_repo, tmp_path, "quotes", edit)
    problems = [str(p) for p in validate_package(package)]
    assert any(p.startswith("datapackage/csv/quotes.csv:2: speaker_surface: starts with '-'") for p in problems), problems


def test_labels_are_plain_text_not_mathtext(built_repo):
    tables = {name: pq.read_table(built_repo / "datapackage" / "parquet" / f"{name}.parquet") for name in ("actors", "events")}
    names, events = _picture_values(tables)
    drawn = {e.source_actor_id for e in events if e.source_actor_id}
    for actor_id in drawn:
        names[actor_id] = r"Price $\frac{1}{$ and $x^2$"  # unbalanced mathtext: a crash if parsed
    files = _figures(names, events)
    svg = next(iter(files.values())).decode("utf-8")
    assert "$x^2$" in svg  # drawn as the characters it is


def _reference_date_record(retrieved: str) -> bytes:
    return (f"url: https://example.org/a\nretrieved_date: {retrieved}\nlicence_basis: quotation\n"
            "published_date: 2021-06-01\n").encode()


@pytest.mark.parametrize("retrieved, says", [("9999-12-31", "in the future"), ("2021-05-31", "before the publication day")])
def test_impossible_retrieval_days_are_refused(tmp_path, retrieved, says):
    root = make_repo(tmp_path / "repo")
    (root / "seeds" / "articles" / "dated.txt").write_bytes(TEXT)
    write_source(root, "dated", _reference_date_record(retrieved))
    problems = [str(p) for p in build(root)]
    assert any(p.startswith("seeds/sources/dated.yaml") and "retrieved_date" in p and says in p for p in problems), problems


@pytest.mark.parametrize("when, says", [("future", "in the future"), ("before", "before the publication day")])
def test_validate_refuses_impossible_retrieval_days_in_a_package(built_repo, tmp_path, when, says):
    edited = []

    def edit(rows):
        published, retrieved = rows[0].index("published_date"), rows[0].index("retrieved_date")
        number, row = next((n, r) for n, r in enumerate(rows) if n and r[published])
        day = dt.date.fromisoformat(row[published])
        row[retrieved] = (dt.date.today() + dt.timedelta(days=400) if when == "future" else day - dt.timedelta(days=1)).isoformat()
        edited.append(number)

    package = _package_with_edited_rows(built_repo, tmp_path, "articles", edit)
    number = edited[0]
    problems = [str(p) for p in validate_package(package)]
    assert any(p.startswith(f"datapackage/csv/articles.csv:{number + 1}: retrieved_date") and says in p for p in problems), problems


@pytest.mark.parametrize("stem", ["con", "aux", "nul", "prn", "com1", "lpt9", "CON", "Com3"])
def test_ids_windows_reserves_are_refused(tmp_path, stem):
    root = make_repo(tmp_path / "repo")
    (root / "seeds" / "articles" / f"{stem}.txt").write_bytes(TEXT)
    write_source(root, stem.lower())
    problems = [str(p) for p in scan_seeds(root, ()).problems]
    assert any(p.startswith(f"seeds/articles/{stem}.txt") and "Windows" in p for p in problems), problems
