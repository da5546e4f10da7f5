"""How names and words are compared: case and diacritics ignored. One definition for the rules
(extract/ reads it through `lexicon.fold`) and for the SQLite export's search table of folded names.
"""

from __future__ import annotations

import unicodedata

# Letters that Unicode does not decompose into a base letter and a diacritic.
_UNDECOMPOSED = str.maketrans({"Đ": "D", "đ": "d", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss",
                               "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "Th", "þ": "th", "ı": "i"})


def fold(text: str) -> str:
    """Lower-case, diacritics removed: 'Vučić' and 'Vucic' fold alike, 'Đedović' to 'dedovic'."""
    if text.isascii():  # nothing to translate, decompose or remove, and casefold is lower
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
