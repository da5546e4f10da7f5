"""The README's Python loading recipes run, as written, against a built package."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


NAMES = ["load", "pandas", "polars", "duckdb", "pandas-csv", "polars-csv", "frictionless"]


def test_readme_has_the_python_recipes():
    assert len(SNIPPETS) == len(NAMES)
    assert [s.split("\n")[0] for s in SNIPPETS] == [
        "from builders.load import load", "import pandas as pd", "import polars as pl", "import duckdb",
        "import json", "import json", "from frictionless import Package",
    ]


@pytest.mark.parametrize("snippet", SNIPPETS, ids=NAMES)
def test_snippet_runs(snippet, built_repo):
    result = subprocess.run([sys.executable, "-c", snippet], cwd=built_repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "000_7318cba5f0ad2b4c" in result.stdout


@pytest.mark.parametrize("snippet", [s for s, n in zip(SNIPPETS, NAMES, strict=True) if n.endswith("-csv")])
def test_csv_recipes_keep_codes_as_strings(snippet, built_repo):
    """The recipe's own frame, not its printout: every CAMEO code read from the CSV keeps its
    leading zero (the seeds hold "062"; a guessing reader makes it 62)."""
    probe = snippet + "\nimport sys\ncodes = list(events['cameo_code'])\n" \
        "sys.stdout.write('CODES ' + json.dumps(sorted({c for c in codes if c is not None and c == c})))\n"
    result = subprocess.run([sys.executable, "-c", probe], cwd=built_repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    codes = json.loads(result.stdout.split("CODES ", 1)[1])
    assert "062" in codes and all(isinstance(c, str) and c[0] in "012" and len(c) >= 2 for c in codes), codes


CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
PIP_INSTALL = re.compile(r"\bpip3?\s+install\b")


def _commands(markdown: str) -> list[str]:
    """Every shell command of a markdown text (fenced blocks and inline code), one per `&&`, `;`,
    `|` or line, with its spaces normalised."""
    code = re.findall(r"```(?:sh|bash|shell|console)?\n(.*?)```", markdown, flags=re.DOTALL)
    code += re.findall(r"(?<!`)`([^`\n]+)`(?!`)", re.sub(r"```.*?```", "", markdown, flags=re.DOTALL))
    pieces = [piece for block in code for line in block.splitlines() for piece in re.split(r"&&|\|\||;|\|", line.split(" #")[0])]
    return [" ".join(piece.split()) for piece in pieces if piece.strip()]


def _readme_set_up() -> list[str]:
    section = README.split("## Set up on a fresh machine", 1)[1].split("\n## ", 1)[0]
    return _commands(section)


def _locked_or_set_up(command: str, set_up: list[str]) -> bool:
    words = command.split()
    locked = "--require-hashes" in words and any(a == "-r" and b == "requirements.lock" for a, b in zip(words, words[1:]))
    return locked or command in set_up


def test_contributing_installs_as_the_readme_does_with_the_lock_file():
    """Every pip install in CONTRIBUTING.md takes the locked, hashed dependencies (or is, word for
    word, a command of the README's set-up): a contributor's environment is the one CI tests."""
    set_up = _readme_set_up()
    assert "pip install --require-hashes -r requirements.lock" in set_up
    installs = [command for command in _commands(CONTRIBUTING) if PIP_INSTALL.search(command)]
    assert installs, "CONTRIBUTING.md says how to install"
    assert [command for command in installs if not _locked_or_set_up(command, set_up)] == []
    assert not _locked_or_set_up('pip install -e ".[test]"', set_up)  # what it said before: unpinned, unhashed
