"""One display vocabulary for the app, the sheet and the text summary.

A word, a symbol and a colour for each severity, decision, tier and evidence tag, so that
"contraindicated" looks the same on screen, on paper and in a pasted note. Display only:
which severity or decision applies is decided by the domain. No Qt and no reportlab here.
"""

from __future__ import annotations

from dataclasses import dataclass

from rlsdesk.knowledge.schema import EVIDENCE_LABELS


@dataclass(frozen=True)
class Look:
    word: str
    symbol: str
    colour: str  # "#rrggbb", dark enough for text on white and distinct in greyscale
    tint: str = "#f7f8fa"  # a light background for a row of this kind

    @property
    def label(self) -> str:
        return f"{self.symbol} {self.word}"


# Symbols are in DejaVu Sans (the sheet's font; tests/test_report_fonts.py): "⛔" is not,
# so contraindicated uses the heavy cross.
SEVERITY: dict[str, Look] = {
    "contraindicated": Look("CONTRAINDICATED", "✖", "#9b1c1c", "#fbeaea"),
    "major": Look("MAJOR", "▲", "#a5400c", "#fcefe6"),
    "moderate": Look("MODERATE", "◆", "#7a5a00", "#fbf5e3"),
    "minor": Look("MINOR", "●", "#2f557f", "#ebf1f8"),
    "info": Look("INFO", "ℹ", "#56606e", "#f7f8fa"),
}
DECISION: dict[str, Look] = {
    "recommend": Look("RECOMMEND", "✓", "#1d6b45", "#e8f3ec"),
    "consider": Look("CONSIDER", "?", "#2f557f", "#ebf1f8"),
    "caution": Look("CAUTION", "!", "#7a5a00", "#fbf5e3"),
    "avoid": Look("AVOID", "✕", "#9b1c1c", "#fbeaea"),
    "not_indicated": Look("not indicated", "–", "#56606e", "#f7f8fa"),
}
TIER: dict[str, Look] = {
    "interruptive": Look("MUST ACKNOWLEDGE", "✖", "#9b1c1c", "#fbeaea"),
    "alert": Look("ALERT", "▲", "#a5400c", "#fcefe6"),
    "schedule": Look("TIMING", "◷", "#2f557f", "#ebf1f8"),
    "info": Look("BACKGROUND", "ℹ", "#56606e", "#f7f8fa"),
}
ALERT_KINDS: dict[str, str] = {
    "contraindication": "Contraindication",
    "interaction": "Interaction",
    "aggravates_rls": "Worsens RLS",
    "causes_cramps": "Causes cramps",
    "lab": "Laboratory",
    "unrecognized": "Not recognised",
}


def evidence_text(tag: str | None) -> str:
    """'[V] verified against the primary source', the same words everywhere."""
    return EVIDENCE_LABELS.get(tag or "", tag or "not stated")


def evidence_tag(tag: str | None) -> str:
    """The short form printed beside an item: '[V]', '[S]', '[U]' or '[editorial]'."""
    return f"[{tag}]" if tag else "[not stated]"
