"""The appendix's account of each decision: the rule, the inputs that fired it (as entered,
converted and against the threshold), notes and safety effects, evidence and references.

Everything comes from the decision's own fields (rule, basis, notes, evidence, references):
the rationale text is printed only for an assessment that carries no rule.
"""

from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from rlsdesk.domain.assessment import Basis, Decision
from rlsdesk.report.context import SheetContext
from rlsdesk.report.decisions import dose_and_route, planned
from rlsdesk.report.styles import RULE, SHADE, grid_style, looked
from rlsdesk.report.tables import data_table
from rlsdesk.report.text import bold, escape, heading, markup, para
from rlsdesk.vocabulary import DECISION, PLAN_ACTION, evidence_text


def _inputs_table(context: SheetContext, basis: list[Basis], width: float) -> Table:
    small, label = context.styles.small, context.styles.label
    rows: list[list[object]] = [
        [para(text, label) for text in ("Input", "As entered", "Converted", "Threshold")]
    ]
    rows += [
        [
            para(item.input, small),
            para(item.entered, small),
            para(item.canonical or "", small),
            para(item.comparison_words or "", small),
        ]
        for item in basis
    ]
    table = data_table(
        rows,
        [width * 0.32, width * 0.18, width * 0.18, width * 0.32],
        header=False,
        rules=False,
        extra=[("LINEBELOW", (0, 0), (-1, 0), 0.4, RULE)],
    )
    table.hAlign = "LEFT"
    return table


def _title(context: SheetContext, action: str, decision: Decision) -> Paragraph:
    parts = [
        looked(PLAN_ACTION[action]),
        bold(context.agent_label(decision.agent)),
        looked(DECISION[decision.decision], strong=False),
    ]
    if decision.taking:
        parts.append("patient already takes it")
    return markup("  ·  ".join(parts), context.styles.body)


def _why(context: SheetContext, decision: Decision, width: float) -> list[Flowable]:
    styles = context.styles
    if decision.rule is None:
        return [para(decision.rationale, styles.body)]
    why: list[Flowable] = [para(decision.rule, styles.body)]
    if decision.basis:
        why.append(_inputs_table(context, decision.basis, width))
    why += [para(note, styles.bullet, bullet="•") for note in decision.notes]
    why += [
        markup(f"<b>Reason:</b> {escape(a.message)} {escape(a.management)}", styles.small)
        for a in context.reasons_for(decision)
    ]
    return why


def _block(context: SheetContext, action: str, decision: Decision) -> Flowable:
    styles = context.styles
    label_width = context.width * 0.14
    content_width = context.width - label_width - 8
    rows: list[list[object]] = [
        [_title(context, action, decision), ""],
        [para("Dose", styles.label), para(dose_and_route(decision), styles.body)],
    ]
    if decision.timing:
        rows.append(
            [
                para("Timing", styles.label),
                [para(item, styles.bullet, bullet="•") for item in decision.timing],
            ]
        )
    rows.append([para("Why", styles.label), _why(context, decision, content_width)])
    refs = context.citations.cite(decision.references)
    rows.append(
        [
            para("Evidence", styles.label),
            para(
                evidence_text(decision.evidence) + (f"; references {refs}" if refs else ""),
                styles.small,
            ),
        ]
    )
    table = Table(
        rows,
        colWidths=[label_width, context.width - label_width],
        splitInRow=1,  # only a block taller than a whole page is split, inside a row
        style=grid_style(
            header=False,
            rules=False,
            extra=[
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), SHADE),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
            ],
        ),
    )
    # A recommendation is read whole: it moves to the next page rather than split.
    return KeepTogether([table, Spacer(1, 4)])


def decision_details(context: SheetContext) -> list[Flowable]:
    flowables = heading("Why: each decision in detail", context.styles.heading)
    chosen = planned(context)
    if not chosen:
        return [*flowables, para("No decision other than not indicated.", context.styles.body)]
    return flowables + [_block(context, action, decision) for action, decision in chosen]
