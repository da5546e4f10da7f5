"""The parse floor: spaCy's own `nlp.pipe` over the texts a build parses, with the same pipeline
(every component of the pinned model) on the same number of processes. No build can be faster than
this; benchmarks/run.py divides the build's time by it.

    python benchmarks/parse_floor.py ROOT PROCESSES

ROOT holds seeds/articles/*.txt; each is cleaned as the build cleans it (ingest) before the clock
that matters starts: the command is timed as a whole, like a build (start, model load, parse).
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from builders.extract.ingest import ingest  # noqa: E402
from builders.extract.nlp import load_model  # noqa: E402

BATCH_SIZE = 64  # documents per batch and process (spaCy's default of 1000 only costs memory on news-sized texts)


def main() -> None:
    root, processes = Path(sys.argv[1]), int(sys.argv[2])
    texts = [ingest(path.stem, path.read_bytes()).text for path in sorted((root / "seeds" / "articles").glob("*.txt"))]
    nlp = load_model()
    tokens = sum(len(doc) for doc in nlp.pipe(texts, n_process=processes, batch_size=BATCH_SIZE))
    print(f"{len(texts)} texts, {tokens} tokens, components {', '.join(nlp.pipe_names)}")


if __name__ == "__main__":
    main()
