"""Preferences that change the printed sheet: clinic, clinician, unit system, page size."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from rlsdesk.settings import Settings

UNIT_SYSTEMS = (("Conventional (ng/mL, mg/dL …)", "conventional"), ("SI (µg/L, mmol/L …)", "si"))
PAGE_SIZES = (("A4", "a4"), ("US Letter", "letter"))


def _combo(name: str, items: tuple[tuple[str, str], ...], value: str) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for label, data in items:
        box.addItem(label, data)
    box.setCurrentIndex(max(0, box.findData(value)))
    return box


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(460)
        self._settings = settings
        self.clinic_name = QLineEdit(settings.clinic_name)
        self.clinic_name.setAccessibleName("Clinic name")
        self.clinic_name.setMaxLength(200)
        self.clinic_address = QPlainTextEdit(settings.clinic_address)
        self.clinic_address.setAccessibleName("Clinic address")
        self.clinic_address.setTabChangesFocus(True)
        self.clinic_address.setFixedHeight(72)
        self.clinician = QLineEdit(settings.clinician)
        self.clinician.setAccessibleName("Clinician")
        self.clinician.setMaxLength(200)
        self.unit_system = _combo("Preferred unit system", UNIT_SYSTEMS, settings.unit_system)
        self.page_size = _combo("Page size", PAGE_SIZES, settings.page_size)
        form = QFormLayout()
        form.addRow("Clinic &name", self.clinic_name)
        form.addRow("Clinic &address", self.clinic_address)
        form.addRow("&Clinician", self.clinician)
        form.addRow("&Units for new results", self.unit_system)
        form.addRow("&Page size", self.page_size)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def settings(self) -> Settings:
        return Settings.model_validate(
            {
                **self._settings.model_dump(),
                "clinic_name": self.clinic_name.text().strip(),
                "clinic_address": self.clinic_address.toPlainText().strip()[:500],
                "clinician": self.clinician.text().strip(),
                "unit_system": self.unit_system.currentData(),
                "page_size": self.page_size.currentData(),
            }
        )
