"""What the plan shows and why: the decisions acted on, the alerts shown, and the alerts
that made an agent avoided or only given with caution.

Shared by the sheet, the note and the app, so each shows the same plan for a decision.
"""

from __future__ import annotations

from rlsdesk.domain.assessment import Alert, Assessment, Decision, PlanAction
from rlsdesk.vocabulary import PLAN_ACTION_ORDER

# Decisions whose reason is shown beside them: the clinician must know why not, or why only so.
REASON_SHOWN = ("avoid", "caution")


def reason_alerts(assessment: Assessment, decision: Decision) -> list[Alert]:
    """The alerts named in ``Decision.reasons``; for an assessment without them, the
    info-tier alerts about the agent (the visible reason of an avoid decision)."""
    if decision.reasons:
        return [a for a in assessment.alerts if a.code in decision.reasons]
    return [a for a in assessment.alerts if a.tier == "info" and decision.agent in a.agents]


def reason_texts(assessment: Assessment, decision: Decision) -> list[str]:
    """The reason of an avoid or caution decision in words: its alerts' messages, else its
    notes, else its rule; nothing for any other decision."""
    if decision.decision not in REASON_SHOWN:
        return []
    messages = [a.message for a in reason_alerts(assessment, decision)]
    return messages or decision.notes or ([decision.rule] if decision.rule else [])


# Tiers shown as alerts (interruptive first); "schedule" alerts are shown by the schedule and
# "info" alerts inside the decision they explain.
SHOWN_TIERS = ("interruptive", "alert")


def shown_alerts(assessment: Assessment) -> list[Alert]:
    """The interruptive and alert-tier alerts, interruptive first."""
    shown = [a for a in assessment.alerts if a.tier in SHOWN_TIERS]
    return sorted(shown, key=lambda a: SHOWN_TIERS.index(a.tier))


def planned(assessment: Assessment) -> list[tuple[PlanAction, Decision]]:
    """(action, decision) for every agent other than not indicated, in the order acted on:
    stop, start, continue, defer, avoid."""
    chosen = [(d.action, d) for d in assessment.decisions if d.action is not None]
    return sorted(chosen, key=lambda pair: PLAN_ACTION_ORDER.index(pair[0]))
