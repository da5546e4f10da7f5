"""The pipeline, composed from the stages: nothing but the command line imports this module.

build   = seeds -> engine (per-article extraction, cached) -> assemble -> publish into a work
          directory -> validate there -> swap in (a failed build leaves the published package as it was;
          a killed one is recovered by the next command: publish/swap.py)
check   = validate the published package (+ with `rebuild`, build afresh and compare file by file)
release = the files of dist/ from the published package, replaced as a whole
build and release hold the lock of the root (publish/lock.py), validate shares it; faults of the
machine (full disk, read-only folder) come back as one line each (publish/faults.py)
score   = build the seeds plus annotated texts in a temporary root and score that package
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pyarrow as pa

from . import quality, store
from .assemble import assemble
from .engine import Progress, cached_reference, extract_all, started_workers
from .extract.nlp import LanguageLayerError, model_fingerprint
from .incremental import changed_row_problems, kept_rows, plan, preload, record
from .inputs.hashes import FileHashes, load_hashes, save_hashes
from .inputs.reference import load_reference
from .inputs.seeds import read_seeds
from .inputs.tree import SOURCES_DIR
from .problems import Problem
from .store import LastBuild
from .publish import exports
from .publish.docs import DOCUMENTS, update_docs
from .publish.faults import MachineFault, machine_fault
from .publish.lock import Busy, hold  # noqa: F401  (Busy re-exported for the command line)
from .publish.card import PICTURE_CACHE
from .publish.package import write_package
from .publish.swap import JOURNAL, discard, recover, swap_in, unfinished, work_folder
from .schema.layout import PUBLISHED_PATHS
from .validate import differences, validate_package
from .validate.diff import diff  # noqa: F401  (re-exported for the command line)


def _failed(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def build_into(root: Path, out: Path, workers: int = 1, use_cache: bool = True, engine: str = "local",
               scheduler: str | None = None, progress: Progress | None = None) -> list[Problem]:
    """Build the package from `root`'s seeds into the empty directory `out`, every article
    through the cache (none from the last build's tables); problems are collected, not raised, so
    that all are reported."""
    return _make(root, out, workers, use_cache, engine, scheduler, progress, from_last=False, keep=False).problems


@dataclass
class _Made:
    problems: list[Problem]
    saving: threading.Thread | None = None  # saving this build's store (see store.py)
    checked: list[Problem] | None = None  # made from the last build's rows: what the changed rows' check found


def _make(root: Path, out: Path, workers: int, use_cache: bool, engine: str, scheduler: str | None,
          progress: Progress | None, from_last: bool, keep: bool) -> _Made:
    """Build into `out`; `from_last`: from the last build's rows where there are some (only the
    articles whose inputs changed are extracted); `keep`: save this build's as the last build
    (only a build holding the lock alone does; join `saving`)."""
    try:
        model_fingerprint()  # every cache and the store depend on the language layer
    except LanguageLayerError as missing:  # never a fallback without the parse: the rows would differ
        return _Made(read_seeds(root).problems + [Problem("requirements.lock", None, None, str(missing))])
    store.fingerprint()  # of the code this build runs, before any of it can be edited
    reference, reference_problems = (cached_reference if use_cache else load_reference)(root)
    with started_workers(reference, root, workers, engine) as pool:  # loading spaCy while the seeds are read
        with ThreadPoolExecutor(max_workers=1) as background:  # the store is read while seeds/ is
            loading = background.submit(store.load, root) if from_last else None
            hashes = load_hashes(root) if use_cache else FileHashes()
            seeds = read_seeds(root, lambda _: (reference, reference_problems), hashes)
            background.submit(save_hashes, root, hashes)
            last = loading.result() if loading else None
        problems = seeds.problems
        todo, now = plan(seeds.jobs, seeds.reference, last)
        try:
            results = extract_all(todo, seeds.reference, root, workers, use_cache, engine, scheduler, progress, problems.append, preload, pool)
        except LanguageLayerError as missing:  # another model's version, a model that does not load
            return _Made(problems + [Problem("requirements.lock", None, None, str(missing))])
    found = {job.article_id: result[1] for job, result in zip(todo, results, strict=True)}
    for job in seeds.jobs:  # in article order, as if every article had been extracted now
        problems += found[job.article_id] if job.article_id in found else now.extras[job.article_id][2]
    if _failed(problems):
        return _Made(problems)
    extracted = [columns for columns, _ in results if columns is not None]
    tables = assemble(extracted, seeds.reference, kept_rows(last, now))
    record(now, extracted, found, tables)
    del results, extracted  # every row is in `tables` now: the Python objects go before the files are written (peak memory)
    made = _Made(problems, threading.Thread(target=_save_store, args=(root, now)) if keep else None)
    if made.saving:  # saved while the package is written, checked and swapped in: its rows are what the
        made.saving.start()  # builders make of these inputs, whatever validation finds (as the cache's are)
    return _write(made, tables, set(found) if last is not None else None, root, out, seeds.digest, use_cache)


def _write(made: _Made, tables: dict[str, pa.Table], changed: set[str] | None, root: Path, out: Path, digest: str, use_cache: bool) -> _Made:
    """Write the package into `out` (the pictures through their cache with `use_cache`); when the
    build started from the last one's rows, the rows of the `changed` articles are checked
    meanwhile (`made.checked`)."""
    with ThreadPoolExecutor(max_workers=1) as background:
        checking = background.submit(changed_row_problems, tables, changed, out) if changed is not None else None
        try:
            write_package(tables, out, digest, root / PICTURE_CACHE if use_cache else None)
        except OSError as error:  # pyarrow's errors name no file: the package folder is named
            made.problems.append(machine_fault(error, root, "write", "build", path=out / "datapackage"))
            return made
        made.checked = checking.result() if checking else None
    pa.default_memory_pool().release_unused()  # give the writer's Arrow buffers back before validation
    return made


def build(root: Path, workers: int = 1, use_cache: bool = True, engine: str = "local", scheduler: str | None = None,
          progress: Progress | None = None, wait: float = 0.0, release_dist: bool = False) -> list[Problem]:
    """Build, validate and publish (and with `release_dist`, write dist/ then), one build at a
    time: while another holds the lock this waits up to `wait` seconds, then raises `Busy`. On any
    error — and whenever the process dies — the published package is the previous one or the new
    one, complete (an interrupted build is recovered first). A fault of the machine (full disk,
    read-only or forbidden folder) is one `MachineFault` line."""
    problems: list[Problem] = []
    try:
        with hold(root, "build", wait=wait):
            problems += recover(root)
            if not _failed(problems):  # (an unreadable journal: nothing is touched)
                problems += _build_locked(root, workers, use_cache, engine, scheduler, progress)
            if release_dist and not _failed(problems):
                problems += _release_locked(root)[1]
    except OSError as error:  # the lock file, reading seeds, the parse cache, validation, recovery…
        problems.append(machine_fault(error, root, "read or write", "build"))
    return problems


def _build_locked(root: Path, workers: int, use_cache: bool, engine: str, scheduler: str | None,
                  progress: Progress | None) -> list[Problem]:
    try:
        work = work_folder(root)
    except OSError as error:
        return [machine_fault(error, root, "write", "build")]
    made = None
    try:
        made = _make(root, work, workers, use_cache, engine, scheduler, progress, from_last=use_cache, keep=True)
        problems = made.problems
        if _failed(problems):
            return problems
        problems += _validate_new(work, made)
        if _failed(problems):
            return problems
        try:
            swap_in(root, work, PUBLISHED_PATHS + _stage_docs(root, work))
        except OSError as error:
            return problems + [_swap_fault(error, root, "build")]
        return problems
    finally:
        if made is not None and made.saving is not None:
            made.saving.join()
        discard(root, work)


def _save_store(root: Path, now: LastBuild) -> None:
    try:
        store.save(root, now)
    except OSError:  # a full disk, a read-only .cache/: the next build starts from the cache instead
        pass


def _validate_new(work: Path, made: _Made) -> list[Problem]:
    """The package just built, validated as a whole; when made from the last build's rows, only
    the changed rows and every key were checked, and the whole package is validated only when
    that found a problem (for validate's report)."""
    if made.checked == []:
        return []
    return validate_package(work)


def _stage_docs(root: Path, work: Path) -> tuple[str, ...]:
    """The documents a build regenerates (the README's dictionary, CITATION's version), made in
    the work folder; those that change are published in the same swap as the package (never
    rewritten in place, where a full disk would leave half a README)."""
    names = [name for name in DOCUMENTS if (root / name).is_file()]
    for name in names:
        shutil.copy2(root / name, work / name)
    update_docs(work)
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
    work = Path(tempfile.mkdtemp(prefix=".validate-"))
    try:
        fresh = work / "package"
        problems = build_into(root, fresh, workers)
        return problems if _failed(problems) else problems + differences(root, fresh)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def release(root: Path, wait: float = 0.0) -> tuple[list[Path], list[Problem]]:
    """Write dist/ from the published package (replacing it as a whole), under the lock."""
    problems: list[Problem] = []
    try:
        with hold(root, "release", wait=wait):
            problems += recover(root)
            paths, more = _release_locked(root) if not _failed(problems) else ([], [])
            return paths, problems + more
    except OSError as error:
        return [], problems + [machine_fault(error, root, "read or write", "release")]


def _release_locked(root: Path) -> tuple[list[Path], list[Problem]]:
    try:
        return exports.release(root), []
    except OSError as error:
        return [], [_swap_fault(error, root, "release", "write")]


SCORED_TEXT_SOURCE = "url: null\nretrieved_date: null\nlicence_basis: quotation\nnote: an annotated text added for scoring only, never published\n"


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
            (work / SOURCES_DIR / f"{text.stem}.yaml").write_text(SCORED_TEXT_SOURCE, encoding="utf-8")
        problems = build_into(work, work / "package", workers, use_cache=False)
        if _failed(problems):
            return None, problems
        report = quality.score(work / "package", gold_dirs)
        report.package_dir = f"seeds + {len(texts)} annotated texts, built in a temporary root"
        return report, problems
    finally:
        shutil.rmtree(work, ignore_errors=True)
