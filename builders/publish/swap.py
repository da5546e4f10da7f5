"""Publishing atomically, whatever instant the process dies: the published paths of the root
(datapackage.json, datapackage/, schema/ — or dist/) replaced by the new ones of a work folder.

A build or a release writes into a work folder `.build-*` directly under the root. `swap_in`
syncs the new files to disk, writes its plan to the journal `.publish-journal.json` (the work
folder and the names: a temp file, fsync, rename), then for each name moves the root's path into
`<work>/.previous` and the new one into the root, one rename each, and removes the journal once
every new path is in place. Where the system can (Linux: renameat2 with RENAME_EXCHANGE), a path
the root has is exchanged with the new one in one step, then moved aside from the work folder: a
reader that opens a published path by name never finds it missing, during a publish or after a
kill (it may see the new descriptor with the previous folder for the instant between two names'
exchanges). Elsewhere it is moved aside, then the new one moved in: two renames, the
path missing in between. The renames are the record of the steps done: for a name N,

    <work>/N exists             <=>  the new N is not in the root (yet, or again)
    <work>/.previous/N exists   <=>  the previous N is moved aside

save for the instant after an exchange, when <work>/N holds the previous N: the journal records
each new path's inode, so `recover` tells the two apart and first finishes that step.

so the disk says where each path is at any instant. A failed step is undone at once; when the
process died instead, the journal is left and `recover` (run first by build, release and
validate, under the lock) finishes the swap if every new path is in place, else puts every
previous path back (the new ones back into the work folder, then the old ones into the root —
each step keeps the rule above true, so recovering twice, or dying while recovering, is safe).
It then removes the journal, the work folder, and any work folder a killed build left behind.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from ..problems import Problem
from ..schema.layout import PUBLISHED_PATHS
from .faults import BACKUP, WORK_PREFIX

JOURNAL = ".publish-journal.json"
_JOURNAL_TMP = JOURNAL + ".tmp"
PAUSE_AT = "BUILDERS_TEST_PAUSE_AT"  # test hook only: see _pause


def work_folder(root: Path) -> Path:
    """A new, empty work folder under `root` (on the root's file system: renames stay atomic)."""
    return Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=root))


def unfinished(root: Path) -> bool:
    """A swap was interrupted (or is under way): `recover` has something to do."""
    return (root / JOURNAL).exists()


def discard(root: Path, work: Path) -> None:
    """Remove a work folder, unless an unfinished swap still needs it (it holds the previous
    paths until `recover` puts them back)."""
    plan = _read_journal(root) if unfinished(root) else None
    if not (isinstance(plan, dict) and plan.get("work") == work.name):
        shutil.rmtree(work, ignore_errors=True)


def swap_in(root: Path, work: Path, names: Sequence[str] = PUBLISHED_PATHS) -> None:
    """Replace `names` in `root` (any of them may be missing there) by those of `work` (a work
    folder of the root), all or none; a failure or an interruption (Ctrl-C) puts back the
    previous ones before the error goes on. If even that fails, the journal stays for `recover`."""
    if work.parent.resolve() != root.resolve():
        raise ValueError(f"{work} is not a work folder of {root}")
    backup = work / BACKUP
    backup.mkdir()
    if not _synced_file_system(work):
        for name in names:
            _sync(work / name)
    new = {name: _identity(work / name) for name in names}
    _write_journal(root, {"work": work.name, "names": list(names), "new": new, "pid": os.getpid(), "started": time.time()})
    step = 0
    _pause(step)
    try:
        for name in names:
            if os.path.lexists(root / name):
                exchanged = _exchange(work / name, root / name)  # the new one in, the previous in its place: no instant without
                if exchanged:
                    _pause(step := step + 1)
                os.replace(work / name if exchanged else root / name, backup / name)
                _pause(step := step + 1)
                if exchanged:
                    continue
            os.replace(work / name, root / name)
            _pause(step := step + 1)
        _sync_folder(root)
    except BaseException:
        try:
            _put_back(root, work, names, new)
            _remove_journal(root)
        except OSError:
            pass  # the journal stays: the next build, release or validate recovers
        raise
    _remove_journal(root)


def _identity(path: Path) -> list[int]:
    info = os.lstat(path)
    return [info.st_dev, info.st_ino]


_AT_FDCWD, _RENAME_EXCHANGE = -100, 2
_LIBC = ctypes.CDLL(None, use_errno=True) if os.name == "posix" else None


def _exchange(new: Path, published: Path) -> bool:
    """`new` and `published` exchanged in one step (renameat2 RENAME_EXCHANGE: Linux 3.15+, on
    ext4, xfs, btrfs, tmpfs…); False, with nothing done, where the system or file system cannot."""
    renameat2 = getattr(_LIBC, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(new), _AT_FDCWD, os.fsencode(published), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(published))


def _settle(work: Path, names: Sequence[str], new: dict | None) -> None:
    """A swap stopped right after an exchange: `<work>/N` holds the previous N (not the new one,
    by its inode): move it aside, so that the rules of the module's docstring hold again."""
    for name in names:
        ids = (new or {}).get(name)
        if isinstance(ids, list) and len(ids) == 2 and all(isinstance(i, int) for i in ids) and os.path.lexists(work / name) and not os.path.lexists(work / BACKUP / name) and _identity(work / name) != list(ids):
            os.replace(work / name, work / BACKUP / name)


