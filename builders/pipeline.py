"""The pipeline, composed from the stages: nothing but the command line imports this module.

build   = seeds -> engine (per-article extraction, cached) -> assemble -> publish into a work
          directory -> validate there -> swap in (a failed build leaves the published package as it was)
check   = validate the published package (+ with `rebuild`, build afresh and compare file by file)
release = the files of dist/ from the published package
score   = build the seeds plus annotated texts in a temporary root and score that package
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pyarrow as pa

from .assemble import assemble
from .engine import Progress, extract_all
from .extract.nlp import LanguageLayerError
from .inputs.seeds import read_seeds
from .problems import Problem
from . import quality
from .publish import exports
from .publish.package import write_package
from .publish.docs import update_docs
from .publish.swap import swap_in
from .validate import differences, validate_package
from .validate.diff import diff  # noqa: F401  (re-exported for the command line)


def _failed(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def build_into(root: Path, out: Path, workers: int = 1, use_cache: bool = True, engine: str = "local",
               scheduler: str | None = None, progress: Progress | None = None) -> list[Problem]:
    """Build the package from `root`'s seeds into the empty directory `out`; problems are
    collected, not raised, so that all are reported."""
    seeds = read_seeds(root)
    problems = seeds.problems
    extracted = []
    try:
        results = extract_all(seeds.jobs, seeds.reference, root, workers, use_cache, engine, scheduler, progress)
    except LanguageLayerError as missing:  # never a fallback without the parse: the rows would differ
        return problems + [Problem("requirements.lock", None, None, str(missing))]
    for columns, found in results:
        problems.extend(found)
        if columns is not None:
            extracted.append(columns)
    if _failed(problems):
        return problems
    write_package(assemble(extracted, seeds.reference), out, seeds.digest)
    pa.default_memory_pool().release_unused()  # give the writer's Arrow buffers back before validation
    return problems


def build(root: Path, workers: int = 1, use_cache: bool = True, engine: str = "local", scheduler: str | None = None,
          progress: Progress | None = None) -> list[Problem]:
    """Build, validate and publish; on any error the published package is left as it was."""
    work = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        problems = build_into(root, work, workers, use_cache, engine, scheduler, progress)
        if _failed(problems):
            return problems
        problems += validate_package(work)
        if _failed(problems):
            return problems
        swap_in(root, work)
        update_docs(root)
        return problems
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(root: Path, workers: int = 1, rebuild: bool = False) -> list[Problem]:
    """The published package is valid, consistent across editions, and up to date with seeds/;
    with `rebuild`, it also equals a fresh build by the current builders."""
    problems = validate_package(root, check_freshness=True)
    if rebuild:
        reported = {str(p) for p in problems}
        problems += [p for p in _rebuild_differences(root, workers) if str(p) not in reported]
    return problems


def _rebuild_differences(root: Path, workers: int) -> list[Problem]:
    work = Path(tempfile.mkdtemp(prefix=".validate-"))
    try:
        fresh = work / "package"
        problems = build_into(root, fresh, workers)
        return problems if _failed(problems) else problems + differences(root, fresh)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def release(root: Path) -> list[Path]:
    """Write dist/ from the published package."""
    return exports.release(root)


def score(root: Path, texts: list[Path], gold_dirs: list[Path], workers: int = 1) -> tuple[quality.Report | None, list[Problem]]:
    """Build `root`'s seeds with `texts` added as articles (in a temporary root: nothing is copied
    into the repository) and score the package against the gold annotations in `gold_dirs`."""
    work = Path(tempfile.mkdtemp(prefix=".score-"))
    try:
        shutil.copytree(root / "seeds", work / "seeds", ignore=shutil.ignore_patterns("*.txt"))
        shutil.copytree(root / "seeds" / "articles", work / "seeds" / "articles", dirs_exist_ok=True)
        for text in texts:
            target = work / "seeds" / "articles" / text.name
            if target.exists():
                return None, [Problem(str(text), None, None, "has the name of a seed article — rename it")]
            shutil.copyfile(text, target)
        problems = build_into(work, work / "package", workers, use_cache=False)
        if _failed(problems):
            return None, problems
        report = quality.score(work / "package", gold_dirs)
        report.package_dir = f"seeds + {len(texts)} annotated texts, built in a temporary root"
        return report, problems
    finally:
        shutil.rmtree(work, ignore_errors=True)
