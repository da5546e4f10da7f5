"""Build and validation benchmark on a synthetic corpus; prints a table (and writes RESULTS.md).

    python benchmarks/run.py 100 1000 10000

The corpus recombines paragraphs of the seed articles and the test fixtures, with people's names,
dates and quotations varied, so that every article is different. Each command runs in its own
process, timed with /usr/bin/time (wall time), its peak memory summed over its processes (psutil):
a cold build, the parse floor (spaCy alone on the same texts, benchmarks/parse_floor.py), a
rules-only rebuild, a one-article incremental build, validate and frictionless validate.
"""

from __future__ import annotations

import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from builders.extract.ingest import ingest  # noqa: E402

FIRST = "Ana Milan Jelena Marko Petar Ivana Dragan Sofia Nikola Elena Thomas Sarah David Maria Luka".split()
LAST = "Petrović Jović Ilić Kostić Marić Novak Horvat Smith Becker Rossi Dubois Kovač Lukić Savić Popov".split()
MONTHS = "January February March April May June July August September October November December".split()


def paragraphs() -> list[str]:
    sources = sorted((REPO / "seeds" / "articles").glob("*.txt")) + sorted((REPO / "tests" / "fixtures" / "articles").glob("*.txt"))
    out = []
    for path in sources:
        text = ingest(re.sub(r"[^a-z0-9_-]", "-", path.stem.lower()), path.read_bytes()).text
        out += [p for p in text.split("\n\n") if len(p.split()) >= 12]
    return out


def make_corpus(root: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    pool = paragraphs()
    articles = root / "seeds" / "articles"
    articles.mkdir(parents=True)
    shutil.copytree(REPO / "seeds" / "reference", root / "seeds" / "reference")
    sources = root / "seeds" / "sources"
    sources.mkdir()
    for i in range(n):
        person = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        body = []
        for paragraph in rng.sample(pool, rng.randint(4, 9)):
            paragraph = paragraph.replace("Matthew Palmer", person).replace("Thomas Zarzecki", f"Minister {person}")
            body.append(paragraph)
        body.insert(rng.randint(0, len(body)), f"“We will decide for ourselves what we buy, {rng.randint(2, 40)} years from now as today,” {person} said.")
        date = f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2019, 2024)}"
        text = f"Synthetic report {i} on Serbian arms and sanctions\n\nPublished: {date}\n\n" + "\n\n".join(body) + "\n"
        (articles / f"synthetic-{i:05d}.txt").write_text(text, encoding="utf-8")
        (sources / f"synthetic-{i:05d}.yaml").write_text(
            "url: null\nretrieved_date: null\nlicence_basis: quotation\nnote: a synthetic article made by the benchmark\n", encoding="utf-8")


