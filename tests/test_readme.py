"""The README's Python loading recipes run, as written, against a built package."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_readme_has_the_five_python_recipes():
    assert len(SNIPPETS) == 5
    assert [s.split("\n")[0] for s in SNIPPETS] == [
        "from builders.load import load", "import pandas as pd", "import polars as pl", "import duckdb", "from frictionless import Package"
    ]


@pytest.mark.parametrize("snippet", SNIPPETS, ids=["load", "pandas", "polars", "duckdb", "frictionless"])
def test_snippet_runs(snippet, built_repo):
    result = subprocess.run([sys.executable, "-c", snippet], cwd=built_repo, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "000_7318cba5f0ad2b4c" in result.stdout
