"""A plain-text summary of an assessment for the terminal (``rlsdesk check``)."""

from __future__ import annotations

from rlsdesk.domain.assessment import Assessment

DECISION_WORDS = {
    "recommend": "RECOMMEND",
    "consider": "CONSIDER",
    "caution": "CAUTION",
    "avoid": "AVOID",
    "not_indicated": "not indicated",
}
SEVERITY_SYMBOLS = {
    "contraindicated": "⛔ CONTRAINDICATED",
    "major": "▲ MAJOR",
    "moderate": "◆ MODERATE",
    "minor": "● MINOR",
    "info": "ℹ INFO",
}


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
        "",
        "ALERTS",
    ]
    lines += [
        f"  {SEVERITY_SYMBOLS[a.severity]} [{a.kind}] {a.message}\n      → {a.management}"
        + (f" ({', '.join(a.references)})" if a.references else "")
        for a in assessment.alerts
    ] or ["  none"]
    lines += ["", "DECISIONS"]
    for decision in assessment.decisions:
        route = f" {decision.route}" if decision.route else ""
        lines.append(f"  {decision.agent:<12} {DECISION_WORDS[decision.decision]}{route}")
        if decision.decision != "not_indicated":
            if decision.dose:
                lines.append(f"      dose: {decision.dose}")
            lines += [f"      timing: {t}" for t in decision.timing]
            lines.append(f"      why: {decision.rationale}")
            lines.append(f"      evidence: [{decision.evidence}] {', '.join(decision.references)}")
    lines += ["", "TESTS TO ORDER"]
    lines += [f"  {t.label or t.analyte}: {t.reason}" for t in assessment.tests_to_order] or [
        "  none"
    ]
    lines += ["", "MEDICATIONS"]
    for item in assessment.medications:
        resolved = item.resolved or "NOT RECOGNISED — not checked"
        lines.append(f"  {item.entered} → {resolved} ({item.kind})")
    if assessment.monitoring:
        lines += ["", "MONITORING"] + [f"  - {m}" for m in assessment.monitoring]
    if assessment.red_flags:
        lines += ["", "RED FLAGS"] + [f"  - {r}" for r in assessment.red_flags]
    lines += ["", "Decision support only: a clinician must verify every item."]
    return "\n".join(lines) + "\n"


def _egfr_line(assessment: Assessment) -> str:
    egfr = assessment.egfr
    if egfr.value is None:
        return f"eGFR: not available — {egfr.note}"
    source = "entered" if egfr.source == "entered" else "CKD-EPI 2021"
    return f"eGFR: {egfr.value:g} mL/min/1.73 m² ({source}), stage {egfr.stage}"
