"""One build into a folder, as ARCHITECTURE.md draws it: seeds -> engine (the tables, through the
caches and the last build's store) -> publish (the package and its pictures). The pipeline runs it
under the lock and validates and swaps in what it made; `validate` never imports this module (the
extraction code takes a third of a second to import)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from .engine import Options, columns, rare_collections
from .problems import Problem
from .publish.faults import machine_fault
from .publish.card import read_measured_quality
from .publish.package import Previous, write_package


@dataclass
class Made:
    """What a build made in its folder: its problems, the thread saving its store, and the articles
    extracted anew when it started from the last build's rows (None: every article was)."""

    problems: list[Problem]
    saving: threading.Thread | None = None  # saving this build's store (join it)
    changed: set[str] | None = None


def make_package(root: Path, out: Path, options: Options, from_last: bool = False, keep: bool = False) -> Made:
    """Make the package of `root`'s seeds in `out` (not validated, not published: that is the
    pipeline's `build`); `from_last`: from the last build's rows where there are some; `keep`: save
    this build's as the last build (only a build holding the lock alone does; join `saving`)."""
    with rare_collections():  # (the rows made stay alive while the package is written)
        made = columns(root, options, from_last, keep)
        if any(p.severity == "error" for p in made.problems):
            return Made(made.problems)
        previous = Previous(root, made.last_files, made.same_tables, made.same_articles) if made.last_files else None
        try:
            written = write_package(made.tables, out, read_measured_quality(root), made.digest, made.caches.pictures, previous)
        except OSError as error:  # pyarrow's errors name no file: the package folder is named
            return Made(made.problems + [machine_fault(error, root, "write", "build", path=out / "datapackage")])
        return Made(made.problems, made.keep(root, written), made.changed)
