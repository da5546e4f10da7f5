"""Incremental builds: only the articles whose inputs changed are extracted again, the last build's
other rows are kept, and the package published is the one a build from scratch publishes, byte for
byte; a store that is stale or damaged is never used."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from conftest import FIXTURES, make_repo, snapshot, write_source

from builders import engine, validate
from builders.engine import store
from builders.validate import validate_package
from builders.pipeline import build
from builders.engine import Options

EXTRA = sorted((FIXTURES / "articles").glob("*.txt"))
CHANGED = "seeds/articles/wire-nis-waiver-2025.txt"
REMOVED = "seeds/articles/plain-notes-0001.txt"
ADDED = "seeds/articles/added-note-2025.txt"
NEW_PARAGRAPH = ("\nThe United States threatened Serbia with sanctions on Monday over its purchase of the Chinese FK-3 "
                 "system, the State Department said.\n")


def _errors(problems) -> list[str]:
    return [str(p) for p in problems if p.severity == "error"]


@pytest.fixture
def extracted(monkeypatch) -> list[list[str]]:
    """The ids of the articles each build extracts (through the cache or not)."""
    calls: list[list[str]] = []
    real = engine.extract_all

    def spy(jobs, *args, **kwargs):
        calls.append([job.article_id for job in jobs])
        return real(jobs, *args, **kwargs)

    monkeypatch.setattr(engine, "extract_all", spy)
    return calls


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A repository with more articles than the seeds, built once (its store is the last build)."""
    root = make_repo(tmp_path_factory.mktemp("incremental"), EXTRA)
    assert _errors(build(root, Options(workers=2))) == []
    return root


def _edit(root) -> None:
    (root / CHANGED).write_text((root / CHANGED).read_text(encoding="utf-8") + NEW_PARAGRAPH, encoding="utf-8")
    (root / REMOVED).unlink()
    (root / "seeds" / "sources" / f"{Path(REMOVED).stem}.yaml").unlink()
    (root / ADDED).write_text("A note added later\n\nBy Jane Roe\n\n" + NEW_PARAGRAPH.replace("Monday", "Friday"), encoding="utf-8")
    write_source(root, Path(ADDED).stem)


def test_a_changed_added_and_removed_article_give_the_package_of_a_build_from_scratch(built, tmp_path, extracted):
    root = tmp_path / "repo"
    shutil.copytree(built, root)
    before = snapshot(root)
    _edit(root)
    problems = build(root, Options(workers=2))
    assert _errors(problems) == []
    assert extracted == [["added-note-2025", "wire-nis-waiver-2025"]]  # the others come from the last build's tables
    scratch = make_repo(tmp_path / "scratch")
    shutil.rmtree(scratch / "seeds")
    shutil.copytree(root / "seeds", scratch / "seeds")
    assert [str(p) for p in build(scratch, Options(workers=2, use_cache=False))] == [str(p) for p in problems]  # the warnings too
    assert snapshot(root) == snapshot(scratch)
    assert snapshot(root) != before

    shutil.rmtree(root / "seeds")  # and back: the first package again, extracting only what changed back
    shutil.copytree(built / "seeds", root / "seeds")
    assert _errors(build(root, Options(workers=2))) == []
    assert extracted[2] == ["plain-notes-0001", "wire-nis-waiver-2025"]
    assert snapshot(root) == before


def test_a_changed_source_record_alone_is_extracted_again(built, tmp_path, extracted):
    root = tmp_path / "repo"
    shutil.copytree(built, root)
    write_source(root, "wire-nis-waiver-2025", b"url: https://example.org/wire\nretrieved_date: 2025-06-02\nlicence_basis: permission\n")
    assert _errors(build(root, Options(workers=2))) == []
    assert extracted == [["wire-nis-waiver-2025"]]
    articles = (root / "datapackage" / "csv" / "articles.csv").read_text(encoding="utf-8")
    assert '"https://example.org/wire",2025-06-02' in articles
    scratch = make_repo(tmp_path / "scratch")
    shutil.rmtree(scratch / "seeds")
    shutil.copytree(root / "seeds", scratch / "seeds")
    assert _errors(build(scratch, Options(workers=2, use_cache=False))) == []
    assert snapshot(root) == snapshot(scratch)


