"""Layer 1: the descriptor against the Data Package profile (frictionless), and every resource's
path and Table Schema against the ones generated from the models.

A descriptor equal to the one the builders generate for the files it describes is not given to
frictionless: that descriptor passes its profile check (tests/test_validation_layers.py checks it,
with odd sources too), and importing frictionless and its plugins costs more than every row check
on a 10,000-article package. Any other descriptor is checked by frictionless."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa

from ..extract.nlp import language_layer
from ..problems import Problem
from ..schema.dataset import descriptor, sources_of
from ..schema.formats import table_schema
from ..schema.layout import DESCRIPTOR, csv_path
from ..schema.models import RESOURCES


def read_descriptor(root: Path) -> tuple[dict | None, list[Problem]]:
    path = root / DESCRIPTOR
    if not path.is_file():
        return None, [Problem(DESCRIPTOR, None, None, "missing — run python -m builders build")]
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem(DESCRIPTOR, None, None, f"not valid JSON: {exc} — run python -m builders build")]
    if not isinstance(package, dict):
        return None, [Problem(DESCRIPTOR, None, None, "not a JSON object — run python -m builders build")]
    return package, []


def generated_descriptor(package: dict, csv_files: dict[str, tuple[int, str]], articles: pa.Table | None) -> dict | None:
    """The descriptor the builders write for these CSV files (size, hash), the sources the articles
    name and the package's own inputs digest; None when a file or the articles cannot be read.
    Raises LanguageLayerError when spaCy or the model is not installed."""
    if articles is None or len(csv_files) != len(RESOURCES):
        return None
    return descriptor(csv_files, sources_of(articles), package.get("x-inputs-sha256"), language_layer())


def descriptor_problems(package: dict, generated: dict | None = None) -> list[Problem]:
    """frictionless's profile check of the descriptor, and its resources against the models;
    nothing to check when the descriptor is the `generated` one."""
    if package == generated:
        return []
    from frictionless import Package

    problems = [Problem(DESCRIPTOR, None, None, f"{e.type}: {e.message}") for e in Package.validate_descriptor(package).errors]
    resources = {r.get("name"): r for r in package.get("resources", []) if isinstance(r, dict)}
    for model in RESOURCES:
        resource = resources.get(model.resource_name)
        if resource is None:
            problems.append(Problem(DESCRIPTOR, None, None, f"resource {model.resource_name!r} is missing — run python -m builders build"))
        elif resource.get("path") != csv_path(model) or resource.get("schema") != table_schema(model):
            problems.append(Problem(DESCRIPTOR, None, None, f"resource {model.resource_name!r}: path or schema differs from the models' — run python -m builders build"))
    return problems
