"""Tests to order and follow-up: side by side on page 1, with their sources in the appendix."""

from __future__ import annotations

from reportlab.platypus import Flowable, Table

from rlsdesk.domain.assessment import GuidanceKind, TestToOrder
from rlsdesk.guidance_text import GuidanceLine, guidance_lines
from rlsdesk.report.context import SheetContext
from rlsdesk.report.styles import grid_style
from rlsdesk.report.tables import data_table
from rlsdesk.report.text import bold, escape, heading, markup, para
from rlsdesk.vocabulary import evidence_tag


def _test_name(context: SheetContext, test: TestToOrder) -> str:
    return test.label or context.analyte_label(test.analyte)


def _tests_column(context: SheetContext) -> list[Flowable]:
    """The tests by name: page 1 says what to order, the appendix why (with its sources)."""
    styles = context.styles
    column: list[Flowable] = [para("Tests to order", styles.heading)]
    tests = context.assessment.tests_to_order
    if not tests:
        return [*column, para("No further tests are suggested.", styles.small)]
    return column + [
        markup(bold(_test_name(context, test)), styles.small_bullet, bullet="☐") for test in tests
    ]


def _line(context: SheetContext, line: GuidanceLine, with_references: bool) -> str:
    tag = evidence_tag(line.evidence) if line.evidence else ""
    if with_references and line.references:
        tag = f"{tag[:-1]}; refs {context.citations.cite(line.references)}]"
    return escape(line.text) + (f' <font size="6.5">{escape(tag)}</font>' if tag else "")


def _follow_up_column(context: SheetContext) -> list[Flowable]:
    styles = context.styles
    column: list[Flowable] = [para("Follow-up", styles.heading)]
    lines = guidance_lines(context.assessment, "monitoring")
    if not lines:
        return [*column, para("No monitoring items.", styles.small)]
    return column + [
        markup(_line(context, line, with_references=False), styles.small_bullet, bullet="•")
        for line in lines
    ]


def tests_and_follow_up(context: SheetContext) -> Flowable:
    """Page 1: the tests to order beside follow-up (with evidence tags, no references)."""
    narrow = context.width * 0.3
    return Table(
        [[_tests_column(context), _follow_up_column(context)]],
        colWidths=[narrow, context.width - narrow],
        splitInRow=1,  # two very long lists still print, continued on the next page
        style=grid_style(
            header=False,
            rules=False,
            extra=[("LEFTPADDING", (0, 0), (0, 0), 0), ("RIGHTPADDING", (0, 0), (0, 0), 8)],
        ),
    )


def sources_of_tests(context: SheetContext) -> list[Flowable]:
    """Appendix: each test with its reason and the references of the rule that ordered it."""
    styles = context.styles
    flowables = heading("Tests to order: reasons and sources", styles.heading)
    tests = context.assessment.tests_to_order
    if not tests:
        return [*flowables, para("No further tests are suggested.", styles.body)]
    rows: list[list[object]] = [
        [para(text, styles.label) for text in ("Test", "Reason", "Evidence")]
    ]
    for test in tests:
        refs = context.citations.cite(test.references)
        rows.append(
            [
                markup(bold(_test_name(context, test)), styles.small),
                para(test.reason, styles.small),
                para(
                    (evidence_tag(test.evidence) if test.evidence else "")
                    + (f" refs {refs}" if refs else ""),
                    styles.small,
                ),
            ]
        )
    width = context.width
    return [*flowables, data_table(rows, [width * 0.22, width * 0.64, width * 0.14])]


def guidance_list(
    context: SheetContext, title: str, kind: GuidanceKind, empty: str
) -> list[Flowable]:
    """Appendix: a bulleted list of guidance items with evidence tags and references."""
    styles = context.styles
    flowables = heading(title, styles.heading)
    lines = guidance_lines(context.assessment, kind)
    if not lines:
        return [*flowables, para(empty, styles.body)]
    return flowables + [
        markup(_line(context, line, with_references=True), styles.bullet, bullet="•")
        for line in lines
    ]
