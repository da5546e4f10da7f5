"""Phoenix.agents.txt -> seeds/reference/sectors.yaml: each agent noun and the project's sector.

Run `python vendor/petrarch2/sectors.py` from anywhere to write the file; `tests/test_lexicon.py`
imports `sectors_yaml()` and fails when the committed file is not exactly what it returns. Standard
library only: the builders never import this module (they read the converted file).

How the dictionary is read (its own header and PETRARCH's reader describe the format):

- A record is `PHRASE {PLURAL} [CODE]`; `#` starts a comment, `<!` lines are markup. Words of a
  phrase are joined by `_` (or, in a few records, a space); both become one space here.
- `!NAME! = A, B, C` defines a substitution set: a phrase holding `!NAME!` stands for one phrase per
  member (`CONGRESS!PERSON!` -> congressman, congressmen, congresswoman, …), and members get no
  automatic plural. A word that is the stem of every member of a set (`DEFENCE_MINIST`: `MINIST`
  for `!MINIST!`) is read as that set: the header says a few such stems remain, and this is what
  they were written to match.
- Plurals: "regular plurals have been removed" because PETRARCH makes them, so they are made here on
  the phrase's last word: -y after a consonant -> -ies; -s (not -ss) -> none (already plural or
  uncountable: forces, troops, news); -ss, -x, -z, -ch, -sh -> -es; else -s. `{PLURAL}` gives the
  plural instead, `{}` says there is none; a phrase ending in `_` (a stopped word), holding a digit
  or ending in `.` (ranks, designations) gets none.
- A code closed by `}` instead of `]` (`[~ENV}`) is read as closed; a line with no code at all is
  skipped (there is nothing to code it with).
- The sector is the code's first three letters after `~` (`~GOVMIL`, the defence ministry, is
  government: CAMEO's primary role comes first). Codes written before `~` (`IGO~`) are kinds of
  organisation, not sectors, and are not read.
- A noun written in the dictionary wins over the same noun made as a plural or from a set; between
  equals the first in the file wins. Only then are the sectors the project does not use dropped, so
  `ARMED_FORCES [~MIL]` stays military although `ARMED_FORCE [~UAF]` would make the same plural.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "Phoenix.agents.txt"
LICENSE = HERE / "LICENSE"
TARGET = HERE.parents[1] / "seeds" / "reference" / "sectors.yaml"
UPSTREAM = "openeventdata/petrarch2 at commit 676801cd9cb2924bbbad09f86d15c9323e7097bf, petrarch2/data/dictionaries/Phoenix.agents.txt"

# CAMEO agent code -> the project's sector (builders/schema/models.py `Sector` holds the same values).
SECTORS = {
    "GOV": "government",  # the executive: governments, ministries, embassies, officials, heads of state
    "MIL": "military",  # armed forces, their branches, units and ranks
    "LEG": "legislature",  # parliaments, congresses, their members
    "JUD": "judiciary",  # courts, judges, prosecutors
    "COP": "police",  # police forces and officers
    "SPY": "intelligence",  # intelligence services and agents
    "BUS": "business",  # companies, industries, executives
    "MED": "media",  # news agencies, newspapers, journalists
    "NGO": "ngo",  # non-governmental organisations
    "EDU": "education",  # universities, schools, scholars
    "OPP": "opposition",  # the political opposition, dissidents
    "PTY": "party",  # political parties
}

_SET = re.compile(r"^(![A-Z]+!)\s*=\s*(.+)$")
_RECORD = re.compile(r"^(?P<phrase>[^{\[]+?)\s*(?:\{(?P<plural>[^}]*)\})?\s*\[(?P<code>[^\]}]*)[\]}]\s*$")
_NO_CODE = re.compile(r"^[^{\[\]}]+$")  # a phrase without a code (ISLAMIC_EXTREMIST): PETRARCH can code nothing with it


@dataclass(frozen=True)
class Noun:
    noun: str  # lower case, words separated by one space
    code: str  # the dictionary's code, e.g. ~GOVMIL
    line: int  # line number in Phoenix.agents.txt
    origin: str  # the dictionary line, as written (comment removed)
    written: bool  # the noun is the record's own phrase (not a plural or a set member)


def _words(phrase: str) -> str:
    return " ".join(phrase.replace("_", " ").split()).lower()


def _plural(phrase: str) -> str | None:
    """The regular plural of a phrase (of its last word), or None when it makes none."""
    if phrase.endswith("_") or phrase.endswith(".") or any(ch.isdigit() for ch in phrase):
        return None
    word = phrase.rstrip()
    if re.search(r"[^AEIOU]Y$", word):
        return word[:-1] + "IES"
    if re.search(r"(SS|X|Z|CH|SH)$", word):
        return word + "ES"
    if word.endswith("S"):
        return None
    return word + "S"


def _expand(phrase: str, sets: dict[str, list[str]]) -> list[tuple[str, bool]]:
    """The phrases a record stands for, each with whether it takes a regular plural."""
    for marker, members in sets.items():
        if marker in phrase:
            return [(p, False) for member in members for p, _ in _expand(phrase.replace(marker, member), sets)]
    words = re.split(r"([_ ]+)", phrase)
    for i, word in enumerate(words):
        for members in sets.values():
            if word and len(members) > 1 and all(m.startswith(word) and m != word for m in members):
                head, tail = "".join(words[:i]), "".join(words[i + 1 :])
                return [(p, False) for member in members for p, _ in _expand(head + member + tail, sets)]
    return [(phrase, True)]


def read_agents(text: str) -> list[Noun]:
    """Every noun the dictionary codes, in file order, with its code and line."""
    sets: dict[str, list[str]] = {}
    nouns: list[Noun] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("<!"):
            continue
        substitution = _SET.match(line)
        if substitution:
            sets[substitution.group(1)] = [m.strip() for m in substitution.group(2).split(",") if m.strip()]
            continue
        record = _RECORD.match(line)
        if record is None and _NO_CODE.match(line):
            continue
        if record is None:
            raise ValueError(f"{SOURCE.name}:{number}: not a record: {raw!r}")
        code, plural = record.group("code").strip(), record.group("plural")
        for phrase, regular in _expand(record.group("phrase").strip(), sets):
            nouns.append(Noun(_words(phrase), code, number, line, True))
            forms = [plural] if plural is not None and plural.strip() else []
            if plural is None and regular:
                forms = [made] if (made := _plural(phrase)) else []
            nouns += [Noun(_words(form), code, number, line, False) for form in forms]
    return nouns


def sector_of(code: str) -> str | None:
    """The project's sector of a dictionary code (`~GOVMIL` -> government), None for one it does not use."""
    if not code.startswith("~"):
        return None
    return SECTORS.get(code[1:4])


