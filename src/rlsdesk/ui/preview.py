"""The sheet's real PDF, shown inside the app with QtPdf (the same bytes print and export)."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rlsdesk.ui.printing import load_pdf

PREFERRED_SIZE = (820, 900)


class PreviewWindow(QWidget):
    """A separate, non-modal window; Print and Export go back through the controller."""

    print_requested = Signal()
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Recommendation sheet — preview")
        self.setMinimumSize(480, 400)  # explicit, so the layout never resizes the window
        self.resize(*PREFERRED_SIZE)
        self.view = QPdfView()
        self.view.setAccessibleName("Sheet preview")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.info = QLabel()
        self.info.setObjectName("panelStatus")
        self.info.setWordWrap(True)  # the note is long; the buttons keep their place
        print_button = QPushButton("&Print…")
        print_button.setShortcut(QKeySequence.StandardKey.Print)
        export_button = QPushButton("&Export PDF…")
        close_button = QPushButton("&Close")
        close_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))
        print_button.clicked.connect(self.print_requested)
        export_button.clicked.connect(self.export_requested)
        close_button.clicked.connect(self.close)
        bar = QHBoxLayout()
        bar.addWidget(self.info, 1)
        bar.addWidget(print_button)
        bar.addWidget(export_button)
        bar.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.document: QPdfDocument | None = None
        self._buffer: QBuffer | None = None

    def show_pdf(self, data: bytes, note: str = "") -> None:
        document, buffer = load_pdf(data)
        self.view.setDocument(document)
        if self.document is not None:
            self.document.close()
            self.document.deleteLater()
        self.document, self._buffer = document, buffer
        pages = document.pageCount()
        text = f"{pages} page{'s' if pages != 1 else ''}"
        self.info.setText(f"{text} — {note}" if note else text)

    def fit_to_screen(self) -> None:
        """The preferred size, or less so that the window (frame included) fits the screen's
        available area, placed inside it."""
        screen = self.screen().availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()
        width = min(PREFERRED_SIZE[0], screen.width() - frame.width())
        height = min(PREFERRED_SIZE[1], screen.height() - frame.height())
        self.resize(max(width, self.minimumWidth()), max(height, self.minimumHeight()))
        self.move(
            screen.x() + max(0, (screen.width() - self.frameGeometry().width()) // 2),
            screen.y(),
        )

    def page_count(self) -> int:
        return self.document.pageCount() if self.document is not None else 0
