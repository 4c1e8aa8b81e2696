"""A section made of repeatable rows (lab results, medications) with Add and Remove."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from rlsdesk.ui.form.base import Section
from rlsdesk.ui.form.fields import FieldSlot, error_label


class Row(QWidget):
    """One entry line: its inputs side by side and one error line beneath them."""

    edited = Signal()
    remove_requested = Signal(object)

    def __init__(self, noun: str) -> None:
        super().__init__()
        self.noun = noun
        self._slots: dict[str, FieldSlot] = {}
        self.line = QHBoxLayout()
        self.line.setContentsMargins(0, 0, 0, 0)
        self.errors = error_label()
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setObjectName("removeRow")
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.outer = QVBoxLayout(self)  # the entry line, any lines a row adds, its errors
        self.outer.setContentsMargins(0, 0, 0, 0)
        self.outer.setSpacing(2)
        self.outer.addLayout(self.line)
        self.outer.addWidget(self.errors)

    @abstractmethod  # mypy enforces it; Qt\'s metaclass rules out ABCMeta
    def inputs(self) -> dict[str, QWidget]:
        """Field name -> input, in tab order."""
        raise NotImplementedError

    def set_number(self, number: int) -> None:
        for name, widget in self.inputs().items():
            widget.setAccessibleName(f"{self.noun} {number} {name}")
        self.remove.setAccessibleName(f"Remove {self.noun.lower()} {number}")
        self.remove.setToolTip(f"Remove {self.noun.lower()} {number}")

    def show_errors(self, problems: dict[str, list[str]], prefix: str) -> None:
        if not self._slots:
            self._slots = {n: FieldSlot(w, None, n.capitalize()) for n, w in self.inputs().items()}
        lines = list(problems.get(prefix, []))
        for name, slot in self._slots.items():
            messages = problems.get(f"{prefix}.{name}", [])
            slot.set_error(messages)
            lines += [f"{name}: {m}" for m in messages]
        self.errors.setText("⚠ " + "; ".join(lines) if lines else "")
        self.errors.setVisible(bool(lines))


class RowSection(Section):
    """Rows of one kind; the list prefix (``labs``) names them in problems: ``labs[2].unit``."""

    prefix = ""
    add_text = "Add"

    def __init__(self, title: str, header: Sequence[tuple[str, int]] = ()) -> None:
        super().__init__(title)
        layout = QVBoxLayout(self)
        self.header = QWidget()  # column titles, shown once there is a row
        self.header.setVisible(False)
        if header:
            line = QHBoxLayout(self.header)
            line.setContentsMargins(0, 0, 0, 0)
            for text, width in header:
                label = QLabel(text)
                label.setObjectName("columnHeader")
                if width:
                    label.setFixedWidth(width)
                line.addWidget(label)
            line.addStretch(1)
            line.addSpacing(28)
            layout.addWidget(self.header)
        self.body = QVBoxLayout()
        self.body.setSpacing(4)
        layout.addLayout(self.body)
        self.add_button = QPushButton(self.add_text)
        self.add_button.clicked.connect(self._add_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.rows: list[Row] = []

    @abstractmethod  # mypy enforces it; Qt\'s metaclass rules out ABCMeta
    def make_row(self) -> Row:
        raise NotImplementedError

    def _add_clicked(self) -> None:
        row = self.add_row()
        next(iter(row.inputs().values())).setFocus()

    def add_row(self) -> Row:
        row = self.make_row()
        row.edited.connect(self.changed)
        row.remove_requested.connect(self.remove_row)
        self.body.addWidget(row)
        self.rows.append(row)
        self._renumber()
        self.rows_changed.emit()
        return row

    def remove_row(self, row: Row) -> None:
        index = self.rows.index(row)
        self.rows.pop(index)
        self.body.removeWidget(row)
        row.hide()
        row.deleteLater()
        self._renumber()
        self.rows_changed.emit()
        self.changed.emit()
        if self.rows:
            target = self.rows[min(index, len(self.rows) - 1)]
            next(iter(target.inputs().values())).setFocus()
        else:
            self.add_button.setFocus()

    def set_row_count(self, count: int) -> None:
        while len(self.rows) > count:
            row = self.rows.pop()
            self.body.removeWidget(row)
            row.hide()
            row.deleteLater()
        while len(self.rows) < count:
            self.add_row()
        self._renumber()
        self.rows_changed.emit()

    def _renumber(self) -> None:
        self.header.setVisible(bool(self.rows))
        for number, row in enumerate(self.rows, start=1):
            row.set_number(number)

    def field_slots(self) -> dict[str, FieldSlot]:
        return {}

    def row_keys(self) -> set[str]:
        keys = set()
        for index, row in enumerate(self.rows):
            keys.add(f"{self.prefix}[{index}]")
            keys |= {f"{self.prefix}[{index}].{name}" for name in row.inputs()}
        return keys

    def input_for(self, key: str) -> QWidget | None:
        for index, row in enumerate(self.rows):
            for name, widget in row.inputs().items():
                if key in (f"{self.prefix}[{index}].{name}", f"{self.prefix}[{index}]"):
                    return widget
        return None

    def show_problems(self, problems: dict[str, list[str]]) -> None:
        for index, row in enumerate(self.rows):
            row.show_errors(problems, f"{self.prefix}[{index}]")

    def focus_chain(self) -> list[QWidget]:
        chain: list[QWidget] = []
        for row in self.rows:
            chain += [*row.inputs().values(), row.remove]
        return [*chain, self.add_button]
