"""The medication review (appendix): medicines that worsen RLS or cause cramps, then every
entered medicine and supplement as it was read, corrected and dose-checked."""

from __future__ import annotations

from reportlab.platypus import Flowable

from rlsdesk.domain.assessment import Alert, DoseCheck, MedicationResult
from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import looked
from rlsdesk.report.tables import data_table
from rlsdesk.report.text import bold, escape, heading, markup, para
from rlsdesk.vocabulary import SEVERITY

MEDICATION_REVIEW_KINDS = ("aggravates_rls", "causes_cramps")


def medication_involved(alert: Alert, item: MedicationResult) -> bool:
    """Whether the alert names this entered medicine (by generic, ingredient or agent)."""
    names = {item.resolved, *item.ingredients} - {None}
    return bool(names & set(alert.drugs)) or (item.agent is not None and item.agent in alert.agents)


def entered_as(item: MedicationResult) -> str:
    if item.resolved and item.resolved.casefold() != item.entered.casefold():
        return f"{item.entered} ({item.resolved})"
    return item.entered


def involved_names(context: SheetContext, alert: Alert) -> list[str]:
    """Each entered medicine the alert is about, once however often it was entered."""
    meds = context.assessment.medications
    names = [entered_as(m) for m in meds if medication_involved(alert, m)]
    return list(dict.fromkeys(names)) or alert.drugs


def medication_review(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    assessment = context.assessment
    flowables = heading("Medication review", styles.heading)
    flagged = [a for a in assessment.alerts if a.kind in MEDICATION_REVIEW_KINDS]
    if flagged:
        rows: list[list[object]] = [
            [para(text, styles.label) for text in ("Medicine", "Problem", "Alternative", "Refs")]
        ]
        for alert in flagged:
            rows.append(
                [
                    markup(
                        f"{bold(', '.join(involved_names(context, alert)))}<br/>"
                        f"{looked(SEVERITY[alert.severity])}",
                        styles.small,
                    ),
                    para(alert.message, styles.small),
                    para(alert.management, styles.small),
                    para(context.citations.cite(alert.references), styles.small),
                ]
            )
        width = context.width
        flowables.append(data_table(rows, [width * 0.24, width * 0.36, width * 0.32, width * 0.08]))
    else:
        flowables.append(
            para("No entered medicine is known to worsen RLS or cause cramps.", styles.body)
        )
    for item in assessment.medications:
        if item.resolved is None:
            flowables.append(
                markup(
                    f"<b>NOT CHECKED:</b> {escape(item.entered)} ({item.kind}) was not "
                    "recognised, so its interactions, RLS aggravation and cramps were not checked.",
                    styles.body,
                )
            )
    flowables.append(para("Entered medicines and supplements", styles.subheading))
    flowables.append(_entered_table(context))
    return flowables


def dose_check_text(check: DoseCheck) -> str:
    """'ABOVE LIMIT: 900 mg a day (limit 350 mg)', or why the dose was not checked."""
    if check.status == "not_checked":
        return check.reason or "dose not checked"
    amount = f"{check.daily_amount:g} {check.unit or ''}".strip() if check.daily_amount else ""
    word = "ABOVE LIMIT" if check.status == "above_limit" else "within limit"
    parts = [f"{word}: {amount} a day" if amount else word]
    if check.limit:
        parts.append(f"(limit {check.limit})")
    if check.reading:
        parts.append(f"read as {check.reading}")
    return " ".join(parts)


def _checked_as(item: MedicationResult) -> list[str]:
    if item.resolved is None:
        lines = ["NOT CHECKED (not recognised)"]
        if item.suggestions:
            lines.append("did you mean: " + ", ".join(item.suggestions))
        return lines
    contains = f" (contains {', '.join(item.ingredients)})" if len(item.ingredients) > 1 else ""
    lines = [item.resolved + contains]
    if item.corrected_from:
        lines.append(f"spelling corrected: {item.entered} → {item.resolved}")
    if item.unresolved_parts:
        lines.append("not recognised, not checked: " + ", ".join(item.unresolved_parts))
    if item.dose_check is not None:
        lines.append("dose: " + dose_check_text(item.dose_check))
    return lines


def _entered_table(context: SheetContext) -> Flowable:
    styles = context.styles
    assessment = context.assessment
    if not assessment.medications:
        return para("No medicines or supplements were entered.", styles.body)
    rows: list[list[object]] = [
        [para(text, styles.label) for text in ("As entered", "Dose", "Type", "Checked as")]
    ]
    for item in assessment.medications:
        checked = _checked_as(item)
        rows.append(
            [
                para(item.entered, styles.small),
                para(item.dose or "", styles.small),
                para(item.kind, styles.small),
                markup("<br/>".join(escape(line) for line in checked), styles.small),
            ]
        )
    width = context.width
    return data_table(rows, [width * 0.28, width * 0.22, width * 0.13, width * 0.37])
