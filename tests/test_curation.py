"""Curation files beyond events: rejected rule rows (`rejected:`) and corrected quote speakers
(`quotes:`), read by the model, checked line by line, and applied to one article's rows by the real
extractor (rules, merge, quotes) on a passage written for these tests."""

from __future__ import annotations

import json

from conftest import REPO, make_repo, write_source

from builders.contribute.review import Review
from builders.extract.article import extract
from builders.extract.entities import Matcher
from builders.inputs.curation import CurationFile, curation_json_schema, parse_curation
from builders.inputs.reference import load_reference
from builders.pipeline import build
from builders.problems import InputError

MATCHER = Matcher(load_reference(REPO)[0])
ARTICLE = "own-delivery"
REL = f"seeds/curation/{ARTICLE}.yaml"
TEXT = ("Published: 6 March 2020\n\nRussia delivered two more Pantsir-S1 batteries to Serbia on Monday. "
        "The EU urged Serbia to align with its sanctions against Russia.\n\n"
        "\"We will not be pressured by anyone,\" Serbian President Aleksandar Vucic told reporters. "
        "The Kremlin said \"it is a sovereign choice\" of Belgrade.\n")
REJECT_DEMAND = ("rejected:\n"
                 "  - event_type: demand\n"
                 "    source: eu\n"
                 "    target: serbia\n"
                 "    evidence: The EU urged Serbia\n")


def _extract(curation: str | None):
    return extract(ARTICLE, TEXT.encode(), f"seeds/articles/{ARTICLE}.txt", MATCHER,
                   None if curation is None else curation.encode())


def _problems(curation: str) -> list[str]:
    try:
        _extract(curation)
    except InputError as error:
        return [str(p) for p in error.problems]
    raise AssertionError("no problem reported")


def test_the_passage_has_the_rule_rows_the_tests_rely_on():
    rows = _extract(None)
    assert [(e.event_type, e.source_actor_id, e.target_actor_id, e.method.value) for e in rows.events] == [
        ("deliver_weapons", "russia", "serbia", "rule"), ("demand", "eu", "serbia", "rule")]
    assert [(q.text, q.speaker_actor_id, q.method.value) for q in rows.quotes] == [
        ("We will not be pressured by anyone,", "aleksandar-vucic", "rule"), ("it is a sovereign choice", "russia", "rule")]


def test_the_model_reads_rejections_and_quote_corrections():
    curation, _, problems = parse_curation(REL, (REJECT_DEMAND + "quotes:\n  - text: it is a sovereign choice\n    speaker: null\n").encode())
    assert problems == []
    assert isinstance(curation, CurationFile) and curation.complete is False and curation.events == ()
    assert (curation.rejected[0].event_type, curation.rejected[0].source, curation.rejected[0].occurrence) == ("demand", "eu", 1)
    assert curation.quotes[0].speaker is None and curation.quotes[0].text == "it is a sovereign choice"


def test_bad_rejections_and_quote_corrections_are_one_line_each_at_their_line():
    _, _, problems = parse_curation(REL, (
        "rejected:\n"
        "  - event_type: demand\n"
        "    evidnce: The EU urged Serbia\n"
        "quotes:\n"
        "  - text: it is a sovereign choice\n"
        "    via: Not An Id\n").encode())
    lines = [str(p) for p in problems]
    assert f"{REL}:3: rejected.0.evidnce: unknown key 'evidnce' (did you mean 'evidence'?) — remove it or check its spelling" in lines
    assert any(line.startswith(f"{REL}:5: quotes.0.speaker:") for line in lines), lines
    assert any(line.startswith(f"{REL}:6: quotes.0.via:") for line in lines), lines


def test_a_rejection_drops_its_rule_row_without_the_file_being_complete():
    rows = _extract(REJECT_DEMAND)
    assert [(e.event_type, e.method.value) for e in rows.events] == [("deliver_weapons", "rule")]
    assert rows.warnings == []


def test_a_rejection_of_another_row_or_place_drops_nothing_and_warns_at_its_line():
    for curation in (REJECT_DEMAND.replace("source: eu", "source: russia"),
                     REJECT_DEMAND.replace("The EU urged Serbia", "Russia delivered two more")):
        rows = _extract(curation)
        assert [e.event_type for e in rows.events] == ["deliver_weapons", "demand"]
        assert [str(w) for w in rows.warnings] == [
            f"{REL}:2: warning: rejected.0: no rule row of this type and participants has its evidence here (the rules no longer "
            "make it) — remove the entry, or correct it from the rows the package now holds"]


def test_a_rejection_whose_evidence_or_names_are_wrong_is_an_error():
    lines = _problems(REJECT_DEMAND.replace("The EU urged Serbia", "The EU begged Serbia").replace("event_type: demand", "event_type: demnad"))
    assert f"{REL}:2: rejected.0.event_type: unknown event type 'demnad' (did you mean 'demand'?) — use an id from seeds/reference/event_types.yaml" in lines
    assert f"{REL}:5: rejected.0.evidence: the evidence text does not occur in the article's clean text — copy it exactly from articles.text" in lines


