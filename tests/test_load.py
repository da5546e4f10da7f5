"""`load(resource, engine, root)`: one table of a built package in pandas, polars or DuckDB, with
enum columns as categoricals holding every value the model allows, dates as dates; one-line errors;
and it works with nothing but pyarrow and the engine installed."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import distribution
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

from builders.load import load
from builders.schema.columns import columns
from builders.schema.models import RESOURCES, Event
from conftest import REPO

ENUMS = [(model, col) for model in RESOURCES for col in columns(model) if col.enum]


def test_every_resource_loads_in_every_engine_with_the_models_columns(built_repo):
    for model in RESOURCES:
        names = [col.name for col in columns(model)]
        rows = pq.read_metadata(built_repo / "datapackage" / "parquet" / f"{model.resource_name}.parquet").num_rows
        frame = load(model.resource_name, root=built_repo)
        assert list(frame.columns) == names and len(frame) == rows
        polars = load(model.resource_name, engine="polars", root=str(built_repo))
        assert polars.columns == names and polars.height == rows
        relation = load(model.resource_name, engine="duckdb", root=built_repo)
        assert relation.columns == names and relation.count("*").fetchall()[0][0] == rows


def test_enum_columns_hold_every_allowed_value(built_repo):
    assert len(ENUMS) >= 8
    events = load("events", root=built_repo)
    assert set(events["modality"].dropna()) < set(Event.model_fields["modality"].annotation)  # some values never occur…
    for model, col in ENUMS:
        frame = load(model.resource_name, root=built_repo)
        assert isinstance(frame[col.name].dtype, pd.CategoricalDtype)
        assert list(frame[col.name].cat.categories) == list(col.enum)  # …yet every one is a category, in declared order
        polars = load(model.resource_name, engine="polars", root=built_repo)
        assert polars.schema[col.name] == pl.Enum(list(col.enum))
        relation = load(model.resource_name, engine="duckdb", root=built_repo)
        kind = relation.types[relation.columns.index(col.name)]
        assert str(kind) == "ENUM(" + ", ".join(f"'{v}'" for v in col.enum) + ")"
    # values survive the casts
    modality = dict(load("events", engine="duckdb", root=built_repo).aggregate("modality::VARCHAR, count(*)").fetchall())
    assert modality == events["modality"].astype(str).value_counts().to_dict()
    assert load("events", engine="polars", root=built_repo)["modality"].cast(pl.String).to_list() == events["modality"].astype(str).tolist()


def test_the_relation_outlives_the_call(built_repo):
    import gc

    relation = load("quotes", engine="duckdb", root=built_repo)
    gc.collect()
    assert relation.filter("kind = 'direct'").count("*").fetchall()[0][0] > 0


def test_errors_are_one_line(built_repo, tmp_path):
    names = ", ".join(model.resource_name for model in RESOURCES)
    with pytest.raises(ValueError) as unknown:
        load("evnts", root=built_repo)
    assert str(unknown.value) == f"unknown resource 'evnts' (did you mean 'events'?) — the resources are: {names}"
    with pytest.raises(ValueError) as engine:
        load("events", engine="spark", root=built_repo)
    assert str(engine.value) == "unknown engine 'spark' — use one of: pandas, polars, duckdb"
    with pytest.raises(FileNotFoundError) as missing:
        load("events", root=tmp_path)
    assert str(missing.value) == (
        f"{tmp_path} holds no data package (no datapackage.json) — pass root= the folder holding datapackage.json and "
        "datapackage/parquet/, or build it: serbia-arms-pressure build")
    for error in (unknown, engine, missing):
        assert "\n" not in str(error.value)


def test_dates_load_as_dates_that_dt_works_on(built_repo):
    events = load("events", root=built_repo)
    assert pd.api.types.is_datetime64_any_dtype(events["date_start"])
    assert events["date_start"].dt.year.dropna().astype(int).between(1990, 2100).all()
    articles = load("articles", root=built_repo)
    assert pd.api.types.is_datetime64_any_dtype(articles["published_date"])
    assert load("articles", engine="polars", root=built_repo).schema["published_date"] == pl.Date


def test_a_damaged_parquet_file_is_one_line_naming_it(built_repo, tmp_path):
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(built_repo / "datapackage", root / "datapackage")
    shutil.copyfile(built_repo / "datapackage.json", root / "datapackage.json")
    damaged = root / "datapackage" / "parquet" / "events.parquet"
    damaged.write_bytes(damaged.read_bytes()[:-40])  # the footer cut off
    for engine in ("pandas", "polars", "duckdb"):
        with pytest.raises(ValueError) as error:
            load("events", engine=engine, root=root)
        assert str(error.value).startswith(f"{damaged}: not a readable Parquet file (") and "\n" not in str(error.value)


# The distributions an analyst installs to read the data with pandas: pyarrow, pandas and what
# pandas itself needs. Nothing of the build stack (spaCy, pydantic, frictionless, PyYAML, DuckDB…).
READER_DISTRIBUTIONS = ("pyarrow", "pandas", "numpy", "python-dateutil", "six", "tzdata", "pytz")


def _reader_site(site):
    """A folder holding links to the reader distributions' top-level modules only."""
    site.mkdir()
    for name in READER_DISTRIBUTIONS:
        try:
            dist = distribution(name)
        except Exception:  # an optional dependency of pandas that is not installed
            continue
        for top in {Path(str(f)).parts[0] for f in dist.files or ()}:
            target = Path(dist.locate_file(top))
            if target.exists() and not (site / top).exists():
                (site / top).symlink_to(target)
    return site


def test_load_works_without_the_build_dependencies(tmp_path):
    """In an interpreter that sees only pyarrow and pandas (no site-packages, no spaCy), the README's
    one-liner works on the committed package."""
    site = _reader_site(tmp_path / "site")
    script = textwrap.dedent(f"""
        import sys
        sys.path[:0] = [{str(site)!r}, {str(REPO)!r}]
        for missing in ("spacy", "pydantic", "frictionless", "yaml", "duckdb", "polars"):
            try:
                __import__(missing)
            except ImportError:
                continue
            sys.exit(f"{{missing}} is importable: the test would prove nothing")
        from builders.load import load
        events = load("events", root={str(REPO)!r})
        print(len(events), events["modality"].dtype, events["date_start"].dt.year.max())
    """)
    result = subprocess.run([sys.executable, "-I", "-S", "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows, dtype, year = result.stdout.split()
    assert int(rows) > 0 and dtype == "category" and float(year) >= 2019


def test_a_command_without_the_build_tools_says_how_to_install_them(tmp_path):
    """With only the reader's dependencies (pip install -e . gives pyarrow), the commands answer in
    one line instead of a traceback."""
    site = _reader_site(tmp_path / "site")
    script = f"import sys; sys.path[:0] = [{str(site)!r}, {str(REPO)!r}]; from builders.cli import main; sys.exit(main(['validate']))"
    result = subprocess.run([sys.executable, "-I", "-S", "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("the build tools are not installed (no module named ")
    assert result.stderr.endswith("pip install --no-deps --require-hashes -r requirements.lock\n") and result.stderr.count("\n") == 1
