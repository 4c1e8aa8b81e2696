"""The shape every form section shares: read into a FormState, write from it, show results."""

from __future__ import annotations

from abc import abstractmethod

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QWidget

from rlsdesk.session.evaluation import LiveResult
from rlsdesk.session.formstate import FormState
from rlsdesk.ui.form.fields import FieldSlot


class Section(QGroupBox):
    """A titled group of inputs; ``changed`` fires on every edit the clinician makes."""

    changed = Signal()
    rows_changed = Signal()  # rows added or removed: the tab order needs relinking

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setAccessibleName(title)
        self.slots: dict[str, FieldSlot] = {}

    @abstractmethod  # mypy enforces it; Qt\'s metaclass rules out ABCMeta
    def read(self, state: FormState) -> None:
        raise NotImplementedError

    @abstractmethod  # mypy enforces it; Qt\'s metaclass rules out ABCMeta
    def write(self, state: FormState) -> None:
        raise NotImplementedError

    def show_live(self, result: LiveResult) -> None:
        """Show what the domain computed for this section (default: nothing)."""

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        for key, slot in self.field_slots().items():
            slot.set_error(problems.get(key, []))

    def focus_chain(self) -> list[QWidget]:
        return [slot.widget for slot in self.slots.values()]

    def field_slots(self) -> dict[str, FieldSlot]:
        return self.slots
