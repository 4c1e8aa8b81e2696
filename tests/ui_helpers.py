"""GUI test helpers: a scripted Dialogs (no modal dialog ever opens) and form typing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QComboBox, QWidget
from pytestqt.qtbot import QtBot

from rlsdesk.audit import Acknowledgement
from rlsdesk.domain.assessment import Alert
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.paths import user_data_dir
from rlsdesk.settings import Settings
from rlsdesk.ui.dialogs import DiscardChoice
from rlsdesk.ui.drafts import DraftStore
from rlsdesk.ui.form.labs import LabRowWidget
from rlsdesk.ui.form.medications import MedicationRowWidget
from rlsdesk.ui.main_window import MainWindow
from rlsdesk.ui.recent import RecentFiles

# The completion popup asks the windowing system to raise it and grab the keyboard; the
# headless (offscreen) platform says it cannot. Only those two notices are tolerated.
OFFSCREEN_POPUP_NOTICES = pytest.mark.qt_log_ignore(
    r"^This plugin does not support raise\(\)$",
    r"^This plugin does not support grabbing the keyboard$",
)


@dataclass
class ScriptedDialogs:
    """Answers each question from a script and records what was asked."""

    discard: list[DiscardChoice] = field(default_factory=list)
    open_paths: list[Path | None] = field(default_factory=list)
    save_paths: list[Path | None] = field(default_factory=list)
    export_paths: list[Path | None] = field(default_factory=list)
    printer_file: Path | None = None  # print to this PDF file; None cancels the print dialog
    acknowledgements: list[list[Acknowledgement] | None] = field(default_factory=list)
    accept_draft: bool = True
    settings: Settings | None = None
    asked: list[str] = field(default_factory=list)
    problems: list[tuple[str, list[str]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    acknowledge_requests: list[list[Alert]] = field(default_factory=list)

    def ask_discard_changes(self, what: str) -> DiscardChoice:
        self.asked.append(f"discard: {what}")
        return self.discard.pop(0) if self.discard else "discard"

    def ask_open_path(self, folder: Path | None) -> Path | None:
        self.asked.append("open")
        return self.open_paths.pop(0)

    def ask_save_path(self, suggested: Path) -> Path | None:
        self.asked.append("save")
        return self.save_paths.pop(0)

    def ask_export_path(self, suggested: Path) -> Path | None:
        self.asked.append("export")
        return self.export_paths.pop(0)

    def ask_printer(self, printer: QPrinter) -> bool:
        self.asked.append("print")
        if self.printer_file is None:
            return False
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(self.printer_file))
        return True

    def show_problems(self, title: str, problems: Sequence[str]) -> None:
        self.problems.append((title, list(problems)))

    def show_warning(self, title: str, message: str) -> None:
        self.warnings.append(message)

    def acknowledge(self, alerts: Sequence[Alert]) -> list[Acknowledgement] | None:
        self.acknowledge_requests.append(list(alerts))
        return self.acknowledgements.pop(0) if self.acknowledgements else None

    def offer_draft(self, description: str) -> bool:
        self.asked.append(f"draft: {description}")
        return self.accept_draft

    def edit_settings(self, settings: Settings) -> Settings | None:
        self.asked.append("settings")
        return self.settings

    def show_about(self, kb: KnowledgeBase) -> None:
        self.asked.append("about")


def make_window(
    qtbot: QtBot, kb: KnowledgeBase, dialogs: ScriptedDialogs | None = None, **settings: Any
) -> tuple[MainWindow, ScriptedDialogs]:
    dialogs = dialogs or ScriptedDialogs()
    home = user_data_dir()
    recent = RecentFiles(QSettings(str(home / "ui.ini"), QSettings.Format.IniFormat))
    window = MainWindow(
        kb, Settings(**settings), recent, DraftStore(home / "drafts"), dialogs=dialogs
    )
    qtbot.addWidget(window)
    window.show()
    return window, dialogs


def type_text(qtbot: QtBot, widget: QWidget, text: str) -> None:
    """Focus a field, clear it as a clinician would (select all, type over), and type."""
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    if text:
        qtbot.keyClicks(widget, text)
    else:
        qtbot.keyClick(widget, Qt.Key.Key_Delete)


def choose(qtbot: QtBot, box: QComboBox, label: str) -> None:
    """Pick a combo item with the arrow keys, as a keyboard user does."""
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Home)
    for _ in range(box.count()):
        if box.currentText() == label:
            break
        qtbot.keyClick(box, Qt.Key.Key_Down)
    assert box.currentText() == label, f"{box.accessibleName()}: no item {label!r}"


def write_case(path: Path, case: dict[str, Any]) -> Path:
    path.write_text(json.dumps(case), "utf-8")
    return path


def add_lab(
    qtbot: QtBot, window: MainWindow, analyte: str, value: str, unit: str = ""
) -> LabRowWidget:
    labs = window.form.labs
    qtbot.mouseClick(labs.add_button, Qt.MouseButton.LeftButton)
    row = labs.lab_rows()[-1]
    choose(qtbot, row.analyte, analyte)
    type_text(qtbot, row.value, value)
    if unit:
        choose(qtbot, row.unit, unit)
    return row


def add_medication(
    qtbot: QtBot, window: MainWindow, name: str, supplement: bool = False
) -> MedicationRowWidget:
    section = window.form.supplements if supplement else window.form.medications
    qtbot.mouseClick(section.add_button, Qt.MouseButton.LeftButton)
    row = section.medication_rows()[-1]
    type_text(qtbot, row.name, name)
    qtbot.keyClick(row.name, Qt.Key.Key_Escape)  # close the completion popup
    return row


def enter_patient(qtbot: QtBot, window: MainWindow, age: str = "62", sex: str = "Female") -> None:
    patient = window.form.patient
    type_text(qtbot, patient.name, "Margaret Ellison")
    type_text(qtbot, patient.identifier, "MRN-204817")
    type_text(qtbot, patient.age, age)
    choose(qtbot, patient.sex, sex)
    type_text(qtbot, patient.weight, "71")
