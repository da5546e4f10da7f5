"""Command line: `python -m builders build|validate|release|diff|score|bump`, also installed as the
console script `serbia-arms-pressure` (pyproject.toml, [project.scripts]).

The only module that knows about terminals: argv, exit codes, progress bars and the wording of
what is printed. Everything else returns values and problems.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import sys
import textwrap
import threading
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


# exit codes: 0 done (or valid), 1 problems in the inputs or the package, 2 wrong usage,
EXIT_BUSY = 3  # another build, release or validate holds the lock
EXIT_MACHINE = 4  # a fault of the machine: full disk, read-only or forbidden folder


def _busy(error, command: str) -> int:
    """One line for a command refused because another one holds the lock."""
    noun = {"build": "build", "release": "release", "validate": "validation"}.get(error.command or "", "build")
    print(f"another {noun} is running in this repository (pid {error.pid or 'unknown'}) — wait for it, "
          f"or run `{command}` again with --wait SECONDS", file=sys.stderr)
    return EXIT_BUSY


def _exit_code(problems: list[Problem]) -> int:
    from .pipeline import MachineFault

    errors = [p for p in problems if p.severity == "error"]
    return EXIT_MACHINE if any(isinstance(p, MachineFault) for p in errors) else 1 if errors else 0


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
    return _exit_code(problems)


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


def _release(root: Path, wait: float, draft: bool) -> int:
    from .pipeline import Busy, release

    try:
        paths, problems = release(root, wait, draft)
    except Busy as busy:
        return _busy(busy, "python -m builders release")
    for problem in problems:
        print(problem, file=sys.stderr)
    for path in paths:
        size = f"{path.stat().st_size:,} bytes" if path.is_file() else f"{sum(1 for p in path.rglob('*.parquet'))} Parquet files"
        print(f"{path.relative_to(root)}  {size}")
    return _exit_code(problems)


# What --help says first (the module's docstring is for developers): what the program does, for its users.
DESCRIPTION = """\
Build, check and release the dataset of news articles about US pressure on Serbia over its Russian
and Chinese arms: seeds/ (article texts, source records, curation and reference files) becomes a
validated data package (datapackage.json with CSV and Parquet tables), published in place; release
writes the zip, DuckDB and SQLite files to dist/. Run a command with --help for its options and
examples.
"""

EXAMPLES = """\
examples:
  {prog} build                         build from seeds/, validate, publish (only what changed)
  {prog} validate --json               check the published package; a JSON report on stdout
  {prog} --root ../copy validate       --root goes before or after the command
  {prog} release                       write dist/ again from the published package
  {prog} diff ../old-checkout .        what changed since another package (exit 1 if anything)
  {prog} diff OLD NEW --json | jq .    the same for machines
  {prog} score benchmarks/gold         score the rules against gold annotations
  {prog} bump minor --date 2026-12-01  a new version in pyproject.toml and CHANGELOG.md

