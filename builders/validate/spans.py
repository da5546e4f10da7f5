"""Layer 2, across resources: every span's text is the article's text at its offsets."""

from __future__ import annotations

import pyarrow as pa

from ..problems import Problem
from ..schema.layout import csv_path
from ..schema.models import RESOURCES, Article
from .common import report


def span_problems(tables: dict[str, pa.Table]) -> list[Problem]:
    """`articles.text[start:end] == text` for every span, in one DuckDB join per span column set
    (DuckDB's substring counts code points, as Python's slicing does)."""
    import duckdb

    articles = tables.get(Article.resource_name)
    if articles is None:
        return []
    con = duckdb.connect()
    con.register("articles", articles.select(["article_id", "text"]))
    problems = []
    for model in RESOURCES:
        table = tables.get(model.resource_name)
        if table is None or not model.spans:
            continue
        path = csv_path(model)
        for start_col, end_col, text_col in model.spans:
            spans = pa.table({
                "row": pa.array(range(2, table.num_rows + 2), pa.int64()),
                "article_id": table.column("article_id"),
                "s": table.column(start_col), "e": table.column(end_col), "v": table.column(text_col),
            })
            con.register("spans", spans)
            found = con.execute("""
                WITH typed AS (
                    SELECT row, article_id, TRY_CAST(s AS BIGINT) AS s, TRY_CAST(e AS BIGINT) AS e, v FROM spans
                )
                SELECT row, typed.s, typed.e, v,
                       CASE WHEN typed.s < 0 OR typed.e < typed.s OR typed.e > length(a.text) THEN NULL
                            ELSE substring(a.text, typed.s + 1, typed.e - typed.s) END AS actual
                FROM typed JOIN articles a USING (article_id)
                WHERE typed.s IS NOT NULL AND typed.e IS NOT NULL
                  AND (typed.s < 0 OR typed.e < typed.s OR typed.e > length(a.text)
                       OR substring(a.text, typed.s + 1, typed.e - typed.s) IS DISTINCT FROM v)
                ORDER BY row
            """).fetchall()  # a missing article is a foreign-key problem, reported there
            con.unregister("spans")
            by_row = {row: (s, e, v, actual) for row, s, e, v, actual in found}
            problems += report(path, list(by_row), text_col, lambda r, b=by_row: (
                f"articles.text[{b[r][0]}:{b[r][1]}] is {b[r][3][:60]!r}, not {str(b[r][2])[:60]!r}" if b[r][3] is not None
                else f"[{b[r][0]}:{b[r][1]}] is outside the article's text"))
    con.close()
    return problems
