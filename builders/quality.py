"""Score a built package against gold annotations (the convention of the dev-articles README).

Self-contained on purpose (stdlib, pyarrow and PyYAML only; nothing else from `builders`), so that it
keeps working while the package around it is reorganised, and so that it can score a package built by
any checkout of the builders.

    report = score(Path(root), [Path("../shared/dev-articles"), Path("benchmarks/gold")])
    print(report.to_markdown())

Gold format: each gold directory holds `gold.yaml` (`articles: {article_id: {title, authors, publisher,
published, [original_source], [original_published], quotes, actors, actors_optional, events}}`) and
`actors.yaml` (`canonical name: [aliases]`). Directories are merged in order: later ones add articles,
actors and aliases (an article id given twice is taken from the later directory, and said so). A
directory that does not exist is skipped.

Only the Parquet edition is read (`datapackage/parquet/<resource>.parquet`), and only the columns named
in `_COLUMNS`: no offsets columns, so renaming `start`/`end` changes nothing here.

Conventions, where the README says it (R) and where it is silent and this module decides (D):

- Normalisation (R+D): NFKD accent removal, case folding, and a leading "the" dropped (R); also
  typographic quotes, apostrophes and dashes folded to ASCII, the letters that NFKD does not decompose
  (đ ø ł ı) folded to their base letter, and runs of whitespace collapsed (D). Quote texts get the
  same treatment without the "the" rule (D).
- Metadata (R+D): title, publisher, published date and authors, plus the gold keys `original_source`
  (against `original_publisher`) and `original_published` (against `original_published_date`) (D). An
  absent key means null, like an explicit null: the text is silent and the package must say null (D;
  for `original_*`, the only keys gold may leave out). Authors are compared as multisets of normalised
  names, order ignored (D). Outlet names are compared as strings, not resolved through actors.yaml
  (R: the README gives only the normalisation). A gold date of month ("2021-02") or year precision is
  right when the package's day-resolution date column holds a day inside that month or year; null is
  wrong, since the text does state the month (D). "overall" is over the four README fields; "overall,
  with original_*" over all six (D). An article in gold but absent from the package has every field
  wrong.
- Actors (R+D): the actors of an article are the distinct `actor_id`s of `actor_mentions` rows for it
  (D: the table of mentions; event and quote actors are not added). A package actor resolves to a
  canonical name through its `name`, else the first of its `aliases`, that is a canonical name or an
  alias in actors.yaml; one that resolves to nothing counts as itself (its normalised name). Gold
  names are resolved the same way (a gold name that is not a canonical name is flagged as a gold
  problem).
- Quotes (R+D): rows of `kind` "term" are left out (R). Matching is one-to-one: maximum bipartite
  matching (augmenting paths) among the required gold quotes, then optional ones take only the rows
  still free (an optional item never moves a required one off the row it prefers); each gold quote tries
  its candidates in order equal text, then higher length ratio, then right speaker (D). Package
  quotes matched to an optional gold quote are neutral; unmatched ones are false positives, also when
  their only match is an optional gold quote already taken by another row (D: a duplicate is an
  error). Speaker accuracy is over the required gold quotes matched (D); the figure counting optional
  matches too is shown beside it. A null speaker is wrong.
- Events (R+D): the type table below is the README's. One-to-one maximum bipartite matching, as for
  quotes, required gold events first; each gold event tries its candidates dated right first, then in
  package row order (D). Weapons are not scored (R is silent; D). Per gold type, recall is over that
  type's required events, and precision counts as false positives the unmatched package events that
  the type would accept (by CAMEO root or PLOVER type), so one false positive may count against
  several types (D). Modality of matched events is reported for information.
- Event dates (R+D): gold `date` "YYYY", "YYYY-MM" or "YYYY-MM-DD" is a period; a matched event is
  dated right when its [date_start, date_end] contains the whole period (for a month: the interval
  contains or equals the month) and `date_precision` equals gold's (gold's own, or the one its date
  string implies). A null bound is wrong. Date accuracy is over matched required gold events with a
  date (D), with the figure counting optional ones beside it.
- Events at dyad level (D; the README is silent): the same matching, except that a participant
  matches when it resolves to gold's actor or to another package actor of the same country: the
  package actor's `country_iso3` is among the `country_iso3` of the package actors that resolve to
  gold's name (through actors.yaml, as above). An actor without a country (an international body)
  matches only itself; a gold actor no package actor resolves to has no country. The type must
  still fit. So "Mike Pompeo → Serbia" is matched at dyad level by "United States → Aleksandar Vučić"
  when the package has an actor that resolves to Mike Pompeo, of country USA.
- Samples (D): `score(..., articles=ids)` scores only those gold articles (gold still merged from
  every directory); `load_samples` reads which articles form which sample from a YAML file (see its
  docstring), so that figures on text the rules were tuned on and on text they were not are
  reported apart.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable

import pyarrow.parquet as pq
import yaml

# README table: gold type -> (CAMEO roots, PLOVER types)
EVENT_TYPES: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "threaten_sanctions": (frozenset({"13"}), frozenset({"THREATEN"})),
    "impose_sanctions": (frozenset({"16"}), frozenset({"SANCTION"})),
    "grant_waiver": (frozenset({"08"}), frozenset({"CONCEDE", "RETREAT"})),
    "express_concern": (frozenset({"01", "02", "10", "11", "13"}), frozenset({"ACCUSE", "DISAPPROVE", "REQUEST", "DEMAND", "THREATEN"})),
    "criticize": (frozenset({"11"}), frozenset({"ACCUSE", "DISAPPROVE"})),
    "demand": (frozenset({"02", "10"}), frozenset({"REQUEST", "DEMAND"})),
    "request": (frozenset({"02", "10"}), frozenset({"REQUEST", "DEMAND"})),
    "deliver_weapons": (frozenset({"06", "07"}), frozenset({"COOPERATE", "AID"})),
    "purchase": (frozenset({"03", "05", "06"}), frozenset({"COOPERATE", "AGREE"})),
    "intend_purchase": (frozenset({"03", "06"}), frozenset({"AGREE", "COOPERATE"})),
    "military_exercise": (frozenset({"06", "15"}), frozenset({"COOPERATE", "MOBILIZE"})),
    "visit": (frozenset({"04"}), frozenset({"CONSULT"})),
    "reassure": (frozenset({"01", "03", "05"}), frozenset({"SUPPORT", "AGREE"})),
    "reject": (frozenset({"12"}), frozenset({"REJECT"})),
    "express_support": (frozenset({"05"}), frozenset({"SUPPORT"})),
    "cooperate": (frozenset({"03", "05", "06"}), frozenset({"COOPERATE", "SUPPORT", "AGREE"})),
    "statement": (frozenset({"01"}), frozenset()),
}

# (label, gold key, package column); the first four are the README's
METADATA_FIELDS: list[tuple[str, str, str]] = [
    ("title", "title", "title"),
    ("publisher", "publisher", "publisher"),
    ("published", "published", "published_date"),
    ("authors", "authors", "authors"),
    ("original_publisher", "original_source", "original_publisher"),
    ("original_published", "original_published", "original_published_date"),
]
README_FIELDS = ("title", "publisher", "published", "authors")
DATE_FIELDS = ("published", "original_published")

# the only columns read (nothing else, offsets in particular, is needed)
_COLUMNS: dict[str, list[str]] = {
    "articles": ["article_id", *(column for _, _, column in METADATA_FIELDS)],
    "actors": ["actor_id", "name", "aliases", "country_iso3"],
    "actor_mentions": ["article_id", "actor_id"],
    "quotes": ["quote_id", "article_id", "text", "speaker_actor_id", "kind"],
    "events": ["event_id", "article_id", "event_type", "plover_type", "cameo_code", "modality", "source_actor_id",
               "target_actor_id", "date_start", "date_end", "date_precision", "evidence_text"],
}

# ---------------------------------------------------------------------------------------------- text

_FOLD = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ı": "i",
})


def fold(text: str) -> str:
    """Accents removed, case folded, typographic marks folded to ASCII, whitespace collapsed."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c)).translate(_FOLD).casefold()
    return " ".join(text.split())