def _put_back(root: Path, work: Path, names: Sequence[str], new: dict | None = None) -> None:
    """Every previous path back in the root, every new one back in the work folder."""
    _settle(work, names, new)
    for name in reversed(names):
        if not os.path.lexists(work / name) and os.path.lexists(root / name):
            os.replace(root / name, work / name)
        if os.path.lexists(work / BACKUP / name):
            os.replace(work / BACKUP / name, root / name)
    _sync_folder(root)


def recover(root: Path) -> list[Problem]:
    """Finish or undo a swap a killed process left, and remove the work folders of killed builds
    and releases; one warning line says what was done (none: nothing was left). Call it holding
    the lock exclusively (`lock.hold`): no build may be running."""
    done, where = [], JOURNAL
    if unfinished(root):
        plan = _read_journal(root)
        if not isinstance(plan, dict):
            return [Problem(JOURNAL, None, None, "the journal of an interrupted build cannot be read — compare datapackage.json, "
                            "datapackage/, schema/ and dist/ with git status, then delete the journal and build again")]
        done.append(_finish(root, root / plan["work"], plan["names"], plan.get("new")))
        _remove_journal(root)
        shutil.rmtree(root / plan["work"], ignore_errors=True)
    (root / _JOURNAL_TMP).unlink(missing_ok=True)
    stale = sorted(p.name for p in root.glob(WORK_PREFIX + "*") if p.is_dir())
    for name in stale:
        shutil.rmtree(root / name, ignore_errors=True)
    if stale:
        where = where if done else stale[0]
        done.append(f"removed {len(stale)} work folder(s) left by killed builds ({', '.join(stale)})")
    return [Problem(where, None, None, "; ".join(done), "warning")] if done else []


def _finish(root: Path, work: Path, names: list[str], new: dict | None) -> str:
    listed = ", ".join(names)
    if work.is_dir():
        _settle(work, names, new if isinstance(new, dict) else None)
    if all(not os.path.lexists(work / name) and os.path.lexists(root / name) for name in names):
        if not work.is_dir():
            return f"the publishing of {listed} was interrupted and its work folder is gone: they were left as they are — validate them"
        return f"the publishing of {listed} was interrupted after the last step: it was finished (the new ones are in place)"
    _put_back(root, work, names, new if isinstance(new, dict) else None)
    return f"the publishing of {listed} was interrupted: the previous ones were put back"


def _write_journal(root: Path, plan: dict) -> None:
    tmp = root / _JOURNAL_TMP
    try:
        with open(tmp, "w", encoding="utf-8") as file:
            json.dump(plan, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, root / JOURNAL)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(root)


def _read_journal(root: Path) -> dict | None:
    try:
        plan = json.loads((root / JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    def plain(name) -> bool:  # a name directly under the root: a journal edited by hand moves nothing elsewhere
        return isinstance(name, str) and name not in ("", ".", "..") and "/" not in name and os.sep not in name

    valid = isinstance(plan, dict) and plain(plan.get("work")) and isinstance(plan.get("names"), list)
    return plan if valid and plan["work"].startswith(WORK_PREFIX) and all(map(plain, plan["names"])) else None


def _remove_journal(root: Path) -> None:
    (root / JOURNAL).unlink(missing_ok=True)
    _sync_folder(root)


def _synced_file_system(work: Path) -> bool:
    """Everything written to the work folder's file system on disk, in one call (Linux: syncfs),
    instead of a sync per file: a build from scratch of 10,000 articles writes 10,000 evidence pages,
    and a sync each is a journal commit each. False, with nothing done, where the system has none."""
    syncfs = getattr(_LIBC, "syncfs", None)
    if syncfs is None:
        return False
    fd = os.open(work, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        if syncfs(fd) != 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code), str(work))
    finally:
        os.close(fd)
    return True


def _sync(path: Path) -> None:
    """Every file and folder under `path` on disk (so that a power cut after the swap does not
    leave published names pointing at unwritten data). A file with another link is one a build
    took from the published package (publish.package.Previous): its data was synced when it was
    first published, and the new link is synced with its folder."""
    if path.is_dir() and not path.is_symlink():
        for folder, _, names in os.walk(path):
            for name in names:
                child = os.path.join(folder, name)
                st = os.lstat(child)
                if stat.S_ISREG(st.st_mode) and st.st_nlink == 1:
                    _fsync(child, os.O_RDONLY)
            _sync_folder(folder)
    elif path.is_file():
        _fsync(path, os.O_RDONLY)


def _sync_folder(folder: Path | str) -> None:
    _fsync(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))


def _fsync(path: Path | str, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pause(step: int) -> None:
    """Test hook (tests/test_faults.py kills a real build here): when the environment variable
    BUILDERS_TEST_PAUSE_AT is "<step>:<file>", at that step of the swap (0: journal written,
    then one step per rename) write the file and sleep until killed. Unset — always, outside that
    test — it does nothing."""
    at, _, marker = os.environ.get(PAUSE_AT, "").partition(":")
    if at == str(step) and marker:
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        time.sleep(600)
