"""Small building blocks shared by the form sections: labelled inputs that show an error."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

ERROR_PROPERTY = "invalid"


def restyle(widget: QWidget) -> None:
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class FieldSlot:
    """One input and the label beneath it that states what is wrong with it.

    An error is shown three ways: a red border (style sheet on the ``invalid`` property),
    the message in a visible label and in the tooltip, and the accessible description, so
    a screen reader announces it too. The input's text is never touched.
    """

    def __init__(self, widget: QWidget, error_label: QLabel | None, title: str) -> None:
        self.widget = widget
        self.error_label = error_label
        self.title = title
        self._hint = widget.toolTip()

    def set_error(self, messages: Sequence[str]) -> None:
        text = "; ".join(messages)
        invalid = bool(text)
        if bool(self.widget.property(ERROR_PROPERTY)) != invalid:
            self.widget.setProperty(ERROR_PROPERTY, invalid)
            restyle(self.widget)
        self.widget.setToolTip(f"{self.title}: {text}" if invalid else self._hint)
        self.widget.setAccessibleDescription(f"Error: {text}" if invalid else "")
        if self.error_label is not None:
            self.error_label.setText(f"⚠ {text}" if invalid else "")
            self.error_label.setVisible(invalid)

    @property
    def error_text(self) -> str:
        return self.error_label.text() if self.error_label is not None else ""


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("fieldError")
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def line_edit(accessible: str, placeholder: str = "", width: int | None = None) -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    if width is not None:
        edit.setMaximumWidth(width)
    return edit


def combo(accessible: str, items: Sequence[tuple[str, str]]) -> QComboBox:
    """A combo of (label, value) pairs; ``value`` is what the case stores."""
    box = QComboBox()
    box.setAccessibleName(accessible)
    for label, value in items:
        box.addItem(label, value)
    return box


def combo_value(box: QComboBox) -> str:
    value = box.currentData()
    return value if isinstance(value, str) else ""


def set_combo_value(box: QComboBox, value: str) -> None:
    """Select ``value``; an unknown value is added (marked) rather than lost."""
    index = box.findData(value)
    if index < 0:
        box.addItem(f"{value} (unknown)", value)
        index = box.count() - 1
    box.setCurrentIndex(index)


def buddy(text: str, widget: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(widget)
    return label


def add_field(
    grid: QGridLayout,
    row: int,
    column: int,
    text: str,
    widget: QWidget,
    key: str,
    slots: dict[str, FieldSlot],
    span: int = 1,
) -> FieldSlot:
    """Label at (row, column), input beside it, its error label on the row beneath."""
    label = buddy(text, widget)
    grid.addWidget(label, row, column)
    grid.addWidget(widget, row, column + 1, 1, span)
    message = error_label()
    grid.addWidget(message, row + 1, column + 1, 1, span)
    slot = FieldSlot(widget, message, text.replace("&", "").rstrip(":"))
    slots[key] = slot
    return slot
