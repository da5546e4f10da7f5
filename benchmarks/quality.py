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
SCORED_SOURCE = "url: null\nretrieved_date: null\nlicence_basis: quotation\nnote: a development article, scored and never published\n"
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


def seed_agreement(builders_dir: Path) -> list[float] | None:
    """Rules only (curation files ignored) against the events a person curated for the five seeds:
    recall and precision by the dev-set matching (CAMEO root or PLOVER type, source, target where
    curated). A second sample, annotated by another hand and never tuned on; the curated sets are not
    exhaustive, so the precision is a lower bound."""
    if builders_dir != REPO:
        return None  # measured with this checkout's rules only
    from builders.extract.article import extract
    from builders.extract.entities import Matcher
    from builders.inputs.curation import read_curation
    from builders.inputs.reference import load_reference

    reference, _ = load_reference(REPO)
    matcher = Matcher(reference)
    codes = {t.id: (t.cameo[:2], t.plover) for t in reference.event_types}
    tp = found = curated_total = 0
    for path in sorted((REPO / "seeds" / "articles").glob("*.txt")):
        rules = extract(path.stem, path.read_bytes(), str(path), matcher, None).events
        curated = extract(path.stem, path.read_bytes(), str(path), matcher, read_curation(REPO, path.stem)).events
        used: set[int] = set()
        for want in curated:
            for i, got in enumerate(rules):
                a, b = codes[got.event_type], codes[want.event_type]
                if i not in used and (a[0] == b[0] or (a[1] is not None and a[1] == b[1])) \
                        and got.source_actor_id == want.source_actor_id \
                        and want.target_actor_id in (None, got.target_actor_id):
                    used.add(i)
                    break
        tp, found, curated_total = tp + len(used), found + len(rules), curated_total + len(curated)
    return [tp / curated_total if curated_total else None, tp / found if found else None]


def summary(report: quality.Report, seeds: list[float] | None) -> dict:
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
        "seed_events": seeds,
    }


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def history_table(history: dict) -> str:
    lines = ["| build | articles | metadata | actors R / P | quotes R / P | speakers | events R / P | event dates | seeds' curated events R / P |",
             "|---|---|---|---|---|---|---|---|---|"]
    for label, s in history.items():
        seeds = s.get("seed_events") or [None, None]
        lines.append(f"| {label} | {s['articles']} | {_f(s['metadata'])} | {_f(s['actors'][0])} / {_f(s['actors'][1])} | "
                     f"{_f(s['quotes'][0])} / {_f(s['quotes'][1])} | {_f(s['speakers'])} | "
                     f"{_f(s['events'][0])} / {_f(s['events'][1])} | {_f(s['event_dates'])} | {_f(seeds[0])} / {_f(seeds[1])} |")
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
        sources = root / "seeds" / "sources"  # (checkouts from before source records have none)
        for text in sorted(DEV.glob("*.txt")):
            shutil.copyfile(text, root / "seeds" / "articles" / text.name)
            if sources.is_dir():
                (sources / f"{text.stem}.yaml").write_text(SCORED_SOURCE, encoding="utf-8")
        seconds = build(builders_dir, root)
        report = quality.score(root, GOLD_DIRS)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report.package_dir = "seeds + development articles, built in a temporary root"
    report.gold_dirs = [os.path.relpath(d, REPO) for d in GOLD_DIRS if d.is_dir()]
    history = json.loads(HISTORY.read_text(encoding="utf-8")) if HISTORY.is_file() else {}
    history[args.label] = summary(report, seed_agreement(builders_dir))
    HISTORY.write_text(json.dumps(history, indent=2) + "\n", encoding="utf-8")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    text = ("# Extraction quality on the development articles\n\n"
            "Rules only for the development texts (they have no curation files). Recorded by "
            "`python benchmarks/quality.py --label …`; the scoring convention is `../shared/dev-articles/README.md`, "
            "its details the docstring of `builders/quality.py`. R = recall, P = precision. The rules were developed "
            "against these texts, so their figures flatter the rules; the last column is a second sample they were "
            "not tuned on: rules only against the events a person curated for the five seed articles (another "
            "annotator, all events required, not exhaustive, so its precision is a lower bound).\n\n"
            + history_table(history) + "\n\n"
            + f"Latest run (`{args.label}`): build of the seeds and {len(report.articles)} texts took {seconds:.1f} s on {machine}.\n\n"
            + demoted(report.to_markdown()).replace("## Quality against gold annotations", "## Latest report", 1))
    OUT.write_text(text, encoding="utf-8")
    print(history_table(history))
    return 0


if __name__ == "__main__":
    sys.exit(main())
