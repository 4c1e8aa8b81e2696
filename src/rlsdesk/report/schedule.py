"""Page 1's daily schedule: a compact table by time, and whatever could not be placed."""

from __future__ import annotations

from reportlab.platypus import Flowable

from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import MUTED
from rlsdesk.report.tables import data_table
from rlsdesk.report.text import bold, escape, heading, markup, para
from rlsdesk.schedule_words import clock, conflict_words, item_words


def schedule(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    assessment = context.assessment
    flowables = heading("Daily schedule", styles.heading)
    if assessment.schedule:
        rows: list[list[object]] = [
            [para("Time", styles.label), para("What to take", styles.label)]
        ]
        for slot in assessment.schedule:
            lines = [
                bold(item.label) + escape(item_words(item).removeprefix(item.label))
                for item in slot.items
            ]
            rows.append(
                [
                    markup(bold(clock(slot.time)), styles.small),
                    markup("; ".join(lines), styles.small),  # one run per time: compact
                ]
            )
        width = context.width
        extra = [("LINEAFTER", (0, 0), (0, -1), 0.4, MUTED)]
        flowables.append(data_table(rows, [width * 0.1, width * 0.9], extra=extra))
    for conflict in assessment.schedule_conflicts:
        flowables.append(markup(bold(conflict_words(conflict)), styles.body))
    if not assessment.schedule and not assessment.schedule_conflicts:
        flowables += _separations_without_schedule(context)
    return flowables


def _separations_without_schedule(context: SheetContext) -> list[Flowable]:
    """An assessment with no computed schedule still shows its separation rules here."""
    styles = context.styles
    timing = list(
        dict.fromkeys(
            t for d in context.assessment.decisions for t in d.timing if d.decision != "avoid"
        )
    )
    if not timing:
        return [para("Nothing needs to be timed.", styles.body)]
    return [para(text, styles.bullet, bullet="•") for text in timing]
