"""Score the builders on the development articles and keep benchmarks/QUALITY.md current.

    python benchmarks/quality.py --label "issue 14"            # this checkout
    python benchmarks/quality.py --label "before" --builders-dir /tmp/old-checkout

Builds the seeds plus every *.txt of ../shared/dev-articles/ (in a temporary root: the texts are never
copied into the repository), scores the package against ../shared/dev-articles and benchmarks/gold
with `builders.quality`, records the summary under `--label` in benchmarks/quality-history.json, and
writes benchmarks/QUALITY.md: the history table (one row per label, in the order first recorded)
followed by the full report of this run, every miss included. `--builders-dir` builds with another
checkout's builders and seeds (to measure a "before"); the scoring is always this checkout's.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from builders import quality  # noqa: E402

DEV = REPO.parent / "shared" / "dev-articles"
GOLD_DIRS = [DEV, REPO / "benchmarks" / "gold"]
HISTORY = REPO / "benchmarks" / "quality-history.json"
OUT = REPO / "benchmarks" / "QUALITY.md"


def build(builders_dir: Path, root: Path) -> float:
    """Build `root` with the builders of `builders_dir`; the wall time in seconds."""
    env = dict(os.environ, PYTHONPATH=str(builders_dir))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "builders", "--root", str(root), "build", "--no-cache"],
                            cwd=builders_dir, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        sys.exit(f"quality: the build failed (exit {result.returncode}) in {builders_dir}")
    return time.perf_counter() - started


def summary(report: quality.Report) -> dict:
    """The figures the history table shows."""
    def pair(c):
        return [c.recall, c.precision]
    return {
        "articles": len(report.articles),
        "metadata": report.metadata_overall.value,
        "actors": pair(report.actors),
        "quotes": pair(report.quotes),
        "speakers": report.speakers.value,
        "events": pair(report.events),
        "event_dates": report.dates.value,
    }


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def history_table(history: dict) -> str:
    lines = ["| build | articles | metadata | actors R / P | quotes R / P | speakers | events R / P | event dates |",
             "|---|---|---|---|---|---|---|---|"]
    for label, s in history.items():
        lines.append(f"| {label} | {s['articles']} | {_f(s['metadata'])} | {_f(s['actors'][0])} / {_f(s['actors'][1])} | "
                     f"{_f(s['quotes'][0])} / {_f(s['quotes'][1])} | {_f(s['speakers'])} | "
                     f"{_f(s['events'][0])} / {_f(s['events'][1])} | {_f(s['event_dates'])} |")
    return "\n".join(lines)


def demoted(markdown: str) -> str:
    """Every heading one level down, so that the report sits under this file's title."""
    return "\n".join("#" + line if line.startswith("#") else line for line in markdown.split("\n"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="name of this row of the history table")
    parser.add_argument("--builders-dir", type=Path, default=REPO, help="checkout whose builders and seeds build the package")
    args = parser.parse_args(argv)
    if not DEV.is_dir():
        sys.exit(f"quality: {DEV} is absent: the development articles and their gold are needed")
    builders_dir = args.builders_dir.resolve()
    root = Path(tempfile.mkdtemp(prefix="quality-"))
    try:
        shutil.copytree(builders_dir / "seeds", root / "seeds")
        for text in sorted(DEV.glob("*.txt")):
            shutil.copyfile(text, root / "seeds" / "articles" / text.name)
        seconds = build(builders_dir, root)
        report = quality.score(root, GOLD_DIRS)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report.package_dir = "seeds + development articles, built in a temporary root"
    report.gold_dirs = [os.path.relpath(d, REPO) for d in GOLD_DIRS if d.is_dir()]
    history = json.loads(HISTORY.read_text(encoding="utf-8")) if HISTORY.is_file() else {}
    history[args.label] = summary(report)
    HISTORY.write_text(json.dumps(history, indent=2) + "\n", encoding="utf-8")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = ("# Extraction quality on the development articles\n\n"
            "Rules only for the development texts (they have no curation files). Recorded by "
            "`python benchmarks/quality.py --label …`; the scoring convention is `../shared/dev-articles/README.md`, "
            "its details the docstring of `builders/quality.py`. R = recall, P = precision.\n\n"
            + history_table(history) + "\n\n"
            + f"Latest run (`{args.label}`): build of the seeds and {len(report.articles)} texts took {seconds:.1f} s on {machine}.\n\n"
            + demoted(report.to_markdown()).replace("## Quality against gold annotations", "## Latest report", 1))
    OUT.write_text(text, encoding="utf-8")
    print(history_table(history))
    return 0


if __name__ == "__main__":
    sys.exit(main())