def timed(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB of the command and all its processes together, exit code)."""
    import psutil

    process = subprocess.Popen(["/usr/bin/time", "-f", "%e", *command], cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    tree, peak = psutil.Process(process.pid), 0
    while process.poll() is None:
        try:
            peak = max(peak, sum(p.memory_info().rss for p in [tree, *tree.children(recursive=True)]))
        except psutil.Error:  # a process ended while being read
            pass
        time.sleep(0.05)
    wall = float(process.stderr.read().strip().splitlines()[-1])
    return wall, peak / 2**20, process.returncode


def rows_in(root: Path) -> int:
    return sum(max(0, sum(1 for _ in open(p, encoding="utf-8", newline="")) - 1) for p in (root / "datapackage" / "csv").glob("*.csv"))


def run(n: int) -> dict:
    """Each measure on the same corpus, in this order: a cold build (empty cache), the parse floor,
    a rules-only rebuild (the rules' cache, the last build's tables and the parsed reference removed,
    as a change to a rule retires them; the parse cache kept), one article changed, validate,
    frictionless validate."""
    work = Path(tempfile.mkdtemp(prefix=f"bench-{n}-"))
    workers = str(os.cpu_count() or 1)
    try:
        make_corpus(work, n)
        py = [sys.executable, "-m", "builders", "--root", str(work)]
        cold = timed([*py, "build", "--workers", workers], REPO)
        floor = timed([sys.executable, str(REPO / "benchmarks" / "parse_floor.py"), str(work), workers], REPO)
        for kept_by_rules in (".cache/extract", ".cache/last-build", ".cache/reference"):
            shutil.rmtree(work / kept_by_rules, ignore_errors=True)
        rules = timed([*py, "build", "--workers", workers], REPO)
        first = work / "seeds" / "articles" / "synthetic-00000.txt"
        first.write_text(first.read_text(encoding="utf-8") + "\nOne more sentence was added.\n", encoding="utf-8")
        incremental = timed([*py, "build", "--workers", workers], REPO)
        second = work / "seeds" / "articles" / "synthetic-00001.txt"
        second.write_text(second.read_text(encoding="utf-8") + f"\n{EVENT_SENTENCE}\n", encoding="utf-8")
        with_events = timed([*py, "build", "--workers", workers], REPO)
        validate = timed([*py, "validate"], REPO)
        frictionless = timed([sys.executable, "-m", "frictionless", "validate", "datapackage.json"], work)
        return {"n": n, "rows": rows_in(work), "cold": cold, "floor": floor, "rules": rules, "incremental": incremental,
                "with_events": with_events, "validate": validate, "frictionless": frictionless}
    finally:
        shutil.rmtree(work, ignore_errors=True)


MEASURES = ("cold", "floor", "rules", "incremental", "with_events", "validate", "frictionless")
# appended to another article for the second one-article build: new events, so the pictures are drawn again
EVENT_SENTENCE = "The United States threatened Serbia with sanctions on 3 March 2021 over the purchase of Chinese FK-3 systems, the State Department said."


def table(results: list[dict]) -> str:
    lines = [
        "| articles | rows | cold build | parse floor | ratio | rules-only rebuild | one-article incremental (text) | one-article incremental (new events) | validate | frictionless validate | peak RSS (cold build) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        failed = [k for k in MEASURES if r[k][2] != 0]
        lines.append(
            f"| {r['n']:,} | {r['rows']:,} | {r['cold'][0]:.1f} s ({r['cold'][0] / r['n'] * 1000:.0f} ms/article) | {r['floor'][0]:.1f} s | "
            f"{r['cold'][0] / r['floor'][0]:.2f}× | {r['rules'][0]:.1f} s ({r['rules'][0] / r['cold'][0]:.2f}× cold) | "
            f"{r['incremental'][0]:.1f} s | {r['with_events'][0]:.1f} s | {r['validate'][0]:.2f} s | {r['frictionless'][0]:.1f} s | {r['cold'][1]:,.0f} MB |"
            + (f" ({', '.join(failed)} failed)" if failed else "")
        )
    return "\n".join(lines)


def targets(r: dict) -> str:
    """Issue 18's targets at the largest size measured, with issue 26's one-article target: met or not, with the figure."""
    checks = [
        ("cold build ≤ 1.25× the parse floor", r["cold"][0] / r["floor"][0], 1.25, "×"),
        ("peak memory ≤ 1.5 GB", r["cold"][1] / 1024, 1.5, " GB"),
        ("rules-only rebuild ≤ 0.1× the cold build", r["rules"][0] / r["cold"][0], 0.1, "×"),
        ("one changed article ≤ 1.5 s (a sentence without events)", r["incremental"][0], 1.5, " s"),
        ("one changed article ≤ 1.5 s (a sentence with new events: pictures drawn again)", r["with_events"][0], 1.5, " s"),
        ("validate ≥ 10× faster than frictionless validate", r["frictionless"][0] / r["validate"][0], 10.0, "× faster"),
    ]
    lines = [f"Targets at {r['n']:,} articles:"]
    for label, value, target, unit in checks:
        met = value >= target if unit == "× faster" else value <= target
        lines.append(f"- {label}: {'met' if met else 'not met'} ({value:.2f}{unit})")
    return "\n".join(lines)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000]
    # as an installed package is: bytecode compiled once (this machine sets PYTHONDONTWRITEBYTECODE)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "builders")], check=True)
    results = [run(n) for n in sizes]
    for r in results:
        print(f"{r['n']:,} articles: " + ", ".join(f"{k} {r[k][0]:.2f} s / {r[k][1]:,.0f} MB" for k in MEASURES), file=sys.stderr)
    write_results(sizes, results)


def write_results(sizes: list[int], results: list[dict]) -> None:
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    report = f"Machine: {machine}\n\n{table(results)}\n\n{targets(results[-1])}\n"
    print(report)
    (REPO / "benchmarks" / "RESULTS.md").write_text(
        "# Benchmark results\n\nMeasured with `python benchmarks/run.py " + " ".join(map(str, sizes)) + "` on a synthetic corpus, each "
        "command in its own process (wall time; peak RSS summed over the command's processes, sampled every 50 ms: pages a worker shares with its parent count twice, so an upper bound). "
        "Builds use every core (`--workers` = cores) and include their validation (not dist/: `release` writes it). "
        "Cold build: empty cache. Parse floor: spaCy's `nlp.pipe` over the same clean texts, same pipeline, as many "
        "processes (`benchmarks/parse_floor.py`); ratio = cold build ÷ parse floor. Rules-only rebuild: as after a change "
        "to a rule (the rules' cache, the last build's tables and the parsed reference removed; kept: the parse cache, each text's language "
        "(`.cache/language`, keyed by the language code and its marker words, which a change to another rule leaves alone), the seed files' "
        "hashes and the pictures, checked against their columns). "
        "One-article incremental: one article changed (a sentence added: it is parsed again), the last build kept; "
        "(text): a sentence without events, (new events): then another article given a sentence with an event (the pictures are drawn again). "
        "The builders' bytecode is compiled first (`compileall`), as an installed package's is. "
        "Validate: `python -m builders validate`. Frictionless validate: `frictionless validate datapackage.json` on the "
        "same package.\n\n" + report,
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
