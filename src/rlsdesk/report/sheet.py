"""Build the recommendation sheet (PDF) from an assessment alone.

Page 1 is the summary a clinician signs: patient, the alerts to act on, the plan, the daily
schedule, tests to order, follow-up and the signature. The detailed basis follows as an
appendix on a new page (left out with ``SheetOptions.summary_only``), then the handout.
The report layer makes no clinical judgement: it only lays the assessment out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, KeepTogether, PageBreak

from rlsdesk import __version__
from rlsdesk.domain.assessment import Assessment
from rlsdesk.fileio import write_atomic
from rlsdesk.report.alerts import alerts_to_act_on, all_alerts
from rlsdesk.report.basis import decision_details
from rlsdesk.report.closing import references, signature
from rlsdesk.report.context import SheetContext
from rlsdesk.report.decisions import plan
from rlsdesk.report.followup import guidance_list, sources_of_tests, tests_and_follow_up
from rlsdesk.report.fonts import register_fonts
from rlsdesk.report.handout import handout
from rlsdesk.report.labs import lab_results
from rlsdesk.report.medications import medication_review
from rlsdesk.report.options import SheetOptions
from rlsdesk.report.page import Footer, frame_width, render
from rlsdesk.report.patient import header, patient_block
from rlsdesk.report.schedule import schedule
from rlsdesk.report.styles import make_styles
from rlsdesk.report.text import para
from rlsdesk.report.trends import trend_section

__all__ = ["SheetOptions", "build_sheet", "write_sheet"]

APPENDIX_TITLE = "Appendix: the basis of this sheet"
# How much of the schedule moves with the closing part of page 1 (tests, follow-up and
# signature) to a new page, so the signature never stands alone at the top of one.
KEPT_WITH_SIGNATURE = 2


def with_signature(section: list[Flowable], closing: list[Flowable]) -> list[Flowable]:
    """The section, its last few flowables kept on one page with the signature block."""
    cut = max(0, len(section) - KEPT_WITH_SIGNATURE)
    return [*section[:cut], KeepTogether([*section[cut:], *closing])]


def summary(context: SheetContext) -> list[Flowable]:
    """Page 1, in reading order: what to act on first, what to sign last."""
    return [
        *header(context),
        *patient_block(context),
        *alerts_to_act_on(context),
        *plan(context),
        *with_signature(schedule(context), [tests_and_follow_up(context), *signature(context)]),
    ]


def appendix(context: SheetContext) -> list[Flowable]:
    """The detailed basis; references are numbered as cited here, top to bottom."""
    return [
        PageBreak(),
        para(APPENDIX_TITLE, context.styles.title),
        *decision_details(context),
        *all_alerts(context),
        *medication_review(context),
        *lab_results(context),
        *trend_section(context),
        *sources_of_tests(context),
        *guidance_list(context, "Monitoring: sources", "monitoring", "None."),
        *guidance_list(context, "Lifestyle measures", "lifestyle", "None listed."),
        *guidance_list(context, "Red flags", "red_flag", "None listed."),
        *references(context),
    ]


def _story(context: SheetContext) -> list[Any]:
    story: list[Any] = summary(context)
    if not context.options.summary_only:
        story += appendix(context)
    if context.options.handout:
        story += handout(context)
    return story


def _footer(context: SheetContext) -> Footer:
    stamp = context.assessment.knowledge_base
    provenance = (
        f"Knowledge base {stamp.version} ({stamp.sha256[:12]}) · rlsdesk {__version__} · "
        f"generated {context.generated_text}"
    )
    return Footer(patient=context.patient_line(), provenance=provenance)


def compose(assessment: Assessment, options: SheetOptions) -> tuple[list[Any], Footer]:
    """The story (flowables, in reading order) and the footer, before any layout."""
    register_fonts()
    context = SheetContext(
        assessment=assessment,
        options=options,
        styles=make_styles(),
        generated_at=options.timestamp(),
        width=frame_width(options.page_size),
    )
    return _story(context), _footer(context)


def build_sheet(assessment: Assessment, options: SheetOptions) -> bytes:
    """The sheet as PDF bytes. Reproducible options give the same bytes for the same case."""
    story, footer = compose(assessment, options)
    return render(story, options.page_size, footer, options.reproducible)


def write_sheet(path: Path, assessment: Assessment, options: SheetOptions) -> bytes:
    """Build the sheet and write it atomically: an existing file is replaced whole or not at all."""
    pdf = build_sheet(assessment, options)
    write_atomic(path, pdf)
    return pdf
