"""Reading medication names the way clinicians type them, for exact catalogue lookup.

A typed name is cut into *pieces* at the marks that join products ("HCTZ/triamterene",
"Caltrate 600 + D", "Tylenol with codeine"); within a piece, the words from the first number
on are the dose ("Magnesium oxide 400 mg at night"). What the words mean is the catalogue's
business (knowledge/drugs.toml): this module only folds and cuts text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^a-z0-9]+")
_PARENTHESISED = re.compile(r"\([^)]*\)|\[[^]]*\]")
# Marks that join two products. A hyphen is not one: it also joins the words of one name
# ("co-careldopa", "Mag-Ox"), so hyphenated words are left to the catalogue lookup.
_JOINERS = re.compile(r"[/+&,;()\[\]]|\b(?:and|with|plus)\b", re.IGNORECASE)
# A dose starts at a number that is not part of a name: "400" in "magnesium 400 mg", but not
# the "12" of "B12", the "3" of "omega-3" or the "7" of "MK-7".
_DOSE_WORD = re.compile(r"x?\d+(?:[.,]\d+)?[a-z]*")


def normalize_name(text: str) -> str:
    """Lower-case, accents and punctuation folded to spaces: 'Co-Careldopa ' -> 'co careldopa'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NON_WORD.sub(" ", folded.lower()).split())


@dataclass(frozen=True)
class Piece:
    """One joined-in part of a typed name: its name words and dose words (normalised), and
    its text as typed."""

    words: tuple[str, ...]
    dose_words: tuple[str, ...]
    typed: str

    @property
    def starts_with_number(self) -> bool:
        return not self.words


def pieces(
    text: str, is_name: Callable[[str], bool], keep_parenthesised: bool = False
) -> list[Piece]:
    """The pieces of a typed name, each cut at its dose.

    ``is_name`` tells whether a word is a catalogue name, so that "B 12" or "D-3" is read as
    the name "b12"/"d3" but "D 50" as vitamin D, 50. Parenthesised text ("Zoloft
    (sertraline)", "magnesium (as oxide)") usually explains the name before it, so it is
    dropped unless ``keep_parenthesised`` asks for it as more pieces.
    """
    if not keep_parenthesised:
        text = _PARENTHESISED.sub(" ", text)
    found: list[Piece] = []
    for raw in _JOINERS.split(text):
        words = _merge_letter_numbers(normalize_name(raw).split(), is_name)
        if words:
            cut = _dose_start(raw, words)
            found.append(Piece(tuple(words[:cut]), tuple(words[cut:]), raw.strip()))
    return found


def is_number(word: str) -> bool:
    """A dose amount ('400', '2.5', '400mg', 'x2'), as opposed to a name word."""
    return _DOSE_WORD.fullmatch(word) is not None


def _dose_start(raw: str, words: list[str]) -> int:
    for index, word in enumerate(words):
        if is_number(word) and not _glued_to_name(raw, word):
            return index
    return len(words)


def _merge_letter_numbers(words: list[str], is_name: Callable[[str], bool]) -> list[str]:
    merged: list[str] = []
    for word in words:
        if merged and len(merged[-1]) == 1 and word.isdigit() and is_name(merged[-1] + word):
            merged[-1] += word
        else:
            merged.append(word)
    return merged


def _glued_to_name(raw: str, word: str) -> bool:
    """'omega-3', 'MK-7': a number hyphenated onto a word belongs to the name."""
    return (
        "-" in raw and re.search(rf"[A-Za-z]-{re.escape(word)}\b", raw, re.IGNORECASE) is not None
    )
