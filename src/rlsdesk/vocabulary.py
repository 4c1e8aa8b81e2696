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
# What the plan asks of the clinician for one agent: a decision read together with whether
# the patient already takes it (a recommended agent the patient takes is continued, an
# avoided one is stopped). Page 1 of the sheet, the note and the app group decisions so.
PLAN_ACTION: dict[str, Look] = {
    "start": Look("START", "✚", "#1d6b45", "#e8f3ec"),
    "continue": Look("CONTINUE", "↻", "#2f557f", "#ebf1f8"),
    "stop": Look("STOP", "■", "#9b1c1c", "#fbeaea"),
    "avoid": Look("AVOID", "✕", "#9b1c1c", "#fbeaea"),
    "defer": Look("DEFER", "…", "#7a5a00", "#fbf5e3"),
}
PLAN_ACTION_ORDER = ("stop", "start", "continue", "defer", "avoid")
ROUTE_WORDS: dict[str, str] = {"oral": "oral", "iv": "intravenous"}
FLAG_WORDS: dict[str, str] = {"low": "LOW", "high": "HIGH", "normal": "normal"}
# How often a scheduled item is taken, in words a patient reads (ids as in DoseDetail).
FREQUENCY_WORDS: dict[str, str] = {
    "daily": "every day",
    "twice_daily": "twice a day",
    "three_times_daily": "three times a day",
    "four_times_daily": "four times a day",
    "at_night": "every night",
    "every_other_day": "every other day",
    "alternate_days": "every other day",
    "weekly": "once a week",
    # neither entered nor read from the dose: placed once, so the clinician is told
    "as_prescribed": "frequency not entered, placed once a day",
}
ALERT_KINDS: dict[str, str] = {
    "contraindication": "Contraindication",
    "interaction": "Interaction",
    "aggravates_rls": "Worsens RLS",
    "causes_cramps": "Causes cramps",
    "lab": "Laboratory",
    "unrecognized": "Not recognised",
}


def frequency_words(frequency: str) -> str:
    """'every_other_day' -> 'every other day'; text it does not know is printed as given."""
    return FREQUENCY_WORDS.get(frequency, frequency.replace("_", " "))


def food_words(with_food: bool | None) -> str | None:
    """'with food', 'on an empty stomach', or None when food does not matter."""
    if with_food is None:
        return None
    return "with food" if with_food else "on an empty stomach"


def evidence_legend() -> str:
    """One sentence naming every evidence tag in the words evidence_text gives it."""
    return "Evidence tags: " + "; ".join(EVIDENCE_LABELS.values()) + "."


def evidence_text(tag: str | None) -> str:
    """'[V] verified against the primary source', the same words everywhere."""
    return EVIDENCE_LABELS.get(tag or "", tag or "not stated")


def evidence_tag(tag: str | None) -> str:
    """The short form printed beside an item: '[V]', '[S]', '[U]' or '[editorial]'."""
    return f"[{tag}]" if tag else "[not stated]"
