"""Where a window opens: the clinic's small screen filled, a large one mostly used.

Light on purpose (QtWidgets only): the launch window uses it before anything else loads.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QWidget

# On a screen this small or smaller (the clinic's 1366x768) the window takes all of it.
MAXIMISE_BELOW = (1600, 1000)
OPEN_SHARE = 0.85  # of a larger screen's available area, centred


def should_maximise(width: int, height: int) -> bool:
    return width < MAXIMISE_BELOW[0] or height < MAXIMISE_BELOW[1]


def place_on_screen(window: QWidget, saved: QByteArray | None = None) -> None:
    """Restore ``saved`` when it fits the screen's available area; otherwise fill a small
    screen (maximised) or open centred on most of a large one."""
    screen = window.screen().availableGeometry()
    restored = saved is not None and window.restoreGeometry(saved)
    if restored and (window.isMaximized() or screen.contains(window.frameGeometry())):
        return
    if should_maximise(screen.width(), screen.height()):
        window.resize(screen.size())
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
        return
    width, height = round(screen.width() * OPEN_SHARE), round(screen.height() * OPEN_SHARE)
    window.resize(width, height)
    window.move(screen.center().x() - width // 2, screen.center().y() - height // 2)
