"""One way to read a contributed YAML file: safely, with line numbers, and one error vocabulary.

Every YAML input (reference files, curation files) is untrusted: `yaml.safe_load` only, and each
problem becomes one `Problem` line saying file, line, key, what is wrong and how to fix it.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from ..problems import Problem

HINTS = {
    "extra_forbidden": "unknown key — remove it or check its spelling",
    "missing": "required key is missing — add it",
}


def parse(rel: str, raw: bytes) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """The file's data, its node tree (for line numbers), and problems that stop reading it."""
    try:
        text = raw.decode("utf-8-sig")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except UnicodeDecodeError as exc:
        return None, None, [Problem(rel, None, None, f"not UTF-8 ({exc.reason}) — re-save the file as UTF-8")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, None, [Problem(rel, mark.line + 1 if mark else None, None, f"bad YAML: {getattr(exc, 'problem', exc)} — fix the syntax")]
    return data, node, []


def key_lines(node: yaml.Node | None) -> dict[str, int]:
    """1-based line of each key of a mapping node."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}


def value_of(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The node under `key` of a mapping node."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v
    return None


def item_lines(node: yaml.Node | None) -> dict[int, int]:
    """1-based line of each item of a sequence node."""
    if not isinstance(node, yaml.SequenceNode):
        return {}
    return {i: item.start_mark.line + 1 for i, item in enumerate(node.value)}


def validation_problems(rel: str, exc: ValidationError, where, suffix: str = "") -> list[Problem]:
    """pydantic's errors as problems; `where(loc)` gives the (line, field) of an error location."""
    problems = []
    for err in exc.errors():
        line, field = where(err["loc"])
        problems.append(Problem(rel, line, field, HINTS.get(err["type"], err["msg"]) + suffix))
    return problems
