"""Scale-out paths give the same package: Dask on a local cluster, a scheduler address, and the
Hive-partitioned Parquet dataset in dist/."""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

import duckdb
import pytest
from conftest import FIXTURES, make_repo, snapshot

from builders.cli import _on_terminal
from builders.pipeline import build
from builders.engine import Options

EXTRA = sorted((FIXTURES / "articles").glob("*.txt"))  # more articles than the seeds, in other shapes


@pytest.fixture(scope="module")
def serial_build(tmp_path_factory):
    root = make_repo(tmp_path_factory.mktemp("serial"), EXTRA)
    assert _errors(build(root, Options(workers=1, use_cache=False))) == []
    return root


def _errors(problems) -> list[str]:
    return [str(p) for p in problems if p.severity == "error"]


def test_dask_build_on_a_local_cluster_equals_the_serial_build(serial_build, tmp_path):
    root = make_repo(tmp_path / "dask", EXTRA)
    assert _errors(build(root, Options(workers=2, use_cache=False, engine="dask"))) == []
    assert snapshot(root) == snapshot(serial_build)


def test_dask_build_on_a_scheduler_address_equals_the_serial_build(serial_build, tmp_path):
    from dask.distributed import LocalCluster

    root = make_repo(tmp_path / "dask-address", EXTRA)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        assert _errors(build(root, Options(use_cache=False, engine="dask", scheduler=cluster.scheduler_address))) == []
    assert snapshot(root) == snapshot(serial_build)


def test_partitioned_parquet_holds_every_row_under_its_publication_year(serial_build):
    from builders.publish.exports import release

    release(serial_build)
    parquet = serial_build / "datapackage" / "parquet"
    by_year = serial_build / "dist" / "parquet-by-year"
    for name in ("articles", "actor_mentions", "quotes", "events", "weapon_system_mentions", "actors", "event_types"):
        whole = duckdb.sql(f"SELECT count(*) FROM '{parquet / name}.parquet'").fetchall()[0][0]
        pattern = f"{by_year / name}/*/*.parquet" if name not in ("actors", "event_types") else f"{by_year / name}/*.parquet"
        parts = duckdb.sql(f"SELECT count(*) FROM read_parquet('{pattern}', hive_partitioning = true)").fetchall()[0][0]
        assert parts == whole > 0, name
    wrong = duckdb.sql(f"""
        SELECT q.quote_id FROM read_parquet('{by_year}/quotes/*/*.parquet', hive_partitioning = true) q
        JOIN '{parquet}/articles.parquet' a USING (article_id)
        WHERE q.published_year IS DISTINCT FROM year(a.published_date)
    """).fetchall()
    assert wrong == []


def test_progress_bar_shows_on_a_terminal_only(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert _on_terminal() is True
    monkeypatch.setenv("CI", "true")
    assert _on_terminal() is False
    monkeypatch.delenv("CI")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert _on_terminal() is False


def test_cli_builds_with_the_dask_engine(tmp_path):
    from conftest import run_cli

    root = make_repo(tmp_path / "cli")
    result = run_cli(root, "build", "--engine", "dask", "--workers", "1")
    assert result.returncode == 0, result.stderr
    assert "extracting" not in result.stderr  # no progress bar when stderr is not a terminal
    assert run_cli(root, "validate").returncode == 0


def test_benchmark_corpus_is_varied_and_builds(tmp_path):
    """The benchmark's synthetic corpus (benchmarks/run.py) stays buildable and is not one text copied."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        import run as benchmark
    finally:
        sys.path.pop(0)
    benchmark.make_corpus(tmp_path, 30)
    texts = [p.read_bytes() for p in sorted((tmp_path / "seeds" / "articles").glob("*.txt"))]
    assert len(texts) == len(set(texts)) == 30
    assert _errors(build(tmp_path, Options(workers=2))) == []


def test_scheduler_without_the_dask_engine_is_refused(tmp_path):
    from conftest import run_cli

    result = run_cli(make_repo(tmp_path / "repo"), "build", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.returncode == 2
    assert "--scheduler needs --engine dask" in result.stderr


def test_a_dask_worker_builds_its_extractor_once_not_once_per_partition(monkeypatch):
    from builders.cache import Cache
    from builders.engine import workers as engine
    from builders.inputs.reference import load_reference

    made = []

    class Counting:
        def __init__(self, reference, parse):
            made.append(reference.digest)

        def __call__(self, job):
            return job

    monkeypatch.setattr(engine, "Extractor", Counting)
    monkeypatch.setattr(engine, "_EXTRACTORS", {})
    reference, _ = load_reference(Path(__file__).resolve().parents[1])
    assert engine._run_partition(["a", "b"], reference, Cache(None, "parse")) == ["a", "b"]
    assert engine._run_partition(["c"], reference, Cache(None, "parse")) == ["c"]
    assert made == [reference.digest]  # the model and the matcher come with the extractor: once per worker process


def test_a_few_articles_go_to_the_warm_worker_and_many_to_a_pool_with_the_same_rows(serial_build, tmp_path):
    from builders.engine import workers as engine
    from builders.engine.caches import Caches, cache_key
    from builders.inputs.reference import load_reference
    from builders.inputs.seeds import read_seeds

    reference, _ = load_reference(serial_build)
    jobs = [job.loaded() for job in read_seeds(serial_build).jobs]
    assert len(jobs) > engine.FEW_ARTICLES
    serial = engine.Extractor(reference)
    expected = [serial(job) for job in jobs]
    for todo in (jobs[:1], jobs):
        caches = Caches.of(tmp_path / f"{len(todo)}", use_cache=True)
        workers = engine.Workers(reference, caches, 2)
        try:
            keys = [cache_key(job, reference) for job in todo]
            assert [pickle.loads(payload) for payload, error in workers.map(todo, keys)] == expected[: len(todo)]
            assert all(caches.rows.path(key).is_file() for key in keys)  # each cache entry written by the worker
            assert (workers.pool is workers.warm) == (len(todo) <= engine.FEW_ARTICLES)
        finally:
            workers.close()
