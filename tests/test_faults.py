"""Faults of the machine and interrupted builds: the published package (and dist/) is always the
previous one or the new one, complete — whatever instant the process dies, whatever write fails;
one build at a time; every fault is one line naming the path and the cause."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import REPO, make_repo, run_cli, snapshot, tmpfs

from builders import cli
from builders.engine import caches
from builders.engine.store import STORE_DIR
from builders.pipeline import build, check, release
from builders.publish import exports, swap
from builders.publish.lock import LOCK, Busy, hold
from builders.schema.layout import PUBLISHED_PATHS
from builders.engine import Options

ARTICLE = "seeds/articles/003_f7aad1218264870f.txt"
OLD_WORDING = (b"RFE reports", b"RFE says")  # the old package is built from the seeds with this change


# --- helpers -------------------------------------------------------------------------------------

def files(root: Path, names=("datapackage.json", "datapackage", "schema", "dist")) -> dict[str, bytes]:
    """Every file under the published `names` of `root`, by relative path."""
    out = {}
    for name in names:
        path = root / name
        found = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        out |= {str(p.relative_to(root)): p.read_bytes() for p in found}
    return out


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".build-", swap.JOURNAL, LOCK)))


def write_tree(root: Path, tree: dict[str, bytes]) -> None:
    for rel, data in tree.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)


OLD = {"datapackage.json": b"old", "datapackage/csv/a.csv": b"old a", "schema/a.json": b"old schema"}
NEW = {"datapackage.json": b"new", "datapackage/csv/a.csv": b"new a", "datapackage/parquet/a.parquet": b"new p",
       "schema/a.json": b"new schema"}
OLD_DIST = {"dist/x.zip": b"old zip", "dist/by-year/a/part-0.parquet": b"old part"}
NEW_DIST = {"dist/x.zip": b"new zip", "dist/x.duckdb": b"new db", "dist/by-year/a/part-0.parquet": b"new part"}
CASES = {  # name -> (old tree, new tree, names swapped)
    "package": (OLD, NEW, PUBLISHED_PATHS),
    "first package": ({}, NEW, PUBLISHED_PATHS),
    "dist": (OLD_DIST, NEW_DIST, ("dist",)),
}


def renames(old: dict, names) -> int:
    """How many renames a swap makes: each previous path aside, each new one in."""
    return sum(1 for name in names if name in {Path(p).parts[0] for p in old}) + len(names)


def staged(root: Path, case: str) -> tuple[Path, dict, dict, tuple]:
    """A root holding the case's old tree, and a work folder holding its new one."""
    old, new, names = CASES[case]
    root.mkdir(parents=True, exist_ok=True)
    write_tree(root, old)
    work = swap.work_folder(root)
    write_tree(work, new)
    return work, old, new, names


# --- the swap, failing or killed at every step -----------------------------------------------------

@pytest.mark.parametrize("case", CASES)
def test_a_swap_failing_at_any_rename_leaves_the_previous_paths(tmp_path, monkeypatch, case):
    """os.replace (the journal's and every move) fails on its k-th call, for every k: the previous
    paths are back at once, the journal is gone, and the work folder still holds the new ones."""
    real, real_exchange, k = os.replace, swap._exchange, 0
    while True:
        k += 1
        root = tmp_path / f"k{k}"
        work, old, new, names = staged(root, case)
        calls = []

        def failing(src, dst, k=k, calls=calls):
            calls.append(src)
            if len(calls) == k:
                raise PermissionError(errno.EACCES, "Permission denied", str(src))
            real(src, dst)

        monkeypatch.setattr(os, "replace", failing)
        def failing_exchange(new, published, k=k, calls=calls):  # an exchange is a step as a rename is
            calls.append(new)
            if len(calls) == k:
                raise PermissionError(errno.EACCES, "Permission denied", str(published))
            return real_exchange(new, published)

        monkeypatch.setattr(swap, "_exchange", failing_exchange)
        try:
            swap.swap_in(root, work, names)
        except PermissionError:
            monkeypatch.setattr(os, "replace", real)
            monkeypatch.setattr(swap, "_exchange", real_exchange)
            assert files(root, names) == old, k
            assert files(work, names) == new and not (root / swap.JOURNAL).exists()
            continue
        monkeypatch.setattr(os, "replace", real)
        monkeypatch.setattr(swap, "_exchange", real_exchange)
        assert len(calls) < k and files(root, names) == new and not (root / swap.JOURNAL).exists()
        break
    assert k == 1 + renames(old, names) + 1  # the journal's os.replace and every rename failed once


