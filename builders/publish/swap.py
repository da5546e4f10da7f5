"""Publishing a package built in a work directory: the published paths replaced all at once."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..schema.layout import PUBLISHED_PATHS


def swap_in(root: Path, work: Path) -> None:
    """Replace the published paths with the new ones; restore the old ones if a move fails."""
    backup = work / ".previous"
    backup.mkdir()
    moved: list[str] = []
    try:
        for name in PUBLISHED_PATHS:
            if (root / name).exists():
                (root / name).rename(backup / name)
            moved.append(name)
            (work / name).rename(root / name)
    except OSError:
        for name in moved:
            if (root / name).exists():
                shutil.rmtree(root / name) if (root / name).is_dir() else (root / name).unlink()
            if (backup / name).exists():
                (backup / name).rename(root / name)
        raise
