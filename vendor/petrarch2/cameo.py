"""Read CAMEO.2.0.txt (PETRARCH-2's verb dictionary) into verb synsets, patterns and noun synsets.

The dictionary (its own header says so) is blocks of

    ---  NAME   [code]  ---          a verb synset and its default CAMEO code ('---': no event alone)
    VERB {IRREGULAR FORMS} [code]    a member verb (an own code overrides the block's)
    - pre * post [code] # VERB       a pattern: '*' is the verb; words after it are its object,
                                     '(PREP …)' a prepositional phrase, '{A B}' a phrase, '&NAME' a
                                     noun synset, '+' / '$' the target / source slots

and noun synsets `&NAME` followed by `+WORD` lines. A trailing '_' stops stemming; '_' inside a
word joins a phrase. Standard library only: tests and the converter import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DICTIONARY = HERE / "CAMEO.2.0.txt"
SOURCE = "CAMEO.2.0.txt"

_HEADER = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]")
_CODE = re.compile(r"\[([^\]]*)\]")


@dataclass(frozen=True)
class Pattern:
    """One pattern line of a verb block: what stands after the verb and the code it gives."""

    line: int
    text: str  # the pattern as written, without its code and comment
    code: str
    before: tuple[str, ...]  # words before the verb ('$', '+' slots removed)
    after: tuple[str, ...]  # tokens after the verb: words, '&SYNSET', '(PREP …)' groups, '{A B}' phrases
    found_with: tuple[str, ...] = ()  # the verbs its comment says it was found with (lower case)


@dataclass
class Block:
    name: str
    line: int
    code: str  # the block's default code ('---' when the verb alone codes nothing)
    verbs: dict[str, str] = field(default_factory=dict)  # lemma -> its code (its own, else the block's)
    verb_lines: dict[str, int] = field(default_factory=dict)
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class Dictionary:
    blocks: list[Block]
    synsets: dict[str, tuple[str, ...]]  # '&NAME' -> its words, lower case, '_' as spaces


def _word(token: str) -> str:
    """'KNIVES_' -> 'knives', 'ASSAULT_RIFLE' -> 'assault rifle'."""
    return token.strip("_").replace("_", " ").lower()


def _code(text: str) -> str:
    """'042:043' -> '042' (the source's code); '---' stays."""
    return text.split(":")[0].strip() or "---"


def _tokens(text: str) -> list[str]:
    """Split a pattern into tokens, keeping '(…)' and '{…}' groups whole."""
    out, depth, current = [], 0, ""
    for ch in text:
        if ch in "({":
            depth += 1
        if ch in ")}":
            depth -= 1
        if ch.isspace() and depth == 0:
            if current:
                out.append(current)
            current = ""
        else:
            current += ch
    if current:
        out.append(current)
    return out


def read(path: Path = DICTIONARY) -> Dictionary:
    blocks: list[Block] = []
    synsets: dict[str, list[str]] = {}
    current_synset: str | None = None
    in_verbs = False
    for number, raw in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        line, _, comment = raw.partition("#")
        line = line.rstrip()
        if "VERB PATTERNS" in raw and raw.startswith("#"):
            in_verbs = True
            continue
        if not line.strip():
            current_synset = None
            continue
        stripped = line.strip()
        if not in_verbs:
            if stripped.startswith("&"):
                current_synset = stripped.split()[0].upper()
                synsets[current_synset] = []
            elif stripped.startswith("+") and current_synset is not None:
                synsets[current_synset].append(_word(stripped[1:].split()[0]))
            continue
        header = _HEADER.match(stripped)
        if header:
            blocks.append(Block(header.group(1), number, _code(header.group(2))))
            continue
        if not blocks:
            continue
        block = blocks[-1]
        if stripped.startswith("-"):
            body = stripped[1:]
            codes = _CODE.findall(body)
            if not codes:
                continue
            text = _CODE.sub("", body).strip()
            tokens = _tokens(text)
            if "*" not in tokens:
                continue
            star = tokens.index("*")
            keep = [t for t in tokens if t not in ("$", "+", "%")]
            star = keep.index("*")
            named = tuple(w.lower() for w in re.findall(r"[A-Z][A-Z_]+", comment) if w.lower() in block.verbs)
            block.patterns.append(Pattern(number, text, _code(codes[-1]), tuple(keep[:star]), tuple(keep[star + 1:]), named))
            continue
        if stripped.startswith("&") or stripped.startswith("+"):
            continue
        codes = _CODE.findall(stripped)
        verb = stripped.split()[0]
        if not re.match(r"^[A-Z][A-Z_\-']*$", verb):
            continue
        lemma = _word(verb)
        block.verbs.setdefault(lemma, _code(codes[0]) if codes else block.code)
        block.verb_lines.setdefault(lemma, number)
    return Dictionary(blocks, {k: tuple(v) for k, v in synsets.items()})


def expand(token: str, synsets: dict[str, tuple[str, ...]]) -> list[str]:
    """The nouns a pattern token stands for: a synset's words, a phrase's last word, a word."""
    token = token.strip("{}")
    last = token.split()[-1] if token.split() else token
    if last.startswith("&"):
        return list(synsets.get(last.upper(), ()))
    return [_word(last)] if re.match(r"^[A-Za-z][A-Za-z_\-']*$", last) else []
