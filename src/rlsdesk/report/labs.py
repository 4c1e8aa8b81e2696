"""The laboratory table: each result as entered and converted, flagged in words."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Table

from rlsdesk.domain.assessment import LabResult
from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import SEVERITY_COLOURS, grid_style
from rlsdesk.report.text import coloured, escape, heading, markup, number, para

FLAG_WORDS = {"low": "LOW", "high": "HIGH", "normal": "normal"}
HEADINGS = ("Test", "As entered", "Converted", "Flag", "Reference range", "Date")


def _flag(context: SheetContext, lab: LabResult) -> Paragraph:
    word = FLAG_WORDS[lab.flag]
    if lab.flag == "normal":
        return para(word, context.styles.muted)
    colour = SEVERITY_COLOURS["major"].hexval().replace("0x", "#")
    return markup(coloured(word, colour, strong=True), context.styles.small)


def _date(context: SheetContext, lab: LabResult) -> Paragraph:
    date = escape(lab.date or "no date")
    if lab.used:
        return markup(date, context.styles.small)
    return markup(f"{date}<br/><b>SUPERSEDED</b> by a newer result", context.styles.muted)


def lab_results(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    title = heading("Laboratory results", styles.heading)
    labs = context.assessment.labs
    if not labs:
        return [*title, para("No laboratory results were entered.", styles.body)]
    rows: list[list[object]] = [[para(text, styles.label) for text in HEADINGS]]
    for lab in labs:
        # A superseded result is printed greyed, and says so in words beside its date.
        style = styles.small if lab.used else styles.muted
        rows.append(
            [
                para(context.analyte_label(lab.analyte), style),
                para(f"{number(lab.value)} {lab.unit}", style),
                para(f"{number(lab.canonical_value)} {lab.canonical_unit}", style),
                _flag(context, lab),
                para(lab.reference_range or "", style),
                _date(context, lab),
            ]
        )
    width = context.width
    table = Table(
        rows,
        colWidths=[w * width for w in (0.24, 0.15, 0.15, 0.1, 0.18, 0.18)],
        repeatRows=1,
        style=grid_style(),
    )
    return [*title, table]