def test_a_rejection_and_a_curated_event_together():
    rows = _extract(REJECT_DEMAND + (
        "events:\n  - event_type: deliver_weapons\n    source: russia\n    target: serbia\n    weapon: pantsir-s1\n"
        "    modality: reported\n    evidence: Russia delivered two more Pantsir-S1 batteries\n    summary: Russia delivers Pantsir-S1 batteries\n"))
    assert [(e.event_type, e.modality.value, e.method.value) for e in rows.events] == [("deliver_weapons", "reported", "curated")]


def test_a_quote_correction_sets_the_speaker_of_its_quotation_as_curated():
    rows = _extract("quotes:\n  - text: it is a sovereign choice\n    speaker: vladimir-putin\n    via: tass\n"
                    "  - text: \"We will not be pressured by anyone,\"\n    speaker: aleksandar-vucic\n")
    vucic, kremlin = rows.quotes
    assert (kremlin.speaker_actor_id, kremlin.via_actor_id, kremlin.method.value, kremlin.speaker_surface) == ("vladimir-putin", "tass", "curated", None)
    assert kremlin.cue == "say" and kremlin.text == "it is a sovereign choice"  # every other column as the rules made it
    assert (vucic.speaker_actor_id, vucic.speaker_surface, vucic.method.value) == ("aleksandar-vucic", "Aleksandar Vucic", "curated")
    assert rows.warnings == []


def test_a_quote_correction_to_no_speaker():
    kremlin = _extract("quotes:\n  - text: it is a sovereign choice\n    speaker: null\n").quotes[1]
    assert (kremlin.speaker_actor_id, kremlin.speaker_surface, kremlin.method.value) == (None, None, "curated")


def test_bad_quote_corrections():
    lines = _problems("quotes:\n  - text: not in the article at all\n    speaker: russia\n  - text: it is a sovereign choice\n    speaker: nobody-known\n")
    assert f"{REL}:2: quotes.0.text: the quotation does not occur in the article's clean text — copy it exactly from articles.text (what stands between the quotation marks)" in lines
    assert f"{REL}:5: quotes.1.speaker: unknown actor 'nobody-known' — use an actor id from seeds/reference/actors.yaml or one found in this article" in lines
    rows = _extract("quotes:\n  - text: Russia delivered two more\n    speaker: russia\n")  # in the text, but no quotation
    assert [q.method.value for q in rows.quotes] == ["rule", "rule"]
    assert [str(w) for w in rows.warnings] == [
        f"{REL}:2: warning: quotes.0: no quotation stands exactly on this text (the rules no longer find it) — remove the entry, "
        "or copy the quotation's text from the quotes table"]


def test_the_json_schema_of_curation_files_knows_rejections_and_quotes():
    schema = json.loads(curation_json_schema())
    assert {"complete", "events", "rejected", "quotes"} <= set(schema["properties"])
    assert set(schema["$defs"]["CuratedQuote"]["required"]) == {"text", "speaker"}


def test_review_saves_a_rejection_as_the_rules_made_the_row_and_a_speaker_and_reads_them_back(tmp_path):
    """The review's save (what the page posts) writes entries the extractor applies: the rejection
    names the row as the rules made it, even after the curator edited it before rejecting."""
    root = make_repo(tmp_path)
    (root / "seeds" / "articles" / f"{ARTICLE}.txt").write_text(TEXT, encoding="utf-8")
    write_source(root, ARTICLE)
    assert [str(p) for p in build(root) if p.severity == "error"] == []
    review = Review(root)
    _, rows = review.rows(ARTICLE)
    quotes = review.quote_rows(ARTICLE)
    demand = next(r for r in rows if r["event_type"] == "demand")
    demand.update(status="reject", event_type="threaten_sanctions", source="russia")  # edited, then rejected
    quotes[1].update(status="correct", speaker="vladimir-putin")
    assert review.save(ARTICLE, {"rows": rows, "quotes": quotes}) == REL
    saved = (root / REL).read_text(encoding="utf-8")
    assert "complete: false\nevents: []\nrejected:\n  - event_type: demand\n    source: eu\n    target: serbia\n" in saved
    assert "quotes:\n  - text: it is a sovereign choice\n    speaker: vladimir-putin\n    via: null\n" in saved
    extracted = _extract(saved.split("\n", 2)[2])
    assert [e.event_type for e in extracted.events] == ["deliver_weapons"] and extracted.warnings == []
    assert [(q.speaker_actor_id, q.method.value) for q in extracted.quotes] == [("aleksandar-vucic", "rule"), ("vladimir-putin", "curated")]
    _, again = review.rows(ARTICLE)  # a reload before a build: the rejected row comes back rejected, once
    assert sorted((r["event_type"], r["status"]) for r in again) == [("deliver_weapons", "undecided"), ("demand", "reject")]
    assert next(r for r in again if r["status"] == "reject")["event_id"] == demand["event_id"]  # shown as the published row
    assert [q["speaker"] for q in review.quote_rows(ARTICLE)] == ["aleksandar-vucic", "vladimir-putin"]
