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
