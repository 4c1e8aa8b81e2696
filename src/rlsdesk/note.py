"""A plain-text note of an assessment for the patient record.

``rlsdesk check --format note`` prints it and the app's "Copy summary" puts it on the
clipboard: the plan with doses, the daily schedule, the alerts shown, tests to order,
follow-up and the knowledge base version. Qt-free and pure: the same assessment always
gives the same text. Every line passes through ``printable``, so a name with a control
character or a line break can neither forge a line nor send a terminal escape.
"""

from __future__ import annotations

from collections.abc import Mapping

from rlsdesk.decision_reasons import planned, reason_texts, shown_alerts
from rlsdesk.domain.assessment import Alert, Assessment, Decision
from rlsdesk.domain.case import printable
from rlsdesk.guidance_text import guidance_lines
from rlsdesk.schedule_words import conflict_words, slot_words
from rlsdesk.vocabulary import (
    ALERT_KINDS,
    DECISION,
    PLAN_ACTION,
    ROUTE_WORDS,
    SEVERITY,
    evidence_tag,
)

NO_ITEMS = "  none"


def _agent(decision: Decision, labels: Mapping[str, str]) -> str:
    return labels.get(decision.agent) or decision.agent.replace("_", " ")


def plan_lines(assessment: Assessment, labels: Mapping[str, str]) -> list[str]:
    """'START iron (RECOMMEND): 65 mg elemental iron ... · oral', stop and start first."""
    lines = []
    for action, decision in planned(assessment):
        text = f"  {PLAN_ACTION[action].word} {_agent(decision, labels)}"
        if decision.decision != "avoid":  # stop and avoid already say it
            text += f" ({DECISION[decision.decision].word})"
        dose = " · ".join(
            part for part in (decision.dose, ROUTE_WORDS.get(decision.route or "", "")) if part
        )
        lines.append(text + (f": {dose}" if dose else ""))
        lines += [f"    why: {reason}" for reason in reason_texts(assessment, decision)]
    return lines


def alert_line(alert: Alert) -> str:
    look = SEVERITY[alert.severity]
    return f"  {look.word} {ALERT_KINDS[alert.kind]}: {alert.message} {alert.management}"


def _section(title: str, items: list[str]) -> list[str]:
    return ["", f"{title}:", *(items or [NO_ITEMS])]


def render_note(assessment: Assessment, agent_labels: Mapping[str, str] | None = None) -> str:
    """The note for the patient record, as plain text ending in a newline."""
    labels = agent_labels or {}
    patient = assessment.case.patient
    stamp = assessment.knowledge_base
    who = patient.name or "unnamed patient"
    if patient.identifier:
        who += f" ({patient.identifier})"
    schedule = [f"  {slot_words(slot)}" for slot in assessment.schedule]
    schedule += [f"  {conflict_words(c)}" for c in assessment.schedule_conflicts]
    follow_up = [
        f"  {line.text}" + (f" {evidence_tag(line.evidence)}" if line.evidence else "")
        for line in guidance_lines(assessment, "monitoring")
    ]
    lines = [
        f"rlsdesk decision support: {who}, {patient.age_years} y, {patient.sex}",
        *_section("Plan", plan_lines(assessment, labels)),
        *_section("Daily schedule", schedule),
        *_section("Alerts", [alert_line(a) for a in shown_alerts(assessment)]),
        *_section(
            "Tests to order",
            [f"  {t.label or t.analyte}: {t.reason}" for t in assessment.tests_to_order],
        ),
        *_section("Follow-up", follow_up),
        "",
        f"Knowledge base {stamp.version} (sha256 {stamp.sha256[:12]}). "
        "Decision support: a clinician must verify every item.",
    ]
    return "\n".join(printable(line) for line in lines) + "\n"
