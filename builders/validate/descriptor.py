"""Layer 1: the descriptor against the Data Package profile (frictionless), and every resource's
path and Table Schema against the ones generated from the models.

A descriptor equal to the one the builders generate for the files it describes is not given to
frictionless: that descriptor passes its profile check (tests/test_validation_layers.py checks it,
with odd sources too), and importing frictionless and its plugins costs more than every row check
on a 10,000-article package. Any other descriptor is checked by frictionless."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyarrow as pa

from ..problems import Problem
from ..schema.dataset import descriptor, sources_of
from ..schema.files import MAX_DESCRIPTOR_BYTES, UnsafeFile, excerpt, read_file
from ..schema.formats import table_schema
from ..schema.language_layer import language_layer
from ..schema.layout import DESCRIPTOR, csv_path
from ..schema.models import RESOURCES


def read_descriptor(root: Path) -> tuple[dict | None, list[Problem]]:
    """The descriptor, read as any package file is (schema/files.py: no link, no FIFO, at most
    MAX_DESCRIPTOR_BYTES); a damaged one is one problem line, never a traceback."""
    try:
        data = read_file(root, DESCRIPTOR, limit=MAX_DESCRIPTOR_BYTES)
    except FileNotFoundError:
        return None, [Problem(DESCRIPTOR, None, None, "missing — run python -m builders build")]
    except UnsafeFile as refused:
        return None, [Problem(DESCRIPTOR, None, None, str(refused).removeprefix(f"{DESCRIPTOR}: "))]
    except OSError as error:
        return None, [Problem(DESCRIPTOR, None, None, f"cannot read: {excerpt(error.strerror or error)} — run python -m builders build")]
    try:
        package = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem(DESCRIPTOR, None, None, f"not valid JSON: {excerpt(exc)} — run python -m builders build")]
    except RecursionError:
        return None, [Problem(DESCRIPTOR, None, None, "not readable JSON: nested too deeply — run python -m builders build")]
    if not isinstance(package, dict):
        return None, [Problem(DESCRIPTOR, None, None, "not a JSON object — run python -m builders build")]
    return package, []


def described(package: dict | None) -> dict[str, dict]:
    """{name: resource} of the descriptor's resources that are objects with a string name (a
    damaged descriptor may hold anything there)."""
    resources = (package or {}).get("resources")
    return {r["name"]: r for r in resources if isinstance(r, dict) and isinstance(r.get("name"), str)} if isinstance(resources, list) else {}


def generated_descriptor(package: dict, csv_files: dict[str, tuple[int, str]], articles: pa.Table | None) -> dict | None:
    """The descriptor the builders write for these CSV files (size, hash), the sources the articles
    name and the package's own inputs digest; None when a file or the articles cannot be read.
    Raises LanguageLayerError when spaCy or the model is not installed."""
    if articles is None or len(csv_files) != len(RESOURCES):
        return None
    return descriptor(csv_files, sources_of(articles), package.get("x-inputs-sha256"), language_layer())


# Profiles frictionless holds itself (it never fetches these); any other profile or `$schema` is a
# URL or a path that validate does not open.
_KNOWN_PROFILE = re.compile(r"^(https://datapackage\.org/profiles/\d+\.\d+/[a-z-]+\.json|data-package|tabular-data-package|"
                            r"data-resource|tabular-data-resource|table-schema|csv-dialect)$")
_PROFILES = ("$schema", "profile")
_REFERENCES = ("schema", "dialect")  # a resource's Table Schema or dialect given as a path or URL


def _offline(package: dict) -> tuple[dict, list[Problem]]:
    """The descriptor as frictionless may see it: every profile it would fetch (a URL or a path
    that is not one it holds) and every Table Schema or dialect given as a path or URL taken out,
    each reported. Nothing a package names is fetched or opened (issue 27)."""
    problems, resources = [], []

    def strip(item: dict, where: str, keys: tuple[str, ...]) -> dict:
        out = dict(item)
        for key in keys:
            value = out.get(key)
            if isinstance(value, str) and not (key in _PROFILES and _KNOWN_PROFILE.match(value)):
                problems.append(Problem(DESCRIPTOR, None, f"{where}{key}", f"{excerpt(value)!r} is a URL or a path: not fetched nor read — "
                                        "write the profile as the builders do (run python -m builders build)"))
                del out[key]
        return out

    for number, resource in enumerate(package.get("resources") if isinstance(package.get("resources"), list) else []):
        if isinstance(resource, dict):
            resource = strip(resource, f"resources.{number}.", _PROFILES + _REFERENCES)
            if isinstance(resource.get("schema"), dict):
                resource["schema"] = strip(resource["schema"], f"resources.{number}.schema.", _PROFILES)
        resources.append(resource)
    out = strip(package, "", _PROFILES)
    if "resources" in out:
        out["resources"] = resources
    return out, problems


def descriptor_problems(package: dict, generated: dict | None = None) -> list[Problem]:
    """frictionless's profile check of the descriptor (offline: see `_offline`), and its resources
    against the models; nothing to check when the descriptor is the `generated` one."""
    if package == generated:
        return []
    from frictionless import Package

    offline, problems = _offline(package)
    try:
        problems += [Problem(DESCRIPTOR, None, None, f"{e.type}: {excerpt(e.message, 300)}") for e in Package.validate_descriptor(offline).errors]
    except Exception as error:  # noqa: BLE001 (frictionless's own failure on a damaged descriptor: one line, not a traceback)
        problems.append(Problem(DESCRIPTOR, None, None, f"frictionless cannot check it ({type(error).__name__}: {excerpt(error)}) — run python -m builders build"))
    resources = described(package)
    for model in RESOURCES:
        resource = resources.get(model.resource_name)
        if resource is None:
            problems.append(Problem(DESCRIPTOR, None, None, f"resource {model.resource_name!r} is missing — run python -m builders build"))
        elif resource.get("path") != csv_path(model) or resource.get("schema") != table_schema(model):
            problems.append(Problem(DESCRIPTOR, None, None, f"resource {model.resource_name!r}: path or schema differs from the models' — run python -m builders build"))
    return problems
