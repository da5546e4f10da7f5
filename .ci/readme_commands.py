"""Print one of the README's set-up commands, as written there, so that CI runs exactly what a
newcomer runs: `python3 .ci/readme_commands.py build` or `… test`.

Each command is the one line of the fenced block that follows its marker in README.md
(`<!-- setup:build -->`, `<!-- setup:test -->`). Standard library only: CI runs this before any
venv exists. tests/test_readme.py checks the markers and that .ci/run runs nothing else to set up.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
STEPS = ("build", "test")


def setup_commands(readme: str) -> dict[str, str]:
    """{step: command} for every marked block; a block must hold exactly one line."""
    found = {}
    for step, block in re.findall(r"<!-- setup:(\w+) -->\n```sh\n(.*?)```", readme, flags=re.DOTALL):
        lines = [line for line in block.splitlines() if line.strip()]
        if len(lines) != 1:
            raise ValueError(f"README.md: the setup:{step} block must hold one command line, it holds {len(lines)}")
        found[step] = lines[0]
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in STEPS:
        print(f"usage: python3 .ci/readme_commands.py {{{'|'.join(STEPS)}}}", file=sys.stderr)
        return 2
    commands = setup_commands(README.read_text(encoding="utf-8"))
    if argv[0] not in commands:
        print(f"README.md has no <!-- setup:{argv[0]} --> block followed by a ```sh fence — restore it", file=sys.stderr)
        return 1
    print(commands[argv[0]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
