"""The app by keyboard: unique mnemonics in every window and dialog, menu shortcuts that work
from inside a text field, the focus where a case starts, undo and redo in a field."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from conftest import lab, make_case, run
from rlsdesk.knowledge import KnowledgeBase
from rlsdesk.settings import Settings
from rlsdesk.ui.about import AboutDialog, HelpWindow
from rlsdesk.ui.acknowledge_dialog import AcknowledgeDialog
from rlsdesk.ui.form.medications import SETTLE_MS
from rlsdesk.ui.main_window import MainWindow
from rlsdesk.ui.settings_dialog import SettingsDialog
from ui_helpers import (
    OFFSCREEN_POPUP_NOTICES,
    ScriptedDialogs,
    add_lab,
    add_medication,
    make_window,
    type_text,
    write_case,
)

pytestmark = OFFSCREEN_POPUP_NOTICES
CASE = make_case(
    patient={"name": "Jane Example", "age_years": 46, "sex": "female"},
    presentation={"rls": True, "leg_cramps": False},
    labs=[lab("ferritin", 38, "ng/mL")],
)
_MNEMONIC = re.compile(r"(?<!&)&([^&\s])")


def mnemonic(text: str) -> str | None:
    """The Alt+letter a text claims ('Se&x' -> 'x'); '&&' is a literal ampersand."""
    found = _MNEMONIC.search(text.replace("&&", ""))
    return found.group(1).lower() if found else None


def claims(window: QWidget) -> list[tuple[str, str]]:
    """(letter, text) for every mnemonic inside ``window`` (its own dialogs excluded)."""
    found: list[tuple[str, str]] = []
    for child in window.findChildren(QWidget):
        if child.window() is not window:
            continue
        if isinstance(child, QAbstractButton) or (
            isinstance(child, QLabel) and child.buddy() is not None
        ):
            text = child.text()
        elif isinstance(child, QGroupBox):
            text = child.title()
        else:
            continue
        letter = mnemonic(text)
        if letter:
            found.append((letter, text))
    if isinstance(window, MainWindow):
        for action in window.menuBar().actions():
            letter = mnemonic(action.text())
            if letter:
                found.append((letter, action.text()))
    return found


def duplicates(found: list[tuple[str, str]]) -> dict[str, list[str]]:
    counts = Counter(letter for letter, _ in found)
    return {k: [t for letter, t in found if letter == k] for k, n in counts.items() if n > 1}


class ClaimsEveryKey(QObject):
    """Makes a field claim every key combination before shortcuts, as a line edit does with
    Ctrl+E under X11's key bindings (so the test fails without the fix on any platform)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        return False


def activate(qtbot: QtBot, window: QWidget) -> None:
    """Make ``window`` the active window: shortcuts only reach the active one."""
    with qtbot.waitActive(window):
        window.activateWindow()


def test_mnemonic_helper_reads_qt_markup() -> None:
    """'Se&x' claims x, '&&' claims nothing, a text without '&' claims nothing."""
    assert mnemonic("Se&x") == "x"
    assert mnemonic("Salt && pepper") is None
    assert mnemonic("Name") is None


