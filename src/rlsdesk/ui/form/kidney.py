"""Kidney function: an entered eGFR or creatinine (a lab result), and dialysis."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from rlsdesk.session.evaluation import LiveResult
from rlsdesk.session.formstate import FormState, format_number
from rlsdesk.ui.form.base import Section
from rlsdesk.ui.form.fields import add_field, combo, combo_value, line_edit, set_combo_value

DIALYSIS = (
    ("None", "none"),
    ("Haemodialysis", "hemodialysis"),
    ("Peritoneal dialysis", "peritoneal_dialysis"),
)
SOURCES = {"entered": "entered", "ckd_epi_2021": "CKD-EPI 2021 from creatinine"}


class KidneySection(Section):
    add_creatinine = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Kidney function", parent)
        grid = QGridLayout(self)
        self.egfr = line_edit("Entered eGFR in mL/min/1.73 m²", "mL/min/1.73 m²")
        self.egfr.setToolTip("Leave blank to compute eGFR (CKD-EPI 2021) from a creatinine result")
        self.dialysis = combo("Dialysis", DIALYSIS)
        self.creatinine = QPushButton("Add creat&inine result")
        self.creatinine.setToolTip("Adds a creatinine row to the laboratory results")
        self.computed = QLabel()
        self.computed.setObjectName("computed")
        self.computed.setWordWrap(True)
        self.computed.setAccessibleName("eGFR in use and KDIGO stage")
        self.egfr.setMaximumWidth(130)
        self.dialysis.setMaximumWidth(200)
        add_field(grid, 0, 0, "e&GFR", self.egfr, "kidney.egfr", self.slots)
        grid.addWidget(self.creatinine, 0, 2)
        add_field(grid, 2, 0, "Dial&ysis", self.dialysis, "kidney.dialysis", self.slots, 2)
        grid.addWidget(self.computed, 4, 0, 1, 4)
        grid.setColumnStretch(3, 1)
        self.egfr.textEdited.connect(self.changed)
        self.dialysis.activated.connect(self.changed)
        self.creatinine.clicked.connect(self.add_creatinine)

    def focus_chain(self) -> list[QWidget]:
        return [self.egfr, self.creatinine, self.dialysis]

    def read(self, state: FormState) -> None:
        state.egfr = self.egfr.text()
        state.dialysis = combo_value(self.dialysis)

    def write(self, state: FormState) -> None:
        self.egfr.setText(state.egfr)
        set_combo_value(self.dialysis, state.dialysis)

    def show_live(self, result: LiveResult) -> None:
        egfr = result.egfr
        if egfr is None:
            self.computed.setText("eGFR in use: shown when the case is complete")
        elif egfr.value is None:
            self.computed.setText("eGFR in use: none — " + (egfr.note or "not available"))
        else:
            source = SOURCES.get(egfr.source or "", egfr.source or "")
            text = (
                f"eGFR in use: <b>{format_number(egfr.value)}</b> mL/min/1.73 m² ({source})"
                f"<br>KDIGO stage <b>{egfr.stage}</b>"
            )
            if egfr.note and egfr.source != "entered":
                text += f"<br><span style='color:#5f6b7a'>{html.escape(egfr.note)}</span>"
            self.computed.setText(text)