def test_an_unchanged_build_extracts_nothing_and_reports_the_same_warnings(built, tmp_path, extracted):
    root = tmp_path / "repo"
    shutil.copytree(built, root)
    before = snapshot(root)
    problems = build(root, Options(workers=2))
    assert extracted == [[]]
    assert any("CR/CRLF line ends" in str(p) for p in problems)  # a warning of an article from the last build
    assert snapshot(root) == before


# a sentence written for these tests: no actor, quotation, weapon or event in it
QUIET_SENTENCE = "\nThe weather in the valley stayed mild for the rest of that week.\n"
PAGES = "datapackage/articles"


def _scratch_snapshot(root: Path, tmp_path: Path) -> dict[str, bytes]:
    """The package a build from scratch makes of `root`'s seeds."""
    scratch = make_repo(tmp_path / "scratch")
    shutil.rmtree(scratch / "seeds")
    shutil.copytree(root / "seeds", scratch / "seeds")
    assert _errors(build(scratch, Options(workers=2, use_cache=False))) == []
    return snapshot(scratch)


def _own_copy(built: Path, root: Path) -> None:
    """A copy of the built repository, built once there: its published files are then the ones
    its store recorded (a copied file is another file: another inode)."""
    shutil.copytree(built, root)
    assert _errors(build(root, Options(workers=2))) == []


def test_files_whose_inputs_are_unchanged_are_the_published_ones_linked_not_written_again(built, tmp_path):
    root = tmp_path / "repo"
    _own_copy(built, root)
    before = snapshot(root)
    inode = {rel: (root / rel).stat().st_ino for rel in before}
    (root / CHANGED).write_text((root / CHANGED).read_text(encoding="utf-8") + QUIET_SENTENCE, encoding="utf-8")
    assert _errors(build(root, Options(workers=2))) == []
    after = snapshot(root)
    assert after == _scratch_snapshot(root, tmp_path)
    page = f"{PAGES}/{Path(CHANGED).stem}.html"
    assert after[page] != before[page] and after["datapackage/csv/articles.csv"] != before["datapackage/csv/articles.csv"]
    linked = {rel for rel in after if (root / rel).stat().st_ino == inode.get(rel)}
    assert page not in linked and "datapackage/csv/articles.csv" not in linked and "datapackage/parquet/articles.parquet" not in linked
    unchanged_tables = [rel for rel in after if rel.startswith(("datapackage/csv/", "datapackage/parquet/")) and after[rel] == before[rel]]
    other_pages = [rel for rel in after if rel.startswith(PAGES) and rel not in (page, f"{PAGES}/index.html")]
    assert "datapackage/csv/events.csv" in unchanged_tables and len(other_pages) > 5
    assert set(unchanged_tables) | set(other_pages) <= linked


