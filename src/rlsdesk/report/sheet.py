"""Build the recommendation sheet (PDF) from an assessment alone.

The report layer makes no clinical judgement: every decision, alert and text comes from the
assessment; this module only lays them out, in a fixed order, safety first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rlsdesk import __version__
from rlsdesk.domain.assessment import Assessment
from rlsdesk.fileio import write_atomic
from rlsdesk.report.alerts import medication_review, safety_alerts
from rlsdesk.report.closing import references, signature
from rlsdesk.report.context import SheetContext
from rlsdesk.report.fonts import register_fonts
from rlsdesk.report.handout import handout
from rlsdesk.report.labs import lab_results
from rlsdesk.report.options import SheetOptions
from rlsdesk.report.page import Footer, frame_width, render
from rlsdesk.report.patient import header, patient_block
from rlsdesk.report.plan import avoid, guidance_list, recommendations, tests_to_order
from rlsdesk.report.styles import make_styles

__all__ = ["SheetOptions", "build_sheet", "write_sheet"]


def _story(context: SheetContext) -> list[Any]:
    assessment = context.assessment
    # Order matters twice: it is the reading order, and references are numbered as cited.
    story: list[Any] = [
        *header(context),
        *patient_block(context),
        *safety_alerts(context),
        *recommendations(context),
        *avoid(context),
        *medication_review(context),
        *tests_to_order(context),
        *guidance_list(
            context, "Monitoring and follow-up", assessment.monitoring, "No monitoring items."
        ),
        *guidance_list(
            context, "Lifestyle measures", assessment.lifestyle, "No lifestyle measures listed."
        ),
        *guidance_list(context, "Red flags", assessment.red_flags, "No red flags listed."),
        *lab_results(context),
        *references(context),
        *signature(context),
    ]
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
