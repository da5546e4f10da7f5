"""The pipeline, composed from the stages: nothing but the command line imports this module.

build   = make.make_package (seeds -> engine (per-article extraction, cached) -> assemble -> publish into a work
          directory) -> validate there -> swap in (a failed build leaves the published package as it was;
          a killed one is recovered by the next command: publish/swap.py, and the temporary files it
          left under .cache/ removed)
check   = validate the published package (+ with `rebuild`, build afresh and compare file by file)
release = the files of dist/ from the published package, replaced as a whole
build and release hold the lock of the root (publish/lock.py), validate shares it; faults of the
machine (full disk, read-only folder) come back as one line each (publish/faults.py)
score   = build the seeds plus annotated texts in a temporary root and score that package
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .inputs.tree import SOURCES_DIR
from .problems import Problem
from .publish.faults import MachineFault, machine_fault
from .publish.lock import Busy, hold  # noqa: F401  (Busy re-exported for the command line)
from .publish.swap import JOURNAL, discard, recover, swap_in, unfinished, work_folder
from .schema.dataset import citation
from .schema.files import UnsafeFile
from .schema.layout import PUBLISHED_PATHS
from .validate import differences, validate_package
from .validate.diff import diff  # noqa: F401  (re-exported for the command line)

if TYPE_CHECKING:
    from .engine import Options
    from .quality import Report

# Building (make.py: the extraction code, the engine, publishing), releasing and scoring are
# imported by the functions that do them: `validate` loads only what checks a package.


def _failed(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def build_afresh(root: Path, out: Path, options: Options | None = None) -> list[Problem]:
    """Build the package from `root`'s seeds alone into the empty directory `out`: every article
    through the cache, none from the last build's tables, no lock, nothing validated or published
    (what `check --rebuild` compares with and `score` scores); problems are collected, not raised,
    so that all are reported."""
    from .engine import Options
    from .make import make_package

    return make_package(root, out, options or Options()).problems


def build(root: Path, options: Options | None = None, wait: float = 0.0) -> list[Problem]:
    """Build, validate and publish, one build at a time: while another holds the lock this waits
    up to `wait` seconds, then raises `Busy`. On any error — and whenever the process dies — the
    published package is the previous one or the new one, complete (an interrupted build is
    recovered first, and the temporary files a killed build left are removed). A fault of the
    machine (full disk, read-only or forbidden folder) is one `MachineFault` line."""
    from .engine import Options

    problems: list[Problem] = []
    try:
        with hold(root, "build", wait=wait):
            problems += recover(root) + _remove_leftovers(root)
            if not _failed(problems):  # (an unreadable journal: nothing is touched)
                problems += _build_locked(root, options or Options())
    except OSError as error:  # the lock file, reading seeds, the parse cache, validation, recovery…
        problems.append(machine_fault(error, root, "read or write", "build"))
    return problems


def _remove_leftovers(root: Path) -> list[Problem]:
    """One warning line when a killed build's temporary files were removed from .cache/."""
    from .engine import remove_leftovers_of

    removed = remove_leftovers_of(root)
    return [Problem(".cache/tmp", None, None, f"removed {len(removed)} temporary file(s) left by a killed build", "warning")] if removed else []


def _build_locked(root: Path, options: Options) -> list[Problem]:
    try:
        work = work_folder(root)
    except OSError as error:
        return [machine_fault(error, root, "write", "build")]
    from .make import make_package

    made = None
    try:
        made = make_package(root, work, options, from_last=True, keep=True)
        problems = made.problems
        if _failed(problems):
            return problems
        problems += validate_package(work, changed=made.changed)
        if _failed(problems):
            return problems
        try:
            swap_in(root, work, PUBLISHED_PATHS + _stage_docs(root, work))
        except OSError as error:
            return problems + [_swap_fault(error, root, "build")]
        return problems
    finally:
        if made is not None and made.saving is not None and made.saving.ident is not None:
            made.saving.join()
        discard(root, work)


def _stage_docs(root: Path, work: Path) -> tuple[str, ...]:
    """The documents a build regenerates (the README's dictionary, CITATION's version), made in
    the work folder; those that change are published in the same swap as the package (never
    rewritten in place, where a full disk would leave half a README)."""
    from .publish.card import read_measured_quality
    from .publish.docs import DOCUMENTS, update_docs

    names = [name for name in DOCUMENTS if (root / name).is_file()]
    for name in names:
        shutil.copy2(root / name, work / name)
    update_docs(work, read_measured_quality(root))
    changed = tuple(name for name in names if (work / name).read_bytes() != (root / name).read_bytes())
    for name in set(names) - set(changed):
        (work / name).unlink()
    return changed


