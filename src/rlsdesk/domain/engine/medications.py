"""Resolving typed medication and supplement names against the catalogue.

A typed name may hold several products ("HCTZ/triamterene", "Caltrate 600 + D", "Lotensin
HCT"): every part is resolved, and a part that is not recognised is reported as not checked,
never dropped. A misspelling is corrected only when one catalogue entry is clearly closest;
otherwise the closest names are offered as suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rlsdesk.domain.assessment import MedicationResult
from rlsdesk.domain.case import MedicationEntry
from rlsdesk.domain.engine.spelling import closest_entries
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.loader import CatalogueEntry
from rlsdesk.knowledge.names import Piece, is_number, normalize_name, pieces


@dataclass
class _Reading:
    """What a typed name was read as: catalogue entries, extra ingredients from brand
    suffixes, parts not recognised, and corrections made."""

    entries: list[CatalogueEntry] = field(default_factory=list)
    suffix_ingredients: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    corrected: list[tuple[str, CatalogueEntry]] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)


def resolve_medication(
    entry: MedicationEntry, kind: str, kb: KnowledgeBase
) -> tuple[MedicationResult, tuple[str, ...], tuple[str, ...]]:
    """The result row, the generic drug names it contains, and the agents it contains."""
    reading = read_name(entry.name, kb)
    ingredients = _ingredients(reading, kb)
    agents = tuple(
        sorted(
            {a for d in ingredients if (a := kb.drugs[d].agent)}
            | {e.agent for e in reading.entries if e.is_agent_name and e.agent}
        )
    )
    drugs = tuple(d for d in ingredients if kb.drugs[d].agent is None)
    result = MedicationResult(
        entered=entry.name,
        resolved=_resolved_name(reading, kind, kb),
        kind=kind,  # type: ignore[arg-type]
        dose=entry.dose,
        ingredients=list(ingredients),
        agent=agents[0] if len(agents) == 1 else None,
        corrected_from="; ".join(typed for typed, _ in reading.corrected) or None,
        suggestions=reading.suggestions,
        unresolved_parts=reading.unresolved,
    )
    return result, drugs, agents


def read_name(text: str, kb: KnowledgeBase) -> _Reading:
    """Read a typed name: whole first, then piece by piece; parenthesised text is used when
    it recognises more ("Brandname (sertraline)") or names the product more precisely."""
    whole = kb.names.get(normalize_name(text))
    if whole is not None:
        return _Reading(entries=[whole])
    reading = _read_pieces(pieces(text, kb.names.__contains__), kb)
    if "(" in text or "[" in text:
        fuller = _read_pieces(pieces(text, kb.names.__contains__, keep_parenthesised=True), kb)
        fewer_unknown = len(fuller.unresolved) < len(reading.unresolved)
        as_few_unknown = len(fuller.unresolved) == len(reading.unresolved)
        # "Iron (ferrous sulfate)": the salt in parentheses tells the dose check what it reads
        more_specific = len(_ingredients(fuller, kb)) > len(_ingredients(reading, kb))
        if fewer_unknown or (as_few_unknown and more_specific):
            return fuller
    return reading


def _read_pieces(found: list[Piece], kb: KnowledgeBase) -> _Reading:
    reading = _Reading()
    for piece in found:
        if piece.starts_with_number:
            # "100 three times daily" after "Sinemet 25/" is dose text: only catalogue names
            # and suffixes in it count ("Caltrate 600 + D"); an entry read as nothing at all
            # is still reported whole.
            words = tuple(w for w in piece.dose_words if not is_number(w))
            _read_words(words, reading, kb, in_dose_text=True)
        else:
            _read_words(piece.words, reading, kb)
    return reading


def _read_words(
    words: tuple[str, ...], reading: _Reading, kb: KnowledgeBase, in_dose_text: bool = False
) -> None:
    """Segment the words into catalogue names (longest first), brand suffixes and filler;
    consecutive words matching nothing form one unrecognised part (ignored in dose text)."""
    unknown: list[str] = []
    index = 0
    while index < len(words):
        length, found = _longest_name(words, index, kb)
        if found is not None:
            _settle_unknown(unknown, reading, kb)
            reading.entries.append(found)
            index += length
            continue
        word = words[index]
        suffix = _suffix(word, reading, kb)
        if suffix is not None and not unknown:
            reading.suffix_ingredients += suffix
        elif word not in kb.filler_words and not in_dose_text:
            unknown.append(word)
        index += 1
    _settle_unknown(unknown, reading, kb)


def _longest_name(
    words: tuple[str, ...], start: int, kb: KnowledgeBase
) -> tuple[int, CatalogueEntry | None]:
    for length in range(min(kb.longest_name_words, len(words) - start), 0, -1):
        found = kb.names.get(" ".join(words[start : start + length]))
        if found is not None:
            return length, found
    return 0, None


def _suffix(word: str, reading: _Reading, kb: KnowledgeBase) -> list[str] | None:
    """The ingredients a brand suffix adds after the product read just before it."""
    if not reading.entries:
        return None
    base = "supplement" if reading.entries[-1].agent else "medication"
    found = kb.suffixes.get((word, base)) or kb.suffixes.get((word, "any"))
    return None if found is None else list(found.ingredients)


def _settle_unknown(unknown: list[str], reading: _Reading, kb: KnowledgeBase) -> None:
    if not unknown:
        return
    typed = " ".join(unknown)
    unknown.clear()
    match = closest_entries(typed, kb)
    if match.correction is not None:
        reading.entries.append(match.correction)
        reading.corrected.append((typed, match.correction))
    else:
        reading.unresolved.append(typed)
        reading.suggestions += [s for s in match.suggestions if s not in reading.suggestions]


def _ingredients(reading: _Reading, kb: KnowledgeBase) -> tuple[str, ...]:
    found: list[str] = []
    for entry in reading.entries:
        found += entry.ingredients
    found += reading.suffix_ingredients
    return tuple(dict.fromkeys(d for d in found if d in kb.drugs))


def _resolved_name(reading: _Reading, kind: str, kb: KnowledgeBase) -> str | None:
    """The canonical name: the single entry's name, a supplement's agent id, or the part
    names joined like a catalogue combination ("hydrochlorothiazide/triamterene")."""
    if not reading.entries:
        return None
    names: list[str] = []
    for entry in reading.entries:
        single_agent_product = len(entry.ingredients) <= 1 and entry.agent is not None
        if kind == "supplement" and single_agent_product and entry.agent is not None:
            names.append(entry.agent)
        else:
            names.append(entry.name)
    for drug in reading.suffix_ingredients:
        agent = kb.drugs[drug].agent
        names.append(agent if kind == "supplement" and agent else drug)
    unique = list(dict.fromkeys(names))
    return unique[0] if len(unique) == 1 else "/".join(sorted(unique))
