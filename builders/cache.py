"""The one cache of the builders (`.cache/` under the root), on the ground floor: every kind of entry
(rows, parses, languages, the reference, pictures, seed hashes, the last build's manifest) is
stored, sealed and checked here, and every key that depends on code is made by `fingerprint`.

An entry carries the sha256 of its own bytes, the versions it was made with and the key it was
stored under. An entry whose bytes, versions or key do not match is not an entry: it is made again
and rewritten, never published (a flipped bit in a pickled string would still unpickle; another
article's entry copied under this article's key would unpickle too). Entries are written whole
or not at all: into `.cache/tmp/` first, then renamed into place; what a killed build left there
is removed by the next build (`remove_leftovers`).

The stages never open `.cache/` themselves: the engine hands each one the `Cache` it may use
(`Cache(None, …)` for a build without a cache, which reads and writes nothing).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import shutil
from collections.abc import Iterable
from functools import cache
from importlib.metadata import version
from pathlib import Path

MAGIC = b"builders-cache 2\n"
HOME = ".cache"  # under the root
TMP = "tmp"  # under HOME: entries being written, named <pid>-<kind>~<entry's path in its kind>


@cache
def made_with() -> str:
    """The versions an entry depends on besides its key: Python and the libraries whose objects it holds."""
    libraries = " ".join(f"{name}=={version(name)}" for name in ("pydantic", "spacy"))
    return f"python=={platform.python_version()} {libraries}"


def fingerprint(paths: Iterable[Path], versions: Iterable[str] = ()) -> str:
    """The sha256 of `versions` and of every source and data file (.py, .yaml) at or under `paths`,
    each with its name: the one recipe of every key that depends on code."""
    digest = hashlib.sha256("\0".join(versions).encode())
    for top in paths:
        files = [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file() and p.suffix in (".py", ".yaml"))
        for path in files:
            name = path.relative_to(top.parent).as_posix()
            digest.update(b"\0" + name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def seal(key: str, payload: bytes) -> bytes:
    """An entry's bytes: a magic line, '<sha256 of payload> <key> <versions>', then the payload."""
    return MAGIC + f"{hashlib.sha256(payload).hexdigest()} {key} {made_with()}\n".encode() + payload


def unseal(key: str, data: bytes) -> bytes | None:
    """The payload of an intact entry stored under `key` and made with these versions, else None."""
    if not data.startswith(MAGIC):
        return None
    header, newline, payload = data[len(MAGIC):].partition(b"\n")
    digest, _, rest = header.decode("ascii", "replace").partition(" ")
    stored_key, _, versions = rest.partition(" ")
    if not newline or stored_key != key or versions != made_with() or hashlib.sha256(payload).hexdigest() != digest:
        return None
    return payload


class Cache:
    """One kind of entry (`kind`: a folder of `home`, the root's `.cache/`), each stored under its key
    (at `<kind>/<key[:2]>/<key>`, or at a fixed `name`). With `home` None there is no cache:
    nothing is read and nothing written."""

    def __init__(self, home: Path | None, kind: str):
        self.home, self.kind = home, kind
        self.writable = home is not None  # False once a write failed (a full disk, a read-only .cache/)

    @property
    def enabled(self) -> bool:
        return self.home is not None

    def path(self, key: str, name: str | None = None) -> Path:
        return self.home / self.kind / (name or f"{key[:2]}/{key}")

    def read(self, key: str, name: str | None = None) -> bytes | None:
        """The payload stored under `key`, or None when there is none, it is damaged or another key's."""
        if self.home is None:
            return None
        try:
            return unseal(key, self.path(key, name).read_bytes())
        except OSError:
            return None

    def write(self, key: str, payload: bytes, name: str | None = None) -> None:
        """Store `payload` under `key`, whole or not at all. Raises OSError (a full disk, a read-only
        folder); without a cache, does nothing."""
        if self.home is not None:
            write_file(self.home, self.path(key, name), seal(key, payload))

    def get(self, key: str, name: str | None = None):
        """The Python value pickled under `key`, or None (none, damaged, another key's, or a class
        that moved): our own entries, checked, never contributed input."""
        payload = self.read(key, name)
        if payload is None:
            return None
        try:
            return pickle.loads(payload)
        except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return None

    def put(self, key: str, value, name: str | None = None) -> bool:
        """Store `value` pickled under `key`; False when it cannot be written (then not tried again
        by this object): the caller makes it again next time."""
        if not self.writable:
            return False
        try:
            self.write(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), name)
        except OSError:
            self.writable = False
            return False
        return True


def write_file(home: Path, path: Path, data: bytes) -> None:
    """Write `data` at `path` (under `home`) whole or not at all: a file in `home/tmp/` renamed into
    place. Raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = home / TMP / f"{os.getpid()}-{path.relative_to(home).as_posix().replace('/', '~')}"
    try:
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise


def remove_leftovers(home: Path) -> list[str]:
    """Remove the entries a killed process left half written in `home/tmp/` (those of a process
    still alive are its own); the names removed."""
    removed = []
    try:
        names = sorted(os.listdir(home / TMP))
    except OSError:
        return removed
    for name in names:
        pid = name.partition("-")[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        path = home / TMP / name
        try:
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
            removed.append(name)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return pid != 0