KILLER = r"""
import os, signal, sys
from pathlib import Path
from builders.publish import swap
root, what, at, when = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
real, calls = os.replace, []
def dying(src, dst):
    calls.append(src)
    if len(calls) == at and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
    if len(calls) == at and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
os.replace = dying
real_exchange = getattr(swap, "_exchange", None)
def exchanging(new, published):  # an exchange is a step as a rename is: counted, and killed before or after
    calls.append(new)
    if len(calls) == at and when == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    done = real_exchange(new, published)
    if len(calls) == at and when == "after":
        os.kill(os.getpid(), signal.SIGKILL)
    return done
if real_exchange is not None:
    swap._exchange = exchanging
if what == "recover":
    swap.recover(root)
else:
    swap.swap_in(root, root / sys.argv[5], sys.argv[6].split(","))
"""


def killed(root: Path, what: str, at: int, when: str, *args: str) -> bool:
    """Run the swap (or the recovery) in a process SIGKILLed just before or after its `at`-th
    os.replace; True if it was killed (False: it finished before)."""
    result = subprocess.run([sys.executable, "-c", KILLER, str(root), what, str(at), when, *args],
                            cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode in (0, -signal.SIGKILL), result.stderr
    return result.returncode == -signal.SIGKILL


@pytest.mark.parametrize("case", CASES)
def test_a_swap_killed_at_every_step_is_recovered_to_the_old_or_the_new(tmp_path, case):
    """A real SIGKILL before and after each os.replace of the swap: `recover` then leaves the old
    paths, or the new ones when every new one was in place; a second recovery has nothing to do."""
    outcomes = []
    for at in range(1, 20):
        for when in ("before", "after"):
            root = tmp_path / f"{at}-{when}"
            work, old, new, names = staged(root, case)
            if not killed(root, "swap", at, when, work.name, ",".join(names)):
                assert files(root, names) == new and leftovers(root) == [work.name]
                break
            problems = swap.recover(root)
            after = files(root, names)
            assert after in (old, new), (at, when)
            outcomes.append("new" if after == new else "old")
            assert leftovers(root) == [] and swap.recover(root) == []
            assert [p.severity for p in problems] == ["warning"]  # one line: what it did
        else:
            continue
        break
    assert len(outcomes) == 2 * (renames(old, names) + 1)  # before and after the journal's os.replace, then every rename
    # finished once every new path is in place: after the last rename, or, when the last path was
    # published before, from just after its exchange (then only the previous one is moved aside)
    last_exchanged = names[-1] in {Path(p).parts[0] for p in old}
    assert outcomes == ["old"] * (2 * renames(old, names) + 1 - 2 * last_exchanged) + ["new"] * (1 + 2 * last_exchanged)


def test_a_published_path_is_never_missing_at_any_step_of_a_swap(tmp_path):
    """Issue 27, defect 15: a lock-free reader opens published paths by name. Killed before or
    after any step of a swap, before any recovery, every path the root had is there (the previous
    or the new one): each is exchanged in one step, never moved aside first."""
    for at in range(1, 20):
        for when in ("before", "after"):
            root = tmp_path / f"{at}-{when}"
            work, old, _, names = staged(root, "package")
            if not killed(root, "swap", at, when, work.name, ",".join(names)):
                return
            assert [name for name in names if not os.path.lexists(root / name)] == [], (at, when)
            assert all((root / rel).is_file() for rel in ("datapackage.json", "datapackage/csv/a.csv", "schema/a.json")), (at, when)


def test_a_recovery_killed_at_every_step_is_recovered_again(tmp_path):
    """Dying while putting the previous paths back is safe too: the next recovery ends the job."""
    for at in range(1, 20):
        root = tmp_path / f"recover-{at}"
        work, old, _, names = staged(root, "package")
        assert killed(root, "swap", 5, "before", work.name, ",".join(names))  # the last exchange not done
        if not killed(root, "recover", at, "after"):
            break
        swap.recover(root)
        assert files(root, names) == old and leftovers(root) == []
    assert at > 3


def test_recover_removes_work_folders_of_killed_builds_in_one_line(tmp_path):
    root = make_repo(tmp_path / "repo")
    for name in (".build-aaaa", ".build-bbbb"):
        write_tree(root / name, {"datapackage.json": b"half"})
    (root / f"{swap.JOURNAL}.tmp").write_text("{")
    assert [str(p) for p in swap.recover(root)] == [
        ".build-aaaa: warning: removed 2 work folder(s) left by killed builds (.build-aaaa, .build-bbbb)"]
    assert leftovers(root) == [] and swap.recover(root) == []


def test_a_journal_edited_by_hand_stops_every_command_with_one_line(repo):
    before = snapshot(repo)
    (repo / swap.JOURNAL).write_text("{not json")
    line = (f"{swap.JOURNAL}: the journal of an interrupted build cannot be read — compare datapackage.json, "
            "datapackage/, schema/ and dist/ with git status, then delete the journal and build again")
    assert [str(p) for p in build(repo)] == [line]
    assert [str(p) for p in check(repo)] == [line]
    assert [str(p) for p in release(repo, draft=True)[1]] == [line]
    assert snapshot(repo) == before


# --- real builds, killed -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def versions(tmp_path_factory) -> tuple[Path, dict, dict]:
    """A repository whose package (the old one) was built from seeds that differ from its
    seeds/ now (so a build makes a new one), with its caches; and both packages' files."""
    base = tmp_path_factory.mktemp("versions")
    newer = make_repo(base / "newer")
    assert build(newer) == []
    template = make_repo(base / "template")
    shutil.copytree(newer / ".cache", template / ".cache")
    article = template / ARTICLE
    original = article.read_bytes()
    article.write_bytes(original.replace(*OLD_WORDING))
    assert build(template) == []
    article.write_bytes(original)
    return template, snapshot(template), snapshot(newer)


def copy_of(template: Path, where: Path) -> Path:
    shutil.copytree(template, where, symlinks=True)
    return where


def paused_build(root: Path, step: int, *args: str) -> subprocess.Popen:
    """`python -m builders build`, paused (by the swap's test hook) at `step` of its swap."""
    marker = root.parent / f"{root.name}.paused"
    env = {**os.environ, swap.PAUSE_AT: f"{step}:{marker}"}
    process = subprocess.Popen([sys.executable, "-m", "builders", "--root", str(root), "build", "--workers", "1", *args],
                               cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return process


def kill(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.communicate()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.parametrize("step, ends_with", [(0, "old"), (3, "old"), (6, "new")])
def test_a_build_killed_during_its_swap_leaves_a_valid_package(versions, tmp_path, step, ends_with):
    """SIGKILL a real `build` at a step of its swap (0: journal written; 3: datapackage/ moved aside,
    so the root has no datapackage/; 6: every new path in place, journal still there); the next
    `validate` recovers (one warning line), and the package is the old one or the new one, valid."""
    template, old, new = versions
    root = copy_of(template, tmp_path / "repo")
    kill(paused_build(root, step))
    assert (root / swap.JOURNAL).exists()
    result = run_cli(root, "validate")
    assert result.stderr.splitlines()[0].startswith(f"{swap.JOURNAL}: warning: the publishing of datapackage.json, datapackage, schema")
    assert snapshot(root) == (new if ends_with == "new" else old) and leftovers(root) == []
    if ends_with == "old":  # the old package is valid for the seeds it was built from
        assert result.returncode == 1 and "stale" in result.stderr
        (root / ARTICLE).write_bytes((root / ARTICLE).read_bytes().replace(*OLD_WORDING))
        result = run_cli(root, "validate")
    assert result.returncode == 0, result.stderr


# --- one build at a time -------------------------------------------------------------------------

def test_a_second_build_is_refused_while_one_runs(versions, tmp_path):
    template, _, new = versions
    root = copy_of(template, tmp_path / "repo")
    first = paused_build(root, 0)
    try:
        for command, *options in (("build",), ("validate",), ("release", "--draft")):
            result = run_cli(root, command, *options)
            assert result.returncode == cli.EXIT_BUSY
            assert result.stderr.splitlines() == [
                f"another build is running in this repository (pid {first.pid}) — wait for it, "
                f"or run `python -m builders {command}` again with --wait SECONDS"]
        started = time.monotonic()
        assert run_cli(root, "build", "--wait", "1").returncode == cli.EXIT_BUSY
        assert time.monotonic() - started >= 1
    finally:
        kill(first)
    result = run_cli(root, "build", "--workers", "1")  # the lock went with the killed process
    assert result.returncode == 0, result.stderr
    assert "the previous ones were put back" in result.stderr
    assert snapshot(root) == new and leftovers(root) == []


HOLDER = r"""
import sys, time
from pathlib import Path
from builders.publish.lock import hold
with hold(Path(sys.argv[1]), sys.argv[2], shared=sys.argv[2] == "validate"):
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def holding(root: Path, command: str, seconds: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(root), command, str(seconds)], cwd=REPO,
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "held\n"
    return process


def test_a_build_waits_for_the_one_running(versions, tmp_path):
    template, _, new = versions
    root = copy_of(template, tmp_path / "repo")
    other = holding(root, "build", 3)
    started = time.monotonic()
    result = run_cli(root, "build", "--workers", "1", "--wait", "60")
    assert other.wait() == 0
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started > 2.5
    assert snapshot(root) == new and leftovers(root) == []


def test_two_builds_started_together_both_publish(versions, tmp_path):
    """Two real builds at once (which crashed on dist/ before): one waits for the other."""
    template, _, new = versions
    root = copy_of(template, tmp_path / "repo")
    command = [sys.executable, "-m", "builders", "--root", str(root), "build", "--workers", "1", "--wait", "120"]
    builds = [subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for process in builds:
        _, err = process.communicate()
        assert process.returncode == 0, err
    assert snapshot(root) == new and leftovers(root) == []
    assert run_cli(root, "validate").returncode == 0


def test_validations_share_the_lock_and_a_build_waits_for_them(versions, tmp_path):
    template = versions[0]
    root = copy_of(template, tmp_path / "repo")
    (root / ARTICLE).write_bytes((root / ARTICLE).read_bytes().replace(*OLD_WORDING))
    reader = holding(root, "validate", 30)
    try:
        assert run_cli(root, "validate").returncode == 0  # alongside another validation
        result = run_cli(root, "build")
        assert result.returncode == cli.EXIT_BUSY and "another validation is running" in result.stderr
    finally:
        reader.kill()
        reader.wait()
    with hold(root, "validate", shared=True), hold(root, "validate", shared=True), pytest.raises(Busy), hold(root, "build"):
        pass
    assert leftovers(root) == []  # the last holder removes the lock file


FORKING_HOLDER = r"""
import multiprocessing, os, signal, sys, time
from pathlib import Path
from builders.publish.lock import hold
with hold(Path(sys.argv[1]), "build"):
    worker = multiprocessing.get_context("fork").Process(target=time.sleep, args=(60,))
    worker.start()  # as a process pool's worker: forked while the lock is held
    print(worker.pid, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_killed_build_s_forked_workers_do_not_keep_the_lock(tmp_path):
    """A flock belongs to the open file, which fork shares: workers orphaned by a killed build
    (they outlive it) must not keep the repository locked."""
    process = subprocess.Popen([sys.executable, "-c", FORKING_HOLDER, str(tmp_path)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    worker = int(process.stdout.readline())  # (the worker keeps the pipe open: no waiting for its end)
    assert process.wait() == -signal.SIGKILL
    try:
        os.kill(worker, 0)  # the orphan lives on (60 s)
        with hold(tmp_path, "build", wait=5):  # (a moment for it to run its at-fork hook, if just forked)
            pass
    finally:
        os.kill(worker, signal.SIGKILL)


# --- faults of the machine -----------------------------------------------------------------------

@pytest.fixture
def repo(versions, tmp_path) -> Path:
    return copy_of(versions[0], tmp_path / "repo")


def enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "Error writing bytes to file. Detail: [errno 28] No space left on device")  # as pyarrow


def test_a_full_disk_while_writing_the_package_is_one_line(repo, monkeypatch):
    before = snapshot(repo)
    monkeypatch.setattr(pq, "write_table", enospc)
    assert [str(p) for p in build(repo)] == [
        "datapackage: cannot write: No space left on device — free some space and build again"]
    assert snapshot(repo) == before and leftovers(repo) == []


def test_a_file_the_package_cannot_write_is_named(repo, monkeypatch):
    real = Path.write_text

    def forbidden(self, *args, **kwargs):
        if self.name == "quotes.json":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    before = snapshot(repo)
    monkeypatch.setattr(Path, "write_text", forbidden)
    assert [str(p) for p in build(repo)] == [
        "schema/quotes.json: cannot write: Permission denied — give your user write access to it (ls -ld; chmod, chown) and build again"]
    assert snapshot(repo) == before and leftovers(repo) == []


def test_a_root_nobody_can_write_is_one_line(repo, monkeypatch):
    def read_only(*args, dir=None, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(Path(dir) / ".build-x1y2"))

    monkeypatch.setattr(swap.tempfile, "mkdtemp", read_only)
    before = snapshot(repo)
    assert [str(p) for p in build(repo)] == [
        f"{repo}: cannot write: Read-only file system — the file system is mounted read-only: build in a writable copy"]
    assert snapshot(repo) == before


def test_a_swap_refused_by_the_file_system_keeps_the_previous_package(repo, monkeypatch):
    real, calls = os.replace, []

    def refusing(src, dst):
        calls.append(src) if ".cache" not in str(src) else None
        if len(calls) == 4 and ".cache" not in str(src):  # datapackage.json is new already; datapackage/ refuses to move
            raise PermissionError(errno.EACCES, "Permission denied", str(src))
        real(src, dst)

    def refusing_exchange(new, published, exchange=swap._exchange):  # an exchange is a step of the swap as a rename is
        calls.append(new)
        if len(calls) == 4:
            raise PermissionError(errno.EACCES, "Permission denied", str(published))
        return exchange(new, published)

    before = snapshot(repo)
    monkeypatch.setattr(os, "replace", refusing)
    monkeypatch.setattr(swap, "_exchange", refusing_exchange)
    assert [str(p) for p in build(repo)] == [
        "datapackage: cannot replace: Permission denied — give your user write access to it (ls -ld; chmod, chown) and build again "
        "(the previous files are in place)"]
    assert snapshot(repo) == before and leftovers(repo) == []


def test_a_cache_that_cannot_be_written_is_a_warning_and_the_build_goes_on(repo, versions, monkeypatch):
    real, tried = Path.write_bytes, []

    def full_cache(self, data):
        if self.parent.name == "tmp" and "-extract~" in self.name:  # a rows entry being written (builders/cache.py)
            tried.append(self)
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    shutil.rmtree(repo / caches.CACHE_DIR)  # every article extracted (no last build: the rows come from the cache)
    shutil.rmtree(repo / STORE_DIR)
    monkeypatch.setattr(Path, "write_bytes", full_cache)
    assert [str(p) for p in build(repo)] == [  # every article extracted, its cache entry refused
        ".cache/extract: warning: cannot write: No space left on device — the build went on without caching "
        "(free some space or make .cache/ writable to have it again)"]
    assert len(tried) == len(list((repo / "seeds" / "articles").glob("*.txt")))  # each tried once, where it was made; one warning
    assert snapshot(repo) == versions[2]
    assert not list((repo / ".cache" / "tmp").iterdir())


def test_a_full_disk_while_writing_dist_keeps_the_previous_dist(repo, monkeypatch):
    assert release(repo, draft=True)[1] == []
    before = files(repo, ["dist"])
    monkeypatch.setitem(exports.EXPORTS, "{name}.duckdb", enospc)
    paths, problems = release(repo, draft=True)
    assert paths == [] and [str(p) for p in problems] == [
        "dist/serbia-arms-pressure.duckdb: cannot write: No space left on device — free some space and release again "
        "(the previous files are in place)"]
    assert files(repo, ["dist"]) == before and leftovers(repo) == []


def test_a_dist_swap_refused_keeps_the_previous_dist(repo, monkeypatch):
    assert release(repo, draft=True)[1] == []
    before = files(repo, ["dist"])
    real, calls = os.replace, []

    def refusing(src, dst):
        calls.append(src)
        if len(calls) == 3:  # the old dist/ exchanged with the new one, then refused to move aside
            raise OSError(errno.EIO, "Input/output error", str(src))
        real(src, dst)

    def counted_exchange(new, published, exchange=swap._exchange):  # an exchange is a step of the swap as a rename is
        calls.append(new)
        return exchange(new, published)

    monkeypatch.setattr(os, "replace", refusing)
    monkeypatch.setattr(swap, "_exchange", counted_exchange)
    problems = release(repo, draft=True)[1]
    assert [str(p) for p in problems] == [
        "dist: cannot write: Input/output error — the disk reports an error: check it (dmesg) and release again "
        "(the previous files are in place)"]
    monkeypatch.setattr(os, "replace", real)
    assert files(repo, ["dist"]) == before and leftovers(repo) == []


def test_the_command_line_exits_4_on_a_machine_fault(repo, monkeypatch, capsys):
    monkeypatch.setattr(pq, "write_table", enospc)
    assert cli.main(["--root", str(repo), "build", "--workers", "1"]) == cli.EXIT_MACHINE
    assert capsys.readouterr().err.splitlines() == [
        "datapackage: cannot write: No space left on device — free some space and build again", "1 error(s)."]


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs."""
    yield from tmpfs(tmp_path, "4m")


def test_a_really_full_disk(small_disk, versions):
    """The same on a real full file system: one line, exit 4, the previous package intact."""
    root = make_repo(small_disk / "repo")
    assert run_cli(root, "build", "--workers", "1").returncode in (0, cli.EXIT_MACHINE)  # dist/ may not fit
    assert snapshot(root) == versions[2]
    (small_disk / "filler").write_bytes(b"")
    with open(small_disk / "filler", "wb") as filler:  # fill what is left but 64 kB
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        filler.write(b"\0" * max(0, free - 64 * 1024))
    (root / ARTICLE).write_bytes((root / ARTICLE).read_bytes().replace(*OLD_WORDING))
    result = run_cli(root, "build", "--workers", "1")
    assert result.returncode == cli.EXIT_MACHINE, result.stderr
    line, count = result.stderr.splitlines()
    assert line.endswith(": cannot write: No space left on device — free some space and build again") and count == "1 error(s)."
    assert snapshot(root) == versions[2] and leftovers(root) == []
    (root / ARTICLE).write_bytes((root / ARTICLE).read_bytes().replace(*reversed(OLD_WORDING)))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    result = run_cli(root, "build")
    assert result.returncode == cli.EXIT_MACHINE and result.stderr.splitlines() == [
        ".build.lock: cannot write: Read-only file system — the file system is mounted read-only: build in a writable copy",
        "1 error(s)."]
    assert run_cli(root, "validate").returncode == 0  # a read-only checkout can still be validated
