"""Command line: `python -m builders build` and `python -m builders validate`."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .problems import Problem


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m builders", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path("."), help="repository root (default: current directory)")
    commands = parser.add_subparsers(dest="command", required=True)
    build_cmd = commands.add_parser("build", help="build from seeds/, validate, then publish atomically")
    validate_cmd = commands.add_parser("validate", help="validate the published package and its freshness against seeds/")
    for cmd in (build_cmd, validate_cmd):
        cmd.add_argument("--json", action="store_true", help="print a machine-readable report on stdout")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    started = time.perf_counter()
    if args.command == "build":
        from .build import build

        problems = build(root)
        message = f"built and published the package in {time.perf_counter() - started:.2f} s"
    else:
        from .validate import validate

        problems = validate(root)
        message = f"valid ({time.perf_counter() - started:.2f} s)"
    return _report(problems, args.json, message)
