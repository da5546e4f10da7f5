"""Layer 2, across resources: every span's text is the article's text at its offsets."""

from __future__ import annotations

from itertools import chain, repeat
from operator import getitem, ne

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..problems import Problem
from ..schema.layout import csv_path
from ..schema.models import RESOURCES, Article, Resource
from .common import ROW, connect, register, report, sql_name, unregister


def span_problems(tables: dict[str, pa.Table]) -> list[Problem]:
    """`articles.text[start:end] == text` for every span (see `Spans`)."""
    articles = tables.get(Article.resource_name)
    if articles is None:
        return []
    con = connect()
    try:
        spans = Spans(articles, con)
        return [p for model in RESOURCES if model.resource_name in tables for p in spans.problems(model, tables[model.resource_name])]
    finally:
        con.close()


class Spans:
    """The span check against one articles table, resource by resource (validate_package runs it on
    each file as soon as the pool has checked it). DuckDB checks that the offsets are inside the
    text (each text's length counted once); Python slices the texts, as a str indexes code points in
    constant time, where SQL's substring walks the UTF-8 from the text's start (twice as slow on
    10,000 articles). The slicing and comparing run in C (map, operator), not row by row."""

    def __init__(self, articles: pa.Table, con):
        self.texts = dict(zip(articles.column("article_id").to_pylist(), articles.column("text").to_pylist(), strict=True))
        self.con = con
        con.register("span_articles", articles.select(["article_id", "text"]))

    def problems(self, model: type[Resource], table: pa.Table) -> list[Problem]:
        return [p for columns in model.spans for p in _span_set(self.con, model, table, columns, self.texts)]


def _span_set(con, model, table: pa.Table, columns: tuple[str, str, str], texts: dict[str, str]) -> list[Problem]:
    start_col, end_col, text_col = columns
    register(con, "span_rows", table.select(["article_id", start_col, end_col]))
    found = con.execute(f"""
        WITH typed AS (SELECT {ROW}, article_id, TRY_CAST({sql_name(start_col)} AS BIGINT) AS s, TRY_CAST({sql_name(end_col)} AS BIGINT) AS e FROM span_rows),
             lengths AS (SELECT article_id, any_value(length(text)) AS n FROM span_articles GROUP BY article_id)
        SELECT coalesce(s, 0) AS s, coalesce(e, 0) AS e, n IS NOT NULL AND s IS NOT NULL AND e IS NOT NULL AS known,
               coalesce(0 <= s AND s <= e AND e <= n, false) AS inside
        FROM typed LEFT JOIN lengths USING (article_id) ORDER BY {ROW}
    """).fetchnumpy()  # an unknown article is a foreign-key problem, and an offset that is no integer a cell's
    unregister(con, "span_rows")
    starts, ends = found["s"].tolist(), found["e"].tolist()
    values = table.column(text_col).to_pylist()
    differs = np.fromiter(map(ne, map(getitem, _per_row(table.column("article_id"), texts), map(slice, starts, ends)), values),
                          dtype=bool, count=len(values))
    known, inside = np.asarray(found["known"], dtype=bool), np.asarray(found["inside"], dtype=bool)
    ids = table.column("article_id")

    def message(row: int) -> str:
        i = row - 2
        if not inside[i]:
            return f"[{starts[i]}:{ends[i]}] is outside the article's text"
        actual = texts[ids[i].as_py()][starts[i]:ends[i]]
        return f"articles.text[{starts[i]}:{ends[i]}] is {actual[:60]!r}, not {str(values[i])[:60]!r}"

    return report(csv_path(model), (np.flatnonzero(known & (~inside | differs)) + 2).tolist(), text_col, message)


def _per_row(article_ids: pa.ChunkedArray, texts: dict[str, str]):
    """The article text of each row ('' for an unknown article), one dictionary look-up per run of
    rows of the same article (rows are sorted by their id, which starts with the article's)."""
    runs = pc.run_end_encode(article_ids.combine_chunks())
    ends = runs.run_ends.to_pylist()
    lengths = map(int.__sub__, ends, [0, *ends[:-1]])
    return chain.from_iterable(map(repeat, map(texts.get, runs.values.to_pylist(), repeat("")), lengths))
