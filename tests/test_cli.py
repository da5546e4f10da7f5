"""The console command `serbia-arms-pressure` (beside `python -m builders`): help with examples,
--root before or after the subcommand, and `bump` (the version in pyproject.toml only, a
CHANGELOG heading dated only when asked)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO

from builders import cli
from builders.publish.version import changelog_with_heading, next_version

SCRIPT = Path(sys.executable).with_name("serbia-arms-pressure")
CURRENT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def project(tmp_path) -> Path:
    """A folder with copies of the repository's pyproject.toml and CHANGELOG.md."""
    for name in ("pyproject.toml", "CHANGELOG.md"):
        shutil.copy2(REPO / name, tmp_path / name)
    return tmp_path


def test_the_console_script_is_declared_and_installed():
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"serbia-arms-pressure": "builders.cli:main"}
    result = run("--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: serbia-arms-pressure [-h] [--root ROOT]")
    assert "{build,validate,release,diff,score,bump,add,review}" in result.stdout
    assert "examples:\n  serbia-arms-pressure build " in result.stdout
    assert "  serbia-arms-pressure diff ../old-checkout ." in result.stdout
    module = subprocess.run([sys.executable, "-m", "builders", "diff", "--help"], capture_output=True, text=True, cwd=REPO)
    assert module.stdout.startswith("usage: python -m builders diff") and "examples:\n  python -m builders diff" in module.stdout


@pytest.mark.parametrize("command", [[str(SCRIPT)], [sys.executable, "-m", "builders"]], ids=["script", "module"])
def test_help_speaks_to_users_not_developers(command):
    """--help says what the program does and how to run it (examples, exit codes), not the
    developer notes of cli.py's docstring."""
    result = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stderr
    prog = "serbia-arms-pressure" if command == [str(SCRIPT)] else "python -m builders"
    description = result.stdout.split("\n\n", 2)[1]  # between the usage and the arguments
    assert description.startswith("Build, check and release the dataset of news articles about US pressure on Serbia")
    assert "--help" in description  # where to read more: each command's own help
    for note in ("Command line:", "console script", "[project.scripts]", "knows about terminals", "returns values and problems"):
        assert note not in result.stdout
    assert all(line.strip() not in result.stdout for line in (cli.__doc__ or "").splitlines() if line.strip())
    assert f"examples:\n  {prog} build " in result.stdout
    assert "exit codes: 0 done" in result.stdout


def test_root_goes_before_or_after_the_subcommand(project, tmp_path_factory):
    parser = cli._parser()
    assert parser.parse_args(["--root", "a", "validate"]).root == Path("a")
    assert parser.parse_args(["validate", "--root", "b"]).root == Path("b")
    assert parser.parse_args(["validate"]).root == Path(".")
    elsewhere = tmp_path_factory.mktemp("cwd")  # a folder without pyproject.toml: only --root finds the project
    before = run("--root", str(project), "bump", "patch", cwd=elsewhere)
    after = run("bump", "patch", "--root", str(project), cwd=elsewhere)
    assert (before.returncode, after.returncode) == (0, 0), before.stderr + after.stderr
    major, minor, patch = map(int, CURRENT.split("."))
    assert tomllib.loads((project / "pyproject.toml").read_text())["project"]["version"] == f"{major}.{minor}.{patch + 2}"


def test_bump_sets_the_version_in_pyproject_only_and_heads_the_changelog(project):
    pyproject, changelog = (project / "pyproject.toml").read_text(), (project / "CHANGELOG.md").read_text()
    result = run("bump", "minor", "--date", "2026-12-01", "--root", str(project))
    major, minor, _ = map(int, CURRENT.split("."))
    new = f"{major}.{minor + 1}.0"
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (f"version {CURRENT} → {new} in pyproject.toml; CHANGELOG.md has a heading for {new} dated 2026-12-01 "
                             f"— now build, commit and tag v{new}\n")
    after = (project / "pyproject.toml").read_text()
    assert tomllib.loads(after)["project"]["version"] == new
    changed = [(a, b) for a, b in zip(pyproject.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [(f'version = "{CURRENT}"', f'version = "{new}"')]  # one line; the rest byte for byte
    notes = (project / "CHANGELOG.md").read_text()
    unreleased = changelog.split("## Unreleased\n", 1)[1].split("\n## ", 1)[0]
    assert f"## Unreleased\n\n## {new} — 2026-12-01\n{unreleased}\n## " in notes  # what was unreleased is now the new version's
    assert notes.replace(f"## Unreleased\n\n## {new} — 2026-12-01\n", "## Unreleased\n") == changelog


def test_bump_dates_the_heading_only_when_asked(project):
    assert run("bump", "3.0.0", "--root", str(project)).returncode == 0
    assert "\n## 3.0.0\n" in (project / "CHANGELOG.md").read_text()
    days = {dt.date.today().isoformat()}
    assert run("bump", "major", "--today", "--root", str(project)).returncode == 0
    days.add(dt.date.today().isoformat())  # (a run across midnight)
    assert any(f"\n## 4.0.0 — {day}\n" in (project / "CHANGELOG.md").read_text() for day in days)


def test_bump_refuses_with_one_line(project):
    before = {name: (project / name).read_bytes() for name in ("pyproject.toml", "CHANGELOG.md")}
    refused = {
        ("0.0.1",): f"0.0.1 does not come after the current version {CURRENT} — give a higher version",
        ("banana",): "'banana' is not a version — give X.Y.Z (e.g. 1.0.0) or one of major, minor, patch",
        ("9.0.0", "--date", "2026-02-30"): "--date '2026-02-30' is not a date (day is out of range for month) — write it as YYYY-MM-DD",
        ("9.0.0", "--date", "1 Dec"): "--date '1 Dec' is not a date (not YYYY-MM-DD) — write it as YYYY-MM-DD",
    }
    for args, message in refused.items():
        result = run("bump", *args, "--root", str(project))
        assert (result.returncode, result.stdout, result.stderr) == (2, "", message + "\n")
    assert {name: (project / name).read_bytes() for name in before} == before  # nothing written
    (project / "CHANGELOG.md").write_text("# Changelog\n\n## 9.0.0\n\nAlready there.\n")
    result = run("bump", "9.0.0", "--root", str(project))
    assert (result.returncode, result.stderr) == (2, "CHANGELOG.md: already has a heading for 9.0.0 — give another version\n")
    assert (project / "pyproject.toml").read_bytes() == before["pyproject.toml"]
    missing = run("bump", "patch", "--root", str(project / "nowhere"))
    assert missing.returncode == 2 and missing.stderr.startswith(f"{project / 'nowhere' / 'pyproject.toml'}: no [project] version to bump")
    assert missing.stderr.count("\n") == 1


def test_version_arithmetic_and_changelog_without_unreleased():
    assert [next_version("1.4.2", part) for part in ("major", "minor", "patch")] == ["2.0.0", "1.5.0", "1.4.3"]
    assert next_version("1.4.2", "1.10.0") == "1.10.0"  # numbers, not text, are compared
    assert changelog_with_heading("# Changelog\n\n## 0.1.0 — 2026-11-24\n\nFirst.\n", "0.2.0", None) == (
        "# Changelog\n\n## 0.2.0\n\n## 0.1.0 — 2026-11-24\n\nFirst.\n")
    assert changelog_with_heading("", "0.2.0", "2026-12-01") == "# Changelog\n\n## 0.2.0 — 2026-12-01\n"
