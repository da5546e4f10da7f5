"""Build and validation benchmark on a synthetic corpus; prints a table (and writes RESULTS.md).

    python benchmarks/run.py 100 1000 10000

The corpus recombines paragraphs of the seed articles and the test fixtures, with people's names,
dates and quotations varied, so that every article is different. Each command runs in its own
process, timed with /usr/bin/time (wall time and peak RSS).
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
    """(wall seconds, peak RSS in MB, exit code) of one command."""
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *command], cwd=cwd, capture_output=True, text=True)
    wall, rss = result.stderr.strip().splitlines()[-1].split()
    return float(wall), int(rss) / 1024, result.returncode


def rows_in(root: Path) -> int:
    return sum(max(0, sum(1 for _ in open(p, encoding="utf-8", newline="")) - 1) for p in (root / "datapackage" / "csv").glob("*.csv"))


def run(n: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix=f"bench-{n}-"))
    try:
        make_corpus(work, n)
        py = [sys.executable, "-m", "builders", "--root", str(work)]
        cold = timed([*py, "build"], REPO)  # a new corpus: the cache (root/.cache) starts empty
        first = work / "seeds" / "articles" / "synthetic-00000.txt"
        first.write_text(first.read_text(encoding="utf-8") + "\nOne more sentence was added.\n", encoding="utf-8")
        incremental = timed([*py, "build"], REPO)
        validate = timed([*py, "validate"], REPO)
        frictionless = timed([sys.executable, "-m", "frictionless", "validate", "datapackage.json"], work)
        return {"n": n, "rows": rows_in(work), "cold": cold, "incremental": incremental, "validate": validate, "frictionless": frictionless}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def table(results: list[dict]) -> str:
    lines = [
        "| articles | rows | build cold | build incremental | validate | frictionless validate | peak RSS (build cold) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        ok = all(r[k][2] == 0 for k in ("cold", "incremental", "validate", "frictionless"))
        lines.append(
            f"| {r['n']:,} | {r['rows']:,} | {r['cold'][0]:.1f} s ({r['cold'][0] / r['n'] * 1000:.1f} ms/article) | "
            f"{r['incremental'][0]:.1f} s | {r['validate'][0]:.1f} s | {r['frictionless'][0]:.1f} s | {r['cold'][1]:.0f} MB |"
            + ("" if ok else " (a command failed)")
        )
    return "\n".join(lines)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100, 1000]
    results = [run(n) for n in sizes]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"
    report = f"Machine: {machine}\n\n{table(results)}\n"
    print(report)
    (REPO / "benchmarks" / "RESULTS.md").write_text(
        "# Benchmark results\n\nMeasured with `python benchmarks/run.py " + " ".join(map(str, sizes)) + "` "
        "(synthetic corpus; build uses all cores and includes the in-build validation and the release "
        "files in dist/; incremental = one article changed, cache on; validate = `python -m builders validate`: "
        "frictionless on the descriptor, the vectorised row checks and the seeds-digest freshness check; "
        "frictionless validate = `frictionless validate datapackage.json` on the same package).\n\n" + report,
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
