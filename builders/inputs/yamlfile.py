"""One way to read a contributed YAML file: safely, with line numbers, and one error vocabulary.

Every YAML input (reference files, curation files) is untrusted: `yaml.safe_load` only, and each
problem becomes one `Problem` line saying file, line, key, what is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
import re
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


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml's safe loader, where PyYAML was built with it


def parse(rel: str, raw: bytes, fast: bool = False) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """The file's data, its node tree (for line numbers), and problems that stop reading it.

    Aliases are refused: an alias bomb loads in little memory but expands without bound wherever the
    data is printed, and no input of ours needs one. `fast`: read with libyaml's safe loader (the
    same checks, ten times faster: for a generated file of thousands of entries), falling back to
    the pure-Python reader for any problem, so that problems are worded as always."""
    if len(raw) > MAX_YAML_BYTES:
        return None, None, [Problem(rel, None, None, f"over the {MAX_YAML_BYTES // 1024} KB limit for a YAML file — split it or check that it is the right file")]
    if fast and _FAST_LOADER is not None:
        try:
            data, node, problems = _parse(rel, raw.decode("utf-8-sig"), _FAST_LOADER)
            if not problems:
                return data, node, problems
        except Exception:  # noqa: BLE001 — any trouble: read it again the usual way, which words it
            pass
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, None, [Problem(rel, None, None, f"not UTF-8 ({exc.reason}) — re-save the file as UTF-8")]
    return _parse(rel, text, yaml.SafeLoader)


def _parse(rel: str, text: str, loader: type) -> tuple[Any, yaml.Node | None, list[Problem]]:
    try:
        alias = next((e for e in yaml.parse(text, Loader=loader) if isinstance(e, yaml.AliasEvent)), None)
        if alias is not None:
            return None, None, [Problem(rel, alias.start_mark.line + 1, None,
                                        f"YAML alias *{shown(alias.anchor or '')} — aliases are not accepted: write the value out in full")]
        node = yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        return None, None, [_syntax_problem(rel, exc, text)]
    bad = _bad_scalar(node)
    if bad is not None:
        return None, None, [_bad_date(rel, *bad)]
    try:
        if node is None:
            return None, None, []
        if loader is _FAST_LOADER:  # the node tree is there: construct from it rather than parse a third time
            return loader("").construct_document(node), node, []
        return loader(text).get_single_data(), node, []
    except yaml.YAMLError as exc:  # a tag safe_load refuses (!!python/object)
        return None, None, [_syntax_problem(rel, exc, text)]
    except (ValueError, OverflowError) as exc:
        return None, None, [Problem(rel, None, None, f"a value YAML cannot read ({shown(str(exc))}) — fix it")]


def _syntax_problem(rel: str, exc: yaml.YAMLError, text: str) -> Problem:
    """PyYAML's error in plain words, at the line of the mistake (where a quotation mark or a
    bracket was opened, not where the file ended), with how to fix it."""
    line, words = _plain_words(exc, text)
    if words is None:  # an error no contributor has met yet: PyYAML's own words
        words = f"{shown(str(getattr(exc, 'problem', None) or exc))} — fix the syntax"
    return Problem(rel, line, None, f"bad YAML: {words}")


_INDENTATION = "the indentation does not line up with the lines above — indent it with as many spaces as the keys (or list items) at its level"
_QUOTES = "put the value in quotes"


def _plain_words(exc: yaml.YAMLError, text: str) -> tuple[int | None, str | None]:
    """(line, what is wrong — how to fix it) for the YAML mistakes people make; (line, None) for others."""
    problem, context = str(getattr(exc, "problem", None) or ""), str(getattr(exc, "context", None) or "")
    mark, opened = getattr(exc, "problem_mark", None), getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark else None
    before = text.splitlines()[mark.line][: mark.column] if mark and mark.line < len(text.splitlines()) else ""
    if isinstance(exc, yaml.reader.ReaderError):
        return text.count("\n", 0, exc.position) + 1, f"a control character (U+{exc.character:04X}) — remove it"
    if "mapping values are not allowed" in problem:
        if re.search(r":(\s|$)", before):
            return line, f"a colon inside a value (': ' after the key's own) — {_QUOTES}, e.g. key: \"a: b\""
        return line, ("this line is indented deeper than the key above it (so it reads as part of that value) — "
                      "indent it with as many spaces as the keys at its level")
    if "could not find expected ':'" in problem:
        return (opened or mark).line + 1, ("no ':' after the key on this line (or text that belongs to the value above it) — write key: value, "
                                 "or put a value that goes on over several lines in quotes")
    if "quoted scalar" in context and "end of stream" in problem:
        return (opened or mark).line + 1, ("a quotation mark is not closed — close it at the end of the value (a value holding one kind of "
                                 "quotation mark goes in the other kind)")
    if "flow" in context:
        return _unclosed_bracket(text, line)
    if problem.startswith("expected <block end>"):
        if "'<scalar>'" in problem and before.rstrip().endswith(("'", '"')):
            return line, ("text after a closing quotation mark (an apostrophe inside single quotes ends them) — put the whole value "
                          "in the other kind of quotation marks, e.g. \"Serbia's arms\"")
        return line, _INDENTATION
    return line, _other_words(problem, context)


def _other_words(problem: str, context: str) -> str | None:
    """What is wrong — how to fix it, for the mistakes that do not depend on where they are."""
    character = re.search(r"found character '(.*)' that cannot start any token", problem)
    if character and character.group(1) == "\\t":
        return "a tab character — indent with spaces, not tabs"
    if character:
        return f"a value cannot start with {shown(character.group(1))!r} — {_QUOTES}"
    if "scanning an alias" in context or "scanning an anchor" in context:
        return f"a value cannot start with {'*' if 'alias' in context else '&'!r} — {_QUOTES}"
    escape = re.search(r"found unknown escape character '(.*)'", problem)
    if escape:
        return (f"a backslash in double quotes starts an escape ('\\{shown(escape.group(1))}' is none) — put the value in single quotes, "
                "or write \\\\ for a backslash")
    if "a tag" in context:  # while scanning (or parsing) a tag: a value starting with '!'
        return f"a value cannot start with '!' — {_QUOTES}"
    if "<document start>" in problem:
        return "a line of '...' or '---' ends the document, and more follows — remove that line, or put the value in quotes"
    if "block scalar" in context:
        return "text after '|' or '>' on the key's line — start the text on the next line, indented, or put the value in quotes"
    tag = re.search(r"constructor for the tag '(.*)'", problem)
    if tag:
        return (f"the tag {shown(tag.group(1).replace('tag:yaml.org,2002:', '!!'))!r} is not accepted — remove it, or put the value "
                "in quotes (values are plain text, numbers, dates, lists and mappings)")
    if "unhashable key" in problem:
        return "a key that is a list or a mapping — a key is a plain word"
    if "another document" in problem:
        return "a second document after '---' — a file holds one: remove the '---' line"
    return None


def _unclosed_bracket(text: str, line: int | None) -> tuple[int | None, str]:
    """The line of the '[' or '{' left open (the error is found where the file or the next key begins)."""
    opened = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)):
                opened.append(token)
            elif isinstance(token, (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken)) and opened:
                opened.pop()
    except yaml.YAMLError:
        pass
    if not opened:
        return line, "a '[' or '{' is not closed, or a ']' or '}' is one too many — match each with its closing one"
    if isinstance(opened[-1], yaml.FlowMappingStartToken):
        return opened[-1].start_mark.line + 1, "a '{' is not closed — end the mapping with '}', or write its keys on lines of their own"
    return opened[-1].start_mark.line + 1, "a '[' is not closed — end the list with ']', or write its items on lines starting with '- '"


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


@dataclass(frozen=True)
class Lines:
    """Where things are in a YAML file: the 1-based line of the key or value at a location as
    pydantic gives it (keys and list indices: ('events', 1, 'date', 'start')), walked down the node
    tree. A key's line for `key=True` (an unknown key), else its value's (a bad value written on the
    line below its key is reported there); a key that is not there (a missing key) gives the line
    of the mapping that lacks it. None for no file."""

    node: yaml.Node | None

    def __call__(self, loc: tuple = (), key: bool = False) -> int | None:
        node = self.node
        if node is None:
            return None
        line = node.start_mark.line + 1
        for depth, part in enumerate(loc):
            if isinstance(node, yaml.MappingNode):
                found = next(((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)), None)
                if found is None:
                    break
                if key and depth == len(loc) - 1:
                    return found[0].start_mark.line + 1
                node = found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                break
            line = node.start_mark.line + 1
        return line


def dotted(loc: tuple) -> str | None:
    """A location as the field of a problem: events.0.date.start."""
    return ".".join(str(part) for part in loc) or None


def validation_problems(rel: str, exc: ValidationError, lines: Lines, suffix: str = "", keys: set[str] = frozenset(),
                        field=dotted) -> list[Problem]:
    """pydantic's errors as problems, each at the line of its key (an unknown key) or of its value
    (`lines`), with `field(loc)` as the field; an unknown key is matched against `keys` for a suggestion."""
    problems = []
    for err in exc.errors():
        line, field_name = lines(err["loc"], key=err["type"] == "extra_forbidden"), field(err["loc"])
        message = HINTS.get(err["type"], err["msg"])
        if err["type"] == "value_error" and "error" in err.get("ctx", {}):
            message = str(err["ctx"]["error"])  # our own validators' sentences, without pydantic's "Value error, "
        if err["type"] == "extra_forbidden" and err["loc"]:
            key = str(err["loc"][-1])
            message = f"unknown key {shown(key)!r}{closest(key, keys)} — remove it or check its spelling"
        if err["type"].startswith("date_"):  # pydantic's "Input should be a valid date or datetime, …" says no form
            message = f"{shown(str(err['input']))!r} is not a date — {DATE_HINT}"
        problems.append(Problem(rel, line, field_name, message + suffix))
    return problems
