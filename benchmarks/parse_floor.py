"""The parse floor: spaCy's own `nlp.pipe` over the texts a build parses, with the same pipeline
(every component of the pinned model) on the same number of processes. No build can be faster than
this; benchmarks/run.py divides the build's time by it.

    python benchmarks/parse_floor.py ROOT PROCESSES

ROOT holds seeds/articles/*.txt; each is cleaned as the build cleans it (ingest). The model is loaded
once, then PROCESSES forked processes each pipe every PROCESSES-th text and send back a token
count: spaCy's own `n_process` would also send every parsed Doc back to this process, a cost no
build pays (a build's workers send rows). The command is timed as a whole, like a build (start,
model load, parse).
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from builders.extract.ingest import ingest  # noqa: E402
from builders.extract.nlp import load_model  # noqa: E402

BATCH_SIZE = 8  # documents per batch: the fastest of 1, 8, 64 and spaCy's default 1000 on these texts (1000 also costs memory)


def tokens_of(texts: list[str]) -> int:
    return sum(len(doc) for doc in load_model().pipe(texts, batch_size=BATCH_SIZE))


def main() -> None:
    root, processes = Path(sys.argv[1]), int(sys.argv[2])
    texts = [ingest(path.stem, path.read_bytes()).text for path in sorted((root / "seeds" / "articles").glob("*.txt"))]
    nlp = load_model()  # loaded before the processes are forked: they share it
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        tokens = sum(pool.map(tokens_of, [texts[i::processes] for i in range(processes)]))
    print(f"{len(texts)} texts, {tokens} tokens, {processes} processes, components {', '.join(nlp.pipe_names)}")


if __name__ == "__main__":
    main()