def norm(text: str | None) -> str | None:
    """The README's normalisation of names and metadata: fold() and a leading "the" dropped."""
    if text is None:
        return None
    return re.sub(r"^the\s+", "", fold(str(text)))


def quote_match(a: str, b: str) -> float | None:
    """Length ratio (shorter/longer, 1.0 = equal) when two normalised quote texts match, else None."""
    if a == b:
        return 1.0
    if not a or not b:
        return None
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if short in long_ and len(short) >= 0.9 * len(long_):
        return len(short) / len(long_)
    return None


# ---------------------------------------------------------------------------------------------- dates

def _as_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def gold_period(value: Any) -> tuple[dt.date, dt.date, str] | None:
    """'2019' / '2019-10' / '2019-10-05' (or a YAML date) -> (first day, last day, precision); None if unreadable."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        value = value.isoformat()
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
        if re.fullmatch(r"\d{4}-\d{2}", text):
            year, month = int(text[:4]), int(text[5:])
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]), "month"
        day = dt.date.fromisoformat(text)
        return day, day, "day"
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------- gold

@dataclass
class Gold:
    articles: dict[str, dict]
    canonical: dict[str, str]           # normalised canonical name or alias -> canonical name
    names: set[str]                     # normalised canonical names
    dirs: list[str]
    problems: list[str]

    def resolve(self, name: str | None) -> str | None:
        """Canonical name of a name or alias, else the name itself; None stays None."""
        if name is None:
            return None
        return self.canonical.get(norm(name), name)


def load_gold(gold_dirs: Iterable[Path]) -> Gold:
    articles: dict[str, dict] = {}
    canonical: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    used, problems = [], []
    for directory in map(Path, gold_dirs):
        gold_file, actors_file = directory / "gold.yaml", directory / "actors.yaml"
        if not directory.is_dir():
            continue
        if actors_file.is_file():
            for name, names in (yaml.safe_load(actors_file.read_text(encoding="utf-8")) or {}).items():
                aliases.setdefault(str(name), [])
                for alias in names or []:
                    if str(alias) not in aliases[str(name)]:
                        aliases[str(name)].append(str(alias))
        if gold_file.is_file():
            data = yaml.safe_load(gold_file.read_text(encoding="utf-8")) or {}
            for article_id, entry in (data.get("articles") or {}).items():
                if str(article_id) in articles:
                    problems.append(f"{article_id}: annotated in more than one gold directory; {directory} is used")
                articles[str(article_id)] = entry or {}
            used.append(str(directory))
        elif actors_file.is_file():
            used.append(f"{directory} (actors only)")
    if not articles:
        raise FileNotFoundError("no gold.yaml with articles in: " + ", ".join(map(str, gold_dirs)))
    for name in aliases:  # canonical names first: they win over anyone's alias
        canonical[norm(name)] = name
    names = set(canonical)
    for name, names_ in aliases.items():
        for alias in names_:
            key = norm(alias)
            if key in canonical and canonical[key] != name:
                problems.append(f"actors.yaml: {alias!r} (alias of {name!r}) already names {canonical[key]!r}; kept for {canonical[key]!r}")
                continue
            canonical[key] = name
    gold = Gold(articles, canonical, names, used, problems)
    gold.problems += _check_gold(gold)
    return gold


def _check_gold(gold: Gold) -> list[str]:
    """Things in gold.yaml that the scorer cannot take at face value."""
    out = []

    def check_name(article_id: str, where: str, name: Any) -> None:
        if name is None:
            return
        if norm(str(name)) not in gold.names:
            hint = f" (an alias of {gold.canonical[norm(str(name))]!r})" if norm(str(name)) in gold.canonical else ""
            out.append(f"{article_id}: {where} {name!r} is not a canonical name in actors.yaml{hint}")

    for article_id, entry in gold.articles.items():
        required = {norm(a) for a in entry.get("actors") or []}
        listed = {norm(gold.resolve(a)) for a in [*(entry.get("actors") or []), *(entry.get("actors_optional") or [])]}
        for name in entry.get("actors") or []:
            check_name(article_id, "actor", name)
        for name in entry.get("actors_optional") or []:
            check_name(article_id, "optional actor", name)
            if norm(name) in required:
                out.append(f"{article_id}: {name!r} is both required and optional")
        for q in entry.get("quotes") or []:
            check_name(article_id, "quote speaker", q.get("speaker"))
            check_name(article_id, "quote via", q.get("via"))
        for i, e in enumerate(entry.get("events") or []):
            if e.get("type") not in EVENT_TYPES:
                out.append(f"{article_id}: event {i + 1} has type {e.get('type')!r}, which is not in the README's table (it can match nothing)")
            for role in ("source", "target"):
                check_name(article_id, f"event {i + 1} {role}", e.get(role))
            if e.get("date") is not None:
                period = gold_period(e["date"])
                if period is None:
                    out.append(f"{article_id}: event {i + 1} date {e['date']!r} is unreadable")
                elif e.get("date_precision") and e["date_precision"] != period[2]:
                    out.append(f"{article_id}: event {i + 1} date {e['date']!r} has precision {period[2]} but says {e['date_precision']!r}")
            for role in ("source", "target"):
                if e.get(role) is not None and norm(gold.resolve(e[role])) not in listed:
                    out.append(f"{article_id}: event {i + 1} {role} {e[role]!r} is in neither actors nor actors_optional")
        for q in entry.get("quotes") or []:
            if q.get("speaker") is not None and norm(gold.resolve(q["speaker"])) not in listed:
                out.append(f"{article_id}: quote speaker {q['speaker']!r} is in neither actors nor actors_optional")
        for key in DATE_FIELDS:
            if entry.get(key) is not None and gold_period(entry[key]) is None:
                out.append(f"{article_id}: {key} {entry[key]!r} is unreadable")
    return out


@dataclass
class Sample:
    """Gold articles scored and reported together (`name` holds their count)."""

    key: str
    name: str
    articles: list[str]


def load_samples(spec: Path, base: Path) -> list[Sample]:
    """The samples a YAML file names, their articles resolved against the gold files.

    `samples:` is a list of `{key, name, gold, articles}`: `gold` a gold directory (relative to
    `base`), `articles` a list of that directory's gold.yaml article ids, or `rest` (every article of
    that gold.yaml that no sample lists by id), or absent (all of them). `{n}`
    in a name becomes the sample's article count. A listed id that the gold.yaml lacks, an id in two
    samples and a repeated key are errors (ValueError); so is a gold directory without gold.yaml."""
    entries = (yaml.safe_load(Path(spec).read_text(encoding="utf-8")) or {}).get("samples") or []
    gold_ids: dict[str, list[str]] = {}
    for entry in entries:
        gold_file = Path(base) / str(entry["gold"]) / "gold.yaml"
        if not gold_file.is_file():
            raise ValueError(f"{spec}: sample {entry.get('key')!r}: no {gold_file}")
        data = yaml.safe_load(gold_file.read_text(encoding="utf-8")) or {}
        gold_ids[str(entry["gold"])] = sorted(map(str, data.get("articles") or {}))
    listed: dict[str, str] = {}  # article id -> the key of the sample that lists it
    for entry in entries:
        for article_id in entry.get("articles") if isinstance(entry.get("articles"), list) else []:
            if str(article_id) not in gold_ids[str(entry["gold"])]:
                raise ValueError(f"{spec}: sample {entry['key']!r}: {article_id!r} is not in {entry['gold']}/gold.yaml")
            if listed.setdefault(str(article_id), entry["key"]) != entry["key"]:
                raise ValueError(f"{spec}: {article_id!r} is in samples {listed[str(article_id)]!r} and {entry['key']!r}")
    samples: list[Sample] = []
    for entry in entries:
        chosen = entry.get("articles")
        pool = gold_ids[str(entry["gold"])]
        if chosen is None:
            ids = pool
        elif chosen == "rest":
            ids = [a for a in pool if a not in listed]
        else:
            ids = sorted(map(str, chosen))
        if str(entry["key"]) in {s.key for s in samples}:
            raise ValueError(f"{spec}: sample key {entry['key']!r} is used twice")
        samples.append(Sample(str(entry["key"]), str(entry["name"]).replace("{n}", str(len(ids))), ids))
    return samples


# ---------------------------------------------------------------------------------------------- package

def _read(package_dir: Path, resource: str) -> list[dict]:
    path = Path(package_dir) / "datapackage" / "parquet" / f"{resource}.parquet"
    if not path.is_file():
        return []
    present = set(pq.read_schema(path).names)
    columns = [c for c in _COLUMNS[resource] if c in present]
    rows = pq.read_table(path, columns=columns).to_pylist()
    for row in rows:
        for column in _COLUMNS[resource]:
            row.setdefault(column, None)
    return rows


# ---------------------------------------------------------------------------------------------- report

@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "recall": _round(self.recall), "precision": _round(self.precision)}


@dataclass
class Ratio:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.right / self.total if self.total else None

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    def to_dict(self) -> dict:
        return {"right": self.right, "total": self.total, "accuracy": _round(self.value)}


@dataclass
class Miss:
    category: str      # see MISS_CATEGORIES
    article_id: str
    detail: str


MISS_CATEGORIES = [
    ("article", "Gold articles absent from the package"),
    ("metadata", "Wrong metadata fields"),
    ("actor_missing", "Gold actors the package does not mention"),
    ("actor_fp", "Actors the package mentions that gold does not list (false positives)"),
    ("quote_missing", "Gold quotes not matched"),
    ("quote_fp", "Package quotes matching no gold quote (false positives)"),
    ("speaker", "Wrong speakers on matched quotes"),
    ("event_missing", "Gold events not matched"),
    ("event_fp", "Package events matching no gold event (false positives)"),
    ("date", "Wrong dates on matched events"),
]


@dataclass
class ArticleScore:
    metadata: Ratio = field(default_factory=Ratio)
    actors: Counts = field(default_factory=Counts)
    quotes: Counts = field(default_factory=Counts)
    events: Counts = field(default_factory=Counts)
    speakers: Ratio = field(default_factory=Ratio)
    dates: Ratio = field(default_factory=Ratio)
    events_dyad: Counts = field(default_factory=Counts)


@dataclass
class Report:
    package_dir: str
    gold_dirs: list[str]
    articles: list[str]
    metadata: dict[str, Ratio]
    actors: Counts
    quotes: Counts
    events: Counts
    event_types: dict[str, Counts]
    speakers: Ratio
    speakers_with_optional: Ratio
    dates: Ratio
    dates_with_optional: Ratio
    modality: dict[str, Counter]
    per_article: dict[str, ArticleScore]
    misses: list[Miss]
    gold_problems: list[str]
    events_dyad: Counts = field(default_factory=Counts)

    @property
    def metadata_overall(self) -> Ratio:
        return _sum_ratios(self.metadata[f] for f in README_FIELDS)

    @property
    def metadata_all_fields(self) -> Ratio:
        return _sum_ratios(self.metadata.values())

    def to_dict(self) -> dict:
        return {
            "package_dir": self.package_dir,
            "gold_dirs": self.gold_dirs,
            "articles": self.articles,
            "metadata": {
                "fields": {k: v.to_dict() for k, v in self.metadata.items()},
                "overall": self.metadata_overall.to_dict(),
                "overall_with_original": self.metadata_all_fields.to_dict(),
            },
            "actors": self.actors.to_dict(),
            "quotes": self.quotes.to_dict(),
            "events": self.events.to_dict(),
            "events_dyad": self.events_dyad.to_dict(),
            "event_types": {k: v.to_dict() for k, v in self.event_types.items()},
            "speaker_accuracy": self.speakers.to_dict(),
            "speaker_accuracy_with_optional": self.speakers_with_optional.to_dict(),
            "date_accuracy": self.dates.to_dict(),
            "date_accuracy_with_optional": self.dates_with_optional.to_dict(),
            "modality": {k: dict(sorted(v.items())) for k, v in self.modality.items()},
            "per_article": {
                a: {k: v.to_dict() for k, v in vars(s).items()} for a, s in self.per_article.items()
            },
            "misses": [asdict(m) for m in self.misses],
            "gold_problems": self.gold_problems,
        }

    def to_markdown(self) -> str:
        out = ["# Quality against gold annotations", ""]
        out.append(f"Package: `{self.package_dir}`. Gold: {', '.join(f'`{d}`' for d in self.gold_dirs)}. "
                   f"{len(self.articles)} gold articles scored. Conventions: the docstring of `builders/quality.py`.")
        out += ["", "## Summary", "", "| resource | tp | fp | fn | recall | precision |", "|---|---|---|---|---|---|"]
        for name, c in (("actors", self.actors), ("quotes", self.quotes), ("events", self.events),
                        ("events at dyad level (same actor or same country)", self.events_dyad)):
            out.append(f"| {name} | {c.tp} | {c.fp} | {c.fn} | {_fmt(c.recall)} | {_fmt(c.precision)} |")
        out += ["", "| measure | right | total | accuracy |", "|---|---|---|---|"]
        rows = [
            ("article metadata (title, publisher, published, authors)", self.metadata_overall),
            ("article metadata, with original_publisher and original_published", self.metadata_all_fields),
            ("quote speakers (matched required quotes)", self.speakers),
            ("quote speakers (matched required and optional quotes)", self.speakers_with_optional),
            ("event dates (matched required events with a gold date)", self.dates),
            ("event dates (matched required and optional events with a gold date)", self.dates_with_optional),
        ]
        for label, r in rows:
            out.append(f"| {label} | {r.right} | {r.total} | {_fmt(r.value)} |")
        out += ["", "## Metadata per field", "", "| field | right | total | accuracy |", "|---|---|---|---|"]
        for name, r in self.metadata.items():
            out.append(f"| {name} | {r.right} | {r.total} | {_fmt(r.value)} |")
        out += ["", "## Events per gold type", "",
                "Precision per type counts as false positives the unmatched package events that the type's CAMEO roots or "
                "PLOVER types accept (one false positive may count against several types).", "",
                "| gold type | required | tp | fn | fp | recall | precision |", "|---|---|---|---|---|---|---|"]
        for name, c in self.event_types.items():
            out.append(f"| {name} | {c.tp + c.fn} | {c.tp} | {c.fn} | {c.fp} | {_fmt(c.recall)} | {_fmt(c.precision)} |")
        out += ["", "## Modality of package events (information)", ""]
        modalities = sorted({m for c in self.modality.values() for m in c})
        out += ["| events | " + " | ".join(modalities) + " | total |", "|---" * (len(modalities) + 2) + "|"]
        for name, c in self.modality.items():
            out.append(f"| {name} | " + " | ".join(str(c.get(m, 0)) for m in modalities) + f" | {sum(c.values())} |")
        out += ["", "## Per article", "",
                "| article | metadata | actors tp/fp/fn | quotes tp/fp/fn | events tp/fp/fn | speakers | dates |",
                "|---|---|---|---|---|---|---|"]
        for article_id, s in self.per_article.items():
            out.append(f"| {article_id} | {s.metadata.right}/{s.metadata.total} | {_tfn(s.actors)} | {_tfn(s.quotes)} | "
                       f"{_tfn(s.events)} | {s.speakers.right}/{s.speakers.total} | {s.dates.right}/{s.dates.total} |")
        out += ["", "## Misses", ""]
        for category, title in MISS_CATEGORIES:
            misses = [m for m in self.misses if m.category == category]
            out += [f"### {title} ({len(misses)})", ""]
            out += [f"- `{m.article_id}`: {m.detail}" for m in misses] or ["None."]
            out.append("")
        out += [f"## Gold problems ({len(self.gold_problems)})", ""]
        out += [f"- {p}" for p in self.gold_problems] or ["None."]
        return "\n".join(out).rstrip() + "\n"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _tfn(c: Counts) -> str:
    return f"{c.tp}/{c.fp}/{c.fn}"


def _sum_ratios(ratios: Iterable[Ratio]) -> Ratio:
    total = Ratio()
    for r in ratios:
        total.right += r.right
        total.total += r.total
    return total


# ---------------------------------------------------------------------------------------------- matching

def _max_matching(gold_order: list[int], candidates: dict[int, list[int]]) -> dict[int, int]:
    """Maximum bipartite matching gold -> package by augmenting paths (Kuhn), golds taken in order.

    Taking required golds before optional ones yields a maximum matching that also matches as many
    required golds as possible (the matched golds form a transversal matroid, so greedy order works)."""
    owner: dict[int, int] = {}   # package index -> gold index

    def augment(g: int, seen: set[int]) -> bool:
        for p in candidates.get(g, []):
            if p in seen:
                continue
            seen.add(p)
            if p not in owner or augment(owner[p], seen):
                owner[p] = g
                return True
        return False

    for g in gold_order:
        augment(g, set())
    return {g: p for p, g in owner.items()}


# ---------------------------------------------------------------------------------------------- scoring

def _metadata_right(label: str, gold_value: Any, package_value: Any) -> bool:
    if label in DATE_FIELDS:
        if gold_value is None:
            return package_value is None
        period, day = gold_period(gold_value), _as_date(package_value)
        return period is not None and day is not None and period[0] <= day <= period[1]
    if label == "authors":
        return sorted(norm(a) for a in gold_value or []) == sorted(norm(a) for a in package_value or [])
    if gold_value is None:
        return package_value is None or not str(package_value).strip()
    return package_value is not None and norm(gold_value) == norm(package_value)


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(repr(v) for v in value) + "]"
    return repr(str(value))


def _short(text: str | None, n: int = 90) -> str:
    text = " ".join((text or "").split())
    return repr(text if len(text) <= n else text[: n - 1] + "…")


def _type_accepts(gold_type: str, cameo: str | None, plover: str | None) -> bool:
    if gold_type not in EVENT_TYPES:
        return False
    roots, plovers = EVENT_TYPES[gold_type]
    root = (cameo or "").strip()[:2]
    return (len(root) == 2 and root in roots) or ((plover or "").strip().upper() in plovers)


def _date_right(gold_event: dict, row: dict) -> bool:
    period = gold_period(gold_event.get("date"))
    if period is None:
        return False
    start, end = _as_date(row.get("date_start")), _as_date(row.get("date_end"))
    precision = gold_event.get("date_precision") or period[2]
    return (start is not None and end is not None and start <= period[0] and period[1] <= end
            and str(row.get("date_precision") or "") == precision)


def _fmt_event(e: dict) -> str:
    parts = [f"{e.get('type')}", f"{e.get('source')}"]
    if e.get("target") is not None:
        parts[-1] += f" → {e['target']}"
    if e.get("weapon"):
        parts.append(f"weapon {e['weapon']}")
    if e.get("date") is not None:
        period = gold_period(e["date"])
        parts.append(f"date {e['date']} ({e.get('date_precision') or (period[2] if period else '?')})")
    return ", ".join(parts)


class _Package:
    """The rows of a package that scoring reads, grouped by article."""

    def __init__(self, package_dir: Path, gold: Gold):
        if not (package_dir / "datapackage" / "parquet").is_dir():
            raise FileNotFoundError(f"no datapackage/parquet/ under {package_dir}")
        self.gold = gold
        self.articles = {r["article_id"]: r for r in _read(package_dir, "articles")}
        self.actor_rows = {r["actor_id"]: r for r in _read(package_dir, "actors")}
        self.mentions: dict[str, list[str]] = defaultdict(list)
        for r in _read(package_dir, "actor_mentions"):
            if r["actor_id"] not in self.mentions[r["article_id"]]:
                self.mentions[r["article_id"]].append(r["actor_id"])
        self.quotes: dict[str, list[dict]] = defaultdict(list)
        for r in _read(package_dir, "quotes"):
            if (r.get("kind") or "") != "term":
                self.quotes[r["article_id"]].append(r)
        self.events: dict[str, list[dict]] = defaultdict(list)
        for r in _read(package_dir, "events"):
            self.events[r["article_id"]].append(r)
        self.countries: dict[str, set[str]] = defaultdict(set)  # normalised canonical name -> its package actors' countries
        for actor_id, r in self.actor_rows.items():
            if r.get("country_iso3"):
                self.countries[norm(self.actor_name(actor_id))].add(r["country_iso3"])

    def actor_name(self, actor_id: str | None) -> str | None:
        """Canonical name of a package actor (through its name, then its aliases), else its own name."""
        if actor_id is None:
            return None
        row = self.actor_rows.get(actor_id) or {"name": actor_id, "aliases": []}
        for name in [row.get("name") or actor_id, *(row.get("aliases") or [])]:
            if norm(name) in self.gold.canonical:
                return self.gold.canonical[norm(name)]
        return row.get("name") or actor_id

    def same_actor(self, package_actor_id: str | None, gold_name: str | None) -> bool:
        return package_actor_id is not None and norm(self.actor_name(package_actor_id)) == norm(self.gold.resolve(gold_name))

    def same_country(self, package_actor_id: str | None, gold_name: str | None) -> bool:
        """Gold's actor, or another actor of a country of the package actors that resolve to it."""
        if self.same_actor(package_actor_id, gold_name):
            return True
        country = (self.actor_rows.get(package_actor_id) or {}).get("country_iso3") if package_actor_id else None
        return country is not None and country in self.countries.get(norm(self.gold.resolve(gold_name)), ())


