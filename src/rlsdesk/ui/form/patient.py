"""Patient details, presentation and pregnancy: the top of the form."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QWidget

from rlsdesk.session.evaluation import LiveResult
from rlsdesk.session.formstate import FormState
from rlsdesk.ui.form.base import Section
from rlsdesk.ui.form.fields import (
    FieldSlot,
    add_field,
    combo,
    combo_value,
    line_edit,
    set_combo_value,
)

SEXES = (("— choose —", ""), ("Female", "female"), ("Male", "male"))
PREGNANCY = (
    ("Not pregnant", "not_pregnant"),
    ("Pregnant", "pregnant"),
    ("Breastfeeding", "breastfeeding"),
    ("Unknown", "unknown"),
)
TRIMESTERS = (("—", ""), ("First", "1"), ("Second", "2"), ("Third", "3"))


class PatientSection(Section):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Patient", parent)
        grid = QGridLayout(self)
        self.name = line_edit("Patient name", "as printed on the sheet")
        self.identifier = line_edit("Patient identifier", "e.g. MRN", 180)
        self.age = line_edit("Age in years", "years", 70)
        self.sex = combo("Sex", SEXES)
        self.sex.setToolTip("Sex used for eGFR and reference ranges")
        self.weight = line_edit("Weight in kilograms", "kg", 70)
        self.name.setMinimumWidth(260)
        self.sex.setMinimumWidth(120)
        add_field(grid, 0, 0, "&Name", self.name, "patient.name", self.slots, 3)
        add_field(grid, 0, 4, "I&dentifier", self.identifier, "patient.identifier", self.slots)
        add_field(grid, 2, 0, "&Age (years)", self.age, "patient.age_years", self.slots)
        add_field(grid, 2, 2, "Se&x", self.sex, "patient.sex", self.slots)
        add_field(grid, 2, 4, "&Weight (kg)", self.weight, "patient.weight_kg", self.slots)
        grid.setColumnStretch(6, 1)
        for edit in (self.name, self.identifier, self.age, self.weight):
            edit.textEdited.connect(self.changed)
        self.sex.activated.connect(self.changed)

    def read(self, state: FormState) -> None:
        state.name = self.name.text()
        state.identifier = self.identifier.text()
        state.age = self.age.text()
        state.sex = combo_value(self.sex)
        state.weight = self.weight.text()

    def write(self, state: FormState) -> None:
        self.name.setText(state.name)
        self.identifier.setText(state.identifier)
        self.age.setText(state.age)
        set_combo_value(self.sex, state.sex)
        self.weight.setText(state.weight)


class PresentationSection(Section):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Presentation", parent)
        grid = QGridLayout(self)
        self.rls = QCheckBox("Restless &legs symptoms")
        self.cramps = QCheckBox("Nocturnal leg &cramps")
        self.iron_failed = QCheckBox("&Oral iron trial failed or not tolerated")
        self.irls = line_edit("IRLS total score, 0 to 40", "0–40", 70)
        self.irls.setToolTip("IRLS severity total (0–40); enter the total only")
        self.band = QLabel()
        self.band.setObjectName("computed")
        self.band.setAccessibleName("IRLS severity band")
        grid.addWidget(self.rls, 0, 0, 1, 2)
        grid.addWidget(self.cramps, 0, 2, 1, 2)
        add_field(grid, 1, 0, "IRL&S total", self.irls, "presentation.irls_score", self.slots)
        grid.addWidget(self.band, 1, 2, 1, 2)
        grid.addWidget(self.iron_failed, 3, 0, 1, 4)
        grid.setColumnStretch(3, 1)
        boxes = (
            ("rls", self.rls),
            ("leg_cramps", self.cramps),
            ("oral_iron_failed", self.iron_failed),
        )
        for key, box in boxes:
            box.toggled.connect(self.changed)
            self.slots[f"presentation.{key}"] = FieldSlot(box, None, box.text().replace("&", ""))
        self.irls.textEdited.connect(self.changed)

    def focus_chain(self) -> list[QWidget]:
        return [self.rls, self.cramps, self.irls, self.iron_failed]

    def read(self, state: FormState) -> None:
        state.rls = self.rls.isChecked()
        state.leg_cramps = self.cramps.isChecked()
        state.irls = self.irls.text()
        state.oral_iron_failed = self.iron_failed.isChecked()

    def write(self, state: FormState) -> None:
        self.rls.setChecked(state.rls)
        self.cramps.setChecked(state.leg_cramps)
        self.irls.setText(state.irls)
        self.iron_failed.setChecked(state.oral_iron_failed)

    def show_live(self, result: LiveResult) -> None:
        band = result.assessment.irls_band if result.assessment else None
        if band:
            self.band.setText(f"Severity: {band}")
        elif self.irls.text().strip() and not result.valid:
            self.band.setText("Severity shown when the case is complete")
        else:
            self.band.setText("")


class PregnancySection(Section):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Pregnancy", parent)
        grid = QGridLayout(self)
        self.status = combo("Pregnancy status", PREGNANCY)
        self.trimester = combo("Trimester", TRIMESTERS)
        self.trimester.setEnabled(False)
        add_field(grid, 0, 0, "Stat&us", self.status, "pregnancy.status", self.slots)
        add_field(grid, 2, 0, "&Trimester", self.trimester, "pregnancy.trimester", self.slots)
        grid.setColumnStretch(2, 1)
        grid.setRowStretch(4, 1)
        self.status.currentIndexChanged.connect(self._sync_trimester)
        self.status.activated.connect(self.changed)
        self.trimester.activated.connect(self.changed)

    def _sync_trimester(self) -> None:
        self.trimester.setEnabled(combo_value(self.status) == "pregnant")

    def read(self, state: FormState) -> None:
        state.pregnancy_status = combo_value(self.status)
        state.trimester = combo_value(self.trimester)

    def write(self, state: FormState) -> None:
        set_combo_value(self.status, state.pregnancy_status)
        set_combo_value(self.trimester, state.trimester)
        self._sync_trimester()
