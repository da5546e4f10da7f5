"""The README's recipes run, as written, against a built package; and CI runs the README's set-up
commands, as written."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SNIPPETS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


NAMES = ["pandas", "polars", "duckdb", "pandas-csv", "polars-csv", "frictionless", "load"]


def test_readme_has_the_python_recipes():
    assert len(SNIPPETS) == len(NAMES)
    assert [s.split("\n")[0] for s in SNIPPETS] == [
        "import pandas as pd", "import polars as pl", "import duckdb",
        "import json", "import json", "from frictionless import Package", "from builders.load import load",
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


GET_THE_DATA = README[README.index("## Get the data"):README.index("## Build it yourself")]
ONE_LINERS = re.search(r"One-liners from the repository root:\n\n```sh\n(.*?)```", GET_THE_DATA, flags=re.DOTALL).group(1).splitlines()


def test_get_the_data_comes_first():
    assert README.index("## Get the data") < README.index("## Build it yourself") < README.index("## The command line")
    assert README.index("## Get the data") == README.index("\n## ") + 1  # the first section


@pytest.mark.parametrize("line", [line for line in ONE_LINERS if line.startswith("python -c ")])
def test_python_one_liners_run(line, built_repo):
    result = subprocess.run(line, shell=True, cwd=built_repo, capture_output=True, text=True, executable="/bin/bash")
    assert result.returncode == 0, result.stderr
    assert "event_id" in result.stdout or "article_id" in result.stdout


def test_the_duckdb_one_liners_query_runs(built_repo):
    import duckdb

    (line,) = [line for line in ONE_LINERS if line.startswith("duckdb -c ")]
    query = line.split('"')[1]
    rows = duckdb.connect().execute(query.replace("'datapackage/", f"'{built_repo}/datapackage/")).fetchall()
    assert rows and all(isinstance(kind, str) and count > 0 for kind, count in rows)


def _ci_setup():
    sys.path.insert(0, str(REPO / ".ci"))
    try:
        import readme_commands
    finally:
        sys.path.pop(0)
    return readme_commands


def test_ci_runs_the_readme_setup_commands_and_no_setup_of_its_own():
    """If the README's set-up blocks and what CI runs drift apart, this fails: CI reads both commands
    from the README, and nothing else in .ci/run installs or runs the project."""
    commands = _ci_setup().setup_commands(README)
    assert set(commands) == {"build", "test"}
    assert commands["build"].startswith("python3 -m venv .venv && . .venv/bin/activate && ")
    assert "--require-hashes -r requirements.lock" in commands["build"] and commands["build"].endswith("python -m builders build")
    assert commands["test"].endswith("python -m pytest")
    for step, command in commands.items():
        printed = subprocess.run([sys.executable, str(REPO / ".ci" / "readme_commands.py"), step], capture_output=True, text=True, cwd="/")
        assert printed.returncode == 0 and printed.stdout == command + "\n"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    code = [line.split("#", 1)[0].strip() for line in ci.splitlines()]
    code = [line for line in code if line]
    assert 'build="$(python3 .ci/readme_commands.py build)"' in code and 'eval "$build"' in code
    assert 'tests="$(python3 .ci/readme_commands.py test)"' in code and 'eval "$tests"' in code
    assert code.index('eval "$build"') < code.index('eval "$tests"')
    for word in ("pip", "venv", "pytest", "builders", "lint-imports", "activate"):
        assert not [line for line in code if re.search(rf"\b{word}\b", line)], f".ci/run runs {word} itself: put it in the README's commands"


def test_a_readme_without_the_markers_is_one_line(tmp_path):
    readme_commands = _ci_setup()
    with pytest.raises(ValueError, match="must hold one command line"):
        readme_commands.setup_commands("<!-- setup:build -->\n```sh\npip install x\npip install y\n```\n")
    assert readme_commands.setup_commands("no markers here") == {}


def test_the_source_record_keys_the_readme_names_are_the_ones_the_builder_accepts():
    """The README once named `source_note`/`copyright_notice` (the columns), which a record refuses."""
    import yaml

    from builders.inputs.sources import SourceRecord, parse_source

    section = README[README.index("The article's source record"):README.index("### How actors, quotes and events are made")]
    keys_named = set(re.findall(r"`([a-z_]+)`", section.split("For example")[0]))
    columns = set(re.findall(r"`articles\.([a-z_]+)`", section))
    keys_named -= columns | {"licensed", "permission", "quotation", "public_domain", "sources", "path"}
    assert keys_named and keys_named <= set(SourceRecord.model_fields), keys_named - set(SourceRecord.model_fields)
    assert {"note", "copyright"} <= keys_named and {"source_note", "copyright_notice"} <= columns
    example = re.search(r"For example:\n\n```yaml\n(.*?)```", section, flags=re.DOTALL).group(1)
    assert yaml.safe_load(example) and parse_source("example.yaml", example.encode())[1] == []


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
    return [piece for command in _ci_setup().setup_commands(README).values() for piece in _commands(f"`{command}`")]


def _locked_or_set_up(command: str, set_up: list[str]) -> bool:
    words = command.split()
    locked = "--require-hashes" in words and any(a == "-r" and b == "requirements.lock" for a, b in zip(words, words[1:]))
    return locked or command in set_up


def test_contributing_installs_as_the_readme_does_with_the_lock_file():
    """Every pip install in CONTRIBUTING.md takes the locked, hashed dependencies (or is, word for
    word, a command of the README's set-up): a contributor's environment is the one CI tests."""
    set_up = _readme_set_up()
    assert "pip install --no-deps --require-hashes -r requirements.lock" in set_up
    installs = [command for command in _commands(CONTRIBUTING) if PIP_INSTALL.search(command)]
    assert installs, "CONTRIBUTING.md says how to install"
    assert [command for command in installs if not _locked_or_set_up(command, set_up)] == []
    assert not _locked_or_set_up('pip install -e ".[test]"', set_up)  # what it said before: unpinned, unhashed
