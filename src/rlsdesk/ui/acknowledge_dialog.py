"""Before a sheet is printed or exported, each interruptive alert is acknowledged by name.

One checkbox per alert the domain marked ``interruptive``, its full text wrapped beside it
(however long), each with an optional reason. Pressing "Acknowledge and continue" with boxes
still unticked does not continue: it says which remain and moves the focus to the first.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rlsdesk.audit import Acknowledgement
from rlsdesk.domain.assessment import Alert
from rlsdesk.ui.vocabulary import SEVERITY

# Explicit sizes: the layout never resizes the window itself, and the alert texts wrap
# inside this width however long they are.
MINIMUM_SIZE = (520, 320)
PREFERRED_SIZE = (680, 480)


class AcknowledgeDialog(QDialog):
    def __init__(self, alerts: Sequence[Alert], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Acknowledge alerts before printing")
        self.setMinimumSize(*MINIMUM_SIZE)
        self.resize(*PREFERRED_SIZE)
        self._alerts = list(alerts)
        intro = QLabel(
            f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''} must be acknowledged before "
            "the sheet is printed or exported. Tick each one; a reason is optional and is "
            "recorded in the audit log and printed on the sheet."
        )
        intro.setWordWrap(True)
        page = QWidget()
        grid = QGridLayout(page)
        grid.setColumnStretch(1, 1)
        self.boxes: list[QCheckBox] = []
        self.texts: list[QLabel] = []
        self.reasons: list[QLineEdit] = []
        for number, alert in enumerate(alerts, start=1):
            look = SEVERITY[alert.severity]
            box = QCheckBox(f"{look.symbol} {look.word}")
            box.setAccessibleName(f"Acknowledge alert {number}: {look.word} {alert.message}")
            box.setObjectName("ackBox")
            box.setProperty("severity", alert.severity)
            text = QLabel(f"{alert.message}\n{alert.management}")
            text.setWordWrap(True)  # a long alert is read in full, never cut at the edge
            text.setObjectName("ackText")
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            reason = QLineEdit()
            reason.setPlaceholderText(
                "Reason (optional), e.g. specialist advice, benefit outweighs risk"
            )
            reason.setAccessibleName(f"Reason for acknowledging alert {number}")
            box.toggled.connect(self._update)
            row = (number - 1) * 2
            grid.addWidget(box, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(text, row, 1)
            grid.addWidget(reason, row + 1, 1)
            self.boxes.append(box)
            self.texts.append(text)
            self.reasons.append(reason)
        grid.setRowStretch(len(alerts) * 2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(page)
        self.remaining = QLabel()
        self.remaining.setObjectName("fieldError")
        self.remaining.setWordWrap(True)
        self.remaining.setVisible(False)
        self.remaining.setAccessibleName("Alerts not yet acknowledged")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Acknowledge and continue")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.remaining)
        layout.addWidget(self.buttons)

    def unticked(self) -> list[int]:
        """The numbers (from 1) of the alerts not yet acknowledged."""
        return [n for n, box in enumerate(self.boxes, start=1) if not box.isChecked()]

    def _update(self) -> None:
        if self.remaining.isVisible():
            self._say_remaining()

    def _say_remaining(self) -> None:
        missing = self.unticked()
        words = [f"{n}. {self.boxes[n - 1].text()}: {self._alerts[n - 1].message}" for n in missing]
        self.remaining.setText(
            f"Not yet acknowledged ({len(missing)}):\n" + "\n".join(words) if missing else ""
        )
        self.remaining.setVisible(bool(missing))

    def accept(self) -> None:
        missing = self.unticked()
        if missing:
            self._say_remaining()
            self.boxes[missing[0] - 1].setFocus()
            return
        super().accept()

    def acknowledgements(self) -> list[Acknowledgement]:
        return [
            Acknowledgement(alert.code, reason.text().strip())
            for alert, reason in zip(self._alerts, self.reasons, strict=True)
        ]
