"""Untrusted contributions: what lies under seeds/ is checked for its kind, its name and its place
before anything is opened, and every problem is one line; nothing is published from a refused input.

One test per class of input (not per example): non-regular files, misplaced files, file names,
duplicate texts, row-id collisions, and random bytes, names and YAML thrown at the build.
"""

from __future__ import annotations

import os
import re
import shutil
import string
import threading
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders.extract.ids import row_ids
from builders.inputs.tree import ARTICLE_ID, MAX_ARTICLE_ID
from builders.pipeline import build
from builders.schema.models import ID_PATTERN

from conftest import make_repo, run_cli, snapshot, write_source

A, C, R = "seeds/articles", "seeds/curation", "seeds/reference"
BODY = (b"Headline: Serbia weighs air defence offers\n\nBELGRADE - Serbia's defence minister said on Monday that the "
        b"country would keep its air defence plans under review, a week after Washington warned of sanctions.\n")


def _refused(root: Path, line: str, before: dict[str, bytes]) -> str:
    result = run_cli(root, "build")
    assert result.returncode == 1, result.stdout
    assert line in result.stderr.splitlines(), result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(root) == before  # the previous package stays as it was
    return result.stdout + result.stderr


def _symlink_to_outside(root: Path) -> None:
    secret = root.parent / "secret.txt"
    secret.write_text("SECRET-TOKEN do not publish\n\nSerbia bought arms from Russia.\n")
    os.symlink(secret, root / A / "linked.txt")


def _fifo(root: Path) -> None:
    os.mkfifo(root / A / "pipe.txt")


def _folder_named_like_an_article(root: Path) -> None:
    (root / A / "folder.txt").mkdir()


def _linked_curation(root: Path) -> None:
    (root / A / "own.txt").write_bytes(BODY)
    write_source(root, "own")
    os.symlink(root.parent / "elsewhere.yaml", root / C / "own.yaml")


def _linked_articles_folder(root: Path) -> None:
    elsewhere = root.parent / "articles-elsewhere"
    shutil.move(root / A, elsewhere)
    os.symlink(elsewhere, root / A)


NOT_REGULAR = {
    "symlink to a file outside": (_symlink_to_outside, "seeds/articles/linked.txt: a symbolic link — commit the file itself, not a link to it"),
    "FIFO": (_fifo, "seeds/articles/pipe.txt: not a regular file (a pipe, socket or device) — commit a plain text file"),
    "folder named *.txt": (_folder_named_like_an_article, "seeds/articles/folder.txt: a folder — subfolders are not read: put its files in seeds/articles/ itself"),
    "dangling symlink as curation": (_linked_curation, "seeds/curation/own.yaml: a symbolic link — commit the file itself, not a link to it"),
    "articles folder is a link": (_linked_articles_folder, "seeds/articles: must be a folder, not a link or a file — restore it from git"),
}


@pytest.mark.parametrize("name", sorted(NOT_REGULAR))
def test_anything_but_a_regular_file_is_refused_before_it_is_opened(name, fresh_repo):
    make, line = NOT_REGULAR[name]
    before = snapshot(fresh_repo)
    make(fresh_repo)
    done = threading.Event()
    output = []
    worker = threading.Thread(target=lambda: (output.append(_refused(fresh_repo, line, before)), done.set()))
    worker.start()
    assert done.wait(120), "the build hung on a non-regular file"
    worker.join()
    assert output and "SECRET-TOKEN" not in output[0]
    assert not any(b"SECRET-TOKEN" in data for data in snapshot(fresh_repo).values())


