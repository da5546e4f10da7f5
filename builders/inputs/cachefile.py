"""Cache entries that cannot lie: each carries the sha256 of its own bytes and the versions it was
made with. An entry whose bytes or versions do not match is not an entry: it is parsed or extracted
again and rewritten, never published (a flipped bit in a pickled string would still unpickle).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
from functools import cache
from importlib.metadata import version
from pathlib import Path

from ..schema.dataset import dataset_version

MAGIC = b"builders-cache 1\n"


@cache
def made_with() -> str:
    """The versions a cache entry depends on besides its key: the builders, Python, and the
    libraries whose objects it holds."""
    libraries = " ".join(f"{name}=={version(name)}" for name in ("pydantic", "spacy"))
    return f"builders=={dataset_version()} python=={platform.python_version()} {libraries}"


def seal(payload: bytes) -> bytes:
    """An entry's bytes: a magic line, '<sha256 of payload> <versions>', then the payload."""
    return MAGIC + f"{hashlib.sha256(payload).hexdigest()} {made_with()}\n".encode() + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of an intact entry made with these versions, else None."""
    if not data.startswith(MAGIC):
        return None
    header, newline, payload = data[len(MAGIC):].partition(b"\n")
    digest, _, versions = header.decode("ascii", "replace").partition(" ")
    if not newline or versions != made_with() or hashlib.sha256(payload).hexdigest() != digest:
        return None
    return payload


def read(path: Path) -> bytes | None:
    """The payload stored at `path`, or None when there is none or it is damaged."""
    try:
        return unseal(path.read_bytes())
    except OSError:
        return None


def write(path: Path, payload: bytes) -> None:
    """Store `payload` at `path` whole or not at all (a temporary file renamed into place; the
    process id keeps two writers apart). Raises OSError (a full disk, a read-only folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(seal(payload))
        tmp.replace(path)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise


def read_object(path: Path):
    """The Python value pickled in the entry at `path`, or None when there is none, it is damaged
    or it no longer unpickles (a class moved): our own entries, checksummed, never contributed input."""
    payload = read(path)
    if payload is None:
        return None
    try:
        return pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


def keep_object(path: Path, value) -> bool:
    """Store `value` pickled at `path`; False when it cannot be written (a full disk, a read-only
    .cache/): the caller makes it again next time."""
    try:
        write(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        return False
    return True
