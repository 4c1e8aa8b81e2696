"""Alerts: the ones to act on (page 1), and every alert with its evidence (appendix)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import Flowable, Paragraph

from rlsdesk.domain.assessment import Alert
from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import looked
from rlsdesk.report.tables import data_table
from rlsdesk.report.text import bold, escape, heading, markup, para
from rlsdesk.vocabulary import ALERT_KINDS, SEVERITY, TIER, evidence_tag

NOT_ACKNOWLEDGED = "NOT ACKNOWLEDGED"


def _kind_cell(context: SheetContext, alert: Alert) -> Paragraph:
    look = SEVERITY[alert.severity]
    return markup(f"{looked(look)}<br/>{escape(ALERT_KINDS[alert.kind])}", context.styles.small)


def _acknowledgement(context: SheetContext, alert: Alert) -> list[Flowable]:
    """An interruptive alert says whether the clinician acknowledged it, and why."""
    if alert.tier != "interruptive":
        return []
    given = context.acknowledgements_for(alert.code)
    if not given:
        colour = SEVERITY["contraindicated"].colour
        return [
            markup(
                f'<font color="{colour}"><b>{NOT_ACKNOWLEDGED}</b></font> '
                "by the clinician before this sheet was produced.",
                context.styles.small,
            )
        ]
    return [
        markup(
            "<b>Acknowledged by the clinician.</b> "
            + (f"Reason: {escape(a.reason)}" if a.reason else "No reason given."),
            context.styles.small,
        )
        for a in given
    ]


def alerts_to_act_on(context: SheetContext) -> list[Flowable]:
    """Page 1: the interruptive and alert-tier items, with their acknowledgement. The
    severity leads each line in words and symbol; a bar in its colour repeats it."""
    styles = context.styles
    flowables = heading("Alerts", styles.heading)
    shown = context.shown_alerts()
    if not shown:
        return [*flowables, para("No alerts for this patient.", styles.body)]
    rows: list[list[object]] = []
    extra: list[tuple[object, ...]] = []
    for index, alert in enumerate(shown):
        look = SEVERITY[alert.severity]
        lead = f"{looked(look)} {escape(ALERT_KINDS[alert.kind])} · "
        rows.append(
            [
                [
                    markup(f"{lead}{bold(alert.message)} {escape(alert.management)}", styles.small),
                    *_acknowledgement(context, alert),
                ]
            ]
        )
        extra.append(("LINEBEFORE", (0, index), (0, index), 2.5, colors.HexColor(look.colour)))
    return [*flowables, data_table(rows, [context.width], extra=extra, header=False)]


def all_alerts(context: SheetContext) -> list[Flowable]:
    """Appendix: every alert of the assessment, whichever tier shows it, with its evidence."""
    styles = context.styles
    flowables = heading("All alerts, with evidence", styles.heading)
    alerts = context.assessment.alerts
    if not alerts:
        return [*flowables, para("The assessment raised no alerts.", styles.body)]
    rows: list[list[object]] = [
        [para(text, styles.label) for text in ("Severity", "Alert and management", "Evidence")]
    ]
    for alert in alerts:
        refs = context.citations.cite(alert.references)
        rows.append(
            [
                markup(
                    f"{looked(SEVERITY[alert.severity])}<br/>{escape(ALERT_KINDS[alert.kind])}"
                    f"<br/>{looked(TIER[alert.tier], strong=False)}",
                    styles.small,
                ),
                [
                    markup(bold(alert.message), styles.small),
                    markup(f"<b>Management:</b> {escape(alert.management)}", styles.small),
                ],
                para(
                    evidence_tag(alert.evidence) + (f" refs {refs}" if refs else ""),
                    styles.small,
                ),
            ]
        )
    width = context.width
    return [*flowables, data_table(rows, [width * 0.2, width * 0.66, width * 0.14])]
