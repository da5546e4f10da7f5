"""What every layer shares: how a problem at a row is reported, the messages' fixed parts, and the
DuckDB views the row checks query."""

from __future__ import annotations

import pyarrow as pa

from ..problems import Problem

STALE = "stale: differs from a fresh build of seeds/ — run python -m builders build"
MAX_PER_CHECK = 20  # problems reported per file and check; the rest are counted in one line
ROW = "_row"  # the CSV row number (header = 1) in every view; no model field starts with "_"

# what Python's \s matches (frictionless checks patterns with Python's re; DuckDB's RE2 knows only
# ASCII white space): a URL holding a no-break space must fail `^https?://\S+$` here too
_PY_SPACE = r"\t-\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
_PY_CLASSES = {"s": (f"[{_PY_SPACE}]", _PY_SPACE), "S": (f"[^{_PY_SPACE}]", None),
               "d": (r"\p{Nd}", r"\p{Nd}"), "D": (r"\P{Nd}", None)}


def report(path: str, rows: list[int], field: str | None, message) -> list[Problem]:
    """One problem per row, at most MAX_PER_CHECK, then one line counting the rest."""
    out = [Problem(path, row, field, message(row) if callable(message) else message) for row in rows[:MAX_PER_CHECK]]
    if len(rows) > MAX_PER_CHECK:
        out.append(Problem(path, None, field, f"… and {len(rows) - MAX_PER_CHECK} more rows with the same problem"))
    return out


def connect():
    """A DuckDB connection; imported here so that only the checks that query pay for it."""
    import duckdb

    return duckdb.connect()


def register(con, name: str, table: pa.Table) -> None:
    """`table` as the view `name`, with its CSV row number in column ROW. POSITIONAL JOIN pairs
    rows by position, which DuckDB keeps (a window's row_number() is not promised an order)."""
    con.register(f"{name}{ROW}cells", table)
    con.execute(f"CREATE OR REPLACE TEMP VIEW {sql_name(name)} AS SELECT r.range + 2 AS {ROW}, c.* "
                f"FROM {sql_name(name + ROW + 'cells')} c POSITIONAL JOIN range({table.num_rows}) r")


def unregister(con, name: str) -> None:
    con.execute(f"DROP VIEW IF EXISTS {sql_name(name)}")
    con.unregister(f"{name}{ROW}cells")


def sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def re2_pattern(pattern: str) -> str:
    """A Table Schema pattern (Python `re`, as frictionless reads it) for DuckDB's RE2: \\s, \\S,
    \\d and \\D mean what they mean to Python (Unicode), not their ASCII RE2 senses."""
    out, i, in_class = [], 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            letter = pattern[i + 1]
            if letter in _PY_CLASSES:
                outside, inside = _PY_CLASSES[letter]
                if in_class and inside is None:
                    raise ValueError(f"pattern {pattern!r}: \\{letter} inside [...] has no RE2 equivalent")
                out.append(inside if in_class else outside)
            elif letter in "wWbB":
                raise ValueError(f"pattern {pattern!r}: \\{letter} differs between Python and RE2 — spell the class out")
            else:
                out.append(pattern[i:i + 2])
            i += 2
            continue
        if char == "[" and not in_class:
            in_class = True
            out.append(char)
            if pattern[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if pattern[i + 1:i + 2] == "]":  # a leading ] is a member
                out.append("]")
                i += 1
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        else:
            out.append(char)
        i += 1
    return "".join(out)