def _swap_fault(error: OSError, root: Path, command: str, verb: str = "replace") -> MachineFault:
    """The fault, and whether the previous files are in place (an undone swap) or not yet."""
    fault = machine_fault(error, root, verb, command)
    after = ("the previous files are in place" if not unfinished(root) else
             f"the previous files are not all back: {JOURNAL} keeps the plan, and the next build or validate puts them back")
    return replace(fault, message=f"{fault.message} ({after})")


def check(root: Path, workers: int = 1, rebuild: bool = False, wait: float = 0.0) -> list[Problem]:
    """The published package is valid, consistent across editions, and up to date with seeds/;
    with `rebuild`, it also equals a fresh build by the current builders. Validations share the
    lock (a build waits for them, they wait for a build); an interrupted build is recovered first."""
    problems: list[Problem] = []
    try:
        while True:
            with hold(root, "validate", shared=True, wait=wait):
                if not unfinished(root):
                    problems += validate_package(root, check_freshness=True)
                    if rebuild:
                        reported = {str(p) for p in problems}
                        problems += [p for p in _rebuild_differences(root, workers) if str(p) not in reported]
                    return problems
            with hold(root, "validate", wait=wait):  # recovering needs the lock for itself
                problems += recover(root)
            if _failed(problems):
                return problems
    except OSError as error:
        return problems + [machine_fault(error, root, "read or write", "validate")]


def _rebuild_differences(root: Path, workers: int) -> list[Problem]:
    from .engine import Options

    work = Path(tempfile.mkdtemp(prefix=".validate-"))
    try:
        fresh = work / "package"
        problems = build_afresh(root, fresh, Options(workers=workers))
        return problems if _failed(problems) else problems + differences(root, fresh)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def release(root: Path, wait: float = 0.0, draft: bool = False) -> tuple[list[Path], list[Problem]]:
    """Write dist/ from the published package (replacing it as a whole), under the lock. Refused
    while the citation names a placeholder author, maintainer or address, unless it is a `draft`
    (for looking at the files; the release workflow never passes it)."""
    placeholders = citation().placeholders()
    if placeholders and not draft:
        return [], [Problem("pyproject.toml", None, "citation", "the release would cite placeholders ("
                            + "; ".join(placeholders) + ") — set [project] authors, maintainers and [project.urls] "
                            "Repository to the real values, build, then release (README: How to cite; --draft writes dist/ anyway, not for publishing)")]
    problems: list[Problem] = []
    try:
        with hold(root, "release", wait=wait):
            problems += recover(root)
            paths, more = _release_locked(root) if not _failed(problems) else ([], [])
            return paths, problems + more
    except OSError as error:
        return [], problems + [machine_fault(error, root, "read or write", "release")]


def _release_locked(root: Path) -> tuple[list[Path], list[Problem]]:
    from .publish import exports

    try:
        return exports.release(root), []
    except UnsafeFile as refused:  # a link, a pipe or a damaged file among what it would ship: nothing written
        path, _, message = str(refused).partition(": ")
        return [], [Problem(path, None, None, message)]
    except OSError as error:
        return [], [_swap_fault(error, root, "release", "write")]


SCORED_TEXT_SOURCE = "url: null\nretrieved_date: null\nlicence_basis: quotation\nnote: an annotated text added for scoring only, never published\n"


def score(root: Path, texts: list[Path], gold_dirs: list[Path], workers: int = 1) -> tuple[Report | None, list[Problem]]:
    """Build `root`'s seeds with `texts` added as articles (in a temporary root: nothing is copied
    into the repository) and score the package against the gold annotations in `gold_dirs`."""
    from .engine import Options

    work = Path(tempfile.mkdtemp(prefix=".score-"))
    try:
        shutil.copytree(root / "seeds", work / "seeds", ignore=shutil.ignore_patterns("*.txt"))
        shutil.copytree(root / "seeds" / "articles", work / "seeds" / "articles", dirs_exist_ok=True)
        for text in texts:
            target = work / "seeds" / "articles" / text.name
            if target.exists():
                return None, [Problem(str(text), None, None, "has the name of a seed article — rename it")]
            shutil.copyfile(text, target)
            (work / SOURCES_DIR / f"{text.stem}.yaml").write_text(SCORED_TEXT_SOURCE, encoding="utf-8")
        problems = build_afresh(work, work / "package", Options(workers=workers, use_cache=False))
        if _failed(problems):
            return None, problems
        from . import quality

        report = quality.score(work / "package", gold_dirs)
        report.package_dir = f"seeds + {len(texts)} annotated texts, built in a temporary root"
        return report, problems
    finally:
        shutil.rmtree(work, ignore_errors=True)
