"""Medications and supplements: names as typed, completed from the catalogue.

Beside each name, the generic name (or supplement agent) the domain resolved it to; a name
the catalogue does not know is marked "not checked" in words, because its interactions
were not checked.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import QCompleter, QLabel, QWidget

from rlsdesk.domain.assessment import MedicationResult
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.ui.form.fields import line_edit, restyle
from rlsdesk.ui.form.rows import Row, RowSection
from rlsdesk.ui.formstate import FormState, MedicationRow
from rlsdesk.ui.live import LiveResult

NAME_WIDTH, DOSE_WIDTH, RESOLVED_WIDTH = 210, 150, 220
NOT_CHECKED = "⚠ not checked: name not recognised"


def make_completer(kb: KnowledgeBase) -> QCompleter:
    """Completion over every catalogue name: generic, brand and combination names."""
    completer = QCompleter()
    completer.setModel(QStringListModel(list(kb.terms), completer))
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setMaxVisibleItems(12)
    return completer


class MedicationRowWidget(Row):
    def __init__(self, noun: str, completer: QCompleter) -> None:
        super().__init__(noun)
        self.name = line_edit("name", "name (generic or brand)")
        self.name.setCompleter(completer)
        self.dose = line_edit("dose", "dose (optional)")
        self.resolved = QLabel()
        self.resolved.setObjectName("resolvedName")
        self.name.setFixedWidth(NAME_WIDTH)
        self.dose.setFixedWidth(DOSE_WIDTH)
        self.resolved.setMinimumWidth(RESOLVED_WIDTH)
        self.line.addWidget(self.name)
        self.line.addWidget(self.dose)
        self.line.addWidget(self.resolved, 1)
        self.line.addWidget(self.remove)
        self.name.textChanged.connect(self.edited)
        self.dose.textEdited.connect(self.edited)

    def inputs(self) -> dict[str, QWidget]:
        return {"name": self.name, "dose": self.dose}

    def set_number(self, number: int) -> None:
        super().set_number(number)
        self.resolved.setAccessibleName(f"{self.noun} {number} recognised as")

    def read(self) -> MedicationRow:
        return MedicationRow(self.name.text(), self.dose.text())

    def write(self, row: MedicationRow) -> None:
        self.name.setText(row.name)
        self.dose.setText(row.dose)

    def show_resolved(self, known: bool, result: MedicationResult | None, label: str) -> None:
        if not known:
            text, state = "", ""
        elif result is None or result.resolved is None:
            text, state = NOT_CHECKED, "unresolved"
        else:
            text, state = f"→ {label}", "resolved"
        self.resolved.setText(text)
        self.resolved.setToolTip(
            "Not in the catalogue: its interactions were NOT checked"
            if state == "unresolved"
            else ""
        )
        if self.resolved.property("state") != state:
            self.resolved.setProperty("state", state)
            restyle(self.resolved)


class MedicationSection(RowSection):
    def __init__(self, kb: KnowledgeBase, kind: str, completer: QCompleter) -> None:
        self._kb = kb
        self.kind = kind  # "medication" | "supplement"
        self.prefix = f"{kind}s"
        self.add_text = "Add &medication" if kind == "medication" else "Add s&upplement"
        self._completer = completer
        header = [("Name", NAME_WIDTH), ("Dose", DOSE_WIDTH), ("Recognised as", 0)]
        super().__init__("Medications" if kind == "medication" else "Supplements", header)

    def make_row(self) -> Row:
        return MedicationRowWidget(self.kind.capitalize(), self._completer)

    def medication_rows(self) -> list[MedicationRowWidget]:
        return [row for row in self.rows if isinstance(row, MedicationRowWidget)]

    def read(self, state: FormState) -> None:
        rows = [row.read() for row in self.medication_rows()]
        if self.kind == "medication":
            state.medications = rows
        else:
            state.supplements = rows

    def write(self, state: FormState) -> None:
        rows = state.medications if self.kind == "medication" else state.supplements
        self.set_row_count(len(rows))
        for widget, data in zip(self.medication_rows(), rows, strict=True):
            widget.write(data)

    def _label(self, result: MedicationResult) -> str:
        resolved = result.resolved or ""
        agent = self._kb.agents.get(resolved)
        if agent is not None:
            return f"{agent.label} (supplement)"
        if len(result.ingredients) > 1:
            return f"{resolved} ({', '.join(result.ingredients)})"
        return resolved

    def show_live(self, result: LiveResult) -> None:
        for index, row in enumerate(self.medication_rows()):
            key = (self.kind, index)
            found = result.medications.get(key)
            label = self._label(found) if found is not None else ""
            row.show_resolved(key in result.medications, found, label)