exit codes: 0 done (valid; for diff: no difference), 1 problems (for diff: the packages differ),
2 wrong usage (for diff: a folder that is no package), 3 another build holds the lock, 4 a fault
of the machine (full disk, read-only folder).
"""


def _program() -> str:
    """The name the user typed: the console script, or `python -m builders`."""
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else ""
    return "python -m builders" if name in ("", "__main__.py", "-c") else name


def _subcommand(commands, name: str, common: argparse.ArgumentParser, help: str, epilog: str = "") -> argparse.ArgumentParser:
    return commands.add_parser(name, help=help, description=textwrap.fill(help, 100), parents=[common], epilog=epilog,
                               formatter_class=argparse.RawDescriptionHelpFormatter)


def _parser() -> argparse.ArgumentParser:
    prog = _program()
    parser = argparse.ArgumentParser(prog=prog, description=DESCRIPTION, epilog=EXAMPLES.format(prog=prog),
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: current directory)")
    common = argparse.ArgumentParser(add_help=False)  # options taken after the subcommand as well
    common.add_argument("--root", type=Path, default=argparse.SUPPRESS, help="repository root (default: current directory)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{build,validate,release,diff,score,bump,add,review}")
    build_cmd = _subcommand(commands, "build", common, "build from seeds/, validate, publish atomically (only the rows of changed articles are made again; dist/ is written by release)",
                            f"example: {prog} build --workers 2")
    validate_cmd = _subcommand(commands, "validate", common, "validate the published package and its freshness against seeds/",
                               f"examples:\n  {prog} validate\n  {prog} validate --rebuild --json")
    for cmd in (build_cmd, validate_cmd):
        cmd.add_argument("--json", action="store_true", help="print a machine-readable report on stdout")
        cmd.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for per-article extraction (default: all cores)")
    validate_cmd.add_argument("--rebuild", action="store_true", help="also rebuild from seeds/ in a temporary directory and compare byte for byte (catches a changed builder; CI uses it)")
    build_cmd.add_argument("--engine", choices=("local", "dask"), default="local", help="where articles are extracted: local processes (default) or a Dask cluster")
    build_cmd.add_argument("--scheduler", help="with --engine dask: address of a dask.distributed scheduler (default: start a local cluster of --workers processes)")
    build_cmd.add_argument("--no-cache", action="store_true", help="extract every article again, ignoring (and refreshing) .cache/ and the last build's tables")
    release_cmd = _subcommand(commands, "release", common, "write dist/: the zip bundle with SHA256SUMS, a DuckDB and a SQLite database "
                              "(with datasette metadata), Parquet partitioned by year",
                              f"example: {prog} release && datasette dist/serbia-arms-pressure.sqlite -m dist/serbia-arms-pressure.metadata.json")
    release_cmd.add_argument("--draft", action="store_true",
                             help="write dist/ even while the citation holds placeholders (to look at the files; never for publishing)")
    for cmd in (build_cmd, validate_cmd, release_cmd):
        cmd.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                         help="while another build, release (or, for build and release, validate) runs in this repository, "
                              "wait up to SECONDS for it (default: 0, refuse at once)")
    _diff_parser(commands, common, prog)
    score_cmd = _subcommand(commands, "score", common, "build the seeds plus annotated texts and score the package against gold annotations",
                            f"example: {prog} score benchmarks/gold --out benchmarks/QUALITY.md")
    score_cmd.add_argument("gold", type=Path, nargs="+", help="gold directories (gold.yaml, actors.yaml); the first one's *.txt are the texts built")
    score_cmd.add_argument("--out", type=Path, help="also write the markdown report here (e.g. benchmarks/QUALITY.md)")
    score_cmd.add_argument("--json", action="store_true", help="print the report as JSON instead of markdown")
    score_cmd.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for per-article extraction (default: all cores)")
    _bump_parser(commands, common, prog)
    _contribute_parsers(commands, common, prog)
    return parser


def _contribute_parsers(commands, common: argparse.ArgumentParser, prog: str) -> None:
    add_cmd = _subcommand(commands, "add", common, "add an article from a saved web page (or from a URL, fetched only then): "
                          "seeds/articles/<id>.txt and seeds/sources/<id>.yaml",
                          f"examples:\n  {prog} add page.html --url https://example.org/news/1 --licence-basis quotation\n"
                          f"  {prog} add https://example.org/news/1 --licence-basis permission\nthen: {prog} build")
    add_cmd.add_argument("page", help="a saved web page (.html), or an http(s) URL to fetch")
    add_cmd.add_argument("--url", help="the address the saved page came from (recorded in the source record)")
    add_cmd.add_argument("--licence-basis", required=True, choices=("licensed", "permission", "quotation", "public_domain"),
                         help="on what basis the dataset may redistribute the text (required: never guessed)")
    add_cmd.add_argument("--licence", help="with --licence-basis licensed: the licence's SPDX id, e.g. CC-BY-4.0")
    add_cmd.add_argument("--retrieved", help="the day the page was taken, YYYY-MM-DD (default: today)")
    add_cmd.add_argument("--id", dest="article_id", help="the article id (default: derived from outlet, date and title)")
    review_cmd = _subcommand(commands, "review", common, "curate in the browser: a page per article, served on 127.0.0.1 only; "
                             "saving writes seeds/curation/<id>.yaml",
                             f"examples:\n  {prog} review\n  {prog} review 000_7318cba5f0ad2b4c --port 8765")
    review_cmd.add_argument("article", nargs="?", help="open this article (default: the list of articles)")
    review_cmd.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default: 8765; 0: any free port)")


def _diff_parser(commands, common: argparse.ArgumentParser, prog: str) -> None:
    diff_cmd = _subcommand(commands, "diff", common, "rows added, removed and changed per resource between two packages "
                           "(exit 0: no difference, 1: they differ, 2: a folder is no package)",
                           f"examples:\n  {prog} diff ../previous-release .\n  {prog} diff OLD NEW --limit 0      every id\n"
                           f"  {prog} diff OLD NEW --json | jq '.resources[] | select(.status != \"unchanged\")'")
    diff_cmd.add_argument("old", type=Path, help="folder of the older package (holding datapackage.json)")
    diff_cmd.add_argument("new", type=Path, help="folder of the newer package")
    diff_cmd.add_argument("--json", action="store_true", help="print the differences as JSON on stdout")
    diff_cmd.add_argument("--limit", type=int, default=20, metavar="N",
                          help="list at most N ids per resource and kind of change (default: 20; 0: all); counts are always complete")


def _bump_parser(commands, common: argparse.ArgumentParser, prog: str) -> None:
    bump_cmd = _subcommand(commands, "bump", common, "set a new dataset version in pyproject.toml and head its section in CHANGELOG.md",
                           f"examples:\n  {prog} bump 1.0.0\n  {prog} bump minor --date 2026-12-01\n  {prog} bump patch --today\n\n"
                           "The heading has a date only when you give one (--date, or --today for the machine's date).\n"
                           "Then build (datapackage.json and CITATION.cff take the new version), commit, and tag vX.Y.Z.")
    bump_cmd.add_argument("version", help="the new version X.Y.Z, or major, minor or patch to raise that part of the current one")
    when = bump_cmd.add_mutually_exclusive_group()
    when.add_argument("--date", help="release date for the CHANGELOG heading (YYYY-MM-DD)")
    when.add_argument("--today", action="store_true", help="date the CHANGELOG heading with today's date")


def _write(text: str) -> None:
    """Write to stdout, quietly stopping when the reader has gone (`... | head -1`)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _stdout_gone()


