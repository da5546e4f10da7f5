"""Repository documents that restate the schema, regenerated on every build so that they cannot
drift: the README's data dictionary (from the models) and CITATION.cff's version (from pyproject.toml)."""

from __future__ import annotations

import re
from pathlib import Path

from ..schema.dataset import dataset_version
from ..schema.formats import data_dictionary_markdown

README = "README.md"
DICTIONARY_START = "<!-- data-dictionary:start -->"
DICTIONARY_END = "<!-- data-dictionary:end -->"


def readme_with_dictionary(readme: str) -> str:
    """The README with its data-dictionary section regenerated from the models."""
    head, _, rest = readme.partition(DICTIONARY_START)
    _, _, tail = rest.partition(DICTIONARY_END)
    return f"{head}{DICTIONARY_START}\n{data_dictionary_markdown()}{DICTIONARY_END}{tail}"


def update_docs(root: Path) -> None:
    update_readme(root)
    update_citation(root)


CITATION = "CITATION.cff"


def citation_with_version(citation: str) -> str:
    return re.sub(r"(?m)^version: .*$", f"version: {dataset_version()}", citation, count=1)


def update_citation(root: Path) -> None:
    path = root / CITATION
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        new = citation_with_version(text)
        if new != text:
            path.write_text(new, encoding="utf-8")


def update_readme(root: Path) -> None:
    path = root / README
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if DICTIONARY_START in text and DICTIONARY_END in text:
            new = readme_with_dictionary(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
