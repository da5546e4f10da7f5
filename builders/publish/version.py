"""A new dataset version: the version in pyproject.toml (where it lives, and only there: the
descriptor and CITATION.cff take it from there at the next build) and its CHANGELOG.md heading.

The heading carries a date only when one is given (`bump 1.0.0 --date 2026-12-01`): nothing here
reads the clock, so the files say what the person releasing decided.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
from pathlib import Path

PYPROJECT = "pyproject.toml"
CHANGELOG = "CHANGELOG.md"
PARTS = ("major", "minor", "patch")
UNRELEASED = "## Unreleased"
_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
_PROJECT_VERSION = re.compile(r'(?m)^(version\s*=\s*)"([^"\n]*)"[ \t]*$')


class BumpError(ValueError):
    """A version that cannot be set: one line saying what, where and what to do."""


def current_version(root: Path) -> str:
    try:
        return tomllib.loads((root / PYPROJECT).read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError) as error:
        raise BumpError(f"{root / PYPROJECT}: no [project] version to bump ({type(error).__name__}: {error}) — "
                        "run this at the repository root or pass --root") from None


def next_version(current: str, wanted: str) -> str:
    """`wanted` (X.Y.Z) or the current version with its major, minor or patch part raised; it
    must come after the current one."""
    now = _VERSION.fullmatch(current)
    if now is None:
        raise BumpError(f"{PYPROJECT}: the current version {current!r} is not X.Y.Z — give the new version in full, e.g. bump 1.0.0")
    parts = [int(n) for n in now.groups()]
    if wanted in PARTS:
        index = PARTS.index(wanted)
        parts = parts[:index] + [parts[index] + 1] + [0] * (2 - index)
        return ".".join(map(str, parts))
    new = _VERSION.fullmatch(wanted)
    if new is None:
        raise BumpError(f"{wanted!r} is not a version — give X.Y.Z (e.g. 1.0.0) or one of major, minor, patch")
    if tuple(int(n) for n in new.groups()) <= tuple(parts):
        raise BumpError(f"{wanted} does not come after the current version {current} — give a higher version")
    return wanted


def check_date(text: str) -> str:
    """A release date as the heading shows it (YYYY-MM-DD)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat()
        raise ValueError("not YYYY-MM-DD")
    except ValueError as error:
        raise BumpError(f"--date {text!r} is not a date ({error}) — write it as YYYY-MM-DD") from None


def pyproject_with_version(text: str, version: str) -> str:
    """pyproject.toml with the version of its [project] table replaced (nothing else changes)."""
    start = re.search(r"(?m)^\[project\][ \t]*$", text)
    if start is None:
        raise BumpError(f"{PYPROJECT}: no [project] table — the version lives there")
    following = re.search(r"(?m)^\[", text[start.end():])
    end = start.end() + following.start() if following else len(text)
    table, count = _PROJECT_VERSION.subn(lambda m: f'{m.group(1)}"{version}"', text[start.end():end], count=1)
    if not count:
        raise BumpError(f'{PYPROJECT}: no line version = "X.Y.Z" in [project] — add it there')
    return text[:start.end()] + table + text[end:]


def changelog_with_heading(text: str, version: str, date: str | None) -> str:
    """CHANGELOG.md with a heading for `version`: what stood under "## Unreleased" is now under it
    (and an empty "## Unreleased" stays above for what comes next); without that section the
    heading goes above the first version's."""
    if re.search(rf"(?m)^## {re.escape(version)}(\s|$)", text):
        raise BumpError(f"{CHANGELOG}: already has a heading for {version} — give another version")
    heading = f"## {version}" + (f" — {date}" if date else "")
    unreleased = re.search(rf"(?m)^{re.escape(UNRELEASED)}[ \t]*$", text)
    if unreleased:
        return f"{text[:unreleased.start()]}{UNRELEASED}\n\n{heading}{text[unreleased.end():]}"
    first = re.search(r"(?m)^## ", text)
    if first:
        return f"{text[:first.start()]}{heading}\n\n{text[first.start():]}"
    return text.rstrip("\n") + f"\n\n{heading}\n" if text.strip() else f"# Changelog\n\n{heading}\n"


def bump(root: Path, wanted: str, date: str | None = None) -> tuple[str, str]:
    """Set the new version in pyproject.toml and head its CHANGELOG.md section; return (old, new).
    Both files are checked before either is written, and each is replaced whole."""
    old = current_version(root)
    new = next_version(old, wanted)
    date = check_date(date) if date is not None else None
    pyproject = pyproject_with_version((root / PYPROJECT).read_text(encoding="utf-8"), new)
    changelog_path = root / CHANGELOG
    changelog = changelog_path.read_text(encoding="utf-8") if changelog_path.is_file() else ""
    changelog = changelog_with_heading(changelog, new, date)
    _replace(root / PYPROJECT, pyproject)
    _replace(changelog_path, changelog)
    return old, new


def _replace(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
