"""Case- and accent-folding of French text, so that rules and comparisons match what a
person would call the same words ("Objet : Déclaration préalable" ~ "objet declaration
prealable")."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^a-z0-9']+")


def fold(text: str) -> str:
    """Lower-case, strip accents, keep letters, digits and apostrophes, one space between words."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("œ", "oe"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", bare).strip()
