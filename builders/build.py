"""Seeds -> rows of every resource -> a validated package, published atomically.

A build writes the whole package into a temporary directory beside the published one, validates
it there, and only then swaps it in. A failed build leaves the published package untouched.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .ingest import ingest
from .models import Resource
from .problems import InputError, Problem
from .publish import PUBLISHED_PATHS, update_readme, write_package

ARTICLES_DIR = "seeds/articles"


def article_files(root: Path) -> tuple[list[Path], list[Problem]]:
    """The article files, and problems with their names (ids that clash when case is ignored)."""
    files = sorted((root / ARTICLES_DIR).glob("*.txt")) if (root / ARTICLES_DIR).is_dir() else []
    problems = []
    seen: dict[str, Path] = {}
    for path in files:
        key = path.stem.casefold()
        if key in seen:
            problems.append(
                Problem(
                    f"{ARTICLES_DIR}/{path.name}", None, "article_id",
                    f"id differs only in case from {seen[key].name} — ids are lower-case; remove or rename one of the two",
                )
            )
        seen[key] = path
    return files, problems


def build_rows(root: Path) -> tuple[dict[str, list[Resource]], list[Problem]]:
    """Run every stage over the seeds. Problems are collected, not raised, so all are reported."""
    files, problems = article_files(root)
    articles = []
    for path in files:
        try:
            articles.append(ingest(path.stem, path.read_bytes(), f"{ARTICLES_DIR}/{path.name}"))
        except InputError as exc:
            problems.extend(exc.problems)
    if not files:
        problems.append(Problem(ARTICLES_DIR, None, None, "no articles found — add seeds/articles/<article_id>.txt"))
    rows: dict[str, list[Resource]] = {"articles": articles}
    return rows, problems


def build_into(root: Path, out: Path) -> list[Problem]:
    """Build the package from `root`'s seeds into the empty directory `out`."""
    rows, problems = build_rows(root)
    if any(p.severity == "error" for p in problems):
        return problems
    write_package(rows, out)
    return problems


def build(root: Path) -> list[Problem]:
    """Build, validate and publish; on any error the published package is left as it was."""
    from .validate import validate_package  # validate imports build for the staleness check

    work = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        problems = build_into(root, work)
        if any(p.severity == "error" for p in problems):
            return problems
        problems += validate_package(work)
        if any(p.severity == "error" for p in problems):
            return problems
        _swap_in(root, work)
        update_readme(root)
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _swap_in(root: Path, work: Path) -> None:
    """Replace the published paths with the new ones; restore the old ones if a move fails."""
    backup = work / ".previous"
    backup.mkdir()
    moved: list[str] = []
    try:
        for name in PUBLISHED_PATHS:
            if (root / name).exists():
                (root / name).rename(backup / name)
            moved.append(name)
            (work / name).rename(root / name)
    except OSError:
        for name in moved:
            if (root / name).exists():
                shutil.rmtree(root / name) if (root / name).is_dir() else (root / name).unlink()
            if (backup / name).exists():
                (backup / name).rename(root / name)
        raise
