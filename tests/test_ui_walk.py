"""A whole patient by keyboard alone, with the real dialogs: enter the case, preview, export
(acknowledging the interruptive alert), save, start anew and reopen.

Every step is a key press sent to whatever has the focus, as a clinician without a mouse
works. Set RLSDESK_WALK_SHOTS to a folder to keep a picture of the screen at each step (run
under Xvfb at 1366x768 to see the real window system).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

from rlsdesk.audit import read_log
from rlsdesk.domain.case import load_case_bytes
from rlsdesk.knowledge import load_knowledge_base
from rlsdesk.session.formstate import from_case
from rlsdesk.settings import Settings
from rlsdesk.ui.form.medications import SETTLE_MS
from rlsdesk.ui.main_window import MainWindow
from rlsdesk.ui.recent import RecentFiles
from ui_helpers import OFFSCREEN_POPUP_NOTICES, ScriptedDialogs

# Qt's own file and message dialogs ask the window system to resize to their size hints;
# the headless platform says it cannot (a notice, not a problem of rlsdesk's windows).
pytestmark = pytest.mark.qt_log_ignore(
    *OFFSCREEN_POPUP_NOTICES.args, r"^This plugin does not support propagateSizeHints\(\)$"
)
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MODAL_WAIT_MS = 5000
BUTTON_CLICK_MS = 250  # a mnemonic "clicks" after Qt's 100 ms press animation


def focus() -> QWidget:
    """Where a key goes: an open completion list first, as the window system sends it."""
    widget = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def key(k: Qt.Key, modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focus(), k, modifiers)


def typed(text: str) -> None:
    QTest.keyClicks(focus(), text)


def button(qtbot: QtBot, letter: Qt.Key) -> None:
    """Alt+letter on a button or check box: Qt animates the click, then acts."""
    key(letter, ALT)
    qtbot.wait(BUTTON_CLICK_MS)


class Walk:
    def __init__(self, qtbot: QtBot, shots: Path | None) -> None:
        self.qtbot = qtbot
        self.shots = shots
        self.taken: list[str] = []
        self.seen_modal: list[str] = []
        self.errors: list[BaseException] = []
        self.handled: list[QDialog] = []  # each dialog is driven once

    def shot(self, name: str) -> None:
        self.taken.append(name)
        if self.shots is None:
            return
        screen = QGuiApplication.primaryScreen()
        picture = screen.grabWindow(0)
        if picture.isNull() or picture.width() == 0:  # offscreen: no desktop to grab
            window = QApplication.activeWindow()
            assert window is not None
            picture = window.grab()
        picture.save(str(self.shots / f"{len(self.taken):02d}-{name}.png"))

    def in_modal(self, steps: Callable[[QDialog], None]) -> None:
        """Run ``steps`` on the next modal dialog once it has opened (exec() blocks)."""

        def attempt(waited: int = 0) -> None:
            modal = QApplication.activeModalWidget()
            ready = isinstance(modal, QDialog) and modal.isVisible()
            ready = ready and not any(modal is done for done in self.handled)
            if ready and QApplication.activeWindow() is not modal:
                modal.activateWindow()  # a window manager does this as the dialog opens
                ready = False
            if ready and isinstance(modal, QDialog) and QApplication.focusWidget():
                self.seen_modal.append(modal.windowTitle())
                self.handled.append(modal)
                try:
                    steps(modal)
                except BaseException as error:  # a failed step must fail the test, not hang it
                    self.errors.append(error)
                    modal.reject()
            elif waited < MODAL_WAIT_MS:
                QTimer.singleShot(20, lambda: attempt(waited + 20))
            else:
                self.errors.append(TimeoutError("no dialog took the keyboard"))
                if isinstance(modal, QDialog):
                    modal.reject()

        QTimer.singleShot(20, attempt)


def back_to(qtbot: QtBot, window: QWidget) -> None:
    """The window system gives the keyboard back to the main window when a dialog or the
    preview closes; the headless platform needs asking."""
    if QApplication.activeWindow() is not window:
        with qtbot.waitActive(window):
            window.activateWindow()


def _no_questions(window: QWidget) -> None:
    assert isinstance(window, MainWindow)
    window.controller.dialogs = ScriptedDialogs()


def _file_name(dialog: QDialog, path: Path, walk: Walk, name: str) -> None:
    """In a file dialog: the file name field has the focus; type the full path, Enter."""
    key(Qt.Key.Key_A, CTRL)
    typed(str(path))
    walk.shot(name)
    key(Qt.Key.Key_Return)


def test_a_whole_patient_by_keyboard(qtbot: QtBot, tmp_path: Path) -> None:
    """Enter, preview, acknowledge, export, save and reopen a case without the mouse."""
    shots_env = os.environ.get("RLSDESK_WALK_SHOTS")
    shots = Path(shots_env) if shots_env else None
    walk = Walk(qtbot, shots)
    kb = load_knowledge_base()
    from PySide6.QtCore import QSettings

    recent = RecentFiles(QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat))
    window = MainWindow(kb, Settings(clinician="Dr Walk"), recent)
    # Closing at the end (or after a failure) must not wait on a real "unsaved changes?" box.
    qtbot.addWidget(window, before_close_func=_no_questions)
    window.resize(1366, 728)
    window.share_width()
    with qtbot.waitActive(window):
        window.show()
        window.activateWindow()
    assert focus() is window.form.patient.name
    # Patient: Name, Tab through identifier, age, sex, weight.
    typed("Walter Keys")
    key(Qt.Key.Key_Tab)
    typed("MRN-1366")
    key(Qt.Key.Key_Tab)
    typed("70")
    key(Qt.Key.Key_Tab)
    key(Qt.Key.Key_Down)  # Sex: the first choice after "choose" (Female)
    key(Qt.Key.Key_Tab)
    typed("68")
    button(qtbot, Qt.Key.Key_L)  # Restless legs symptoms: Alt+L ticks it
    key(Qt.Key.Key_G, ALT)  # eGFR
    typed("25")
    button(qtbot, Qt.Key.Key_R)  # Add lab result: the analyte has the focus
    typed("Ferr")
    key(Qt.Key.Key_Tab)
    typed("38")
    button(qtbot, Qt.Key.Key_P)  # Add supplement: its name has the focus
    typed("magnesium oxide")
    key(Qt.Key.Key_Tab)  # closes the completion list and moves on to the dose
    qtbot.wait(SETTLE_MS + 50)
    typed("400 mg at night")
    window.live.flush()
    walk.shot("entered")
    result = window.live.result
    assert result is not None
    assert result.assessment is not None, result.problems
    interruptive = [a.code for a in result.assessment.alerts if a.tier == "interruptive"]
    state = window.form.state()
    assert (state.name, state.age, state.sex, state.egfr) == ("Walter Keys", "70", "female", "25")
    assert state.rls
    assert state.labs[0].analyte == "ferritin"
    assert state.supplements[0].dose == "400 mg at night"
    # Preview (Ctrl+Shift+P), then Escape closes it.
    key(Qt.Key.Key_P, CTRL | SHIFT)
    preview = window.preview
    assert preview is not None
    qtbot.waitUntil(lambda: QApplication.activeWindow() is preview)  # keys go to the sheet
    walk.shot("preview")
    key(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not preview.isVisible())
    back_to(qtbot, window)
    # Export (Ctrl+E): acknowledge each interruptive alert by Space, then the file name.
    exported = tmp_path / "walter-sheet.pdf"

    def acknowledge(dialog: QDialog) -> None:
        walk.shot("acknowledge")
        for _ in interruptive:
            key(Qt.Key.Key_Space)  # tick the box that has the focus
            key(Qt.Key.Key_Tab)  # its reason
            typed("nephrology agreed")
            key(Qt.Key.Key_Tab)
        key(Qt.Key.Key_A, ALT)  # Acknowledge and continue
        walk.in_modal(lambda d: _file_name(d, exported, walk, "export"))

    if interruptive:
        walk.in_modal(acknowledge)
    else:
        walk.in_modal(lambda d: _file_name(d, exported, walk, "export"))
    key(Qt.Key.Key_E, CTRL)
    back_to(qtbot, window)
    assert exported.read_bytes().startswith(b"%PDF")
    rows, _ = read_log()
    assert rows[-1]["action"] == "export"
    # Save (Ctrl+S asks for a name the first time), New (Ctrl+N), Open (Ctrl+O).
    saved = tmp_path / "walter.json"
    walk.in_modal(lambda d: _file_name(d, saved, walk, "save"))
    key(Qt.Key.Key_S, CTRL)
    back_to(qtbot, window)
    assert saved.exists()
    assert not window.controller.dirty
    key(Qt.Key.Key_N, CTRL)
    assert window.form.patient.name.text() == ""
    walk.in_modal(lambda d: _file_name(d, saved, walk, "open"))
    key(Qt.Key.Key_O, CTRL)
    back_to(qtbot, window)
    assert window.form.state() == from_case(load_case_bytes(saved.read_bytes(), kb), kb)
    assert focus() is window.form.patient.name
    walk.shot("reopened")
    assert walk.errors == []
    expected_modals = len(interruptive and [1]) + 3
    assert len(walk.seen_modal) == expected_modals, walk.seen_modal
