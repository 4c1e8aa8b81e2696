"""The end of the sheet: numbered references, then the clinician's signature."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table

from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import EVIDENCE_LEGEND, grid_style
from rlsdesk.report.text import bold, escape, heading, markup, para

DISCLAIMER = (
    "This sheet is decision support for a clinician, produced by rlsdesk from the data entered. "
    "It does not replace clinical judgement: the clinician must verify every item against the "
    "patient and the cited sources before acting on it."
)


def references(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    flowables = heading("References", styles.heading)
    cited = context.citations.cited()
    if not cited:
        return [*flowables, para("No references were cited.", styles.body)]
    flowables.append(para(EVIDENCE_LEGEND, styles.muted))
    rows: list[list[object]] = []
    for number, reference_id in cited:
        citation = context.options.references.get(reference_id)
        text = escape(citation) if citation else ""
        text += f' <font color="#5b6470">[{escape(reference_id)}]</font>'
        rows.append([para(f"{number}.", styles.small), markup(text.strip(), styles.small)])
    table = Table(
        rows,
        colWidths=[8 * mm, context.width - 8 * mm],
        style=grid_style(header=False, rules=False),
    )
    return [*flowables, table]


def signature(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    clinician = context.options.clinician
    line = "_" * 38
    rows = [
        [
            para("Clinician", styles.label),
            markup(bold(clinician) if clinician else line, styles.body),
            para("Signature", styles.label),
            para(line, styles.body),
        ],
        [para("Date", styles.label), para(line, styles.body), "", ""],
    ]
    width = context.width
    table = Table(
        rows,
        colWidths=[width * 0.1, width * 0.4, width * 0.12, width * 0.38],
        style=grid_style(header=False, rules=False),
    )
    block: list[Flowable] = [
        para("Signature", styles.heading),
        para(DISCLAIMER, styles.body),
        Spacer(1, 5 * mm),
        table,
    ]
    return [KeepTogether(block)]
