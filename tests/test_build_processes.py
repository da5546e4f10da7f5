"""A build's processes die with it (issue 27, defect 8): after SIGKILL or SIGTERM of a build, no
worker is alive 5 s later; SIGTERM cleans up and says so; the next command removes the temporary
files a killed build left. Real builds, real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO, make_repo

EXTRA = sorted((FIXTURES / "articles").glob("*.txt"))  # with the seeds: more than engine.workers.FEW_ARTICLES, so a pool
WAIT = 5.0

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended: only its parent's wait is missing


def _started_build(root: Path, *options: str) -> tuple[subprocess.Popen, set[int]]:
    """A cold build with two workers, once both pool workers extract (as many children as that)."""
    build = subprocess.Popen([sys.executable, "-m", "builders", "--root", str(root), "build", "--workers", "2", *options], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    workers: set[int] = set()
    while time.monotonic() < deadline and build.poll() is None:
        workers = {pid for pid in _children(build.pid) if _alive(pid)}
        if len(workers) >= 2 and (root / ".cache" / "parse").is_dir():  # the pool parses
            return build, workers
        time.sleep(0.05)
    build.kill()
    pytest.fail(f"the build's pool never ran: {build.communicate()}")


def _gone_within(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = {pid for pid in pids if _alive(pid)}
        if not alive:
            return set()
        time.sleep(0.05)
    return {pid for pid in pids if _alive(pid)}


@pytest.fixture
def root(tmp_path) -> Path:
    return make_repo(tmp_path / "repo", EXTRA)


def test_workers_die_with_a_killed_build_and_the_next_build_removes_its_leftovers(root):
    build, workers = _started_build(root)
    build.send_signal(signal.SIGKILL)
    build.wait()
    try:
        assert _gone_within(workers, WAIT) == set()
    finally:
        for pid in workers:  # (never left behind by a failing test)
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert list(root.glob(".build-*"))  # its work folder is left
    half_written = root / ".cache" / "tmp" / f"{build.pid}-parse~ab~abcdef"  # as an entry being written when it died
    half_written.parent.mkdir(parents=True, exist_ok=True)
    half_written.write_bytes(b"half an entry")
    after = subprocess.run([sys.executable, "-m", "builders", "--root", str(root), "build", "--workers", "2"], cwd=REPO,
                           capture_output=True, text=True)
    assert after.returncode == 0 and "Traceback" not in after.stderr, after.stderr
    assert "removed 1 temporary file(s) left by a killed build" in after.stderr
    assert "work folder(s) left by killed builds" in after.stderr
    assert list(root.glob(".build-*")) == [] and list((root / ".cache" / "tmp").iterdir()) == []


def test_sigterm_ends_the_workers_cleans_up_and_says_so(root):
    build, workers = _started_build(root)
    build.send_signal(signal.SIGTERM)
    try:
        _, stderr = build.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        build.kill()
        pytest.fail("the build did not stop within 5 s of SIGTERM")
    assert build.returncode == 128 + signal.SIGTERM
    assert "stopped by SIGTERM" in stderr and "Traceback" not in stderr
    assert _gone_within(workers, WAIT) == set()
    assert list(root.glob(".build-*")) == []  # its work folder removed
    assert not (root / "datapackage.json").exists()  # nothing published
    assert subprocess.run([sys.executable, "-m", "builders", "--root", str(root), "build", "--workers", "2"], cwd=REPO,
                          capture_output=True, text=True).returncode == 0


def test_the_processes_of_a_local_dask_cluster_die_with_a_killed_build(root):
    """Dask's local cluster spawns its workers (and multiprocessing's resource tracker) as children
    of the build; they end when it is killed, without being told."""
    build, workers = _started_build(root, "--engine", "dask")
    build.send_signal(signal.SIGKILL)
    build.wait()
    try:
        assert _gone_within(workers, WAIT) == set()
    finally:
        for pid in workers:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
