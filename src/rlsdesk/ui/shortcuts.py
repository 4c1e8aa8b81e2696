"""Application shortcuts that keep working while the focus is in a text field.

A line edit claims some key combinations for itself before any shortcut sees them (on X11
Ctrl+E moves to the end of the line), so the menu's Ctrl+E never exported. This filter
answers the line edit's claim for exactly the window's own menu shortcuts: those reach their
action; every other key (Ctrl+Z, Ctrl+A, Ctrl+C ...) stays with the field as Qt provides.
It watches only the widget that has the focus (moved along with it): a filter on the whole
application would run Python for every event of every widget, paints included.

The same focus tracking tidies the text cursor: a line edit whose completion list was open
can keep blinking its cursor after the focus has left it (Qt treats the popup's focus change
as temporary), so two fields seem to have the focus. The field that lost the focus is told
so again, with an ordinary reason, which stops its cursor.
"""

from __future__ import annotations

from collections.abc import Iterable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QFocusEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget


class ShortcutKeeper(QObject):
    """Follows the focus inside ``window`` and keeps the menu shortcuts for the menus."""

    def __init__(self, window: QWidget, actions: Iterable[QAction]) -> None:
        super().__init__(window)
        self._window = window
        self._keys = {
            key.toString(QKeySequence.SequenceFormat.PortableText)
            for action in actions
            for key in action.shortcuts()
            if not key.isEmpty()
        }
        self._watched: QWidget | None = None
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._focus_changed)
            self._focus_changed(None, application.focusWidget())

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if self._watched is not None and shiboken6.isValid(self._watched):
            self._watched.removeEventFilter(self)  # a removed row's field is already gone
        self._watched = None
        if isinstance(old, QLineEdit) and shiboken6.isValid(old) and not old.hasFocus():
            left = QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.OtherFocusReason)
            QCoreApplication.sendEvent(old, left)
        if new is not None and new.window() is self._window:
            new.installEventFilter(self)
            self._watched = new

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(event, QKeyEvent):
            return False
        pressed = QKeySequence(event.keyCombination()).toString(
            QKeySequence.SequenceFormat.PortableText
        )
        if pressed not in self._keys:
            return False
        event.ignore()  # not overridden: the shortcut map gives the key to the action
        return True
