"""`diff OLD NEW`: ids added and removed, changed rows with their changed columns, columns renamed,
exit 0 (equal) / 1 (different) / 2 (no package), JSON, capped listings, safe in a pipe."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, make_repo, run_cli, write_source

from builders.pipeline import build
from builders.schema.models import Event
from builders.validate.diff import DiffError, diff


@pytest.fixture(scope="module")
def changed_repo(tmp_path_factory) -> Path:
    """The seeds with one article's title reworded and one new article, built."""
    root = make_repo(tmp_path_factory.mktemp("changed") / "repo")
    seed = root / "seeds" / "articles" / "003_f7aad1218264870f.txt"
    seed.write_bytes(seed.read_bytes().replace(b"RFE reports", b"RFE says"))
    (root / "seeds" / "articles" / "new-one.txt").write_bytes(b"Published: 1 June 2021\n\nMatthew Palmer visited Belgrade on Thursday.\n")
    write_source(root, "new-one")
    assert build(root) == []
    return root


def copy_package(source: Path, target: Path) -> Path:
    target.mkdir(parents=True)
    shutil.copy2(source / "datapackage.json", target)
    shutil.copytree(source / "datapackage", target / "datapackage")
    return target


def rewrite(package: Path, rel: str, data: bytes) -> None:
    """A resource file edited, with the size its descriptor declares (diff refuses a file larger
    than declared without reading it: issue 27)."""
    (package / rel).write_bytes(data)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["path"] == rel)["bytes"] = len(data)
    (package / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def test_diff_lists_added_ids_and_changed_fields(built_repo, changed_repo):
    changes = {c.name: c for c in diff(built_repo, changed_repo)}
    articles = changes["articles"]
    assert (articles.status, articles.rows_old, articles.rows_new) == ("changed", 5, 6)
    assert articles.added == ("new-one",) and articles.removed == ()
    assert articles.changed == (("003_f7aad1218264870f", ("title", "source_sha256")),)
    assert (changes["events"].n_added, changes["events"].n_removed, changes["events"].n_changed) == (1, 0, 0)
    assert changes["events"].added == ("new-one-e3htmnn",)
    assert changes["event_types"].status == "unchanged"
    assert list(changes) == ["articles", "actors", "actor_mentions", "quotes", "events", "event_types", "weapon_systems",
                             "weapon_system_mentions"]


def test_diff_command_prints_ids_and_exits_1_when_packages_differ(built_repo, changed_repo):
    result = run_cli(changed_repo, "diff", str(built_repo), str(changed_repo))
    assert result.returncode == 1 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[:3] == ["| resource | added | removed | changed |", "|---|---|---|---|", "| articles | 1 | 0 | 1 |"]
    start = lines.index("articles: 5 → 6 rows")
    assert lines[start:start + 4] == ["articles: 5 → 6 rows", "  added (1): new-one", "  changed (1):",
                                      "    003_f7aad1218264870f: title, source_sha256"]
    assert "event_types:" not in result.stdout  # unchanged resources only in the table


def test_equal_packages_exit_0(built_repo, tmp_path):
    copy = copy_package(built_repo, tmp_path / "copy")
    result = run_cli(built_repo, "diff", str(built_repo), str(copy))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[-1] == "no differences"
    as_json = run_cli(built_repo, "diff", "--json", str(built_repo), str(copy))
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["equal"] is True


def test_json_report(built_repo, changed_repo):
    result = run_cli(changed_repo, "diff", str(built_repo), str(changed_repo), "--json")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["equal"] is False and report["old"] == str(built_repo)
    articles = next(r for r in report["resources"] if r["name"] == "articles")
    assert articles == {
        "name": "articles", "status": "changed", "rows_old": 5, "rows_new": 6, "n_added": 1, "n_removed": 0, "n_changed": 1,
        "added": ["new-one"], "removed": [], "changed": [{"id": "003_f7aad1218264870f", "fields": ["title", "source_sha256"]}],
        "columns_added": [], "columns_removed": [],
    }


def test_long_listings_are_capped_with_the_count_of_the_rest(built_repo, tmp_path):
    new = copy_package(built_repo, tmp_path / "new")
    quotes = new / "datapackage" / "csv" / "quotes.csv"
    data = quotes.read_bytes()
    assert data.count(b'"direct"') > 3
    rewrite(new, "datapackage/csv/quotes.csv", data.replace(b'"direct"', b'"partial"'))
    direct = data.count(b'"direct"')
    capped = [c for c in diff(built_repo, new, limit=2) if c.name == "quotes"][0]
    assert capped.n_changed == direct and len(capped.changed) == 2 and capped.changed[0][1] == ("kind",)
    assert len([c for c in diff(built_repo, new, limit=None) if c.name == "quotes"][0].changed) == direct
    result = run_cli(built_repo, "diff", str(built_repo), str(new), "--limit", "2")
    lines = result.stdout.splitlines()
    start = lines.index("  changed (%d):" % direct)
    assert lines[start + 3] == f"    … and {direct - 2} more"


def test_a_renamed_column_and_a_new_resource(built_repo, tmp_path):
    """Packages of two schema versions compare: each is read by its own descriptor."""
    old = copy_package(built_repo, tmp_path / "old")
    offset = Event.spans[0][0]  # an offset column, by the model's name for it
    descriptor = json.loads((old / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] != "weapon_system_mentions"]
    (old / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    events = old / "datapackage" / "csv" / "events.csv"
    header, _, rest = events.read_bytes().partition(b"\r\n")
    assert f",{offset},".encode() in header
    rewrite(old, "datapackage/csv/events.csv", header.replace(f",{offset},".encode(), b",offset_before,") + b"\r\n" + rest)
    changes = {c.name: c for c in diff(old, built_repo)}
    assert (changes["events"].columns_added, changes["events"].columns_removed) == ((offset,), ("offset_before",))
    assert changes["events"].n_changed == 0 and changes["events"].status == "changed"
    assert (changes["weapon_system_mentions"].status, changes["weapon_system_mentions"].n_added) == ("added", 30)
    result = run_cli(built_repo, "diff", str(old), str(built_repo))
    assert f"  columns added: {offset}" in result.stdout.splitlines() and result.returncode == 1
    assert "weapon_system_mentions: 0 → 30 rows (a new resource)" in result.stdout.splitlines()


def test_folders_that_are_no_package_are_one_line_and_exit_2(built_repo, tmp_path):
    (tmp_path / "empty").mkdir()
    broken = copy_package(built_repo, tmp_path / "broken")
    (broken / "datapackage.json").write_text("{not json", encoding="utf-8")
    repeated = copy_package(built_repo, tmp_path / "repeated")
    quotes = repeated / "datapackage" / "csv" / "quotes.csv"
    lines = quotes.read_bytes().split(b"\r\n")
    rewrite(repeated, "datapackage/csv/quotes.csv", b"\r\n".join(lines[:2] + lines[1:]))
    how = "give the folder of a published package (the one holding datapackage.json)"
    expected = {
        tmp_path / "missing": f"{tmp_path / 'missing'}: no such folder — {how}",
        tmp_path / "empty": f"{tmp_path / 'empty'}: not a data package (no datapackage.json in it) — {how}",
        broken: f"{broken / 'datapackage.json'}: cannot be read as JSON (Expecting property name enclosed in double quotes: "
                "line 1 column 2 (char 1)) — restore it, or build the package again",
        repeated: f"{quotes}: the primary key of 'quotes' repeats '000_7318cba5f0ad2b4c-q1nww3o' — rows cannot be matched; "
                  "check the package with python -m builders validate",
    }
    for folder, message in expected.items():
        result = run_cli(built_repo, "diff", str(built_repo), str(folder))
        assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")
        with pytest.raises(DiffError):
            diff(folder, built_repo)


def test_the_descriptor_itself_may_be_given(built_repo):
    assert all(c.status == "unchanged" for c in diff(built_repo / "datapackage.json", built_repo))


def test_a_closed_pipe_is_no_error(built_repo, changed_repo):
    """`diff … | head -1`: the reader goes before the output is written; no traceback, and the
    exit code still says whether the packages differ."""
    process = subprocess.Popen([sys.executable, "-m", "builders", "diff", str(built_repo), str(changed_repo), "--limit", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    process.stdout.close()  # before the command has written anything (it is still importing)
    stderr = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=120) == 1
    assert stderr == ""
    piped = subprocess.run(f"'{sys.executable}' -m builders diff '{built_repo}' '{changed_repo}' | head -1", shell=True,
                           capture_output=True, text=True, cwd=REPO)
    assert (piped.stdout, piped.stderr) == ("| resource | added | removed | changed |\n", "")
