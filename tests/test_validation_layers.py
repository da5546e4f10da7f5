"""The vectorised validator finds every problem frictionless finds, at the same file, row and field.

Each case damages one CSV file of a freshly built package and then corrects the descriptor's bytes
and hash, so that frictionless has row-level problems to find (not only a hash mismatch). Both
validators run on the same damaged package. The validator checks a CSV file whose bytes are the
builders' rendering of the Parquet edition on the typed values, without parsing it: the cases of
BOTH_EDITIONS damage the two editions alike (as a faulty builder would) to hold that path to the same
findings, and DESCRIPTOR_CASES do the same for the descriptor, which frictionless checks only when
it is not the generated one.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from frictionless import Package
from frictionless import validate as frictionless_validate

import builders.validate
from builders.schema.language_layer import language_layer
from builders.publish.package import PARQUET_OPTIONS, csv_bytes
from builders.schema.columns import columns, model_by_name
from builders.schema.dataset import descriptor, file_facts, sources_of
from builders.schema.models import RESOURCES
from builders.validate import validate_package
from builders.validate.common import connect, re2_pattern
from builders.validate.editions import read_edition, rendering_facts

CASES = {
    # name: (resource, old bytes, new bytes)
    "impossible date": ("articles", b'"Global Research","InfoBrics",2020-02-28', b'"Global Research","InfoBrics",2020-02-31'),
    "integer with letters": ("articles", b',694,"81db', b',69x4,"81db'),
    "integer below minimum": ("articles", b',694,"81db', b',-694,"81db'),
    "value outside the enum": ("actor_mentions", b'"alias","rule"', b'"nickname","rule"'),
    "pattern": ("actors", b'"person","SRB"', b'"person","Srb"'),
    "required cell empty": ("actors", b'"aleksandar-pavic","Aleksandar Pavi\xc4\x87"', b'"aleksandar-pavic",'),
    "foreign key": ("actor_mentions", b'"aleksandar-vucic"', b'"aleksandar-vucic-jr"'),
    "missing cell": ("weapon_systems", b',"Pantsir-S1",', b',"Pantsir-S1"\r\n"zz-extra",'),
    "extra cell": ("event_types", b'\r\n"cooperate",', b'\r\n"cooperate","surplus",'),
    "blank row": ("event_types", b'\r\n"cooperate",', b'\r\n\r\n"cooperate",'),
    "bad header": ("actors", b"actor_id,name,actor_type", b"actor_id,full_name,actor_type"),
}


def _damage(package: Path, resource: str, old: bytes, new: bytes) -> None:
    path = package / "datapackage" / "csv" / f"{resource}.csv"
    data = path.read_bytes()
    assert old in data, f"the case no longer applies to {resource}.csv: {old!r}"
    _write_csv(package, resource, data.replace(old, new, 1))


def _write_csv(package: Path, resource: str, data: bytes) -> None:
    """The CSV file of `resource`, and its bytes and hash in the descriptor."""
    (package / "datapackage" / "csv" / f"{resource}.csv").write_bytes(data)
    descriptor_path = package / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    for entry in descriptor["resources"]:
        if entry["name"] == resource:
            entry["bytes"] = len(data)
            entry["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
    descriptor_path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _frictionless_findings(package: Path) -> set[tuple[str, int | None, str | None]]:
    report = frictionless_validate(str(package / "datapackage.json"), limit_errors=0)
    found = set()
    for task in report.tasks:
        for error in task.errors:
            found.add((task.place, getattr(error, "row_number", None), getattr(error, "field_name", None) or None, error.type))
    return found


def _copy(built_repo: Path, tmp_path: Path) -> Path:
    package = tmp_path / "package"
    shutil.copytree(built_repo / "datapackage", package / "datapackage")
    shutil.copy(built_repo / "datapackage.json", package / "datapackage.json")
    return package


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_frictionless_finding_is_found(case, built_repo, tmp_path):
    package = _copy(built_repo, tmp_path)
    _damage(package, *CASES[case])
    _assert_same_findings(package)


def _assert_same_findings(package: Path) -> None:
    theirs = _frictionless_findings(package)
    ours = validate_package(package)
    assert theirs, "frictionless found nothing: the case does not damage the package"
    assert ours, "the validator found nothing"
    for path, row, field, kind in theirs:
        if kind == "incorrect-label":  # reported once for the header, with the expected labels
            assert any(p.path == path and p.line == 1 and "incorrect-label" in p.message for p in ours), (kind, [str(p) for p in ours])
            continue
        matches = [p for p in ours if p.path == path and p.line == row and (field is None or p.field in (field, None))]
        assert matches, (f"frictionless found {kind} at {path}:{row}:{field}; ours: {[str(p) for p in ours]}")


def test_a_clean_package_has_no_findings_in_either(built_repo):
    assert _frictionless_findings(built_repo) == set()
    assert validate_package(built_repo) == []


def test_broken_files_get_one_line_each_and_no_traceback(built_repo, tmp_path):
    package = _copy(built_repo, tmp_path)
    _damage(package, "actors", b'"Aleksandar Pavi\xc4\x87"', b'"Aleksandar Pavi\xff"')
    (package / "datapackage" / "csv" / "quotes.csv").unlink()
    messages = [str(p) for p in validate_package(package)]
    assert any(m.startswith("datapackage/csv/actors.csv: not UTF-8: byte ") and "(line 2 of the file)" in m for m in messages), messages
    assert any(m.startswith("datapackage/csv/quotes.csv: cannot read:") for m in messages), messages


def _with(table: pa.Table, column: str, row, value) -> pa.Table:
    """`table` with one cell changed (`row`: an index, or a function of the column's values)."""
    values = table.column(column).to_pylist()
    row = row if isinstance(row, int) else row(values)
    values[row] = value
    field = table.schema.field(column)
    if pa.types.is_dictionary(field.type):  # an enum: the value joins the dictionary
        dictionary = table.column(column).combine_chunks().dictionary.to_pylist()
        dictionary += [v for v in [value] if v not in dictionary]
        array = pa.DictionaryArray.from_arrays(pa.array([None if v is None else dictionary.index(v) for v in values], pa.int32()), pa.array(dictionary))
    elif pa.types.is_date32(field.type) and isinstance(value, int):  # days since 1970: beyond Python's dates
        array = pa.array([v if isinstance(v, int) else None if v is None else (v - dt.date(1970, 1, 1)).days for v in values], pa.int32()).cast(pa.date32())
    else:
        array = pa.array(values, field.type)
    return table.set_column(table.schema.get_field_index(column), field, array)


BOTH_EDITIONS = {
    # name: (resource, column, row, value)
    "pattern": ("actors", "country_iso3", lambda values: values.index("SRB"), "Srb"),
    "required cell empty": ("actors", "name", 1, ""),  # not null: the Parquet schema holds no null there
    "integer below minimum": ("articles", "word_count", 0, -694),
    "foreign key": ("actor_mentions", "actor_id", 0, "aleksandar-vucic-jr"),
    "foreign key outside its pattern": ("events", "event_type", 0, "Threaten!"),
    "value outside the enum": ("actor_mentions", "mention_kind", 0, "nickname"),
    "primary key repeated": ("actors", "actor_id", 1, "aleksandar-pavic"),
    "date after 9999": ("articles", "published_date", 0, 2932897),
}


def _damage_both(package: Path, resource: str, column: str, row, value) -> None:
    """Both editions changed alike: the CSV file written from the changed Parquet table by the
    builders' own writer, so that validate checks the typed values and does not parse it."""
    path = package / "datapackage" / "parquet" / f"{resource}.parquet"
    table = _with(pq.read_table(path), column, row, value)
    pq.write_table(table, path, **PARQUET_OPTIONS)
    model, data = model_by_name(resource), csv_bytes(model_by_name(resource), table)
    _write_csv(package, resource, data)
    edition, _ = read_edition(package, model)
    assert rendering_facts(package, model, edition, connect()) == file_facts(data)


@pytest.mark.parametrize("case", sorted(BOTH_EDITIONS))
def test_editions_damaged_alike_get_every_frictionless_finding(case, built_repo, tmp_path):
    package = _copy(built_repo, tmp_path)
    _damage_both(package, *BOTH_EDITIONS[case])
    _assert_same_findings(package)


def test_a_foreign_key_outside_its_pattern_is_reported_twice(built_repo, tmp_path):
    """The typed check leaves a foreign key's pattern to the key check (a parent's key matches it);
    a key that is no parent's sends the file through the full check, which names the pattern too."""
    package = _copy(built_repo, tmp_path)
    _damage_both(package, "actor_mentions", "actor_id", 0, "Aleksandar Vučić")
    messages = [str(p) for p in validate_package(package)]
    assert any(m.startswith("datapackage/csv/actor_mentions.csv:2: actor_id: constraint-error: pattern: 'Aleksandar Vučić'") for m in messages), messages
    assert any(m.startswith("datapackage/csv/actor_mentions.csv:2: actor_id: foreign-key: 'Aleksandar Vučić'") for m in messages), messages


def test_a_built_package_is_checked_without_parsing_its_csv(built_repo, monkeypatch):
    """Its CSV files are the builders' rendering of its Parquet edition, byte for byte."""
    def refuse(model, data):
        raise AssertionError(f"{model.resource_name}.csv was parsed")

    monkeypatch.setattr(builders.validate, "parse_cells", refuse)
    assert validate_package(built_repo, check_freshness=True) == []


def test_a_valid_package_imports_neither_pandas_nor_frictionless_nor_spacy(built_repo):
    """pandas (which pyarrow imports to make Arrow values from Python ones), frictionless and spaCy
    together take longer to import than every check of a 10,000-article package."""
    code = ("import sys; from pathlib import Path; from builders.validate import validate_package; "
            "assert validate_package(Path(sys.argv[1]), check_freshness=True) == []; "
            "print(sorted(m for m in ('pandas', 'frictionless', 'spacy') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, str(built_repo)], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


DESCRIPTOR_CASES = {
    "name not a string": lambda d: d.update(name=5),
    "license without name or path": lambda d: d["licenses"].append({"title": "x"}),
    "bytes as a string": lambda d: d["resources"][0].update(bytes="12"),
    "resource without path": lambda d: d["resources"][1].pop("path"),
    "contributors not a list": lambda d: d.update(contributors="me"),
    "unknown field type": lambda d: d["resources"][1]["schema"]["fields"][0].update(type="strang"),
}


@pytest.mark.parametrize("case", sorted(DESCRIPTOR_CASES))
def test_every_frictionless_descriptor_finding_is_found(case, built_repo, tmp_path):
    package = _copy(built_repo, tmp_path)
    damaged = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    DESCRIPTOR_CASES[case](damaged)
    (package / "datapackage.json").write_text(json.dumps(damaged), encoding="utf-8")
    theirs = [e.message for e in Package.validate_descriptor(damaged).errors]
    ours = [p.message for p in validate_package(package) if p.path == "datapackage.json"]
    assert theirs
    for message in theirs:
        assert any(message in line for line in ours), (message, ours)


def test_the_generated_descriptor_passes_frictionless_whatever_the_sources():
    """Why validate may skip frictionless on a descriptor equal to the generated one: sources are
    the only part that the data chooses (outlets, headlines and addresses of the articles)."""
    files = {model.resource_name: (0, "sha256:" + "0" * 64) for model in RESOURCES}
    odd = ["A\nB", "😀 Outlet", 'The "Quoted" Times', "x" * 5000, " ", "\u202eevil", None]
    articles = pa.table({
        "article_id": [f"a{i}" for i in range(len(odd))],
        "title": [None, "", "Headline — with a dash", "😀", "t" * 5000, "\u202e", "ordinary"],
        "publisher": odd,
        "original_publisher": list(reversed(odd)),
        "url": ["https://example.org/", None, "https://例え.jp/パス?q=1&r=\"2\"", "http://a", "https://x.org/" + "p" * 3000, "https://x.org/%20", ""],
    })
    generated = descriptor(files, sources_of(articles), "0" * 64, language_layer())
    assert Package.validate_descriptor(copy.deepcopy(generated)).errors == []


PROBES = ["a", "ab-c_1", "-a", "A", "SRB", "Srb", "SR", "Q1", "Q0", "062", "21", "0", "https://x.org/a", "https://x.org/a b",
          "https://x.org/a\u00a0b", "https://x.org/\u3000", "https://x.org/\u2028", "http://", "abc\n", "٣", "x" * 64, "x" * 65, "eng", "e"]


def test_patterns_accept_nothing_that_python_refuses():
    """frictionless reads a pattern with Python's re (\\s and \\d are Unicode there), DuckDB with RE2."""
    con = connect()
    patterns = {col.pattern for model in RESOURCES for col in columns(model) if col.pattern}
    for pattern in patterns:
        for probe in PROBES:
            ours = con.execute("SELECT regexp_matches(?, ?)", [probe, re2_pattern(pattern)]).fetchone()[0]
            if ours:
                assert re.match(f"^{pattern}$", probe), (pattern, probe)
    assert not con.execute("SELECT regexp_matches(?, ?)", ["https://x.org/a\u00a0b", re2_pattern(r"^https?://\S+$")]).fetchone()[0]