MISPLACED = {
    "markdown article": ({f"{A}/note.md": BODY}, "seeds/articles/note.md: articles are seeds/articles/<id>.txt — save it as seeds/articles/note.txt"),
    "upper-case suffix": ({f"{A}/note.TXT": BODY}, "seeds/articles/note.TXT: rename it to seeds/articles/note.txt (suffix .txt in lower case)"),
    "no suffix": ({f"{A}/note": BODY}, "seeds/articles/note: no suffix — articles are seeds/articles/<id>.txt"),
    "subfolder": ({f"{A}/2021/note.txt": BODY}, "seeds/articles/2021: a folder — subfolders are not read: put its files in seeds/articles/ itself"),
    "curation as .yml": ({f"{A}/own.txt": BODY, f"{C}/own.yml": b"events: []\n"},
                         "seeds/curation/own.yml: rename it to seeds/curation/own.yaml (suffix .yaml in lower case)"),
    "file in seeds/ itself": ({"seeds/note.txt": BODY},
                              "seeds/note.txt: not read — articles go in seeds/articles/, their source records in seeds/sources/, curation files in seeds/curation/"),
    "unknown reference file": ({f"{R}/actor.yaml": b"[]\n"},
                               "seeds/reference/actor.yaml: not a reference file — the reference files are actors.yaml, cameo_triggers.yaml, "
                               "countries.yaml, event_types.yaml, not_actors.yaml, sectors.yaml, weapon_systems.yaml"),
    "curation without its article": ({f"{C}/nothing.yaml": b"events: []\n"},
                                     "seeds/curation/nothing.yaml: no article 'nothing' in seeds/articles — rename the file to <article_id>.yaml or remove it"),
}