def _stdout_gone() -> None:
    """The reader closed the pipe: point stdout at /dev/null so that nothing more (not even the
    flush at exit) raises BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def _diff(args) -> int:
    from .validate.diff import DiffError, diff

    try:
        changes = diff(args.old, args.new, None if args.limit <= 0 else args.limit)
    except DiffError as error:
        print(error, file=sys.stderr)
        return 2
    differ = any(change.status != "unchanged" for change in changes)
    if args.json:
        report = {"old": str(args.old), "new": str(args.new), "equal": not differ, "resources": [c.as_dict() for c in changes]}
        _write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    else:
        _write(_diff_text(changes))
    return 1 if differ else 0


def _listing(label: str, ids: tuple, total: int) -> list[str]:
    more = f" … and {total - len(ids)} more" if total > len(ids) else ""
    return [f"  {label} ({total}): {', '.join(ids)}{more}"] if total else []


def _diff_text(changes) -> str:
    lines = ["| resource | added | removed | changed |", "|---|---|---|---|"]
    lines += [f"| {c.name} | {c.n_added} | {c.n_removed} | {c.n_changed} |" for c in changes]
    if not any(c.status != "unchanged" for c in changes):
        return "\n".join(lines + ["", "no differences"]) + "\n"
    for c in changes:
        if c.status == "unchanged":
            continue
        lines += ["", f"{c.name}: {c.rows_old} → {c.rows_new} rows" + {"added": " (a new resource)", "removed": " (resource removed)"}.get(c.status, "")]
        if c.status == "changed":
            lines += [f"  columns {label}: {', '.join(cols)}" for label, cols in (("added", c.columns_added), ("removed", c.columns_removed)) if cols]
        lines += _listing("added", c.added, c.n_added) + _listing("removed", c.removed, c.n_removed)
        if c.n_changed:
            lines.append(f"  changed ({c.n_changed}):")
            lines += [f"    {key}: {', '.join(fields)}" for key, fields in c.changed]
            if c.n_changed > len(c.changed):
                lines.append(f"    … and {c.n_changed - len(c.changed)} more")
    return "\n".join(lines) + "\n"


def _bump(root: Path, args) -> int:
    import datetime as dt

    from .publish.version import BumpError, bump

    date = dt.date.today().isoformat() if args.today else args.date  # the clock only when asked
    try:
        old, new = bump(root, args.version, date)
    except BumpError as error:
        print(error, file=sys.stderr)
        return 2
    _write(f"version {old} → {new} in pyproject.toml; CHANGELOG.md has a heading for {new}"
           f"{' dated ' + date if date else ''} — now build, commit and tag v{new}\n")
    return 0


def _add(root: Path, args) -> int:
    import datetime as dt

    from .contribute.add import AddError, add_article, fetch, read_page

    try:
        retrieved = dt.date.fromisoformat(args.retrieved) if args.retrieved else None
    except ValueError:
        print(f"--retrieved {args.retrieved!r}: not a date — write it as YYYY-MM-DD", file=sys.stderr)
        return 2
    try:
        if re.match(r"^https?://", args.page):
            url, data, where = args.url or args.page, fetch(args.page), args.page
        else:
            url, data, where = args.url, read_page(Path(args.page)), args.page
        added = add_article(root, data, where, url=url, licence_basis=args.licence_basis, licence=args.licence,
                            retrieved=retrieved, article_id=args.article_id)
    except AddError as error:
        print(error, file=sys.stderr)
        return 1
    print(f"added {added.article.relative_to(root)} and {added.source.relative_to(root)} — check both, then run build")
    return 0


def _review(root: Path, args) -> int:
    from .contribute.review import ReviewError, serve

    try:
        serve(root, args.article, args.port, announce=lambda url: print(f"reviewing at {url} (Ctrl-C stops)", flush=True))
    except ReviewError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    return 0


class Terminated(BaseException):
    """SIGTERM, raised where the main thread is, so that every `finally` of the command runs: the
    worker processes are killed, the work folder removed, the lock let go."""


def _terminate(signum, frame) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> int:
    """The command line (`python -m builders` and the `serbia-arms-pressure` console script)."""
    previous = signal.signal(signal.SIGTERM, _terminate) if threading.current_thread() is threading.main_thread() else None
    try:
        return _main(argv)
    except Terminated:
        print("stopped by SIGTERM: the worker processes were ended, the work folder removed and the lock let go; "
              "the published package is complete (a swap under way was finished or undone)", file=sys.stderr)
        return 128 + signal.SIGTERM
    except BrokenPipeError:  # a reader such as `head` closed stdout: not an error of ours
        _stdout_gone()
        return 1
    except ModuleNotFoundError as error:
        if error.name and error.name.split(".")[0] == "builders":
            raise
        # `pip install -e .` installs the reader's dependencies only; the commands need the build stack
        print(f"the build tools are not installed (no module named {error.name!r}) — install them as the README's "
              "'Build it yourself' says: pip install --no-deps --require-hashes -r requirements.lock", file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    root = args.root.resolve()
    started = time.perf_counter()
    if args.command == "diff":
        return _diff(args)
    if args.command == "bump":
        return _bump(root, args)
    if args.command == "score":
        return _score(root, args)
    if args.command in ("add", "review"):
        return _add(root, args) if args.command == "add" else _review(root, args)
    if args.command == "release":
        return _release(root, args.wait, args.draft)
    if args.command == "build":
        from .engine import Options
        from .pipeline import Busy, build

        if args.scheduler and args.engine != "dask":
            parser.error("--scheduler needs --engine dask")
        if args.engine == "dask":
            try:
                import dask.bag  # noqa: F401
                import distributed  # noqa: F401
            except ImportError:
                print('--engine dask needs Dask: pip install -e ".[dask]"', file=sys.stderr)
                return 2

        try:
            with _progress_bar("extracting") as progress:
                options = Options(max(1, args.workers), not args.no_cache, args.engine, args.scheduler, progress)
                problems = build(root, options, wait=args.wait)
        except Busy as busy:
            return _busy(busy, "python -m builders build")
        message = f"built and published the package in {time.perf_counter() - started:.2f} s"
    else:
        from .pipeline import Busy, check

        try:
            problems = check(root, max(1, args.workers), args.rebuild, wait=args.wait)
        except Busy as busy:
            return _busy(busy, "python -m builders validate")
        message = f"valid ({time.perf_counter() - started:.2f} s)"
    return _report(problems, args.json, message)
