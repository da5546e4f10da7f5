"""`load(resource, engine, root)`: one table of a built package in pandas, polars or DuckDB, with
enum columns as categoricals holding every value the model allows; one-line errors."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

from builders.load import load
from builders.schema.columns import columns
from builders.schema.models import RESOURCES, Event

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
        f"datapackage/parquet/, or build it: serbia-arms-pressure build (resources: {names})")
    for error in (unknown, engine, missing):
        assert "\n" not in str(error.value)
