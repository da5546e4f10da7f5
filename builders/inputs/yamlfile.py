"""One way to read a contributed YAML file: safely, with line numbers, and one error vocabulary.

Every YAML input (reference files, curation files) is untrusted: `yaml.safe_load` only, and each
problem becomes one `Problem` line saying file, line, key, what is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from ..problems import Problem
from .tree import MAX_YAML_BYTES, shown

_TIMESTAMP = "tag:yaml.org,2002:timestamp"

HINTS = {
    "extra_forbidden": "unknown key — remove it or check its spelling",
    "missing": "required key is missing — add it",
}

# How to write a date, said wherever a date cannot be read (the example is the one in the records' template).
DATE_HINT = "write it as YYYY-MM-DD, e.g. 2021-03-05"


def parse(rel: str, raw: bytes) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """The file's data, its node tree (for line numbers), and problems that stop reading it.

    Aliases are refused: an alias bomb loads in little memory but expands without bound wherever the
    data is printed, and no input of ours needs one."""
    if len(raw) > MAX_YAML_BYTES:
        return None, None, [Problem(rel, None, None, f"over the {MAX_YAML_BYTES // 1024} KB limit for a YAML file — split it or check that it is the right file")]
    try:
        text = raw.decode("utf-8-sig")
        alias = next((e for e in yaml.parse(text, Loader=yaml.SafeLoader) if isinstance(e, yaml.AliasEvent)), None)
        if alias is not None:
            return None, None, [Problem(rel, alias.start_mark.line + 1, None,
                                        f"YAML alias *{shown(alias.anchor or '')} — aliases are not accepted: write the value out in full")]
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError as exc:
        return None, None, [Problem(rel, None, None, f"not UTF-8 ({exc.reason}) — re-save the file as UTF-8")]
    except yaml.YAMLError as exc:
        return None, None, [_syntax_problem(rel, exc)]
    bad = _bad_scalar(node)
    if bad is not None:
        return None, None, [_bad_date(rel, *bad)]
    try:
        return yaml.SafeLoader(text).get_single_data() if node is not None else None, node, []
    except yaml.YAMLError as exc:  # a tag safe_load refuses (!!python/object)
        return None, None, [_syntax_problem(rel, exc)]
    except (ValueError, OverflowError) as exc:
        return None, None, [Problem(rel, None, None, f"a value YAML cannot read ({shown(str(exc))}) — fix it")]


def _syntax_problem(rel: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None)
    return Problem(rel, mark.line + 1 if mark else None, None, f"bad YAML: {shown(str(getattr(exc, 'problem', None) or exc))} — fix the syntax")


def _bad_date(rel: str, node: yaml.Node, path: tuple, reason: str) -> Problem:
    field = ".".join(str(part) for part in path) or None
    return Problem(rel, node.start_mark.line + 1, field, f"{shown(node.value)!r} is {reason} — {DATE_HINT}")


def _bad_scalar(root: yaml.Node | None) -> tuple[yaml.Node, tuple, str] | None:
    """The first date YAML would fail to build (2021-02-30), with the path of keys and list
    indices it is under (as pydantic names a field: events.0.date.start)."""
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())] if root is not None else []
    constructor = yaml.SafeLoader("")
    while stack:
        node, path = stack.pop()
        if isinstance(node, yaml.MappingNode):
            stack += [(v, (*path, k.value) if isinstance(k, yaml.ScalarNode) else path) for k, v in reversed(node.value)]
            stack += [(k, path) for k, _ in reversed(node.value)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, (*path, i)) for i, item in reversed(list(enumerate(node.value)))]
        elif isinstance(node, yaml.ScalarNode) and node.tag == _TIMESTAMP:
            try:
                constructor.construct_yaml_timestamp(node)
            except (ValueError, OverflowError) as exc:
                return node, path, f"not a date ({exc})"
    return None


def closest(value: str, choices) -> str:
    """" (did you mean 'x'?)" for the choice most like `value`, or "" when none is close."""
    match = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {match[0]!r}?)" if match else ""


def field_names(model: type[BaseModel]) -> set[str]:
    """Every key a model and the models inside it accept: the vocabulary for 'did you mean'."""
    names, todo = set(), [model]
    while todo:
        current = todo.pop()
        for name, info in current.model_fields.items():
            names.add(name)
            for arg in _types_in(info.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel) and arg is not current:
                    todo.append(arg)
    return names


def _types_in(annotation) -> list:
    args = getattr(annotation, "__args__", None)
    return [annotation] if not args else [t for a in args for t in _types_in(a)]


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


def validation_problems(rel: str, exc: ValidationError, where, suffix: str = "", keys: set[str] = frozenset()) -> list[Problem]:
    """pydantic's errors as problems; `where(loc)` gives the (line, field) of an error location;
    an unknown key is matched against `keys` for a suggestion."""
    problems = []
    for err in exc.errors():
        line, field = where(err["loc"])
        message = HINTS.get(err["type"], err["msg"])
        if err["type"] == "value_error" and "error" in err.get("ctx", {}):
            message = str(err["ctx"]["error"])  # our own validators' sentences, without pydantic's "Value error, "
        if err["type"] == "extra_forbidden" and err["loc"]:
            key = str(err["loc"][-1])
            message = f"unknown key {shown(key)!r}{closest(key, keys)} — remove it or check its spelling"
        if err["type"].startswith("date_"):  # pydantic's "Input should be a valid date or datetime, …" says no form
            message = f"{shown(str(err['input']))!r} is not a date — {DATE_HINT}"
        problems.append(Problem(rel, line, field, message + suffix))
    return problems