def _match(items: list[dict], candidates: dict[int, list[int]]) -> dict[int, int]:
    """Required gold items are matched first (a maximum matching among them); optional ones then
    take only package rows still free, so an optional item never moves a required one off the row
    it prefers (the rightly dated one, the equal text)."""
    required = [i for i, x in enumerate(items) if not x.get("optional")]
    optional = [i for i, x in enumerate(items) if x.get("optional")]
    matched = _max_matching(required, candidates)
    taken = set(matched.values())
    free = {g: [p for p in candidates.get(g, []) if p not in taken] for g in optional}
    return matched | _max_matching(optional, free)


class _Scorer:
    """Totals over the gold articles, filled article by article."""

    def __init__(self, package: _Package, gold: Gold):
        self.package, self.gold = package, gold
        self.metadata = {label: Ratio() for label, _, _ in METADATA_FIELDS}
        self.total = {name: Counts() for name in ("actors", "quotes", "events", "events_dyad")}
        self.event_types = {t: Counts() for t in EVENT_TYPES}
        for entry in gold.articles.values():
            for e in entry.get("events") or []:
                self.event_types.setdefault(str(e.get("type")), Counts())
        self.speakers, self.speakers_all, self.dates, self.dates_all = Ratio(), Ratio(), Ratio(), Ratio()
        self.modality: dict[str, Counter] = {"matched required": Counter(), "matched optional": Counter(), "false positive": Counter()}
        self.per_article: dict[str, ArticleScore] = {}
        self.misses: list[Miss] = []

    def miss(self, category: str, article_id: str, detail: str) -> None:
        self.misses.append(Miss(category, article_id, detail))

    def article(self, article_id: str) -> None:
        entry = self.gold.articles[article_id]
        s = self.per_article[article_id] = ArticleScore()
        row = self.package.articles.get(article_id)
        if row is None:
            self.miss("article", article_id, "not in the package: every gold item of it is counted as missed")
        self.score_metadata(article_id, entry, row, s)
        s.actors = self.score_actors(article_id, entry)
        s.quotes = self.score_quotes(article_id, entry, s)
        s.events = self.score_events(article_id, entry, s)
        s.events_dyad = self.score_dyads(article_id, entry)
        for name in self.total:
            self.total[name].add(getattr(s, name))

    def score_metadata(self, article_id: str, entry: dict, row: dict | None, s: ArticleScore) -> None:
        for label, key, column in METADATA_FIELDS:
            gold_value = entry.get(key)
            ok = row is not None and _metadata_right(label, gold_value, row.get(column))
            self.metadata[label].add(ok)
            s.metadata.add(ok)
            if not ok:
                got = "(no article row)" if row is None else _show(row.get(column))
                self.miss("metadata", article_id, f"{label}: gold {_show(gold_value)}, package {got}")

    def score_actors(self, article_id: str, entry: dict) -> Counts:
        gold, actor_name = self.gold, self.package.actor_name
        required = {norm(gold.resolve(a)): gold.resolve(a) for a in entry.get("actors") or []}
        optional = {norm(gold.resolve(a)) for a in entry.get("actors_optional") or []}
        emitted: dict[str, list[str]] = {}
        for actor_id in self.package.mentions.get(article_id, []):
            emitted.setdefault(norm(actor_name(actor_id)), []).append(actor_id)
        c = Counts()
        for key, name in required.items():
            if key in emitted:
                c.tp += 1
            else:
                c.fn += 1
                self.miss("actor_missing", article_id, repr(name))
        for key, ids in emitted.items():
            if key not in required and key not in optional:
                c.fp += 1
                self.miss("actor_fp", article_id, f"{actor_name(ids[0])!r} (actor_id {', '.join(ids)})")
        return c

    def score_quotes(self, article_id: str, entry: dict, s: ArticleScore) -> Counts:
        same_actor, actor_name = self.package.same_actor, self.package.actor_name
        gq, rows = entry.get("quotes") or [], self.package.quotes.get(article_id, [])
        gq_text = [fold(str(q.get("text") or "")) for q in gq]
        rows_text = [fold(str(r.get("text") or "")) for r in rows]
        cands: dict[int, list[int]] = {}
        for g, q in enumerate(gq):
            scored = []
            for p, r in enumerate(rows):
                ratio = quote_match(gq_text[g], rows_text[p])
                if ratio is not None:
                    scored.append((-ratio, not same_actor(r.get("speaker_actor_id"), q.get("speaker")), p))
            cands[g] = [p for *_, p in sorted(scored)]
        matched = _match(gq, cands)
        c = Counts()
        for g, q in enumerate(gq):
            is_optional = bool(q.get("optional"))
            if g in matched:
                r = rows[matched[g]]
                ok = same_actor(r.get("speaker_actor_id"), q.get("speaker"))
                self.speakers_all.add(ok)
                if not is_optional:
                    c.tp += 1
                    self.speakers.add(ok)
                    s.speakers.add(ok)
                if not ok:
                    who = actor_name(r.get("speaker_actor_id"))
                    self.miss("speaker", article_id, f"{_short(q.get('text'), 60)}: gold {q.get('speaker')!r}, package "
                              f"{who!r}" + (f" (speaker_actor_id {r.get('speaker_actor_id')})" if who else "")
                              + (" [optional quote]" if is_optional else ""))
            elif not is_optional:
                c.fn += 1
                self.miss("quote_missing", article_id, f"{_short(q.get('text'))} (speaker {q.get('speaker')!r})")
        taken = set(matched.values())
        for p, r in enumerate(rows):
            if p not in taken:
                c.fp += 1
                self.miss("quote_fp", article_id, f"{_short(r.get('text'))} (kind {r.get('kind')}, speaker "
                          f"{actor_name(r.get('speaker_actor_id'))!r}, quote_id {r.get('quote_id')})")
        return c

    def event_candidates(self, gold_events: list[dict], rows: list[dict], same_actor=None) -> dict[int, list[int]]:
        """Per gold event, the package events it may match: rightly dated ones first. `same_actor`
        says whether a package actor stands for a gold name (by default: it resolves to it)."""
        same_actor = same_actor or self.package.same_actor
        cands = {}
        for g, e in enumerate(gold_events):
            ok = []
            for p, r in enumerate(rows):
                if not _type_accepts(str(e.get("type")), r.get("cameo_code"), r.get("plover_type")):
                    continue
                if e.get("source") is not None and not same_actor(r.get("source_actor_id"), e.get("source")):
                    continue
                if e.get("target") is not None and not same_actor(r.get("target_actor_id"), e.get("target")):
                    continue
                dated = e.get("date") is not None and _date_right(e, r)
                ok.append((not dated, p))
            cands[g] = [p for _, p in sorted(ok)]
        return cands

    def score_events(self, article_id: str, entry: dict, s: ArticleScore) -> Counts:
        ge, rows = entry.get("events") or [], self.package.events.get(article_id, [])
        matched = _match(ge, self.event_candidates(ge, rows))
        c = Counts()
        for g, e in enumerate(ge):
            is_optional = bool(e.get("optional"))
            counts = self.event_types[str(e.get("type"))]
            if g in matched:
                r = rows[matched[g]]
                self.modality["matched optional" if is_optional else "matched required"][str(r.get("modality"))] += 1
                if not is_optional:
                    c.tp += 1
                    counts.tp += 1
                if e.get("date") is not None:
                    self.score_date(article_id, e, r, is_optional, s)
            elif not is_optional:
                c.fn += 1
                counts.fn += 1
                self.miss("event_missing", article_id, _fmt_event(e))
        taken = set(matched.values())
        for p, r in enumerate(rows):
            if p not in taken:
                c.fp += 1
                self.false_event(article_id, r)
        return c

    def score_dyads(self, article_id: str, entry: dict) -> Counts:
        """Events matched as by score_events, a participant also matching another actor of gold's
        actor's country (no misses listed: the event misses above say what is wrong)."""
        ge, rows = entry.get("events") or [], self.package.events.get(article_id, [])
        matched = _match(ge, self.event_candidates(ge, rows, self.package.same_country))
        required = [g for g, e in enumerate(ge) if not e.get("optional")]
        tp = sum(1 for g in required if g in matched)
        return Counts(tp=tp, fp=len(rows) - len(matched), fn=len(required) - tp)

    def score_date(self, article_id: str, e: dict, r: dict, is_optional: bool, s: ArticleScore) -> None:
        ok = _date_right(e, r)
        self.dates_all.add(ok)
        if not is_optional:
            self.dates.add(ok)
            s.dates.add(ok)
        if not ok:
            got = f"{_show(r.get('date_start'))} … {_show(r.get('date_end'))} ({r.get('date_precision')})"
            self.miss("date", article_id, f"{_fmt_event(e)}: package {got}, event_id {r.get('event_id')}"
                      + (" [optional event]" if is_optional else ""))

    def false_event(self, article_id: str, r: dict) -> None:
        actor_name = self.package.actor_name
        self.modality["false positive"][str(r.get("modality"))] += 1
        for t, counts in self.event_types.items():
            if _type_accepts(t, r.get("cameo_code"), r.get("plover_type")):
                counts.fp += 1
        target = actor_name(r.get("target_actor_id"))
        when = "" if r.get("date_start") is None else f", {_show(r.get('date_start'))} … {_show(r.get('date_end'))} ({r.get('date_precision')})"
        self.miss("event_fp", article_id,
                  f"{r.get('event_type')} (CAMEO {r.get('cameo_code')}, PLOVER {r.get('plover_type')}, {r.get('modality')}): "
                  f"{actor_name(r.get('source_actor_id'))}" + (f" → {target}" if target else "") + when
                  + (f"; evidence {_short(r.get('evidence_text'), 80)}" if r.get("evidence_text") else "")
                  + f"; event_id {r.get('event_id')}")


