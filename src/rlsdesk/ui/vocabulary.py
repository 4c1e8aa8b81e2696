"""How domain values are shown: a word, a symbol and a colour for each, never colour alone.

Display vocabulary only: which severity or decision applies is decided by the domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PySide6.QtGui import QIcon

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.knowledge.schema import EVIDENCE_LABELS
from rlsdesk.paths import resources_dir


@dataclass(frozen=True)
class Look:
    word: str
    symbol: str
    colour: str


SEVERITY: dict[str, Look] = {
    "contraindicated": Look("CONTRAINDICATED", "✖", "#a4262c"),
    "major": Look("MAJOR", "▲", "#b34a00"),
    "moderate": Look("MODERATE", "◆", "#7f6200"),
    "minor": Look("MINOR", "●", "#2f5f98"),
    "info": Look("INFO", "ℹ", "#56606e"),
}
DECISION: dict[str, Look] = {
    "recommend": Look("RECOMMEND", "✓", "#1d6b45"),
    "consider": Look("CONSIDER", "?", "#2f5f98"),
    "caution": Look("CAUTION", "!", "#7f6200"),
    "avoid": Look("AVOID", "✕", "#a4262c"),
    "not_indicated": Look("not indicated", "–", "#56606e"),
}
ALERT_KINDS = {
    "contraindication": "Contraindication",
    "interaction": "Interaction",
    "aggravates_rls": "Worsens RLS",
    "causes_cramps": "Causes cramps",
    "lab": "Laboratory",
    "unrecognized": "Not recognised",
}
MUST_ACKNOWLEDGE = ("contraindicated", "major")


def evidence_text(tag: str | None) -> str:
    return EVIDENCE_LABELS.get(tag or "", tag or "not stated")


@cache
def severity_icon(severity: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"severity-{severity}.svg"))


def reference_texts(kb: KnowledgeBase) -> dict[str, str]:
    """Reference id -> the full citation (year, DOI and URL included)."""
    return {key: ref.full_citation() for key, ref in kb.references.items()}
