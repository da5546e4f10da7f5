"""What every layer shares: how a problem at a row is reported, and the messages' fixed parts."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from ..problems import Problem

STALE = "stale: differs from a fresh build of seeds/ — run python -m builders build"
MAX_PER_CHECK = 20  # problems reported per file and check; the rest are counted in one line


def rows_where(mask: pa.ChunkedArray | pa.Array) -> list[int]:
    """Row numbers (header = 1, first data row = 2) where `mask` is true."""
    return [i + 2 for i in pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()]


def report(path: str, rows: list[int], field: str | None, message) -> list[Problem]:
    """One problem per row, at most MAX_PER_CHECK, then one line counting the rest."""
    out = [Problem(path, row, field, message(row) if callable(message) else message) for row in rows[:MAX_PER_CHECK]]
    if len(rows) > MAX_PER_CHECK:
        out.append(Problem(path, None, field, f"… and {len(rows) - MAX_PER_CHECK} more rows with the same problem"))
    return out
