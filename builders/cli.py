"""Command line: `python -m builders build|validate|release|diff`.

The only module that knows about terminals: argv, exit codes, progress bars and the wording of
what is printed. Everything else returns values and problems.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from .problems import Problem


def _on_terminal() -> bool:
    """Progress is drawn for a person at a terminal, never into CI logs or pipes."""
    return sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def _progress_bar(description: str):
    """A progress callback for the engine: articles done, rate, ETA (nothing when not on a terminal)."""
    from tqdm import tqdm

    with tqdm(unit="article", desc=description, disable=not _on_terminal(), file=sys.stderr, mininterval=0.5) as bar:
        def advance(done: int, total: int) -> None:
            if bar.total != total:
                bar.total = total
            bar.update(done)

        yield advance


def _report(problems: list[Problem], as_json: bool, ok_message: str) -> int:
    errors = [p for p in problems if p.severity == "error"]
    if as_json:
        json.dump({"valid": not errors, "problems": [p.as_dict() for p in problems]}, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for problem in problems:
            print(problem, file=sys.stderr)
        if errors:
            print(f"{len(errors)} error(s).", file=sys.stderr)
        else:
            print(ok_message)
    return 1 if errors else 0


def _score(root: Path, args) -> int:
    from .pipeline import score

    texts = sorted(args.gold[0].glob("*.txt")) if args.gold[0].is_dir() else []
    if not texts:
        print(f"{args.gold[0]}: no *.txt articles to score — give the folder of the annotated texts first", file=sys.stderr)
        return 2
    report, problems = score(root, texts, [g.resolve() for g in args.gold], max(1, args.workers))
    if report is None:
        return _report(problems, False, "")
    if args.json:
        json.dump(report.to_dict(), sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(report.to_markdown())
    if args.out:
        args.out.write_text(report.to_markdown(), encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builders", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: current directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build from seeds/, validate, publish atomically, then write the release files in dist/")
    validate_cmd = commands.add_parser("validate", help="validate the published package and its freshness against seeds/")
    for cmd in (build_cmd, validate_cmd):
        cmd.add_argument("--json", action="store_true", help="print a machine-readable report on stdout")
        cmd.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for per-article extraction (default: all cores)")
    validate_cmd.add_argument("--rebuild", action="store_true", help="also rebuild from seeds/ in a temporary directory and compare byte for byte (catches a changed builder; CI uses it)")
    build_cmd.add_argument("--engine", choices=("local", "dask"), default="local", help="where articles are extracted: local processes (default) or a Dask cluster")
    build_cmd.add_argument("--scheduler", help="with --engine dask: address of a dask.distributed scheduler (default: start a local cluster of --workers processes)")
    build_cmd.add_argument("--no-cache", action="store_true", help="extract every article again, ignoring (and refreshing) .cache/")
    commands.add_parser("release", help="write dist/: the zip bundle with SHA256SUMS, a DuckDB and a SQLite database")
    diff_cmd = commands.add_parser("diff", help="rows added, removed and changed per resource between two packages")
    diff_cmd.add_argument("old", type=Path, help="directory of the older package (holding datapackage.json)")
    diff_cmd.add_argument("new", type=Path, help="directory of the newer package")
    score_cmd = commands.add_parser("score", help="build the seeds plus annotated texts and score the package against gold annotations")
    score_cmd.add_argument("gold", type=Path, nargs="+", help="gold directories (gold.yaml, actors.yaml); the first one's *.txt are the texts built")
    score_cmd.add_argument("--out", type=Path, help="also write the markdown report here (e.g. benchmarks/QUALITY.md)")
    score_cmd.add_argument("--json", action="store_true", help="print the report as JSON instead of markdown")
    score_cmd.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for per-article extraction (default: all cores)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    started = time.perf_counter()
    if args.command == "diff":
        from .pipeline import diff

        print("| resource | added | removed | changed |\n|---|---|---|---|")
        for resource, added, removed, changed in diff(args.old.resolve(), args.new.resolve()):
            print(f"| {resource} | {added} | {removed} | {changed} |")
        return 0
    if args.command == "score":
        return _score(root, args)
    if args.command == "release":
        from .pipeline import release

        for path in release(root):
            size = f"{path.stat().st_size:,} bytes" if path.is_file() else f"{sum(1 for p in path.rglob('*.parquet'))} Parquet files"
            print(f"{path.relative_to(root)}  {size}")
        return 0
    if args.command == "build":
        from .pipeline import build, release

        if args.scheduler and args.engine != "dask":
            parser.error("--scheduler needs --engine dask")
        if args.engine == "dask":
            try:
                import dask.bag  # noqa: F401
                import distributed  # noqa: F401
            except ImportError:
                print('--engine dask needs Dask: pip install -e ".[dask]"', file=sys.stderr)
                return 2

        with _progress_bar("extracting") as progress:
            problems = build(root, max(1, args.workers), not args.no_cache, args.engine, args.scheduler, progress)
        if not any(p.severity == "error" for p in problems):
            release(root)
        message = f"built and published the package, and wrote dist/, in {time.perf_counter() - started:.2f} s"
    else:
        from .pipeline import check

        problems = check(root, max(1, args.workers), args.rebuild)
        message = f"valid ({time.perf_counter() - started:.2f} s)"
    return _report(problems, args.json, message)
