"""The plan: what to give, what to avoid, tests to order, monitoring, lifestyle, red flags."""

from __future__ import annotations

from reportlab.platypus import Flowable, Paragraph, Spacer, Table

from rlsdesk.domain.assessment import Basis, Decision
from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import DECISION_LABELS, RULE, SHADE, grid_style
from rlsdesk.report.text import bold, escape, heading, markup, para

# Strongest first, so the clinician reads what to start before what to weigh up.
SHOWN_DECISIONS = ("recommend", "caution", "consider")
ROUTE_WORDS = {"oral": "oral", "iv": "intravenous"}


def _described(basis: Basis) -> str:
    value = basis.entered
    if basis.canonical and basis.canonical != basis.entered:
        value += f" (= {basis.canonical})"
    text = f"{basis.input} {value}"
    return text + (f", meets {basis.threshold}" if basis.threshold else "")


def rationale_without_inputs(decision: Decision) -> str:
    """The rationale less its 'Inputs: ...' sentence, which the sheet shows as a table.

    The sentence is removed only when it is found exactly as the engine writes it; any other
    wording leaves the rationale whole, so nothing is ever lost from the sheet.
    """
    if not decision.basis:
        return decision.rationale
    sentence = "Inputs: " + "; ".join(_described(b) for b in decision.basis) + "."
    if sentence not in decision.rationale:
        return decision.rationale
    return " ".join(decision.rationale.replace(sentence, "").split())


def _inputs_table(context: SheetContext, basis: list[Basis], width: float) -> Table:
    small, label = context.styles.small, context.styles.label
    rows: list[list[object]] = [
        [para(text, label) for text in ("Input", "As entered", "Converted", "Threshold met")]
    ]
    for item in basis:
        rows.append(
            [
                para(item.input, small),
                para(item.entered, small),
                para(item.canonical or "", small),
                para(item.threshold or "", small),
            ]
        )
    table = Table(
        rows,
        colWidths=[width * 0.32, width * 0.18, width * 0.18, width * 0.32],
        style=grid_style(
            header=False, rules=False, extra=[("LINEBELOW", (0, 0), (-1, 0), 0.4, RULE)]
        ),
    )
    table.hAlign = "LEFT"
    return table


def _decision_title(context: SheetContext, decision: Decision) -> Paragraph:
    parts = [bold(context.agent_label(decision.agent)), bold(DECISION_LABELS[decision.decision])]
    if decision.route:
        parts.append(escape(ROUTE_WORDS[decision.route]))
    if decision.taking:
        parts.append("patient already takes it")
    return markup("  ·  ".join(parts), context.styles.body)


def _recommendation(context: SheetContext, decision: Decision) -> Flowable:
    styles = context.styles
    label_width = context.width * 0.14
    content_width = context.width - label_width - 8
    rows: list[list[object]] = [[_decision_title(context, decision), ""]]
    if decision.dose:
        rows.append([para("Dose", styles.label), para(decision.dose, styles.body)])
    if decision.timing:
        rows.append(
            [
                para("Timing", styles.label),
                [para(item, styles.bullet, bullet="•") for item in decision.timing],
            ]
        )
    rows.append([para("Why", styles.label), para(rationale_without_inputs(decision), styles.body)])
    if decision.basis:
        rows.append(
            [para("Inputs", styles.label), _inputs_table(context, decision.basis, content_width)]
        )
    refs = context.citations.cite(decision.references)
    evidence = f"{decision.evidence or '—'}" + (f"  ·  refs {refs}" if refs else "")
    rows.append([para("Evidence", styles.label), para(evidence, styles.body)])
    table = Table(
        rows,
        colWidths=[label_width, context.width - label_width],
        repeatRows=1,  # a block split over two pages keeps its title on both
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
    return table


def recommendations(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    chosen = sorted(
        (d for d in context.assessment.decisions if d.decision in SHOWN_DECISIONS),
        key=lambda d: SHOWN_DECISIONS.index(d.decision),
    )
    flowables = heading("Recommendations", styles.heading)
    if not chosen:
        return [*flowables, para("No supplement is indicated by the data given.", styles.body)]
    for decision in chosen:
        flowables += [_recommendation(context, decision), Spacer(1, 4)]
    return flowables


def avoid(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    avoided = [d for d in context.assessment.decisions if d.decision == "avoid"]
    title = heading("Avoid", styles.heading)
    if not avoided:
        return [*title, para("No supplement needs to be avoided.", styles.body)]
    rows: list[list[object]] = [
        [para(text, styles.label) for text in ("Supplement", "Why", "Evidence")]
    ]
    for decision in avoided:
        refs = context.citations.cite(decision.references)
        rows.append(
            [
                markup(f"{bold(context.agent_label(decision.agent))}<br/>AVOID", styles.small),
                para(decision.rationale, styles.small),
                para(
                    f"{decision.evidence or '—'}" + (f"; refs {refs}" if refs else ""), styles.small
                ),
            ]
        )
    width = context.width
    table = Table(
        rows, colWidths=[width * 0.2, width * 0.66, width * 0.14], repeatRows=1, style=grid_style()
    )
    return [*title, table]


def tests_to_order(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    title = heading("Tests to order", styles.heading)
    tests = context.assessment.tests_to_order
    if not tests:
        return [*title, para("No further tests are suggested.", styles.body)]
    rows: list[list[object]] = [[para(text, styles.label) for text in ("Test", "Reason", "Refs")]]
    for test in tests:
        rows.append(
            [
                markup(bold(test.label or context.analyte_label(test.analyte)), styles.small),
                para(test.reason, styles.small),
                para(context.citations.cite(test.references), styles.small),
            ]
        )
    width = context.width
    table = Table(
        rows, colWidths=[width * 0.22, width * 0.68, width * 0.1], repeatRows=1, style=grid_style()
    )
    return [*title, table]


def guidance_list(
    context: SheetContext, title: str, items: list[str], empty: str
) -> list[Flowable]:
    """A bulleted list of guidance items whose '[V; R1]' tags are cited by number."""
    styles = context.styles
    flowables = heading(title, styles.heading)
    if not items:
        return [*flowables, para(empty, styles.body)]
    for item in items:
        text, evidence, refs = context.citations.split_tag(item)
        tag = ""
        if evidence:
            tag = f' <font size="7">[{escape(evidence)}' + (f"; refs {refs}]" if refs else "]")
            tag += "</font>"
        flowables.append(markup(escape(text) + tag, styles.bullet, bullet="•"))
    return flowables