def test_a_published_file_changed_since_the_last_build_is_written_again_never_carried_forward(built, tmp_path):
    root = tmp_path / "repo"
    _own_copy(built, root)
    before = snapshot(root)
    damaged = ["datapackage/csv/events.csv", "datapackage/parquet/quotes.parquet", f"{PAGES}/{Path(REMOVED).stem}.html"]
    for rel in damaged:
        data = bytearray((root / rel).read_bytes())
        data[len(data) // 2] ^= 0x01
        (root / rel).write_bytes(bytes(data))
    (root / CHANGED).write_text((root / CHANGED).read_text(encoding="utf-8") + QUIET_SENTENCE, encoding="utf-8")
    assert _errors(build(root, Options(workers=2))) == []
    after = snapshot(root)
    assert {rel: after[rel] for rel in damaged} == {rel: before[rel] for rel in damaged}  # made again from the rows
    assert after == _scratch_snapshot(root, tmp_path)


def test_a_damaged_store_is_not_used(built, tmp_path, extracted):
    root = tmp_path / "repo"
    shutil.copytree(built, root)
    before = snapshot(root)
    table = next((root / store.STORE_DIR).glob("events-*.arrow"))
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0x01
    table.write_bytes(bytes(data))
    assert store.load(root) is None
    assert _errors(build(root, Options(workers=2))) == []
    assert len(extracted[0]) == len(list((root / "seeds" / "articles").glob("*.txt")))  # every article, from the cache
    assert snapshot(root) == before
    assert store.load(root) is not None  # written again


def test_a_store_made_by_other_code_is_not_used(built, tmp_path, monkeypatch):
    root = tmp_path / "repo"
    shutil.copytree(built, root)
    assert store.load(root) is not None
    store.code_fingerprint.cache_clear()
    monkeypatch.setattr(store, "__file__", str(tmp_path / "elsewhere" / "store.py"))  # other files: another fingerprint
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "assemble.py").write_text("# other code\n")
    try:
        assert store.load(root) is None
    finally:
        store.code_fingerprint.cache_clear()


def _package_copy(root: Path, to: Path) -> Path:
    to.mkdir()
    for name in ("datapackage.json", "datapackage", "schema"):
        (shutil.copytree if (root / name).is_dir() else shutil.copy2)(root / name, to / name)
    return to


def _rewrite_parquet(package: Path, resource: str, change) -> None:
    import pyarrow.parquet as pq

    path = package / "datapackage" / "parquet" / f"{resource}.parquet"
    pq.write_table(change(pq.read_table(path)), path)


