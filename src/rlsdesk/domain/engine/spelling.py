"""Conservative spelling correction of medication names against the catalogue.

Similarity is difflib's ratio (standard library, no dependency), among catalogue names that
share the typed first letter. Names of one catalogue entry
(generic, brands, aliases) count as one candidate, so a brand and its generic never compete;
two *different* drugs that are both close mean "suggest", never "correct".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.loader import CatalogueEntry


@dataclass(frozen=True)
class SpellingMatch:
    correction: CatalogueEntry | None = None
    suggestions: list[str] = field(default_factory=list)


def closest_entries(typed: str, kb: KnowledgeBase) -> SpellingMatch:
    """The entry a misspelt name clearly means, or up to a few names it may mean."""
    rule = kb.spelling
    if rule is None or len(typed) < rule.min_length:
        return SpellingMatch()
    scored = _best_per_entry(typed, kb, rule.suggest_at_least)
    if not scored:
        return SpellingMatch()
    best_score, _, best_entry = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    clear = best_score >= rule.correct_at_least and best_score - runner_up > rule.margin
    if clear and not _starts_several(typed, kb):
        return SpellingMatch(correction=best_entry)
    shown = [kb.display_terms.get(key, key) for _, key, _ in scored[: rule.max_suggestions]]
    return SpellingMatch(suggestions=shown)


def _best_per_entry(
    typed: str, kb: KnowledgeBase, floor: float
) -> list[tuple[float, str, CatalogueEntry]]:
    """(score, catalogue key, entry) for the closest key of each entry reaching ``floor``."""
    matcher = SequenceMatcher(autojunk=False)
    matcher.set_seq2(typed)  # difflib caches the second sequence: compare many keys to it
    best: dict[str, tuple[float, str, CatalogueEntry]] = {}
    # Only names with the typed first letter: a typo rarely changes it, and this keeps the
    # search to a few hundred names (a live form re-reads the name at every keystroke).
    for key, entry in kb.names_by_initial.get(typed[:1], {}).items():
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
            continue
        score = matcher.ratio()
        if score >= floor and score > best.get(entry.name, (0.0, "", entry))[0]:
            best[entry.name] = (score, key, entry)
    return sorted(best.values(), key=lambda item: (-item[0], item[1]))


def _starts_several(typed: str, kb: KnowledgeBase) -> bool:
    """'tenofovir' begins both 'tenofovir disoproxil' and 'tenofovir alafenamide': a name
    that is the first word(s) of two different drugs is ambiguous, not misspelt."""
    entries = {
        entry.name
        for key, entry in kb.names_by_initial.get(typed[:1], {}).items()
        if key.startswith(typed + " ")
    }
    return len(entries) > 1
