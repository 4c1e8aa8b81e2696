"""The day as a line: a marker at each time of the daily schedule, what is taken then above
it, and the reasons for the timing in the marker's tooltip.

The panel's "Daily schedule" section holds the same content for the keyboard and screen
readers; this strip is the picture of it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from rlsdesk.session.schedule_view import MINUTES_PER_DAY, ScheduleView, SlotView
from rlsdesk.vocabulary import TIER

HEIGHT = 56
MARGIN = 10
FIRST_HOUR, LAST_HOUR = 6, 23  # the usual waking day; widened when a time falls outside
HIT_RADIUS = 8
AXIS = QColor("#8a929c")
TEXT = QColor("#1f2a37")
MARKER = QColor(TIER["schedule"].colour)


class ScheduleTimeline(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("scheduleTimeline")
        self.setFixedHeight(HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Daily schedule timeline")
        self.view: ScheduleView | None = None

    def show_view(self, view: ScheduleView | None) -> None:
        self.view = view
        slots = view.slots if view is not None else ()
        self.setVisible(bool(slots))
        self.setAccessibleDescription("; ".join(f"{s.time} {s.text}" for s in slots))
        self.update()

    def _range(self) -> tuple[int, int]:
        times = [slot.minutes for slot in self.view.slots] if self.view else []
        first = min([FIRST_HOUR * 60, *times]) // 60 * 60
        last = min(MINUTES_PER_DAY, -(-max([LAST_HOUR * 60, *times]) // 60) * 60)
        return first, max(last, first + 60)

    def x_of(self, minute: int) -> int:
        first, last = self._range()
        span = self.width() - 2 * MARGIN
        return MARGIN + round(span * (minute - first) / (last - first))

    def slot_at(self, point: QPoint) -> SlotView | None:
        if self.view is None:
            return None
        for slot in self.view.slots:
            if abs(point.x() - self.x_of(slot.minutes)) <= HIT_RADIUS:
                return slot
        return None

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.view is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        axis_y = HEIGHT - 18
        painter.setPen(QPen(AXIS, 1))
        painter.drawLine(MARGIN, axis_y, self.width() - MARGIN, axis_y)
        first, last = self._range()
        for hour in range(first // 60, last // 60 + 1, 3):
            x = self.x_of(hour * 60)
            painter.drawLine(x, axis_y - 3, x, axis_y + 3)
            hour_box = QRect(x - 20, axis_y + 4, 40, 14)
            painter.drawText(hour_box, Qt.AlignmentFlag.AlignHCenter, f"{hour:02d}")
        previous_right = -1
        for number, slot in enumerate(self.view.slots):
            x = self.x_of(slot.minutes)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(MARKER)
            painter.drawEllipse(QPoint(x, axis_y), 5, 5)
            painter.setPen(TEXT)
            label = metrics.elidedText(f"{slot.time} {slot.text}", Qt.TextElideMode.ElideRight, 150)
            width = metrics.horizontalAdvance(label)
            left = max(0, min(x - width // 2, self.width() - width))
            row = 0 if left > previous_right + 4 or number == 0 else 1
            top = 2 + row * (metrics.height() + 1)
            painter.drawText(QRect(left, top, width + 2, metrics.height()), 0, label)
            if row == 0:
                previous_right = left + width
        painter.end()

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent):
            slot = self.slot_at(event.pos())
            if slot is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(event.globalPos(), tooltip(slot), self)
            return True
        return super().event(event)


def tooltip(slot: SlotView) -> str:
    lines = [f"{slot.time}: {item}" for item in slot.items]
    lines += [f"Timing: {alert.message}" for alert in slot.reasons]
    return "\n".join(lines)
