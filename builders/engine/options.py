"""How a build runs, in one value: none of it changes what the build makes (tested byte for byte)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int, int], None]  # (articles just finished, articles to extract in all)


@dataclass(frozen=True)
class Options:
    workers: int = 1  # processes extracting articles
    use_cache: bool = True  # False: no cache at all (nothing under .cache/ is read or written), no last build
    engine: str = "local"  # "local" (serial or a process pool) or "dask"
    scheduler: str | None = None  # a dask.distributed address (engine "dask"); None: a local cluster
    progress: Progress | None = None  # told as articles are extracted
