"""The whole case form: its sections top to bottom, in a scroll area.

The form only moves data: ``state()`` reads what was typed, ``set_state()`` shows it, and
``show_live()`` displays what the domain computed, including each problem at its field.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.evaluation import LiveResult
from rlsdesk.session.formstate import FormState
from rlsdesk.ui.form.base import Section
from rlsdesk.ui.form.conditions import ConditionsSection
from rlsdesk.ui.form.fields import FieldSlot, error_label
from rlsdesk.ui.form.kidney import KidneySection
from rlsdesk.ui.form.labs import LabsSection
from rlsdesk.ui.form.medications import MedicationSection, make_completer
from rlsdesk.ui.form.patient import PatientSection, PregnancySection, PresentationSection
from rlsdesk.ui.form.rows import RowSection


class CaseForm(QScrollArea):
    changed = Signal()

    def __init__(self, kb: KnowledgeBase, unit_system: str = "conventional") -> None:
        super().__init__()
        self.setObjectName("caseForm")
        self.setWidgetResizable(True)
        self.setAccessibleName("Case form")
        completer = make_completer(kb)
        self.patient = PatientSection()
        self.presentation = PresentationSection()
        self.pregnancy = PregnancySection()
        self.kidney = KidneySection()
        self.labs = LabsSection(kb, unit_system)
        self.conditions = ConditionsSection(kb)
        self.medications = MedicationSection(kb, "medication", completer)
        self.supplements = MedicationSection(kb, "supplement", completer)
        self.sections: list[Section] = [
            self.patient,
            self.presentation,
            self.pregnancy,
            self.kidney,
            self.labs,
            self.conditions,
            self.medications,
            self.supplements,
        ]
        page = QWidget()
        page.setObjectName("formPage")
        layout = QVBoxLayout(page)
        self.general = error_label()  # problems that belong to no single field
        self.general.setAccessibleName("Case problems")
        layout.addWidget(self.general)
        self._general = FieldSlot(QLabel(), self.general, "Case")
        side_by_side = QHBoxLayout()  # pregnancy and kidney are short: one row for both
        side_by_side.addWidget(self.pregnancy, 2)
        side_by_side.addWidget(self.kidney, 3)
        for section in self.sections:
            if section is self.pregnancy:
                layout.addLayout(side_by_side)
            elif section is not self.kidney:
                layout.addWidget(section)
            section.changed.connect(self._on_changed)
            section.rows_changed.connect(self._relink)
        layout.addStretch(1)
        self.setWidget(page)
        self.kidney.add_creatinine.connect(lambda: self.labs.add_analyte("creatinine"))
        self._loading = False
        self._relink()

    def _on_changed(self) -> None:
        if not self._loading:
            self.changed.emit()

    def set_unit_system(self, unit_system: str) -> None:
        self.labs.unit_system = unit_system

    def state(self) -> FormState:
        state = FormState()
        for section in self.sections:
            section.read(state)
        return state

    def set_state(self, state: FormState) -> None:
        self._loading = True
        try:
            for section in self.sections:
                section.write(state)
        finally:
            self._loading = False
        self.changed.emit()

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        for section in self.sections:
            chain += section.focus_chain()
        return chain

    def _relink(self) -> None:
        """Tab moves through the form top to bottom, rows included, whatever was added."""
        chain = self.focus_chain()
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def show_live(self, result: LiveResult) -> None:
        problems = {} if result.pristine else dict(result.problems)
        known: set[str] = set()
        for section in self.sections:
            known |= set(section.field_slots())
            if isinstance(section, RowSection):
                known |= section.row_keys()
        general = [
            f"{key or 'case'}: {m}" for key, ms in problems.items() if key not in known for m in ms
        ]
        for section in self.sections:
            section.show_problems(problems)
            section.show_live(result)
        self._general.set_error(general)

    def describe(self, key: str) -> str:
        """A problem key in words: 'labs[2].unit' -> 'Result 3 unit'."""
        slot = self.slot(key)
        if slot is not None:
            return f"{slot.title} ({self._section_of(key)})"
        for prefix, noun in (
            ("labs", "Result"),
            ("medications", "Medication"),
            ("supplements", "Supplement"),
        ):
            if key.startswith(prefix + "["):
                index, _, rest = key[len(prefix) + 1 :].partition("]")
                if index.isdigit():
                    return f"{noun} {int(index) + 1} {rest.lstrip('.')}".strip()
        return key or "Case"

    def _section_of(self, key: str) -> str:
        for section in self.sections:
            if key in section.field_slots():
                return section.title()
        return ""

    def focus_field(self, key: str) -> None:
        """Move the keyboard focus to the input a problem names."""
        slot = self.slot(key)
        widget = slot.widget if slot is not None else None
        if widget is None:
            for section in self.sections:
                if isinstance(section, RowSection):
                    widget = section.input_for(key)
                    if widget is not None:
                        break
        if widget is not None:
            self.ensureWidgetVisible(widget)
            widget.setFocus()

    def slot(self, key: str) -> FieldSlot | None:
        """The input a problem key names (for tests and for moving focus to an error)."""
        for section in self.sections:
            if key in section.field_slots():
                return section.field_slots()[key]
        return None
