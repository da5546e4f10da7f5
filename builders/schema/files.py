"""Reading a package someone else made: the one way `validate`, `diff`, `release` and `load()` open
its files.

A package under review is untrusted (in CI it is the contributor's pull request, and what the
commands print lands in public logs). So a resource path is resolved inside the package folder
only (no '..', no absolute path, no URL), each folder on the way and the file itself are opened
without following a link (`O_NOFOLLOW`, one component at a time from the package folder: a link
planted anywhere on the path is refused, and swapping one in after the check does not help), the
file is opened with `O_NONBLOCK` and must then be a regular file (a FIFO or a device is refused,
never waited on), and its size is checked against the descriptor's `bytes` and a limit before a
byte is read. Problem lines quote at most an `excerpt` of any value.

Standard library only: the loader (`builders.load`) reads the package through this module.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path, PurePosixPath

MAX_RESOURCE_BYTES = 256 * 1024 * 1024  # a data file of 10,000 articles is under 100 MB; over this, refused unread (a CSV that Arrow cannot parse costs ~12x its size in memory)
MAX_DESCRIPTOR_BYTES = 16 * 1024 * 1024  # the generated descriptor is tens of kilobytes
MAX_SHOWN = 120  # characters of a value quoted in a problem line
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")  # http:, file:, s3:, c: …


class UnsafeFile(ValueError):
    """A package file that is not read: one line saying what and how to fix it."""


def excerpt(text: object, limit: int = MAX_SHOWN, ascii_only: bool = False) -> str:
    """A name or value as a person can read it in one line: control characters (a line break, an
    escape code for the terminal) and what is not UTF-8 escaped (with `ascii_only`, every non-ASCII
    byte too: a file name's look-alike letters), at most `limit` characters (a 100 MB cell prints as 120)."""
    text = str(text)
    head = text[: limit * 4]  # escaping at most quadruples a character: never escape the whole value
    safe = head.encode("utf-8", "backslashreplace").decode("ascii" if ascii_only else "utf-8", "backslashreplace")
    safe = _CONTROL.sub(lambda m: repr(m.group())[1:-1], safe)
    return safe if len(safe) <= limit and len(head) == len(text) else safe[: limit - 1] + "…"


def relative_path(rel: object) -> PurePosixPath:
    """A resource path as the descriptor gives it, if it names a file inside the package: a
    relative POSIX path without '..', not a URL. Raises UnsafeFile."""
    if not isinstance(rel, str) or not rel:
        raise UnsafeFile(f"the path {excerpt(rel)!r} is not a file name — the descriptor must give each resource a relative path")
    if _SCHEME.match(rel) or rel.startswith(("/", "\\")) or "\\" in rel or "\x00" in rel:
        raise UnsafeFile(f"the path {excerpt(rel)!r} is a URL or an absolute path — only files inside the package are read")
    path = PurePosixPath(rel)
    if any(part in ("..", ".") for part in path.parts) or rel.endswith("/"):
        raise UnsafeFile(f"the path {excerpt(rel)!r} leaves the package or is not a file name — give a path inside the package folder")
    return path


def open_file(root: Path, rel: object, declared: object = None, limit: int = MAX_RESOURCE_BYTES):
    """The package file `rel` opened for binary reading, and its size. Every component is opened
    relative to the previous one without following a link; the file must be regular and no larger
    than `declared` bytes (when the descriptor states an integer) and `limit`. Raises UnsafeFile
    (FileNotFoundError, a subclass of OSError, when it does not exist)."""
    path = relative_path(rel)
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    folders = [os.open(root, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))]
    try:
        for part in path.parts[:-1]:
            folders.append(_open_at(folders[-1], part, flags | os.O_DIRECTORY, rel))
        fd = _open_at(folders[-1], path.parts[-1], flags, rel)
    finally:
        for folder in folders:
            os.close(folder)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnsafeFile(f"{excerpt(rel)}: not a regular file (a folder, a pipe or a device) — the package's files are plain files")
        if isinstance(declared, int) and not isinstance(declared, bool) and info.st_size > declared:
            raise UnsafeFile(f"{excerpt(rel)}: {info.st_size} bytes, more than the {declared} the descriptor declares — not read; build the package again")
        if info.st_size > limit:
            raise UnsafeFile(f"{excerpt(rel)}: {info.st_size} bytes, over the limit of {limit // 2**20} MiB for one file — not read")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), info.st_size
    except BaseException:
        os.close(fd)
        raise


def _open_at(folder: int, part: str, flags: int, rel: object) -> int:
    """`part` opened in the open folder `folder`, a link refused."""
    try:
        return os.open(part, flags, dir_fd=folder)
    except FileNotFoundError:
        raise
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):  # O_NOFOLLOW met a link; a file or a link where a folder should be
            raise UnsafeFile(f"{excerpt(rel)}: a symbolic link (or a file where a folder should be) on the path — "
                             "the package's own files are read, never a link") from None
        raise


def read_file(root: Path, rel: object, declared: object = None, limit: int = MAX_RESOURCE_BYTES) -> bytes:
    """The whole package file `rel` (see `open_file`), never more than its checked size."""
    handle, size = open_file(root, rel, declared, limit)
    with handle:
        return handle.read(size + 1)[: size]