def test_every_window_and_dialog_has_unique_mnemonics(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The main window (rows included), each menu, and every dialog claim each letter once."""
    window, _ = make_window(qtbot, kb)
    assert window.controller.open_case(write_case(tmp_path / "case.json", CASE))
    add_lab(qtbot, window, "Magnesium", "0.62", "mmol/L")
    add_medication(qtbot, window, "sertrolane")
    add_medication(qtbot, window, "magnesium oxide", supplement=True)
    window.live.flush()
    found = claims(window)
    assert {"f", "e", "v", "h", "n", "x"} <= {letter for letter, _ in found}
    assert duplicates(found) == {}
    for menu in window.findChildren(QMenu):
        assert (
            duplicates([(m, a.text()) for a in menu.actions() if (m := mnemonic(a.text()))]) == {}
        )
    assert window.sheets.preview() is not None
    assert window.preview is not None
    assessment = run(kb, kidney={"egfr": 25, "dialysis": "none"},
                     supplements=[{"name": "magnesium oxide"}])  # fmt: skip
    dialogs: list[QWidget] = [
        SettingsDialog(Settings()),
        AcknowledgeDialog(assessment.alerts[:3]),
        AboutDialog(kb),
        HelpWindow(window.shortcut_list()),
        window.preview,
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        letters = claims(dialog)
        assert duplicates(letters) == {}, dialog.windowTitle()
    acknowledge = dialogs[1]
    assert isinstance(acknowledge, AcknowledgeDialog)
    assert mnemonic(acknowledge.ok_button.text()) == "a"


def test_every_menu_shortcut_acts_while_typing_in_a_field(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """With the focus in the name field, each menu shortcut reaches its command (Ctrl+E too)."""
    scripted = ScriptedDialogs(discard=["cancel"] * 20, open_paths=[None])
    window, dialogs = make_window(qtbot, kb, scripted)
    activate(qtbot, window)
    actions = window.shortcut_actions()
    expected = {"Ctrl+N", "Ctrl+O", "Ctrl+S", "Ctrl+Shift+S", "Ctrl+Shift+P", "Ctrl+P", "Ctrl+E"}
    expected |= {"Ctrl+Q", "Ctrl+Shift+C", "Ctrl+,", "Ctrl+1", "Ctrl+2", "F1"}
    assert {a.shortcut().toString() for a in actions} == expected
    name = window.form.patient.name
    claimer = ClaimsEveryKey(name)
    name.installEventFilter(claimer)
    # A field's own claim comes after every filter: focus it anew so the claim comes last.
    window.form.patient.identifier.setFocus()
    for action in actions:
        type_text(qtbot, name, "Ann")
        combination = action.shortcut()[0]
        with qtbot.waitSignal(action.triggered, timeout=1000, raising=False) as blocker:
            qtbot.keyClick(name, combination.key(), combination.keyboardModifiers())
        assert blocker.signal_triggered, f"{action.shortcut().toString()} did not reach its action"
        if action is window.export_action:
            assert dialogs.problems[-1][0] == "The case is not complete or not valid"
    assert window.isVisible()  # Ctrl+Q asked first, and the scripted answer was Cancel
    assert "discard: closing" in dialogs.asked
    assert window.help_window is not None
    assert window.help_window.isVisible()


def test_name_has_the_focus_at_start_after_new_and_after_open(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """A new window, New case and Open each put the cursor in the patient's name."""
    window, _ = make_window(qtbot, kb)
    name = window.form.patient.name
    assert window.focusWidget() is name
    window.panel.tree.setFocus()
    assert window.controller.open_case(write_case(tmp_path / "case.json", CASE))
    assert window.focusWidget() is name
    window.form.kidney.egfr.setFocus()
    assert window.controller.new_case()
    assert window.focusWidget() is name


def test_undo_and_redo_work_in_a_text_field(qtbot: QtBot, kb: KnowledgeBase) -> None:
    """Ctrl+Z undoes typing in a field and the redo key brings it back, as Qt provides."""
    window, _ = make_window(qtbot, kb)
    activate(qtbot, window)
    name = window.form.patient.name
    name.setFocus()
    qtbot.keyClicks(name, "Ann")
    qtbot.keyClick(name, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert name.text() != "Ann"
    redo = QKeySequence(QKeySequence.StandardKey.Redo)[0]
    qtbot.keyClick(name, redo.key(), redo.keyboardModifiers())
    assert name.text() == "Ann"


def test_window_title_names_the_patient_once(
    qtbot: QtBot, kb: KnowledgeBase, tmp_path: Path
) -> None:
    """The title is "rlsdesk - New case", then "rlsdesk - <patient>", marked when unsaved."""
    window, _ = make_window(qtbot, kb)
    assert window.windowTitle() == "rlsdesk - New case[*]"
    assert window.controller.open_case(write_case(tmp_path / "case.json", CASE))
    assert window.windowTitle() == "rlsdesk - Jane Example[*]"
    assert not window.isWindowModified()
    type_text(qtbot, window.form.patient.name, "Jane Other")
    window.live.flush()
    assert window.windowTitle().count("rlsdesk") == 1
    assert window.windowTitle() == "rlsdesk - Jane Other[*]"
    assert window.isWindowModified()


def test_tab_with_the_completion_list_open_moves_on_to_the_dose(
    qtbot: QtBot, kb: KnowledgeBase
) -> None:
    """Typing a name opens the completion list; Tab closes it, keeps the name and goes to the
    dose, and the name field no longer draws a text cursor."""
    from test_ui_layout import cursor_drawn

    window, _ = make_window(qtbot, kb)
    activate(qtbot, window)
    qtbot.mouseClick(window.form.supplements.add_button, Qt.MouseButton.LeftButton)
    row = window.form.supplements.medication_rows()[0]
    row.name.setFocus()
    qtbot.keyClicks(row.name, "magnesium ox")
    popup = QApplication.activePopupWidget()
    assert popup is not None  # keys now go to the list, as the window system sends them
    qtbot.keyClick(popup, Qt.Key.Key_Tab)
    qtbot.wait(SETTLE_MS + 100)
    assert QApplication.focusWidget() is row.dose
    assert QApplication.activePopupWidget() is None
    assert row.name.text() == "magnesium ox"
    assert not cursor_drawn(row.name)
