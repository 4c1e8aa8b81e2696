"""A plain-text summary of an assessment for the terminal (``rlsdesk check``).

Words, symbols and evidence tags are rlsdesk.vocabulary's, as on the sheet and in the app.
Every line passes through ``printable``: a name holding a control character (an escape
sequence that clears the terminal, a carriage return that hides text) prints as an escape.
"""

from __future__ import annotations

from rlsdesk.decision_reasons import reason_texts, shown_alerts
from rlsdesk.domain.assessment import Assessment
from rlsdesk.domain.case import printable
from rlsdesk.schedule_words import conflict_words, slot_words
from rlsdesk.vocabulary import (
    ALERT_KINDS,
    DECISION,
    PLAN_ACTION,
    ROUTE_WORDS,
    SEVERITY,
    TIER,
    evidence_tag,
)


def render_summary(assessment: Assessment) -> str:
    case = assessment.case
    patient = case.patient
    lines = [
        f"rlsdesk assessment — {patient.name or 'unnamed patient'}"
        + (f" ({patient.identifier})" if patient.identifier else ""),
        f"{patient.age_years} y, {patient.sex}; pregnancy: {case.pregnancy.status}"
        + (f" (trimester {case.pregnancy.trimester})" if case.pregnancy.trimester else ""),
        _egfr_line(assessment),
        f"knowledge base {assessment.knowledge_base.version} "
        f"(sha256 {assessment.knowledge_base.sha256[:12]})",
    ]
    lines += _alerts(assessment)
    lines += ["", "SCHEDULE"]
    lines += [f"  {slot_words(slot)}" for slot in assessment.schedule] or ["  nothing to time"]
    lines += [f"  {conflict_words(conflict)}" for conflict in assessment.schedule_conflicts]
    lines += [
        f"  kept apart: {a.message} {a.management}"
        for a in assessment.alerts
        if a.tier == "schedule"
    ]
    lines += ["", "DECISIONS"]
    for decision in assessment.decisions:
        route = f" {ROUTE_WORDS[decision.route]}" if decision.route else ""
        word = DECISION[decision.decision].word
        if decision.action:  # "STOP (avoid)" would say it twice: then the action alone
            action = PLAN_ACTION[decision.action].word
            word = action if decision.decision == "avoid" else f"{action} ({word})"
        lines.append(f"  {decision.agent:<12} {word}{route}")
        if decision.decision != "not_indicated":
            if decision.dose:
                lines.append(f"      dose: {decision.dose}")
            lines += [f"      reason: {text}" for text in reason_texts(assessment, decision)]
            lines += [f"      timing: {t}" for t in decision.timing]
            lines.append(f"      why: {decision.rationale}")
            lines.append(
                f"      evidence: {evidence_tag(decision.evidence)} "
                f"{', '.join(decision.references)}"
            )
    lines += ["", "TESTS TO ORDER"]
    lines += [f"  {t.label or t.analyte}: {t.reason}" for t in assessment.tests_to_order] or [
        "  none"
    ]
    lines += ["", "MEDICATIONS"]
    for item in assessment.medications:
        resolved = item.resolved or "NOT RECOGNISED — not checked"
        corrected = ", corrected spelling" if item.corrected_from else ""
        lines.append(f"  {item.entered} → {resolved} ({item.kind}{corrected})")
        if item.unresolved_parts:
            lines.append(f"      not checked: {', '.join(item.unresolved_parts)}")
        if item.suggestions:
            lines.append(f"      did you mean: {', '.join(item.suggestions)}")
        if item.dose_check is not None:
            check = item.dose_check
            lines.append(f"      dose: {check.reading or check.reason or check.status}")
    if assessment.monitoring:
        lines += ["", "MONITORING"] + [f"  - {m}" for m in assessment.monitoring]
    if assessment.red_flags:
        lines += ["", "RED FLAGS"] + [f"  - {r}" for r in assessment.red_flags]
    lines += ["", "Decision support only: a clinician must verify every item."]
    return "\n".join(printable(line) for line in lines) + "\n"


def _egfr_line(assessment: Assessment) -> str:
    egfr = assessment.egfr
    if egfr.value is None:
        return f"eGFR: not available — {egfr.note}"
    source = "entered" if egfr.source == "entered" else "CKD-EPI 2021"
    return f"eGFR: {egfr.value:g} mL/min/1.73 m² ({source}), stage {egfr.stage}"


def _alerts(assessment: Assessment) -> list[str]:
    """The alerts a clinician is shown (interruptive first); timing rules go with the
    schedule and the reasons of avoid decisions with those decisions; background last."""
    shown = shown_alerts(assessment)
    lines = ["", "ALERTS"]
    for alert in shown:
        refs = f" ({', '.join(alert.references)})" if alert.references else ""
        lines += [
            f"  {SEVERITY[alert.severity].label} [{ALERT_KINDS[alert.kind]}; "
            f"{TIER[alert.tier].word.lower()}] {alert.message}",
            f"      → {alert.management}{refs}",
        ]
    if not shown:
        lines.append("  none")
    reasons = {code for d in assessment.decisions for code in d.reasons}
    background = [a for a in assessment.alerts if a.tier == "info" and a.code not in reasons]
    if background:
        lines += ["", "BACKGROUND"] + [f"  {a.message}" for a in background]
    return lines
