"""Rows added, removed and changed per resource between two published packages."""

from __future__ import annotations

from pathlib import Path

from ..schema.layout import csv_path
from ..schema.models import RESOURCES, Resource
from . import read_table


def diff(old: Path, new: Path) -> list[tuple[str, int, int, int]]:
    """Rows added, removed and changed per resource between two package directories."""
    out = []
    for model in RESOURCES:
        key = model.primary_key
        old_rows = _rows_by_key(old, model, key)
        new_rows = _rows_by_key(new, model, key)
        added = len(new_rows.keys() - old_rows.keys())
        removed = len(old_rows.keys() - new_rows.keys())
        changed = sum(1 for k in new_rows.keys() & old_rows.keys() if new_rows[k] != old_rows[k])
        out.append((model.resource_name, added, removed, changed))
    return out


def _rows_by_key(package: Path, model: type[Resource], key: str) -> dict:
    if not (package / csv_path(model)).is_file():
        return {}  # a resource the older package did not have
    return {row[key]: row for row in read_table(package, model).to_pylist()}
