"""Trend charts for the sheet's appendix: each analyte's dated results as a line, with the
decision thresholds of the knowledge base drawn across (reportlab's own graphics)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.platypus import Flowable

from rlsdesk.labimport.trend import Trend
from rlsdesk.report.context import SheetContext
from rlsdesk.report.fonts import REGULAR
from rlsdesk.report.styles import ACCENT, MUTED, RULE, Styles
from rlsdesk.report.text import heading

SHEET_TRENDS = ("ferritin", "tsat")  # the iron trend the appendix shows when there is one
CHART_HEIGHT = 110.0
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_BOTTOM, MARGIN_TOP = 40.0, 70.0, 18.0, 8.0
FONT_SIZE = 7
HEADROOM = 1.15  # the highest point or threshold sits below the top edge


def trend_drawing(trend: Trend, width: float, height: float = CHART_HEIGHT) -> Drawing:
    """One chart: dates along, values up, a dashed line per threshold labelled with its
    value; every point labelled with its value so nothing is read off the axis."""
    # initialFontName: the drawing would otherwise start in base-14 Helvetica (not embedded).
    drawing = Drawing(width, height, initialFontName=REGULAR)
    plot_w = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = height - MARGIN_BOTTOM - MARGIN_TOP
    first_day, last_day = trend.points[0][0], trend.points[-1][0]
    span_days = max((last_day - first_day).days, 1)
    top = max([v for _, v in trend.points] + [t.value for t in trend.thresholds]) * HEADROOM
    top = top or 1.0

    def x(day_offset: int) -> float:
        return MARGIN_LEFT + plot_w * day_offset / span_days

    def y(value: float) -> float:
        return MARGIN_BOTTOM + plot_h * value / top

    drawing.add(
        Line(MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_LEFT + plot_w, MARGIN_BOTTOM, strokeColor=RULE)
    )
    drawing.add(
        Line(MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_BOTTOM + plot_h, strokeColor=RULE)
    )
    label_floor = float("-inf")  # thresholds are sorted: close ones stack their labels upwards
    for threshold in trend.thresholds:
        level = y(threshold.value)
        label_y = max(level - 2, label_floor + FONT_SIZE + 1)
        label_floor = label_y
        drawing.add(
            Line(
                MARGIN_LEFT,
                level,
                MARGIN_LEFT + plot_w,
                level,
                strokeColor=MUTED,
                strokeDashArray=[3, 2],
                strokeWidth=0.6,
            )
        )
        drawing.add(
            String(
                MARGIN_LEFT + plot_w + 4,
                label_y,
                f"{trend.shown(threshold.value)} {trend.unit}",
                fontName=REGULAR,
                fontSize=FONT_SIZE,
                fillColor=MUTED,
            )
        )
    coordinates = [(x((day - first_day).days), y(value)) for day, value in trend.points]
    drawing.add(
        PolyLine([c for point in coordinates for c in point], strokeColor=ACCENT, strokeWidth=1.2)
    )
    for (_, value), (px, py) in zip(trend.points, coordinates, strict=True):
        drawing.add(Circle(px, py, 2, fillColor=ACCENT, strokeColor=ACCENT))
        drawing.add(
            String(
                px,
                py + 4,
                trend.shown(value),
                fontName=REGULAR,
                fontSize=FONT_SIZE,
                textAnchor="middle",
                fillColor=ACCENT,
            )
        )
    for day in dict.fromkeys((first_day, last_day)):
        drawing.add(
            String(
                x((day - first_day).days),
                4,
                day.isoformat(),
                fontName=REGULAR,
                fontSize=FONT_SIZE,
                textAnchor="middle",
                fillColor=MUTED,
            )
        )
    return drawing


def trend_section(context: SheetContext) -> list[Flowable]:
    """The appendix's trend charts (nothing when the options carry no knowledge base)."""
    trends_of = context.options.trends_of
    if trends_of is None:
        return []
    found = trends_of(context.assessment.case.labs).values()
    return trend_charts(list(found), context.styles, context.width)


def trend_charts(trends: Sequence[Trend], styles: Styles, width: float) -> list[Flowable]:
    """A heading and one chart for each of the sheet's trend analytes that has a trend."""
    shown = [t for t in trends if t.analyte in SHEET_TRENDS]
    if not shown:
        return []
    section: list[Flowable] = [*heading("Trend over time", styles.heading)]
    for trend in shown:
        section += heading(f"{trend.label} ({trend.unit})", styles.subheading)
        section.append(trend_drawing(trend, width))
    return section


def trend_sentences(context: SheetContext) -> list[str]:
    """Page 1's lines: "ferritin 38 -> 62 ng/mL since 2026-08-01" for the sheet's trends."""
    trends_of = context.options.trends_of
    if trends_of is None:
        return []
    found = trends_of(context.assessment.case.labs)
    return [found[analyte].sentence() for analyte in SHEET_TRENDS if analyte in found]
