"""What lies under seeds/: only regular files, each where it belongs, read without following links.

Contributions are untrusted. A symbolic link committed as an article would publish whatever it
points at; a FIFO would hang the build; a directory named like an article would crash it; a file in
the wrong folder, with the wrong suffix or case, would be ignored without a word. Every such entry is
refused before it is opened, with one line saying where the file should go.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..problems import Problem
from ..schema.files import MAX_SHOWN, excerpt

SEEDS = "seeds"
ARTICLES_DIR = "seeds/articles"
CURATION_DIR = "seeds/curation"
SOURCES_DIR = "seeds/sources"
REFERENCE_DIR = "seeds/reference"
MAX_ARTICLE_ID = 56  # so that every row id ("<article_id>-m123456") stays within the 64 characters of an id
# names Windows reserves for devices (any case, any suffix): a repository holding seeds/articles/con.txt
# cannot be checked out there, so no id may be one
WINDOWS_RESERVED = re.compile(r"(?i:con|prn|aux|nul|com[1-9]|lpt[1-9])")
ARTICLE_ID = re.compile(rf"(?!{WINDOWS_RESERVED.pattern}$)[a-z0-9][a-z0-9_-]{{0,{MAX_ARTICLE_ID - 1}}}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MAX_YAML_BYTES = 1024 * 1024  # a curation or reference file is kilobytes; reading stops past this


def shown(text: str) -> str:
    """A name or value of the seeds as a person can read it in one line (schema/files.excerpt, with
    every non-ASCII byte escaped: a file name's look-alike letters show)."""
    return excerpt(text, MAX_SHOWN, ascii_only=True)


@dataclass
class SeedTree:
    articles: dict[str, os.DirEntry] = field(default_factory=dict)  # article id -> file (its stat as scanned: entry.stat(follow_symlinks=False))
    curation: dict[str, os.DirEntry] = field(default_factory=dict)  # article id -> file
    sources: dict[str, os.DirEntry] = field(default_factory=dict)  # article id -> its source record
    reference: dict[str, Path] = field(default_factory=dict)  # relative path -> file
    problems: list[Problem] = field(default_factory=list)


def _name_problem(rel_dir: str, name: str) -> Problem | None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return Problem(f"{rel_dir}/{shown(name)}", None, None, "the file name is not UTF-8 — rename it with lower-case letters, digits, '_' or '-'")
    if _CONTROL.search(name):
        return Problem(f"{rel_dir}/{shown(name)}", None, None, "the file name holds a control character (a line break?) — rename it")
    return None


def _entry_problem(rel_dir: str, entry: os.DirEntry) -> Problem | None:
    """A symbolic link or anything that is not a regular file, refused before it is opened."""
    mode = entry.stat(follow_symlinks=False).st_mode
    if stat.S_ISREG(mode):
        return None
    rel = f"{rel_dir}/{shown(entry.name)}"
    if stat.S_ISLNK(mode):
        return Problem(rel, None, None, "a symbolic link — commit the file itself, not a link to it")
    if stat.S_ISDIR(mode):
        return Problem(rel, None, None, f"a folder — subfolders are not read: put its files in {rel_dir}/ itself")
    return Problem(rel, None, None, "not a regular file (a pipe, socket or device) — commit a plain text file")


def _entries(root: Path, rel_dir: str, problems: list[Problem]) -> list[os.DirEntry]:
    folder = root / rel_dir
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        problems.append(Problem(rel_dir, None, None, "must be a folder, not a link or a file — restore it from git"))
        return []
    if not folder.is_dir():
        return []
    out = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        problem = _name_problem(rel_dir, entry.name) or _entry_problem(rel_dir, entry)
        if problem is not None:
            problems.append(problem)
        else:
            out.append(entry)
    return out


def _placed(rel_dir: str, name: str, suffix: str, what: str, siblings: set[str]) -> tuple[str | None, Problem | None]:
    """The id of a file named `<id><suffix>`, or the problem with its name and where it should go."""
    if name.endswith(suffix) and ARTICLE_ID.fullmatch(name[: -len(suffix)]):
        return name[: -len(suffix)], None
    rel = f"{rel_dir}/{shown(name)}"
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return None, Problem(rel, None, None, f"no suffix — {what} are {rel_dir}/<id>{suffix}")
    if f".{ext}" != suffix:
        if f".{ext.lower()}" == suffix or (suffix == ".yaml" and ext.lower() == "yml"):
            return None, Problem(rel, None, None, f"rename it to {rel_dir}/{shown(stem)}{suffix} (suffix {suffix} in lower case)")
        return None, Problem(rel, None, None, f"{what} are {rel_dir}/<id>{suffix} — save it as {rel_dir}/{shown(stem)}{suffix}")
    if WINDOWS_RESERVED.fullmatch(stem):
        return None, Problem(rel, None, "article_id", f"'{shown(stem)}' is a name Windows reserves for a device (con, prn, aux, nul, "
                                                      "com1-com9, lpt1-lpt9): the repository could not be checked out there — rename the file")
    if not ARTICLE_ID.fullmatch(stem) and ARTICLE_ID.fullmatch(stem.lower()):
        lower = f"{rel_dir}/{shown(stem.lower())}{suffix}"
        if stem.lower() + suffix in siblings:
            return None, Problem(rel, None, "article_id", f"id differs only in case from {lower} — ids are lower-case; remove one of the two")
        return None, Problem(rel, None, "article_id", f"ids are lower-case — rename it to {lower}")
    if not ARTICLE_ID.fullmatch(stem):
        return None, Problem(rel, None, "article_id", f"'{shown(stem)}' is not a valid id (lower-case letters, digits, '_' or '-', at most "
                                                      f"{MAX_ARTICLE_ID} characters, starting with a letter or digit) — rename the file")
    return stem, None


def _check_top(root: Path, problems: list[Problem]) -> None:
    """seeds/ itself holds the four folders and nothing else."""
    folders = {d.rpartition("/")[2] for d in (ARTICLES_DIR, CURATION_DIR, SOURCES_DIR, REFERENCE_DIR)}
    if not (root / SEEDS).is_dir():
        return
    for entry in sorted(os.scandir(root / SEEDS), key=lambda e: e.name):
        if entry.name in folders and not entry.is_symlink() and entry.is_dir(follow_symlinks=False):
            continue
        problem = _name_problem(SEEDS, entry.name)
        problems.append(problem or Problem(f"{SEEDS}/{shown(entry.name)}", None, None,
                                           f"not read — articles go in {ARTICLES_DIR}/, their source records in {SOURCES_DIR}/, "
                                           f"curation files in {CURATION_DIR}/"))


def _files_by_id(root: Path, rel_dir: str, suffix: str, what: str, problems: list[Problem]) -> dict[str, os.DirEntry]:
    """The files of one folder named `<id><suffix>`, by id; every other entry is a problem (the
    editors' `*.schema.json` excepted)."""
    entries = _entries(root, rel_dir, problems)
    names = {e.name for e in entries}
    found = {}
    for entry in entries:
        if entry.name.endswith(".schema.json"):
            continue
        article_id, problem = _placed(rel_dir, entry.name, suffix, what, names)
        if problem is not None:
            problems.append(problem)
        elif article_id is not None:
            found[article_id] = entry
    return found


def scan_seeds(root: Path, reference_files: tuple[str, ...]) -> SeedTree:
    """Every file under seeds/ checked for its kind, its name and its place."""
    tree = SeedTree()
    _check_top(root, tree.problems)
    tree.articles = _files_by_id(root, ARTICLES_DIR, ".txt", "articles", tree.problems)
    tree.curation = _files_by_id(root, CURATION_DIR, ".yaml", "curation files", tree.problems)
    tree.sources = _files_by_id(root, SOURCES_DIR, ".yaml", "source records", tree.problems)
    known = {rel.rpartition("/")[2]: rel for rel in reference_files}
    for entry in _entries(root, REFERENCE_DIR, tree.problems):
        if entry.name in known:
            tree.reference[known[entry.name]] = Path(entry.path)
        else:
            tree.problems.append(Problem(f"{REFERENCE_DIR}/{shown(entry.name)}", None, None,
                                         f"not a reference file — the reference files are {', '.join(sorted(known))}"))
    return tree


def read_regular(path: Path | str, limit: int | None = None) -> bytes:
    """A file's bytes, refusing (OSError) anything that is not a regular file at the moment it is
    opened: no link is followed, no pipe waited on. With `limit`, at most that many bytes + 1."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read() if limit is None else handle.read(limit + 1)
    finally:
        os.close(fd)
