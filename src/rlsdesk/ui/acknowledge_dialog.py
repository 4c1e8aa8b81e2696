"""Before a sheet is printed or exported, each serious alert is acknowledged by name.

One checkbox per contraindicated or major alert, each with an optional reason; the
Acknowledge button stays disabled until every box is ticked.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rlsdesk.audit import Acknowledgement
from rlsdesk.domain.assessment import Alert
from rlsdesk.ui.vocabulary import SEVERITY


class AcknowledgeDialog(QDialog):
    def __init__(self, alerts: Sequence[Alert], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Acknowledge serious alerts")
        self.setMinimumWidth(560)
        self._alerts = list(alerts)
        intro = QLabel(
            f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''} must be acknowledged before "
            "the sheet is printed or exported. Tick each one; a reason is optional and is "
            "recorded in the audit log and printed on the sheet."
        )
        intro.setWordWrap(True)
        page = QWidget()
        rows = QVBoxLayout(page)
        self.boxes: list[QCheckBox] = []
        self.reasons: list[QLineEdit] = []
        for number, alert in enumerate(alerts, start=1):
            look = SEVERITY[alert.severity]
            box = QCheckBox(f"{look.symbol} {look.word}: {alert.message}")
            box.setAccessibleName(f"Acknowledge alert {number}: {look.word} {alert.message}")
            box.setObjectName("ackBox")
            box.setProperty("severity", alert.severity)
            reason = QLineEdit()
            reason.setPlaceholderText(
                "Reason (optional), e.g. specialist advice, benefit outweighs risk"
            )
            reason.setAccessibleName(f"Reason for acknowledging alert {number}")
            box.toggled.connect(self._update)
            rows.addWidget(box)
            rows.addWidget(reason)
            self.boxes.append(box)
            self.reasons.append(reason)
        rows.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Acknowledge and continue")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        self._update()

    def _update(self) -> None:
        self.ok_button.setEnabled(all(box.isChecked() for box in self.boxes))

    def accept(self) -> None:
        if all(box.isChecked() for box in self.boxes):
            super().accept()

    def acknowledgements(self) -> list[Acknowledgement]:
        return [
            Acknowledgement(alert.code, reason.text().strip())
            for alert, reason in zip(self._alerts, self.reasons, strict=True)
        ]
