"""Faults of the machine (a full disk, a read-only or forbidden folder, a failing disk) as one
problem line naming the path and the cause, e.g.
`datapackage/csv/quotes.csv: cannot write: No space left on device — free some space and build again`.
A path inside a work folder (`.build-*`) is named as it is published (`dist/…`, `datapackage/…`)."""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from ..problems import Problem

WORK_PREFIX = ".build-"  # work folders of builds and releases, under the root
BACKUP = ".previous"  # inside a work folder: the published paths a swap moved aside

_WRITING = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}  # only a write fails so
_HINTS = {
    errno.ENOSPC: "free some space and {command} again",
    errno.EDQUOT: "free some space (disk quota) and {command} again",
    errno.EROFS: "the file system is mounted read-only: {command} in a writable copy",
    errno.EACCES: "give your user {access} to it (ls -ld; chmod, chown) and {command} again",
    errno.EPERM: "give your user {access} to it (ls -ld; chmod, chown) and {command} again",
    errno.EIO: "the disk reports an error: check it (dmesg) and {command} again",
}


@dataclass(frozen=True, order=True)
class MachineFault(Problem):
    """A problem of the machine, not of the inputs or the package (the command line exits with
    its own code for it)."""


def machine_fault(error: OSError, root: Path, verb: str, command: str, path: str | Path | None = None) -> MachineFault:
    """One line for `error`: where (its file, else `path`), what could not be done (`verb`:
    write, replace, read…), the cause and what to do before running `command` again."""
    cause = os.strerror(error.errno) if error.errno else (error.strerror or str(error) or type(error).__name__)
    verb = "write" if error.errno in _WRITING else verb
    access = "write access" if verb in ("write", "replace") else "access"
    hint = _HINTS.get(error.errno, "fix the cause and {command} again").format(command=command, access=access)
    where = error.filename if isinstance(error.filename, (str, bytes, os.PathLike)) else None
    return MachineFault(shown(where or path or root, root), None, None, f"cannot {verb}: {cause} — {hint}")


def shown(path: str | Path, root: Path) -> str:
    """`path` relative to `root`, a work folder's part dropped (as published); the root itself and
    paths outside it in full."""
    path = Path(os.fsdecode(path))
    try:
        parts = path.absolute().relative_to(root.absolute()).parts
    except ValueError:
        return str(path)
    if parts and parts[0].startswith(WORK_PREFIX):  # the work folder alone: the root could not take it
        parts = parts[2:] if parts[1:2] == (BACKUP,) else parts[1:]
    return "/".join(parts) or str(root)
