"""The sha256 of every seed file as last read, by path and stat: a file whose size, modification
and change times, inode and device are those recorded is not read again (git's index does the
same). A build over 10,000 articles otherwise opens and hashes 20,000 files to learn that one changed.

The entries are ours (`.cache/seed-hashes/`, sealed like every cache entry) and never trusted
beyond their stat: any write to a file moves its change time, which no one can set back. A file
written within RACY_NS of the moment it was hashed is not recorded (a second write in the same tick
of the file system's clock would leave its stat as recorded: git's "racy" entries), so it is read
again next time.
"""

from __future__ import annotations

import os
import time

from ..cache import Cache

INDEX = "seed-hashes"  # the entry's name and key in its cache (.cache/seed-hashes/)
RACY_NS = 2_000_000_000  # two seconds: the coarsest clock of a file system in use (FAT) ticks every two

Stamp = tuple[int, int, int, int, int]  # size, mtime_ns, ctime_ns, inode, device


def stamp(st: os.stat_result) -> Stamp:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


class FileHashes:
    """The hashes recorded by the last reader of a root, and those of this reading (what `save`
    writes): every file looked up or hashed now, except those written too recently to trust."""

    def __init__(self, known: dict[str, tuple[Stamp, str]] | None = None):
        self.known = known or {}
        self.now: dict[str, tuple[Stamp, str]] = {}
        self.started = time.time_ns()

    def recorded(self, rel: str, st: os.stat_result) -> str | None:
        """The sha256 recorded for the file at `rel` when its stat is the one recorded, else None."""
        entry = self.known.get(rel)
        if entry is None or entry[0] != stamp(st):
            return None
        self.now[rel] = entry
        return entry[1]

    def record(self, rel: str, st: os.stat_result, sha: str) -> None:
        """The sha256 of the bytes just read from `rel`, whose stat (taken before reading) was `st`."""
        if max(st.st_mtime_ns, st.st_ctime_ns) < self.started - RACY_NS:
            self.now[rel] = (stamp(st), sha)


def load_hashes(cache: Cache) -> FileHashes:
    """The index kept in `cache` (empty when there is none, it is damaged or other versions made it)."""
    known = cache.get(INDEX, name=INDEX)
    return FileHashes(known if isinstance(known, dict) else {})


def save_hashes(cache: Cache, hashes: FileHashes) -> None:
    """Replace the index by this reading's entries (when they differ); a full disk or a read-only
    .cache/ only means reading the files again next time."""
    if hashes.now != hashes.known:
        cache.put(INDEX, hashes.now, name=INDEX)
