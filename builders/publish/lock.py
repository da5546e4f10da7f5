"""One build at a time: an advisory lock (`flock`) on `.build.lock` at the repository root.

`build` and `release` hold it exclusively, `validate` shared (several may read the package at
once, none while a build replaces it). A command that finds it held waits up to `wait` seconds,
then raises `Busy` naming the holder (its pid and command, written in the file). The lock goes
with the process: a killed build holds nothing (its forked workers let go of it at once). The
file itself is removed by the last holder, so that a checkout stays clean; a waiter that got the
lock of a file removed meanwhile tries again on the new one.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK = ".build.lock"
_POLL = 0.1  # seconds between two tries while waiting
_HELD: set[int] = set()  # this process's lock descriptors


def _let_go_in_child() -> None:
    """A forked child (a process pool's worker) does not keep the lock: a flock belongs to the
    open file, which fork shares, and workers orphaned by a killed build would hold it on."""
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_let_go_in_child)


class Busy(Exception):
    """Another process holds the lock (its pid and command, when it could write them)."""

    def __init__(self, pid: int | None, command: str | None):
        super().__init__(f"another {command or 'build'} is running (pid {pid or 'unknown'})")
        self.pid = pid
        self.command = command


@contextmanager
def hold(root: Path, command: str, shared: bool = False, wait: float = 0.0) -> Iterator[None]:
    """Hold the lock of `root` for `command` ("build", "release", "validate"): exclusively, or
    shared. A shared lock on a root nobody can write (no lock file can be made) is not needed:
    no build can run there either."""
    path = root / LOCK
    deadline = time.monotonic() + max(0.0, wait)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    try:
        fd = _acquire(path, mode, deadline)
    except OSError as error:
        if not (shared and error.errno in (errno.EROFS, errno.EACCES, errno.EPERM)):
            raise
        fd = None
    if fd is None:
        yield
        return
    _HELD.add(fd)
    try:
        _write_holder(fd, command)
        yield
    finally:
        _HELD.discard(fd)
        _release(fd, path, shared)


def _acquire(path: Path, mode: int, deadline: float) -> int:
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd, mode, deadline, path)
            if _is_the_file(fd, path):
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # the file was removed by its last holder meanwhile: lock the new one


def _lock(fd: int, mode: int, deadline: float, path: Path) -> None:
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise Busy(*holder(path)) from None
            time.sleep(_POLL)


def _is_the_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _write_holder(fd: int, command: str) -> None:
    """The holder's pid and command, for a refused command to name (best effort: a full disk
    must not stop a command that writes nothing else)."""
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)
    except OSError:
        pass


def holder(path: Path) -> tuple[int | None, str | None]:
    """(pid, command) of the lock's holder as it wrote them, or Nones."""
    try:
        pid, _, command = path.read_text(encoding="utf-8").strip().partition(" ")
        return int(pid), command or None
    except (OSError, ValueError):
        return None, None


def _release(fd: int, path: Path, shared: bool) -> None:
    """Let go; the last holder removes the file (a reader is the last if it can lock exclusively)."""
    try:
        if shared:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if _is_the_file(fd, path):
            path.unlink()
    except OSError:  # other readers hold it still, or the folder cannot be written: the file stays
        pass
    finally:
        os.close(fd)
