"""Medications and supplements: names as typed, completed from the catalogue.

Each row: the name and the free-text dose on the first line, with what the domain made of
the name beside them (the generic or supplement agent, a corrected spelling, or "not
checked" in words, because the interactions of an unknown name were not checked). Beneath:
the same dose entered without ambiguity (amount, unit, elemental or salt, frequency) and
the dose check; then "did you mean" names as one-click fixes and any duplicate therapy.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QStringListModel, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.session.evaluation import LiveResult
from rlsdesk.session.formstate import (
    DOSE_BASES,
    DOSE_FREQUENCIES,
    DOSE_UNITS,
    FormState,
    MedicationRow,
)
from rlsdesk.session.medication_view import RowView, row_view
from rlsdesk.ui.form.fields import combo, combo_value, line_edit, restyle, set_combo_value
from rlsdesk.ui.form.rows import Row, RowSection

NAME_WIDTH, DOSE_WIDTH, RESOLVED_WIDTH = 200, 150, 160
AMOUNT_WIDTH, UNIT_WIDTH, BASIS_WIDTH, FREQUENCY_WIDTH = 64, 64, 92, 140
INDENT = 16
SETTLE_MS = 200  # how long after Tab a bounce of the focus back to the name is undone


def make_completer(kb: KnowledgeBase) -> QCompleter:
    """Completion over every catalogue name: generic, brand and combination names."""
    completer = QCompleter()
    completer.setModel(QStringListModel(list(kb.terms), completer))
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setMaxVisibleItems(12)
    popup = completer.popup()  # QCompleter creates its list on first request
    if popup is not None:
        popup.installEventFilter(TabThroughCompletion(completer))
    return completer


class TabThroughCompletion(QObject):
    """Tab (or Shift+Tab) while the completion list is open closes it, keeps the name as
    typed and moves on in the form's tab order, as it does without the list. Left to Qt,
    the keyboard landed on a button further down and the name kept a blinking cursor; and
    closing the list gives the focus back to the name a moment later (X11), so that one
    return is sent on to where Tab was going."""

    def __init__(self, completer: QCompleter) -> None:
        super().__init__(completer)
        self._completer = completer
        self._moving: tuple[QWidget, QWidget] | None = None  # (name field, Tab's target)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._settled)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() not in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            return False
        field = self._completer.widget()
        if isinstance(watched, QWidget):
            watched.hide()  # the completion list
        backwards = event.key() == Qt.Key.Key_Backtab
        target = None
        if field is not None:
            target = field.previousInFocusChain() if backwards else field.nextInFocusChain()
        if field is not None and target is not None:
            self._moving = (field, target)
            application = QApplication.instance()
            if isinstance(application, QApplication):
                application.focusChanged.connect(self._focus_changed)
            self._settle.start()
            target.setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if self._moving is not None and new is self._moving[0]:
            self._moving[1].setFocus(Qt.FocusReason.TabFocusReason)
            self._settled()

    def _settled(self) -> None:
        self._settle.stop()
        if self._moving is not None:
            self._moving = None
            application = QApplication.instance()
            if isinstance(application, QApplication):
                application.focusChanged.disconnect(self._focus_changed)


def _words(value: str) -> str:
    return value.replace("_", " ")


def _note_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _set_state(label: QLabel, state: str) -> None:
    if label.property("state") != state:
        label.setProperty("state", state)
        restyle(label)


class MedicationRowWidget(Row):
    def __init__(self, noun: str, completer: QCompleter) -> None:
        super().__init__(noun)
        self.name = line_edit("name", "name (generic or brand)")
        self.name.setCompleter(completer)
        self.dose = line_edit("dose", "dose as written (optional)")
        self.resolved = QLabel()
        self.resolved.setObjectName("resolvedName")
        self.resolved.setWordWrap(True)
        self.name.setFixedWidth(NAME_WIDTH)
        self.dose.setFixedWidth(DOSE_WIDTH)
        self.resolved.setMinimumWidth(RESOLVED_WIDTH)
        self.line.addWidget(self.name)
        self.line.addWidget(self.dose)
        self.line.addWidget(self.resolved, 1)
        self.line.addWidget(self.remove)
        self.amount = line_edit("amount", "amount", AMOUNT_WIDTH)
        self.amount.setToolTip("The dose without ambiguity: amount, unit, elemental or salt")
        self.unit = combo("unit", [("unit", ""), *((u, u) for u in DOSE_UNITS)])
        self.basis = combo("elemental or salt", [(_words(b), b) for b in DOSE_BASES])
        self.frequency = combo("frequency", [(_words(f), f) for f in DOSE_FREQUENCIES])
        self.dose_result = QLabel()
        self.dose_result.setObjectName("doseCheck")
        self.dose_result.setWordWrap(True)
        detail = QHBoxLayout()
        detail.setContentsMargins(INDENT, 0, 0, 0)
        for widget, width in (
            (self.amount, AMOUNT_WIDTH),
            (self.unit, UNIT_WIDTH),
            (self.basis, BASIS_WIDTH),
            (self.frequency, FREQUENCY_WIDTH),
        ):
            widget.setFixedWidth(width)
            detail.addWidget(widget)
        detail.addWidget(self.dose_result, 1)
        self.suggestion_bar = QWidget()
        self.suggestion_line = QHBoxLayout(self.suggestion_bar)
        self.suggestion_line.setContentsMargins(INDENT, 0, 0, 0)
        self.suggestion_bar.setVisible(False)
        self.suggestion_buttons: list[QPushButton] = []
        self.duplicate = _note_label("duplicateTherapy")
        self.duplicate.setContentsMargins(INDENT, 0, 0, 0)
        position = self.outer.indexOf(self.errors)
        self.outer.insertLayout(position, detail)
        self.outer.insertWidget(position + 1, self.suggestion_bar)
        self.outer.insertWidget(position + 2, self.duplicate)
        self.name.textChanged.connect(self.edited)
        self.dose.textEdited.connect(self.edited)
        self.amount.textEdited.connect(self.edited)
        for box in (self.unit, self.basis, self.frequency):
            box.activated.connect(self.edited)
        self._suggested: tuple[str, ...] = ()

    def inputs(self) -> dict[str, QWidget]:
        return {
            "name": self.name,
            "dose": self.dose,
            "amount": self.amount,
            "unit": self.unit,
            "basis": self.basis,
            "frequency": self.frequency,
        }

    def set_number(self, number: int) -> None:
        super().set_number(number)
        self.resolved.setAccessibleName(f"{self.noun} {number} recognised as")
        self.dose_result.setAccessibleName(f"{self.noun} {number} dose check")

    def read(self) -> MedicationRow:
        return MedicationRow(
            self.name.text(),
            self.dose.text(),
            self.amount.text(),
            combo_value(self.unit),
            combo_value(self.basis),
            combo_value(self.frequency),
        )

    def write(self, row: MedicationRow) -> None:
        self.name.setText(row.name)
        self.dose.setText(row.dose)
        self.amount.setText(row.amount)
        set_combo_value(self.unit, row.unit)
        set_combo_value(self.basis, row.basis)
        set_combo_value(self.frequency, row.frequency)

    def show_view(self, view: RowView) -> None:
        self.resolved.setText(view.resolved)
        self.resolved.setToolTip(
            "Not in the catalogue: its interactions were NOT checked"
            if view.state == "unresolved"
            else ""
        )
        _set_state(self.resolved, view.state)
        self.dose_result.setText(view.dose)
        _set_state(self.dose_result, view.dose_state)
        self._show_suggestions(view.suggestions)
        text = "\n".join(f"⚠ {message}" for message in view.duplicates)
        self.duplicate.setText(text)
        self.duplicate.setVisible(bool(text))

    def _show_suggestions(self, names: tuple[str, ...]) -> None:
        if names == self._suggested:
            return
        self._suggested = names
        for button in self.suggestion_buttons:
            self.suggestion_line.removeWidget(button)
            button.deleteLater()
        self.suggestion_buttons = []
        while self.suggestion_line.count():
            self.suggestion_line.takeAt(0)
        if names:
            self.suggestion_line.addWidget(QLabel("Did you mean"))
        for name in names:
            button = QPushButton(name)
            button.setObjectName("suggestion")
            button.setAccessibleName(f"Use the name {name}")
            button.setToolTip(f"Replace the name with {name}")
            button.clicked.connect(lambda _c=False, n=name: self.use_name(n))
            self.suggestion_line.addWidget(button)
            self.suggestion_buttons.append(button)
        self.suggestion_line.addStretch(1)
        self.suggestion_bar.setVisible(bool(names))

    def use_name(self, name: str) -> None:
        """A "did you mean" fix: the name is replaced, the focus moves on to the dose."""
        self.name.setText(name)
        self.dose.setFocus()


class MedicationSection(RowSection):
    def __init__(self, kb: KnowledgeBase, kind: str, completer: QCompleter) -> None:
        self._kb = kb
        self.kind = kind  # "medication" | "supplement"
        self.prefix = f"{kind}s"
        self.add_text = "Add &medication" if kind == "medication" else "Add su&pplement"
        self._completer = completer
        header = [("Name", NAME_WIDTH), ("Dose as written", DOSE_WIDTH), ("Recognised as", 0)]
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

    def show_live(self, result: LiveResult) -> None:
        alerts = result.assessment.alerts if result.assessment is not None else []
        for index, row in enumerate(self.medication_rows()):
            key = (self.kind, index)
            found = result.medications.get(key)
            row.show_view(row_view(found, key in result.medications, alerts, self._kb))
