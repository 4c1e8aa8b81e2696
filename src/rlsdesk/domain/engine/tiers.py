"""How each alert is shown: what it is about (``applies_to``), its graded severity and its
tier; the daily schedule that keeps the separations; the reasons of avoid and caution decisions.

Tiers (issue 10; shared/case-format.md 2026-11 extensions), in this order:
- interruptive: a level that needs same-day care, or a graded severity the policy names
  (contraindicated, major) about something the patient takes;
- schedule: a timing interaction whose two sides both sit in the daily schedule, which keeps
  the separation;
- info: about an agent neither taken nor suggested (the engine decided to avoid it): the
  visible reason of that decision; an interaction of an agent the plan stops (background to
  the stop); or a graded severity the policy does not show (background);
- alert: the rest.
The policy (which severities interrupt or are shown, how [U] evidence lowers a grade) is data
in schedule.toml. Every alert stays in ``alerts``; the tier decides only how it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from rlsdesk.domain.assessment import (
    SEVERITY_ORDER,
    Alert,
    AppliesTo,
    Decision,
    ScheduleConflict,
    ScheduleSlot,
    Tier,
)
from rlsdesk.domain.engine.daily import plan_day
from rlsdesk.domain.engine.facts import Facts
from rlsdesk.domain.engine.safety import ACTIVE, SafetyResult
from rlsdesk.knowledge.schedule_schema import AlertPolicy, DayAnchors
from rlsdesk.knowledge.schema import Evidence, Severity

ABOUT_DRUGS_TAKEN = ("aggravates_rls", "causes_cramps", "unrecognized")


@dataclass(frozen=True)
class Presented:
    decisions: list[Decision]
    alerts: list[Alert]
    schedule: list[ScheduleSlot]
    conflicts: list[ScheduleConflict]


def graded_severity(severity: Severity, evidence: Evidence | None, policy: AlertPolicy) -> Severity:
    """The severity an alert is shown at, after the policy's grading by evidence."""
    rank = SEVERITY_ORDER.index(severity)
    for grade in policy.grade:
        if grade.rule_evidence != evidence:
            continue
        rank = min(rank + grade.steps_down, len(SEVERITY_ORDER) - 1)
        if grade.at_most is not None:
            rank = max(rank, SEVERITY_ORDER.index(grade.at_most))
    return SEVERITY_ORDER[rank]


def present(
    facts: Facts,
    decisions: list[Decision],
    alerts: list[Alert],
    safety: SafetyResult,
    anchors: DayAnchors | None = None,
) -> Presented:
    """Alerts graded and tiered, decisions with their reasons, and the daily schedule."""
    plan = plan_day(facts, decisions, alerts, safety.separations, anchors)
    in_use = set(facts.taking) | {d.agent for d in decisions if d.decision in ACTIVE}
    avoided = {d.agent for d in decisions if d.decision == "avoid"}
    same_day = {rule.id for rule in facts.kb.lab_alerts if rule.same_day_care}
    policy = facts.kb.schedule.alert_policy
    shown: list[Alert] = []
    for alert in alerts:
        applies_to = _applies_to(alert, set(facts.taking))
        # A level needing same-day care keeps its knowledge-base severity whatever the
        # evidence tag: the approximate band is still a reason to act today.
        urgent = alert.kind == "lab" and alert.code in same_day
        severity = (
            alert.severity if urgent else graded_severity(alert.severity, alert.evidence, policy)
        )
        if urgent:
            tier: Tier = "interruptive"
        elif alert.code in plan.kept:
            tier = "schedule"
        elif alert.kind != "lab" and alert.agents and in_use.isdisjoint(alert.agents):
            tier = "info"  # the reason of an avoid decision, shown with it
        elif applies_to == "taking" and severity in policy.interruptive:
            tier = "interruptive"
        elif alert.kind != "lab" and avoided & set(alert.agents):
            # About an agent the plan stops or avoids (its timing, dose or absorption): background
            # to that decision, unless it is what must interrupt (checked above).
            tier = "info"
        else:
            tier = "alert" if severity in policy.shown else "info"
        update = {"severity": severity, "applies_to": applies_to, "tier": tier}
        shown.append(alert.model_copy(update=update))
    shown.sort(key=lambda a: (SEVERITY_ORDER.index(a.severity), a.code))
    return Presented(
        decisions=_with_reasons(decisions, shown, safety),
        alerts=shown,
        schedule=plan.slots,
        conflicts=plan.conflicts,
    )


def _applies_to(alert: Alert, taking: set[str]) -> AppliesTo:
    if alert.kind == "lab":
        return "patient"
    if alert.kind in ABOUT_DRUGS_TAKEN or not alert.agents:
        return "taking"
    return "taking" if taking & set(alert.agents) else "suggested"


def _with_reasons(
    decisions: list[Decision], alerts: list[Alert], safety: SafetyResult
) -> list[Decision]:
    """An avoid (or caution) decision lists the codes of the alerts whose effect made it so."""
    codes = {alert.code for alert in alerts}
    result = []
    for decision in decisions:
        effect = {"avoid": "avoid", "caution": "caution"}.get(decision.decision)
        effects = safety.effects.get(decision.agent, [])
        codes_behind = (e.code for e in effects if e.effect == effect and e.code in codes)
        reasons = list(dict.fromkeys(codes_behind))
        result.append(decision.model_copy(update={"reasons": reasons}) if reasons else decision)
    return result
