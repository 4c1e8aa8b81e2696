"""Small trend charts in the app: for each analyte with at least two dated results, its values
over time with the knowledge base's decision thresholds drawn across."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QShowEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.labimport.review import dated_entries
from rlsdesk.labimport.trend import Trend, trends
from rlsdesk.session.formstate import FormState
from rlsdesk.ui.form import CaseForm

CHART_HEIGHT = 120
MARGINS = (36.0, 12.0, 64.0, 18.0)  # left, top, right, bottom, in pixels
HEADROOM = 1.15
LINE = QColor("#1f3a5f")
THRESHOLD = QColor("#5b6470")
AXIS = QColor("#c5cbd3")


class TrendChart(QWidget):
    def __init__(self, trend: Trend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.trend = trend
        self.setMinimumHeight(CHART_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        values = ", ".join(f"{d}: {trend.shown(v)}" for d, v in trend.points)
        self.setAccessibleName(f"{trend.label} trend")
        self.setAccessibleDescription(f"{trend.label} in {trend.unit}: {values}")
        self.setToolTip(self.accessibleDescription())

    def paintEvent(self, event: QPaintEvent) -> None:
        trend = self.trend
        left, top, right, bottom = MARGINS
        plot = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        first_day, last_day = trend.points[0][0], trend.points[-1][0]
        span = max((last_day - first_day).days, 1)
        high = max([v for _, v in trend.points] + [t.value for t in trend.thresholds])
        high = (high * HEADROOM) or 1.0

        def point(day_offset: int, value: float) -> QPointF:
            return QPointF(
                plot.left() + plot.width() * day_offset / span,
                plot.bottom() - plot.height() * value / high,
            )

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(AXIS))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        dashed = QPen(THRESHOLD, 1, Qt.PenStyle.DashLine)
        for threshold in trend.thresholds:
            y = point(0, threshold.value).y()
            painter.setPen(dashed)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.drawText(
                QPointF(plot.right() + 4, y + 4), f"{trend.shown(threshold.value)} {trend.unit}"
            )
        points = [point((day - first_day).days, value) for day, value in trend.points]
        painter.setPen(QPen(LINE, 2))
        painter.drawPolyline(points)
        painter.setBrush(LINE)
        for (_, value), at in zip(trend.points, points, strict=True):
            painter.drawEllipse(at, 3, 3)
            painter.drawText(at + QPointF(-8, -6), trend.shown(value))
        painter.setPen(QPen(THRESHOLD))
        painter.drawText(QPointF(plot.left() - 20, self.height() - 3), str(first_day))
        painter.drawText(QPointF(plot.right() - 60, self.height() - 3), str(last_day))
        painter.end()


class TrendsPanel(QScrollArea):
    """Every trend of the form's labs; rebuilt only when the series change."""

    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kb = kb
        self.setWidgetResizable(True)
        self.setAccessibleName("Lab trends")
        self._shown: list[Trend] = []
        self.refresh(FormState())

    def refresh(self, state: FormState) -> None:
        found = list(trends(dated_entries(state, self.kb), self.kb).values())
        if found == self._shown and self.widget() is not None:
            return
        self._shown = found
        content = QWidget()
        layout = QVBoxLayout(content)
        if not found:
            layout.addWidget(QLabel("A trend appears when a test has two or more dated results."))
        for trend in found:
            layout.addWidget(QLabel(f"{trend.label} ({trend.unit})"))
            layout.addWidget(TrendChart(trend))
        layout.addStretch(1)
        self.setWidget(content)

    def charts(self) -> list[TrendChart]:
        content = self.widget()
        return content.findChildren(TrendChart) if content is not None else []


class TrendsWindow(QWidget):
    """View > Lab trends: the form's trends, following the form while it is open."""

    def __init__(self, kb: KnowledgeBase, form: CaseForm, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Lab trends")
        self.form = form
        self.panel = TrendsPanel(kb, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        form.changed.connect(self._follow)
        self.panel.refresh(form.state())
        # An explicit minimum: the layout never resizes the window itself (which the
        # offscreen platform warns about).
        self.setMinimumSize(420, 320)
        self.resize(560, 480)

    def _follow(self) -> None:
        if self.isVisible():
            self.panel.refresh(self.form.state())

    def showEvent(self, event: QShowEvent) -> None:
        self.panel.refresh(self.form.state())
        super().showEvent(event)
