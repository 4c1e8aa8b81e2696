"""The window shown the moment rlsdesk starts, while the knowledge base loads.

Loading and verifying the knowledge base and building the form take a few hundred
milliseconds; the clinician sees this window at once instead, and the main window replaces
it in the same place. Importing this module costs only Qt itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class LaunchWindow(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("rlsdesk")
        self.setMinimumSize(900, 560)  # the main window's: the swap keeps the same frame
        self.resize(1280, 720)
        message = QLabel("rlsdesk\n\nLoading and verifying the knowledge base…")
        message.setObjectName("launchMessage")
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message.setAccessibleName("rlsdesk is starting")
        QVBoxLayout(self).addWidget(message)