def sectors(text: str) -> dict[str, tuple[str, Noun]]:
    """noun -> (sector, the noun's record), for the nouns whose code maps to a sector the project uses."""
    chosen: dict[str, Noun] = {}
    for noun in read_agents(text):
        if not noun.noun:
            continue
        held = chosen.get(noun.noun)
        if held is None or (noun.written and not held.written):
            chosen[noun.noun] = noun
    return {noun: (sector, found) for noun, found in sorted(chosen.items()) if (sector := sector_of(found.code))}


def _header(counts: dict[str, int]) -> list[str]:
    notice = [line.rstrip() for line in LICENSE.read_text(encoding="utf-8").splitlines()]
    lines = [
        "# GENERATED FILE — do not edit. Written by `python vendor/petrarch2/sectors.py` from",
        "# vendor/petrarch2/Phoenix.agents.txt (the PETRARCH-2 / Phoenix agents dictionary, vendored unchanged from",
        f"# {UPSTREAM});",
        "# tests/test_lexicon.py fails when this file is not what the converter writes.",
        "#",
        "# What it is: every agent noun of the dictionary (lower case; several words allowed) with the sector of the",
        "# project it names, and where it comes from (`line` and `origin`: the dictionary's line, as written). The",
        "# builders read it with the reference (seeds/reference/): a discovered actor's sector is the sector of the",
        "# head noun of its name (\"Serbian Ministry of Defence\" -> government), and \"<country> <noun>\" phrases",
        "# whose noun names a whole sector (builders/extract/lexicon.yaml `sector_bodies`) are one actor per",
        "# country and sector.",
        "#",
        "# Sectors (the CAMEO agent code's first three letters -> actors.sector):",
    ]
    lines += [f"#   {code} -> {sector} ({counts.get(sector, 0)} nouns)" for code, sector in SECTORS.items()]
    lines += [
        "# A compound code counts by its first part, CAMEO's primary role: DEFENCE_MINIST [~GOVMIL] is government.",
        "# Every other code (REB rebels, CRM criminals, CVL civilians, UAF unaligned armed groups, religions, labour,",
        "# health, refugees, elites, …) names no sector the dataset's actors stand for, and its nouns are left out.",
        "#",
        "# Ministries and embassies are government, not sectors of their own: CAMEO codes both GOV (MINISTRY_ and",
        "# EMBASSY [~GOV] here), so a sector of their own would break the one-to-one match with CAMEO, GDELT and",
        "# ICEWS that users count dyads by; what kind of body an actor is (a ministry, an embassy) is said by its",
        "# name and actor_type (government_body), not by its sector.",
        "#",
        "# Read from the dictionary as its header says: `_` joins words; !PERSON! and !MINIST! stand for each member",
        "# of their set (a stem such as MINIST too); regular plurals are made (-ies, -es, -s; none for a word ending",
        "# in -s, a stopped word ending in `_`, a rank ending in `.` or a designation holding a digit); {PLURAL} gives",
        "# the plural, {} none. A noun written in the dictionary wins over one made as a plural; between equals, the",
        "# first line wins.",
        "#",
        "# Source licence (MIT), as vendor/petrarch2/LICENSE states it:",
    ]
    lines += [f"#   {line}".rstrip() for line in notice]
    lines += [
        "#",
        "# Format: \"noun\": {sector: <sector>, line: <line in Phoenix.agents.txt>, origin: \"<that line>\"}",
    ]
    return lines


def sectors_yaml(source: Path = SOURCE) -> str:
    """The text of seeds/reference/sectors.yaml, made from the dictionary."""
    table = sectors(source.read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for sector, _ in table.values():
        counts[sector] = counts.get(sector, 0) + 1
    lines = _header(counts)
    for noun, (sector, found) in table.items():
        lines.append(f"{json.dumps(noun, ensure_ascii=False)}: {{sector: {sector}, line: {found.line}, "
                     f"origin: {json.dumps(found.origin, ensure_ascii=False)}}}")
    return "\n".join(lines) + "\n"


def main() -> int:
    TARGET.write_text(sectors_yaml(), encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
