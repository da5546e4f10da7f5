"""Shared fixtures: real repositories on disk, built with the real builders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from builders.pipeline import build
from builders.publish.card import HELD_OUT, QUALITY_HISTORY

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


SOURCE_RECORD = b"url: null\nretrieved_date: null\nlicence_basis: quotation\nnote: a test article written for the test suite\n"


def write_source(root: Path, article_id: str, record: bytes = SOURCE_RECORD) -> Path:
    """The source record every article needs (seeds/sources/<article_id>.yaml)."""
    path = root / "seeds" / "sources" / f"{article_id}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(record)
    return path


def make_repo(root: Path, extra_articles: list[Path] = ()) -> Path:
    """A repository root holding a copy of seeds/ (and any extra article files, each with a source
    record) and of the quality figures its card quotes (benchmarks/*.json)."""
    shutil.copytree(REPO / "seeds", root / "seeds")
    (root / QUALITY_HISTORY.parent).mkdir(parents=True)
    for figures in (QUALITY_HISTORY, HELD_OUT):
        shutil.copyfile(REPO / figures, root / figures)
    articles = root / "seeds" / "articles"
    for path in extra_articles:
        shutil.copyfile(path, articles / path.name)
        write_source(root, path.stem)
    return root


def tmpfs(tmp_path: Path, size: str):
    """A tmpfs of `size` mounted under tmp_path (a generator for a fixture to `yield from`), where the
    machine allows mounting one (root in a container, say); else the test is skipped."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                                           capture_output=True, check=False).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "builders", "--root", str(root), *args],
        capture_output=True, text=True, cwd=REPO,
    )


def snapshot(root: Path) -> dict[str, bytes]:
    """Every published file's bytes, by path relative to the root."""
    out = {}
    for rel in ("datapackage.json", "datapackage", "schema"):
        path = root / rel
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            out[str(file.relative_to(root))] = file.read_bytes()
    return out


@pytest.fixture(scope="session")
def built_repo(tmp_path_factory) -> Path:
    """The seeds built once into a temporary repository (read-only for tests)."""
    root = make_repo(tmp_path_factory.mktemp("built"))
    problems = build(root)
    assert [str(p) for p in problems if p.severity == "error"] == []
    return root


@pytest.fixture
def fresh_repo(tmp_path) -> Path:
    """A repository with the seeds, built, that a test may damage."""
    root = make_repo(tmp_path / "repo")
    assert [str(p) for p in build(root)] == []
    return root
