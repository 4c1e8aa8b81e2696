"""Normalising medication names the way clinicians type them, for exact catalogue lookup."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")
_PARENTHESISED = re.compile(r"\([^)]*\)|\[[^]]*\]")


def normalize_name(text: str) -> str:
    """Lower-case, accents and punctuation folded to spaces: 'Co-Careldopa ' -> 'co careldopa'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NON_WORD.sub(" ", folded.lower()).split())


def lookup_keys(text: str) -> list[str]:
    """Keys to try for a typed name, most specific first.

    The whole name first, then without parenthesised parts, then ever shorter leading words,
    so 'Magnesium oxide 400 mg at night' finds 'magnesium oxide'. A key is only ever looked up
    exactly: nothing is matched by similarity, so a misspelling resolves only when the
    catalogue lists it.
    """
    keys: list[str] = []
    for variant in (text, _PARENTHESISED.sub(" ", text)):
        words = normalize_name(variant).split()
        for length in range(len(words), 0, -1):
            key = " ".join(words[:length])
            if key not in keys:
                keys.append(key)
    return keys
