"""Adversarial inputs: how the per-article extraction scales on pathological article texts.

    python benchmarks/adversarial.py            # 20 KB, 200 KB and 2 MB articles
    python benchmarks/adversarial.py --quick    # 1 KB, 10 KB and 100 KB
    python benchmarks/adversarial.py --family brackets --family quotes --sizes 1000 10000
    python benchmarks/adversarial.py --unlimited --sizes 20000 200000   # past ingest's limit on tokens
    python benchmarks/adversarial.py --packages  # validate on resource files of 10 MiB, 100 MiB, 1 GiB

Each family of pathological article (a long line of `[`, runs of `**`, a header line of commas,
combining marks, unbalanced quotation marks, …) is generated at growing sizes and extracted the
way a build extracts it: `builders.extract.article.Extractor` on a `LoadedJob`, the spaCy parse included
(no parse cache). Every case runs in a child process forked from a warm parent (model loaded), so
that a case that hangs is stopped at the time limit without stopping the others. The table gives
the seconds, the growth of the time when the size grows 10x (linear is ~10; the target is at most
~12; between two extracted sizes only), what came out (rows, or the one line that refused the
article) and whether every span holds (`text[start_char:end_char]` equals the surface, quotation or evidence
text).
"""

from __future__ import annotations

import argparse
import hashlib
import math
import multiprocessing
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from builders.extract.article import Extractor
from builders.inputs.reference import load_reference
from builders.inputs.seeds import LoadedJob

FULL_SIZES = (20_000, 200_000, 2_000_000)
QUICK_SIZES = (1_000, 10_000, 100_000)
HEAD = "Adversarial article about Serbian arms purchases\n\n"
SYLLABLES = ["ka", "lo", "mi", "ra", "ne", "vo", "du", "sa", "te", "ri", "po", "ze", "li", "an", "dor", "vic", "mir", "slav", "ko", "ja"]


SOURCE = b"url: null\nretrieved_date: null\nlicence_basis: quotation\nnote: a generated adversarial text\n"


def _seed_prose() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds" / "articles").glob("*.txt"))]
    return "\n\n".join(texts)


def _fill(unit: str, size: int, head: str = HEAD, tail: str = "") -> str:
    """`head`, then `unit` repeated, then `tail`: about `size` bytes of UTF-8."""
    room = max(0, size - len((head + tail).encode()))
    count = room // max(1, len(unit.encode())) + 1
    return head + _cut(unit * count, room) + tail


def _cut(text: str, size: int) -> str:
    """The longest prefix of `text` of at most `size` bytes of UTF-8."""
    return text.encode()[:size].decode("utf-8", "ignore")


def _random_words(rng: random.Random, n: int, capitalised: bool = False) -> list[str]:
    words = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(n)]
    return [w.capitalize() for w in words] if capitalised else words


def prose(size: int) -> str:
    return _cut(_fill(_seed_prose() + "\n\n", size, head=""), size)


def brackets(size: int) -> str:
    return _fill("[", size, HEAD + "Serbia bought the Pantsir system from Russia. ")


def stars(size: int) -> str:
    return _fill("**x ", size)


def commas(size: int) -> str:
    return _fill(",", size, head="Global Research", tail=" x\n\nSerbia bought the Pantsir system from Russia, the ministry said.\n")


def combining(size: int) -> str:
    """Base letters, each followed by 5,000 combining marks of alternating classes (230, 220): the
    worst order for canonical reordering."""
    return _fill("e" + "\u0301\u0316" * 2500 + " ", size)


