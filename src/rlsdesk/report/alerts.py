"""Safety alerts (most severe first) and the medication review."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Table

from rlsdesk.domain.assessment import Alert, MedicationResult
from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import SEVERITY_COLOURS, SEVERITY_LABELS, SEVERITY_TINTS, grid_style
from rlsdesk.report.text import bold, coloured, escape, heading, markup, para

KIND_WORDS = {
    "contraindication": "contraindication",
    "interaction": "interaction",
    "aggravates_rls": "worsens RLS",
    "causes_cramps": "causes cramps",
    "lab": "lab result",
    "unrecognized": "not recognised",
}
MEDICATION_REVIEW_KINDS = ("aggravates_rls", "causes_cramps")


def severity_markup(alert: Alert) -> str:
    colour = SEVERITY_COLOURS[alert.severity].hexval().replace("0x", "#")
    return coloured(SEVERITY_LABELS[alert.severity], colour, strong=True)


def _evidence_and_refs(context: SheetContext, alert: Alert) -> Paragraph:
    refs = context.citations.cite(alert.references)
    lines = [f"Evidence {escape(alert.evidence)}" if alert.evidence else "Evidence —"]
    if refs:
        lines.append(f"Refs {refs}")
    return markup("<br/>".join(lines), context.styles.small)


def safety_alerts(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    flowables = heading("Safety alerts", styles.heading)
    alerts = context.assessment.alerts
    if not alerts:
        return [*flowables, para("No safety alerts for this patient.", styles.body)]
    rows: list[list[object]] = [
        [
            para("Severity", styles.label),
            para("Alert and management", styles.label),
            para("Evidence", styles.label),
        ],
    ]
    extra: list[tuple[object, ...]] = []
    for index, alert in enumerate(alerts, start=1):
        details: list[Flowable] = [
            markup(bold(alert.message), styles.body),
            markup(f"<b>Management:</b> {escape(alert.management)}", styles.body),
        ]
        for acknowledgement in context.acknowledgements_for(alert.code):
            details.append(
                markup(
                    f"<b>Acknowledged by the clinician.</b> Reason: "
                    f"{escape(acknowledgement.reason)}",
                    styles.small,
                )
            )
        rows.append(
            [
                markup(
                    f"{severity_markup(alert)}<br/>{escape(KIND_WORDS[alert.kind])}",
                    styles.small,
                ),
                details,
                _evidence_and_refs(context, alert),
            ]
        )
        extra.append(("BACKGROUND", (0, index), (0, index), SEVERITY_TINTS[alert.severity]))
    width = context.width
    table = Table(
        rows,
        colWidths=[width * 0.19, width * 0.69, width * 0.12],
        repeatRows=1,
        style=grid_style(extra=extra),
    )
    return [*flowables, table]


def medication_involved(alert: Alert, item: MedicationResult) -> bool:
    """Whether the alert names this entered medicine (by generic, ingredient or agent)."""
    names = {item.resolved, *item.ingredients} - {None}
    return bool(names & set(alert.drugs)) or (item.agent is not None and item.agent in alert.agents)


def _entered_as(item: MedicationResult) -> str:
    if item.resolved and item.resolved.casefold() != item.entered.casefold():
        return f"{item.entered} ({item.resolved})"
    return item.entered


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
            names = [
                _entered_as(m) for m in assessment.medications if medication_involved(alert, m)
            ]
            rows.append(
                [
                    markup(
                        f"{bold(', '.join(names) or ', '.join(alert.drugs))}<br/>"
                        f"{severity_markup(alert)}",
                        styles.small,
                    ),
                    para(alert.message, styles.small),
                    para(alert.management, styles.small),
                    para(context.citations.cite(alert.references), styles.small),
                ]
            )
        width = context.width
        flowables.append(
            Table(
                rows,
                colWidths=[width * 0.22, width * 0.38, width * 0.32, width * 0.08],
                repeatRows=1,
                style=grid_style(),
            )
        )
    else:
        flowables.append(
            para("No entered medicine is known to worsen RLS or cause cramps.", styles.body)
        )
    unchecked = [m for m in assessment.medications if m.resolved is None]
    for item in unchecked:
        flowables.append(
            markup(
                f"<b>NOT CHECKED:</b> {escape(item.entered)} ({item.kind}) was not recognised, "
                "so its interactions, RLS aggravation and cramps were not checked.",
                styles.body,
            )
        )
    flowables.append(para("Entered medicines and supplements", styles.subheading))
    flowables.append(_entered_table(context))
    return flowables


def _entered_table(context: SheetContext) -> Flowable:
    styles = context.styles
    assessment = context.assessment
    if not assessment.medications:
        return para("No medicines or supplements were entered.", styles.body)
    rows: list[list[object]] = [
        [para(text, styles.label) for text in ("As entered", "Dose", "Type", "Checked as")]
    ]
    for item in assessment.medications:
        if item.resolved is None:
            checked = markup("<b>NOT CHECKED</b> (not recognised)", styles.small)
        else:
            contains = ""
            if len(item.ingredients) > 1:
                contains = f" (contains {', '.join(item.ingredients)})"
            checked = para(item.resolved + contains, styles.small)
        rows.append(
            [
                para(item.entered, styles.small),
                para(item.dose or "", styles.small),
                para(item.kind, styles.small),
                checked,
            ]
        )
    width = context.width
    return Table(
        rows,
        colWidths=[width * 0.3, width * 0.25, width * 0.13, width * 0.32],
        repeatRows=1,
        style=grid_style(),
    )
