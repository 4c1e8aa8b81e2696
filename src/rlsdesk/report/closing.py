"""The signature that ends the summary, and the numbered references that end the appendix."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import grid_style
from rlsdesk.report.tables import data_table
from rlsdesk.report.text import bold, heading, markup, para
from rlsdesk.vocabulary import evidence_legend

DISCLAIMER = (
    "This sheet is decision support for a clinician, produced by rlsdesk from the data entered. "
    "It does not replace clinical judgement: the clinician must verify every item against the "
    "patient and the cited sources before acting on it."
)
SIGNATURE_LINE = "_" * 26
DATE_LINE = "_" * 12


def references(context: SheetContext) -> list[Flowable]:
    """Every reference the sheet cited, by number; the list ends the appendix, so it is
    built last, once every section has cited what it needs."""
    styles = context.styles
    flowables = heading("References", styles.heading)
    cited = context.citations.cited()
    if not cited:
        return [*flowables, para("No references were cited.", styles.body)]
    flowables.append(para(evidence_legend(), styles.muted))
    rows: list[list[object]] = []
    for number, reference_id in cited:
        citation = context.options.references.get(reference_id) or reference_id
        rows.append([para(f"{number}.", styles.small), para(citation, styles.small)])
    table = data_table(rows, [8 * mm, context.width - 8 * mm], header=False, rules=False)
    return [*flowables, table]


def signature(context: SheetContext) -> list[Flowable]:
    """The signature block's parts; the sheet keeps them together with what precedes them."""
    styles = context.styles
    clinician = context.options.clinician
    rows = [
        [
            para("Clinician", styles.label),
            markup(bold(clinician) if clinician else SIGNATURE_LINE, styles.body),
            para("Signature", styles.label),
            para(SIGNATURE_LINE, styles.body),
            para("Date", styles.label),
            para(DATE_LINE, styles.body),
        ],
    ]
    width = context.width
    table = Table(
        rows,
        colWidths=[w * width for w in (0.1, 0.3, 0.1, 0.3, 0.06, 0.14)],
        style=grid_style(header=False, rules=False, extra=[("VALIGN", (0, 0), (-1, -1), "BOTTOM")]),
    )
    return [
        Spacer(1, 2 * mm),
        para(DISCLAIMER, styles.muted),
        Spacer(1, 4 * mm),
        table,
    ]