def quotes(size: int) -> str:
    rng = random.Random(3)
    marks = ["“", "”", '"', "‘", "’", "'"]
    words = []
    for word in ["Vučić", "said", "Serbia", "would", "buy", "the", "system", "and", "Russia", "warned", "them"] * (size // 40 + 1):
        r = rng.random()
        words.append(rng.choice(marks) + word if r < 0.2 else word + rng.choice(marks) if r < 0.35 else word)
    return _cut(HEAD + " ".join(words), size)


def run_on(size: int) -> str:
    """One giant paragraph of prose with no full stop and no line break."""
    text = _seed_prose().translate(str.maketrans({".": " ", "!": " ", "?": " ", "\n": " "}))
    return _fill(" ".join(text.split()) + " ", size)


def names(size: int) -> str:
    """Thousands of people, each named once with the evidence that makes them actors."""
    rng = random.Random(5)
    out, length = [HEAD], len(HEAD)
    while length < size:
        first, last = _random_words(rng, 2, capitalised=True)
        sentence = f"{first} {last} said that Serbia would buy the system. "
        out.append(sentence)
        length += len(sentence)
    return _cut("".join(out), size)


def actors(size: int) -> str:
    return _fill("Serbia ", size)


def random_text(size: int) -> str:
    """Random code points that are valid UTF-8 and not refused as control characters."""
    rng = random.Random(11)
    ranges = [(0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x400, 0x4FF), (0x590, 0x6FF), (0x2000, 0x206F),
              (0x3000, 0x30FF), (0x4E00, 0x4FFF), (0x1F300, 0x1F5FF)]
    chars = []
    while len(chars) < size:
        if rng.random() < 0.02:
            chars.append("\n")
            continue
        lo, hi = rng.choice(ranges)
        chars.append(chr(rng.randint(lo, hi)))
    return _cut(HEAD + "".join(chars), size)


def abbreviations(size: int) -> str:
    """Candidate sentence ends that are all abbreviations ("Mr. Mr. …") and initials ("A. B. …")."""
    return _fill("Mr. Gen. A. B. ", size)


def end_markers(size: int) -> str:
    return _fill("-ends-", size, HEAD + "Serbia bought the Pantsir system from Russia.")


def whitespace(size: int) -> str:
    """A byline whose names are split by a run of white space the cleaner does not collapse."""
    return _fill("\u2028", size, head="By Ana", tail=" Petrović\n\nSerbia bought the Pantsir system from Russia.\n")


def weapons(size: int) -> str:
    return _fill("Serbia bought S-400 systems and T-99 tanks, ", size)


def pronouns(size: int) -> str:
    """Pronouns whose antecedents are looked for again and again, in one sentence without a full stop."""
    return _fill("Serbia said it would buy the system and it warned that they would impose sanctions on it and ", size)


def bidi(size: int) -> str:
    return _fill("Serbia \u202ebought\u202c the Pantsir \u2066system\u2069 from Russia. ", size)


FAMILIES = {f.__name__.replace("_", "-"): f for f in (
    prose, brackets, stars, commas, combining, quotes, run_on, names, actors, random_text, abbreviations,
    end_markers, whitespace, weapons, pronouns, bidi,
)}


# --- running ----------------------------------------------------------------------------------------


def _spans_hold(columns) -> bool:
    tables = columns.tables
    text = tables["articles"]["text"][0]
    checks = [("actor_mentions", "start_char", "end_char", "surface"), ("weapon_system_mentions", "start_char", "end_char", "surface"),
              ("quotes", "start_char", "end_char", "text"), ("events", "evidence_start_char", "evidence_end_char", "evidence_text")]
    for name, start, end, surface in checks:
        table = tables[name]
        if any(text[a:b] != s for a, b, s in zip(table[start], table[end], table[surface], strict=True)):
            return False
    return True


def _case(extractor: Extractor, job: LoadedJob, conn) -> None:
    try:
        started = time.perf_counter()
        columns, problems = extractor(job)
        seconds = time.perf_counter() - started
        if columns is None:
            first = str(problems[0]).split(": ", 1)[-1] if problems else "?"
            outcome = f"refused: {first[:90]}"
        else:
            rows = {name: len(next(iter(t.values()), [])) for name, t in columns.tables.items()}
            warned = f", {len(problems)} warning(s)" if problems else ""
            spans = "spans ok" if _spans_hold(columns) else "SPANS BROKEN"
            outcome = (f"ok: {rows['actor_mentions']} mentions, {rows['quotes']} quotes, {rows['events']} events, "
                       f"{spans}{warned}")
    except Exception as exc:  # noqa: BLE001 - a crash is what the benchmark reports
        seconds = time.perf_counter() - started
        outcome = f"CRASH: {type(exc).__name__}: {str(exc)[:60]}"
    conn.send((seconds, outcome, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    conn.close()


def run_case(extractor: Extractor, job: LoadedJob, timeout: float) -> tuple[float | None, str, float | None]:
    """(seconds or None on time-out, outcome, peak RSS in MB) of one article, in a forked child."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_case, args=(extractor, job, child))
    process.start()
    child.close()
    if parent.poll(timeout):
        result = parent.recv()
        process.join()
        return result
    process.kill()
    process.join()
    return None, f"stopped after {timeout:.0f} s", None


def make_job(family: str, size: int) -> LoadedJob:
    raw = FAMILIES[family](size).encode("utf-8")
    article_id = f"adv-{family}-{size}"
    return LoadedJob(article_id, raw, f"seeds/articles/{article_id}.txt", None, hashlib.sha256(raw).hexdigest(), None,
               SOURCE, hashlib.sha256(SOURCE).hexdigest())


def _proc(path: str, key: str) -> str | None:
    """The value of the first `key: value` line of a /proc file, if there is one."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(key)), None)


def machine() -> str:
    memory = _proc("/proc/meminfo", "MemTotal")
    memory = f", {int(memory.split()[0]) / 1024 / 1024:.1f} GB RAM" if memory else ""
    cpu = _proc("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()
    from builders.extract.nlp import model_fingerprint

    return (f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}, {platform.platform()}; "
            f"{model_fingerprint()}")


def _size(n: int) -> str:
    return f"{n / 1_000_000:g} MB" if n >= 1_000_000 else f"{n / 1000:g} KB"


PACKAGE_SIZES = (10 * 2**20, 100 * 2**20, 2**30)


def _hostile_package(folder: Path, size: int, declared: str) -> None:
    """The committed package with `datapackage/csv/quotes.csv` replaced by a file of `size` bytes:
    its header, then one cell holding the rest (written up to 100 MiB; beyond, a sparse file of NUL
    bytes, as the issue's "claimed" files). The descriptor declares its true size (`declared` =
    "true": the limit decides) or keeps the committed size ("small": larger than declared)."""
    import json
    import shutil

    shutil.copy(REPO / "datapackage.json", folder / "datapackage.json")
    shutil.copytree(REPO / "datapackage", folder / "datapackage")
    quotes = folder / "datapackage" / "csv" / "quotes.csv"
    header = quotes.read_bytes().split(b"\r\n", 1)[0] + b"\r\n"
    with open(quotes, "wb") as handle:
        handle.write(header + b'"')
        if size <= 100 * 2**20:
            block = b"Y" * 2**20
            for _ in range((size - len(header) - 2) // len(block)):
                handle.write(block)
            handle.write(b"Y" * ((size - len(header) - 2) % len(block)) + b'"')
        else:
            handle.truncate(size)
    if declared == "true":
        descriptor = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
        next(r for r in descriptor["resources"] if r["name"] == "quotes")["bytes"] = quotes.stat().st_size
        (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")


def _validate_case(folder: Path, conn) -> None:
    from builders.validate import validate_package

    started = time.perf_counter()
    lines = [str(p) for p in validate_package(folder)]
    conn.send((time.perf_counter() - started, len(lines), max(map(len, lines), default=0),
               next((line for line in lines if line.startswith("datapackage/csv/quotes.csv")), "")[:150],
               resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    conn.close()


def package_sizes(sizes: tuple[int, ...], timeout: float) -> None:
    """`validate` on a package whose CSV file is 10 MiB, 100 MiB or 1 GiB (issue 27): time, peak
    RSS of the validating process, the number of problem lines and the longest, and what it says
    of the file. Each case in a forked child (a hang is stopped at `timeout`)."""
    import tempfile

    print("\n| quotes.csv | declared bytes | seconds | peak RSS | problem lines | longest line | says |\n|---|---|---|---|---|---|---|")
    context = multiprocessing.get_context("fork")
    for size in sizes:
        for declared in ("true", "small"):
            with tempfile.TemporaryDirectory(prefix="hostile-package-") as tmp:
                _hostile_package(Path(tmp), size, declared)
                parent, child = context.Pipe(duplex=False)
                process = context.Process(target=_validate_case, args=(Path(tmp), child))
                process.start()
                child.close()
                if parent.poll(timeout):
                    seconds, count, longest, says, rss = parent.recv()
                    row = f"{seconds:.2f} | {rss:.0f} MB | {count} | {longest} chars | {says.replace('|', '/')}"
                else:
                    process.kill()
                    row = f"> {timeout:.0f} | — | — | — | stopped"
                process.join()
            label = "its size" if declared == "true" else "the committed file's"
            print(f"| {size / 2**20:g} MiB | {label} | {row} |", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"sizes {', '.join(map(_size, QUICK_SIZES))} instead of {', '.join(map(_size, FULL_SIZES))}")
    parser.add_argument("--sizes", type=int, nargs="+", help="sizes in bytes (overrides --quick)")
    parser.add_argument("--family", action="append", choices=sorted(FAMILIES), help="only this family (repeatable)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before a case is stopped (default 300)")
    parser.add_argument("--unlimited", action="store_true",
                        help="lift ingest's limit on words and marks (not the 1,000,000 characters): how the rules scale past it")
    parser.add_argument("--packages", action="store_true", help="only the package cases: validate on resource files of "
                        + ", ".join(f"{n / 2**20:g} MiB" for n in PACKAGE_SIZES) + " (--sizes in bytes to change them)")
    args = parser.parse_args(argv)
    if args.packages:
        print(f"Machine: {machine()}")
        package_sizes(tuple(args.sizes or PACKAGE_SIZES), args.timeout)
        return
    if args.unlimited:
        from builders.extract import ingest

        ingest.MAX_PARSE_TOKENS = 10**9
    sizes = args.sizes or (QUICK_SIZES if args.quick else FULL_SIZES)
    print(f"Machine: {machine()}")
    reference, problems = load_reference(REPO)
    if [p for p in problems if p.severity == "error"]:
        sys.exit("the reference in seeds/reference has problems — run `python -m builders build` first")
    extractor = Extractor(reference)
    extractor(make_job("prose", 2000))  # warm: the model, the matcher's automaton and every pattern
    print("\n| family | size | seconds | x10 growth | peak RSS | outcome |\n|---|---|---|---|---|---|")
    for family in args.family or FAMILIES:
        previous: tuple[int, float] | None = None
        stopped = False
        for size in sizes:
            if stopped:
                print(f"| {family} | {_size(size)} | — | — | — | not run (a smaller size was stopped) |", flush=True)
                continue
            seconds, outcome, rss = run_case(extractor, make_job(family, size), args.timeout)
            stopped = seconds is None
            extracted = outcome.startswith("ok")  # a refusal's time is not comparable with an extraction's
            growth = "—"
            if extracted and previous is not None and previous[1] > 0:
                growth = f"{(seconds / previous[1]) ** (1 / max(1e-9, math.log10(size / previous[0]))):.1f}"
            shown = f"{seconds:.2f}" if seconds is not None else f"> {args.timeout:.0f}"
            print(f"| {family} | {_size(size)} | {shown} | {growth} | {f'{rss:.0f} MB' if rss else '—'} | {outcome} |", flush=True)
            previous = (size, seconds) if extracted else None


if __name__ == "__main__":
    main()