def score(package_dir: Path, gold_dirs: list[Path], articles: Iterable[str] | None = None) -> Report:
    """Score the Parquet edition under package_dir against the merged gold of gold_dirs: every gold
    article, or only `articles` (a sample; each must be a gold article)."""
    gold = load_gold(gold_dirs)
    chosen = sorted(gold.articles) if articles is None else sorted(set(articles))
    unknown = [a for a in chosen if a not in gold.articles]
    if unknown:
        raise KeyError("not gold articles: " + ", ".join(unknown))
    package_dir = Path(package_dir)
    scorer = _Scorer(_Package(package_dir, gold), gold)
    for article_id in chosen:
        scorer.article(article_id)
    return Report(
        package_dir=str(package_dir),
        gold_dirs=gold.dirs,
        articles=chosen,
        metadata=scorer.metadata,
        actors=scorer.total["actors"],
        quotes=scorer.total["quotes"],
        events=scorer.total["events"],
        events_dyad=scorer.total["events_dyad"],
        event_types=scorer.event_types,
        speakers=scorer.speakers,
        speakers_with_optional=scorer.speakers_all,
        dates=scorer.dates,
        dates_with_optional=scorer.dates_all,
        modality=scorer.modality,
        per_article=scorer.per_article,
        misses=scorer.misses,
        gold_problems=gold.problems,
    )
