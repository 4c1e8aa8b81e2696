"""Conditions as a checklist with the knowledge base's readable labels."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGridLayout, QWidget

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.formstate import FormState
from rlsdesk.ui.form.base import Section
from rlsdesk.ui.form.fields import FieldSlot, error_label

COLUMNS = 2  # three columns of long condition names overflow the form at 1366 px


class ConditionsSection(Section):
    def __init__(self, kb: KnowledgeBase, parent: QWidget | None = None) -> None:
        super().__init__("Conditions", parent)
        grid = QGridLayout(self)
        self.boxes: dict[str, QCheckBox] = {}
        for index, (key, label) in enumerate(kb.conditions.items()):
            box = QCheckBox(label)
            box.setAccessibleName(f"Condition: {label}")
            box.toggled.connect(self.changed)
            grid.addWidget(box, index // COLUMNS, index % COLUMNS)
            self.boxes[key] = box
        self._extra: list[str] = []  # ids a draft or file carried that the list lacks
        message = error_label()
        grid.addWidget(message, len(kb.conditions) // COLUMNS + 1, 0, 1, COLUMNS)
        first = next(iter(self.boxes.values()))
        self.slots["conditions"] = FieldSlot(first, message, "Conditions")

    def focus_chain(self) -> list[QWidget]:
        return list(self.boxes.values())

    def read(self, state: FormState) -> None:
        state.conditions = [key for key, box in self.boxes.items() if box.isChecked()]
        state.conditions += self._extra

    def write(self, state: FormState) -> None:
        for key, box in self.boxes.items():
            box.setChecked(key in state.conditions)
        self._extra = [c for c in state.conditions if c not in self.boxes]
