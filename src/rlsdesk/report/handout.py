"""The patient handout page: plain words, what to take and when, what to avoid, what next.

It restates the assessment for the patient; it adds no clinical content of its own, carries
no reference numbers and no evidence tags.
"""

from __future__ import annotations

import re

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer

from rlsdesk.domain.assessment import Decision
from rlsdesk.report.context import SheetContext
from rlsdesk.report.medications import MEDICATION_REVIEW_KINDS, medication_involved
from rlsdesk.report.text import bold, escape, markup, para
from rlsdesk.schedule_words import conflict_words, patient_slot_words

HOURS = re.compile(r"\b(\d+)\s?h\b")
PROBLEM_WORDS = {
    "aggravates_rls": "can make restless legs worse",
    "causes_cramps": "can cause leg cramps",
}


def _spell_hours(text: str) -> str:
    """'2 h' -> '2 hours': abbreviations are a barrier on a patient's page."""
    return HOURS.sub(lambda m: f"{m[1]} hour" + ("" if m[1] == "1" else "s"), text)


def _what_to_take(context: SheetContext, decision: Decision) -> Flowable:
    """One bullet per supplement: what it is and how to take it, in plain words."""
    style = context.styles.handout_bullet
    label = context.agent_label(decision.agent)
    if decision.route == "iv":
        advice = "Given as a drip (infusion) at the clinic. Your clinician will arrange it."
    else:
        advice = context.options.patient_advice.get(decision.agent) or decision.dose or ""
    if decision.decision == "consider":
        advice = f"Only if your clinician ticks this box ☐. {advice}"
    elif decision.decision == "caution":
        advice = f"Take only the amount your clinician writes down. {advice}"
    if decision.taking:
        advice = f"You already take this. {advice}"
    return markup(f"{bold(label)}: {escape(_spell_hours(advice))}", style, bullet="•")


def _your_day(context: SheetContext, taking: list[Decision]) -> list[Flowable]:
    """The daily schedule as the patient reads it: '8:00, with food: calcium; vitamin D'."""
    assessment = context.assessment
    bullet = context.styles.handout_bullet
    lines = [patient_slot_words(slot) for slot in assessment.schedule]
    lines += [conflict_words(c) + " Ask your clinician." for c in assessment.schedule_conflicts]
    if not lines:
        # No computed schedule: the separation rules of each supplement, each said once.
        lines = list(dict.fromkeys(t for d in taking for t in d.timing))
    if not lines:
        return []
    return [
        para("Your day", context.styles.handout_heading),
        *[para(_spell_hours(line), bullet, bullet="•") for line in lines],
    ]


def handout(context: SheetContext) -> list[Flowable]:
    styles, options = context.styles, context.options
    assessment = context.assessment
    heading, body, bullet = styles.handout_heading, styles.handout_body, styles.handout_bullet
    prepared = [f"For {context.patient_line()}", context.generated_at.strftime("%d %B %Y")]
    if options.clinician:
        prepared.append(f"from {options.clinician}")
    if options.clinic_name:
        prepared.append(options.clinic_name)
    flowables: list[Flowable] = [
        PageBreak(),
        para("Your treatment plan", styles.handout_title),
        para(" · ".join(prepared), styles.muted),
        Spacer(1, 4 * mm),
        para(
            "This page sums up what you and your clinician agreed today. "
            "Keep it with your medicines and bring it to your next visit.",
            body,
        ),
        para("What to take", heading),
    ]
    taking = [d for d in assessment.decisions if d.action in ("start", "continue")]
    if taking:
        flowables += [_what_to_take(context, decision) for decision in taking]
    else:
        flowables.append(para("No supplements are needed for now.", body))
    flowables += [
        markup(
            f"{bold(context.agent_label(d.agent))}: not to be started yet. Your clinician will "
            "plan it with you.",
            bullet,
            bullet="•",
        )
        for d in assessment.decisions
        if d.action == "defer"
    ]
    flowables += _your_day(context, taking)

    flowables.append(para("What to avoid", heading))
    avoid_lines = [
        f"{bold(context.agent_label(d.agent))}: "
        + (
            "please stop taking this, as agreed with your clinician."
            if d.action == "stop"
            else "please do not take this unless your clinician tells you to."
        )
        for d in assessment.decisions
        if d.action in ("stop", "avoid")
    ]
    for alert in assessment.alerts:
        if alert.kind in MEDICATION_REVIEW_KINDS:
            names = [m.entered for m in assessment.medications if medication_involved(alert, m)]
            if names:
                avoid_lines.append(
                    f"{bold(', '.join(names))} {PROBLEM_WORDS[alert.kind]}. Do not stop it on "
                    "your own: ask your clinician whether another medicine would suit you better."
                )
    if not avoid_lines:
        avoid_lines.append("Nothing in particular. Ask before starting any new supplement.")
    flowables += [markup(line, bullet, bullet="•") for line in avoid_lines]

    flowables.append(para("When to come back", heading))
    if assessment.tests_to_order:
        labels = ", ".join(
            t.label or context.analyte_label(t.analyte) for t in assessment.tests_to_order
        )
        flowables.append(para(f"Blood tests we are arranging: {labels}.", bullet, bullet="•"))
    flowables += [
        para(
            "We will check how the treatment is working. Your next visit: ____________________",
            bullet,
            bullet="•",
        ),
        para(
            "Contact the clinic sooner if your symptoms get worse, if a supplement upsets you, "
            "or if anything new worries you.",
            bullet,
            bullet="•",
        ),
        para(
            "Do not stop or change a prescribed medicine without talking to your clinician.",
            bullet,
            bullet="•",
        ),
    ]
    return flowables
