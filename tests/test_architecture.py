"""The house rules of `builders/`: imports flow one way, terminal code lives in the CLI, functions
stay short, the cache fingerprint follows the code, and the codebook (not code) says what a type does."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from builders.engine import caches
from builders.extract.article import extract
from builders.extract.entities import Matcher
from builders.inputs.reference import load_reference

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "builders"
MAX_FUNCTION_LINES = 80


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return out


def _imported(name: str, tree: ast.Module, modules: set[str]) -> set[str]:
    """The builders modules a module imports (relative imports resolved; `from . import x`
    counts as importing the submodule x when there is one)."""
    package = name if (PACKAGE / Path(*name.split(".")[1:]) / "__init__.py").exists() else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names if alias.name in modules}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                if f"{target}.{alias.name}" in modules:
                    out.add(f"{target}.{alias.name}")
                elif target in modules:
                    out.add(target)
    return out - {name}


def test_import_linter_contract_is_kept():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], capture_output=True, text=True, cwd=REPO)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def test_no_import_cycle_among_builders_modules():
    trees = _modules()
    graph = {name: _imported(name, tree, set(trees)) for name, tree in trees.items()}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for child in sorted(graph[name]):
            assert state.get(child) != 1, "import cycle: " + " -> ".join(path + [name, child])
            if child not in state:
                visit(child, path + [name])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert graph["builders.extract.article"] >= {"builders.extract.ingest", "builders.inputs.seeds"}  # the scan sees imports


def test_only_the_cli_knows_about_terminals():
    offenders = []
    for name, tree in _modules().items():
        if name == "builders.cli":
            continue
        for node in ast.walk(tree):
            touches = (
                (isinstance(node, ast.Attribute) and node.attr in ("argv", "isatty"))
                or (isinstance(node, ast.Name) and node.id == "tqdm")
                or (isinstance(node, (ast.Import, ast.ImportFrom)) and any(
                    "tqdm" in (alias.name or "") for alias in node.names) or (
                    isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tqdm")))
            )
            if touches:
                offenders.append(f"{name}:{node.lineno}")
    assert offenders == []


def test_the_terminal_check_itself_is_found():
    """The scan above would see a terminal call (it reads the CLI's own)."""
    cli = _modules()["builders.cli"]
    assert any(isinstance(n, ast.Attribute) and n.attr == "isatty" for n in ast.walk(cli))


def test_no_function_is_longer_than_80_lines():
    long = []
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {lines} lines")
    assert long == []


def test_cache_fingerprint_covers_every_extraction_file(tmp_path, monkeypatch):
    """A new file in the extraction package (code or word list) changes the fingerprint with no
    list to edit; a change outside the extraction layers does not."""
    copy = tmp_path / "builders"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(caches, "__file__", str(copy / "engine" / "caches.py"))

    def fingerprint() -> str:
        caches.code_fingerprint.cache_clear()
        return caches.code_fingerprint()

    before = fingerprint()
    (copy / "cli.py").write_text((copy / "cli.py").read_text() + "\n# a comment\n")
    assert fingerprint() == before
    (copy / "extract" / "new_stage.py").write_text("RULE = 1\n")
    after_new_module = fingerprint()
    assert after_new_module != before
    (copy / "extract" / "lexicon.yaml").write_text((copy / "extract" / "lexicon.yaml").read_text() + "\n# more words\n")
    assert fingerprint() != after_new_module
    caches.code_fingerprint.cache_clear()


def _renamed_codebook(root: Path, renames: dict[str, str]) -> None:
    path = root / "seeds" / "reference" / "event_types.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in entries:
        entry["id"] = renames.get(entry["id"], entry["id"])
        for key in ("hypothetical_as", "modal_as"):
            if entry.get(key):
                entry[key] = renames.get(entry[key], entry[key])
    path.write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # the derived triggers are filed under the type's id: the converter writes them again, as a contributor would
    sys.path.insert(0, str(REPO / "vendor" / "petrarch2"))
    try:
        import convert
    finally:
        sys.path.pop(0)
    (root / "seeds" / "reference" / "cameo_triggers.yaml").write_text(convert.converted(codebook=path), encoding="utf-8")


def test_renaming_an_event_type_changes_only_its_id(tmp_path):
    """What a type does (triggers, roles, speech act, content modality, hypothetical_as) comes from
    its codebook fields: the same sentences give the same events under new ids; a type named by
    another (hypothetical_as) must be renamed there too, or the codebook is refused with one line."""
    article = (
        "Envoy Tom Reed arrived in Belgrade on Monday.\n\n"
        "Tom Reed said that Serbia would face US sanctions if it bought the S-400.\n\n"
        "The S-400 system arrived in Belgrade last week, the ministry said.\n\n"
        "The Serbian government plans to purchase the Chinese FK-3 system.\n"
    ).encode()
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    renames = {"visit": "travel", "threaten_sanctions": "warn_of_sanctions", "deliver_weapons": "hand_over",
               "intend_to_purchase": "plan_purchase"}
    _renamed_codebook(tmp_path, renames)
    original, _ = load_reference(REPO)
    renamed, problems = load_reference(tmp_path)
    assert problems == []

    def events(reference):
        rows = extract("own-text", article, "seeds/articles/own-text.txt", Matcher(reference))
        return list(rows.events)

    before, after = events(original), events(renamed)
    broken = tmp_path / "broken"
    shutil.copytree(REPO / "seeds", broken / "seeds")
    path = broken / "seeds" / "reference" / "event_types.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: threaten_sanctions", "id: warn_of_sanctions"), encoding="utf-8")
    assert [str(p) for p in load_reference(broken)[1]] == [  # (and the derived triggers are filed under the old id)
        "seeds/reference/cameo_triggers.yaml:10: 'threaten_sanctions' is no type of seeds/reference/event_types.yaml — run python vendor/petrarch2/convert.py",
        "seeds/reference/event_types.yaml: hypothetical_as: 'impose_sanctions' names 'threaten_sanctions', which is no type — use an id of this file"]
    assert {e.event_type for e in before} >= set(renames)  # every renamed type fires on this text
    # an event's id is derived from its type among the rest of its content, so it follows the new name
    assert [e.model_copy(update={"event_type": renames.get(e.event_type, e.event_type), "summary": "", "event_id": "x"}) for e in before] == [
        e.model_copy(update={"summary": "", "event_id": "x"}) for e in after]
