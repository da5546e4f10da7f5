"""Layer 3: the package is what the builders make of the seeds as they are now: the recorded inputs
digest, the generated descriptor and Table Schemas, the card and pictures present; and, given a
fresh build (the pipeline makes one for `--rebuild`), every file equal to it."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from ..inputs.editor_schemas import EDITOR_SCHEMAS
from ..problems import Problem
from ..schema.files import open_file, read_file
from ..schema.formats import schema_json
from ..schema.layout import ACTOR_GRAPH, CARD, DESCRIPTOR, TIMELINE, csv_path, parquet_path, schema_path
from ..schema.models import RESOURCES
from .common import STALE
from .descriptor import described


def freshness_problems(root: Path, package: dict, csv_files: dict[str, tuple[int, str]], generated: dict | None, seeds_digest: str) -> list[Problem]:
    """The package was built from the seeds as they are now (`seeds_digest`, see build.inputs_digest),
    and its descriptor (`generated`: see descriptor.generated_descriptor) and Table Schemas are the
    ones the builders generate for these rows."""
    problems = []
    if package.get("x-inputs-sha256") != seeds_digest:
        problems.append(Problem(DESCRIPTOR, None, None, "stale: seeds/ changed since the package was built — run python -m builders build"))
    for model in RESOURCES:
        rel = schema_path(model)
        if _text(root, rel) != schema_json(model):
            problems.append(Problem(rel, None, None, STALE))
    for rel, generate in EDITOR_SCHEMAS.items():
        if _text(root, rel) != generate():
            problems.append(Problem(rel, None, None, STALE))
    recorded = described(package)
    for model in RESOURCES:
        facts, resource = csv_files.get(model.resource_name), recorded.get(model.resource_name, {})
        if facts is not None and resource.get("hash") != facts[1]:
            problems.append(Problem(csv_path(model), None, None, STALE))  # edited after the build
    if generated is not None:
        def without_file_facts(d: dict) -> dict:  # bytes and hash are compared above, per file
            return {**d, "resources": [{k: v for k, v in r.items() if k not in ("bytes", "hash")} for r in d.get("resources", []) if isinstance(r, dict)]}

        if without_file_facts(package) != without_file_facts(generated):
            problems.append(Problem(DESCRIPTOR, None, None, STALE))
    for rel in (CARD, TIMELINE, ACTOR_GRAPH):
        if not _regular(root, rel):
            problems.append(Problem(rel, None, None, "missing — run python -m builders build"))
    return problems


def differences(root: Path, fresh: Path) -> list[Problem]:
    """Every published file that differs from the one in `fresh`, a package just built from the
    same seeds: CSV, Table Schemas, descriptor and card byte for byte; Parquet by schema and values
    (another pyarrow may write other bytes for the same table)."""
    problems = []
    for model in RESOURCES:
        for rel in (csv_path(model), schema_path(model)):
            if not _same_bytes(root, rel, fresh):
                problems.append(Problem(rel, None, None, STALE))
        rel = parquet_path(model)
        try:
            handle, _ = open_file(root, rel)
            with handle:
                same = pq.ParquetFile(handle).read().equals(pq.ParquetFile(fresh / rel).read())
        except (OSError, ValueError):  # UnsafeFile is a ValueError
            same = False
        if not same:
            problems.append(Problem(rel, None, None, STALE))
    for rel in (DESCRIPTOR, CARD, *EDITOR_SCHEMAS):
        if not _same_bytes(root, rel, fresh):
            problems.append(Problem(rel, None, None, STALE))
    return problems


def _same_bytes(root: Path, rel: str, fresh: Path) -> bool:
    published = _bytes(root, rel)
    return published is not None and published == (fresh / rel).read_bytes()


def _bytes(root: Path, rel: str) -> bytes | None:
    """A published file's bytes, read safely (schema/files.py); None when it is missing or refused."""
    try:
        return read_file(root, rel)
    except (OSError, ValueError):
        return None


def _text(root: Path, rel: str) -> str | None:
    data = _bytes(root, rel)
    try:
        return data.decode("utf-8") if data is not None else None
    except UnicodeDecodeError:
        return None


def _regular(root: Path, rel: str) -> bool:
    try:
        open_file(root, rel)[0].close()
    except (OSError, ValueError):
        return False
    return True