def _write(root: Path, files: dict[str, bytes]) -> None:
    """The files, and a source record for each well-placed article (the cases here are not about those)."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if path.parent == root / A and path.suffix == ".txt" and ARTICLE_ID.fullmatch(path.stem):
            write_source(root, path.stem)


@pytest.mark.parametrize("name", sorted(MISPLACED))
def test_a_misplaced_file_says_where_it_should_go(name, fresh_repo):
    files, line = MISPLACED[name]
    before = snapshot(fresh_repo)
    _write(fresh_repo, files)
    _refused(fresh_repo, line, before)
    assert run_cli(fresh_repo, "validate").returncode == 1  # validate does not call the tree valid either


NAMES = {
    "line break in the name": ("bad\nname.txt", "seeds/articles/bad\\nname.txt: the file name holds a control character (a line break?) — rename it"),
    "name that is not UTF-8": (os.fsdecode(b"caf\xe9.txt"), "seeds/articles/caf\\udce9.txt: the file name is not UTF-8 — rename it with lower-case letters, digits, '_' or '-'"),
    "id over 56 characters": ("a" * 57 + ".txt", f"seeds/articles/{'a' * 57}.txt: article_id: '{'a' * 57}' is not a valid id (lower-case letters, digits, "
                                                  "'_' or '-', at most 56 characters, starting with a letter or digit) — rename the file"),
    "id that only starts well": ("ok.txt.txt", "seeds/articles/ok.txt.txt: article_id: 'ok.txt' is not a valid id (lower-case letters, digits, "
                                               "'_' or '-', at most 56 characters, starting with a letter or digit) — rename the file"),
}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_a_file_name_problem_is_one_readable_line(name, fresh_repo):
    file_name, line = NAMES[name]
    before = snapshot(fresh_repo)
    (fresh_repo / A / file_name).write_bytes(BODY)
    _refused(fresh_repo, line, before)


def test_the_same_text_under_two_ids_names_both(fresh_repo):
    before = snapshot(fresh_repo)
    _write(fresh_repo, {f"{A}/first.txt": BODY, f"{A}/second.txt": BODY})
    _refused(fresh_repo, "seeds/articles/second.txt: the same text as seeds/articles/first.txt — keep one of the two", before)


ARTICLE_IDS = st.from_regex(rf"\A[a-z0-9][a-z0-9_-]{{0,{MAX_ARTICLE_ID - 1}}}\Z")


KEYS = st.lists(st.tuples(st.sampled_from(["serbia", "russia", None]), st.integers(0, 10**6), st.integers(0, 10**6)), max_size=8)


@given(ARTICLE_IDS, st.sampled_from("mwqe"), st.sampled_from("mwqe"), KEYS, KEYS, st.data())
def test_row_ids_of_two_different_rows_never_collide(a, prefix_a, prefix_b, keys_a, keys_b, data):
    """Also when one article's id is (the start of) another's row id: the tail has a fixed length."""
    ids_a = row_ids(a, prefix_a, keys_a)
    b = data.draw(st.one_of(ARTICLE_IDS, st.sampled_from([i[:MAX_ARTICLE_ID] for i in ids_a] or [a])))
    ids_b = row_ids(b, prefix_b, keys_b)
    assert len(set(ids_a)) == len(ids_a) and len(set(ids_b)) == len(ids_b)
    if (a, prefix_a) != (b, prefix_b):
        assert not set(ids_a) & set(ids_b)
    assert all(re.fullmatch(ID_PATTERN, i) for i in ids_a + ids_b)


def _mention_ids(root: Path, article_id: str) -> list[str]:
    table = pq.read_table(root / "datapackage" / "parquet" / "actor_mentions.parquet", filters=[("article_id", "=", article_id)])
    return table.column("mention_id").to_pylist()


def test_an_article_id_shaped_like_another_articles_row_id_builds_with_unique_keys(fresh_repo):
    _write(fresh_repo, {f"{A}/own.txt": BODY, f"{A}/{'x' * MAX_ARTICLE_ID}.txt": BODY.replace(b"Monday", b"Friday")})
    assert build(fresh_repo) == []
    shaped = _mention_ids(fresh_repo, "own")[0]  # an article named as the first article's row
    _write(fresh_repo, {f"{A}/{shaped}.txt": BODY.replace(b"Monday", b"Tuesday")})
    result = run_cli(fresh_repo, "build")
    assert result.returncode == 0, result.stderr
    assert shaped in _mention_ids(fresh_repo, "own") and _mention_ids(fresh_repo, shaped)
    assert run_cli(fresh_repo, "validate").returncode == 0  # primary keys checked by frictionless


# --- random input ----------------------------------------------------------------------------------

NAME_CHARS = string.ascii_letters + string.digits + "._-~ \n\t\u00e9\u202e"
RANDOM_YAML = st.one_of(
    st.binary(max_size=200),
    st.sampled_from([b"events: [", b"events:\n  - {}\n", b"complete: yes\nevents: 7\n", b"a: &a [*a]\n", b"- 2021-02-30\n",
                     b"events:\n  - event_type: x\n    modality: asserted\n    evidence: abc\n    summary: abc\n    date: {start: 2021-13-01}\n",
                     b"!!python/object/apply:os.system [echo pwned]\n", b"\xff\xfe\x00e\x00", b"---\n---\n"]),
)


@pytest.fixture(scope="module")
def random_repo(tmp_path_factory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("random") / "repo")
    assert [str(p) for p in build(root) if p.severity == "error"] == []
    return root


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(name=st.text(NAME_CHARS, min_size=1, max_size=20), content=st.binary(max_size=400), yaml_bytes=RANDOM_YAML,
       folder=st.sampled_from([A, C, R, "seeds"]))
def test_random_names_bytes_and_yaml_get_one_line_answers_and_an_intact_package(random_repo, name, content, yaml_bytes, folder):
    if name in (".", "..") or "/" in name:
        return
    before = snapshot(random_repo)
    path = random_repo / folder / name
    if path.exists():
        return
    path.write_bytes(yaml_bytes if folder in (C, R) else content)
    try:
        problems = build(random_repo)  # an exception here is the traceback a user would see
        for problem in problems:
            assert "\n" not in str(problem) and len(str(problem)) < 600, str(problem)
        if any(p.severity == "error" for p in problems):
            assert snapshot(random_repo) == before
    finally:
        path.unlink()
    if snapshot(random_repo) != before:
        assert [str(p) for p in build(random_repo) if p.severity == "error"] == []


def test_the_published_json_schema_of_curation_files_accepts_ours_and_catches_a_typo(built_repo):
    import json

    import jsonschema
    import yaml

    schema = json.loads((built_repo / "schema/curation-file.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    as_json = lambda data: json.loads(json.dumps(data, default=str))  # noqa: E731  (YAML dates as JSON strings)
    files = sorted((built_repo / C).glob("*.yaml"))
    assert files
    for path in files:
        assert list(validator.iter_errors(as_json(yaml.safe_load(path.read_text(encoding="utf-8"))))) == [], path.name
    typo = {"events": [{"event_type": "threaten", "modality": "asserted", "evidence": "abc", "sumary": "abc"}]}
    messages = [e.message for e in validator.iter_errors(typo)]
    assert any("'summary' is a required property" in m for m in messages)
    assert any("'sumary' was unexpected" in m for m in messages)
