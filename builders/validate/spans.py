"""Layer 2, across resources: every span's text is the article's text at its offsets."""

from __future__ import annotations

from itertools import chain, islice, repeat
from operator import getitem, ne

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..problems import Problem
from ..schema.layout import csv_path
from ..schema.models import RESOURCES, Article, Resource
from .common import connect, report, sql_name

CHUNK = 65_536  # rows of a span column made Python objects at once


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
    each file as soon as the pool has checked it). Python slices the texts: a str indexes code
    points in constant time, where SQL's substring walks the UTF-8 from the text's start (twice as
    slow on 10,000 articles); the slicing and comparing run in C (map, operator), not row by row,
    and the offsets are checked against the texts' lengths by numpy."""

    def __init__(self, articles: pa.Table, con):
        self.texts = dict(zip(articles.column("article_id").to_pylist(), articles.column("text").to_pylist(), strict=True))
        self.con = con

    def problems(self, model: type[Resource], table: pa.Table) -> list[Problem]:
        return [p for columns in model.spans for p in self._span_set(model, table, columns)]

    def _span_set(self, model: type[Resource], table: pa.Table, columns: tuple[str, str, str]) -> list[Problem]:
        start_col, end_col, text_col = columns
        if table.num_rows == 0:
            return []
        self.con.register("span_rows", table.select([start_col, end_col]))
        found = self.con.execute(f"SELECT TRY_CAST({sql_name(start_col)} AS BIGINT) AS s, TRY_CAST({sql_name(end_col)} AS BIGINT) AS e "
                                 "FROM span_rows").fetchnumpy()  # numbers without pandas; an offset that is no integer is a cell's problem
        self.con.unregister("span_rows")
        texts, run_lengths = _runs(table.column("article_id"), self.texts)  # an unknown article is a foreign-key problem
        starts, ends = np.ma.filled(found["s"], 0), np.ma.filled(found["e"], 0)
        known = np.repeat([t is not None for t in texts], run_lengths) & ~np.ma.getmaskarray(found["s"]) & ~np.ma.getmaskarray(found["e"])
        inside = (starts >= 0) & (starts <= ends) & (ends <= np.repeat([len(t or "") for t in texts], run_lengths))
        values, differs = table.column(text_col), np.empty(table.num_rows, dtype=bool)
        texts_of_rows = chain.from_iterable(map(repeat, [t or "" for t in texts], run_lengths))
        for at in range(0, table.num_rows, CHUNK):  # Python objects for a chunk of rows at a time: memory stays low
            chunk = values.slice(at, CHUNK).to_pylist()
            slices = map(slice, starts[at:at + CHUNK].tolist(), ends[at:at + CHUNK].tolist())
            differs[at:at + len(chunk)] = np.fromiter(map(ne, map(getitem, islice(texts_of_rows, len(chunk)), slices), chunk), dtype=bool, count=len(chunk))
        ids = table.column("article_id")

        def message(row: int) -> str:
            i = row - 2
            start, end = int(starts[i]), int(ends[i])
            if not inside[i]:
                return f"[{start}:{end}] is outside the article's text"
            return f"articles.text[{start}:{end}] is {self.texts[ids[i].as_py()][start:end][:60]!r}, not {str(values[i].as_py())[:60]!r}"

        return report(csv_path(model), (np.flatnonzero(known & (~inside | differs)) + 2).tolist(), text_col, message)


def _runs(article_ids: pa.ChunkedArray, texts: dict[str, str]) -> tuple[list[str | None], list[int]]:
    """The article text (None: unknown article) and length of each run of rows of the same article:
    rows are sorted by their id, which starts with the article's, so a dictionary look-up per run."""
    runs = pc.run_end_encode(article_ids.combine_chunks())
    ends = runs.run_ends.to_pylist()
    return list(map(texts.get, runs.values.to_pylist())), list(map(int.__sub__, ends, [0, *ends[:-1]]))
