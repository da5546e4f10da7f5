"""Row ids: derived from each row's own content, so that adding, removing or reordering another row
of the article leaves them as they are (users join on them and follow rows across releases)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from conftest import make_repo, write_source

from builders.extract import ids
from builders.extract.ids import row_ids
from builders.inputs.tree import MAX_ARTICLE_ID
from builders.pipeline import build
from builders.schema.models import ID_PATTERN

ROW_TABLES = {"events": "event_id", "quotes": "quote_id", "actor_mentions": "mention_id", "weapon_system_mentions": "mention_id"}
KEYS = [("serbia", 10 * i, 10 * i + 6) for i in range(40)]


def test_removing_or_reordering_rows_keeps_the_other_ids():
    before = dict(zip(KEYS, row_ids("a", "m", KEYS), strict=True))
    shuffled = KEYS[:]
    random.Random(7).shuffle(shuffled)
    assert dict(zip(shuffled, row_ids("a", "m", shuffled), strict=True)) == before
    fewer = [k for i, k in enumerate(shuffled) if i % 3]
    assert dict(zip(fewer, row_ids("a", "m", fewer), strict=True)) == {k: before[k] for k in fewer}
    more = [("russia", 5, 11), *KEYS]
    assert dict(zip(more, row_ids("a", "m", more), strict=True)).items() >= before.items()


def test_the_tail_is_the_keys_hash_and_the_article_id_is_not_part_of_it():
    """Pinned: a change of the hash or of the key's spelling would change every id of a release."""
    assert row_ids("a", "e", [("demand", "eu", None, None, 12, 40)]) == ["a-end7vw1"]
    assert row_ids("b", "q", [(3, 9)]) == ["b-q" + row_ids("a", "q", [(3, 9)])[0][-6:]]


def test_equal_keys_get_distinct_ids_in_a_fixed_order():
    first, second = row_ids("a", "e", [("demand", "eu", None, None, 12, 40)] * 2)
    assert first == row_ids("a", "e", [("demand", "eu", None, None, 12, 40)])[0] and second != first
    assert row_ids("a", "e", [("demand", "eu", None, None, 12, 40)] * 2) == [first, second]


def test_a_hash_collision_moves_only_the_later_key_and_only_while_both_are_there(monkeypatch):
    real = ids._tail
    monkeypatch.setattr(ids, "_tail", lambda text: "000000" if text in ('[1, 2]', '[5, 6]') else real(text))
    assert row_ids("a", "q", [(5, 6), (1, 2), (3, 4)]) == ["a-q" + real("[5, 6]#1"), "a-q000000", "a-q" + real("[3, 4]")]
    assert row_ids("a", "q", [(5, 6), (3, 4)]) == ["a-q000000", "a-q" + real("[3, 4]")]


@pytest.mark.parametrize("prefix", "emqw")
def test_ids_fit_the_pattern_at_the_longest_article_id(prefix):
    longest = "x" * MAX_ARTICLE_ID
    made = row_ids(longest, prefix, [(i, i + 1) for i in range(500)])
    assert len(set(made)) == 500
    assert all(re.fullmatch(ID_PATTERN, i) and len(i) == 64 and i[:-8] == longest for i in made)


# --- a real build ---------------------------------------------------------------------------------

SEED = "000_7318cba5f0ad2b4c"
ADDED_TO_SEED = b"""  - event_type: express_concern
    source: united-states
    target: serbia
    weapon: s-400
    modality: asserted
    evidence: "they are hoping to prevent Serbia from acquiring the Russian made S-400 missile defense system"
    summary: The United States hopes to keep Serbia from buying the S-400
"""
RULES_ONLY = "rule-news"  # an article whose events come from the rules, then one curated event is added before them
RULES_TEXT = (b"Published: 3 March 2021\n\nSerbian President Aleksandar Vucic said on Monday that Serbia would keep its air "
              b"defence plans under review.\n\nRussia delivered two more Pantsir-S1 batteries to Serbia on Monday. Washington "
              b"threatened Serbia with sanctions over the purchase. The European Union expressed concern about the deliveries.\n")
RULES_CURATION = b"""complete: false
events:
  - event_type: reassure
    source: aleksandar-vucic
    modality: asserted
    evidence: "Serbia would keep its air defence plans under review"
    summary: Vucic says Serbia keeps its air defence plans under review
"""


def _rows(root: Path) -> dict[tuple[str, str], dict[str, dict]]:
    """Every row with an article-scoped id, by (table, article) and id."""
    out: dict[tuple[str, str], dict[str, dict]] = {}
    for table, key in ROW_TABLES.items():
        for row in pq.read_table(root / "datapackage" / "parquet" / f"{table}.parquet").to_pylist():
            out.setdefault((table, row["article_id"]), {})[row[key]] = row
    return out


def test_a_curated_event_added_to_an_article_leaves_every_other_id_as_it_was(tmp_path):
    """Each id still names the same row; the ordinal ids before renumbered the events after the new one."""
    root = make_repo(tmp_path / "repo")
    (root / "seeds" / "articles" / f"{RULES_ONLY}.txt").write_bytes(RULES_TEXT)
    write_source(root, RULES_ONLY)
    assert build(root) == []
    before = _rows(root)
    assert len(before["events", RULES_ONLY]) == 3 and before["quotes", SEED] and before["weapon_system_mentions", SEED]
    curation = root / "seeds" / "curation" / f"{SEED}.yaml"
    curation.write_bytes(curation.read_bytes() + ADDED_TO_SEED)  # its evidence comes before most of the article's events
    (root / "seeds" / "curation" / f"{RULES_ONLY}.yaml").write_bytes(RULES_CURATION)  # before all the rule events
    assert build(root) == []
    after = _rows(root)
    assert after.keys() == before.keys()
    for (table, article), rows in before.items():
        assert {i: after[table, article].get(i) for i in rows} == rows, (table, article)  # every id, with its row as it was
        added = after[table, article].keys() - rows.keys()
        assert len(added) == (1 if table == "events" and article in (SEED, RULES_ONLY) else 0), (table, article)
    new = [row for (table, article), rows in after.items() if table == "events" for i, row in rows.items() if i not in before[table, article]]
    assert sorted((row["article_id"], row["event_type"], row["method"]) for row in new) == [
        (SEED, "express_concern", "curated"), (RULES_ONLY, "reassure", "curated")]
