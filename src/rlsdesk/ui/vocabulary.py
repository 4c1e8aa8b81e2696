"""How domain values are shown in the app: the shared words, symbols and colours of
rlsdesk.vocabulary, plus the Qt icons and the acknowledgement rule.

Display vocabulary only: which severity or decision applies is decided by the domain.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from rlsdesk.domain.assessment import Tier
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.paths import resources_dir
from rlsdesk.vocabulary import (
    ALERT_KINDS,
    DECISION,
    PLAN_ACTION,
    SEVERITY,
    TIER,
    Look,
    evidence_text,
)

# The tier the domain gives an alert that must be acknowledged before printing or exporting.
INTERRUPTIVE: Tier = "interruptive"


@cache
def severity_icon(severity: str) -> QIcon:
    return QIcon(str(resources_dir() / "icons" / f"severity-{severity}.svg"))


def reference_texts(kb: KnowledgeBase) -> dict[str, str]:
    """Reference id -> the full citation (year, DOI and URL included)."""
    return {key: ref.full_citation() for key, ref in kb.references.items()}


__all__ = [
    "ALERT_KINDS",
    "DECISION",
    "INTERRUPTIVE",
    "PLAN_ACTION",
    "SEVERITY",
    "TIER",
    "Look",
    "evidence_text",
    "reference_texts",
    "severity_icon",
]
