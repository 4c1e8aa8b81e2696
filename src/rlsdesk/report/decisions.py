"""Page 1's plan: every agent to stop, start, continue or avoid, with its dose and route."""

from __future__ import annotations

from reportlab.platypus import Flowable

from rlsdesk.decision_reasons import planned as planned_decisions
from rlsdesk.decision_reasons import reason_texts
from rlsdesk.domain.assessment import Decision, PlanAction
from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import MUTED_HEX, looked, tint
from rlsdesk.report.tables import data_table
from rlsdesk.report.text import bold, escape, heading, markup, para
from rlsdesk.vocabulary import DECISION, PLAN_ACTION, ROUTE_WORDS


def planned(context: SheetContext) -> list[tuple[PlanAction, Decision]]:
    """(action, decision) for every agent other than not indicated, in the order acted on."""
    return planned_decisions(context.assessment)


def dose_and_route(decision: Decision) -> str:
    parts = [decision.dose or ""]
    if decision.route:
        parts.append(ROUTE_WORDS[decision.route])
    return " · ".join(part for part in parts if part) or "—"


def plan(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    flowables = heading("Plan", styles.heading)
    chosen = planned(context)
    if not chosen:
        return [
            *flowables,
            para("No supplement is indicated or to be avoided on the data given.", styles.body),
        ]
    headings = ("Action", "Supplement", "Dose and route; why not, or why only so")
    rows: list[list[object]] = [[para(text, styles.label) for text in headings]]
    extra: list[tuple[object, ...]] = []
    for index, (action, decision) in enumerate(chosen, start=1):
        why = [
            f'<font color="{MUTED_HEX}">{escape(t)}</font>'
            for t in reason_texts(context.assessment, decision)
        ]
        dose = [escape(dose_and_route(decision))] if decision.dose or not why else []
        action_cell = looked(PLAN_ACTION[action])
        if decision.decision != "avoid":  # stop and avoid already say it
            action_cell += "<br/>" + looked(DECISION[decision.decision], strong=False)
        rows.append(
            [
                markup(action_cell, styles.small),
                markup(bold(context.agent_label(decision.agent)), styles.small),
                markup("<br/>".join(dose + why), styles.small),
            ]
        )
        extra.append(("BACKGROUND", (0, index), (0, index), tint(PLAN_ACTION[action])))
    width = context.width
    table = data_table(
        rows, [width * 0.15, width * 0.19, width * 0.66], extra=extra, split_rows=False
    )
    return [*flowables, table]