def test_changed_rows_are_checked_and_a_problem_validates_the_whole_package(built, tmp_path, monkeypatch):
    """validate_package(out, changed): the layers run on the changed articles' rows only, and
    every key on every row; a problem found there validates the whole package (for the report)."""
    work = _package_copy(built, tmp_path / "work")
    events = pq_read(work, "events")
    first = events.column("article_id")[0].as_py()

    def wrong_evidence(table: pa.Table) -> pa.Table:
        evidence = table.column("evidence_text").to_pylist()
        evidence[0] = "not the text at these offsets"
        at = table.schema.get_field_index("evidence_text")
        return table.set_column(at, table.schema.field("evidence_text"), pa.array(evidence, pa.string()))

    _rewrite_parquet(work, "events", wrong_evidence)
    assert validate_package(work, changed={"some-other-article"}) == []  # only changed rows are read
    scoped = validate._changed_rows_problems(work, {first})
    assert ("datapackage/csv/events.csv", "evidence_text") in [(p.path, p.field) for p in scoped]
    assert validate_package(work, changed={first}) == validate_package(work)  # then the whole package, for the report
    assert not (work / validate.CHANGED_ROWS).exists()

    keys = _package_copy(built, tmp_path / "keys")  # a key is checked across all rows, changed or not
    gone = pq_read(keys, "actor_mentions").column("actor_id")[0].as_py()
    _rewrite_parquet(keys, "actors", lambda actors: actors.filter(pc.not_equal(actors.column("actor_id"), gone)))
    assert any(p.field == "actor_id" and "foreign-key" in p.message for p in validate._changed_rows_problems(keys, set()))

    wholes = []
    real = validate._layers
    monkeypatch.setattr(validate, "_changed_rows_problems", lambda *args: ["a problem"])
    monkeypatch.setattr(validate, "_layers", lambda folder, *args, **kwargs: wholes.append(folder) or real(folder, *args, **kwargs))
    root = tmp_path / "repo"
    shutil.copytree(built, root)
    (root / CHANGED).write_text((root / CHANGED).read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert _errors(build(root, Options(workers=1))) == []
    assert len(wholes) == 1  # the whole package, validated for the report


def pq_read(package: Path, resource: str) -> pa.Table:
    import pyarrow.parquet as pq

    return pq.read_table(package / "datapackage" / "parquet" / f"{resource}.parquet")


def test_every_validation_layer_runs_in_an_incremental_build(built, tmp_path, monkeypatch):
    """Each function of a validation layer that validating a whole package calls is called by an
    incremental build too (which validates the changed rows only, when they pass): a layer added to
    `validate_package` cannot be skipped by `build` (freshness aside: a build makes the package
    from the seeds it checks). The layers are every module of builders/validate/ but its helpers
    and commands, so a new layer module is checked without editing this test."""
    import inspect
    import pkgutil

    not_layers = {"common", "diff", "freshness"}  # shared helpers, the diff command, up-to-dateness (not a build's concern)
    layers = {f"{validate.__name__}.{m.name}" for m in pkgutil.iter_modules(validate.__path__) if m.name not in not_layers}
    assert {"builders.validate.descriptor", "builders.validate.rows", "builders.validate.spans", "builders.validate.editions"} <= layers
    module_of = {}
    called: set[str] = set()
    for name, value in vars(validate).items():
        if inspect.isfunction(value) and value.__module__ in layers or inspect.isclass(value) and value.__module__ in layers:
            module_of[name] = value.__module__
            monkeypatch.setattr(validate, name, lambda *args, _name=name, _real=value, **kwargs: called.add(_name) or _real(*args, **kwargs))
    root = tmp_path / "repo"
    shutil.copytree(built, root)
    assert validate_package(root) == []
    whole = set(called)
    assert {"descriptor_problems", "key_problems", "Spans", "rendering_facts", "typed_values_pass"} <= whole
    assert {module_of[name] for name in whole} == layers, "a layer module the whole validation does not call (import its check into builders/validate/__init__.py)"
    called.clear()
    wholes = []
    real = validate._layers
    monkeypatch.setattr(validate, "_layers", lambda folder, *args, **kwargs: wholes.append(folder) or real(folder, *args, **kwargs))
    (root / CHANGED).write_text((root / CHANGED).read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert _errors(build(root, Options(workers=1))) == []
    assert [folder.name for folder in wholes] == [validate.CHANGED_ROWS]  # the changed rows alone were validated
    assert whole - called == set()


def test_rows_merged_into_the_kept_ones_are_the_rows_sorted_afresh():
    from builders.assemble import merged_by_key, sorted_by_key
    from builders.schema.models import Quote

    keys = ["a-q1", "a-q3", "ab-q1", "b-q2", "b-q9", "c-q1"]
    table = pa.table({"quote_id": keys, "n": list(range(len(keys)))})
    for fresh_keys in (["a-q0"], ["a-q2", "b-q5"], ["0"], ["z", "zz"], ["a-q3"], ["b-q3", "b-q4", "c-q0", "d"]):
        fresh = pa.table({"quote_id": fresh_keys, "n": [100 + i for i in range(len(fresh_keys))]})
        merged = merged_by_key(Quote, table, fresh)
        assert merged.equals(sorted_by_key(Quote, pa.concat_tables([table, fresh]))), fresh_keys
        assert merged.column("quote_id").to_pylist() == sorted(keys + fresh_keys)


def test_rows_made_typed_in_batches_in_any_order_give_the_tables_of_one_batch(monkeypatch, tmp_path):
    from builders import assemble as assembling
    from builders.extract.article import Extractor
    from builders.inputs.reference import load_reference
    from builders.inputs.seeds import read_seeds

    root = make_repo(tmp_path / "repo", EXTRA)
    reference, _ = load_reference(root)
    extractor = Extractor(reference)
    extracted = [extractor(job.loaded())[0] for job in read_seeds(root).jobs]
    whole = assembling.assemble(extracted, reference)
    monkeypatch.setattr(assembling, "ASSEMBLY_BATCH", 2)
    batched = assembling.assemble(list(reversed(extracted)), reference)
    assert whole.keys() == batched.keys()
    for name, table in whole.items():
        assert table.equals(batched[name]) and batched[name].column(0).num_chunks == 1, name
